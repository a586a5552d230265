"""Fetching a URL to ingest: http(s) only, timeouts, few redirects, a decoded-size cap, an optional address guard."""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .documents import MAX_FILE_BYTES
from .errors import (
    BlockedAddressError,
    DnsError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    UnsupportedContentError,
    UnsupportedUrlError,
)
from .formats import detect_format, format_of_content_type

__all__ = ["FetchLimits", "Fetched", "fetch", "check_url", "FETCH_LIMITS"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchLimits:
    """How long and how much a fetch may take."""

    connect_timeout: float = 10.0  # seconds to resolve and connect
    read_timeout: float = 20.0  # seconds of silence between two pieces of the response
    total_timeout: float = 60.0  # seconds for a whole response, however slowly it drips
    max_redirects: int = 5  # redirects followed before giving up
    max_bytes: int = MAX_FILE_BYTES  # decoded body bytes (after gzip): a gzip bomb is cut here
    user_agent: str = "mdsum/0.1 (article reader; +https://github.com/)"


FETCH_LIMITS = FetchLimits()


@dataclass(frozen=True)
class Fetched:
    """A fetched response: the final URL after redirects, the body, its content type and the format it holds."""

    url: str
    data: bytes
    content_type: str  # MIME type without parameters, lowercased; "" when the server sent none
    format: str  # "html", "pdf", "feed" or "text"


_REDIRECTS = (301, 302, 303, 307, 308)
# Content types refused before the body is read (nothing in them is an article we read).
_REFUSED_TYPES = ("image/", "audio/", "video/", "font/", "application/zip", "application/json", "application/javascript",
                  "text/css", "text/javascript", "application/gzip", "application/x-")
_XML_TYPES = ("application/xml", "text/xml", "application/x-xml")


def check_url(url: str, *, allow_private: bool = True) -> str:
    """The URL, stripped, if it is one we fetch: http or https with a host and no credentials.

    With ``allow_private=False`` its host must resolve only to public addresses: loopback, private,
    link-local (cloud metadata at 169.254.169.254), shared and reserved addresses raise BlockedAddressError.
    """
    if not isinstance(url, str) or not url.strip():
        raise UnsupportedUrlError(f"{url!r}: not a URL")
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f"{parts.scheme}:" if parts.scheme else "no scheme"
        raise UnsupportedUrlError(f"{url}: unsupported URL scheme ({scheme}); only http:// and https:// links are read")
    if not parts.hostname:
        raise UnsupportedUrlError(f"{url}: URL has no host")
    if parts.username or parts.password:
        raise UnsupportedUrlError(f"{_safe(url)}: URLs with a user name or password are not fetched")
    try:
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError as exc:
        raise UnsupportedUrlError(f"{url}: bad port ({exc})") from exc
    if not allow_private:
        _check_public(url, parts.hostname, parts.port or (443 if parts.scheme.lower() == "https" else 80))
    return url


def _check_public(url: str, host: str, port: int) -> None:
    for addr in _resolve(url, host, port):
        ip = ipaddress.ip_address(addr.split("%")[0])
        mapped = getattr(ip, "ipv4_mapped", None)
        ip = mapped or ip
        if not ip.is_global or ip.is_multicast:
            raise BlockedAddressError(
                f"{url}: refused, {host} resolves to {ip}, a loopback, private, link-local or reserved address"
            )


def _resolve(url: str, host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DnsError(f"{url}: cannot resolve host {host!r} ({getattr(exc, 'strerror', None) or exc})") from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def _safe(url: str) -> str:
    """A URL without its credentials (its host and port kept as written), fit for a message."""
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def _is_xml(content_type: str) -> bool:
    """True for an XML type (`text/xml`, `application/x-rss+xml`, ...): what it holds is sniffed, not assumed."""
    return content_type in _XML_TYPES or content_type.endswith("+xml")


def _refused(content_type: str) -> bool:
    """True for a content type that holds nothing we read (images, scripts, archives, `application/x-*` ...).

    A type we read (`application/x-pdf`, `application/x-rss+xml`) and any application XML (a feed under a type of
    its server's own) are let through to be read and sniffed.
    """
    if format_of_content_type(content_type) or (content_type.startswith("application/") and _is_xml(content_type)):
        return False
    return content_type.startswith(_REFUSED_TYPES)


def fetch(url: str, *, allow_private: bool = True, limits: FetchLimits = FETCH_LIMITS, transport=None) -> Fetched:
    """GET a URL: follow at most ``limits.max_redirects`` redirects (each checked like the first URL), stream the
    body under ``limits.max_bytes`` decoded bytes and ``limits.total_timeout`` seconds, and say what it holds.

    The content type decides the format (HTML, PDF, feed, text); a missing or generic one is sniffed.
    Raises UnsupportedUrlError / BlockedAddressError, DnsError, FetchTimeoutError, HttpStatusError,
    TooManyRedirectsError, ResponseTooLargeError, UnsupportedContentError or FetchError, naming the URL.
    """
    import httpx

    current = check_url(url, allow_private=allow_private)
    timeout = httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout)
    headers = {"User-Agent": limits.user_agent, "Accept-Encoding": "gzip, deflate",
               "Accept": "text/html,application/xhtml+xml,application/pdf,application/rss+xml,application/atom+xml,"
                         "text/plain;q=0.8,*/*;q=0.5"}
    deadline = time.monotonic() + limits.total_timeout
    with httpx.Client(timeout=timeout, follow_redirects=False, headers=headers, transport=transport) as client:
        for hop in range(limits.max_redirects + 1):
            if hop:  # every redirect target is checked like the first URL
                check_url(current, allow_private=allow_private)
            got = _get(client, current, limits, deadline)
            if isinstance(got, Fetched):
                return got
            current = got
    raise TooManyRedirectsError(f"{url}: more than {limits.max_redirects} redirects")


def _get(client, url: str, limits: FetchLimits, deadline: float) -> Fetched | str:
    """One request: the response, or the URL it redirects to."""
    import httpx

    try:
        with client.stream("GET", url) as resp:
            if resp.status_code in _REDIRECTS and resp.headers.get("location"):
                return urljoin(url, resp.headers["location"])
            if resp.status_code >= 400:
                raise HttpStatusError(
                    f"{url}: the server answered {resp.status_code} {resp.reason_phrase or ''}".rstrip(),
                    resp.status_code,
                )
            content_type = resp.headers.get("content-type", "").split(";")[0].strip().lower()
            if _refused(content_type):
                raise UnsupportedContentError(f"{url}: unsupported content type {content_type!r} (not an article)")
            data = _read_capped(resp, url, limits, deadline)
            return Fetched(str(resp.url), data, content_type, _format(data, url, content_type))
    except httpx.TimeoutException as exc:
        raise FetchTimeoutError(f"{url}: timed out ({type(exc).__name__}; limits {limits.connect_timeout:g} s to "
                                f"connect, {limits.read_timeout:g} s between reads)") from exc
    except httpx.ConnectError as exc:
        if "name or service" in str(exc).lower() or "resolution" in str(exc).lower():
            raise DnsError(f"{url}: cannot resolve host ({exc})") from exc
        raise FetchError(f"{url}: cannot connect ({exc})") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: fetch failed ({type(exc).__name__}: {exc})") from exc


def _format(data: bytes, url: str, content_type: str) -> str:
    """The content type decides; a PDF's magic bytes always win; a generic or missing type is sniffed."""
    fmt = detect_format(data, url, content_type or None)
    if _is_xml(content_type) and fmt not in ("feed", "html"):
        raise UnsupportedContentError(f"{url}: XML ({content_type}) that is neither a web page nor an RSS/Atom feed")
    return fmt


def _decoder(url: str, encoding: str):
    enc = encoding.strip().lower()
    if enc in ("", "identity"):
        return None
    if enc in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if enc == "deflate":
        return zlib.decompressobj()
    raise UnsupportedContentError(f"{url}: unsupported content encoding {enc!r}")


def _read_capped(resp, url: str, limits: FetchLimits, deadline: float) -> bytes:
    """The body, decoded, streamed: never more than ``limits.max_bytes`` bytes are held (a gzip bomb stops here)."""
    declared = resp.headers.get("content-length", "")
    encoding = resp.headers.get("content-encoding", "")
    if declared.isdigit() and not encoding and int(declared) > limits.max_bytes:
        raise ResponseTooLargeError(f"{url}: response of {int(declared):,} bytes is over the limit of {limits.max_bytes:,}")
    dec = _decoder(url, encoding)
    out = bytearray()
    for chunk in resp.iter_raw():
        if time.monotonic() > deadline:
            raise FetchTimeoutError(f"{url}: the response took longer than {limits.total_timeout:g} s")
        room = limits.max_bytes - len(out)
        try:
            piece = chunk if dec is None else dec.decompress(chunk, room + 1)
        except zlib.error as exc:
            raise FetchError(f"{url}: damaged {encoding} response ({exc})") from exc
        if len(piece) > room:
            raise ResponseTooLargeError(
                f"{url}: response is over the limit of {limits.max_bytes:,} bytes"
                + (f" once decompressed ({encoding})" if dec is not None else "")
            )
        out += piece
    return bytes(out)
