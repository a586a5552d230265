"""Hybrid sentence retrieval: FAISS dense search and BM25 fused, each sentence scored with its neighbours in view."""

from __future__ import annotations

import bisect
import logging
import threading
import weakref
from dataclasses import dataclass

import numpy as np

from index import Store

from .lexical import Bm25, NameVariants, related_words, tokenize, words

__all__ = ["Corpus", "Query", "Scored", "corpus_of", "make_query", "retrieve", "WEIGHTS"]

logger = logging.getLogger(__name__)

# How the evidence for one sentence adds up (dense cosines are about 0.1-0.8; BM25 is scaled to 0-1 by the
# best sentence of the collection for this question).
WEIGHTS = {
    "lexical": 0.35,  # BM25 of the sentence alone
    "window": 0.30,  # BM25 of the sentence with its neighbours and its document's title
    "neighbour": 0.15,  # the better dense cosine of the previous and next sentence
    "feedback": 0.2,  # BM25 (sentence and window) of the names found in the best first-round sentences
    "lead": 0.0,  # the first body sentence of a document
    "title": 0.3,  # share of the document's title (by idf) that the question names
    "feedback_title": 0.25,  # share of the document's title named in the best first-round sentences
}
FEEDBACK_ROWS = 2  # first-round sentences whose names feed the second round (bridging questions)
DEPTH = 48  # candidates taken from each ranking before the neighbours are added


@dataclass(frozen=True)
class Corpus:
    """What retrieval precomputes for one store generation: body sentences in reading order and their indexes."""

    generation: int
    sids: np.ndarray  # body sentence ids, grouped by document, in reading order
    row_of: dict[int, int]
    doc: np.ndarray  # document number of each row
    prev: np.ndarray  # row of the previous body sentence of the same document, -1 at the start
    next: np.ndarray  # row of the next body sentence of the same document, -1 at the end
    texts: list[str]
    own: Bm25  # each sentence alone
    window: Bm25  # each sentence with its neighbours and its document's title
    names: NameVariants
    titles: list[frozenset[str]]  # terms of each document's title
    terms: list[frozenset[str]]  # terms of each sentence
    sorted_vocab: list[str]

    def __len__(self) -> int:
        return len(self.sids)

    def window_terms(self, row: int) -> frozenset[str]:
        """Terms of a sentence, its neighbours and its document's title."""
        out = set(self.terms[row]) | self.titles[self.doc[row]]
        for j in (self.prev[row], self.next[row]):
            if j >= 0:
                out |= self.terms[j]
        return frozenset(out)


_cache: "weakref.WeakKeyDictionary[Store, Corpus]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def corpus_of(store: Store) -> Corpus:
    """The store's corpus for its current generation: built on first use after every add or remove."""
    gen = store.generation
    with _lock:
        cached = _cache.get(store)
        if cached is not None and cached.generation == gen:
            return cached
        built = _build(store, gen)
        _cache[store] = built
        return built


def _build(store: Store, generation: int) -> Corpus:
    docs = store.documents
    sids: list[int] = []
    doc_no: list[int] = []
    for n, d in enumerate(docs):
        ids = store.body_ids([d.id])
        sids.extend(ids)
        doc_no.extend([n] * len(ids))
    texts = [store.sentence(s).text for s in sids]
    doc = np.asarray(doc_no, dtype=np.int64)
    n = len(sids)
    rows = np.arange(n)
    prev = np.where((rows > 0) & (np.roll(doc, 1) == doc), rows - 1, -1) if n else rows
    nxt = np.where((rows < n - 1) & (np.roll(doc, -1) == doc), rows + 1, -1) if n else rows
    toks = [tokenize(t) for t in texts]
    title_toks = [tokenize(d.title) for d in docs]
    win = []
    for i in range(n):
        w = list(title_toks[doc[i]])
        if prev[i] >= 0:
            w += toks[prev[i]]
        w += toks[i]
        if nxt[i] >= 0:
            w += toks[nxt[i]]
        win.append(w)
    corpus = Corpus(
        generation, np.asarray(sids, dtype=np.int64), {s: i for i, s in enumerate(sids)}, doc, prev, nxt, texts,
        Bm25(toks), Bm25(win), NameVariants.build(texts + [d.title for d in docs]),
        [frozenset(t) for t in title_toks],
        [frozenset(t) for t in toks],
        [],
    )
    corpus.sorted_vocab.extend(sorted(corpus.own.vocab))
    logger.info("retrieval corpus built: %d sentences, %d terms, generation %d", n, len(corpus.own.vocab), generation)
    return corpus


def _longer_forms(corpus: Corpus, term: str) -> list[str]:
    """Terms of the collection that extend ``term`` by one or two letters (``focus`` -> ``focuss``)."""
    vocab = corpus.sorted_vocab
    i = bisect.bisect_right(vocab, term)
    out = []
    while i < len(vocab) and vocab[i].startswith(term):
        if len(vocab[i]) - len(term) <= 2:
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

    def forms_of(self, text: str) -> set[str]:
        """The terms of ``text`` with all the forms this question knows for them."""
        out = set(tokenize(text))
        for t, f in zip(self.terms, self.forms):
            if t in out:
                out |= f
        return out


def make_query(corpus: Corpus, question: str) -> Query:
    terms: list[str] = []
    forms: list[frozenset[str]] = []
    variants: dict[str, tuple[str, ...]] = {}
    vocab = corpus.own.vocab
    for i, w in enumerate(words(question)):
        stem = tokenize(w)
        if not stem:
            continue
        f = set(stem)
        for r in related_words(w):
            f.update(tokenize(r))
        if len(stem[0]) >= 5:
            f.update(_longer_forms(corpus, stem[0]))
        if (w[:1].isupper() and i) or stem[0] not in vocab:  # names and unknown words: other spellings
            found = tuple(corpus.names.variants(w))
            if found:
                variants[w] = found
                for v in found:
                    f.update(tokenize(v))
        terms.append(stem[0])
        forms.append(frozenset(f))
    expanded = list(terms) + [x for t, f in zip(terms, forms) for x in sorted(f - {t})]
    spellings = [question]
    for w, found in variants.items():
        for v in found[:2]:
            spellings.append(question.replace(w, v[:1].upper() + v[1:] if w[:1].isupper() else v))
    return Query(question, tuple(terms), tuple(forms), tuple(expanded), tuple(spellings[:4]), variants)


def _title_match(corpus: Corpus, terms: set[str], docs: np.ndarray) -> np.ndarray:
    """For each document number, the share of its title's idf mass that ``terms`` cover."""
    cache: dict[int, float] = {}
    out = np.zeros(len(docs), dtype=np.float32)
    for i, d in enumerate(docs):
        d = int(d)
        if d not in cache:
            title = corpus.titles[d]
            total = sum(corpus.own.idf(t) for t in title)
            cache[d] = sum(corpus.own.idf(t) for t in title & terms) / total if total else 0.0
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


def retrieve(store: Store, corpus: Corpus, query: Query, qvecs: np.ndarray, *, depth: int = DEPTH) -> Scored:
    """Candidates from the dense index and both BM25 indexes, and their neighbours, scored together."""
    n = len(corpus)
    if n == 0:
        z = np.zeros(0)
        return Scored(np.zeros(0, dtype=np.int64), z, z, z, z, z, np.zeros((0, qvecs.shape[1]), dtype=np.float32))
    own = corpus.own.scores(query.expanded)
    win = corpus.window.scores(query.expanded)
    own = own / own.max() if own.max() > 0 else own
    win = win / win.max() if win.max() > 0 else win
    cand: set[int] = set()
    for hits in store.search(qvecs, depth):
        cand.update(corpus.row_of[s] for s, _ in hits if s in corpus.row_of)
    for arr in (own, win):
        m = min(depth, n)
        top = np.argpartition(-arr, m - 1)[:m]
        cand.update(int(r) for r in top if arr[r] > 0)
    base = np.fromiter(sorted(cand), dtype=np.int64)
    around = np.concatenate([base, corpus.prev[base], corpus.next[base]])
    rows = np.unique(around[around >= 0])
    nb = np.stack([corpus.prev[rows], corpus.next[rows]], axis=1)
    need = np.unique(np.concatenate([rows, nb[nb >= 0]]))
    vecs = store.vectors(corpus.sids[need].tolist())
    cos = (vecs @ qvecs.T).max(axis=1)
    pos = {int(r): i for i, r in enumerate(need)}
    dense = np.array([cos[pos[int(r)]] for r in rows], dtype=np.float32)
    neigh = np.array([max((cos[pos[int(j)]] for j in pair if j >= 0), default=0.0) for pair in nb], dtype=np.float32)
    lex, wlex = own[rows], win[rows]
    score = dense + WEIGHTS["lexical"] * lex + WEIGHTS["window"] * wlex + WEIGHTS["neighbour"] * neigh
    score += WEIGHTS["lead"] * (corpus.prev[rows] < 0)
    if WEIGHTS["title"] > 0:
        score += WEIGHTS["title"] * _title_match(corpus, set(query.expanded), corpus.doc[rows])
    if WEIGHTS["feedback"] > 0:
        fb = _feedback_terms(corpus, query, rows[np.argsort(-score)[:FEEDBACK_ROWS]])
        if fb:
            fo, fw = corpus.own.scores(fb), corpus.window.scores(fb)
            fo = fo / fo.max() if fo.max() > 0 else fo
            fw = fw / fw.max() if fw.max() > 0 else fw
            score += WEIGHTS["feedback"] * 0.5 * (fo[rows] + fw[rows])
            score += WEIGHTS["feedback_title"] * _title_match(corpus, set(fb), corpus.doc[rows])
    order = np.argsort(-score, kind="stable")
    own_vecs = vecs[[pos[int(r)] for r in rows]]
    return Scored(rows[order], score[order], dense[order], lex[order], wlex[order], neigh[order], own_vecs[order])
