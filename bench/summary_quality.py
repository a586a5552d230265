"""NeuS val protocol: ROUGE of the default summary next to lead, sumy and MiniLM centroid+MMR baselines.

    .venv/bin/python bench/summary_quality.py            # the full val split (the reported figure)
    .venv/bin/python bench/summary_quality.py --limit 50 # a quick subset while tuning

The product's rows: `default` (the learned ranker, trained on NeuS train by bench/train_ranker.py, whose 5-fold
cross-validated train figure is printed below the table) and `heuristic` (the hand-tuned scorer, tuned on val).
Each cluster's article bodies (the `TITLE=>` parts dropped) become one in-memory Collection (real MiniLM;
vectors cached in bench/out/ across runs). Every method grows its summary one sentence at a time until
it holds 75 words, the output is cut at 75 words, and rouge-score F1 (stemmed; rougeLsum with one sentence
a line) is taken against the roundup body. The product's methods stop growing earlier when the summary
already holds 25% of its sources' words (summarizer.RATIO: a short cluster gets a short summary, as its
roundup is); the `/fill` rows (`ratio=None`) fill the 75 words as the baselines do, for a like-for-like look at
which sentences are chosen.

Baselines are those of the eval README: round-robin lead, sumy's four methods (all body sentences, best
`count` in reading order) and MiniLM centroid + MMR. The rows `<sumy>+groups` are the product's own
`summarize(method=<sumy>)`, which also skips a second sentence of a fact group already used; they are
printed for comparison, and the margin is given against both sets.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import default_embedder, split_text  # noqa: E402
from summarizer import Collection  # noqa: E402
from summarizer.summary.ranker import RANKER_FILE  # noqa: E402
from summarizer.summary.summaries import summarize_store  # noqa: E402
from summarizer.summary.sumy_methods import sumy_ranking  # noqa: E402

# ../shared beside the checkout, or two levels up from a git worktree (../wt/<name>); MDSUM_NEUS overrides
NEUS = Path(os.environ.get("MDSUM_NEUS", next((d / "shared" / "eval" / "neus" for d in (ROOT.parent, ROOT.parent.parent)
                                               if (d / "shared" / "eval" / "neus").is_dir()), ROOT.parent / "shared")))
OUT = ROOT / "bench" / "out"
CUT = 75
PUBLISHED = {  # ../shared/eval/README.md, val split
    "lead": (38.02, 16.75, 32.10), "lexrank": (37.82, 16.23, 32.16), "textrank": (38.44, 17.33, 32.36),
    "lsa": (37.43, 15.90, 31.33), "luhn": (38.23, 17.13, 32.45), "centroid_mmr": (38.76, 17.09, 32.89),
}
SUMY = ("lexrank", "textrank", "lsa", "luhn")
BASELINES = ("lead", *SUMY, "centroid_mmr")  # as ../shared/eval/README.md defines them


class CachedEmbedder:
    """MiniLM with an on-disk cache of text -> vector (bench only: repeated runs skip the model)."""

    def __init__(self, path: Path) -> None:
        self.inner = default_embedder()
        self.name, self.dim = self.inner.name, self.inner.dim
        self.path = path
        self.cache: dict[str, np.ndarray] = {}
        if path.exists():
            data = np.load(path, allow_pickle=False)
            self.cache = dict(zip(data["texts"].tolist(), data["vectors"]))
        self.dirty = False

    def encode(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.encode(missing)))
            self.dirty = True
        return np.vstack([self.cache[t] for t in texts]).astype(np.float32) if texts else np.zeros((0, self.dim), np.float32)

    def save(self) -> None:
        if self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            texts = list(self.cache)
            np.savez(self.path, texts=np.array(texts), vectors=np.vstack([self.cache[t] for t in texts]))


def body(part: str) -> str:
    part = part.strip()
    return part.split("ARTICLE=>", 1)[1].strip() if "ARTICLE=>" in part else part


def load(limit: int | None, split: str = "val") -> list[tuple[list[str], str]]:
    sources = (NEUS / f"{split}.source").read_text(encoding="utf-8").splitlines()
    targets = (NEUS / f"{split}.target").read_text(encoding="utf-8").splitlines()
    pairs = [([body(p) for p in s.split(" [SEP] ") if body(p)], body(t)) for s, t in zip(sources, targets)]
    return pairs[:limit] if limit else pairs


def sentences_of(text: str) -> list[str]:
    return [text[sp.start : sp.end] for sp in split_text(text)[0]]


def cut(sentences: list[str], limit: int = CUT) -> list[str]:
    out, n = [], 0
    for s in sentences:
        words = s.split()
        if n >= limit:
            break
        out.append(" ".join(words[: limit - n]))
        n += len(words)
    return out


def grow(col: Collection, method: str, **kw) -> list[str]:
    """The method's summary with 1, 2, ... sentences until it reaches CUT words (or runs out)."""
    prev = None
    for k in range(1, 200):
        s = summarize_store(col.store, max_words=10_000, max_sentences=k, method=method, **kw)
        texts = [c.text for c in s.sentences]
        if sum(len(t.split()) for t in texts) >= CUT or texts == prev:
            return texts
        prev = texts
    return prev or []


def plain_sumy(col: Collection, method: str) -> list[str]:
    """The eval README's sumy baseline: sumy ranks all body sentences (fed our own sentences); its best
    ``count`` sentences, in reading order, grown until the budget is filled. No fact groups."""
    texts = [s.text for d in col.documents for s in col.sentences(d.id) if s.is_body]
    ranking = [row for row, _ in sumy_ranking(method, texts)]
    for k in range(1, len(ranking) + 1):
        chosen = [texts[r] for r in sorted(ranking[:k])]
        if sum(len(t.split()) for t in chosen) >= CUT:
            return chosen
    return texts


def lead(col: Collection) -> list[str]:
    """Round robin over the articles: first sentences of each, then second sentences, ..."""
    per_doc = [[s.text for s in col.sentences(d.id) if s.is_body] for d in col.documents]
    out, n, k = [], 0, 0
    while n < CUT and any(k < len(p) for p in per_doc):
        for p in per_doc:
            if k < len(p) and n < CUT:
                out.append(p[k])
                n += len(p[k].split())
        k += 1
    return out


def centroid_mmr(col: Collection, lam: float = 0.7) -> list[str]:
    """MiniLM centroid + MMR over body sentences, grown to CUT words, in reading order."""
    st = col.store
    sids = st.body_ids()
    vecs = st.vectors(sids)
    c = vecs.mean(axis=0)
    c /= np.linalg.norm(c) or 1.0
    rel = vecs @ c
    chosen: list[int] = []
    n = 0
    while n < CUT and len(chosen) < len(sids):
        red = np.max(vecs @ vecs[chosen].T, axis=1) if chosen else np.zeros(len(sids))
        mmr = lam * rel - (1 - lam) * red
        mmr[chosen] = -np.inf
        i = int(np.argmax(mmr))
        chosen.append(i)
        n += len(st.sentence(sids[i]).text.split())
    return [st.sentence(sids[i]).text for i in sorted(chosen)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N clusters (not the reported figure)")
    ap.add_argument("--methods", default="default,default/fill,heuristic,heuristic/fill,lead,lexrank,textrank,lsa,luhn,"
                    "centroid_mmr,lexrank+groups,textrank+groups,lsa+groups,luhn+groups")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    emb = CachedEmbedder(OUT / "neus_val_vectors.npz")
    data = load(args.limit)
    methods = args.methods.split(",")
    scores: dict[str, list[list[float]]] = {m: [] for m in methods}  # per cluster: R1, R2, RLsum
    spent = {m: 0.0 for m in methods}
    t0 = time.perf_counter()
    for articles, target in data:
        col = Collection(embedder=emb)
        for i, a in enumerate(articles):
            col.add_text(a, title=f"article {i}")
        ref = "\n".join(sentences_of(target))
        for m in methods:
            t = time.perf_counter()
            if m == "lead":
                pred = lead(col)
            elif m == "centroid_mmr":
                pred = centroid_mmr(col)
            elif m in SUMY:
                pred = plain_sumy(col, m)
            else:  # the product's: "default", "heuristic", "<sumy>+groups" (summarize(method=<sumy>)); "/fill": ratio=None
                name = m.removesuffix("/fill")
                pred = grow(col, name.removesuffix("+groups"), **({"ratio": None} if name != m else {}))
            spent[m] += time.perf_counter() - t
            sc = scorer.score(ref, "\n".join(cut(pred)))
            scores[m].append([sc["rouge1"].fmeasure, sc["rouge2"].fmeasure, sc["rougeLsum"].fmeasure])
        col.close()
    emb.save()
    n = len(data)
    print(f"NeuS val: {n} clusters{'' if not args.limit else ' (SUBSET: not the reported figure)'}, "
          f"cut at {CUT} words, {time.perf_counter() - t0:.1f} s")
    print(f"{'method':14} {'R1':>6} {'R2':>6} {'RLsum':>6}   {'README (full val)':>20}  ms/cluster")
    per = {m: 100 * np.array(scores[m]) for m in methods}
    rows = {m: per[m].mean(axis=0) for m in methods}
    for m in methods:
        pub = PUBLISHED.get(m)
        pub_s = " / ".join(f"{x:.2f}" for x in pub) if pub else ""
        print(f"{m:14} {rows[m][0]:6.2f} {rows[m][1]:6.2f} {rows[m][2]:6.2f}   {pub_s:>20}  {1000 * spent[m] / n:8.1f}")
    if "default" in rows:
        for label, base in (
            ("baselines as the eval README defines them", [m for m in methods if m in BASELINES]),
            ("every other row, incl. our grouped sumy methods", [m for m in methods if not m.startswith("default")]),
        ):
            if base:
                b1 = max(rows[m][0] for m in base)
                b2 = max(rows[m][1] for m in base)
                print(f"default - best of {label}: R1 {rows['default'][0] - b1:+.2f} (target +2.50), "
                      f"R2 {rows['default'][1] - b2:+.2f} (target +1.50)")
        if n > 1:  # how much of a val figure is which clusters happen to be in val
            se = per["default"].std(axis=0, ddof=1) / np.sqrt(n)
            line = f"standard error of a val mean (per-cluster spread / sqrt({n})): default R1 {se[0]:.2f}, R2 {se[1]:.2f}"
            best = max((m for m in methods if m in BASELINES), key=lambda m: rows[m][0], default=None)
            if best:
                sd = (per["default"] - per[best]).std(axis=0, ddof=1) / np.sqrt(n)
                line += f"; of default minus {best} (paired) R1 {sd[0]:.2f}, R2 {sd[1]:.2f}"
            print(line)
        if "heuristic" in rows:
            print("heuristic: hand-tuned on val, so its val figure is optimistic; on NeuS train, where it was not "
                  "tuned, bench/train_ranker.py prints its figure beside the learned default's CV")
        cv = json.loads(RANKER_FILE.read_text(encoding="utf-8")).get("cv_train")
        if cv:  # the learned default's own figure outside val, written by bench/train_ranker.py with the weights
            print(f"default, 5-fold cross-validated on NeuS train (bench/train_ranker.py): R1 {cv[0]:.2f} / R2 {cv[1]:.2f}"
                  f" / RLsum {cv[2]:.2f}; val - CV: R1 {rows['default'][0] - cv[0]:+.2f}, R2 {rows['default'][1] - cv[1]:+.2f}")


if __name__ == "__main__":
    main()
