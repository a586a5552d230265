"""The HTTP service in-process: same results as the Python API, problem+json errors, keys, jobs, chat, schema."""

from __future__ import annotations

import json
import re
import time

import pytest
from fastapi.testclient import TestClient

from summarizer import Collection
from summarizer.service import create_app, parse_keys
from summarizer.service.problems import PROBLEM_MEDIA_TYPE
from summarizer.service.routes import Limits

from .conftest import ROOT


RW, RO = "rw-key-0123456789abcdef", "ro-key-0123456789abcdef"
QUESTIONS = ["What did Baerbock ask?", "Who met Jaishankar?", "What is the capital of Peru?"]
POLL_SECONDS = 30


def _upload(paths) -> list:
    return [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]


def _wait_job(client, job_id: str, headers=None) -> dict:
    deadline = time.monotonic() + POLL_SECONDS
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}", headers=headers).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job['state']} after {POLL_SECONDS} s")


@pytest.fixture(scope="module")
def app(tmp_path_factory, embedder):
    return create_app(tmp_path_factory.mktemp("service"), embedder=embedder)


@pytest.fixture(scope="module")
def client(app, seed_paths):
    """A service whose collection `seeds` holds the seed articles, added over HTTP. Do not change `seeds`."""
    with TestClient(app) as c:
        assert c.put("/collections/seeds").status_code == 201
        r = c.post("/collections/seeds/documents", files=_upload(seed_paths))
        assert r.status_code == 201, r.text
        yield c


@pytest.fixture
def scratch(client, request):
    """An empty collection of its own for a test that writes."""
    name = re.sub(r"[^a-z0-9_-]+", "-", request.node.name.lower())[:60].strip("-_")
    assert client.put(f"/collections/{name}").status_code == 201
    yield name
    client.delete(f"/collections/{name}")


def _problem(r, status: int, slug: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    body = r.json()
    assert body["type"] == f"urn:mdsum:problem:{slug}" and body["status"] == status and body["detail"]
    assert "Traceback" not in r.text
    return body


# ----------------------------------------------------------------------------- same results as the Python API

@pytest.mark.parametrize("question", QUESTIONS)
def test_ask_over_http_is_the_python_answer(client, seeds, question):
    r = client.post("/collections/seeds/ask", json={"question": question, "k": 3})
    assert r.status_code == 200
    assert r.json() == seeds.ask(question, k=3).to_dict()


@pytest.mark.parametrize("body, kwargs", [
    ({"max_words": 80}, {"max_words": 80}),
    ({"max_words": 60, "method": "lexrank"}, {"max_words": 60, "method": "lexrank"}),
    ({"query": "New START treaty"}, {"query": "New START treaty"}),
    ({"max_words": 400, "ratio": None}, {"max_words": 400, "ratio": None}),
    ({"max_words": 400, "ratio": 0.1}, {"max_words": 400, "ratio": 0.1}),
])
def test_summary_over_http_is_the_python_summary(client, seeds, body, kwargs):
    r = client.post("/collections/seeds/summarize", json=body)
    assert r.status_code == 200
    assert r.json() == seeds.summarize(**kwargs).to_dict()
    assert r.json()["word_count"] <= kwargs.get("max_words", 150)


def test_comparison_over_http_is_the_python_comparison(client, seeds):
    r = client.post("/collections/seeds/compare", json={})
    assert r.status_code == 200
    assert r.json() == json.loads(json.dumps(seeds.compare().to_dict()))
    ids = [d.id for d in seeds.documents][:2]
    r = client.post("/collections/seeds/compare", json={"doc_ids": ids})
    assert r.json() == json.loads(json.dumps(seeds.compare(ids).to_dict()))


def test_documents_list_and_text_show_a_citations_span(client, seeds):
    listed = client.get("/collections/seeds/documents").json()
    assert [d["id"] for d in listed] == [d.id for d in seeds.documents]
    assert [d["sentence_count"] for d in listed] == [d.sentence_count for d in seeds.documents]
    cite = client.post("/collections/seeds/ask", json={"question": QUESTIONS[0]}).json()["sentences"][0]["citations"][0]
    doc = client.get(f"/collections/seeds/documents/{cite['doc_id']}").json()
    assert doc["text"][cite["start"] : cite["end"]] == cite["text"]
    assert doc["title"] == cite["doc_title"]


def test_collections_are_listed_created_and_deleted(client):
    assert {"name": "seeds", "documents": 3} in client.get("/collections").json()
    assert client.put("/collections/seeds").status_code == 200  # exists: nothing changes
    assert client.put("/collections/tmp-x").json() == {"name": "tmp-x", "documents": 0}
    assert client.delete("/collections/tmp-x").status_code == 204
    _problem(client.get("/collections/tmp-x"), 404, "collection-not-found")
    _problem(client.delete("/collections/tmp-x"), 404, "collection-not-found")


# ----------------------------------------------------------------------------- adding and removing

def test_add_text_and_files_then_remove(client, scratch):
    r = client.post(f"/collections/{scratch}/documents", json={"text": "Ministers met in Delhi. They talked.",
                                                               "title": "Delhi"})
    assert r.status_code == 201 and r.json()[0]["title"] == "Delhi" and r.json()[0]["sentence_count"] == 2
    files = [("files", ("a.txt", b"Alpha met Beta on Monday. Talks went well.")), ("files", ("b.md", b"Gamma left."))]
    r = client.post(f"/collections/{scratch}/documents", files=files)
    assert r.status_code == 201 and [d["path"] for d in r.json()] == ["a.txt", "b.md"]
    ids = [d["id"] for d in client.get(f"/collections/{scratch}/documents").json()]
    assert len(ids) == 3
    removed = client.delete(f"/collections/{scratch}/documents/{ids[0]}")
    assert removed.status_code == 200 and removed.json()["id"] == ids[0]
    assert [d["id"] for d in client.get(f"/collections/{scratch}/documents").json()] == ids[1:]
    _problem(client.get(f"/collections/{scratch}/documents/{ids[0]}"), 404, "document-not-found")


def test_a_bad_file_adds_nothing_of_its_request(client, scratch):
    files = [("files", ("good.txt", b"A good sentence here. Another one.")), ("files", ("bad.txt", b"\x00\x01" * 50))]
    _problem(client.post(f"/collections/{scratch}/documents", files=files), 415, "binary-file")
    assert client.get(f"/collections/{scratch}/documents").json() == []


def test_job_reports_progress_and_failures(client, app, scratch):
    text = "Report {} says the council met. It voted {} times."
    files = [("files", (f"d{i}.txt", text.format(i, i).encode())) for i in range(4)]
    files.append(("files", ("empty.txt", b"  \n")))
    registry = app.state.service.registry
    with registry.writing(scratch):  # hold the collection's write lock: the job waits at its first document
        r = client.post(f"/collections/{scratch}/documents", files=files)
        assert r.status_code == 202  # more than Limits.sync_items documents
        assert r.headers["location"] == f"/jobs/{r.json()['id']}"
        waiting = client.get(f"/jobs/{r.json()['id']}").json()
        assert waiting["state"] in ("queued", "running") and waiting["done"] == 0 and waiting["total"] == 5
        _problem(client.delete(f"/collections/{scratch}"), 409, "collection-busy")
    job = _wait_job(client, r.json()["id"])
    assert (job["state"], job["done"], job["added"]) == ("done", 5, 4)
    assert [(f["item"], f["status"]) for f in job["failures"]] == [("empty.txt", 422)]
    assert "empty" in job["failures"][0]["detail"]
    assert sorted(d["id"] for d in client.get(f"/collections/{scratch}/documents").json()) == sorted(job["doc_ids"])


def test_a_job_counts_files_already_stored_apart(client, scratch):
    same = b"The council met on Monday. It voted twice."
    other = b"Gamma left. Delta came."
    files = [("files", ("a.txt", same)), ("files", ("a-copy.txt", same)), ("files", ("b.txt", other))]
    url = f"/collections/{scratch}/documents?background=true"
    first = _wait_job(client, client.post(url, files=files).json()["id"])
    assert first["state"] == "done" and (first["total"], first["found"], first["added"]) == (3, 3, 2)
    assert first["doc_ids"] == ["a", "b"] and first["already_stored"] == ["a"]  # the copy holds a's text
    assert first["message"] == "Added 2 of 3 documents; 1 already stored."
    again = [("files", ("a.txt", same)), ("files", ("c.txt", b"Epsilon spoke. Zeta listened.")),
             ("files", ("empty.txt", b" \n"))]
    second = _wait_job(client, client.post(url, files=again).json()["id"])
    assert (second["doc_ids"], second["already_stored"], second["found"]) == (["c"], ["a"], 3)
    assert second["message"] == "Added 1 of 3 documents; 1 already stored; 1 failed."
    assert sorted(d["id"] for d in client.get(f"/collections/{scratch}/documents").json()) == ["a", "b", "c"]
    r = client.post(f"/collections/{scratch}/documents", files=[("files", ("a.txt", same))])  # at once: nothing new
    assert r.status_code == 200 and [d["id"] for d in r.json()] == ["a"]


def test_empty_or_bare_string_doc_ids_are_refused_by_name(seeds, client):
    for method in (seeds.summarize, seeds.compare):
        with pytest.raises(ValueError, match="doc_ids is empty: no documents were chosen"):
            method(doc_ids=[])
        one = seeds.documents[0].id
        with pytest.raises(TypeError, match=rf"doc_ids must be a list of document ids, not one str: .*\['{one}'\]"):
            method(doc_ids=one)
    for path in ("/collections/seeds/summarize", "/collections/seeds/compare"):
        body = _problem(client.post(path, json={"doc_ids": []}), 422, "invalid-value")
        assert "no documents were chosen" in body["detail"]
        _problem(client.post(path, json={"doc_ids": seeds.documents[0].id}), 422, "validation-error")


def test_the_documented_request_defaults_are_the_services(client, seeds):
    from summarizer.service.schemas import AskRequest, SummarizeRequest

    doc = (ROOT / "docs" / "service.md").read_text(encoding="utf-8")
    rows = {m[1]: m[2] for m in re.finditer(r"^\| `POST /collections/\{name\}/(\w+)` \| `(\{.*?\})`", doc, re.M)}
    for endpoint, model in (("ask", AskRequest), ("summarize", SummarizeRequest)):
        documented = {k: json.loads(v) for k, v in re.findall(r'"(\w+)": ([^,}]+)', rows[endpoint])}
        assert documented, endpoint
        for key, value in documented.items():
            assert model.model_fields[key].get_default(call_default_factory=True) == value, (endpoint, key)
    assert client.post("/collections/seeds/summarize", json={}).json()["ratio"] == seeds.summarize().ratio == 0.25


def test_background_flag_runs_a_small_add_as_a_job(client, scratch):
    r = client.post(f"/collections/{scratch}/documents?background=true", json={"text": "One fact. Two facts."})
    assert r.status_code == 202
    job = _wait_job(client, r.json()["id"])
    assert job["state"] == "done" and job["added"] == 1
    _problem(client.get("/jobs/" + "0" * 32), 404, "job-not-found")


@pytest.mark.parametrize("url, slug", [
    ("/article.html", "url-not-allowed"),  # the local site is on 127.0.0.1: refused unless private links are allowed
    ("http://169.254.169.254/latest/meta-data/", "url-not-allowed"),
    ("ftp://127.0.0.1/article.txt", "unsupported-url"),
])
def test_links_to_non_public_addresses_are_refused_at_once(client, scratch, site, url, slug):
    link = site + url if url.startswith("/") else url
    _problem(client.post(f"/collections/{scratch}/documents", json={"urls": [link]}), 422, slug)
    assert client.get(f"/collections/{scratch}/documents").json() == []


def test_links_run_as_a_job_when_private_links_are_allowed(embedder, tmp_path, site):
    with TestClient(create_app(tmp_path, embedder=embedder, allow_private_urls=True)) as c:
        c.put("/collections/web")
        r = c.post("/collections/web/documents", json={"urls": [f"{site}/article.html", f"{site}/feed.xml"]})
        assert r.status_code == 202
        job = _wait_job(c, r.json()["id"])
        docs = c.get("/collections/web/documents").json()
        assert job["state"] == "done" and job["done"] == 2
        assert job["doc_ids"] == [d["id"] for d in docs] and docs
        assert job["already_stored"] == job["doc_ids"][:1]  # the feed links the article again
        assert any("Geneva" in c.get(f"/collections/web/documents/{d['id']}").json()["text"] for d in docs)
        assert {f["type"] for f in job["failures"]} == {"urn:mdsum:problem:feed-link-failed"}  # the feed's bad links
        assert job["message"] == "Added 2 of 5 documents (from 1 feed); 1 already stored; 2 failed."


def test_a_feed_job_counts_the_articles_it_found(embedder, tmp_path, site):
    with TestClient(create_app(tmp_path, embedder=embedder, allow_private_urls=True)) as c:
        c.put("/collections/web")
        job = _wait_job(c, c.post("/collections/web/documents", json={"urls": [f"{site}/feed.xml"]}).json()["id"])
        assert (job["total"], job["done"], job["found"], job["added"], len(job["failures"])) == (1, 1, 4, 2, 2)
        assert job["message"] == "Added 2 of 4 documents (from 1 feed); 2 failed."


# ----------------------------------------------------------------------------- errors

@pytest.mark.parametrize("method, path, kwargs, status, slug", [
    ("post", "/collections/seeds/ask", {"json": {"question": "   "}}, 422, "empty-question"),  # as docs/service.md says
    ("post", "/collections/seeds/ask", {"json": {"question": ""}}, 422, "empty-question"),
    ("post", "/v1/chat/completions", {"json": {"model": "seeds", "messages": [{"role": "user", "content": " \n"}]}},
     422, "empty-question"),
    ("post", "/collections/seeds/summarize", {"json": {"doc_ids": []}}, 422, "invalid-value"),
    ("post", "/collections/seeds/compare", {"json": {"doc_ids": []}}, 422, "invalid-value"),
    ("post", "/collections/seeds/ask", {"json": {"question": "x" * 2001}}, 413, "input-too-large"),
    ("post", "/collections/seeds/ask", {"json": {"question": "Who?", "k": 0}}, 422, "validation-error"),
    ("post", "/collections/seeds/ask", {"content": b"{not json", "headers": {"content-type": "application/json"}},
     400, "malformed-request"),
    ("post", "/collections/seeds/ask", {"content": b"Who?", "headers": {"content-type": "text/plain"}}, 415,
     "unsupported-media-type"),
    ("post", "/collections/nope/ask", {"json": {"question": "Who?"}}, 404, "collection-not-found"),
    ("post", "/collections/seeds/summarize", {"json": {"method": "best"}}, 422, "validation-error"),
    ("post", "/collections/seeds/summarize", {"json": {"ratio": 0}}, 422, "validation-error"),
    ("post", "/collections/seeds/summarize", {"json": {"doc_ids": ["nope"]}}, 404, "document-not-found"),
    ("post", "/collections/seeds/compare", {"json": {"doc_ids": ["nope"]}}, 404, "document-not-found"),
    ("get", "/collections/seeds/documents/nope", {}, 404, "document-not-found"),
    ("get", "/collections/Bad%20Name", {}, 422, "validation-error"),
    ("post", "/collections/seeds/documents", {"files": [("files", ("a.png", b"\x89PNG\r\n"))]}, 415,
     "unsupported-file"),
    ("post", "/collections/seeds/documents", {"json": {"text": "\x1c\x1d\n"}}, 422, "empty-document"),
    ("post", "/collections/seeds/documents", {"content": b"x", "headers": {"content-type": "text/csv"}}, 415,
     "unsupported-media-type"),
    ("get", "/no/such/path", {}, 404, "not-found"),
    ("delete", "/health", {}, 405, "method-not-allowed"),
])
def test_errors_are_problem_json_with_a_stable_type(client, method, path, kwargs, status, slug):
    before = client.get("/collections/seeds/documents").json()
    _problem(getattr(client, method)(path, **kwargs), status, slug)
    assert client.get("/collections/seeds/documents").json() == before


def test_body_over_the_limit_is_413_and_adds_nothing(embedder, tmp_path):
    app = create_app(tmp_path, embedder=embedder, limits=Limits(max_body_bytes=1000))
    with TestClient(app) as c:
        c.put("/collections/small")
        _problem(c.post("/collections/small/documents", json={"text": "word " * 400}), 413, "payload-too-large")
        assert c.get("/collections/small/documents").json() == []


# ----------------------------------------------------------------------------- keys

def test_parse_keys_reads_scopes_and_names_bad_entries_without_the_key():
    keys = parse_keys("admin-key-1\nreader-key-2:ro  # the dashboard\n", "keys.txt")
    assert (keys.scope("admin-key-1"), keys.scope("reader-key-2"), keys.scope("other")) == ("rw", "ro", None)
    with pytest.raises(ValueError, match="keys.txt: key 2 has scope 'admin'") as err:
        parse_keys("a-key, secret-value:admin", "keys.txt")
    assert "secret-value" not in str(err.value)
    with pytest.raises(ValueError, match="no keys"):
        parse_keys("# nothing\n", "$SUMMARIZER_API_KEYS")


@pytest.fixture(scope="module")
def keyed(tmp_path_factory, embedder):
    keys = parse_keys(f"{RW}:rw,{RO}:ro", "test")
    with TestClient(create_app(tmp_path_factory.mktemp("keyed"), embedder=embedder, keys=keys)) as c:
        assert c.put("/collections/k", headers={"Authorization": f"Bearer {RW}"}).status_code == 201
        yield c


def _bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_health_needs_no_key_everything_else_does(keyed):
    assert keyed.get("/health").status_code == 200
    for path in ("/collections", "/collections/k/documents", "/openapi.json", "/v1/models"):
        r = keyed.get(path)
        _problem(r, 401, "unauthorized")
        assert r.headers["www-authenticate"].startswith("Bearer")
        _problem(keyed.get(path, headers=_bearer("wrong-key")), 401, "unauthorized")
        _problem(keyed.get(path, headers={"Authorization": RW}), 401, "unauthorized")  # no scheme
        assert keyed.get(path, headers=_bearer(RO)).status_code == 200


def test_read_only_key_reads_but_changes_nothing(keyed):
    text = {"json": {"text": "The summit ended on Friday. Leaders signed a pact.", "title": "Summit"}}
    _problem(keyed.post("/collections/k/documents", headers=_bearer(RO), **text), 403, "forbidden")
    _problem(keyed.put("/collections/other", headers=_bearer(RO)), 403, "forbidden")
    _problem(keyed.post("/collections/k/documents", **text), 401, "unauthorized")
    assert keyed.get("/collections/k/documents", headers=_bearer(RO)).json() == []
    assert [c["name"] for c in keyed.get("/collections", headers=_bearer(RO)).json()] == ["k"]
    doc = keyed.post("/collections/k/documents", headers=_bearer(RW), **text).json()[0]
    _problem(keyed.delete(f"/collections/k/documents/{doc['id']}", headers=_bearer(RO)), 403, "forbidden")
    _problem(keyed.delete("/collections/k", headers=_bearer(RO)), 403, "forbidden")
    answer = keyed.post("/collections/k/ask", headers=_bearer(RO), json={"question": "When did the summit end?"})
    assert answer.status_code == 200 and answer.json()["sentences"][0]["citations"][0]["doc_id"] == doc["id"]
    assert len(keyed.get("/collections/k/documents", headers=_bearer(RO)).json()) == 1


def test_docs_page_works_offline(client):
    page = client.get("/docs")
    assert page.status_code == 200 and "cdn" not in page.text.lower()
    scripts = re.findall(r'(?:src|href)="(/docs-static/[^"]+)"', page.text)
    assert any(s.endswith("swagger-ui-bundle.js") for s in scripts)
    for s in scripts:
        r = client.get(s)
        assert r.status_code == 200 and len(r.content) > 100, s


def test_openapi_declares_bearer_keys_only_when_set(client, keyed):
    keyed_ops = keyed.get("/openapi.json", headers=_bearer(RO)).json()
    assert keyed_ops["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert keyed_ops["paths"]["/collections"]["get"]["security"] == [{"bearer": []}]
    assert "security" not in keyed_ops["paths"]["/health"]["get"]
    assert "securitySchemes" not in client.get("/openapi.json").json()["components"]


# ----------------------------------------------------------------------------- history and the OpenAI chat format

def test_history_resolves_a_follow_up_as_the_python_api_does(client, seeds):
    history = ["What did Baerbock ask?"]
    r = client.post("/collections/seeds/ask", json={"question": "And Lavrov?", "history": history})
    assert r.status_code == 200
    assert r.json() == seeds.ask("And Lavrov?", history=history).to_dict()
    assert "Lavrov" in r.json()["resolved_question"] and r.json()["resolved_question"] != "And Lavrov?"
    first = client.post("/collections/seeds/ask", json={"question": "What did Baerbock ask?"}).json()
    turn = {"question": "What did Baerbock ask?", "answer": first}
    r = client.post("/collections/seeds/ask", json={"question": "What did she say?", "history": [turn]})
    assert r.status_code == 200 and "Baerbock" in r.json()["resolved_question"]


def test_chat_completion_uses_the_earlier_user_messages(client, seeds):
    messages = [{"role": "user", "content": "What did Baerbock ask?"}, {"role": "assistant", "content": "..."},
                {"role": "user", "content": "And Lavrov?"}]
    body = client.post("/v1/chat/completions", json={"model": "seeds", "messages": messages}).json()
    assert body["answer"] == seeds.ask("And Lavrov?", history=["What did Baerbock ask?"]).to_dict()


def test_chat_follow_ups_use_the_earlier_assistant_answers(client, seeds):
    """docs/chat.md's example through the OpenAI format: "she" is the person the earlier answer named."""
    first_q, follow_q = "Who confirmed that the meeting took place?", "What did she tell CNN?"
    asked = [{"role": "user", "content": first_q}]
    reply = client.post("/v1/chat/completions", json={"model": "seeds", "messages": asked}).json()
    messages = [{"role": "system", "content": "Cite."}, *asked, reply["choices"][0]["message"],
                {"role": "user", "content": follow_q}]
    body = client.post("/v1/chat/completions", json={"model": "seeds", "messages": messages}).json()
    first = seeds.ask(first_q)
    assert body["answer"] == seeds.ask(follow_q, history=[(first_q, first)]).to_dict()
    assert body["answer"]["resolved_question"] == "What did Maria Zakharova tell CNN?"
    assert seeds.ask(follow_q, history=[first_q]).resolved_question == follow_q  # the question alone: unresolved


def test_chat_completion_is_the_cited_answer(client, seeds):
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": QUESTIONS[1]}]
    r = client.post("/v1/chat/completions", json={"model": "seeds", "messages": messages, "temperature": 0})
    assert r.status_code == 200
    body = r.json()
    answer = seeds.ask(QUESTIONS[1])
    assert body["object"] == "chat.completion" and body["model"] == "seeds"
    assert body["answer"] == answer.to_dict()
    assert body["citations"] == [c.to_dict() for c in answer.citations]
    content = body["choices"][0]["message"]["content"]
    assert content.startswith("1. ") and "[1]" in content and "**Sources**" in content
    assert "**Question:**" not in content
    card = {"id": "seeds", "object": "model", "created": 0, "owned_by": "summarizer"}
    assert card in client.get("/v1/models").json()["data"]


def test_chat_completion_streams_server_sent_events(client):
    parts = [{"type": "text", "text": QUESTIONS[0]}]
    r = client.post("/v1/chat/completions", json={"model": "seeds", "stream": True,
                                                   "messages": [{"role": "user", "content": parts}]})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = [line[6:] for line in r.text.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    first, last = json.loads(events[0]), json.loads(events[1])
    assert "[1]" in first["choices"][0]["delta"]["content"] and first["citations"]
    assert last["choices"][0]["finish_reason"] == "stop"


def test_chat_errors(client):
    asked = [{"role": "user", "content": "Hi?"}]
    r = client.post("/v1/chat/completions", json={"model": "nope", "messages": asked})
    _problem(r, 404, "collection-not-found")
    told = [{"role": "assistant", "content": "x"}]
    _problem(client.post("/v1/chat/completions", json={"model": "seeds", "messages": told}), 422, "invalid-value")


def test_http_answers_the_python_api_on_the_same_store(app, client):
    """The service's store folder opened in-process gives the same answer (the store is the shared truth)."""
    path = app.state.service.registry.path("seeds")
    with Collection(path, embedder=app.state.service.registry.embedder) as col:
        over_http = client.post("/collections/seeds/ask", json={"question": QUESTIONS[0]}).json()
        assert over_http == col.ask(QUESTIONS[0]).to_dict()


# ----------------------------------------------------------------------------- summarizer serve

def test_serve_refuses_a_public_address_without_keys(tmp_path, monkeypatch, capsys):
    from summarizer.cli import main

    for name in ("SUMMARIZER_API_KEYS", "SUMMARIZER_API_KEY_FILE"):  # set first, so that the test's end restores them
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    assert main(["serve", "--host", "0.0.0.0", "--root", str(tmp_path)]) == 2
    assert "binds to localhost only" in capsys.readouterr().err
    bad = tmp_path / "keys.txt"
    bad.write_text("some-key:admin\n")
    assert main(["serve", "--key-file", str(bad), "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "key 1 has scope 'admin'" in err and "some-key" not in err
