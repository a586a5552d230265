"""The best wording of a fact: which member of a fact group to show, and the names and numbers members differ on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Hashable, Mapping, Sequence

import numpy as np
from scipy import sparse

from .text import CALENDAR_WORDS, NUMBER_WORDS, TITLE_WORDS, WORD, country_keys, stemmer, stop_words

__all__ = ["Token", "Words", "best_member", "subheadings", "FRAGMENT", "SUBHEADING_WORDS", "name_phrases",
           "differences"]

# A fragment: opens in lower case or with punctuation, or ends without a stop (closing quotes and brackets allowed).
FRAGMENT = re.compile(r"^\s*(?:[,;:.)(\[\]…]|[a-z])|[^.!?\"”’')\]]\s*$")
# A sentence of at most this many words is a subheading when every content word of it is in one other sentence
# ("Blinken told reporters after talk in New Delhi." beside the quote that ends with those words) or when it has
# no final stop. The seeds' subheadings have 4-8 words; a shown news sentence averages about 20.
SUBHEADING_WORDS = 12

_FINAL_STOP = re.compile(r"[.!?…][\"”’')\]]*\s*$")
_DIGIT = re.compile(r"\d")
_OPENERS = frozenset("“\"‘'([-—–:")
_VAGUE = frozenset({"one"})  # number words too often no number at all to count as a difference
# A word, or a number written with group or decimal marks as one ("212,000", "1.2"): "212,000" and "200,000" differ.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)+|" + WORD.pattern)
# The `of` / `for the` inside a name (`US Court of Appeals for the District of Columbia Circuit`, `10 of 12`).
_NAME_JOIN = re.compile(r"\s+(?:of|for)(?:\s+the)?\s+")
# Between two words that name_phrases shows as one: a space, a hyphen, an abbreviation's stop, or a name's join.
_PHRASE_GAP = re.compile(r"\s+|-|\.\s*|" + _NAME_JOIN.pattern)
# Between two words of one name as written: spaces, initials' stops, quotes (`I. Lewis “Scooter” Libby`).
_NAME_GAP = re.compile(r"[\s.“”\"'‘’]*")
# titles a person's name follows (`Secretary of State Antony Blinken`), not bodies (`House of Representatives`)
_PERSON_TITLES = TITLE_WORDS - {"house", "senate", "state", "justice", "defense", "defence", "finance", "interior",
                                "affairs", "foreign", "external", "majority", "minority"}
_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
         "seventeen eighteen nineteen twenty".split()
# The value of a number word, so that "six feet" and "6 feet" state one number.
_NUMBER_VALUES = {w: str(n) for n, w in enumerate(_UNITS)} | {
    w: str(10 * n) for n, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)}


@dataclass(frozen=True)
class Token:
    """A word of a sentence: as written, its stem, offsets in the sentence, and whether it is a number or a name."""

    surface: str
    stem: str
    start: int  # offset in the sentence text
    end: int
    number: bool
    name: bool
    stop: bool

    @property
    def flagged(self) -> bool:
        return self.number or self.name


def _norm(word: str) -> str:
    w = word.lower().replace("’", "'")
    return w[:-2] if w.endswith("'s") else w


def _raw_tokens(text: str) -> list[tuple[str, int, int, bool]]:
    """(word, start, end, initial): ``initial`` when the word opens the sentence or a quote/clause."""
    out = []
    for k, m in enumerate(_TOKEN.finditer(text)):
        p = m.start() - 1
        while p >= 0 and text[p].isspace():
            p -= 1
        out.append((m.group(), m.start(), m.end(), k == 0 or (p >= 0 and text[p] in _OPENERS)))
    return out


def _proper_names(texts: Sequence[str]) -> frozenset[str]:
    """Lower-cased words written capitalised somewhere other than at a sentence or quote start."""
    stop = stop_words()
    names = {_norm(w) for t in texts for w, _, _, initial in _raw_tokens(t) if not initial and w[0].isupper()}
    return frozenset(names - stop)


def _tokens(text: str, proper: frozenset[str]) -> list[Token]:
    stop, stem = stop_words(), stemmer()
    out = []
    for w, a, b, initial in _raw_tokens(text):
        n = _norm(w)
        number = bool(_DIGIT.search(w)) or n in NUMBER_WORDS
        acronym = len(w) > 1 and w.isupper() and w.isalpha()
        name = not number and (acronym or (w[0].isupper() and n not in stop and (not initial or n in proper)))
        out.append(Token(w, stem(n), a, b, number, name, n in stop and not (number or acronym)))
    return out


def name_phrases(tokens: Sequence[Token], text: str) -> tuple[str, ...]:
    """Names and numbers among ``tokens`` (in sentence order), adjacent ones joined as written ("Paul Whelan",
    "COVID-19", "Jan. 29")."""
    out: list[str] = []
    prev_end = None
    for t in tokens:
        if not t.flagged:
            prev_end = None
            continue
        if prev_end is not None and _PHRASE_GAP.fullmatch(text[prev_end : t.start]):
            out[-1] += text[prev_end : t.start] + _as_written(t, text)
        else:
            out.append(_as_written(t, text))
        prev_end = t.end
    return tuple(dict.fromkeys(out))


def _as_written(t: Token, text: str) -> str:
    """A token as the sentence writes it, a number with its currency sign or percent sign (`$5`, `12%`)."""
    if not t.number:
        return t.surface
    start = t.start - 1 if t.start and text[t.start - 1] in "$€£¥" else t.start
    end = t.end + 1 if text[t.end : t.end + 1] == "%" else t.end
    return text[start:end]


def differences(words: Words, shown: int, others: Sequence[int]) -> list[tuple[int, tuple[str, ...], tuple[str, ...]]]:
    """``(row, omits, adds)`` for each of ``others`` that differs from sentence ``shown`` on names or numbers: the
    names and numbers of ``shown`` it lacks and those it has instead (:meth:`Words.differing`), as written."""
    out = []
    for j in others:
        if j == shown:
            continue
        omits = name_phrases(words.differing(shown, j), words.texts[shown])
        adds = name_phrases(words.differing(j, shown), words.texts[j])
        if omits or adds:
            out.append((j, omits, adds))
    return out


def _common_positions(positions: list[int], a: list[str], b: list[str]) -> list[int]:
    """``positions`` of the items of ``a`` in a longest common subsequence of ``a`` and ``b``.

    The table of the longest common subsequences of suffixes is kept a row to an integer (bit-parallel: Hyyroe,
    2004): bit ``j`` of ``rows[n - x]`` is clear where the length for ``a[x:]`` grows from ``b``'s last ``j`` items
    to its last ``j + 1``, so the length for ``a[x:]`` and ``b[y:]`` is the count of clear bits below ``m - y``.
    The walk then takes the same steps as over the full table, at a few integer operations a row rather than a
    Python step per cell.
    """
    in_b = set(b)  # an item of ``a`` that ``b`` lacks is passed over by the walk below whatever the table: left out
    keep = [k for k, x in enumerate(a) if x in in_b]
    if not keep:
        return []
    positions, a = [positions[k] for k in keep], [a[k] for k in keep]
    n, m = len(a), len(b)
    match: dict[str, int] = {}
    for j, item in enumerate(reversed(b)):
        match[item] = match.get(item, 0) | (1 << j)
    full = (1 << m) - 1
    rows, v = [full], full
    for item in reversed(a):
        u = v & match.get(item, 0)
        v = ((v + u) | (v - u)) & full
        rows.append(v)

    out, x, y = [], 0, 0
    while x < n and y < m:
        if a[x] == b[y]:
            out.append(positions[x])
            x, y = x + 1, y + 1
            continue
        j = m - y  # the lengths for a[x + 1:], b[y:] and for a[x:], b[y + 1:], as the full table's walk compares them
        if j - (rows[n - x - 1] & ((1 << j) - 1)).bit_count() >= j - 1 - (rows[n - x] & ((1 << (j - 1)) - 1)).bit_count():
            x += 1
        else:
            y += 1
    return out


def _lacking(tokens: list[Token], shared: set[str]) -> list[int]:
    """Positions of the names and numbers among ``tokens`` whose stem ``shared`` lacks (a bare "one" is not one)."""
    return [k for k, t in enumerate(tokens)
            if t.flagged and not t.stop and t.stem not in shared and t.surface.lower() not in _VAGUE]


class Words:
    """Tokens of sentences (by row), made on first use; names are words capitalised inside some sentence of ``texts``."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self.proper = _proper_names(texts)
        self._tokens: dict[int, list[Token]] = {}
        self._content: dict[int, set[str]] = {}
        self._stems: dict[int, set[str]] = {}
        self._bigrams: dict[int, set[tuple[str, str]]] = {}
        self._sequences: dict[int, tuple[list[int], list[str]]] = {}
        self._countries: dict[int, list[str | None]] = {}
        self._name_runs: dict[tuple[int, bool], list[list[int]]] = {}

    def tokens(self, i: int) -> list[Token]:
        if i not in self._tokens:
            self._tokens[i] = _tokens(self.texts[i], self.proper)
        return self._tokens[i]

    def content(self, i: int) -> set[str]:
        """Stems of the content words (stop words left out; numbers and acronyms kept)."""
        if i not in self._content:
            self._content[i] = {t.stem for t in self.tokens(i) if not t.stop}
        return self._content[i]

    def missing(self, i: int, other: set[str]) -> list[Token]:
        """Content tokens of sentence ``i`` whose stem ``other`` lacks (every occurrence)."""
        return [t for t in self.tokens(i) if not t.stop and t.stem not in other]

    def differing(self, i: int, j: int) -> list[Token]:
        """Names and numbers of sentence ``i`` that sentence ``j`` lacks, inside the stretch of ``i`` that ``j`` also
        states: from the first to the last content word of the longest in-order run of content words the two share.
        So it is what the two say differently about the same thing, not what one says beyond it. A bare "one"
        ("one-on-one", "no one") is not taken for a number here, nor what ``j`` writes another way (:meth:`_same_in`:
        "Moscow" where ``j`` writes "Russia", "six" for "6", "Donald Trump" for "Trump"): that is wording."""
        toks = self.tokens(i)
        shared = self.content(j)
        lacking = _lacking(toks, shared)
        if not lacking:
            return []  # nothing of ``i`` can differ: no word alignment needed
        positions, stems = self._sequence(i)
        common = _common_positions(positions, stems, self._sequence(j)[1])
        if not common:
            return []
        return [toks[k] for k in lacking if common[0] <= k <= common[-1] and not self._same_in(i, k, j)]

    def _same_in(self, i: int, k: int, j: int) -> bool:
        """Whether token ``k`` of sentence ``i``, which sentence ``j`` lacks, is only written another way there: a
        country named otherwise (``Moscow`` / ``Russia``), a number in words or digits (``six`` / ``6``; ``19`` of
        ``COVID-19`` / ``COVID``), a month shortened (``Sept.``), or a name written shorter (:meth:`_name_part`)."""
        t = self.tokens(i)[k]
        country = self.countries(i)[k]
        if country and country in self.countries(j):
            return True
        if t.number:
            return self._same_number(i, k, j)
        if _norm(t.surface) in CALENDAR_WORDS:  # "Sept." for "September"
            months = {_norm(u.surface)[:3] for u in self.tokens(j) if _norm(u.surface) in CALENDAR_WORDS}
            return _norm(t.surface)[:3] in months
        return self._name_part(i, k, j)

    def _same_number(self, i: int, k: int, j: int) -> bool:
        """The number token ``k`` of ``i`` has its value in ``j`` (``six`` / ``6``), or it ends a name ``j`` has
        (``COVID-19`` / ``COVID``: a number tied to a name by a hyphen)."""
        toks, text = self.tokens(i), self.texts[i]
        value = self._value(toks[k])
        if value is not None and value in {self._value(u) for u in self.tokens(j) if u.number}:
            return True
        prev = toks[k - 1] if k else None
        return bool(prev and prev.name and text[prev.end : toks[k].start] == "-" and prev.stem in self.content(j))

    def _name_part(self, i: int, k: int, j: int) -> bool:
        """The name token ``k`` of ``i`` is a first name, initial or title of a name whose last word ``j`` writes in
        a name of its own with nothing ``i`` lacks (``Donald`` of ``President Donald Trump`` / ``President Trump``;
        not ``North`` of ``North Korea`` / ``South Korea``, nor ``York`` of ``New York`` / ``New Jersey``), or a
        word of a name joined by ``of`` or ``for`` that ``j`` writes shorter (``Representatives`` of ``the House of
        Representatives`` / ``the House``; not ``England`` of ``Bank of England`` / ``Bank of America``)."""
        if self._head_written_alone(i, k, j):
            return True
        theirs = self.tokens(j)
        run = next((r for r in self._runs(i) if r[0] <= k <= r[-1]), [k])
        last = self.tokens(i)[run[-1]]
        if k == run[-1] or _norm(last.surface) in TITLE_WORDS or last.stem not in self.content(j):
            return False
        mine = self._all_stems(i)
        return any(any(theirs[m].stem == last.stem for m in r) and all(theirs[m].stem in mine for m in r)
                   for r in self._runs(j))

    def _head_written_alone(self, i: int, k: int, j: int) -> bool:
        """Token ``k`` of ``i`` comes after `of` / `for` in a name whose head ``j`` writes alone, and never with
        another end (`the University` beside `University of Texas`), the head being no person's title."""
        heads = self._heads(i, k)
        if not heads:
            return False
        theirs = self.tokens(j)
        names = [{theirs[m].stem for m in r} for r in self._runs(j, joined=True)]
        return any(n in heads for n in names) and not any(n > h for n in names for h in heads)

    def _heads(self, i: int, k: int) -> list[set[str]]:
        """The stems of each head before token ``k`` in its name joined by `of` / `for` (`House` of `House of
        Representatives`), a person's title left out."""
        toks = self.tokens(i)
        long = next((r for r in self._runs(i, joined=True) if r[0] <= k <= r[-1]), [k])
        parts = [r for r in self._runs(i) if long[0] <= r[0] <= long[-1]]  # `House`, `Representatives`
        return [{toks[m].stem for p in parts[:n] for m in p} for n in range(1, len(parts))
                if parts[n][0] <= k and _norm(toks[parts[n - 1][-1]].surface) not in _PERSON_TITLES]

    def _runs(self, i: int, joined: bool = False) -> list[list[int]]:
        """The names of sentence ``i``: runs of name tokens joined by spaces, initials' stops or quotes
        (``I. Lewis “Scooter” Libby``); a weekday or month is none (``Trump's July 25 call``). ``joined``: also
        across ``of`` and ``for`` (``House of Representatives``, ``Court of Appeals for the District``). Made on first
        use, as the other per-sentence views are."""
        if (i, joined) in self._name_runs:
            return self._name_runs[(i, joined)]
        toks, text = self.tokens(i), self.texts[i]
        runs: list[list[int]] = []
        for k, t in enumerate(toks):
            if not t.name or _norm(t.surface) in CALENDAR_WORDS:
                continue
            if runs and (runs[-1][-1] == k - 1 and _NAME_GAP.fullmatch(text[toks[k - 1].end : t.start])
                         or joined and _NAME_JOIN.fullmatch(text[toks[runs[-1][-1]].end : t.start])):
                runs[-1].append(k)
            else:
                runs.append([k])
        self._name_runs[(i, joined)] = runs
        return runs

    @staticmethod
    def _value(t: Token) -> str | None:
        w = t.surface.lower().replace(",", "")
        return (w.lstrip("0") or "0") if w.isdigit() else _NUMBER_VALUES.get(w, w if w[:1].isdigit() else None)

    def countries(self, i: int) -> list[str | None]:
        """The country each token of sentence ``i`` names, if any (``Moscow``, ``Russian``, ``Russia`` -> ``russia``;
        :func:`summarizer.text.country_keys`); only capitalised words count, so the pronoun "us" names no country."""
        if i not in self._countries:
            self._countries[i] = country_keys([_norm(t.surface) if t.surface[0].isupper() else "" for t in self.tokens(i)])
        return self._countries[i]

    def gaps(self, i: int, j: int) -> int:
        """How many names or numbers of sentence ``j`` leave a hole where sentence ``i`` drops them.

        A run of ``j``'s words missing from ``i`` that holds a name or number is a gap when the words on both sides
        of the run stand next to each other in ``i`` (``Russia and China opposed`` -> ``Russia and opposed``).
        """
        tj = self.tokens(j)
        stems_i = self._all_stems(i)
        count, k = 0, 0
        while k < len(tj):
            if tj[k].stem in stems_i:
                k += 1
                continue
            end = k
            while end < len(tj) and tj[end].stem not in stems_i:
                end += 1
            if 0 < k and end < len(tj) and any(t.flagged for t in tj[k:end]) and \
                    (tj[k - 1].stem, tj[end].stem) in self._adjacent(i):
                count += 1
            k = end
        return count

    def _sequence(self, i: int) -> tuple[list[int], list[str]]:
        """Positions and stems of the content words of sentence ``i``, in order (what word alignments compare)."""
        if i not in self._sequences:
            toks = self.tokens(i)
            keep = [k for k, t in enumerate(toks) if not t.stop]
            self._sequences[i] = (keep, [toks[k].stem for k in keep])
        return self._sequences[i]

    def _all_stems(self, i: int) -> set[str]:
        if i not in self._stems:
            self._stems[i] = {t.stem for t in self.tokens(i)}
        return self._stems[i]

    def _adjacent(self, i: int) -> set[tuple[str, str]]:
        if i not in self._bigrams:
            t = self.tokens(i)
            self._bigrams[i] = {(a.stem, b.stem) for a, b in zip(t, t[1:])}
        return self._bigrams[i]

    def incomplete(self, i: int, others: Sequence[int] = ()) -> bool:
        """A fragment, or a short line whose content words all stand in one of ``others`` (a subheading)."""
        text = self.texts[i]
        if FRAGMENT.search(text):
            return True
        mine = self.content(i)
        return len(text.split()) <= SUBHEADING_WORDS and any(j != i and mine <= self.content(j) for j in others)


def best_member(
    members: Sequence[int], words: Words, docs: Sequence[Hashable], *, rewritten: frozenset = frozenset(),
    complete: np.ndarray | Mapping[int, float] | None = None, key: np.ndarray | None = None, floor: float = 1.0,
    incomplete: np.ndarray | None = None,
) -> int:
    """The member of a fact group a reader would want to see (rows into ``words``; ``docs[row]`` is its document).

    Members are ranked by, in turn: fewer gaps (a name or number another member has, dropped so that its
    neighbours meet: ``Russia and opposed``), not from a document in ``rewritten`` (a detected reworded copy),
    a full sentence (not a fragment or a subheading repeating part of another member), fewer names and numbers
    that other members state where they say the same thing and it lacks (:meth:`Words.differing`). Among the best so ranked: the one rated best by ``key`` among those
    at least ``floor`` times as complete (``complete``, e.g. content weight) as the most complete of them; with
    no ``key``, the most complete; with neither, the first. ``incomplete`` may flag fragments and subheadings
    found beyond the group (by row); else :meth:`Words.incomplete` looks inside the group.
    """
    if len(members) == 1:
        return members[0]

    def others(i: int) -> list[int]:
        return [j for j in members if docs[j] != docs[i]]

    def flaws(i: int) -> tuple[int, bool, bool]:
        flawed = bool(incomplete[i]) if incomplete is not None else words.incomplete(i, members)
        return (sum(words.gaps(i, j) for j in others(i)), docs[i] in rewritten, flawed)

    def lacks(i: int) -> int:
        return len({t.stem for j in others(i) for t in words.differing(j, i)})

    rated = {i: flaws(i) for i in members}
    best = min(rated.values())
    tier = [i for i in members if rated[i] == best]
    if len(tier) > 1:  # the last criterion (a word alignment per pair) is needed only among the best on the others
        lacking = {i: lacks(i) for i in tier}
        fewest = min(lacking.values())
        tier = [i for i in tier if lacking[i] == fewest]
    if complete is None:
        return tier[0]
    if key is None or floor >= 1.0:
        return max(tier, key=lambda i: (complete[i], -i))
    top = max(complete[i] for i in tier)
    return max((i for i in tier if complete[i] >= floor * top), key=lambda i: (key[i], -i))


def subheadings(content: sparse.csr_matrix, words: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Which sentences are subheadings: at most :data:`SUBHEADING_WORDS` words, and with no final stop or every
    content stem (rows of the binary ``content`` matrix) found in one other sentence."""
    short = np.flatnonzero(np.asarray(words) <= SUBHEADING_WORDS)
    out = np.zeros(len(words), dtype=bool)
    if not len(short):
        return out
    out[short] = [not _FINAL_STOP.search(texts[i]) for i in short]
    own = np.asarray(content[short].sum(axis=1)).ravel()
    shared = (content[short] @ content.T).tocoo()
    other = shared.col != short[shared.row]  # not itself
    best = np.zeros(len(short), dtype=np.float32)
    np.maximum.at(best, shared.row[other], shared.data[other])
    out[short] |= (own > 0) & (best >= own)
    return out
