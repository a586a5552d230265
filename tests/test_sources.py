"""Every entry point reads web pages, PDFs, links and feeds, with titles, dates and outlets; bad input stores nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from summarizer import (
    BlockedAddressError,
    BrokenPdfError,
    Collection,
    EncryptedPdfError,
    FeedError,
    HttpStatusError,
    LoginWallError,
    NoArticleTextError,
    UnsupportedFileError,
    UnsupportedUrlError,
    open_collection,
)
from summarizer.defaults import STORE_ENV
from summarizer.results import source_label
from tests.conftest import SEEDS, doc_by_prefix
from tests.test_formats import PROSE, page, pdf_bytes

GUARDIAN = page(
    "<article>" + "".join(
        f"<p>Blinken and Lavrov spoke for less than ten minutes on the sidelines of the meeting, paragraph {i}.</p>"
        for i in range(5)) + "</article>",
    title="Blinken and Lavrov meet", head=(
        '<meta property="og:site_name" content="The Guardian">'
        '<meta property="article:published_time" content="2023-03-02T10:00:00Z">'
        '<link rel="canonical" href="https://www.theguardian.com/world/2023/mar/02/blinken-lavrov">'),
)


@pytest.fixture
def col(embedder):
    c = Collection(embedder=embedder)
    yield c
    c.close()


def _state(c: Collection):
    return [(d.id, d.title) for d in c.documents], c.store.generation, c.store.body_count


def test_files_of_every_format_through_add_files(col, tmp_path):
    (tmp_path / "g.html").write_bytes(GUARDIAN)
    (tmp_path / "report.pdf").write_bytes(pdf_bytes([PROSE * 3]))
    (tmp_path / "notes.md").write_text("# Harbour notes\n\nThe harbour reopened on Monday. Ships queued.\n")
    docs = {Path(d.path).name: d for d in col.add_files([tmp_path])}  # a directory picks all three
    assert sorted(docs) == ["g.html", "notes.md", "report.pdf"]
    g = docs["g.html"]
    assert (g.title, g.outlet, g.date) == ("Blinken and Lavrov meet", "The Guardian", "2023-03-02")
    assert g.url == "https://www.theguardian.com/world/2023/mar/02/blinken-lavrov" and g.id == "g"
    assert docs["notes.md"].title == "Harbour notes"
    assert docs["report.pdf"].title.startswith("The delegates met again in Geneva")
    for d in docs.values():
        assert all(d.text[s.start : s.end] == s.text for s in col.sentences(d.id))


def test_citations_name_outlet_date_and_title(col):
    col.add_bytes(GUARDIAN, "g.html")
    ans = col.ask("How long did Blinken and Lavrov speak?")
    c = ans.sentences[0].citations[0]
    assert (c.outlet, c.date, c.url) == ("The Guardian", "2023-03-02",
                                         "https://www.theguardian.com/world/2023/mar/02/blinken-lavrov")
    assert source_label(c).startswith("The Guardian · 2023-03-02 · Blinken and Lavrov meet, sentence ")
    assert "[1] The Guardian · 2023-03-02 · Blinken and Lavrov meet, sentence" in ans.to_markdown()
    assert json.loads(json.dumps(ans.to_dict()))["sentences"][0]["citations"][0]["outlet"] == "The Guardian"
    assert col.document(c.doc_id).text[c.start : c.end] == c.text


def test_seeds_are_never_shown_by_their_file_hash(seeds):
    ans = seeds.ask("What did Baerbock ask?")
    md = ans.to_markdown() + seeds.summarize(max_words=80).to_markdown()
    assert not re.search(r"\d{3}_[0-9a-f]{16}", md)
    for d in seeds.documents:
        assert not re.fullmatch(r"\d{3}_[0-9a-f]{16}", d.title)
    assert doc_by_prefix(seeds, "004").outlet == "Hot News" and doc_by_prefix(seeds, "003").date == "2023-03-02"


def test_upload_bytes_by_suffix_or_sniffed(col):
    a = col.add_bytes(GUARDIAN, "upload")  # no suffix: sniffed as HTML
    assert a.title == "Blinken and Lavrov meet"
    b = col.add_bytes(pdf_bytes([PROSE * 2]), "scan-of-nothing")  # sniffed as PDF
    assert "financing of adaptation" in b.text


@pytest.mark.parametrize(
    "name, data, error, words",
    [
        ("nav.html", page("<nav>" + " ".join(f"<a href='/{i}'>Section {i}</a>" for i in range(30)) + "</nav>"),
         NoArticleTextError, "no article text"),
        ("wall.html", page("<h1>Sign in</h1><form><input type=password></form>"), LoginWallError, "login"),
        ("locked.pdf", None, EncryptedPdfError, "encrypted"),
        ("broken.pdf", b"%PDF-1.4\nnot really", BrokenPdfError, "damaged PDF"),
        ("notes.docx", b"PK\x03\x04", UnsupportedFileError, "unsupported file type"),
        ("feed.rss", b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', UnsupportedFileError, "feed"),
    ],
)
def test_bad_upload_is_refused_and_nothing_stored(col, name, data, error, words):
    col.add_text("The harbour reopened on Monday after the storm. Ships queued outside.", "harbour")
    before = _state(col)
    if data is None:
        data = pdf_bytes([PROSE], owner_password="o", user_password="u")
    with pytest.raises(error, match=re.escape(name) + ".*" + words):
        col.add_bytes(data, name)
    assert _state(col) == before


def test_one_bad_file_adds_nothing(col, tmp_path):
    (tmp_path / "good.html").write_bytes(GUARDIAN)
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4\ngarbage")
    with pytest.raises(BrokenPdfError, match="bad.pdf"):
        col.add_files([tmp_path / "good.html", tmp_path / "bad.pdf"])
    assert col.documents == []


def test_add_url(col, site):
    doc = col.add_url(f"{site}/article.html")
    assert (doc.title, doc.outlet, doc.url, doc.path) == ("Talks resume in Geneva", "Local News", f"{site}/article.html", None)
    assert all(doc.text[s.start : s.end] == s.text for s in col.sentences(doc.id))
    pdf = col.add_url(f"{site}/doc")
    assert pdf.url == f"{site}/doc" and "delegates met again" in pdf.text


@pytest.mark.parametrize(
    "path, error, words",
    [("/missing", HttpStatusError, "answered 404"), ("/nav.html", NoArticleTextError, "no article text"),
     ("/login", LoginWallError, "login"), ("/feed.xml", FeedError, "feed")],
)
def test_add_url_errors_store_nothing(col, site, path, error, words):
    before = _state(col)
    with pytest.raises(error, match=re.escape(f"{site}{path}") + ".*" + words):
        col.add_url(f"{site}{path}")
    assert _state(col) == before


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/story.txt"])
def test_add_url_refuses_other_schemes(col, url):
    with pytest.raises(UnsupportedUrlError, match="unsupported URL scheme"):
        col.add_url(url)
    assert col.documents == []


def test_add_url_guard_refuses_private_addresses(col, site):
    with pytest.raises(BlockedAddressError, match="127.0.0.1"):
        col.add_url(f"{site}/article.html", allow_private=False)
    assert col.documents == []


def test_add_feed_adds_its_articles_and_reports_failures(col, site):
    seen = []
    result = col.add_feed(f"{site}/feed.xml", progress=lambda d, t: seen.append((d, t)))
    assert result.title == "Local feed"
    assert [d.url for d in result.added] == [f"{site}/article.html", f"{site}/doc"]
    assert [u for u, _ in result.failed] == [f"{site}/missing", f"{site}/nav.html"]
    assert "404" in result.failed[0][1] and "no article text" in result.failed[1][1]
    assert seen[-1] == (4, 4) and len(seen) == 4  # one step per distinct link
    assert result.added[0].date == "2023-03-02"  # the page has no date of its own: the feed entry's
    assert len({d.id for d in col.documents}) == 2


def test_feed_file_and_add_link(col, site, tmp_path):
    feed = tmp_path / "news.rss"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
                    f"<item><link>{site}/article.html</link></item></channel></rss>")
    result = col.add_feed(feed)
    assert [d.title for d in result.added] == ["Talks resume in Geneva"] and not result.failed
    again = col.add_link(f"{site}/gzipped")  # same article text: the stored document comes back
    assert again.title is None and again.added[0].id == result.added[0].id
    assert len(col.add_link(f"{site}/feed.xml").added) == 2
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        col.add_feed(f"{site}/article.html")


def test_new_store_starts_empty_only_the_default_store_has_seeds(tmp_path, monkeypatch, embedder):
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "default"))
    with open_collection(tmp_path / "mine", embedder=embedder) as mine:
        assert mine.documents == []
    with Collection(tmp_path / "plain", embedder=embedder) as plain:
        assert plain.documents == []
    with open_collection(embedder=embedder) as demo:
        assert sorted(Path(d.path).name for d in demo.documents) == sorted(p.name for p in SEEDS.glob("*.txt"))
    with open_collection(tmp_path / "default", embedder=embedder) as same:  # the default folder, named
        assert len(same.documents) == 3
