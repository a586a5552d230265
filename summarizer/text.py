"""What "the same word" means everywhere: the word pattern, one stemmer, one stop-word list, numbers, union-find."""

from __future__ import annotations

import logging
import pkgutil
import re
from functools import lru_cache
from typing import Callable, Generic, Hashable, Iterable, Sequence, TypeVar

__all__ = [
    "WORD",
    "words",
    "stem",
    "stemmer",
    "stop_words",
    "QUESTION_WORDS",
    "NUMBER_WORDS",
    "PERSON_PRONOUNS",
    "GROUP_PRONOUNS",
    "THING_PRONOUNS",
    "TITLE_WORDS",
    "ORGANISATION_WORDS",
    "CALENDAR_WORDS",
    "WEEKDAYS",
    "weekdays",
    "PLACE_WORDS",
    "DEMONYMS",
    "COUNTRIES",
    "COUNTRY_NAMES",
    "COUNTRY_PHRASES",
    "country_keys",
    "IRREGULAR_FORMS",
    "SYNONYMS",
    "synonyms",
    "UnionFind",
]

logger = logging.getLogger(__name__)

# A word: letters or digits, with inner apostrophes ("Blinken's", "don’t"); underscores and other marks split.
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

# Words written as numbers ("two countries", "a dozen"): they differ between sources like digits do.
NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion trillion dozen".split()
)

# Words that carry no content in a question or a search: BM25 drops them. The fact-group rule and the comparison
# use sumy's longer English list (:func:`stop_words`), which holds all of these but "s", "ones" and "done".
QUESTION_WORDS = frozenset(
    """a an and are as at be but by for if in into is it no not of on or such that the their then there these
    they this to was will with what which who whom whose when where why how did do does done has have had
    been being were would could should can may might must shall s i you he she we his her its our your my
    me him them us than so also about from after before over under up down out any some all each other
    one ones very just only own same too more most doing""".split()
)

# Pronouns that stand for something named before (in a follow-up question, or a sentence continuing the one before):
# a person, a group of people, a thing.
PERSON_PRONOUNS = frozenset("he him his she her hers".split())
GROUP_PRONOUNS = frozenset("they them their theirs".split())
THING_PRONOUNS = frozenset("it its".split())

# Words of an office or a role written before a name ("Foreign Minister Baerbock", "US Secretary of State Blinken"):
# they describe a person and are not part of the name.
TITLE_WORDS = frozenset(
    """mr mrs ms miss dr sir dame lord lady president vice prime minister ministers secretary foreign state affairs
    external interior defence defense finance senator sen rep representative congressman congresswoman governor gov
    chancellor king queen prince princess emperor pope general gen colonel captain admiral spokesman spokeswoman
    spokesperson ambassador deputy chief director chairman chairwoman chair ceo mayor judge justice official leader
    premier envoy commissioner attorney speaker majority minority whip house senate head"""
    .split()
)

# Words that make a capitalised phrase an organisation, a publication or an event rather than a person.
ORGANISATION_WORDS = frozenset(
    """department ministry council party committee commission court union agency office bureau association
    institute university college school company corporation inc ltd group bank fund foundation federation
    nations organisation organization alliance army navy police news times post press journal guardian reuters
    agerpres network channel radio television tv summit conference meeting session treaty act bill war charter
    airport station church hospital center centre club league team""".split()
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Month and weekday names: capitalised, never someone's name.
CALENDAR_WORDS = frozenset(
    """january february march april may june july august september october november december jan feb mar apr jun
    jul aug sep sept oct nov dec today yesterday""".split() + [d.lower() for d in WEEKDAYS]
)

_WEEKDAY = re.compile(r"\b(?:" + "|".join(WEEKDAYS) + r")\b")


def weekdays(text: str) -> frozenset[str]:
    """The weekday names ``text`` holds (`... said on Tuesday` gives {"Tuesday"}); news leads date their event so."""
    return frozenset(_WEEKDAY.findall(text))


# Capitalised words that name a part of the world (the West, Eastern Europe) rather than someone.
PLACE_WORDS = frozenset(
    """west western east eastern north northern south southern central middle europe asia africa america americas
    pacific atlantic arctic antarctica gulf sea ocean island islands river lake mountains city county province region
    republic kingdom federation park area square street avenue bridge castle tower village town valley bay beach
    forest""".split()
)

# Country and people words that spelling cannot connect ("the French foreign minister" / "the representative of
# France"): language data, not answers. Both directions are used.
DEMONYMS = {
    "french": "france", "german": "germany", "dutch": "netherlands", "british": "britain", "english": "england",
    "spanish": "spain", "italian": "italy", "russian": "russia", "chinese": "china", "japanese": "japan",
    "indian": "india", "american": "america", "ukrainian": "ukraine", "polish": "poland", "turkish": "turkey",
    "greek": "greece", "swedish": "sweden", "norwegian": "norway", "danish": "denmark", "finnish": "finland",
    "swiss": "switzerland", "austrian": "austria", "belgian": "belgium", "portuguese": "portugal",
    "irish": "ireland", "scottish": "scotland", "welsh": "wales", "canadian": "canada", "mexican": "mexico",
    "brazilian": "brazil", "argentine": "argentina", "argentinian": "argentina", "chilean": "chile",
    "peruvian": "peru", "colombian": "colombia", "australian": "australia", "korean": "korea",
    "vietnamese": "vietnam", "thai": "thailand", "indonesian": "indonesia", "pakistani": "pakistan",
    "iranian": "iran", "iraqi": "iraq", "israeli": "israel", "palestinian": "palestine", "saudi": "arabia",
    "egyptian": "egypt", "syrian": "syria", "lebanese": "lebanon", "afghan": "afghanistan", "nigerian": "nigeria",
    "kenyan": "kenya", "ethiopian": "ethiopia", "african": "africa", "european": "europe", "asian": "asia",
    "belarusian": "belarus", "hungarian": "hungary", "czech": "czechia", "romanian": "romania",
    "bulgarian": "bulgaria", "serbian": "serbia", "croatian": "croatia", "georgian": "georgia",
    "armenian": "armenia", "estonian": "estonia", "latvian": "latvia", "lithuanian": "lithuania",
    "moldovan": "moldova", "slovak": "slovakia", "taiwanese": "taiwan", "filipino": "philippines",
}
COUNTRIES = frozenset(DEMONYMS.values())

# What news writes for a country itself beyond its name and people word: its capital or seat of power ("Moscow
# urged", "Kyiv said") and short forms, keyed to the country word of DEMONYMS. Wording only: sources that write
# "Moscow" and "Russia" for the same actor do not differ on a name.
COUNTRY_NAMES = {
    "moscow": "russia", "kremlin": "russia", "kyiv": "ukraine", "kiev": "ukraine", "beijing": "china",
    "washington": "america", "us": "america", "usa": "america", "london": "britain", "uk": "britain",
    "paris": "france", "berlin": "germany", "tokyo": "japan", "delhi": "india", "tehran": "iran",
    "ankara": "turkey", "minsk": "belarus", "warsaw": "poland", "rome": "italy", "madrid": "spain",
    "ottawa": "canada", "canberra": "australia", "riyadh": "arabia", "damascus": "syria", "baghdad": "iraq",
    "kabul": "afghanistan", "cairo": "egypt", "taipei": "taiwan", "seoul": "korea", "islamabad": "pakistan",
    "jakarta": "indonesia", "brasilia": "brazil", "tbilisi": "georgia", "budapest": "hungary",
}
# Two-word names of the same kind ("United States", "U.S." split by the word pattern, "New Delhi").
COUNTRY_PHRASES = {
    ("united", "states"): "america", ("u", "s"): "america", ("united", "kingdom"): "britain",
    ("great", "britain"): "britain", ("new", "delhi"): "india",
}


def country_keys(names: Sequence[str]) -> list[str | None]:
    """For each word of a sentence (lowercased, as written, in order), the country it names (its country word in
    :data:`DEMONYMS`: ``Russian``, ``Moscow`` and ``Russia`` -> ``russia``; both words of ``United States`` ->
    ``america``), or None. Pass only names: "us" is also a pronoun."""
    out: list[str | None] = [None] * len(names)
    for k, (a, b) in enumerate(zip(names, names[1:])):
        if (a, b) in COUNTRY_PHRASES:
            out[k] = out[k + 1] = COUNTRY_PHRASES[(a, b)]
    for k, w in enumerate(names):
        if out[k] is None:
            out[k] = DEMONYMS.get(w) or COUNTRY_NAMES.get(w) or (w if w in COUNTRIES else None)
    return out


# Irregular verb forms the stemmer cannot bring to their verb ("met" / "meet", "spoke" / "speak"): matched as the verb.
# Forms that are also common other words (left, found, saw, rose, felt, lay, bound) are not listed.
IRREGULAR_FORMS = {
    form: verb
    for verb, forms in {
        "tell": "told", "speak": "spoke spoken", "meet": "met", "write": "wrote written", "lead": "led",
        "win": "won", "hold": "held", "begin": "began begun", "bring": "brought", "buy": "bought",
        "think": "thought", "teach": "taught", "seek": "sought", "fight": "fought", "catch": "caught",
        "send": "sent", "spend": "spent", "build": "built", "lose": "lost", "make": "made", "pay": "paid",
        "sell": "sold", "stand": "stood", "take": "took taken", "give": "gave given", "go": "went gone",
        "come": "came", "become": "became", "see": "seen", "know": "knew known", "grow": "grew grown",
        "draw": "drew drawn", "throw": "threw thrown", "fly": "flew flown", "drive": "drove driven",
        "rise": "risen", "fall": "fell fallen", "run": "ran", "sing": "sang sung", "choose": "chose chosen",
        "steal": "stole stolen", "break": "broke broken", "wear": "wore worn", "swear": "swore sworn",
        "hide": "hid hidden", "eat": "ate eaten", "forget": "forgot forgotten", "get": "got gotten",
        "shoot": "shot", "strike": "struck", "keep": "kept", "sleep": "slept", "deal": "dealt", "mean": "meant",
        "hear": "heard", "feed": "fed", "flee": "fled", "sit": "sat", "lay": "laid", "sink": "sank sunk",
        "swim": "swam swum", "drink": "drank drunk", "ring": "rang rung", "freeze": "froze frozen",
        "wake": "woke woken", "bear": "bore borne born", "beat": "beaten", "bite": "bitten", "hang": "hung",
        "shake": "shook shaken", "tear": "tore torn", "undertake": "undertook undertaken",
        "withdraw": "withdrew withdrawn", "overtake": "overtook overtaken", "arise": "arose arisen",
    }.items()
    for form in forms.split()
}

# Words news writers use for one another ("buy" / "purchase", "back" / "support"): a question word also searches its
# group. Language data, kept to groups that mean the same in almost any sentence.
SYNONYMS = (
    "buy purchase", "talk speak discuss", "support back endorse", "free release", "begin start launch",
    "fire dismiss", "ban prohibit", "help aid assist", "quit resign", "reject refuse", "answer reply respond",
    "reveal disclose", "probe investigate investigation", "nation country", "leader chief", "poll survey",
    "lawmaker legislator", "film movie", "physician doctor", "award prize",
)


@lru_cache(maxsize=1)
def _synonym_index() -> dict[str, tuple[str, ...]]:
    """Stem of each synonym -> the other words of its group."""
    out: dict[str, tuple[str, ...]] = {}
    for group in SYNONYMS:
        ws = tuple(group.split())
        for w in ws:
            out[stem(w)] = tuple(x for x in ws if x != w)
    return out


def synonyms(word: str) -> tuple[str, ...]:
    """The other words of ``word``'s synonym group (``purchases`` -> ``buy``), or ()."""
    return _synonym_index().get(stem(word), ())


def words(text: str) -> list[str]:
    """The words of ``text`` as written (case kept), apostrophe suffixes dropped (``Blinken's`` -> ``Blinken``)."""
    out = []
    for w in WORD.findall(text):
        if "'" in w or "’" in w:
            w = _APOSTROPHE.split(w, maxsplit=1)[0]
        if w:
            out.append(w)
    return out


_APOSTROPHE = re.compile(r"['’]")


@lru_cache(maxsize=1)
def stemmer() -> Callable[[str], str]:
    """The English Snowball stemmer (NLTK, as sumy uses it), lowercasing, with a cache; loaded once.

    Without NLTK, words are matched lowercased and unstemmed (with a warning).
    """
    try:
        from nltk.stem.snowball import SnowballStemmer
    except ImportError:  # nltk comes with sumy; without it, words are matched unstemmed
        logger.warning("nltk is not installed: words are matched without stemming (pip install nltk)")
        return lru_cache(maxsize=200_000)(str.lower)
    snowball = SnowballStemmer("english", ignore_stopwords=False)

    def stem_one(word: str) -> str:
        low = word.lower()
        return snowball.stem(IRREGULAR_FORMS.get(low, low))

    cached = lru_cache(maxsize=200_000)(stem_one)

    def stem_word(word: str) -> str:
        # a number stems to itself: not stemmed, nor cached (a collection's numbers would push its words out)
        return word if word.isascii() and word.isdigit() else cached(word)

    return stem_word


def stem(word: str) -> str:
    """``word`` lowercased and stemmed (``Talks`` -> ``talk``; irregular forms to their verb: ``met`` -> ``meet``)."""
    return stemmer()(word)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """sumy's English stop words (offline), loaded once: the list of the fact-group rule and the comparison. Read
    from sumy's data file as ``sumy.utils.get_stop_words`` reads it, without importing ``sumy.utils`` (which imports
    requests: 175 ms in the first question that reached the grouping step)."""
    data = pkgutil.get_data("sumy", "data/stopwords/english.txt") or b""
    return frozenset(w.rstrip() for w in data.decode("utf-8").splitlines() if w)


K = TypeVar("K", bound=Hashable)


class UnionFind(Generic[K]):
    """Disjoint sets of items with path halving; ``members(x)`` lists the items of ``x``'s set.

    ``union(a, b)`` keeps the root that was added first, so set numbers follow the order items came in.
    """

    def __init__(self, items: Iterable[K] = ()) -> None:
        self._parent: dict[K, K] = {}
        self._members: dict[K, list[K]] = {}
        self._order: dict[K, int] = {}
        for x in items:
            self.add(x)

    def add(self, x: K) -> None:
        if x not in self._parent:
            self._parent[x] = x
            self._members[x] = [x]
            self._order[x] = len(self._order)

    def find(self, x: K) -> K:
        parent = self._parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: K, b: K) -> K:
        """Join the sets of ``a`` and ``b``; returns the root of the joined set."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        keep, drop = (ra, rb) if self._order[ra] <= self._order[rb] else (rb, ra)
        self._parent[drop] = keep
        self._members[keep].extend(self._members.pop(drop))
        return keep

    def members(self, x: K) -> list[K]:
        """The items in ``x``'s set, ``x``'s root first, then in the order they joined."""
        return self._members[self.find(x)]

    def sets(self) -> list[list[K]]:
        """Every set, in the order of their roots."""
        return [m for _, m in sorted(((self._order[r], m) for r, m in self._members.items()), key=lambda x: x[0])]
