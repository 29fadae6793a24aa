"""The American Equity Fund's per-record kernels against the numpy expressions they replace, bit for bit."""

from __future__ import annotations

import numpy as np

from commonwealth.policy.equity_fund import _by_holding, _land_tax, _net_gain


def test_equity_fund_kernels_equal_the_numpy_expressions_to_the_last_bit():
    rng = np.random.default_rng(0)
    n, firms = 10_007, 40
    housing_land, other_land = rng.lognormal(10, 2, n), rng.lognormal(8, 3, n) * (rng.random(n) < 0.3)
    equity_index, equity_concentrated = rng.lognormal(9, 2, n), rng.lognormal(9, 3, n) * (rng.random(n) < 0.1)
    stake_firm = np.where(equity_concentrated > 0, rng.integers(0, firms, n), -1)
    per_unit = np.append(rng.uniform(0.0, 0.1, firms), 0.0)  # trailing 0 for records without a stake (−1)
    dividend = np.where(rng.random(n) < 0.9, 1_234.5, 0.0)
    land = (housing_land + other_land) * 1.17
    np.testing.assert_array_equal(_land_tax(housing_land, other_land, 1.0, 1.17), land)
    np.testing.assert_array_equal(_land_tax(housing_land, other_land, 0.013, 1.17),
                                  0.013 * (housing_land + other_land) * 1.17)
    holding = equity_index * 0.021 + equity_concentrated * per_unit[stake_firm]
    np.testing.assert_array_equal(_by_holding(equity_index, equity_concentrated, stake_firm, 0.021, per_unit), holding)
    np.testing.assert_array_equal(
        _net_gain(dividend, equity_index, equity_concentrated, stake_firm, land, 0.025, 0.021, per_unit, 0.013),
        dividend - 0.025 * holding - 0.013 * land)


def test_the_phase_in_share_is_clipped_to_the_unit_interval_as_numpy_clips():
    from commonwealth.policy.equity_fund import _unit_interval

    for x in (-1.0, -0.0, 0.0, 0.3, 1.0, 2.0, float("inf"), -float("inf"), float("nan")):
        assert np.float64(_unit_interval(x)).tobytes() == np.float64(np.clip(x, 0.0, 1.0)).tobytes()
