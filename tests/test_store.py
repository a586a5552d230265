"""The store: persistence round trip, remove, embedding cache, atomic writes, index rebuild."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from index.store import DB_FILE, VECTORS_FILE
from summarizer import Collection, DocumentNotFoundError, StoreError
from tests.conftest import doc_by_prefix
from summarizer.collection import ScopeLimits


def _answer_key(ans):
    return [(s.text, [(c.doc_id, c.sentence_index, c.start, c.end) for c in s.citations]) for s in ans.sentences]


def test_persistence_round_trip(tmp_path, embedder, seed_paths):
    store = tmp_path / "store"
    with Collection(store, embedder=embedder) as col:
        col.add_files(seed_paths)
        docs = col.documents
        ans = _answer_key(col.ask("What did Baerbock ask?"))
        summ = col.summarize(max_words=120).to_dict()
    assert (store / DB_FILE).exists() and (store / VECTORS_FILE).exists()
    with Collection(store, embedder=embedder) as again:
        assert again.documents == docs
        assert _answer_key(again.ask("What did Baerbock ask?")) == ans
        assert again.summarize(max_words=120).to_dict() == summ
        for d in again.documents:
            for s in again.sentences(d.id):
                assert d.text[s.start : s.end] == s.text


def test_remove_drops_document_sentences_and_vectors(tmp_path, embedder, seed_paths):
    col = Collection(tmp_path, embedder=embedder)
    col.add_files(seed_paths)
    victim = doc_by_prefix(col, "004")
    n_before = col.store.body_count
    body = len(col.store.body_ids([victim.id]))
    removed = col.remove(victim.id)
    assert removed.id == victim.id
    assert victim.id not in [d.id for d in col.documents]
    assert col.store.body_count == n_before - body
    ans = col.ask("Which countries backed Blinken?", k=5)
    assert all(c.doc_id != victim.id for s in ans.sentences for c in s.citations)
    with pytest.raises(DocumentNotFoundError):
        col.remove(victim.id)
    col.close()
    reopened = Collection(tmp_path, embedder=embedder)
    assert victim.id not in [d.id for d in reopened.documents]
    assert reopened.store.body_count == n_before - body


def test_second_add_of_same_text_runs_no_encoding(tmp_path, embedder, seed_paths):
    col = Collection(tmp_path, embedder=embedder)
    text = seed_paths[1].read_text(encoding="utf-8")
    doc = col.add_text(text, title="first")
    encoded = col.store.encoded_count
    assert encoded > 10
    col.remove(doc.id)
    col.add_text(text, title="again")  # removed, added back: every vector comes from the cache
    assert col.store.encoded_count == encoded
    # a different document sharing most sentences encodes only the new one
    col.add_text(text + "\n\nA brand new closing sentence about the talks.", title="extended")
    assert col.store.encoded_count == encoded + 1
    # identical text is not stored twice
    same = col.add_text(text, title="duplicate")
    assert same.title == "again" and len(col.documents) == 2


def test_embedding_cache_survives_reopen(tmp_path, embedder, seed_paths):
    with Collection(tmp_path, embedder=embedder) as col:
        col.add_files(seed_paths[:1])
        col.remove(col.documents[0].id)
    with Collection(tmp_path, embedder=embedder) as col:
        col.add_files(seed_paths[:1])
        assert col.store.encoded_count == 0


def test_failed_add_changes_nothing(tmp_path, embedder, seed_paths):
    col = Collection(tmp_path, embedder=embedder)
    col.add_files(seed_paths[:1])
    before = (col.documents, col.store.generation, col.store.body_count)
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    with pytest.raises(ValueError):
        col.add_files([seed_paths[1], empty])  # one bad file: none is added
    assert (col.documents, col.store.generation, col.store.body_count) == before


class _Exploding:
    """An embedder that fails mid-add, as a crash inside the model would; otherwise it poses as ``real``."""

    def __init__(self, real) -> None:
        self.name, self.dim = real.name, real.dim

    def encode(self, texts):
        raise RuntimeError("model crashed")


def test_crash_during_encoding_leaves_previous_state(tmp_path, embedder, seed_paths):
    with Collection(tmp_path, embedder=embedder) as col:
        col.add_files(seed_paths[:1])
        docs = col.documents
    bad = Collection(tmp_path, embedder=_Exploding(embedder))
    with pytest.raises(RuntimeError):
        bad.add_files(seed_paths[1:])
    bad.close()
    with Collection(tmp_path, embedder=embedder) as col:
        assert col.documents == docs
        assert col.ask("What did Blinken say?").sentences


def test_damaged_or_missing_vector_file_is_rebuilt(tmp_path, embedder, seed_paths):
    with Collection(tmp_path, embedder=embedder) as col:
        col.add_files(seed_paths)
        want = _answer_key(col.ask("What did Baerbock ask?"))
    (tmp_path / VECTORS_FILE).write_bytes(b"garbage")
    with Collection(tmp_path, embedder=embedder) as col:
        assert _answer_key(col.ask("What did Baerbock ask?")) == want
        assert col.store.encoded_count == 0  # rebuilt from stored embeddings, not the model
    (tmp_path / VECTORS_FILE).unlink()
    with Collection(tmp_path, embedder=embedder) as col:
        assert _answer_key(col.ask("What did Baerbock ask?")) == want


def test_stale_vector_file_from_older_generation_is_rebuilt(tmp_path, embedder, seed_paths):
    with Collection(tmp_path, embedder=embedder) as col:
        col.add_files(seed_paths[:2])
    old = tmp_path / "old.faiss"
    shutil.copy(tmp_path / VECTORS_FILE, old)
    with Collection(tmp_path, embedder=embedder) as col:
        col.add_files(seed_paths[2:])
        n = col.store.body_count
    shutil.copy(old, tmp_path / VECTORS_FILE)  # as if the process died after the SQLite commit
    with Collection(tmp_path, embedder=embedder) as col:
        assert col.store.body_count == n
        assert len(col.documents) == 3


def test_damaged_database_gives_clear_error(tmp_path, embedder):
    (tmp_path / DB_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="damaged or not a summarizer store"):
        Collection(tmp_path, embedder=embedder)


def test_store_path_that_is_a_file(tmp_path, embedder):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(StoreError, match="not a directory"):
        Collection(f, embedder=embedder)


def test_vectors_ids_are_sentence_row_ids(embedder, seeds):
    sids = seeds.store.body_ids()
    vecs = seeds.store.vectors(sids)
    assert vecs.shape == (len(sids), embedder.dim)
    again = embedder.encode([seeds.store.sentence(sids[5]).text])[0]
    assert float(np.dot(vecs[5], again)) > 0.999
    hits = seeds.store.search(again[None, :], 1)[0]
    assert hits[0][0] == sids[5]


def test_other_embedder_is_injected(tmp_path, fake_embedder, seed_paths):
    col = Collection(tmp_path, embedder=fake_embedder)
    col.add_files(seed_paths)
    assert fake_embedder.encoded > 0
    assert col.ask("Baerbock").sentences


def test_many_files_stream_in_batches(tmp_path, embedder):
    files = tmp_path / "many"
    files.mkdir()
    for i in range(12):
        (files / f"a{i:02d}.txt").write_text(f"Article {i} reports that talks went on for {i} hours. Officials met again.")
    seen = []
    col = Collection(tmp_path / "store", embedder=embedder)
    gen = col.store.generation
    docs = col.add_files([files], progress=lambda d, t: seen.append((d, t)), batch_chars=300)
    assert [d.id for d in docs] == [f"a{i:02d}" for i in range(12)]  # in order; ids from the file names
    assert [d.title for d in docs] == [f"Article {i} reports that talks went on for {i} hours" for i in range(12)]
    assert col.store.generation - gen >= 3  # several transactions
    assert seen[-1] == (12, 12) and all(t == 12 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    (files / "zz.txt").write_text("")
    with pytest.raises(ValueError, match="zz.txt"):
        col.add_files([files], batch_chars=300)  # one bad file: nothing of the run is added
    assert len(col.documents) == 12


def test_large_collection_summary_and_comparison_work_on_a_selection(tmp_path, embedder, seed_paths):
    col = Collection(tmp_path, embedder=embedder)
    col.add_files(seed_paths)
    for i in range(6):
        col.add_text(f"The harvest in region {i} was poor this year. Farmers asked for state aid after the drought.",
                     title=f"farm {i}")
    everything = col.summarize(max_words=60)
    assert everything.message == "" and len(everything.doc_ids) == 9
    by_query = col.summarize(max_words=60, query="drought and farmers")
    assert "most related to 'drought and farmers'" in by_query.message
    assert by_query.sentences and all(c.doc_title.startswith("farm") for s in by_query.sentences for c in s.citations)
    col.close()
    col = Collection(tmp_path, embedder=embedder, limits=ScopeLimits(large_sentences=10, latest_docs=4))
    latest = col.summarize(max_words=60)
    assert latest.doc_ids == [d.id for d in col.documents[-4:]] and "4 most recently added" in latest.message
    comp = col.compare()
    assert comp.doc_ids == latest.doc_ids and "4 most recently added" in comp.message
    assert col.summarize(max_words=60, doc_ids=[col.documents[0].id]).message == ""


def test_a_document_id_keeps_the_letters_of_an_accented_title(fake_embedder, tmp_path):
    from summarizer import Collection

    with Collection(tmp_path / "store", embedder=fake_embedder) as col:
        doc = col.add_text("Die Minister trafen sich am Freitag in Delhi.", title="Bericht über Delhi")
        other = col.add_text("Ministers met in Delhi on Friday and talked.", title="日本語")
    assert (doc.id, other.id) == ("bericht-uber-delhi", "doc")
