"""`Collection`: the public face of the product; add documents, ask questions, summarize."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Iterable

from index import Document, Embedder, NewDocument, Sentence, Store, default_embedder, expand_paths, read_text_file
from index.documents import MAX_FILE_BYTES, MAX_TEXT_CHARS, SUFFIXES, check_text, decode_bytes
from index.errors import FileTooLargeError, InputTooLargeError, UnsupportedFileError

from .answers import answer_question
from .compare import Comparison, compare_store
from .results import Answer, Citation, Summary, cite
from .summaries import summarize_store

__all__ = ["Collection", "SUFFIXES", "MAX_FILE_BYTES"]

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
BATCH_CHARS = 1_000_000  # about 6,000 news sentences a transaction when adding many files


class Collection:
    """Documents with their sentences and vectors; in memory by default, persisted when given a directory.

    >>> col = Collection()                       # or Collection("path/to/dir")
    >>> docs = col.add_files(["seeds"])
    >>> col.ask("What did Baerbock ask?").sentences[0].citations
    """

    def __init__(self, path: str | Path | None = None, *, embedder: Embedder | None = None) -> None:
        self.store = Store(path, embedder=embedder or default_embedder())

    # documents
    @property
    def path(self) -> Path | None:
        return self.store.path

    @property
    def documents(self) -> list[Document]:
        return self.store.documents

    def document(self, doc_id: str) -> Document:
        return self.store.document(doc_id)

    def sentences(self, doc_id: str) -> list[Sentence]:
        return self.store.sentences(doc_id)

    def citation(self, sentence: Sentence) -> Citation:
        return cite(sentence, self.store.document(sentence.doc_id))

    def add_files(
        self, paths: Iterable[str | Path], *, progress: Progress | None = None, batch_chars: int = BATCH_CHARS
    ) -> list[Document]:
        """Add files (and the .txt/.md files of directories).

        Every file is read and checked before any is stored, so one bad file adds nothing. Then the files
        stream in batches of about ``batch_chars`` characters, one transaction each, so memory stays
        bounded however many files there are; a crash keeps the batches already committed.
        ``progress(done, total)`` counts files when there are several batches, else sentences.
        """
        if isinstance(paths, (str, Path)):
            paths = [paths]
        files = expand_paths(paths)
        sizes = [len(read_text_file(f)) for f in files]  # check all first; the text is read again below
        batches, cur, cur_chars = [], [], 0
        for f, n in zip(files, sizes):
            if cur and cur_chars + n > batch_chars:
                batches.append(cur)
                cur, cur_chars = [], 0
            cur.append(f)
            cur_chars += n
        if cur:
            batches.append(cur)
        out: list[Document] = []
        for batch in batches:
            items = [NewDocument(read_text_file(f), title=f.stem, path=str(f)) for f in batch]
            step = progress
            if progress and len(batches) > 1:
                done = len(out)
                step = lambda d, t, done=done, n=len(batch): progress(done + (n * d // t if t else n), len(files))  # noqa: E731
            out.extend(self.store.add(items, progress=step))
            if progress and len(batches) > 1:
                progress(len(out), len(files))
        return out

    def add_text(
        self, text: str, title: str | None = None, *, path: str | None = None, date: str | None = None,
        progress: Progress | None = None,
    ) -> Document:
        """Add raw text as a document; ``title`` defaults to its first words."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        name = title or "pasted text"
        if len(text) > MAX_TEXT_CHARS:
            raise InputTooLargeError(f"{name}: {len(text):,} characters is over the limit of {MAX_TEXT_CHARS:,}")
        check_text(text, name)
        if not title:
            first = text.strip().splitlines()[0]
            title = " ".join(first.split()[:8])[:80]
        return self.store.add([NewDocument(text, title=title, path=path, date=date)], progress=progress)[0]

    def add_bytes(self, data: bytes, name: str, *, progress: Progress | None = None) -> Document:
        """Add an uploaded file's bytes; ``name`` is its file name (title: its stem). Same checks as add_files."""
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        suffix = Path(name).suffix.lower()
        if suffix and suffix not in SUFFIXES:
            raise UnsupportedFileError(f"{name}: unsupported file type {suffix!r} (expected {', '.join(SUFFIXES)})")
        if len(data) > MAX_FILE_BYTES:
            raise FileTooLargeError(f"{name}: {len(data):,} bytes is over the limit of {MAX_FILE_BYTES:,} bytes (20 MB)")
        text = decode_bytes(bytes(data), name)
        check_text(text, name)
        return self.store.add([NewDocument(text, title=Path(name).stem or name, path=name)], progress=progress)[0]

    def remove(self, doc_id: str) -> Document:
        """Remove a document and its sentences and vectors; returns the removed document."""
        return self.store.remove(doc_id)

    # questions and summaries
    def ask(self, question: str, k: int = 3) -> Answer:
        """The sentences that answer ``question``, best first, each citing its sources."""
        with self.store.lock:  # one consistent state, even while another thread adds or removes
            return answer_question(self.store, question, k=k)

    def summarize(
        self, max_words: int = 150, *, max_sentences: int | None = None, method: str = "default",
        doc_ids: list[str] | None = None,
    ) -> Summary:
        """A merged extractive summary of the documents (all, or ``doc_ids``), in reading order."""
        with self.store.lock:
            return summarize_store(self.store, max_words=max_words, max_sentences=max_sentences, method=method,
                                   doc_ids=doc_ids)

    def rebuild(self) -> int:
        """Rebuild the vector index from the stored embeddings; returns the number of vectors."""
        return self.store.rebuild()

    def compare(self, doc_ids: list[str] | None = None) -> Comparison:
        """How the documents (all, or ``doc_ids``) relate: coverage of facts, unique facts, rewrites, differences."""
        return compare_store(self.store, doc_ids)

    # lifetime
    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Collection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self.store.documents)

    def __repr__(self) -> str:
        where = str(self.path) if self.path else "memory"
        return f"Collection({where!r}, documents={len(self)})"
