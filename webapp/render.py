"""Safe HTML and Markdown for the app: cited points, source articles with the cited span marked, document cards.

Every piece of document text, title and question passes through :func:`html.escape` here before any tag of
ours is added, so uploaded text is always shown literally (``<script>`` stays text). The citations of answers
and summaries are rendered by one function, :func:`cited_html`.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Callable, Iterable, Sequence

from summarizer import Citation, CitationNumbers, CitedSentence, Document, document_label, seeds_dir

__all__ = [
    "STYLE",
    "plain_markdown",
    "highlight_html",
    "marked_html",
    "cited_html",
    "document_html",
    "question_html",
    "link_html",
    "suggested_questions",
    "SEED_QUESTIONS",
    "GENERIC_QUESTIONS",
]

Lookup = Callable[[str], "Document | None"]

SEED_QUESTIONS = ("What did Baerbock ask?", "What did Blinken tell Lavrov?", "Which countries opposed the G20 text?")
GENERIC_QUESTIONS = ("What is the story about?", "Who was involved?", "What happens next?")

STYLE = """<style>
.mds-points { margin: 0 0 .4rem 1.3rem; padding: 0; }
.mds-points li { margin: 0 0 .45rem 0; }
.mds-summary p { margin: 0 0 .6rem 0; }
.mds-ref { font-size: .72em; font-weight: 600; color: #1a62c7; margin-left: .12em; }
.mds-sources { margin-top: .5rem; font-size: .9em; }
.mds-sources-head { font-weight: 600; opacity: .75; margin-bottom: .15rem; }
.mds-source summary { cursor: pointer; padding: .12rem 0; }
.mds-source[open] > summary { font-weight: 600; }
.mds-meta { opacity: .7; font-size: .88em; margin: .25rem 0 .2rem .9rem; }
.mds-article { border-left: 3px solid rgba(128,128,128,.45); padding: .35rem .8rem; margin: 0 0 .6rem .2rem;
  white-space: pre-wrap; line-height: 1.5; }
.mds-article mark { background: #ffe066; color: #111; padding: 0 .1em; border-radius: 2px; }
.mds-doc-title { font-weight: 600; overflow-wrap: anywhere; }
.mds-doc-meta { opacity: .7; font-size: .85em; }
.mds-question { white-space: pre-wrap; overflow-wrap: anywhere; }
.mds-link { font-size: .85em; overflow-wrap: anywhere; }
</style>"""

_ASCII_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def plain_markdown(text: str) -> str:
    """``text`` for a Markdown slot (alerts, button labels) shown literally: every ASCII punctuation is escaped.

    That defeats links, bare-URL autolinks, emphasis, HTML, ``:color[...]`` directives and ``$`` maths alike.
    """
    return _ASCII_PUNCT.sub(r"\\\1", text)


def highlight_html(text: str, start: int, end: int) -> str:
    """The whole ``text``, escaped, with ``text[start:end]`` wrapped in ``<mark>``."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}-{end} is outside a text of {len(text)} characters")
    return marked_html(text, 0, [(start, end)])


def marked_html(text: str, offset: int, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` escaped, with the spans (document offsets; ``text`` starts at ``offset``) wrapped in ``<mark>``.

    Spans outside the text or overlapping an earlier one are left unmarked.
    """
    out, pos = [], 0
    for a, b in sorted({(a - offset, b - offset) for a, b in spans}):
        if pos <= a <= b <= len(text):
            out.append(f"{_e(text[pos:a])}<mark>{_e(text[a:b])}</mark>")
            pos = b
    return "".join(out) + _e(text[pos:])


def link_html(url: str | None, label: str = "original") -> str:
    """A link that opens ``url`` in a new tab, only for http(s) URLs; else nothing."""
    if not url or not re.match(r"https?://", url, flags=re.I):
        return ""
    return f'<a class="mds-link" href="{_e(url)}" target="_blank" rel="noopener noreferrer nofollow">{_e(label)}</a>'


def _source_html(n: int, c: Citation, doc: Document | None) -> str:
    title = doc.title if doc is not None else c.doc_title
    outlet = doc.outlet if doc is not None else c.outlet
    label = document_label(title, outlet, doc.date if doc is not None else c.date)
    head = f"[{n}] {_e(label)} · sentence {c.sentence_index + 1}"
    if doc is not None and doc.text[c.start : c.end] == c.text:
        link = link_html(doc.url, "open the original")
        meta = f"{_e(label)} · characters {c.start}–{c.end}" + (f" · {link}" if link else "")
        body = f'<div class="mds-article">{highlight_html(doc.text, c.start, c.end)}</div>'
    else:
        meta = f"{_e(title)} · this document is no longer in the collection; the cited sentence was:"
        body = f'<div class="mds-article"><mark>{_e(c.text)}</mark></div>'
    return (
        f'<details class="mds-source" data-doc="{_e(c.doc_id)}" data-n="{n}"><summary>{head}</summary>'
        f'<div class="mds-meta">{meta}</div>{body}</details>'
    )


def cited_html(sentences: Sequence[CitedSentence], lookup: Lookup, *, numbered: bool = True) -> str:
    """Points (a numbered list for answers, flowing paragraphs for summaries) with ``[n]`` markers, then the sources.

    ``lookup(doc_id)`` returns the current document (or None when it was removed); each source opens to the
    whole article with the cited sentence marked in place, under its title and date.
    """
    nums = CitationNumbers(sentences)
    sources = nums.sources

    def point(s: CitedSentence) -> str:
        return nums.cited(s, _e, '<sup class="mds-ref">[{}]</sup>'.format, sep="")

    if numbered:
        body = '<ol class="mds-points">' + "".join(f'<li class="mds-point">{point(s)}</li>' for s in sentences) + "</ol>"
    else:
        paragraphs: list[list[CitedSentence]] = []
        for s in sentences:  # consecutive sentences from the same article read as one paragraph
            if paragraphs and paragraphs[-1][-1].citations[0].doc_id == s.citations[0].doc_id:
                paragraphs[-1].append(s)
            else:
                paragraphs.append([s])
        body = '<div class="mds-summary">' + "".join(
            "<p>" + " ".join(f'<span class="mds-point">{point(s)}</span>' for s in p) + "</p>" for p in paragraphs
        ) + "</div>"
    docs = {c.doc_id: lookup(c.doc_id) for c in sources}
    items = "".join(_source_html(n, c, docs[c.doc_id]) for n, c in enumerate(sources, 1))
    n_docs = len({c.doc_id for c in sources})
    return (
        f'<div class="mds-result">{body}<div class="mds-sources"><div class="mds-sources-head">Sources '
        f"({n_docs} article{'' if n_docs == 1 else 's'})</div>{items}</div></div>"
    )


def document_html(doc: Document) -> str:
    """A document card for the sidebar: title; outlet, date and sentence count; a link to the original."""
    meta = document_label(None, doc.outlet, doc.date or "no date")
    link = link_html(doc.url)
    return (
        f'<div class="mds-doc" data-doc="{_e(doc.id)}"><div class="mds-doc-title">{_e(doc.title)}</div>'
        f'<div class="mds-doc-meta">{_e(meta)} · {doc.sentence_count} sentences'
        f'{" · " + link if link else ""}</div></div>'
    )


def question_html(question: str) -> str:
    """A user's question, shown as text."""
    return f'<div class="mds-question">{_e(question)}</div>'


def suggested_questions(documents: Iterable[Document], seeds: Path | None = None) -> list[str]:
    """First questions to offer on an empty chat: the seed story's when its articles are loaded, else generic ones."""
    seeds = seeds if seeds is not None else seeds_dir()
    stems = {p.stem for p in seeds.glob("*") if p.is_file()} if seeds is not None and seeds.is_dir() else set()
    documents = list(documents)
    if not documents:
        return []
    names = {Path(d.path).stem for d in documents if d.path}
    return list(SEED_QUESTIONS if names & stems else GENERIC_QUESTIONS)
