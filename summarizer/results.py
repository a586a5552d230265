"""Result types: citations, cited sentences, answers and summaries, with JSON and Markdown renderings."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable, Sequence

from index import Document, Sentence

__all__ = ["Citation", "CitedSentence", "SourceDifference", "Answer", "Summary", "cite", "escape_markdown",
           "number_citations", "source_label", "CitationNumbers", "doc_label", "document_label", "cited_text",
           "conversation_markdown", "differences_note", "counted"]


@dataclass(frozen=True)
class Citation:
    """Where a sentence comes from: ``document.text[start:end] == text``."""

    doc_id: str
    doc_title: str
    sentence_index: int
    start: int
    end: int
    text: str
    outlet: str | None = None  # the document's site or publication
    date: str | None = None  # the document's date, YYYY-MM-DD
    url: str | None = None  # where the original document lives

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def key(self) -> tuple[str, int]:
        return (self.doc_id, self.sentence_index)

    @property
    def label(self) -> str:
        """`outlet · date · title`, e.g. `The Guardian · 2023-03-02 · Blinken and Lavrov meet …`."""
        return document_label(self.doc_title, self.outlet, self.date) or self.doc_id


def cite(sentence: Sentence, document: Document) -> Citation:
    return Citation(document.id, document.title, sentence.index, sentence.start, sentence.end, sentence.text,
                    document.outlet, document.date, document.url)


@dataclass(frozen=True)
class SourceDifference:
    """Names and numbers on which one cited source's sentence differs from the shown sentence.

    ``omits``: in the shown sentence, missing from this source's; ``adds``: in this source's, not in the shown one.
    """

    doc_id: str
    doc_title: str
    omits: tuple[str, ...] = ()
    adds: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "doc_title": self.doc_title, "omits": list(self.omits), "adds": list(self.adds)}

    def described(self, name: str, plural: bool = False) -> str:
        """``name`` (how the reader knows the source, e.g. its citation ``[3]``), then `omits 'China'; adds '2023'`
        (`omit`, `add` when ``plural``: ``name`` stands for several sources that differ alike)."""
        verbs = ("omit", "add") if plural else ("omits", "adds")
        parts = [f"{verb} {', '.join(repr(w) for w in ws)}" for verb, ws in zip(verbs, (self.omits, self.adds)) if ws]
        return f"{name} {'; '.join(parts)}"


@dataclass(frozen=True)
class CitedSentence:
    """A verbatim source sentence and every source sentence that states the same thing."""

    text: str
    citations: tuple[Citation, ...]
    score: float = 0.0
    differences: tuple[SourceDifference, ...] = ()  # names and numbers other cited sources omit or add

    def __post_init__(self) -> None:
        if not self.citations:
            raise ValueError("a CitedSentence needs at least one citation")
        object.__setattr__(self, "citations", tuple(self.citations))
        object.__setattr__(self, "differences", tuple(self.differences))

    @property
    def difference_note(self) -> str:
        """`Sources differ: 003 omits 'China'.`, or empty when the cited sources agree on names and numbers."""
        return differences_note(self.differences, lambda d: doc_label(d.doc_title, d.doc_id))

    @property
    def doc_ids(self) -> list[str]:
        return list(dict.fromkeys(c.doc_id for c in self.citations))

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "score": round(float(self.score), 4),
            "citations": [c.to_dict() for c in self.citations],
            "differences": [d.to_dict() for d in self.differences],
        }

    def to_markdown(self) -> str:
        return cited_text([self], numbered=False)


class _CitedResult:
    """What answers and summaries share: numbered citations, and JSON with the sentences last."""

    sentences: list[CitedSentence]

    @property
    def citations(self) -> list[Citation]:
        """Every distinct citation once, in order of first appearance: citation ``[n]`` is item ``n - 1``."""
        return number_citations(self.sentences)

    def _with_sentences(self, **fields) -> dict:
        return {**fields, "sentences": [s.to_dict() for s in self.sentences]}


@dataclass(frozen=True)
class Answer(_CitedResult):
    """An answer to a question: the answering sentences, best first; empty with a message when none."""

    question: str
    sentences: list[CitedSentence] = field(default_factory=list)
    message: str = ""
    resolved_question: str = ""  # the question as understood after the earlier turns ("" or the question: as asked)

    def __bool__(self) -> bool:
        return bool(self.sentences)

    def to_dict(self) -> dict:
        return self._with_sentences(question=self.question, message=self.message,
                                    resolved_question=self.resolved_question)

    @property
    def understood_as(self) -> str:
        """The resolved question when it differs from the question as asked, else ""."""
        r = self.resolved_question.strip()
        return r if r and r != self.question.strip() else ""

    def to_markdown(self) -> str:
        head = f"**Question:** {escape_markdown(self.question)}"
        if self.understood_as:
            head += f"\n\n*Answering: {escape_markdown(self.understood_as)}*"
        return _result_markdown(head, self.sentences, self.message, numbered=True)


@dataclass(frozen=True)
class Summary(_CitedResult):
    """A merged extractive summary, its sentences in reading order."""

    sentences: list[CitedSentence] = field(default_factory=list)
    method: str = "default"
    max_words: int | None = None
    doc_ids: list[str] = field(default_factory=list)
    message: str = ""
    ratio: float | None = None  # the share of its sources' words it stopped at (None: it filled max_words)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def word_count(self) -> int:
        return sum(len(s.text.split()) for s in self.sentences)

    def to_dict(self) -> dict:
        return self._with_sentences(method=self.method, max_words=self.max_words, ratio=self.ratio,
                                    word_count=self.word_count, doc_ids=list(self.doc_ids), message=self.message)

    def to_markdown(self) -> str:
        head = (f"**Summary** ({self.method}, {counted(self.word_count, 'word')}, "
                f"{counted(len(self.doc_ids), 'document')})")
        return _result_markdown(head, self.sentences, self.message, numbered=False)


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

    def difference_note(self, sentence: CitedSentence) -> str:
        """`Sources differ: [3] omits 'China'.`: each differing source by its citation number in ``sentence`` (those
        that differ alike in one note: `[2] and [3] omit 'China'`), or empty when its sources agree on names and
        numbers."""
        if not sentence.differences:
            return ""
        number = {}
        for c in sentence.citations:
            number.setdefault(c.doc_id, self.number(c))
        return differences_note(sentence.differences, lambda d: f"[{number[d.doc_id]}]" if d.doc_id in number
                                else doc_label(d.doc_title, d.doc_id))

    def source_lines(self, escape: Callable[[str], str] = str, start: int = 1) -> list[str]:
        """``[n] outlet · date · title, sentence i, characters a-b`` for every numbered source from ``start`` on."""
        return [f"[{n}] {escape(source_label(c))}" for n, c in enumerate(self.sources[start - 1 :], start)]


def differences_note(differences: Sequence[SourceDifference], name: Callable[[SourceDifference], str]) -> str:
    """`Sources differ: [1] omits 'China'; [2] and [3] add '2023'.`, each source by its ``name``, those that differ
    alike in one note; empty when there are no differences."""
    alike: dict[tuple, list[SourceDifference]] = {}
    for d in differences:
        alike.setdefault((d.omits, d.adds), []).append(d)
    notes = []
    for ds in alike.values():
        names = [name(d) for d in ds]
        joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        notes.append(ds[0].described(joined, plural=len(names) > 1))
    return f"Sources differ: {'; '.join(notes)}." if notes else ""


def number_citations(sentences: Iterable[CitedSentence]) -> list[Citation]:
    """Every distinct citation once, in order of first appearance: citation ``[n]`` is item ``n - 1``."""
    return CitationNumbers(sentences).sources


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def escape_markdown(text: str) -> str:
    """Text that Markdown shows literally: no links, emphasis or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def document_label(title: str | None, outlet: str | None = None, date: str | None = None) -> str:
    """`outlet · date · title`, leaving out what is unknown: how every list and citation names a document."""
    return " · ".join(part for part in (outlet, date, title) if part)


def doc_label(title: str, doc_id: str) -> str:
    """A document's title, or its id when it has none: documents are shown by title, never by id or hash."""
    return title or doc_id


def source_label(c: Citation) -> str:
    """`outlet · date · title, sentence N, characters a-b`: one line naming a citation's place."""
    return f"{c.label}, sentence {c.sentence_index}, characters {c.start}-{c.end}"


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
            parts.append("\n".join(f"{i}. {nums.cited(s, escape_markdown)}" for i, s in enumerate(a.sentences, 1))
                         + "\n")
    if nums.sources:
        parts.append("**Sources**\n\n" + "\n".join(nums.source_lines(escape_markdown)) + "\n")
    return "\n".join(parts)


def _result_markdown(head: str, sentences: Sequence[CitedSentence], message: str, *, numbered: bool) -> str:
    """A result's Markdown: its head line, then its message (in italics when sentences follow) and its cited
    sentences."""
    if not sentences:
        return f"{head}\n\n{escape_markdown(message)}\n"
    note = f"*{escape_markdown(message)}*\n\n" if message else ""
    return f"{head}\n\n{note}{cited_text(sentences, numbered=numbered)}"


def cited_text(sentences: Sequence[CitedSentence], *, numbered: bool, markdown: bool = True) -> str:
    """Sentences with citation markers, then the numbered sources: Markdown (escaped) or plain text for a terminal.

    Numbered (answers): one point a line, ``1. text [1][2]``; else (summaries) paragraphs.
    """
    escape = escape_markdown if markdown else str
    nums = CitationNumbers()
    lines = []
    for i, s in enumerate(sentences, 1):
        lines.append(f"{f'{i}. ' if numbered else ''}{nums.cited(s, escape)}")
        if s.differences:  # a short note under the sentence: where its sources differ on names or numbers
            note = escape(nums.difference_note(s))
            lines[-1] += f"\n{'   ' if numbered else ''}{f'*{note}*' if markdown else f'({note})'}"
    head = "**Sources**\n\n" if markdown else "Sources:\n"
    sources = nums.source_lines(escape)
    if not markdown:
        sources = [f"  {line}" for line in sources]
    return ("\n" if numbered else "\n\n").join(lines) + "\n\n" + head + "\n".join(sources) + "\n"


def counted(n: int, noun: str) -> str:
    """`1 document`, `3 documents`: ``n`` and ``noun``, plural unless ``n`` is 1."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
