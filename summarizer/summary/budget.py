"""The steps every summary method shares: take candidates in order while they fit a word budget, and stop once the
summary is long enough for its sources."""

from __future__ import annotations

from typing import Callable, Iterable, TypeVar

__all__ = ["fill_budget", "long_enough"]

T = TypeVar("T")


def fill_budget(
    candidates: Iterable[T], words: Callable[[T], int], max_words: int, max_sentences: int | None = None,
    *, on_pick: Callable[[T], None] | None = None,
) -> list[T]:
    """Candidates in the order given, each kept when its ``words`` still fit in ``max_words``.

    A candidate too long for what is left is skipped (a shorter one may still fit). It stops once the budget
    is full or ``max_sentences`` are kept. ``on_pick`` is called on each kept candidate before the next one is
    drawn, so a lazy ``candidates`` (maximal marginal relevance) can re-rate what is left.
    """
    kept: list[T] = []
    used = 0
    for c in candidates:
        n = words(c)
        if used + n > max_words:
            continue
        kept.append(c)
        used += n
        if (max_sentences and len(kept) >= max_sentences) or used >= max_words:
            break
        if on_pick is not None:
            on_pick(c)
    return kept


def long_enough(kept: list[T], words: Callable[[T], int], enough: float) -> list[T]:
    """The shortest start of ``kept`` that holds at least ``enough`` words (all of ``kept`` when it holds fewer).

    ``kept`` is in pick order, so this is what :func:`fill_budget` would have kept had it stopped there.
    """
    used = 0
    for n, c in enumerate(kept, 1):
        used += words(c)
        if used >= enough:
            return kept[:n]
    return kept
