"""Ingestion jobs: persisted in SQLite under the root, run on worker threads, marked failed when their server died.

Each server process holds an fcntl lock on its own owner file while it lives; a queued or running job whose
owner's lock can be taken belongs to a dead process (killed, crashed) and is marked failed when read.
"""

from __future__ import annotations

import fcntl
import json
import logging
import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .ingest import Item, Outcome, add_chunk, chunks
from .problems import INTERNAL, CollectionNotFoundError, JobNotFoundError, ProblemType, problem_type
from .registry import LOCKS_DIR, Registry

__all__ = ["Job", "JobStore", "JobRunner", "QUEUED", "RUNNING", "DONE", "FAILED", "JOB_ID_PATTERN", "JOBS_FILE"]

logger = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
JOB_ID_PATTERN = r"^[0-9a-f]{32}$"
JOBS_FILE = ".jobs.sqlite"
KEEP_SECONDS = 7 * 24 * 3600  # finished jobs older than a week are forgotten at start-up
BUSY_MS = 10_000  # wait this long for another process's write to the jobs database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    collection TEXT NOT NULL,
    state TEXT NOT NULL,
    items TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    doc_ids TEXT NOT NULL DEFAULT '[]',
    failures TEXT NOT NULL DEFAULT '[]',
    message TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    stored TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS jobs_collection ON jobs(collection, state);
"""
_COLUMNS = "id, collection, state, items, done, doc_ids, stored, failures, message, created, updated"


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Job:
    """An ingestion job: ``done`` of ``total`` items (files, texts, links) processed, the ids of the documents added
    and of those already stored, and each failure with its reason."""

    id: str
    collection: str
    state: str
    total: int
    done: int
    doc_ids: tuple[str, ...]
    failures: tuple[dict, ...]
    message: str
    created: float
    updated: float
    already_stored: tuple[str, ...] = ()  # documents whose text the collection held (or an earlier item of the job)

    @property
    def found(self) -> int:
        """Documents the processed items held (a feed counts as its articles): added, already stored or failed."""
        return len(self.doc_ids) + len(self.already_stored) + len(self.failures)

    def to_dict(self) -> dict:
        return {**asdict(self), "found": self.found, "added": len(self.doc_ids), "doc_ids": list(self.doc_ids),
                "already_stored": list(self.already_stored), "failures": [dict(f) for f in self.failures],
                "created": _iso(self.created), "updated": _iso(self.updated)}


class JobStore:
    """The jobs table of a root (``ROOT/.jobs.sqlite``), shared by every server process on that root."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.owner = uuid.uuid4().hex
        self._lock = threading.Lock()
        self._owner_file = self._owner_path(self.owner)
        self._owner_file.parent.mkdir(parents=True, exist_ok=True)
        self._owner_fh = open(self._owner_file, "a+b")
        fcntl.flock(self._owner_fh, fcntl.LOCK_EX)
        self._db = sqlite3.connect(str(self.root / JOBS_FILE), check_same_thread=False, isolation_level=None,
                                   timeout=BUSY_MS / 1000)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.executescript(_SCHEMA)
        self._migrate()
        self._db.execute("DELETE FROM jobs WHERE state IN (?, ?) AND updated < ?",
                         (DONE, FAILED, time.time() - KEEP_SECONDS))
        for (job_id,) in self._db.execute("SELECT id FROM jobs WHERE state IN (?, ?)", (QUEUED, RUNNING)).fetchall():
            self.get(job_id)  # marks the jobs of dead servers failed

    def _migrate(self) -> None:
        """Add the ``stored`` column to a jobs table written before it (another process may add it at once)."""
        if "stored" in {row[1] for row in self._db.execute("PRAGMA table_info(jobs)")}:
            return
        try:
            self._db.execute("ALTER TABLE jobs ADD COLUMN stored TEXT NOT NULL DEFAULT '[]'")
        except sqlite3.OperationalError as exc:
            if "duplicate column" not in str(exc):
                raise

    def create(self, collection: str, names: list[str]) -> Job:
        now = time.time()
        job_id = uuid.uuid4().hex
        with self._lock:
            self._db.execute("INSERT INTO jobs(id, collection, state, items, owner, created, updated) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (job_id, collection, QUEUED, json.dumps(names), self.owner, now, now))
        return self.get(job_id)

    def update(self, job_id: str, *, state: str | None = None, done: int | None = None,
               doc_ids: list[str] | None = None, failures: list[dict] | None = None,
               message: str | None = None, stored: list[str] | None = None) -> None:
        sets = {"state": state, "done": done, "message": message,
                "doc_ids": None if doc_ids is None else json.dumps(doc_ids),
                "stored": None if stored is None else json.dumps(stored),
                "failures": None if failures is None else json.dumps(failures)}
        sets = {k: v for k, v in sets.items() if v is not None}
        with self._lock:
            self._db.execute(f"UPDATE jobs SET {', '.join(f'{k} = ?' for k in sets)}, updated = ? WHERE id = ?",
                             (*sets.values(), time.time(), job_id))

    def get(self, job_id: str) -> Job:
        """The job; a queued or running one whose server process is gone is marked failed first."""
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS}, owner FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(f"no job with id {job_id!r}")
        job, owner = self._job(row[:-1]), row[-1]
        if job.state in (QUEUED, RUNNING) and not self._alive(owner):
            names = json.loads(row[3])
            left = ", ".join(names[job.done:][:20]) or "none"
            self.update(job_id, state=FAILED, message=(
                f"The server stopped during this job: {len(job.doc_ids)} of {job.total} documents were added "
                f"(whole documents only); not processed: {left}. Add those again."))
            return self.get(job_id)
        return job

    def active(self, collection: str) -> list[Job]:
        """The collection's queued and running jobs whose server still lives."""
        with self._lock:
            ids = [r[0] for r in self._db.execute("SELECT id FROM jobs WHERE collection = ? AND state IN (?, ?)",
                                                   (collection, QUEUED, RUNNING))]
        return [j for j in (self.get(i) for i in ids) if j.state in (QUEUED, RUNNING)]

    def fail_unfinished(self, message: str) -> None:
        """Mark this process's queued and running jobs failed (at shutdown)."""
        with self._lock:
            self._db.execute("UPDATE jobs SET state = ?, message = ?, updated = ? WHERE owner = ? AND state IN (?, ?)",
                             (FAILED, message, time.time(), self.owner, QUEUED, RUNNING))

    @property
    def closed(self) -> bool:
        return self._owner_fh.closed

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self._db.close()
            fcntl.flock(self._owner_fh, fcntl.LOCK_UN)
            self._owner_fh.close()
            self._owner_file.unlink(missing_ok=True)

    # ------------------------------------------------------------------ internals

    def _owner_path(self, owner: str) -> Path:
        return self.root / LOCKS_DIR / f"owner-{owner}.lock"

    def _alive(self, owner: str) -> bool:
        """Whether the server process that owns a job still holds its owner lock."""
        if owner == self.owner:
            return True
        path = self._owner_path(owner)
        try:
            fh = open(path, "rb")
        except FileNotFoundError:
            return False
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            path.unlink(missing_ok=True)
            return False

    @staticmethod
    def _job(row) -> Job:
        job_id, collection, state, items, done, doc_ids, stored, failures, message, created, updated = row
        return Job(job_id, collection, state, len(json.loads(items)), done, tuple(json.loads(doc_ids)),
                   tuple(json.loads(failures)), message, created, updated, tuple(json.loads(stored)))


FEED_LINK = ProblemType("feed-link-failed", "A link of a feed could not be added", 422)


def _failure(name: str, why: BaseException | str) -> dict:
    """A failure as the job lists it: the item, and the problem type, status and detail of its exception."""
    if isinstance(why, str):  # a feed's link, with the reason the feed reader gave
        return {"item": name, "type": FEED_LINK.uri, "status": FEED_LINK.status, "detail": why}
    p = problem_type(why)
    if p is INTERNAL:
        logger.error("job item %s failed", name, exc_info=why)
    return {"item": name, "type": p.uri, "status": p.status,
            "detail": str(why) if p is not INTERNAL else "unexpected error; the server log has the details"}


class JobRunner:
    """Runs jobs on a few threads, a chunk of files (one embedding pass and transaction) or a text or link at a time.

    Progress is saved after each chunk, so a job killed with its server leaves whole chunks and says which are in.
    """

    def __init__(self, registry: Registry, store: JobStore, *, threads: int = 2, chunk_docs: int = 8,
                 chunk_chars: int = 200_000) -> None:
        self.registry = registry
        self.store = store
        self.chunk_docs = chunk_docs
        self.chunk_chars = chunk_chars
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="summarizer-job")
        self._stop = threading.Event()

    def submit(self, collection: str, items: list[Item]) -> Job:
        job = self.store.create(collection, [i.name for i in items])
        self._pool.submit(self._run, job.id, collection, items)
        return job

    def close(self) -> None:
        """Finish the document being added, then stop; unfinished jobs are marked failed."""
        self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.store.fail_unfinished("The server stopped before this job finished. "
                                   "Add the documents not listed in doc_ids again.")

    def _run(self, job_id: str, collection: str, items: list[Item]) -> None:
        try:
            self.store.update(job_id, state=RUNNING)
            state, message = self._add(job_id, collection, items)
        except Exception as exc:  # a bug must not leave the job running for ever
            logger.exception("job %s failed", job_id)
            state, message = FAILED, f"the job stopped on an unexpected error ({type(exc).__name__})"
        self.store.update(job_id, state=state, message=message)

    def _add(self, job_id: str, collection: str, items: list[Item]) -> tuple[str, str]:
        tally = _Tally()
        done = 0
        for chunk in chunks(items, self.chunk_docs, self.chunk_chars):
            if self._stop.is_set():
                return FAILED, f"The server stopped during this job. {tally.message(len(items) - done)}"
            try:
                tally.count(add_chunk(self.registry, collection, chunk))
            except CollectionNotFoundError as exc:
                return FAILED, f"{exc}: it was deleted during the job"
            except Exception as exc:  # a text or a link that cannot be added fails alone
                tally.fail(chunk, exc)
            done += len(chunk)
            self.store.update(job_id, done=done, doc_ids=tally.ids, stored=tally.stored, failures=tally.failures)
        return FAILED if tally.failures and not tally.ids and not tally.stored else DONE, tally.message(0)


@dataclass
class _Tally:
    """A job's counts so far: ids added and already stored, failures, feeds among the items."""

    ids: list[str] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)
    feeds: int = 0

    @property
    def found(self) -> int:
        """Documents the processed items held, as :attr:`Job.found` counts them."""
        return len(self.ids) + len(self.stored) + len(self.failures)

    def count(self, out: Outcome) -> None:
        self.ids.extend(d.id for d in out.added)
        self.stored.extend(d.id for d in out.stored)
        self.failures.extend(_failure(name, why) for name, why in out.failures)
        self.feeds += out.feeds

    def fail(self, chunk: list[Item], exc: BaseException) -> None:
        self.failures.extend(_failure(i.name, exc) for i in chunk)

    def message(self, left: int) -> str:
        """`Added 2 of 3 documents (from 1 feed); 1 already stored; 1 failed.`, and how many items are left."""
        feeds = f" (from {self.feeds} feed{'s' * (self.feeds != 1)})" if self.feeds else ""
        parts = [f"Added {len(self.ids)} of {self.found} documents{feeds}"]
        parts += [f"{len(self.stored)} already stored"] if self.stored else []
        parts += [f"{len(self.failures)} failed"] if self.failures else []
        parts += [f"{left} not processed"] if left else []
        return "; ".join(parts) + "."
