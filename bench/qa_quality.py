"""Answer quality of `Collection.ask` next to BM25, dense and fused single-sentence baselines (same process).

    .venv/bin/python bench/qa_quality.py [--seeds ../shared/eval/seeds_qa_dev.json]
        [--chat ../shared/eval/seeds_chat_dev.json] [--distractors 300]
        [--hotpot ../shared/eval/hotpotqa/dev50.json] [--limit N] [--show] [--failures]

Seeds metrics (../shared/eval/README.md): hit@1, hit@3, source_recall@3 over answer points and every citation.
Chat: every turn of the conversations scored the same way, asked with the earlier turns as history (each turn's
own answer passed on, as the app does) and asked alone, on the seeds and on the seeds mixed into the first
``--distractors`` NeuS val articles (other stories; vectors cached in bench/out/).
HotpotQA: supporting-sentence recall@5 and all_found@5 over the first five cited sentences; one Collection per
question, each paragraph one document titled by its title (vectors cached in bench/out/). Then each question as
the ``query`` of a 120-word summary of its paragraphs: the share of gold sentences cited, against the plain summary.
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

from bench.summary_quality import CachedEmbedder  # noqa: E402
from index import default_embedder  # noqa: E402
from summarizer import Collection  # noqa: E402
from summarizer.answer.answers import answer_question  # noqa: E402
from summarizer.answer.retrieval import corpus_of  # noqa: E402
from summarizer.answer.lexical import tokenize  # noqa: E402

# $MDSUM_SHARED, else ../shared beside the checkout (a git worktree one level deeper finds it one level further up)
SHARED = Path(os.environ.get("MDSUM_SHARED") or next(
    (d for d in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if d.is_dir()), ROOT.parent / "shared"))
OUT = ROOT / "bench" / "out"
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


def seeds_collection(embedder) -> Collection:
    col = Collection(embedder=embedder)
    col.add_files(sorted((ROOT / "seeds").glob("*.txt")))
    return col


def prefixes(col: Collection) -> dict[str, str]:
    """Document id -> the seeds' file-name prefix (000, 003, 004); other documents: their title."""
    return {d.id: Path(d.path).name[:3] if d.path else d.title for d in col.documents}


def seeds_eval(path: Path, col: Collection, show: bool) -> None:
    items = json.loads(path.read_text())
    prefix = prefixes(col)
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


# ----------------------------------------------------------------- conversations

def neus_articles(n: int, path: Path = SHARED / "eval" / "neus" / "val.source") -> list[tuple[str, str]]:
    """The first ``n`` articles of NeuS val as (title, body), cluster by cluster (tests/conftest.py reads them so)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        for part in line.split(" [SEP] "):
            title, _, body = part.partition("ARTICLE=>")
            if body.strip():
                out.append((title.replace("TITLE=>", "").strip() or "untitled", body.strip()))
            if len(out) >= n:
                return out
    return out


def mixed_collection(embedder, n: int) -> Collection:
    """The seeds among ``n`` NeuS val articles on other stories."""
    col = seeds_collection(embedder)
    for title, body in neus_articles(n):
        col.add_text(body, title=title)
    return col


def score_points(points, gold, docs, prefix) -> tuple[bool, bool, float]:
    """hit@1, hit@3 and source_recall@3 of answer points (lists of citations) as seeds_qa_dev scores them."""
    gold = [fold(g) for g in gold]
    ok = [[any(g in fold(c.text) for g in gold) for c in p.citations] for p in points]
    found = {prefix.get(c.doc_id) for p, o in zip(points[:3], ok[:3]) for c, good in zip(p.citations, o) if good}
    return bool(ok and any(ok[0])), any(any(o) for o in ok[:3]), len(found & set(docs)) / len(docs)


def chat_eval(path: Path, col: Collection, label: str, show: bool) -> None:
    convs = json.loads(path.read_text())
    prefix = prefixes(col)
    rows = {"history": [], "alone": []}
    for conv in convs:
        history = []
        for turn in conv["turns"]:
            with_h = col.ask(turn["q"], k=3, history=list(history))
            alone = col.ask(turn["q"], k=3)
            history.append((turn["q"], with_h))
            for name, ans in (("history", with_h), ("alone", alone)):
                rows[name].append(score_points(ans.sentences, turn["gold"], turn["docs"], prefix))
            if show:
                h = rows["history"][-1]
                print(f"  {'+' if h[1] else '-'} {turn['q']}  ->  {with_h.resolved_question}")
                for p in with_h.sentences:
                    print(f"      [{', '.join(prefix[c.doc_id][:12] for c in p.citations)}] {p.text[:100]}")
    n = len(rows["history"])
    print(f"\n## {path.name} on {label}: {len(convs)} conversations, {n} turns, {len(col.documents)} documents")
    print(f"{'asked':8} {'hit@1':>6} {'hit@3':>6} {'src_recall@3':>13} {'turns hit@3':>12}")
    for name, r in rows.items():
        h1, h3, sr = (sum(x[i] for x in r) / n for i in range(3))
        print(f"{name:8} {h1:6.3f} {h3:6.3f} {sr:13.3f} {sum(x[1] for x in r):>7d} of {n}")


def cases_eval(path: Path, col: Collection, label: str, show: bool) -> None:
    """Single questions with a ``class`` each (tests/data/qa_cases.json): hit@1 / hit@3 by class."""
    items = json.loads(path.read_text())
    prefix = prefixes(col)
    by: dict[str, list] = {}
    for it in items:
        ans = col.ask(it["q"], k=3)
        r = score_points(ans.sentences, it["gold"], it["docs"], prefix)
        by.setdefault(it["class"], []).append(r)
        if show:
            print(f"  {'+' if r[1] else '-'} [{it['class']}] {it['q']}")
            for p in ans.sentences:
                print(f"      [{', '.join(prefix[c.doc_id][:12] for c in p.citations)}] {p.text[:100]}")
    print(f"\n## {path.name} on {label}: {len(items)} questions")
    print(f"{'class':10} {'n':>3} {'hit@1':>6} {'hit@3':>6}")
    for name, r in by.items():
        print(f"{name:10} {len(r):3d} {sum(x[0] for x in r) / len(r):6.3f} {sum(x[1] for x in r) / len(r):6.3f}")


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


def print_miss(col: Collection, question: str, gold, found: list[bool], cits) -> None:
    """A HotpotQA question not fully answered; with ``cits``, its gold sentences (+ found) and what was cited."""
    print(f"  Q: {question}  ({sum(found)}/{len(found)})")
    for g, f in zip(gold, found) if cits is not None else ():
        doc = col.document(g[0])
        print(f"     gold {'+' if f else '-'} [{doc.title}] {doc.text[g[1]:g[2]][:120]}")
    for c in cits or ():
        print(f"     got    [{col.document(c[0]).title}] {c[3][:120]}")


def hotpot_eval(path: Path, limit: int | None, show: bool, failures: bool = False, k: int = 5) -> None:
    items = json.loads(path.read_text())[:limit]
    emb = CachedEmbedder(OUT / f"hotpot_{path.stem}_vectors.npz")
    print(f"\n## {path.name}: {len(items)} questions (k={k})")
    t = time.perf_counter()
    cols = [hotpot_collection(it, emb) for it in items]
    emb.save()
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
            if (show or failures) and name == "ask" and not all(found):
                print_miss(col, it["question"], gold, found, cits if failures else None)
        print(f"{name:8} {statistics.mean(rec):9.3f} {allf / len(items):12.3f} {empty:6d}")
    focused_summaries(items, cols)


def focused_summaries(items, cols, words: int = 120) -> None:
    """The question as a summary's ``query``: the share of gold sentences a summary of every paragraph cites,
    without a query (the baseline, in the same run), focused on the question, and scoped and focused by it."""
    print(f"\nsummaries of {words} words (filled): share of gold sentences cited")
    print(f"{'summary':24} {'recall':>7} {'all_found':>10}")
    runs = {"plain": lambda col, q: col.summarize(words, ratio=None, doc_ids=[d.id for d in col.documents]),
            "focused (doc_ids)": lambda col, q: col.summarize(words, ratio=None, doc_ids=[d.id for d in col.documents],
                                                              query=q),
            "query (scope + focus)": lambda col, q: col.summarize(words, ratio=None, query=q)}
    for name, run in runs.items():
        rec, allf = [], 0
        for it, (col, gold) in zip(items, cols):
            summ = run(col, it["question"])
            cits = [(c.doc_id, c.start, c.end) for s in summ.sentences for c in s.citations]
            found = [covered(g, cits) for g in gold]
            rec.append(sum(found) / len(found))
            allf += all(found)
        print(f"{name:24} {statistics.mean(rec):7.3f} {allf / len(items):10.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=SHARED / "eval" / "seeds_qa_dev.json")
    ap.add_argument("--hotpot", type=Path, default=SHARED / "eval" / "hotpotqa" / "dev50.json")
    ap.add_argument("--chat", type=Path, nargs="*", default=[SHARED / "eval" / "seeds_chat_dev.json"],
                    help="conversation files (none: skip)")
    ap.add_argument("--qa", type=Path, nargs="*", default=[],
                    help="more single-question files with a class per question (e.g. tests/data/qa_cases.json)")
    ap.add_argument("--distractors", type=int, default=300, help="NeuS val articles the seeds are mixed into")
    ap.add_argument("--limit", type=int, default=None, help="HotpotQA: first N questions only")
    ap.add_argument("--show", action="store_true", help="print the answers (seeds, chat) and the misses (HotpotQA)")
    ap.add_argument("--failures", action="store_true", help="HotpotQA: print each miss with its gold and cited sentences")
    ap.add_argument("--skip-hotpot", action="store_true")
    ap.add_argument("--skip-seeds", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    seeds = seeds_collection(default_embedder())
    if not args.skip_seeds:
        seeds_eval(args.seeds, seeds, args.show)
    if args.chat or args.qa:
        emb = CachedEmbedder(OUT / "neus_val_vectors.npz")
        t = time.perf_counter()
        mixed = mixed_collection(emb, args.distractors)
        emb.save()
        print(f"\n(seeds mixed into {args.distractors} NeuS val articles in {time.perf_counter() - t:.1f} s)")
        for path in args.qa:
            cases_eval(path, seeds, "the seeds alone", args.show)
            cases_eval(path, mixed, f"the seeds mixed into {args.distractors} NeuS articles", args.show)
        for path in args.chat:
            chat_eval(path, seeds, "the seeds alone", args.show)
            chat_eval(path, mixed, f"the seeds mixed into {args.distractors} NeuS articles", args.show)
    if not args.skip_hotpot:
        hotpot_eval(args.hotpot, args.limit, args.show, args.failures)


if __name__ == "__main__":
    main()
