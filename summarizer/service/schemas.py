"""Request and response bodies as Pydantic models: what the OpenAPI schema shows and requests are checked against.

Response models mirror the results' ``to_dict()`` exactly (extra fields forbidden), so the schema test notices
when a result grows a field the schema does not describe.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Literal, Union, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from summarizer import METHODS, RATIO
from summarizer.results import Answer, Citation, CitedSentence

from .jobs import DONE, FAILED, QUEUED, RUNNING

__all__ = [
    "CitationModel", "CitedSentenceModel", "AnswerModel", "SummaryModel", "ComparisonModel", "DocumentModel",
    "DocumentText", "CollectionModel", "JobModel", "HealthModel", "AskRequest", "SummarizeRequest", "CompareRequest",
    "TextDocument", "UrlDocuments", "HistoryTurn", "ChatMessage", "ChatRequest", "ChatCompletion", "ModelList",
]

MAX_HISTORY = 50  # earlier questions sent with one question
MAX_DOC_IDS = 10_000  # document ids in one summary or comparison request
MAX_URLS = 100  # links in one request
MAX_K = 50  # answer points asked for at most
MAX_WORDS = 100_000  # summary word budget at most


def _non_blank(**kw):
    return Field(min_length=1, pattern=r"\S", **kw)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _In(BaseModel):
    """A request body: strict, so a JSON `true` or `"3"` where a number belongs is refused, not read as one."""

    model_config = ConfigDict(extra="forbid", strict=True)


# ----------------------------------------------------------------------------- results (to_dict() shapes)

def _mirror(cls) -> type[BaseModel]:
    """A model with a dataclass's fields, for a result whose ``to_dict()`` is its fields as they are."""
    hints = get_type_hints(cls)
    return create_model(f"{cls.__name__}Model", __config__=_Out.model_config,
                        **{f.name: (hints[f.name], ...) for f in fields(cls)})


CitationModel = _mirror(Citation)


class SourceDifferenceModel(_Out):
    """Names and numbers one cited source omits from, or adds to, the shown sentence (summaries and answer points)."""

    doc_id: str
    doc_title: str
    omits: list[str]
    adds: list[str]


class CitedSentenceModel(_Out):
    text: str
    score: float
    citations: list[CitationModel]
    differences: list[SourceDifferenceModel]


class AnswerModel(_Out):
    question: str
    message: str
    sentences: list[CitedSentenceModel]
    resolved_question: str = Field("", description="the question as understood after the earlier turns")


class SummaryModel(_Out):
    method: str
    max_words: int | None
    ratio: float | None = Field(None, description="the share of its sources' words it stopped at "
                                "(null: it filled max_words)")
    word_count: int
    doc_ids: list[str]
    message: str
    sentences: list[CitedSentenceModel]


class _ComparedDocument(_Out):
    id: str
    title: str
    source_group: int


class _Fact(_Out):
    doc_ids: list[str]
    sources: int
    independent_sources: int
    sentence: CitedSentenceModel


class _Coverage(_Out):
    doc_ids: list[str]
    facts: list[list[int]]


class _Difference(_Out):
    fact: int
    similarity: float
    sentences: list[CitedSentenceModel]
    only_first: list[str]
    only_second: list[str]
    flagged_first: list[str]
    flagged_second: list[str]
    first_spans: list[list[int]]
    second_spans: list[list[int]]


class _AlignedPair(_Out):
    original: CitedSentenceModel
    rewrite: CitedSentenceModel
    similarity: float
    difference: _Difference | None


class _Rewrite(_Out):
    original_doc_id: str
    rewrite_doc_id: str
    aligned_share: float
    aligned: int
    original_share: float
    reason: str
    pairs: list[_AlignedPair]


class ComparisonModel(_Out):
    message: str
    documents: list[_ComparedDocument]
    facts: list[_Fact]
    coverage: _Coverage
    unique: dict[str, list[CitedSentenceModel]]
    rewrites: list[_Rewrite]
    differences: list[_Difference]


class DocumentModel(_Out):
    id: str
    title: str
    path: str | None
    date: str | None
    sentence_count: int
    chars: int
    author: str | None
    outlet: str | None
    url: str | None


class DocumentText(DocumentModel):
    """A document's metadata and its whole text: ``text[start:end]`` is a citation's sentence."""

    text: str


class CollectionModel(_Out):
    name: str
    documents: int


class _JobFailure(_Out):
    item: str
    type: str
    status: int
    detail: str


class JobModel(_Out):
    id: str
    collection: str
    state: Literal[QUEUED, RUNNING, DONE, FAILED]  # type: ignore[valid-type]
    total: int = Field(description="items of the request: files, texts and links (a feed's link is one)")
    done: int = Field(description="items processed")
    found: int = Field(description="documents the processed items held (a feed counts as its articles): "
                       "added + already stored + failed")
    added: int = Field(description="documents added: the length of doc_ids")
    doc_ids: list[str]
    already_stored: list[str] = Field(description="documents whose text the collection held already (or an earlier "
                                      "item of the job): not added again")
    failures: list[_JobFailure]
    message: str
    created: str
    updated: str


class HealthModel(_Out):
    status: Literal["ok"]
    version: str


# ----------------------------------------------------------------------------- requests

class _CitationIn(CitationModel):
    model_config = _In.model_config


class _SourceDifferenceIn(SourceDifferenceModel):
    model_config = _In.model_config


class _CitedSentenceIn(CitedSentenceModel):
    model_config = _In.model_config
    citations: list[_CitationIn]
    differences: list[_SourceDifferenceIn]


class _AnswerIn(AnswerModel):
    """An earlier answer sent back with a follow-up: the shape /ask returns, read strictly."""

    model_config = _In.model_config
    sentences: list[_CitedSentenceIn]


class HistoryTurn(_In):
    """An earlier question, with the answer it got when the client has it."""

    question: str
    answer: _AnswerIn | None = None

    def to_history(self) -> str | tuple[str, Answer]:
        if self.answer is None:
            return self.question
        a = self.answer
        sentences = [CitedSentence(s.text, tuple(Citation(**c.model_dump()) for c in s.citations), s.score)
                     for s in a.sentences if s.citations]
        return (self.question, Answer(a.question, sentences, a.message, a.resolved_question))


class AskRequest(_In):
    question: str = Field(description="a blank question is answered 422 empty-question")
    k: int = Field(3, ge=1, le=MAX_K, description="at most this many answer points")
    history: list[Union[str, HistoryTurn]] = Field(
        default_factory=list, max_length=MAX_HISTORY,
        description="earlier turns of the conversation, oldest first: pronouns, \"and X?\" and \"what else\" are "
                    "resolved against them (only the recent ones count)")

    def history_items(self) -> list:
        return [h if isinstance(h, str) else h.to_history() for h in self.history]


class SummarizeRequest(_In):
    max_words: int = Field(150, ge=1, le=MAX_WORDS)
    max_sentences: int | None = Field(None, ge=1)
    ratio: float | None = Field(RATIO, gt=0, le=1, description="stop once the summary holds this share of its "
                                "sources' words (null: fill max_words)")
    method: Literal[METHODS] = "default"  # type: ignore[valid-type]
    doc_ids: list[str] | None = Field(None, max_length=MAX_DOC_IDS, description="these documents only")
    query: str | None = _non_blank(default=None, description="the documents most related to this, and their "
                                   "sentences closest to it first")


class CompareRequest(_In):
    doc_ids: list[str] | None = Field(None, max_length=MAX_DOC_IDS)
    query: str | None = _non_blank(default=None, description="the documents most related to this")


class TextDocument(_In):
    text: str = _non_blank()
    title: str | None = Field(None, max_length=200, description="default: the text's first words")


class UrlDocuments(_In):
    urls: list[str] = Field(min_length=1, max_length=MAX_URLS, description="http(s) links to articles")


# ----------------------------------------------------------------------------- OpenAI chat format

class _ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[_ContentPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class ChatRequest(BaseModel):
    """OpenAI chat request: ``model`` names the collection; other OpenAI fields are accepted and not used."""

    model_config = ConfigDict(extra="allow")
    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    k: int = Field(3, ge=1, le=MAX_K, description="not OpenAI: at most this many answer points")


class _ChatReply(_Out):
    role: Literal["assistant"]
    content: str


class _Choice(_Out):
    index: int
    message: _ChatReply
    finish_reason: Literal["stop"]


class _Usage(_Out):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(_Out):
    """OpenAI chat completion; ``citations`` (numbered as in the Markdown) and ``answer`` are this service's own."""

    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[_Choice]
    usage: _Usage
    citations: list[CitationModel]
    answer: AnswerModel


class _ModelCard(_Out):
    id: str
    object: Literal["model"]
    created: int
    owned_by: str


class ModelList(_Out):
    object: Literal["list"]
    data: list[_ModelCard]
