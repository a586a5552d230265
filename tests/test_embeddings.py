"""Question vectors: the traced path of the real model gives the library's vectors; other embedders use encode."""

from __future__ import annotations

import numpy as np

from index import MiniLMEmbedder, encode_queries
from index.embeddings import QUERY_BATCH

QUESTIONS = ["What did Baerbock ask?", "Why?", "  Who opposed the condemnation at the G20 meeting in New Delhi?  ",
             "How long did Blinken and Lavrov speak, and what did the Russian foreign minister say afterwards? " * 12]


def test_question_vectors_equal_the_library_vectors(embedder):
    """One question at a time and padded batches (short with long, one beyond the model's 256 tokens)."""
    for texts in ([q] for q in QUESTIONS):
        got = encode_queries(embedder, texts)
        assert got.dtype == np.float32 and got.shape == (1, embedder.dim)
        np.testing.assert_allclose(got, embedder.encode(texts), atol=1e-6)
    np.testing.assert_allclose(encode_queries(embedder, QUESTIONS), embedder.encode(QUESTIONS), atol=1e-6)
    assert embedder._traced  # the real model is traced; no silent fallback
    many = QUESTIONS * (QUERY_BATCH // len(QUESTIONS) + 1)  # beyond the traced batch: the library's path
    np.testing.assert_allclose(encode_queries(embedder, many), embedder.encode(many), atol=1e-6)
    assert encode_queries(embedder, []).shape == (0, embedder.dim)


def test_embedders_without_a_question_path_encode(fake_embedder):
    texts = ["What did Baerbock ask?", "Who is Lavrov?"]
    assert np.array_equal(encode_queries(fake_embedder, texts), fake_embedder.encode(texts))


def test_a_model_that_cannot_be_traced_falls_back(embedder, caplog):
    """A model whose trace fails (here: its transformer replaced by one TorchScript cannot follow) still answers."""
    other = MiniLMEmbedder()
    other._model = embedder.model  # the same loaded weights, a fresh embedder state

    def untraceable(*args, **kwargs):
        raise RuntimeError("no trace for this model")

    import torch

    real = torch.jit.trace
    torch.jit.trace = untraceable
    try:
        got = other.encode_queries(["What did Baerbock ask?"])
    finally:
        torch.jit.trace = real
    assert other._traced is False and "without TorchScript" in caplog.text
    np.testing.assert_allclose(got, embedder.encode(["What did Baerbock ask?"]), atol=1e-6)


def test_the_first_question_of_a_fresh_embedder_loads_the_model_and_traces_it():
    """The CLI's first call on a new embedder is a question: loading the model under the trace's lock must not
    wait on itself (run in a thread so that a deadlock fails the test instead of hanging the suite)."""
    import threading

    fresh, got = MiniLMEmbedder(), []
    worker = threading.Thread(target=lambda: got.append(fresh.encode_queries(["Who is Lavrov?"])), daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "encode_queries on a fresh embedder did not return"
    assert fresh._traced and got[0].shape == (1, fresh.dim)
