"""Cited answers: lexical and dense retrieval, speakers, follow-ups, and answer points grouped by fact."""

from .answers import MAX_QUESTION_CHARS, NO_ANSWER, NOTHING_MORE, UNQUOTED, answer_question, check_question
from .followup import FollowUp, HistoryItem, resolve_followup

__all__ = ["answer_question", "check_question", "resolve_followup", "FollowUp", "HistoryItem", "MAX_QUESTION_CHARS",
           "NO_ANSWER", "NOTHING_MORE", "UNQUOTED"]
