"""Web-page extraction quality: the text the product summarizes, scored like the article-extraction-benchmark.

Usage: python bench/extraction.py [--dir ../shared/eval/html/dev] [--worst 0]

For each page of the benchmark's dev split, the product reads the HTML (index.formats.extract) and splits it
as the store does (index.split_text with the page's headings); the text scored is the document's body
sentences, joined: what answers and summaries are made of. Beside it, in the same run, plain
`trafilatura.extract(html, include_comments=False)` (how the benchmark runs trafilatura) and the product's
whole extracted text. The metric is the benchmark's own (see html/LICENSE-NOTE.md): tokens `\\w+`, multisets
of 4-token shingles, per-page normalised counts, precision and recall averaged over pages, F1 from the two
means. Also printed: how many pages got a title, a date, an author and an outlet, and the time per page.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import split_text  # noqa: E402
from index.errors import IngestError  # noqa: E402
from index.formats import extract  # noqa: E402

# ../shared beside the checkout (a git worktree one level deeper finds it one level further up)
SHARED = next((d for d in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if d.is_dir()), ROOT.parent / "shared")
DEV = SHARED / "eval" / "html" / "dev"
_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter:
    """The multiset of 4-token shingles (one shorter shingle for a text of fewer tokens), as the benchmark does."""
    tokens = _TOKEN.findall(text or "")
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def page_scores(true: str, pred: str) -> tuple[float | None, float | None]:
    """(precision, recall) of one page from its normalised TP/FP/FN; None when undefined."""
    t, p = shingles(true), shingles(pred)
    tp, fp, fn = sum((t & p).values()), sum((p - t).values()), sum((t - p).values())
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    total = tp + fp + fn
    tp, fp, fn = tp / total, fp / total, fn / total
    return (tp / (tp + fp) if tp + fp > 0 else None), (tp / (tp + fn) if tp + fn > 0 else None)


def score(truth: dict[str, str], preds: dict[str, str]) -> tuple[float, float, float, dict]:
    """Macro precision and recall over pages, F1 from the two means, and the per-page scores."""
    per = {k: page_scores(truth[k], preds.get(k, "")) for k in truth}
    ps = [p for p, _ in per.values() if p is not None]
    rs = [r for _, r in per.values() if r is not None]
    p, r = sum(ps) / len(ps), sum(rs) / len(rs)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), per


def product(pages: dict[str, bytes]) -> tuple[dict, dict, dict, float]:
    """Body sentences joined, the whole extracted text, and the metadata of each page; seconds a page."""
    body, whole, meta = {}, {}, {}
    start = time.perf_counter()
    for key, data in pages.items():
        try:
            doc = extract(data, f"{key}.html")
        except IngestError as exc:
            print(f"  refused: {exc}")
            body[key] = whole[key] = ""
            continue
        spans, _ = split_text(doc.text, doc.headings)
        body[key] = " ".join(doc.text[s.start : s.end] for s in spans if s.kind == "body")
        whole[key] = doc.text
        meta[key] = doc
    return body, whole, meta, (time.perf_counter() - start) / len(pages)


def plain(pages: dict[str, bytes]) -> tuple[dict, float]:
    import trafilatura

    out = {}
    start = time.perf_counter()
    for key, data in pages.items():
        out[key] = trafilatura.extract(data.decode("utf-8", errors="replace"), include_comments=False) or ""
    return out, (time.perf_counter() - start) / len(pages)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=DEV, help="a folder of <id>.html pages and ground-truth.json")
    ap.add_argument("--worst", type=int, default=0, help="also list this many pages with the lowest product F1")
    args = ap.parse_args()
    gt_file = args.dir / "ground-truth.json"
    if not gt_file.exists():
        sys.exit(f"{gt_file}: not found (the benchmark pages live in ../shared/eval/html/dev)")
    truth = {k: v["articleBody"] for k, v in json.loads(gt_file.read_text(encoding="utf-8")).items()}
    pages = {k: (args.dir / f"{k}.html").read_bytes() for k in truth}
    base, base_s = plain(pages)
    body, whole, meta, ours_s = product(pages)
    print(f"{len(pages)} pages from {args.dir}")
    print(f"{'extractor':58s} {'P':>6s} {'R':>6s} {'F1':>6s} {'ms/page':>8s}")
    rows = [
        ("product: body sentences joined (what is summarized)", body, ours_s),
        ("product: whole extracted text", whole, ours_s),
        ("trafilatura.extract(html, include_comments=False)", base, base_s),
    ]
    results = {}
    for name, preds, secs in rows:
        p, r, f, per = score(truth, preds)
        results[name] = (f, per)
        print(f"{name:58s} {p:6.3f} {r:6.3f} {f:6.3f} {secs * 1000:8.1f}")
    f_ours, f_base = results[rows[0][0]][0], results[rows[2][0]][0]
    print(f"F1 product - plain trafilatura: {f_ours - f_base:+.3f}; time ratio {ours_s / base_s:.2f}x")
    n = len(pages)
    for field in ("title", "date", "author", "outlet", "url"):
        found = sum(1 for d in meta.values() if getattr(d, field))
        print(f"pages with a {field:6s}: {found}/{n} ({found / n:.0%})")
    if args.worst:
        print_worst(results[rows[0][0]][1], args.worst)


def print_worst(per: dict, n: int) -> None:
    """The ``n`` pages whose precision or recall is lowest."""
    def low(k: str) -> float:
        return min((v for v in per[k] if v is not None), default=0.0)

    for k in sorted(per, key=low)[:n]:
        p, r = (float("nan") if v is None else v for v in per[k])
        print(f"  {k[:12]} P {p:.3f} R {r:.3f}")


if __name__ == "__main__":
    main()
