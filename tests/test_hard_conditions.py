"""Hard conditions: concurrent readers and writers, processes killed mid-write, hostile input."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from index.store import DB_FILE, VECTORS_FILE
from summarizer import Collection

from .conftest import ROOT

EXTRA = [
    "The finance ministers met in Geneva on Monday. They agreed on a new climate fund worth 40 billion dollars.",
    "A storm closed the port of Rotterdam for two days. Shipping companies said deliveries would be late.",
    "The central bank raised interest rates by a quarter point. Markets had expected the move.",
]


def _check_citations(result, texts: dict[str, str]) -> None:
    for s in result.sentences:
        assert s.citations
        assert s.text in {c.text for c in s.citations}
        for c in s.citations:
            assert texts[c.doc_title][c.start : c.end] == c.text


def test_concurrent_asks_and_summaries_while_adding_and_removing(tmp_path, embedder, seed_paths):
    col = Collection(tmp_path, embedder=embedder)
    col.add_files(seed_paths)
    texts = {d.title: d.text for d in col.documents}
    texts.update({f"extra {i}": t for i, t in enumerate(EXTRA)})
    errors: list[BaseException] = []
    stop = threading.Event()
    counts = {"ask": 0, "summarize": 0, "add": 0, "remove": 0}

    def reader(question: str) -> None:
        try:
            while not stop.is_set():
                ans = col.ask(question)
                _check_citations(ans, texts)
                counts["ask"] += 1
                summ = col.summarize(max_words=80)
                assert summ.word_count <= 80
                _check_citations(summ, texts)
                counts["summarize"] += 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def writer() -> None:
        try:
            for round_ in range(4):
                docs = [col.add_text(t, title=f"extra {i}") for i, t in enumerate(EXTRA)]
                counts["add"] += len(docs)
                for d in docs:
                    col.remove(d.id)
                    counts["remove"] += 1
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            stop.set()

    threads = [threading.Thread(target=reader, args=(q,)) for q in
               ("What did Baerbock ask?", "Where did the ministers meet?", "What did the central bank do?")]
    threads.append(threading.Thread(target=writer))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert counts["ask"] >= 3 and counts["add"] == 12 and counts["remove"] == 12
    assert sorted(Path(d.path).stem for d in col.documents) == sorted(p.stem for p in seed_paths)
    assert col.store.body_count == len(col.store.body_ids())
    col.close()


_INGEST = textwrap.dedent(
    """
    import sys
    from summarizer import Collection
    col = Collection(sys.argv[1])
    col.store.embedder.encode(["warm up"])
    print("ready", flush=True)
    i = int(sys.argv[2])
    while True:
        doc = col.add_text(f"Report number {i} says the talks went on for {i} hours. "
                           f"Officials in city {i} expect a decision soon.", title=f"report {i}")
        if i % 3 == 0:
            col.remove(doc.id)
        i += 1
    """
)


def _check_store(path, embedder) -> int:
    with Collection(path, embedder=embedder) as col:
        body = col.store.body_ids()
        assert col.store.body_count == len(body)
        assert col.store.vectors(body).shape == (len(body), embedder.dim)
        for d in col.documents:
            sents = col.sentences(d.id)
            assert sents and all(d.text[s.start : s.end] == s.text for s in sents)
        assert col.ask("How long did the talks go on?").sentences
        return len(col.documents)


def test_killed_ingest_leaves_a_consistent_store(tmp_path, embedder, seed_paths):
    store = tmp_path / "store"
    with Collection(store, embedder=embedder) as col:
        col.add_files(seed_paths)
    rng = random.Random(7)
    counts = []
    for run in range(4):
        proc = subprocess.Popen([sys.executable, "-c", _INGEST, str(store), str(run * 1000)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.05, 1.5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        counts.append(_check_store(store, embedder))
    assert counts[-1] >= 3
    assert (store / DB_FILE).exists() and (store / VECTORS_FILE).exists()


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\..\\windows\\system32.txt", "/absolute/x.txt",
                                  "a" * 5000 + ".txt", "nul\x00name.txt", "ctrl\x1b[31m.txt"])
def test_hostile_names_store_nothing_outside_the_store(tmp_path, embedder, name):
    store = tmp_path / "store"
    col = Collection(store, embedder=embedder)
    doc = col.add_bytes(b"The delegates met on Monday. They agreed to meet again in May.", name)
    assert len(doc.title) <= 200 and "\x00" not in doc.title and "\x1b" not in doc.title
    assert "/" not in doc.id and "\\" not in doc.id and ".." not in doc.id
    col.close()
    outside = {p for p in tmp_path.rglob("*")} - {p for p in store.rglob("*")} - {store}
    assert outside == set()
    assert {p.name for p in store.iterdir()} <= {DB_FILE, VECTORS_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm"}


def test_control_characters_and_invalid_unicode(tmp_path, embedder):
    col = Collection(tmp_path, embedder=embedder)
    text = "The envoy\x07 arrived on Monday.\x00 Talks \ud800began at noon. Prices rose \x1b[1m5 percent\x1b[0m."
    doc = col.add_text(text, title="weird")
    assert "\ud800" not in doc.text
    for s in col.sentences(doc.id):
        assert doc.text[s.start : s.end] == s.text
    raw = "Caf\xe9 talks ended. The minister left.".encode("latin-1") + b"\xff\xfe broken"
    doc2 = col.add_bytes(raw, "legacy.txt")
    assert doc2.text.startswith("Café talks ended.")
    col.close()
    with Collection(tmp_path, embedder=embedder) as again:
        assert again.document(doc.id).text == doc.text
        assert again.ask("When did the talks begin?").sentences
