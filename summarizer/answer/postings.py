"""Inverted lists in numpy arrays (term id -> rows and counts) that are appended to and filtered, never re-tokenized."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ["Postings", "TF_DTYPE", "capped"]

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
        """These postings and ``later`` (whose rows all come after these) as one."""
        if not len(later):
            return self
        if not len(self):
            return later
        n = max(self.terms, later.terms)
        a, b = self.counts(n), later.counts(n)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(a + b, out=indptr[1:])
        # each term's entries of self keep their order and are shifted by the later entries of earlier terms
        shift_a = np.repeat(indptr[:-1] - np.pad(self.indptr, (0, n + 1 - len(self.indptr)), mode="edge")[:-1], a)
        shift_b = np.repeat(indptr[:-1] + a - np.pad(later.indptr, (0, n + 1 - len(later.indptr)), mode="edge")[:-1], b)
        pos_a = np.arange(len(self), dtype=np.int64) + shift_a
        pos_b = np.arange(len(later), dtype=np.int64) + shift_b
        rows = np.empty(len(self) + len(later), dtype=np.int32)
        tf = np.empty(len(rows), dtype=TF_DTYPE)
        rows[pos_a], rows[pos_b] = self.rows, later.rows
        tf[pos_a], tf[pos_b] = self.tf, later.tf
        return Postings(indptr, rows, tf)

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
