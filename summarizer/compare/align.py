"""Rewrite detection: documents whose sentences align, in order, with another document's, and which is the original."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from index import Document, Store

from ..text import UnionFind
from .results import AlignedPair, Rewrite
from .words import Words

__all__ = ["find_rewrites", "source_groups", "longest_increasing", "AlignWeights", "ALIGN_WEIGHTS"]


@dataclass(frozen=True)
class AlignWeights:
    """When one document is a reworded copy of another (bench/compare_speed.py: planted rewrites found 1/1, 6/6,
    20/20; no false pair among 919 NeuS articles; the seeds' 000 rewrites 003 with 0.875 aligned)."""

    cosine: float = 0.70  # two sentences of two documents can align (one rewords the other) at this cosine or above
    share: float = 0.60  # a rewrite pair: this share of the shorter document's body sentences align, in order ...
    min_aligned: int = 4  # ... and at least this many (3-sentence briefs of one event often share their order)
    candidates: int = 3  # per sentence, its best few partners above `cosine` enter the in-order alignment
    block: int = 2048  # rows of the similarity matrix computed at once (memory, not results)


ALIGN_WEIGHTS = AlignWeights()


def longest_increasing(rows: np.ndarray, cols: np.ndarray) -> list[int]:
    """Indices into (rows, cols) of a longest chain strictly increasing in both, one entry per row at most.

    Entries are sorted by row ascending and, within a row, column descending; a strictly increasing
    subsequence of the columns then takes at most one entry per row (patience sorting, O(n log n)).
    """
    order = np.lexsort((-cols, rows))
    tails: list[int] = []  # column at the end of the best chain of each length
    tail_idx: list[int] = []
    prev = np.full(len(order), -1, dtype=np.int64)
    for pos, k in enumerate(order):
        c = int(cols[k])
        j = bisect.bisect_left(tails, c)
        if j == len(tails):
            tails.append(c)
            tail_idx.append(pos)
        else:
            tails[j] = c
            tail_idx[j] = pos
        prev[pos] = tail_idx[j - 1] if j else -1
    chain = []
    pos = tail_idx[-1] if tail_idx else -1
    while pos >= 0:
        chain.append(int(order[pos]))
        pos = int(prev[pos])
    return chain[::-1]


def _cross_candidates(vectors: np.ndarray, codes: np.ndarray, w: AlignWeights):
    """Cross-document pairs (i, j) with cosine >= ``w.cosine`` and among i's ``w.candidates`` best in j's document."""
    n = len(codes)
    out_r, out_c, out_s = [], [], []
    for lo in range(0, n, w.block):
        sims = vectors[lo : lo + w.block] @ vectors.T
        sims[codes[lo : lo + w.block, None] == codes[None, :]] = -1.0
        r, c = np.nonzero(sims >= w.cosine)
        if not len(r):
            continue
        s = sims[r, c]
        key = np.lexsort((-s, codes[c], r))  # each row's partners per other document, best first
        r, c, s = r[key], c[key], s[key]
        grp = np.flatnonzero(np.r_[True, (r[1:] != r[:-1]) | (codes[c][1:] != codes[c][:-1])])
        rank = np.arange(len(r)) - np.repeat(grp, np.diff(np.r_[grp, len(r)]))
        keep = rank < w.candidates
        out_r.append(r[keep] + lo)
        out_c.append(c[keep])
        out_s.append(s[keep])
    if not out_r:
        z = np.zeros(0, np.int64)
        return z, z, np.zeros(0, np.float32)
    return np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_s)


@dataclass(frozen=True)
class _Docs:
    """The compared documents: ids in order, their records, each body sentence's document code, groups by code."""

    store: Store
    ids: Sequence[str]
    docs: dict[str, Document]
    codes: np.ndarray  # document code (index into ids) of each body sentence
    group_docs: list[set[int]]  # the document codes of each fact group

    @property
    def n_body(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=len(self.ids))


def find_rewrites(
    store: Store, ids: Sequence[str], docs: dict[str, Document], codes: np.ndarray, vectors: np.ndarray,
    groups: list[list[int]], words: Words, weights: AlignWeights = ALIGN_WEIGHTS,
) -> list[Rewrite]:
    """Rewrite pairs, by in-order alignment of sentences over the similarity matrix (see ``compare_store``)."""
    d = _Docs(store, ids, docs, codes, [set(codes[g].tolist()) for g in groups])
    rows, cols, sims = _cross_candidates(vectors, codes, weights)
    if not len(rows):
        return []
    pair_key = codes[rows] * len(ids) + codes[cols]
    by_pair = np.argsort(pair_key, kind="stable")
    sorted_key = pair_key[by_pair]
    out = []
    for x, y in _pairs_to_align(d, rows, cols, weights):
        lo, hi = np.searchsorted(sorted_key, [x * len(ids) + y, x * len(ids) + y + 1])
        sel = by_pair[lo:hi]
        found = _aligned(d, x, y, rows[sel], cols[sel], sims[sel], words, weights)
        if found is not None:
            out.append(found)
    out.sort(key=lambda r: -r.aligned_share)
    return out


def _pairs_to_align(d: _Docs, rows: np.ndarray, cols: np.ndarray, w: AlignWeights) -> list[tuple[int, int]]:
    """Document pairs (x < y) where enough rows of each have a candidate in the other: a cheap bound first."""
    n_body = d.n_body
    pairs_ab = np.unique(np.stack([d.codes[rows], d.codes[cols], rows]), axis=1)
    key, counts = np.unique(pairs_ab[:2], axis=1, return_counts=True)
    need = np.maximum(w.share * np.minimum(n_body[key[0]], n_body[key[1]]), w.min_aligned)
    ok = {(int(x), int(y)) for x, y, c, m in zip(key[0], key[1], counts, need) if c >= m}
    return sorted({(x, y) for x, y in ok if x < y and (y, x) in ok})


def _aligned(d: _Docs, x: int, y: int, r: np.ndarray, c: np.ndarray, s: np.ndarray, words: Words,
             w: AlignWeights) -> Rewrite | None:
    """The rewrite of documents ``x`` and ``y`` when their longest in-order chain of candidates is long enough."""
    chain = longest_increasing(r, c)
    aligned = len(chain)
    n_body = d.n_body
    if aligned < w.min_aligned or aligned < w.share * min(n_body[x], n_body[y]):
        return None
    orig, rew, reason = _original(d, x, y)
    pairs = []
    for k in chain:
        i, j = int(r[k]), int(c[k])
        o, rw = (i, j) if orig == x else (j, i)
        diff = words.difference(o, rw)
        pairs.append(AlignedPair(diff.first, diff.second, float(s[k]), diff))
    return Rewrite(d.ids[orig], d.ids[rew], aligned / n_body[rew], aligned, aligned / n_body[orig], reason,
                   tuple(pairs))


def _votes(d: _Docs, x: int, y: int) -> list[tuple[str, int]]:
    """Signals that ``x`` (+1) or ``y`` (-1) is the original: a date line, fewer fragments, more corroboration."""
    dx, dy = d.docs[d.ids[x]], d.docs[d.ids[y]]

    def fragments(doc: Document) -> float:
        sents = d.store.sentences(doc.id)
        return sum(s.kind == "fragment" for s in sents) / max(len(sents), 1)

    def corroborated(code: int, other: int) -> int:
        return sum(1 for g in d.group_docs if code in g and len(g - {code, other}) > 0)

    signals = [("date line", bool(dx.date), bool(dy.date)),
               ("more complete sentences", -fragments(dx), -fragments(dy)),
               ("more facts corroborated by other sources", corroborated(x, y), corroborated(y, x))]
    return [(name, 1 if a > b else -1) for name, a, b in signals if a != b]


def _original(d: _Docs, x: int, y: int) -> tuple[int, int, str]:
    """(original, rewrite, reason) for a rewrite pair of document codes ``x`` and ``y``.

    The earlier date when both are dated and differ; else the majority of three signals (:func:`_votes`);
    on a tie, the longer one, then the one added first.
    """
    dx, dy = d.docs[d.ids[x]], d.docs[d.ids[y]]
    if dx.date and dy.date and dx.date != dy.date:
        return (x, y, "earlier date") if dx.date < dy.date else (y, x, "earlier date")
    votes = _votes(d, x, y)
    total = sum(v for _, v in votes)
    if total:
        winner = 1 if total > 0 else -1
        reason = ", ".join(name for name, v in votes if v == winner)
        return (x, y, reason) if winner > 0 else (y, x, reason)
    n_body = d.n_body
    if n_body[x] != n_body[y]:
        return (x, y, "longer text") if n_body[x] > n_body[y] else (y, x, "longer text")
    return x, y, "added first"


def source_groups(ids: Sequence[str], rewrites: list[Rewrite]) -> dict[str, int]:
    """Document id -> independent source number: documents linked by rewrites share one."""
    sources = UnionFind(ids)
    for r in rewrites:
        sources.union(r.original_doc_id, r.rewrite_doc_id)
    numbers: dict[str, int] = {}
    return {d: numbers.setdefault(sources.find(d), len(numbers)) for d in ids}
