"""Frontier labs: their share of the AI surplus, their rows in the firm universe, forward-looking values."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.assets import build_firms
from commonwealth.base_year import build_base_year, check_ownership
from commonwealth.engine import HouseholdEconomy
from commonwealth.labs import (
    RentForecast,
    add_lab_rows,
    frontier_labs,
    herfindahl,
    lab_rent_weights,
    producer_surplus_share,
)
from commonwealth.markets import LabIndustry, Market
from commonwealth.scenario import load_scenario
from test_markets import firms as toy_firms


def test_cournot_sellers_take_two_thirds_as_a_monopoly_and_nothing_when_atomistic():
    assert producer_surplus_share(1.0) == pytest.approx(2 / 3)
    assert producer_surplus_share(0.25) == pytest.approx(2 / 6)  # four equal labs: 2/(N + 2)
    assert producer_surplus_share(1e-6) < 1e-5
    assert producer_surplus_share(0.0) == 0.0


def test_shipped_lab_shares_give_a_herfindahl_near_0_21_and_a_lab_share_near_0_3():
    hhi = herfindahl([lab.model_share for lab in frontier_labs()])
    assert hhi == pytest.approx(0.32**2 + 0.25**2 + 0.20**2 + 0.09**2)
    assert producer_surplus_share(hhi) == pytest.approx(0.2987, abs=1e-3)


def test_lab_rows_keep_every_ownership_identity_and_the_totals():
    pop, firms = build_base_year(2000, seed=0)
    with_labs = add_lab_rows(firms, frontier_labs())
    check_ownership(pop, with_labs)  # stakes, index total and rows summing to one are unchanged
    assert with_labs.value.sum() == pytest.approx(firms.value.sum(), rel=1e-12)
    openai = with_labs.value[with_labs.name == "OpenAI"][0]
    assert openai == pytest.approx(500e9 * (1 - 0.27))  # Microsoft's 27 % is inside Microsoft's value
    assert with_labs.value[with_labs.name == "Anthropic"][0] == pytest.approx(183e9)
    assert with_labs.size == firms.size + 2


def test_labs_earn_in_proportion_to_their_squared_shares_and_openai_shares_with_microsoft():
    firms = add_lab_rows(build_firms(), frontier_labs())
    weight = lab_rent_weights(firms, frontier_labs())
    assert weight.sum() == pytest.approx(1.0)
    share = {name: float(weight[firms.name == name][0]) for name in ("OpenAI", "Microsoft", "Anthropic", "Alphabet")}
    assert share["Microsoft"] / share["OpenAI"] == pytest.approx(0.27 / 0.73)
    assert share["Anthropic"] / (share["OpenAI"] + share["Microsoft"]) == pytest.approx((0.32 / 0.25) ** 2)
    assert share["Alphabet"] / share["Anthropic"] == pytest.approx((0.20 / 0.32) ** 2)


def test_present_value_of_a_constant_surplus_is_a_perpetuity():
    years = 400
    forecast = RentForecast(surplus_share=np.full(years, 0.1), gdp=np.ones(years), r=np.full(years, 0.05))
    assert forecast.present_value(0, 30e12, 0.05) == pytest.approx(0.1 * 30e12 / 0.05, rel=1e-9)
    # a higher return today discounts every later year more (the surprise persists)
    assert forecast.present_value(0, 30e12, 0.06) == pytest.approx(0.1 * 30e12 / 0.06, rel=1e-9)


def _lab_market(forecast: RentForecast) -> Market:
    firms = toy_firms()
    weight = np.array([0.0, 0.0, 0.0, 1.0])  # firm 3, unexposed, is the lab
    industry = LabIndustry(lab_share=0.3, lab_weight=weight, lab_rows=weight > 0,
                           paid_in=np.array([0.0, 0.0, 0.0, 0.2e12]), forecast=forecast)
    return Market.from_base(firms, book_total=5e12, r0=0.08, gdp0=30e12, land_total=25e12, land_rent0=1.5e12,
                            property_tax=0.01, rent_capture=0.5, expectation_years=10, industry=industry)


def _future_rents(start: int, share: float, years: int = 200) -> RentForecast:
    surplus = np.where(np.arange(years) >= start, share, 0.0)
    return RentForecast(surplus_share=surplus, gdp=np.ones(years), r=np.full(years, 0.08))


def test_base_year_values_are_reproduced_with_expected_rents_priced_in():
    m = _lab_market(_future_rents(5, 0.05))
    before = m.firms.value.copy()
    assert 0 < m.industry.belief <= 1
    income = m.firm_income(0.08 * 5e12, 30e12)  # no surplus yet: no rent is paid
    assert m.rents.sum() == 0
    m.revalue(income, 0.08, 0, 30e12)
    np.testing.assert_allclose(m.firms.value, before, rtol=1e-12)
    # the lab's book is its paid-in capital: the rest of its value is expected rent
    assert m.book[3] == pytest.approx(0.2e12, rel=1e-9)


def test_a_lab_value_jumps_on_news_of_rents_before_any_rent_is_paid():
    m = _lab_market(_future_rents(5, 0.05))
    income = m.firm_income(0.08 * 5e12, 30e12)
    m.revalue(income, 0.08, 0, 30e12)
    before = m.firms.value.copy()
    # news: the same rents expected two years sooner and twice as large
    m.industry = LabIndustry(**{**m.industry.__dict__, "forecast": _future_rents(3, 0.10)})
    m.revalue(income, 0.08, 0, 30e12)
    assert m.firms.value[3] > 1.5 * before[3]  # the lab jumps
    assert m.rents.sum() == 0  # no rent has been paid
    # every other firm gains only its fine-tuner share of the news, by exposure (firm 3 has none)
    assert np.all(m.firms.value[:3] >= before[:3])


def test_labs_take_theta_of_the_surplus_without_creating_income():
    m = _lab_market(_future_rents(5, 0.05))
    equity_income = 0.2 * 5e12
    income = m.firm_income(equity_income, 30e12)
    assert income.sum() == pytest.approx(equity_income, rel=1e-12)
    labs, fine, users = m.surplus_split
    surplus = m.ai_surplus(equity_income, 30e12)
    assert labs == pytest.approx(0.3 * surplus)
    assert fine == pytest.approx(0.5 * 0.7 * surplus)
    assert labs + fine + users == pytest.approx(surplus)
    assert m.rents[3] == pytest.approx(labs)  # the lab's rent, on top of its ordinary income


def test_compute_presets_have_labs_and_korinek_suh_presets_do_not():
    assert load_scenario("gate").labs_on and load_scenario("compute-10x").labs_on
    assert not load_scenario("business-as-usual").labs_on and not load_scenario("agi-20").labs_on


def test_gate_base_year_reproduces_the_2025_lab_valuations():
    sim = HouseholdEconomy(load_scenario("gate").with_population(2000))
    f = sim.firms
    for lab in frontier_labs():
        if lab.own_row:
            assert f.value[f.name == lab.name][0] == pytest.approx(lab.row_value, rel=1e-12)
    belief = sim.market.industry.belief
    assert 0 < belief < 1  # 2025 prices put less weight on GATE's rents than GATE itself
    rows = sim.market.industry.lab_rows
    books = sim.market.book[rows]
    paid = sim.market.industry.paid_in[rows]
    assert np.all(books >= paid * (1 - 1e-9))  # no lab's book below its paid-in capital
    assert np.any(np.isclose(books, paid, rtol=1e-9))  # and the binding lab's book is exactly it
