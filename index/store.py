"""The document store: documents, sentences and cached embeddings in SQLite, vectors in a FAISS index."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import struct
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from .documents import Document, Sentence, check_text, clean_title, text_hash
from .embeddings import Embedder
from .errors import DocumentNotFoundError, StoreError
from .splitting import split_text
from .vectors import VectorIndex

__all__ = ["Store", "NewDocument", "DB_FILE", "VECTORS_FILE"]

logger = logging.getLogger(__name__)

DB_FILE = "collection.sqlite"
VECTORS_FILE = "vectors.faiss"
_MAGIC = b"MDSFAISS1"
_SCHEMA_VERSION = "1"

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


def _sanitized(item: NewDocument) -> NewDocument:
    """Text SQLite can store (lone surrogates become U+FFFD) and a path string without control characters."""
    text = _SURROGATE.sub("\ufffd", item.text)
    path = clean_title(_SURROGATE.sub("\ufffd", item.path))[:1000] if item.path else None
    title = clean_title(_SURROGATE.sub("\ufffd", item.title or "untitled"))
    author, outlet, url = (
        clean_title(_SURROGATE.sub("\ufffd", v))[:1000] if v else None for v in (item.author, item.outlet, item.url)
    )
    return NewDocument(text, title, path, item.date, author, outlet, url, item.headings)


class Store:
    """Documents and sentence vectors, in memory (``path=None``) or in a directory on disk.

    SQLite holds the truth (documents, sentence offsets and kinds, embeddings cached by model and text
    hash); the FAISS index over body sentences (ids = sentence row ids) is saved beside it with the
    database generation it matches, and rebuilt from the stored embeddings when it does not match.
    """

    def __init__(self, path: str | Path | None = None, *, embedder: Embedder) -> None:
        self.embedder = embedder
        self.path = Path(path) if path is not None else None
        self.lock = threading.RLock()  # hold it to read several things from one state (see Collection.ask)
        self._docs: dict[str, Document] = {}
        self._sents: dict[int, Sentence] = {}
        self._doc_sids: dict[str, list[int]] = {}
        self._by_hash: dict[str, str] = {}  # document text hash -> document id
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

    def sentences(self, doc_id: str) -> list[Sentence]:
        with self.lock:
            self.document(doc_id)
            return [self._sents[i] for i in self._doc_sids[doc_id]]

    def sentence(self, sid: int) -> Sentence:
        return self._sents[sid]

    def body_ids(self, doc_ids: Iterable[str] | None = None) -> list[int]:
        """Row ids of the body sentences (of the given documents, else all), in reading order."""
        with self.lock:
            ids = self._docs.keys() if doc_ids is None else doc_ids
            return [sid for d in ids for sid in self._doc_sids[d] if self._sents[sid].is_body]

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
    def body_count(self) -> int:
        """How many body sentences (vectors) the store holds."""
        return self._index.ntotal

    @property
    def generation(self) -> int:
        return int(self._meta("generation", "0"))

    # ----------------------------------------------------------------- writing

    def add(self, items: Sequence[NewDocument], progress: Callable[[int, int], None] | None = None) -> list[Document]:
        """Add documents in one transaction; a document whose text is already stored is returned as is."""
        prepared = []
        for item in items:
            item = _sanitized(item)
            check_text(item.text, item.path or item.title)
            spans, found_date = split_text(item.text, item.headings)
            prepared.append((item, spans, found_date, text_hash(item.text)))
        # Embed outside the lock: the model is the slow part and needs no database state but the cache.
        todo = {}
        for item, spans, _, _ in prepared:
            for sp in spans:
                if sp.kind == "body":
                    t = item.text[sp.start : sp.end]
                    todo.setdefault(text_hash(t), t)
        vectors, fresh = self._embed(todo, progress)
        with self.lock:
            out: list[Document] = []
            new_vecs: list[tuple[int, np.ndarray]] = []
            by_hash = {h: self._docs[d] for h, d in self._by_hash.items()}
            cur = self._db.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                for item, spans, found_date, d_hash in prepared:
                    if d_hash in by_hash:
                        logger.info("%s: same text as document %s, not added again", item.title, by_hash[d_hash].id)
                        out.append(by_hash[d_hash])
                        continue
                    doc = self._insert(cur, item, spans, found_date, d_hash, vectors, new_vecs)
                    by_hash[d_hash] = doc
                    out.append(doc)
                self._cache_vectors(cur, fresh)
                self._bump(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                self._load()  # drop in-memory changes of the failed transaction
                raise
            if new_vecs:
                ids = np.array([i for i, _ in new_vecs], dtype=np.int64)
                self._index.add(ids, np.vstack([v for _, v in new_vecs]))
            self._save_index()
            return out

    def remove(self, doc_id: str) -> Document:
        with self.lock:
            doc = self.document(doc_id)
            sids = self._doc_sids[doc_id]
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
            self._index.remove(np.asarray(sids, dtype=np.int64))
            for sid in sids:
                del self._sents[sid]
            del self._doc_sids[doc_id]
            del self._docs[doc_id]
            self._by_hash = {h: d for h, d in self._by_hash.items() if d != doc_id}
            self._save_index()
            return doc

    def close(self) -> None:
        with self.lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # ----------------------------------------------------------------- internals

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
        if version != _SCHEMA_VERSION:
            raise StoreError(f"store schema {version} is not supported by this version (expects {_SCHEMA_VERSION})")
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (_SCHEMA_VERSION,))
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")

    def _bump(self, cur: sqlite3.Cursor) -> None:
        cur.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

    def _cache_vectors(self, cur: sqlite3.Cursor, vectors: dict[str, np.ndarray]) -> None:
        cur.executemany(
            "INSERT OR IGNORE INTO embeddings(model, text_hash, vector) VALUES (?, ?, ?)",
            [(self.embedder.name, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in vectors.items()],
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
                    found[h] = np.frombuffer(blob, dtype=np.float32)
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

    def _insert(self, cur, item: NewDocument, spans, found_date, d_hash, vectors, new_vecs) -> Document:
        doc_id = self._new_id(Path(item.path).stem if item.path else item.title)  # a file keeps its name as id
        title = clean_title(item.title)
        date = item.date or found_date
        cur.execute(
            "INSERT INTO documents(id, title, path, date, text, text_hash, added, author, outlet, url)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, title, item.path, date, item.text, d_hash, time.time(), item.author, item.outlet, item.url),
        )
        sids = []
        for i, sp in enumerate(spans):
            t = item.text[sp.start : sp.end]
            h = text_hash(t)
            cur.execute(
                "INSERT INTO sentences(doc_id, idx, start, end, kind, paragraph, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc_id, i, sp.start, sp.end, sp.kind, sp.paragraph, h),
            )
            sid = cur.lastrowid
            sids.append(sid)
            self._sents[sid] = Sentence(doc_id, i, sp.start, sp.end, t, sp.kind, sp.paragraph)
            if sp.kind == "body":
                new_vecs.append((sid, vectors[h]))
        doc = Document(doc_id, title, item.text, item.path, date, len(spans), item.author, item.outlet, item.url)
        self._docs[doc_id] = doc
        self._by_hash[d_hash] = doc_id
        self._doc_sids[doc_id] = sids
        return doc

    def _new_id(self, title: str) -> str:
        base = re.sub(r"[^a-z0-9_-]+", "-", title.lower()).strip("-")[:48].strip("-") or "doc"
        doc_id, n = base, 1
        while doc_id in self._docs:
            n += 1
            doc_id = f"{base}-{n}"
        return doc_id

    def _load(self) -> None:
        """Read documents and sentences from SQLite, then the FAISS index (or rebuild it)."""
        self._docs.clear()
        self._sents.clear()
        self._doc_sids.clear()
        self._by_hash.clear()
        for doc_id, title, path, date, text, d_hash, author, outlet, url in self._db.execute(
            "SELECT id, title, path, date, text, text_hash, author, outlet, url FROM documents ORDER BY seq"
        ):
            self._docs[doc_id] = Document(doc_id, title, text, path, date, 0, author, outlet, url)
            self._by_hash[d_hash] = doc_id
            self._doc_sids[doc_id] = []
        for sid, doc_id, idx, start, end, kind, para in self._db.execute(
            "SELECT id, doc_id, idx, start, end, kind, paragraph FROM sentences ORDER BY doc_id, idx"
        ):
            text = self._docs[doc_id].text
            self._sents[sid] = Sentence(doc_id, idx, start, end, text[start:end], kind, para)
            self._doc_sids[doc_id].append(sid)
        for doc_id, doc in self._docs.items():
            self._docs[doc_id] = replace(doc, sentence_count=len(self._doc_sids[doc_id]))
        self._index = self._read_index()
        if self._index is None:
            self._index = self._rebuild_index()

    def _new_index(self) -> VectorIndex:
        return VectorIndex(self.embedder.dim)

    def _read_index(self):
        """The saved FAISS index when it matches this database generation and model, else None."""
        if self.path is None:
            return None
        f = self.path / VECTORS_FILE
        if not f.exists():
            return None
        try:
            data = f.read_bytes()
            if not data.startswith(_MAGIC):
                raise ValueError("bad header")
            gen, name_len = struct.unpack_from("<QH", data, len(_MAGIC))
            off = len(_MAGIC) + 10
            model = data[off : off + name_len].decode()
            if gen != self.generation or model != self.embedder.name:
                logger.info("vector index is stale (generation %s, model %s): rebuilding", gen, model)
                return None
            index = VectorIndex.from_bytes(data[off + name_len :], self.embedder.dim)
            if index.ntotal != len(self.body_ids()):
                return None
            return index
        except Exception as exc:  # a damaged file is rebuilt, never trusted
            logger.warning("%s: unreadable vector index (%s): rebuilding from stored embeddings", f, exc)
            return None

    def _rebuild_index(self):
        index = self._new_index()
        sids = self.body_ids()
        if sids:
            texts = {}
            by_sid = {}
            for sid in sids:
                t = self._sents[sid].text
                h = text_hash(t)
                texts[h] = t
                by_sid[sid] = h
            vectors, fresh = self._embed(texts, None)
            if fresh:
                cur = self._db.cursor()
                cur.execute("BEGIN IMMEDIATE")
                self._cache_vectors(cur, fresh)
                cur.execute("COMMIT")
            index.add(np.asarray(sids, dtype=np.int64), np.vstack([vectors[by_sid[s]] for s in sids]))
        self._index = index
        self._save_index()
        return index

    def rebuild(self) -> int:
        """Rebuild the vector index from the stored embeddings; returns the number of vectors."""
        with self.lock:
            self._rebuild_index()
            return self._index.ntotal

    def _save_index(self) -> None:
        """Write the FAISS index atomically (temp file, fsync, rename), tagged with the database generation."""
        if self.path is None:
            return
        name = self.embedder.name.encode()
        payload = self._index.to_bytes()
        target = self.path / VECTORS_FILE
        tmp = target.with_name(f".{VECTORS_FILE}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(_MAGIC + struct.pack("<QH", self.generation, len(name)) + name)
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
