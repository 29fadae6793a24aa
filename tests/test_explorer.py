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


def test_explorer_gives_every_comparison_table_of_compare_call_after_call(explorer) -> None:
    """The baseline's own tables (Lorenz curves, ownership, decile ranks, its differences from itself) are derived
    once and kept: a second and third comparison give what a fresh compare() gives."""
    fresh = simulate("status-quo", "wealth-tax", "land-value-tax", size=SIZE, years=YEARS, seed=1)
    for reform in ("wealth-tax", "land-value-tax", "wealth-tax"):
        expected = compare([fresh["status-quo"], fresh[reform]], baseline="status-quo")
        got = explorer.compare(reform)
        for table in ("differences", "deciles", "lorenz", "ownership", "budget"):
            pd.testing.assert_frame_equal(getattr(got, table), getattr(expected, table), obj=f"{reform} {table}")
