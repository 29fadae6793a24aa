"""Threads inside a simulation's per-record kernels: the same bits as one thread, used only where they may be."""

from __future__ import annotations

import threading

import numba
import numpy as np
import pytest

from commonwealth import kernel_threads, sorting
from commonwealth.engine import HouseholdEconomy
from commonwealth.errors import UserError
from commonwealth.kernel_threads import record_kernel, set_kernel_threads, use_threads, worker_threads
from commonwealth.scenario import load_scenario

two_cores = pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="Numba sees one core")


@pytest.fixture
def threads(monkeypatch):
    """Set the kernels' threads and threshold for one test; restored after it."""
    monkeypatch.setattr(kernel_threads, "_threads", None)

    def configure(n: int, min_records: int = 0) -> None:
        monkeypatch.setattr(kernel_threads, "PARALLEL_MIN_RECORDS", min_records)
        monkeypatch.setattr(sorting, "_GATHER_THREADS_MIN", min_records)
        set_kernel_threads(n)

    return configure


def _run(name: str) -> tuple[list[dict], dict[str, bytes]]:
    sim = HouseholdEconomy(load_scenario(name).with_population(3_000))
    values = [sim.step().values for _ in range(6)]
    arrays = {k: v.tobytes() for k, v in vars(sim.pop).items() if isinstance(v, np.ndarray)}
    return values, arrays


def _bits(values: list[dict]) -> list[dict]:
    return [{k: np.float64(v).tobytes() if isinstance(v, float) else v for k, v in year.items()} for year in values]


@two_cores
@pytest.mark.parametrize("name", ["business-as-usual", "american-equity-fund"])
def test_a_simulation_on_two_threads_has_the_bits_of_one(threads, name) -> None:
    """Every metric of every year and every population array at the end, bit for bit, with every parallel
    kernel on two threads (threshold 0) and on one."""
    threads(1)
    serial_values, serial_arrays = _run(name)
    threads(2)
    parallel_values, parallel_arrays = _run(name)
    assert _bits(parallel_values) == _bits(serial_values)
    assert parallel_arrays == serial_arrays


@two_cores
def test_a_gather_on_two_threads_has_the_bits_of_the_fused_pass(threads) -> None:
    """The split gather (values on the threads, then the running sums) against the one-pass kernel: sorted
    values, weights, running sums, Σ w·x and the status, with and without values already in order."""
    rng = np.random.default_rng(3)
    x, w = rng.lognormal(0.0, 2.0, 50_001), rng.random(50_001)
    order = np.argsort(x, kind="stable")
    results = []
    for n in (1, 2):
        threads(n)
        results.append((sorting.gather_cumulative(order, x, w), sorting.gather_weights(order, x[order], w)))
    (one, one_in_order), (two, two_in_order) = results
    for a, b in ((one, two), (one_in_order, two_in_order)):
        assert [np.asarray(v).tobytes() for v in a] == [np.asarray(v).tobytes() for v in b]


@two_cores
def test_counting_breaks_and_taking_on_two_threads_equal_numpy(threads) -> None:
    rng = np.random.default_rng(4)
    values = rng.normal(size=40_003)
    values[::13] = np.nan
    breaks = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
    index = rng.integers(0, values.size, values.size)
    threads(2)
    np.testing.assert_array_equal(sorting.count_at_or_below(breaks, values),
                                  np.searchsorted(breaks, values, side="right"))
    assert sorting.take(values, index).tobytes() == values[index].tobytes()
    with pytest.raises(ValueError, match="outside"):
        sorting.take(values, np.append(index, values.size))


def _double(x):
    out = np.empty(x.size)
    for i in numba.prange(x.size):
        out[i] = 2.0 * x[i]
    return out


def test_a_record_kernel_runs_its_parallel_build_only_where_threads_may_be_used(threads, monkeypatch) -> None:
    kernel = record_kernel(_double)
    calls = []
    monkeypatch.setattr(kernel, "parallel", lambda x: calls.append("parallel") or kernel.serial(x))
    threads(2, min_records=100)
    x = np.arange(150.0)
    np.testing.assert_array_equal(kernel(x), 2.0 * x)
    assert calls == ["parallel"]
    kernel(x[:99])  # below the threshold
    assert calls == ["parallel"]
    worker = threading.Thread(target=kernel, args=(x,))  # off the main thread (the server's jobs)
    worker.start()
    worker.join()
    assert calls == ["parallel"]
    threads(1, min_records=100)
    kernel(x)
    assert calls == ["parallel"]


def test_threads_are_used_for_enough_records_in_the_main_thread_only(threads) -> None:
    threads(2, min_records=1_000)
    assert use_threads(1_000) == (numba.config.NUMBA_NUM_THREADS >= 2)
    assert not use_threads(999)
    seen = []
    worker = threading.Thread(target=lambda: seen.append(use_threads(10**6)))
    worker.start()
    worker.join()
    assert seen == [False]
    threads(1, min_records=1_000)
    assert not use_threads(10**6)


@pytest.mark.parametrize("value", ["two", "0", "-1", "100000"])
def test_a_bad_thread_count_in_the_environment_is_refused_naming_it(monkeypatch, value) -> None:
    monkeypatch.setattr(kernel_threads, "_threads", None)
    monkeypatch.setenv(kernel_threads.ENV, value)
    with pytest.raises(UserError, match=rf"COMMONWEALTH_KERNEL_THREADS has value '?{value}'?; allowed: a whole number"):
        kernel_threads.kernel_threads()


def test_the_environment_sets_the_threads_and_a_run_checks_it_before_any_work(monkeypatch) -> None:
    from commonwealth.api import workers_for

    monkeypatch.setattr(kernel_threads, "_threads", None)
    monkeypatch.setenv(kernel_threads.ENV, "1")
    assert kernel_threads.kernel_threads() == 1
    monkeypatch.setattr(kernel_threads, "_threads", None)
    monkeypatch.setenv(kernel_threads.ENV, "lots")
    with pytest.raises(UserError, match="COMMONWEALTH_KERNEL_THREADS"):
        workers_for([load_scenario("status-quo")])


def test_a_sweep_checks_the_threads_in_the_environment_before_any_work(monkeypatch) -> None:
    from commonwealth.sweep import check_execution

    monkeypatch.setattr(kernel_threads, "_threads", None)
    monkeypatch.setenv(kernel_threads.ENV, "-2")
    with pytest.raises(UserError, match="COMMONWEALTH_KERNEL_THREADS has value -2"):
        check_execution("local", 2, None)


def test_set_kernel_threads_refuses_what_numba_cannot_run(threads) -> None:
    with pytest.raises(UserError, match="allowed: a whole number of threads from 1"):
        set_kernel_threads(0)
    with pytest.raises(UserError, match="NUMBA_NUM_THREADS"):
        set_kernel_threads(numba.config.NUMBA_NUM_THREADS + 1)


def test_each_worker_process_gets_its_share_of_the_threads(threads) -> None:
    threads(numba.config.NUMBA_NUM_THREADS)
    assert worker_threads(1) == numba.config.NUMBA_NUM_THREADS
    assert worker_threads(numba.config.NUMBA_NUM_THREADS) == 1
    assert worker_threads(10 * numba.config.NUMBA_NUM_THREADS) == 1
