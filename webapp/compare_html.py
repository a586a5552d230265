"""Safe HTML for the app's Compare view: the coverage table, unique facts, and sentence pairs with differing words.

Every title and sentence passes through :func:`html.escape` before any tag of ours is added.
"""

from __future__ import annotations

import html
from typing import Sequence

from summarizer import Comparison, CitedSentence, Difference

from .render import marked_html

__all__ = ["short_labels", "coverage_html", "unique_html", "pair_html", "rewrite_warning"]


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def short_labels(cmp: Comparison) -> dict[str, str]:
    """Document id -> D1, D2, ... in the comparison's order."""
    return {d: f"D{i + 1}" for i, d in enumerate(cmp.doc_ids)}


def rewrite_warning(cmp: Comparison, r) -> str:
    """The plain-text warning that one document is a reworded copy of another."""
    title = cmp.titles
    return (f"“{title[r.rewrite_doc_id]}” is a reworded copy of “{title[r.original_doc_id]}”: {r.aligned} of its "
            f"sentences ({r.aligned_share:.0%}) follow the original in order. Both count as one source "
            f"(original chosen by: {r.reason}).")


def coverage_html(cmp: Comparison) -> str:
    """A legend of the documents, then a table of the facts stated by more than one of them."""
    label, title = short_labels(cmp), cmp.titles
    legend = " · ".join(f"<b>{label[d]}</b> {_e(title[d])}" for d in cmp.doc_ids)
    rows = []
    for f in (f for f in cmp.facts if f.sources > 1):
        cells = "".join(f"<td style='text-align:center'>{'✓' if d in f.doc_ids else ''}</td>" for d in cmp.doc_ids)
        rows.append(f"<tr><td>{_e(f.sentence.text)}</td>{cells}"
                    f"<td style='text-align:center'>{f.independent_sources}</td></tr>")
    if not rows:
        return f"<div class='mds-doc-meta'>{legend}</div><p>No fact is stated by more than one document.</p>"
    head = "".join(f"<th title='{_e(title[d])}'>{label[d]}</th>" for d in cmp.doc_ids)
    return (f"<div class='mds-doc-meta'>{legend}</div>"
            f"<table><tr><th>Fact</th>{head}<th>Independent sources</th></tr>{''.join(rows)}</table>")


def unique_html(items: Sequence[CitedSentence]) -> str:
    """A list of the facts only one source states."""
    return "<ul class='mds-points'>" + "".join(f"<li>{_e(s.text)}</li>" for s in items) + "</ul>"


def pair_html(x: Difference, left: str, right: str) -> str:
    """Two sentences of one fact with the words each has and the other lacks marked, names and numbers noted."""
    a, b = x.first.citations[0], x.second.citations[0]
    flags = ", ".join(x.flagged_first + x.flagged_second)
    return (f"<div class='mds-article'><b>{_e(left)}</b> {marked_html(a.text, a.start, x.first_spans)}"
            f"<br><b>{_e(right)}</b> {marked_html(b.text, b.start, x.second_spans)}"
            + (f"<br><i>names/numbers in one only: {_e(flags)}</i>" if flags else "") + "</div>")
