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
                                 {"MALLOC_MMAP_THRESHOLD_": "131072"},
                                 {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"}])
def test_the_user_can_keep_the_system_allocator(monkeypatch, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert allocator._apply() is False
