"""`Collection`: the public face of the product; add documents, ask questions, summarize."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from index import Document, Embedder, NewDocument, Sentence, Store, default_embedder, encode_queries, expand_paths
from index.documents import MAX_FILE_BYTES, MAX_TEXT_CHARS, SUFFIXES, char_batches, check_text
from index.errors import FeedError, IngestError, InputTooLargeError
from index.feeds import parse_feed
from index.formats import extract, extract_text, read_file

from .answer import HistoryItem, answer_question, check_question, resolve_followup
from .compare import Comparison, compare_store
from .results import Answer, Citation, Summary, cite
from .sources import MAX_FEED_ENTRIES, FeedResult, add_entries, fetch_source, new_document, read_feed
from .summary import RATIO, Focus, summarize_store
from .summary.focus import shown
from .threads import one_blas_thread

__all__ = ["Collection", "SUFFIXES", "MAX_FILE_BYTES", "ScopeLimits", "SCOPE_LIMITS", "FeedResult", "already_stored",
           "split_added"]

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
BATCH_CHARS = 1_000_000  # about 6,000 news sentences a transaction when adding many files


@dataclass(frozen=True)
class ScopeLimits:
    """Which documents a summary or comparison covers when the caller does not choose (bench/scale.py: a summary of
    50 news documents takes well under a second; of 20,000 sentences, several)."""

    large_sentences: int = 20_000  # above this many body sentences, summaries and comparisons work on a selection
    latest_docs: int = 50  # the selection when nothing else chooses: the most recently added documents
    query_docs: int = 20  # at most this many documents selected by a query ...
    query_margin: float = 0.15  # ... each with a sentence within this cosine of the best-matching document's best
    query_hits: int = 200  # sentences searched to find the documents matching a query


SCOPE_LIMITS = ScopeLimits()


def _check_new_text(text: str, title: str | None) -> str:
    """The name of a text to add, once its type, size and content are checked."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    name = title or "pasted text"
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLargeError(f"{name}: {len(text):,} characters is over the limit of {MAX_TEXT_CHARS:,}")
    check_text(text, name)
    return name


def _new_text(text: str, title: str | None, path: str | None = None, date: str | None = None) -> NewDocument:
    """A checked text to add; ``title`` defaults to its heading line, else its first sentence shortened."""
    name = _check_new_text(text, title)
    found = extract_text(text)
    return NewDocument(text, title=title or found.title or name, path=path, date=date or found.date,
                       author=found.author, outlet=found.outlet)


def already_stored(docs: Iterable[Document], before: Iterable[str]) -> list[bool]:
    """For each document an add returned, in order, whether its text was already stored.

    The store keeps one document per text: a text stored before the add (``before``: the ids stored then) or
    earlier in the same add (a copy of a file, the same file twice) returns the stored document.
    """
    seen = set(before)
    flags = []
    for doc in docs:
        flags.append(doc.id in seen)
        seen.add(doc.id)
    return flags


def split_added(docs: Iterable[Document | None], before: Iterable[str]) -> tuple[list[Document], list[Document]]:
    """An add's documents (None: a file left out) split into those it stored and those already stored, in order."""
    got = [d for d in docs if d is not None]
    flags = already_stored(got, before)
    return [d for d, f in zip(got, flags) if not f], [d for d, f in zip(got, flags) if f]


def _check_doc_ids(doc_ids: object) -> list[str]:
    """``doc_ids`` as a list, refusing a bare string (one id is ``[id]``) and an empty choice."""
    if isinstance(doc_ids, (str, bytes)):
        raise TypeError(f"doc_ids must be a list of document ids, not one {type(doc_ids).__name__}: "
                        f"pass doc_ids=[{doc_ids!r}]")
    ids = list(doc_ids)  # type: ignore[call-overload]
    if not ids:
        raise ValueError("doc_ids is empty: no documents were chosen (leave doc_ids out for all documents)")
    return ids


def _new_upload(name: str, data: bytes) -> NewDocument:
    """A checked uploaded file (text, HTML or PDF, by its name's suffix or its content) with its metadata."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    return new_document(extract(bytes(data), name), path=name, title=Path(name).stem or name)


class Collection:
    """Documents with their sentences and vectors; in memory by default, persisted when given a directory.

    >>> col = Collection()                       # or Collection("path/to/dir")
    >>> docs = col.add_files(["seeds"])
    >>> col.ask("What did Baerbock ask?").sentences[0].citations
    """

    def __init__(
        self, path: str | Path | None = None, *, embedder: Embedder | None = None, limits: ScopeLimits = SCOPE_LIMITS
    ) -> None:
        self.store = Store(path, embedder=embedder or default_embedder())
        self.limits = limits

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
        self, paths: Iterable[str | Path], *, progress: Progress | None = None, batch_chars: int = BATCH_CHARS,
        ray: str | bool | None = None,
    ) -> list[Document]:
        """Add files (and the .txt/.md/.html/.pdf files of directories): text, web pages and PDFs.

        Each document's title, date, author and outlet come from the file itself (a web page's metadata, a
        text's heading line or first sentence and its `Source:` line); the document id from the file name.

        Every file is read and checked before any is stored, so one bad file adds nothing. Then the files
        stream in batches of about ``batch_chars`` characters, one transaction each, so memory stays
        bounded however many files there are; a crash keeps the batches already committed.
        ``progress(done, total)`` counts files when there are several batches, else sentences.
        ``ray``: read, split and embed on a Ray cluster (``True``: ``RAY_ADDRESS``, a running local instance or a new
        one; a string: the cluster's address), writing each finished batch here as above (``pip install 'mdsum[ray]'``).
        """
        if isinstance(paths, (str, Path)):
            paths = [paths]
        files = expand_paths(paths)
        # Check every file first. Keep the texts while they fit in one batch (the usual case: a few
        # articles are read once); beyond that, read again batch by batch so memory stays bounded.
        sizes, kept, kept_chars = [], {}, 0
        for f in files:
            doc = read_file(f)
            sizes.append(len(doc.text))
            if kept_chars + len(doc.text) <= batch_chars and not ray:
                kept[f] = doc
                kept_chars += len(doc.text)
        if ray:
            from index.distributed import add_files_on_ray

            return add_files_on_ray(self.store, files, sizes, address=None if ray is True else ray,
                                    progress=progress, batch_chars=batch_chars)

        def items(batch: list[int]) -> list[NewDocument]:
            return [new_document(kept.pop(files[i], None) or read_file(files[i]), path=str(files[i]),
                                 title=files[i].stem) for i in batch]

        return self._add_batches(items, sizes, progress, batch_chars)

    def add_texts(
        self, texts: Iterable[str], *, titles: Iterable[str | None] | None = None, progress: Progress | None = None,
        batch_chars: int = BATCH_CHARS,
    ) -> list[Document]:
        """Add many texts in one embedding pass (per ``batch_chars`` characters), faster than one ``add_text`` each.

        Every text is checked before any is stored; ``titles``: one per text, ``None`` for its heading line or first
        sentence.
        Returns one document per text, in order (an already stored text returns the stored document).
        """
        if isinstance(texts, str):
            raise TypeError("texts must be a list of str, not one str (use add_text)")
        texts = list(texts)
        titles = [None] * len(texts) if titles is None else list(titles)
        if len(titles) != len(texts):
            raise ValueError(f"{len(titles)} titles for {len(texts)} texts")
        for t, title in zip(texts, titles):  # every text checked before any is stored
            _check_new_text(t, title)
        # titles found batch by batch, just before the batch is split: a short text is split once (split_text's cache)
        return self._add_batches(lambda batch: [_new_text(texts[i], titles[i]) for i in batch], [len(t) for t in texts],
                                 progress, batch_chars)

    def _add_batches(self, items: Callable[[list[int]], list[NewDocument]], sizes: list[int],
                     progress: Progress | None, batch_chars: int) -> list[Document]:
        """Store documents in batches of about ``batch_chars`` characters, one transaction and embedding pass each."""
        batches = char_batches(sizes, batch_chars)
        out: list[Document] = []
        with self.store.bulk():
            for batch in batches:
                step = progress
                if progress and len(batches) > 1:
                    done = len(out)
                    step = lambda d, t, done=done, n=len(batch): progress(done + (n * d // t if t else n), len(sizes))  # noqa: E731
                out.extend(self.store.add(items(batch), progress=step))
                if progress and len(batches) > 1:
                    progress(len(out), len(sizes))
        return out

    def add_text(
        self, text: str, title: str | None = None, *, path: str | None = None, date: str | None = None,
        progress: Progress | None = None,
    ) -> Document:
        """Add raw text as a document; ``title`` defaults to its heading line, else its first sentence shortened."""
        return self.store.add([_new_text(text, title, path, date)], progress=progress)[0]

    def add_bytes(self, data: bytes, name: str, *, progress: Progress | None = None) -> Document:
        """Add an uploaded file's bytes (text, HTML or PDF, by its name's suffix or its content); ``name`` is its
        file name. Same checks and metadata as add_files."""
        return self.store.add([_new_upload(name, data)], progress=progress)[0]

    def add_url(self, url: str, *, allow_private: bool = True, progress: Progress | None = None) -> Document:
        """Fetch a web page or PDF and add it; its title, date, author and outlet come from the page.

        Raises UnsupportedUrlError (not http/https), DnsError, FetchTimeoutError, HttpStatusError,
        ResponseTooLargeError, NoArticleTextError, ... naming the URL; FeedError for a feed (see add_feed).
        ``allow_private=False`` refuses hosts on loopback, private and link-local addresses (for a server).
        """
        _, article = fetch_source(url, allow_private=allow_private)
        if article is None:
            raise FeedError(f"{url}: is an RSS or Atom feed, not an article (add it as a feed)")
        return self.store.add([new_document(article, path=None, title=url)], progress=progress)[0]

    def add_feed(
        self, source: str | Path, *, allow_private: bool = True, progress: Progress | None = None,
        max_entries: int = MAX_FEED_ENTRIES,
    ) -> FeedResult:
        """Add every article an RSS or Atom feed (a URL or a file) links to, at most ``max_entries``.

        Links that fail (fetch errors, pages without article text) are skipped and listed in the result's
        ``failed``; ``progress(done, total)`` counts the feed's articles.
        """
        feed = read_feed(source, allow_private=allow_private, max_entries=max_entries)
        return add_entries(feed, str(source), self._add_one, allow_private=allow_private, progress=progress)

    def add_link(self, url: str, *, allow_private: bool = True, progress: Progress | None = None) -> FeedResult:
        """Add what a URL holds: one article, or every article of a feed (then ``progress`` counts articles)."""
        got, article = fetch_source(url, allow_private=allow_private)
        if article is not None:
            doc = self.store.add([new_document(article, path=None, title=url)], progress=progress)[0]
            return FeedResult(url, None, [doc])
        feed = parse_feed(got.data, url, base_url=got.url)
        return add_entries(feed, url, self._add_one, allow_private=allow_private, progress=progress)

    def _add_one(self, item: NewDocument) -> Document:
        return self.store.add([item])[0]

    def add_uploads(
        self, files: Iterable[tuple[str, bytes]], *, progress: Progress | None = None,
        on_error: Callable[[IngestError], None] | None = None,
    ) -> list[Document | None]:
        """Add uploaded files, ``(name, bytes)`` pairs, in one embedding pass (per batch); same checks as add_bytes.

        Every file is checked first. A bad file raises and nothing is stored, or, given ``on_error``, is handed
        to it and left out while the others are added. Returns one entry per file, in order: its document (an
        already stored text gives the stored document), or None for a file left out.
        """
        news: list[NewDocument | None] = []
        for name, data in files:
            try:
                news.append(_new_upload(name, data))
            except IngestError as exc:
                if on_error is None:
                    raise
                on_error(exc)
                news.append(None)
        good = [n for n in news if n is not None]
        docs = iter(self._add_batches(lambda batch: [good[i] for i in batch], [len(n.text) for n in good], progress,
                                      BATCH_CHARS))
        return [None if n is None else next(docs) for n in news]

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
        with self.store.lock, one_blas_thread():  # one consistent state, even while another thread adds or removes
            return answer_question(self.store, q, k=k, followup=followup)

    def summarize(
        self, max_words: int = 150, *, max_sentences: int | None = None, method: str = "default",
        doc_ids: list[str] | None = None, query: str | None = None, ratio: float | None = RATIO,
    ) -> Summary:
        """A merged extractive summary, in reading order, of the documents in scope (see :meth:`scope`).

        It holds at most ``max_words`` words and stops once it holds ``ratio`` of its sources' words (``None``:
        it fills ``max_words``); short sources get a short summary. A ``query`` also focuses it: sentences close to
        the query (in meaning and in its words) rank higher, so the summary favours what it asks about.
        """
        with self.store.lock:
            vector = None  # the query encoded once, for the scope and the focus; doc_ids checked first
            if query is not None and doc_ids is None:
                vector = self._query_vector(query)
            ids, note = self.scope(doc_ids, query, "summary", vector=vector)
            focus = None
            if query is not None:
                vector = self._query_vector(query) if vector is None else vector
                focus = Focus(query.strip(), vector / (float(np.linalg.norm(vector)) or 1.0))
            summ = summarize_store(self.store, max_words=max_words, max_sentences=max_sentences, method=method,
                                   doc_ids=ids, ratio=ratio, focus=focus)
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

    def scope(self, doc_ids: list[str] | None, query: str | None, what: str = "summary", *,
              vector: np.ndarray | None = None) -> tuple[list[str] | None, str]:
        """The documents a summary or comparison works on, and a note saying so when they are a selection.

        ``doc_ids`` when given (a list of ids: an empty list raises ValueError, a bare string TypeError); else the
        documents with a sentence that matches ``query`` nearly as well as the best-matching document's best (see
        :class:`ScopeLimits`); else all documents, unless the collection is large, when the most recently added
        documents stand for it. ``vector``: the query's, when already encoded.
        """
        if doc_ids is not None:
            return _check_doc_ids(doc_ids), ""
        docs = self.store.documents
        if query is not None:
            q = check_question(query, "query")
            ids = self._matching(q, vector)
            return ids, f"This {what} covers the {len(ids)} of {len(docs)} documents most related to {shown(q)}."
        n = self.store.body_count
        if n > self.limits.large_sentences:
            ids = [d.id for d in docs[-self.limits.latest_docs :]]
            return ids, (f"The collection holds {len(docs):,} documents ({n:,} sentences): this {what} covers the "
                         f"{len(ids)} most recently added. Pass a query or document ids to choose others.")
        return None, ""

    def _query_vector(self, query: str) -> np.ndarray:
        """A checked query's vector, as questions are encoded."""
        q = check_question(query, "query")
        return np.asarray(encode_queries(self.store.embedder, [q])[0], dtype=np.float32)

    def _matching(self, query: str, vector: np.ndarray | None = None) -> list[str]:
        """The documents with a sentence nearly as close to ``query`` (its ``vector`` when already encoded) as the
        best-matching document's best."""
        lim = self.limits
        vec = self._query_vector(query) if vector is None else vector
        hits = self.store.search(vec[None, :], lim.query_hits)[0]
        best: dict[str, float] = {}
        for sid, score in hits:
            d = self.store.sentence(sid).doc_id
            best[d] = max(best.get(d, -1.0), score)
        ranked = sorted(best, key=best.get, reverse=True)
        top = best[ranked[0]] if ranked else 0.0
        return [d for d in ranked if best[d] >= top - lim.query_margin][: lim.query_docs]

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
