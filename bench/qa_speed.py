"""Answer latency of `Collection.ask`: median and p95 on the seeds and on a synthetic 100,000-sentence collection.

    .venv/bin/python bench/qa_speed.py [--sentences 100000] [--repeat 3] [--base 3000]

The synthetic collection is made of documents of 20 sentences drawn from a few thousand distinct real news
sentences (NeuS val article bodies, split with `index.split_text`), each varied with a name and a number so the
texts differ, plus the three seed articles so the seed questions have answers. The base sentences are encoded once
with the real model (cached in bench/out/); the store gets a table-lookup embedder that returns a sentence's base
vector, so building calls the model only for the seeds' sentences, and the questions are encoded by the real model.
Building (one `Store.add`) is timed apart; the first question builds the lexical indexes (reported separately);
the latencies are for the later questions, model loaded. Each latency is also given as a ratio to one question's
encoding by the model (the median over the questions, encoded one at a time): the target is under 8. Follow-ups
(the seeds_chat_dev turns, asked with their conversation as history) are timed the same way.
The shared data folder is $MDSUM_SHARED when set, else ../shared (or ../../shared from a git worktree).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from index import NewDocument, default_embedder, split_text  # noqa: E402
from summarizer import Collection  # noqa: E402

# $MDSUM_SHARED, else ../shared beside the checkout (a git worktree one level deeper finds it one level further up)
SHARED = Path(os.environ.get("MDSUM_SHARED") or next(
    (d for d in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if d.is_dir()), ROOT.parent / "shared")) / "eval"
OUT = ROOT / "bench" / "out"
PER_DOC = 20

QUESTIONS = [
    "What did Baerbock ask?", "What did Blinken ask Lavrov about nuclear treaties?", "When did Russia invade Ukraine?",
    "Which countries backed Blinken?", "What did Sergey Lavrov say about the West?", "What is the capital of Peru?",
    "What did Blinken and Jaishankar's meeting focus on?", "Who confirmed that the meeting took place?",
    "What did the French foreign minister say?", "How long did Blinken and Lavrov speak?",
]
GENERIC = [
    "What did Sanders say about health care?", "Who won the Nevada caucuses?", "What did the Supreme Court decide?",
    "What did Trump say about the impeachment inquiry?", "How many people died?",
    "What did the Federal Reserve do with interest rates?", "Who criticized the decision?",
    "When will the Senate vote?", "What did Democrats propose on immigration?", "What did the governor announce?",
    "How much will the plan cost?", "Why did the official resign?", "What did the police say about the shooting?",
    "Who is running for president?",
]
NAMES = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Haddad", "Kowalski", "Novak", "Ferreira", "Iversen", "Castillo",
         "Brennan", "Achebe", "Sato", "Volkov", "Dubois", "Rahman", "Quinn", "Esposito", "Nakamura", "Bauer"]
_END = "\"'”’.!?…)"
_VARIANT = re.compile(r"^(.*) \([A-Z][a-z]+ \d+\)([" + re.escape(_END) + r"]*)$", re.S)


def base_sentences(n: int) -> list[str]:
    """Up to ``n`` distinct body sentences (8 to 60 words) of the NeuS val articles, in file order."""
    seen: dict[str, None] = {}
    for line in (SHARED / "neus" / "val.source").read_text(encoding="utf-8").splitlines():
        for article in line.split(" [SEP] "):
            body = article.split("ARTICLE=>", 1)[-1].strip()
            spans, _ = split_text(body)
            for sp in spans:
                t = body[sp.start : sp.end]
                if sp.kind == "body" and 8 <= len(t.split()) <= 60 and "\n" not in t:
                    seen.setdefault(t, None)
            if len(seen) >= n:
                return list(seen)[:n]
    return list(seen)


def base_vectors(real, texts: list[str]) -> np.ndarray:
    """The real model's vectors of the base sentences, cached in bench/out/ by their texts."""
    OUT.mkdir(parents=True, exist_ok=True)
    cache = OUT / f"qa_speed_base_{real.name}_{len(texts)}.npz"
    if cache.exists():
        data = np.load(cache, allow_pickle=False)
        if list(data["texts"]) == texts:
            return data["vectors"]
    vecs = np.asarray(real.encode(texts), dtype=np.float32)
    np.savez(cache, texts=np.array(texts), vectors=vecs)
    return vecs


def core(text: str) -> str:
    return text.rstrip(_END + " ")


def vary(text: str, name: str, number: int) -> str:
    """``text`` with a name and a number inserted before its closing punctuation."""
    c = core(text)
    return f"{c} ({name} {number}){text[len(c):]}"


class TableEmbedder:
    """Precomputed vectors of known sentences (a variant gets its template's); other texts go to the real model."""

    def __init__(self, real, texts: list[str], vectors: np.ndarray) -> None:
        self.real, self.dim = real, real.dim
        self.name = "table-minilm"
        self.table = {core(t): v for t, v in zip(texts, vectors)}
        self.model_calls = 0  # texts that went to the real model

    def lookup(self, text: str) -> np.ndarray | None:
        v = self.table.get(core(text))
        if v is None:
            m = _VARIANT.match(text)
            if m:
                v = self.table.get(core(m.group(1) + m.group(2)))
        return v

    def encode(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing = []
        for i, t in enumerate(texts):
            v = self.lookup(t)
            if v is None:
                missing.append(i)
            else:
                out[i] = v
        if missing:
            self.model_calls += len(missing)
            out[missing] = self.real.encode([texts[i] for i in missing])
        return out


def latencies(col: Collection, questions: list[str]) -> tuple[float, list[float]]:
    t = time.perf_counter()
    col.ask(questions[0])
    first = time.perf_counter() - t
    times = []
    for q in questions:
        t = time.perf_counter()
        col.ask(q, k=3)
        times.append(time.perf_counter() - t)
    return first, times


def encoding_time(emb, questions: list[str]) -> float:
    """Median seconds to encode one question alone (the unit of the latency ratio)."""
    times = []
    for q in questions:
        t = time.perf_counter()
        emb.encode([q])
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def followup_latencies(col: Collection, repeat: int) -> list[float]:
    """Seconds per follow-up turn of seeds_chat_dev, each asked with its conversation (questions and answers)."""
    convs = json.loads((SHARED / "seeds_chat_dev.json").read_text(encoding="utf-8"))
    times = []
    for _ in range(repeat):
        for conv in convs:
            history = []
            for turn in conv["turns"]:
                t = time.perf_counter()
                ans = col.ask(turn["q"], k=3, history=list(history))
                if history:
                    times.append(time.perf_counter() - t)
                history.append((turn["q"], ans))
    return times


def report(label: str, first: float | None, times: list[float], unit: float) -> None:
    times = sorted(times)
    med = statistics.median(times) * 1000
    p95 = times[int(round(0.95 * (len(times) - 1)))] * 1000
    head = f"first ask {first * 1000:.0f} ms (builds indexes); " if first is not None else ""
    print(f"{label}: {head}median {med:.1f} ms, p95 {p95:.1f} ms, max {times[-1] * 1000:.1f} ms over {len(times)} "
          f"asks; median / one question's encoding ({unit * 1000:.1f} ms) = {med / (unit * 1000):.1f} (target < 8)",
          flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="passes over the questions")
    ap.add_argument("--base", type=int, default=3000, help="distinct real sentences the synthetic texts vary")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    seed_qs = [x["q"] for x in json.loads((SHARED / "seeds_qa_dev.json").read_text(encoding="utf-8"))]
    questions = list(dict.fromkeys(QUESTIONS + seed_qs + GENERIC))
    asks = questions * args.repeat

    emb = default_embedder()
    emb.encode(["warm up"])
    unit = encoding_time(emb, questions * args.repeat)
    print(f"one question's encoding: median {unit * 1000:.1f} ms over {len(questions) * args.repeat} questions")
    seeds = Collection(embedder=emb)
    seeds.add_files(sorted((ROOT / "seeds").glob("*.txt")))
    n_seed = len(seeds.store.body_ids())
    first, times = latencies(seeds, asks)
    report(f"seeds ({n_seed} sentences)", first, times, unit)
    report("seeds follow-ups with history", None, followup_latencies(seeds, args.repeat), unit)

    t = time.perf_counter()
    texts = base_sentences(args.base)
    vecs = base_vectors(emb, texts)
    print(f"base: {len(texts):,} distinct NeuS sentences, vectors in {time.perf_counter() - t:.1f} s "
          f"(cached in {OUT.relative_to(ROOT)})", flush=True)
    table = TableEmbedder(emb, texts, vecs)
    big = Collection(embedder=table)
    big.add_files(sorted((ROOT / "seeds").glob("*.txt")))  # the real seeds, so answers exist
    rng = np.random.default_rng(1)
    docs, made = [], 0
    t = time.perf_counter()
    while made < args.sentences - n_seed:
        d = len(docs)
        picks = rng.choice(len(texts), PER_DOC, replace=False)
        names = rng.choice(len(NAMES), PER_DOC)
        # one sentence a paragraph: the splitter then needs pysbd only where a sentence holds an inner full stop
        body = "\n\n".join(vary(texts[i], NAMES[j], d * PER_DOC + k) for k, (i, j) in enumerate(zip(picks, names)))
        docs.append(NewDocument(body, title=f"{texts[picks[0]][:40].rstrip()} ({d})"))
        made += PER_DOC
    made_s = time.perf_counter() - t
    t = time.perf_counter()
    big.store.add(docs)
    add_s = time.perf_counter() - t
    n_big = len(big.store.body_ids())
    print(f"synthetic collection: {n_big:,} sentences in {len(big.documents):,} documents; texts made in "
          f"{made_s:.1f} s, Store.add (split, table vectors, SQLite, FAISS) {add_s:.1f} s; "
          f"{table.model_calls} sentences sent to the model", flush=True)
    calls = table.model_calls
    first, times = latencies(big, asks)
    report(f"synthetic ({n_big:,} sentences)", first, times, unit)
    print(f"  ({table.model_calls - calls} question spellings encoded by the model)")
    report("synthetic follow-ups with history", None, followup_latencies(big, args.repeat), unit)


if __name__ == "__main__":
    main()
