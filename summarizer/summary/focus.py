"""A summary focused on a query: how close each pool sentence is to it, added to the method's own scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..text import stem, stop_words, words

__all__ = ["Focus", "FOCUS_WEIGHT", "MIN_CLOSENESS", "FOCUSED", "UNFOCUSED", "relevance", "focused", "shown"]

# How much a sentence's closeness to the query (as a z-score within the pool) counts, in units of the spread of
# the method's own scores: at 2, a sentence that names what the query names outranks the pool's most central one
# that does not, while the rest of the summary is picked as usual. Chosen on HotpotQA dev50 (bench/qa_quality.py:
# the question as the query of a 120-word summary of its ten paragraphs cites 0.533 / 0.645 / 0.726 / 0.703 of the
# gold sentences at 0.5 / 1 / 2 / 3, against 0.410 unfocused).
FOCUS_WEIGHT = 2.0


# A pool is about the query when one of its sentences holds one of the query's content words or comes this close to
# it (MiniLM cosine; unrelated news sits below 0.15, "banana smoothie recipe" reaches 0.06 on the seeds): below it,
# focusing would only stretch noise into an order, so the summary is left as it is and says so.
MIN_CLOSENESS = 0.3

FOCUSED = "It favours the sentences closest to {query}."
UNFOCUSED = "Nothing in its documents is close to {query}, so no sentence is favoured for it."


def shown(text: str, limit: int = 80) -> str:
    """A query as messages quote it: in quotes, cut at ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 1].rstrip() + "…")


@dataclass(frozen=True)
class Focus:
    """What a summary is about: the query's text and its embedding (unit length)."""

    text: str
    vector: np.ndarray


def relevance(texts: list[str], vectors: np.ndarray, focus: Focus) -> np.ndarray | None:
    """Per sentence: its cosine to the query plus the share (by idf over ``texts``) of the query's content words it
    holds, stemmed ("Jaishankar", "nuclear treaties" for "nuclear treaty"); None when no sentence holds one of those
    words or comes within :data:`MIN_CLOSENESS` of the query."""
    stop = stop_words()
    wanted = list(dict.fromkeys(stem(w) for w in words(focus.text) if w.lower() not in stop))
    dense = vectors @ np.asarray(focus.vector, dtype=np.float32)
    held = np.zeros((len(texts), len(wanted)), dtype=bool)
    for i, text in enumerate(texts if wanted else ()):
        toks = {stem(w) for w in words(text)}
        held[i] = [t in toks for t in wanted]
    idf = np.log((len(texts) + 1) / (held.sum(axis=0) + 0.5))
    idf = np.where(held.any(axis=0), np.maximum(idf, 0.1), 0.0)
    if not idf.sum() and (not len(dense) or float(dense.max()) < MIN_CLOSENESS):
        return None
    share = (held @ idf) / idf.sum() if idf.sum() else np.zeros(len(texts))
    return (dense + share).astype(np.float32)


def focused(scores: np.ndarray, rel: np.ndarray, weight: float = FOCUS_WEIGHT) -> np.ndarray:
    """``scores`` plus ``weight`` times the z-score of ``rel`` within the pool, in units of the scores' spread."""
    scores = np.asarray(scores, dtype=np.float32)
    spread = float(scores.std()) or 1.0
    z = (rel - rel.mean()) / (float(rel.std()) or 1.0)
    return (scores + weight * spread * z).astype(np.float32)
