"""Bounded memory: a store keeps compact columns, not an object per sentence, and iterating it retains nothing."""

from __future__ import annotations

import gc
import tracemalloc
from dataclasses import replace

import numpy as np

from index import NewDocument, Store
from index.store import prepare

DOCS, PER_DOC = 1_500, 20  # 30,000 sentences


def _write_large_store(path, embedder) -> int:
    store = Store(path, embedder=embedder)
    rng = np.random.default_rng(0)
    with store.bulk():
        for lo in range(0, DOCS, 500):
            batch = []
            for d in range(lo, lo + 500):
                body = "\n\n".join(f"Report {d * PER_DOC + i} says the council met on day {i} in city {d}."
                                   for i in range(PER_DOC))
                p = prepare(NewDocument(body, title=f"report {d}"))
                v = rng.standard_normal((len(p.body_texts()), embedder.dim)).astype(np.float32)
                batch.append(replace(p, vectors=v / np.linalg.norm(v, axis=1, keepdims=True)))
            store.add_prepared(batch)
    text_chars = sum(len(d.text) for d in store.documents)
    store.close()
    return text_chars


def test_open_and_iterate_a_large_store_in_bounded_memory(tmp_path, fake_embedder):
    text_chars = _write_large_store(tmp_path, fake_embedder)
    gc.collect()
    tracemalloc.start()
    try:
        store = Store(tmp_path, embedder=fake_embedder)
        gc.collect()
        opened, _ = tracemalloc.get_traced_memory()
        n = DOCS * PER_DOC
        assert len(store.body_ids()) == n
        # the documents' text (one byte a character here) and a few dozen bytes a sentence, not a Python
        # object per sentence (a Sentence with its text, its dict entry and id lists: 515 bytes measured here)
        per_sentence = (opened - text_chars) / n
        assert per_sentence < 120, per_sentence
        tracemalloc.reset_peak()
        seen = 0
        for d in store.documents:
            for s in store.sentences(d.id):
                assert d.text[s.start : s.end] == s.text
                seen += 1
        for sid in store.body_ids()[::7]:
            assert store.sentence(sid).is_body
        gc.collect()
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == n
    assert peak - opened < 2_000_000, peak - opened  # one document's sentences at a time (plus id lists)
    assert after - opened < 200_000, after - opened  # nothing kept
    store.close()
