"""Bad input: a clear error naming the problem, and the store left as it was."""

from __future__ import annotations

import pytest

from summarizer import (
    BinaryFileError,
    Collection,
    DocumentNotFoundError,
    EmptyDocumentError,
    EmptyQuestionError,
    FileTooLargeError,
    InputTooLargeError,
    MissingPathError,
    NoReadableFilesError,
    UnsupportedFileError,
)


@pytest.fixture
def col(tmp_path, embedder, seed_paths):
    c = Collection(tmp_path / "store", embedder=embedder)
    c.add_files(seed_paths[:1])
    yield c
    c.close()


def _state(c):
    return (c.documents, c.store.generation, c.store.body_count)


@pytest.fixture
def bad_files(tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    (d / "empty.txt").write_text("")
    (d / "blank.txt").write_text(" \n\t\n  ")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 20)
    big = d / "big.txt"
    with open(big, "wb") as fh:
        fh.write(b"word " * (21 * 1024 * 1024 // 5))
    (d / "image.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "nothing").mkdir()
    (tmp_path / "nothing" / "notes.docx").write_bytes(b"PK\x03\x04")
    return d


@pytest.mark.parametrize(
    "name, error, words",
    [
        ("missing.txt", MissingPathError, "no such file"),
        ("empty.txt", EmptyDocumentError, "empty"),
        ("blank.txt", EmptyDocumentError, "empty"),
        ("binary.txt", BinaryFileError, "binary"),
        ("big.txt", FileTooLargeError, "over the limit"),
        ("image.png", UnsupportedFileError, "unsupported file type"),
    ],
)
def test_bad_file_is_refused_and_store_unchanged(col, bad_files, name, error, words):
    before = _state(col)
    with pytest.raises(error, match=words) as info:
        col.add_files([bad_files / name])
    assert name in str(info.value)
    assert _state(col) == before


def test_directory_without_readable_files(col, bad_files):
    before = _state(col)
    with pytest.raises(NoReadableFilesError, match="no readable files"):
        col.add_files([bad_files.parent / "nothing"])
    assert _state(col) == before


def test_empty_text_and_oversized_text(col):
    before = _state(col)
    with pytest.raises(EmptyDocumentError):
        col.add_text("  \n ", title="blank")
    with pytest.raises(InputTooLargeError, match="over the limit"):
        col.add_text("x" * (20 * 1024 * 1024 + 1), title="huge")
    assert _state(col) == before


def test_unknown_document_id(col):
    before = _state(col)
    with pytest.raises(DocumentNotFoundError, match="unknown document id 'nope'"):
        col.remove("nope")
    with pytest.raises(DocumentNotFoundError):
        col.summarize(doc_ids=["nope"])
    assert _state(col) == before


@pytest.mark.parametrize("q", ["", "   ", "\n\t"])
def test_empty_question(col, q):
    with pytest.raises(EmptyQuestionError, match="empty question"):
        col.ask(q)


def test_oversized_question(col):
    with pytest.raises(InputTooLargeError):
        col.ask("why " * 1000)


def test_bad_summary_arguments(col):
    with pytest.raises(ValueError, match="max_words"):
        col.summarize(max_words=0)
    with pytest.raises(ValueError, match="unknown summary method"):
        col.summarize(method="magic")
