"""Fact groups: sentences from different documents that state the same thing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import sparse

from .text import WORD, UnionFind, stemmer, stop_words

__all__ = ["group_sentences", "pair_scores", "same_fact", "lexical_features", "LexicalFeatures", "SAME_FACT",
           "SAME_FACT_SCORE", "CANDIDATE_COSINE", "SAME_DOC_COSINE", "LINK_FLOOR"]

SAME_FACT = 0.80  # cosine (MiniLM) above which two sentences state one fact, when no texts are given
# With texts: score = cosine + 0.6 * weighted content-word containment + 0.03 * shared word trigrams (up to 8)
# + 0.2 when a shared trigram holds a number + 0.25 when they share a verbatim run of 6 words (case-folded,
# punctuation dropped) that starts and ends with a content word and holds at least three content words written in
# lower case (the same quote or wire copy; a run of names alone, "Secretary of State Antony Blinken", is not).
# Calibrated on the seeds' paraphrase pairs (tests/test_groups.py).
SAME_FACT_SCORE = 1.05
CANDIDATE_COSINE = 0.5  # pairs below this cosine are never one fact (and are never scored lexically)
SAME_DOC_COSINE = 0.85  # one document restating itself: only near-duplicates join
LINK_FLOOR = 0.4  # every two members of a group keep at least this cosine (no chaining of distinct facts)

_W_CONTAIN, _W_TRIGRAM, _MAX_TRIGRAMS, _W_NUMBER = 0.6, 0.03, 8, 0.2
_W_VERBATIM, _VERBATIM_LEN, _VERBATIM_LOWER = 0.25, 6, 3

def _tokens(text: str) -> list[str]:
    stem = stemmer()
    return [stem(w.lower().replace("’", "'")) for w in WORD.findall(text)]


@dataclass(frozen=True)
class LexicalFeatures:
    """Sparse word features of sentences: idf-weighted content stems, word trigrams, trigrams with a number."""

    content: sparse.csr_matrix  # binary, sentences x content stems
    idf: np.ndarray  # per content stem
    trigrams: sparse.csr_matrix  # binary, sentences x trigrams that hold a content word
    numeric: sparse.csr_matrix  # binary, sentences x trigrams that hold a number
    verbatim: sparse.csr_matrix | None = None  # binary, sentences x verbatim word runs (see _verbatim_runs)

    @property
    def weights(self) -> np.ndarray:
        """Each sentence's total content weight (sum of idf of its distinct content stems)."""
        return np.asarray(self.content @ self.idf).ravel()


def _verbatim_runs(text: str, stop: frozenset[str]) -> set[tuple[str, ...]]:
    """Runs of :data:`_VERBATIM_LEN` words (case-folded, punctuation dropped) that start and end with a content
    word and hold at least :data:`_VERBATIM_LOWER` content words written in lower case (not a run of names)."""
    raw = [w.replace("’", "'") for w in WORD.findall(text)]
    low = [w.lower() for w in raw]
    content = [w not in stop for w in low]
    lower = [c and w.islower() for c, w in zip(content, raw)]
    n = _VERBATIM_LEN
    return {tuple(low[k : k + n]) for k in range(len(low) - n + 1)
            if content[k] and content[k + n - 1] and sum(lower[k : k + n]) >= _VERBATIM_LOWER}


def lexical_features(texts: Sequence[str]) -> LexicalFeatures:
    """Word features of ``texts`` for the same-fact rule; idf is computed over ``texts`` themselves."""
    stop = stop_words()
    vocab: dict[str, int] = {}
    tri_vocab: dict[tuple[str, ...], int] = {}
    num_vocab: dict[tuple[str, ...], int] = {}
    c_rows, c_cols, t_rows, t_cols, n_rows, n_cols = [], [], [], [], [], []
    v_vocab: dict[tuple[str, ...], int] = {}
    v_rows, v_cols = [], []
    for i, text in enumerate(texts):
        toks = _tokens(text)
        for w in {w for w in toks if w not in stop}:
            c_rows.append(i)
            c_cols.append(vocab.setdefault(w, len(vocab)))
        grams = {tuple(toks[k : k + 3]) for k in range(len(toks) - 2)}
        for g in grams:
            if any(w not in stop for w in g):
                t_rows.append(i)
                t_cols.append(tri_vocab.setdefault(g, len(tri_vocab)))
            if any(w.isdigit() for w in g):
                n_rows.append(i)
                n_cols.append(num_vocab.setdefault(g, len(num_vocab)))
        for g in _verbatim_runs(text, stop):
            v_rows.append(i)
            v_cols.append(v_vocab.setdefault(g, len(v_vocab)))
    n = len(texts)

    def matrix(rows, cols, width):
        return sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, max(width, 1)))

    content = matrix(c_rows, c_cols, len(vocab))
    df = np.asarray(content.sum(axis=0)).ravel()
    idf = np.log((n + 1) / (df + 0.5)).astype(np.float32)
    idf = np.maximum(idf, 0.1)
    return LexicalFeatures(content, idf, matrix(t_rows, t_cols, len(tri_vocab)), matrix(n_rows, n_cols, len(num_vocab)),
                           matrix(v_rows, v_cols, len(v_vocab)))


def pair_scores(
    cosines: np.ndarray, rows: np.ndarray, cols: np.ndarray, features: LexicalFeatures
) -> np.ndarray:
    """The same-fact score of sentence pairs (``rows[k]``, ``cols[k]``) whose cosines are given, vectorised."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    if not len(rows):
        return np.zeros(0, dtype=np.float32)
    weighted = features.content.multiply(features.idf[None, :]).tocsr()
    shared = np.asarray(weighted[rows].multiply(features.content[cols]).sum(axis=1)).ravel()
    w = features.weights
    contain = shared / np.maximum(np.minimum(w[rows], w[cols]), 1e-6)
    tri = np.asarray(features.trigrams[rows].multiply(features.trigrams[cols]).sum(axis=1)).ravel()
    num = np.asarray(features.numeric[rows].multiply(features.numeric[cols]).sum(axis=1)).ravel() > 0
    score = (np.asarray(cosines, dtype=np.float32) + _W_CONTAIN * contain
             + _W_TRIGRAM * np.minimum(tri, _MAX_TRIGRAMS) + _W_NUMBER * num)
    if features.verbatim is not None:
        same = np.asarray(features.verbatim[rows].multiply(features.verbatim[cols]).sum(axis=1)).ravel() > 0
        score = score + _W_VERBATIM * same
    return score.astype(np.float32)


def same_fact(vec_a: np.ndarray, vec_b: np.ndarray, text_a: str, text_b: str) -> bool:
    """True when two sentences from different documents state the same fact (the rule of :func:`group_sentences`).

    Alone, a pair has no collection to weigh its words by, so every content word weighs the same here.
    """
    feats = lexical_features([text_a, text_b])
    feats = LexicalFeatures(feats.content, np.ones_like(feats.idf), feats.trigrams, feats.numeric,
                            feats.verbatim)  # no corpus: flat idf
    groups = group_sentences(np.vstack([vec_a, vec_b]), ["a", "b"], texts=[text_a, text_b], features=feats)
    return len(groups) == 1


def _candidates(vectors: np.ndarray, codes: np.ndarray, floor: float, same_doc: float, block: int):
    """Pairs (i < j) with cosine >= ``floor`` across documents or >= ``same_doc`` within one, and their cosines."""
    n = len(codes)
    out_r, out_c, out_s = [], [], []
    for lo in range(0, n, block):
        sims = vectors[lo : lo + block] @ vectors.T
        rows, cols = np.nonzero(sims >= floor)
        rows_abs = rows + lo
        keep = cols > rows_abs
        rows, cols, rows_abs = rows[keep], cols[keep], rows_abs[keep]
        s = sims[rows, cols]
        keep = (codes[rows_abs] != codes[cols]) | (s >= same_doc)
        out_r.append(rows_abs[keep])
        out_c.append(cols[keep])
        out_s.append(s[keep])
    if not out_r:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    return np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_s).astype(np.float32)


def _with_verbatim_pairs(
    vectors: np.ndarray, codes: np.ndarray, feats: LexicalFeatures, rows: np.ndarray, cols: np.ndarray, cos: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add the pairs of different documents that share a verbatim run (the same quote, however long the sentences
    around it) and keep a cosine of at least :data:`LINK_FLOOR`, to the cosine candidates."""
    if feats.verbatim is None or not feats.verbatim.nnz:
        return rows, cols, cos
    shared = sparse.triu(feats.verbatim @ feats.verbatim.T, k=1).tocoo()
    if not shared.nnz:
        return rows, cols, cos
    vr, vc = shared.row.astype(np.int64), shared.col.astype(np.int64)
    vcos = np.einsum("ij,ij->i", vectors[vr], vectors[vc]).astype(np.float32)
    keep = (codes[vr] != codes[vc]) & (vcos >= LINK_FLOOR) & (vcos < CANDIDATE_COSINE)  # others are candidates already
    return (np.concatenate([rows, vr[keep]]), np.concatenate([cols, vc[keep]]),
            np.concatenate([cos, vcos[keep]]).astype(np.float32))


def group_sentences(
    vectors: np.ndarray, doc_ids: Sequence[str], *, texts: Sequence[str] | None = None,
    threshold: float | None = None, block: int = 2048, features: LexicalFeatures | None = None,
) -> list[list[int]]:
    """Groups of row indices (each sorted, groups in order of their first row) of sentences stating one fact.

    Without ``texts``: two sentences from different documents join when their cosine is at least
    ``threshold`` (default :data:`SAME_FACT`). With ``texts``: when their same-fact score (cosine plus word
    evidence, see :func:`pair_scores`) is at least ``threshold`` (default :data:`SAME_FACT_SCORE`).
    Sentences of one document join only as near-duplicates (cosine >= :data:`SAME_DOC_COSINE`). Pairs
    are merged strongest first, and two groups merge only while every two of their members keep a cosine
    of at least :data:`LINK_FLOOR`, so a sentence stating two facts cannot chain two groups together.
    Similarities are computed in blocks with numpy; only candidate pairs are scored further.
    ``features`` may pass :func:`lexical_features` of ``texts`` when the caller already computed them.
    """
    n = len(doc_ids)
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != n:
        raise ValueError(f"{vectors.shape[0] if vectors.ndim else 0} vectors for {n} sentences")
    if texts is not None and len(texts) != n:
        raise ValueError(f"{len(texts)} texts for {n} sentences")
    if n == 0:
        return []
    codes = np.unique(np.asarray(doc_ids, dtype=object).astype(str), return_inverse=True)[1].ravel()
    if texts is None:
        limit = SAME_FACT if threshold is None else threshold
        rows, cols, scores = _candidates(vectors, codes, limit, max(limit, SAME_DOC_COSINE), block)
    else:
        limit = SAME_FACT_SCORE if threshold is None else threshold
        rows, cols, cos = _candidates(vectors, codes, CANDIDATE_COSINE, SAME_DOC_COSINE, block)
        feats = features if features is not None else lexical_features(texts)
        rows, cols, cos = _with_verbatim_pairs(vectors, codes, feats, rows, cols, cos)
        scores = pair_scores(cos, rows, cols, feats) if len(rows) else cos
        same_doc = codes[rows] == codes[cols]
        keep = (scores >= limit) | same_doc  # same-document candidates already passed SAME_DOC_COSINE
        rows, cols, scores = rows[keep], cols[keep], scores[keep]
    uf = UnionFind(range(n))
    for k in np.argsort(-scores, kind="stable"):
        a, b = int(rows[k]), int(cols[k])
        if uf.find(a) == uf.find(b):
            continue
        ma, mb = uf.members(a), uf.members(b)
        if len(ma) * len(mb) > 1 and float(np.min(vectors[ma] @ vectors[mb].T)) < LINK_FLOOR:
            continue
        uf.union(a, b)
    groups = [sorted(m) for m in uf.sets()]
    return sorted(groups, key=lambda g: g[0])
