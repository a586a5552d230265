"""Question answering: hybrid retrieval, corroborated answer points, and an honest "not in the documents"."""

from __future__ import annotations

import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable

import numpy as np

from index import Store, encode_queries
from index.errors import DocumentNotFoundError, EmptyQuestionError, InputTooLargeError

from ..groups import SAME_FACT_RULE, SameFactRule, group_sentences
from ..results import Answer, CitedSentence, SourceDifference, cite
from ..rewrites import rewritten_documents
from ..wording import Words, best_member, differences
from .retrieval import RETRIEVAL_WEIGHTS, Corpus, Query, RetrievalWeights, Scored, corpus_of, make_query, retrieve
from ..text import (CALENDAR_WORDS, COUNTRY_NAMES, COUNTRY_PHRASES, DEMONYMS, GROUP_PRONOUNS, NUMBER_WORDS,
                    ORGANISATION_WORDS, PERSON_PRONOUNS, PLACE_WORDS, THING_PRONOUNS, TITLE_WORDS, stem, words)
from .followup import FollowUp
from .lexical import tokenize
from .speakers import (SPEAKER_RULES, SPEECH_WORDS, Speaker, SpeakerRules, asked_speaker, quoted_text, reports_speech,
                       speaks, with_descriptors)

__all__ = ["answer_question", "check_question", "MAX_QUESTION_CHARS", "NO_ANSWER", "NOTHING_MORE", "UNQUOTED",
           "AnswerWeights", "ANSWER_WEIGHTS"]

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
NO_ANSWER = "The documents do not answer this question."
NOTHING_MORE = "The documents say nothing more on this than the answers above."
UNQUOTED = "No source quotes or reports the words of {speaker}; the answer shows where they are named."


@dataclass(frozen=True)
class AnswerWeights:
    """How answer points are scored, grouped and checked; measured with bench/qa_quality.py (seeds dev hit@1 1.0,
    source_recall@3 1.0; HotpotQA dev50 recall@5 0.765) and off-topic questions (capital of Peru, World Cup, recipes).
    """

    retrieval: RetrievalWeights = RETRIEVAL_WEIGHTS  # how candidates are found and scored
    speaker: SpeakerRules = SPEAKER_RULES  # how a speaker is recognised in a sentence
    pool: int = 4  # candidates grouped into points: this many per point asked for ...
    min_pool: int = 12  # ... and at least this many
    member_pool: int = 36  # candidates that may join a point as another source of it, though they rank lower
    # penalty per point already taken from a point's documents (averaged over them): answers draw on several
    same_source: float = 0.1
    speaker_bonus: float = 0.3  # bonus for a sentence where the one a "what did X say" question asks about speaks
    speaker_rows: int = 40  # best candidates checked for the speaker
    speaker_run: int = 3  # sentences before a candidate read for a run of quotes that continues its speaker's
    # bonus (times the speaker score) where that speaker speaks on what the question asks about: the share (by idf) of
    # the question's words after the speech verb inside the sentence's quotes, or outside_quote times the share in the
    # whole sentence, so X quoted on Y outranks X only named
    quoted_topic: float = 0.2
    outside_quote: float = 0.5
    other_speaker: float = 0.15  # penalty for another's words (a sentence reporting speech, not the asker's speaker's)
    own_words: float = 0.3  # bonus where they speak, when the question asks for no topic ("What did Lavrov say?")
    same_verb: float = 0.2  # bonus (times speaker score) for the question's speech verb (chat cases: 0.1 29/30, 0.2 30/30)
    neighbour_gain: float = 0.2  # share of the question (by idf) a neighbour must add to be cited with its point
    door_points: int = 3  # points (best first) whose neighbours are checked for the rest of the answer
    door_paragraphs: int = 1  # the neighbour is in the same paragraph or this many away
    door_chain: int = 2  # sentences at most added to a point this way
    door_content: float = 0.5  # a point covering this share (by idf) of the question's other words lacks nothing
    door_lead_words: int = 3  # a pronoun among a sentence's first words refers back to the sentence before
    # "Not in the documents": the best sentences (with their neighbours and titles) must cover enough of the question's
    # idf mass and be close enough in meaning: (coverage, cosine) at least one of these pairs, or a cosine of sure_dense
    answerable: tuple[tuple[float, float], ...] = ((0.5, 0.3), (0.25, 0.4))
    answerable_rows: int = 5  # the best sentences checked for that
    sure_dense: float = 0.6
    # ...and for "what did X say about Y", one of the best windows must hold at least this share (by idf) of Y: a
    # question on the documents' people about something they do not discuss is not answered by naming them
    key_coverage: float = 0.5
    # Answer points merge on stronger same-fact evidence than summary groups (groups' same-fact score 1.05): a wrong
    # merge fills an answer slot with a related, different fact. HotpotQA recall@5 0.735 at 1.05, 0.765 at 1.3; the
    # seeds' shared Baerbock quote (003/004) still merges up to 1.35
    same_fact: float = 1.3
    # how answer points group (groups.SameFactRule): every two members of a point must be one fact (HotpotQA recall@5
    # 0.765 -> 0.779: a general sentence no longer chains templates on other subjects into one point)
    fact_rule: SameFactRule = replace(SAME_FACT_RULE, link_score=1.3)
    answer_type: float = 0.15  # bonus for holding what is asked for: a date for "when", a number for "how many"
    # Follow-ups (a pronoun, "and X?", "what else"): bonus for sentences of the documents the recent answers cited,
    # times prior_decay for each turn further back, and for the sentences the last answer cited and their neighbours.
    # seeds_chat_dev mixed into 300 NeuS articles: every turn hit@3 with these (see bench/qa_quality.py)
    prior_doc: float = 0.1
    prior_decay: float = 0.5
    prior_near: float = 0.05


ANSWER_WEIGHTS = AnswerWeights()
# what a question asks for, where it asks it ("When ...", "... founded in what year?", "... of how many inhabitants?")
_WHEN = re.compile(r"^\s*(?:when|since when)\b|\b(?:what|which)\s+(?:years?|date|decade|century|month)\b", re.I)
_HOW_MANY = re.compile(r"\bhow\s+(?:many|much|long|old|far|big|large)\b|\bwhat\s+(?:number|percentage|share)\b", re.I)
_DATE = re.compile(
    r"\b(?:1[5-9]\d\d|20\d\d)\b|\b(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d{1,2}\b|\b\d{1,2}\s+(?:January|"
    r"February|March|April|May|June|July|August|September|October|November|December)\b"
)
# "Where did they meet?", "... but where does Buck-Tick hail from?", "... located in what city?" (not "the arena where")
_WHERE = re.compile(
    r"^\s*(?:and\s+|so\s+)?where\b|\bwhere\s+(?:is|was|are|were|did|does|do|has|have|had|will|would|can)\b"
    r"|\b(?:in|at|from)\s+(?:what|which)\s+(?:city|country|town|village|place|state|county|region|province|venue)\b",
    re.I,
)
# a place: `in New Delhi`, `at the UN conference`, `on the sidelines of the G20` (a capitalised word after a preposition
# of place, not a month or a weekday)
_PLACE = re.compile(r"\b(?i:in|at|near|outside|inside|from|across|sidelines\s+of)\s+(?:the\s+)?([A-Z][\w’'.-]*)")
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(sorted(NUMBER_WORDS)) + r")\b", re.I)
_DIGIT = re.compile(r"\d")


def _holds_number(text: str) -> bool:
    """A digit or a number word (the digit first: one scan, where the word alternation tries every position)."""
    return bool(_DIGIT.search(text) or _NUMBER_WORD.search(text))


def _holds_date(text: str) -> bool:
    return bool(_DATE.search(text))


def _holds_place(text: str) -> bool:
    return any(m.group(1).lower().rstrip(".") not in CALENDAR_WORDS for m in _PLACE.finditer(text))


def check_question(question: str, what: str = "question") -> str:
    """The question (or a summary's query: ``what``), stripped; raises on empty or oversized ones."""
    if not isinstance(question, str):
        raise TypeError(f"{what} must be str, not {type(question).__name__}")
    q = question.strip()
    if not q:
        hint = "ask something about the documents" if what == "question" else "give a few words, or leave it out"
        raise EmptyQuestionError(f"empty {what}: {hint}")
    if len(q) > MAX_QUESTION_CHARS:
        raise InputTooLargeError(f"{what} of {len(q):,} characters is over the limit of {MAX_QUESTION_CHARS:,}")
    return q


def answer_question(store: Store, question: str, k: int = 3, *, weights: AnswerWeights = ANSWER_WEIGHTS,
                    followup: FollowUp | None = None) -> Answer:
    """Up to ``k`` answer points, best first; each is one source sentence citing every source that says it.

    Sentences are found by dense and BM25 search together, scored with their neighbours and document titles in
    view, favour the speaker a "what did X say" question names, and are grouped by fact so that each point is
    shown once with all its sources. A question the documents do not cover gets no points and a message.
    ``followup`` (from :func:`resolve_followup`) is the question as understood after earlier turns: its resolved
    text is searched, the documents those turns cited are favoured, and "what else" leaves out what they showed.
    """
    q = check_question(question)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    asked = _asked(q, followup)
    if not store.document_count:
        return Answer(q, [], "The collection holds no documents.", asked)
    corpus = corpus_of(store)
    w = weights
    query = make_query(corpus, asked, w.retrieval)
    if not query.terms:
        return Answer(q, [], NO_ANSWER, asked)
    scored, note = _scored(store, corpus, query, followup, w)
    if not len(scored.rows) or not _answerable(corpus, query, scored, w):
        return Answer(q, [], NO_ANSWER, asked)
    if followup is not None and followup.exclude:
        scored, named = _on_the_same_names(store, corpus, query,
                                           _without(scored, _rows_of(store, corpus, followup.exclude)))
        if not len(scored.rows) or not _still_answerable(corpus, query, scored, named, w):
            return Answer(q, [], NOTHING_MORE, asked)
    return Answer(q, _points(store, corpus, query, scored, k, w), note, asked)


# Capitalised words a "what else" question may use for its subject that sources write other ways ("the United
# States" / "the US" / "Washington", "the German Foreign Minister" / "Baerbock"): not required of every answer.
_NOT_REQUIRED = (TITLE_WORDS | ORGANISATION_WORDS | PLACE_WORDS | CALENDAR_WORDS | frozenset(DEMONYMS)
                 | frozenset(DEMONYMS.values()) | frozenset(COUNTRY_NAMES)
                 | frozenset(w for p in COUNTRY_PHRASES for w in p))


_BEFORE = 2  # sentences before a candidate that may name its subject ("Blinken also met ... Jaishankar ..." / "In a
# press statement, ... the meeting focussed on ..." / "They also spoke on ...")


def _on_the_same_names(store: Store, corpus: Corpus, query: Query, scored: Scored) -> tuple[Scored, bool]:
    """For "what else ...?": the candidates whose sentence, with its title, the two sentences before it and the one
    after it (not past a heading), names everyone the question names by name (each in any form; roles, places and
    organisations aside), and whether it asked for that. More about Blinken and Jaishankar's meeting is not Blinken's
    talk with Lavrov; such a candidate needs no other check that it answers (but the topic of "what else did X say
    about Y"), and when none is left, the documents say nothing more."""
    required = {t for w in words(query.text)[1:] if w[:1].isupper() and w.lower() not in _NOT_REQUIRED
                for t in tokenize(w)}
    names = [f | {t} for t, f in zip(query.terms, query.forms) if t in query.names and t in required]
    if not names:
        return scored, False

    def index(row: int) -> int:  # the sentence's place in its document, headings counted
        return store.sentence(int(corpus.sids[row])).index

    def section(row: int) -> set[str]:
        out = set(corpus.row_terms(row)) | corpus.titles[corpus.doc[row]]
        for step, n in ((corpus.prev, _BEFORE), (corpus.next, 1)):
            at, at_index = row, index(row)
            for _ in range(n):
                j = int(step[at])
                j_index = index(j) if j >= 0 else -1
                if j < 0 or abs(j_index - at_index) != 1:
                    break  # the document's end, or a heading between: another section
                out |= corpus.terms[j]
                at, at_index = j, j_index
        return out

    return _kept(scored, [i for i, r in enumerate(scored.rows) if all(f & section(int(r)) for f in names)]), True


def _still_answerable(corpus: Corpus, query: Query, scored: Scored, named: bool, w: AnswerWeights) -> bool:
    """For "what else": whether what is left answers. Sentences kept for naming the question's people need only
    cover the topic of "what else did X say about Y"; otherwise the usual check."""
    if named:
        return _topic_covered(corpus, query, [int(r) for r in scored.rows[: w.answerable_rows]], w.key_coverage)
    return _answerable(corpus, query, scored, w)


def _asked(question: str, followup: FollowUp | None) -> str:
    """The text searched: the question as understood after earlier turns, when there is one within the limit."""
    resolved = followup.resolved.strip() if followup is not None else ""
    return resolved if resolved and len(resolved) <= MAX_QUESTION_CHARS else question


def _scored(store: Store, corpus: Corpus, query: Query, followup: FollowUp | None,
            w: AnswerWeights) -> tuple[Scored, str]:
    """Candidates scored by retrieval, then the speaker, the answer type and (for follow-ups) the conversation; and
    a note for the answer ("" or that no source quotes the speaker asked about)."""
    encoding = _encoder().submit(encode_queries, store.embedder, list(query.spellings))  # while BM25 scores
    scored = retrieve(store, corpus, query, encoding.result, weights=w.retrieval)
    scored, note = _with_speaker(corpus, query, scored, w)
    scored = _with_answer_type(corpus, query, scored, w)
    if followup is not None and followup.is_followup:
        scored = _with_context(corpus, scored, followup, _rows_of(store, corpus, followup.near), w)
    return scored, note


@lru_cache(maxsize=1)
def _encoder() -> ThreadPoolExecutor:
    """The one thread that encodes questions: the model runs there while BM25 scores the collection in the asking
    thread (numpy lets go of the GIL in its loops; at a million sentences, with cold BM25 caches, an ask's p50 drops by
    about 6 ms)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="mdsum-encode")


if hasattr(os, "register_at_fork"):  # a forked child (a service worker) has not the thread: it makes its own
    os.register_at_fork(after_in_child=_encoder.cache_clear)


def _rows_of(store: Store, corpus: Corpus, keys: frozenset[tuple[str, int]]) -> set[int]:
    """The corpus rows of sentences given as (document id, sentence index); keys no longer stored are skipped."""
    rows: set[int] = set()
    by_doc: dict[str, set[int]] = {}
    for d, i in keys:
        by_doc.setdefault(d, set()).add(i)
    for d, wanted in by_doc.items():
        try:
            body = [s for s in store.sentences(d) if s.is_body]
        except DocumentNotFoundError:
            continue
        for s, sid in zip(body, store.body_ids([d])):
            if s.index in wanted and sid in corpus.row_of:
                rows.add(corpus.row_of[sid])
    return rows


def _with_context(corpus: Corpus, scored: Scored, followup: FollowUp, near: set[int], w: AnswerWeights) -> Scored:
    """Raise the sentences of the documents the recent answers cited, and those next to what the last one cited."""
    age = dict(followup.docs)
    near = near | {int(j) for r in near for j in (corpus.prev[r], corpus.next[r]) if j >= 0}
    bonus = np.zeros(len(scored.rows), dtype=np.float32)
    for i, r in enumerate(scored.rows):
        a = age.get(corpus.doc_id(r))
        if a is not None:
            bonus[i] += w.prior_doc * w.prior_decay ** (a - 1)
        if int(r) in near:
            bonus[i] += w.prior_near
    return _reorder(scored, scored.score + bonus)


def _without(scored: Scored, exclude: set[int]) -> Scored:
    """The candidates without the sentences already shown ("what else")."""
    return _kept(scored, np.array([int(r) not in exclude for r in scored.rows], dtype=bool))


def coverage(corpus: Corpus, query: Query, row: int) -> float:
    """Share of the question's idf mass found in a sentence, its neighbours and its document's title."""
    have = corpus.window_terms(row)
    weights = [corpus.own.idf(t) for t in query.terms]
    got = sum(w for w, f in zip(weights, query.forms) if f & have)
    return got / sum(weights) if weights else 0.0


def _answerable(corpus: Corpus, query: Query, scored: Scored, w: AnswerWeights) -> bool:
    top = w.answerable_rows
    cov = max(coverage(corpus, query, int(r)) for r in scored.rows[:top])
    dense = float(scored.dense[:top].max())
    if dense >= w.sure_dense:
        return True
    rows = [int(r) for r in scored.rows[:top]]
    if not any(cov >= c and dense >= d for c, d in w.answerable) and not _speaker_speaks(corpus, query, rows, w):
        return False
    return _topic_covered(corpus, query, rows, w.key_coverage)


def _speaker_speaks(corpus: Corpus, query: Query, rows: list[int], w: AnswerWeights) -> bool:
    """For "what did X say": whether X speaks, named, in one of these sentences. A long quote sits far from a short
    question in meaning ("... Catherine Colonna, noted that the war ... affected “almost all countries ...”": 0.29)."""
    speaker = asked_speaker(query.text, query.forms_of)
    if speaker is None:
        return False
    found = speaks(speaker, [corpus.texts[r] for r in rows], [_before(corpus, r, w.speaker_run) for r in rows],
                   query.forms_of, corpus.own.idf, w.speaker)
    name = _speaker_words(query, speaker)
    return any(f == 1.0 and _names_speaker(corpus, r, name, w.speaker.named) for r, f in zip(rows, found))


def _topic_covered(corpus: Corpus, query: Query, rows: list[int], key_coverage: float) -> bool:
    """For "what did X say about Y": whether one of the best windows holds Y (``key_coverage`` of it by idf).

    The speaker bonus lifts X's sentences to the top whatever Y is, so the other thresholds cannot tell
    "What did Lavrov say about the West?" from "What did Lavrov say about climate change?". Other
    questions are not checked this way: multi-hop questions spread their words over several documents.
    """
    speaker = asked_speaker(query.text, query.forms_of)
    if speaker is None or not speaker.topic:
        return True
    topic = [(t, frozenset(query.forms_of(t)) | {t}) for t in tokenize(speaker.topic)
             if t not in speaker.terms and t not in SPEECH_WORDS]
    total = sum(corpus.own.idf(t) for t, _ in topic)
    if not total:
        return True
    for r in rows:
        have = corpus.window_terms(r)
        if sum(corpus.own.idf(t) for t, f in topic if f & have) / total >= key_coverage:
            return True
    logger.debug("topic %r of a speaker question is in none of the best windows", speaker.topic)
    return False


def _with_speaker(corpus: Corpus, query: Query, scored: Scored, w: AnswerWeights) -> tuple[Scored, str]:
    """Raise sentences in which the speaker a "what did X say / ask / want" question names is the one speaking.

    When no candidate has them speak, only the sentences that name them are kept, with a note saying so: other
    people's words are no answer to what X said.
    """
    speaker = asked_speaker(query.text, query.forms_of)
    if speaker is None or not len(scored.rows):
        return scored, ""
    rows = [int(r) for r in scored.rows[: w.speaker_rows]]
    speaker = with_descriptors(speaker, [corpus.texts[r] for r in rows], query.forms_of, w.speaker)
    prevs = [_before(corpus, r, w.speaker_run) for r in rows]
    bonus = np.zeros(len(scored.rows), dtype=np.float32)
    found = speaks(speaker, [corpus.texts[r] for r in rows], prevs, query.forms_of, corpus.own.idf, w.speaker)
    bonus[: len(rows)] = [_coreferent(corpus, speaker, r, s, w) for r, s in zip(rows, found)]
    if bonus.max() < 1.0:  # no one of the candidates is they speaking: at most a description like theirs speaks
        name = _speaker_words(query, speaker)
        return _naming(corpus, scored, name, w.speaker.named), UNQUOTED.format(speaker=speaker.phrase)
    topic = _topic_share(corpus, query, speaker, rows, w.outside_quote)
    verb = np.array([speaker.verb in corpus.terms[r] for r in rows], dtype=np.float32)
    bonus[: len(rows)] += (w.quoted_topic / w.speaker_bonus) * bonus[: len(rows)] * topic
    bonus[: len(rows)] += (w.same_verb / w.speaker_bonus) * bonus[: len(rows)] * verb
    keep = None
    if max(found, default=0.0) == 1.0:  # the speaker speaks: others' words about them answer less
        keep = _when_speaking(corpus, query, speaker, rows, found, bonus, w)
    if keep is None:
        return _reorder(scored, scored.score + w.speaker_bonus * bonus), ""
    return _reorder(_kept(scored, keep), (scored.score + w.speaker_bonus * bonus)[keep]), ""


def _when_speaking(corpus: Corpus, query: Query, speaker: Speaker, rows: list[int], found: list[float],
                   bonus: np.ndarray, w: AnswerWeights) -> list[int] | None:
    """When the speaker speaks among the candidates: lower others' reported words in ``bonus`` (in place); for a
    question with no topic ("What did Lavrov say?" asks for his words, whatever they are about) raise the
    speaker's own words and give the positions to keep: those, then what names them without quoting anyone."""
    others = [s == 0.0 and reports_speech(corpus.texts[r]) for r, s in zip(rows, found)]
    bonus[: len(rows)] -= (w.other_speaker / w.speaker_bonus) * np.array(others, dtype=np.float32)
    if _topic_terms(query, speaker):
        return None
    bonus[: len(rows)] += (w.own_words / w.speaker_bonus) * (np.array(found, dtype=np.float32) == 1.0)
    name = _speaker_words(query, speaker)
    return [i for i, (r, s) in enumerate(zip(rows, found))
            if s > 0.0 or (not reports_speech(corpus.texts[r])
                           and _names_speaker(corpus, r, name, w.speaker.named))]


def _speaker_words(query: Query, speaker: Speaker) -> list[tuple[str, frozenset[str]]]:
    """Each word of the speaker's name as a term with its forms (other spellings of a name, "Russia": "russian")."""
    out = []
    for w in words(speaker.phrase):
        for t in tokenize(w):
            out.append((t, frozenset(query.forms_of(w)) | {t}))
    return out


def _names_speaker(corpus: Corpus, row: int, name: list[tuple[str, frozenset[str]]], share: float) -> bool:
    """Whether a sentence names the speaker: ``share`` (by idf) of the words of their name, each in any form."""
    total = sum(corpus.own.idf(t) for t, _ in name)
    held = sum(corpus.own.idf(t) for t, forms in name if forms & corpus.terms[row])
    return bool(total) and held / total >= share


def _naming(corpus: Corpus, scored: Scored, name: list[tuple[str, frozenset[str]]], share: float) -> Scored:
    """The candidates whose sentence names the speaker."""
    return _kept(scored, [i for i, r in enumerate(scored.rows) if _names_speaker(corpus, int(r), name, share)])


def _kept(scored: Scored, keep: list[int] | np.ndarray) -> Scored:
    """The candidates at these positions, in this order."""
    return Scored(*(a[keep] for a in (scored.rows, scored.score, scored.dense, scored.lexical, scored.window,
                                      scored.neighbour, scored.vectors)))


def _before(corpus: Corpus, row: int, n: int) -> list[str]:
    """The texts of up to ``n`` body sentences before ``row`` in its document, nearest first."""
    out = []
    while len(out) < n and corpus.prev[row] >= 0:
        row = int(corpus.prev[row])
        out.append(corpus.texts[row])
    return out


def _topic_terms(query: Query, speaker: Speaker) -> list[tuple[str, frozenset[str]]]:
    """The question's terms that say what a speaker question is about: after the speech verb, not the speaker's."""
    about = set(query.forms_of(speaker.topic))
    return [(t, f) for t, f in zip(query.terms, query.forms) if t in about and not f & speaker.terms]


def _coreferent(corpus: Corpus, speaker: Speaker, row: int, score: float, w: AnswerWeights) -> float:
    """A described speaker ("The US Secretary of State said ...") counts in full when the collection gives that
    role to the speaker asked about (the sentence's terms then hold the speaker's name, see aliases)."""
    if score == w.speaker.partial and speaker.head and speaker.head & corpus.named_by_role(row):
        return 1.0
    return score


def _topic_share(corpus: Corpus, query: Query, speaker: Speaker, rows: list[int], outside_quote: float) -> np.ndarray:
    """For each row: the share (by idf) of the question's topic terms (after the speech verb, the speaker's own
    terms left out) inside the sentence's quotes, or a part of the share in the whole sentence."""
    out = np.zeros(len(rows), dtype=np.float32)
    wanted = _topic_terms(query, speaker)
    if not wanted:
        return out
    total = sum(corpus.own.idf(t) for t, _ in wanted)
    for i, r in enumerate(rows):
        quoted = set(tokenize(quoted_text(corpus.texts[r])))
        inside = sum(corpus.own.idf(t) for t, f in wanted if f & quoted) / total
        anywhere = sum(corpus.own.idf(t) for t, f in wanted if f & corpus.terms[r]) / total
        out[i] = max(inside, outside_quote * anywhere)
    return out


def _reorder(scored: Scored, score: np.ndarray) -> Scored:
    order = np.argsort(-score, kind="stable")
    return _kept(replace(scored, score=score), order)


def _answer_type(query: Query) -> Callable[[str], bool] | None:
    """What holds the kind of answer asked for: a date ("when ...?"), a number ("how many ...?"), a place ("where
    ...?"), else None."""
    if _WHEN.search(query.text):
        return _holds_date
    if _HOW_MANY.search(query.text):
        return _holds_number
    return _holds_place if _WHERE.search(query.text) else None


def _with_answer_type(corpus: Corpus, query: Query, scored: Scored, w: AnswerWeights) -> Scored:
    """Raise sentences that hold a date ("when ...?"), a number ("how many ...?") or a place ("where ...?")."""
    holds = _answer_type(query)
    if holds is None or not len(scored.rows):
        return scored
    bonus = np.array([holds(corpus.texts[int(r)]) for r in scored.rows], dtype=np.float32)
    return _reorder(scored, scored.score + w.answer_type * bonus)


def _gain(corpus: Corpus, query: Query, row: int, have: set[str]) -> float:
    """Share of the question's idf mass that a sentence covers beyond the terms in ``have``."""
    weights = [corpus.own.idf(t) for t in query.terms]
    terms = corpus.row_terms(row)
    got = sum(w for w, f in zip(weights, query.forms) if f & terms and not f & have)
    return got / sum(weights) if weights else 0.0


def _points(store: Store, corpus: Corpus, query: Query, scored: Scored, k: int, w: AnswerWeights) -> list[CitedSentence]:
    """The best candidates grouped by fact (the shared rule of :mod:`summarizer.groups`), one point a group.

    Points are taken best first, with a small penalty for sources already used; the sentence after (or before)
    the first point is shown next to it when it covers part of the question the point does not.
    """
    chosen = _choose(corpus, scored, _groups(corpus, scored, k, w), k, w)
    worded = [_best_wording_first(store, corpus, p) for p in chosen]  # the best wording shown first
    chosen = [p for p, _ in worded]
    notes = {p[0]: diffs for p, diffs in worded}
    points = _next_door(corpus, query, chosen, lambda r: store.sentence(int(corpus.sids[r])).paragraph, w)
    position = {int(r): i for i, r in enumerate(scored.rows)}
    out = []
    for members in points:
        cits = []
        for r in members:
            s = store.sentence(int(corpus.sids[r]))
            cits.append(cite(s, store.document(s.doc_id)))
        score = max(float(scored.score[position[r]]) for r in members if r in position)
        cited = {c.doc_id for c in cits}  # a neighbour that leads its point now is not what the notes compared
        diffs = tuple(d for d in notes.get(members[0], ()) if d.doc_id in cited)
        out.append(CitedSentence(cits[0].text, tuple(cits), score, diffs))
    return out


SHOWN_FROM = 8  # the best wording of a point is chosen among its best this many sentences: comparing every pair
# costs O(n^2) word alignments, and large points (many sources of one fact) made it half of an ask at 1M sentences


def _best_wording_first(store: Store, corpus: Corpus,
                        members: list[int]) -> tuple[list[int], tuple[SourceDifference, ...]]:
    """A point's rows (best first) with the one to show first: the best wording (:func:`summarizer.wording.best_member`:
    no gap where another source has a name, not from a rewrite of another of the point's documents, a full sentence);
    among equals the best-scoring (among the first :data:`SHOWN_FROM`). Only points stated by several documents are
    checked. With them, where the best-rated sentence of each other cited document differs from the shown one on
    names or numbers, as a summary notes it."""
    all_docs = [corpus.doc_id(r) for r in members]
    if len(set(all_docs)) < 2:
        return members, ()
    words = Words([corpus.texts[r] for r in members])
    shown = _shown_member(store, words, all_docs[:SHOWN_FROM])
    first_of = {}  # each other document's best-rated row, every cited document's (one alignment each)
    for k, d in enumerate(all_docs):
        if d != all_docs[shown]:
            first_of.setdefault(d, k)
    diffs = []
    for k, omits, adds in differences(words, shown, list(first_of.values())):
        doc = store.document(all_docs[k])
        diffs.append(SourceDifference(doc.id, doc.title, omits, adds))
    return [members[shown]] + [r for k, r in enumerate(members) if k != shown], tuple(diffs)


def _shown_member(store: Store, words: Words, doc_ids: list[str]) -> int:
    """Which of a point's first rows (of documents ``doc_ids``) shows it: the best wording, among equals the first."""
    if len(set(doc_ids)) < 2:
        return 0
    ids = list(dict.fromkeys(doc_ids))
    per_doc = [store.body_ids([d]) for d in ids]
    sids = [s for part in per_doc for s in part]
    codes = np.repeat(np.arange(len(ids), dtype=np.int64), [len(part) for part in per_doc])
    rewritten = rewritten_documents(store, ids, codes, np.asarray(store.vectors(sids), dtype=np.float32), [])
    order = list(range(len(doc_ids)))
    return best_member(order, words, doc_ids, rewritten=rewritten, complete=np.ones(len(order)),
                       key=-np.arange(len(order), dtype=np.float32), floor=0.0)


def _groups(corpus: Corpus, scored: Scored, k: int, w: AnswerWeights) -> list[list[int]]:
    """Fact groups (positions in ``scored``) led by one of the best candidates; lower ones may join as sources."""
    m = min(len(scored.rows), max(w.pool * k, w.min_pool))
    ext = min(len(scored.rows), max(m, w.member_pool))
    rows = scored.rows[:ext]
    docs = [int(corpus.doc[r]) for r in rows]
    texts = [corpus.texts[int(r)] for r in rows]
    groups = group_sentences(scored.vectors[:ext], docs, texts=texts, threshold=w.same_fact, weights=w.fact_rule)
    return [sorted(g) for g in groups if min(g) < m]


def _choose(corpus: Corpus, scored: Scored, groups: list[list[int]], k: int, w: AnswerWeights) -> list[list[int]]:
    """Up to ``k`` groups, best first, each penalised for the points already taken from its documents; as rows."""
    chosen: list[list[int]] = []
    used: dict[int, int] = {}

    def value(g: list[int]) -> float:
        docs = {int(corpus.doc[scored.rows[i]]) for i in g}
        return float(scored.score[g[0]]) - w.same_source * sum(used.get(d, 0) for d in docs) / len(docs)

    groups = list(groups)
    while groups and len(chosen) < k:
        best = max(groups, key=value)  # rows are best first: a group's first member is its best
        groups.remove(best)
        chosen.append([int(scored.rows[i]) for i in best])
        for d in {int(corpus.doc[scored.rows[i]]) for i in best}:
            used[d] = used.get(d, 0) + 1
    return chosen


def _next_door(corpus: Corpus, query: Query, points: list[list[int]], paragraph: Callable[[int], int],
               w: AnswerWeights) -> list[list[int]]:
    """Answers next door: when the sentence after a point's (same or next paragraph; or the one before) carries
    the part of the question the point lacks, the point cites both; the one covering more of the question leads
    ("They also spoke on ..." after the sentence naming who met). A later point holding that sentence joins."""
    out = [list(p) for p in points]
    n = 0
    while n < min(len(out), w.door_points):
        for _ in range(w.door_chain):
            shown = {x for p in out for x in p} - {x for p in out[n + 1:] for x in p}
            j = _door(corpus, query, out[n], shown, paragraph, w)
            if j < 0:
                break
            _join(corpus, query, out, n, j)
        n += 1
    return out


def _join(corpus: Corpus, query: Query, points: list[list[int]], n: int, j: int) -> None:
    """Point ``n`` cites row ``j`` too (with the sources of a later point holding it, which goes); the one of the
    two that answers better leads (:func:`_lead_key`)."""
    later = next((p for p in points[n + 1:] if j in p), None)
    if later is not None:
        points.remove(later)
    extra = [j] + [x for x in (later or []) if x != j]
    holds = _answer_type(query) or (lambda text: False)
    first = points[n][0]
    lead = _lead_key(corpus, query, holds, j) > _lead_key(corpus, query, holds, first)
    points[n] = extra + points[n] if lead else points[n] + extra
    logger.debug("point %d cites its neighbour row %d (%s)", n, j, "leads" if lead else "follows")


def _door(corpus: Corpus, query: Query, point: list[int], shown: set[int], paragraph: Callable[[int], int],
          w: AnswerWeights) -> int:
    """The sentence next to a point's (the one after its last sentence, or before its first) that carries what
    the point lacks: it adds ``w.neighbour_gain`` of the question, or it continues a point that names the
    question's subject without the rest (refers back, names none of the question's names), or the point's
    sentence is unfinished. -1 when none does."""
    mine = [r for r in point if corpus.doc[r] == corpus.doc[point[0]]]
    have = set().union(*(corpus.row_terms(r) for r in mine))
    first, last = min(mine), max(mine)
    best, best_gain = -1, w.neighbour_gain
    for j, anchor in ((int(corpus.next[last]), last), (int(corpus.prev[first]), first)):
        if j < 0 or j in shown or abs(paragraph(j) - paragraph(anchor)) > w.door_paragraphs:
            continue
        if _someone_else(corpus.texts[j], have, query, w.door_lead_words):
            continue
        g = _gain(corpus, query, j, have)
        if g >= best_gain:
            best, best_gain = j, g
        elif best < 0 and j > anchor and (_unfinished(corpus.texts[anchor]) or _continues(corpus, query, have, j, w)):
            best = j
    return best


_FINISHED = re.compile(r"""[.!?…]["'”’)\]]*\s*$|[:;]\s*$|["”]\s*$|\|\s*$""")  # a table row is whole
_BACK = PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS | {"this", "these", "those", "such"}


def _someone_else(text: str, have: set[str], query: Query, lead_words: int) -> bool:
    """Whether a sentence opens on someone the point and the question do not name ("Dutch Foreign Minister Wopke
    Hoekstra told CNBC ...", "Instead, Lavrov blamed ..." after Colonna's words): another's statement, not more of
    the point's. A capitalised word among its first ``lead_words`` words, after the first, says so."""
    asked = set().union(*query.forms) if query.forms else set()
    return any(x[:1].isupper() and x.lower() not in CALENDAR_WORDS and stem(x.lower()) not in have
               and stem(x.lower()) not in asked for x in words(text)[1:lead_words])


def _unfinished(text: str) -> bool:
    """A sentence cut before its end ("Blinken also added that he asked Lavrov that"): its next one finishes it."""
    return len(text.split()) >= 3 and not _FINISHED.search(text)


def _continues(corpus: Corpus, query: Query, have: set[str], j: int, w: AnswerWeights) -> bool:
    """Whether sentence ``j`` goes on about a point (terms ``have``) that names the question's subject but not
    what is asked of it: ``j`` names none of the question's names and refers back (a pronoun among its first
    words, or "the X" with X in the point)."""
    return _subject_only(corpus, query, have, j, w) and _refers_back(corpus.texts[j], have, w.door_lead_words)


def _subject_only(corpus: Corpus, query: Query, have: set[str], j: int, w: AnswerWeights) -> bool:
    """The point holds every name of the question but under ``w.door_content`` of its other words, and sentence
    ``j`` holds none of the names."""
    names = [f for t, f in zip(query.terms, query.forms) if t in query.names]
    if not names or not all(f & have for f in names) or any(f & corpus.terms[j] for f in names):
        return False
    rest = [(t, f) for t, f in zip(query.terms, query.forms) if t not in query.names]
    total = sum(corpus.own.idf(t) for t, _ in rest)
    return not total or sum(corpus.own.idf(t) for t, f in rest if f & have) / total < w.door_content


def _refers_back(text: str, have: set[str], lead_words: int) -> bool:
    """A pronoun among the first ``lead_words`` words, or "the X" with X among the terms ``have``."""
    ws = [x.lower() for x in words(text)]
    return bool(set(ws[:lead_words]) & _BACK) or any(a == "the" and stem(b) in have for a, b in zip(ws, ws[1:]))


def _lead_key(corpus: Corpus, query: Query, holds: Callable[[str], bool], row: int) -> tuple[bool, float, float]:
    """How well a sentence answers, to choose which of two leads a point: it holds the kind of answer asked for;
    it covers what is asked of the question's names ("tell CNN" of "What did Zakharova tell CNN?"); it covers
    more of the question."""
    terms = corpus.row_terms(row)
    asked = sum(corpus.own.idf(t) for t, f in zip(query.terms, query.forms) if t not in query.names and f & terms)
    return holds(corpus.texts[row]), round(asked, 6), _covered(corpus, query, row)


def _covered(corpus: Corpus, query: Query, row: int) -> float:
    """Share of the question's idf mass in one sentence alone."""
    return _gain(corpus, query, row, set())


