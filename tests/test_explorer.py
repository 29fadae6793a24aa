"""The interactive Explorer: a cached baseline, reforms run against it, the same numbers as simulate()."""

from __future__ import annotations

import pandas as pd
import pytest

from commonwealth import Explorer, compare, simulate
from commonwealth.errors import UserError

SIZE, YEARS = 2_000, 4


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer("status-quo", size=SIZE, years=YEARS, seed=1)


def test_explorer_runs_a_reform_exactly_as_simulate_does(explorer) -> None:
    fresh = simulate("status-quo", "american-equity-fund", size=SIZE, years=YEARS, seed=1)
    pd.testing.assert_frame_equal(explorer.baseline_result.metrics, fresh["status-quo"].metrics)
    pd.testing.assert_frame_equal(explorer.run("american-equity-fund").metrics,
                                  fresh["american-equity-fund"].metrics)


def test_explorer_compares_against_its_cached_baseline_like_compare(explorer) -> None:
    fresh = simulate("status-quo", "wealth-tax", size=SIZE, years=YEARS, seed=1)
    expected = compare(fresh, baseline="status-quo")
    got = explorer.compare("wealth-tax")
    pd.testing.assert_frame_equal(got.differences, expected.differences)


def test_explorer_refuses_a_reform_named_like_its_baseline(explorer) -> None:
    with pytest.raises(UserError, match="like the baseline"):
        explorer.compare("status-quo")
