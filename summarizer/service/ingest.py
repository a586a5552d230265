"""Documents sent to the service (uploaded files, pasted text, links) and adding them to a named collection."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from summarizer import Document

from .registry import Registry

__all__ = ["Item", "Added", "add_one", "add_all"]

logger = logging.getLogger(__name__)

Added = tuple[list[Document], list[tuple[str, str]]]  # documents added, and (link, reason) for a feed's failed links


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


def _add(col, item: Item) -> Added:
    if item.url is not None:
        got = col.add_link(item.url, allow_private=item.allow_private)
        return list(got.added), list(got.failed)
    if item.data is not None:
        return [col.add_bytes(item.data, item.name)], []
    return [col.add_text(item.text, item.title)], []


def add_one(registry: Registry, name: str, item: Item) -> Added:
    """Add one item (one document, or a feed's articles) in transactions of its own: a crash keeps whole documents."""
    with registry.writing(name) as col:
        return _add(col, item)


def add_all(registry: Registry, name: str, items: list[Item]) -> list[Document]:
    """Add every item or none: when one fails, the documents this call added are removed again."""
    with registry.writing(name) as col:
        before = {d.id for d in col.documents}
        out: list[Document] = []
        try:
            for item in items:
                out.extend(_add(col, item)[0])
        except BaseException:
            for doc in out:
                if doc.id not in before:
                    col.remove(doc.id)
            raise
        return out
