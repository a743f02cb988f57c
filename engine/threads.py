"""How many threads numpy's BLAS may use: one control for the CLI, the window and the benchmarks.

Why it matters here: the mini-batches are small, so extra BLAS threads gain little, and when the cores
are busy (a GUI thread, other programs) spinning BLAS threads make every matrix product up to 10-20x
slower (bench_worker.py: the 784-256-128-10 model trained at 37 steps/s in the window with two BLAS
threads, 289 with one). And the rounding of a product depends on how it is split between threads, so
a fixed count makes a training run reproducible on any number of cores.

Built on threadpoolctl, which finds the BLAS numpy loaded (OpenBLAS, MKL, BLIS, ...). Where it finds
none, every call here does nothing and says so (None / False).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache


@cache
def _blas_controllers() -> tuple:
    import numpy  # noqa: F401  (the BLAS must be loaded before threadpoolctl looks for it)
    from threadpoolctl import ThreadpoolController

    return tuple(ThreadpoolController().select(user_api="blas").lib_controllers)


def set_blas_threads(n: int | None) -> int | None:
    """Let the BLAS use `n` threads (None: change nothing); returns the count before, None if no BLAS."""
    controllers = _blas_controllers()
    if not controllers:
        return None
    before = int(controllers[0].get_num_threads())
    if n is not None:
        for c in controllers:
            c.set_num_threads(int(n))
    return before


@contextmanager
def blas_threads(n: int = 1) -> Iterator[bool]:
    """Inside the block the BLAS uses `n` threads; yields whether that could be arranged."""
    before = set_blas_threads(n)
    try:
        yield before is not None
    finally:
        if before is not None:
            set_blas_threads(before)
