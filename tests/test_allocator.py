"""The allocator setting is applied once, and only where it is wanted."""

from __future__ import annotations

import sys

import pytest

from commonwealth import allocator


def test_the_setting_is_applied_once_per_process():
    first = allocator.retain_freed_memory()
    assert allocator.retain_freed_memory() is first
    if sys.platform.startswith("linux") and allocator._apply():
        assert first is True


@pytest.mark.parametrize("env", [{"COMMONWEALTH_SYSTEM_MALLOC": "1"}, {"MALLOC_TRIM_THRESHOLD_": "131072"},
                                 {"MALLOC_MMAP_THRESHOLD_": "131072"}, {"MALLOC_MMAP_MAX_": "65536"},
                                 {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"}])
def test_the_user_can_keep_the_system_allocator(monkeypatch, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert allocator._apply() is False


def test_large_arrays_are_allocated_in_the_main_thread_and_in_others_with_no_block_mapped_alone():
    """With ``M_MMAP_MAX`` 0 a block larger than a thread's arena can hold comes from the main heap (glibc's
    retry): 160 MB arrays, freed and allocated again, in the main thread and in another one."""
    import threading

    import numpy as np

    allocator.retain_freed_memory()
    sums = []

    def allocate() -> None:
        for _ in range(2):
            a = np.ones(20_000_000)
            sums.append(float(a.sum()))
            del a

    allocate()
    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert sums == [2e7] * 4


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_free_pages_inside_the_heap_are_handed_back():
    """A 160 MB array freed below a live one leaves a hole the heap keeps resident; releasing the free pages
    gives it back (resident memory falls by most of it) and the heap still serves the next array."""
    import numpy as np

    if not allocator.retain_freed_memory():
        pytest.skip("glibc did not take the setting")

    def resident() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096

    hole = np.ones(20_000_000)
    above = np.ones(1_000_000)  # keeps the hole off the top of the heap
    del hole
    before = resident()
    assert allocator.release_free_pages() is True
    assert before - resident() > 100e6
    again = np.ones(20_000_000)
    assert float(again.sum()) == 2e7 and float(above.sum()) == 1e6
