"""The document and vector layer: loading, cleaning, sentence splitting, embeddings, FAISS + SQLite store."""

from .documents import MAX_FILE_BYTES, SUFFIXES, Document, Sentence, decode_bytes, expand_paths, read_text_file
from .embeddings import Embedder, MiniLMEmbedder, default_embedder, encode_queries
from . import errors
from .errors import *  # noqa: F403 (the exceptions, listed once in errors.__all__)
from .formats import Extracted, ExtractWeights, detect_format, extract
from .splitting import Span, split_text
from .store import NewDocument, Store

__all__ = [
    "Document",
    "Sentence",
    "Span",
    "split_text",
    "decode_bytes",
    "read_text_file",
    "expand_paths",
    "SUFFIXES",
    "MAX_FILE_BYTES",
    "Embedder",
    "MiniLMEmbedder",
    "default_embedder",
    "encode_queries",
    "NewDocument",
    "Store",
    *errors.__all__,
    "Extracted",
    "ExtractWeights",
    "detect_format",
    "extract",
]
