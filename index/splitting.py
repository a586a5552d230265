"""Paragraph and sentence splitting with exact character offsets, and marking of non-body lines."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

__all__ = ["Span", "split_text", "clear_split_cache", "ends_sentence", "dateline_outlet", "KINDS"]

# body: article text. heading: a short title line. date: a leading `date 2023-03-02`. source: `Source: ...`.
# byline: `By Jane Doe`. bio: an author bio at the end. fragment: a truncated or attribution-only piece.
# dateline: a wire dateline opening the article (`WASHINGTON (AP) — `), cut off its lead sentence.
KINDS = ("body", "heading", "date", "source", "byline", "bio", "fragment", "dateline")


@dataclass(frozen=True)
class Span:
    """A sentence's place in the text: ``text[start:end]`` is the sentence, stripped of outer space."""

    start: int
    end: int
    kind: str = "body"
    paragraph: int = 0


_LINE = re.compile(r"[^\r\n]+")
_BLANK_GAP = re.compile(r"(?:\r\n|\r|\n)[ \t\f\v]*(?:\r\n|\r|\n)")
_LEADING_DATE = re.compile(
    r"\s*(?:(?:date|dated|published|updated)\s*:?\s*)?(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?Z?)?\b",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"(?:sources?|via|credit|credits|photo|image|read more)\s*:", re.IGNORECASE)
_BYLINE = re.compile(r"(?i:by|written by)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\s*$")
_MD_HEADING = re.compile(r"#{1,6}\s")
# A bulleted list item or a table row (as web pages and Markdown render them): content, never a heading.
_LIST_OR_ROW = re.compile(r"(?:[-*+•]\s+\S|\|.*\|$)")
_BIO = re.compile(
    r"\b(?:is|was|has been)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,4}"
    r"(?:author|writer|journalist|reporter|correspondent|columnist|editor|contributor|blogger|novelist)\b",
    re.IGNORECASE,
)
# A candidate sentence boundary: terminal punctuation, optional closing quotes/brackets, then space.
_CANDIDATE = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")
# A Chinese or Japanese full stop; not one closing a quote, which its attribution follows:
# `“…。”外交部发言人说。`, `「…。」と述べた`.
_CJK_END = re.compile(r"[。！？]++(?![”’」』)）》\"'])\s*")
_TERMINAL = re.compile(r"[.!?…:;。！？][\"'”’」』)\]]*\s*$")
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’」』)\]]*\s*$")
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_DANGLING = {
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "by", "from",
    "that", "which", "who", "whom", "whose", "as", "if", "than", "because", "while", "when", "his", "her",
    "their", "its", "our", "my", "your", "is", "are", "was", "were", "be", "said", "says",
}
_ATTRIBUTION = re.compile(
    r"^[\w\s.,'’-]{0,40}\b(?:said|says|stated|added|noted|wrote|explained|told reporters|reported)\.?[\"”’]*$",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A quoted sentence's end, then a new quote opening with a capital: `... Party." “She’s ...`. pysbd keeps the two
# together; _plain_starts and people do not.
_QUOTE_AFTER_QUOTE = re.compile(r"[.!?][\"”]\s+(?=[“\"][A-Z])")
_POSSESSIVE = re.compile(r"['’]s\b")  # a piece opening with `’s` is the rest of `Joseph R. Biden Jr.’s victory.`
# A wire dateline opening the first body paragraph: `WASHINGTON (AP) — `, `(CNN)The ...`, `Washington (CNN) - `,
# `KYIV, Ukraine (Reuters) - `, `WASHINGTON — `. A place of up to four capitalised words; then an outlet in
# brackets followed by a dash or, glued, by the sentence; or, with no outlet, a place in capitals and a dash.
_OUTLET = re.compile(r"\((?P<outlet>[A-Z][A-Za-z&.' ]{0,24})\)")  # `(AP)`, `(CNN Business)`
_DATELINE = re.compile(
    r"(?:[A-Z][\w.'’-]*(?:,?[ \t][A-Z][\w.'’-]*){0,3}[ \t]*)?" + _OUTLET.pattern +
    r"(?:[ \t]*(?:--|[-—–])[ \t]*|(?=[A-Z“\"‘]))"
    r"|[A-Z]{3,}[A-Z.'’-]*(?:,?[ \t][A-Z][\w.'’-]*){0,3}[ \t]*(?:--|[-—–])[ \t]+(?=[A-Z“\"‘])"
)
_DATELINE_MAX = 60  # characters: a longer match is a sentence, not a dateline
_PYSBD_MAX = 3000  # pysbd is fast per paragraph but slow on long strings: feed it pieces


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraphs as (start, end), stripped. A line is a paragraph unless its block is hard-wrapped prose."""
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text) if text[m.start() : m.end()].strip()]
    blocks: list[list[tuple[int, int]]] = []
    prev_end = None
    for s, e in lines:
        if prev_end is None or _BLANK_GAP.search(text, prev_end, s):
            blocks.append([])
        blocks[-1].append((s, e))
        prev_end = e
    paras: list[tuple[int, int]] = []
    for block in blocks:
        head = _header_lines(text, block)
        paras.extend(block[:head])
        block = block[head:]
        if len(block) > 1 and _is_wrapped(text, block):
            paras.append((block[0][0], block[-1][1]))
        else:
            paras.extend(block)
    out = []
    for s, e in paras:
        chunk = text[s:e]
        ls = len(chunk) - len(chunk.lstrip())
        rs = len(chunk) - len(chunk.rstrip())
        out.append((s + ls, e - rs))
    return out


def _header_lines(text: str, block: list[tuple[int, int]]) -> int:
    """How many of a block's first lines are lines of their own above its prose: a title, a byline or a date line
    (`G20 talks end` / `By Jane Doe` / `The ministers met ...`). In hard-wrapped prose every line but the last runs
    near the wrap width, so a line under half the block's longest that ends without a stop is none of it."""
    if len(block) < 2:
        return 0
    longest = max(len(text[s:e].strip()) for s, e in block)
    n = 0
    for s, e in block[:-1]:
        line = text[s:e].strip()
        if len(line) * 2 > longest or _TERMINAL.search(line):
            break
        n += 1
    return n


def _is_wrapped(text: str, block: list[tuple[int, int]]) -> bool:
    """True when a block's line breaks fall mid-sentence (hard-wrapped prose), not between paragraphs."""
    inner = block[:-1]
    open_ends = 0
    for (s, e), (ns, _) in zip(inner, block[1:]):
        line = text[s:e].rstrip()
        nxt = text[ns:].lstrip()[:2]
        if nxt[:1] in "-*+#>|" or re.match(r"\d+[.)]", nxt):
            return False
        if not _TERMINAL.search(line):
            open_ends += 1
    return open_ends * 2 > len(inner)


def _segment(para: str) -> list[int]:
    """Start offsets (relative to ``para``) of the sentences in one paragraph."""
    # Line breaks and other control characters read as spaces (same length, so offsets still hold):
    # `Monday.\x00 Talks` ends a sentence as `Monday. Talks` does.
    flat = _CONTROL.sub(" ", para)
    # Chinese and Japanese end a sentence with `。`, `！` or `？` and no space after it
    cjk = [m.end() for m in _CJK_END.finditer(flat) if m.end() < len(flat)]
    if not _CANDIDATE.search(flat):
        return _merge(flat, [0, *cjk]) if cjk else [0]
    plain = _plain_starts(flat)
    if plain is not None:
        return _merge(flat, sorted({*plain, *cjk}))
    starts = _pysbd_starts(flat, cjk)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts += cjk + [m.end() for m in _QUOTE_AFTER_QUOTE.finditer(flat)]  # _merge drops those inside a quote
    # pysbd pairs quote marks its own way (`“… knows it," … "Any …` reads to it as one quote): a boundary that
    # needs no pysbd is kept, and _merge still drops those inside a quote as we read quotes
    starts += [m.end() for m in _CANDIDATE.finditer(flat) if m.end() < len(flat) and _unambiguous(flat, m)]
    return _merge(flat, sorted(set(starts)))


def _pysbd_starts(flat: str, cjk: list[int]) -> list[int]:
    """Sentence starts as pysbd finds them, piece by piece (see :func:`_pieces`)."""
    starts: list[int] = []
    seg = _segmenter()
    for base, piece in _pieces(flat, cjk):
        cursor = 0
        for sent in seg.segment(piece):
            stripped = sent.strip()
            if not stripped:
                continue
            pos = piece.find(stripped, cursor)
            if pos < 0:  # pysbd changed the text: keep what we have, the rest stays in the last sentence
                break
            starts.append(base + pos)
            cursor = pos + len(stripped)
    return starts


def _plain_starts(flat: str) -> list[int] | None:
    """Sentence starts when every candidate boundary is unambiguous, else None (pysbd decides).

    This skips pysbd, the slowest step of ingest after the model, for most news paragraphs.
    """
    starts = [0]
    for m in _CANDIDATE.finditer(flat):
        if m.end() >= len(flat):
            break
        if not _unambiguous(flat, m):
            return None
        starts.append(m.end())
    return starts


def _unambiguous(flat: str, m: re.Match) -> bool:
    """True when a candidate boundary surely ends a sentence: `!` or `?`, or `.` after a word of two or more
    letters that is no known abbreviation, then space and a capital (or an opening quote). Initials,
    abbreviations, numbers and ellipses are for pysbd."""
    nxt = flat[m.end() : m.end() + 2]
    if not (nxt[:1].isupper() or (nxt[:1] in "“\"‘(" and nxt[1:2].isupper())):
        return False
    punct = m.group(0).rstrip()
    if "…" in punct or ".." in punct:
        return False
    if "." in punct:
        word = _WORD_BEFORE.search(flat, max(0, m.start() - 200), m.start())  # a window: linear in the paragraph
        if not word:
            return False
        w = word.group(1)
        if not w.isalpha() or len(w) < 2 or w.lower() in _ABBREVIATIONS or (w[0].isupper() and len(w) < 3):
            return False
        if ")" in punct and " " not in flat[flat.rfind("(", 0, m.start()) + 1 : m.start()]:
            return False  # a party and state in brackets: `Rep. Ilhan Omar (D-Minn.) Islamic beliefs`
    return True


_WORD_BEFORE = re.compile(r"(?:^|[^\w.])([\w.]+)[\"'”’)\]]*$")
_ABBREVIATIONS = frozenset(
    "mr mrs ms messrs dr drs prof profs sr jr st gen gens sen sens rep reps gov govs lt col capt sgt maj adm "
    "cmdr rev hon pres supt insp brig cpl pvt pfc spc ens atty amb det msgr "
    "corp inc ltd co bros dept govt univ assn ave blvd rd mt ft no nos vol vols op fig figs approx est "
    "etc vs cf al viz ie eg jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun "
    "u.s u.k u.n e.u a.m p.m d.c".split()
)


def _pieces(flat: str, cjk: list[int]) -> list[tuple[int, str]]:
    """Cut a long paragraph at candidate boundaries (and Chinese or Japanese full stops) into pieces pysbd handles
    quickly."""
    if len(flat) <= _PYSBD_MAX:
        return [(0, flat)]
    out, start = [], 0
    for cut in sorted({*(m.end() for m in _CANDIDATE.finditer(flat)), *cjk}):
        if cut - start >= _PYSBD_MAX:
            out.append((start, flat[start:cut]))
            start = cut
    if start < len(flat):
        out.append((start, flat[start:]))
    return out


def _merge(flat: str, starts: list[int]) -> list[int]:
    """Undo splits that break a sentence: inside an open quote, before a lowercase word or a possessive `’s`, lone
    punctuation."""
    kept = [starts[0]]
    quote_ends, quote_open = _open_quotes(flat)
    for i, s in enumerate(starts[1:], 1):
        q = bisect.bisect_right(quote_ends, s)
        inside_quote = q > 0 and quote_open[q - 1]
        end = starts[i + 1] if i + 1 < len(starts) else len(flat)
        piece = flat[s:end].strip()
        before = flat[kept[-1] : min(s, kept[-1] + 64)]  # bounded: a long run of merged sentences stays linear
        if (
            not any(c.isalnum() for c in piece)  # a lone closing quote or bracket
            or piece[:1].islower()  # a continuation such as `from Reuters.`
            or piece[:1] in ",;:)]}"  # after an abbreviation: `McConnell, R-Ky.` + `, told Fox News ...`
            or _POSSESSIVE.match(piece)  # after an abbreviation: `Biden Jr.` + `’s victory.`
            or (inside_quote and end - kept[-1] <= 1000)
            or len(before.strip()) <= 3  # an abbreviation or initial left alone
        ):
            continue
        kept.append(s)
    return kept


def _open_quotes(flat: str) -> tuple[list[int], list[bool]]:
    """Where each double quote mark of ``flat`` ends, and whether a quote is still open there.

    `“`, `„`, `「` and `『` open; `”`, `」` and `』` close, as does `“` after `„` (German) or between a word and a
    space (typed the wrong way round); a straight `"` opens before a word (after a space, a bracket, a dash, a colon
    or a comma) and closes elsewhere. So a quote opened curly and closed straight (`“… knows it," according to …`),
    or a straight quote around a curly one, ends where it ends instead of running on to the paragraph's end, and an
    inch mark (`a 34" display`) opens nothing.
    """
    ends, still_open, stack = [], [], []
    for m in _QUOTE_MARK.finditer(flat):
        i, mark = m.start(), m.group()
        if mark == "“" and stack and stack[-1] == "„":  # German: „…“
            stack.pop()
        elif mark == "“" and (i + 1 == len(flat) or flat[i + 1].isspace()) and i and not flat[i - 1].isspace():
            if stack:  # a closing quote typed the wrong way round: `…,“ he said`
                stack.pop()
        elif mark in "“„「『" or (mark == '"' and _opens(flat, i)):
            stack.append(mark)
        elif stack:
            stack.pop()
        ends.append(i + 1)
        still_open.append(bool(stack))
    return ends, still_open


_QUOTE_MARK = re.compile('[“”"„「」『』]')


def _opens(flat: str, i: int) -> bool:
    """A straight quote at ``i`` opens: after a space, a bracket, a dash, a colon or a comma (or first: `said:"We`),
    and before a non-space."""
    before_ok = i == 0 or flat[i - 1].isspace() or flat[i - 1] in "([{—–-:,：，"
    return before_ok and i + 1 < len(flat) and not flat[i + 1].isspace()


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends like a sentence: a full stop, ! or ? (also CJK), then closing quotes or brackets."""
    return bool(_SENTENCE_END.search(text))


def _words(s: str) -> list[str]:
    return _WORD.findall(s)


def _kind_of_paragraph(para: str, is_last: bool, marked: bool | None = None) -> str | None:
    """The kind of a whole one-line paragraph when it is not body text, else None.

    ``marked`` is None for plain text (a short line without final punctuation reads as a heading), else
    whether the source's markup (a web page's <h1>-<h6>) says the paragraph is a heading; a marked heading
    that ends like a sentence (`Q: Where did you grow up?`) is read as one.
    """
    if (marked and not ends_sentence(para)) or _MD_HEADING.match(para):
        return "heading"
    if _SOURCE.match(para) and len(para) <= 200:
        return "source"
    if _BYLINE.match(para):
        return "byline"
    words = _words(para)
    if not words:
        return "fragment"
    if _LIST_OR_ROW.match(para):
        return None
    if not _TERMINAL.search(para) and len(words) <= 14:
        if words[-1].lower() in _DANGLING or para.rstrip()[-1:] in ",-–—":
            return "fragment"
        if not is_last and marked is None:
            return "heading"
    return None


SPLIT_CACHE_CHARS = 4000  # texts up to this long are remembered (a short text's title is found by splitting it too)


def split_text(
    text: str, headings: Sequence[tuple[int, int]] | None = None
) -> tuple[list[Span], str | None]:
    """Split ``text`` into sentence spans (in order, covering every non-space character) and find its date.

    ``headings``: when the text comes from markup (a web page), the (start, end) ranges of its heading lines;
    then exactly the paragraphs inside them are headings, and no other line is taken for one.
    """
    if len(text) > SPLIT_CACHE_CHARS:
        return _split(text, headings)
    spans, date = _split_short(text, None if headings is None else tuple((int(a), int(b)) for a, b in headings))
    return list(spans), date


@lru_cache(maxsize=1024)  # at most 4 MB of text: a batch's titles are found before the batch is split
def _split_short(text: str, headings: tuple[tuple[int, int], ...] | None) -> tuple[tuple[Span, ...], str | None]:
    spans, date = _split(text, headings)
    return tuple(spans), date


def clear_split_cache() -> None:
    """Forget the short texts split so far (benchmarks time splitting from scratch)."""
    _split_short.cache_clear()


def _split(text: str, headings: Sequence[tuple[int, int]] | None) -> tuple[list[Span], str | None]:
    spans: list[Span] = []
    date: str | None = None
    paras = _paragraphs(text)
    ranges = sorted(headings) if headings is not None else None
    lead = True  # the first body paragraph is still to come (it may open with a dateline)
    for p_i, (ps, pe) in enumerate(paras):
        if p_i == 0:
            date, ps = _leading_date(text, ps, pe, spans)
            if ps >= pe:
                continue
        marked = None if ranges is None else _inside(ranges, ps, pe)
        if lead and _kind_of_paragraph(text[ps:pe], is_last=p_i == len(paras) - 1, marked=marked) is None:
            lead = False
            ps = _dateline(text, ps, pe, p_i, spans)
            if ps >= pe:
                continue
        spans.extend(_paragraph_spans(text, ps, pe, p_i, is_last=p_i == len(paras) - 1, marked=marked))
    _mark_bio(text, spans)
    _mark_table_headers(text, spans)
    if spans and not any(sp.kind == "body" for sp in spans):  # short lines only: they are the text (but a `# ...`)
        spans = [Span(sp.start, sp.end, "body", sp.paragraph)
                 if sp.kind in ("heading", "fragment") and not _MD_HEADING.match(text, sp.start) else sp for sp in spans]
    return spans, date


def _mark_table_headers(text: str, spans: list[Span]) -> None:
    """A Markdown table's header row (`| Item | Cost |` above `|---|---|`) names columns: a heading, not an answer."""
    for i in range(len(spans) - 1):
        row, rule = spans[i], spans[i + 1]
        if row.kind == "body" and text[row.start] == "|" and _TABLE_RULE.fullmatch(text, rule.start, rule.end):
            spans[i] = Span(row.start, row.end, "heading", row.paragraph)


_TABLE_RULE = re.compile(r"\|?(?:\s*:?-+:?\s*\|)+\s*:?(?:-+:?)?\s*")


def _leading_date(text: str, ps: int, pe: int, spans: list[Span]) -> tuple[str | None, int]:
    """A date line opening the first paragraph: its date and span (appended to ``spans``), and where the text
    goes on (``ps`` unchanged, and no date, when there is none)."""
    m = _LEADING_DATE.match(text, ps, pe)
    if not m or (m.end() != pe and not text[m.end()].isspace()):
        return None, ps
    spans.append(Span(ps + (len(m.group(0)) - len(m.group(0).lstrip())), m.end(), "date", 0))
    ps = m.end()
    while ps < pe and text[ps].isspace():
        ps += 1
    return m.group(1), ps


def _dateline(text: str, ps: int, pe: int, p_i: int, spans: list[Span]) -> int:
    """A wire dateline opening the paragraph ``text[ps:pe]``: its span (appended to ``spans``) and where the lead
    sentence starts (``ps`` when there is none)."""
    m = _DATELINE.match(text, ps, min(pe, ps + _DATELINE_MAX + 1))  # bounded: the pattern backtracks on long capitals
    rest = text[m.end() : pe] if m else ""
    if not m or m.end() - ps > _DATELINE_MAX or (rest and len(_words(rest)) < 3) or _named_again(text, m):
        return ps
    spans.append(Span(ps, ps + len(m.group(0).rstrip()), "dateline", p_i))
    return pe - len(rest.lstrip())


def _named_again(text: str, m: re.Match) -> bool:
    """True for a bare capitals word before a dash that the text writes in capitals again: the subject (`NASA — The
    agency ...`, then NASA's), not a place (`WASHINGTON — `, later Washington). None of the 301 NeuS datelines is one."""
    head = m.group(0)
    word = re.match(r"[A-Z][A-Z.'’-]*", head)
    if word is None or _OUTLET.search(head) or head[word.end() :].strip(" \t-—–"):
        return False
    return re.search(rf"(?<![\w.'’-]){re.escape(word.group(0))}(?![\w-])", text[m.end() :]) is not None


def dateline_outlet(dateline: str) -> str | None:
    """The outlet a dateline span names in brackets (`AP` of `WASHINGTON (AP) —`, `CNN` of `Washington (CNN)`), else
    None."""
    m = _OUTLET.search(dateline)
    return m.group("outlet").strip() if m else None


def _inside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when [start, end) lies inside one of the sorted ``ranges``."""
    i = bisect.bisect_right(ranges, (start, float("inf"))) - 1
    return i >= 0 and ranges[i][0] <= start and end <= ranges[i][1]


def _paragraph_spans(text: str, ps: int, pe: int, p_i: int, *, is_last: bool, marked: bool | None = None) -> list[Span]:
    """The sentence spans of the paragraph ``text[ps:pe]`` (a heading, source or byline paragraph is one span);
    ``marked``: what the source's markup says of it (see _kind_of_paragraph)."""
    para = text[ps:pe]
    kind = _kind_of_paragraph(para, is_last=is_last, marked=marked)
    starts = [0] if kind else _segment(para)
    out = []
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else len(para)
        e = s + len(para[s:e].rstrip())
        out.append(Span(ps + s, ps + e, kind or _kind_of_sentence(para[s:e]), p_i))
    return out


def _kind_of_sentence(sentence: str) -> str:
    words = _words(sentence)
    if not words:
        return "fragment"
    if len(words) <= 5 and _ATTRIBUTION.match(sentence):
        return "fragment"
    return "body"


def _mark_bio(text: str, spans: list[Span]) -> None:
    """Mark an author bio among the last three paragraphs (`X is a renowned author ...`) as kind "bio".

    A bio follows an article: the first paragraph never is one (an encyclopedia entry on a writer opens so).
    """
    if not spans:
        return
    last = spans[-1].paragraph
    start = spans[0].paragraph
    bio_paras = {
        sp.paragraph
        for sp in spans
        if max(last - 2, start + 1) <= sp.paragraph and sp.kind == "body" and _BIO.search(text[sp.start : sp.end])
    }
    if not bio_paras:
        return
    first = min(bio_paras)
    for i, sp in enumerate(spans):
        if sp.paragraph >= first and sp.kind == "body":
            spans[i] = Span(sp.start, sp.end, "bio", sp.paragraph)
