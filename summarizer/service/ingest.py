"""Documents sent to the service (uploaded files, pasted text, links) and adding them to a named collection."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from summarizer import Document

from .compat import add_url
from .registry import Registry

__all__ = ["Item", "add_one", "add_all"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """One document to add: exactly one of ``data`` (a file's bytes), ``text`` or ``url``."""

    name: str  # the file name, title or link: how progress and failures name it
    data: bytes | None = None
    text: str | None = None
    title: str | None = None
    url: str | None = None

    @property
    def size(self) -> int:
        """Characters (or bytes) to read: what makes a request large enough to run as a job."""
        return len(self.data if self.data is not None else self.text or "")


def _add(col, item: Item) -> Document:
    if item.url is not None:
        return add_url(col, item.url)
    if item.data is not None:
        return col.add_bytes(item.data, item.name)
    return col.add_text(item.text, item.title)


def add_one(registry: Registry, name: str, item: Item) -> Document:
    """Add one document in one transaction of its own (a crash keeps whole documents only)."""
    with registry.writing(name) as col:
        return _add(col, item)


def add_all(registry: Registry, name: str, items: list[Item]) -> list[Document]:
    """Add every item or none: when one fails, the documents this call added are removed again."""
    with registry.writing(name) as col:
        before = {d.id for d in col.documents}
        out: list[Document] = []
        try:
            for item in items:
                out.append(_add(col, item))
        except BaseException:
            for doc in out:
                if doc.id not in before:
                    col.remove(doc.id)
            raise
        return out
