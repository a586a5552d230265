"""Source comparison: who corroborates which fact, what only one source says, rewrites, and differing words."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from index import Store

from ..groups import group_sentences
from ..rewrites import ALIGN_COSINE, MIN_ALIGNED, REWRITE_SHARE, find_rewrites
from ..text import UnionFind
from ..wording import Token, Words
from ..results import CitationNumbers, CitedSentence, cite, doc_label, escape_markdown, source_label

__all__ = [
    "Comparison",
    "Fact",
    "Rewrite",
    "AlignedPair",
    "Difference",
    "compare_store",
    "ALIGN_COSINE",
    "REWRITE_SHARE",
    "MIN_ALIGNED",
    "ADDS_SHARE",
    "ADDS_FLAGGED",
]

logger = logging.getLogger(__name__)

# A sentence grouped with others still carries a fact of its own when at least this share of its content
# words are in no other document's member and among them at least this many names or numbers (004's
# "... and to release Paul Whelan, an American citizen held in Russia" beside the New START sentences).
ADDS_SHARE = 0.5
ADDS_FLAGGED = 2


# ----------------------------------------------------------------------------- result types


@dataclass(frozen=True)
class Fact:
    """One fact group: a representative sentence citing every member, and the documents that state it."""

    sentence: CitedSentence
    doc_ids: tuple[str, ...]
    independent_sources: int  # documents stating it, a rewrite and its original counted once

    @property
    def sources(self) -> int:
        return len(self.doc_ids)

    def to_dict(self) -> dict:
        return {
            "doc_ids": list(self.doc_ids),
            "sources": self.sources,
            "independent_sources": self.independent_sources,
            "sentence": self.sentence.to_dict(),
        }


@dataclass(frozen=True)
class AlignedPair:
    """A sentence of an original and the sentence of its rewrite aligned with it, and their differing words."""

    original: CitedSentence
    rewrite: CitedSentence
    similarity: float
    difference: "Difference | None" = None  # first = the original's sentence, second = the rewrite's

    def to_dict(self) -> dict:
        return {"original": self.original.to_dict(), "rewrite": self.rewrite.to_dict(),
                "similarity": round(float(self.similarity), 4),
                "difference": self.difference.to_dict() if self.difference else None}


@dataclass(frozen=True)
class Rewrite:
    """``rewrite_doc_id`` is largely a reworded copy of ``original_doc_id``.

    ``aligned_share`` is the share of the rewrite's body sentences aligned, in order, with the original's.
    """

    original_doc_id: str
    rewrite_doc_id: str
    aligned_share: float
    aligned: int = 0
    original_share: float = 0.0  # the share of the original's body sentences aligned
    reason: str = ""  # why this one is taken for the original
    pairs: tuple[AlignedPair, ...] = ()

    def to_dict(self) -> dict:
        return {
            "original_doc_id": self.original_doc_id,
            "rewrite_doc_id": self.rewrite_doc_id,
            "aligned_share": round(float(self.aligned_share), 4),
            "aligned": self.aligned,
            "original_share": round(float(self.original_share), 4),
            "reason": self.reason,
            "pairs": [p.to_dict() for p in self.pairs],
        }


@dataclass(frozen=True)
class Difference:
    """Two sentences of one fact group (from two documents) and the words each has that the other lacks.

    ``only_first`` / ``only_second``: content words (stemmed comparison, stop words ignored, numbers kept)
    present in one sentence and missing from the other; ``flagged_*``: the numbers and names among them.
    ``first_spans`` / ``second_spans``: document character offsets of every occurrence of those words,
    so ``document.text[start:end]`` is the word (for highlighting).
    """

    first: CitedSentence
    second: CitedSentence
    only_first: tuple[str, ...]
    only_second: tuple[str, ...]
    flagged_first: tuple[str, ...] = ()
    flagged_second: tuple[str, ...] = ()
    first_spans: tuple[tuple[int, int], ...] = ()
    second_spans: tuple[tuple[int, int], ...] = ()
    similarity: float = 0.0
    fact: int = -1  # index into Comparison.facts; -1 for the aligned pair of a rewrite

    @property
    def sentences(self) -> tuple[CitedSentence, CitedSentence]:
        return (self.first, self.second)

    @property
    def flagged(self) -> tuple[str, ...]:
        return self.flagged_first + self.flagged_second

    def to_dict(self) -> dict:
        return {
            "fact": self.fact,
            "similarity": round(float(self.similarity), 4),
            "sentences": [self.first.to_dict(), self.second.to_dict()],
            "only_first": list(self.only_first),
            "only_second": list(self.only_second),
            "flagged_first": list(self.flagged_first),
            "flagged_second": list(self.flagged_second),
            "first_spans": [list(s) for s in self.first_spans],
            "second_spans": [list(s) for s in self.second_spans],
        }


@dataclass(frozen=True)
class Comparison:
    """How the documents relate, fact by fact. See :func:`compare_store`.

    ``facts``: every fact group, most independently corroborated first (``coverage`` is the
    documents-by-facts table); ``unique``: per document, the sentences stating what no other document
    states, best first; ``rewrites``: reworded copies with their aligned sentence pairs; ``differences``:
    differing words inside fact groups, those with a name or number first.
    """

    doc_ids: list[str]
    titles: dict[str, str]
    facts: list[Fact] = field(default_factory=list)
    unique: dict[str, list[CitedSentence]] = field(default_factory=dict)
    rewrites: list[Rewrite] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    source_groups: dict[str, int] = field(default_factory=dict)  # document id -> independent source number
    message: str = ""

    @property
    def coverage(self) -> np.ndarray:
        """The documents-by-facts table: ``coverage[d, f]`` is True when document ``doc_ids[d]`` states fact ``f``."""
        col = {d: i for i, d in enumerate(self.doc_ids)}
        table = np.zeros((len(self.doc_ids), len(self.facts)), dtype=bool)
        for f, fact in enumerate(self.facts):
            table[[col[d] for d in fact.doc_ids], f] = True
        return table

    def independent_sources(self, doc_ids: Sequence[str]) -> int:
        """How many independent sources these documents are (a rewrite and its original count once)."""
        return len({self.source_groups.get(d, d) for d in doc_ids})

    def rewrite_of(self, doc_id: str) -> Rewrite | None:
        return next((r for r in self.rewrites if r.rewrite_doc_id == doc_id), None)

    def to_dict(self) -> dict:
        return {
            "message": self.message,
            "documents": [
                {"id": d, "title": self.titles.get(d, d), "source_group": self.source_groups.get(d, i)}
                for i, d in enumerate(self.doc_ids)
            ],
            "facts": [f.to_dict() for f in self.facts],
            "coverage": {"doc_ids": list(self.doc_ids), "facts": self.coverage.T.astype(int).tolist()},
            "unique": {d: [s.to_dict() for s in self.unique.get(d, [])] for d in self.doc_ids},
            "rewrites": [r.to_dict() for r in self.rewrites],
            "differences": [x.to_dict() for x in self.differences],
        }

    def to_markdown(self, *, max_facts: int = 30, max_unique: int = 5, max_differences: int = 10) -> str:
        """A readable report: rewrite warnings, the coverage table of shared facts, unique facts, differences."""
        return self._report(escape_markdown, max_facts, max_unique, max_differences)

    def to_text(self, *, max_facts: int = 30, max_unique: int = 5, max_differences: int = 10) -> str:
        """The same report as :meth:`to_markdown` with document text as is (for a terminal)."""
        return self._report(lambda t: t, max_facts, max_unique, max_differences)

    def _report(self, escape_markdown, max_facts: int, max_unique: int, max_differences: int) -> str:
        if not self.doc_ids:
            return "**Comparison**\n\n" + escape_markdown(self.message or "No documents.") + "\n"
        nums = CitationNumbers()
        marks = nums.marks
        short = {d: f"D{i + 1}" for i, d in enumerate(self.doc_ids)}
        out = [f"**Comparison** of {len(self.doc_ids)} documents, "
               f"{self.independent_sources(self.doc_ids)} independent sources\n"]
        if self.message:
            out.append(escape_markdown(self.message) + "\n")
        out.append("\n".join(f"- {short[d]}: {escape_markdown(self._label(d))}" for d in self.doc_ids) + "\n")

        out.append("**Rewrites**\n")
        if not self.rewrites:
            out.append("No document is a reworded copy of another.\n")
        for r in self.rewrites:
            out.append(f"- Warning: {short[r.rewrite_doc_id]} ({escape_markdown(r.rewrite_doc_id)}) rewrites "
                       f"{short[r.original_doc_id]} ({escape_markdown(r.original_doc_id)}): "
                       f"{r.aligned} of its sentences align in order ({r.aligned_share:.0%}); counted as one "
                       f"source. Original by {escape_markdown(r.reason)}.")
        out.append("")
        shared = [f for f in self.facts if f.sources > 1]
        out.append(f"**Coverage**: {len(shared)} facts stated by more than one document "
                   f"({len(self.facts)} facts in all)\n")
        if shared:
            out.append("| Fact | " + " | ".join(short[d] for d in self.doc_ids) + " | Independent |")
            out.append("|---|" + "---|" * (len(self.doc_ids) + 1))
            for f in shared[:max_facts]:
                cells = " | ".join("x" if d in f.doc_ids else "" for d in self.doc_ids)
                text = escape_markdown(_clip(f.sentence.text, 90))
                out.append(f"| {text} {marks(f.sentence)} | {cells} | {f.independent_sources} |")
            if len(shared) > max_facts:
                out.append(f"\n... and {len(shared) - max_facts} more")
            out.append("")
        out.append("**Only in one source**\n")
        for d in self.doc_ids:
            items = self.unique.get(d, [])
            out.append(f"{short[d]} ({len(items)}):\n")
            for s in items[:max_unique]:
                out.append(f"- {escape_markdown(s.text)} {marks(s)}")
            if len(items) > max_unique:
                out.append(f"- ... and {len(items) - max_unique} more")
            out.append("")
        out.append("**Differences**\n")
        if not self.differences:
            out.append("No differing words inside shared facts.\n")
        for x in self.differences[:max_differences]:
            out.append(f"- {escape_markdown(x.first.text)} {marks(x.first)}")
            out.append(f"  vs {escape_markdown(x.second.text)} {marks(x.second)}")
            out.append(f"  - only in the first: {escape_markdown(', '.join(x.only_first) or '-')}"
                       + (f" (names/numbers: {escape_markdown(', '.join(x.flagged_first))})" if x.flagged_first else ""))
            out.append(f"  - only in the second: {escape_markdown(', '.join(x.only_second) or '-')}"
                       + (f" (names/numbers: {escape_markdown(', '.join(x.flagged_second))})" if x.flagged_second else ""))
        if len(self.differences) > max_differences:
            out.append(f"- ... and {len(self.differences) - max_differences} more")
        out.append("\n**Sources**\n")
        out.extend(f"[{i}] {escape_markdown(source_label(c))}" for i, c in enumerate(nums.sources, 1))
        return "\n".join(out) + "\n"

    def _label(self, doc_id: str) -> str:
        return doc_label(self.titles.get(doc_id, doc_id), doc_id)


def _unique_words(tokens: list[Token]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.surface for t in tokens))


# ----------------------------------------------------------------------------- the comparison


def compare_store(store: Store, doc_ids: Sequence[str] | None = None) -> Comparison:
    """Compare the documents (all, or ``doc_ids``) of a store, fact by fact, from the stored vectors.

    - **Facts** are the groups of :func:`summarizer.groups.group_sentences` over body sentences (with texts),
      most independently corroborated first; each cites all its member sentences.
    - **Rewrites**: two documents where at least :data:`REWRITE_SHARE` of the shorter one's body sentences
      (and at least :data:`MIN_ALIGNED`) align *in order* with the other's: a longest chain increasing in
      both documents over sentence pairs with cosine >= :data:`ALIGN_COSINE`. Two independent articles on
      one story share facts but not their order and wording sentence after sentence, so they stay apart.
      Which one is the original: the earlier date when both are dated and differ; else the majority of
      three signals (it has a date line and the other not; fewer broken sentences (kind "fragment");
      more of its facts stated by documents outside the pair); on a tie, the longer one, then the one
      added first. A rewrite and its original are one independent source in ``independent_sources``.
    - **Unique**: per document, its facts no other document states, by closeness to the collection's
      centroid: groups of that document alone, and grouped sentences that still carry a fact of their own
      (see :data:`ADDS_SHARE`).
    - **Differences**: inside each fact group, each member from another document against the group's
      representative: the content words one has and the other lacks, names and numbers flagged.
    """
    ids = list(doc_ids) if doc_ids is not None else [d.id for d in store.documents]
    if len(set(ids)) != len(ids):
        raise ValueError("doc_ids lists a document twice")
    docs = {d: store.document(d) for d in ids}
    titles = {d: docs[d].title for d in ids}
    sids = store.body_ids(ids)
    if not sids:
        return Comparison(ids, titles, source_groups={d: i for i, d in enumerate(ids)},
                          unique={d: [] for d in ids},
                          message="The collection holds no documents." if not ids else "The documents hold no body sentences.")
    sents = [store.sentence(s) for s in sids]
    texts = [s.text for s in sents]
    doc_of = [s.doc_id for s in sents]
    code_of = {d: i for i, d in enumerate(ids)}
    codes = np.array([code_of[d] for d in doc_of], dtype=np.int64)
    vectors = np.asarray(store.vectors(sids), dtype=np.float32)
    citations = [cite(s, docs[s.doc_id]) for s in sents]
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    central = vectors @ centroid

    groups = group_sentences(vectors, doc_of, texts=texts)
    words = _Words(texts, citations, vectors, central)  # only sentences that are compared get tokenised

    rewrites = _rewrites(store, ids, codes, vectors, groups, words)
    source_groups = _source_groups(ids, rewrites)
    rewritten = {r.rewrite_doc_id for r in rewrites}

    facts: list[Fact] = []
    reps: list[int] = []
    for members in groups:
        rep = _representative(members, vectors, [doc_of[i] for i in members], rewritten)
        ordered = [rep] + [i for i in members if i != rep]
        in_docs = tuple(sorted({doc_of[i] for i in members}, key=code_of.__getitem__))
        cs = CitedSentence(texts[rep], tuple(citations[i] for i in ordered), float(central[rep]))
        facts.append(Fact(cs, in_docs, len({source_groups[d] for d in in_docs})))
        reps.append(rep)
    order = sorted(range(len(facts)), key=lambda f: (-facts[f].independent_sources, -facts[f].sources, groups[f][0]))
    new_index = {f: k for k, f in enumerate(order)}

    unique: dict[str, list[CitedSentence]] = {d: [] for d in ids}
    differences: list[Difference] = []
    for g, members in enumerate(groups):
        member_docs = {doc_of[i] for i in members}
        if len(member_docs) == 1:
            unique[doc_of[members[0]]].append(facts[g].sentence)
            continue
        for i in members:  # a member that says more than the others: its own fact, unique to its document
            others = set().union(*(words.content(j) for j in members if doc_of[j] != doc_of[i]))
            mine = words.content(i)
            extra = words.missing(i, others)
            flagged = {t.stem for t in extra if t.flagged}
            if mine and len({t.stem for t in extra}) >= ADDS_SHARE * len(mine) and len(flagged) >= ADDS_FLAGGED:
                unique[doc_of[i]].append(CitedSentence(texts[i], (citations[i],), float(central[i])))
        for i in members:
            if doc_of[i] != doc_of[reps[g]]:
                x = words.difference(reps[g], i, new_index[g])
                if x.only_first or x.only_second:
                    differences.append(x)
    for d in ids:
        unique[d].sort(key=lambda s: -s.score)
    # Names or numbers first, and first where they are most of what differs (a name dropped from a close twin).
    differences.sort(key=lambda x: (not x.flagged, -len(x.flagged) / len(x.only_first + x.only_second),
                                    -x.similarity))
    logger.info("compared %d documents: %d facts, %d rewrites, %d differences",
                len(ids), len(facts), len(rewrites), len(differences))
    return Comparison(ids, titles, [facts[f] for f in order], unique, rewrites, differences, source_groups)


class _Words(Words):
    """:class:`summarizer.wording.Words` with citations and vectors: the word difference of two sentences."""

    def __init__(self, texts: Sequence[str], citations, vectors: np.ndarray, central: np.ndarray) -> None:
        super().__init__(texts)
        self.citations, self.vectors, self.central = citations, vectors, central

    def difference(self, i: int, j: int, fact: int = -1) -> Difference:
        a, b = self.missing(i, self.content(j)), self.missing(j, self.content(i))
        ci, cj = self.citations[i], self.citations[j]
        return Difference(
            CitedSentence(ci.text, (ci,), float(self.central[i])),
            CitedSentence(cj.text, (cj,), float(self.central[j])),
            _unique_words(a), _unique_words(b),
            _unique_words([t for t in a if t.flagged]),
            _unique_words([t for t in b if t.flagged]),
            tuple((ci.start + t.start, ci.start + t.end) for t in a),
            tuple((cj.start + t.start, cj.start + t.end) for t in b),
            float(self.vectors[i] @ self.vectors[j]),
            fact,
        )


def _representative(members: list[int], vectors: np.ndarray, member_docs: list[str], rewritten: set[str]) -> int:
    """The member closest to the others (a member of an original before one of a rewrite); ties: reading order."""
    if len(members) == 1:
        return members[0]
    sims = vectors[members] @ vectors[members].T
    mean = (sims.sum(axis=1) - 1.0) / (len(members) - 1)
    penalty = np.array([d in rewritten for d in member_docs], dtype=np.float32) * 10.0
    return members[int(np.argmax(np.round(mean, 6) - penalty))]


def _rewrites(store: Store, ids, codes, vectors, groups, words: "_Words") -> list[Rewrite]:
    """Rewrite pairs (:func:`summarizer.rewrites.find_rewrites`) with their aligned sentences' differing words."""
    n_body = np.bincount(codes, minlength=len(ids))
    out = []
    for a in find_rewrites(store, ids, codes, vectors, groups):
        pairs = []
        for o, w, sim in a.pairs:
            diff = words.difference(o, w)
            pairs.append(AlignedPair(diff.first, diff.second, sim, diff))
        out.append(Rewrite(ids[a.original], ids[a.rewrite], len(a.pairs) / n_body[a.rewrite], len(a.pairs),
                           len(a.pairs) / n_body[a.original], a.reason, tuple(pairs)))
    out.sort(key=lambda r: -r.aligned_share)
    return out


def _source_groups(ids: list[str], rewrites: list[Rewrite]) -> dict[str, int]:
    """Document id -> independent source number: documents linked by rewrites share one."""
    sources = UnionFind(ids)
    for r in rewrites:
        sources.union(r.original_doc_id, r.rewrite_doc_id)
    numbers: dict[str, int] = {}
    return {d: numbers.setdefault(sources.find(d), len(numbers)) for d in ids}


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
