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
cannot grow it in place) and the heap is trimmed only above 512 MiB of free memory at its top: each year
reuses the previous year's memory. Allocations from other threads that their own arena cannot hold fall
back to the main heap (glibc's retry), as they do when an arena is full.

The cost: the process keeps up to 512 MiB of freed heap instead of returning it, and a heap fragments
where separate mappings would not, so its peak resident memory is higher (about +0.3 GiB at 10M
records when ``M_MMAP_MAX`` was set; see docs/performance.md for current figures), and a long-lived host
(a notebook, a server) keeps that memory until it exits. At 4.2M records and more the engine hands the
free pages back twice a year (:func:`release_free_pages`), which bounds what fragmentation keeps.
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

#: ``mallopt`` parameter numbers (glibc ``malloc.h``).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_MMAP_MAX = -4
#: The threshold above which blocks would be mapped on their own (bytes; glibc's maximum dynamic threshold),
#: fixed so that it stops moving; with :data:`MMAP_MAX` 0 no block is mapped on its own.
MMAP_THRESHOLD = 32 * 1024**2
#: Records from which a per-record float64 array (8 bytes a record) is above :data:`MMAP_THRESHOLD`: from
#: there on, with no block mapped on its own, the year's largest arrays fragment the heap (4,194,304).
FRAGMENTING_RECORDS = MMAP_THRESHOLD // 8
#: Blocks mapped on their own at once, at most (0: none; glibc's default is 65,536).
MMAP_MAX = 0
#: Free memory at the top of the heap kept before any is returned to the system (bytes).
TRIM_THRESHOLD = 512 * 1024**2

@functools.cache
def retain_freed_memory() -> bool:
    """Apply the setting above once per process; True when glibc accepted it."""
    return _apply()


def release_free_pages() -> bool:
    """Hand the pages of the heap's free blocks back to the system (glibc ``malloc_trim(0)``, which also
    releases whole free pages inside the heap, not only at its top); True if any were released.

    The engine calls it twice a year (at the year's start and before consumption and saving) from
    :data:`FRAGMENTING_RECORDS` records, where the heap fragments: a year's temporaries that do not fit the
    holes the previous year left extend the heap, and the holes stay resident. Released pages are faulted in
    again when reused, twice a year instead of at every array. Does nothing unless
    :func:`retain_freed_memory` applied its setting."""
    trim = getattr(_libc(), "malloc_trim", None) if retain_freed_memory() else None
    return bool(trim(0)) if trim is not None else False


@functools.cache
def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    if hasattr(libc, "malloc_trim"):
        libc.malloc_trim.argtypes, libc.malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
    return libc


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
