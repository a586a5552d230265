"""Question answering: retrieve the sentences that answer a question and cite them."""

from __future__ import annotations

import logging

from index import Store
from index.errors import EmptyQuestionError, InputTooLargeError

from .results import Answer, CitedSentence, cite

__all__ = ["answer_question", "check_question", "MAX_QUESTION_CHARS", "NO_ANSWER"]

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
NO_ANSWER = "The documents do not answer this question."


def check_question(question: str) -> str:
    """The question, stripped; raises on empty or oversized questions."""
    if not isinstance(question, str):
        raise TypeError(f"question must be str, not {type(question).__name__}")
    q = question.strip()
    if not q:
        raise EmptyQuestionError("empty question: ask something about the documents")
    if len(q) > MAX_QUESTION_CHARS:
        raise InputTooLargeError(f"question of {len(q):,} characters is over the limit of {MAX_QUESTION_CHARS:,}")
    return q


def answer_question(store: Store, question: str, k: int = 3) -> Answer:
    """Dense retrieval: the ``k`` body sentences nearest to the question."""
    q = check_question(question)
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if not store.documents:
        return Answer(q, [], "The collection holds no documents.")
    hits = store.search(store.embedder.encode([q]), k)[0]
    out = []
    for sid, score in hits:
        s = store.sentence(sid)
        out.append(CitedSentence(s.text, (cite(s, store.document(s.doc_id)),), score))
    return Answer(q, out, "" if out else NO_ANSWER)
