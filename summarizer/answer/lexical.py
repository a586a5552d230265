"""Lexical side of retrieval: tokenizing, BM25 (bm25s) over sentences, and spelling variants of names."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..text import QUESTION_WORDS, stem, synonyms, words

__all__ = ["tokenize", "words", "Bm25", "NameVariants", "DEMONYMS", "related_words"]

logger = logging.getLogger(__name__)

# Country and people words that spelling cannot connect ("the French foreign minister" / "the representative of
# France"): language data, not answers. Both directions are used.
DEMONYMS = {
    "french": "france", "german": "germany", "dutch": "netherlands", "british": "britain", "english": "england",
    "spanish": "spain", "italian": "italy", "russian": "russia", "chinese": "china", "japanese": "japan",
    "indian": "india", "american": "america", "ukrainian": "ukraine", "polish": "poland", "turkish": "turkey",
    "greek": "greece", "swedish": "sweden", "norwegian": "norway", "danish": "denmark", "finnish": "finland",
    "swiss": "switzerland", "austrian": "austria", "belgian": "belgium", "portuguese": "portugal",
    "irish": "ireland", "scottish": "scotland", "welsh": "wales", "canadian": "canada", "mexican": "mexico",
    "brazilian": "brazil", "argentine": "argentina", "argentinian": "argentina", "chilean": "chile",
    "peruvian": "peru", "colombian": "colombia", "australian": "australia", "korean": "korea",
    "vietnamese": "vietnam", "thai": "thailand", "indonesian": "indonesia", "pakistani": "pakistan",
    "iranian": "iran", "iraqi": "iraq", "israeli": "israel", "palestinian": "palestine", "saudi": "arabia",
    "egyptian": "egypt", "syrian": "syria", "lebanese": "lebanon", "afghan": "afghanistan", "nigerian": "nigeria",
    "kenyan": "kenya", "ethiopian": "ethiopia", "african": "africa", "european": "europe", "asian": "asia",
    "belarusian": "belarus", "hungarian": "hungary", "czech": "czechia", "romanian": "romania",
    "bulgarian": "bulgaria", "serbian": "serbia", "croatian": "croatia", "georgian": "georgia",
    "armenian": "armenia", "estonian": "estonia", "latvian": "latvia", "lithuanian": "lithuania",
    "moldovan": "moldova", "slovak": "slovakia", "taiwanese": "taiwan", "filipino": "philippines",
}
_COUNTRY = {v: k for k, v in DEMONYMS.items()}


def related_words(word: str, *, with_synonyms: bool = True) -> list[str]:
    """Words that name the same place or people as ``word`` (``French`` <-> ``France``), and its synonyms
    (``buy`` -> ``purchase``, see :data:`summarizer.text.SYNONYMS`), lowercased."""
    w = word.lower()
    out = [DEMONYMS[w]] if w in DEMONYMS else []
    if w in _COUNTRY:
        out.append(_COUNTRY[w])
    if with_synonyms:
        out.extend(synonyms(w))
    return out


def tokenize(text: str) -> list[str]:
    """Lowercased, stemmed content words: the terms BM25 sees."""
    return [stem(w) for w in words(text) if not _skip(w.lower())]


def _skip(word: str) -> bool:
    return word in QUESTION_WORDS or (len(word) == 1 and not word.isdigit())


class Bm25:
    """A BM25 index (bm25s) over token lists; scores every row for a query in one sparse pass."""

    def __init__(self, docs: Sequence[Sequence[str]]) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG on import
        self.size = len(docs)
        self._bm25 = bm25s.BM25(k1=1.2, b=0.75)
        if self.size:
            self._bm25.index([list(d) for d in docs], show_progress=False)
        self.vocab: dict[str, int] = dict(self._bm25.vocab_dict) if self.size else {}
        self._df = np.zeros(len(self.vocab) or 1, dtype=np.float32)
        if self.size:
            for d in docs:
                for t in set(d):
                    self._df[self.vocab[t]] += 1

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every row for these terms (unknown terms count for nothing)."""
        known = [t for t in terms if t in self.vocab]
        if not known or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def idf(self, term: str) -> float:
        """Inverse document frequency (BM25+ style, always positive); unknown terms get the rarest value."""
        df = self._df[self.vocab[term]] if term in self.vocab else 0.0
        return float(np.log(1.0 + (self.size - df + 0.5) / (df + 0.5)))


def _deletes(token: str) -> set[str]:
    return {token} | {token[:i] + token[i + 1 :] for i in range(len(token))}


@dataclass(frozen=True)
class NameVariants:
    """Spelling variants among the capitalised words of a collection (``Baerbock``/``Berbock``).

    Two names are variants when deleting at most one letter from each makes them equal (one substitution,
    insertion, deletion or swap of neighbours): the symmetric-delete trick, looked up in a dictionary.
    """

    names: frozenset[str]
    by_delete: dict[str, frozenset[str]]
    min_len: int = 5

    @classmethod
    def build(cls, texts: Sequence[str], *, min_len: int = 5) -> "NameVariants":
        names: set[str] = set()
        for text in texts:
            for i, w in enumerate(words(text)):
                if i and w[:1].isupper() and len(w) >= min_len and w.lower() not in QUESTION_WORDS:
                    names.add(w.lower())
        by_delete: dict[str, set[str]] = {}
        for n in names:
            for d in _deletes(n):
                by_delete.setdefault(d, set()).add(n)
        return cls(frozenset(names), {k: frozenset(v) for k, v in by_delete.items()}, min_len)

    def variants(self, word: str) -> list[str]:
        """Other spellings of ``word`` (lowercased) found among the collection's names, sorted."""
        w = word.lower()
        if len(w) < self.min_len:
            return []
        found: set[str] = set()
        for d in _deletes(w):
            found |= self.by_delete.get(d, frozenset())
        found.discard(w)
        # keep the first letter: Sergei/Sergey, Antony/Anthony, but not Russia/Prussia
        return sorted(v for v in found if v[0] == w[0])
