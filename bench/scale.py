"""Scale: vector ingest time, index memory, search latency and recall@10 at 10k, 100k and 1M sentences.

Usage: python bench/scale.py [--sizes 10000 100000 1000000] [--queries 300]

Vectors are precomputed so the model is not the bottleneck: a pool of real MiniLM vectors of news
sentences (../shared/eval/neus, encoded once and cached in bench/out/), each synthetic sentence a mix of
two pool sentences plus noise, so the data keeps the shape of real sentence embeddings. Queries are
held-out real sentences. Recall@10 is against brute-force exact search over the same vectors; the exact
FAISS flat search is timed beside our index as the baseline.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import MiniLMEmbedder, split_text  # noqa: E402
from index.vectors import VectorIndex  # noqa: E402

NEUS = ROOT.parent / "shared" / "eval" / "neus" / "val.source"
OUT = ROOT / "bench" / "out"


def real_vectors(n: int) -> np.ndarray:
    """MiniLM vectors of ``n`` distinct NeuS sentences (cached)."""
    cache = OUT / f"neus_vectors_{n}.npy"
    if cache.exists():
        return np.load(cache)
    sents: dict[str, None] = {}
    for line in NEUS.read_text(encoding="utf-8").splitlines():
        for part in line.split(" [SEP] "):
            body = re.sub(r"^.*?ARTICLE=>\s*", "", part.strip())
            spans, _ = split_text(body) if body.strip() else ([], None)
            for s in spans:
                if s.kind == "body" and len(body[s.start : s.end].split()) >= 5:
                    sents[body[s.start : s.end]] = None
    texts = list(sents)[:n]
    vecs = MiniLMEmbedder().encode(texts)
    OUT.mkdir(parents=True, exist_ok=True)
    np.save(cache, vecs)
    return vecs


def synthetic(pool: np.ndarray, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, pool.shape[1]), dtype=np.float32)
    for lo in range(0, n, 100_000):
        m = min(100_000, n - lo)
        a = pool[rng.integers(0, len(pool), m)]
        b = pool[rng.integers(0, len(pool), m)]
        noise = rng.standard_normal(a.shape).astype(np.float32)
        noise /= np.linalg.norm(noise, axis=1, keepdims=True)
        v = a + 0.5 * b + 0.6 * noise
        out[lo : lo + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def exact_top(vecs: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    top = np.empty((len(queries), k), dtype=np.int64)
    for lo in range(0, len(queries), 50):
        sims = queries[lo : lo + 50] @ vecs.T
        part = np.argpartition(-sims, k, axis=1)[:, :k]
        top[lo : lo + 50] = part
    return top


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def latency(index, queries: np.ndarray, k: int = 10) -> tuple[float, float]:
    times = []
    for q in queries:
        t = time.perf_counter()
        index.search(q[None, :], k)
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times)), float(np.percentile(times, 95))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--queries", type=int, default=300)
    args = ap.parse_args()
    import faiss

    real = real_vectors(4000 + args.queries)
    pool, queries = real[:-args.queries], real[-args.queries :]
    print(f"pool of {len(pool)} real sentence vectors; {len(queries)} held-out real sentences as queries")
    print(f"{'sentences':>10} {'index':>6} {'ingest s':>9} {'memory MB':>10} {'median ms':>10} {'p95 ms':>8} "
          f"{'recall@10':>9} {'exact median ms':>16} {'speed-up':>9}")
    for n in args.sizes:
        vecs = synthetic(pool, n, seed=n)
        ids = np.arange(n, dtype=np.int64) + 1
        before = rss_mb()
        t = time.perf_counter()
        index = VectorIndex(vecs.shape[1])
        for lo in range(0, n, 50_000):
            index.add(ids[lo : lo + 50_000], vecs[lo : lo + 50_000])
        ingest = time.perf_counter() - t
        mem = len(index.to_bytes()) / 2**20
        med, p95 = latency(index, queries)
        _, got = index.search(queries, 10)
        truth = exact_top(vecs, queries, 10) + 1
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, truth)]))
        flat = faiss.IndexFlatIP(vecs.shape[1])
        flat.add(vecs)
        exact_med, _ = latency(flat, queries[:60])
        print(f"{n:>10,} {index.kind:>6} {ingest:>9.1f} {mem:>10.0f} {med:>10.2f} {p95:>8.2f} {recall:>9.3f} "
              f"{exact_med:>16.2f} {exact_med / med:>8.1f}x   (RSS +{rss_mb() - before:.0f} MB)")
        del flat, index, vecs
    print("targets at 1,000,000: median search < 10 ms, recall@10 >= 0.95")


if __name__ == "__main__":
    main()
