"""Sentences as compact columns (numpy arrays), a few bytes a sentence instead of a Python object each."""

from __future__ import annotations

import numpy as np

from .splitting import KINDS

__all__ = ["SentenceRows", "KIND_CODES", "BODY_CODE", "runs"]

KIND_CODES = {k: i for i, k in enumerate(KINDS)}
BODY_CODE = KIND_CODES["body"]

_COLUMNS = (
    ("sid", np.int64),  # sentence row id in SQLite (never reused)
    ("doc", np.int64),  # document number (the documents table's seq, never reused)
    ("index", np.int32),  # position in the document
    ("start", np.int32),
    ("end", np.int32),
    ("kind", np.int8),  # code into splitting.KINDS
    ("paragraph", np.int32),
)
_GROWTH = 1.5  # spare capacity factor when appending, so many small adds copy the columns rarely


class SentenceRows:
    """Every sentence of a store as one row of seven columns, grouped by document in the order they were added.

    About 33 bytes a sentence. Rows of one document are contiguous and in reading order; documents are in
    the order of their numbers, so a document's rows are found by binary search on ``doc``.
    """

    def __init__(self) -> None:
        self.n = 0
        self._cols = {name: np.zeros(0, dtype=dt) for name, dt in _COLUMNS}
        self._by_sid: np.ndarray | None = None  # row order by sid, when sids are not already increasing

    def __len__(self) -> int:
        return self.n

    def col(self, name: str) -> np.ndarray:
        """A read-only view of one column's used rows."""
        view = self._cols[name][: self.n]
        view.flags.writeable = False
        return view

    # ------------------------------------------------------------------ lookups
    def span(self, doc: int) -> tuple[int, int]:
        """Rows ``[lo, hi)`` of one document (empty when it has none)."""
        docs = self._cols["doc"][: self.n]
        return int(np.searchsorted(docs, doc, "left")), int(np.searchsorted(docs, doc, "right"))

    def find(self, sid: int) -> int:
        """The row of a sentence id, or -1."""
        sids = self._cols["sid"][: self.n]
        if self._by_sid is None:
            i = int(np.searchsorted(sids, sid))
            return i if i < self.n and sids[i] == sid else -1
        j = int(np.searchsorted(sids[self._by_sid], sid))
        return int(self._by_sid[j]) if j < self.n and sids[self._by_sid[j]] == sid else -1

    # ------------------------------------------------------------------ changes
    def append(self, **columns: np.ndarray) -> None:
        """Add rows (one document's or several, after every stored document)."""
        m = len(columns["sid"])
        if not m:
            return
        if self.n + m > len(self._cols["sid"]):
            cap = self.n + m if not self.n else max(int((self.n + m) * _GROWTH), 1024)  # exact when filled at once
            for name, dt in _COLUMNS:
                grown = np.zeros(cap, dtype=dt)
                grown[: self.n] = self._cols[name][: self.n]
                self._cols[name] = grown
        for name, _ in _COLUMNS:
            self._cols[name][self.n : self.n + m] = columns[name]
        new = self._cols["sid"][max(self.n - 1, 0) : self.n + m]
        self.n += m
        if self._by_sid is not None or not np.all(new[1:] > new[:-1]):
            self._reindex()

    def drop(self, doc: int) -> np.ndarray:
        """Remove one document's rows; returns the sentence ids of its body rows."""
        lo, hi = self.span(doc)
        sids = self._cols["sid"][lo:hi]
        body = sids[self._cols["kind"][lo:hi] == BODY_CODE].copy()
        for name, _ in _COLUMNS:
            c = self._cols[name]
            c[lo : self.n - (hi - lo)] = c[hi : self.n]
        self.n -= hi - lo
        if self._by_sid is not None:
            self._reindex()
        return body

    def _reindex(self) -> None:
        """Binary search by sid needs a permutation only when sids do not increase row by row."""
        sids = self._cols["sid"][: self.n]
        self._by_sid = None if np.all(sids[1:] > sids[:-1]) else np.argsort(sids, kind="stable")


def runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each run of equal neighbours in ``values``: its value, first position and length (no sort)."""
    if not len(values):
        z = np.zeros(0, dtype=np.int64)
        return values[:0], z, z
    first = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
    return values[first], first, np.diff(np.append(first, len(values)))
