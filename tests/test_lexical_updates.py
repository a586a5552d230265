"""Incremental lexical indexes: an index caught up add by add and remove by remove equals one built at once,
and both score as bm25s does over the same token lists."""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import replace

import bm25s
import numpy as np
import pytest

from index import NewDocument, Store
from summarizer.answer import corpus, postings
from summarizer.answer.corpus import LEXICAL_FILE, Lexicon, build_corpus, corpus_of, title_terms
from summarizer.answer.lexical import BM25_WEIGHTS, Contributions, WindowBm25, tokenize

WORDS = ("minister talks sanctions treaty grain exports ceasefire envoy summit harbour drought farmers budget "
         "election senate court ruling appeal tariff strike union wages inflation bank rates").split()
NAMES = ["Baerbock", "Berbock", "Lavrov", "Blinken", "Jaishankar", "Okafor", "Lindqvist", "Moreau", "Tanaka"]


def _article(rng: random.Random, i: int) -> NewDocument:
    sents = []
    for _ in range(rng.randint(1, 6)):
        ws = rng.sample(WORDS, rng.randint(3, 9))
        sents.append(f"{rng.choice(NAMES)} said the {' '.join(ws)} went on in {rng.choice(NAMES)} {i}.")
    return NewDocument(" ".join(sents), title=f"{rng.choice(NAMES)} {rng.choice(WORDS)} report {i}")


def _queries(corpus, rng: random.Random, n: int = 60) -> list[list[str]]:
    vocab = sorted(corpus.own.vocab)
    title_terms = sorted({t for ts in corpus.titles.values() for t in ts})
    return [rng.sample(vocab, 2) + rng.sample(title_terms, 1) + ["unknownterm"] for _ in range(n)]


def _assert_same(a, b, rng: random.Random) -> None:
    assert np.array_equal(a.sids, b.sids) and np.array_equal(a.doc, b.doc)
    assert np.array_equal(a.prev, b.prev) and np.array_equal(a.next, b.next)
    assert list(a.texts) == list(b.texts) and list(a.terms) == list(b.terms)
    assert a.sorted_vocab == b.sorted_vocab and set(a.own.vocab) == set(b.own.vocab)
    assert a.names.names == b.names.names and a.names.by_delete == b.names.by_delete
    assert a.titles == b.titles
    for q in _queries(b, rng):
        for index in ("own", "window"):
            sa, sb = getattr(a, index).scores(q), getattr(b, index).scores(q)
            assert np.array_equal(sa, sb), (index, q)  # same numbers, so the same ranking
            assert np.array_equal(np.argsort(-sa, kind="stable"), np.argsort(-sb, kind="stable"))
        assert [a.own.idf(t) for t in q] == [b.own.idf(t) for t in q]
    for sid in b.sids[:: max(1, len(b) // 50)].tolist():
        assert a.row_of[sid] == b.row_of[sid]


@pytest.mark.parametrize("insert_at_most", [0, 1000])  # vocabulary kept sorted by merging, or term by term
def test_incremental_indexes_equal_a_full_rebuild(fake_embedder, seed_paths, monkeypatch, insert_at_most):
    monkeypatch.setattr(corpus, "_INSERT_AT_MOST", insert_at_most)
    monkeypatch.setattr(postings, "_CHUNK", 7)  # a removed document's entries found over many chunks
    rng = random.Random(3)
    store = Store(embedder=fake_embedder)
    store.add([NewDocument(p.read_text(encoding="utf-8"), title=p.stem) for p in seed_paths])
    corpus_of(store)
    added = []
    for i in range(40):  # one document at a time: many small fresh segments, merged as they grow
        added.extend(store.add([_article(rng, i)]))
        if i % 3 == 0:
            corpus_of(store)
        if i % 7 == 6:
            store.remove(added.pop(rng.randrange(len(added))).id)
            corpus_of(store)
    store.add([_article(rng, 100 + i) for i in range(15)])  # and a batch
    for doc in rng.sample(added, 5):
        store.remove(doc.id)
    store.add([NewDocument(added[0].text + " A closing line about Baerbock.", title="again")])
    incremental = corpus_of(store)
    assert incremental is corpus_of(store)
    _assert_same(incremental, build_corpus(store), rng)


def test_removing_every_document_leaves_an_empty_index(fake_embedder):
    store = Store(embedder=fake_embedder)
    docs = store.add([_article(random.Random(1), i) for i in range(4)])
    assert len(corpus_of(store)) > 0
    for d in docs:
        store.remove(d.id)
    empty = corpus_of(store)
    assert len(empty) == 0 and not empty.sorted_vocab and not empty.names.names
    assert empty.own.scores(["minist"]).shape == (0,) and empty.window.scores(["minist"]).shape == (0,)
    store.add([_article(random.Random(2), 9)])
    _assert_same(corpus_of(store), build_corpus(store), random.Random(0))


@pytest.mark.parametrize("index", ["own", "window"])
def test_scores_match_bm25s_over_the_same_tokens(seeds, index):
    corpus = corpus_of(seeds.store)
    toks = [tokenize(t) for t in corpus.texts]
    if index == "window":
        docs = []
        for i in range(len(toks)):
            doc = seeds.store.document(corpus.texts._docs[int(corpus.doc[i])].id)
            first = next(x.text for x in seeds.sentences(doc.id) if x.is_body)
            w = list(title_terms(doc.title, first))  # a title cut from the first sentence adds no terms
            for j in (corpus.prev[i], i, corpus.next[i]):
                if j >= 0:
                    w += toks[j]
            docs.append(w)
    else:
        docs = toks
    ref = bm25s.BM25(k1=1.2, b=0.75)
    ref.index(docs, show_progress=False)
    ours = getattr(corpus, index)
    rng = random.Random(5)
    vocab = sorted(t for t in ref.vocab_dict if t)  # bm25s adds an empty token of its own
    for _ in range(100):
        q = rng.sample(vocab, 3)
        want = ref.get_scores(q)
        got = ours.scores(q + ["unknownterm"])
        assert np.allclose(got, want, rtol=1e-5, atol=1e-6)
        top = np.argsort(-want, kind="stable")[:10]
        assert np.allclose(got[top], want[top], rtol=1e-5)



def test_window_counts_in_an_array_equal_the_sparse_counts(seeds):
    """Common terms are counted in an array over the collection (``dense_share``): the same scores, bit for bit."""
    c = corpus_of(seeds.store)
    sparse, dense = (WindowBm25(c.own, c.prev, c.next, c.doc, c.window.titles) for _ in range(2))
    sparse.weights, dense.weights = replace(BM25_WEIGHTS, dense_share=1.0), replace(BM25_WEIGHTS, dense_share=0.0)
    vocab = sorted(c.own.vocab)
    for term in vocab:
        rows, tf = sparse.term_counts(term)
        want = np.zeros(len(c), dtype=np.float32)
        want[rows] = tf
        assert np.array_equal(dense.dense_counts(term), want), term
    rng = random.Random(8)
    for _ in range(60):
        q = rng.sample(vocab, 3) + ["unknownterm"]
        assert np.array_equal(dense.scores(q), sparse.scores(q)), q
    assert np.array_equal(c.window.scores(q), sparse.scores(q))

def test_saved_index_is_caught_up_by_another_process(tmp_path, fake_embedder):
    rng = random.Random(11)
    path = tmp_path / "store"
    first = Store(path, embedder=fake_embedder)
    docs = first.add([_article(rng, i) for i in range(12)])
    saved = len(corpus_of(first))
    assert (path / LEXICAL_FILE).exists()
    first.close()
    other = Store(path, embedder=fake_embedder)  # as a later process: no cached index in memory
    other.remove(docs[3].id)
    other.remove(docs[0].id)
    other.add([_article(rng, 50), _article(rng, 51)])
    loaded = Lexicon.load(other)
    assert loaded is not None and len(loaded.sids) == saved
    _assert_same(loaded.update(other, other.generation), build_corpus(other), rng)


def test_damaged_or_foreign_lexical_file_is_rebuilt(tmp_path, fake_embedder):
    rng = random.Random(12)
    a = Store(tmp_path / "a", embedder=fake_embedder)
    a.add([_article(rng, i) for i in range(5)])
    corpus_of(a)
    b = Store(tmp_path / "b", embedder=fake_embedder)
    b.add([_article(rng, 10 + i) for i in range(5)])
    shutil.copy(tmp_path / "a" / LEXICAL_FILE, tmp_path / "b" / LEXICAL_FILE)  # same numbers, other documents
    assert Lexicon.load(b) is None
    (tmp_path / "a" / LEXICAL_FILE).write_bytes(b"PK\x03\x04 not really a zip")
    assert Lexicon.load(a) is None


def test_cached_contributions_give_the_same_scores_within_their_budget(seeds):
    c = corpus_of(seeds.store)
    fresh = WindowBm25(c.own, c.prev, c.next, c.doc, c.window.titles)
    fresh.weights = replace(BM25_WEIGHTS, dense_share=0.0)  # the arrays over every row too
    small = Contributions(budget=3 * 4 * len(c))  # about three terms: the least recently used go
    vocab = sorted(c.own.vocab)
    rng = random.Random(9)
    for _ in range(40):
        q = rng.sample(vocab[:12], 3)  # few terms, so some are found in the cache
        want = Contributions(budget=0).scores(q, len(c), fresh._contribution)
        assert np.array_equal(small.scores(q, len(c), fresh._contribution), want), q
        assert small.used <= small.budget
    assert np.array_equal(c.own.scores(q), c.own.scores(q))


@pytest.mark.parametrize("index", ["own", "window"])
def test_a_group_of_forms_counts_once_by_its_best_form_in_each_row(seeds, index):
    """A question term's forms ("speak", "talk", "discuss") are one group: a row holding two of them gets the
    best one's share, not both; groups add up as terms do."""
    c = corpus_of(seeds.store)
    bm25 = getattr(c, index)
    vocab = sorted(c.own.vocab)
    rng = random.Random(11)
    for _ in range(40):
        groups = [tuple(rng.sample(vocab, rng.randint(1, 4))) for _ in range(rng.randint(1, 3))]
        want = np.zeros(len(c), dtype=np.float32)
        for g in groups:
            want += np.max([bm25.scores([t]) for t in g], axis=0)
        assert np.allclose(bm25.grouped_scores(groups), want, rtol=1e-6), groups
    both = bm25.grouped_scores([("speak", "talk")])
    assert np.allclose(both, np.maximum(bm25.scores(["speak"]), bm25.scores(["talk"])))
    assert (both < bm25.scores(["speak", "talk"]) - 1e-6).any()  # some row says both: summed, it counted twice


def test_scores_at_some_rows_equal_the_scores_over_the_collection(seeds):
    """The second round looks terms up at the candidates only: the same counts and sentence scores there."""
    c = corpus_of(seeds.store)
    rng = np.random.default_rng(4)
    vocab = sorted(c.own.vocab)
    for term in vocab:
        rows = rng.permutation(len(c))[: len(c) // 3]  # any order, any subset
        win_rows, win_tf = c.window.term_counts(term)
        want = np.zeros(len(c), dtype=np.float32)
        want[win_rows] = win_tf
        assert np.array_equal(c.window.counts_at(term, rows), want[rows]), term
        own_rows, own_tf = c.own.postings(term)
        want = np.zeros(len(c), dtype=np.float32)
        want[own_rows] = own_tf
        assert np.array_equal(c.own.counts_at(term, rows), want[rows]), term
    for _ in range(30):
        q = list(rng.choice(vocab, 3)) + ["unknownterm"]
        rows = rng.permutation(len(c))[:40]
        assert np.allclose(c.own.scores_at(q, rows), c.own.scores(q)[rows], rtol=1e-6), q


@pytest.mark.parametrize("kind", ["distinct", "ties", "zeros", "many ties"])
def test_top_rows_equal_a_full_sort(kind):
    """Candidates come from the best rows of each ranking, read block by block: the same rows as sorting all."""
    from summarizer.answer.retrieval import top_rows

    rng = np.random.default_rng(len(kind))
    for _ in range(40):
        n, m = int(rng.integers(1, 200_000)), int(rng.integers(0, 80))
        a = {"distinct": rng.random(n), "ties": (rng.random(n) < 0.01) * rng.integers(1, 4, n),
             "zeros": np.zeros(n), "many ties": rng.integers(0, 3, n) * (rng.random(n) < 0.5)}[kind].astype(np.float32)
        want = np.sort(np.lexsort((np.arange(n), -a))[:m])  # best first, ties to the lower row
        assert np.array_equal(top_rows(a, m), want), (n, m)


def test_term_counts_are_capped_and_older_files_with_wider_counts_load(tmp_path, fake_embedder):
    """Counts are kept in a byte: a word repeated 300 times counts 255 times; a file written with two-byte counts
    (before) loads to the same index."""
    store = Store(tmp_path / "s", embedder=fake_embedder)
    store.add([NewDocument("Start here. " + "echo " * 300 + "end.", title="Repeats"), _article(random.Random(2), 1)])
    c = corpus_of(store)
    rows, tf = c.own.postings("echo")
    assert tf.tolist() == [255] and tf.dtype == postings.TF_DTYPE
    path = tmp_path / "s" / LEXICAL_FILE
    assert path.exists()
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["tf"] = arrays["tf"].astype(np.uint16)
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    loaded = Lexicon.load(store)
    assert loaded is not None and loaded.own.postings("echo")[1].tolist() == [255]
    _assert_same(loaded.update(store, store.generation), build_corpus(store), random.Random(3))


@pytest.mark.parametrize("chunk", [1, 7, 1 << 20])  # term ranges of one entry, a few, and all at once
def test_merged_postings_equal_postings_built_at_once(monkeypatch, chunk):
    """Postings of rows 0..k-1 merged with those of rows k.. equal the postings of all rows built together, however
    many term ranges the merge walks (the later part may know more terms, or fewer)."""
    monkeypatch.setattr(postings, "_CHUNK", chunk)
    rng = random.Random(chunk)
    for _ in range(20):
        rows = [[rng.randrange(rng.choice([3, 12, 40])) for _ in range(rng.randint(0, 6))] for _ in range(rng.randint(1, 30))]
        k = rng.randint(0, len(rows))
        whole = postings.Postings.build(rows, 0)
        got = postings.Postings.build(rows[:k], 0).merged(postings.Postings.build(rows[k:], k))
        n = max(whole.terms, got.terms)
        assert np.array_equal(got.counts(n), whole.counts(n))
        for t in range(n):
            assert [a.tolist() for a in got.column(t)] == [a.tolist() for a in whole.column(t)], t


def test_an_index_saved_from_two_segments_in_small_chunks_loads_the_same(tmp_path, fake_embedder, monkeypatch):
    """The save writes the main and fresh postings merged a few entries at a time, straight into the file."""
    monkeypatch.setattr(postings, "_CHUNK", 7)
    rng = random.Random(21)
    store = Store(tmp_path / "s", embedder=fake_embedder)
    store.add([_article(rng, i) for i in range(12)])
    corpus_of(store)
    store.add([_article(rng, 40)])  # a small add stays in the fresh segment, beside the main one
    live = corpus_of(store)
    assert len(live.own._fresh) and len(live.own._main)  # both segments went into the file
    loaded = Lexicon.load(store)
    assert loaded is not None and len(loaded.sids) == len(live.sids)
    _assert_same(loaded.update(store, store.generation), build_corpus(store), rng)


def test_a_save_that_fails_keeps_the_last_file_and_still_answers(tmp_path, fake_embedder, monkeypatch, caplog):
    """A full disk while the index is written: the file written before stays whole, no half-written file is left,
    and the corpus is served from memory."""
    rng = random.Random(31)
    store = Store(tmp_path / "s", embedder=fake_embedder)
    store.add([_article(rng, i) for i in range(4)])
    corpus_of(store)
    path = tmp_path / "s" / LEXICAL_FILE
    before = path.read_bytes()

    def full(fd):
        raise OSError(28, "No space left on device")

    store.add([_article(rng, 9)])
    monkeypatch.setattr(os, "fsync", full)  # the disk fills after the store took the document
    live = corpus_of(store)
    assert len(live.sids) == len(build_corpus(store).sids)
    assert path.read_bytes() == before and sorted(p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")) == []
    assert "not written" in caplog.text
    monkeypatch.undo()
    loaded = Lexicon.load(store)  # the older file loads and catches up
    _assert_same(loaded.update(store, store.generation), build_corpus(store), rng)
