"""The comparison report in Markdown or plain text: rewrites, the coverage table, unique facts, differences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ..results import CitationNumbers, counted, escape_markdown

if TYPE_CHECKING:
    from .results import Comparison, Difference

__all__ = ["comparison_report", "ReportLimits"]


@dataclass(frozen=True)
class ReportLimits:
    """How much of each section a report shows (the JSON holds everything)."""

    max_facts: int = 30  # rows of the coverage table
    max_unique: int = 5  # facts listed per document under "Only in one source"
    max_differences: int = 10  # pairs listed under "Differences"
    clip: int = 90  # characters of a fact's sentence in the coverage table


@dataclass
class _Writer:
    """What every section needs: the comparison, the escape for document text, the running citation numbers."""

    cmp: Comparison
    escape: Callable[[str], str]
    limits: ReportLimits
    nums: CitationNumbers
    short: dict[str, str]  # document id -> D1, D2, ...


def comparison_report(cmp: Comparison, *, markdown: bool = True, limits: ReportLimits = ReportLimits()) -> str:
    """The report: documents, rewrite warnings, coverage of shared facts, unique facts, differences, sources.

    ``markdown`` escapes document text for Markdown; otherwise text is written as is (for a terminal).
    """
    escape = escape_markdown if markdown else str
    if not cmp.doc_ids:
        return "**Comparison**\n\n" + escape(cmp.message or "No documents.") + "\n"
    w = _Writer(cmp, escape, limits, CitationNumbers(), {d: f"D{i + 1}" for i, d in enumerate(cmp.doc_ids)})
    out: list[str] = []
    for section in (_head, _rewrites, _coverage, _unique, _differences):
        out.extend(section(w))
    out.append("\n**Sources**\n")
    out.extend(w.nums.source_lines(escape))
    return "\n".join(out) + "\n"


def _head(w: _Writer) -> list[str]:
    cmp, e = w.cmp, w.escape
    out = [f"**Comparison** of {counted(len(cmp.doc_ids), 'document')}, "
           f"{counted(cmp.independent_sources(cmp.doc_ids), 'independent source')}\n"]
    if cmp.message:
        out.append(e(cmp.message) + "\n")
    out.append("\n".join(f"- {w.short[d]}: {e(cmp.label(d))}" for d in cmp.doc_ids) + "\n")
    return out


def _rewrites(w: _Writer) -> list[str]:
    e, short = w.escape, w.short
    out = ["**Rewrites**\n"]
    if not w.cmp.rewrites:
        out.append("No document is a reworded copy of another.\n")
    for r in w.cmp.rewrites:
        out.append(f"- Warning: {short[r.rewrite_doc_id]} ({e(r.rewrite_doc_id)}) rewrites "
                   f"{short[r.original_doc_id]} ({e(r.original_doc_id)}): {r.aligned} of its sentences align in "
                   f"order ({r.aligned_share:.0%}); counted as one source. Original by {e(r.reason)}.")
    return out + [""]


def _coverage(w: _Writer) -> list[str]:
    cmp, lim = w.cmp, w.limits
    shared = [f for f in cmp.facts if f.sources > 1]
    out = [f"**Coverage**: {len(shared)} facts stated by more than one document ({len(cmp.facts)} facts in all)\n"]
    if not shared:
        return out
    out.append("| Fact | " + " | ".join(w.short[d] for d in cmp.doc_ids) + " | Independent |")
    out.append("|---|" + "---|" * (len(cmp.doc_ids) + 1))
    for f in shared[: lim.max_facts]:
        cells = " | ".join("x" if d in f.doc_ids else "" for d in cmp.doc_ids)
        text = w.nums.cited(f.sentence, w.escape, text=_clip(f.sentence.text, lim.clip))
        out.append(f"| {text} | {cells} | {f.independent_sources} |")
    if len(shared) > lim.max_facts:
        out.append(f"\n... and {len(shared) - lim.max_facts} more")
    return out + [""]


def _unique(w: _Writer) -> list[str]:
    out = ["**Only in one source**\n"]
    n = w.limits.max_unique
    for d in w.cmp.doc_ids:
        items = w.cmp.unique.get(d, [])
        out.append(f"{w.short[d]} ({len(items)}):\n")
        out.extend(f"- {w.nums.cited(s, w.escape)}" for s in items[:n])
        if len(items) > n:
            out.append(f"- ... and {len(items) - n} more")
        out.append("")
    return out


def _differences(w: _Writer) -> list[str]:
    diffs, n = w.cmp.differences, w.limits.max_differences
    out = ["**Differences**\n"]
    if not diffs:
        out.append("No differing words inside shared facts.\n")
    for x in diffs[:n]:
        out.extend(_difference(w, x))
    if len(diffs) > n:
        out.append(f"- ... and {len(diffs) - n} more")
    return out


def _difference(w: _Writer, x: Difference) -> list[str]:
    e = w.escape

    def only(which: str, words: tuple[str, ...], flagged: tuple[str, ...]) -> str:
        names = f" (names/numbers: {e(', '.join(flagged))})" if flagged else ""
        return f"  - only in the {which}: {e(', '.join(words) or '-')}{names}"

    return [f"- {w.nums.cited(x.first, e)}", f"  vs {w.nums.cited(x.second, e)}",
            only("first", x.only_first, x.flagged_first), only("second", x.only_second, x.flagged_second)]


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
