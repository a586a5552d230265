"""Batch adds: `add_texts` stores what one `add_text` per text stores, in one embedding pass and transaction."""

from __future__ import annotations

import pytest

from summarizer import Collection, EmptyDocumentError

TEXTS = [
    "The finance ministers met in Geneva on Monday. They agreed on a new climate fund.",
    "A storm closed the port of Rotterdam for two days. Shipping companies said deliveries would be late.",
    "The central bank raised interest rates by a quarter point. Markets had expected the move.",
]


def _layout(col: Collection):
    return [(d.id, d.title, d.text, [(s.start, s.end, s.kind) for s in col.sentences(d.id)]) for d in col.documents]


def test_add_texts_equals_one_add_text_each(embedder):
    one = Collection(embedder=embedder)
    for t, title in zip(TEXTS, ["Geneva", None, "Rates"]):
        one.add_text(t, title=title)
    batch = Collection(embedder=embedder)
    gen = batch.store.generation
    docs = batch.add_texts(TEXTS, titles=["Geneva", None, "Rates"])
    assert [d.title for d in docs] == ["Geneva", "A storm closed the port of Rotterdam for two days", "Rates"]  # its first sentence
    assert _layout(batch) == _layout(one)
    assert batch.store.generation == gen + 1  # one transaction
    assert batch.store.encoded_count == sum(len(batch.sentences(d.id)) for d in docs)
    again = batch.add_texts([TEXTS[1], "A new one. It has two sentences."])
    assert again[0] == docs[1] and len(batch.documents) == 4  # a stored text is returned, not added twice


def test_add_texts_streams_large_input_in_batches(fake_embedder):
    col = Collection(embedder=fake_embedder)
    gen = col.store.generation
    seen = []
    docs = col.add_texts([f"Report {i} says talks lasted {i} hours. Officials met again." for i in range(10)],
                         batch_chars=150, progress=lambda d, t: seen.append((d, t)))
    assert len(docs) == 10 and col.store.generation - gen >= 4 and seen[-1] == (10, 10)


def test_add_texts_checks_everything_first(fake_embedder):
    col = Collection(embedder=fake_embedder)
    with pytest.raises(EmptyDocumentError):
        col.add_texts([TEXTS[0], "   "])
    with pytest.raises(ValueError, match="2 titles for 3 texts"):
        col.add_texts(TEXTS, titles=["a", "b"])
    with pytest.raises(TypeError, match="not one str"):
        col.add_texts(TEXTS[0])
    with pytest.raises(TypeError, match="must be str"):
        col.add_texts([TEXTS[0], b"bytes"])
    assert col.documents == []
