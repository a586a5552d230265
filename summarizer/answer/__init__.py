"""Cited answers: lexical and dense retrieval, speakers, and answer points grouped by fact."""

from .answers import MAX_QUESTION_CHARS, NO_ANSWER, answer_question, check_question

__all__ = ["answer_question", "check_question", "MAX_QUESTION_CHARS", "NO_ANSWER"]
