"""API keys: read-only or read-write bearer keys from ``SUMMARIZER_API_KEYS`` or a key file."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .problems import ForbiddenError, UnauthorizedError

__all__ = ["Keys", "parse_keys", "load_keys", "KEYS_ENV", "KEY_FILE_ENV", "READ_ONLY", "READ_WRITE"]

KEYS_ENV = "SUMMARIZER_API_KEYS"
KEY_FILE_ENV = "SUMMARIZER_API_KEY_FILE"
READ_ONLY = "ro"
READ_WRITE = "rw"
_KEY = re.compile(r"^[A-Za-z0-9._~+/=-]+$")  # RFC 6750 token characters


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


@dataclass(frozen=True)
class Keys:
    """The accepted keys (kept as SHA-256 digests), each read-only or read-write."""

    scopes: tuple[tuple[bytes, str], ...]

    def scope(self, key: str) -> str | None:
        """``"ro"``, ``"rw"`` or None for an unknown key; compares every digest in constant time."""
        d = _digest(key)
        found = None
        for digest, scope in self.scopes:
            if hmac.compare_digest(digest, d):
                found = scope
        return found

    def check(self, authorization: str | None, *, write: bool) -> None:
        """Raise 401 for a missing or unknown key, 403 for a read-only key on a request that changes something."""
        scheme, _, key = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise UnauthorizedError("this server needs an API key: send 'Authorization: Bearer <key>'")
        scope = self.scope(key.strip())
        if scope is None:
            raise UnauthorizedError("unknown API key")
        if write and scope != READ_WRITE:
            raise ForbiddenError("this key is read-only; the request changes the collection")

    def __len__(self) -> int:
        return len(self.scopes)


def parse_keys(text: str, source: str) -> Keys:
    """Keys from text: entries separated by commas or lines, each ``KEY`` or ``KEY:rw`` (read-write) or ``KEY:ro``.

    ``#`` starts a comment. Raises ValueError naming the source and the entry (never the key itself).
    """
    scopes = []
    entries = [e.strip() for line in text.splitlines() for e in line.split("#", 1)[0].split(",")]
    for n, entry in enumerate((e for e in entries if e), 1):
        key, _, scope = entry.partition(":")
        scope = scope.strip() or READ_WRITE
        if scope not in (READ_ONLY, READ_WRITE):
            raise ValueError(f"{source}: key {n} has scope {scope!r}; use ':ro' (read-only) or ':rw' (read-write)")
        if not _KEY.match(key.strip()):
            raise ValueError(f"{source}: key {n} is empty or holds characters a bearer token cannot hold")
        scopes.append((_digest(key.strip()), scope))
    if not scopes:
        raise ValueError(f"{source}: no keys")
    return Keys(tuple(scopes))


def load_keys(env: Mapping[str, str] | None = None, key_file: str | Path | None = None) -> Keys | None:
    """Keys from ``$SUMMARIZER_API_KEYS`` and the key file (``key_file`` or ``$SUMMARIZER_API_KEY_FILE``); or None."""
    env = os.environ if env is None else env
    text, sources = [], []
    if env.get(KEYS_ENV, "").strip():
        text.append(env[KEYS_ENV])
        sources.append(f"${KEYS_ENV}")
    path = key_file or env.get(KEY_FILE_ENV) or None
    if path:
        text.append(Path(path).expanduser().read_text(encoding="utf-8"))
        sources.append(str(path))
    return parse_keys("\n".join(text), " and ".join(sources)) if text else None
