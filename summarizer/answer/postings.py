"""Inverted lists in numpy arrays (term id -> rows and counts) that are appended to and filtered, never re-tokenized."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

__all__ = ["Postings", "Merge", "TF_DTYPE", "capped"]

TF_DTYPE = np.uint8  # a term's count in one sentence: a sentence repeating a word more than 255 times counts it 255 times
_MAX_TF = np.iinfo(TF_DTYPE).max
_CHUNK = 1 << 20  # entries walked at a time when one document's rows are dropped


@dataclass(frozen=True, eq=False)
class Postings:
    """For each term id ``t``, the rows holding it, increasing, and how often: ``rows[indptr[t]:indptr[t + 1]]``.

    The layout of a compressed sparse column matrix (terms are columns). Immutable: adding and filtering
    return new postings, so a reader holding the old ones keeps a consistent view.
    """

    indptr: np.ndarray  # int64, one entry more than the term ids it covers
    rows: np.ndarray  # int32
    tf: np.ndarray  # TF_DTYPE (uint8: a byte an entry; 19 MB at a million sentences against 37 as uint16)

    @classmethod
    def empty(cls) -> "Postings":
        return cls(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=TF_DTYPE))

    @classmethod
    def build(cls, row_terms: Sequence[Sequence[int]], first_row: int) -> "Postings":
        """Postings of rows ``first_row, first_row + 1, ...`` given each row's term ids (repeats count)."""
        lengths = np.fromiter((len(t) for t in row_terms), dtype=np.int64, count=len(row_terms))
        if not lengths.sum():
            return cls.empty()
        terms = np.fromiter((t for ts in row_terms for t in ts), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(row_terms), dtype=np.int64), lengths)
        keys, counts = np.unique((terms << 32) | rows, return_counts=True)  # sorted by term, then row
        term_of = keys >> 32
        indptr = np.zeros(int(term_of[-1]) + 2, dtype=np.int64)
        np.cumsum(np.bincount(term_of), out=indptr[1:])
        return cls(indptr, ((keys & 0xFFFFFFFF) + first_row).astype(np.int32),
                   capped(counts))

    @property
    def terms(self) -> int:
        """How many term ids these postings cover (later ids have none)."""
        return len(self.indptr) - 1

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows holding ``term`` and their counts."""
        if term >= self.terms:
            return self.rows[:0], self.tf[:0]
        lo, hi = self.indptr[term], self.indptr[term + 1]
        return self.rows[lo:hi], self.tf[lo:hi]

    def counts(self, terms: int) -> np.ndarray:
        """Rows holding each term id (document frequency), for ``terms`` ids."""
        out = np.zeros(terms, dtype=np.int64)
        n = min(terms, self.terms)
        out[:n] = np.diff(self.indptr)[:n]
        return out

    def merged(self, later: "Postings") -> "Postings":
        """These postings and ``later`` (whose rows all come after these) as one.

        Each term's entries of ``self`` come first, then those of ``later``. Placed a range of terms at a time, so
        the only full-size arrays made are the results (a first build at a million sentences peaked at 2.85 GB in
        the merge of its last save, about 0.5 GB of it the positions of every entry at once)."""
        if not len(later):
            return self
        if not len(self):
            return later
        merge = self.merging(later)
        rows, tf = np.empty(len(merge), dtype=np.int32), np.empty(len(merge), dtype=TF_DTYPE)
        lo = 0
        for r, f in merge.chunks():
            rows[lo : lo + len(r)], tf[lo : lo + len(r)] = r, f
            lo += len(r)
        return Postings(merge.indptr, rows, tf)

    def merging(self, later: "Postings") -> "Merge":
        """:meth:`merged` made a range of terms at a time on demand: a file can take it without the whole arrays."""
        n = max(self.terms, later.terms)
        first = self.counts(n)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(first + later.counts(n), out=indptr[1:])
        marks = np.searchsorted(indptr, np.arange(0, int(indptr[-1]), _CHUNK), side="right") - 1
        bounds = np.unique(np.concatenate([marks, [n]])).tolist()
        return Merge(self, later, indptr, first, tuple(bounds))

    def _place(self, rows: np.ndarray, tf: np.ndarray, starts: np.ndarray, t0: int, t1: int) -> None:
        """Write the entries of terms ``t0..t1-1`` into ``rows`` and ``tf``, each term's from its ``starts`` on."""
        if t0 >= self.terms:
            return
        t1 = min(t1, self.terms)
        lo, hi = int(self.indptr[t0]), int(self.indptr[t1])
        if lo == hi:
            return
        here = self.indptr[t0 : t1 + 1]
        pos = np.repeat(starts[: t1 - t0] - here[:-1], np.diff(here)) + np.arange(lo, hi, dtype=np.int64)
        rows[pos], tf[pos] = self.rows[lo:hi], self.tf[lo:hi]

    def kept(self, keep: np.ndarray) -> "Postings":
        """Only the entries of rows where ``keep`` is true, the rows renumbered in order."""
        dead = np.flatnonzero(~keep)
        if not len(dead) or not len(self):
            return self
        rows = self.rows
        lo, hi = int(dead[0]), int(dead[-1]) + 1
        if hi - lo == len(dead):  # one block of rows (one removed document): arithmetic, no lookup table
            new, tf, gone = self._without_block(lo, hi)
        else:
            mask = keep[rows]
            new = (np.cumsum(keep, dtype=np.int64) - 1).astype(np.int32)[rows[mask]]
            tf, gone = self.tf[mask], np.flatnonzero(~mask)
        term_of = np.searchsorted(self.indptr, gone, side="right") - 1
        gone_before = np.zeros(len(self.indptr), dtype=np.int64)
        np.cumsum(np.bincount(term_of, minlength=self.terms), out=gone_before[1:])
        return Postings(self.indptr - gone_before, new, tf)

    def _without_block(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows and counts without the entries of rows ``lo..hi-1`` (later rows moved down), and where those were.

        Walked in chunks, so the only full-size arrays made are the two results (the peak of removing one
        document at a million sentences: 143 -> about 107 MB over the postings)."""
        rows, step = self.rows, _CHUNK
        parts = [np.zeros(0, dtype=np.int64)]
        for c in range(0, len(rows), step):
            part = rows[c : c + step]
            parts.append(c + np.flatnonzero((part >= lo) & (part < hi)))
        gone = np.concatenate(parts)
        new, tf = _deleted(rows, gone), _deleted(self.tf, gone)
        for c in range(0, len(new), step):
            part = new[c : c + step]
            part[part >= hi] -= hi - lo
        return new, tf, gone


def capped(counts: np.ndarray) -> np.ndarray:
    """Counts as the postings keep them: at most 255, in a byte."""
    return np.minimum(counts, _MAX_TF).astype(TF_DTYPE)


def _deleted(a: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``a`` without the entries at these few increasing ``positions``: ``np.delete`` without its mask over ``a``."""
    bounds = [-1, *positions.tolist(), len(a)]
    return np.concatenate([a[i + 1 : j] for i, j in zip(bounds[:-1], bounds[1:])])


@dataclass(frozen=True, eq=False)
class Merge:
    """Two postings as one (see :meth:`Postings.merging`): the merged ``indptr`` and its entries in chunks."""

    first: Postings
    later: Postings
    indptr: np.ndarray
    first_counts: np.ndarray  # entries of ``first`` per term: ``later``'s follow them
    bounds: tuple[int, ...]  # term ids where chunks start (and the last one's end)

    def __len__(self) -> int:
        return int(self.indptr[-1])

    def chunks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Rows and counts of the merged entries, a range of about :data:`_CHUNK` entries at a time, in order."""
        for t0, t1 in zip(self.bounds[:-1], self.bounds[1:]):
            lo, hi = int(self.indptr[t0]), int(self.indptr[t1])
            rows, tf = np.empty(hi - lo, dtype=np.int32), np.empty(hi - lo, dtype=TF_DTYPE)
            starts = self.indptr[t0:t1] - lo
            self.first._place(rows, tf, starts, t0, t1)
            self.later._place(rows, tf, starts + self.first_counts[t0:t1], t0, t1)
            yield rows, tf
