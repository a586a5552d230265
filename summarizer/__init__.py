"""Multi-document summarization with cited answers: the public API."""

from index import errors as _errors
from index.errors import *  # noqa: F403 (the exceptions, listed once in index.errors.__all__)
from index import Document, Embedder, Sentence, default_embedder

from .answer import NO_ANSWER
from .collection import MAX_FILE_BYTES, SUFFIXES, Collection
from .sources import FeedResult
from .compare import Comparison, Difference, Rewrite
from .defaults import STORE_ENV, default_store_dir, open_collection, seeds_dir
from .results import (Answer, Citation, CitationNumbers, CitedSentence, SourceDifference, Summary,
                      conversation_markdown, document_label)
from .summary import METHODS, RATIO

__all__ = [
    "Collection",
    "Document",
    "Sentence",
    "Embedder",
    "default_embedder",
    "Answer",
    "conversation_markdown",
    "Summary",
    "CitedSentence",
    "Citation",
    "SourceDifference",
    "Comparison",
    "Rewrite",
    "Difference",
    *_errors.__all__,
    "FeedResult",
    "open_collection",
    "seeds_dir",
    "CitationNumbers",
    "document_label",
    "default_store_dir",
    "STORE_ENV",
    "METHODS",
    "RATIO",
    "NO_ANSWER",
    "SUFFIXES",
    "MAX_FILE_BYTES",
]
