"""Result types: citations, cited sentences, answers and summaries, with JSON and Markdown renderings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from index import Document, Sentence

__all__ = ["Citation", "CitedSentence", "Answer", "Summary", "cite", "escape_markdown", "number_citations", "source_label",
           "CitationNumbers", "doc_label", "cited_text"]


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
        return cited_text([self], numbered=False)


@dataclass(frozen=True)
class Answer:
    """An answer to a question: the answering sentences, best first; empty with a message when none."""

    question: str
    sentences: list[CitedSentence] = field(default_factory=list)
    message: str = ""

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
        }

    def to_markdown(self) -> str:
        head = f"**Question:** {escape_markdown(self.question)}\n\n"
        if not self.sentences:
            return head + escape_markdown(self.message) + "\n"
        return head + cited_text(self.sentences, numbered=True)


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
        return head + cited_text(self.sentences, numbered=False)


class CitationNumbers:
    """Numbers citations ``[1]``, ``[2]``, ... in the order they are first met; ``sources[n - 1]`` is ``[n]``.

    The one place cited text is written, for Markdown, the terminal, the comparison report and the app's HTML:
    :meth:`cited` writes a sentence with its markers, numbering as it goes, and :meth:`source_lines` lists the
    sources; each output passes its own ``escape`` (document text) and ``mark`` (a number's marker).
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

    def marks(self, sentence: CitedSentence, mark: Callable[[int], str] = "[{}]".format) -> str:
        """The markers of a sentence's citations, ``[1][2]`` by default."""
        return "".join(mark(self.number(c)) for c in sentence.citations)

    def cited(
        self, sentence: CitedSentence, escape: Callable[[str], str] = str, mark: Callable[[int], str] = "[{}]".format,
        *, text: str | None = None, sep: str = " ",
    ) -> str:
        """The sentence's text (or ``text``, e.g. clipped), escaped, then its markers."""
        return f"{escape(sentence.text if text is None else text)}{sep}{self.marks(sentence, mark)}"

    def source_lines(self, escape: Callable[[str], str] = str, start: int = 1) -> list[str]:
        """``[n] title (id), sentence i, characters a-b`` for every numbered source from ``start`` on."""
        return [f"[{n}] {escape(source_label(c))}" for n, c in enumerate(self.sources[start - 1 :], start)]


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


def cited_text(sentences: Sequence[CitedSentence], *, numbered: bool, markdown: bool = True) -> str:
    """Sentences with citation markers, then the numbered sources: Markdown (escaped) or plain text for a terminal.

    Numbered (answers): one point a line, ``1. text [1][2]``; else (summaries) paragraphs.
    """
    escape = escape_markdown if markdown else str
    nums = CitationNumbers()
    lines = [f"{f'{i}. ' if numbered else ''}{nums.cited(s, escape)}" for i, s in enumerate(sentences, 1)]
    head = "**Sources**\n\n" if markdown else "Sources:\n"
    sources = nums.source_lines(escape)
    if not markdown:
        sources = [f"  {line}" for line in sources]
    return ("\n" if numbered else "\n\n").join(lines) + "\n\n" + head + "\n".join(sources) + "\n"
