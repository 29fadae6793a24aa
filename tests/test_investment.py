"""Firms' response to the reforms' wedges on capital: user cost, capital abroad, payout, levy base."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from commonwealth.api import simulate
from commonwealth.behaviour import BehaviourSettings
from commonwealth.engine import HouseholdEconomy
from commonwealth.investment import (
    FirmParameters,
    FirmResponse,
    capital_abroad,
    levied_share,
    retention_ratio,
    retention_tax,
    user_cost_ratio,
)
from commonwealth.parameters import ParameterSet
from commonwealth.policy.ledger import INCOME_ON_CAPITAL_ABROAD
from commonwealth.scenario import load_scenario

SIZE = 2_000


def with_behaviour(name: str, **switches: bool):
    """A built-in scenario with the given behaviour switches (the other responses off, so that each test
    sees the firms' response alone)."""
    scenario = load_scenario(name)
    others = {k: False for k in BehaviourSettings.model_fields}
    return scenario.model_copy(update={"behaviour": BehaviourSettings(**{**others, **switches})})


def metric(result, name: str, year: int) -> float:
    m = result.metrics
    return float(m[(m.metric == name) & (m.year == year)]["value"].iloc[0])


# --- the equations on simple numbers ----------------------------------------------------------

def test_user_cost_response_matches_a_hand_calculation():
    # r = 5 %, δ = 5 %: c_0 = 0.10. A 2.5 % levy on value with q = 1.2 adds w = 0.03: c/c_0 = 1.3.
    ratio = user_cost_ratio(0.05, 0.05, 0.025 * 1.2)
    assert ratio == pytest.approx(1.3)
    # Demand falls to 1.3^−0.4 = 0.9004 of supply; half the gap (ζ = 0.5) of $100 leaves: $4.98.
    assert capital_abroad(100.0, ratio, -0.4, 0.5) == pytest.approx(0.5 * 100.0 * (1.0 - 1.3 ** -0.4))
    assert capital_abroad(100.0, ratio, -0.4, 0.5) == pytest.approx(4.98, abs=0.01)


def test_no_wedge_gives_the_status_quo_exactly():
    assert user_cost_ratio(0.05, 0.05, 0.0) == 1.0
    assert capital_abroad(100.0, 1.0, -0.4, 0.5) == 0.0
    assert retention_ratio(0.35, retention_tax(0.0, 10.0), 0.56) == 0.35
    assert levied_share(0.0, 10.0) == 1.0


def test_a_closed_economy_moves_no_capital_abroad():
    assert capital_abroad(100.0, 1.3, -0.4, 0.0) == 0.0


def test_a_more_elastic_demand_moves_more_capital_abroad():
    assert capital_abroad(100.0, 1.3, -1.0, 0.5) > capital_abroad(100.0, 1.3, -0.25, 0.5)


def test_payouts_rise_by_the_chetty_saez_elasticity():
    # The 2003 cut: the net-of-tax share of dividends 0.614 → 0.85 raised payouts by ≈ 20 % at ε_P = 0.56.
    cut = (0.85 / 0.614) ** 0.56
    assert cut == pytest.approx(1.20, abs=0.01)
    # A levy that takes 30 % of equity income: payouts 0.65 → 0.65·0.7^−0.56.
    tax = retention_tax(3.0, 10.0)
    assert tax == pytest.approx(0.3)
    assert 1.0 - retention_ratio(0.35, tax, 0.56) == pytest.approx(0.65 * 0.7 ** -0.56)


def test_payouts_never_exceed_equity_income():
    assert retention_ratio(0.35, retention_tax(100.0, 1.0), 2.0) == 0.0


def test_levied_base_falls_by_the_semi_elasticity():
    # β = 10 per unit of rate: a 1 pp levy keeps exp(−0.1) ≈ 90.5 % (Advani & Tarrant: 7–17 % per pp).
    assert levied_share(0.01, 10.0) == pytest.approx(math.exp(-0.1))
    assert math.log(levied_share(0.025, 10.0)) == pytest.approx(-0.25)


def test_firm_response_update_uses_this_years_levy_per_dollar_of_business_capital():
    params = FirmParameters(user_cost_elasticity=-0.4, capital_openness=0.5, payout_elasticity=0.56,
                            levy_base_semi_elasticity=10.0)
    response = FirmResponse(retention0=0.35, retention=0.35)
    response.update(params, levy=3.0, business_capital=100.0, equity_income=10.0, r=0.05, delta=0.05)
    assert response.wedge == pytest.approx(0.03)
    assert response.cost_ratio == pytest.approx(1.3)
    assert response.capital_abroad == pytest.approx(0.5 * 100.0 * (1.0 - 1.3 ** -0.4))
    assert response.retention == pytest.approx(1.0 - 0.65 * 0.7 ** -0.56)
    response.update(params, levy=0.0, business_capital=100.0, equity_income=10.0, r=0.05, delta=0.05)
    assert (response.capital_abroad, response.retention, response.cost_ratio) == (0.0, 0.35, 1.0)


def test_firm_parameters_read_the_shipped_files():
    p = FirmParameters.from_parameters(ParameterSet(), 2025)
    assert p.user_cost_elasticity == -0.4
    assert p.capital_openness == 0.5
    assert 0 < p.payout_elasticity < 1
    assert p.levy_base_semi_elasticity == 10.0


# --- the engine ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fund_runs():
    on = simulate(with_behaviour("american-equity-fund", investment=True), size=SIZE)
    off = simulate(with_behaviour("american-equity-fund", investment=False), size=SIZE)
    return on, off


def test_status_quo_is_identical_with_the_investment_switch_on_or_off():
    on = simulate(with_behaviour("status-quo", investment=True), size=SIZE).metrics
    off = simulate(with_behaviour("status-quo", investment=False), size=SIZE).metrics
    pd.testing.assert_frame_equal(on.reset_index(drop=True), off.reset_index(drop=True), check_exact=True)
    assert (on[on.metric == "capital_abroad"]["value"] == 0).all()


def test_the_fund_moves_capital_abroad_and_lowers_gdp_with_the_switch_on(fund_runs):
    on, off = fund_runs
    assert metric(on, "capital_abroad", 2055) > 0
    assert metric(off, "capital_abroad", 2055) == 0
    assert metric(on, "user_cost_wedge", 2055) > 0
    assert metric(on, "gdp", 2055) < metric(off, "gdp", 2055)
    assert metric(on, "domestic_capital", 2055) == pytest.approx(
        metric(on, "capital_stock", 2055) - metric(on, "capital_abroad", 2055))


def test_the_fund_raises_payouts_and_part_of_its_base_escapes(fund_runs):
    on, off = fund_runs
    assert metric(on, "retention_ratio", 2055) < metric(off, "retention_ratio", 2055) == 0.35
    assert metric(on, "levy_base_escaped", 2055) > 0
    assert metric(off, "levy_base_escaped", 2055) == 0


def test_the_ledger_posts_the_net_return_on_capital_abroad_and_production_uses_domestic_capital():
    sim = HouseholdEconomy(with_behaviour("american-equity-fund", investment=True).model_copy(
        update={"population": load_scenario("american-equity-fund").population.model_copy(update={"size": SIZE})}))
    for _ in range(20):
        abroad_before = sim.firm_response.capital_abroad
        capital_before = sim.capital
        year = sim.step()
        if abroad_before > 0:
            break
    assert abroad_before > 0, "the fund moved no capital abroad within 20 years"
    row = year.ledger.matrix().loc[INCOME_ON_CAPITAL_ABROAD.label]
    r = year.values["interest_rate"]
    assert row["production"] == pytest.approx(r * abroad_before, rel=1e-9)
    assert row["rest_of_world"] == pytest.approx(-r * abroad_before, rel=1e-9)
    assert year.values["domestic_capital"] == pytest.approx(capital_before - abroad_before)
    assert year.values["capital_stock"] == pytest.approx(capital_before)


def test_with_firms_responding_the_fund_levies_tau_exp_minus_beta_tau_and_records_the_escaped_base():
    s = load_scenario("status-quo")
    s = s.model_copy(update={"years": 1, "population": s.population.model_copy(update={"size": SIZE}),
                             "policies": [*s.policies, *load_scenario("american-equity-fund").policies]})
    sim = HouseholdEconomy(s)
    fund = sim.equity_fund
    fund.valuation_threshold, fund.phase_in, fund.retained_share = 0.0, "none", 1.0
    firms = sim.firms
    covered = firms.listed & ~firms.aggregate
    from commonwealth.policy.base import YearContext
    from commonwealth.policy.ledger import Ledger

    w = sim.pop.weight
    ctx = YearContext(year=2030, t=0, gdp=1.0, gdp_base=1.0, r=0.05, land_rent=0.0, pop=sim.pop, firms=firms,
                      market=sim.market, prices=None, wealth=None, eligible=sim.pop.citizen,
                      ledger=Ledger(2030, w, np.full(w.size, 0.5)), government=sim.government, gdp_history={})
    fund.year_flows = {}
    private = ~firms.listed & ~firms.aggregate & (firms.revenue >= fund.thresholds(ctx)[1])
    base = float(firms.value[covered | private].sum())  # the levy's statutory base, listed and private
    fund.corporate_actions(ctx)
    tau = fund.company_rate
    levied = tau * math.exp(-10.0 * tau)
    np.testing.assert_allclose(firms.own_fund[covered], levied, atol=1e-12)
    assert fund.year_flows["base_escaped"] == pytest.approx((1 - math.exp(-10.0 * tau)) * base, rel=1e-9)
    assert fund.capital_levy(ctx) == pytest.approx(levied * base, rel=1e-9)
