"""The OpenAI chat format: a conversation in, the cited answer out as Markdown plus structured citations."""

from __future__ import annotations

import json
import time
import uuid
from typing import Iterator

from summarizer import Answer
from summarizer.results import escape_markdown

from .schemas import ChatMessage

__all__ = ["question_and_history", "answer_markdown", "completion", "completion_chunks"]


def question_and_history(messages: list[ChatMessage]) -> tuple[str, list[str]]:
    """The last user message is the question; the user messages before it are the history, oldest first.

    System and assistant messages are not used: answers come from the collection's documents only.
    """
    users = [m.text for m in messages if m.role == "user"]
    if not users or messages[-1].role != "user":
        raise ValueError("the last message must come from the user: it is the question")
    return users[-1], users[:-1]


def answer_markdown(answer: Answer) -> str:
    """The answer's Markdown (numbered points, citation marks, sources) without the question heading."""
    head = f"**Question:** {escape_markdown(answer.question)}\n\n"
    return answer.to_markdown().removeprefix(head)


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
