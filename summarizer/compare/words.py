"""Words of compared sentences: tokens with names and numbers marked, and the word difference of two sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..results import Citation, CitedSentence
from ..text import NUMBER_WORDS, WORD, stemmer, stop_words
from .results import Difference

__all__ = ["Words", "Token"]

_DIGIT = re.compile(r"\d")
_OPENERS = frozenset("“\"‘'([-—–:")


@dataclass(frozen=True)
class Token:
    """A word of a sentence: as written, its stem, its place, and whether it is a number, a name or a stop word."""

    surface: str
    stem: str
    start: int  # offset in the sentence text
    end: int
    number: bool
    name: bool
    stop: bool


def _norm(word: str) -> str:
    w = word.lower().replace("’", "'")
    return w[:-2] if w.endswith("'s") else w


def _raw_tokens(text: str) -> list[tuple[str, int, int, bool]]:
    """(word, start, end, initial): ``initial`` when the word opens the sentence or a quote/clause."""
    out = []
    for k, m in enumerate(WORD.finditer(text)):
        p = m.start() - 1
        while p >= 0 and text[p].isspace():
            p -= 1
        out.append((m.group(), m.start(), m.end(), k == 0 or (p >= 0 and text[p] in _OPENERS)))
    return out


def _proper_names(texts: Sequence[str]) -> frozenset[str]:
    """Lower-cased words written capitalised somewhere other than at a sentence or quote start."""
    stop = stop_words()
    names = {_norm(w) for t in texts for w, _, _, initial in _raw_tokens(t) if not initial and w[0].isupper()}
    return frozenset(names - stop)


def _tokens(text: str, proper: frozenset[str]) -> list[Token]:
    stop, stem = stop_words(), stemmer()
    out = []
    for w, a, b, initial in _raw_tokens(text):
        n = _norm(w)
        number = bool(_DIGIT.search(w)) or n in NUMBER_WORDS
        acronym = len(w) > 1 and w.isupper() and w.isalpha()
        name = not number and (acronym or (w[0].isupper() and n not in stop and (not initial or n in proper)))
        out.append(Token(w, stem(n), a, b, number, name, n in stop and not (number or acronym)))
    return out


def _content(tokens: list[Token]) -> set[str]:
    return {t.stem for t in tokens if not t.stop}


def _missing(tokens: list[Token], other: set[str]) -> list[Token]:
    """Content tokens whose stem the other side lacks (every occurrence)."""
    return [t for t in tokens if not t.stop and t.stem not in other]


def _unique_words(tokens: list[Token]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.surface for t in tokens))


class Words:
    """Tokens of sentences (row indices), made on first use, and the word difference of two sentences."""

    def __init__(self, texts: Sequence[str], citations: Sequence[Citation], vectors: np.ndarray,
                 central: np.ndarray) -> None:
        self.texts, self.citations, self.vectors, self.central = texts, citations, vectors, central
        self.proper = _proper_names(texts)
        self._tokens: dict[int, list[Token]] = {}
        self._content: dict[int, set[str]] = {}

    def tokens(self, i: int) -> list[Token]:
        if i not in self._tokens:
            self._tokens[i] = _tokens(self.texts[i], self.proper)
        return self._tokens[i]

    def content(self, i: int) -> set[str]:
        if i not in self._content:
            self._content[i] = _content(self.tokens(i))
        return self._content[i]

    def missing(self, i: int, other: set[str]) -> list[Token]:
        """Content tokens of sentence ``i`` whose stem ``other`` lacks (every occurrence)."""
        return _missing(self.tokens(i), other)

    def difference(self, i: int, j: int, fact: int = -1) -> Difference:
        """The words each of sentences ``i`` and ``j`` has that the other lacks, names and numbers flagged."""
        a, b = self.missing(i, self.content(j)), self.missing(j, self.content(i))
        ci, cj = self.citations[i], self.citations[j]
        return Difference(
            CitedSentence(ci.text, (ci,), float(self.central[i])),
            CitedSentence(cj.text, (cj,), float(self.central[j])),
            _unique_words(a), _unique_words(b),
            _unique_words([t for t in a if t.number or t.name]),
            _unique_words([t for t in b if t.number or t.name]),
            tuple((ci.start + t.start, ci.start + t.end) for t in a),
            tuple((cj.start + t.start, cj.start + t.end) for t in b),
            float(self.vectors[i] @ self.vectors[j]),
            fact,
        )
