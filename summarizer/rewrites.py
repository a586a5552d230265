"""Rewrite detection: which documents of a set are largely a reworded copy of another, by in-order alignment."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from index import Store

__all__ = ["Alignment", "find_rewrites", "rewritten_documents", "ALIGN_COSINE", "REWRITE_SHARE", "MIN_ALIGNED",
           "ALIGN_CANDIDATES"]

ALIGN_COSINE = 0.70  # two sentences of two documents can align (one rewords the other) at this cosine or above
REWRITE_SHARE = 0.60  # a rewrite pair: this share of the shorter document's body sentences align, in order
MIN_ALIGNED = 4  # ... and at least this many (3-sentence briefs of one event often share their order)
ALIGN_CANDIDATES = 3  # per sentence, its best few partners above ALIGN_COSINE enter the in-order alignment


@dataclass(frozen=True)
class Alignment:
    """Document ``rewrite`` (a code: position in ``ids``) rewords document ``original``, sentence by sentence."""

    original: int
    rewrite: int
    reason: str  # why ``original`` is taken for the original
    pairs: tuple[tuple[int, int, float], ...]  # (row in original, row in rewrite, cosine), in reading order


def _longest_increasing(rows: np.ndarray, cols: np.ndarray) -> list[int]:
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


def _cross_candidates(vectors: np.ndarray, codes: np.ndarray, block: int = 2048):
    """Cross-document pairs (i, j), i != j, with cosine >= ALIGN_COSINE and among i's best few in j's document."""
    n = len(codes)
    out_r, out_c, out_s = [], [], []
    for lo in range(0, n, block):
        sims = vectors[lo : lo + block] @ vectors.T
        sims[codes[lo : lo + block, None] == codes[None, :]] = -1.0
        r, c = np.nonzero(sims >= ALIGN_COSINE)
        if not len(r):
            continue
        s = sims[r, c]
        # keep each row's best ALIGN_CANDIDATES partners per other document
        key = np.lexsort((-s, codes[c], r))
        r, c, s = r[key], c[key], s[key]
        grp = np.flatnonzero(np.r_[True, (r[1:] != r[:-1]) | (codes[c][1:] != codes[c][:-1])])
        rank = np.arange(len(r)) - np.repeat(grp, np.diff(np.r_[grp, len(r)]))
        keep = rank < ALIGN_CANDIDATES
        out_r.append(r[keep] + lo)
        out_c.append(c[keep])
        out_s.append(s[keep])
    if not out_r:
        z = np.zeros(0, np.int64)
        return z, z, np.zeros(0, np.float32)
    return np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_s)


def find_rewrites(store: Store, ids: Sequence[str], codes: np.ndarray, vectors: np.ndarray,
                  groups: Sequence[Sequence[int]]) -> list[Alignment]:
    """Rewrite pairs among documents ``ids``, given their body sentences' document codes (position in ``ids``,
    reading order), unit vectors and fact groups (rows).

    Two documents are a pair when at least :data:`REWRITE_SHARE` of the shorter one's sentences (and at least
    :data:`MIN_ALIGNED`) align *in order* with the other's: a longest chain increasing in both documents over
    sentence pairs with cosine >= :data:`ALIGN_COSINE`. Which one is the original: the earlier date when both are
    dated and differ; else the majority of three signals (it has a date line and the other not; fewer broken
    sentences (kind "fragment"); more of its facts stated by documents outside the pair); on a tie, the longer
    one, then the one listed first. Only documents with enough candidate pairs are aligned, so this is cheap.
    """
    n_body = np.bincount(codes, minlength=len(ids))
    rows, cols, sims = _cross_candidates(vectors, codes)
    if not len(rows):
        return []
    # Cheap bound first: the rows of each document with a candidate in the other document.
    a, b = codes[rows], codes[cols]
    pairs_ab = np.unique(np.stack([a, b, rows]), axis=1)
    key, counts = np.unique(pairs_ab[:2], axis=1, return_counts=True)
    need = np.maximum(REWRITE_SHARE * np.minimum(n_body[key[0]], n_body[key[1]]), MIN_ALIGNED)
    ok = {(int(x), int(y)) for x, y, c, m in zip(key[0], key[1], counts, need) if c >= m}
    todo = sorted({(x, y) for x, y in ok if x < y and (y, x) in ok})
    if not todo:
        return []
    group_docs = [set(codes[list(g)].tolist()) for g in groups]
    pair_key = a * len(ids) + b
    by_pair = np.argsort(pair_key, kind="stable")
    sorted_key = pair_key[by_pair]
    out = []
    for x, y in todo:
        lo, hi = np.searchsorted(sorted_key, [x * len(ids) + y, x * len(ids) + y + 1])
        sel = by_pair[lo:hi]
        r, c, s = rows[sel], cols[sel], sims[sel]
        chain = _longest_increasing(r, c)
        if len(chain) < MIN_ALIGNED or len(chain) < REWRITE_SHARE * min(n_body[x], n_body[y]):
            continue
        orig, rew, reason = _original(store, ids, x, y, group_docs, n_body)
        pairs = tuple((int(r[k]), int(c[k]), float(s[k])) if orig == x else (int(c[k]), int(r[k]), float(s[k]))
                      for k in chain)
        out.append(Alignment(orig, rew, reason, pairs))
    return out


def rewritten_documents(store: Store, ids: Sequence[str], codes: np.ndarray, vectors: np.ndarray,
                        groups: Sequence[Sequence[int]]) -> frozenset[str]:
    """The ids among ``ids`` that are a detected rewrite of another of them (see :func:`find_rewrites`)."""
    return frozenset(ids[a.rewrite] for a in find_rewrites(store, ids, codes, vectors, groups))


def _original(store: Store, ids, x: int, y: int, group_docs, n_body) -> tuple[int, int, str]:
    """(original, rewrite, reason) for a rewrite pair of document codes ``x`` and ``y``."""
    dx, dy = store.document(ids[x]), store.document(ids[y])
    if dx.date and dy.date and dx.date != dy.date:
        return (x, y, "earlier date") if dx.date < dy.date else (y, x, "earlier date")

    def fragments(doc) -> float:
        sents = store.sentences(doc.id)
        return sum(s.kind == "fragment" for s in sents) / max(len(sents), 1)

    def corroborated(code: int, other: int) -> int:
        return sum(1 for g in group_docs if code in g and len(g - {code, other}) > 0)

    votes = []  # (signal, +1 for x, -1 for y)
    if bool(dx.date) != bool(dy.date):
        votes.append(("date line", 1 if dx.date else -1))
    fx, fy = fragments(dx), fragments(dy)
    if fx != fy:
        votes.append(("more complete sentences", 1 if fx < fy else -1))
    cx, cy = corroborated(x, y), corroborated(y, x)
    if cx != cy:
        votes.append(("more facts corroborated by other sources", 1 if cx > cy else -1))
    total = sum(v for _, v in votes)
    if total:
        winner = 1 if total > 0 else -1
        reason = ", ".join(name for name, v in votes if v == winner)
        return (x, y, reason) if winner > 0 else (y, x, reason)
    if n_body[x] != n_body[y]:
        return (x, y, "longer text") if n_body[x] > n_body[y] else (y, x, "longer text")
    return x, y, "added first"
