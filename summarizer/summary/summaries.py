"""Merged extractive summaries of a store's documents: one fact once, every supporting source cited."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from index import Sentence, Store

from ..groups import LexicalFeatures, group_sentences, lexical_features
from ..results import CitedSentence, Summary, cite
from .budget import fill_budget
from .sumy_methods import SUMY_METHODS, sumy_ranking

__all__ = ["summarize_store", "METHODS", "Weights", "DEFAULT_WEIGHTS", "MIN_WORDS"]

logger = logging.getLogger(__name__)

METHODS = ("default", *SUMY_METHODS)
MIN_WORDS = 4  # shorter body sentences (`Blinken stated.`) never stand alone in a summary


@dataclass(frozen=True)
class Weights:
    """How the default method rates a fact group.

    Tuned on the even clusters of the NeuS val split and checked on the odd ones (bench/summary_quality.py):
    each weight moves ROUGE by well under a point on its own, so the defaults are kept round. The long-sentence
    penalty (the output is cut at a word budget) and the choice of a shorter, better-rated but near-complete group
    member helped on both halves; SumBasic re-weighting and the fragment penalty are neutral to slightly positive.
    """

    centrality: float = 2.0  # cosine to the collection's centroid (degree centrality over the MiniLM graph)
    support: float = 2.0  # soft corroboration: mean over the other documents of the best cosine in each
    sources: float = 0.15  # share of the other documents that state the fact (its group's documents)
    lead: float = 0.3  # position prior: lead ** (rank of the sentence among its document's body)
    lead_decay: float = 0.6  # ... the lead prior's ratio from one sentence to the next (0.5 and 0.7 were worse)
    redundancy: float = 0.2  # MMR: penalty per unit of cosine to the closest fact already chosen
    same_fact: float = 0.65  # a candidate this close to a chosen fact says the same thing: skipped
    quote: float = 0.08  # penalty for a sentence that opens with a quote or dash, or is first person
    consensus: float = 2.0  # words shared across sources: mean share of the other documents using each content word
    sumbasic: float = 0.5  # mean pooled cluster frequency of the content words not yet covered (SumBasic)
    sumbasic_decay: float = 0.5  # a chosen fact's words keep this share of their frequency afterwards
    long: float = 0.4  # penalty for length beyond long_from words (per long_from words, at most 1)
    long_from: float = 30.0  # ... sentences up to this many words are not long (news sentences average ~20)
    fragment: float = 1.0  # penalty for a fragment: opens in lower case or punctuation, or ends without a stop
    rep_score: float = 0.1  # representative rated by sentence score plus rep_score * relative completeness
    rep_floor: float = 0.9  # representative: the best-rated member at least this share as complete as the fullest
    opener_incomplete: float = 0.25  # completeness lost by a sentence opening with a quote, dash or first person
    dangling_incomplete: float = 0.15  # completeness lost by a sentence opening with a pronoun (He, This, Their)


DEFAULT_WEIGHTS = Weights()

_OPENERS = re.compile(r"^\s*(?:[\"“”'‘’«\-–—•*]|I\b|We\b|Our\b|My\b)")
_FRAGMENT = re.compile(r"^\s*(?:[,;:.)(\[\]…]|[a-z])|[^.!?\"”’')\]]\s*$")
_DANGLING_START = re.compile(r"^\s*(?:He|She|It|They|This|That|These|Those|His|Her|Its|Their)\b")


@dataclass(frozen=True)
class _Pool:
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


def summarize_store(
    store: Store, *, max_words: int = 150, max_sentences: int | None = None, method: str = "default",
    doc_ids: list[str] | None = None, weights: Weights = DEFAULT_WEIGHTS,
) -> Summary:
    """A merged summary of ``doc_ids`` (default: every document) within ``max_words``, in reading order.

    ``method="default"`` groups sentences that state one fact (:func:`summarizer.groups.group_sentences`),
    rates each group by centrality, corroboration across sources and a lead prior, and picks groups by
    maximal marginal relevance (plus SumBasic word-frequency gain re-weighted after each pick); each summary
    sentence is its group's best-rated member among the nearly most complete ones and cites one
    member per source document. ``lexrank``, ``textrank``, ``lsa`` and ``luhn`` rank sentences with sumy
    instead and cite the same way. Only body sentences are used (no headings, bylines, bios, sources).
    """
    _check(method, max_words, max_sentences)
    ids = list(dict.fromkeys(doc_ids)) if doc_ids is not None else [d.id for d in store.documents]
    docs = {d: store.document(d) for d in ids}
    pool = _pool(store, ids)
    if pool is None:
        msg = "The collection holds no documents." if not ids else "The documents hold no body text to summarize."
        return Summary([], method, max_words, ids, msg)
    feats = lexical_features(pool.texts)
    groups = group_sentences(pool.vectors, [str(c) for c in pool.doc_codes], texts=pool.texts, features=feats)
    group_of = np.empty(len(pool.sentences), dtype=np.int64)
    for g, members in enumerate(groups):
        group_of[members] = g
    if method == "default":
        chosen = _select_default(pool, groups, feats, max_words, max_sentences, weights)
    else:
        chosen = _select_ranked(pool, groups, group_of, sumy_ranking(method, pool.texts), max_words, max_sentences)
    out = _in_reading_order(pool, chosen, feats, docs)
    message = "" if out else f"No sentence fits within {max_words} words."
    return Summary(out, method, max_words, ids, message)


def _check(method: str, max_words: int, max_sentences: int | None) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown summary method {method!r}; choose one of {', '.join(METHODS)}")
    if not isinstance(max_words, int) or max_words < 1:
        raise ValueError(f"max_words must be a positive integer, got {max_words!r}")
    if max_sentences is not None and (not isinstance(max_sentences, int) or max_sentences < 1):
        raise ValueError(f"max_sentences must be a positive integer, got {max_sentences!r}")


def _in_reading_order(pool: _Pool, chosen: list[tuple[int, list[int], float]], feats: LexicalFeatures,
                      docs: dict) -> list[CitedSentence]:
    """The chosen facts as cited sentences, in the order they come in their articles."""
    cited = [(rep, _citations(pool, rep, members, feats), score) for rep, members, score in chosen]
    return [CitedSentence(pool.sentences[rep].text,
                          tuple(cite(pool.sentences[i], docs[pool.sentences[i].doc_id]) for i in cites), float(score))
            for rep, cites, score in sorted(cited, key=lambda c: _reading_key(pool, c[1]))]


def _pool(store: Store, ids: list[str]) -> _Pool | None:
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
    return _Pool(sents, vecs, codes, rank, relpos, words)


def _support(pool: _Pool, block: int = 1024) -> np.ndarray:
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


def _consensus(pool: _Pool, feats: LexicalFeatures) -> np.ndarray:
    """For each sentence, the mean over its content words of the share of the other documents that use them."""
    terms = feats.content
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


def _sentence_scores(pool: _Pool, w: Weights, feats: LexicalFeatures) -> np.ndarray:
    centroid = pool.vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    score = w.centrality * (pool.vectors @ centroid) + w.support * _support(pool)
    score += w.lead * (w.lead_decay ** pool.rank)
    if w.consensus:
        score += w.consensus * _consensus(pool, feats)
    if w.long:
        score -= w.long * np.minimum(np.maximum(pool.words - w.long_from, 0.0) / w.long_from, 1.0)
    if w.fragment:
        score -= w.fragment * np.fromiter((bool(_FRAGMENT.search(s.text)) for s in pool.sentences),
                                          dtype=bool, count=len(pool.sentences))
    style = np.fromiter((bool(_OPENERS.match(s.text)) for s in pool.sentences), dtype=bool, count=len(pool.sentences))
    return (score - w.quote * style).astype(np.float32)


def _word_frequency(feats: LexicalFeatures) -> np.ndarray:
    """Each content stem's share of the sentences using it, scaled so the most frequent stem is 1."""
    freq = np.asarray(feats.content.sum(axis=0)).ravel().astype(np.float32)
    return freq / max(float(freq.max(initial=0.0)), 1.0)


def _completeness(pool: _Pool, feats: LexicalFeatures, w: Weights) -> np.ndarray:
    """How clear and complete each sentence is on its own: content weight, less for openers needing context."""
    weight = feats.weights
    penalty = np.fromiter(
        (w.opener_incomplete * bool(_OPENERS.match(s.text)) + w.dangling_incomplete * bool(_DANGLING_START.match(s.text))
         for s in pool.sentences),
        dtype=np.float32, count=len(pool.sentences),
    )
    return weight * (1.0 - penalty)


def _representative(members: list[int], complete: np.ndarray, key: np.ndarray | None = None, floor: float = 1.0) -> int:
    """The member rated best by ``key`` among those at least ``floor`` times as complete as the most complete one.

    With no ``key`` (or ``floor`` 1) the most complete member: a sentence that drops a detail its sources
    agree on (`Russia and China` -> `Russia`) is never shown in place of the fuller one.
    """
    if key is None or floor >= 1.0 or len(members) == 1:
        return max(members, key=lambda i: (complete[i], -i))
    top = max(complete[i] for i in members)
    return max((i for i in members if complete[i] >= floor * top), key=lambda i: (key[i], -i))


def _select_default(pool: _Pool, groups: list[list[int]], feats: LexicalFeatures, max_words: int,
                    max_sentences: int | None, w: Weights) -> list[tuple[int, list[int], float]]:
    scores = _sentence_scores(pool, w, feats)
    complete = _completeness(pool, feats, w)
    ndocs = len(np.unique(pool.doc_codes))
    key = scores + w.rep_score * complete / max(float(complete.max(initial=0.0)), 1e-6)
    reps = np.array([_representative(g, complete, key, w.rep_floor) for g in groups], dtype=np.int64)
    gdocs = np.array([len(set(pool.doc_codes[g].tolist())) for g in groups], dtype=np.float32)
    gscore = np.array([scores[g].max() for g in groups], dtype=np.float32)
    gscore += w.sources * (gdocs - 1) / max(ndocs - 1, 1)
    gvec = pool.vectors[reps]
    rep_words = feats.content[reps].astype(np.float32).tocsr()
    rep_len = np.maximum(np.asarray(rep_words.sum(axis=1)).ravel(), 1.0)
    freq = _word_frequency(feats)
    nearest = np.full(len(groups), -1.0, dtype=np.float32)  # max cosine to a chosen fact
    open_ = np.ones(len(groups), dtype=bool)

    def by_mmr():  # the open group with the best marginal gain, re-rated after every pick
        while open_.any():
            gain = gscore - w.redundancy * np.maximum(nearest, 0.0)
            if w.sumbasic:
                gain = gain + w.sumbasic * np.asarray(rep_words @ freq).ravel() / rep_len
            g = int(np.argmax(np.where(open_, gain, -np.inf)))
            open_[g] = False
            if nearest[g] < w.same_fact:
                yield g

    def picked(g: int) -> None:
        nearest[:] = np.maximum(nearest, gvec @ gvec[g])
        if w.sumbasic:
            freq[rep_words[g].indices] *= w.sumbasic_decay

    taken = fill_budget(by_mmr(), lambda g: int(pool.words[reps[g]]), max_words, max_sentences, on_pick=picked)
    return [(int(reps[g]), groups[g], float(gscore[g])) for g in taken]


def _select_ranked(pool: _Pool, groups: list[list[int]], group_of: np.ndarray, ranking: list[tuple[int, float]],
                   max_words: int, max_sentences: int | None) -> list[tuple[int, list[int], float]]:
    """Best-rated sentences first, one per fact group, within the budget."""
    used: set[int] = set()

    def first_of_group():
        for i, rating in ranking:
            if int(group_of[i]) not in used:
                yield i, rating

    taken = fill_budget(first_of_group(), lambda c: int(pool.words[c[0]]), max_words, max_sentences,
                        on_pick=lambda c: used.add(int(group_of[c[0]])))
    return [(i, groups[int(group_of[i])], rating) for i, rating in taken]


def _reading_key(pool: _Pool, cites: list[int]) -> tuple[float, int, int]:
    """Where a fact sits in its articles: mean relative position of its cited sentences, then document, index."""
    first = cites[0]
    return (float(np.mean(pool.relpos[cites])), int(pool.doc_codes[first]), int(pool.rank[first]))


def _citations(pool: _Pool, rep: int, members: list[int], feats: LexicalFeatures) -> list[int]:
    """The shown sentence, then for each other document its member sharing most with it; in document order."""
    best: dict[int, int] = {int(pool.doc_codes[rep]): rep}
    if len(members) > 1:
        shared = np.asarray(feats.content[members] @ feats.content[rep].multiply(feats.idf[None, :]).T.toarray()).ravel()
        for i, s in sorted(zip(members, shared), key=lambda x: (-x[1], x[0])):
            best.setdefault(int(pool.doc_codes[i]), i)
    return [best[c] for c in sorted(best)]
