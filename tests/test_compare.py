"""Source comparison: rewrites, facts only one source states, differing words, independent-source counts."""

from __future__ import annotations

import html
import itertools
import json
import random
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from summarizer import Collection, Comparison, Difference, Rewrite
from summarizer.cli import main
from summarizer.compare.align import longest_increasing as _longest_increasing
from summarizer.defaults import STORE_ENV

from .conftest import SEEDS, doc_by_prefix

UNRELATED = {
    "bread": (
        "Knead the dough for ten minutes until it feels smooth and elastic under your palms. "
        "Leave it to rise in a warm kitchen until it has doubled in size. "
        "Bake the loaf in a hot oven until the crust sounds hollow when tapped."
    ),
    "comet": (
        "Astronomers tracked a faint comet as it swung around the far side of the Sun. "
        "Its icy nucleus released a long tail of gas and dust that telescopes photographed for weeks. "
        "The comet will not return to the inner solar system for several thousand years."
    ),
    "football": (
        "The home side scored twice in the second half to win the derby in front of a full stadium. "
        "Their young striker curled a free kick into the top corner from twenty-five yards. "
        "The visiting coach blamed a late refereeing decision for the defeat."
    ),
}


@pytest.fixture(scope="module")
def comparison(seeds) -> Comparison:
    return seeds.compare()


def _ids(seeds):
    return {p: doc_by_prefix(seeds, p).id for p in ("000", "003", "004")}


def test_seed_rewrite_pair_is_003_and_000_and_004_is_independent(seeds, comparison):
    ids = _ids(seeds)
    assert len(comparison.rewrites) == 1
    r = comparison.rewrites[0]
    assert isinstance(r, Rewrite)
    assert (r.original_doc_id, r.rewrite_doc_id) == (ids["003"], ids["000"])
    assert r.aligned_share >= 0.75
    assert all(ids["004"] not in (x.original_doc_id, x.rewrite_doc_id) for x in comparison.rewrites)
    # the aligned pairs are in reading order in both documents and cite real sentences
    orig = [p.original.citations[0].sentence_index for p in r.pairs]
    rew = [p.rewrite.citations[0].sentence_index for p in r.pairs]
    assert orig == sorted(orig) and rew == sorted(rew) and len(r.pairs) == r.aligned
    assert comparison.rewrite_of(ids["000"]) is r and comparison.rewrite_of(ids["003"]) is None


def test_paul_whelan_and_the_farce_remark_are_only_in_004(seeds, comparison):
    ids = _ids(seeds)
    only_004 = [s.text for s in comparison.unique[ids["004"]]]
    assert any("Paul Whelan" in t for t in only_004)
    assert any("farce" in t for t in only_004)
    for d in (ids["000"], ids["003"]):
        assert not any("Whelan" in s.text or "farce" in s.text for s in comparison.unique[d])
    for d, items in comparison.unique.items():
        assert all(c.doc_id == d for s in items for c in s.citations)
        assert [s.score for s in items] == sorted((s.score for s in items), reverse=True)  # best first


def test_china_omission_is_flagged_with_exact_spans(seeds, comparison):
    hits = []
    for x in comparison.differences:
        assert isinstance(x, Difference)
        for with_c, without, flagged, spans in (
            (x.first, x.second, x.flagged_first, x.first_spans),
            (x.second, x.first, x.flagged_second, x.second_spans),
        ):
            if "Russia and China were the only two countries" in with_c.text and "Russia and were" in without.text:
                hits.append((with_c, flagged, spans))
    assert hits, "the dropped 'China' is not reported"
    with_c, flagged, spans = hits[0]
    assert "China" in flagged
    doc = seeds.document(with_c.citations[0].doc_id)
    assert "China" in [doc.text[a:b] for a, b in spans]
    # a difference with a missing name or number comes before differences of wording only
    flags = [bool(x.flagged) for x in comparison.differences]
    assert flags == sorted(flags, reverse=True)


def test_independent_source_counts_treat_the_rewrite_pair_as_one(seeds, comparison):
    ids = _ids(seeds)
    assert comparison.independent_sources([ids["000"], ids["003"]]) == 1
    assert comparison.independent_sources(list(ids.values())) == 2
    both = [f for f in comparison.facts if ids["000"] in f.doc_ids and ids["003"] in f.doc_ids]
    assert both
    for f in both:
        assert f.independent_sources == f.sources - 1
    assert any(f.sources == 3 and f.independent_sources == 2 for f in comparison.facts)
    others = [f for f in comparison.facts if not (ids["000"] in f.doc_ids and ids["003"] in f.doc_ids)]
    assert all(f.independent_sources == f.sources for f in others)
    counts = [(f.independent_sources, f.sources) for f in comparison.facts]
    assert counts == sorted(counts, reverse=True)  # most corroborated first


def test_coverage_table_matches_facts_and_covers_every_body_sentence(seeds, comparison):
    table = comparison.coverage
    assert table.shape == (3, len(comparison.facts))
    for f, fact in enumerate(comparison.facts):
        assert {comparison.doc_ids[d] for d in np.flatnonzero(table[:, f])} == set(fact.doc_ids)
        assert set(fact.doc_ids) == {c.doc_id for c in fact.sentence.citations}
    cited = [c.key for f in comparison.facts for c in f.sentence.citations]
    body = [(s.doc_id, s.index) for d in comparison.doc_ids for s in seeds.sentences(d) if s.is_body]
    assert sorted(cited) == sorted(body)  # every body sentence in exactly one fact; nothing else


def test_every_citation_and_span_points_into_its_document(seeds, comparison):
    sentences = [f.sentence for f in comparison.facts]
    sentences += [s for items in comparison.unique.values() for s in items]
    sentences += [s for x in comparison.differences for s in x.sentences]
    sentences += [s for r in comparison.rewrites for p in r.pairs for s in (p.original, p.rewrite)]
    for s in sentences:
        for c in s.citations:
            doc = seeds.document(c.doc_id)
            assert doc.text[c.start : c.end] == c.text
            assert seeds.sentences(c.doc_id)[c.sentence_index].kind == "body"
    pairs = [p.difference for r in comparison.rewrites for p in r.pairs]
    assert pairs and all(p is not None for p in pairs)
    for x in comparison.differences + pairs:
        for sent, words, spans in ((x.first, x.only_first, x.first_spans), (x.second, x.only_second, x.second_spans)):
            c = sent.citations[0]
            text = seeds.document(c.doc_id).text
            assert all(c.start <= a < b <= c.end for a, b in spans)
            assert {text[a:b] for a, b in spans} == set(words)


def test_to_dict_is_json_and_cli_prints_exactly_it(capsys, comparison):
    data = comparison.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert {"documents", "facts", "coverage", "unique", "rewrites", "differences"} <= set(data)
    assert main(["--docs", str(SEEDS), "compare", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == data
    assert main(["compare", "--docs", str(SEEDS)]) == 0
    out = capsys.readouterr().out
    assert "rewrites" in out and "Paul Whelan" in out


def test_markdown_reports_the_rewrite_and_escapes_document_text(embedder):
    col = Collection(embedder=embedder)
    a = col.add_text("The <b>mayor</b> opened the *new* bridge on Monday. Traffic moved freely by the evening.", "a")
    col.add_text("Engineers spent two years rebuilding the harbour wall. The work finished early.", "b")
    md = col.compare().to_markdown()
    assert "<b>" not in md and "\\<b\\>mayor\\</b\\>" in md and "\\*new\\*" in md
    assert "No document is a reworded copy" in md
    seeds_md = Collection(embedder=embedder)
    seeds_md.add_files([SEEDS])
    assert "Warning:" in seeds_md.compare().to_markdown()
    assert col.compare([a.id]).unique[a.id]


def test_unrelated_documents_share_nothing(embedder):
    col = Collection(embedder=embedder)
    for title, text in UNRELATED.items():
        col.add_text(text, title)
    cmp = col.compare()
    assert cmp.rewrites == []
    assert cmp.differences == []
    assert all(f.sources == 1 and f.independent_sources == 1 for f in cmp.facts)
    assert cmp.independent_sources(cmp.doc_ids) == 3
    for d in cmp.doc_ids:
        body = [s.index for s in col.sentences(d) if s.is_body]
        assert body
        assert sorted(c.sentence_index for s in cmp.unique[d] for c in s.citations) == body


def test_empty_collection(fake_embedder):
    cmp = Collection(embedder=fake_embedder).compare()
    assert cmp.facts == [] and cmp.rewrites == [] and cmp.message
    assert json.dumps(cmp.to_dict()) and cmp.to_markdown()


# ---------------------------------------------------------------- pure logic (fake embedder, no model)


def _lis_reference(rows, cols) -> int:
    """The slow, obvious version: the largest set of entries strictly increasing in both row and column."""
    entries = sorted(zip(rows, cols))
    best = [1] * len(entries)
    for j in range(len(entries)):
        for i in range(j):
            if entries[i][0] < entries[j][0] and entries[i][1] < entries[j][1]:
                best[j] = max(best[j], best[i] + 1)
    return max(best, default=0)


def test_longest_increasing_matches_the_quadratic_reference():
    rng = random.Random(7)
    for _ in range(200):
        n = rng.randint(0, 25)
        rows = np.array([rng.randint(0, 12) for _ in range(n)], dtype=np.int64)
        cols = np.array([rng.randint(0, 12) for _ in range(n)], dtype=np.int64)
        chain = _longest_increasing(rows, cols)
        assert len(chain) == _lis_reference(rows.tolist(), cols.tolist())
        picked = [(int(rows[k]), int(cols[k])) for k in chain]
        assert all(a[0] < b[0] and a[1] < b[1] for a, b in itertools.pairwise(picked))


SENTENCES = [
    "The council approved a budget of four million for the new library.",
    "Construction crews will begin digging the foundations in early spring.",
    "Local residents voted for the project in a referendum last autumn.",
    "The architect promised a reading garden on the roof of the building.",
    "Opponents argued that the money should repair the town swimming pool.",
    "The mayor said the library would open its doors within two years.",
]


def test_a_reordered_copy_is_not_a_rewrite_but_an_ordered_one_is(fake_embedder):
    col = Collection(embedder=fake_embedder)
    col.add_text(" ".join(SENTENCES), "original", date="2024-01-02")
    col.add_text(" ".join(s.replace("The ", "A ", 1) for s in SENTENCES[:5]), "copy", date="2024-01-05")
    shuffled = [SENTENCES[i].replace("the", "this", 1) for i in (5, 3, 1, 4, 2, 0)]
    col.add_text(" ".join(shuffled), "shuffled", date="2024-01-01")
    cmp = col.compare()
    assert [(r.original_doc_id, r.rewrite_doc_id) for r in cmp.rewrites] == [("original", "copy")]
    assert cmp.rewrites[0].aligned_share == 1.0 and cmp.rewrites[0].reason == "earlier date"
    assert cmp.independent_sources(["original", "copy", "shuffled"]) == 2
    for p in cmp.rewrites[0].pairs:  # every pair: the original's sentence first, in both documents' order
        assert (p.original.citations[0].doc_id, p.rewrite.citations[0].doc_id) == ("original", "copy")
        assert p.difference.first == p.original and p.difference.second == p.rewrite
    assert [p.original.citations[0].sentence_index for p in cmp.rewrites[0].pairs] == [0, 1, 2, 3, 4]


def test_original_is_the_earlier_dated_document_whatever_the_order_added(fake_embedder):
    col = Collection(embedder=fake_embedder)
    col.add_text(" ".join(s.replace("The ", "A ", 1) for s in SENTENCES), "later", date="2024-03-09")
    col.add_text(" ".join(SENTENCES), "earlier", date="2024-03-01")
    (r,) = col.compare().rewrites
    assert (r.original_doc_id, r.rewrite_doc_id) == ("earlier", "later")
    assert {(p.original.citations[0].doc_id, p.rewrite.citations[0].doc_id) for p in r.pairs} == {("earlier", "later")}


# ---------------------------------------------------------------- the app's Compare view (AppTest, real model)

EVIL = (
    "The harbour committee approved a new <script>alert('x')</script> lighthouse budget on Monday after a debate.\n\n"
    "The lighthouse will be repainted red and white before the summer season begins.\n"
)


def test_app_compare_view_shows_rewrites_unique_facts_and_marked_differences(tmp_path, monkeypatch, seeds):
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "store"))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=120)
    at.run()
    at.sidebar.file_uploader[0].set_value(("<b>evil</b>.txt", EVIL.encode(), "text/plain")).run()
    at.button(key="compare_run").click().run()
    assert not at.exception, at.exception
    expected = Collection(tmp_path / "store", embedder=seeds.store.embedder).compare()
    (warning,) = [w.value for w in at.warning]
    assert "reworded copy" in warning and "<" not in warning
    page = "\n".join(h.value for h in at.main.get("html"))
    assert "<mark>China</mark>" in page
    assert "&lt;script&gt;" in page and "<script" not in page and "<b>evil" not in page
    for d, items in expected.unique.items():
        for s in items:
            assert f"<li>{html.escape(s.text)}</li>" in page
    assert [d.label for d in at.get("download_button")][-1] == "Download JSON"
