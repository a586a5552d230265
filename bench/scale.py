"""Scale: the vector index alone (10k, 100k, 1M sentences), then a full store of 1M sentences.

Usage: python bench/scale.py [--sizes 10000 100000 1000000] [--queries 300]
                             [--store-sizes 1000000] [--store-dir DIR] [--rebuild-store] [--repeat 2]

Vector index rows: vectors are precomputed so the model is not the bottleneck: a pool of real MiniLM vectors
of news sentences (../shared/eval/neus, encoded once and cached in bench/out/), each synthetic sentence a
mix of two pool sentences plus noise, so the data keeps the shape of real sentence embeddings. Queries are
held-out real sentences. Recall@10 is against brute-force exact search over the same vectors; the exact
FAISS flat search is timed beside our index as the baseline.

Full-store rows (``--store-sizes``; ``--sizes 0`` skips the index rows, ``--store-sizes 0`` the store rows): a
real store on disk (SQLite + FAISS) of documents of 20 sentences, each a real NeuS sentence varied with a
name and a number, with its real MiniLM vector plus noise, written through ``Store.add_prepared`` (the batch
writer, no model) after the three seeds; kept in ``--store-dir`` (default bench/out/scale-store-N) and reused
by later runs. A fresh process then opens it and reports open time, RSS, the first ask (which reads or builds
the lexical index), ask p50/p95 through ``Collection.ask`` (real model for the questions), the first ask after
adding one document and after removing one, a summary of the 50 latest documents, and close. Building 1M
takes about 10 minutes here and the first measurement run (which builds and saves the lexical index) several
more; later runs reuse both.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import MiniLMEmbedder, NewDocument, Span, default_embedder, encode_queries, split_text  # noqa: E402
from index.store import PreparedDocument  # noqa: E402
from index.vectors import VectorIndex  # noqa: E402

SHARED = Path(os.environ.get("MDSUM_SHARED", ROOT.parent / "shared"))
NEUS = SHARED / "eval" / "neus" / "val.source"
OUT = ROOT / "bench" / "out"
PER_DOC = 20
WRITE_DOCS = 1000  # documents per Store.add_prepared transaction while building


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


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def latency(index, queries: np.ndarray, k: int = 10) -> tuple[float, float]:
    times = []
    for q in queries:
        t = time.perf_counter()
        index.search(q[None, :], k)
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times)), float(np.percentile(times, 95))


def pq_rows(sizes: list[int], n_queries: int, m: int = 48, rerank: int = 100) -> None:
    """IVF-PQ (``m`` bytes a vector): memory, latency and recall@10, alone and re-ranked by exact cosine of its top
    ``rerank`` (the store would read those vectors, float16, from disk)."""
    import faiss

    real = real_vectors(4000 + n_queries)
    pool, queries = real[:-n_queries], real[-n_queries :]
    print(f"IVF-PQ, {m} bytes a vector; re-ranking reads the exact vectors of the top {rerank}")
    for n in sizes:
        vecs = synthetic(pool, n, seed=n)
        nlist = int(2 ** round(np.log2(4 * np.sqrt(n))))
        t = time.perf_counter()
        index = faiss.IndexIVFPQ(faiss.IndexFlatIP(vecs.shape[1]), vecs.shape[1], nlist, m, 8, faiss.METRIC_INNER_PRODUCT)
        index.train(vecs[np.random.default_rng(0).choice(n, min(n, 64 * nlist), replace=False)])
        index.add(vecs)
        build = time.perf_counter() - t
        size = len(faiss.serialize_index(index)) / n
        truth = exact_top(vecs, queries, 10)
        for nprobe in (16, 64):
            index.nprobe = nprobe
            med, _ = latency(index, queries[:100], k=rerank)
            _, got = index.search(queries, rerank)
            plain = float(np.mean([len(set(a[:10]) & set(b)) / 10 for a, b in zip(got, truth)]))
            exact = np.einsum("qd,qkd->qk", queries, vecs[np.maximum(got, 0)])
            best10 = np.take_along_axis(got, np.argsort(-exact, axis=1)[:, :10], axis=1)
            again = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(best10, truth)]))
            print(f"{n:>10,} nlist {nlist} nprobe {nprobe:>3}: {size:.0f} bytes a vector, built in {build:.0f} s, "
                  f"median {med:.2f} ms; recall@10 {plain:.3f}, re-ranked {again:.3f}")
        del index, vecs


# ---------------------------------------------------------------------------------------------- full store

def build_store(path: Path, n: int) -> None:
    """A store of about ``n`` body sentences: the seeds, then synthetic documents through the batch writer."""
    from qa_speed import NAMES, base_sentences, base_vectors, vary

    from summarizer import Collection

    emb = default_embedder()
    texts = base_sentences(3000)
    vecs = base_vectors(emb, texts)
    if path.exists():
        shutil.rmtree(path)
    t0 = time.perf_counter()
    with Collection(path, embedder=emb) as col:
        col.add_files(sorted((ROOT / "seeds").glob("*.txt")))
        store = col.store
        rng = np.random.default_rng(7)
        made = store.body_count
        with store.bulk():
            while made < n:
                batch = []
                for _ in range(WRITE_DOCS):
                    batch.append(synthetic_doc(rng, texts, vecs, NAMES, vary, made))
                    made += PER_DOC
                store.add_prepared(batch)
                if made % 100_000 < WRITE_DOCS * PER_DOC:
                    print(f"  {made:,} sentences written, {time.perf_counter() - t0:.0f} s", flush=True)
    print(f"built {path}: {made:,} sentences in {time.perf_counter() - t0:.0f} s", flush=True)


def synthetic_doc(rng, texts, vecs, names, vary, first: int) -> PreparedDocument:
    """One document of PER_DOC sentences, one a paragraph, with its spans and vectors (base vector plus noise)."""
    picks = rng.choice(len(texts), PER_DOC, replace=False)
    sents = [vary(texts[i], names[rng.integers(len(names))], first + k) for k, i in enumerate(picks)]
    spans, pos = [], 0
    for k, t in enumerate(sents):
        spans.append(Span(pos, pos + len(t), "body", k))
        pos += len(t) + 2
    noise = rng.standard_normal((PER_DOC, vecs.shape[1])).astype(np.float32)
    v = vecs[picks] + 0.3 * noise / np.linalg.norm(noise, axis=1, keepdims=True)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    title = f"{texts[picks[0]][:40].rstrip()} ({first // PER_DOC})"
    return PreparedDocument(NewDocument("\n\n".join(sents), title=title), tuple(spans), None, v)


def measure_store(path: Path, repeat: int) -> dict:
    """Figures of one store, in this (fresh) process."""
    from qa_speed import GENERIC, QUESTIONS

    from summarizer import Collection
    from summarizer.answer.corpus import corpus_of

    seed_qs = [x["q"] for x in json.loads((SHARED / "eval" / "seeds_qa_dev.json").read_text(encoding="utf-8"))]
    questions = list(dict.fromkeys(QUESTIONS + seed_qs + GENERIC))
    emb = default_embedder()
    encode_queries(emb, ["warm up"])  # the model, loaded and traced before the clock starts: not part of opening a store
    out: dict = {"rss_model_mb": rss_mb()}
    t = time.perf_counter()
    col = Collection(path, embedder=emb)
    out["open_s"] = time.perf_counter() - t
    out["sentences"], out["documents"] = col.store.body_count, len(col.documents)
    out["rss_open_mb"] = rss_mb()
    out["first_ask_s"] = timed(lambda: col.ask(questions[0]))
    cpu: list[float] = []  # this process's CPU time: what a busy shared machine does not add waiting to
    times = [timed(lambda q=q: cpu.append(cpu_timed(lambda: col.ask(q)))) for q in questions * repeat]
    first, later = times[: len(questions)], times[len(questions) :] or times
    out["ask_p50_ms"], out["ask_p95_ms"] = statistics.median(first) * 1000, percentile(first, 0.95) * 1000
    out["cpu_p50_ms"], out["cpu_p95_ms"] = (statistics.median(cpu[: len(questions)]) * 1000,
                                            percentile(cpu[: len(questions)], 0.95) * 1000)
    out["load"] = os.getloadavg()[0]
    out["again_p50_ms"], out["again_p95_ms"] = statistics.median(later) * 1000, percentile(later, 0.95) * 1000
    out["asks"] = len(questions)
    out["encode_p50_ms"] = statistics.median(timed(lambda q=q: encode_queries(emb, [q])) for q in questions) * 1000
    out["library_encode_p50_ms"] = statistics.median(timed(lambda q=q: emb.encode([q])) for q in questions) * 1000
    text = (ROOT / "seeds").glob("*.txt").__next__().read_text(encoding="utf-8") + "\n\nA closing line for this run."
    t = time.perf_counter()
    doc = col.add_text(text, title=f"bench added {time.time():.0f}")
    out["add_one_s"] = time.perf_counter() - t
    out["catch_up_add_s"] = timed(lambda: corpus_of(col.store))  # the lexical indexes follow the add ...
    out["ask_after_add_s"] = out["catch_up_add_s"] + timed(lambda: col.ask("What did Baerbock ask?"))  # ... + ask
    t = time.perf_counter()
    col.remove(doc.id)
    out["remove_one_s"] = time.perf_counter() - t
    out["catch_up_remove_s"] = timed(lambda: corpus_of(col.store))
    out["ask_after_remove_s"] = out["catch_up_remove_s"] + timed(lambda: col.ask("What did Baerbock ask?"))
    summ = []
    out["summary_s"] = timed(lambda: summ.append(col.summarize(max_words=150)))
    out["summary_docs"] = len(summ[0].doc_ids or [])
    out["rss_end_mb"], out["rss_peak_mb"] = rss_mb(), rss_mb("VmHWM")
    out["close_s"] = timed(col.close)
    return out


def percentile(times: list[float], q: float) -> float:
    return sorted(times)[int(round(q * (len(times) - 1)))]


def cpu_timed(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def store_rows(sizes: list[int], store_dir: Path | None, rebuild: bool, repeat: int) -> None:
    for n in sizes:
        path = store_dir or OUT / f"scale-store-{n}"
        if rebuild or not (path / "collection.sqlite").exists():
            build_store(path, n)
        for run in ("first", "again"):  # the first run may build and save the lexical index; the second reads it
            proc = subprocess.run([sys.executable, __file__, "--measure-store", str(path), "--repeat", str(repeat)],
                                  capture_output=True, text=True, timeout=3600)
            if proc.returncode:
                raise SystemExit(proc.stderr[-3000:])
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"full store, {r['sentences']:,} sentences in {r['documents']:,} documents ({run} open):")
            print(f"  open {r['open_s']:.1f} s; RSS {r['rss_open_mb']:,.0f} MB after open (model alone "
                  f"{r['rss_model_mb']:,.0f} MB), {r['rss_end_mb']:,.0f} MB at the end, peak {r['rss_peak_mb']:,.0f} MB")
            print(f"  first ask {r['first_ask_s']:.2f} s (reads or builds the lexical index); ask p50 "
                  f"{r['ask_p50_ms']:.1f} ms, p95 {r['ask_p95_ms']:.1f} ms over {r['asks']} questions; asked again "
                  f"p50 {r['again_p50_ms']:.1f} ms, p95 {r['again_p95_ms']:.1f} ms (the model encodes a question in "
                  f"{r['encode_p50_ms']:.1f} ms, p50; sentence-transformers' own path {r['library_encode_p50_ms']:.1f} ms); CPU time of the first asks p50 {r['cpu_p50_ms']:.1f} ms, "
                  f"p95 {r['cpu_p95_ms']:.1f} ms (load average {r['load']:.1f} on {os.cpu_count()} CPUs)")
            print(f"  add one document {r['add_one_s']:.2f} s, first ask after it {r['ask_after_add_s']:.2f} s (lexical "
                  f"catch-up {r['catch_up_add_s']:.2f} s); remove it {r['remove_one_s']:.2f} s, first ask after it "
                  f"{r['ask_after_remove_s']:.2f} s (catch-up {r['catch_up_remove_s']:.2f} s)")
            print(f"  summary of the {r['summary_docs']} latest documents {r['summary_s']:.2f} s; close "
                  f"{r['close_s']:.1f} s", flush=True)
    print("targets at 1,000,000: RSS < 2,500 MB, ask p95 < 100 ms, first ask after an add or a remove < 1 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--store-sizes", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--store-dir", type=Path, default=None)
    ap.add_argument("--rebuild-store", action="store_true", help="build the store again even if it exists")
    ap.add_argument("--repeat", type=int, default=2, help="passes over the questions in the store rows")
    ap.add_argument("--pq", action="store_true", help="also IVF-PQ rows (the index a 10M-100M store would need)")
    ap.add_argument("--measure-store", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure_store:
        print(json.dumps(measure_store(args.measure_store, args.repeat)))
        return
    index_rows([n for n in args.sizes if n], args.queries)
    if args.pq:
        pq_rows([n for n in args.sizes if n], args.queries)
    store_rows([n for n in args.store_sizes if n], args.store_dir, args.rebuild_store, args.repeat)


def index_rows(sizes: list[int], n_queries: int) -> None:
    if not sizes:
        return
    import faiss

    real = real_vectors(4000 + n_queries)
    pool, queries = real[:-n_queries], real[-n_queries :]
    print(f"pool of {len(pool)} real sentence vectors; {len(queries)} held-out real sentences as queries")
    print(f"{'sentences':>10} {'index':>6} {'ingest s':>9} {'memory MB':>10} {'median ms':>10} {'p95 ms':>8} "
          f"{'recall@10':>9} {'exact median ms':>16} {'speed-up':>9}")
    for n in sizes:
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
