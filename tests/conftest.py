"""Shared fixtures: the real MiniLM embedder (loaded once), the seeds, and a tiny fake embedder for pure logic."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from index import default_embedder
from summarizer import Collection
from tests.local_site import site  # noqa: F401 (a session fixture: the local web site for fetch tests)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# ../shared beside the checkout; a git worktree one level deeper (../wt/<name>) finds it one level further up
SHARED = next((d for d in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if d.is_dir()), ROOT.parent / "shared")


class FakeEmbedder:
    """A real, tiny embedder: hashed bag of lowercase words, unit length. Deterministic; no model."""

    name = "fake-bow-64"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.encoded = 0

    def encode(self, texts):
        self.calls += 1
        self.encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w+", t.lower()):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


@pytest.fixture(scope="session")
def embedder():
    """The packaged all-MiniLM-L6-v2, shared by every test in the run."""
    return default_embedder()


@pytest.fixture
def fake_embedder():
    return FakeEmbedder()


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def seeds(embedder, seed_paths) -> Collection:
    """An in-memory collection of the three seeds with the real model. Read-only: do not add or remove."""
    col = Collection(embedder=embedder)
    col.add_files(seed_paths)
    return col


def doc_by_prefix(col: Collection, prefix: str):
    """The document whose file name starts with ``prefix`` (the seeds: "000", "003", "004")."""
    return next(d for d in col.documents if d.path and Path(d.path).name.startswith(prefix))
