"""Ingest speed: the ways to add documents next to raw SentenceTransformer.encode of the same sentences.

Usage: python bench/ingest.py [--sentences 3000] [--rounds 2] [--ray-workers 1 2] [--no-ray]

Every run encodes the same sentences (real news articles from ../shared/eval/neus/val.source, split by our
splitter) with the same model and batch size, in this process; each row gives its rate and its time as a
multiple of raw encoding (target for the batch path: at most 1.1). Rows: `add_texts` (one call, in memory),
`add_files` of a directory (store on disk), one `add_text` per article (in memory), and the Ray path
(`index.distributed`, a local Ray instance of 2 CPUs, workers loading the model themselves) with 1 and 2 workers,
timed from the call (actor start and model load included) and, apart, from its first batch written to its last
(the steady rate, per worker).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import MiniLMEmbedder, split_text  # noqa: E402
from index.splitting import clear_split_cache  # noqa: E402
from summarizer import Collection  # noqa: E402

RAY_BATCH_CHARS = 50_000  # smaller transactions on the Ray rows, so progress marks when the workers are running
NEUS = Path(os.environ.get("MDSUM_SHARED", ROOT.parent / "shared")) / "eval" / "neus" / "val.source"


def articles(limit_sentences: int) -> tuple[list[str], list[str]]:
    """News article bodies, and their body sentences, until ``limit_sentences`` are collected."""
    docs, sents = [], []
    for line in NEUS.read_text(encoding="utf-8").splitlines():
        for part in line.split(" [SEP] "):
            body = re.sub(r"^.*?ARTICLE=>\s*", "", part.strip())
            if not body.strip():
                continue
            spans, _ = split_text(body)
            docs.append(body)
            sents.extend(body[s.start : s.end] for s in spans if s.kind == "body")
            if len(sents) >= limit_sentences:
                return docs, sents
    return docs, sents


def best(fn, rounds: int) -> float:
    """The shortest of ``rounds`` runs of ``fn`` (seconds)."""
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def ray_rows(files: Path, n_sents: int, workers: list[int], raw: float, rounds: int) -> None:
    try:
        import ray
    except ImportError:
        print("Ray rows skipped: Ray is not installed (pip install 'mdsum[ray]')")
        return
    from index import expand_paths, read_text_file
    from index.distributed import add_files_on_ray

    paths = expand_paths([files])
    sizes = [len(read_text_file(p)) for p in paths]
    t = time.perf_counter()
    ray.init(num_cpus=max(workers), include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    print(f"local Ray instance started in {time.perf_counter() - t:.1f} s ({max(workers)} CPUs)")
    try:
        for w in workers:
            marks: list[tuple[float, int]] = []

            def run() -> None:
                marks.clear()
                with Collection(embedder=MiniLMEmbedder()) as col:
                    add_files_on_ray(col.store, paths, sizes, workers=w, batch_chars=RAY_BATCH_CHARS,
                                     progress=lambda d, t: marks.append((time.perf_counter(), d)))
            took = best(run, rounds)
            (t0, d0), (t1, d1) = marks[0], marks[-1]
            steady = n_sents * (d1 - d0) / len(paths) / (t1 - t0) if t1 > t0 else float("nan")
            print(f"Ray, {w} worker{'s' if w > 1 else ' '} (from the call):          {n_sents / took:7.1f} sentences/s  "
                  f"time {took / raw:.2f}x raw; once running {steady:.1f} sentences/s ({steady / w:.1f} a worker)")
    finally:
        ray.shutdown()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=2, help="best of this many runs of each")
    ap.add_argument("--ray-workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()
    docs, sents = articles(args.sentences)
    embedder = MiniLMEmbedder()
    model = embedder.model
    model.encode(sents[:64], batch_size=embedder.batch_size)  # warm up
    titles = [f"article {i}" for i in range(len(docs))]

    def fresh() -> Collection:
        return Collection(embedder=embedder)  # in memory, empty embedding cache

    with tempfile.TemporaryDirectory() as tmp:
        files = Path(tmp) / "articles"
        files.mkdir()
        for i, body in enumerate(docs):
            (files / f"article-{i:04d}.txt").write_text(body, encoding="utf-8")
        n = len(sents)
        print(f"documents: {len(docs)}, body sentences: {n}, best of {args.rounds} rounds", flush=True)
        stores = iter(range(args.rounds))
        runs = {
            "raw SentenceTransformer.encode:       ": lambda: model.encode(
                sents, batch_size=embedder.batch_size, normalize_embeddings=True, convert_to_numpy=True),
            "add_texts(all articles), in memory:  ": lambda: fresh().add_texts(docs, titles=titles),
            "add_files(directory), store on disk: ":
                lambda: Collection(Path(tmp) / f"store-{next(stores)}", embedder=embedder).add_files([files]),
            "add_text per article, in memory:     ":
                lambda: [c.add_text(d, title=t) for c in [fresh()] for d, t in zip(docs, titles)],
        }
        took = {label: float("inf") for label in runs}
        for _ in range(args.rounds):  # rounds interleaved: a busy machine slows every row alike
            for label, run in runs.items():
                clear_split_cache()  # articles() split the texts already: every row splits them from scratch
                took[label] = min(took[label], best(run, 1))
        raw, batch, _, single = took.values()
        for label, t in took.items():
            print(f"{label}          {n / t:7.1f} sentences/s  time {t / raw:.2f}x raw", flush=True)
        print(f"one add_text per article takes {single / batch:.2f}x the time of one add_texts")
        print("target: add_texts at most 1.10x raw encoding", flush=True)
        if not args.no_ray:
            ray_rows(files, n, args.ray_workers, raw, args.rounds)


if __name__ == "__main__":
    main()
