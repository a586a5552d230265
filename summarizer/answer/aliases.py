"""Roles and the names they stand for, as a collection writes them ("US Secretary of State Antony Blinken")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..text import ORGANISATION_WORDS, PLACE_WORDS, QUESTION_WORDS, TITLE_WORDS, stem, words
from .followup import names_in
from .lexical import DEMONYMS, tokenize

__all__ = ["TITLE_STEMS", "Alias", "AliasRules", "ALIAS_RULES", "aliases_in", "role_names", "role_index", "coreferent_names"]

_PLACES = frozenset(stem(w) for w in (*DEMONYMS, *DEMONYMS.values()))
TITLE_STEMS = frozenset(stem(w) for w in TITLE_WORDS)  # terms of titles ("minister", "secretary", ...)
_PREFIX_ENDS = TITLE_WORDS | frozenset(DEMONYMS)
_STOP = QUESTION_WORDS | frozenset("and or of the".split())
_ROLE_ENDS = TITLE_WORDS | ORGANISATION_WORDS | PLACE_WORDS | frozenset(DEMONYMS) | frozenset(DEMONYMS.values())
# "the spokeswoman of the Ministry of Foreign Affairs, Maria Zakharova," / "Lavrov's deputy, Serhiy Ryabkov,"
_APPOSITIVE = re.compile(r"(?P<role>(?:\b[Tt]he|\b[A-Z][\w-]*['’]s)\s[^,;:.!?“”\"]{2,90}?),\s+(?P<name>[A-Z][^,;:!?“”\"]{1,40}?),")
# "Sergey Lavrov, Russia's foreign minister," / "Maria Zakharova, the ministry's spokeswoman,"
_AFTER = re.compile(r"(?P<name>\b[A-Z][\w-]+(?:\s[A-Z][\w-]+){0,3}),\s+(?P<role>(?:the|[A-Z][\w-]*['’]s)\s[^,;:.!?“”\"]{2,60}?)[,.]")


@dataclass(frozen=True)
class AliasRules:
    """When a role stands for a name (the seeds: "the Spanish foreign minister" is Albarez, "the US Secretary of State"
    is Blinken; tests/test_followup.py and the role cases of tests/data/qa_cases.json)."""

    min_role_terms: int = 2  # a role of one word ("the official") stands for nobody in particular
    max_names: int = 2  # a question's role matching more names than this is too general to stand for one


ALIAS_RULES = AliasRules()


@dataclass(frozen=True)
class Alias:
    """A role a text writes next to a name."""

    name: str  # "Antony Blinken"
    name_terms: frozenset[str]  # {"antoni", "blinken"}
    role_terms: frozenset[str]  # {"secretari", "state"}: the role's content terms (titles, places, organisations)

    @property
    def places(self) -> frozenset[str]:
        return self.role_terms & _PLACES


def aliases_in(text: str, rules: AliasRules = ALIAS_RULES) -> list[Alias]:
    """The roles written next to a name in ``text``: before it ("German Foreign Minister Baerbock"), or set off by
    commas before or after it ("the spokeswoman of the ministry, Maria Zakharova,")."""
    out: list[Alias] = []
    for n in names_in(text):
        if n.kind == "person" and n.text != n.name:
            _add(out, n.name, n.text[: len(n.text) - len(n.name)], _PREFIX_ENDS, rules)
    for pattern in (_APPOSITIVE, _AFTER):
        for m in pattern.finditer(text):
            person = [n for n in names_in(m.group("name")) if n.kind == "person" and n.name == n.text]
            if person:
                _add(out, person[0].name, m.group("role"), _ROLE_ENDS, rules)
    return out


def _add(out: list[Alias], name: str, role: str, ends: frozenset[str], rules: AliasRules) -> None:
    """Keep a role that ends as roles do (a title; for a phrase set off by commas also an organisation or place:
    "Blinken, the official added," and "Brown State Fishing Lake And Wildlife Area" are no roles)."""
    terms = frozenset(tokenize(role))
    ws = words(role)
    first = words(name)[:1]
    if not first or (len(first[0]) > 1 and first[0].lower() in _STOP) or not ws or ws[-1].lower() not in ends:
        return
    if not terms & TITLE_STEMS or len(terms) < rules.min_role_terms:
        return
    alias = Alias(name, frozenset(tokenize(name)), terms)
    if alias not in out:
        out.append(alias)


def role_names(terms: Sequence[frozenset[str]], aliases: Sequence[Alias], rules: AliasRules = ALIAS_RULES
               ) -> list[Alias]:
    """The aliases a question's role stands for ("the Spanish foreign minister" -> Albarez). The question's role is
    its title and place terms (each given with its forms); it must hold a title, and every one of its terms must
    be in the alias's role; a role of one term must also name something else of the alias's role ("Lavrov's
    deputy"). None when more than ``rules.max_names`` names fit: the role is too general to stand for one."""
    # a title counts as itself, not its longer forms ("Minister" is no "Ministry" of a spokeswoman's role)
    role = [f & TITLE_STEMS or f for f in terms if f & (TITLE_STEMS | _PLACES)]
    if not any(f & TITLE_STEMS for f in role):
        return []
    have = frozenset().union(*terms)
    found: dict[str, list[Alias]] = {}  # by surname: "Sergey Lavrov" and "Sergei Lavrov" are one person
    for a in aliases:
        if _fits(a, role, have, rules):
            found.setdefault(stem((words(a.name) or [a.name])[-1]), []).append(a)
    if len(found) > rules.max_names:
        return []
    return [a for people in found.values() for a in dict((x.name_terms, x) for x in people).values()]


def _fits(alias: Alias, role: list[frozenset[str]], have: frozenset[str], rules: AliasRules) -> bool:
    """Whether an alias has every term of a question's role (and, for a role of one term, something else the
    question names) and is not named by the question itself."""
    if alias.name_terms & have or not all(f & alias.role_terms for f in role):
        return False
    return len(role) >= rules.min_role_terms or bool((alias.role_terms - TITLE_STEMS - _PLACES) & have)


def role_index(aliases: Sequence[Alias], rules: AliasRules = ALIAS_RULES) -> dict[frozenset[str], frozenset[str]]:
    """Role key (its title and place terms, at least ``rules.min_role_terms``) -> the name terms of the one person
    the aliases give that role (keys given to people of different surnames are left out)."""
    by_key: dict[frozenset[str], dict[str, set[str]]] = {}
    for a in aliases:
        key = a.role_terms & (TITLE_STEMS | _PLACES)
        if len(key) >= rules.min_role_terms and a.name_terms:
            surname = stem(words(a.name)[-1])
            by_key.setdefault(key, {}).setdefault(surname, set()).update(a.name_terms)
    return {k: frozenset(next(iter(v.values()))) for k, v in by_key.items() if len(v) == 1}


def coreferent_names(rows_terms: Sequence[frozenset[str]], index: dict[frozenset[str], frozenset[str]]
                     ) -> dict[int, frozenset[str]]:
    """For the sentences (given by their terms) that refer to someone by a whole role of ``index`` without naming
    them ("The US Secretary of State said ..."), the name terms of that person, by sentence number."""
    postings: dict[str, set[int]] = {}
    wanted = frozenset().union(*index) if index else frozenset()
    for i, terms in enumerate(rows_terms):
        for t in terms & wanted:
            postings.setdefault(t, set()).add(i)
    out: dict[int, set[str]] = {}
    for key, name in index.items():
        rows = set.intersection(*(postings.get(t, set()) for t in key))
        for i in rows:
            if not name & rows_terms[i]:
                out.setdefault(i, set()).update(name)
    return {i: frozenset(v) for i, v in out.items()}
