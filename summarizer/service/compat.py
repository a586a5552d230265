"""Collection features that other branches add (issue 14: ask with history; issue 11: links), detected once here.

TODO(after merging issues 11 and 14): call ``col.ask(question, k=k, history=history)`` and
``col.add_url(url)`` directly, and delete this module and its two checks.
"""

from __future__ import annotations

import inspect

from summarizer import Answer, Collection, Document

from .problems import LinksUnsupportedError

__all__ = ["ask", "reads_links", "check_reads_links", "add_url", "HISTORY_IGNORED"]

HISTORY_IGNORED = "Earlier questions were not used: this version answers each question on its own."


def ask(col: Collection, question: str, k: int, history: list | None) -> tuple[Answer, bool]:
    """The answer, and whether ``history`` was used (True when there was none to use)."""
    if history and "history" in inspect.signature(col.ask).parameters:
        return col.ask(question, k=k, history=history), True
    return col.ask(question, k=k), not history


def reads_links() -> bool:
    return hasattr(Collection, "add_url")


def check_reads_links() -> None:
    if not reads_links():
        raise LinksUnsupportedError("links cannot be read by this version: upload the page as a file instead")


def add_url(col: Collection, url: str) -> Document:
    check_reads_links()
    return col.add_url(url)
