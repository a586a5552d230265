"""End to end in a real headless Chromium: `streamlit run app.py` on a loopback port, driven by Playwright.

One server (on a temporary store that starts with the seeds) and one browser for the whole module. Screenshots
go to ``$SCREENSHOT_DIR`` (default ``screenshots/browser`` in the checkout); the test prints the folder.
Chromium comes from the Debian package (``/usr/bin/chromium``, or ``$CHROMIUM``); Playwright's own browser
download is not used.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
QUESTION = "What did Baerbock ask?"
TIMEOUT_MS = 60_000
SCROLL_TO_TOP = "e => { e.style.scrollMarginTop = '110px'; e.scrollIntoView({block: 'start'}); }"

pytestmark = pytest.mark.browser

EVIL = (
    "The harbour committee approved a new lighthouse budget on Monday after a long debate.\n\n"
    "Its report quoted the markup <script>alert('script ran')</script> and <img src=x onerror=alert('img ran')> "
    "and [a link](http://evil.example) word for word.\n\n"
    "The lighthouse will be repainted red and white before the summer season begins.\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"streamlit did not answer on {url} within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run app.py` on a free loopback port, with a fresh store in a temporary folder."""
    tmp = tmp_path_factory.mktemp("browser")
    port = _free_port()
    env = dict(os.environ, SUMMARIZER_STORE=str(tmp / "store"), HF_HUB_OFFLINE="1")
    log = tmp / "streamlit.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """A page in headless Debian Chromium with a fresh profile; skipped only if Chromium is not installed."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"no Chromium at {CHROMIUM}: install the Debian packages chromium and chromium-driver")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        context.set_default_timeout(TIMEOUT_MS)
        pg = context.pages[0] if context.pages else context.new_page()
        try:
            yield pg
        finally:
            context.close()


@pytest.fixture(scope="module")
def shots():
    folder = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "screenshots" / "browser")).resolve()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _settle(page) -> None:
    """Wait until the script run is over and no stale element of the previous run is left on the page."""
    page.wait_for_function(
        """() => !document.querySelector('[data-stale="true"], [data-testid="stStatusWidgetRunningIcon"]')""",
        timeout=TIMEOUT_MS,
    )


def _ask(page, question: str):
    """Type a question in the chat box, send it, and return the locator of the new assistant message."""
    before = page.locator('[data-testid="stChatMessage"]').count()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    messages = page.locator('[data-testid="stChatMessage"]')
    page.wait_for_function(
        """n => document.querySelectorAll('[data-testid="stChatMessage"]').length >= n""", arg=before + 2,
        timeout=TIMEOUT_MS,
    )
    answer = messages.nth(before + 1)
    answer.locator(".mds-result, [data-testid='stAlert']").first.wait_for()
    _settle(page)
    return answer


def _doc_cards(page):
    return page.locator('[data-testid="stSidebar"] .mds-doc')


def test_app_in_chromium(server, page, shots, tmp_path, capsys):
    with capsys.disabled():
        print(f"\nscreenshots: {shots}")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server)
    page.get_by_role("heading", name="News summarizer").wait_for()
    page.get_by_role("button", name=QUESTION).wait_for()
    assert _doc_cards(page).count() == 3
    cards = page.locator('[data-testid="stSidebar"]').inner_text()
    # the seeds read by their own first sentence, outlet and date, never by their file hash
    assert "On Thursday, US Secretary of State Antony Blinken" in cards and "Hot News · no date" in cards
    assert "2023-03-02 · " in cards and "99b297de7d00b540" not in cards
    page.screenshot(path=shots / "01-start.png")

    # 1. a cited answer that cites two articles; a citation opens its article with the sentence marked
    answer = _ask(page, QUESTION)
    sources = answer.locator(".mds-source")
    cited_docs = {sources.nth(i).get_attribute("data-doc") for i in range(sources.count())}
    assert len(cited_docs) >= 2, f"the answer cites only {cited_docs}"
    points = answer.locator(".mds-points li")
    assert points.count() >= 1
    assert "Baerbock" in answer.locator(".mds-points").inner_text()
    assert answer.locator(".mds-points .mds-ref").count() >= points.count()
    first = sources.first
    first.locator("summary").click()
    mark = first.locator(".mds-article mark")
    mark.wait_for()
    assert mark.count() == 1
    article = first.locator(".mds-article").inner_text()
    marked = mark.inner_text()
    assert marked.strip() and marked in article and len(article) > len(marked)
    assert marked.strip() in answer.locator(".mds-points").inner_text()
    answer.evaluate(SCROLL_TO_TOP)
    page.screenshot(path=shots / "02-answer.png")
    mark.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=shots / "02-answer-source.png")

    # 2. the merged summary, with citations and downloads
    page.get_by_role("tab", name="Merged summary").click()
    page.get_by_role("button", name="Write merged summary").click()
    summary = page.locator(".mds-summary")
    summary.wait_for()
    assert len(summary.inner_text().split()) >= 30
    assert summary.locator(".mds-ref").count() >= 2
    result = page.locator(".mds-result", has=summary)
    summary_docs = {s.get_attribute("data-doc") for s in result.locator(".mds-source").all()}
    assert len(summary_docs) >= 2
    page.get_by_role("button", name="Download Markdown").wait_for()
    page.get_by_role("button", name="Download JSON").wait_for()
    page.screenshot(path=shots / "03-summary.png")

    # 3. upload through the real uploader: HTML in the file is shown literally, never run or rendered
    evil = tmp_path / "harbour-report.txt"
    evil.write_text(EVIL, encoding="utf-8")
    page.locator('[data-testid="stSidebar"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(evil))
    card = _doc_cards(page).filter(has_text="The harbour committee approved")
    card.wait_for()
    _settle(page)
    assert _doc_cards(page).count() == 4
    page.get_by_role("tab", name="Ask").click()
    answer = _ask(page, "What markup did the harbour report quote?")
    text = answer.inner_text()
    assert "<img src=x onerror=alert('img ran')>" in text
    assert "<script>alert('script ran')</script>" in text
    assert "[a link](http://evil.example)" in text
    assert page.locator("img[src='x']").count() == 0
    assert answer.locator("script, a[href='http://evil.example']").count() == 0
    answer.evaluate(SCROLL_TO_TOP)
    page.screenshot(path=shots / "04-upload-literal-html.png")

    # 4. a bad upload shows an error and changes nothing
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02 not text \x00" * 50)
    page.locator('[data-testid="stSidebar"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(binary))
    error = page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]').filter(has_text="binary")
    error.wait_for()
    _settle(page)
    assert _doc_cards(page).count() == 4
    page.screenshot(path=shots / "05-bad-upload.png")

    # 5. remove the uploaded document
    doc_id = card.get_attribute("data-doc")
    page.locator(f'[data-testid="stSidebar"] .st-key-remove-{doc_id}').get_by_role("button").click()
    card.wait_for(state="detached")
    _settle(page)
    assert _doc_cards(page).count() == 3
    page.screenshot(path=shots / "06-removed.png")
    assert dialogs == [], f"page ran script from a document: {dialogs}"
