"""Hybrid sentence retrieval: FAISS dense search and BM25 fused, each sentence scored with its neighbours in view."""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from index import Store

from .aliases import TITLE_STEMS, role_names
from .corpus import Corpus, corpus_of
from .followup import names_in
from .lexical import related_words, tokenize, words

__all__ = ["Corpus", "Query", "Scored", "corpus_of", "make_query", "retrieve", "top_rows", "RetrievalWeights",
           "RETRIEVAL_WEIGHTS"]

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class RetrievalWeights:
    """How the evidence for one sentence adds up, and how far search looks.

    Dense cosines are about 0.1-0.8; BM25 is scaled to 0-1 by the best sentence of the collection for the question.
    Chosen on seeds_qa_dev and HotpotQA dev50 (bench/qa_quality.py: seeds hit@1 1.0, HotpotQA recall@5 0.765).
    """

    lexical: float = 0.35  # BM25 of the sentence alone (0.25 and 0.45 lost HotpotQA recall)
    window: float = 0.30  # BM25 of the sentence with its neighbours and its document's title (bridges a pronoun)
    neighbour: float = 0.15  # the better dense cosine of the previous and next sentence
    feedback: float = 0.2  # BM25 (sentence and window, averaged) of names in the best first-round sentences
    title: float = 0.3  # share of the document's title (by idf) that the question names (HotpotQA: +0.04 recall)
    feedback_title: float = 0.25  # share of the document's title named in the best first-round sentences
    feedback_rows: int = 2  # first-round sentences whose names feed the second round (bridging questions)
    depth: int = 48  # candidates taken from each ranking before the neighbours are added
    longer_from: int = 5  # a question term this long also matches collection terms extending it ...
    longer_by: int = 2  # ... by at most this many letters (``focus`` -> ``focuss``)
    spellings: int = 4  # question texts encoded at most: as asked, then with names spelled as in the collection
    spellings_per_name: int = 2  # collection spellings tried per name of the question
    synonyms: bool = True  # a question word also searches its synonyms (summarizer.text.SYNONYMS)
    role_name: float = 0.35  # as ``lexical``, for the question's names a sentence holds as a role (see aliases)
    role_pool: int = 64  # ... looked up for this many best candidates (of about 250): each lookup tokenizes the
    # sentence, and at 1M sentences doing it for every candidate was a quarter of an ask


RETRIEVAL_WEIGHTS = RetrievalWeights()


def _longer_forms(corpus: Corpus, term: str, longer_by: int) -> list[str]:
    """Terms of the collection that extend ``term`` by at most ``longer_by`` letters (``focus`` -> ``focuss``)."""
    vocab = corpus.sorted_vocab
    i = bisect.bisect_right(vocab, term)
    out = []
    while i < len(vocab) and vocab[i].startswith(term):
        if len(vocab[i]) - len(term) <= longer_by:
            out.append(vocab[i])
        i += 1
    return out


@dataclass(frozen=True)
class Query:
    """A question as retrieval sees it: its terms with their other forms, and its text in every spelling."""

    text: str
    terms: tuple[str, ...]  # stemmed content terms of the question
    forms: tuple[frozenset[str], ...]  # for each term: itself, its name variants, related and longer forms
    expanded: tuple[str, ...]  # every form of every term
    spellings: tuple[str, ...]  # the question, then the question with each name spelled as in the collection
    variants: dict[str, tuple[str, ...]]  # question word -> collection spellings
    names: frozenset[str] = frozenset()  # terms of the question's capitalised words after its first: its names
    _forms: dict[str, frozenset[str]] = field(default_factory=dict, init=False, compare=False, repr=False)  # by text

    @property
    def term_groups(self) -> list[tuple[str, ...]]:
        """Each term with its other forms, as BM25 counts them: a term once, by its best form in a row."""
        return [(t, *sorted(f - {t})) for t, f in zip(self.terms, self.forms)]

    def forms_of(self, text: str) -> set[str]:
        """The terms of ``text`` with all the forms this question knows for them (a new set each call)."""
        found = self._forms.get(text)
        if found is None:
            out = set(tokenize(text))
            for t, f in zip(self.terms, self.forms):
                if t in out:
                    out |= f
            found = self._forms[text] = frozenset(out)
        return set(found)


def _forms(corpus: Corpus, word: str, term: str, spellings: tuple[str, ...], w: RetrievalWeights) -> frozenset[str]:
    """A question word's term, the terms of related words and other spellings, and longer forms in the corpus."""
    f = {term}
    for r in (*related_words(word, with_synonyms=w.synonyms), *spellings):
        f.update(tokenize(r))
    if len(term) >= w.longer_from:
        f.update(_longer_forms(corpus, term, w.longer_by))
    return frozenset(f)


# The verb of a "where" or "when" question that only says an event is at some place or time: "Where was the meeting
# held?", "When did the talks take place?", "When did it happen?". The answer rarely repeats it, and "held" or "place"
# then match sentences about something else ("an American citizen held in Russia"). Its words are no terms. "Held"
# frames only an event ("Where was Floyd being held?" asks where he was detained), so it needs an event word or a
# name that is no person's.
_FRAME_WORDS = frozenset("happen happens happened occur occurs occurred".split())
_HOLD = frozenset("hold holds held holding".split())
_TAKE = frozenset("take takes took taken taking".split())
_EVENTS = frozenset(
    """meeting meetings summit talks conference election elections vote ceremony session sessions game match event
    rally festival hearing trial funeral referendum concert race tournament celebration parade debate negotiations
    exhibition competition olympics games forum congress convention assembly inauguration wedding party
    contest""".split()
)
_OPENERS = frozenset("and so but then".split())


def _frame_positions(question_words: list[str]) -> set[int]:
    """Positions of an event-frame verb in a question that opens with "where" or "when" (``_FRAME_WORDS``, "take
    place", "held" of an event)."""
    low = [w.lower() for w in question_words]
    first = next((w for w in low if w not in _OPENERS), "")
    if first not in ("where", "when"):
        return set()
    # an event: an event word, or a name that is no person's ("Where was the G20 held?"; "Where was Floyd held?"
    # asks where he was detained)
    named = names_in(" ".join(question_words))
    events = bool(_EVENTS & set(low)) or (bool(named) and all(n.kind != "person" for n in named))
    out = {i for i, w in enumerate(low) if w in _FRAME_WORDS or (events and w in _HOLD)}
    for i, w in enumerate(low[:-1]):
        if w in _TAKE and low[i + 1] == "place":
            out |= {i, i + 1}
    return out


def make_query(corpus: Corpus, question: str, weights: RetrievalWeights = RETRIEVAL_WEIGHTS) -> Query:
    """The question's terms with their other forms (name spellings, related and longer words) in this corpus."""
    w = weights
    terms: list[str] = []
    forms: list[frozenset[str]] = []
    variants: dict[str, tuple[str, ...]] = {}
    names: set[str] = set()
    vocab = corpus.own.vocab
    qwords = words(question)
    frame = _frame_positions(qwords)
    for i, word in enumerate(qwords):
        stem = tokenize(word)
        if not stem or i in frame:
            continue
        if i and word[:1].isupper():
            names.add(stem[0])
        found = tuple(corpus.names.variants(word)) if (word[:1].isupper() and i) or stem[0] not in vocab else ()
        if found:  # names and unknown words: other spellings
            variants[word] = found
        terms.append(stem[0])
        forms.append(_forms(corpus, word, stem[0], found, w))
    forms = _with_role_names(corpus, forms)
    expanded = list(terms) + [x for t, f in zip(terms, forms) for x in sorted(f - {t})]
    spellings = [question]
    for word, found in variants.items():
        for v in found[: w.spellings_per_name]:
            spellings.append(question.replace(word, v[:1].upper() + v[1:] if word[:1].isupper() else v))
    return Query(question, tuple(terms), tuple(forms), tuple(expanded), tuple(spellings[: w.spellings]), variants,
                 frozenset(names))


def _with_role_names(corpus: Corpus, forms: list[frozenset[str]]) -> list[frozenset[str]]:
    """A role the question names ("the Spanish foreign minister") also searches the name it stands for."""
    found = role_names(forms, corpus.all_aliases)
    if not found:
        return forms
    names = frozenset().union(*(a.name_terms for a in found))
    return [f | names if f & TITLE_STEMS else f for f in forms]


def _title_match(corpus: Corpus, terms: set[str], docs: np.ndarray) -> np.ndarray:
    """For each document number, the share of its title's idf mass that ``terms`` cover."""
    cache: dict[int, float] = {}
    out = np.zeros(len(docs), dtype=np.float32)
    for i, d in enumerate(docs):
        d = int(d)
        if d not in cache:
            total = corpus.title_mass(d)
            cache[d] = sum(corpus.own.idf(t) for t in corpus.titles[d] & terms) / total if total else 0.0
        out[i] = cache[d]
    return out


def _feedback_terms(corpus: Corpus, query: Query, rows: np.ndarray) -> list[str]:
    """Terms of the names (capitalised words) in these sentences that the question does not already use."""
    seen = set(query.expanded)
    out: list[str] = []
    for r in rows:
        for w in words(corpus.texts[int(r)]):
            if w[:1].isupper():
                for t in tokenize(w):
                    if t not in seen:
                        seen.add(t)
                        out.append(t)
    return out


@dataclass(frozen=True)
class Scored:
    """Candidate rows of a corpus with their evidence, best first."""

    rows: np.ndarray
    score: np.ndarray  # combined score
    dense: np.ndarray  # cosine of the sentence and the question
    lexical: np.ndarray  # BM25 of the sentence, scaled by the best in the collection
    window: np.ndarray  # BM25 of the sentence with its neighbours, scaled likewise
    neighbour: np.ndarray  # better dense cosine of the two neighbours
    vectors: np.ndarray  # the sentences' unit vectors


def _scaled(scores: np.ndarray) -> np.ndarray:
    """Scores divided by their maximum (unchanged when nothing scores)."""
    top = scores.max() if len(scores) else 0.0
    return scores / top if top > 0 else scores


def _scaled_at(scores: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``_scaled(scores)[rows]`` without dividing every row."""
    top = scores.max() if len(scores) else 0.0
    return scores[rows] / top if top > 0 else scores[rows]


_BLOCK = 1024  # rows whose best score is read at once by top_rows


def top_rows(scores: np.ndarray, m: int) -> np.ndarray:
    """The ``m`` rows of highest score, ties to the lower row (increasing rows).

    Over a large collection, the best score of each block of rows is read first. The m-th best of those,
    ``floor``, bounds the top m from below (m blocks reach it), and every row scoring above it lies in the fewer
    than m blocks whose best is above it; when those rows are fewer than m, the rest of the top m are the first
    rows scoring exactly ``floor``, found in the first blocks reaching it. So a few blocks are searched instead
    of every row, ties (many rows of one score) included.
    """
    n = len(scores)
    if m >= n:
        return np.arange(n)
    if m <= 0:
        return np.zeros(0, dtype=np.int64)
    whole = n // _BLOCK * _BLOCK
    if whole // _BLOCK <= 4 * m:
        return _top_of(scores, m)
    best = scores[:whole].reshape(-1, _BLOCK).max(axis=1)
    if whole < n:
        best = np.append(best, scores[whole:].max())
    floor = np.partition(best, len(best) - m)[len(best) - m]
    higher = np.flatnonzero(best > floor)
    rows = _rows_of_blocks(higher, n)
    values = scores[rows]
    above = rows[values > floor]
    if len(above) >= m:
        return rows[_top_of(values, m)]
    need = m - len(above)
    first = _rows_of_blocks(np.flatnonzero(best >= floor)[: need + len(higher)], n)
    return np.sort(np.concatenate([above, first[scores[first] == floor][:need]]))


def _rows_of_blocks(blocks: np.ndarray, n: int) -> np.ndarray:
    rows = (blocks[:, None] * _BLOCK + np.arange(_BLOCK)).ravel()
    return rows[rows < n]


def _top_of(scores: np.ndarray, m: int) -> np.ndarray:
    """Positions of the ``m`` highest scores, ties to the lower position (increasing)."""
    kth = np.partition(scores, len(scores) - m)[len(scores) - m]  # the m-th highest
    above = np.flatnonzero(scores > kth)
    return np.sort(np.concatenate([above, np.flatnonzero(scores == kth)[: m - len(above)]]))


def _candidates(store: Store, corpus: Corpus, qvecs: np.ndarray, lexical: list[np.ndarray], depth: int) -> np.ndarray:
    """Rows from the dense index and each lexical ranking (``depth`` from each), with their neighbours."""
    cand: set[int] = set()
    for hits in store.search(qvecs, depth):
        found = corpus.row_of.rows(np.fromiter((s for s, _ in hits), dtype=np.int64, count=len(hits)))
        cand.update(found[found >= 0].tolist())
    for arr in lexical:
        top = top_rows(arr, depth)
        cand.update(int(r) for r in top if arr[r] > 0)
    base = np.fromiter(sorted(cand), dtype=np.int64)
    around = np.concatenate([base, corpus.prev[base], corpus.next[base]])
    return np.unique(around[around >= 0])


def _dense(store: Store, corpus: Corpus, rows: np.ndarray, qvecs: np.ndarray):
    """Each row's best cosine with the question's spellings, its neighbours' better cosine, and its vector."""
    nb = np.stack([corpus.prev[rows], corpus.next[rows]], axis=1)
    need = np.unique(np.concatenate([rows, nb[nb >= 0]]))
    vecs = store.vectors(corpus.sids[need].tolist())
    if not len(rows):
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32), vecs
    cos = (vecs @ qvecs.T).max(axis=1)
    at = np.searchsorted(need, rows)  # ``need`` is sorted and holds every row and neighbour
    has = nb >= 0
    near = np.where(has, cos[np.searchsorted(need, np.maximum(nb, 0))], -np.inf).max(axis=1)
    neigh = np.where(has.any(axis=1), near, 0.0).astype(np.float32)  # no neighbour: 0
    return cos[at].astype(np.float32), neigh, vecs[at]


def _feedback(corpus: Corpus, query: Query, rows: np.ndarray, score: np.ndarray, w: RetrievalWeights):
    """Second round: evidence for the names that the best first-round sentences add to the question (BM25 of
    sentence and window averaged, each scaled by the best candidate, and the title match), or None when they add
    none. Scored at the candidates only: names are common words of a large collection, and scoring every row for
    up to 17 of them was the slowest part of an ask at a million sentences."""
    fb = _feedback_terms(corpus, query, rows[np.argsort(-score)[: w.feedback_rows]])
    if not fb:
        return None
    both = _scaled(corpus.own.scores_at(fb, rows)) + _scaled(corpus.window.scores_at(fb, rows, corpus.own.idf))
    return (w.feedback / 2) * both, w.feedback_title * _title_match(corpus, set(fb), corpus.doc[rows])


def _named_by_role(corpus: Corpus, query: Query, rows: np.ndarray) -> np.ndarray:
    """For each row: the share (by idf) of the question's names the sentence holds only as a role its document
    gives that person ("The US Secretary of State said ..." for "What did Blinken ask?")."""
    out = np.zeros(len(rows), dtype=np.float32)
    names = [(t, f) for t, f in zip(query.terms, query.forms) if t in query.names]
    total = sum(corpus.own.idf(t) for t, _ in names)
    if not total:
        return out
    for i, r in enumerate(rows):
        by_role = corpus.named_by_role(int(r))
        if by_role:
            terms = corpus.terms[int(r)]
            out[i] = sum(corpus.own.idf(t) for t, f in names if f & by_role and not f & terms) / total
    return out


def _vectors(qvecs: np.ndarray | Callable[[], np.ndarray]) -> np.ndarray:
    """The question's vectors as float32, waited for when given as a function."""
    return np.asarray(qvecs() if callable(qvecs) else qvecs, dtype=np.float32)


def retrieve(
    store: Store, corpus: Corpus, query: Query, qvecs: np.ndarray | Callable[[], np.ndarray], *,
    weights: RetrievalWeights = RETRIEVAL_WEIGHTS,
) -> Scored:
    """Candidates from the dense index and both BM25 indexes, and their neighbours, scored together.

    ``qvecs``: the vectors of ``query.spellings``, or a function that waits for them (an encoding started before
    the call: the BM25 indexes score while the model encodes).
    """
    w = weights
    if len(corpus) == 0:
        z, dim = np.zeros(0), _vectors(qvecs).shape[1]
        return Scored(np.zeros(0, dtype=np.int64), z, z, z, z, z, np.zeros((0, dim), dtype=np.float32))
    groups = query.term_groups
    own = corpus.own.grouped_scores(groups)  # unscaled: only the candidates are divided by the best score
    win = corpus.window.grouped_scores(groups)
    qvecs = _vectors(qvecs)  # waited for only now: the model encoded while BM25 scored
    rows = _candidates(store, corpus, qvecs, [own, win], w.depth)
    dense, neigh, vecs = _dense(store, corpus, rows, qvecs)
    lex, wlex = _scaled_at(own, rows), _scaled_at(win, rows)
    score = dense + w.lexical * lex + w.window * wlex + w.neighbour * neigh
    score += w.title * _title_match(corpus, set(query.expanded), corpus.doc[rows])
    top = np.argsort(-score, kind="stable")[: w.role_pool]  # a role is looked up for the best candidates only
    score[top] += w.role_name * _named_by_role(corpus, query, rows[top])
    for part in _feedback(corpus, query, rows, score, w) or ():
        score += part
    order = np.argsort(-score, kind="stable")
    return Scored(rows[order], score[order], dense[order], lex[order], wlex[order], neigh[order], vecs[order])
