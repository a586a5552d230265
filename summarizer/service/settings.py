"""The environment variables the service reads, and its default root folder (no heavy imports: the CLI loads this)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ROOT_ENV", "SEED_ENV", "PRIVATE_URLS_ENV", "default_root"]

ROOT_ENV = "SUMMARIZER_SERVICE_ROOT"  # the folder holding one store folder a collection
SEED_ENV = "SUMMARIZER_SERVICE_SEEDS"  # "1": a new, empty root starts with the collection "seeds"
PRIVATE_URLS_ENV = "SUMMARIZER_ALLOW_PRIVATE_URLS"  # "1": links to private addresses may be fetched


def default_root() -> Path:
    """``$SUMMARIZER_SERVICE_ROOT``, else ``$XDG_DATA_HOME/summarizer-service`` (``~/.local/share/...``)."""
    if os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "summarizer-service"
