"""Compare a store's documents fact by fact: who corroborates what, what only one source says, and differing words."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from index import Store

from ..groups import group_sentences
from ..results import Citation, CitedSentence, cite
from .align import ALIGN_WEIGHTS, AlignWeights, find_rewrites, source_groups
from .results import Comparison, Difference, Fact
from .words import Words

__all__ = ["compare_store", "CompareWeights", "COMPARE_WEIGHTS"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompareWeights:
    """Thresholds of the comparison (tests/test_compare.py holds the seeds' cases they were set on)."""

    align: AlignWeights = ALIGN_WEIGHTS  # when a document is a rewrite of another
    # A sentence grouped with others still carries a fact of its own when at least adds_share of its content words
    # are in no other document's member and among them at least adds_flagged names or numbers (004's "... and to
    # release Paul Whelan, an American citizen held in Russia" beside the New START sentences)
    adds_share: float = 0.5
    adds_flagged: int = 2


COMPARE_WEIGHTS = CompareWeights()


@dataclass(frozen=True)
class _Body:
    """The compared body sentences with what every step needs."""

    texts: list[str]
    doc_of: list[str]  # document id of each sentence
    codes: np.ndarray  # document code (index into the ids) of each sentence
    vectors: np.ndarray
    citations: list[Citation]
    central: np.ndarray  # cosine to the centroid of all compared sentences

    def cited(self, i: int) -> CitedSentence:
        return CitedSentence(self.texts[i], (self.citations[i],), float(self.central[i]))


def compare_store(store: Store, doc_ids: Sequence[str] | None = None, *,
                  weights: CompareWeights = COMPARE_WEIGHTS) -> Comparison:
    """Compare the documents (all, or ``doc_ids``) of a store, fact by fact, from the stored vectors.

    - **Facts** are the groups of :func:`summarizer.groups.group_sentences` over body sentences (with texts),
      most independently corroborated first; each cites all its member sentences.
    - **Rewrites**: two documents where a large share of the shorter one's body sentences align *in order* with
      the other's (see :mod:`summarizer.compare.align`). Two independent articles on one story share facts but
      not their order and wording sentence after sentence, so they stay apart. A rewrite and its original are
      one independent source in ``independent_sources``.
    - **Unique**: per document, its facts no other document states, by closeness to the collection's
      centroid: groups of that document alone, and grouped sentences that still carry a fact of their own
      (see :class:`CompareWeights`).
    - **Differences**: inside each fact group, each member from another document against the group's
      representative: the content words one has and the other lacks, names and numbers flagged.
    """
    ids = list(doc_ids) if doc_ids is not None else [d.id for d in store.documents]
    if len(set(ids)) != len(ids):
        raise ValueError("doc_ids lists a document twice")
    docs = {d: store.document(d) for d in ids}
    titles = {d: docs[d].title for d in ids}
    body = _body(store, ids, docs)
    if body is None:
        return Comparison(ids, titles, source_groups={d: i for i, d in enumerate(ids)}, unique={d: [] for d in ids},
                          message="The collection holds no documents." if not ids else
                          "The documents hold no body sentences.")
    groups = group_sentences(body.vectors, body.doc_of, texts=body.texts)
    words = Words(body.texts, body.citations, body.vectors, body.central)  # tokenised on first use only
    rewrites = find_rewrites(store, ids, docs, body.codes, body.vectors, groups, words, weights.align)
    sources = source_groups(ids, rewrites)
    facts, reps = _facts(body, groups, {r.rewrite_doc_id for r in rewrites}, sources, ids)
    order = sorted(range(len(facts)), key=lambda f: (-facts[f].independent_sources, -facts[f].sources, groups[f][0]))
    unique = _unique(body, groups, facts, words, ids, weights)
    differences = _differences(body, groups, reps, {f: k for k, f in enumerate(order)}, words)
    logger.info("compared %d documents: %d facts, %d rewrites, %d differences",
                len(ids), len(facts), len(rewrites), len(differences))
    return Comparison(ids, titles, [facts[f] for f in order], unique, rewrites, differences, sources)


def _body(store: Store, ids: list[str], docs: dict) -> _Body | None:
    sids = store.body_ids(ids)
    if not sids:
        return None
    sents = [store.sentence(s) for s in sids]
    code_of = {d: i for i, d in enumerate(ids)}
    vectors = np.asarray(store.vectors(sids), dtype=np.float32)
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    return _Body([s.text for s in sents], [s.doc_id for s in sents],
                 np.array([code_of[s.doc_id] for s in sents], dtype=np.int64), vectors,
                 [cite(s, docs[s.doc_id]) for s in sents], vectors @ centroid)


def _facts(body: _Body, groups: list[list[int]], rewritten: set[str], sources: dict[str, int],
           ids: list[str]) -> tuple[list[Fact], list[int]]:
    """One fact per group, citing its representative first, and the representatives."""
    code_of = {d: i for i, d in enumerate(ids)}
    facts, reps = [], []
    for members in groups:
        rep = _representative(members, body.vectors, [body.doc_of[i] for i in members], rewritten)
        ordered = [rep] + [i for i in members if i != rep]
        in_docs = tuple(sorted({body.doc_of[i] for i in members}, key=code_of.__getitem__))
        cs = CitedSentence(body.texts[rep], tuple(body.citations[i] for i in ordered), float(body.central[rep]))
        facts.append(Fact(cs, in_docs, len({sources[d] for d in in_docs})))
        reps.append(rep)
    return facts, reps


def _representative(members: list[int], vectors: np.ndarray, member_docs: list[str], rewritten: set[str]) -> int:
    """The member closest to the others, a member of an original before one of a rewrite; ties: reading order."""
    if len(members) == 1:
        return members[0]
    sims = vectors[members] @ vectors[members].T
    mean = np.round((sims.sum(axis=1) - 1.0) / (len(members) - 1), 6)
    best = max(range(len(members)), key=lambda k: (member_docs[k] not in rewritten, mean[k], -k))
    return members[best]


def _unique(body: _Body, groups: list[list[int]], facts: list[Fact], words: Words, ids: list[str],
            w: CompareWeights) -> dict[str, list[CitedSentence]]:
    """Per document, best first: its facts no other document states, and grouped sentences that add their own."""
    unique: dict[str, list[CitedSentence]] = {d: [] for d in ids}
    for g, members in enumerate(groups):
        if len({body.doc_of[i] for i in members}) == 1:
            unique[body.doc_of[members[0]]].append(facts[g].sentence)
            continue
        for i in members:
            if _adds_own_fact(body, words, i, members, w):
                unique[body.doc_of[i]].append(body.cited(i))
    for d in ids:
        unique[d].sort(key=lambda s: -s.score)
    return unique


def _adds_own_fact(body: _Body, words: Words, i: int, members: list[int], w: CompareWeights) -> bool:
    """Whether member ``i`` says more than the other documents' members: enough words of its own, names or numbers."""
    others = set().union(*(words.content(j) for j in members if body.doc_of[j] != body.doc_of[i]))
    mine = words.content(i)
    extra = words.missing(i, others)
    flagged = {t.stem for t in extra if t.number or t.name}
    return bool(mine) and len({t.stem for t in extra}) >= w.adds_share * len(mine) and len(flagged) >= w.adds_flagged


def _differences(body: _Body, groups: list[list[int]], reps: list[int], fact_index: dict[int, int],
                 words: Words) -> list[Difference]:
    """Each member from another document against its group's representative, names or numbers first, and first
    where they are most of what differs (a name dropped from a close twin)."""
    out = []
    for g, members in enumerate(groups):
        rep = reps[g]
        for i in members:
            if body.doc_of[i] != body.doc_of[rep]:
                x = words.difference(rep, i, fact_index[g])
                if x.only_first or x.only_second:
                    out.append(x)
    out.sort(key=lambda x: (not x.flagged, -len(x.flagged) / len(x.only_first + x.only_second), -x.similarity))
    return out
