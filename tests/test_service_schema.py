"""The OpenAPI contract: schemathesis generates requests for every endpoint, in-process, with and without keys.

Every response must be documented (status, content type, headers, body schema) and none may be a 5xx.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from summarizer.service import create_app, parse_keys

RW, RO = "rw-key-0123456789abcdef", "ro-key-0123456789abcdef"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]
EXAMPLES = 12  # generated cases per endpoint and mode: about 300 requests over the two apps in about 30 s
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def _seeded(app, seed_paths, headers=None):
    c = TestClient(app, headers=headers)
    c.__enter__()
    assert c.put("/collections/seeds").status_code == 201
    assert c.put("/collections/scratch").status_code == 201
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in seed_paths]
    assert c.post("/collections/seeds/documents", files=files).status_code == 201
    return c


@pytest.fixture(scope="module")
def open_app(tmp_path_factory, embedder, seed_paths):
    app = create_app(tmp_path_factory.mktemp("schema-open"), embedder=embedder)
    c = _seeded(app, seed_paths)
    yield app
    c.__exit__(None, None, None)


@pytest.fixture(scope="module")
def keyed_app(tmp_path_factory, embedder, seed_paths):
    app = create_app(tmp_path_factory.mktemp("schema-keyed"), embedder=embedder,
                     keys=parse_keys(f"{RW},{RO}:ro", "test"))
    c = _seeded(app, seed_paths, headers={"Authorization": f"Bearer {RW}"})
    yield app
    c.__exit__(None, None, None)


def _no_internet(case):
    """Generated links become a blocked local address: a test never fetches from the internet."""
    if isinstance(case.body, dict) and isinstance(case.body.get("urls"), list):
        case.body["urls"] = [f"http://127.0.0.1:9/{i}" for i, _ in enumerate(case.body["urls"])]
    return case


def _usable(case):
    """No links to the internet; a chat request naming the seeded collection and ending in a question."""
    case = _no_internet(case)
    if case.operation.path == "/v1/chat/completions" and isinstance(case.body, dict):
        case.body["model"] = "seeds"
        if isinstance(case.body.get("messages"), list):
            case.body["messages"].append({"role": "user", "content": "Who met Jaishankar?"})
    return case


def _fuzz(app, key: str | None, checks) -> int:
    """Run generated cases for every operation, positive and negative; returns how many were sent."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=headers)
    sent = []
    ops = sorted((r.ok() for r in schema.get_all_operations()), key=lambda op: op.label == "DELETE /collections/{name}")
    for op in ops:
        # Half the cases name the seeded collection, so they get past the 404; deleting a collection (last)
        # only ever names "scratch", so the seeds stay for the other operations. The maps that make bodies
        # usable apply to valid cases only (a negative case must stay invalid).
        if op.label == "DELETE /collections/{name}":
            strategy = st.one_of(*(op.as_strategy(generation_mode=m, path_parameters={"name": "scratch"})
                                   for m in GenerationMode))
        else:
            fixed = {"name": "seeds"} if "{name}" in op.path else {}
            strategy = st.one_of(
                op.as_strategy(generation_mode=GenerationMode.POSITIVE).map(_no_internet),
                op.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=fixed).map(_usable),
                op.as_strategy(generation_mode=GenerationMode.NEGATIVE),
                op.as_strategy(generation_mode=GenerationMode.NEGATIVE, path_parameters=fixed),
            )

        @FUZZ
        @given(case=strategy)
        def run(case):
            case.call_and_validate(headers=headers, checks=checks)
            sent.append(op.label)

        run()
    return len(sent)


def test_every_endpoint_matches_its_schema_without_keys(open_app):
    assert _fuzz(open_app, None, CHECKS) >= EXAMPLES * len(open_app.openapi()["paths"])


@pytest.mark.parametrize("key", [RW, RO])
def test_every_endpoint_matches_its_schema_with_keys(keyed_app, key):
    assert _fuzz(keyed_app, key, [*CHECKS, ignored_auth]) >= EXAMPLES * len(keyed_app.openapi()["paths"])


def test_schema_is_openapi_3_1_and_documents_every_error(open_app):
    schema = open_app.openapi()
    assert schema["openapi"].startswith("3.1")
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            errors = {s: r for s, r in op["responses"].items() if s[0] in "45"}
            if "{" in path or "requestBody" in op:
                assert "422" in errors and ("{" not in path or method == "put" or "404" in errors), (method, path)
            for status, resp in errors.items():
                assert list(resp["content"]) == ["application/problem+json"], (method, path, status)
