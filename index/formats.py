"""Reading web pages, PDFs and text files into plain text with metadata (title, date, author, outlet, url)."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from .documents import (
    HTML_SUFFIXES,
    MAX_FILE_BYTES,
    PDF_SUFFIXES,
    TEXT_SUFFIXES,
    check_text,
    clean_title,
    read_file_bytes,
    text_from_bytes,
)
from .errors import (
    BinaryFileError,
    BrokenHtmlError,
    BrokenPdfError,
    EmptyDocumentError,
    EncryptedPdfError,
    FileTooLargeError,
    LoginWallError,
    NoArticleTextError,
    ScannedPdfError,
    UnsupportedFileError,
)
from .feeds import FeedEntry
from .splitting import dateline_outlet, ends_sentence, split_text
from .store import NewDocument

__all__ = [
    "new_document",
    "Extracted",
    "ExtractWeights",
    "HTML_SUFFIXES",
    "PDF_SUFFIXES",
    "FEED_SUFFIXES",
    "TEXT_SUFFIXES",
    "detect_format",
    "format_of_content_type",
    "extract",
    "read_file",
    "extract_html",
    "extract_pdf",
    "extract_text",
    "text_metadata",
    "short_title",
]

logger = logging.getLogger(__name__)

_DEFAULT_A, _DEFAULT_B = datetime(2000, 1, 1), datetime(2001, 2, 2)  # see _line_date

FEED_SUFFIXES = (".rss", ".atom", ".xml")


@dataclass(frozen=True)
class ExtractWeights:
    """Limits and thresholds of extraction; figures from bench/extraction.py on the 60 dev pages."""

    # Pages over this many bytes are refused: the largest dev page is 1.5 MB; trafilatura takes about 1 s a MB.
    max_html_bytes: int = 5 * 1024 * 1024
    # Fewer characters of body text than this and a page holds no article (the shortest dev article has 419).
    min_body_chars: int = 150
    # A page with a password field and fewer characters of body text than this is a login wall.
    login_max_chars: int = 1000
    # A title made from a first sentence keeps at most this many words ...
    title_words: int = 12
    # ... and this many characters.
    title_chars: int = 90
    # Text-file metadata (title, date) is looked for in the first this many characters.
    head_chars: int = 4000
    # A PDF line shorter than this share of the page's typical line ends a paragraph (or is a heading).
    pdf_short_line: float = 0.7
    # A PDF with fewer text characters a page than this on average has no text layer (a scan).
    pdf_min_chars_per_page: int = 16


WEIGHTS = ExtractWeights()


@dataclass(frozen=True)
class Extracted:
    """A document's text as the product stores it, and what its source says about it."""

    text: str
    format: str  # "text", "html" or "pdf"
    title: str | None = None
    date: str | None = None
    author: str | None = None
    outlet: str | None = None
    url: str | None = None
    # (start, end) of the heading lines the markup marks (web pages); None when the text has no markup
    headings: tuple[tuple[int, int], ...] | None = None


# ---------------------------------------------------------------- detection

_PDF_MAGIC = b"%PDF-"
_HTML_SNIFF = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title[\s>]|<p[\s>]|<div[\s>]", re.I)
_FEED_SNIFF = re.compile(rb"<rss[\s>]|<feed[\s>][^>]*|<rdf:RDF[\s>]", re.I)
_ATOM_NS = b"http://www.w3.org/2005/Atom"
_SNIFF_BYTES = 2048
# Feed types, registered or not: `application/rss+xml`, `application/x-rss+xml` (Python's mimetypes for .rss),
# `application/atom+xml`, `application/x-atom+xml`, `application/rdf+xml` (RSS 1.0), `text/rss+xml`.
_FEED_TYPE = re.compile(r"(?:application|text)/(?:x-)?(?:rss|atom|rdf)\+xml")


def _sniff(data: bytes) -> str | None:
    """"pdf", "feed", "html" or None (plain text) from a file's first bytes."""
    head = bytes(data[:_SNIFF_BYTES])
    if _PDF_MAGIC in head[:1024]:
        return "pdf"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<"):
        return None
    feed = _FEED_SNIFF.search(stripped)
    if feed and (not feed.group(0).lower().startswith(b"<feed") or _ATOM_NS in head):
        return "feed"
    if _HTML_SNIFF.search(stripped):
        return "html"
    return None


def format_of_content_type(content_type: str | None) -> str | None:
    """"html", "pdf", "feed" or "text" for a MIME type, None when it does not say (or is not one we read)."""
    ct = (content_type or "").split(";")[0].strip().lower()
    if ct in ("text/html", "application/xhtml+xml"):
        return "html"
    if ct in ("application/pdf", "application/x-pdf"):
        return "pdf"
    if _FEED_TYPE.fullmatch(ct):
        return "feed"
    if ct in ("text/plain", "text/markdown"):
        return "text"
    return None


def detect_format(data: bytes, name: str = "", content_type: str | None = None) -> str:
    """"text", "html", "pdf" or "feed": by the content type, the file suffix, else by sniffing the bytes.

    A PDF is always recognised by its magic bytes; a text suffix (.txt, .md) keeps a file text even when it
    holds markup. An unknown suffix raises UnsupportedFileError.
    """
    sniffed = _sniff(data)
    if sniffed == "pdf":
        return "pdf"
    by_type = format_of_content_type(content_type)
    if by_type in ("html", "pdf", "feed"):
        return by_type
    suffix = Path(urlsplit(name).path if "://" in name else name).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in FEED_SUFFIXES:
        return sniffed or "feed"
    if by_type == "text":
        return "text"
    if suffix and "://" not in name:
        expected = ", ".join(TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES)
        raise UnsupportedFileError(f"{name}: unsupported file type {suffix!r} (expected {expected})")
    return sniffed or "text"


def extract(
    data: bytes, name: str, *, content_type: str | None = None, url: str | None = None,
    weights: ExtractWeights = WEIGHTS,
) -> Extracted:
    """The text and metadata of a file's (or a response's) bytes, whatever its format. Feeds are refused here."""
    fmt = detect_format(data, name, content_type)
    if fmt == "html":
        return extract_html(data, name, url=url, weights=weights)
    if fmt == "pdf":
        return extract_pdf(data, name, url=url, weights=weights)
    if fmt == "feed":
        raise UnsupportedFileError(f"{name}: is an RSS or Atom feed, not an article (add it as a feed)")
    return extract_text(text_from_bytes(data, name), url=url, weights=weights)


def read_file(path: str | Path, *, weights: ExtractWeights = WEIGHTS) -> Extracted:
    """A file's text and metadata (text, HTML or PDF), with every check: exists, size, format, content."""
    return extract(read_file_bytes(path), str(path), weights=weights)


# ---------------------------------------------------------------- text files

_SOURCE_LINE = re.compile(r"^[ \t]*sources?[ \t]*:[ \t]*(\S[^\r\n]{0,79})[ \t]*$", re.I | re.M)
_HEADING_MARKS = re.compile(r"^\s*#{1,6}\s+|\s+#+\s*$")


def extract_text(text: str, *, url: str | None = None, weights: ExtractWeights = WEIGHTS) -> Extracted:
    """A text document as it is, with the title, date, author and outlet it names itself."""
    title, date, author, outlet = _text_fields(text, weights)
    return Extracted(text, "text", title, date, author, outlet or _host(url), url)


def text_metadata(text: str, *, weights: ExtractWeights = WEIGHTS) -> tuple[str | None, str | None, str | None]:
    """(title, date, outlet) of a text: its heading line before the first sentence, else its first sentence
    shortened; a leading date line (`date 2023-03-02`, `Date: March 4, 2023`); a `Source: X` line names the
    outlet X, else a dateline's `(AP)`. Leading date and byline (`By Jane Doe`) lines are never the title."""
    title, date, _, outlet = _text_fields(text, weights)
    return title, date, outlet


def _text_fields(text: str, weights: ExtractWeights) -> tuple[str | None, str | None, str | None, str | None]:
    """(title, date, author, outlet) of a text, as text_metadata reads them; the author from a leading byline."""
    head = text[: weights.head_chars]
    cut = head.rfind("\n")
    if len(text) > weights.head_chars and cut > 0:
        head = head[:cut]  # a whole number of lines: the last line is not cut into a heading
    line_date, author, head = _leading_lines(head)
    spans, date = split_text(head)
    title = None
    for sp in spans:
        piece = head[sp.start : sp.end]
        if sp.kind == "heading":
            title = _HEADING_MARKS.sub("", piece).strip() or None
            break
        if sp.kind == "body":
            title = short_title(piece, weights=weights)
            break
    m = _SOURCE_LINE.search(text)
    outlet = m.group(1).strip().rstrip(".") if m else None
    if outlet is None:  # a wire dateline names its outlet: `WASHINGTON (AP) — ...`
        outlet = next((dateline_outlet(head[sp.start : sp.end]) for sp in spans if sp.kind == "dateline"), None)
    return (clean_title(title) if title else None), line_date or date, author, outlet


_META_LINES = 8  # a text's first this many lines are looked at for a date line and a byline
_DATE_LABEL = re.compile(r"(?:date|dated|published|updated|posted)\b[ \t]*:?[ \t]*", re.I)
_NAME = r"[A-ZÀ-Þ][\w.'’-]*"
_BYLINE = re.compile(rf"(?:(?i:by|written by)[ \t]+|(?i:author)[ \t]*:[ \t]*)(?P<name>{_NAME}"
                     rf"(?:(?:[ \t]+|[ \t]*,[ \t]*|[ \t]+(?:and|&)[ \t]+){_NAME}){{0,7}})")


def _leading_lines(head: str) -> tuple[str | None, str | None, str]:
    """(date, author, head): what the date line (`Date: March 4, 2023`) and byline (`By Jane Doe`) among the
    text's first lines say, and the head with those lines blanked (so that neither is taken for the title).

    The lines looked at end at the first one that ends like a sentence (the article has begun).
    """
    date = author = None
    lines = head.split("\n")
    for i, line in enumerate(lines[:_META_LINES]):
        found_date = None if date else _line_date(line.strip())
        found_author = None if author or found_date else _line_author(line.strip())
        if found_date or found_author:
            date, author, lines[i] = date or found_date, author or found_author, ""
        elif ends_sentence(line.strip()):
            break
    return date, author, "\n".join(lines)


def _line_date(line: str) -> str | None:
    """The date (YYYY-MM-DD) a line that is only a full date says, labelled or not: `Date: March 4, 2023`,
    `Published: Sat, 04 Mar 2023 10:00 GMT`, `2023-03-04`; None for anything else, a date without a day too."""
    from dateutil import parser

    label = _DATE_LABEL.match(line)
    value = line[label.end() :] if label else line
    if not re.search(r"\d{4}", value) or len(value) > 60:  # a full date has its year in four digits
        return None
    try:  # parsed against two different defaults: a part the line leaves out (the day, the year) shows as a change
        one, two = (parser.parse(value, default=d, ignoretz=True) for d in (_DEFAULT_A, _DEFAULT_B))
    except (ValueError, OverflowError):
        return None
    return one.date().isoformat() if one.date() == two.date() else None


def _line_author(line: str) -> str | None:
    """The name a byline line gives (`By Jane Doe`, `by Jane Doe and John Roe`, `Author: Jane Doe`), else None."""
    m = _BYLINE.fullmatch(line)
    return m.group("name") if m else None


def short_title(sentence: str, *, weights: ExtractWeights = WEIGHTS) -> str:
    """A sentence cut to a title: at most ``title_words`` words and ``title_chars`` characters, with an ellipsis."""
    words = sentence.split()
    out = " ".join(words[: weights.title_words])
    if len(out) > weights.title_chars:
        out = out[: weights.title_chars].rsplit(" ", 1)[0]
    if out == " ".join(words):
        return out.rstrip(".")
    return out.rstrip(",;:–—- ") + "…"


# ---------------------------------------------------------------- HTML

_PASSWORD = re.compile(rb"<input[^>]+type\s*=\s*[\"']?password", re.I)
_SPACES = re.compile(r"[ \t\f\v\u00a0\u200b]+")


def extract_html(
    data: bytes | str, name: str, *, url: str | None = None, weights: ExtractWeights = WEIGHTS
) -> Extracted:
    """The main text of a web page (trafilatura, comments excluded), one paragraph a line block, and its metadata.

    Two trafilatura passes: the default one decides what is inside the article, the precision one where it
    starts and ends (headlines, teasers and link lists around the article are cut). Raises NoArticleTextError
    (or LoginWallError) when the page holds no article text.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > weights.max_html_bytes:
        raise FileTooLargeError(
            f"{name}: web page of {len(raw):,} bytes is over the limit of {weights.max_html_bytes:,} bytes for HTML"
        )
    if not raw.strip():
        raise EmptyDocumentError(f"{name}: empty document (no text, or only white space)")
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BinaryFileError(f"{name}: binary file (NUL bytes), not a web page")
    default, precise = _trafilatura(raw, name, url)
    text, headings = _joined(_trimmed(_render(default), _render(precise)))
    chars = _body_chars(text, headings)
    if _PASSWORD.search(raw) and chars < weights.login_max_chars:
        raise LoginWallError(
            f"{name}: looks like a login or subscription wall (a password form and {chars} characters of sentences)"
        )
    if chars < weights.min_body_chars:
        raise NoArticleTextError(
            f"{name}: no article text found ({chars} characters of sentences; the page may be navigation, "
            f"an index, a script-only page or need a login)"
        )
    meta = default or precise
    page_url = _clean(meta.url) or url
    title = _clean(meta.title) or text_metadata(text, weights=weights)[0]
    outlet = _site_name(meta, page_url)
    return Extracted(text, "html", title, _clean(meta.date), _clean(meta.author), outlet, page_url, headings)


def _trafilatura(raw: bytes, name: str, url: str | None):
    import trafilatura

    try:
        default = trafilatura.bare_extraction(raw, url=url, include_comments=False, with_metadata=True)
        precise = trafilatura.bare_extraction(raw, url=url, include_comments=False, favor_precision=True)
        parsed = default is not None or precise is not None or trafilatura.load_html(raw) is not None
    except (ValueError, TypeError, UnicodeError) as exc:  # lxml's ParserError is a ValueError
        raise BrokenHtmlError(f"{name}: cannot be parsed as HTML ({exc})") from exc
    if not parsed:
        raise BrokenHtmlError(f"{name}: cannot be parsed as HTML (not a web page, or damaged)")
    return default, precise


def _lines(text: str) -> list[str]:
    """Non-blank lines, inner white space collapsed."""
    out = []
    for line in text.splitlines():
        line = _SPACES.sub(" ", line).strip()
        if line:
            out.append(line)
    return out


_BLOCK_TAGS = frozenset({"body", "p", "head", "quote", "div", "code", "list", "table", "section", "article"})
_SKIP_TAGS = frozenset({"graphic", "fw", "note"})


class _Renderer:
    """Trafilatura's XML body as lines: one a paragraph, heading, list item (`- `) or table row (`| a | b |`).

    White space inside a paragraph (the page source's line breaks) collapses to one space; an explicit line
    break (`<br>`) is kept as a line break inside the paragraph (the splitter then decides, as for text files,
    whether the lines are wrapped prose or separate lines).
    """

    BREAK = "\u2028"  # stands for <br> while the paragraph's white space collapses

    def __init__(self) -> None:
        self.lines: list[tuple[str, bool]] = []  # (line, is a heading)
        self.buf: list[str] = []
        self.prefix = ""
        self.heading = False

    def flush(self) -> None:
        parts = (" ".join(part.split()) for part in "".join(self.buf).split(self.BREAK))
        text = "\n".join(part for part in parts if part)
        self.buf.clear()
        if text:
            self.lines.append((self.prefix + text, self.heading))

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "lb":
            self.buf.append(self.BREAK)
        elif tag == "item":
            self.flush()
            outer, self.prefix = self.prefix, "- "
            self.inner(el)
            self.flush()
            self.prefix = outer
        elif tag == "row":
            self.flush()
            cells = [" ".join("".join(c.itertext()).split()) for c in el]
            if any(cells):  # a row of <th> cells names the columns: a heading
                self.lines.append(("| " + " | ".join(cells) + " |", all(c.get("role") == "head" for c in el)))
        elif tag == "head":
            self.flush()
            self.heading = True
            self.inner(el)
            self.flush()
            self.heading = False
        elif tag in _BLOCK_TAGS:
            self.flush()
            self.inner(el)
            self.flush()
        elif tag not in _SKIP_TAGS:
            self.inner(el)  # inline markup: hi, ref, del, span
        if el.tail:
            self.buf.append(el.tail)

    def inner(self, el) -> None:
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self.walk(child)


def _render(doc) -> list[tuple[str, bool]]:
    """The (line, is a heading) of a trafilatura result (its XML body), or of its text when it has no body."""
    if doc is None:
        return []
    if getattr(doc, "body", None) is None:
        return [(line, False) for line in _lines(doc.text or "")]
    r = _Renderer()
    r.walk(doc.body)
    r.flush()
    return r.lines


def _trimmed(default: list, precise: list) -> list:
    """The default pass's lines from the first to the last line the precision pass also kept."""
    if not default or not precise:
        return default or precise
    first_at = {}
    for i, line in enumerate(default):
        first_at.setdefault(line, i)
    starts = [first_at[line] for line in precise if line in first_at]
    if not starts:
        return precise
    first = starts[0]
    tail = default[first:]
    for line in reversed(precise):
        if line in tail:
            return default[first : first + tail.index(line) + 1]
    return precise


def _joined(lines: list[tuple[str, bool]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The lines as paragraphs (a blank line between), and the (start, end) of the heading lines."""
    parts, headings, pos = [], [], 0
    for line, is_heading in lines:
        if is_heading:
            headings.append((pos, pos + len(line)))
        parts.append(line)
        pos += len(line) + 2
    return "\n\n".join(parts), tuple(headings)


def _body_chars(text: str, headings) -> int:
    """Characters (white space aside) of the body sentences that end like sentences: the article's prose.

    A run of link labels (a menu that the extractor's fallback kept) has none.
    """
    if not text.strip():
        return 0
    spans, _ = split_text(text, headings)
    return sum(
        len("".join(text[sp.start : sp.end].split()))
        for sp in spans
        if sp.kind == "body" and ends_sentence(text[sp.start : sp.end])
    )


def _clean(value) -> str | None:
    if not value or not isinstance(value, str):
        return None
    value = _SPACES.sub(" ", value).strip()
    return clean_title(value) if value else None


def _host(url: str | None) -> str | None:
    """The outlet a URL names when nothing else does: its host name without `www.` and without the port."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _site_name(meta, page_url: str | None) -> str | None:
    """The page's site name, else its host (_host). Trafilatura's own fallback, the URL's `host:port`, is not a
    site name."""
    name = _clean(meta.sitename)
    netlocs = {re.sub(r"^(?:www\.|w\d+\.)", "", urlsplit(u).netloc.lower()) for u in (meta.url, page_url) if u}
    if name and name.lower() not in netlocs:
        return name
    return _host(page_url)


# ---------------------------------------------------------------- PDF

_HYPHEN_BREAK = re.compile(r"(\w)[-\u00ad]\n[ \t]*([a-z])")
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")


def extract_pdf(data: bytes, name: str, *, url: str | None = None, weights: ExtractWeights = WEIGHTS) -> Extracted:
    """The text of a PDF (pypdf): pages joined, hyphenated line breaks repaired, wrapped lines joined into paragraphs.

    Raises EncryptedPdfError for a password-protected PDF, ScannedPdfError for one without a text layer,
    BrokenPdfError for a damaged one.
    """
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLargeError(f"{name}: {len(data):,} bytes is over the limit of {MAX_FILE_BYTES:,} bytes (20 MB)")
    reader = _pdf_reader(data, name)
    try:
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
    except Exception as exc:  # pypdf raises many kinds of errors on damaged content streams
        raise BrokenPdfError(f"{name}: damaged PDF, its text cannot be read ({exc})") from exc
    text = "\n\n".join(p for p in (_pdf_page_text(page, weights) for page in pages) if p)
    if len(text.strip()) < weights.pdf_min_chars_per_page * max(1, len(pages)):
        raise ScannedPdfError(
            f"{name}: PDF has no text layer ({len(pages)} pages, {len(text.strip())} characters of text): "
            f"it looks like a scan and would need OCR"
        )
    check_text(text, name)
    title = _clean(info.get("/Title"))
    text_title = text_metadata(text, weights=weights)[0]
    return Extracted(
        text, "pdf", title if _good_pdf_title(title) else text_title, _pdf_date(info.get("/CreationDate")),
        _clean(info.get("/Author")), _host(url), url,
    )


def _pdf_reader(data: bytes, name: str):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if _PDF_MAGIC not in bytes(data[:1024]):
        raise BrokenPdfError(f"{name}: not a PDF (no %PDF- header)")
    try:
        reader = PdfReader(io.BytesIO(bytes(data)))
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError, AttributeError, OSError) as exc:
        raise BrokenPdfError(f"{name}: damaged PDF ({exc})") from exc
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # owner-password-only PDFs open with an empty user password
        except Exception as exc:  # pypdf needs the cryptography package for AES
            raise EncryptedPdfError(f"{name}: PDF is encrypted and cannot be opened ({exc})") from exc
        if not opened:
            raise EncryptedPdfError(f"{name}: PDF is encrypted with a password; remove the password and add it again")
    try:
        count = len(reader.pages)
    except Exception as exc:
        raise BrokenPdfError(f"{name}: damaged PDF, its pages cannot be read ({exc})") from exc
    if not count:
        raise BrokenPdfError(f"{name}: damaged PDF (no pages)")
    return reader


def _pdf_page_text(page: str, weights: ExtractWeights) -> str:
    """One page's text: hyphenated breaks joined, lines joined into paragraphs, paragraphs split by a blank line."""
    page = _HYPHEN_BREAK.sub(r"\1\2", page.replace("\r\n", "\n").replace("\r", "\n"))
    lines = _lines(page)
    if not lines:
        return ""
    typical = sorted(len(line) for line in lines)[len(lines) * 3 // 4]  # most lines of prose are full
    paras: list[list[str]] = [[]]
    for line in lines:
        paras[-1].append(line)
        if len(line) < weights.pdf_short_line * typical:
            paras.append([])
    return "\n\n".join(" ".join(p) for p in paras if p)


def _good_pdf_title(title: str | None) -> bool:
    """A PDF's /Title is often a file name or a template's default: keep it only when it reads like a title."""
    if not title or len(title.split()) < 2:
        return False
    low = title.lower()
    return not (low.startswith(("microsoft word", "untitled")) or re.search(r"\.(docx?|pdf|tex|odt)$", low))


def _pdf_date(value) -> str | None:
    m = _PDF_DATE.match(str(value or ""))
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None


def new_document(e: Extracted, *, path: str | None, title: str, entry: FeedEntry | None = None) -> NewDocument:
    """The document to store for an extracted text: its own metadata first, then the feed entry's, then ``title``."""
    return NewDocument(
        e.text,
        title=e.title or (entry.title if entry else None) or title,
        path=path,
        date=e.date or (entry.date if entry else None),
        author=_person(e.author) or (_person(entry.author) if entry else None),
        outlet=e.outlet,
        url=e.url,
        headings=e.headings,
    )


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMPTY_BRACKETS = re.compile(r"<\s*>|\(\s*\)|\[\s*\]")


def _person(author: str | None) -> str | None:
    """An author as names only: RSS's `jimmy@example.org (Jimmy Olsen)` and `Jimmy Olsen <jimmy@example.org>`
    give `Jimmy Olsen`; a bare e-mail address, no name, gives None."""
    if not author or not _EMAIL.search(author):
        return author or None
    names = [n.strip() for n in re.findall(r"\(([^()@]+)\)", author) if n.strip()]
    if names:
        return ", ".join(names)
    rest = " ".join(_EMPTY_BRACKETS.sub(" ", _EMAIL.sub(" ", author)).split())
    return re.sub(r"\s+(?=[,;])", "", rest).strip(" ,;:") or None
