"""The vector index against brute force: exact below the threshold, calibrated IVF above, removal and bytes."""

from __future__ import annotations

import numpy as np
import pytest

from index.vectors import VectorIndex


def clustered(n: int, dim: int = 64, centers: int = 200, seed: int = 0) -> np.ndarray:
    """Unit vectors around random centres: the shape sentence embeddings have."""
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((centers, dim)).astype(np.float32)
    x = c[rng.integers(0, centers, n)] + 0.6 * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def brute(vecs: np.ndarray, ids: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    return ids[np.argsort(-(q @ vecs.T), axis=1)[:, :k]]


def recall(got: np.ndarray, want: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / want.shape[1] for a, b in zip(got, want)]))


@pytest.mark.parametrize("threshold, kind", [(10**9, "flat"), (2_000, "ivf")])
def test_search_matches_brute_force(threshold, kind):
    x = clustered(12_000)
    ids = np.arange(12_000, dtype=np.int64) * 3 + 7  # ids are not positions
    index = VectorIndex(64, ivf_threshold=threshold)
    for lo in range(0, len(x), 1_000):
        index.add(ids[lo : lo + 1_000], x[lo : lo + 1_000])
    assert index.kind == kind and index.ntotal == len(x)
    q = clustered(100, seed=1)
    _, got = index.search(q, 10)
    r = recall(got, brute(x, ids, q, 10))
    assert r == 1.0 if kind == "flat" else r >= 0.95
    if kind == "ivf":
        assert index.trained_on >= 8_000  # retrained as it grew past four times the first training size


@pytest.mark.parametrize("threshold", [10**9, 2_000])
def test_remove_reconstruct_and_bytes_round_trip(threshold):
    x = clustered(6_000, seed=2)
    ids = np.arange(6_000, dtype=np.int64) + 100
    index = VectorIndex(64, ivf_threshold=threshold)
    index.add(ids, x)
    gone = ids[::3]
    assert index.remove(gone) == len(gone)
    kept_mask = np.ones(len(ids), bool)
    kept_mask[::3] = False
    again = VectorIndex.from_bytes(index.to_bytes(), 64)
    assert again.kind == index.kind and again.ntotal == kept_mask.sum()
    tol = 0 if again.kind == "flat" else 1e-3  # IVF keeps float16 codes: about 3 significant digits
    assert np.allclose(again.reconstruct(ids[kept_mask][:50]), x[kept_mask][:50], atol=tol, rtol=tol)
    _, got = again.search(x[:30], 5)
    assert not set(got.ravel()) & set(gone.tolist())
    all_ids, all_vecs = again.all_vectors()
    order = np.argsort(all_ids)
    assert np.array_equal(np.sort(again.ids()), ids[kept_mask])
    assert np.array_equal(all_ids[order], ids[kept_mask]) and np.allclose(all_vecs[order], x[kept_mask], atol=tol, rtol=tol)


def test_mismatched_dimension_is_refused():
    index = VectorIndex(64)
    with pytest.raises(ValueError, match="dimension"):
        VectorIndex.from_bytes(index.to_bytes(), 32)
    with pytest.raises(ValueError, match="ids for"):
        index.add(np.arange(3), clustered(2))
