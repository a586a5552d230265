"""Answer latency of `Collection.ask`: median and p95 on the seeds and on a synthetic 100,000-sentence collection.

    .venv/bin/python bench/qa_speed.py [--sentences 100000] [--repeat 5]

The synthetic collection repeats the seeds' real sentences (with a document number, so texts differ) in
documents of 40 sentences; vectors are the seeds' real vectors plus small noise, computed once with the model,
so the model is not the bottleneck of building it. The first question after a change builds the lexical indexes
(reported separately); the latencies are for later questions, model loaded.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from index import NewDocument, default_embedder  # noqa: E402
from summarizer import Collection  # noqa: E402

QUESTIONS = [
    "What did Baerbock ask?", "What did Blinken ask Lavrov about nuclear treaties?", "When did Russia invade Ukraine?",
    "Which countries backed Blinken?", "What did Sergey Lavrov say about the West?", "What is the capital of Peru?",
    "What did Blinken and Jaishankar's meeting focus on?", "Who confirmed that the meeting took place?",
    "What did the French foreign minister say?", "How long did Blinken and Lavrov speak?",
]


class NoisyCopies:
    """An embedder for the synthetic collection: the real vector of a known sentence plus a little noise."""

    def __init__(self, real, known: dict[str, np.ndarray]) -> None:
        self.real, self.known = real, known
        self.name, self.dim = real.name + "+noisy-copies", real.dim
        self.rng = np.random.default_rng(0)

    def encode(self, texts):
        out = []
        for t in texts:
            base = self.known.get(t.split(" (doc ", 1)[0].rstrip("."))
            v = self.real.encode([t])[0] if base is None else base + self.rng.normal(0, 0.02, self.dim)
            out.append(v / np.linalg.norm(v))
        return np.asarray(out, dtype=np.float32)


def latencies(col: Collection, repeat: int) -> tuple[float, float, float]:
    t = time.perf_counter()
    col.ask(QUESTIONS[0])
    first = time.perf_counter() - t
    times = []
    for _ in range(repeat):
        for q in QUESTIONS:
            t = time.perf_counter()
            col.ask(q, k=3)
            times.append(time.perf_counter() - t)
    times.sort()
    return first, statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    emb = default_embedder()
    seeds = Collection(embedder=emb)
    seeds.add_files(sorted((ROOT / "seeds").glob("*.txt")))
    first, med, p95 = latencies(seeds, args.repeat)
    n_seed = len(seeds.store.body_ids())
    print(f"seeds ({n_seed} sentences): first ask {first * 1000:.0f} ms (builds indexes); "
          f"median {med:.1f} ms, p95 {p95:.1f} ms over {args.repeat * len(QUESTIONS)} asks")

    body = [seeds.store.sentence(s).text for s in seeds.store.body_ids()]
    known = dict(zip((b.rstrip(".") for b in body), emb.encode(body)))
    big = Collection(embedder=NoisyCopies(emb, known))
    big.add_files(sorted((ROOT / "seeds").glob("*.txt")))  # the real seeds, so answers exist
    per_doc, docs, made = 40, [], 0
    t = time.perf_counter()
    rng = np.random.default_rng(1)
    while made < args.sentences - n_seed:
        d = len(docs)
        picks = rng.choice(len(body), per_doc)
        docs.append(NewDocument(" ".join(f"{body[i].rstrip('.')} (doc {d})." for i in picks), title=f"synthetic {d}"))
        made += per_doc
    for i in range(0, len(docs), 250):
        big.store.add(docs[i : i + 250])
    n_big = len(big.store.body_ids())
    print(f"synthetic collection: {n_big:,} sentences in {len(big.documents):,} documents, "
          f"built in {time.perf_counter() - t:.0f} s")
    first, med, p95 = latencies(big, args.repeat)
    print(f"synthetic ({n_big:,} sentences): first ask {first * 1000:.0f} ms (builds indexes); "
          f"median {med:.1f} ms, p95 {p95:.1f} ms over {args.repeat * len(QUESTIONS)} asks")


if __name__ == "__main__":
    main()
