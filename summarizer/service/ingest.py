"""Documents sent to the service (uploaded files, pasted text, links) and adding them to a named collection."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterator

from summarizer import Document

from .registry import Registry

__all__ = ["Item", "Added", "Failure", "chunks", "add_chunk", "add_all"]

logger = logging.getLogger(__name__)

Added = tuple[list[Document], list[tuple[str, str]]]  # documents added, and (link, reason) for a feed's failed links
Failure = tuple[str, "BaseException | str"]  # a file name or link, and its exception (or a feed link's reason)


@dataclass(frozen=True)
class Item:
    """One document to add: exactly one of ``data`` (a file's bytes), ``text`` or ``url`` (an article or a feed)."""

    name: str  # the file name, title or link: how progress and failures name it
    data: bytes | None = None
    text: str | None = None
    title: str | None = None
    url: str | None = None
    allow_private: bool = False  # a link may point to loopback, private and link-local addresses

    @property
    def size(self) -> int:
        """Characters (or bytes) to read: what makes a request large enough to run as a job."""
        return len(self.data if self.data is not None else self.text or "")


def chunks(items: list[Item], max_docs: int, max_chars: int) -> Iterator[list[Item]]:
    """Runs of consecutive files, each up to ``max_docs`` files and ``max_chars`` bytes; a text or a link alone."""
    run: list[Item] = []
    size = 0
    for item in items:
        if run and (item.data is None or len(run) >= max_docs or size + item.size > max_chars):
            yield run
            run, size = [], 0
        if item.data is None:
            yield [item]
            continue
        run.append(item)
        size += item.size
    if run:
        yield run


def _add(col, item: Item) -> Added:
    if item.url is not None:
        got = col.add_link(item.url, allow_private=item.allow_private)
        return list(got.added), list(got.failed)
    if item.data is not None:
        return [col.add_bytes(item.data, item.name)], []
    return [col.add_text(item.text, item.title)], []


def _files(items: list[Item]) -> list[tuple[str, bytes]] | None:
    return [(i.name, i.data) for i in items] if all(i.data is not None for i in items) else None


def add_chunk(registry: Registry, name: str, items: list[Item]) -> tuple[list[Document], list[Failure]]:
    """Add a chunk (see :func:`chunks`) for a job: the documents added, and each failure.

    Files go in one embedding pass and one transaction (a crash keeps whole chunks); a bad file fails alone.
    A text or a link raises when it cannot be added; a feed's links that fail are among the failures.
    """
    with registry.writing(name) as col:
        files = _files(items)
        if files is None:
            docs, failed = [], []
            for item in items:
                got, links = _add(col, item)
                docs += got
                failed += links
            return docs, failed
        errors: list[BaseException] = []
        got = col.add_uploads(files, on_error=errors.append)
        left_out = iter(errors)
        return [d for d in got if d is not None], [(i.name, next(left_out)) for i, d in zip(items, got) if d is None]


def add_all(registry: Registry, name: str, items: list[Item]) -> list[Document]:
    """Add every item or none (a request answered at once: files, checked together before any is stored, or a text)."""
    with registry.writing(name) as col:
        files = _files(items)
        if files is not None:
            return list(col.add_uploads(files))
        return [d for item in items for d in _add(col, item)[0]]
