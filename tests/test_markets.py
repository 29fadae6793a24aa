"""Markets: valuation, AI rents, retained earnings, issuance and land prices."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.assets import Firms, land_value
from commonwealth.markets import Market


def firms(n: int = 4) -> Firms:
    value = np.array([4.0, 3.0, 2.0, 1.0][:n]) * 1e12
    return Firms(
        name=np.array([f"f{i}" for i in range(n)], dtype=object), value=value, listed=np.ones(n, bool),
        aggregate=np.zeros(n, bool), sector=np.zeros(n, np.int8), ai_exposure=np.array([0.5, 0.1, 0.3, 0.0][:n]),
        revenue=value / 10, own_index=np.array([0.6, 0.5, 0.7, 0.8][:n]),
        own_concentrated=np.array([0.2, 0.3, 0.1, 0.0][:n]), own_foreign=np.array([0.2, 0.2, 0.2, 0.2][:n]),
        own_fund=np.zeros(n), own_public=np.zeros(n))


def market(**kw) -> Market:
    f = firms()
    args = dict(book_total=5e12, r0=0.08, gdp0=30e12, land_total=25e12, land_rent0=1.5e12, property_tax=0.01,
                rent_capture=0.5, expectation_years=10)
    args.update(kw)
    return Market.from_base(f, **args)


def test_base_year_values_are_reproduced_by_the_valuation_rule():
    m = market()
    before = m.firms.value.copy()
    income = m.firm_income(0.08 * 5e12, 30e12)
    m.revalue(income, 0.08)
    np.testing.assert_allclose(m.firms.value, before, rtol=1e-12)
    assert m.rent_share(0.08 * 5e12, 30e12) == 0.0


def test_ai_rents_move_income_to_exposed_firms_without_creating_any():
    m = market()
    equity_income = 0.2 * 5e12  # equity income well above its base share of GDP
    income = m.firm_income(equity_income, 30e12)
    assert income.sum() == pytest.approx(equity_income, rel=1e-12)
    rho = m.rent_share(equity_income, 30e12)
    assert 0 < rho <= m.rent_capture
    ordinary = equity_income * m.book / m.book.sum()
    assert income[0] > ordinary[0]  # the most exposed firm gains
    assert income[3] < ordinary[3]  # the unexposed firm loses


def test_issuance_keeps_every_holders_value_and_ownership_rows_at_one():
    m = market()
    f = m.firms
    before = {k: getattr(f, k) * f.value for k in ("own_index", "own_concentrated", "own_foreign")}
    price = m.index_price
    foreign = m.issue_to_index(1e11)
    np.testing.assert_allclose(f.ownership_total, 1.0, atol=1e-15)
    np.testing.assert_allclose(f.own_concentrated * f.value, before["own_concentrated"], rtol=1e-12)
    np.testing.assert_allclose(f.own_foreign, [0.2] * 4, rtol=1e-12)  # foreigners keep their share
    assert m.index_price == pytest.approx(price, rel=1e-12)  # issuance at the market price
    assert foreign == pytest.approx(float(np.sum(f.own_foreign * f.value - before["own_foreign"])), rel=1e-9)


def test_a_sale_of_the_whole_index_is_a_buyback_that_leaves_foreign_holdings_in_place():
    m = market()
    f = m.firms
    foreign_before = f.own_foreign * f.value
    index_value = float(np.dot(f.own_index, f.value))
    foreign = m.issue_to_index(-index_value * (1 - 1e-9))  # households sell (almost) all they hold
    assert foreign == 0.0 and (f.value > 0).all()
    np.testing.assert_allclose(f.own_foreign * f.value, foreign_before, rtol=1e-9)
    np.testing.assert_allclose(f.ownership_total, 1.0, atol=1e-12)


def test_retained_earnings_raise_value_and_book_one_for_one():
    m = market()
    value, book = m.firms.value.copy(), m.book.copy()
    retained = m.retain(np.array([1e11, 2e11, 0.0, 5e10]), 0.35)
    np.testing.assert_allclose(m.firms.value - value, retained)
    np.testing.assert_allclose(m.book - book, retained)
    np.testing.assert_allclose(retained, [0.35e11, 0.7e11, 0.0, 0.175e11])


def test_base_year_land_price_is_one_and_a_land_tax_capitalises():
    m = market()
    assert m.land_price(1.5e12, 0.08) == pytest.approx(1.0, rel=1e-12)
    g = m.expected_rent_growth()
    taxed = market()
    price = taxed.land_price(1.5e12, 0.08, tau_land=0.02)
    assert price * taxed.land_units == pytest.approx(land_value(1.5e12, taxed.discount_rate(0.08), g, 0.02, 0.01),
                                                     rel=1e-12)
    assert price < 1.0


def test_rent_expectations_extrapolate_past_growth():
    m = market(expectation_years=2)
    m.land_price(1.5e12, 0.08)
    assert m.expected_rent_growth() == pytest.approx(m.g_expected0)
    m.land_price(1.5e12 * np.exp(0.02), 0.08)
    assert m.expected_rent_growth() == pytest.approx((0.02 + m.g_expected0) / 2)
    m.land_price(1.5e12 * np.exp(0.05), 0.08)
    assert m.expected_rent_growth() == pytest.approx(0.025)  # two observed years, 5 log points
