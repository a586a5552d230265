"""Lexical side of retrieval: tokenizing, BM25 over sentences and their windows (updated in place), name spellings."""

from __future__ import annotations

import logging
import sys
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

import numpy as np

from index.rows import runs

from ..text import DEMONYMS, QUESTION_WORDS, stem, synonyms, words
from .postings import TF_DTYPE, Merge, Postings

__all__ = [
    "tokenize", "words", "Bm25", "Bm25Weights", "BM25_WEIGHTS", "WindowBm25", "TitleIndex", "TitleTerms", "LiveTerms",
    "NameVariants", "names_in", "idf", "length_norm", "DEMONYMS", "related_words",
]

logger = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class Bm25Weights:
    """BM25 as bm25s scores it by default (the Lucene variant), and when the fresh segment is merged."""

    k1: float = 1.2  # term-frequency saturation (bm25s default, kept from the bm25s index this replaces)
    b: float = 0.75  # length normalisation (bm25s default)
    merge_share: float = 0.125  # merge the fresh segment into the main one when it holds this share of its entries
    dense_share: float = 0.08  # window counts of a term in more than this share of rows: in an array over the rows
    cache_bytes: int = 8 * 2**20  # the sentence index keeps its terms' contributions up to this size (common
    # terms recur from question to question) ...
    window_cache_bytes: int = 32 * 2**20  # ... and the window index up to this: a window contribution costs
    # about five times as much to make again (1M sentences: 5-10 ms for a common term against 1-2 ms)


BM25_WEIGHTS = Bm25Weights()


class Bm25:
    """A BM25 index over token lists (each row a sentence), updated by adding and dropping rows, never rebuilt.

    Scores are bm25s's (Lucene variant): ``idf * tf / (tf + k1 * (1 - b + b * len / avglen))`` summed over the
    query's terms (repeats count), ``idf = log(1 + (N - df + 0.5) / (df + 0.5))``. bm25s bakes idf and the
    average length into its matrix when indexing, so one new sentence changes every stored score; here the
    postings keep raw counts and idf and lengths come from the current totals at query time, so an index
    grown row by row scores exactly like one built at once. New rows go to a small fresh segment, merged
    into the main one when it reaches ``merge_share`` of it. Immutable: :meth:`added` and :meth:`kept`
    return new indexes sharing the unchanged arrays.
    """

    def __init__(self, docs: Sequence[Sequence[str]] = (), *, weights: Bm25Weights = BM25_WEIGHTS) -> None:
        self.weights = weights
        self._ids: dict[str, int] = {}  # term -> id; shared by the indexes derived from this one, only grows
        self._terms: list[str] = []  # id -> term, likewise
        self._main = self._fresh = Postings.empty()
        self._df = np.zeros(0, dtype=np.int64)
        self._len = np.zeros(0, dtype=np.int64)
        self._total = 0
        self._norm: np.ndarray | None = None
        self._idf: dict[str, float] = {}  # this index's idf of the terms asked for
        self._contributions = Contributions(weights.cache_bytes)
        if docs:
            self._grow(docs)

    @classmethod
    def from_parts(cls, terms: list[str], postings: Postings, lengths: np.ndarray, *,
                   weights: Bm25Weights = BM25_WEIGHTS) -> "Bm25":
        """An index from :meth:`parts` (as saved to disk)."""
        out = cls(weights=weights)
        out._terms, out._ids = list(terms), {t: i for i, t in enumerate(terms)}
        out._main = postings
        out._df = postings.counts(len(terms))
        out._len = np.asarray(lengths, dtype=np.int64)
        out._total = int(out._len.sum())
        return out

    def parts(self) -> tuple[list[str], Merge, np.ndarray]:
        """Terms by id, the postings as one segment (made in chunks as they are written) and each row's length:
        what :meth:`from_parts` needs."""
        return self._terms, self._main.merging(self._fresh), self._len

    # ------------------------------------------------------------------ queries
    @property
    def size(self) -> int:
        return len(self._len)

    @property
    def lengths(self) -> np.ndarray:
        """Tokens in each row."""
        return self._len

    @property
    def vocab(self) -> "LiveTerms":
        """The terms some row holds (``term in vocab``)."""
        return LiveTerms(self)

    def term_id(self, term: str) -> int:
        """The term's id when some row holds it, else -1."""
        t = self._ids.get(term, -1)
        return t if 0 <= t < len(self._df) and self._df[t] > 0 else -1

    def df(self, term: str) -> int:
        t = self.term_id(term)
        return int(self._df[t]) if t >= 0 else 0

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows holding ``term`` (increasing) and how often."""
        t = self.term_id(term)
        if t < 0:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=TF_DTYPE)
        (r1, f1), (r2, f2) = self._main.column(t), self._fresh.column(t)
        return (np.concatenate([r1, r2]), np.concatenate([f1, f2])) if len(r2) else (r1, f1)

    def norm(self) -> np.ndarray:
        """``k1 * (1 - b + b * len / avglen)`` of each row (computed once per index)."""
        if self._norm is None:
            self._norm = length_norm(self._len, self.weights)
        return self._norm

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every row for these terms (unknown terms count for nothing)."""
        return self._contributions.scores(terms, self.size, self._contribution)

    def grouped_scores(self, groups: Sequence[Sequence[str]]) -> np.ndarray:
        """BM25 score of every row where each group of terms (a question term's forms) counts by its best."""
        return self._contributions.grouped(groups, self.size, self._contribution)

    def _contribution(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        rows, tf = self.postings(term)
        tf = tf.astype(np.float32)
        return rows, np.float32(self.idf(term)) * tf / (self.norm()[rows] + tf)

    def counts_at(self, term: str, rows: np.ndarray) -> np.ndarray:
        """How often ``term`` occurs in each of ``rows`` (float32; any order): a binary search in its postings."""
        have, tf = self.postings(term)
        return _looked_up(have, tf, rows)

    def scores_at(self, terms: Sequence[str], rows: np.ndarray) -> np.ndarray:
        """:meth:`scores` at ``rows`` only, without scoring the rest of the collection (the same values)."""
        rows = np.asarray(rows, dtype=np.int64)
        return _bm25_at(terms, rows, self.norm()[rows], self.idf, self.counts_at)

    def idf(self, term: str) -> float:
        """Inverse document frequency (BM25+ style, always positive); unknown terms get the rarest value."""
        found = self._idf.get(term)
        if found is None:
            found = self._idf[term] = idf(self.df(term), self.size)
        return found

    def live_terms(self) -> list[str]:
        """Every term some row holds."""
        return [self._terms[i] for i in np.flatnonzero(self._df).tolist()]

    def changed_terms(self, before: "Bm25") -> tuple[list[str], list[str]]:
        """Terms some row holds now and none did in ``before``, and the other way round."""
        old = np.zeros(len(self._df), dtype=np.int64)
        old[: len(before._df)] = before._df[: len(self._df)]
        appeared = np.flatnonzero((old == 0) & (self._df > 0)).tolist()
        vanished = np.flatnonzero((old > 0) & (self._df == 0)).tolist()
        return [self._terms[i] for i in appeared], [self._terms[i] for i in vanished]

    # ------------------------------------------------------------------ changes
    def added(self, docs: Sequence[Sequence[str]]) -> "Bm25":
        """This index with rows for ``docs`` after its own."""
        out = self._copy()
        out._grow(docs)
        return out

    def kept(self, keep: np.ndarray) -> "Bm25":
        """This index with only the rows where ``keep`` is true, renumbered in order."""
        out = self._copy()
        out._main, out._fresh = self._main.kept(keep), self._fresh.kept(keep)
        n = len(self._df)
        out._df = out._main.counts(n) + out._fresh.counts(n)
        out._len = self._len[keep]
        out._total = int(out._len.sum())
        return out

    def forget(self) -> None:
        """Drop the cached contributions (this index is about to be replaced)."""
        self._contributions = Contributions(self.weights.cache_bytes)

    def _copy(self) -> "Bm25":
        out = object.__new__(Bm25)
        out.__dict__.update(self.__dict__)
        out._norm = None
        out._idf = {}
        out._contributions = Contributions(self.weights.cache_bytes)
        return out

    def _grow(self, docs: Sequence[Sequence[str]]) -> None:
        ids, terms = self._ids, self._terms
        row_terms = []
        for d in docs:
            row = []
            for t in d:
                i = ids.get(t)
                if i is None:
                    i = ids[t] = len(terms)
                    terms.append(t)
                row.append(i)
            row_terms.append(row)
        seg = Postings.build(row_terms, self.size)
        self._fresh = self._fresh.merged(seg)
        if len(self._fresh) > self.weights.merge_share * len(self._main):
            self._main, self._fresh = self._main.merged(self._fresh), Postings.empty()
        n = len(ids)
        df = np.zeros(n, dtype=np.int64)
        df[: len(self._df)] = self._df
        self._df = df + seg.counts(n)
        new_len = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        self._len = np.concatenate([self._len, new_len])
        self._total += int(new_len.sum())
        self._norm = None
        self._contributions = Contributions(self.weights.cache_bytes)


class Contributions:
    """Each term's share of the scores of one index state: its rows and their values, or a value for every row
    (``rows`` None). Kept up to ``budget`` bytes, the least recently used dropped first: common terms recur
    from question to question, and an update makes a new index with an empty cache."""

    def __init__(self, budget: int) -> None:
        self.budget, self.used = budget, 0
        self._items: OrderedDict[str, tuple[np.ndarray | None, np.ndarray]] = OrderedDict()

    def scores(self, terms: Sequence[str], size: int,
               make: Callable[[str], tuple[np.ndarray | None, np.ndarray]]) -> np.ndarray:
        """The sum of the terms' contributions (repeats count) over ``size`` rows."""
        out = np.zeros(size, dtype=np.float32)
        for term in terms:
            rows, values = self.get(term, make)
            if rows is None:
                out += values
            elif len(rows):
                out[rows] += values
        return out

    def grouped(self, groups: Sequence[Sequence[str]], size: int,
                make: Callable[[str], tuple[np.ndarray | None, np.ndarray]]) -> np.ndarray:
        """The sum over ``groups`` of each group's best contribution in each row: the forms of one question term
        ("speak", "talk", "discuss") count once, by the best of them there, not once for each."""
        out = self.scores([g[0] for g in groups if len(g) == 1], size, make)
        for group in (g for g in groups if len(g) > 1):
            best = np.zeros(size, dtype=np.float32)
            for term in group:
                rows, values = self.get(term, make)
                if rows is None:
                    np.maximum(best, values, out=best)
                elif len(rows):
                    best[rows] = np.maximum(best[rows], values)
            out += best
        return out

    def get(self, term: str, make: Callable[[str], tuple[np.ndarray | None, np.ndarray]]):
        found = self._items.get(term)
        if found is not None:
            self._items.move_to_end(term)
            return found
        found = make(term)
        size = _nbytes(found)
        if size <= self.budget:
            while self.used + size > self.budget:
                self.used -= _nbytes(self._items.popitem(last=False)[1])
            self._items[term] = found
            self.used += size
        return found


def _nbytes(arrays: tuple[np.ndarray | None, np.ndarray]) -> int:
    return sum(a.nbytes for a in arrays if a is not None)


def _bm25_at(terms: Sequence[str], rows: np.ndarray, norm: np.ndarray, idf_of: Callable[[str], float],
             counts_at: Callable[[str, np.ndarray], np.ndarray]) -> np.ndarray:
    """The sum over ``terms`` of ``idf * tf / (norm + tf)`` at ``rows``, each term's counts there looked up."""
    out = np.zeros(len(rows), dtype=np.float32)
    for term in terms:
        tf = counts_at(term, rows)
        out += np.float32(idf_of(term)) * tf / (norm + tf)
    return out


def _looked_up(have: np.ndarray, tf: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The count in ``tf`` of each of ``rows`` found in the increasing ``have``, else 0 (float32)."""
    out = np.zeros(len(rows), dtype=np.float32)
    if len(have) and len(rows):
        at = np.minimum(np.searchsorted(have, rows), len(have) - 1)
        hit = have[at] == rows
        out[hit] = tf[at[hit]]
    return out


def idf(df: int, n: int) -> float:
    """bm25s's Lucene idf, ``log(1 + (N - df + 0.5) / (df + 0.5))``."""
    return float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))


def length_norm(lengths: np.ndarray, weights: Bm25Weights) -> np.ndarray:
    """``k1 * (1 - b + b * len / avglen)`` for each row (float32)."""
    if not len(lengths):
        return np.zeros(0, dtype=np.float32)
    avg = float(lengths.sum()) / len(lengths) or 1.0
    return (weights.k1 * ((1 - weights.b) + weights.b * lengths / avg)).astype(np.float32)


class LiveTerms(Mapping):
    """The terms of an index that some row holds, as a read-only mapping term -> document frequency."""

    def __init__(self, index: Bm25) -> None:
        self._index = index

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self._index.term_id(term) >= 0

    def __getitem__(self, term: str) -> int:
        if term not in self:
            raise KeyError(term)
        return self._index.df(term)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.live_terms())

    def __len__(self) -> int:
        return int(np.count_nonzero(self._index._df))


class WindowBm25:
    """BM25 over windows: each row's tokens with its neighbours' in the same document and its document's title.

    Computed at query time from the sentence index and the titles (``prev``, ``next_``: the row just before and
    after in the same document, or -1), so it needs no index of its own and follows every update: a window's count of a term is the sum of its parts' counts, its length the sum of
    their lengths, and a term's document frequency the number of windows where it occurs. Scores equal a
    BM25 index built over the window token lists (as bm25s would score them).
    """

    def __init__(self, own: Bm25, prev: np.ndarray, next_: np.ndarray, doc: np.ndarray, titles: "TitleIndex") -> None:
        self.own, self.prev, self.next, self.doc, self.titles = own, prev, next_, doc, titles
        self.size = own.size
        self.weights = own.weights
        self._has_prev, self._has_next = prev >= 0, next_ >= 0  # neighbours are the rows just before and after
        self._contributions = Contributions(self.weights.window_cache_bytes)
        # rows of each document number: rows are grouped by document, documents in increasing numbers
        self._docs, self._first, self._count = runs(doc)
        lens = own.lengths
        self._len = lens.astype(np.int64)  # plus its neighbours' (the rows just before and after), added in place:
        if self.size > 1:  # the catch-up after a remove at a million rows peaked on this line's temporary arrays
            np.add(self._len[1:], lens[:-1], out=self._len[1:], where=self._has_prev[1:])
            np.add(self._len[:-1], lens[1:], out=self._len[:-1], where=self._has_next[:-1])
        self._len += np.repeat(titles.lengths(self._docs), self._count)
        self._norm = length_norm(self._len, own.weights)

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        return self._contributions.scores(terms, self.size, self._contribution)

    def grouped_scores(self, groups: Sequence[Sequence[str]]) -> np.ndarray:
        return self._contributions.grouped(groups, self.size, self._contribution)

    def _contribution(self, term: str) -> tuple[np.ndarray | None, np.ndarray]:
        if self.own.df(term) > self.weights.dense_share * self.size:  # a common term: counted in an array
            tf = self.dense_counts(term)
            df = int(np.count_nonzero(tf))  # (listing the rows is slower than counting them)
            if 2 * df > self.size:  # in most windows: kept as an array over the rows
                return None, np.float32(idf(df, self.size)) * tf / (self._norm + tf)
            rows = np.flatnonzero(tf).astype(np.int32)
            tf = tf[rows]
            return rows, np.float32(idf(df, self.size)) * tf / (self._norm[rows] + tf)
        rows, tf = self.term_counts(term)
        return rows, np.float32(idf(len(rows), self.size)) * tf / (self._norm[rows] + tf)

    def counts_at(self, term: str, rows: np.ndarray) -> np.ndarray:
        """How often ``term`` occurs in the windows of ``rows`` (float32): the counts :meth:`term_counts` gives
        them, found by binary searches in the sentence postings and the title index, not over the collection."""
        rows = np.asarray(rows, dtype=np.int64)
        out = self.own.counts_at(term, rows)
        for side in (self.prev[rows], self.next[rows]):
            has = side >= 0
            out[has] += self.own.counts_at(term, side[has])
        docs, counts = self.titles.postings(term)
        out += _looked_up(docs, counts, self.doc[rows])
        return out

    def scores_at(self, terms: Sequence[str], rows: np.ndarray, idf_of: Callable[[str], float]) -> np.ndarray:
        """BM25 of the windows of ``rows`` for ``terms``, each term weighted by ``idf_of`` (a window idf would need
        every window holding the term counted): the counts are looked up at these rows only."""
        rows = np.asarray(rows, dtype=np.int64)
        return _bm25_at(terms, rows, self._norm[rows], idf_of, self.counts_at)

    def dense_counts(self, term: str) -> np.ndarray:
        """How often ``term`` occurs in each window (float32, every row): :meth:`term_counts` as an array over the
        collection, faster for a term in many rows (the same counts, so the same scores)."""
        rows, tf = self.own.postings(term)
        own = np.zeros(self.size, dtype=np.float32)
        own[rows] = tf
        out = own.copy()
        out[1:] += own[:-1] * self._has_prev[1:]  # a neighbour is the row before or after, in the same document
        out[:-1] += own[1:] * self._has_next[:-1]
        title_rows, title_tf = self._title_counts(term)
        out[title_rows] += title_tf  # rows of distinct documents: no repeats
        return out

    def term_counts(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Windows holding ``term`` (increasing) and how often (float32).

        A window's count is its sentence's, its neighbours' (rows next to it in the same document) and its
        title's (every row of a document whose title holds the term). The parts' rows are each increasing, so
        a stable sort merges them in linear time (faster here than adding into an array over the collection).
        """
        rows, tf = self.own.postings(term)
        targets, weights = [rows], [tf]
        for side in (self.prev, self.next):  # a sentence's tokens are in its neighbours' windows too
            other = side[rows]
            has = other >= 0
            targets.append(other[has])
            weights.append(tf[has])
        title_rows, title_tf = self._title_counts(term)
        targets.append(title_rows)
        weights.append(title_tf)
        t = np.concatenate(targets)
        w = np.concatenate(weights).astype(np.float32)
        if not len(t):
            return t, w
        order = np.argsort(t, kind="stable")
        t, w = t[order], w[order]
        starts = np.flatnonzero(np.concatenate([[True], t[1:] != t[:-1]]))
        return t[starts], np.add.reduceat(w, starts)

    def _title_counts(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Every row of the documents whose title holds ``term`` (increasing), and how often the title does."""
        docs, counts = self.titles.postings(term)
        if not len(docs):
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        at = np.searchsorted(self._docs, docs)
        found = (at < len(self._docs)) & (self._docs[np.minimum(at, len(self._docs) - 1)] == docs)
        first, n = self._first[at[found]], self._count[at[found]]
        rows = np.arange(int(n.sum()), dtype=np.int32) + np.repeat((first - np.cumsum(n) + n).astype(np.int32), n)
        return rows, np.repeat(counts[found], n)


class TitleIndex:
    """Title terms of each document number, and the documents whose title holds a term (with counts).

    Terms are interned (many titles share words) and a title's set of terms is made when asked for
    (:class:`TitleTerms`): 50,000 titles took 62 MB as a tuple, a frozenset and a length each.
    """

    def __init__(self) -> None:
        self.tokens: dict[int, tuple[str, ...]] = {}
        self._docs: dict[str, dict[int, int]] = {}

    def add(self, doc: int, tokens: Sequence[str]) -> None:
        self.tokens[doc] = tuple(sys.intern(t) for t in tokens)
        for t in self.tokens[doc]:
            per = self._docs.setdefault(t, {})
            per[doc] = per.get(doc, 0) + 1

    def remove(self, doc: int) -> None:
        for t in set(self.tokens.pop(doc, ())):
            per = self._docs[t]
            per.pop(doc, None)
            if not per:
                del self._docs[t]

    def lengths(self, docs: np.ndarray) -> np.ndarray:
        """Title length of each document number given."""
        return np.fromiter((len(self.tokens.get(d, ())) for d in docs.tolist()), dtype=np.int64, count=len(docs))

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (increasing) whose title holds ``term``, and how often."""
        per = self._docs.get(term)
        if not per:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        docs = np.fromiter(per, dtype=np.int64, count=len(per))
        order = np.argsort(docs)
        return docs[order], np.fromiter(per.values(), dtype=np.float32, count=len(per))[order]


class TitleTerms(Mapping):
    """Document number -> the set of its title's terms, made when asked for from the tokens given."""

    def __init__(self, tokens: Mapping[int, tuple[str, ...]]) -> None:
        self._tokens = tokens

    def __getitem__(self, doc) -> frozenset[str]:
        return frozenset(self._tokens[doc])

    def __iter__(self) -> Iterator[int]:
        return iter(self._tokens)

    def __len__(self) -> int:
        return len(self._tokens)


def _deletes(token: str) -> set[str]:
    return {token} | {token[:i] + token[i + 1 :] for i in range(len(token))}


def names_in(text: str, min_len: int = 5) -> set[str]:
    """The capitalised words of ``text`` that may be names (not its first word), lowercased."""
    return {w.lower() for i, w in enumerate(words(text))
            if i and w[:1].isupper() and len(w) >= min_len and w.lower() not in QUESTION_WORDS}


class NameVariants:
    """Spelling variants among the capitalised words of a collection (``Baerbock``/``Berbock``).

    Two names are variants when deleting at most one letter from each makes them equal (one substitution,
    insertion, deletion or swap of neighbours): the symmetric-delete trick, looked up in a dictionary.
    Names are added and dropped as documents come and go (:meth:`add`, :meth:`discard`).
    """

    def __init__(self, names: Iterable[str] = (), min_len: int = 5) -> None:
        self.min_len = min_len
        self.names: set[str] = set()
        self.by_delete: dict[str, set[str]] = {}
        self.add(names)

    @classmethod
    def build(cls, texts: Sequence[str], *, min_len: int = 5) -> "NameVariants":
        return cls({n for text in texts for n in names_in(text, min_len)}, min_len)

    def add(self, names: Iterable[str]) -> None:
        for n in names:
            if n not in self.names:
                self.names.add(n)
                for d in _deletes(n):
                    self.by_delete.setdefault(d, set()).add(n)

    def discard(self, names: Iterable[str]) -> None:
        for n in names:
            if n in self.names:
                self.names.discard(n)
                for d in _deletes(n):
                    group = self.by_delete[d]
                    group.discard(n)
                    if not group:
                        del self.by_delete[d]

    def variants(self, word: str) -> list[str]:
        """Other spellings of ``word`` (lowercased) found among the collection's names, sorted."""
        w = word.lower()
        if len(w) < self.min_len:
            return []
        found: set[str] = set()
        for d in _deletes(w):
            found |= self.by_delete.get(d, set())
        found.discard(w)
        # keep the first letter: Sergei/Sergey, Antony/Anthony, but not Russia/Prussia
        return sorted(v for v in found if v[0] == w[0])
