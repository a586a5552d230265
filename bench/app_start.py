"""App speed: time from `streamlit run app.py` to the first rendered answer, then the time per further question.

Usage: python bench/app_start.py [--questions 8] [--store DIR] [--fresh]

A headless Debian Chromium (``/usr/bin/chromium`` or ``$CHROMIUM``, driven by Playwright) is started first; the
clock starts when ``streamlit run`` is spawned, on a loopback port, on a store that already holds the seeds (a
temporary one built before the clock starts, unless ``--store`` or ``--fresh``). Milestones: the server answers
``/_stcore/health``, the page shows the chat box, the first answer is on screen. Then each further question is
timed from pressing Enter to its answer on screen (browser round trip and rendering included), next to the
answer time the app itself reports ("Answered in ... s").
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync",
]
FIRST = "What did Baerbock ask?"
MORE = [
    "What did Blinken tell Lavrov?",
    "How long did Blinken and Lavrov talk?",
    "Which countries refused to sign the G20 text?",
    "What did the US official say about New START?",
    "Who is Paul Whelan?",
    "What did Lavrov say about the West?",
    "What did India say about the war?",
    "What did Baerbock ask?",
    "Where did the G20 foreign ministers meet?",
    "What did France's Catherine Colonna say?",
]
TIMEOUT_MS = 180_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _ask(page, question: str) -> tuple[float, float | None]:
    """Seconds from Enter to the new answer on screen, and the answer time the app reports."""
    messages = page.locator('[data-testid="stChatMessage"]')
    n = messages.count()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    t0 = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(
        """n => document.querySelectorAll('[data-testid="stChatMessage"]').length >= n""", arg=n + 2,
        timeout=TIMEOUT_MS,
    )
    answer = messages.nth(n + 1)
    answer.locator(".mds-result, [data-testid='stAlert']").first.wait_for(timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - t0
    found = re.search(r"Answered in ([\d.]+) s", answer.inner_text())
    return seconds, float(found.group(1)) if found else None


def _seed_store(path: Path) -> None:
    from summarizer.defaults import open_collection

    with open_collection(path) as col:
        print(f"store {path}: {len(col.documents)} documents ready before the clock starts")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=int, default=8, help="further questions to time after the first")
    ap.add_argument("--store", type=Path, help="collection folder to serve (default: a temporary seeded one)")
    ap.add_argument("--fresh", action="store_true", help="start on an empty folder: the app adds the seeds itself")
    args = ap.parse_args()
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        print(f"SKIPPED: no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)")
        return 0
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-app-"))
    store = args.store or tmp / "store"
    if not args.fresh and args.store is None:
        _seed_store(store)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address",
        "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    env = dict(os.environ, SUMMARIZER_STORE=str(store), HF_HUB_OFFLINE="1")
    log = tmp / "streamlit.log"
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        with log.open("w") as out:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            while not _healthy(url):
                if proc.poll() is not None:
                    print(log.read_text()[-3000:])
                    raise SystemExit(f"streamlit exited with {proc.returncode}")
                time.sleep(0.05)
            t_health = time.perf_counter() - t0
            page.goto(url)
            page.get_by_test_id("stChatInputTextArea").wait_for()
            t_ready = time.perf_counter() - t0
            first_seconds, first_app = _ask(page, FIRST)
            t_first = time.perf_counter() - t0
            timed = [_ask(page, q) for q in (MORE * (args.questions // len(MORE) + 1))[: args.questions]]
        finally:
            context.close()
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"streamlit run -> server healthy:        {t_health:6.2f} s")
    print(f"streamlit run -> page with chat box:    {t_ready:6.2f} s")
    print(f"streamlit run -> first rendered answer: {t_first:6.2f} s  (that question: {first_seconds:.2f} s in the "
          f"browser, {first_app or 0:.3f} s answer time in the app)")
    if timed:
        browser = [s for s, _ in timed]
        app = [a for _, a in timed if a is not None]
        print(f"further questions ({len(timed)}), Enter -> answer on screen: median {statistics.median(browser):.3f} s, "
              f"min {min(browser):.3f} s, max {max(browser):.3f} s")
        print("  each, in the browser (app): " + ", ".join(
            f"{s:.2f} ({a:.2f})" if a is not None else f"{s:.2f}" for s, a in timed))
        if app:
            print(f"  answer time reported by the app: median {statistics.median(app):.3f} s, "
                  f"min {min(app):.3f} s, max {max(app):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
