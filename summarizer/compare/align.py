"""Rewrites in a comparison: the shared rewrite detection (:mod:`summarizer.rewrites`) with each aligned pair's
differing words, and independent sources."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from index import Document, Store

from ..rewrites import ALIGN_WEIGHTS, AlignWeights, find_alignments, longest_increasing
from ..text import UnionFind
from .results import AlignedPair, Rewrite
from .words import Words

__all__ = ["find_rewrites", "source_groups", "longest_increasing", "AlignWeights", "ALIGN_WEIGHTS"]


def find_rewrites(
    store: Store, ids: Sequence[str], docs: dict[str, Document], codes: np.ndarray, vectors: np.ndarray,
    groups: list[list[int]], words: Words, weights: AlignWeights = ALIGN_WEIGHTS,
) -> list[Rewrite]:
    """Rewrite pairs (:func:`summarizer.rewrites.find_alignments`), each aligned pair with its differing words."""
    out = []
    for a in find_alignments(store, ids, docs, codes, vectors, groups, weights):
        pairs = []
        for o, rw, sim in a.pairs:
            diff = words.difference(o, rw)
            pairs.append(AlignedPair(diff.first, diff.second, sim, diff))
        out.append(Rewrite(ids[a.original], ids[a.rewrite], a.share, len(a.pairs), a.original_share, a.reason,
                           tuple(pairs)))
    return out


def source_groups(ids: Sequence[str], rewrites: list[Rewrite]) -> dict[str, int]:
    """Document id -> independent source number: documents linked by rewrites share one."""
    sources = UnionFind(ids)
    for r in rewrites:
        sources.union(r.original_doc_id, r.rewrite_doc_id)
    numbers: dict[str, int] = {}
    return {d: numbers.setdefault(sources.find(d), len(numbers)) for d in ids}
