"""Ingestion on a Ray cluster: files read, split and embedded in Ray Data batches on the workers, stored by the driver."""

from __future__ import annotations

import logging
import os
import pickle
from dataclasses import replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .documents import Document, char_batches
from .embeddings import Embedder, MiniLMEmbedder
from .formats import new_document, read_file
from .store import PreparedDocument, Store, prepare

__all__ = ["add_files_on_ray", "RAY_INSTALL_HINT", "FILES_PER_TASK"]

logger = logging.getLogger(__name__)

RAY_INSTALL_HINT = "distributed ingestion needs Ray Data: pip install 'mdsum[ray]' (ray[data]>=2.9)"
FILES_PER_TASK = 16  # files a worker reads, splits and embeds per call: some hundreds of sentences, one encode


def _ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise ImportError(RAY_INSTALL_HINT) from exc
    return ray


class _ReadSplitEmbed:
    """A Ray Data actor: its embedder (the model loaded once per worker, on its GPU when it has one) and one call
    per batch of files: read, check, split, embed each distinct body sentence once; one pickled document a row."""

    def __init__(self, embedder: Embedder) -> None:
        if isinstance(embedder, MiniLMEmbedder) and embedder.device == "cpu" and _has_cuda():
            embedder = MiniLMEmbedder(batch_size=embedder.batch_size, device="cuda")
        self.embedder = embedder

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        docs = [prepare(new_document(read_file(read), path=path, title=Path(path).stem))
                for read, path in zip(batch["read"].tolist(), batch["path"].tolist())]
        texts = sorted({t for p in docs for t in p.body_texts()}, key=len)  # sorted by length: little padding
        vecs = self.embedder.encode(texts) if texts else np.zeros((0, self.embedder.dim), dtype=np.float32)
        row = {t: i for i, t in enumerate(texts)}
        out = [pickle.dumps(replace(p, vectors=vecs[[row[t] for t in p.body_texts()]].reshape(-1, self.embedder.dim)))
               for p in docs]
        return {"order": batch["order"], "doc": np.array(out, dtype=object)}


def _has_cuda() -> bool:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch comes with sentence-transformers
        return False
    return bool(torch.cuda.is_available())


def _connect(ray, address: str | None) -> bool:
    """Join the cluster at ``address`` (else ``RAY_ADDRESS``, else a running or new local instance); True when
    this call started the connection (and so ends it)."""
    if ray.is_initialized():
        return False
    address = address or os.environ.get("RAY_ADDRESS") or None
    ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False,
             runtime_env={"py_modules": [str(Path(__file__).resolve().parent)]} if address else None)
    return True


def add_files_on_ray(
    store: Store, files: Sequence[Path], sizes: Sequence[int], *, address: str | None = None,
    workers: int | None = None, progress: Callable[[int, int], None] | None = None, batch_chars: int,
) -> list[Document]:
    """Add checked files (``sizes``: their lengths in characters) through a Ray Data pipeline.

    Workers (``workers`` actors, default: one per GPU, else one per CPU of the cluster but one) read, split and
    embed ``FILES_PER_TASK`` files a call; the driver receives the documents in file order and writes them
    with :meth:`Store.add_prepared` in the same batches of about ``batch_chars`` characters as the local path,
    one transaction each. Files must be readable at the same path on every node (a shared file system).
    """
    ray = _ray()
    started = _connect(ray, address)
    ctx = ray.data.DataContext.get_current()
    keep_order, keep_bars = ctx.execution_options.preserve_order, ctx.enable_progress_bars
    ctx.execution_options.preserve_order = True  # documents come back in file order: the same ids as locally
    ctx.enable_progress_bars = False  # the caller's progress callback reports; Ray Data's own bars and logs do not
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    try:
        gpus = int(ray.cluster_resources().get("GPU", 0))
        n = workers or gpus or max(1, int(ray.cluster_resources().get("CPU", 1)) - 1)  # a CPU left for the driver
        ds = ray.data.from_items([{"order": i, "read": str(Path(f).resolve()), "path": str(f)}
                                  for i, f in enumerate(files)])
        ds = ds.map_batches(_ReadSplitEmbed, fn_constructor_kwargs={"embedder": store.embedder},
                            batch_size=FILES_PER_TASK, batch_format="numpy", compute=ray.data.ActorPoolStrategy(size=n),
                            num_gpus=1 if gpus else 0, num_cpus=0 if gpus else 1)
        logger.info("ingesting %d files on Ray with %d workers (%d GPUs)", len(files), n, gpus)
        return _write_in_order(store, ds, char_batches(list(sizes), batch_chars), progress)
    finally:
        ctx.execution_options.preserve_order, ctx.enable_progress_bars = keep_order, keep_bars
        if started:
            ray.shutdown()


def _write_in_order(store: Store, ds, batches: list[list[int]], progress) -> list[Document]:
    """Store the pipeline's documents batch by batch as they arrive (one transaction per batch)."""
    out: list[Document] = []
    pending: list[PreparedDocument] = []
    total = sum(len(b) for b in batches)
    todo = iter(batches)
    want = len(next(todo, []))
    with store.bulk():
        for block in ds.iter_batches(batch_size=None, batch_format="numpy"):
            for blob in block["doc"]:
                pending.append(pickle.loads(blob))
                if len(pending) == want:
                    out.extend(store.add_prepared(pending))
                    pending, want = [], len(next(todo, []))
                    if progress:
                        progress(len(out), total)
    if pending:  # cannot happen when every file came back; kept so nothing read is dropped
        out.extend(store.add_prepared(pending))
    return out
