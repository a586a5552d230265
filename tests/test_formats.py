"""Reading web pages, PDFs and text files: text with exact spans, metadata, and a specific error for bad input."""

from __future__ import annotations

import gzip
import json
import re
import sqlite3

import pytest

from index import NewDocument, Store
from index.errors import (
    BinaryFileError,
    BrokenHtmlError,
    BrokenPdfError,
    EmptyDocumentError,
    EncryptedPdfError,
    FileTooLargeError,
    LoginWallError,
    NoArticleTextError,
    ScannedPdfError,
    UnsupportedFileError,
)
from index.formats import ExtractWeights, detect_format, extract, extract_text, read_file, text_metadata
from index.splitting import split_text
from tests.conftest import SEEDS, SHARED

DEV = SHARED / "eval" / "html" / "dev"
needs_dev = pytest.mark.skipif(not (DEV / "ground-truth.json").exists(), reason=f"benchmark pages not found in {DEV}")

# Benchmark pages: an interview with <h2> questions, a news story, a feature with lists, a Japanese blog post.
PAGES = ["4648a420", "16c30add", "c50845a7", "85439e26"]


def page(body: str, *, title: str = "Talks resume in Geneva", head: str = "") -> bytes:
    return (f"<!doctype html><html><head><title>{title}</title>{head}</head><body>{body}</body></html>").encode()


ARTICLE = "".join(
    f"<p>Paragraph {i}: the delegates met again in Geneva on Monday and agreed to continue the talks on the "
    f"draft agreement about the financing of adaptation next week.</p>"
    for i in range(6)
)


def as_new(e, name: str) -> NewDocument:
    return NewDocument(e.text, e.title or name, name, e.date, e.author, e.outlet, e.url, e.headings)


def pdf_bytes(pages: list[str], **encryption) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    if encryption:
        pdf.set_encryption(**encryption)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


# ---------------------------------------------------------------- detection

@pytest.mark.parametrize(
    "data, name, content_type, expected",
    [
        (b"plain words", "a.txt", None, "text"),
        (b"<html><body><p>x</p></body></html>", "a.txt", None, "text"),  # a text suffix keeps it text
        (b"<!DOCTYPE html><html><p>x</p></html>", "a.htm", None, "html"),
        (b"<!DOCTYPE html><html><p>x</p></html>", "upload", None, "html"),  # sniffed
        (b"%PDF-1.7\n...", "scan", None, "pdf"),
        (b"%PDF-1.7\n...", "report.txt", None, "pdf"),  # the magic bytes win
        (b"<?xml version='1.0'?><rss version='2.0'><channel></channel></rss>", "news", None, "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "atom.xml", None, "feed"),
        (b"<p>hello</p>", "https://example.org/story", "text/html; charset=utf-8", "html"),
        (b"anything", "https://example.org/x", "application/pdf", "pdf"),
    ],
)
def test_detect_format(data, name, content_type, expected):
    assert detect_format(data, name, content_type) == expected


def test_unknown_suffix_is_refused():
    with pytest.raises(UnsupportedFileError, match=r"notes\.docx.*unsupported file type '\.docx'"):
        detect_format(b"PK\x03\x04", "notes.docx")


# ---------------------------------------------------------------- text files

def test_text_title_from_heading_line_else_first_sentence_and_source_outlet():
    title, date, outlet = text_metadata("# Ceasefire holds\n\nThe ceasefire held overnight. More later.\n")
    assert (title, date, outlet) == ("Ceasefire holds", None, None)
    title, _, _ = text_metadata("Talks resume\n\nThe delegates met in Geneva on Monday to resume talks.\n")
    assert title == "Talks resume"
    long = ("The foreign ministers of the twenty largest economies met in New Delhi on Thursday for a day of "
            "talks dominated by the war.")
    title, _, outlet = text_metadata(f"{long}\nMore text here.\nSource: Hot News\n")
    assert title.endswith("…") and long.startswith(title[:-1]) and len(title.split()) <= ExtractWeights().title_words
    assert outlet == "Hot News"
    title, _, outlet = text_metadata("WASHINGTON (AP) — The Senate passed the bill on Tuesday. More later.\n")
    assert (title, outlet) == ("The Senate passed the bill on Tuesday", "AP")
    _, _, outlet = text_metadata("Washington (CNN)The Senate passed the bill on Tuesday. More later.\n")
    assert outlet == "CNN"  # a dateline glued to its sentence names its outlet too


@pytest.mark.parametrize("date", ["March 4, 2023", "4 March 2023", "2023-03-04", "Sat, 04 Mar 2023 10:00:00 GMT",
                                  "Saturday, March 4, 2023, 10:15 AM ET", "Mar. 4th, 2023"])
@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["wrapped", "blank"])
def test_date_and_byline_lines_give_date_and_author_not_title(date, gap):
    body = "The council voted on Tuesday to close the old bridge. More later.\n"
    e = extract_text(f"Date: {date}{gap}By Jane Doe\n\n{body}")
    assert (e.title, e.date, e.author) == ("The council voted on Tuesday to close the old bridge", "2023-03-04",
                                           "Jane Doe")
    e = extract_text(f"Council closes bridge\nPublished: {date}\nby Jane Doe and John Roe\n{body}")
    assert (e.title, e.date, e.author) == ("Council closes bridge", "2023-03-04", "Jane Doe and John Roe")
    assert text_metadata(f"Date: {date}\n\n{body}")[:2] == ("The council voted on Tuesday to close the old bridge",
                                                              "2023-03-04")


def test_lines_that_are_not_a_full_date_or_a_byline_stay_text():
    e = extract_text("Date: May 2023\n\nBy the river the council met on Tuesday. More later.\n")
    assert (e.title, e.date, e.author) == ("Date: May 2023", None, None)  # no day: not a date


def test_seeds_get_readable_titles_dates_and_outlets(seed_paths):
    got = {p.name[:3]: read_file(p) for p in seed_paths}
    for e in got.values():
        assert e.format == "text" and e.title and not re.fullmatch(r"\d{3}_[0-9a-f]{16}", e.title)
    assert got["000"].title.startswith("On Thursday, US Secretary of State Antony Blinken")
    assert got["003"].date == "2023-03-02"
    assert got["004"].outlet == "Hot News"
    assert got["003"].text == (SEEDS / "003_1adf9c82314105d7.txt").read_text(encoding="utf-8")  # text unchanged


# ---------------------------------------------------------------- HTML

@needs_dev
@pytest.mark.parametrize("prefix", PAGES)
def test_benchmark_page_ingests_with_exact_spans_and_metadata(embedder, prefix):
    truth = json.loads((DEV / "ground-truth.json").read_text(encoding="utf-8"))
    key = next(k for k in truth if k.startswith(prefix))
    e = read_file(DEV / f"{key}.html")
    assert e.format == "html" and e.title and re.fullmatch(r"\d{4}-\d{2}-\d{2}", e.date or "")
    store = Store(embedder=embedder)
    doc = store.add([as_new(e, f"{key}.html")])[0]
    assert (doc.title, doc.date, doc.outlet, doc.url) == (e.title, e.date, e.outlet, e.url)
    sents = store.sentences(doc.id)
    assert sents and all(doc.text[s.start : s.end] == s.text for s in sents)
    assert [(s.start, s.end, s.kind) for s in sents] == [
        (sp.start, sp.end, sp.kind) for sp in split_text(e.text, e.headings)[0]
    ]
    body = " ".join(s.text for s in sents if s.is_body)
    first_words = re.findall(r"\w+", truth[key]["articleBody"])[:8]
    assert " ".join(first_words) in " ".join(re.findall(r"\w+", body))
    assert "<" not in body or "<The Palace" in body  # no markup leaks into the text
    for a, b in e.headings:  # a marked heading is never a body sentence unless it reads as one
        kinds = {s.kind for s in sents if a <= s.start < b}
        assert kinds <= {"heading", "body"}


@needs_dev
def test_interview_questions_marked_as_headings_stay_body_sentences():
    key = next(p.stem for p in DEV.glob("4648a420*.html"))
    e = read_file(DEV / f"{key}.html")
    spans, _ = split_text(e.text, e.headings)
    kinds = {e.text[s.start : s.end]: s.kind for s in spans}
    assert kinds["Q: How do you prioritize your day?"] == "body"
    assert any(k == "heading" for k in kinds.values()) or not e.headings


def test_paragraphs_lists_and_tables_keep_their_breaks():
    html = page(
        "<article><h1>Talks resume in Geneva</h1>" + ARTICLE
        + "<h2>What was agreed</h2><ul><li>A draft on financing</li><li>A meeting next week</li></ul>"
        + "<table><tr><td>Country</td><td>Pledge</td></tr><tr><td>Norway</td><td>12</td></tr></table>"
        + "<table><tr><th>Item</th><th>Cost</th></tr><tr><td>Park</td><td>$5</td></tr></table>"
        + "<p>Line one of an address<br>Line two of it</p></article>"
    )
    e = extract(html, "talks.html")
    lines = e.text.split("\n\n")
    assert "- A draft on financing" in lines and "| Norway | 12 |" in lines
    assert "Line one of an address\nLine two of it" in lines
    assert e.title == "Talks resume in Geneva"
    spans, _ = split_text(e.text, e.headings)
    kinds = {e.text[s.start : s.end]: s.kind for s in spans}
    assert kinds["What was agreed"] == "heading"
    assert kinds["- A draft on financing"] == "body" and kinds["| Norway | 12 |"] == "body"
    assert kinds["| Item | Cost |"] == "heading" and kinds["| Park | $5 |"] == "body"  # a <th> row names columns


def test_script_and_style_content_never_reach_the_text():
    html = page(
        "<style>.x { color: red } p.secret { content: 'STYLE_TEXT_LEAK' }</style>"
        "<script>var msg = 'SCRIPT_TEXT_LEAK: the delegates met again in Geneva.';</script>"
        f"<article>{ARTICLE}</article><noscript>NOSCRIPT_TEXT_LEAK</noscript>",
        head="<script>document.write('HEAD_SCRIPT_LEAK')</script><style>body{}</style>",
    )
    e = extract(html, "scripted.html")
    assert "Paragraph 5" in e.text
    assert "LEAK" not in e.text and "color: red" not in e.text


def test_metadata_comes_from_the_page():
    head = ('<meta property="og:site_name" content="The Guardian"><meta name="author" content="Jane Doe">'
            '<meta property="article:published_time" content="2023-03-02T10:00:00Z">'
            '<link rel="canonical" href="https://www.theguardian.com/world/2023/mar/02/talks">')
    e = extract(page(f"<article>{ARTICLE}</article>", title="Blinken and Lavrov meet", head=head), "g.html")
    assert (e.title, e.outlet, e.author, e.date) == ("Blinken and Lavrov meet", "The Guardian", "Jane Doe", "2023-03-02")
    assert e.url == "https://www.theguardian.com/world/2023/mar/02/talks"


BAD_HTML = [
    ("empty.html", b"   \n ", EmptyDocumentError, "empty"),
    ("binary.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00", BinaryFileError, "binary"),
    ("broken.html", b"<<<>>>", BrokenHtmlError, "cannot be parsed as HTML"),
    ("malformed.html", b"<html><body><div><p>unclosed <b><i><div></span>", NoArticleTextError, "no article text"),
    ("nav.html", page("<nav><ul>" + "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(40))
                      + "</ul></nav><footer><a href='/about'>About us</a> <a href='/jobs'>Jobs</a></footer>"),
     NoArticleTextError, "no article text"),
    ("scripts.html", page("<script>" + "var article = 'The delegates met in Geneva.';" * 200 + "</script>"),
     NoArticleTextError, "no article text"),
    ("login.html", page("<h1>Sign in to continue reading</h1><p>Subscribers only. Please log in.</p>"
                        "<form><input type='email' name='e'><input type='password' name='p'>"
                        "<button>Log in</button></form>"), LoginWallError, "login or subscription wall"),
]


@pytest.mark.parametrize("name, data, error, words", BAD_HTML, ids=[b[0] for b in BAD_HTML])
def test_bad_html_gets_a_specific_error_naming_the_file(name, data, error, words):
    with pytest.raises(error, match=re.escape(name) + ".*" + words):
        extract(data, name)


def test_huge_page_is_refused_before_parsing():
    small = ExtractWeights(max_html_bytes=100_000)
    data = page(ARTICLE * 200)
    with pytest.raises(FileTooLargeError, match=r"huge\.html: web page of [\d,]+ bytes is over the limit of 100,000"):
        extract(data, "huge.html", weights=small)


# ---------------------------------------------------------------- PDF

PROSE = ("The delegates met again in Geneva on Monday and agreed to continue the talks on the draft agreement "
         "about the financing of adaptation next week. ")


def test_pdf_pages_joined_and_hyphenated_breaks_repaired(embedder):
    data = pdf_bytes([PROSE * 3 + "The infor-\nmation was shared with every delegation.", PROSE * 2 + "Page two ends."])
    e = extract(data, "talks.pdf")
    assert e.format == "pdf"
    assert "information was shared" in e.text and "infor-" not in e.text
    assert "Page two ends." in e.text and e.text.count("The delegates met again") == 5
    store = Store(embedder=embedder)
    doc = store.add([as_new(e, "talks.pdf")])[0]
    sents = store.sentences(doc.id)
    assert all(doc.text[s.start : s.end] == s.text for s in sents)
    assert any(s.text == "The information was shared with every delegation." for s in sents)
    assert doc.title.startswith("The delegates met again in Geneva")


def test_encrypted_pdf_says_so():
    data = pdf_bytes([PROSE * 3], owner_password="owner", user_password="secret")
    with pytest.raises(EncryptedPdfError, match=r"locked\.pdf: PDF is encrypted"):
        extract(data, "locked.pdf")


def test_pdf_with_owner_password_only_is_read():
    data = pdf_bytes([PROSE * 3], owner_password="owner")
    assert "financing of adaptation" in extract(data, "restricted.pdf").text


def test_scanned_pdf_without_text_layer_says_so():
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 150, 200, style="F")  # a page of "image", no text
    with pytest.raises(ScannedPdfError, match=r"scan\.pdf: PDF has no text layer .*OCR"):
        extract(bytes(pdf.output()), "scan.pdf")


@pytest.mark.parametrize("data", [b"%PDF-1.4\nthis is not a pdf body", b"%PDF-1.7\n" + bytes(range(256)) * 4],
                         ids=["garbage", "binary"])
def test_broken_pdf_says_so(data):
    with pytest.raises(BrokenPdfError, match=r"broken\.pdf: damaged PDF"):
        extract(data, "broken.pdf")


def test_truncated_pdf_says_so():
    data = pdf_bytes([PROSE * 5])
    with pytest.raises(BrokenPdfError, match=r"cut\.pdf: damaged PDF"):
        extract(data[: len(data) // 3], "cut.pdf")


# ---------------------------------------------------------------- store

def test_old_store_gains_metadata_columns(tmp_path, fake_embedder):
    store = Store(tmp_path / "s", embedder=fake_embedder)
    store.add([NewDocument("Talks resumed in Geneva on Monday. They went on.", "talks")])
    store.close()
    db = sqlite3.connect(tmp_path / "s" / "collection.sqlite")
    for col in ("author", "outlet", "url"):
        db.execute(f"ALTER TABLE documents DROP COLUMN {col}")  # a store written before these columns existed
    db.commit()
    db.close()
    store = Store(tmp_path / "s", embedder=fake_embedder)
    (old,) = store.documents
    assert old.title == "talks" and (old.author, old.outlet, old.url) == (None, None, None)
    new = store.add([NewDocument("A second story about the talks. It is short.", "second", outlet="Reuters",
                                 url="https://example.org/a", author="Jane Doe", date="2023-03-02")])[0]
    store.close()
    store = Store(tmp_path / "s", embedder=fake_embedder)
    again = store.document(new.id)
    assert (again.outlet, again.url, again.author, again.date) == ("Reuters", "https://example.org/a", "Jane Doe", "2023-03-02")
    assert again.to_dict()["outlet"] == "Reuters"
    store.close()


def test_gzip_file_is_not_taken_for_html():
    with pytest.raises(UnsupportedFileError, match="unsupported file type '.gz'"):
        extract(gzip.compress(page(ARTICLE)), "page.html.gz")


def test_add_text_keeps_the_date_and_author_its_lines_name(fake_embedder):
    from summarizer import Collection

    with Collection(embedder=fake_embedder) as col:
        doc = col.add_text("Date: March 4, 2023\nBy Jane Doe\nThe minister met his counterpart on Friday. Talks went well.")
    assert (doc.title, doc.date, doc.author) == ("The minister met his counterpart on Friday", "2023-03-04", "Jane Doe")
