"""Per-sentence features of a summary's pool: the one computation the learned ranker trains and runs on."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from index import Sentence, Store

from ..groups import LexicalFeatures
from ..wording import FRAGMENT
from .roundup_words import WORD_FEATURES, WordRates

__all__ = ["Pool", "make_pool", "support", "consensus", "word_frequency", "sentence_features", "pool_relative",
           "FEATURES", "MIN_WORDS", "OPENERS", "DANGLING_START"]

MIN_WORDS = 4  # shorter body sentences (`Blinken stated.`) never stand alone in a summary
LEAD_DECAY = 0.6  # the lead prior's ratio from one sentence to the next (the heuristic's; 0.5 and 0.7 were worse)

OPENERS = re.compile(r"^\s*(?:[\"“”'‘’«\-–—•*]|I\b|We\b|Our\b|My\b)")
DANGLING_START = re.compile(r"^\s*(?:He|She|It|They|This|That|These|Those|His|Her|Its|Their)\b")
_DIGIT = re.compile(r"\d")
_INNER_CAPITAL = re.compile(r"(?<=\s)[A-Z][a-z]")
_QUOTE = re.compile(r"[\"“”]")

# The features, in the column order of :func:`sentence_features` (the ranker's weights file names them too).
FEATURES = (
    "centrality",  # cosine to the pool's centroid
    "centrality_gap",  # ... minus the pool's best
    "support",  # mean over the other documents of the best cosine with a sentence there
    "support_gap",  # ... minus the pool's best
    "doc_centrality",  # cosine to the centroid of its own document
    "lead_similarity",  # mean cosine to the other documents' first sentences
    "pagerank",  # LexRank-style eigenvector centrality over the cosine graph (times pool size)
    "consensus",  # mean share of the other documents using each of its content words
    "word_frequency",  # mean pooled frequency of its content words (SumBasic), most frequent stem = 1
    "content_weight",  # sum of idf of its distinct content stems, over the pool's largest
    "rank",  # position among its document's pool sentences (0 = lead)
    "lead",  # LEAD_DECAY ** rank
    "relpos",  # rank / pool sentences of its document
    "words",  # length in words / 30
    "group_docs",  # share of the other documents its fact group spans
    "group_size",  # members of its fact group
    "group_completeness",  # its content weight over its group's largest
    "fragment",  # opens in lower case or punctuation, or ends without a stop
    "opener",  # opens with a quote or dash, or in the first person
    "dangling",  # opens with a pronoun (He, This, Their)
    "numbers",  # words holding a digit, per word
    "names",  # capitalised words not opening the sentence, per word
    "documents",  # documents in the pool / 10
    "phrase_consensus",  # mean share of the other documents using each of its word trigrams (a ROUGE-2 cue)
    "own_lead_similarity",  # cosine to its own document's first pool sentence
    "quote",  # holds a quotation mark
    "centrality_rank",  # share of the pool more central than it (0 = the most central)
    "support_rank",  # share of the pool better supported than it
    "pool_size",  # sentences in the pool / 100
    *WORD_FEATURES,  # how often human roundups keep its stems and stem pairs (the ranker's WordRates)
)


@dataclass(frozen=True)
class Pool:
    """The body sentences a summary may use, in reading order, with their stored vectors."""

    sentences: list[Sentence]
    vectors: np.ndarray
    doc_codes: np.ndarray  # document number (order in the request) per sentence
    rank: np.ndarray  # position among its document's pool sentences (0 = lead)
    relpos: np.ndarray  # rank / number of pool sentences in its document
    words: np.ndarray

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]


def make_pool(store: Store, ids: list[str]) -> Pool | None:
    """Body sentences of at least :data:`MIN_WORDS` words of documents ``ids``; None when there are none."""
    sids = [sid for sid in store.body_ids(ids) if len(store.sentence(sid).text.split()) >= MIN_WORDS]
    if not sids:
        return None
    sents = [store.sentence(sid) for sid in sids]
    code_of = {d: n for n, d in enumerate(ids)}
    codes = np.fromiter((code_of[s.doc_id] for s in sents), dtype=np.int64, count=len(sents))
    rank = np.zeros(len(sents), dtype=np.int64)
    counts = np.bincount(codes, minlength=len(ids))
    seen = np.zeros(len(ids), dtype=np.int64)
    for i, c in enumerate(codes):  # body_ids is in reading order, document by document
        rank[i] = seen[c]
        seen[c] += 1
    relpos = rank / np.maximum(counts[codes], 1)
    words = np.fromiter((len(s.text.split()) for s in sents), dtype=np.int64, count=len(sents))
    vecs = np.ascontiguousarray(store.vectors(sids), dtype=np.float32)
    return Pool(sents, vecs, codes, rank, relpos, words)


def support(pool: Pool, block: int = 1024) -> np.ndarray:
    """For each sentence, the mean over the other documents of its best cosine with a sentence there."""
    codes = pool.doc_codes
    n = len(codes)
    docs = np.unique(codes)
    if len(docs) < 2:
        return np.zeros(n, dtype=np.float32)
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], docs)
    vt = pool.vectors[order].T
    out = np.zeros(n, dtype=np.float32)
    for lo in range(0, n, block):
        best = np.maximum.reduceat(pool.vectors[lo : lo + block] @ vt, starts, axis=1)  # rows x documents
        own = np.searchsorted(docs, codes[lo : lo + block])
        best[np.arange(len(own)), own] = 0.0
        out[lo : lo + block] = best.sum(axis=1) / (len(docs) - 1)
    return out


def consensus(pool: Pool, feats: LexicalFeatures, terms: sparse.csr_matrix | None = None) -> np.ndarray:
    """For each sentence, the mean over its content words (or the columns of ``terms``, e.g. its word trigrams) of
    the share of the other documents that use them."""
    terms = feats.content if terms is None else terms
    docs = np.unique(pool.doc_codes)
    if len(docs) < 2:
        return np.zeros(len(pool.sentences), dtype=np.float32)
    onehot = sparse.csr_matrix((np.ones(len(pool.doc_codes)), (np.searchsorted(docs, pool.doc_codes),
                                                               np.arange(len(pool.doc_codes)))))
    present = (onehot @ terms) > 0  # documents x terms
    doc_freq = np.asarray(present.sum(axis=0)).ravel().astype(np.float32)
    own = np.asarray(terms.sum(axis=1)).ravel()
    shared = np.asarray(terms @ (doc_freq - 1.0)).ravel() / (len(docs) - 1)
    return (shared / np.maximum(own, 1.0)).astype(np.float32)


def word_frequency(feats: LexicalFeatures) -> np.ndarray:
    """Each content stem's count of sentences using it, scaled so the most frequent stem is 1."""
    freq = np.asarray(feats.content.sum(axis=0)).ravel().astype(np.float32)
    return freq / max(float(freq.max(initial=0.0)), 1.0)


def _flags(pattern: re.Pattern, texts: list[str], search: bool = False) -> np.ndarray:
    find = pattern.search if search else pattern.match
    return np.fromiter((bool(find(t)) for t in texts), dtype=np.float32, count=len(texts))


def _pagerank(vectors: np.ndarray, neighbours: int = 10, damping: float = 0.85, steps: int = 20,
              block: int = 1024) -> np.ndarray:
    """Eigenvector centrality (power iteration) over each sentence's ``neighbours`` closest others by positive
    cosine, scaled so the mean is 1; the graph is sparse, so large pools cost little memory."""
    n = len(vectors)
    k = min(neighbours, n - 1)
    if k < 1:
        return np.ones(n, dtype=np.float32)
    rows, cols, vals = [], [], []
    for lo in range(0, n, block):
        sims = vectors[lo : lo + block] @ vectors.T
        sims[np.arange(len(sims)), np.arange(lo, lo + len(sims))] = -1.0
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        rows.append(np.repeat(np.arange(lo, lo + len(sims)), k))
        cols.append(top.ravel())
        vals.append(np.maximum(np.take_along_axis(sims, top, axis=1).ravel(), 0.0))
    graph = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    out = np.asarray(graph.sum(axis=1)).ravel()
    trans = sparse.diags(1.0 / np.maximum(out, 1e-9)) @ graph
    rank = np.full(n, 1.0 / n)
    for _ in range(steps):
        rank = (1 - damping) / n + damping * (trans.T @ rank)
    return (rank * n / max(rank.sum(), 1e-12)).astype(np.float32)


def _doc_means(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Per row, the mean of ``values`` rows of the same document (unit length)."""
    sums = np.zeros((int(codes.max()) + 1, values.shape[1]), dtype=np.float32)
    np.add.at(sums, codes, values)
    sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)
    return sums[codes]


def _lead_similarity(pool: Pool) -> np.ndarray:
    """Mean cosine to the first pool sentence of every other document (0 with one document)."""
    firsts = np.flatnonzero(pool.rank == 0)
    if len(firsts) < 2:
        return np.zeros(len(pool.sentences), dtype=np.float32)
    sims = pool.vectors @ pool.vectors[firsts].T
    other = pool.doc_codes[:, None] != pool.doc_codes[firsts][None, :]
    return ((sims * other).sum(axis=1) / np.maximum(other.sum(axis=1), 1)).astype(np.float32)


def _own_lead_similarity(pool: Pool) -> np.ndarray:
    """Cosine to the first pool sentence of its own document."""
    firsts = np.flatnonzero(pool.rank == 0)
    first_of = np.zeros(int(pool.doc_codes.max()) + 1, dtype=np.int64)
    first_of[pool.doc_codes[firsts]] = firsts
    return np.einsum("ij,ij->i", pool.vectors, pool.vectors[first_of[pool.doc_codes]]).astype(np.float32)


def _rank_share(values: np.ndarray) -> np.ndarray:
    """Per row, the share of rows with a higher value (0 for the highest)."""
    order = np.argsort(-values, kind="stable")
    out = np.empty(len(values), dtype=np.float32)
    out[order] = np.arange(len(values)) / max(len(values), 1)
    return out


def _group_columns(pool: Pool, groups: list[list[int]], weight: np.ndarray) -> tuple[np.ndarray, ...]:
    n = len(pool.sentences)
    ndocs = len(np.unique(pool.doc_codes))
    docs, size, complete = np.zeros(n, np.float32), np.zeros(n, np.float32), np.zeros(n, np.float32)
    for g in groups:
        docs[g] = (len(set(pool.doc_codes[g].tolist())) - 1) / max(ndocs - 1, 1)
        size[g] = len(g)
        complete[g] = weight[g] / max(float(weight[g].max()), 1e-6)
    return docs, size, complete


def sentence_features(pool: Pool, feats: LexicalFeatures, groups: list[list[int]],
                      centrality: np.ndarray | None = None, supported: np.ndarray | None = None,
                      rates: WordRates | None = None) -> np.ndarray:
    """The :data:`FEATURES` of every pool sentence (rows in pool order), float32.

    ``centrality`` and ``supported`` may pass the cosine to the centroid and :func:`support` when computed already;
    ``rates`` are the word rates the ranker was trained with (none: the :data:`WORD_FEATURES` columns are 0).
    """
    texts = pool.texts
    if centrality is None:
        centroid = pool.vectors.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        centrality = pool.vectors @ centroid
    if supported is None:
        supported = support(pool)
    freq = word_frequency(feats)
    own = np.maximum(np.asarray(feats.content.sum(axis=1)).ravel(), 1.0)
    weight = feats.weights
    words = np.maximum(pool.words.astype(np.float32), 1.0)
    doc_sim = np.einsum("ij,ij->i", pool.vectors, _doc_means(pool.vectors, pool.doc_codes))
    g_docs, g_size, g_complete = _group_columns(pool, groups, weight)
    names = np.fromiter((len(_INNER_CAPITAL.findall(t)) for t in texts), dtype=np.float32, count=len(texts))
    numbers = np.fromiter((sum(bool(_DIGIT.search(w)) for w in t.split()) for t in texts), dtype=np.float32,
                          count=len(texts))
    columns = {
        "centrality": centrality, "centrality_gap": centrality - centrality.max(),
        "support": supported, "support_gap": supported - supported.max(),
        "doc_centrality": doc_sim, "lead_similarity": _lead_similarity(pool), "pagerank": _pagerank(pool.vectors),
        "consensus": consensus(pool, feats), "word_frequency": np.asarray(feats.content @ freq).ravel() / own,
        "content_weight": weight / max(float(weight.max(initial=0.0)), 1e-6),
        "rank": pool.rank, "lead": LEAD_DECAY ** pool.rank, "relpos": pool.relpos, "words": words / 30.0,
        "group_docs": g_docs, "group_size": g_size, "group_completeness": g_complete,
        "fragment": _flags(FRAGMENT, texts, search=True), "opener": _flags(OPENERS, texts),
        "dangling": _flags(DANGLING_START, texts), "numbers": numbers / words, "names": names / words,
        "documents": np.full(len(texts), len(np.unique(pool.doc_codes)) / 10.0),
        "phrase_consensus": consensus(pool, feats, feats.trigrams), "own_lead_similarity": _own_lead_similarity(pool),
        "quote": _flags(_QUOTE, texts, search=True), "centrality_rank": _rank_share(centrality),
        "support_rank": _rank_share(supported), "pool_size": np.full(len(texts), len(texts) / 100.0),
    }
    kept = (rates or WordRates()).features(texts)
    columns.update(zip(WORD_FEATURES, kept.T))
    return np.column_stack([np.asarray(columns[f], dtype=np.float32) for f in FEATURES]).astype(np.float32)


def pool_relative(x: np.ndarray) -> np.ndarray:
    """``x`` (one row per pool sentence) beside each column's z-score within the pool: how a sentence stands against
    the others it competes with, which the raw values do not say (a cosine of 0.6 tops one pool and trails another).
    A column constant over the pool gets 0."""
    x = np.asarray(x, dtype=np.float64)
    if not len(x):
        return np.zeros((0, 2 * x.shape[1]))
    sd = x.std(axis=0)
    z = np.divide(x - x.mean(axis=0), sd, out=np.zeros_like(x), where=sd > 1e-9)
    return np.hstack([x, z])
