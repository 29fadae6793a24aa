"""Threads inside one simulation: the per-record kernels whose records are independent, on every core.

A kernel written as a loop over records with ``numba.prange`` is compiled twice by :func:`record_kernel`:
as written with one thread (``prange`` is ``range`` there) and with ``parallel=True``, which splits the
records among the threads. Each record's arithmetic is the same operations in the same order in both, so
the results are the same bits whatever the number of threads. Only loops in which no record reads what
another wrote — maps, gathers and scatters to distinct places — are written this way; sums across
records stay serial and in their fixed order (:mod:`commonwealth.sums`), since splitting them would
change their rounding with the number of threads.

When the threads are used (:func:`use_threads`): for at least :data:`PARALLEL_MIN_RECORDS` records, in a
process's main thread, when :func:`kernel_threads` is above one. The main thread only, because the server
runs jobs in worker threads, several at once, and Numba's fallback threading layer (``workqueue``, used
where neither OpenMP nor TBB is installed) must not be entered from two threads at a time; a worker
process of a parallel run (:func:`commonwealth.api.run_all` with ``workers``) gets its share of the cores,
so that draws in parallel processes do not also compete for threads inside each.

Measured on this machine (Intel Xeon, 2 cores, OpenMP layer), a map reading six float64 arrays and writing
four: ×1.74 at 20,000 records, ×1.90 at 100,000, ×2.32 at 1M (the arrays in the two cores' second-level
caches), ×1.89 at 10M; one core does not saturate the memory bandwidth here. The radix sort
(:mod:`commonwealth.sorting`) splits its records into consecutive parts on the threads in its own
kernels, not through :func:`record_kernel`: a stable order is unique, so the parts give the serial order.
"""

from __future__ import annotations

import os
import threading
import types
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
from numba import njit

from commonwealth.errors import UserError

__all__ = ["ENV", "PARALLEL_MIN_RECORDS", "RecordKernel", "enter_threads", "kernel_threads", "record_kernel",
           "set_kernel_threads", "use_threads", "worker_threads"]

#: The environment variable that sets :func:`kernel_threads` (a whole number, 1 … the cores Numba sees).
ENV = "COMMONWEALTH_KERNEL_THREADS"

#: Below this many records a kernel runs on one thread. Measured on this machine (2026-12-07, whole
#: simulations with one thread and with two): at 20,000 records the interactive call was no faster (p50
#: 243 against 242 ms), at 100,000 a 31-year run took the same time (1.27 s; the kernels gained about 11 ms
#: of its 390, lost again to the rest of the year), at a million ×1.07. A kernel over fewer records is a
#: few tens of microseconds, in which starting a parallel region and the threads' caches sharing the data
#: win back little.
PARALLEL_MIN_RECORDS = 131_072

_threads: int | None = None


def _allowed() -> int:
    return int(numba.config.NUMBA_NUM_THREADS)


def _check(n: int, source: str) -> int:
    if not 1 <= n <= _allowed():
        raise UserError(f"{source} has value {n}; allowed: a whole number of threads from 1 to {_allowed()} "
                        "(the cores Numba sees, NUMBA_NUM_THREADS)")
    return n


def kernel_threads() -> int:
    """Threads a simulation's parallel kernels use: :func:`set_kernel_threads`' value if set, else
    ``COMMONWEALTH_KERNEL_THREADS`` if set, else every core Numba sees (``NUMBA_NUM_THREADS``)."""
    global _threads
    if _threads is None:
        env = os.environ.get(ENV)
        if env:
            try:
                n = int(env)
            except ValueError:
                raise UserError(f"{ENV} has value {env!r}; allowed: a whole number of threads from 1 to "
                                f"{_allowed()}") from None
            _threads = _check(n, ENV)
        else:
            _threads = _allowed()
    return _threads


def set_kernel_threads(n: int) -> None:
    """Use ``n`` threads in the parallel kernels from now on (1: serial)."""
    global _threads
    _threads = _check(int(n), "kernel threads")


def worker_threads(workers: int) -> int:
    """Each of ``workers`` processes of a parallel run: its share of :func:`kernel_threads`, at least one."""
    return max(1, kernel_threads() // max(1, int(workers)))


def use_threads(records: int, min_records: int | None = None) -> bool:
    """Whether a kernel over ``records`` records runs on :func:`kernel_threads` threads (module docstring);
    ``min_records`` for a kernel whose threads pay only above a threshold of its own."""
    return (records >= max(PARALLEL_MIN_RECORDS, min_records or 0) and kernel_threads() > 1
            and threading.current_thread() is threading.main_thread())


def enter_threads() -> int:
    """Set Numba's threads for this thread's next parallel kernels to :func:`kernel_threads`; returns them
    (for a kernel that splits its records into that many parts itself)."""
    n = kernel_threads()
    numba.set_num_threads(n)
    return n


class RecordKernel:
    """One per-record loop compiled serial (:attr:`serial`) and parallel (:attr:`parallel`); calling it runs
    the parallel build when :func:`use_threads` says so for the length of its first argument (the records).
    The serial build is the one to call from other compiled kernels."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.serial = njit(cache=True)(fn)
        # a copy of the function under its own name, so that Numba's cache keeps the two builds apart
        twin = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + "_parallel", fn.__defaults__,
                                  fn.__closure__)
        twin.__qualname__ = fn.__qualname__ + "_parallel"
        twin.__doc__ = fn.__doc__
        self.parallel = njit(cache=True, parallel=True)(twin)
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__
        self.__wrapped__ = fn

    def __call__(self, *args: Any) -> Any:
        if use_threads(np.shape(args[0])[0]):
            enter_threads()
            return self.parallel(*args)
        return self.serial(*args)


def record_kernel(fn: Callable[..., Any]) -> RecordKernel:
    """Decorator: ``fn`` (a loop over records with ``numba.prange``, no record reading another's result) as a
    :class:`RecordKernel`."""
    return RecordKernel(fn)
