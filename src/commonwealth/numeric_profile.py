"""One numeric profile on every x86-64 machine: the same inputs give the same bits on any CPU with AVX2.

Two libraries choose their code for the CPU when they load, and their choices differ in the last bit:

* **numpy** dispatches its loops by instruction set. With AVX-512 it runs its own vectorised ``exp``,
  ``log``, ``power`` …; without it, the C library's. Last-bit differences in one household's income become,
  through the model's thresholds (a billionaire, a vote, an heir's rank, a job lost), a record that flips;
  thirty years on, aggregates differ. Measured when this module was written: on an AMD EPYC with AVX-512,
  426 of the 687 stored expected-output values (``scenarios/expected``) differed from those of an
  AVX2-only Intel Xeon, by up to 2.1e-5 relative (the fund's top-0.1 % wealth share in 2055), and one
  billionaire.
* **OpenBLAS** picks a kernel per CPU (Haswell, SkylakeX, Zen …) that orders a product's sums differently.
  The model's own sums avoid BLAS (:mod:`commonwealth.sums`); SciPy's ODE solver, which the growth
  closure uses, does not.

So, when ``commonwealth`` is imported before numpy (the command line, ``make``, a script or notebook that
imports it first, the spawned worker processes), it asks both for the common AVX2 + FMA level of every
x86-64 CPU since 2013–2015: ``NPY_ENABLE_CPU_FEATURES=X86_V3`` (numpy ≥ 2.4's name) and
``OPENBLAS_CORETYPE=Haswell``. Numba's kernels need nothing: compiled without ``fastmath`` they give the
same bits for any target CPU (checked with ``NUMBA_CPU_NAME=haswell`` and ``generic``).

The cost is speed where numpy's AVX-512 loops are faster (measured in benchmarks/; the model's hot loops
are Numba's). It is not applied — and :func:`status` says why — when numpy was imported first, off x86-64,
on a CPU without AVX2 and FMA, with numpy older than 2.4, when the user set any of those variables, or
with ``COMMONWEALTH_NATIVE_SIMD=1``. Results are then still deterministic on that machine, but may differ
from the stored expected outputs in the last digits. Same-bits also needs the same package versions
(``requirements/constraints.txt`` pins those the tests ran with) and the same C library.
"""

from __future__ import annotations

import functools
import os
import platform
import sys
from importlib import metadata

#: numpy's name (≥ 2.4) of the x86-64-v3 level: AVX, AVX2, FMA3, F16C, BMI (every x86-64 CPU since ~2015).
NUMPY_FEATURES = "X86_V3"
#: The OpenBLAS kernel family of that level.
OPENBLAS_KERNELS = "Haswell"
#: Variables that, when the user set them, mean the user chose the profile.
USER_VARIABLES = ("NPY_ENABLE_CPU_FEATURES", "NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE")
#: The profile's name in records (run.json) when applied.
PROFILE = "x86-64-v3"
#: Set beside the variables, so that a worker process started from this one knows they are the profile's.
MARKER = "COMMONWEALTH_NUMERIC_PROFILE"

@functools.cache
def apply() -> str:
    """Apply the profile once per process (before numpy loads); returns :func:`status`."""
    return _apply()


def status() -> str:
    """``"x86-64-v3"`` when applied, otherwise ``"native (<why>)"``."""
    return apply()


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _numpy_version() -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in metadata.version("numpy").split(".")[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return (0,)


def _apply() -> str:
    if os.environ.get(MARKER) == PROFILE and os.environ.get("NPY_ENABLE_CPU_FEATURES") == NUMPY_FEATURES \
            and os.environ.get("OPENBLAS_CORETYPE") == OPENBLAS_KERNELS:
        return PROFILE  # inherited from the process that started this one (a spawned worker)
    if os.environ.get("COMMONWEALTH_NATIVE_SIMD") == "1":
        return "native (COMMONWEALTH_NATIVE_SIMD=1)"
    chosen = [name for name in USER_VARIABLES if name in os.environ]
    if chosen:
        return f"native (set by the user: {', '.join(chosen)})"
    if "numpy" in sys.modules:
        return "native (numpy was imported before commonwealth)"
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return f"native ({platform.machine()} is not x86-64)"
    if not {"avx2", "fma"} <= _cpu_flags():
        return "native (the CPU lacks AVX2 or FMA, or its flags are unreadable)"
    if _numpy_version() < (2, 4):
        return "native (numpy older than 2.4 names its CPU features differently)"
    os.environ["NPY_ENABLE_CPU_FEATURES"] = NUMPY_FEATURES
    os.environ["OPENBLAS_CORETYPE"] = OPENBLAS_KERNELS
    os.environ[MARKER] = PROFILE
    return PROFILE
