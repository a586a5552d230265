"""Fact groups: sentences from different documents that state the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ["group_sentences", "SAME_FACT"]

SAME_FACT = 0.80  # cosine (MiniLM) above which two sentences from different documents state one fact


@dataclass
class _UnionFind:
    parent: list[int]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group_sentences(
    vectors: np.ndarray, doc_ids: Sequence[str], *, threshold: float = SAME_FACT, block: int = 2048
) -> list[list[int]]:
    """Groups of row indices (each sorted, groups in order of their first row) of sentences stating one fact.

    Two sentences join when they come from different documents and their cosine is at least ``threshold``;
    groups are the connected components. Similarities are computed in blocks with numpy.
    """
    n = len(doc_ids)
    if vectors.shape[0] != n:
        raise ValueError(f"{vectors.shape[0]} vectors for {n} sentences")
    uf = _UnionFind(list(range(n)))
    codes = np.unique(np.asarray(doc_ids), return_inverse=True)[1]
    for lo in range(0, n, block):
        sims = vectors[lo : lo + block] @ vectors.T
        rows, cols = np.nonzero(sims >= threshold)
        keep = (cols > rows + lo) & (codes[rows + lo] != codes[cols])
        for r, c in zip(rows[keep] + lo, cols[keep]):
            uf.union(int(r), int(c))
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(uf.find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])
