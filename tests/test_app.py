"""The Streamlit app under `streamlit.testing.v1.AppTest`, with the real model and a real store in a temporary folder.

Expected results come from the public API (`Collection.ask`, `Collection.summarize`) on the same seeds, never
hard-coded. The pure rendering helpers in `webapp.render` are tested directly at the end.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from summarizer import RATIO, Citation, CitedSentence, Collection, Document
from summarizer.collection import MAX_FILE_BYTES
from summarizer.defaults import STORE_ENV
from webapp.render import (
    GENERIC_QUESTIONS,
    SEED_QUESTIONS,
    cited_html,
    document_html,
    highlight_html,
    plain_markdown,
    question_html,
    suggested_questions,
)
from summarizer.results import CitationNumbers, number_citations

from .conftest import SEEDS
from .test_formats import PROSE, page, pdf_bytes
from .test_sources import GUARDIAN

APP = str(Path(__file__).resolve().parent.parent / "app.py")
QUESTION = "What did Baerbock ask?"
TIMEOUT = 120  # seconds; the first run in a process imports torch and loads the model

EVIL_NAME = "<img src=x onerror=alert(1)>.txt"
EVIL_TEXT = (
    "Harbour <img src=x onerror=alert(1)> report\n\n"  # the heading line: the document's title
    "The harbour committee approved a new lighthouse budget on Monday after a long debate.\n\n"
    "Its report quoted <script>alert('x')</script> and <img src=x onerror=alert(2)> and [a link](http://evil.example) "
    "word for word.\n\n"
    "The lighthouse will be repainted red and white before the summer season begins.\n"
)


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    """A fresh default store folder for the app (so it starts with the seeds); the user's store is never touched."""
    path = tmp_path / "store"
    monkeypatch.setenv(STORE_ENV, str(path))
    return path


@pytest.fixture
def at(store) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.run()
    assert not app.exception, app.exception
    return app


def _cards(at: AppTest) -> list[str]:
    return [h.value for h in at.sidebar.get("html") if 'class="mds-doc"' in h.value]


def _card_ids(at: AppTest) -> list[str]:
    return [re.search(r'data-doc="([^"]*)"', c).group(1) for c in _cards(at)]


def _results(at: AppTest) -> list[str]:
    return [h.value for h in at.main.get("html") if 'class="mds-result"' in h.value]


def _marked(fragment: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", fragment, flags=re.S)]


def _sources(fragment: str) -> list[str]:
    return re.findall(r'<details class="mds-source" data-doc="([^"]*)"', fragment)


def _points(fragment: str) -> list[str]:
    """The text of each point (list item or summary sentence), unescaped, without the [n] markers or the note on
    where its sources differ."""
    parts = re.findall(r'class="mds-point">(.*?)</(?:li|span)>', fragment, flags=re.S)
    parts = [re.sub(r'<span class="mds-diff">.*', "", p, flags=re.S) for p in parts]
    return [" ".join(html.unescape(re.sub(r"<sup[^>]*>.*?</sup>", "", p)).split()) for p in parts]


# ----------------------------------------------------------------------------- documents


def test_first_start_lists_the_seeds_from_a_new_store(at, store, seeds):
    assert (store / "collection.sqlite").exists()
    cards = _cards(at)
    assert sorted(_card_ids(at)) == sorted(d.id for d in seeds.documents)
    for doc in seeds.documents:
        card = next(c for c in cards if f'data-doc="{doc.id}"' in c)
        assert html.escape(doc.title) in card
        assert f"{doc.sentence_count} sentences" in card
        assert (doc.date or "no date") in card


def test_empty_chat_suggests_the_seed_question(at):
    labels = [b.label for b in at.button if b.key and b.key.startswith("suggest-")]
    assert plain_markdown(QUESTION) in labels
    assert not at.chat_message


def test_upload_adds_a_document_and_remove_takes_it_away(at, store):
    before = _card_ids(at)
    text = "The council opened a new library in the old mill on Friday. It holds twenty thousand books.\n"
    at.sidebar.file_uploader[0].set_value(("library.md", text.encode(), "text/markdown")).run()
    assert not at.exception and not at.error
    after = _card_ids(at)
    assert len(after) == len(before) + 1
    (new_id,) = set(after) - set(before)
    assert "library" in next(c for c in _cards(at) if new_id in c)
    assert any("library" in s.value for s in at.success)
    assert at.sidebar.file_uploader[0].value == []  # the uploader is cleared after indexing

    at.button(key=f"remove-{new_id}").click().run()
    assert _card_ids(at) == before
    assert any("Removed" in s.value for s in at.success)
    # the store on disk changed too: a fresh server would list the same documents
    with Collection(store) as col:
        assert sorted(d.id for d in col.documents) == sorted(before)


def test_sidebar_folder_switches_to_another_persistent_collection(at, store, tmp_path):
    assert at.text_input(key="store_dir").value == str(store)
    seeded = _card_ids(at)
    other = tmp_path / "other"
    at.text_input(key="store_dir").set_value(str(other)).run()
    assert (other / "collection.sqlite").exists() and _card_ids(at) == []  # only the default folder has the seeds
    at.sidebar.file_uploader[0].set_value(("only-here.txt", b"A note kept in the other folder only.", "text/plain")).run()
    assert _card_ids(at) == ["only-here"]
    with Collection(store) as col:
        assert sorted(d.id for d in col.documents) == sorted(seeded)


def test_pasted_text_is_added(at):
    before = _card_ids(at)
    at.text_input(key="paste_title").set_value("Mill library")
    at.text_area(key="paste_text").set_value("The council opened a new library in the old mill on Friday.")
    next(b for b in at.button if b.label == "Add text").click().run()
    assert not at.error
    assert len(_card_ids(at)) == len(before) + 1
    assert any("Mill library" in c for c in _cards(at))


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("blob.txt", b"\x00\x01\x02\x03 not text " * 40, "binary"),
        ("empty.txt", b"  \n\t\n", "empty"),
        ("huge.txt", b"a" * (MAX_FILE_BYTES + 1), "over the limit"),
        ("notes.pdf", b"%PDF-1.4 text", "damaged PDF"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type"),
        ("menu.html", page("<nav>" + " ".join(f"<a href='/{i}'>Section {i}</a>" for i in range(30)) + "</nav>"),
         "no article text"),
    ],
)
def test_bad_upload_shows_an_error_and_changes_nothing(at, store, name, data, reason):
    before = _card_ids(at)
    at.sidebar.file_uploader[0].set_value((name, data, "application/octet-stream")).run()
    assert not at.exception
    assert len(at.error) == 1 and reason in at.error[0].value
    assert _card_ids(at) == before
    with Collection(store) as col:
        assert sorted(d.id for d in col.documents) == sorted(before)


def test_web_page_upload_shows_its_title_outlet_date_and_link(at):
    at.sidebar.file_uploader[0].set_value(("g.html", GUARDIAN, "text/html")).run()
    assert not at.exception and not at.error
    card = next(c for c in _cards(at) if 'data-doc="g"' in c)
    assert "Blinken and Lavrov meet" in card and "The Guardian · 2023-03-02 · " in card
    assert 'href="https://www.theguardian.com/world/2023/mar/02/blinken-lavrov"' in card
    at.chat_input[0].set_value("How long did Blinken and Lavrov speak on the sidelines?").run()
    answer = _results(at)[-1]
    assert "The Guardian · 2023-03-02 · Blinken and Lavrov meet · sentence" in answer
    assert 'href="https://www.theguardian.com/world/2023/mar/02/blinken-lavrov"' in answer  # the source links out


def test_pdf_upload_is_added(at):
    at.sidebar.file_uploader[0].set_value(("report.pdf", pdf_bytes([PROSE * 3]), "application/pdf")).run()
    assert not at.error
    assert any("The delegates met again in Geneva" in c for c in _cards(at) if 'data-doc="report"' in c)


def test_link_box_adds_an_article_and_a_bad_link_shows_an_error(at, site):
    before = _card_ids(at)
    at.text_input(key="url_input").set_value(f"{site}/article.html")
    next(b for b in at.button if b.label == "Add link").click().run()
    assert not at.exception and not at.error
    assert len(_card_ids(at)) == len(before) + 1
    assert any("Talks resume in Geneva" in c and "Local News" in c for c in _cards(at))
    for bad, words in (("ftp://example.org/a.txt", "unsupported URL scheme"), (f"{site}/missing", "404")):
        at.text_input(key="url_input").set_value(bad)
        next(b for b in at.button if b.label == "Add link").click().run()
        assert any(words in e.value for e in at.error)
    assert len(_card_ids(at)) == len(before) + 1


def test_feed_link_adds_its_articles_and_lists_the_skipped(at, site):
    before = _card_ids(at)
    at.text_input(key="url_input").set_value(f"{site}/feed.xml")
    next(b for b in at.button if b.label == "Add link").click().run()
    assert not at.exception
    assert len(_card_ids(at)) == len(before) + 2
    assert sum("Skipped" in e.value for e in at.error) == 2
    assert any("Local feed" in i.value and "2 articles added" in i.value for i in at.info)


def test_several_uploads_are_added_in_one_batch_and_a_bad_one_is_left_out(at, store):
    before = _card_ids(at)
    with Collection(store) as col:
        gen = col.store.generation
    files = [("harbour.txt", b"The harbour reopened on Monday. Ferries ran again.", "text/plain"),
             ("empty.txt", b"  \n", "text/plain"),
             ("mill.md", b"The council opened a library in the old mill. It holds books.", "text/markdown")]
    at.sidebar.file_uploader[0].set_value(files).run()
    assert not at.exception
    assert len(at.error) == 1 and "empty" in at.error[0].value  # (markdown-escaped: empty\\.txt)
    assert len(_card_ids(at)) == len(before) + 2
    with Collection(store) as col:
        assert col.store.generation == gen + 1  # one transaction, one embedding pass
        assert {d.path for d in col.documents} >= {"harbour.txt", "mill.md"}


def test_uploaded_html_is_shown_literally(at):
    at.sidebar.file_uploader[0].set_value((EVIL_NAME, EVIL_TEXT.encode(), "text/plain")).run()
    assert not at.error
    card = next(c for c in _cards(at) if "img" in c)
    assert "&lt;img src=x onerror=alert(1)&gt;" in card and "<img" not in card
    notice = next(s.value for s in at.success if "img" in s.value)
    assert re.search(r"(?<!\\)[<>\[\]()]", notice) is None  # every Markdown/HTML character is escaped

    at.chat_input[0].set_value("What did the harbour report quote?").run()
    answer = _results(at)[-1]
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in answer
    assert "&lt;img src=x onerror=alert(2)&gt;" in answer
    assert "<script" not in answer and "<img" not in answer and "<a " not in answer
    assert any("<script>alert('x')</script>" in p for p in _points(answer))


def _cached_entries() -> dict[str, int]:
    """Entries per `st.cache_resource` function in this process (Streamlit counts entries when memory stats are off)."""
    from streamlit.runtime.caching import get_resource_cache_stats_provider

    stats = get_resource_cache_stats_provider().get_stats()
    return {s.cache_name.rsplit(".", 1)[-1]: s.byte_length for group in stats.values() for s in group}


def test_model_and_collection_are_created_once_not_per_rerun(at):
    at.chat_input[0].set_value(QUESTION).run()
    at.button(key="summarize").click().run()
    first = _cached_entries()
    assert first.get("get_model") == 1 and first.get("get_collection", 0) >= 1
    other_session = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    other_session.chat_input[0].set_value(QUESTION).run()
    assert not other_session.exception
    assert _cached_entries() == first  # a new session and its reruns reuse the server's model and collection


# ----------------------------------------------------------------------------- chat


def test_question_renders_a_cited_answer(at, seeds):
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception
    user, assistant = at.chat_message
    assert user.name == "user" and assistant.name == "assistant"
    assert QUESTION in user.get("html")[0].value
    (answer,) = _results(at)
    expected = seeds.ask(QUESTION)
    assert _points(answer) == [" ".join(s.text.split()) for s in expected.sentences]
    cites = number_citations(expected.sentences)
    assert _sources(answer) == [c.doc_id for c in cites]
    for n in range(1, len(cites) + 1):
        assert f'<sup class="mds-ref">[{n}]</sup>' in answer
    # each source holds its whole article with exactly the cited span marked
    assert _marked(answer) == [c.text for c in cites]
    for c in cites:
        assert html.escape(seeds.document(c.doc_id).text[: c.start]) in answer
    assert "Answered in" in " ".join(c.value for c in assistant.caption)


def test_suggested_question_asks_it(at, seeds):
    at.button(key="suggest-0").click().run()
    assert at.chat_message[0].get("html")[0].value.find(html.escape(SEED_QUESTIONS[0])) >= 0
    expected = seeds.ask(SEED_QUESTIONS[0])
    assert _points(_results(at)[0]) == [" ".join(s.text.split()) for s in expected.sentences]


def test_history_is_kept_and_errors_are_shown(at):
    at.chat_input[0].set_value(QUESTION).run()
    at.chat_input[0].set_value("x" * 5000).run()
    assert len(at.chat_message) == 4
    assert len(_results(at)) == 1
    assert len(at.error) == 1 and "limit" in at.error[0].value


def test_follow_up_is_answered_with_the_conversation_and_new_conversation_clears_it(at, seeds):
    first, follow = "Who confirmed that the meeting took place?", "What did she tell CNN?"
    at.chat_input[0].set_value(first).run()
    at.chat_input[0].set_value(follow).run()
    assert not at.exception
    earlier = seeds.ask(first)
    expected = seeds.ask(follow, history=[(first, earlier)])
    assert expected.understood_as  # the library resolved "she"; the app shows how
    assert len(at.chat_message) == 4
    assert _points(_results(at)[1]) == [" ".join(s.text.split()) for s in expected.sentences]
    captions = [c.value for c in at.chat_message[3].caption]
    assert plain_markdown(f"Answering: {expected.understood_as}") in captions
    labels = [d.label for d in at.get("download_button")]
    assert "Download conversation (Markdown)" in labels

    at.button(key="new_conversation").click().run()
    assert not at.chat_message  # cleared: the suggestions are back
    at.chat_input[0].set_value(follow).run()
    alone = seeds.ask(follow)
    assert not alone.understood_as
    assert not any("Answering:" in c.value for c in at.chat_message[1].caption)


def test_an_answer_point_notes_where_its_sources_differ(at, seeds):
    question = "Which countries opposed condemnation of the war?"  # 003 writes "Only Russia and opposed ..."
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    expected = seeds.ask(question)
    nums = CitationNumbers(expected.sentences)  # as a summary does
    notes = [nums.difference_note(s) for s in expected.sentences if s.differences]
    assert any("omits 'China'" in n for n in notes)
    assert all(f'<span class="mds-diff">{html.escape(n)}</span>' in _results(at)[0] for n in notes)


def test_a_note_on_an_answer_is_shown_above_it(at, seeds):
    question = "What did Jaishankar say?"  # no source quotes him
    at.chat_input[0].set_value(question).run()
    expected = seeds.ask(question)
    assert not at.exception and expected.sentences and expected.message
    assert plain_markdown(expected.message) in [c.value for c in at.chat_message[1].caption]
    assert expected.sentences[0].text in _results(at)[0]


def test_empty_answer_says_the_documents_do_not_answer(at, embedder):
    for doc_id in _card_ids(at):
        at.button(key=f"remove-{doc_id}").click().run()
    assert _card_ids(at) == []
    at.chat_input[0].set_value(QUESTION).run()
    expected = Collection(embedder=embedder).ask(QUESTION)
    assert not expected.sentences and expected.message
    assert not _results(at)
    assert any(plain_markdown(expected.message) == i.value for i in at.info)


# ----------------------------------------------------------------------------- summary


def test_summary_button_renders_a_cited_summary_with_downloads(at, seeds):
    at.button(key="summarize").click().run()
    assert not at.exception
    (summary,) = _results(at)
    expected = seeds.summarize(max_words=150)
    assert 'class="mds-summary"' in summary
    assert _points(summary) == [" ".join(s.text.split()) for s in expected.sentences]
    assert _sources(summary) == [c.doc_id for c in number_citations(expected.sentences)]
    assert _marked(summary) == [c.text for c in number_citations(expected.sentences)]
    nums = CitationNumbers(expected.sentences)
    notes = [nums.difference_note(s) for s in expected.sentences if s.differences]
    assert notes and all(f'<span class="mds-diff">{html.escape(n)}</span>' in summary for n in notes)
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["Download Markdown", "Download JSON"]


def test_summary_length_and_method_controls(at, seeds):
    from summarizer.summary.summaries import METHODS

    assert list(at.selectbox(key="summary_method").options) == list(METHODS)
    at.slider(key="summary_words").set_value(60)
    at.selectbox(key="summary_method").set_value(METHODS[-1])
    at.button(key="summarize").click().run()
    assert not at.exception and not at.error
    expected = seeds.summarize(max_words=60, method=METHODS[-1])
    assert expected.word_count <= 60
    assert _points(_results(at)[0]) == [" ".join(s.text.split()) for s in expected.sentences]
    assert any(f"{expected.word_count} words" in c.value for c in at.caption)
    assert any(f"{RATIO:.0%} of the sources' words" in c.value for c in at.caption), "the length rule is named"
    at.checkbox(key="summary_condense").uncheck()
    at.button(key="summarize").click().run()
    expected = seeds.summarize(max_words=60, method=METHODS[-1], ratio=None)
    assert _points(_results(at)[0]) == [" ".join(s.text.split()) for s in expected.sentences]
    assert not any("of the sources' words" in c.value for c in at.caption)


def test_summary_about_box_focuses_the_summary_and_says_so(at, seeds):
    at.text_input(key="summary_query").input("Jaishankar")
    at.button(key="summarize").click().run()
    assert not at.exception and not at.error
    expected = seeds.summarize(query="Jaishankar")
    assert any("Jaishankar" in s.text for s in expected.sentences)
    assert _points(_results(at)[0]) == [" ".join(s.text.split()) for s in expected.sentences]
    assert any(plain_markdown(expected.message) == c.value for c in at.caption)
    assert "It favours the sentences closest to 'Jaishankar'." in expected.message
    at.text_input(key="summary_query").input("  ")
    at.button(key="summarize").click().run()
    assert _points(_results(at)[0]) == [" ".join(s.text.split()) for s in seeds.summarize().sentences]


# ----------------------------------------------------------------------------- rendering helpers


def _doc(text: str, **kw) -> Document:
    return Document(kw.pop("id", "d1"), kw.pop("title", "T"), text, None, kw.pop("date", None), 1)


def test_highlight_marks_the_span_and_escapes_everything():
    text = "a <b>bold</b> & [x](http://y) end"
    start = text.index("<b>")
    out = highlight_html(text, start, start + len("<b>bold</b>"))
    assert out == "a <mark>&lt;b&gt;bold&lt;/b&gt;</mark> &amp; [x](http://y) end"
    with pytest.raises(ValueError):
        highlight_html(text, 3, len(text) + 1)


def test_plain_markdown_escapes_every_markdown_and_html_character():
    out = plain_markdown("see [a](http://x.io) *b* <i>c</i> :red[d] $e$ www.f.com")
    assert re.search(r"(?<!\\)[\[\]()*<>:$.]", out) is None
    assert re.sub(r"\\(.)", r"\1", out) == "see [a](http://x.io) *b* <i>c</i> :red[d] $e$ www.f.com"


def test_cited_html_numbers_sources_once_and_falls_back_for_removed_documents():
    text = "One <fact>. Two facts."
    doc = _doc(text, title="<T>", date="2023-03-02")
    c1 = Citation("d1", "<T>", 0, 0, 11, "One <fact>.")
    c2 = Citation("gone", "Old", 3, 5, 9, "Gone")
    sents = [CitedSentence("One <fact>.", (c1, c2)), CitedSentence("One <fact>.", (c1,))]
    out = cited_html(sents, {"d1": doc}.get, numbered=True)
    assert out.count('<sup class="mds-ref">[1]</sup>') == 2 and out.count("[2]</sup>") == 1
    assert _sources(out) == ["d1", "gone"]
    assert "[1] 2023-03-02 · &lt;T&gt; · sentence 1" in out
    assert "<mark>One &lt;fact&gt;.</mark> Two facts." in out
    assert "no longer in the collection" in out and "<mark>Gone</mark>" in out
    assert "<fact>" not in out and "<T>" not in out


def test_document_card_and_question_are_escaped():
    card = document_html(_doc("x", title="<script>t</script>", date=None))
    assert "&lt;script&gt;" in card and "<script>" not in card and "no date" in card
    doc = Document("d", "<T>", "x", None, "2023-03-02", 1, None, "<O>", "https://e.org/a?b=1&c=<2>")
    card = document_html(doc)
    assert "&lt;O&gt; · 2023-03-02 · 1 sentences" in card
    assert 'href="https://e.org/a?b=1&amp;c=&lt;2&gt;"' in card and 'rel="noopener noreferrer nofollow"' in card
    for url in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"):
        assert "href" not in document_html(Document("d", "T", "x", None, None, 1, None, None, url))
    assert question_html("<b>hi</b>") == '<div class="mds-question">&lt;b&gt;hi&lt;/b&gt;</div>'


def test_suggested_questions(seeds):
    assert suggested_questions(seeds.documents, SEEDS) == list(SEED_QUESTIONS)
    assert suggested_questions([_doc("x", title="other")], SEEDS) == list(GENERIC_QUESTIONS)
    assert suggested_questions([], SEEDS) == []
