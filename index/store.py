"""The document store: documents, sentences and cached embeddings in SQLite, vectors in a FAISS index."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import struct
import threading
import time
import unicodedata
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from .documents import Document, Sentence, check_text, clean_title, text_hash
from .embeddings import Embedder
from .errors import DocumentNotFoundError, StoreError
from .rows import BODY_CODE, KIND_CODES, SentenceRows, runs
from .splitting import KINDS, Span, split_text
from .vectors import VectorIndex

__all__ = ["Store", "NewDocument", "PreparedDocument", "prepare", "DB_FILE", "VECTORS_FILE"]

logger = logging.getLogger(__name__)

DB_FILE = "collection.sqlite"
VECTORS_FILE = "vectors.faiss"
_MAGIC = b"MDSFAISS2"
_SCHEMA_VERSION = "2"  # 2: embeddings may be stored as float16 (a blob of dim * 2 bytes)
_READABLE_SCHEMAS = ("1", "2")
SAVE_SHARE = 0.05  # write the FAISS file once the vectors changed since it was written reach this share of them
SAVE_ALWAYS_BELOW = 50_000  # ... or after every change below this many vectors (a write of under 0.1 s here)
_ROWS_CHUNK = 100_000  # sentence rows read from SQLite at a time when opening
_ROW_DTYPE = np.dtype([("sid", np.int64), ("doc", np.int64), ("index", np.int32), ("start", np.int32),
                       ("end", np.int32), ("kind", np.int8), ("paragraph", np.int32)])
_REBUILD_CHUNK = 200_000  # vectors added to the index at a time when catching up

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    path TEXT,
    date TEXT,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    added REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    kind TEXT NOT NULL,
    paragraph INTEGER NOT NULL,
    text_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sentences_doc ON sentences(doc_id, idx);
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, text_hash)
) WITHOUT ROWID;
"""


_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class NewDocument:
    """A document to add: its text and where it came from."""

    text: str
    title: str
    path: str | None = None
    date: str | None = None
    author: str | None = None
    outlet: str | None = None
    url: str | None = None
    # (start, end) of the heading lines a web page's markup marks; None for plain text (see split_text)
    headings: tuple[tuple[int, int], ...] | None = None


_META_COLUMNS = ("author", "outlet", "url")  # added after schema 1 first shipped: migrated in place


@dataclass(frozen=True, eq=False)
class PreparedDocument:
    """A document checked and split (:func:`prepare`), then embedded: ready for :meth:`Store.add_prepared`."""

    item: NewDocument  # sanitized
    spans: tuple[Span, ...]
    found_date: str | None  # the date the splitter found at the top of the text
    vectors: np.ndarray | None = None  # one unit vector per body span, in order

    def body_texts(self) -> list[str]:
        return [self.item.text[s.start : s.end] for s in self.spans if s.kind == "body"]


def _sanitized(item: NewDocument) -> NewDocument:
    """Text SQLite can store (lone surrogates become U+FFFD) and a path string without control characters."""
    text = _SURROGATE.sub("\ufffd", item.text)
    path = clean_title(_SURROGATE.sub("\ufffd", item.path))[:1000] if item.path else None
    title = clean_title(_SURROGATE.sub("\ufffd", item.title or "untitled"))
    author, outlet, url = (
        clean_title(_SURROGATE.sub("\ufffd", v))[:1000] if v else None for v in (item.author, item.outlet, item.url)
    )
    return replace(item, text=text, title=title, path=path, author=author, outlet=outlet, url=url)


def prepare(item: NewDocument) -> PreparedDocument:
    """Sanitize, check and split one document (no vectors yet); raises on empty or oversized text."""
    item = _sanitized(item)
    check_text(item.text, item.path or item.title)
    spans, found_date = split_text(item.text, item.headings)
    return PreparedDocument(item, tuple(spans), found_date)


def _stored(vectors: np.ndarray) -> np.ndarray:
    """Vectors as the store keeps them: rounded to float16 (half the disk and memory), computed with in float32."""
    return np.asarray(vectors, dtype=np.float16).astype(np.float32)


def _from_blob(blob: bytes, dim: int) -> np.ndarray:
    """A cached vector: float16 (schema 2) or float32 (schema 1) by its length."""
    dtype = np.float16 if len(blob) == 2 * dim else np.float32
    return np.frombuffer(blob, dtype=dtype).astype(np.float32)


class Store:
    """Documents and sentence vectors, in memory (``path=None``) or in a directory on disk.

    SQLite holds the truth (documents, sentence offsets and kinds, embeddings cached by model and text
    hash, as float16). In memory: the documents, every sentence as a row of compact columns (no object per
    sentence; :meth:`sentence` builds one on demand) and the FAISS index over body sentences (ids = sentence
    row ids). The FAISS file is saved beside the database (atomically, tagged with this store's id) after
    changes that reach a share of its size and on close; on open, the vectors the file lacks or has too
    many of are read from the embedding cache and applied, so a stale or missing file costs no model call.
    """

    def __init__(self, path: str | Path | None = None, *, embedder: Embedder) -> None:
        self.embedder = embedder
        self.path = Path(path) if path is not None else None
        self.lock = threading.RLock()  # hold it to read several things from one state (see Collection.ask)
        self._docs: dict[str, Document] = {}
        self._num: dict[str, int] = {}  # document id -> its number (SQLite seq, never reused)
        self._doc_at: dict[int, str] = {}  # document number -> id
        self._by_hash: dict[str, str] = {}  # document text hash -> document id
        self._rows = SentenceRows()
        self._unsaved = 0  # vectors added or removed since the FAISS file was written
        self._bulk = 0  # open bulk() blocks: the FAISS file waits for the last to end
        self.encoded_count = 0  # sentences this store sent to the model (the cache's misses)
        if self.path is not None:
            if self.path.exists() and not self.path.is_dir():
                raise StoreError(f"{self.path}: store path exists and is not a directory")
            self.path.mkdir(parents=True, exist_ok=True)
            db = str(self.path / DB_FILE)
        else:
            db = ":memory:"
        try:
            self._db = sqlite3.connect(db, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA foreign_keys = ON")
            if self.path is not None:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.executescript(_SCHEMA)
            self._migrate()
            self._check_meta()
            self._load()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{db}: damaged or not a summarizer store ({exc})") from exc

    # ----------------------------------------------------------------- reading

    @property
    def documents(self) -> list[Document]:
        with self.lock:
            return list(self._docs.values())

    def document(self, doc_id: str) -> Document:
        with self.lock:
            try:
                return self._docs[doc_id]
            except KeyError:
                raise DocumentNotFoundError(f"unknown document id {doc_id!r}") from None

    def document_numbers(self) -> dict[str, int]:
        """Document id -> its number: increasing in the order documents were added, never reused after a remove."""
        with self.lock:
            return dict(self._num)

    def sentences(self, doc_id: str) -> list[Sentence]:
        with self.lock:
            doc = self.document(doc_id)
            lo, hi = self._rows.span(self._num[doc_id])
            return self._sentences(doc, lo, hi)

    def sentence(self, sid: int) -> Sentence:
        with self.lock:
            row = self._rows.find(sid)
            if row < 0:
                raise KeyError(sid)
            doc = self._docs[self._doc_at[int(self._rows.col("doc")[row])]]
            return self._sentences(doc, row, row + 1)[0]

    def _sentences(self, doc: Document, lo: int, hi: int) -> list[Sentence]:
        cols = [self._rows.col(c)[lo:hi].tolist() for c in ("index", "start", "end", "kind", "paragraph")]
        return [Sentence(doc.id, i, s, e, doc.text[s:e], KINDS[k], p) for i, s, e, k, p in zip(*cols)]

    def body_ids(self, doc_ids: Iterable[str] | None = None) -> list[int]:
        """Row ids of the body sentences (of the given documents, else all), in reading order."""
        with self.lock:
            sid, kind = self._rows.col("sid"), self._rows.col("kind")
            if doc_ids is None:
                return sid[kind == BODY_CODE].tolist()
            out: list[int] = []
            for d in doc_ids:
                lo, hi = self._rows.span(self._num[d])
                out.extend(sid[lo:hi][kind[lo:hi] == BODY_CODE].tolist())
            return out

    def vectors(self, sids: Sequence[int]) -> np.ndarray:
        """The stored vectors of these body sentences, one row each."""
        with self.lock:
            if not len(sids):
                return np.zeros((0, self.embedder.dim), dtype=np.float32)
            return self._index.reconstruct(np.asarray(sids, dtype=np.int64))

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """For each query vector, up to ``k`` (sentence id, cosine) pairs, best first."""
        with self.lock:
            k = min(k, self._index.ntotal)
            if k <= 0:
                return [[] for _ in range(len(queries))]
            scores, ids = self._index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return [[(int(i), float(s)) for i, s in zip(row_i, row_s) if i >= 0] for row_i, row_s in zip(ids, scores)]

    @property
    def document_count(self) -> int:
        """How many documents the store holds (without listing them, as :attr:`documents` does)."""
        return len(self._docs)

    @property
    def body_count(self) -> int:
        """How many body sentences (vectors) the store holds."""
        return self._index.ntotal

    @property
    def generation(self) -> int:
        return int(self._meta("generation", "0"))

    @property
    def uid(self) -> str:
        """A random id made when the store was created; files derived from it carry it."""
        return self._store_id.decode()

    # ----------------------------------------------------------------- writing

    def add(self, items: Sequence[NewDocument], progress: Callable[[int, int], None] | None = None) -> list[Document]:
        """Add documents in one transaction; a document whose text is already stored is returned as is."""
        prepared = [prepare(item) for item in items]
        todo: dict[str, str] = {}
        for p in prepared:
            for t in p.body_texts():
                todo.setdefault(text_hash(t), t)
        # Embed outside the lock: the model is the slow part and needs no database state but the cache.
        vectors, fresh = self._embed(todo, progress)
        ready = [replace(p, vectors=_rows_of(vectors, p.body_texts(), self.embedder.dim)) for p in prepared]
        return self._write(ready, fresh)

    def add_prepared(self, docs: Sequence[PreparedDocument]) -> list[Document]:
        """Add documents split and embedded elsewhere (see :mod:`index.distributed`), in one transaction.

        The same writer as :meth:`add`: same checks, duplicate handling, transaction and crash safety; every
        vector also goes into the embedding cache.
        """
        cache: dict[str, np.ndarray] = {}
        for p in docs:
            texts = p.body_texts()
            check_text(p.item.text, p.item.path or p.item.title)
            if any(not 0 <= s.start <= s.end <= len(p.item.text) for s in p.spans):
                raise ValueError(f"{p.item.title}: a span lies outside the text")
            if p.vectors is None or p.vectors.shape != (len(texts), self.embedder.dim):
                shape = None if p.vectors is None else p.vectors.shape
                raise ValueError(f"{p.item.title}: vectors of shape {shape}, expected ({len(texts)}, {self.embedder.dim})")
            cache.update(zip(map(text_hash, texts), p.vectors))
        return self._write(docs, cache)

    def remove(self, doc_id: str) -> Document:
        with self.lock:
            doc = self.document(doc_id)
            cur = self._db.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                cur.execute("DELETE FROM sentences WHERE doc_id = ?", (doc_id,))
                cur.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
                self._bump(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            num = self._num.pop(doc_id)
            body = self._rows.drop(num)
            self._index.remove(body)
            del self._docs[doc_id], self._doc_at[num]
            self._by_hash.pop(text_hash(doc.text), None)
            self._changed(len(body))
            return doc

    @contextmanager
    def bulk(self) -> Iterator["Store"]:
        """Within this block the FAISS file is not written; at its end, if the changes call for it (long ingests).

        Every add still commits on its own; after a crash the next open catches the file up from the cache.
        """
        with self.lock:
            self._bulk += 1
        try:
            yield self
        finally:
            with self.lock:
                self._bulk -= 1
                if not self._bulk and self._db is not None:
                    self._changed(0)

    def close(self) -> None:
        with self.lock:
            if self._db is not None:
                if self._unsaved:
                    self._save_index()
                self._db.close()
                self._db = None

    # ----------------------------------------------------------------- internals

    def _write(self, docs: Sequence[PreparedDocument], cache: dict[str, np.ndarray]) -> list[Document]:
        """The one writer: documents, sentences and cache rows in one transaction, then memory and the index."""
        with self.lock:
            out: list[Document] = []
            new: list[tuple[Document, str, dict[str, np.ndarray], np.ndarray]] = []
            pending: dict[str, Document] = {}
            cur = self._db.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                for p in docs:
                    d_hash = text_hash(p.item.text)
                    same = pending.get(d_hash) or (self._docs[self._by_hash[d_hash]] if d_hash in self._by_hash else None)
                    if same is not None:
                        logger.info("%s: same text as document %s, not added again", p.item.title, same.id)
                        out.append(same)
                        continue
                    doc, cols = self._insert(cur, p, d_hash, pending)
                    pending[d_hash] = doc
                    new.append((doc, d_hash, cols, p.vectors))
                    out.append(doc)
                self._cache_vectors(cur, cache)
                self._bump(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            try:
                self._apply_added(new)
            except BaseException:
                self._load()  # committed: memory follows the database
                raise
            return out

    def _insert(self, cur, p: PreparedDocument, d_hash: str, pending: dict[str, Document]):
        item = p.item
        # a file keeps its name as id
        doc_id = self._new_id(Path(item.path).stem if item.path else item.title, {d.id for d in pending.values()})
        title = clean_title(item.title)
        date = item.date or p.found_date
        cur.execute(
            "INSERT INTO documents(id, title, path, date, text, text_hash, added, author, outlet, url)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, title, item.path, date, item.text, d_hash, time.time(), item.author, item.outlet, item.url),
        )
        num = cur.lastrowid
        spans = p.spans
        cur.executemany(
            "INSERT INTO sentences(doc_id, idx, start, end, kind, paragraph, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(doc_id, i, sp.start, sp.end, sp.kind, sp.paragraph, text_hash(item.text[sp.start : sp.end]))
             for i, sp in enumerate(spans)],
        )
        sids = [r[0] for r in cur.execute("SELECT id FROM sentences WHERE doc_id = ? ORDER BY idx", (doc_id,))]
        cols = {
            "sid": np.asarray(sids, dtype=np.int64),
            "doc": np.full(len(spans), num, dtype=np.int64),
            "index": np.arange(len(spans), dtype=np.int32),
            "start": np.asarray([sp.start for sp in spans], dtype=np.int32),
            "end": np.asarray([sp.end for sp in spans], dtype=np.int32),
            "kind": np.asarray([KIND_CODES[sp.kind] for sp in spans], dtype=np.int8),
            "paragraph": np.asarray([sp.paragraph for sp in spans], dtype=np.int32),
        }
        return Document(doc_id, title, item.text, item.path, date, len(spans), item.author, item.outlet, item.url), cols

    def _apply_added(self, new) -> None:
        """After the commit: documents, rows and vectors of the new documents into memory."""
        if not new:
            return
        for doc, d_hash, cols, _ in new:
            num = int(cols["doc"][0]) if len(cols["doc"]) else self._db.execute(
                "SELECT seq FROM documents WHERE id = ?", (doc.id,)).fetchone()[0]
            self._docs[doc.id], self._num[doc.id], self._doc_at[num] = doc, num, doc.id
            self._by_hash[d_hash] = doc.id
        self._rows.append(**{c: np.concatenate([cols[c] for _, _, cols, _ in new]) for c in new[0][2]})
        ids = [cols["sid"][cols["kind"] == BODY_CODE] for _, _, cols, _ in new]
        vecs = [v for _, _, _, v in new if v is not None and len(v)]
        n = sum(len(i) for i in ids)
        if n:
            self._index.add(np.concatenate(ids), _stored(np.vstack(vecs)))
        self._changed(n)

    def _changed(self, n: int) -> None:
        """Count vector changes; write the FAISS file when they reach a share of it (and on close)."""
        self._unsaved += n
        total = self._index.ntotal
        if self._unsaved and not self._bulk and (total < SAVE_ALWAYS_BELOW or self._unsaved >= SAVE_SHARE * total):
            self._save_index()

    def _meta(self, key: str, default: str) -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def _migrate(self) -> None:
        """Add the document columns a store written before them lacks (author, outlet, url)."""
        have = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        for col in _META_COLUMNS:
            if col not in have:
                self._db.execute(f"ALTER TABLE documents ADD COLUMN {col} TEXT")

    def _check_meta(self) -> None:
        version = self._meta("schema", _SCHEMA_VERSION)
        if version not in _READABLE_SCHEMAS:
            raise StoreError(f"store schema {version} is not supported by this version (expects {_SCHEMA_VERSION})")
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (_SCHEMA_VERSION,))
        if version != _SCHEMA_VERSION:  # 1 -> 2: nothing to convert, float32 cache rows stay readable
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (_SCHEMA_VERSION,))
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('store_id', ?)", (uuid.uuid4().hex,))
        self._store_id = self._meta("store_id", "").encode()

    def _bump(self, cur: sqlite3.Cursor) -> None:
        cur.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

    def _cache_vectors(self, cur: sqlite3.Cursor, vectors: dict[str, np.ndarray]) -> None:
        cur.executemany(
            "INSERT OR IGNORE INTO embeddings(model, text_hash, vector) VALUES (?, ?, ?)",
            [(self.embedder.name, h, np.asarray(v, dtype=np.float16).tobytes()) for h, v in vectors.items()],
        )

    def _embed(self, todo: dict[str, str], progress: Callable[[int, int], None] | None):
        """Vectors for these texts (by hash) from the cache where stored, else from the model; and the new ones."""
        found: dict[str, np.ndarray] = {}
        hashes = list(todo)
        with self.lock:
            for i in range(0, len(hashes), 500):
                chunk = hashes[i : i + 500]
                rows = self._db.execute(
                    f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({','.join('?' * len(chunk))})",
                    [self.embedder.name, *chunk],
                ).fetchall()
                for h, blob in rows:
                    found[h] = _from_blob(blob, self.embedder.dim)
        # Sorted by length, each chunk pads little, as SentenceTransformer.encode does within one call.
        missing = sorted((h for h in hashes if h not in found), key=lambda h: len(todo[h]))
        total = len(missing)
        if missing:
            logger.info("encoding %d new sentences (%d cached)", total, len(found))
        step = 256
        fresh: dict[str, np.ndarray] = {}
        for i in range(0, total, step):
            chunk = missing[i : i + step]
            vecs = self.embedder.encode([todo[h] for h in chunk])
            if vecs.shape != (len(chunk), self.embedder.dim):
                raise ValueError(f"embedder {self.embedder.name} returned shape {vecs.shape}, expected ({len(chunk)}, {self.embedder.dim})")
            fresh.update(zip(chunk, vecs))
            self.encoded_count += len(chunk)
            if progress:
                progress(min(i + step, total), total)
        found.update(fresh)
        return found, fresh

    def _new_id(self, title: str, taken: set[str]) -> str:
        """An id from ``title``: ASCII (accents dropped: `Bericht über Delhi` gives `bericht-uber-delhi`), unique."""
        ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
        base = re.sub(r"[^a-z0-9_-]+", "-", ascii_title.lower()).strip("-")[:48].strip("-") or "doc"
        doc_id, n = base, 1
        while doc_id in self._docs or doc_id in taken:
            n += 1
            doc_id = f"{base}-{n}"
        return doc_id

    def _load(self) -> None:
        """Read sentence rows and documents from SQLite, then the FAISS index, brought up to date."""
        self._docs.clear()
        self._num.clear()
        self._doc_at.clear()
        self._by_hash.clear()
        self._rows = self._read_rows()
        nums, _, counts = runs(self._rows.col("doc"))
        count_of = dict(zip(nums.tolist(), counts.tolist()))
        for num, doc_id, title, path, date, text, d_hash, author, outlet, url in self._db.execute(
            "SELECT seq, id, title, path, date, text, text_hash, author, outlet, url FROM documents ORDER BY seq"
        ):
            self._docs[doc_id] = Document(doc_id, title, text, path, date, count_of.get(num, 0), author, outlet, url)
            self._num[doc_id], self._doc_at[num] = num, doc_id
            self._by_hash[d_hash] = doc_id
        self._index = self._read_index() or self._new_index()
        self._unsaved = 0
        self._sync_index()

    def _read_rows(self) -> SentenceRows:
        """Every sentence row as compact columns, grouped by document number and in reading order."""
        kind_code = " ".join(f"WHEN '{k}' THEN {c}" for k, c in KIND_CODES.items())
        cur = self._db.execute(
            f"SELECT s.id, d.seq, s.idx, s.start, s.end, CASE s.kind {kind_code} END, s.paragraph "
            "FROM sentences s JOIN documents d ON d.id = s.doc_id ORDER BY s.id"
        )
        parts = []
        while chunk := cur.fetchmany(_ROWS_CHUNK):  # numpy unpacks the tuples: no Python list of every row
            parts.append(np.fromiter(chunk, dtype=_ROW_DTYPE, count=len(chunk)))
        table = np.concatenate(parts) if parts else np.zeros(0, dtype=_ROW_DTYPE)
        if len(table) and not np.all(table["doc"][1:] >= table["doc"][:-1]):
            table = table[np.lexsort((table["index"], table["doc"]))]  # rows of a document must be contiguous
        rows = SentenceRows()
        rows.append(**{c: table[c] for c in _ROW_DTYPE.names})
        return rows

    def _new_index(self) -> VectorIndex:
        return VectorIndex(self.embedder.dim)

    def _read_index(self) -> VectorIndex | None:
        """The saved FAISS index when it belongs to this store and model (at any generation), else None."""
        if self.path is None:
            return None
        f = self.path / VECTORS_FILE
        if not f.exists():
            return None
        try:
            with open(f, "rb") as fh:
                head = fh.read(len(_MAGIC) + 12)
                if not head.startswith(_MAGIC):
                    raise ValueError("bad header")
                gen, name_len, id_len = struct.unpack_from("<QHH", head, len(_MAGIC))
                model = fh.read(name_len).decode()
                store_id = fh.read(id_len)
                if model != self.embedder.name or store_id != self._store_id:
                    logger.info("vector index is for another store or model (%s): rebuilding", model)
                    return None
                logger.info("vector index of generation %d read (store at %d)", gen, self.generation)
                return VectorIndex.read_from(fh, self.embedder.dim)
        except Exception as exc:  # a damaged file is rebuilt, never trusted
            logger.warning("%s: unreadable vector index (%s): rebuilding from stored embeddings", f, exc)
            return None

    def _sync_index(self) -> None:
        """Make the index hold exactly the body sentences: drop ids it has too many, add the missing from the cache."""
        want = np.sort(self._rows.col("sid")[self._rows.col("kind") == BODY_CODE])
        have = np.sort(self._index.ids())
        extra = have[~_members(have, want)]
        missing = want[~_members(want, have)]
        if len(extra):
            self._index.remove(extra)
        for lo in range(0, len(missing), _REBUILD_CHUNK):
            chunk = missing[lo : lo + _REBUILD_CHUNK]
            self._index.add(chunk, self._stored_vectors(chunk))
        if len(extra) or len(missing):
            logger.info("vector index brought up to date: %d added, %d removed", len(missing), len(extra))
            self._changed(len(extra) + len(missing))

    def _stored_vectors(self, sids: np.ndarray) -> np.ndarray:
        """Vectors of these body sentences (sorted ids) from the embedding cache; the model only for any it lacks."""
        out = np.zeros((len(sids), self.embedder.dim), dtype=np.float32)
        todo: dict[str, str] = {}
        where: list[tuple[int, str]] = []
        cur = self._db.cursor()
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (id INTEGER PRIMARY KEY)")
        cur.execute("BEGIN")
        try:
            cur.execute("DELETE FROM temp.wanted")
            cur.executemany("INSERT INTO temp.wanted VALUES (?)", ((int(s),) for s in sids))
            for sid, h, blob in cur.execute(
                "SELECT s.id, s.text_hash, e.vector FROM temp.wanted w JOIN sentences s ON s.id = w.id "
                "LEFT JOIN embeddings e ON e.model = ? AND e.text_hash = s.text_hash", (self.embedder.name,)
            ):
                i = int(np.searchsorted(sids, sid))
                if blob is None:
                    todo[h] = self.sentence(sid).text
                    where.append((i, h))
                else:
                    out[i] = _from_blob(blob, self.embedder.dim)
        finally:
            cur.execute("COMMIT")
        if todo:
            vectors, fresh = self._embed(todo, None)
            cur.execute("BEGIN IMMEDIATE")
            self._cache_vectors(cur, fresh)
            cur.execute("COMMIT")
            for i, h in where:
                out[i] = vectors[h]
        return _stored(out)

    def rebuild(self) -> int:
        """Rebuild the vector index from the stored embeddings; returns the number of vectors."""
        with self.lock:
            self._index = self._new_index()
            self._sync_index()
            self._save_index()
            return self._index.ntotal

    def _save_index(self) -> None:
        """Write the FAISS index atomically (temp file, fsync, rename), tagged with this store's id and generation."""
        self._unsaved = 0
        if self.path is None:
            return
        name = self.embedder.name.encode()
        target = self.path / VECTORS_FILE
        tmp = target.with_name(f".{VECTORS_FILE}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(_MAGIC + struct.pack("<QHH", self.generation, len(name), len(self._store_id)) + name + self._store_id)
            self._index.write_to(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)


def _members(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """For each value, whether the sorted array holds it (binary search: no hashing of a million ids)."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def _rows_of(vectors: dict[str, np.ndarray], texts: list[str], dim: int) -> np.ndarray:
    """One vector per text, in order, from vectors keyed by text hash."""
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    return np.vstack([vectors[text_hash(t)] for t in texts])
