"""Result types: citations, cited sentences, answers and summaries, with JSON and Markdown renderings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from index import Document, Sentence

__all__ = ["Citation", "CitedSentence", "Answer", "Summary", "cite", "escape_markdown", "number_citations", "source_label",
           "CitationNumbers", "doc_label", "conversation_markdown"]


@dataclass(frozen=True)
class Citation:
    """Where a sentence comes from: ``document.text[start:end] == text``."""

    doc_id: str
    doc_title: str
    sentence_index: int
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {
            "doc_id": self.doc_id,
            "doc_title": self.doc_title,
            "sentence_index": self.sentence_index,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }

    @property
    def key(self) -> tuple[str, int]:
        return (self.doc_id, self.sentence_index)


def cite(sentence: Sentence, document: Document) -> Citation:
    return Citation(document.id, document.title, sentence.index, sentence.start, sentence.end, sentence.text)


@dataclass(frozen=True)
class CitedSentence:
    """A verbatim source sentence and every source sentence that states the same thing."""

    text: str
    citations: tuple[Citation, ...]
    score: float = 0.0

    def __post_init__(self) -> None:
        if not self.citations:
            raise ValueError("a CitedSentence needs at least one citation")
        object.__setattr__(self, "citations", tuple(self.citations))

    @property
    def doc_ids(self) -> list[str]:
        return list(dict.fromkeys(c.doc_id for c in self.citations))

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "score": round(float(self.score), 4),
            "citations": [c.to_dict() for c in self.citations],
        }

    def to_markdown(self) -> str:
        return _markdown([self], numbered=False)


@dataclass(frozen=True)
class Answer:
    """An answer to a question: the answering sentences, best first; empty with a message when none."""

    question: str
    sentences: list[CitedSentence] = field(default_factory=list)
    message: str = ""
    resolved_question: str = ""  # the question as understood after the earlier turns ("" or the question: as asked)

    def __bool__(self) -> bool:
        return bool(self.sentences)

    @property
    def citations(self) -> list[Citation]:
        return number_citations(self.sentences)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "message": self.message,
            "sentences": [s.to_dict() for s in self.sentences],
            "resolved_question": self.resolved_question,
        }

    @property
    def understood_as(self) -> str:
        """The resolved question when it differs from the question as asked, else ""."""
        r = self.resolved_question.strip()
        return r if r and r != self.question.strip() else ""

    def to_markdown(self) -> str:
        head = f"**Question:** {escape_markdown(self.question)}\n\n"
        if self.understood_as:
            head += f"*Answering: {escape_markdown(self.understood_as)}*\n\n"
        if not self.sentences:
            return head + escape_markdown(self.message) + "\n"
        return head + _markdown(self.sentences, numbered=True)


@dataclass(frozen=True)
class Summary:
    """A merged extractive summary, its sentences in reading order."""

    sentences: list[CitedSentence] = field(default_factory=list)
    method: str = "default"
    max_words: int | None = None
    doc_ids: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def word_count(self) -> int:
        return sum(len(s.text.split()) for s in self.sentences)

    @property
    def citations(self) -> list[Citation]:
        return number_citations(self.sentences)

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "max_words": self.max_words,
            "word_count": self.word_count,
            "doc_ids": list(self.doc_ids),
            "message": self.message,
            "sentences": [s.to_dict() for s in self.sentences],
        }

    def to_markdown(self) -> str:
        head = f"**Summary** ({self.method}, {self.word_count} words, {len(self.doc_ids)} documents)\n\n"
        if not self.sentences:
            return head + escape_markdown(self.message) + "\n"
        return head + _markdown(self.sentences, numbered=False)


class CitationNumbers:
    """Numbers citations ``[1]``, ``[2]``, ... in the order they are first met; ``sources[n - 1]`` is ``[n]``.

    ``marks(sentence)`` numbers a sentence's citations as it goes, so a report can number while it writes.
    """

    def __init__(self, sentences: Iterable[CitedSentence] = ()) -> None:
        self.sources: list[Citation] = []
        self._number: dict[tuple[str, int], int] = {}
        for s in sentences:
            self.marks(s)

    def number(self, c: Citation) -> int:
        if c.key not in self._number:
            self.sources.append(c)
            self._number[c.key] = len(self.sources)
        return self._number[c.key]

    def marks(self, sentence: CitedSentence) -> str:
        return "".join(f"[{self.number(c)}]" for c in sentence.citations)


def number_citations(sentences: Iterable[CitedSentence]) -> list[Citation]:
    """Every distinct citation once, in order of first appearance: citation ``[n]`` is item ``n - 1``."""
    return CitationNumbers(sentences).sources


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def escape_markdown(text: str) -> str:
    """Text that Markdown shows literally: no links, emphasis or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def doc_label(title: str, doc_id: str) -> str:
    """`title (id)`, or the id alone when the title is the id."""
    return doc_id if title == doc_id else f"{title} ({doc_id})"


def source_label(c: Citation) -> str:
    """`title (id), sentence N, characters a-b`: one line naming a citation's place."""
    return f"{doc_label(c.doc_title, c.doc_id)}, sentence {c.sentence_index}, characters {c.start}-{c.end}"


def conversation_markdown(answers: Iterable[Answer], title: str = "Conversation") -> str:
    """A conversation as Markdown: each question (and how it was understood) with its numbered answer points,
    citations numbered ``[n]`` across the whole conversation, and one list of sources at the end."""
    nums = CitationNumbers()
    parts = [f"# {escape_markdown(title)}\n"]
    for n, a in enumerate(answers, 1):
        parts.append(f"**Question {n}:** {escape_markdown(a.question)}\n")
        if a.understood_as:
            parts.append(f"*Answering: {escape_markdown(a.understood_as)}*\n")
        if not a.sentences:
            parts.append(escape_markdown(a.message) + "\n")
        else:
            parts.append("\n".join(f"{i}. {escape_markdown(s.text)} {nums.marks(s)}"
                                   for i, s in enumerate(a.sentences, 1)) + "\n")
    if nums.sources:
        parts.append("**Sources**\n")
        parts.append("\n".join(f"[{n}] {escape_markdown(source_label(c))}" for n, c in enumerate(nums.sources, 1))
                     + "\n")
    return "\n".join(parts)


def _markdown(sentences: list[CitedSentence], *, numbered: bool) -> str:
    nums = CitationNumbers()
    lines = []
    for i, s in enumerate(sentences, 1):
        prefix = f"{i}. " if numbered else ""
        lines.append(f"{prefix}{escape_markdown(s.text)} {nums.marks(s)}")
    out = ("\n" if numbered else "\n\n").join(lines) + "\n\n**Sources**\n\n"
    out += "\n".join(f"[{n}] {escape_markdown(source_label(c))}" for n, c in enumerate(nums.sources, 1))
    return out + "\n"
