"""Multi-document summarization with cited answers: the public API."""

from index.errors import (
    BinaryFileError,
    DocumentNotFoundError,
    EmptyDocumentError,
    EmptyQuestionError,
    FileTooLargeError,
    IngestError,
    InputTooLargeError,
    MissingPathError,
    NoReadableFilesError,
    StoreError,
    UnsupportedFileError,
)
from index import Document, Embedder, Sentence, default_embedder

from .answer import NO_ANSWER
from .collection import MAX_FILE_BYTES, SUFFIXES, Collection
from .compare import Comparison, Difference, Rewrite
from .defaults import STORE_ENV, default_store_dir, open_collection
from .results import Answer, Citation, CitedSentence, SourceDifference, Summary
from .summary import METHODS

__all__ = [
    "Collection",
    "Document",
    "Sentence",
    "Embedder",
    "default_embedder",
    "Answer",
    "Summary",
    "CitedSentence",
    "Citation",
    "SourceDifference",
    "Comparison",
    "Rewrite",
    "Difference",
    "IngestError",
    "MissingPathError",
    "NoReadableFilesError",
    "EmptyDocumentError",
    "BinaryFileError",
    "FileTooLargeError",
    "UnsupportedFileError",
    "InputTooLargeError",
    "DocumentNotFoundError",
    "EmptyQuestionError",
    "StoreError",
    "open_collection",
    "default_store_dir",
    "STORE_ENV",
    "METHODS",
    "NO_ANSWER",
    "SUFFIXES",
    "MAX_FILE_BYTES",
]
