"""Exceptions raised for bad input; each message names the file, the line or the limit."""

from __future__ import annotations

__all__ = [
    "IngestError",
    "MissingPathError",
    "NoReadableFilesError",
    "EmptyDocumentError",
    "BinaryFileError",
    "FileTooLargeError",
    "UnsupportedFileError",
    "DocumentNotFoundError",
    "EmptyQuestionError",
    "InputTooLargeError",
    "StoreError",
]


class IngestError(ValueError):
    """A document could not be added; nothing was stored."""


class MissingPathError(IngestError, FileNotFoundError):
    """A path given to add does not exist."""


class NoReadableFilesError(IngestError):
    """A directory holds no .txt or .md file."""


class EmptyDocumentError(IngestError):
    """A file or text holds nothing but white space."""


class BinaryFileError(IngestError):
    """A file is not text (NUL bytes or mostly control characters)."""


class FileTooLargeError(IngestError):
    """A file or text is over the size limit."""


class UnsupportedFileError(IngestError):
    """A file's extension is not one we read."""


class InputTooLargeError(ValueError):
    """A question or pasted text is over its size limit."""


class DocumentNotFoundError(LookupError):
    """No document has that id."""

    def __str__(self) -> str:  # LookupError would quote the message like a KeyError
        return str(self.args[0]) if self.args else "document not found"


class EmptyQuestionError(ValueError):
    """A question is empty or only white space."""


class StoreError(RuntimeError):
    """The store on disk is damaged or was written by an incompatible version."""
