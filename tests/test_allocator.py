"""The allocator setting is applied once, and only where it is wanted."""

from __future__ import annotations

import sys

import numpy as np
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


def test_keep_in_place_writes_the_new_values_into_the_kept_array_and_returns_it():
    kept = np.zeros(5)
    new = np.arange(5.0)
    got = allocator.keep_in_place(kept, new)
    assert got is kept
    np.testing.assert_array_equal(kept, new)
    new[0] = 9.0  # a copy, not a view of the temporary
    assert kept[0] == 0.0
    assert allocator.keep_in_place(kept, kept) is kept


@pytest.mark.parametrize("kept", [None, np.zeros(4), np.zeros(5, dtype=np.float32),
                                  np.broadcast_to(np.zeros(1), (5,))],
                         ids=["nothing kept", "another shape", "another dtype", "read-only broadcast"])
def test_keep_in_place_hands_back_the_new_array_where_it_cannot_write(kept):
    new = np.arange(5.0)
    assert allocator.keep_in_place(kept, new) is new


def test_writable_hands_back_the_kept_array_when_a_kernel_can_write_into_it():
    kept = np.zeros(5)
    assert allocator.writable(kept, 5) is kept
    flags = np.zeros(5, dtype=bool)
    assert allocator.writable(flags, (5,), np.bool_) is flags


@pytest.mark.parametrize("kept", [None, np.zeros(4), np.zeros(5, dtype=np.float32), np.zeros(10)[::2],
                                  np.broadcast_to(np.zeros(1), (5,))],
                         ids=["nothing kept", "another shape", "another dtype", "not contiguous", "read-only"])
def test_writable_makes_a_new_array_where_a_kernel_cannot_write(kept):
    got = allocator.writable(kept, 5)
    assert got is not kept and got.shape == (5,) and got.dtype == np.float64 and got.flags.writeable
