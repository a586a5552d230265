"""The FastAPI application: `create_app(root, ...)`, its OpenAPI 3.1 schema, body limit, keys and lifetime."""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import fastapi_offline
from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse

from index import encode_queries
from summarizer import Embedder, default_embedder
from summarizer.defaults import seeds_dir

from .jobs import JOBS_FILE, JobRunner, JobStore
from .keys import Keys, load_keys
from .problems import (
    PROBLEM_MEDIA_TYPE,
    MalformedRequestError,
    PayloadTooLargeError,
    Problem,
    install_problem_handlers,
    problem_response,
    problem_responses,
)
from .registry import Registry
from .routes import LIMITS, Limits, Service, access, public, reads, writes
from .schemas import TextDocument, UrlDocuments
from .settings import PRIVATE_URLS_ENV, ROOT_ENV, SEED_ENV

__all__ = ["create_app", "app_from_env", "SEEDS_NAME", "BodyLimit"]

logger = logging.getLogger(__name__)

SEEDS_NAME = "seeds"
TITLE = "summarizer"
DESCRIPTION = ("Merged, cited summaries and cited answers over named collections of articles. Every result body "
               "is the result's `to_dict()`; every error is `application/problem+json` (RFC 9457).")


def _version() -> str:
    try:
        return version("mdsum")
    except PackageNotFoundError:
        return "unknown"


class BodyLimit:
    """ASGI middleware: 413 for a request body over ``max_bytes`` (by Content-Length, or counted as it streams)."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        problem = None
        if length is not None and not length.isdigit():
            problem = (MalformedRequestError.problem, "Content-Length is not a number")
        elif length is not None and int(length) > self.max_bytes:
            problem = (PayloadTooLargeError.problem,
                       f"request body of {int(length):,} bytes is over the limit of {self.max_bytes:,}")
        if problem:
            return await problem_response(*problem, instance=scope.get("path"))(scope, receive, send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise PayloadTooLargeError(f"request body over the limit of {self.max_bytes:,} bytes")
            return message

        await self.app(scope, limited, send)


def _openapi(app: FastAPI, keys: Keys | None) -> dict:
    """OpenAPI 3.1 with every error as problem+json, the documents body's two forms, and bearer keys when set."""
    schema = get_openapi(title=TITLE, version=app.version, description=DESCRIPTION, routes=app.routes)
    comps = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        comps.pop(name, None)
    comps["Problem"] = Problem.model_json_schema()
    for model in (TextDocument, UrlDocuments):
        comps.setdefault(model.__name__, model.model_json_schema())
    problem = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    if keys is not None:
        bearer = {"type": "http", "scheme": "bearer", "description": "read-only or read-write API keys"}
        schema["components"]["securitySchemes"] = {"bearer": bearer}
    for path, ops in schema["paths"].items():
        for op in ops.values():
            responses = op.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = problem_responses(422)[422]
            for status, resp in responses.items():
                if status[0] in "45" and "content" not in resp:
                    resp["content"] = problem
            if keys is not None and path != "/health":
                op["security"] = [{"bearer": []}]
                responses.update({str(s): r for s, r in problem_responses(401, 403).items()})
    return schema


def _seed(registry: Registry, seeds: Path) -> None:
    if registry.create(SEEDS_NAME):
        with registry.writing(SEEDS_NAME) as col:
            col.add_files([seeds])
        logger.info("new root %s: collection %r holds the seed articles of %s", registry.root, SEEDS_NAME, seeds)


def create_app(
    root: str | Path, *, keys: Keys | None = None, embedder: Embedder | None = None, allow_private_urls: bool = False,
    seeds: str | Path | None = None, limits: Limits = LIMITS,
) -> FastAPI:
    """The service over the collections in ``root`` (one folder each), with one embedder for all of them.

    ``keys``: when given, every request but ``/health`` needs a bearer key. ``seeds``: a folder of articles that a
    new, empty root starts with as the collection ``seeds``. ``allow_private_urls``: links to loopback, private
    and link-local addresses may be fetched too.
    """
    embedder = embedder or default_embedder()
    registry = Registry(root, embedder=embedder)
    if seeds is not None and not registry.names() and not any(registry.root.glob(JOBS_FILE + "*")):
        _seed(registry, Path(seeds))
    jobs = JobStore(registry.root)
    runner = JobRunner(registry, jobs, threads=limits.job_threads, chunk_docs=limits.job_chunk_docs,
                       chunk_chars=limits.job_chunk_chars)
    svc = Service(registry, jobs, runner, keys, allow_private_urls, limits, _version())

    lives = []  # one item a running lifespan: test clients may nest them; the last one to end closes

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if svc.jobs.closed:
            raise RuntimeError("this app was shut down: create a new one with create_app()")
        encode_queries(embedder, ["warm up"])  # load (and trace) the model before the first request, not during it
        lives.append(None)
        yield
        lives.pop()
        if not lives:
            svc.runner.close()
            svc.jobs.close()
            svc.registry.close()

    app = FastAPI(title=TITLE, version=svc.version, description=DESCRIPTION, lifespan=lifespan,
                  openapi_url=None, docs_url=None, redoc_url=None)
    app.state.service = svc
    install_problem_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=limits.max_body_bytes)
    for router in (public, reads, writes):
        app.include_router(router)

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi(app, keys)
        return app.openapi_schema

    app.openapi = openapi
    read = [Depends(access(write=False))]
    app.add_api_route("/openapi.json", lambda: JSONResponse(openapi()), include_in_schema=False, dependencies=read)
    app.mount(DOCS_STATIC, StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static"), name="docs-static")
    app.add_api_route("/docs", _docs_page, include_in_schema=False, dependencies=read)
    return app


DOCS_STATIC = "/docs-static"  # Swagger UI's files, served from the fastapi-offline wheel: no CDN, works offline


def _docs_page() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title=TITLE,
                               swagger_js_url=f"{DOCS_STATIC}/swagger-ui-bundle.js",
                               swagger_css_url=f"{DOCS_STATIC}/swagger-ui.css",
                               swagger_favicon_url=f"{DOCS_STATIC}/favicon.png")


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory`` (and `summarizer serve`): root, keys and options from the environment."""
    root = os.environ.get(ROOT_ENV)
    if not root:
        raise RuntimeError(f"set ${ROOT_ENV} to the service's root folder (summarizer serve does)")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return create_app(root, keys=load_keys(), allow_private_urls=os.environ.get(PRIVATE_URLS_ENV) == "1",
                      seeds=seeds_dir() if os.environ.get(SEED_ENV) == "1" else None)
