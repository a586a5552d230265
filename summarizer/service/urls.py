"""Which links the service may fetch: http(s) to public addresses only, unless private ones are allowed."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from .problems import UrlNotAllowedError

__all__ = ["check_url", "address_kind"]

_PORTS = {"http": 80, "https": 443}


def address_kind(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """None for a public address, else what it is (loopback, private, link-local incl. metadata, ...)."""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    for kind, flag in (("loopback", addr.is_loopback), ("link-local (cloud metadata)", addr.is_link_local),
                       ("private", addr.is_private), ("multicast", addr.is_multicast),
                       ("unspecified", addr.is_unspecified), ("reserved", addr.is_reserved)):
        if flag:
            return kind
    return None if addr.is_global else "non-public"


def check_url(url: str, *, allow_private: bool = False) -> str:
    """The URL when the service may fetch it; raises UrlNotAllowedError naming the link and the reason.

    Every address the host resolves to must be public. (The fetch resolves again: this stops links to
    internal services, not an attacker who controls a DNS server and answers differently the second time.)
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in _PORTS:
        raise UrlNotAllowedError(f"{url}: only http and https links are read")
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise UrlNotAllowedError(f"{url}: bad port ({exc})") from None
    if not host:
        raise UrlNotAllowedError(f"{url}: no host name")
    if allow_private:
        return url
    try:
        infos = socket.getaddrinfo(host, port or _PORTS[parts.scheme.lower()], type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UrlNotAllowedError(f"{url}: host {host!r} not found ({exc})") from None
    for *_, sockaddr in infos:
        addr = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        kind = address_kind(addr)
        if kind:
            raise UrlNotAllowedError(f"{url}: {host} is at {addr}, a {kind} address; the service reads links "
                                     "from public addresses only (start it with --allow-private-urls to change that)")
    return url
