"""Service under load: requests/s and latency of `POST /ask` from many clients, against in-process `Collection.ask`.

    .venv/bin/python bench/service_load.py [--sentences 10000] [--seconds 30] [--clients 16] [--write-every 1.0]

Starts `summarizer serve` on 127.0.0.1 (a free port, a temporary root unless --root), fills the collection
`bench` over HTTP with one ingestion job (NeuS article bodies from ../shared/eval/neus or --neus, several articles a
document, about --sentences sentences), then for --seconds runs --clients concurrent clients asking the
articles' titles as questions while one more client adds and removes a document every --write-every seconds.
Prints requests/s, p50/p95/p99 latency and errors. Then, server stopped, the same questions from --clients
threads on the same store opened in-process (`Collection.ask`, the same writer calling `add_text`/`remove`):
the baseline. Targets: 0 errors, and service throughput at least 0.7 of in-process.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from index import split_text  # noqa: E402
from summarizer import Collection, default_embedder  # noqa: E402

NEUS = ROOT.parent / "shared" / "eval" / "neus"
NAME = "bench"
START_SECONDS = 180
FILL_SECONDS = 3600


def articles(neus: Path):
    """(title, body) of every NeuS article, train then val."""
    for split in ("train", "val"):
        for line in (neus / f"{split}.source").open(encoding="utf-8"):
            for part in line.split(" [SEP] "):
                m = re.match(r"\s*TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*)", part.strip(), re.S)
                if m and m.group(1).strip() and m.group(2).strip():
                    yield m.group(1).strip(), m.group(2).strip()


def corpus(neus: Path, sentences: int, per_doc: int, spare: int):
    """Documents of about ``per_doc`` sentences (several articles each) up to ``sentences``; titles; spare articles."""
    docs, titles, extra = [], [], []
    cur, n_cur, total = [], 0, 0
    for title, body in articles(neus):
        if total >= sentences:
            extra.append((title, body))
            if len(extra) >= spare:
                break
            continue
        n = len(split_text(body)[0])
        cur.append(body)
        titles.append(title)
        n_cur += n
        total += n
        if n_cur >= per_doc:
            docs.append("\n\n".join(cur))
            cur, n_cur = [], 0
    if cur:
        docs.append("\n\n".join(cur))
    return docs, list(dict.fromkeys(titles)), extra


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(root: Path, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env.update(PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
    cmd = [sys.executable, "-m", "summarizer", "serve", "--root", str(root), "--port", str(port), "--no-seeds",
           "--workers", str(workers), "--log-level", "warning"]
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"server did not start; log:\n{log.read_text()[-2000:]}")


def fill(url: str, docs: list[str]) -> None:
    have = httpx.get(f"{url}/collections/{NAME}/documents", timeout=60)
    if have.status_code == 200 and len(have.json()) >= len(docs):
        print(f"fill: collection {NAME!r} already holds {len(have.json())} documents")
        return
    httpx.put(f"{url}/collections/{NAME}", timeout=60)
    files = [("files", (f"d{i:05d}.txt", d.encode(), "text/plain")) for i, d in enumerate(docs)]
    t0 = time.perf_counter()
    r = httpx.post(f"{url}/collections/{NAME}/documents?background=true", files=files, timeout=600)
    r.raise_for_status()
    job = r.json()
    while job["state"] in ("queued", "running") and time.perf_counter() - t0 < FILL_SECONDS:
        time.sleep(1)
        job = httpx.get(f"{url}/jobs/{job['id']}", timeout=60).json()
    secs = time.perf_counter() - t0
    sents = sum(d["sentence_count"] for d in httpx.get(f"{url}/collections/{NAME}/documents", timeout=60).json())
    print(f"fill: job {job['state']}: {job['added']} documents, {sents:,} sentences in {secs:.0f} s "
          f"({sents / secs:.0f} sentences/s over HTTP, one transaction a document); failures: {len(job['failures'])}")


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def record(self, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)

    def line(self, what: str, seconds: float) -> float:
        lat = np.asarray(self.latencies) * 1000
        rate = len(lat) / seconds
        p50, p95, p99 = np.percentile(lat, [50, 95, 99]) if len(lat) else (0, 0, 0)
        print(f"{what}: {len(lat)} requests in {seconds:.0f} s = {rate:.1f} req/s; latency p50 {p50:.0f} ms, "
              f"p95 {p95:.0f} ms, p99 {p99:.0f} ms; errors {len(self.errors)}"
              + (f" (first: {self.errors[0][:200]})" if self.errors else ""))
        return rate


def run_clients(n: int, seconds: float, questions: list[str], ask) -> tuple[Stats, float]:
    """``n`` threads each calling ``ask(question)`` until the time is up; returns stats and elapsed seconds."""
    stats = Stats()
    end = time.monotonic() + seconds

    def loop(i: int) -> None:
        k = i
        while time.monotonic() < end:
            q = questions[k % len(questions)]
            k += n
            t0 = time.perf_counter()
            try:
                err = ask(q)
            except Exception as exc:  # a bench counts every failure as an error
                err = f"{type(exc).__name__}: {exc}"
            stats.record(time.perf_counter() - t0, err)

    t0 = time.monotonic()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats, time.monotonic() - t0


def writer(add, remove, extra: list[tuple[str, str]], every: float, stop: threading.Event, stats: Stats) -> None:
    """Add a document, then remove it, one operation every ``every`` seconds, until stopped."""
    i = 0
    while not stop.is_set():
        title, body = extra[i % len(extra)]
        i += 1
        ok, doc_id = _timed(stats, add, body, f"w{i} {title}"[:200])
        if not ok or not _timed(stats, remove, doc_id)[0]:
            break
        stop.wait(every)


def _timed(stats: Stats, op, *args):
    """(succeeded, ``op(*args)``), its time and any failure recorded (a bench counts every failure as an error)."""
    t0 = time.perf_counter()
    try:
        out, err = op(*args), None
    except Exception as exc:
        out, err = None, f"{type(exc).__name__}: {exc}"
    stats.record(time.perf_counter() - t0, err)
    return err is None, out


def run_phase(what: str, args, questions, extra, ask, add, remove) -> tuple[float, int]:
    """Clients asking and one writer for ``args.seconds``: prints the figures; returns requests/s and errors."""
    stop, wstats = threading.Event(), Stats()
    w = threading.Thread(target=writer, args=(add, remove, extra, args.write_every, stop, wstats))
    if args.write_every > 0:
        w.start()
    try:
        stats, secs = run_clients(args.clients, args.seconds, questions, ask)
    finally:
        stop.set()
        if w.is_alive():
            w.join(timeout=300)
    rate = stats.line(f"{what}: {args.clients} clients asking", secs)
    wstats.line(f"{what}: writer (adds and removes, every {args.write_every:g} s)", secs)
    return rate, len(stats.errors) + len(wstats.errors)


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM (a graceful stop), then SIGKILL after a minute."""
    proc.terminate()
    for _ in range(600):
        if proc.poll() is not None:
            return
        time.sleep(0.1)
    proc.kill()


def service_phase(args, root: Path, docs, questions, extra) -> tuple[float, int]:
    log = root.parent / f"{root.name}.log"
    proc, url = start_server(root, args.workers, log)
    try:
        fill(url, docs)
        httpx.post(f"{url}/collections/{NAME}/ask", json={"question": questions[0]}, timeout=300)  # builds indexes
        clients = [httpx.Client(base_url=url, timeout=120) for _ in range(args.clients + 1)]
        local = threading.local()

        def client() -> httpx.Client:
            if not hasattr(local, "c"):
                local.c = clients.pop()
            return local.c

        def ask(q: str) -> str | None:
            r = client().post(f"/collections/{NAME}/ask", json={"question": q, "k": 3})
            return None if r.status_code == 200 else f"{r.status_code} {r.text}"

        def add(text: str, title: str) -> str:
            r = client().post(f"/collections/{NAME}/documents", json={"text": text, "title": title})
            r.raise_for_status()
            return r.json()[0]["id"]

        def remove(doc_id: str) -> None:
            client().delete(f"/collections/{NAME}/documents/{doc_id}").raise_for_status()

        return run_phase(f"service ({args.workers} worker(s))", args, questions, extra, ask, add, remove)
    finally:
        stop_server(proc)


def local_phase(args, root: Path, questions, extra) -> tuple[float, int]:
    with Collection(root / NAME, embedder=default_embedder()) as col:
        col.ask(questions[0])  # model and indexes loaded before the clock

        def ask(q: str) -> str | None:
            col.ask(q, k=3)
            return None

        def add(text: str, title: str) -> str:
            return col.add_text(text, title).id

        return run_phase("in-process", args, questions, extra, ask, add, col.remove)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=10_000)
    ap.add_argument("--per-doc", type=int, default=35, help="sentences a document (several articles each)")
    ap.add_argument("--seconds", type=float, default=30, help="load time of each phase")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--write-every", type=float, default=1.0,
                    help="seconds between the writer's operations (0: no writer)")
    ap.add_argument("--workers", type=int, default=1, help="server processes")
    ap.add_argument("--neus", type=Path, default=NEUS, help="the NeuS folder (train.source, val.source)")
    ap.add_argument("--root", type=Path, help="service root to reuse (a filled collection is not filled again)")
    args = ap.parse_args()
    if not (args.neus / "train.source").exists():
        print(f"SKIPPED: {args.neus} is missing (the shared evaluation data; see --neus)")
        return 0
    docs, titles, extra = corpus(args.neus, args.sentences, args.per_doc, spare=200)
    questions = titles[:: max(1, len(titles) // 400)]
    root = args.root or Path(tempfile.mkdtemp(prefix="bench-service-"))
    print(f"{len(docs)} documents, about {args.sentences:,} sentences; {len(questions)} questions; root {root}")
    service_rate, service_errors = service_phase(args, root, docs, questions, extra)
    local_rate, local_errors = local_phase(args, root, questions, extra)
    print(f"service / in-process throughput: {service_rate / local_rate:.2f} (target >= 0.7); errors: service "
          f"{service_errors}, in-process {local_errors} (target 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
