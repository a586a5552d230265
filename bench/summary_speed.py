"""Time to summarize 100, 1,000, 1,400 and 5,000 stored sentences, next to sumy LexRank on the same sentences.

    .venv/bin/python bench/summary_speed.py                  # sizes 100,1000,1400,5000; LexRank up to 2,000
    .venv/bin/python bench/summary_speed.py --lexrank-max 5000

The sentences are NeuS val article bodies (one document per article; past the end of the split they
repeat as duplicate wire copies), added to an in-memory Collection
with their embeddings (cached in bench/out/ by bench/summary_quality.py); only `summarize` is timed (the
default method: the learned ranker, loaded once; its first load is timed apart).
sumy's LexRank grows quadratically in Python loops: above --lexrank-max its time is extrapolated
from the largest measured size as (n / m)^2 and marked `~`.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from summary_quality import OUT, CachedEmbedder, load  # noqa: E402

from summarizer import Collection  # noqa: E402
from summarizer.summary.ranker import RANKER_FILE, load_ranker  # noqa: E402
from summarizer.summary.sumy_methods import sumy_ranking  # noqa: E402


def build(n: int, emb) -> Collection:
    """A collection of NeuS articles holding about ``n`` body sentences (whole articles, cut at the end)."""
    col = Collection(embedder=emb)
    k = 0
    for rerun in range(4):  # past the end of val, the articles come again as wire copies (exact duplicates)
        for articles, _ in load(None):
            for a in articles:
                col.add_text(a + "\n" * rerun, title=f"article {k}")
                k += 1
                if len(col.store.body_ids()) >= n:
                    return col
    return col


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,1400,5000")
    ap.add_argument("--lexrank-max", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    t = time.perf_counter()
    load_ranker()
    print(f"loading the learned ranker ({RANKER_FILE.name}, {RANKER_FILE.stat().st_size / 1024:.0f} KB): "
          f"{1000 * (time.perf_counter() - t):.1f} ms (first call in the process; cached afterwards)")
    emb = CachedEmbedder(OUT / "neus_val_vectors.npz")
    sizes = [int(s) for s in args.sizes.split(",")]
    biggest = build(max(sizes), emb)
    emb.save()
    all_sids = biggest.store.body_ids()
    print(f"{'sentences':>9} {'docs':>5} {'default s':>10} {'sumy LexRank s':>15} {'LexRank / default':>18} "
          f"{'default / LexRank':>18}")
    measured: tuple[int, float] | None = None
    for n in sizes:
        col = build(n, emb)
        sids = col.store.body_ids()
        ids = [d.id for d in col.documents]
        col.summarize(doc_ids=ids)  # warm imports and caches
        t_default = best_of(lambda: col.summarize(doc_ids=ids), args.repeat)
        texts = [col.store.sentence(s).text for s in sids]
        if len(sids) <= args.lexrank_max:
            t_lex = best_of(lambda: sumy_ranking("lexrank", texts), 1)
            measured = (len(sids), t_lex)
            mark = ""
        elif measured:
            t_lex = measured[1] * (len(sids) / measured[0]) ** 2
            mark = "~"
        else:
            t_lex, mark = float("nan"), ""
        print(f"{len(sids):9d} {len(ids):5d} {t_default:10.3f} {mark + format(t_lex, '.3f'):>15} "
              f"{mark + format(t_lex / t_default, '.0f') + 'x':>18} {mark + format(t_default / t_lex, '.3f'):>18}")
        col.close()
    print(f"(default = full Collection.summarize: fact grouping, scoring, selection, citations; "
          f"the largest pool had {len(all_sids)} sentences)")


if __name__ == "__main__":
    main()
