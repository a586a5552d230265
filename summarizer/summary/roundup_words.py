"""Which words and word pairs human roundups keep from their sources: log-odds learned on NeuS train, per sentence."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from ..text import stemmer, words

__all__ = ["WordRates", "units", "WORD_FEATURES"]

# The sentence features read from the rates, in column order (summarizer.summary.features.FEATURES ends with them).
WORD_FEATURES = (
    "kept_words",  # mean log-odds (against all words) that a roundup keeps each of its stems, unknown stems 0
    "kept_words_sum",  # ... their sum / 10
    "kept_words_share",  # share of its stems kept more often than the average word
    "kept_pairs",  # the same three for its pairs of adjacent stems (a ROUGE-2 cue)
    "kept_pairs_sum",
    "kept_pairs_share",
)


def units(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The distinct stems of ``text`` and its pairs of adjacent stems (``"foreign minist"``)."""
    stem_word = stemmer()
    stems = [stem_word(w) for w in words(text)]
    return frozenset(stems), frozenset(f"{a} {b}" for a, b in zip(stems, stems[1:]))


@dataclass(frozen=True)
class WordRates:
    """Per stem and per stem pair, the log-odds that a human roundup keeps it when its sources use it, minus the
    log-odds of an average stem (pair): above 0, kept more often than most (``announc``, ``the senat``), below 0,
    less (``mr``, ``familiar with``). Fitted by bench/train_ranker.py (smoothed towards 0, rare ones left out)."""

    words: Mapping[str, float] = field(default_factory=dict)
    pairs: Mapping[str, float] = field(default_factory=dict)

    def features(self, texts: Sequence[str]) -> np.ndarray:
        """The :data:`WORD_FEATURES` of each of ``texts`` (rows), float32."""
        return self.features_of([units(t) for t in texts])

    def features_of(self, found_units: Sequence[tuple[frozenset[str], frozenset[str]]]) -> np.ndarray:
        """:meth:`features` from each text's :func:`units`."""
        out = np.zeros((len(found_units), len(WORD_FEATURES)), dtype=np.float32)
        tables = (self.words, self.pairs)
        for row, both in enumerate(found_units):
            for col, found in enumerate(both):
                if found:
                    get = tables[col].get
                    values = [get(u, 0.0) for u in found]
                    total = math.fsum(values)  # exact, so the same whatever order the set gives
                    out[row, 3 * col: 3 * col + 3] = (total / len(values), total / 10.0,
                                                      sum(v > 0 for v in values) / len(values))
        return out
