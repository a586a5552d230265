"""Fetching links and feeds from the local test site (tests/local_site.py, never the internet): limits and errors."""

from __future__ import annotations

import time

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
from index.fetch import check_url, fetch
from index.formats import extract, new_document
from tests.local_site import ARTICLE, BOMB, FAST, TIGHT, Handler, pdf, rss, serving

# A page with no site name of its own: its outlet is the host's.
PLAIN = ARTICLE.replace(b'<meta property="og:site_name" content="Local News">', b"")
ATOM = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom feed</title>'
        '<entry><title>One</title><link href="/plain.html"/><updated>2023-03-01T00:00:00Z</updated></entry></feed>')
AUTHORED = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Planet</title>'
            '<item><title>One</title><link>{base}/plain.html</link>'
            '<author>jimmy@dailyplanet.example (Jimmy Olsen)</author></item>'
            '<item><title>Two</title><link>{base}/doc</link><author>jimmy@dailyplanet.example</author></item>'
            '</channel></rss>')


@pytest.fixture(scope="module")
def typed_site():
    """A second local site on 127.0.0.1 serving feeds with the content types `python -m http.server` gives
    (`.rss` is application/x-rss+xml), other application/x-* types, a page without a site name and a PDF."""

    class Typed(Handler):
        routes: dict = {}

    def routes(base: str) -> dict:
        return {
            "/feed.rss": lambda h: h.send(200, rss(base, ["/plain.html"]), "application/x-rss+xml"),
            "/feed.atom": lambda h: h.send(200, ATOM.encode(), "application/x-atom+xml"),
            "/authored.rss": lambda h: h.send(200, AUTHORED.format(base=base).encode(), "application/x-rss+xml"),
            "/plain.html": lambda h: h.send(200, PLAIN),
            "/doc": lambda h, data=pdf(): h.send(200, data, "application/pdf"),
            "/archive.tar": lambda h: h.send(200, b"\x00" * 512, "application/x-tar"),
            "/shapes": lambda h: h.send(200, b"<?xml version='1.0'?><shapes/>", "application/x-shapes+xml"),
        }

    with serving(Typed, routes) as base:
        yield base


def test_html_link_is_fetched_and_read(site):
    got = fetch(f"{site}/article.html", limits=FAST)
    assert (got.format, got.content_type) == ("html", "text/html")
    e = extract(got.data, got.url, content_type=got.content_type, url=got.url)
    assert e.title == "Talks resume in Geneva" and e.outlet == "Local News"
    assert e.url == f"{site}/article.html" and "Paragraph 4" in e.text


def test_gzip_response_is_decoded(site):
    got = fetch(f"{site}/gzipped", limits=FAST)
    assert got.data == ARTICLE


def test_content_type_decides_pdf(site):
    got = fetch(f"{site}/doc", limits=FAST)
    assert got.format == "pdf"
    assert "delegates met again in Geneva" in extract(got.data, got.url, content_type=got.content_type).text


def test_generic_content_type_is_sniffed(site):
    assert fetch(f"{site}/octet", limits=FAST).format == "html"


def test_redirects_are_followed_up_to_five(site):
    got = fetch(f"{site}/hop/4", limits=FAST)  # /hop/4 -> /hop/3 -> ... -> /hop/0 -> /article.html: 5 redirects
    assert got.url == f"{site}/article.html"
    with pytest.raises(TooManyRedirectsError, match=r"/hop/5: more than 5 redirects"):
        fetch(f"{site}/hop/5", limits=FAST)
    with pytest.raises(TooManyRedirectsError, match="/loop"):
        fetch(f"{site}/loop", limits=FAST)


def test_redirect_to_another_scheme_is_refused(site):
    with pytest.raises(UnsupportedUrlError, match=r"file:///etc/passwd: unsupported URL scheme \(file:\)"):
        fetch(f"{site}/to-file", limits=FAST)


@pytest.mark.parametrize("path, status", [("/missing", 404), ("/500", 500), ("/forbidden", 403)])
def test_http_error_status_is_named(site, path, status):
    with pytest.raises(HttpStatusError, match=rf"{path}: the server answered {status}") as info:
        fetch(f"{site}{path}", limits=FAST)
    assert info.value.status == status


def test_read_timeout(site):
    with pytest.raises(FetchTimeoutError, match=r"/slow: timed out"):
        fetch(f"{site}/slow", limits=TIGHT)


def test_slow_drip_is_cut_by_the_total_timeout(site):
    start = time.monotonic()
    with pytest.raises(FetchTimeoutError, match=r"/drip: the response took longer than 2 s"):
        fetch(f"{site}/drip", limits=TIGHT)
    assert time.monotonic() - start < 5


def test_huge_body_is_cut_while_streaming(site):
    with pytest.raises(ResponseTooLargeError, match=r"/big: response is over the limit of 200,000 bytes"):
        fetch(f"{site}/big", limits=FAST)


def test_gzip_bomb_is_cut_by_the_decoded_size(site):
    assert len(BOMB) < FAST.max_bytes  # the compressed body is small ...
    with pytest.raises(ResponseTooLargeError, match=r"/bomb: .*over the limit of 200,000 bytes once decompressed"):
        fetch(f"{site}/bomb", limits=FAST)  # ... what it inflates to is not


@pytest.mark.parametrize("path, words", [("/image.png", "unsupported content type 'image/png'"),
                                         ("/sitemap", "neither a web page nor an RSS/Atom feed")])
def test_unsupported_content_is_refused(site, path, words):
    with pytest.raises(UnsupportedContentError, match=words):
        fetch(f"{site}{path}", limits=FAST)


@pytest.mark.parametrize("path, ctype", [("/feed.rss", "application/x-rss+xml"),
                                         ("/feed.atom", "application/x-atom+xml")])
def test_feed_with_an_x_content_type_is_a_feed(typed_site, path, ctype):
    got = fetch(f"{typed_site}{path}", limits=FAST)
    assert (got.format, got.content_type) == ("feed", ctype)
    feed = parse_feed(got.data, got.url, base_url=got.url)
    assert [e.url for e in feed.entries] == [f"{typed_site}/plain.html"]


@pytest.mark.parametrize("path, words", [("/archive.tar", "unsupported content type 'application/x-tar'"),
                                         ("/shapes", "neither a web page nor an RSS/Atom feed")])
def test_other_x_content_types_are_still_refused(typed_site, path, words):
    with pytest.raises(UnsupportedContentError, match=words):
        fetch(f"{typed_site}{path}", limits=FAST)


def test_outlet_falls_back_to_the_host_without_its_port(typed_site):
    assert ":" in typed_site.removeprefix("http://")  # the local site has a port
    feed = fetch(f"{typed_site}/feed.rss", limits=FAST)
    entry = parse_feed(feed.data, feed.url, base_url=feed.url).entries[0]
    page = fetch(entry.url, limits=FAST)
    from_feed = new_document(extract(page.data, page.url, content_type=page.content_type, url=page.url),
                             path=None, title=entry.url, entry=entry)
    doc = fetch(f"{typed_site}/doc", limits=FAST)
    pdf_doc = extract(doc.data, doc.url, content_type=doc.content_type, url=doc.url)
    assert from_feed.outlet == pdf_doc.outlet == "127.0.0.1"


def test_rss_author_keeps_the_name_and_drops_a_bare_address(typed_site):
    got = fetch(f"{typed_site}/authored.rss", limits=FAST)
    entries = parse_feed(got.data, got.url, base_url=got.url).entries
    authors = []
    for entry in entries:
        page = fetch(entry.url, limits=FAST)
        article = extract(page.data, page.url, content_type=page.content_type, url=page.url)
        authors.append(new_document(article, path=None, title=entry.url, entry=entry).author)
    assert authors == ["Jimmy Olsen", None]


def test_credentials_error_keeps_the_port_and_drops_the_credentials():
    with pytest.raises(UnsupportedUrlError) as info:
        check_url("http://user:pw@127.0.0.1:18080/article.html")
    assert str(info.value).startswith("http://127.0.0.1:18080/article.html: ")
    assert "pw" not in str(info.value) and "user" not in str(info.value).split(":")[1]
    with pytest.raises(UnsupportedUrlError, match=r"^http://\[::1\]:8443/a: "):
        check_url("http://me@[::1]:8443/a")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.txt", "javascript:alert(1)",
                                 "example.org/story", "http://", "http://user:pw@example.org/"])
def test_unsupported_urls_are_refused(url):
    with pytest.raises(UnsupportedUrlError):
        fetch(url)


def test_private_addresses_refused_when_guarded(site):
    for url in (f"{site}/article.html", "http://localhost/", "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/"):
        with pytest.raises(BlockedAddressError, match="loopback, private, link-local or reserved"):
            check_url(url, allow_private=False)
    assert check_url(f"{site}/article.html") == f"{site}/article.html"  # allowed by default


def test_dns_failure_is_named():
    with pytest.raises(DnsError, match=r"no-such-host\.invalid"):
        fetch("http://no-such-host.invalid/story", limits=FAST)


def test_feed_lists_its_article_links_once(site):
    got = fetch(f"{site}/feed.xml", limits=FAST)
    assert got.format == "feed"
    feed = parse_feed(got.data, got.url, base_url=got.url)
    assert feed.title == "Local feed"
    assert [e.url for e in feed.entries] == [f"{site}{p}" for p in ("/article.html", "/doc", "/missing", "/nav.html")]
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
