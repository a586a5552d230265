"""The OpenAI chat format: a conversation in, the cited answer out as Markdown plus structured citations."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Iterator

from summarizer import Answer, Citation, CitedSentence, Collection
from summarizer.answer import HistoryItem
from summarizer.results import document_label, escape_markdown

from .schemas import ChatMessage

__all__ = ["question_and_history", "answer_of_markdown", "answer_markdown", "completion", "completion_chunks"]

_POINT = re.compile(r"^\d+\. (.+?) ((?:\[\d+\])+)[ \t]*$", re.M | re.S)  # `1. text [1][2]` (text may wrap)
_MARK = re.compile(r"\[(\d+)\]")
_SOURCE = re.compile(r"^\[(\d+)\] (.+), sentence (\d+), characters (\d+)-(\d+)[ \t]*$", re.M)
_ANSWERING = re.compile(r"^\*Answering: (.+)\*[ \t]*$", re.M)
_ESCAPED = re.compile(r"\\([\\`*_\[\]<>#|~])")


def question_and_history(messages: list[ChatMessage], col: Collection | None = None) -> tuple[str, list[HistoryItem]]:
    """The last user message is the question; the user messages before it, each with the assistant reply that
    follows it (read back by :func:`answer_of_markdown`), are the history, oldest first.

    System messages are not used: answers come from the collection's documents only.
    """
    if not any(m.role == "user" for m in messages) or messages[-1].role != "user":
        raise ValueError("the last message must come from the user: it is the question")
    turns: list[tuple[str, Answer | None]] = []
    for m in messages[:-1]:
        if m.role == "user":
            turns.append((m.text, None))
        elif m.role == "assistant" and turns and turns[-1][1] is None:
            turns[-1] = (turns[-1][0], answer_of_markdown(turns[-1][0], m.text, col))
    return messages[-1].text, list(turns)


def _unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def answer_of_markdown(question: str, content: str, col: Collection | None = None) -> Answer:
    """An answer read back from its chat reply (:func:`answer_markdown`): its points, their citations (the sentences
    of ``col`` the Sources list names; a source no longer there cites the point's text) and how it understood the
    question. A reply in another form gives an answer without points."""
    sources = {int(m[1]): m.groups()[1:] for m in _SOURCE.finditer(content)}
    cited = _Sources(col)
    points = []
    for m in _POINT.finditer(content.split("**Sources**", 1)[0]):
        text = _unescape(m[1].strip())
        cites = [cited.citation(sources[n], text) for n in map(int, _MARK.findall(m[2])) if n in sources]
        if cites:
            points.append(CitedSentence(text, tuple(cites)))
    understood = _ANSWERING.search(content)
    return Answer(question, points, "" if points else content, _unescape(understood[1]) if understood else "")


class _Sources:
    """Citations of a collection's sentences by the labels a Sources list names them with."""

    def __init__(self, col: Collection | None) -> None:
        self.col = col
        self._by_label: dict[str, list] | None = None

    def citation(self, source: tuple[str, ...], text: str) -> Citation:
        """The citation a Sources line names (label, sentence, start, end), else one of ``text`` with no document."""
        label, index, start, end = _unescape(source[0]), int(source[1]), int(source[2]), int(source[3])
        for doc in self._docs(label):
            sentences = self.col.sentences(doc.id)
            if index < len(sentences) and (sentences[index].start, sentences[index].end) == (start, end):
                return self.col.citation(sentences[index])
        return Citation("", label, index, start, end, text)

    def _docs(self, label: str) -> list:
        if self.col is None:
            return []
        if self._by_label is None:
            self._by_label = {}
            for d in self.col.documents:
                self._by_label.setdefault(document_label(d.title, d.outlet, d.date) or d.id, []).append(d)
        return self._by_label.get(label, [])


def answer_markdown(answer: Answer) -> str:
    """The answer's Markdown (an "Answering:" line for a follow-up, numbered points, citation marks, sources)
    without the question heading."""
    head = f"**Question:** {escape_markdown(answer.question)}"
    return answer.to_markdown().removeprefix(head).lstrip("\n")


def _words(text: str) -> int:
    return len(text.split())


def completion(answer: Answer, model: str, messages: list[ChatMessage]) -> dict:
    """A ``chat.completion`` object; ``usage`` counts words, not model tokens (there is no generating model)."""
    content = answer_markdown(answer)
    prompt = sum(_words(m.text) for m in messages)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": _words(content),
                  "total_tokens": prompt + _words(content)},
        "citations": [c.to_dict() for c in answer.citations],
        "answer": answer.to_dict(),
    }


def completion_chunks(body: dict) -> Iterator[str]:
    """The same completion as server-sent events (``stream: true``): one content chunk, a stop chunk, [DONE]."""
    base = {"id": body["id"], "object": "chat.completion.chunk", "created": body["created"], "model": body["model"]}
    content = body["choices"][0]["message"]["content"]
    delta = {"role": "assistant", "content": content}
    first = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
             "citations": body["citations"]}
    last = {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    for chunk in (first, last):
        yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"
