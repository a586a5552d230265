"""Ingest speed: sentences per second through Collection.add_text next to raw SentenceTransformer.encode.

Usage: python bench/ingest.py [--sentences 3000] [--rounds 2]

Both runs encode the same sentences (real news articles from ../shared/eval/neus/val.source, split by our
splitter) with the same model and batch size, in this process; the ratio is ingest rate / raw rate.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import MiniLMEmbedder, split_text  # noqa: E402
from summarizer import Collection  # noqa: E402

NEUS = ROOT.parent / "shared" / "eval" / "neus" / "val.source"


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=2, help="best of this many runs of each")
    args = ap.parse_args()
    docs, sents = articles(args.sentences)
    embedder = MiniLMEmbedder()
    model = embedder.model
    model.encode(sents[:64], batch_size=embedder.batch_size)  # warm up
    raw, mem, disk = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        files = Path(tmp) / "articles"
        files.mkdir()
        for i, body in enumerate(docs):
            (files / f"article-{i:04d}.txt").write_text(body, encoding="utf-8")
        for r in range(args.rounds):
            t = time.perf_counter()
            model.encode(sents, batch_size=embedder.batch_size, normalize_embeddings=True, convert_to_numpy=True)
            raw.append(len(sents) / (time.perf_counter() - t))
            with Collection(Path(tmp) / f"store-{r}", embedder=embedder) as col:  # fresh store: empty cache
                t = time.perf_counter()
                col.add_files([files])
                disk.append(len(sents) / (time.perf_counter() - t))
            with Collection(embedder=embedder) as col:
                t = time.perf_counter()
                for i, body in enumerate(docs):
                    col.add_text(body, title=f"article {i}")
                mem.append(len(sents) / (time.perf_counter() - t))
    r, d, m = max(raw), max(disk), max(mem)
    print(f"documents: {len(docs)}, body sentences: {len(sents)}, best of {args.rounds} rounds")
    print(f"raw SentenceTransformer.encode:                      {r:7.1f} sentences/s")
    print(f"add_files(directory) into a store on disk:           {d:7.1f} sentences/s  ratio {d / r:.3f}")
    print(f"add_text per article, in memory:                     {m:7.1f} sentences/s  ratio {m / r:.3f}")
    print(f"target: ratio >= 0.9")


if __name__ == "__main__":
    main()
