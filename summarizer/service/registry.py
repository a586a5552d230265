"""Named collections under one root: one open `Collection` per name, writes one at a time across processes.

Each collection is a store folder ``ROOT/NAME``. Writers hold a per-name thread lock and an fcntl lock on
``ROOT/.locks/NAME.lock``, so two server processes on one root never write one store at once. Before a
request uses a collection, the store's ``generation`` (bumped by every commit) is read with a cheap
read-only query; when another process changed it, the collection is opened again under the file lock.
"""

from __future__ import annotations

import fcntl
import logging
import re
import shutil
import sqlite3
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from index.store import DB_FILE  # the store's file name: read-only generation checks and listing
from summarizer import Collection, Embedder

from .problems import CollectionNotFoundError

__all__ = ["Registry", "NAME_PATTERN", "check_name", "file_lock"]

logger = logging.getLogger(__name__)

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_NAME = re.compile(NAME_PATTERN)
LOCKS_DIR = ".locks"
UNKNOWN = -1  # a generation that could not be read: open the collection again to be safe


def check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"collection name {name!r}: use 1-64 lowercase letters, digits, '-' or '_', "
                         "starting with a letter or digit")
    return name


class _Probe:
    """A read-only connection to one store's database, kept to read its generation cheaply (about 20 us a read).

    Opened again when the database file is replaced (a collection deleted and created again by another process).
    """

    def __init__(self, path: Path) -> None:
        self.db = path / DB_FILE
        self._con: sqlite3.Connection | None = None
        self._file: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def read(self) -> int | None:
        try:
            st = self.db.stat()
        except FileNotFoundError:
            self.close()
            return None
        with self._lock:
            try:
                if self._con is None or self._file != (st.st_dev, st.st_ino):
                    self._close()
                    self._con = sqlite3.connect(f"file:{quote(str(self.db))}?mode=ro", uri=True, timeout=5,
                                                check_same_thread=False)
                    self._file = (st.st_dev, st.st_ino)
                rows = self._con.execute("SELECT value FROM meta WHERE key = 'generation'").fetchall()
            except sqlite3.Error as exc:  # being created, or damaged: opening it again tells which
                logger.info("%s: generation unreadable (%s)", self.db, exc)
                self._close()
                return UNKNOWN
        return int(rows[0][0]) if rows else UNKNOWN

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
        self._con, self._file = None, None


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive fcntl lock on ``path`` (created if missing), held for the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass
class _Entry:
    """One name's open collection, the generation it was loaded at, the lock its writers take, its probe."""

    probe: _Probe
    lock: threading.RLock = field(default_factory=threading.RLock)
    collection: Collection | None = None
    generation: int = UNKNOWN


class Registry:
    """The collections under ``root``, opened lazily with one shared embedder."""

    def __init__(self, root: str | Path, *, embedder: Embedder) -> None:
        self.root = Path(root).expanduser()
        self.root.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder
        self._entries: dict[str, _Entry] = {}
        self._guard = threading.Lock()

    def path(self, name: str) -> Path:
        return self.root / check_name(name)

    def names(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if _NAME.match(p.name) and (p / DB_FILE).exists())

    def exists(self, name: str) -> bool:
        return (self.path(name) / DB_FILE).exists()

    def require(self, name: str) -> None:
        """Raise CollectionNotFoundError unless the collection exists."""
        if not self.exists(name):
            raise CollectionNotFoundError(f"no collection named {name!r}")

    # ------------------------------------------------------------------ reading

    def get(self, name: str) -> Collection:
        """The collection as last committed by any process; raises CollectionNotFoundError."""
        entry = self._entry(name)
        gen = entry.probe.read()
        if gen is None:
            self._forget(name)
            raise CollectionNotFoundError(f"no collection named {name!r}")
        if entry.collection is not None and gen == entry.generation and gen != UNKNOWN:
            return entry.collection
        with entry.lock:  # an in-process writer finishes first; then look again
            if entry.collection is None or entry.probe.read() != entry.generation:
                with file_lock(self._lock_path(name)):
                    self._reopen(name, entry)
            return entry.collection

    @contextmanager
    def writing(self, name: str) -> Iterator[Collection]:
        """The up-to-date collection, with this process's and every other process's writers kept out."""
        entry = self._entry(name)
        with entry.lock, file_lock(self._lock_path(name)):
            if entry.collection is None or entry.probe.read() != entry.generation:
                self._reopen(name, entry)
            try:
                yield entry.collection
            finally:
                gen = entry.probe.read()
                entry.generation = UNKNOWN if gen is None else gen

    # ------------------------------------------------------------------ creating and deleting

    def create(self, name: str) -> bool:
        """Create an empty collection; False when it already exists."""
        entry = self._entry(name, must_exist=False)
        with entry.lock, file_lock(self._lock_path(name)):
            if self.exists(name):
                return False
            self._swap(entry, Collection(self.path(name), embedder=self.embedder), entry.probe.read())
            logger.info("created collection %s", name)
            return True

    def delete(self, name: str) -> None:
        entry = self._entry(name)
        with entry.lock, file_lock(self._lock_path(name)):
            if not self.exists(name):
                raise CollectionNotFoundError(f"no collection named {name!r}")
            self._swap(entry, None, UNKNOWN)
            shutil.rmtree(self.path(name))
            logger.info("deleted collection %s", name)
        self._forget(name)

    def close(self) -> None:
        with self._guard:
            entries, self._entries = list(self._entries.values()), {}
        for entry in entries:
            with entry.lock:
                self._swap(entry, None, UNKNOWN)
                entry.probe.close()

    # ------------------------------------------------------------------ internals

    def _lock_path(self, name: str) -> Path:
        return self.root / LOCKS_DIR / f"{check_name(name)}.lock"

    def _entry(self, name: str, *, must_exist: bool = True) -> _Entry:
        if must_exist:
            self.require(name)
        with self._guard:
            if name not in self._entries:
                self._entries[name] = _Entry(_Probe(self.path(name)))
            return self._entries[name]

    def _forget(self, name: str) -> None:
        with self._guard:
            entry = self._entries.pop(name, None)
        if entry is not None:
            with entry.lock:
                self._swap(entry, None, UNKNOWN)
                entry.probe.close()

    def _reopen(self, name: str, entry: _Entry) -> None:
        """Open the store again (caller holds the file lock); the old object closes once no request uses it."""
        gen = entry.probe.read()
        if gen is None:
            self._swap(entry, None, UNKNOWN)
            raise CollectionNotFoundError(f"no collection named {name!r}")
        logger.info("opening collection %s at generation %s", name, gen)
        self._swap(entry, Collection(self.path(name), embedder=self.embedder), gen)

    @staticmethod
    def _swap(entry: _Entry, collection: Collection | None, generation: int) -> None:
        old, entry.collection, entry.generation = entry.collection, collection, generation
        if old is not None:
            weakref.finalize(old, old.store.close)  # requests still holding it finish first
