"""Compare speed: seconds for Collection.compare() over 3, 30 and 100 news-length documents.

Usage: python bench/compare_speed.py [--sizes 3 30 100] [--rounds 3]

Documents are built from real news articles (../shared/eval/neus/val.source): each joins consecutive
articles until it holds at least 22 body sentences, takes three sentences of other documents (facts
they share, out of order), and one in four is followed by a planted rewrite of it (words dropped and
swapped, one sentence left out). All documents are encoded once, outside the timing; compare() reads the
stored vectors. Reported: the median of ``--rounds`` runs per size, and the rewrites found against the
rewrites planted (a check that independent articles are not taken for rewrites).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import MiniLMEmbedder, split_text  # noqa: E402
from summarizer import Collection  # noqa: E402

NEUS = ROOT.parent / "shared" / "eval" / "neus" / "val.source"
MIN_SENTENCES = 22


def article_sentences() -> list[list[str]]:
    """The body sentences of every NeuS article, article by article."""
    out = []
    for line in NEUS.read_text(encoding="utf-8").splitlines():
        for part in line.split(" [SEP] "):
            body = re.sub(r"^.*?ARTICLE=>\s*", "", part.strip())
            if body.strip():
                spans, _ = split_text(body)
                sents = [body[s.start : s.end] for s in spans if s.kind == "body"]
                if sents:
                    out.append(sents)
    return out


def reword(sentence: str, rng: random.Random) -> str:
    """A rewording: about one word in eight dropped and one pair of neighbouring words swapped."""
    words = sentence.split()
    kept = [w for i, w in enumerate(words) if i == 0 or rng.random() > 0.125] or words
    if len(kept) > 3:
        k = rng.randrange(1, len(kept) - 1)
        kept[k], kept[k + 1] = kept[k + 1], kept[k]
    return " ".join(kept)


def build(n_docs: int, seed: int = 13) -> tuple[list[tuple[str, str]], int]:
    """(title, text) for ``n_docs`` documents, and how many of them are planted rewrites."""
    rng = random.Random(seed)
    articles = article_sentences()
    originals: list[list[str]] = []
    pos = 0
    while len(originals) < n_docs and pos < len(articles):
        sents: list[str] = []
        while len(sents) < MIN_SENTENCES and pos < len(articles):
            sents.extend(articles[pos])
            pos += 1
        originals.append(sents)
    for k, sents in enumerate(originals):  # a few facts every document shares with others
        others = [s for j, o in enumerate(originals) if j != k for s in o[:3]]
        for s in rng.sample(others, min(3, len(others))):
            sents.insert(rng.randrange(len(sents) + 1), s)
    docs: list[tuple[str, str]] = []
    planted = 0
    for k, sents in enumerate(originals):
        if len(docs) >= n_docs:
            break
        docs.append((f"article {k:03d}", paragraphs(sents)))
        if k % 4 == 0 and len(docs) < n_docs:
            copy = [reword(s, rng) for s in sents]
            del copy[rng.randrange(len(copy))]
            docs.append((f"article {k:03d} rewritten", paragraphs(copy)))
            planted += 1
    return docs, planted


def paragraphs(sents: list[str]) -> str:
    return "\n\n".join(" ".join(sents[i : i + 3]) for i in range(0, len(sents), 3))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[3, 30, 100])
    ap.add_argument("--rounds", type=int, default=3, help="median of this many runs per size")
    args = ap.parse_args()
    docs, _ = build(max(args.sizes))
    col = Collection(embedder=MiniLMEmbedder())
    t = time.perf_counter()
    added = [col.add_text(text, title) for title, text in docs]
    print(f"encoded {len(added)} documents ({len(col.store.body_ids())} body sentences) in "
          f"{time.perf_counter() - t:.1f} s (not part of the timings below)")
    col.compare([added[0].id])  # warm up: stop words and stemmer load on first use
    print(f"{'documents':>9} {'sentences':>9} {'facts':>6} {'rewrites found/planted':>23} {'median s':>9} {'max s':>7}")
    for n in args.sizes:
        ids = [d.id for d in added[:n]]
        planted = sum(d.title.endswith("rewritten") for d in added[:n])
        times = []
        for _ in range(args.rounds):
            t = time.perf_counter()
            cmp = col.compare(ids)
            times.append(time.perf_counter() - t)
        found = f"{len(cmp.rewrites)}/{planted}"
        print(f"{n:>9} {len(col.store.body_ids(ids)):>9} {len(cmp.facts):>6} {found:>23} "
              f"{statistics.median(times):>9.3f} {max(times):>7.3f}")


if __name__ == "__main__":
    main()
