"""One BLAS thread while a question is answered: its matrix products are small, and idle OpenBLAS threads spin."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

__all__ = ["one_blas_thread"]

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _controller():
    """threadpoolctl's view of the BLAS libraries loaded now (numpy's, scipy's), made once; None without it."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - a dependency; without it asks only lose their speed-up
        logger.warning("threadpoolctl is not installed: BLAS keeps its threads during questions")
        return None
    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS held to one thread inside the block, as it was after it.

    An ask multiplies a few hundred vectors by one to four: too little to share out, yet OpenBLAS wakes its other
    threads for it, and they spin after the product on the core the encoder and the Python steps need. Held to
    one, the CPU time of an ask at a million sentences halves and the question encodes in 17-18 ms, not 23-25.
    """
    ctl = _controller()
    if ctl is None:  # pragma: no cover
        yield
        return
    with ctl.limit(limits=1, user_api="blas"):
        yield
