"""Fetching links and feeds from a local http.server this test starts (never the internet): limits and errors."""

from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from index.errors import (
    BlockedAddressError,
    DnsError,
    FeedError,
    FetchTimeoutError,
    HttpStatusError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    UnsupportedContentError,
    UnsupportedUrlError,
)
from index.feeds import parse_feed
from index.fetch import FetchLimits, check_url, fetch
from index.formats import extract

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


BOMB = gzip.compress(b"<p>" + b"a" * 5_000_000 + b"</p>", compresslevel=9)  # 5 MB from a few KB


@pytest.fixture(scope="module")
def server():
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
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    base = f"http://127.0.0.1:{srv.server_port}"
    routes["/feed.xml"] = lambda h: h.send(200, rss(base, ["/article.html", "/doc", "/missing", "/nav.html", "/article.html"]),
                                           "application/rss+xml")
    Handler.routes = routes
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield base
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


def test_html_link_is_fetched_and_read(server):
    got = fetch(f"{server}/article.html", limits=FAST)
    assert (got.format, got.content_type) == ("html", "text/html")
    e = extract(got.data, got.url, content_type=got.content_type, url=got.url)
    assert e.title == "Talks resume in Geneva" and e.outlet == "Local News"
    assert e.url == f"{server}/article.html" and "Paragraph 4" in e.text


def test_gzip_response_is_decoded(server):
    got = fetch(f"{server}/gzipped", limits=FAST)
    assert got.data == ARTICLE


def test_content_type_decides_pdf(server):
    got = fetch(f"{server}/doc", limits=FAST)
    assert got.format == "pdf"
    assert "delegates met again in Geneva" in extract(got.data, got.url, content_type=got.content_type).text


def test_generic_content_type_is_sniffed(server):
    assert fetch(f"{server}/octet", limits=FAST).format == "html"


def test_redirects_are_followed_up_to_five(server):
    got = fetch(f"{server}/hop/4", limits=FAST)  # /hop/4 -> /hop/3 -> ... -> /hop/0 -> /article.html: 5 redirects
    assert got.url == f"{server}/article.html"
    with pytest.raises(TooManyRedirectsError, match=r"/hop/5: more than 5 redirects"):
        fetch(f"{server}/hop/5", limits=FAST)
    with pytest.raises(TooManyRedirectsError, match="/loop"):
        fetch(f"{server}/loop", limits=FAST)


def test_redirect_to_another_scheme_is_refused(server):
    with pytest.raises(UnsupportedUrlError, match=r"file:///etc/passwd: unsupported URL scheme \(file:\)"):
        fetch(f"{server}/to-file", limits=FAST)


@pytest.mark.parametrize("path, status", [("/missing", 404), ("/500", 500), ("/forbidden", 403)])
def test_http_error_status_is_named(server, path, status):
    with pytest.raises(HttpStatusError, match=rf"{path}: the server answered {status}") as info:
        fetch(f"{server}{path}", limits=FAST)
    assert info.value.status == status


def test_read_timeout(server):
    with pytest.raises(FetchTimeoutError, match=r"/slow: timed out"):
        fetch(f"{server}/slow", limits=TIGHT)


def test_slow_drip_is_cut_by_the_total_timeout(server):
    start = time.monotonic()
    with pytest.raises(FetchTimeoutError, match=r"/drip: the response took longer than 2 s"):
        fetch(f"{server}/drip", limits=TIGHT)
    assert time.monotonic() - start < 5


def test_huge_body_is_cut_while_streaming(server):
    with pytest.raises(ResponseTooLargeError, match=r"/big: response is over the limit of 200,000 bytes"):
        fetch(f"{server}/big", limits=FAST)


def test_gzip_bomb_is_cut_by_the_decoded_size(server):
    assert len(BOMB) < FAST.max_bytes  # the compressed body is small ...
    with pytest.raises(ResponseTooLargeError, match=r"/bomb: .*over the limit of 200,000 bytes once decompressed"):
        fetch(f"{server}/bomb", limits=FAST)  # ... what it inflates to is not


@pytest.mark.parametrize("path, words", [("/image.png", "unsupported content type 'image/png'"),
                                         ("/sitemap", "neither a web page nor an RSS/Atom feed")])
def test_unsupported_content_is_refused(server, path, words):
    with pytest.raises(UnsupportedContentError, match=words):
        fetch(f"{server}{path}", limits=FAST)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.txt", "javascript:alert(1)",
                                 "example.org/story", "http://", "http://user:pw@example.org/"])
def test_unsupported_urls_are_refused(url):
    with pytest.raises(UnsupportedUrlError):
        fetch(url)


def test_private_addresses_refused_when_guarded(server):
    for url in (f"{server}/article.html", "http://localhost/", "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/"):
        with pytest.raises(BlockedAddressError, match="loopback, private, link-local or reserved"):
            check_url(url, allow_private=False)
    assert check_url(f"{server}/article.html") == f"{server}/article.html"  # allowed by default


def test_dns_failure_is_named():
    with pytest.raises(DnsError, match=r"no-such-host\.invalid"):
        fetch("http://no-such-host.invalid/story", limits=FAST)


def test_feed_lists_its_article_links_once(server):
    got = fetch(f"{server}/feed.xml", limits=FAST)
    assert got.format == "feed"
    feed = parse_feed(got.data, got.url, base_url=got.url)
    assert feed.title == "Local feed"
    assert [e.url for e in feed.entries] == [f"{server}{p}" for p in ("/article.html", "/doc", "/missing", "/nav.html")]
    assert feed.entries[0].title == "Story 0" and feed.entries[0].date == "2023-03-02"


def test_atom_feed_with_relative_links():
    atom = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            b'<entry><title>One</title><link href="/one"/><updated>2023-03-01T00:00:00Z</updated></entry></feed>')
    feed = parse_feed(atom, "a.atom", base_url="https://example.org/feed")
    assert [e.url for e in feed.entries] == ["https://example.org/one"]


@pytest.mark.parametrize("data", [b"<html><body><p>not a feed</p></body></html>", b"\x00\x01garbage",
                                  b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>x</title></item></channel></rss>'],
                         ids=["html", "binary", "no-links"])
def test_bad_feed_says_so(data):
    with pytest.raises(FeedError, match="news.rss: "):
        parse_feed(data, "news.rss")
