"""The numeric profile: numpy and OpenBLAS asked for the x86-64-v3 code paths before numpy loads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from commonwealth import numeric_profile


def _status_in_fresh_python(code: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items()
                   if k not in (*numeric_profile.USER_VARIABLES, numeric_profile.MARKER)}
    environment.update(env)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)
    return done.stdout.strip().splitlines()[-1]


def _machine_supports_the_profile() -> bool:
    fresh = _status_in_fresh_python("from commonwealth import numeric_profile; print(numeric_profile.status())")
    return fresh == numeric_profile.PROFILE


needs_profile = pytest.mark.skipif(not _machine_supports_the_profile(),
                                   reason="this machine cannot run the x86-64-v3 profile (not x86-64 with AVX2)")


@needs_profile
def test_the_test_suite_itself_runs_in_the_profile() -> None:
    """Nothing (no pytest plugin, no conftest) loaded numpy before commonwealth: the expected outputs hold."""
    assert numeric_profile.status() == numeric_profile.PROFILE


@needs_profile
def test_importing_commonwealth_first_selects_numpys_avx2_loops_and_openblas_haswell_kernels() -> None:
    code = ("import commonwealth, numpy as np, scipy.integrate, threadpoolctl\n"
            "from numpy.lib.introspect import opt_func_info\n"
            "info = opt_func_info(func_name='^(exp|log|power|add)$')\n"
            "targets = {t['current'] for f in info.values() for t in f.values()}\n"
            "kernels = {i.get('architecture') for i in threadpoolctl.threadpool_info()}\n"
            "print(sorted(targets), sorted(kernels))")
    targets, kernels = _status_in_fresh_python(code).split("] [")
    assert "X86_V3" in targets and "X86_V4" not in targets and "AVX512" not in targets
    assert kernels == "'Haswell']"


@needs_profile
def test_numpy_imported_first_leaves_the_machines_own_paths_and_says_so() -> None:
    status = _status_in_fresh_python("import numpy, commonwealth; print(commonwealth.numeric_profile.status())")
    assert status == "native (numpy was imported before commonwealth)"


@needs_profile
def test_a_users_own_choice_and_the_opt_out_are_respected() -> None:
    code = "import commonwealth; print(commonwealth.numeric_profile.status())"
    assert _status_in_fresh_python(code, OPENBLAS_CORETYPE="Zen") == "native (set by the user: OPENBLAS_CORETYPE)"
    assert _status_in_fresh_python(code, COMMONWEALTH_NATIVE_SIMD="1") == "native (COMMONWEALTH_NATIVE_SIMD=1)"


@needs_profile
def test_a_process_started_from_a_profiled_one_inherits_the_profile() -> None:
    code = "import commonwealth; print(commonwealth.numeric_profile.status())"
    inherited = {"NPY_ENABLE_CPU_FEATURES": numeric_profile.NUMPY_FEATURES,
                 "OPENBLAS_CORETYPE": numeric_profile.OPENBLAS_KERNELS, numeric_profile.MARKER: numeric_profile.PROFILE}
    assert _status_in_fresh_python(code, **inherited) == numeric_profile.PROFILE
