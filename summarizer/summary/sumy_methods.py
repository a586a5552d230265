"""sumy's LexRank, TextRank, LSA and Luhn run offline on our own sentences, as rankings."""

from __future__ import annotations

import logging
from typing import Sequence

from ..text import WORD, stemmer, stop_words

__all__ = ["SUMY_METHODS", "sumy_ranking"]

logger = logging.getLogger(__name__)

SUMY_METHODS = ("lexrank", "textrank", "lsa", "luhn")


class _Tokenizer:
    """The duck-typed tokenizer sumy needs; ours never calls NLTK (whose punkt data cannot be downloaded)."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return (paragraph,)

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(WORD.findall(sentence))


def _summarizer(method: str):
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    classes = {"lexrank": LexRankSummarizer, "textrank": TextRankSummarizer, "lsa": LsaSummarizer,
               "luhn": LuhnSummarizer}
    if method not in classes:
        raise ValueError(f"unknown sumy method {method!r}; choose one of {', '.join(SUMY_METHODS)}")
    summarizer = classes[method](stemmer())
    summarizer.stop_words = stop_words()
    return summarizer


def sumy_ranking(method: str, texts: Sequence[str]) -> list[tuple[int, float]]:
    """Every sentence as (row in ``texts``, sumy's rating), best first; one sumy run, ties in reading order.

    sumy hashes sentences by text, so rows are recovered from the position sumy enumerates, never by text.
    """
    if not texts:
        return []
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    tokenizer = _Tokenizer()
    document = ObjectDocumentModel([Paragraph([Sentence(t, tokenizer) for t in texts])])
    ranked: list[tuple[int, float]] = []

    def take_all(infos):  # sumy passes its sentence infos sorted by rating, best first
        ranked.extend((int(i.order), float(i.rating)) for i in infos)
        return infos

    _summarizer(method)(document, take_all)
    if len(ranked) != len(texts):  # e.g. LSA on a document without content words
        seen = {r for r, _ in ranked}
        ranked.extend((r, 0.0) for r in range(len(texts)) if r not in seen)
    ranked.sort(key=lambda x: (-x[1], x[0]))
    return ranked
