"""Follow-up questions: pronouns, "and X?" and "what else" resolved against the earlier turns, without a model."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Sequence, Tuple, Union

from ..results import Answer
from ..text import (CALENDAR_WORDS, GROUP_PRONOUNS, ORGANISATION_WORDS, PERSON_PRONOUNS, PLACE_WORDS, QUESTION_WORDS,
                    THING_PRONOUNS, TITLE_WORDS, WORD, stem, stop_words)
from .lexical import DEMONYMS
from .speakers import SPEECH_WORDS, outside_quotes

__all__ = ["FollowUp", "FollowUpRules", "FOLLOWUP_RULES", "HistoryItem", "Name", "Turn", "names_in", "resolve_followup",
           "topics_in", "turns_of"]

logger = logging.getLogger(__name__)

HistoryItem = Union[str, Answer, Tuple[str, Union[Answer, None]]]


@dataclass(frozen=True)
class FollowUpRules:
    """How far back a conversation is read and what counts as a reference (tests/test_followup.py holds the cases;
    every turn of seeds_chat_dev resolves with these)."""

    recent_turns: int = 6  # earlier turns that count: a history of 1,000 turns is read from its last six
    topic_words: int = 3  # words after "the" / "a" that may form the topic a later "it" stands for
    cited_points: int = 2  # points of each earlier answer whose sentences supply names and topics
    ellipsis_words: int = 6  # "and X?" / "what about X?": X is at most this many words


FOLLOWUP_RULES = FollowUpRules()


@dataclass(frozen=True)
class Turn:
    """An earlier turn as resolution sees it: the question as asked and as understood, and what its answer cited."""

    question: str
    resolved: str
    cited: tuple[tuple[str, int, str], ...] = ()  # (doc id, sentence index, text), best point first


@dataclass(frozen=True)
class FollowUp:
    """A question with its references to earlier turns filled in, and what those turns cited."""

    question: str  # as asked
    resolved: str  # as understood: "Who supported him?" -> "Who supported Blinken?"
    is_followup: bool = False  # it refers back: a pronoun, "and X?", "what else", a leading "and"
    docs: tuple[tuple[str, int], ...] = ()  # (document id, turns ago) cited by the recent answers, nearest first
    near: frozenset[tuple[str, int]] = frozenset()  # (doc id, sentence index) the last answer cited
    exclude: frozenset[tuple[str, int]] = frozenset()  # sentences already shown: left out for "what else"


@dataclass(frozen=True)
class Name:
    """A capitalised name in a text: as written, the part that names (titles dropped), and its kind."""

    text: str
    name: str  # "US Secretary of State Antony Blinken" -> "Antony Blinken"
    kind: str  # "person", "place", "role" (titles only) or "other" (organisations, acronyms, events)


_LEAD = re.compile(r"^\s*(?:and|so|but|also|then|ok|okay|now|well)\b[\s,]*", re.I)
_ABOUT = re.compile(r"^\s*(?:and\s+)?(?:what|how)\s+about\s+|^\s*(?:and\s+)?what\s+of\s+", re.I)
_ELSE = re.compile(r"\s+else\b|(?<=\bwhat)\s+more\b|\s+more\b(?=\s*\??\s*$)", re.I)
_BARE = re.compile(r"^\s*(?:what|who|where|which|when|how|why|anything|any|tell me|say|and)?\s*[?.!]*\s*$", re.I)
_MORE = re.compile(r"^\s*(?:(?:tell|give)\s+me\s+more|more|anything\s+else|go\s+on|continue)\b", re.I)
_OPENERS = frozenset(
    "is are was were do does did has have had can could will would should may might must who what when where why how "
    "which whose whom tell list give name describe explain".split())
_CONNECT = frozenset("of de van von der da di du la le al bin del y".split())
_DETERMINERS = frozenset("the a an this these those his her its their".split())
_NOT_REFERRING = re.compile(r"^\s*(?:true|possible|likely|clear|known|that|to|said|reported|believed|thought)\b", re.I)
_PLACES = frozenset(DEMONYMS) | frozenset(DEMONYMS.values()) | PLACE_WORDS
_WHO = re.compile(r"^\s*(?:who|whom|whose)\b", re.I)
_AT = frozenset("in at near across outside inside throughout".split())  # a name after these is a place
_SENTENCE_END = re.compile(r"[.!?:;\"“”]")
_ALL_PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS


def turns_of(history: Sequence[HistoryItem] | None, rules: FollowUpRules = FOLLOWUP_RULES) -> list[Turn]:
    """The last ``rules.recent_turns`` turns of a history, each resolved against the ones before it.

    An item is a question string, an :class:`Answer`, or a ``(question, Answer)`` pair (the answer may be None).
    Blank questions are skipped; anything else raises TypeError naming the turn.
    """
    if history is None:
        return []
    if isinstance(history, (str, bytes)) or not isinstance(history, Sequence):
        raise TypeError(f"history must be a list of turns, not {type(history).__name__}")
    start = max(0, len(history) - rules.recent_turns)
    turns: list[Turn] = []
    for i in range(start, len(history)):
        question, answer = _item(history[i], i)
        if not question.strip():
            continue
        resolved = answer.resolved_question if answer is not None and answer.resolved_question else ""
        if not resolved:
            resolved = _resolve(question.strip(), turns, rules).resolved
        cited = tuple((c.doc_id, c.sentence_index, c.text) for p in (answer.sentences if answer else [])
                      [: rules.cited_points] for c in p.citations)
        turns.append(Turn(question.strip(), resolved, cited))
    return turns


def _item(item: object, i: int) -> tuple[str, Answer | None]:
    if isinstance(item, str):
        return item, None
    if isinstance(item, Answer):
        return item.question, item
    if isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], str) and (
            item[1] is None or isinstance(item[1], Answer)):
        return item[0], item[1]
    raise TypeError(f"history turn {i}: expected a question string or a (question, Answer) pair, "
                    f"not {type(item).__name__}")


def resolve_followup(question: str, history: Sequence[HistoryItem] | None = None,
                     rules: FollowUpRules = FOLLOWUP_RULES) -> FollowUp:
    """``question`` as understood after the earlier turns: pronouns, "and X?" and "what else" filled in.

    With no earlier turn, or nothing to refer to, the question stands alone (``resolved == question``).
    """
    return _resolve(question.strip(), turns_of(history, rules), rules)


def _resolve(question: str, turns: list[Turn], rules: FollowUpRules) -> FollowUp:
    if not turns:
        return FollowUp(question, question)
    text, lead, more, changed = _rewrite(question, turns, rules)
    pronoun = any(w.lower() in _ALL_PRONOUNS for w in WORD.findall(question))
    if not (changed or lead or pronoun):
        return FollowUp(question, question)
    resolved = text if changed else question
    logger.debug("follow-up %r understood as %r", question, resolved)
    shown = frozenset((d, i) for t in turns for d, i, _ in t.cited) if more else frozenset()
    last = turns[-1]
    return FollowUp(question, resolved, True, _docs(turns), frozenset((d, i) for d, i, _ in last.cited), shown)


def _rewrite(question: str, turns: list[Turn], rules: FollowUpRules) -> tuple[str, bool, bool, bool]:
    """The question rewritten (lead word off, "what else" and "and X?" filled in from the last turn, pronouns
    replaced); whether it had a lead word, asked for more, and changed."""
    last = turns[-1]
    text, lead = _strip_lead(question)
    text, more = _strip_else(text)
    elided = False
    if more and _BARE.match(text):
        text = last.resolved
    elif _ellipsis(text, lead, rules):
        text, elided = _replace_in(last.resolved, _phrase(question, _ABOUT.sub("", text).strip(" ?.!")), last), True
    text, referred = _pronouns(text, turns)
    return text, lead, more, more or elided or referred


def _phrase(question: str, phrase: str) -> str:
    """``phrase`` (capitalised by :func:`_strip_lead`) as the user wrote it when it opens with a word that is no
    name: "And the Spanish foreign minister?" stands for "the Spanish foreign minister" ("and lavrov?": "Lavrov")."""
    first = WORD.match(phrase)
    at = question.lower().rfind(phrase.lower())
    if first is None or first.group().lower() not in stop_words() or at < 0:
        return phrase
    return question[at : at + len(phrase)]


def _docs(turns: list[Turn]) -> tuple[tuple[str, int], ...]:
    seen: dict[str, int] = {}
    for age, t in enumerate(reversed(turns), 1):
        for d, _, _ in t.cited:
            seen.setdefault(d, age)
    return tuple(seen.items())


def _strip_lead(question: str) -> tuple[str, bool]:
    """The question without a leading "and", "so", "but" ... (capitalised again), and whether it had one."""
    m = _LEAD.match(question)
    if not m or m.end() == len(question):
        return question, False
    rest = question[m.end():]
    return rest[:1].upper() + rest[1:], True


def _strip_else(question: str) -> tuple[str, bool]:
    """"What else did he say?" -> "What did he say?"; "Tell me more" -> "" (asks the last question again)."""
    if _MORE.match(question):
        return "", True
    text, n = _ELSE.subn("", question)
    return (text, True) if n else (question, False)


def _ellipsis(text: str, lead: bool, rules: FollowUpRules) -> bool:
    """Whether the question is only a phrase standing for the last question ("And Lavrov?", "What about Spain?")."""
    about = _ABOUT.match(text)
    rest = text[about.end():] if about else text
    ws = WORD.findall(rest)
    if not ws or len(ws) > rules.ellipsis_words or not (about or lead):
        return False
    return ws[0].lower() not in _OPENERS


def _replace_in(previous: str, phrase: str, last: Turn) -> str:
    """The last question with ``phrase`` in place of the name or topic of the same kind."""
    found = names_in(phrase)
    kind = found[0].kind if found else "topic"
    if {w.lower() for w in WORD.findall(phrase)} & TITLE_WORDS:  # "the Dutch foreign minister": someone
        kind = "person"
    names = names_in(previous)
    target = None
    if kind == "place":
        target = next((n for n in reversed(names) if n.kind == "place"), None)
    elif kind != "topic":
        target = next((n for n in names if n.kind == "person"), None) or next(
            (n for n in names if n.kind != "place"), None)
    if target is not None:
        return previous.replace(target.name, phrase, 1)
    topic = _topic(previous, last)
    if topic:
        return previous.replace(topic, phrase, 1)
    return f"{previous.rstrip(' ?.!')} ({phrase})?"


def _pronouns(text: str, turns: list[Turn]) -> tuple[str, bool]:
    """Pronouns replaced by what they stand for; whether any was."""
    own = {n.name for n in names_in(text) if n.kind == "person"}
    people = [p for p in _people(turns) if not any(p in o or o in p for o in own)]
    refs = _Referents(bool(own), people, _group(turns[-1]), _thing(turns[-1]), genders(_texts(turns), people))
    out: list[str] = []
    pos, used = 0, 0
    for m in WORD.finditer(text):
        word = m.group().lower()
        ref = refs.of(word, text[m.end():], used)
        if ref is None:
            continue
        used = refs.people.index(ref) + 1 if word in ("he", "she") and ref in refs.people else used
        out.append(text[pos:m.start()] + ref)
        pos = m.end()
    if not out:
        return text, False
    return "".join(out) + text[pos:], True


@dataclass(frozen=True)
class _Referents:
    """What the pronouns of one question may stand for."""

    own: bool  # the question names a person of its own: "he", "his" refer to them
    people: list[str]  # people of the recent turns not named in the question, nearest first
    group: str  # "X and Y" for "they"
    topic: str  # the thing for "it"
    gender: dict[str, str] = field(default_factory=dict)  # person -> "he" or "she", where the conversation shows it

    def of(self, word: str, after: str, used: int) -> str | None:
        """What one pronoun stands for, written to fit its place (``his`` -> ``Blinken's``), or None to leave it."""
        possessive = word in ("his", "its", "their") or (word == "her" and _next_is_word(after))
        if word in ("this", "that"):
            return self.topic if self.topic and re.match(r"\s*[?.!]*\s*$", after) else None
        ref = self._person(word, possessive, used) if word in PERSON_PRONOUNS else None
        if word in GROUP_PRONOUNS and not self.own:
            ref = self.group or None
        if word in THING_PRONOUNS and not _NOT_REFERRING.match(after):
            ref = self.topic or None
        return None if ref is None else ref + "'s" if possessive else ref

    def _person(self, word: str, possessive: bool, used: int) -> str | None:
        """"he", "his", "she": the nearest person (unless the question names its own); "him", "her": the next.

        A person whom the conversation shows to be of the other gender is passed over ("she" after questions on
        Baerbock and then Lavrov is Baerbock); with nobody left the pronoun stays as asked."""
        obj = word == "him" or (word == "her" and not possessive)
        if self.own and not obj:
            return None
        fits = [p for p in self.people if self.gender.get(p, _GENDER[word]) == _GENDER[word]]
        later = [p for p in fits if self.people.index(p) >= used] if obj else fits
        return (later or fits or [None])[0]


_GENDER = {"he": "he", "him": "he", "his": "he", "she": "she", "her": "she", "hers": "she"}
# a role noun that says a gender, in a sentence that names one person ("the spokeswoman of the Ministry ..., Maria
# Zakharova"): hers
_GENDERED_ROLE = re.compile(r"\b(?:spokes|chair|congress|business|council|anchor)(?:(?P<he>man)|(?P<she>woman))\b",
                            re.I)
_GENDERED = re.compile(r"\b(?:(?P<he>he|him|his|himself|Mr)|(?P<she>she|her|hers|herself|Mrs|Ms))\b", re.I)


def genders(texts: Sequence[str], people: Sequence[str]) -> dict[str, str]:
    """The gender ("he" or "she") each person shows in ``texts``: in a sentence that names one of ``people`` and no
    other person, the pronouns after the name, a "Mr"/"Ms" just before it and a role noun such as "spokeswoman"
    vote; a person with votes for both, or none, is left out (no name lists: only what the documents and questions
    say)."""
    votes: dict[str, set[str]] = {}
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            person, after = _sole_person(sentence, people)
            if person:
                votes.setdefault(person, set()).update(
                    "he" if m.group("he") else "she" for m in _GENDERED.finditer(after))
                votes[person].update("he" if m.group("he") else "she" for m in _GENDERED_ROLE.finditer(sentence))
    return {p: next(iter(v)) for p, v in votes.items() if len(v) == 1}


def _sole_person(sentence: str, people: Sequence[str]) -> tuple[str, str]:
    """The one person of ``people`` a sentence names (none when it names another person too), and the sentence
    from a title just before the name on."""
    named = [(p, m) for p in people for m in [re.search(rf"\b{re.escape(p)}\b", sentence)] if m]
    if len(named) != 1:
        return "", ""
    person, at = named[0][0], named[0][1].start()
    last = person.split()[-1]
    if any(n.kind == "person" and n.name not in person and last not in n.name for n in names_in(sentence)):
        return "", ""
    title = re.search(r"\b(?:Mr|Mrs|Ms)\.?\s+(?:\w+\s+)?$", sentence[:at])
    return person, (title.group() if title else "") + " " + sentence[at:]


def _texts(turns: list[Turn]) -> list[str]:
    """What the conversation has said: its questions as understood and the sentences its answers cited."""
    return [t.resolved for t in turns] + [s for t in turns for _, _, s in t.cited]


def _thing(turn: Turn) -> str:
    """What "it" stands for: the last question's topic phrase, else the last name of a thing in it ("New START")."""
    topic = _topic(turn.resolved, turn)
    if topic:
        return topic
    return next((n.name for n in reversed(names_in(turn.resolved)) if n.kind == "other"), "")


def _next_is_word(after: str) -> bool:
    m = WORD.match(after.lstrip())
    return bool(m) and not after[: len(after) - len(after.lstrip())].strip() and m.group().lower() not in stop_words()


def _people(turns: list[Turn]) -> list[str]:
    """People the recent turns named, nearest turn first (see :func:`_turn_people`)."""
    out: list[str] = []
    for t in reversed(turns):
        for name in _turn_people(t):
            if name not in out and not any(name in o for o in out):
                out.append(name)
    return out


def _turn_people(turn: Turn) -> list[str]:
    """The people of one turn, likeliest referent first: for "who" questions the people its answer named, then its
    question's; otherwise the question's, or the answer's when the question named none."""
    asked = list(dict.fromkeys(n.name for n in names_in(turn.resolved) if n.kind == "person"))
    # in the answer, who the sentence is about before whom its quotes address ("“I ask you, Mr (Sergei) Lavrov,
    # ...,” Baerbock said": Baerbock)
    answered = [n.name for _, _, s in turn.cited[:1] for text in (outside_quotes(s), s) for n in names_in(text)
                if n.kind == "person" and not any(n.name in a or a in n.name for a in asked)]
    answered = list(dict.fromkeys(answered))
    if _WHO.match(turn.resolved):
        return list(dict.fromkeys(answered + asked))
    return asked or answered


def _group(turn: Turn) -> str:
    """"X and Y" when the last turn named two or more people (what "they" most likely stands for)."""
    people = _turn_people(turn)
    return " and ".join(people[:2]) if len(people) >= 2 else ""


def _topic(question: str, turn: Turn) -> str:
    """The thing a later "it" stands for: the last topic phrase of the question whose head word its answer uses
    (else the last topic phrase), "a" made "the"."""
    topics = topics_in(question)
    if not topics:
        return ""
    cited = {stem(w) for _, _, s in turn.cited for w in WORD.findall(s)}
    backed = [t for t in topics if stem(WORD.findall(t)[-1]) in cited]
    return (backed or topics)[-1]


def topics_in(text: str, rules: FollowUpRules = FOLLOWUP_RULES) -> list[str]:
    """Noun phrases that start with a determiner or a possessive name ("the meeting", "Blinken's statement"),
    cut before a stop word, a speech verb or punctuation; "a" becomes "the"."""
    tokens = list(WORD.finditer(text))
    out: list[str] = []
    for i, m in enumerate(tokens):
        word = m.group()
        if word.lower() in _DETERMINERS:
            head = "the"
        elif re.search(r"['’]s$", word) and word[:1].isupper():
            head = word
        else:
            continue
        body = _phrase_words(text, tokens, i + 1, rules.topic_words)
        if body and not all(w[:1].isupper() for w in body):
            out.append(" ".join([head, *body]))
    return out


def _phrase_words(text: str, tokens: list[re.Match], start: int, limit: int) -> list[str]:
    body: list[str] = []
    stop = stop_words() | QUESTION_WORDS | SPEECH_WORDS
    prev_end = tokens[start - 1].end() if start else 0
    for m in tokens[start: start + limit]:
        word = m.group()
        after_lower = bool(body) and not body[-1][:1].isupper() and word[:1].isupper()  # "the coequal Sergei"
        if text[prev_end:m.start()].strip() or word.lower() in stop or "'" in word or "’" in word or after_lower:
            break
        body.append(word)
        prev_end = m.end()
    return body


def names_in(text: str) -> list[Name]:
    """Capitalised names in ``text`` in order: runs of capitalised words (with "of", "de" ... inside), function
    words at their start dropped ("The", "On"), a sentence's first word alone only when it is not a common word
    ("Instead"), possessive endings dropped; a name after "in" or "at" is a place."""
    out: list[Name] = []
    for before, run in _runs(text):
        if len(run) == 1 and before in ("", ".") and run[0].lower() in stop_words():
            continue
        name = _name(run)
        if name is not None:
            out.append(Name(name.text, name.name, "place") if before in _AT and name.kind == "person" else name)
    return out


def _runs(text: str) -> list[tuple[str, list[str]]]:
    """Runs of capitalised words, each with the word before it (lowercased; "." after a sentence's end, "" at the
    start of the text)."""
    runs: list[tuple[str, list[str]]] = []
    cur: list[str] = []
    prev_end, prev, before = 0, "", ""
    for m in WORD.finditer(text):
        word = re.split(r"['’]", m.group(), maxsplit=1)[0]
        gap = text[prev_end:m.start()]
        if cur and (gap.strip() or not (word[:1].isupper() or word in _CONNECT)):
            runs.append((before, cur))
            cur = []
        if word[:1].isupper() or (cur and word in _CONNECT):
            if not cur:
                before = "." if _SENTENCE_END.search(gap) or not prev else prev
            cur.append(word)
        if word != m.group() and cur:  # a possessive ends the name
            runs.append((before, cur))
            cur = []
        prev_end, prev = m.end(), word.lower()
    return runs + [(before, cur)] if cur else runs


def _name(run: list[str]) -> Name | None:
    """The name a run of capitalised words writes, its titles and places told apart from the name itself."""
    words = _trimmed(run)
    if not words:
        return None
    low = [w.lower() for w in words]
    text = " ".join(words)
    if set(low) & ORGANISATION_WORDS:
        return Name(text, text, "other")
    titled = [i for i, w in enumerate(low) if w in TITLE_WORDS or w in _PLACES or w in _CONNECT]
    if len(titled) == len(words):
        return Name(text, text, "place" if set(low) & _PLACES else "role")
    cut = max(titled, default=-1)
    if cut == len(words) - 1:  # "G20 Foreign Ministers": a role after a name-like word
        return Name(text, text, "role")
    return Name(text, " ".join(words[cut + 1:]), _kind(words[cut + 1:]))


def _trimmed(run: list[str]) -> list[str]:
    """A run without function words at its start ("The", "On", "What") and connectors at either end."""
    start, end = 0, len(run)
    while start < end and (run[start].lower() in (QUESTION_WORDS | _OPENERS | CALENDAR_WORDS) or run[start] in _CONNECT):
        start += 1
    while end > start and run[end - 1] in _CONNECT:
        end -= 1
    return run[start:end]


def _kind(words: list[str]) -> str:
    low = {w.lower() for w in words}
    if low & _PLACES:
        return "place"
    if low & (ORGANISATION_WORDS | CALENDAR_WORDS) or any(w.isupper() and len(w) > 1 or any(c.isdigit() for c in w)
                                                          for w in words):
        return "other"
    return "person"
