"""A local web site for tests that fetch: `http.server` on 127.0.0.1 in a thread, started once per session.

Routes: an article, a gzipped article, a PDF, a navigation page, a login wall, redirects (`/hop/N` is N + 1
redirects away from the article), error statuses, slow and dripping responses, a huge body, a gzip bomb, an
image, a sitemap, and an RSS feed linking to good and bad pages. Nothing here reaches the internet.
"""

from __future__ import annotations

import gzip
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator

import pytest

from index.fetch import FetchLimits

ARTICLE = (
    "<!doctype html><html><head><title>Talks resume in Geneva</title>"
    '<meta property="og:site_name" content="Local News"></head><body><article>'
    + "".join(f"<p>Paragraph {i}: the delegates met again in Geneva on Monday and agreed to continue the talks "
              f"on the draft agreement next week.</p>" for i in range(5))
    + "</article></body></html>"
).encode()

FAST = FetchLimits(connect_timeout=5, read_timeout=5, total_timeout=20, max_bytes=200_000)
TIGHT = FetchLimits(connect_timeout=5, read_timeout=0.5, total_timeout=2, max_bytes=200_000)  # the timeout tests


def pdf() -> bytes:
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=11)
    doc.multi_cell(0, 6, "The delegates met again in Geneva on Monday and agreed to continue the talks. " * 4)
    return bytes(doc.output())


def rss(base: str, links: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{base}{link}</link><pubDate>Thu, 02 Mar 2023 10:00:00 GMT</pubDate></item>"
        for i, link in enumerate(links)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local feed</title>{items}</channel></rss>'.encode()


class Handler(BaseHTTPRequestHandler):
    routes: dict = {}

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", **headers) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path
        if path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            target = "/article.html" if n == 0 else f"/hop/{n - 1}"
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        route = self.routes.get(path)
        if route is None:
            self.send(404, b"<h1>Not found</h1>")
            return
        route(self)


def _slow(h: Handler) -> None:
    time.sleep(2)  # longer than TIGHT.read_timeout
    h.send(200, ARTICLE)


def _drip(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    try:
        for _ in range(12):  # 12 x 0.3 s: every read is in time, the whole is over TIGHT.total_timeout
            h.wfile.write(b"<p>drip</p>" * 10)
            h.wfile.flush()
            time.sleep(0.3)
    except (BrokenPipeError, ConnectionResetError):
        pass


def _big(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()  # no Content-Length: only the stream's size tells
    try:
        for _ in range(50):
            h.wfile.write(b"<p>" + b"x" * 10_000 + b"</p>")
    except (BrokenPipeError, ConnectionResetError):
        pass


FEED_LINKS = ["/article.html", "/doc", "/missing", "/nav.html", "/article.html"]  # two bad links, one repeat
BOMB = gzip.compress(b"<p>" + b"a" * 5_000_000 + b"</p>", compresslevel=9)  # 5 MB from a few KB


@pytest.fixture(scope="session")
def site():
    """The base URL of the local site."""
    routes = {
        "/article.html": lambda h: h.send(200, ARTICLE),
        "/gzipped": lambda h: h.send(200, gzip.compress(ARTICLE), Content_Encoding="gzip"),
        "/doc": lambda h, data=pdf(): h.send(200, data, "application/pdf"),
        "/nav.html": lambda h: h.send(200, b"<html><body><nav><a href='/'>Home</a> <a href='/x'>News</a></nav></body></html>"),
        "/login": lambda h: h.send(200, b"<html><body><h1>Sign in</h1><form><input type='password'></form></body></html>"),
        "/loop": lambda h: h.send(302, b"", Location="/loop"),
        "/to-file": lambda h: h.send(302, b"", Location="file:///etc/passwd"),
        "/500": lambda h: h.send(500, b"oops"),
        "/forbidden": lambda h: h.send(403, b"no"),
        "/image.png": lambda h: h.send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png"),
        "/octet": lambda h: h.send(200, ARTICLE, "application/octet-stream"),
        "/sitemap": lambda h: h.send(200, b"<?xml version='1.0'?><urlset><url><loc>x</loc></url></urlset>", "application/xml"),
        "/slow": _slow,
        "/drip": _drip,
        "/big": _big,
        "/bomb": lambda h: h.send(200, BOMB, Content_Encoding="gzip"),
    }
    with serving(Handler, lambda base: {
            **routes, "/feed.xml": lambda h: h.send(200, rss(base, FEED_LINKS), "application/rss+xml")}) as base:
        yield base


@contextmanager
def serving(handler: type[Handler], routes: Callable[[str], dict]) -> Iterator[str]:
    """Serve ``routes(base)`` with ``handler`` on 127.0.0.1 (a free port) while the block runs; yields the base
    URL. ``routes`` gets the base, so a feed can link to its own site."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    base = f"http://127.0.0.1:{srv.server_port}"
    handler.routes = routes(base)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


