"""Keep freed array memory for reuse instead of handing it back to the operating system.

Every simulated year allocates dozens of per-record arrays (flows, temporaries) and frees last year's.
With glibc's default settings a block of more than 128 KiB (a dynamic threshold, at most 32 MiB) is
mapped on its own and unmapped when freed, and the top of the heap is trimmed — returned to the kernel —
as soon as 2 × that threshold is free, so the next year's arrays get fresh pages, which the kernel must
fault in and zero. On this project's benchmark machine a fresh 800 KB array (100,000 records) costs
about 0.2 ms in page faults, several times the arithmetic done on it; at 10M records, where every
per-record array (80 MB) is above glibc's largest threshold and so always mapped afresh, a year took
about 14 s instead of 7.6 s (docs/performance.md). So no block is mapped on its own
(``M_MMAP_MAX`` = 0: every block comes from the heap, which glibc still extends by ``mmap`` when it
cannot grow it in place) and the heap is trimmed only above 2 GiB of free memory at its top (the largest
threshold ``mallopt`` takes; at 10M records about 2.35 GB of the heap is free at each year's end, glibc's
``mallinfo2``, so a lower threshold hands much of it back every year to be faulted in again): each year reuses the
previous year's memory. Allocations from other threads that their own arena cannot hold fall back to the
main heap (glibc's retry), as they do when an arena is full.

The cost: the process keeps up to 2 GiB of freed heap instead of returning it, and a long-lived host (a
notebook, a server) keeps that memory until it exits. A heap also fragments where separate mappings would
not: an array kept from one year to the next but replaced by a fresh one each year is a long-lived block
wherever that temporary was placed, and the heap grew year after year around such blocks (at 10M records,
a peak of 4.52 GiB after the first year and 4.91 after the fifth). The engine writes those arrays into
the ones it first made (:func:`keep_in_place`, :func:`writable`), so the year's temporaries are all freed
by its end and the heap stops growing (4.47 GiB at 10M records over 31 years; docs/performance.md).
The setting applies to the whole process, once, when the first engine is built
(:class:`commonwealth.engine.HouseholdEconomy`). It is skipped off Linux,
when the C library has no ``mallopt`` (the call is then refused or ignored), when the user already tunes
glibc's allocator (``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_MMAP_MAX_``, ``MALLOC_TRIM_THRESHOLD_`` or
``glibc.malloc`` in ``GLIBC_TUNABLES``), and when ``COMMONWEALTH_SYSTEM_MALLOC=1``. See ``mallopt(3)``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import sys

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: ``mallopt`` parameter numbers (glibc ``malloc.h``).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_MMAP_MAX = -4
#: The threshold above which blocks would be mapped on their own (bytes; glibc's maximum dynamic threshold),
#: fixed so that it stops moving; with :data:`MMAP_MAX` 0 no block is mapped on its own.
MMAP_THRESHOLD = 32 * 1024**2
#: Blocks mapped on their own at once, at most (0: none; glibc's default is 65,536).
MMAP_MAX = 0
#: Free memory at the top of the heap kept before any is returned to the system (bytes): the largest value
#: ``mallopt`` takes (a C int). At 10M records × 31 years, 512 MiB meant 4.61M page faults and 150.2 s of
#: simulation, this 0.46M and 142.2 s, at the same peak (docs/performance.md).
TRIM_THRESHOLD = 2**31 - 1

@functools.cache
def retain_freed_memory() -> bool:
    """Apply the setting above once per process; True when glibc accepted it."""
    return _apply()


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def _apply() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get("COMMONWEALTH_SYSTEM_MALLOC") == "1":
        return False
    if any(name in os.environ for name in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_")):
        return False
    if "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    try:
        mallopt = _libc().mallopt
    except (OSError, AttributeError):  # no C library found, or one without mallopt
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return (bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
            and bool(mallopt(M_MMAP_MAX, MMAP_MAX)))


def keep_in_place(kept: NDArray | None, new: ArrayLike) -> NDArray:
    """``new``'s values written into ``kept`` (the array that held last year's), which is returned; ``new``
    itself when there is nothing to write into (``None``, another shape or dtype, a read-only array such as a
    broadcast).

    For the per-record arrays the engine keeps from one year to the next (hours, employment, last year's
    marginal rates, a kept order …). Each year's new values are made in fresh temporaries; keeping them by
    replacing the old array would leave a long-lived block wherever in the heap the temporary happened to
    be, splitting the room the next year's temporaries need, so the heap grew from year to year at 10M
    records (or, handing free pages back each year to stop it, faulted them in again: 1.3–2 s a year more;
    docs/performance.md). Written into the array placed when the engine was built, every long-lived block
    stays where it was and the year's temporaries are all freed by its end: the heap stops growing after
    the first year. One copy a year per array (80 MB at 10M records, ≈ 10 ms). ``kept`` must be owned by its
    holder alone: whoever else holds it sees the new values."""
    if (isinstance(kept, np.ndarray) and kept.flags.writeable and isinstance(new, np.ndarray)
            and new.shape == kept.shape and new.dtype == kept.dtype):
        if new is not kept:
            np.copyto(kept, new)
        return kept
    return new if isinstance(new, np.ndarray) else np.asarray(new)


def writable(kept: NDArray | None, shape: tuple[int, ...] | int, dtype: type | np.dtype = np.float64) -> NDArray:
    """``kept`` when a kernel can write this year's values straight into it (a writable array of that shape
    and dtype: the one kept from last year), else a new empty array: :func:`keep_in_place` without the copy."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if (isinstance(kept, np.ndarray) and kept.flags.writeable and kept.flags.c_contiguous
            and kept.shape == shape and kept.dtype == np.dtype(dtype)):
        return kept
    return np.empty(shape, dtype=dtype)
