"""The HTTP service: named collections, keys, ingestion jobs, problem+json errors and an OpenAPI 3.1 contract."""

from __future__ import annotations

import importlib

__all__ = ["create_app", "app_from_env", "Keys", "load_keys", "parse_keys", "Limits", "LIMITS"]

_HOMES = {"create_app": "app", "app_from_env": "app", "Keys": "keys", "load_keys": "keys", "parse_keys": "keys",
          "Limits": "routes", "LIMITS": "routes"}


def __getattr__(name: str):
    """Loaded on first use, so `summarizer --help` does not import FastAPI."""
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
