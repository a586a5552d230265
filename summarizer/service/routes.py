"""The endpoints: collections, documents, ask/summarize/compare, jobs and the OpenAI chat format."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import Message
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import UploadFile

from index.fetch import check_url  # the check the fetcher applies to every hop, applied at once to the request
from summarizer import Collection

from .chat import completion, completion_chunks, question_and_history
from .ingest import Item, add_all
from .jobs import JOB_ID_PATTERN, JobRunner, JobStore
from .keys import Keys
from .problems import CollectionBusyError, CollectionNotFoundError, UnsupportedMediaTypeError, problem_responses
from .registry import NAME_PATTERN, Registry, check_name
from .schemas import (
    AnswerModel,
    AskRequest,
    ChatCompletion,
    ChatRequest,
    CollectionModel,
    CompareRequest,
    ComparisonModel,
    DocumentModel,
    DocumentText,
    HealthModel,
    JobModel,
    ModelList,
    SummarizeRequest,
    SummaryModel,
    TextDocument,
    UrlDocuments,
)

__all__ = ["Limits", "LIMITS", "Service", "access", "public", "reads", "writes", "DOCUMENTS_BODY"]

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class Limits:
    """Request limits and when an add runs as a job."""

    max_body_bytes: int = 64 * 1024 * 1024  # one request body: three files at the library's 20 MiB file limit
    max_files: int = 1000  # files in one upload
    sync_items: int = 4  # an add of more documents than this runs as a job ...
    sync_chars: int = 200_000  # ... and so does one of more text (about 1,200 sentences, 5 s of encoding here)
    job_threads: int = 2  # jobs running at once; writes to one collection still go one at a time
    # A job adds files in chunks, one embedding pass and one transaction each, and saves its progress after each.
    # Chunks of 8 NeuS documents (35 sentences each) filled at 58 sentences/s over HTTP, as fast as in-process
    # add_uploads (53/s) on the same busy machine; one document a transaction had filled at 26/s.
    job_chunk_docs: int = 8
    job_chunk_chars: int = 200_000  # ... and at most this many bytes of files a chunk


LIMITS = Limits()


@dataclass(frozen=True)
class Service:
    """What the endpoints share, kept on ``app.state.service``."""

    registry: Registry
    jobs: JobStore
    runner: JobRunner
    keys: Keys | None
    allow_private_urls: bool
    limits: Limits
    version: str


def service(request: Request) -> Service:
    return request.app.state.service


def access(write: bool):
    def check(request: Request) -> None:
        keys = service(request).keys
        if keys is not None:
            keys.check(request.headers.get("authorization"), write=write)

    return check


public = APIRouter()
reads = APIRouter(dependencies=[Depends(access(write=False))])
writes = APIRouter(dependencies=[Depends(access(write=True))])

Svc = Annotated[Service, Depends(service)]
Name = Annotated[str, Path(pattern=NAME_PATTERN, description="collection name", examples=["seeds"])]
DocId = Annotated[str, Path(min_length=1, max_length=200, description="document id")]
JobId = Annotated[str, Path(pattern=JOB_ID_PATTERN)]


def _json_only(request: Request) -> None:
    """415 for a body that says it is not JSON (a JSON endpoint would otherwise answer 422)."""
    ctype = request.headers.get("content-type")
    if ctype and _media_type(ctype) != "application/json" and not _media_type(ctype).endswith("+json"):
        raise UnsupportedMediaTypeError(f"send the body as application/json, not {_media_type(ctype)}")


def _media_type(ctype: str) -> str:
    msg = Message()
    msg["content-type"] = ctype
    return msg.get_content_type()


JsonBody = [Depends(_json_only)]
READ_ERRORS = problem_responses(404)
BODY_ERRORS = problem_responses(400, 404, 413, 415, 422)


# ----------------------------------------------------------------------------- service and collections

@public.get("/health", response_model=HealthModel, tags=["service"], summary="Liveness (no key needed)")
def health(svc: Svc) -> dict:
    return {"status": "ok", "version": svc.version}


def _info(name: str, col: Collection) -> dict:
    return {"name": name, "documents": len(col)}


@reads.get("/collections", response_model=list[CollectionModel], tags=["collections"])
def list_collections(svc: Svc) -> list[dict]:
    out = []
    for name in svc.registry.names():
        try:
            out.append(_info(name, svc.registry.get(name)))
        except CollectionNotFoundError:  # deleted by another process meanwhile
            continue
    return out


@reads.get("/collections/{name}", response_model=CollectionModel, tags=["collections"], responses=READ_ERRORS)
def get_collection(name: Name, svc: Svc) -> dict:
    return _info(name, svc.registry.get(name))


@writes.put("/collections/{name}", response_model=CollectionModel, status_code=201, tags=["collections"],
            summary="Create an empty collection (200 when it exists)",
            responses={200: {"model": CollectionModel, "description": "It already exists"}, **problem_responses(409)})
def put_collection(name: Name, svc: Svc, response: Response) -> dict:
    if not svc.registry.create(name):
        response.status_code = 200
    return _info(name, svc.registry.get(name))


@writes.delete("/collections/{name}", status_code=204, tags=["collections"], response_class=Response,
               responses=problem_responses(404, 409))
def delete_collection(name: Name, svc: Svc) -> Response:
    busy = svc.jobs.active(name)
    if busy:
        raise CollectionBusyError(f"collection {name!r} has {len(busy)} running job(s) ({busy[0].id}); wait for them")
    svc.registry.delete(name)
    return Response(status_code=204)


# ----------------------------------------------------------------------------- documents

@reads.get("/collections/{name}/documents", response_model=list[DocumentModel], tags=["documents"],
           responses=READ_ERRORS)
def list_documents(name: Name, svc: Svc) -> JSONResponse:
    return JSONResponse([d.to_dict() for d in svc.registry.get(name).documents])


@reads.get("/collections/{name}/documents/{doc_id}", response_model=DocumentText, tags=["documents"],
           summary="A document's metadata and text (to show a citation's span)", responses=READ_ERRORS)
def get_document(name: Name, doc_id: DocId, svc: Svc) -> JSONResponse:
    doc = svc.registry.get(name).document(doc_id)
    return JSONResponse({**doc.to_dict(), "text": doc.text})


@writes.delete("/collections/{name}/documents/{doc_id}", response_model=DocumentModel, tags=["documents"],
               summary="Remove a document; returns it", responses=READ_ERRORS)
def remove_document(name: Name, doc_id: DocId, svc: Svc) -> JSONResponse:
    svc.registry.get(name).document(doc_id)  # 404 before taking the write lock
    with svc.registry.writing(name) as col:
        return JSONResponse(col.remove(doc_id).to_dict())


def _schema(model) -> dict:
    return model.model_json_schema(ref_template="#/components/schemas/{model}")


DOCUMENTS_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {"type": "object", "required": ["files"], "properties": {
                "files": {"type": "array", "minItems": 1, "items": {"type": "string", "format": "binary"},
                          "description": "files (.txt, .md, ...) with their file names"}}},
        },
        "application/json": {"schema": {"oneOf": [_schema(TextDocument), _schema(UrlDocuments)]}},
    },
}
_JSON_ITEMS = TypeAdapter(TextDocument | UrlDocuments)


async def _items(request: Request, svc: Service) -> list[Item]:
    ctype = _media_type(request.headers.get("content-type", ""))
    if ctype == "multipart/form-data":
        form = await request.form(max_files=svc.limits.max_files, max_fields=svc.limits.max_files)
        parts = form.getlist("files")
        if not parts or not all(isinstance(p, UploadFile) and p.filename for p in parts):
            raise ValueError("send one or more files in the form field 'files', each with its file name")
        return [Item(p.filename.replace("\\", "/").rsplit("/", 1)[-1] or "upload", data=await p.read()) for p in parts]
    if ctype != "application/json" and not ctype.endswith("+json"):
        raise UnsupportedMediaTypeError(f"send files as multipart/form-data or a text as application/json, not {ctype}")
    try:
        body = _JSON_ITEMS.validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None
    if isinstance(body, TextDocument):
        return [Item(body.title or "pasted text", text=body.text, title=body.title)]
    return [Item(u, url=u, allow_private=svc.allow_private_urls) for u in body.urls]


@writes.post(
    "/collections/{name}/documents", status_code=201, tags=["documents"], response_model=list[DocumentModel],
    summary="Add files (multipart), a text or links; a large add runs as a job (202)",
    responses={200: {"model": list[DocumentModel], "description": "Nothing new: every text was already stored"},
               202: {"model": JobModel, "description": "Accepted: a job adds the documents; see /jobs/{id}"},
               **BODY_ERRORS},
    openapi_extra={"requestBody": DOCUMENTS_BODY},
)
async def add_documents(
    name: Name, request: Request, svc: Svc,
    background: Annotated[bool | None, Query(description="true: always a job; false: never; default: by size")] = None,
) -> JSONResponse:
    svc.registry.require(name)
    items = await _items(request, svc)
    urls = [i.url for i in items if i.url is not None]
    for u in urls:  # refused at once: not http(s), a non-public address (unless allowed), a host that is not found
        await run_in_threadpool(check_url, u, allow_private=svc.allow_private_urls)
    large = len(items) > svc.limits.sync_items or sum(i.size for i in items) > svc.limits.sync_chars or bool(urls)
    if background or (background is None and large):
        job = svc.runner.submit(name, items)
        return JSONResponse(job.to_dict(), status_code=202, headers={"Location": f"/jobs/{job.id}"})
    docs, stored = await run_in_threadpool(add_all, svc.registry, name, items)
    # 200: nothing new, every text was already stored (the body lists the stored documents)
    return JSONResponse([d.to_dict() for d in docs], status_code=200 if len(stored) == len(docs) else 201)


@reads.get("/jobs/{job_id}", response_model=JobModel, tags=["documents"], summary="A job's state and progress",
           responses=READ_ERRORS)
def get_job(job_id: JobId, svc: Svc) -> JSONResponse:
    return JSONResponse(svc.jobs.get(job_id).to_dict())


# ----------------------------------------------------------------------------- results

@reads.post("/collections/{name}/ask", response_model=AnswerModel, tags=["results"], dependencies=JsonBody,
            summary="Answer a question with cited sentences", responses=BODY_ERRORS)
def ask(name: Name, req: AskRequest, svc: Svc) -> JSONResponse:
    answer = svc.registry.get(name).ask(req.question, k=req.k, history=req.history_items())
    return JSONResponse(answer.to_dict())


@reads.post("/collections/{name}/summarize", response_model=SummaryModel, tags=["results"], dependencies=JsonBody,
            summary="A merged, cited summary", responses=BODY_ERRORS)
def summarize(name: Name, req: SummarizeRequest, svc: Svc) -> JSONResponse:
    summ = svc.registry.get(name).summarize(max_words=req.max_words, max_sentences=req.max_sentences,
                                            method=req.method, doc_ids=req.doc_ids, query=req.query, ratio=req.ratio)
    return JSONResponse(summ.to_dict())


@reads.post("/collections/{name}/compare", response_model=ComparisonModel, tags=["results"], dependencies=JsonBody,
            summary="How the sources relate: shared and unique facts, rewrites, differences", responses=BODY_ERRORS)
def compare(name: Name, req: CompareRequest, svc: Svc) -> JSONResponse:
    return JSONResponse(svc.registry.get(name).compare(req.doc_ids, query=req.query).to_dict())


# ----------------------------------------------------------------------------- OpenAI chat format

SSE_EVENT = {"type": "object", "required": ["data"], "description": "one server-sent event",
             "properties": {"data": {"type": "string", "description": "a chat.completion.chunk as JSON, last [DONE]"}}}


@reads.get("/v1/models", response_model=ModelList, tags=["openai"], summary="The collections, as OpenAI models")
def models(svc: Svc) -> dict:
    return {"object": "list", "data": [{"id": n, "object": "model", "created": 0, "owned_by": "summarizer"}
                                       for n in svc.registry.names()]}


@reads.post(
    "/v1/chat/completions", response_model=ChatCompletion, tags=["openai"], dependencies=JsonBody,
    summary="OpenAI chat format: model = collection; the reply is the cited answer in Markdown",
    responses={200: {"content": {"text/event-stream": {"schema": SSE_EVENT}},
                     "description": "The completion; with stream=true as server-sent events"}, **BODY_ERRORS},
)
def chat_completions(req: ChatRequest, svc: Svc) -> Response:
    try:
        check_name(req.model)
    except ValueError:
        raise CollectionNotFoundError(f"no collection named {req.model!r} (model names a collection)") from None
    col = svc.registry.get(req.model)
    question, history = question_and_history(req.messages, col)
    answer = col.ask(question, k=req.k, history=history)
    body = completion(answer, req.model, req.messages)
    if req.stream:
        return StreamingResponse(completion_chunks(body), media_type="text/event-stream")
    return JSONResponse(body)

