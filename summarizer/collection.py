"""`Collection`: the public face of the product; add documents, ask questions, summarize."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from index import Document, Embedder, NewDocument, Sentence, Store, default_embedder, expand_paths, read_text_file
from index.documents import MAX_FILE_BYTES, MAX_TEXT_CHARS, SUFFIXES, check_suffix, check_text, text_from_bytes
from index.errors import InputTooLargeError

from .answer import HistoryItem, answer_question, check_question, resolve_followup
from .compare import Comparison, compare_store
from .results import Answer, Citation, Summary, cite
from .summary import summarize_store

__all__ = ["Collection", "SUFFIXES", "MAX_FILE_BYTES"]

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
BATCH_CHARS = 1_000_000  # about 6,000 news sentences a transaction when adding many files
LARGE_SENTENCES = 20_000  # above this, summaries and comparisons work on a selection of documents
LATEST_DOCS = 50  # the selection when nothing else chooses: the most recently added documents
QUERY_DOCS = 20  # at most this many documents selected by a query ...
QUERY_MARGIN = 0.15  # ... each with a sentence within this cosine of the best-matching document's best


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
        # Check every file first. Keep the texts while they fit in one batch (the usual case: a few
        # articles are read once); beyond that, read again batch by batch so memory stays bounded.
        sizes, kept, kept_chars = [], {}, 0
        for f in files:
            text = read_text_file(f)
            sizes.append(len(text))
            if kept_chars + len(text) <= batch_chars:
                kept[f] = text
                kept_chars += len(text)
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
            items = [NewDocument(kept.pop(f, None) or read_text_file(f), title=f.stem, path=str(f)) for f in batch]
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
        check_suffix(name)
        text = text_from_bytes(data, name)
        return self.store.add([NewDocument(text, title=Path(name).stem or name, path=name)], progress=progress)[0]

    def remove(self, doc_id: str) -> Document:
        """Remove a document and its sentences and vectors; returns the removed document."""
        return self.store.remove(doc_id)

    # questions and summaries
    def ask(self, question: str, k: int = 3, history: Sequence[HistoryItem] | None = None) -> Answer:
        """The sentences that answer ``question``, best first, each citing its sources.

        ``history`` holds the earlier turns of a conversation, oldest first: question strings or
        ``(question, Answer)`` pairs. Pronouns, "and X?" and "what else" are resolved against the recent ones;
        ``Answer.resolved_question`` says how the question was understood.
        """
        q = check_question(question)
        followup = resolve_followup(q, history)
        with self.store.lock:  # one consistent state, even while another thread adds or removes
            return answer_question(self.store, q, k=k, followup=followup)

    def summarize(
        self, max_words: int = 150, *, max_sentences: int | None = None, method: str = "default",
        doc_ids: list[str] | None = None, query: str | None = None,
    ) -> Summary:
        """A merged extractive summary, in reading order, of the documents in scope (see :meth:`scope`)."""
        with self.store.lock:
            ids, note = self.scope(doc_ids, query, "summary")
            summ = summarize_store(self.store, max_words=max_words, max_sentences=max_sentences, method=method,
                                   doc_ids=ids)
            return replace(summ, message=" ".join(m for m in (note, summ.message) if m)) if note else summ

    def rebuild(self) -> int:
        """Rebuild the vector index from the stored embeddings; returns the number of vectors."""
        return self.store.rebuild()

    def compare(self, doc_ids: list[str] | None = None, *, query: str | None = None) -> Comparison:
        """How the documents in scope (see :meth:`scope`) relate: coverage, unique facts, rewrites, differences."""
        with self.store.lock:
            ids, note = self.scope(doc_ids, query, "comparison")
            comp = compare_store(self.store, ids)
            return replace(comp, message=" ".join(m for m in (note, comp.message) if m)) if note else comp

    def scope(self, doc_ids: list[str] | None, query: str | None, what: str = "summary") -> tuple[list[str] | None, str]:
        """The documents a summary or comparison works on, and a note saying so when they are a selection.

        ``doc_ids`` when given; else the documents with a sentence that matches ``query`` nearly as well as
        the best-matching document's best (at most QUERY_DOCS); else all documents, unless the collection holds more than LARGE_SENTENCES body
        sentences, when the LATEST_DOCS most recently added documents stand for it.
        """
        if doc_ids is not None:
            return list(doc_ids), ""
        docs = self.store.documents
        if query is not None:
            q = check_question(query)
            hits = self.store.search(self.store.embedder.encode([q]), 200)[0]
            best: dict[str, float] = {}
            for sid, score in hits:
                d = self.store.sentence(sid).doc_id
                best[d] = max(best.get(d, -1.0), score)
            ranked = sorted(best, key=best.get, reverse=True)
            top = best[ranked[0]] if ranked else 0.0
            ids = [d for d in ranked if best[d] >= top - QUERY_MARGIN][:QUERY_DOCS]
            return ids, f"This {what} covers the {len(ids)} of {len(docs)} documents most related to {q!r}."
        n = self.store.body_count
        if n > LARGE_SENTENCES:
            ids = [d.id for d in docs[-LATEST_DOCS:]]
            return ids, (f"The collection holds {len(docs):,} documents ({n:,} sentences): this {what} covers the "
                         f"{len(ids)} most recently added. Pass a query or document ids to choose others.")
        return None, ""

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
