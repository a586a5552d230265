"""The summarizer's web app: cited answers in a chat, a one-click merged summary, and the documents in the sidebar.

Run it with ``streamlit run app.py``. The collection lives in ``$SUMMARIZER_STORE`` (default
``~/.local/share/summarizer``; the sidebar can switch folders). The default folder starts with the seed
articles; any other new folder starts empty. Articles come in as uploads (text, HTML, PDF), pasted text or links
(a web page, a PDF or an RSS/Atom feed).
This file only renders: every decision (retrieval, summaries, checks on uploads) lives in ``summarizer``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from summarizer import (
    Answer,
    Collection,
    Comparison,
    Document,
    DocumentNotFoundError,
    Embedder,
    EmptyQuestionError,
    IngestError,
    InputTooLargeError,
    StoreError,
    Summary,
    conversation_markdown,
    default_embedder,
    MAX_FILE_BYTES,
    METHODS,
    NO_ANSWER,
    RATIO,
    SUFFIXES,
    default_store_dir,
    open_collection,
)
from webapp import compare_html, render

UPLOAD_TYPES = [s.lstrip(".") for s in SUFFIXES]


@dataclass(frozen=True)
class Turn:
    """One question in the chat and what came back: an answer, or an error message."""

    question: str
    answer: Answer | None
    error: str = ""
    seconds: float = 0.0


# ----------------------------------------------------------------------------- resources (once per server)


@st.cache_resource(show_spinner="Loading the sentence model…")
def get_model() -> Embedder:
    """The MiniLM model, loaded and warmed once per server process."""
    model = default_embedder()
    model.encode(["warm up"])
    return model


@st.cache_resource(show_spinner="Opening the collection…")
def get_collection(path: str) -> Collection:
    """The persistent collection in ``path``, once per server (the default folder starts with the seed articles)."""
    return open_collection(path, embedder=get_model())


# ----------------------------------------------------------------------------- actions


def notify(kind: str, text: str) -> None:
    """Queue a message for the sidebar; shown on the next render (it survives ``st.rerun``)."""
    st.session_state.setdefault("notices", []).append((kind, text))


def _progress_bar(label: str):
    bar = st.progress(0.0, text=label)

    def update(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"{label}: {done}/{total} sentences")

    return bar, update


def add_uploads(collection: Collection, files: list[tuple[str, bytes]]) -> list[Document | None]:
    """Add uploaded files in one embedding pass, with a progress bar; a bad file shows an error and is left out."""
    before = {d.id for d in collection.documents}
    bar, update = _progress_bar(f"Indexing {len(files)} file{'s' if len(files) > 1 else ''}")
    try:
        docs = collection.add_uploads(files, progress=update, on_error=lambda exc: notify("error", f"Not added: {exc}"))
    finally:
        bar.empty()
    for (name, _), doc in zip(files, docs):
        if doc is not None:
            _notify_added(doc, doc.id in before, f"{name}: already loaded as")
    return docs


def add_pasted(collection: Collection, text: str, title: str) -> Document | None:
    """Add pasted text as a document, with a progress bar; bad text shows an error and changes nothing."""
    return _add(collection, "Indexing pasted text", "That text is already loaded as",
                lambda update: collection.add_text(text, title.strip() or None, progress=update))


def add_link(collection: Collection, url: str) -> None:
    """Add what a link holds (an article, or every article of a feed), with a progress bar; errors are notices."""
    url = url.strip()
    if not url:
        return
    bar = st.progress(0.0, text=f"Fetching {url}")

    def update(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Fetching {url}: {done}/{total}")

    before = {d.id for d in collection.documents}
    try:
        result = collection.add_link(url, progress=update)
    except (IngestError, InputTooLargeError) as exc:
        notify("error", f"Not added: {exc}")
        return
    finally:
        bar.empty()
    for doc in result.added:
        if doc.id in before:
            notify("info", f"{url}: already loaded as “{doc.title}”.")
        else:
            notify("success", f"Added “{doc.title}” ({doc.sentence_count} sentences).")
    for link, reason in result.failed:
        notify("error", f"Skipped {reason if reason.startswith(link) else f'{link}: {reason}'}")
    if result.title is not None:
        notify("info", f"Feed “{result.title}”: {len(result.added)} articles added, {len(result.failed)} skipped.")
    st.session_state.pop("summary", None)


def _add(collection: Collection, label: str, already: str, add) -> Document | None:
    before = {d.id for d in collection.documents}
    bar, update = _progress_bar(label)
    try:
        doc = add(update)
    except (IngestError, InputTooLargeError) as exc:
        notify("error", f"Not added: {exc}")
        return None
    finally:
        bar.empty()
    _notify_added(doc, doc.id in before, already)
    return doc


def _notify_added(doc: Document, known: bool, already: str) -> None:
    if known:
        notify("info", f"{already} “{doc.title}”.")
    else:
        notify("success", f"Added “{doc.title}” ({doc.sentence_count} sentences).")
        st.session_state.pop("summary", None)


def remove_document(collection: Collection, doc_id: str) -> None:
    try:
        doc = collection.remove(doc_id)
    except DocumentNotFoundError:
        notify("info", "That document was already removed.")
        return
    notify("success", f"Removed “{doc.title}”.")
    st.session_state.pop("summary", None)


def ask(collection: Collection, question: str, history: list[Turn] | None = None) -> Turn:
    """Answer ``question`` with the earlier answered turns as the conversation (follow-ups refer back to them)."""
    t0 = time.perf_counter()
    earlier = [(t.question, t.answer) for t in history or [] if t.answer is not None]
    try:
        answer = collection.ask(question, history=earlier)
    except (EmptyQuestionError, InputTooLargeError) as exc:
        return Turn(question, None, str(exc))
    return Turn(question, answer, seconds=time.perf_counter() - t0)


def new_conversation() -> None:
    st.session_state["history"] = []


def _suggest(question: str) -> None:
    st.session_state["pending_question"] = question


def _lookup(collection: Collection):
    def lookup(doc_id: str) -> Document | None:
        try:
            return collection.document(doc_id)
        except DocumentNotFoundError:
            return None

    return lookup


# ----------------------------------------------------------------------------- rendering


def render_sidebar() -> Collection | None:
    with st.sidebar:
        st.header("Documents")
        notices_box = st.container()
        with st.expander("Collection folder", expanded=False):
            folder = st.text_input(
                "Folder of the collection on disk",
                value=str(default_store_dir()),
                key="store_dir",
                help="Set by $SUMMARIZER_STORE; the default folder starts with the seed articles, a new one empty.",
                on_change=lambda: st.session_state.pop("summary", None),
            )
        try:
            collection = get_collection(str(Path(folder).expanduser().resolve()))
        except (StoreError, OSError) as exc:
            st.error(render.plain_markdown(f"Cannot open the collection: {exc}"))
            return None

        round_ = st.session_state.setdefault("upload_round", 0)
        files = st.file_uploader(
            "Upload articles", type=UPLOAD_TYPES, accept_multiple_files=True, key=f"upload-{round_}",
            max_upload_size=max(1, MAX_FILE_BYTES // 2**20),
        )
        if files:
            add_uploads(collection, [(f.name, f.getvalue()) for f in files])
            st.session_state["upload_round"] = round_ + 1
            st.rerun()

        with st.form("link", clear_on_submit=True):
            url = st.text_input("Add a link", key="url_input", placeholder="https://… (a web page, PDF or RSS/Atom feed)")
            if st.form_submit_button("Add link"):
                add_link(collection, url)

        with st.expander("Paste text"):
            with st.form("paste", clear_on_submit=True):
                title = st.text_input("Title (optional)", key="paste_title")
                text = st.text_area("Article text", height=150, key="paste_text")
                if st.form_submit_button("Add text"):
                    add_pasted(collection, text, title)

        docs = collection.documents
        st.caption(f"{len(docs)} documents loaded")
        for doc in docs:
            left, right = st.columns([4, 1], vertical_alignment="center", gap="small")
            left.html(render.document_html(doc))
            right.button(
                ":material/delete:", key=f"remove-{doc.id}", help="Remove this document", type="tertiary",
                on_click=remove_document, args=(collection, doc.id),
            )

        with notices_box:
            for kind, text in st.session_state.pop("notices", []):
                getattr(st, kind)(render.plain_markdown(text))
    return collection


def render_turn(turn: Turn, collection: Collection) -> None:
    with st.chat_message("user"):
        st.html(render.question_html(turn.question))
    with st.chat_message("assistant"):
        if turn.answer is not None and turn.answer.understood_as:
            st.caption(render.plain_markdown(f"Answering: {turn.answer.understood_as}"))
        if turn.answer is None:
            st.error(render.plain_markdown(turn.error))
        elif turn.answer.sentences:
            if turn.answer.message:  # a note on the answer ("No source quotes ...")
                st.caption(render.plain_markdown(turn.answer.message))
            st.html(render.cited_html(turn.answer.sentences, _lookup(collection), numbered=True))
            st.caption(f"Answered in {turn.seconds:.2f} s")
        else:
            st.info(render.plain_markdown(turn.answer.message or NO_ANSWER))


def render_chat(collection: Collection) -> None:
    history: list[Turn] = st.session_state.setdefault("history", [])
    box = st.container()
    prompt = st.chat_input("Ask a question about the documents", key="question")
    question = prompt or st.session_state.pop("pending_question", None)
    if question:
        with box, st.spinner("Searching the documents…"):
            history.append(ask(collection, question, history))
    with box:
        if history:
            render_conversation_tools(history)
        if not history:
            suggestions = render.suggested_questions(collection.documents)
            if suggestions:
                st.caption("Try one of these:")
                for i, q in enumerate(suggestions):
                    st.button(render.plain_markdown(q), key=f"suggest-{i}", on_click=_suggest, args=(q,))
            else:
                st.info("The collection is empty: upload or paste articles in the sidebar.")
        for turn in history:
            render_turn(turn, collection)


def render_conversation_tools(history: list[Turn]) -> None:
    """"New conversation" (follow-ups stop referring back) and the conversation as Markdown with its citations."""
    left, right = st.columns(2)
    left.button("New conversation", key="new_conversation", on_click=new_conversation,
                help="Start over: later questions no longer refer back to these")
    answers = [t.answer for t in history if t.answer is not None]
    right.download_button("Download conversation (Markdown)", conversation_markdown(answers),
                          file_name="conversation.md", mime="text/markdown", key="download_conversation",
                          disabled=not answers)


def render_summary(collection: Collection) -> None:
    left, right = st.columns(2)
    words = left.slider("Length (words)", min_value=30, max_value=500, value=150, step=10, key="summary_words")
    method = right.selectbox("Method", METHODS, key="summary_method")
    condense = st.checkbox(f"Stop at {RATIO:.0%} of the sources' words", value=True, key="summary_condense",
                           help="Short sources get a short summary; clear it to fill the length")
    about = st.text_input("About (optional)", key="summary_query", placeholder="e.g. the nuclear treaty",
                          help="Summarize the articles most related to this, favouring their sentences about it")
    if st.button("Write merged summary", type="primary", key="summarize"):
        with st.spinner("Summarizing…"):
            try:
                st.session_state["summary"] = collection.summarize(max_words=words, method=method,
                                                                   ratio=RATIO if condense else None,
                                                                   query=about.strip() or None)
            except (ValueError, DocumentNotFoundError) as exc:
                st.error(render.plain_markdown(str(exc)))
    summary: Summary | None = st.session_state.get("summary")
    if summary is None:
        return
    if not summary.sentences:
        st.info(render.plain_markdown(summary.message or "Nothing to summarize."))
        return
    if summary.message:  # which documents the summary covers, what it favours
        st.caption(render.plain_markdown(summary.message))
    st.caption(
        f"{summary.word_count} words from {len(summary.doc_ids)} documents · method {summary.method} · "
        f"limit {summary.max_words} words" + (f" or {summary.ratio:.0%} of the sources' words" if summary.ratio else "")
    )
    st.html(render.cited_html(summary.sentences, _lookup(collection), numbered=False))
    a, b = st.columns(2)
    a.download_button(
        "Download Markdown", summary.to_markdown(), file_name="summary.md", mime="text/markdown", key="download_md"
    )
    b.download_button(
        "Download JSON", json.dumps(summary.to_dict(), indent=2, ensure_ascii=False), file_name="summary.json",
        mime="application/json", key="download_json",
    )


def render_compare(collection: Collection) -> None:
    """The Compare view: rewrite warnings, the coverage table, facts only one source states, differing words.

    Every title and sentence is escaped (webapp.compare_html, or plain_markdown in Markdown slots) before our tags.
    """
    docs = collection.documents
    if len(docs) < 2:
        st.info("Add at least two articles to compare their sources.")
        return
    key = tuple(d.id for d in docs)
    if st.button("Compare sources", type="primary", key="compare_run"):
        with st.spinner("Comparing the sources…"):
            st.session_state["comparison"] = (key, collection.compare())
    stored = st.session_state.get("comparison")
    if not stored or stored[0] != key:  # nothing yet, or the documents changed since
        st.caption("Which facts each source states, what only one source says, and which articles are rewrites.")
        return
    cmp = stored[1]
    shared = sum(f.sources > 1 for f in cmp.facts)
    st.caption(f"{len(cmp.doc_ids)} documents · {cmp.independent_sources(cmp.doc_ids)} independent sources · "
               f"{shared} of {len(cmp.facts)} facts stated by more than one document")
    for r in cmp.rewrites:
        st.warning(render.plain_markdown(compare_html.rewrite_warning(cmp, r)))
    st.subheader("Who corroborates what")
    st.html(compare_html.coverage_html(cmp))
    _render_unique(cmp)
    _render_differences(cmp)
    st.download_button("Download JSON", json.dumps(cmp.to_dict(), indent=2, ensure_ascii=False),
                       file_name="comparison.json", mime="application/json", key="compare_json")


def _render_unique(cmp: Comparison) -> None:
    label = compare_html.short_labels(cmp)
    st.subheader("Only in one source")
    for d in cmp.doc_ids:
        items = cmp.unique.get(d, [])
        count = f"{len(items)} fact{'' if len(items) == 1 else 's'}"
        with st.expander(render.plain_markdown(f"{label[d]} {cmp.titles[d]}: {count} no other source states")):
            st.html(compare_html.unique_html(items))


def _render_differences(cmp: Comparison, limit: int = 15) -> None:
    label = compare_html.short_labels(cmp)
    st.subheader("Differences inside shared facts")
    if not cmp.differences:
        st.caption("No differing words inside shared facts.")
    st.html("".join(compare_html.pair_html(x, label[x.first.citations[0].doc_id], label[x.second.citations[0].doc_id])
                    for x in cmp.differences[:limit]))
    if len(cmp.differences) > limit:
        st.caption(f"{len(cmp.differences) - limit} more in the JSON download")
    for r in cmp.rewrites:
        with st.expander(render.plain_markdown(
                f"Aligned sentences: {label[r.original_doc_id]} (original) and {label[r.rewrite_doc_id]} (rewrite)")):
            st.html("".join(compare_html.pair_html(p.difference, label[r.original_doc_id], label[r.rewrite_doc_id])
                            for p in r.pairs if p.difference is not None))


def main() -> None:
    st.set_page_config(page_title="News summarizer", page_icon="📰", layout="centered")
    st.html(render.STYLE)
    st.title("News summarizer")  # before the sidebar opens the collection (the first run loads the model)
    collection = render_sidebar()
    if collection is None:
        st.stop()
    st.caption(
        f"{len(collection.documents)} articles · answers and summaries quote the articles and cite every sentence"
    )
    ask_tab, summary_tab, compare_tab = st.tabs(["Ask", "Merged summary", "Compare"])
    with ask_tab:
        render_chat(collection)
    with summary_tab:
        render_summary(collection)
    with compare_tab:
        render_compare(collection)


if __name__ == "__main__":
    main()
