"""Keep freed array memory for reuse instead of handing it back to the operating system.

Every simulated year allocates dozens of per-record arrays (flows, temporaries) and frees last year's.
With glibc's default settings, freed blocks of more than 128 KiB raise the allocator's mmap threshold
but the top of the heap is trimmed — returned to the kernel — as soon as 2 × that threshold is free, so
the next year's arrays get fresh pages, which the kernel must fault in and zero page by page. On this
project's benchmark machine a fresh 800 KB array (100,000 records) costs about 0.2 ms in page faults,
several times the arithmetic done on it (docs/performance.md). Fixing the mmap threshold at 32 MiB
(glibc's own ceiling for its dynamic threshold) and trimming only above 512 MiB of free heap lets each
year reuse the previous year's memory. Arrays of 32 MiB and more (4M records and up) are still mapped
and unmapped by themselves. See ``mallopt(3)``.

The cost: the process keeps up to 512 MiB of freed heap instead of returning it, so its peak resident
memory is a little higher (about +0.1 GiB at 1M and at 10M records when it was introduced; see
docs/performance.md for current figures),
and a long-lived host (a notebook, a server) keeps that memory until it exits. The setting applies to
the whole process, once, when the first engine is built (:class:`commonwealth.engine.HouseholdEconomy`).
It is skipped off Linux, when the C library has no ``mallopt`` (the call is then refused or ignored),
when the user already tunes glibc's allocator (``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``
or ``glibc.malloc`` in ``GLIBC_TUNABLES``), and when ``COMMONWEALTH_SYSTEM_MALLOC=1``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import sys

#: ``mallopt`` parameter numbers (glibc ``malloc.h``).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: Blocks at least this large are mapped on their own (bytes; glibc's maximum dynamic threshold).
MMAP_THRESHOLD = 32 * 1024**2
#: Free memory at the top of the heap kept before any is returned to the system (bytes).
TRIM_THRESHOLD = 512 * 1024**2

@functools.cache
def retain_freed_memory() -> bool:
    """Apply the setting above once per process; True when glibc accepted it."""
    return _apply()


def _apply() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get("COMMONWEALTH_SYSTEM_MALLOC") == "1":
        return False
    if any(name in os.environ for name in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")):
        return False
    if "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # no C library found, or one without mallopt
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
