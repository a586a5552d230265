"""Words of compared sentences: the shared tokens (names and numbers marked) and the word difference of two sentences."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..results import Citation, CitedSentence
from ..wording import Token
from ..wording import Words as _SharedWords
from .results import Difference

__all__ = ["Words", "Token"]


def _unique_words(tokens: list[Token]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.surface for t in tokens))


class Words(_SharedWords):
    """:class:`summarizer.wording.Words` of the compared sentences (row indices) with their citations and vectors."""

    def __init__(self, texts: Sequence[str], citations: Sequence[Citation], vectors: np.ndarray,
                 central: np.ndarray) -> None:
        super().__init__(texts)
        self.citations, self.vectors, self.central = citations, vectors, central

    def difference(self, i: int, j: int, fact: int = -1) -> Difference:
        """The words each of sentences ``i`` and ``j`` has that the other lacks, names and numbers flagged."""
        a, b = self.missing(i, self.content(j)), self.missing(j, self.content(i))
        ci, cj = self.citations[i], self.citations[j]
        return Difference(
            CitedSentence(ci.text, (ci,), float(self.central[i])),
            CitedSentence(cj.text, (cj,), float(self.central[j])),
            _unique_words(a), _unique_words(b),
            _unique_words([t for t in a if t.flagged]),
            _unique_words([t for t in b if t.flagged]),
            tuple((ci.start + t.start, ci.start + t.end) for t in a),
            tuple((cj.start + t.start, cj.start + t.end) for t in b),
            float(self.vectors[i] @ self.vectors[j]),
            fact,
        )
