"""What a comparison returns: facts with their sources, rewrites with aligned pairs, and word differences."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..results import CitedSentence, doc_label
from .report import ReportLimits, comparison_report

__all__ = ["Comparison", "Fact", "Rewrite", "AlignedPair", "Difference"]


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
        return comparison_report(self, markdown=True, limits=ReportLimits(max_facts, max_unique, max_differences))

    def to_text(self, *, max_facts: int = 30, max_unique: int = 5, max_differences: int = 10) -> str:
        """The same report as :meth:`to_markdown` with document text as is (for a terminal)."""
        return comparison_report(self, markdown=False, limits=ReportLimits(max_facts, max_unique, max_differences))

    def label(self, doc_id: str) -> str:
        """The document's title and id, as source lists show it."""
        return doc_label(self.titles.get(doc_id, doc_id), doc_id)
