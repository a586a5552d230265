"""One BLAS thread while a question is answered: its matrix products are small, and idle OpenBLAS threads spin."""

from __future__ import annotations

import logging
import threading
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


_held = threading.Lock()
_depth = 0  # blocks open now, in every thread: the first one in sets the limit, the last one out restores it
_limiter = None


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS held to one thread inside the block, as it was after it (also when blocks of several threads overlap).

    An ask multiplies a few hundred vectors by one to four: too little to share out, yet OpenBLAS wakes its other
    threads for it, and they spin after the product on the core the encoder and the Python steps need. Held to
    one, the CPU time of an ask at a million sentences halves and the question encodes in 17-18 ms, not 23-25.

    OpenBLAS (numpy 2.4's) ignores the limit when it is set in a thread other than the main one after the main
    thread once set one: a process that asks in its main thread and later in others (not the app, the CLI or the
    service) keeps two BLAS threads in the others. Answers are the same either way.
    """
    global _depth, _limiter
    ctl = _controller()
    if ctl is None:  # pragma: no cover
        yield
        return
    with _held:
        if _depth == 0:
            _limiter = ctl.limit(limits=1, user_api="blas")
        _depth += 1
    try:
        yield
    finally:
        with _held:
            _depth -= 1
            if _depth == 0 and _limiter is not None:
                _limiter.restore_original_limits()
                _limiter = None
