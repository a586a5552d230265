"""The learned sentence ranker: fitted weights read from a small plain JSON file and applied with numpy alone."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .features import FEATURES, pool_relative
from .roundup_words import WordRates

__all__ = ["Ranker", "load_ranker", "RANKER_FILE", "FORMAT"]

logger = logging.getLogger(__name__)

RANKER_FILE = Path(__file__).with_name("ranker.json")  # written by bench/train_ranker.py
FORMAT = "mdsum-ranker-1"


@dataclass(frozen=True)
class Ranker:
    """A sentence scorer over :data:`summarizer.summary.features.FEATURES`: a linear model, or boosted trees.

    Trees are stored flat: node ``k`` splits on column ``feature[k]`` (``x <= threshold[k]`` goes to ``left[k]``,
    else ``right[k]``), or is a leaf (``feature[k] == -1``) worth ``value[k]``; ``roots`` are the trees' first
    nodes. The score is ``bias`` plus the linear part plus every tree's leaf value. A ``relative`` ranker reads
    each feature twice, as it is and as its z-score within the scored pool (:func:`pool_relative`), so ``x`` must
    hold one whole pool.
    """

    features: tuple[str, ...]
    bias: float = 0.0
    coef: np.ndarray | None = None  # linear weights per feature, applied to (x - mean) / scale
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None
    roots: np.ndarray | None = None
    feature: np.ndarray | None = None
    threshold: np.ndarray | None = None
    left: np.ndarray | None = None
    right: np.ndarray | None = None
    value: np.ndarray | None = None
    depth: int = 0  # longest root-to-leaf path
    rates: WordRates = WordRates()  # the word rates its word features are read from (summarizer.summary.roundup_words)
    relative: bool = False  # columns: the features, then their z-scores within the pool

    def score(self, x: np.ndarray) -> np.ndarray:
        """One score per row of ``x`` (columns in :attr:`features` order); higher is better."""
        x = pool_relative(x) if self.relative else np.asarray(x, dtype=np.float64)
        out = np.full(len(x), self.bias)
        if self.coef is not None:
            out += ((x - self.mean) / self.scale) @ self.coef
        if self.roots is not None and len(x):
            node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
            rows = np.arange(len(x))[:, None]
            for _ in range(self.depth):
                f = self.feature[node]
                inner = f >= 0
                go_left = x[rows, np.where(inner, f, 0)] <= self.threshold[node]
                node = np.where(inner, np.where(go_left, self.left[node], self.right[node]), node)
            out += self.value[node].sum(axis=1)
        return out.astype(np.float32)


def _array(data: dict, key: str, dtype) -> np.ndarray | None:
    return np.asarray(data[key], dtype=dtype) if key in data else None


@lru_cache(maxsize=4)
def load_ranker(path: str | Path = RANKER_FILE) -> Ranker:
    """The ranker in ``path`` (default: the one shipped in the package), read once per path."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ValueError(f"{path}: cannot read the sentence ranker ({e})") from e
    if data.get("format") != FORMAT:
        raise ValueError(f"{path}: not a sentence ranker of format {FORMAT} (found {data.get('format')!r})")
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path}: ranker trained on features {data['features']}, the package computes {list(FEATURES)}")
    trees = data.get("trees", {})
    rates = data.get("rates", {})
    ranker = Ranker(
        tuple(data["features"]), float(data.get("bias", 0.0)),
        _array(data, "coef", np.float64), _array(data, "mean", np.float64), _array(data, "scale", np.float64),
        _array(trees, "roots", np.int64), _array(trees, "feature", np.int64), _array(trees, "threshold", np.float64),
        _array(trees, "left", np.int64), _array(trees, "right", np.int64), _array(trees, "value", np.float64),
        int(trees.get("depth", 0)), WordRates(dict(rates.get("words", {})), dict(rates.get("pairs", {}))),
        bool(data.get("relative", False)),
    )
    _check_shapes(path, ranker)
    logger.info("loaded the sentence ranker %s (%s)", path.name, data.get("model", "?"))
    return ranker


def _check_shapes(path: Path, r: Ranker) -> None:
    """Refuse a ranker whose weights do not fit the columns it will score (the features, twice when relative)."""
    columns = len(r.features) * (2 if r.relative else 1)
    for name in ("coef", "mean", "scale"):
        part = getattr(r, name)
        if part is not None and part.shape != (columns,):
            raise ValueError(f"{path}: {name} holds {part.size} weights, the ranker scores {columns} columns")
    if (r.coef is None) != (r.mean is None) or (r.coef is None) != (r.scale is None):
        raise ValueError(f"{path}: a linear ranker needs coef, mean and scale together")
    if r.roots is not None:
        nodes = [r.feature, r.threshold, r.left, r.right, r.value]
        if any(a is None or a.shape != r.feature.shape for a in nodes):
            raise ValueError(f"{path}: the trees' node arrays are missing or of different lengths")
        inner = r.feature >= 0
        n = len(r.feature)
        bad = (r.feature >= columns).any() or (r.roots < 0).any() or (r.roots >= n).any() or (
            inner & ((r.left < 0) | (r.left >= n) | (r.right < 0) | (r.right >= n))).any()
        if bad:
            raise ValueError(f"{path}: a tree node points outside the {columns} columns or the {n} nodes")
