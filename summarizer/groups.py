"""Fact groups: sentences from different documents that state the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import sparse

from .text import WORD, UnionFind, stemmer, stop_words

__all__ = ["group_sentences", "pair_scores", "same_fact", "lexical_features", "LexicalFeatures", "SameFactRule",
           "SAME_FACT_RULE"]


@dataclass(frozen=True)
class SameFactRule:
    """When two sentences state one fact. Calibrated on the seeds' paraphrase pairs (tests/test_groups.py) and
    checked on NeuS val summaries (bench/summary_quality.py) and HotpotQA answers (bench/qa_quality.py).

    With texts, a pair's score is its cosine plus word evidence: ``contain`` times the idf-weighted share of the
    shorter sentence's content words the other has, ``trigram`` per shared word trigram (up to ``max_trigrams``),
    ``number`` when a shared trigram holds a number, and ``verbatim`` when they share a verbatim run of
    ``verbatim_len`` words (case-folded, punctuation dropped) that starts and ends with a content word and holds
    at least ``verbatim_lower`` content words written in lower case: the same quote or wire copy (a run of names
    alone, "Secretary of State Antony Blinken", is not).
    """

    cosine: float = 0.80  # without texts: the MiniLM cosine above which two sentences state one fact
    score: float = 1.05  # with texts: the same-fact score (cosine plus word evidence) at or above which they do
    candidate_cosine: float = 0.5  # pairs below this cosine are never one fact (and are never scored lexically)
    same_doc_cosine: float = 0.85  # one document restating itself: only near-duplicates join
    link_floor: float = 0.4  # every two members of a group keep at least this cosine (no chaining of distinct facts)
    contain: float = 0.6  # weight of the idf-weighted content-word containment
    trigram: float = 0.03  # weight per shared word trigram ...
    max_trigrams: int = 8  # ... counting at most this many
    number: float = 0.2  # bonus when a shared trigram holds a number
    verbatim: float = 0.25  # bonus for a shared verbatim run ...
    verbatim_len: int = 6  # ... of this many words ...
    verbatim_lower: int = 3  # ... holding at least this many lower-case content words
    idf_floor: float = 0.1  # the smallest idf a content word gets (a word in every sentence still counts a little)
    # every two members of a group (not just the pair that joins them) score at least this; None: off (summaries).
    # Answers use their own merge score: a general sentence no longer chains templates of other subjects ("the
    # Vermont basketball team", "... soccer team", "the 2010-11 team") into one point
    link_score: float | None = None
    block: int = 2048  # rows of the similarity matrix computed at once (memory, not results)


SAME_FACT_RULE = SameFactRule()


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


def _verbatim_runs(text: str, stop: frozenset[str], n: int, min_lower: int) -> set[tuple[str, ...]]:
    """Runs of ``n`` words (case-folded, punctuation dropped) that start and end with a content word and hold at
    least ``min_lower`` content words written in lower case (not a run of names)."""
    raw = [w.replace("’", "'") for w in WORD.findall(text)]
    low = [w.lower() for w in raw]
    content = [w not in stop for w in low]
    lower = [c and w.islower() for c, w in zip(content, raw)]
    return {tuple(low[k : k + n]) for k in range(len(low) - n + 1)
            if content[k] and content[k + n - 1] and sum(lower[k : k + n]) >= min_lower}


def _trigrams(toks: list[str], stop: frozenset[str]) -> list[tuple[tuple[str, ...], bool, bool]]:
    """Each distinct word trigram (in text order), whether it holds a content word, and whether a number."""
    content = [w not in stop for w in toks]
    digit = [w.isdigit() for w in toks]
    grams: dict[tuple[str, ...], int] = {}  # each trigram at its first place
    for k in range(len(toks) - 2):
        grams.setdefault(tuple(toks[k : k + 3]), k)
    return [(g, content[k] or content[k + 1] or content[k + 2], digit[k] or digit[k + 1] or digit[k + 2])
            for g, k in grams.items()]


def lexical_features(texts: Sequence[str], weights: SameFactRule = SAME_FACT_RULE) -> LexicalFeatures:
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
        for w in dict.fromkeys(w for w in toks if w not in stop):  # in text order: the same columns every run
            c_rows.append(i)
            c_cols.append(vocab.setdefault(w, len(vocab)))
        for g, has_content, has_digit in _trigrams(toks, stop):
            if has_content:
                t_rows.append(i)
                t_cols.append(tri_vocab.setdefault(g, len(tri_vocab)))
            if has_digit:
                n_rows.append(i)
                n_cols.append(num_vocab.setdefault(g, len(num_vocab)))
        for g in sorted(_verbatim_runs(text, stop, weights.verbatim_len, weights.verbatim_lower)):
            v_rows.append(i)
            v_cols.append(v_vocab.setdefault(g, len(v_vocab)))
    n = len(texts)

    def matrix(rows, cols, width):
        return sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, max(width, 1)))

    content = matrix(c_rows, c_cols, len(vocab))
    df = np.asarray(content.sum(axis=0)).ravel()
    idf = np.log((n + 1) / (df + 0.5)).astype(np.float32)
    idf = np.maximum(idf, weights.idf_floor)
    return LexicalFeatures(content, idf, matrix(t_rows, t_cols, len(tri_vocab)), matrix(n_rows, n_cols, len(num_vocab)),
                           matrix(v_rows, v_cols, len(v_vocab)))


def pair_scores(
    cosines: np.ndarray, rows: np.ndarray, cols: np.ndarray, features: LexicalFeatures,
    weights: SameFactRule = SAME_FACT_RULE,
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
    w = weights
    score = (np.asarray(cosines, dtype=np.float32) + w.contain * contain
             + w.trigram * np.minimum(tri, w.max_trigrams) + w.number * num)
    if features.verbatim is not None:
        same = np.asarray(features.verbatim[rows].multiply(features.verbatim[cols]).sum(axis=1)).ravel() > 0
        score = score + w.verbatim * same
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
    vectors: np.ndarray, codes: np.ndarray, feats: LexicalFeatures, rows: np.ndarray, cols: np.ndarray, cos: np.ndarray,
    w: SameFactRule,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add the pairs of different documents that share a verbatim run (the same quote, however long the sentences
    around it) and keep a cosine of at least ``w.link_floor``, to the cosine candidates."""
    if feats.verbatim is None or not feats.verbatim.nnz:
        return rows, cols, cos
    shared = sparse.triu(feats.verbatim @ feats.verbatim.T, k=1).tocoo()
    if not shared.nnz:
        return rows, cols, cos
    vr, vc = shared.row.astype(np.int64), shared.col.astype(np.int64)
    vcos = np.einsum("ij,ij->i", vectors[vr], vectors[vc]).astype(np.float32)
    keep = (codes[vr] != codes[vc]) & (vcos >= w.link_floor) & (vcos < w.candidate_cosine)  # others: candidates already
    return (np.concatenate([rows, vr[keep]]), np.concatenate([cols, vc[keep]]),
            np.concatenate([cos, vcos[keep]]).astype(np.float32))


def group_sentences(
    vectors: np.ndarray, doc_ids: Sequence[str], *, texts: Sequence[str] | None = None,
    threshold: float | None = None, features: LexicalFeatures | None = None, weights: SameFactRule = SAME_FACT_RULE,
) -> list[list[int]]:
    """Groups of row indices (each sorted, groups in order of their first row) of sentences stating one fact.

    Without ``texts``: two sentences from different documents join when their cosine is at least
    ``threshold`` (default ``weights.cosine``). With ``texts``: when their same-fact score (cosine plus word
    evidence, see :func:`pair_scores`) is at least ``threshold`` (default ``weights.score``).
    Sentences of one document join only as near-duplicates (cosine >= ``weights.same_doc_cosine``). Pairs
    are merged strongest first, and two groups merge only while every two of their members keep a cosine
    of at least ``weights.link_floor``, so a sentence stating two facts cannot chain two groups together.
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
        rows, cols, scores = _cosine_pairs(vectors, codes, threshold, weights)
    else:
        feats = features if features is not None else lexical_features(texts, weights)
        rows, cols, scores = _scored_pairs(vectors, codes, feats, threshold, weights)
    return _merge(vectors, rows, cols, scores, weights.link_floor, weights.link_score)


def _cosine_pairs(vectors: np.ndarray, codes: np.ndarray, threshold: float | None, w: SameFactRule):
    """Pairs that are one fact by cosine alone, with their cosines."""
    limit = w.cosine if threshold is None else threshold
    return _candidates(vectors, codes, limit, max(limit, w.same_doc_cosine), w.block)


def _scored_pairs(vectors: np.ndarray, codes: np.ndarray, feats: LexicalFeatures, threshold: float | None,
                  w: SameFactRule):
    """Pairs that are one fact by their same-fact score (near-duplicates within a document too), with their scores."""
    limit = w.score if threshold is None else threshold
    rows, cols, cos = _candidates(vectors, codes, w.candidate_cosine, w.same_doc_cosine, w.block)
    rows, cols, cos = _with_verbatim_pairs(vectors, codes, feats, rows, cols, cos, w)
    scores = pair_scores(cos, rows, cols, feats, w) if len(rows) else cos
    same_doc = codes[rows] == codes[cols]
    keep = (scores >= limit) | same_doc  # same-document candidates already passed same_doc_cosine
    return rows[keep], cols[keep], scores[keep]


def _merge(vectors: np.ndarray, rows: np.ndarray, cols: np.ndarray, scores: np.ndarray, link_floor: float,
           link_score: float | None = None):
    """Join pairs strongest first while every two members of a joined group keep ``link_floor`` cosine (and,
    when ``link_score`` is given, a same-fact score of at least that)."""
    uf = UnionFind(range(len(vectors)))
    pair = {(int(a), int(b)): float(x) for a, b, x in zip(rows, cols, scores)} if link_score is not None else {}
    for k in np.argsort(-scores, kind="stable"):
        a, b = int(rows[k]), int(cols[k])
        if uf.find(a) == uf.find(b):
            continue
        ma, mb = uf.members(a), uf.members(b)
        if len(ma) * len(mb) > 1 and float(np.min(vectors[ma] @ vectors[mb].T)) < link_floor:
            continue
        if link_score is not None and len(ma) * len(mb) > 1 and not _all_linked(pair, ma, mb, link_score):
            continue
        uf.union(a, b)
    groups = [sorted(m) for m in uf.sets()]
    return sorted(groups, key=lambda g: g[0])


def _all_linked(pair: dict[tuple[int, int], float], ma: list[int], mb: list[int], floor: float) -> bool:
    """Whether every pair across two groups was scored at ``floor`` or more."""
    return all(pair.get((min(x, y), max(x, y)), -np.inf) >= floor for x in ma for y in mb)
