"""Ingestion on Ray: a local Ray instance reads, splits and embeds a directory into the same store as the local path."""

from __future__ import annotations

import importlib.util
import shutil
import sys

import numpy as np
import pytest

from summarizer import Collection

HAS_RAY = importlib.util.find_spec("ray") is not None

EXTRA = [
    "The finance ministers met in Geneva on Monday. They agreed on a new climate fund worth 40 billion dollars.\n\n"
    "Critics said the fund was too small. Dr. Jane Smith, an economist at U.S. Bank, called it a start.",
    "date 2024-05-02\n\nA storm closed the port of Rotterdam for two days.\n\nShipping companies said deliveries "
    "would be late. Source: Reuters",
    "The central bank raised interest rates by a quarter point. Markets had expected the move.",
]


@pytest.fixture
def corpus_dir(tmp_path, seed_paths):
    d = tmp_path / "in"
    (d / "more").mkdir(parents=True)
    for p in seed_paths:
        shutil.copy(p, d / p.name)
    for i, text in enumerate(EXTRA):
        (d / "more" / f"extra-{i}.md").write_text(text, encoding="utf-8")
    (d / "more" / "copy.txt").write_text(EXTRA[2], encoding="utf-8")  # same text twice: stored once
    return d


def _layout(col: Collection):
    return [(d, [(s.index, s.start, s.end, s.text, s.kind, s.paragraph) for s in col.sentences(d.id)])
            for d in col.documents]


def test_missing_ray_names_the_extra(tmp_path, fake_embedder, corpus_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    col = Collection(tmp_path / "s", embedder=fake_embedder)
    with pytest.raises(ImportError, match=r"pip install 'mdsum\[ray\]'"):
        col.add_files([corpus_dir], ray=True)
    assert col.documents == []


@pytest.mark.skipif(not HAS_RAY, reason="Ray is not installed (pip install 'mdsum[ray]')")
def test_ray_ingest_matches_the_local_path(tmp_path, embedder, corpus_dir):
    import ray

    local = Collection(tmp_path / "local", embedder=embedder)
    local_gen = local.store.generation
    want_docs = local.add_files([corpus_dir], batch_chars=3000)  # several transactions on both paths
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    try:
        distributed = Collection(tmp_path / "ray", embedder=embedder)
        gen = distributed.store.generation
        seen = []
        got_docs = distributed.add_files([corpus_dir], batch_chars=3000, ray=True,
                                         progress=lambda d, t: seen.append((d, t)))
    finally:
        ray.shutdown()
    assert [d.id for d in got_docs] == [d.id for d in want_docs]
    assert _layout(distributed) == _layout(local)
    assert distributed.store.generation - gen == local.store.generation - local_gen >= 2  # same transactions
    assert seen[-1] == (len(want_docs), len(want_docs))
    sids = distributed.store.body_ids()
    assert sids == local.store.body_ids()
    cos = np.sum(distributed.store.vectors(sids) * local.store.vectors(sids), axis=1)
    assert cos.min() > 0.999  # the same model on the workers
    question = "Where did the finance ministers meet?"
    assert distributed.ask(question).to_dict() == local.ask(question).to_dict()
    distributed.close()
    with Collection(tmp_path / "ray", embedder=embedder) as again:  # persisted like any store
        assert _layout(again) == _layout(local)
