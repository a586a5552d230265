"""The service as real server processes: two on one root stay consistent; a kill during a job loses nothing whole."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from summarizer import Collection

from .conftest import ROOT

START_SECONDS = 120  # a cold server imports torch and loads the model: about 5 s alone, more on a busy machine
POLL_SECONDS = 60
PLACES = ["Delhi", "Berlin", "Lagos", "Lima", "Oslo", "Hanoi", "Quito", "Accra", "Minsk", "Perth"]
THINGS = ["rainfall", "rice price", "bus fare", "river level", "school budget", "power demand", "wheat harvest"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spawn(root: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env.update(PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
    cmd = [sys.executable, "-m", "summarizer", "serve", "--root", str(root), "--port", str(port), "--no-seeds",
           "--log-level", "warning"]
    out = open(log, "ab")
    try:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    finally:
        out.close()
    return proc, f"http://127.0.0.1:{port}"


def _wait_up(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"server not up after {START_SECONDS} s:\n{log.read_text()[-3000:]}")


@contextmanager
def servers(root: Path, log: Path, n: int = 1):
    """``n`` server processes on ``root`` (started together), each (process, base URL); always killed after."""
    started = []
    try:
        for _ in range(n):
            started.append(_spawn(root, log))
        for proc, url in started:
            _wait_up(proc, url, log)
        yield started
    finally:
        for proc, _ in started:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)


def _article(i: int, sentences: int) -> str:
    """A made-up article whose sentences are all distinct (so each one is encoded)."""
    lines = [f"Report {i}: regional figures."]
    for j in range(sentences):
        place, thing = PLACES[(i + j) % len(PLACES)], THINGS[(i * 3 + j) % len(THINGS)]
        lines.append(f"In week {j + 1} the {thing} of {place} changed by {(i * 31 + j * 7) % 97} points, "
                     f"officials of district {i}-{j} said on day {(i + j) % 28 + 1}.")
    return " ".join(lines)


def _files(texts: dict[str, str]) -> list:
    return [("files", (name, text.encode(), "text/plain")) for name, text in texts.items()]


def _wait_job(url: str, job_id: str, until) -> dict:
    deadline = time.monotonic() + POLL_SECONDS
    while time.monotonic() < deadline:
        job = httpx.get(f"{url}/jobs/{job_id}", timeout=10).json()
        if until(job):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not get there in {POLL_SECONDS} s: {job}")


def _docs(url: str, name: str) -> list[dict]:
    return httpx.get(f"{url}/collections/{name}/documents", timeout=30).json()


def _store_is_whole(col: Collection) -> None:
    """Every body sentence of every document has its vector, and nothing else does."""
    assert col.store.body_count == sum(1 for d in col.documents for s in col.sentences(d.id) if s.is_body)


def _write_from_both(a: str, b: str) -> None:
    """Both processes add documents at the same time; every add must succeed."""
    errors: list = []

    def add(url: str, start: int) -> None:
        for i in range(start, start + 4):
            r = httpx.post(f"{url}/collections/news/documents", json={"text": _article(i, 5), "title": f"r{i}"},
                           timeout=60)
            if r.status_code != 201:
                errors.append(r.text)

    writers = [threading.Thread(target=add, args=(url, start)) for url, start in ((a, 100), (b, 200))]
    for t in writers:
        t.start()
    for t in writers:
        t.join(timeout=POLL_SECONDS)
    assert errors == []
    assert not any(t.is_alive() for t in writers)


def test_two_server_processes_on_one_root_stay_consistent(tmp_path, embedder, seed_paths):
    root, log = tmp_path / "root", tmp_path / "servers.log"
    with servers(root, log, n=2) as [(_, a), (_, b)]:
        assert httpx.put(f"{a}/collections/news").status_code == 201
        assert {"name": "news", "documents": 0} in httpx.get(f"{b}/collections").json()
        seeds = [("files", (p.name, p.read_bytes(), "text/plain")) for p in seed_paths]
        assert httpx.post(f"{a}/collections/news/documents", files=seeds, timeout=60).status_code == 201
        assert _docs(b, "news") == _docs(a, "news")
        q = {"question": "Who met Jaishankar?"}
        answer = httpx.post(f"{b}/collections/news/ask", json=q, timeout=30).json()
        assert answer["sentences"]
        assert answer == httpx.post(f"{a}/collections/news/ask", json=q, timeout=30).json()

        _write_from_both(a, b)  # every document lands once, with its own id, seen alike by both
        via_a = _docs(a, "news")
        assert via_a == _docs(b, "news")
        assert len(via_a) == len({d["id"] for d in via_a}) == 3 + 8

        removed = via_a[0]["id"]
        assert httpx.delete(f"{b}/collections/news/documents/{removed}").status_code == 200
        assert removed not in [d["id"] for d in _docs(a, "news")]
        assert httpx.get(f"{a}/collections/news/documents/{removed}").status_code == 404

    with Collection(root / "news", embedder=embedder) as col:  # the store both wrote opens whole
        assert [d["id"] for d in via_a[1:]] == [d.id for d in col.documents]
        _store_is_whole(col)


def _start_job_and_kill(root: Path, log: Path, texts: dict[str, str]) -> str:
    """Start a job adding ``texts``, kill -9 the server once two documents are in; the job's id."""
    with servers(root, log) as [(proc, url)]:
        assert httpx.put(f"{url}/collections/c").status_code == 201
        r = httpx.post(f"{url}/collections/c/documents", files=_files(texts), timeout=60)
        assert r.status_code == 202
        running = _wait_job(url, r.json()["id"], lambda j: j["done"] >= 2 or j["state"] not in ("queued", "running"))
        assert running["state"] == "running", running
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    return running["id"]


def test_a_kill_during_a_job_keeps_whole_documents_and_marks_the_job_failed(tmp_path, embedder):
    root, log = tmp_path / "root", tmp_path / "servers.log"
    texts = {f"r{i:02d}.txt": _article(i, 40) for i in range(30)}
    job_id = _start_job_and_kill(root, log, texts)

    with servers(root, log) as [(_, url)]:
        job = httpx.get(f"{url}/jobs/{job_id}").json()
        assert job["state"] == "failed"
        assert "stopped during this job" in job["message"]
        ids = [d["id"] for d in _docs(url, "c")]
        assert set(job["doc_ids"]) <= set(ids)
        assert 2 <= len(ids) <= len(job["doc_ids"]) + 1 < len(texts)
        for doc_id in ids:  # whole documents only: the stored text is the uploaded file
            stored = httpx.get(f"{url}/collections/c/documents/{doc_id}").json()
            assert stored["text"] == texts[stored["path"]]
        r = httpx.post(f"{url}/collections/c/ask", json={"question": "How did Delhi's rainfall change?"}, timeout=30)
        assert r.status_code == 200

    with Collection(root / "c", embedder=embedder) as col:  # every sentence of each document is in place
        assert [d.id for d in col.documents] == ids
        reference = Collection(embedder=embedder)
        for d in col.documents:
            assert d.sentence_count == reference.add_text(texts[d.path], d.title).sentence_count
        _store_is_whole(col)
