"""Documents sent to the service (uploaded files, pasted text, links) and adding them to a named collection."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Iterator

from summarizer import Document
from summarizer.collection import split_added

from .registry import Registry

__all__ = ["Item", "Added", "Failure", "Outcome", "chunks", "add_chunk", "add_all"]

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


@dataclass
class Outcome:
    """What adding a chunk did: documents stored, documents whose text was already stored, failures (each a document
    its items held: a feed counts as its articles), and how many of its items were feeds."""

    added: list[Document] = field(default_factory=list)
    stored: list[Document] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    feeds: int = 0


def _add_item(col, item: Item) -> tuple[list[Document], list[tuple[str, str]], bool]:
    """Add one item: the documents it gave, its feed's failed links, and whether it was a feed."""
    if item.url is not None:
        got = col.add_link(item.url, allow_private=item.allow_private)
        feed = got.title is not None or len(got.added) + len(got.failed) != 1  # an untitled feed of one: an article
        return list(got.added), list(got.failed), feed
    if item.data is not None:
        return [col.add_bytes(item.data, item.name)], [], False
    return [col.add_text(item.text, item.title)], [], False


def _files(items: list[Item]) -> list[tuple[str, bytes]] | None:
    return [(i.name, i.data) for i in items] if all(i.data is not None for i in items) else None


def add_chunk(registry: Registry, name: str, items: list[Item]) -> Outcome:
    """Add a chunk (see :func:`chunks`) for a job: the documents added and already stored, and each failure.

    Files go in one embedding pass and one transaction (a crash keeps whole chunks); a bad file fails alone.
    A text or a link raises when it cannot be added; a feed's links that fail are among the failures.
    """
    with registry.writing(name) as col:
        before = [d.id for d in col.documents]
        files = _files(items)
        if files is None:
            return _add_each(col, items, before)
        errors: list[BaseException] = []
        got = col.add_uploads(files, on_error=errors.append)
        left_out = iter(errors)
        added, stored = split_added(got, before)
        failures = [(i.name, next(left_out)) for i, d in zip(items, got) if d is None]
        return Outcome(added, stored, failures)


def _add_each(col, items: list[Item], before: list[str]) -> Outcome:
    """Add texts and links one at a time (see :func:`add_chunk`)."""
    docs: list[Document] = []
    out = Outcome()
    for item in items:
        got, links, feed = _add_item(col, item)
        docs += got
        out.failures += links
        out.feeds += feed
    out.added, out.stored = split_added(docs, before)
    return out


def add_all(registry: Registry, name: str, items: list[Item]) -> tuple[list[Document], list[Document]]:
    """Add every item or none (a request answered at once: files, checked together before any is stored, or a text).

    Returns one document per item, in order (an already stored text gives the stored document), and those of them
    whose text was already stored.
    """
    with registry.writing(name) as col:
        before = [d.id for d in col.documents]
        files = _files(items)
        docs = list(col.add_uploads(files)) if files is not None else [
            d for item in items for d in _add_item(col, item)[0]]
        return docs, split_added(docs, before)[1]
