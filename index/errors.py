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
    "NoArticleTextError",
    "LoginWallError",
    "BrokenHtmlError",
    "PdfError",
    "BrokenPdfError",
    "EncryptedPdfError",
    "ScannedPdfError",
    "UnsupportedUrlError",
    "BlockedAddressError",
    "FetchError",
    "DnsError",
    "FetchTimeoutError",
    "HttpStatusError",
    "TooManyRedirectsError",
    "ResponseTooLargeError",
    "UnsupportedContentError",
    "FeedError",
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


class NoArticleTextError(IngestError):
    """A web page (or feed entry) holds no article text: navigation, an index page, an empty or script-only page."""


class LoginWallError(NoArticleTextError):
    """A web page is a login or subscription wall: a password form and hardly any text."""


class BrokenHtmlError(IngestError):
    """A file said to be HTML cannot be parsed as a web page at all."""


class PdfError(IngestError):
    """A PDF cannot be read: see the subclasses."""


class BrokenPdfError(PdfError):
    """A PDF file is damaged or not a PDF."""


class EncryptedPdfError(PdfError):
    """A PDF is encrypted with a password."""


class ScannedPdfError(PdfError):
    """A PDF has no text layer (a scan): it would need OCR."""


class UnsupportedUrlError(IngestError):
    """A URL we do not fetch: a scheme other than http(s), no host, or credentials in it."""


class BlockedAddressError(UnsupportedUrlError):
    """A URL's host is a loopback, private, link-local or metadata address and private addresses are refused."""


class FetchError(IngestError):
    """A URL could not be fetched: see the subclasses."""


class DnsError(FetchError):
    """A URL's host name does not resolve."""


class FetchTimeoutError(FetchError):
    """Connecting to or reading from a URL took too long."""


class HttpStatusError(FetchError):
    """The server answered with a 4xx or 5xx status."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class TooManyRedirectsError(FetchError):
    """A URL redirected more times than allowed."""


class ResponseTooLargeError(FetchError, FileTooLargeError):
    """A response body (after decompression) is over the size limit."""


class UnsupportedContentError(FetchError, UnsupportedFileError):
    """A URL answered with a content type we do not read (not HTML, PDF, text or a feed)."""


class FeedError(IngestError):
    """An RSS or Atom feed cannot be read or links to no article."""


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
