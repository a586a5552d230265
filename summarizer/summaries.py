"""Merged extractive summaries of a store's documents."""

from __future__ import annotations

import logging

import numpy as np

from index import Store

from .results import CitedSentence, Summary, cite

__all__ = ["summarize_store", "METHODS"]

logger = logging.getLogger(__name__)

METHODS = ("default",)


def summarize_store(
    store: Store, *, max_words: int = 150, max_sentences: int | None = None, method: str = "default",
    doc_ids: list[str] | None = None,
) -> Summary:
    """Centrality ranking: body sentences nearest the collection's centroid, without near-duplicates."""
    if method not in METHODS:
        raise ValueError(f"unknown summary method {method!r}; choose one of {', '.join(METHODS)}")
    if max_words < 1:
        raise ValueError(f"max_words must be at least 1, got {max_words}")
    if max_sentences is not None and max_sentences < 1:
        raise ValueError(f"max_sentences must be at least 1, got {max_sentences}")
    ids = list(doc_ids) if doc_ids is not None else [d.id for d in store.documents]
    for d in ids:
        store.document(d)
    sids = store.body_ids(ids)
    if not sids:
        return Summary([], method, max_words, ids, "The collection holds no documents.")
    vecs = store.vectors(sids)
    centroid = vecs.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    scores = vecs @ centroid
    chosen: list[int] = []
    words = 0
    for i in np.argsort(-scores):
        n = len(store.sentence(sids[i]).text.split())
        if words + n > max_words or (chosen and float(np.max(vecs[chosen] @ vecs[i])) > 0.85):
            continue
        chosen.append(int(i))
        words += n
        if max_sentences and len(chosen) >= max_sentences:
            break
    order = {d: n for n, d in enumerate(ids)}
    chosen.sort(key=lambda i: (order[store.sentence(sids[i]).doc_id], store.sentence(sids[i]).index))
    out = []
    for i in chosen:
        s = store.sentence(sids[i])
        out.append(CitedSentence(s.text, (cite(s, store.document(s.doc_id)),), float(scores[i])))
    return Summary(out, method, max_words, ids)
