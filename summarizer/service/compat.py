"""A Collection feature another branch adds (issue 14: ask with history), detected here, once.

TODO(after merging issue 14): call ``col.ask(question, k=k, history=history)`` directly and delete this module.
"""

from __future__ import annotations

import inspect

from summarizer import Answer, Collection

__all__ = ["ask", "HISTORY_IGNORED"]

HISTORY_IGNORED = "Earlier questions were not used: this version answers each question on its own."


def ask(col: Collection, question: str, k: int, history: list | None) -> tuple[Answer, bool]:
    """The answer, and whether ``history`` was used (True when there was none to use)."""
    if history and "history" in inspect.signature(col.ask).parameters:
        return col.ask(question, k=k, history=history), True
    return col.ask(question, k=k), not history
