"""What "the same word" means everywhere: the word pattern, one stemmer, one stop-word list, numbers, union-find."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Callable, Generic, Hashable, Iterable, TypeVar

__all__ = [
    "WORD",
    "words",
    "stem",
    "stemmer",
    "stop_words",
    "QUESTION_WORDS",
    "NUMBER_WORDS",
    "UnionFind",
]

logger = logging.getLogger(__name__)

# A word: letters or digits, with inner apostrophes ("Blinken's", "don’t"); underscores and other marks split.
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

# Words written as numbers ("two countries", "a dozen"): they differ between sources like digits do.
NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion trillion dozen".split()
)

# Words that carry no content in a question or a search: BM25 drops them. The fact-group rule and the comparison
# use sumy's longer English list (:func:`stop_words`), which holds all of these but "s", "ones" and "done".
QUESTION_WORDS = frozenset(
    """a an and are as at be but by for if in into is it no not of on or such that the their then there these
    they this to was will with what which who whom whose when where why how did do does done has have had
    been being were would could should can may might must shall s i you he she we his her its our your my
    me him them us than so also about from after before over under up down out any some all each other
    one ones very just only own same too more most""".split()
)


def words(text: str) -> list[str]:
    """The words of ``text`` as written (case kept), apostrophe suffixes dropped (``Blinken's`` -> ``Blinken``)."""
    out = []
    for w in WORD.findall(text):
        w = re.split(r"['’]", w, maxsplit=1)[0]
        if w:
            out.append(w)
    return out


@lru_cache(maxsize=1)
def stemmer() -> Callable[[str], str]:
    """The English Snowball stemmer (NLTK, as sumy uses it), lowercasing, with a cache; loaded once.

    Without NLTK, words are matched lowercased and unstemmed (with a warning).
    """
    try:
        from nltk.stem.snowball import SnowballStemmer
    except ImportError:  # nltk comes with sumy; without it, words are matched unstemmed
        logger.warning("nltk is not installed: words are matched without stemming (pip install nltk)")
        return lru_cache(maxsize=200_000)(str.lower)
    snowball = SnowballStemmer("english", ignore_stopwords=False)
    return lru_cache(maxsize=200_000)(lambda word: snowball.stem(word.lower()))


def stem(word: str) -> str:
    """``word`` lowercased and stemmed (``Talks`` -> ``talk``)."""
    return stemmer()(word)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """sumy's English stop words (offline), loaded once: the list of the fact-group rule and the comparison."""
    from sumy.utils import get_stop_words

    return frozenset(get_stop_words("english"))


K = TypeVar("K", bound=Hashable)


class UnionFind(Generic[K]):
    """Disjoint sets of items with path halving; ``members(x)`` lists the items of ``x``'s set.

    ``union(a, b)`` keeps the root that was added first, so set numbers follow the order items came in.
    """

    def __init__(self, items: Iterable[K] = ()) -> None:
        self._parent: dict[K, K] = {}
        self._members: dict[K, list[K]] = {}
        self._order: dict[K, int] = {}
        for x in items:
            self.add(x)

    def add(self, x: K) -> None:
        if x not in self._parent:
            self._parent[x] = x
            self._members[x] = [x]
            self._order[x] = len(self._order)

    def find(self, x: K) -> K:
        parent = self._parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: K, b: K) -> K:
        """Join the sets of ``a`` and ``b``; returns the root of the joined set."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        keep, drop = (ra, rb) if self._order[ra] <= self._order[rb] else (rb, ra)
        self._parent[drop] = keep
        self._members[keep].extend(self._members.pop(drop))
        return keep

    def members(self, x: K) -> list[K]:
        """The items in ``x``'s set, ``x``'s root first, then in the order they joined."""
        return self._members[self.find(x)]

    def sets(self) -> list[list[K]]:
        """Every set, in the order of their roots."""
        return [m for _, m in sorted(((self._order[r], m) for r, m in self._members.items()), key=lambda x: x[0])]
