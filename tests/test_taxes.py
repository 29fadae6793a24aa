"""Status-quo taxes and transfers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonwealth.distribution import mid_rank
from commonwealth.parameters import ParameterSet
from commonwealth.ranking import band_index, band_rates_by_rank
from commonwealth.taxes import StatusQuo


def test_mid_rank_is_the_weighted_mid_rank():
    values = np.array([30.0, 10.0, 20.0])
    weights = np.array([1.0, 1.0, 2.0])
    # sorted: 10 (w1), 20 (w2), 30 (w1); total 4
    np.testing.assert_allclose(mid_rank(values, weights), [3.5 / 4, 0.5 / 4, 2.0 / 4])


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50), st.integers(0, 2**31 - 1))
def test_percentile_ranks_lie_in_the_unit_interval_and_follow_the_values(values, seed):
    values = np.asarray(values)
    weights = np.random.default_rng(seed).uniform(0.1, 10, values.size)
    ranks = mid_rank(values, weights)
    assert np.all((ranks > 0) & (ranks < 1))
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(ranks[order]) > 0)


def test_band_rates_pick_the_band_of_each_rank():
    # Weights 4, 0, 12, 4 (total 20) give the four records the mid-ranks 0.1, 0.2, 0.5 and 0.9 exactly;
    # a rank on a band edge belongs to the band above it.
    weights = np.array([4.0, 0.0, 12.0, 4.0])
    np.testing.assert_array_equal(mid_rank([1.0, 2.0, 3.0, 4.0], weights), [0.1, 0.2, 0.5, 0.9])
    rates = band_rates_by_rank([1.0, 2.0, 3.0, 4.0], weights, np.array([0.2, 0.9]), np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(rates, [1.0, 2.0, 2.0, 3.0])


@pytest.fixture
def status_quo() -> StatusQuo:
    return StatusQuo.from_parameters(ParameterSet(), 2025)


def test_schedule_combines_federal_and_state_local_rates(status_quo):
    p = ParameterSet()
    expected = np.add(p("taxes.federal_rates", 2025), p("taxes.state_local_rates", 2025))
    np.testing.assert_allclose(status_quo.rates, expected)
    assert status_quo.rates[0] < status_quo.rates[-1]  # progressive at the top


def test_transfers_top_up_to_the_floor_and_pay_pensions_past_retirement(status_quo):
    market = np.array([0.0, 5_000.0, 50_000.0, 0.0])
    age = np.array([30, 30, 30, 70])
    t = status_quo.transfers(market, age)
    assert t[0] == pytest.approx(status_quo.income_floor)
    assert t[1] == pytest.approx(status_quo.income_floor - 5_000)
    assert t[2] == 0
    assert t[3] == pytest.approx(status_quo.social_security)  # pension above the floor: no top-up


def test_income_taxes_apply_the_band_rate_to_positive_income(status_quo):
    income = np.linspace(-1000.0, 1e6, 1000)
    weights = np.ones_like(income)
    taxes = status_quo.income_taxes(income, weights)
    assert np.all(taxes[income <= 0] == 0)
    ratio = taxes[income > 0] / income[income > 0]
    assert set(np.round(ratio, 10)) <= set(np.round(status_quo.rates, 10))
    assert taxes[-1] == pytest.approx(status_quo.rates[-1] * 1e6)


def test_effective_estate_rate_collects_the_stated_revenue(status_quo):
    scaled = status_quo.with_effective_estate_rate(expected_taxable=1e12, revenue=32e9)
    assert scaled.estate_rate == pytest.approx(0.032)
    estate = np.array([status_quo.estate_exemption - 1, status_quo.estate_exemption + 1e6])
    np.testing.assert_allclose(scaled.estate_tax(estate), [0.0, 0.032e6])
    assert status_quo.with_effective_estate_rate(1.0, 1e9).estate_rate == status_quo.estate_rate  # capped


def test_compiled_marginal_rates_and_estate_tax_have_the_bits_of_the_numpy_expressions(status_quo):
    rng = np.random.default_rng(3)
    income, weights = rng.lognormal(10, 1.5, 1001), rng.uniform(1, 3, 1001)
    assert np.array_equal(status_quo.marginal_rates(income, weights),
                          status_quo.rates[band_index(income, weights, status_quo.breaks)])
    estate = np.concatenate([rng.lognormal(15, 2, 1000), [status_quo.estate_exemption, -0.0, np.nan]])
    expected = status_quo.estate_rate * np.maximum(estate - status_quo.estate_exemption, 0.0)
    assert np.array_equal(status_quo.estate_tax(estate).view(np.int64)[:-1], expected.view(np.int64)[:-1])
    assert np.isnan(status_quo.estate_tax(estate)[-1])


def test_compiled_maximum_and_clip_have_numpys_bits_on_ties_signed_zeros_and_nan() -> None:
    from commonwealth.taxes import clip, maximum

    special = [-np.inf, -1.0, -0.0, 0.0, 0.5, 1.0, np.inf, np.nan]

    def bits(x: float) -> int:
        return -1 if np.isnan(x) else int(np.float64(x).view(np.int64))  # every NaN as one NaN

    for a in special:
        for b in special:
            assert bits(maximum(a, b)) == bits(np.maximum(np.float64(a), np.float64(b))), (a, b)
            for high in (0.0, 1.0, np.nan):
                if not (b <= high) and not np.isnan(b) and not np.isnan(high):
                    continue  # numpy leaves low > high to the caller
                got = clip(a, b, high)
                assert bits(got) == bits(np.clip(np.array([a]), b, high)[0]), (a, b, high)
