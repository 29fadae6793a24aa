"""Scenarios and Monte Carlo draws in parallel processes give exactly the serial run's results."""

from __future__ import annotations

import pandas as pd
import pytest

from commonwealth import api
from commonwealth.errors import UserError


@pytest.mark.slow
def test_parallel_draws_equal_the_serial_run_bit_for_bit():
    scenarios = ("status-quo", "american-equity-fund-politics")
    serial = api.simulate(*scenarios, size=3000, years=6, workers=1)
    parallel = api.simulate(*scenarios, size=3000, years=6, workers=2)
    pd.testing.assert_frame_equal(serial.metrics, parallel.metrics, check_exact=True)
    for a, b in zip(serial.results, parallel.results, strict=True):
        assert a.audit == b.audit
        assert a.snapshots.keys() == b.snapshots.keys()
        for year in a.snapshots:
            pd.testing.assert_frame_equal(a.snapshots[year], b.snapshots[year], check_exact=True)
        if a.draws is not None:
            pd.testing.assert_frame_equal(a.draws, b.draws, check_exact=True)


def test_worker_counts(monkeypatch):
    small = [api.load_scenario("status-quo").with_population(2000)]
    assert api.workers_for(small) == 1  # from Python: serial unless asked
    assert api.workers_for(small, auto=True) == 1  # the command line: too small to be worth a process
    politics = [api.load_scenario("american-equity-fund-politics")]
    assert api.workers_for(politics, 8) == politics[0].politics.draws  # never more than the draws
    monkeypatch.setenv("COMMONWEALTH_WORKERS", "2")
    assert api.workers_for(politics) == 2
    monkeypatch.setenv("COMMONWEALTH_WORKERS", "many")
    with pytest.raises(UserError, match="COMMONWEALTH_WORKERS"):
        api.workers_for(politics)
    with pytest.raises(UserError, match="at least 1"):
        api.workers_for(politics, 0)
