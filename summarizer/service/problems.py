"""Errors as RFC 9457 problem+json: one stable ``type`` per exception, the exception-to-status table, handlers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

import summarizer as lib

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "ProblemType",
    "Problem",
    "ServiceError",
    "CollectionNotFoundError",
    "CollectionBusyError",
    "JobNotFoundError",
    "UnauthorizedError",
    "ForbiddenError",
    "UnsupportedMediaTypeError",
    "PayloadTooLargeError",
    "MalformedRequestError",
    "PROBLEMS",
    "INTERNAL",
    "problem_type",
    "problem_response",
    "install_problem_handlers",
    "problem_responses",
]

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:mdsum:problem:"


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem: its stable ``type`` URI suffix, a short title and the HTTP status it is answered with."""

    slug: str
    title: str
    status: int

    @property
    def uri(self) -> str:
        return TYPE_PREFIX + self.slug


class Problem(BaseModel):
    """An RFC 9457 problem detail, the body of every error response."""

    model_config = ConfigDict(extra="forbid")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict] | None = None  # request validation: one item a wrong field


class ServiceError(Exception):
    """An error of the service itself (the library's exceptions are mapped in PROBLEMS); subclasses name their problem:

    ``class JobNotFoundError(ServiceError, problem=ProblemType("job-not-found", "Job not found", 404))``.
    """

    problem: ProblemType = ProblemType("bad-request", "Bad request", 400)
    headers: dict[str, str] | None = None

    def __init_subclass__(cls, problem: ProblemType | None = None, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if problem is not None:
            cls.problem = problem


class CollectionNotFoundError(ServiceError, problem=ProblemType("collection-not-found", "Collection not found", 404)):
    """No collection has that name."""


class CollectionBusyError(ServiceError, problem=ProblemType("collection-busy", "Collection busy", 409)):
    """A job still adds documents to the collection."""


class JobNotFoundError(ServiceError, problem=ProblemType("job-not-found", "Job not found", 404)):
    """No job has that id (finished jobs are kept a week)."""


class UnauthorizedError(ServiceError, problem=ProblemType("unauthorized", "Missing or unknown API key", 401)):
    """No key, or one the server does not know."""

    headers = {"WWW-Authenticate": 'Bearer realm="summarizer"'}


class ForbiddenError(ServiceError, problem=ProblemType("forbidden", "Key may not do this", 403)):
    """A read-only key on a request that changes something."""


class UnsupportedMediaTypeError(ServiceError, problem=ProblemType("unsupported-media-type", "Unsupported media", 415)):
    """A body in a content type the endpoint does not read."""


class PayloadTooLargeError(ServiceError, problem=ProblemType("payload-too-large", "Request body too large", 413)):
    """A body over Limits.max_body_bytes."""


class MalformedRequestError(ServiceError, problem=ProblemType("malformed-request", "Malformed request", 400)):
    """A body that cannot be parsed (not JSON, not multipart, bad Content-Length)."""


# The library's exceptions, most specific first: the first class an exception is an instance of decides.
PROBLEMS: tuple[tuple[type[BaseException], ProblemType], ...] = (
    (lib.BlockedAddressError, ProblemType("url-not-allowed", "Link to a non-public address", 422)),
    (lib.UnsupportedUrlError, ProblemType("unsupported-url", "Link not read", 422)),
    (lib.ResponseTooLargeError, ProblemType("response-too-large", "Linked page too large", 413)),
    (lib.UnsupportedContentError, ProblemType("unsupported-content", "Linked content not readable", 415)),
    (lib.DnsError, ProblemType("dns-error", "Link host not found", 422)),
    (lib.FetchTimeoutError, ProblemType("fetch-timeout", "Link timed out", 422)),
    (lib.HttpStatusError, ProblemType("http-status", "Link answered with an error", 422)),
    (lib.TooManyRedirectsError, ProblemType("too-many-redirects", "Link redirects too often", 422)),
    (lib.FetchError, ProblemType("fetch-error", "Link could not be fetched", 422)),
    (lib.FeedError, ProblemType("feed-error", "Feed cannot be read", 422)),
    (lib.LoginWallError, ProblemType("login-wall", "Page behind a login", 422)),
    (lib.NoArticleTextError, ProblemType("no-article-text", "No article text", 422)),
    (lib.BrokenHtmlError, ProblemType("broken-html", "HTML cannot be read", 422)),
    (lib.EncryptedPdfError, ProblemType("encrypted-pdf", "PDF is encrypted", 422)),
    (lib.ScannedPdfError, ProblemType("scanned-pdf", "PDF holds no text", 422)),
    (lib.PdfError, ProblemType("pdf-error", "PDF cannot be read", 422)),
    (lib.FileTooLargeError, ProblemType("file-too-large", "File too large", 413)),
    (lib.UnsupportedFileError, ProblemType("unsupported-file", "Unsupported file type", 415)),
    (lib.BinaryFileError, ProblemType("binary-file", "File is not text", 415)),
    (lib.EmptyDocumentError, ProblemType("empty-document", "Empty document", 422)),
    (lib.MissingPathError, ProblemType("missing-path", "No such file", 400)),
    (lib.NoReadableFilesError, ProblemType("no-readable-files", "No readable files", 400)),
    (lib.IngestError, ProblemType("ingest-error", "Document cannot be added", 422)),
    (lib.InputTooLargeError, ProblemType("input-too-large", "Input too large", 413)),
    (lib.EmptyQuestionError, ProblemType("empty-question", "Empty question", 422)),
    (lib.DocumentNotFoundError, ProblemType("document-not-found", "Document not found", 404)),
    (lib.StoreError, ProblemType("store-unusable", "Collection store damaged or from another version", 409)),
    (ValueError, ProblemType("invalid-value", "Invalid value", 422)),
    (TypeError, ProblemType("invalid-value", "Invalid value", 422)),
)
VALIDATION = ProblemType("validation-error", "Request does not match the schema", 422)
NOT_FOUND = ProblemType("not-found", "No such resource", 404)
METHOD_NOT_ALLOWED = ProblemType("method-not-allowed", "Method not allowed", 405)
INTERNAL = ProblemType("internal-error", "Internal error", 500)


def problem_type(exc: BaseException) -> ProblemType:
    """The problem type an exception is answered with (INTERNAL for one no row names)."""
    if isinstance(exc, ServiceError):
        return exc.problem
    return next((p for cls, p in PROBLEMS if isinstance(exc, cls)), INTERNAL)


def problem_response(
    problem: ProblemType, detail: str, *, instance: str | None = None, errors: list[dict] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(type=problem.uri, title=problem.title, status=problem.status, detail=detail,
                   instance=instance, errors=errors)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=problem.status, headers=headers,
                        media_type=PROBLEM_MEDIA_TYPE)


def _validation_errors(exc: RequestValidationError) -> list[dict]:
    return [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()]


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error, expected or not, as problem+json; never a traceback."""

    async def on_error(request: Request, exc: Exception) -> JSONResponse:
        problem = problem_type(exc)
        detail = str(exc) or problem.title
        if problem is INTERNAL:
            logger.exception("unexpected error on %s %s", request.method, request.url.path)
            detail = "unexpected error; the server log has the details"
        return problem_response(problem, detail, instance=request.url.path,
                                headers=getattr(exc, "headers", None) or None)

    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        if any(e["type"] == "json_invalid" for e in errors):
            return problem_response(MalformedRequestError.problem, "the body is not valid JSON",
                                    instance=request.url.path, errors=errors)
        where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem_response(VALIDATION, where or VALIDATION.title, instance=request.url.path, errors=errors)

    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        known = {400: MalformedRequestError.problem, 404: NOT_FOUND, 405: METHOD_NOT_ALLOWED,
                 413: PayloadTooLargeError.problem}
        problem = known.get(exc.status_code) or ProblemType(f"http-{exc.status_code}", "HTTP error", exc.status_code)
        return problem_response(problem, str(exc.detail), instance=request.url.path, headers=exc.headers)

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    # Named classes are answered by Starlette's exception middleware; a bare Exception handler runs only in
    # the outermost middleware, which answers and then re-raises for the server log.
    for cls in (ServiceError, *dict.fromkeys(cls for cls, _ in PROBLEMS), Exception):
        app.add_exception_handler(cls, on_error)


_DESCRIPTIONS = {
    400: "Malformed request (body is not JSON, or a path that is not a file)",
    401: "Missing or unknown API key (only when the server has keys)",
    403: "The key is read-only and the request changes something",
    404: "No such collection, document or job",
    409: "The collection is busy (a job runs on it) or its store is unusable",
    413: "Body, file, text or question over its size limit",
    415: "Content type or file type not accepted",
    422: "A request the service cannot use (schema, empty text, a link it may not or cannot read)",
}


def problem_responses(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI ``responses`` entries for these error statuses, each a problem+json body."""
    ref = {"$ref": "#/components/schemas/Problem"}
    return {s: {"description": _DESCRIPTIONS[s], "content": {PROBLEM_MEDIA_TYPE: {"schema": ref}}} for s in statuses}
