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

from .collection import Collection
from .compare import Comparison, Difference, Rewrite
from .results import Answer, Citation, CitedSentence, Summary

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
]
