"""What retrieval keeps for a store: body sentences in reading order and their lexical indexes, updated per document."""

from __future__ import annotations

import bisect
import ctypes
import json
import logging
import os
import re
import threading
import weakref
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterator

import numpy as np
from numpy.lib import format as npy

from index import Document, Store

from ..text import TITLE_WORDS, stem
from .aliases import TITLE_STEMS, Alias, aliases_in, role_index
from .lexical import Bm25, NameVariants, TitleIndex, TitleTerms, WindowBm25, names_in, tokenize
from .postings import TF_DTYPE, Postings, capped

__all__ = ["Corpus", "Lexicon", "corpus_of", "build_corpus", "LEXICAL_FILE"]

logger = logging.getLogger(__name__)

LEXICAL_FILE = "lexical.npz"  # beside the store's database: the lexical indexes, so a new process need not rebuild
_FORMAT = 2  # 2: roles and names (aliases) of each document
# a word starting as a title word's stem does ("secretar" for "secretary", "secretaries"): a sentence without one
# holds no title term, found without tokenizing it (most candidate sentences of an ask)
_TITLE_START = re.compile(r"\b(?:" + "|".join(sorted({re.escape(os.path.commonprefix([w, stem(w)])) for w in TITLE_WORDS},
                                                      key=len, reverse=True)) + ")", re.I)
_PROBE = "Talks running Ministers' 2023"  # tokenized into the file: another tokenizer or stemmer means rebuild
_INSERT_AT_MOST = 1000  # terms that appear or vanish inserted or deleted one by one; more: the sorted lists merged
_ADD_CHUNK = 2000  # documents tokenized and added to the postings at a time
_TERMS_CACHE = 4096  # tokenized sentences a corpus keeps for `Corpus.terms`
SAVE_SHARE = 0.05  # write the file once the rows changed since it was written reach this share of them (1M: 50k)
SAVE_ALWAYS_BELOW = 50_000  # ... or after every change below this many rows (a write of under 0.1 s)



def title_terms(title: str, first: str) -> list[str]:
    """The terms of a document's title; none when the title was cut from the document's first sentence (a text
    without a heading line is titled so: the sentence shortened with "…", or whole): it is no evidence of its own."""
    terms = tokenize(title)
    cut = title.endswith("…") or title.rstrip(" .") == first.rstrip(" .")
    return [] if cut and terms and tokenize(first)[: len(terms)] == terms else terms

class RowOf(Mapping):
    """Sentence id -> row, by binary search over the (increasing) ids: no dictionary of every sentence."""

    def __init__(self, sids: np.ndarray) -> None:
        self._sids = sids
        self._order = None if np.all(sids[1:] > sids[:-1]) else np.argsort(sids, kind="stable")
        self._keys = sids if self._order is None else sids[self._order]  # increasing

    def _find(self, sid) -> int:
        keys = self._keys
        i = int(np.searchsorted(keys, sid))
        if i < len(keys) and keys[i] == sid:
            return i if self._order is None else int(self._order[i])
        return -1

    def rows(self, sids: np.ndarray) -> np.ndarray:
        """The row of each sentence id, -1 for ids not here (one binary search over all of them)."""
        sids = np.asarray(sids, dtype=self._keys.dtype)
        if not len(self._keys):
            return np.full(len(sids), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._keys, sids), len(self._keys) - 1)
        found = self._keys[at] == sids
        rows = at if self._order is None else self._order[at]
        return np.where(found, rows, -1).astype(np.int64)

    def __getitem__(self, sid) -> int:
        row = self._find(sid)
        if row < 0:
            raise KeyError(sid)
        return row

    def __contains__(self, sid) -> bool:
        return self._find(sid) >= 0

    def __iter__(self) -> Iterator[int]:
        return iter(self._sids.tolist())

    def __len__(self) -> int:
        return len(self._sids)


class Texts(Sequence):
    """Each row's sentence text, sliced from its document's text when asked for."""

    def __init__(self, docs: dict[int, Document], doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> None:
        self._docs, self._doc, self._start, self._end = docs, doc, start, end

    def __len__(self) -> int:
        return len(self._doc)

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[r] for r in range(*row.indices(len(self)))]
        return self._docs[int(self._doc[row])].text[int(self._start[row]) : int(self._end[row])]


class Terms(Sequence):
    """Each row's set of terms, tokenized when asked for (the last few thousand kept)."""

    def __init__(self, texts: Texts) -> None:
        self._texts = texts
        self._cache: dict[int, frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self._texts)

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[r] for r in range(*row.indices(len(self)))]
        row = int(row)
        found = self._cache.get(row)
        if found is None:
            if len(self._cache) >= _TERMS_CACHE:
                self._cache.clear()
            found = self._cache[row] = frozenset(tokenize(self._texts[row]))
        return found


@dataclass(frozen=True)
class Corpus:
    """What retrieval precomputes for one store generation: body sentences in reading order and their indexes.

    A snapshot of the store's :class:`Lexicon`; use it while the store lock is held (as ``Collection.ask`` does):
    a later update shares and changes the title and name indexes.
    """

    generation: int
    sids: np.ndarray  # body sentence ids, grouped by document, in reading order
    row_of: RowOf  # sentence id -> row
    doc: np.ndarray  # document number of each row (the store's numbers)
    prev: np.ndarray  # row of the previous body sentence of the same document, -1 at the start
    next: np.ndarray  # row of the next body sentence of the same document, -1 at the end
    texts: Texts
    own: Bm25  # each sentence alone
    window: WindowBm25  # each sentence with its neighbours and its document's title
    names: NameVariants
    titles: Mapping[int, frozenset[str]]  # terms of each document's title, by document number
    terms: Terms  # terms of each sentence
    sorted_vocab: list[str]
    docs: Mapping[int, Document] = field(default_factory=dict)  # document number -> document
    aliases: Mapping[int, tuple[Alias, ...]] = field(default_factory=dict)  # roles written next to names, by document

    def __len__(self) -> int:
        return len(self.sids)

    def doc_id(self, row: int) -> str:
        """The id of a row's document."""
        return self.docs[int(self.doc[row])].id

    def window_terms(self, row: int) -> frozenset[str]:
        """Terms of a sentence (and of the people it names by a role), its neighbours and its document's title."""
        out = set(self.row_terms(row)) | self.titles[self.doc[row]]
        for j in (self.prev[row], self.next[row]):
            if j >= 0:
                out |= self.terms[j]
        return frozenset(out)

    def row_terms(self, row: int) -> frozenset[str]:
        """A sentence's terms, with the name terms of whom it refers to by a role (see :meth:`named_by_role`)."""
        return self.terms[row] | self.named_by_role(row)

    @cached_property
    def all_aliases(self) -> tuple[Alias, ...]:
        """Every role written next to a name in the collection."""
        return tuple(dict.fromkeys(a for v in self.aliases.values() for a in v))

    @cached_property
    def _roles(self) -> dict[frozenset[str], frozenset[str]]:
        return role_index(self.all_aliases)

    def title_mass(self, d: int) -> float:
        """The idf mass of document number ``d``'s title terms (kept for this corpus: the idf is its own)."""
        found = self._title_masses.get(d)
        if found is None:
            found = self._title_masses[d] = sum(self.own.idf(t) for t in self.titles[d])
        return found

    @cached_property
    def _title_masses(self) -> dict[int, float]:
        return {}

    @cached_property
    def _doc_roles(self) -> dict[int, dict[frozenset[str], frozenset[str]]]:
        return {}

    def named_by_role(self, row: int) -> frozenset[str]:
        """Name terms of the person a sentence refers to by a whole role without naming them ("The US Secretary of
        State said ..."): the role its document gives one person, else the one the whole collection gives one."""
        if not _TITLE_START.search(self.texts[row]):
            return frozenset()
        terms = self.terms[row]
        if not terms & TITLE_STEMS:
            return frozenset()
        out: set[str] = set()
        d = int(self.doc[row])
        if d not in self._doc_roles:
            self._doc_roles[d] = role_index(self.aliases.get(d, ()))
        for index in (self._doc_roles[d], self._roles):
            for key, name in index.items():
                if key <= terms and not name & terms:
                    out |= name
            if out:
                break
        return frozenset(out)


def _neighbours(doc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row of the previous and of the next body sentence of the same document (-1 at its ends), as int32."""
    n = len(doc)
    rows = np.arange(n, dtype=np.int32)
    if not n:
        return rows, rows
    prev = np.where((rows > 0) & (np.roll(doc, 1) == doc), rows - 1, -1).astype(np.int32)
    nxt = np.where((rows < n - 1) & (np.roll(doc, -1) == doc), rows + 1, -1).astype(np.int32)
    return prev, nxt


class Lexicon:
    """The lexical state of one store, brought up to date by the documents added and removed since the last look.

    Documents are told apart by the store's document numbers (never reused), so any earlier state catches
    up: removed documents' rows are dropped from the postings (no text needed), added documents are
    tokenized and appended. The result equals a build from scratch (see tests/test_lexical_updates.py).
    """

    def __init__(self) -> None:
        self.docs: dict[int, Document] = {}  # document number -> document, those without body sentences too
        self.sids = np.zeros(0, dtype=np.int64)
        self.doc = np.zeros(0, dtype=np.int64)
        self.start = np.zeros(0, dtype=np.int32)
        self.end = np.zeros(0, dtype=np.int32)
        self.own = Bm25()
        self.titles = TitleIndex()
        self.names = NameVariants()
        self.name_ids: dict[str, int] = {}
        self.name_list: list[str] = []
        self.name_count = np.zeros(0, dtype=np.int64)  # sentences and titles holding each name
        self.row_names_ptr = np.zeros(1, dtype=np.int64)  # names of each row (CSR)
        self.row_names = np.zeros(0, dtype=np.int32)
        self.title_names: dict[int, np.ndarray] = {}
        self.aliases: dict[int, tuple[Alias, ...]] = {}  # roles written next to names, by document number
        self._shared: dict = {}  # each distinct alias and tuple of aliases, shared by the documents writing it
        self.sorted_vocab: list[str] = []
        self.corpus: Corpus | None = None
        self.unsaved = 0  # rows added or dropped since the file was written

    def update(self, store: Store, generation: int) -> Corpus:
        """Catch up with the store (hold its lock) and return the corpus of ``generation``."""
        numbers = store.document_numbers()
        current = set(numbers.values())
        gone = set(self.docs) - current
        new = sorted(current - set(self.docs))
        kept = set(self.docs) - gone
        if new and kept and new[0] < max(kept):  # rows must stay in document order: start over
            self.__init__()
            gone, new = set(), sorted(current)
        if gone or new:
            self._change(store, numbers, gone, new)
        self.corpus = self._snapshot(generation)
        if store.path is not None and self.unsaved and (
            len(self.sids) < SAVE_ALWAYS_BELOW or self.unsaved >= SAVE_SHARE * len(self.sids)
        ):
            try:
                self.save(store.path / LEXICAL_FILE, store.uid)
            except OSError as exc:  # the file is a cache: a full disk leaves the last one and costs a rebuild later
                logger.warning("%s: lexical index not written (%s); answering from memory", store.path, exc)
        return self.corpus

    # ------------------------------------------------------------------ changes
    def _change(self, store: Store, numbers: dict[str, int], gone: set[int], new: list[int]) -> None:
        self.corpus = None  # the last snapshot's arrays and term cache go before the new ones are made
        self.own.forget()
        _release_freed_memory()  # ... and what they held goes back to the system, so the copies below start lower
        if gone:
            self._drop(gone)
        id_of = {n: d for d, n in numbers.items()}
        for lo in range(0, len(new), _ADD_CHUNK):  # in chunks: a first build holds one chunk's tokens at a time
            self._add(store, [(n, id_of[n]) for n in new[lo : lo + _ADD_CHUNK]])
        if len(new) > _ADD_CHUNK:
            _release_freed_memory()  # a build's tokens and segments leave freed blocks the process still holds
        logger.info("lexical index: %d documents added, %d removed; %d sentences, %d terms",
                    len(new), len(gone), len(self.sids), len(self.sorted_vocab))

    def _add(self, store: Store, docs: list[tuple[int, str]]) -> None:
        tokens: list[list[str]] = []
        names: list[int] = []  # name ids of the new rows, one row after the other
        name_counts: list[int] = []
        cols: dict[str, list[int]] = {"sid": [], "doc": [], "start": [], "end": []}
        for num, doc_id in docs:
            d = store.document(doc_id)
            self.docs[num] = d
            body = [s for s in store.sentences(doc_id) if s.is_body]
            self.titles.add(num, title_terms(d.title, body[0].text if body else ""))
            self.title_names[num] = np.asarray(self._name_ids(names_in(d.title)), dtype=np.int64)
            cols["sid"].extend(store.body_ids([doc_id]))  # in reading order, as ``body``
            found: list[Alias] = []
            for s in body:
                cols["doc"].append(num)
                cols["start"].append(s.start)
                cols["end"].append(s.end)
                tokens.append(tokenize(s.text))
                ids = self._name_ids(names_in(s.text))
                names.extend(ids)
                name_counts.append(len(ids))
                if TITLE_STEMS.intersection(tokens[-1]):
                    found.extend(aliases_in(s.text))
            if found:
                self.aliases[num] = self._interned(tuple(dict.fromkeys(found)))
        before = self.own
        self.own = before.added(tokens)
        self.unsaved += len(tokens) + len(docs)
        self._update_vocab(before)
        self.sids = np.concatenate([self.sids, np.asarray(cols["sid"], dtype=np.int64)])
        self.doc = np.concatenate([self.doc, np.asarray(cols["doc"], dtype=np.int64)])
        self.start = np.concatenate([self.start, np.asarray(cols["start"], dtype=np.int32)])
        self.end = np.concatenate([self.end, np.asarray(cols["end"], dtype=np.int32)])
        new_names = np.asarray(names, dtype=np.int32)
        ends = self.row_names_ptr[-1] + np.cumsum(np.asarray(name_counts, dtype=np.int64))
        self.row_names_ptr = np.concatenate([self.row_names_ptr, ends])
        self.row_names = np.concatenate([self.row_names, new_names])
        self._count_names(np.concatenate([new_names] + [self.title_names[n] for n, _ in docs]), +1)

    def _drop(self, gone: set[int]) -> None:
        keep = ~np.isin(self.doc, np.fromiter(gone, dtype=np.int64, count=len(gone)))
        self.unsaved += int(len(keep) - keep.sum()) + len(gone)
        before = self.own
        self.own = before.kept(keep)
        self._update_vocab(before)
        lengths = np.diff(self.row_names_ptr)
        entry_kept = np.repeat(keep, lengths)
        dropped = [self.row_names[~entry_kept]] + [self.title_names.pop(n) for n in gone]
        self.row_names = self.row_names[entry_kept]
        self.row_names_ptr = np.concatenate([[0], np.cumsum(lengths[keep])]).astype(np.int64)
        self._count_names(np.concatenate(dropped), -1)
        self.sids, self.doc, self.start, self.end = (a[keep] for a in (self.sids, self.doc, self.start, self.end))
        for n in gone:
            self.titles.remove(n)
            self.aliases.pop(n, None)
            del self.docs[n]

    def _interned(self, aliases: tuple[Alias, ...]) -> tuple[Alias, ...]:
        """One object for equal aliases and equal tuples of them: many documents write the same roles next to the
        same names (a million sentences: 42,000 documents' aliases took 80 MB as separate objects)."""
        shared = self._shared
        return shared.setdefault(aliases, tuple(shared.setdefault(a, a) for a in aliases))

    def _name_ids(self, names: set[str]) -> list[int]:
        out = []
        for n in sorted(names):
            i = self.name_ids.get(n)
            if i is None:
                i = self.name_ids[n] = len(self.name_list)
                self.name_list.append(n)
            out.append(i)
        return out

    def _count_names(self, ids: np.ndarray, step: int) -> None:
        """Add ``step`` to each name's count; names that appear or vanish go into or out of the variants."""
        count = np.zeros(len(self.name_list), dtype=np.int64)
        count[: len(self.name_count)] = self.name_count
        before = count.copy()
        np.add.at(count, ids.astype(np.int64), step)
        self.name_count = count
        if step > 0:
            self.names.add(self.name_list[i] for i in np.flatnonzero((before == 0) & (count > 0)).tolist())
        else:
            self.names.discard(self.name_list[i] for i in np.flatnonzero((before > 0) & (count == 0)).tolist())

    def _update_vocab(self, before: Bm25) -> None:
        """Keep ``sorted_vocab`` (a fresh list, so earlier corpora keep theirs) equal to the sorted live terms."""
        appeared, vanished = self.own.changed_terms(before)
        if not appeared and not vanished:
            return
        if len(appeared) + len(vanished) > _INSERT_AT_MOST:
            gone = set(vanished)
            # two sorted runs: Python's sort merges them in linear time
            self.sorted_vocab = sorted([t for t in self.sorted_vocab if t not in gone] + sorted(appeared))
            return
        vocab = list(self.sorted_vocab)
        for t in vanished:
            del vocab[bisect.bisect_left(vocab, t)]
        for t in appeared:
            bisect.insort(vocab, t)
        self.sorted_vocab = vocab

    # ------------------------------------------------------------------ file
    def save(self, path: Path, store_uid: str) -> None:
        """Write the state atomically (temp file, fsync, rename), tagged with the store's id."""
        terms, postings, lengths = self.own.parts()
        nums = sorted(self.docs)
        title_names = [self.title_names[n] for n in nums]
        meta = {"format": _FORMAT, "store": store_uid, "probe": tokenize(_PROBE), "names_min": self.names.min_len}
        # each entry is made when it is written and dropped after: the postings are never whole twice (the live
        # segments and a merged copy), nor the joined strings of every entry at once
        entries = {
            "meta": lambda: _joined([json.dumps(meta)]), "doc_nums": lambda: np.asarray(nums, dtype=np.int64),
            "sids": lambda: self.sids, "doc": lambda: self.doc, "start": lambda: self.start, "end": lambda: self.end,
            "terms": lambda: _joined(terms), "indptr": lambda: postings.indptr,
            "rows": lambda: (np.int32, len(postings), (r for r, _ in postings.chunks())),
            "tf": lambda: (TF_DTYPE, len(postings), (f for _, f in postings.chunks())),
            "lengths": lambda: lengths.astype(np.int32),
            "titles": lambda: _joined(" ".join(self.titles.tokens[n]) for n in nums),
            "names": lambda: _joined(self.name_list), "row_names_ptr": lambda: self.row_names_ptr,
            "row_names": lambda: self.row_names,
            "title_names_ptr": lambda: np.concatenate([[0], np.cumsum([len(t) for t in title_names])]).astype(np.int64),
            "title_names": lambda: np.concatenate([np.zeros(0, dtype=np.int64), *title_names]),
            "aliases": lambda: _joined(json.dumps([[a.name, sorted(a.name_terms), sorted(a.role_terms)]
                                                   for a in self.aliases.get(n, ())]) for n in nums),
        }
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            with open(tmp, "wb") as fh:
                _write_npz(fh, entries)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:  # a full disk or an interrupt: the file written before stays, the half-written one goes
            tmp.unlink(missing_ok=True)
            raise
        self.unsaved = 0
        logger.info("lexical index written: %d sentences, %d documents", len(self.sids), len(nums))

    @classmethod
    def load(cls, store: Store) -> "Lexicon | None":
        """The state written for this store (at any earlier generation, caught up by :meth:`update`), or None."""
        path = store.path / LEXICAL_FILE if store.path is not None else None
        if path is None or not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(_split(data["meta"])[0])
                if meta != {"format": _FORMAT, "store": store.uid, "probe": tokenize(_PROBE),
                            "names_min": NameVariants().min_len}:
                    logger.info("%s: written for another store or version: rebuilding", path)
                    return None
                return cls._from_arrays(store, {k: data[k] for k in data.files})
        except Exception as exc:  # a damaged file is rebuilt, never trusted
            logger.warning("%s: unreadable lexical index (%s): rebuilding", path, exc)
            return None

    @classmethod
    def _from_arrays(cls, store: Store, a: dict[str, np.ndarray]) -> "Lexicon":
        lex = cls()
        id_of = {n: d for d, n in store.document_numbers().items()}
        nums = a["doc_nums"].tolist()
        lex.docs = {n: store.document(id_of[n]) if n in id_of else None for n in nums}
        lex.sids, lex.doc, lex.start, lex.end = a["sids"], a["doc"], a["start"], a["end"]
        tf = a["tf"] if a["tf"].dtype == TF_DTYPE else capped(a["tf"])  # files before one-byte counts: two bytes
        lex.own = Bm25.from_parts(_split(a["terms"]), Postings(a["indptr"], a["rows"], tf), a["lengths"])
        for n, title in zip(nums, _split(a["titles"])):
            lex.titles.add(n, title.split())
        lex.name_list = _split(a["names"])
        lex.name_ids = {n: i for i, n in enumerate(lex.name_list)}
        lex.row_names_ptr, lex.row_names = a["row_names_ptr"], a["row_names"].astype(np.int32)  # int64 before
        tp = a["title_names_ptr"]
        lex.title_names = {n: a["title_names"][tp[i] : tp[i + 1]] for i, n in enumerate(nums)}
        for n, line in zip(nums, _split(a["aliases"])):
            found = tuple(Alias(x[0], frozenset(x[1]), frozenset(x[2])) for x in json.loads(line))
            if found:
                lex.aliases[n] = lex._interned(found)
        lex._count_names(np.concatenate([lex.row_names, a["title_names"]]), +1)
        lex.sorted_vocab = sorted(lex.own.live_terms())
        logger.info("lexical index read: %d sentences, %d documents", len(lex.sids), len(nums))
        return lex

    def _snapshot(self, generation: int) -> Corpus:
        prev, nxt = _neighbours(self.doc)
        docs = dict(self.docs)
        texts = Texts(docs, self.doc, self.start, self.end)
        return Corpus(
            generation, self.sids, RowOf(self.sids), self.doc, prev, nxt, texts, self.own,
            WindowBm25(self.own, prev, nxt, self.doc, self.titles), self.names, TitleTerms(dict(self.titles.tokens)),
            Terms(texts), self.sorted_vocab, docs, dict(self.aliases),
        )


def _joined(strings) -> np.ndarray:
    """Strings (without newlines) as one UTF-8 byte array, each ended by a newline: a file of arrays only.

    Joined as they are, not each with its newline first: a million terms made a million new strings (60 MB) at
    the peak of a first build."""
    strings = strings if isinstance(strings, list) else list(strings)
    text = "\n".join(strings) + "\n" if strings else ""
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _release_freed_memory() -> None:
    """Hand memory that was freed back to the system (glibc's ``malloc_trim``; elsewhere nothing): after a first
    build at a million sentences the process held about 50 MB of freed blocks, which the later peaks stood on."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc
        return None


def _write_npz(fh, entries: dict) -> None:
    """``np.savez``'s file (a zip of ``.npy`` files, read by ``np.load``), each entry made by its function just before
    it is written: an array, or ``(dtype, length, chunks)`` for a one-dimensional array written chunk by chunk."""
    with zipfile.ZipFile(fh, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, make in entries.items():
            value = make()
            with zf.open(f"{name}.npy", "w", force_zip64=True) as out:
                if not isinstance(value, tuple):  # as np.savez takes it
                    npy.write_array(out, np.asanyarray(value), allow_pickle=False)
                    continue
                dtype, length, chunks = value  # (the postings' chunks are made once for rows, once for counts)
                npy.write_array_header_1_0(out, {"descr": npy.dtype_to_descr(np.dtype(dtype)),
                                                 "fortran_order": False, "shape": (length,)})
                written = 0
                for chunk in chunks:
                    out.write(np.ascontiguousarray(chunk, dtype=dtype).data)
                    written += len(chunk)
                if written != length:
                    raise ValueError(f"{name}: {written} entries written, {length} announced")
            del value


def _split(data: np.ndarray) -> list[str]:
    return data.tobytes().decode("utf-8").split("\n")[:-1]


_cache: "weakref.WeakKeyDictionary[Store, Lexicon]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def corpus_of(store: Store) -> Corpus:
    """The store's corpus for its current generation: caught up on first use after every add or remove."""
    with store.lock:
        gen = store.generation
        with _lock:
            lex = _cache.get(store)
            if lex is None:
                lex = _cache[store] = Lexicon.load(store) or Lexicon()
            if lex.corpus is not None and lex.corpus.generation == gen:
                return lex.corpus
            return lex.update(store, gen)


def build_corpus(store: Store) -> Corpus:
    """A corpus built from scratch (no cache): the reference the incremental updates must equal."""
    with store.lock:
        return Lexicon().update(store, store.generation)
