"""Documents and sentences, and reading them from files: decoding, size limits, binary detection."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import (
    BinaryFileError,
    EmptyDocumentError,
    FileTooLargeError,
    MissingPathError,
    NoReadableFilesError,
    UnsupportedFileError,
)

__all__ = [
    "Document",
    "Sentence",
    "SUFFIXES",
    "TEXT_SUFFIXES",
    "HTML_SUFFIXES",
    "PDF_SUFFIXES",
    "MAX_FILE_BYTES",
    "MAX_TEXT_CHARS",
    "MAX_TITLE_CHARS",
    "decode_bytes",
    "read_text_file",
    "read_file_bytes",
    "text_from_bytes",
    "check_suffix",
    "expand_paths",
    "check_text",
    "text_hash",
    "clean_title",
    "char_batches",
]

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PDF_SUFFIXES = (".pdf",)
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES  # what add_files reads, and picks from a directory
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TEXT_CHARS = 20 * 1024 * 1024
MAX_TITLE_CHARS = 200

# Sentence kinds. Only "body" sentences go into answers and summaries.
BODY = "body"


@dataclass(frozen=True)
class Sentence:
    """One sentence (or non-body line) of a document; ``document.text[start:end] == text``."""

    doc_id: str
    index: int
    start: int
    end: int
    text: str
    kind: str = BODY
    paragraph: int = 0

    @property
    def is_body(self) -> bool:
        return self.kind == BODY


@dataclass(frozen=True)
class Document:
    """A source document with its original text."""

    id: str
    title: str
    text: str
    path: str | None = None
    date: str | None = None
    sentence_count: int = 0
    author: str | None = None
    outlet: str | None = None  # the site or publication (a web page's site name, a `Source:` line)
    url: str | None = None  # where the original lives (a fetched URL, a page's canonical URL)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "path": self.path,
            "date": self.date,
            "sentence_count": self.sentence_count,
            "chars": len(self.text),
            "author": self.author,
            "outlet": self.outlet,
            "url": self.url,
        }


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode file bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, else Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        raise BinaryFileError(f"{name}: binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    controls = sum(1 for c in text[:8192] if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    if controls > max(8, len(text[:8192]) // 20):
        raise BinaryFileError(f"{name}: binary file ({controls} control characters in the first 8 KB), not text")
    return text


def check_text(text: str, name: str) -> None:
    """Raise if ``text`` is empty or over the size limit."""
    if len(text) > MAX_TEXT_CHARS:
        raise FileTooLargeError(f"{name}: {len(text):,} characters is over the limit of {MAX_TEXT_CHARS:,}")
    if not text.strip():
        raise EmptyDocumentError(f"{name}: empty document (no text, or only white space)")


def read_text_file(path: str | Path) -> str:
    """Read one text file with all the checks: exists, size limit, not binary, not empty."""
    return text_from_bytes(read_file_bytes(path), str(path))


def read_file_bytes(path: str | Path) -> bytes:
    """A file's bytes, after checking it exists, is a regular file and is under the size limit."""
    p = Path(path)
    if not p.exists():
        raise MissingPathError(f"{p}: no such file or directory")
    if not p.is_file():
        raise UnsupportedFileError(f"{p}: not a regular file")
    _check_size(p.stat().st_size, str(p))  # before reading: a huge file is never loaded
    try:
        return p.read_bytes()
    except OSError as exc:
        raise UnsupportedFileError(f"{p}: cannot read file ({exc.strerror or exc})") from exc


def text_from_bytes(data: bytes, name: str) -> str:
    """The text of a file's bytes (an upload, or a file read from disk): size limit, not binary, not empty."""
    _check_size(len(data), name)
    text = decode_bytes(bytes(data), name)
    check_text(text, name)
    return text


def _check_size(size: int, name: str) -> None:
    if size > MAX_FILE_BYTES:
        raise FileTooLargeError(f"{name}: {size:,} bytes is over the limit of {MAX_FILE_BYTES:,} bytes (20 MB)")


def check_suffix(name: str | Path) -> None:
    """Raise unless the file name ends in a suffix we read (or has none)."""
    suffix = Path(name).suffix
    if suffix and suffix.lower() not in SUFFIXES:
        raise UnsupportedFileError(f"{name}: unsupported file type {suffix!r} (expected {', '.join(SUFFIXES)})")


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files to read: each file as given, each directory's .txt/.md files (recursively, sorted)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise MissingPathError(f"{p}: no such file or directory")
        if p.is_dir():
            found = sorted(f for f in _walk(p) if f.suffix.lower() in SUFFIXES)
            if not found:
                raise NoReadableFilesError(f"{p}: directory holds no readable files ({', '.join(SUFFIXES)})")
            out.extend(found)
        else:
            check_suffix(p)
            out.append(p)
    return out


def _walk(root: Path) -> Iterator[Path]:
    for f in root.rglob("*"):
        if f.is_file() and not any(part.startswith(".") for part in f.relative_to(root).parts):
            yield f


_TITLE_JUNK = re.compile(r"[\x00-\x1f\x7f]+")


def clean_title(title: str) -> str:
    """A title safe to store and show: no control characters, bounded length."""
    title = _TITLE_JUNK.sub(" ", title).strip()
    return title[:MAX_TITLE_CHARS] or "untitled"


def char_batches(sizes: list[int], batch_chars: int) -> list[list[int]]:
    """Consecutive positions grouped into batches of about ``batch_chars`` characters (at least one each)."""
    batches: list[list[int]] = []
    cur: list[int] = []
    cur_chars = 0
    for i, n in enumerate(sizes):
        if cur and cur_chars + n > batch_chars:
            batches.append(cur)
            cur, cur_chars = [], 0
        cur.append(i)
        cur_chars += n
    if cur:
        batches.append(cur)
    return batches
