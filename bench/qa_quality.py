"""Answer quality of `Collection.ask` next to BM25, dense and fused single-sentence baselines (same process).

    .venv/bin/python bench/qa_quality.py [--seeds ../shared/eval/seeds_qa_dev.json]
        [--hotpot ../shared/eval/hotpotqa/dev50.json] [--limit N] [--show]

Seeds metrics (../shared/eval/README.md): hit@1, hit@3, source_recall@3 over answer points and every citation.
HotpotQA: supporting-sentence recall@5 and all_found@5 over the first five cited sentences; one Collection per
question, each paragraph one document titled by its title.
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

from index import default_embedder  # noqa: E402
from summarizer import Collection  # noqa: E402
from summarizer.answer.answers import answer_question  # noqa: E402
from summarizer.answer.retrieval import corpus_of  # noqa: E402
from summarizer.answer.lexical import tokenize  # noqa: E402

SHARED = ROOT.parent / "shared"
RRF_K = 60


# ----------------------------------------------------------------- rankers: question -> points (lists of citations)
# A citation here is (doc_id, start, end, text).

def _cits(col, sids):
    out = []
    for sid in sids:
        s = col.store.sentence(sid)
        out.append([(s.doc_id, s.start, s.end, s.text)])
    return out


def bm25_ranks(col, q, n):
    c = corpus_of(col.store)
    sc = c.own.scores(tokenize(q))
    order = [int(i) for i in sorted(range(len(sc)), key=lambda i: -sc[i]) if sc[i] > 0][:n]
    return [int(c.sids[i]) for i in order]


def dense_ranks(col, q, n):
    v = col.store.embedder.encode([q])
    return [s for s, _ in col.store.search(v, n)[0]]


def fused_ranks(col, q, n, depth=50):
    score: dict[int, float] = {}
    for ranks in (bm25_ranks(col, q, depth), dense_ranks(col, q, depth)):
        for r, sid in enumerate(ranks):
            score[sid] = score.get(sid, 0.0) + 1.0 / (RRF_K + r + 1)
    return sorted(score, key=lambda s: -score[s])[:n]


RANKERS = {
    "bm25": lambda col, q, k: _cits(col, bm25_ranks(col, q, k)),
    "dense": lambda col, q, k: _cits(col, dense_ranks(col, q, k)),
    "fused": lambda col, q, k: _cits(col, fused_ranks(col, q, k)),
    "ask": lambda col, q, k: [[(c.doc_id, c.start, c.end, c.text) for c in p.citations]
                              for p in answer_question(col.store, q, k).sentences],
}


# ----------------------------------------------------------------- seeds

def fold(s: str) -> str:
    s = s.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    return re.sub(r"\s+", " ", s).strip().lower()


def seeds_eval(path: Path, show: bool) -> None:
    items = json.loads(path.read_text())
    col = Collection(embedder=default_embedder())
    col.add_files(sorted((ROOT / "seeds").glob("*.txt")))
    prefix = {d.id: Path(d.path).name[:3] for d in col.documents}  # the seeds by file name (000, 003, 004)
    print(f"\n## {path.name}: {len(items)} questions, {len(col.documents)} documents")
    print(f"{'method':8} {'hit@1':>6} {'hit@3':>6} {'src_recall@3':>13} {'empty':>6}")
    for name, rank in RANKERS.items():
        h1 = h3 = sr = 0.0
        empty = 0
        for it in items:
            gold = [fold(g) for g in it["gold"]]
            points = rank(col, it["q"], 3)
            empty += not points
            ok = [[any(g in fold(c[3]) for g in gold) for c in p] for p in points]
            h1 += any(ok[0]) if ok else 0
            h3 += any(any(o) for o in ok[:3])
            found = {prefix[c[0]] for p, o in zip(points[:3], ok[:3]) for c, good in zip(p, o) if good}
            sr += len(found & set(it["docs"])) / len(it["docs"])
            if show and name == "ask":
                print(f"  Q: {it['q']}")
                for p, o in zip(points, ok):
                    print(f"    {'+' if any(o) else '-'} [{', '.join(prefix[c[0]] for c in p)}] {p[0][3][:110]}")
        n = len(items)
        print(f"{name:8} {h1 / n:6.3f} {h3 / n:6.3f} {sr / n:13.3f} {empty:6d}")


# ----------------------------------------------------------------- HotpotQA

def hotpot_collection(item, embedder):
    col = Collection(embedder=embedder)
    gold_spans = []  # (doc_id, start, end)
    sup = set(zip(item["supporting_facts"]["title"], item["supporting_facts"]["sent_id"]))
    for title, sents in zip(item["context"]["title"], item["context"]["sentences"]):
        text, spans = "", []
        for s in sents:
            a = len(text) + (len(s) - len(s.lstrip()))
            text += s
            spans.append((a, len(text.rstrip())))
        doc = col.add_text(text, title=title)
        for j, (a, b) in enumerate(spans):
            if (title, j) in sup and b > a:
                gold_spans.append((doc.id, a, b))
    return col, gold_spans


def covered(gold, cits) -> bool:
    d, a, b = gold
    return any(c[0] == d and min(b, c[2]) - max(a, c[1]) > 0.5 * (b - a) for c in cits)


def hotpot_eval(path: Path, limit: int | None, show: bool, k: int = 5) -> None:
    items = json.loads(path.read_text())[:limit]
    emb = default_embedder()
    print(f"\n## {path.name}: {len(items)} questions (k={k})")
    t = time.perf_counter()
    cols = [hotpot_collection(it, emb) for it in items]
    print(f"(collections built in {time.perf_counter() - t:.1f} s)")
    print(f"{'method':8} {'recall@5':>9} {'all_found@5':>12} {'empty':>6}")
    for name, rank in RANKERS.items():
        rec, allf, empty = [], 0, 0
        for it, (col, gold) in zip(items, cols):
            points = rank(col, it["question"], k)
            empty += not points
            cits = list(dict.fromkeys(c for p in points for c in p))[:k]
            found = [covered(g, cits) for g in gold]
            rec.append(sum(found) / len(found))
            allf += all(found)
            if show and name == "ask" and not all(found):
                print(f"  Q: {it['question']}  ({sum(found)}/{len(found)})")
        print(f"{name:8} {statistics.mean(rec):9.3f} {allf / len(items):12.3f} {empty:6d}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=SHARED / "eval" / "seeds_qa_dev.json")
    ap.add_argument("--hotpot", type=Path, default=SHARED / "eval" / "hotpotqa" / "dev50.json")
    ap.add_argument("--limit", type=int, default=None, help="HotpotQA: first N questions only")
    ap.add_argument("--show", action="store_true", help="print the answers (seeds) and the misses (HotpotQA)")
    ap.add_argument("--skip-hotpot", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    seeds_eval(args.seeds, args.show)
    if not args.skip_hotpot:
        hotpot_eval(args.hotpot, args.limit, args.show)


if __name__ == "__main__":
    main()
