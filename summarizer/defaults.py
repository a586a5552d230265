"""Where the default collection lives, and the seed articles it (and only it) starts with."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from index import Embedder
from index.store import DB_FILE

from .collection import Collection

__all__ = ["default_store_dir", "seeds_dir", "open_collection", "STORE_ENV", "SEEDS_ENV"]

logger = logging.getLogger(__name__)

STORE_ENV = "SUMMARIZER_STORE"
SEEDS_ENV = "SUMMARIZER_SEEDS"


def default_store_dir() -> Path:
    """``$SUMMARIZER_STORE``, else ``$XDG_DATA_HOME/summarizer`` (``~/.local/share/summarizer``)."""
    if os.environ.get(STORE_ENV):
        return Path(os.environ[STORE_ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "summarizer"


def seeds_dir() -> Path | None:
    """The sample articles: ``$SUMMARIZER_SEEDS``, else ``seeds/`` beside the package, if present."""
    if os.environ.get(SEEDS_ENV):
        return Path(os.environ[SEEDS_ENV]).expanduser()
    here = Path(__file__).resolve().parent.parent / "seeds"
    return here if here.is_dir() else None


def open_collection(
    path: str | Path | None = None, *, seed: bool | None = None, embedder: Embedder | None = None
) -> Collection:
    """Open the collection in ``path`` (default: :func:`default_store_dir`).

    Only the default store is a demo: when new, it starts with the seed articles. Any other folder starts
    empty (``seed=True`` or ``seed=False`` decides for any folder).
    """
    path = Path(path).expanduser() if path is not None else default_store_dir()
    if seed is None:
        seed = _same_dir(path, default_store_dir())
    is_new = not (path / DB_FILE).exists()
    col = Collection(path, embedder=embedder)
    seeds = seeds_dir()
    if is_new and seed and seeds is not None:
        logger.info("new default collection in %s: adding the seed articles from %s", path, seeds)
        col.add_files([seeds])
    return col


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
