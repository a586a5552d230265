"""Fact groups: paraphrase pairs from the seeds merge, distinct facts stay apart, no chaining."""

from __future__ import annotations

import numpy as np
import pytest

from summarizer.groups import group_sentences, lexical_features, same_fact

from .conftest import doc_by_prefix


def _find(col, prefix: str, phrase: str):
    doc = doc_by_prefix(col, prefix)
    hits = [s for s in col.sentences(doc.id) if s.is_body and phrase in s.text]
    assert len(hits) == 1, f"{prefix}: {phrase!r} found {len(hits)} times"
    return hits[0]


def _pair(col, embedder, a, b) -> bool:
    """True when the two sentences land in one group of the seed collection (idf weighs words in context)."""
    sa, sb = _find(col, *a), _find(col, *b)
    sents, groups = _seed_groups(col)
    row = {(s.doc_id, s.index): i for i, s in enumerate(sents)}
    ia, ib = row[(sa.doc_id, sa.index)], row[(sb.doc_id, sb.index)]
    return any(ia in g and ib in g for g in groups)


SAME = [
    (("000", "unplanned and pursued by the US"), ("003", "unscheduled and sought by the US")),
    (("000", "spoke for less than 10 minutes"), ("003", "spoke for less than 10 minutes")),
    (("003", "spoke for less than 10 minutes"), ("004", "spoke for less than 10 minutes")),
    (("000", "We always remain hopeful"), ("004", "We remain optimistic")),
    (("000", "recommended Russia to change its decision"), ("003", "urged Russia to reverse its decision")),
    (("000", "protecting all of the regulations"), ("003", "defending all of the principles")),
    (("003", "I ask you, Mr (Sergei) Lavrov"), ("004", "I am asking you, Mr. Lavrov")),
    (("000", "Russia and China were the only two"), ("003", "Russia and were the only two")),
]

DIFFERENT = [
    # Baerbock asked Lavrov (004) is not Blinken asked Lavrov (000, 003)
    (("003", "he asked Lavrov that Russia should honour"), ("004", "I am asking you, Mr. Lavrov")),
    (("000", "he asked Lavrov if Russia should praise"), ("004", "I am asking you, Mr. Lavrov")),
    # same words around them, other facts
    (("000", "disabuse the Russians"), ("004", "Blinken also called on Moscow")),
    (("000", "unplanned and pursued by the US"), ("004", "Lavrov did not mention the meeting")),
    (("003", "met External Affairs Minister S Jaishankar"), ("004", "met on Thursday for the first time")),
    (("000", "advised his Russian coequal"), ("004", "We must continue to demand")),
    (("000", "spoke for less than 10 minutes"), ("004", "ready to support Ukraine")),
]


@pytest.mark.parametrize("a,b", SAME, ids=[f"{a[1][:24]}~{b[1][:24]}" for a, b in SAME])
def test_paraphrase_pairs_are_one_fact(seeds, embedder, a, b):
    assert _pair(seeds, embedder, a, b)


@pytest.mark.parametrize("a,b", DIFFERENT, ids=[f"{a[1][:24]}!{b[1][:24]}" for a, b in DIFFERENT])
def test_distinct_facts_stay_apart(seeds, embedder, a, b):
    assert not _pair(seeds, embedder, a, b)


def _seed_groups(col):
    st = col.store
    sids = st.body_ids()
    sents = [st.sentence(s) for s in sids]
    groups = group_sentences(st.vectors(sids), [s.doc_id for s in sents], texts=[s.text for s in sents])
    return sents, groups


def _group_with(sents, groups, prefix, phrase):
    return next(g for g in groups if any(sents[i].doc_id.startswith(prefix) and phrase in sents[i].text for i in g))


def test_seed_groups_cover_all_three_sources_of_the_ten_minute_meeting(seeds):
    sents, groups = _seed_groups(seeds)
    g = _group_with(sents, groups, "003", "less than 10 minutes")
    assert {sents[i].doc_id[:3] for i in g} == {"000", "003", "004"}
    assert all("less than 10 minutes" in sents[i].text for i in g)


def test_seed_groups_partition_rows_and_keep_members_close(seeds):
    sents, groups = _seed_groups(seeds)
    rows = sorted(i for g in groups for i in g)
    assert rows == list(range(len(sents)))
    assert groups == sorted(groups, key=lambda g: g[0]) and all(g == sorted(g) for g in groups)
    vecs = seeds.store.vectors(seeds.store.body_ids())
    for g in groups:  # no chaining: every two members of a group are related
        if len(g) > 1:
            assert float(np.min(vecs[g] @ vecs[g].T)) >= 0.4
    baerbock = _group_with(sents, groups, "003", "Baerbock said during")
    assert not any("Secretary of State said he asked Lavrov" in sents[i].text for i in baerbock)


def test_vectors_only_call_is_cosine_connected_components():
    """The answers layer calls group_sentences(vectors, doc_ids): compare with the obvious slow version."""
    rng = np.random.default_rng(7)
    base = rng.normal(size=(12, 16))
    vecs = np.vstack([base, base[:6] + 0.1 * rng.normal(size=(6, 16))])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    docs = ["a"] * 12 + ["b"] * 6
    groups = group_sentences(vecs, docs, threshold=0.8)
    sims = vecs @ vecs.T
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            together = any(i in g and j in g for g in groups)
            if docs[i] != docs[j] and sims[i, j] >= 0.8:
                assert together
            if together:
                assert sims[i, j] >= 0.4
    assert sum(len(g) for g in groups) == len(docs)


def test_same_document_only_merges_near_duplicates(fake_embedder):
    texts = ["The council approved the budget on Monday.", "The council approved the budget on Monday!",
             "Rain is expected over the weekend."]
    vecs = fake_embedder.encode(texts)
    groups = group_sentences(vecs, ["d", "d", "d"], texts=texts)
    assert [0, 1] in groups and [2] in groups


def test_same_fact_on_a_pair_alone(embedder):
    a = "Blinken said the meeting was unplanned and pursued by the US when Lavrov was on the move."
    b = "Blinken said the meeting was unscheduled and sought by the US when Lavrov was on the move."
    c = "Baerbock asked Lavrov to return to full implementation of the New START treaty."
    va, vb, vc = embedder.encode([a, b, c])
    assert same_fact(va, vb, a, b)
    assert not same_fact(va, vc, a, c)


def test_lexical_features_and_bad_shapes():
    feats = lexical_features(["Prices rose 10 percent in May.", "In May prices rose 10 percent."])
    assert feats.content.shape[0] == 2 and feats.numeric.sum() > 0
    assert (feats.weights > 0).all()
    with pytest.raises(ValueError):
        group_sentences(np.zeros((2, 4), np.float32), ["a"])
    with pytest.raises(ValueError):
        group_sentences(np.zeros((2, 4), np.float32), ["a", "b"], texts=["x"])
    assert group_sentences(np.zeros((0, 4), np.float32), []) == []
