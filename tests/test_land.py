"""Land, one rent for all land (issue 12, item 5): the split by owner, the yield, expectations without
drift, the property tax in the ledger and the Fund's land tax on all privately held land —
docs/model/population-and-assets.md, section 8."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.assets import household_land_value, land_by_owner, larson_land_value_scaled
from commonwealth.engine import HouseholdEconomy, run_scenario
from commonwealth.parameters import ParameterSet
from commonwealth.policy.ledger import AEF_LAND_TAX, GOVERNMENT_LAND_RENT, PROPERTY_TAX, STATUS_QUO_TAXES
from commonwealth.scenario import Scenario
from commonwealth.taxes import StatusQuo

SIZE = 2000
PARAMS = ParameterSet()
#: The source range of the net land rent yield (assets.land_rent_yield_reference, [memory]: 2-4.5 %).
YIELD_RANGE = (0.02, 0.045)
FUND_NO_PHASE_IN = [{"type": "american_equity_fund", "phase_in": "none"}]


def _scenario(**raw) -> Scenario:
    return Scenario.from_dict({"name": "land", "extends": "status-quo", "population": {"size": SIZE}, **raw})


def _run(**raw):
    return run_scenario(_scenario(**raw)).metrics.pivot_table(index="year", columns="metric", values="value")


@pytest.fixture(scope="module")
def status_quo():
    return _run()


@pytest.fixture(scope="module")
def base_year():
    """The first two years of the status quo, stepped: the economy and each year's record."""
    sim = HouseholdEconomy(_scenario(years=1))
    return sim, [sim.step(), sim.step()]


@pytest.fixture(scope="module")
def fund_years():
    """The Fund at its full rates from enactment (2026), stepped two years."""
    sim = HouseholdEconomy(_scenario(years=1, policies=FUND_NO_PHASE_IN))
    return sim, [sim.step(), sim.step()]


# --- the split and the yield ---------------------------------------------------------------------

def test_land_by_owner_adds_up_with_household_land_from_the_dfa():
    owners = land_by_owner(PARAMS)
    assert owners.household == pytest.approx(household_land_value(PARAMS), rel=1e-12)
    assert owners.total == pytest.approx(owners.household + owners.corporate + owners.government, rel=1e-12)
    assert owners.private == pytest.approx(owners.household + owners.corporate, rel=1e-12)
    assert 25e12 < owners.private < 45e12  # the essay taxes ≈ $30 tn of private land (2021, [memory])
    assert owners.total < larson_land_value_scaled(PARAMS) + owners.government  # Larson-scaled: an upper bound


def test_base_year_land_rent_yield_is_derived_and_lies_in_the_source_range(base_year):
    _sim, years = base_year
    owners = land_by_owner(PARAMS)
    derived = PARAMS("production.land_share") * PARAMS("calibration.gdp", 2025) / owners.total
    assert YIELD_RANGE[0] <= derived <= YIELD_RANGE[1]
    assert YIELD_RANGE[0] <= PARAMS("assets.land_rent_yield_reference") <= YIELD_RANGE[1]
    assert years[0].values["land_rent_yield"] == pytest.approx(derived, rel=1e-9)
    assert years[0].values["land_value_total"] == pytest.approx(owners.total, rel=1e-9)  # the base year prices it


def test_land_rent_is_paid_once_and_the_sum_over_owners_is_productions_land_rent(base_year):
    sim, years = base_year
    market, pop = sim.market, sim.pop
    y = years[1]
    rent = y.values["land_share"] * y.values["gdp"]
    per_unit = market.rent_per_unit(rent)
    household = per_unit * float(np.dot(pop.weight, pop.housing_land + pop.other_land))
    corporate = per_unit * market.corporate_land_units
    government = float(y.ledger.matrix().loc[GOVERNMENT_LAND_RENT.label, "government"])
    assert household + corporate + government == pytest.approx(rent, rel=1e-12)
    assert market.household_land_units + market.corporate_land_units < market.land_units
    # Corporate land earns through firm income (once): the firms' income is capital's part plus its net rent.
    income = market.firm_income(1e12, y.values["gdp"], corporate)
    assert float(income.sum()) == pytest.approx(1e12 + corporate, rel=1e-12)


def test_base_year_reproduces_every_firms_value_with_corporate_land_inside():
    sim = HouseholdEconomy(_scenario(years=1))
    market, gdp0 = sim.market, sim.gdp0
    before = sim.firms.value.copy()
    rent0 = PARAMS("production.land_share") * gdp0
    land_income0 = market.corporate_land_units * (market.rent_per_unit(rent0) - market.property_tax)
    income = market.firm_income(market.equity_income_share0 * gdp0, gdp0, land_income0)
    market.revalue(income, sim.r0)
    np.testing.assert_allclose(sim.firms.value, before, rtol=1e-9)


# --- expectations ---------------------------------------------------------------------------------

def test_status_quo_real_land_values_grow_with_rents_without_drift(status_quo):
    """Band: land value / rent stays within 10 % of its base-year level in 2025-35 and within
    [0.65, 1.1] of it to 2055 (after 2035 faster AI-driven rent growth raises the required return by
    η·Δg more than it raises expected growth; with the behavioural responses the status quo grows faster
    after 2045, 0.68 in 2055); real land values never fall below their base-year level
    and end above it."""
    m = status_quo.loc[2025:2055]
    real_value = m["land_value_total"] / m["cpi"]
    multiple = m["land_value_total"] / (m["land_share"] * m["gdp"])
    relative = multiple / multiple.loc[2025]
    assert relative.loc[:2035].between(0.9, 1.1).all()
    assert relative.between(0.65, 1.1).all()
    assert (real_value >= 0.999 * real_value.loc[2025]).all()
    assert real_value.loc[2055] > 1.2 * real_value.loc[2025]


def test_land_is_discounted_at_the_safe_rate_plus_a_premium_not_the_return_on_capital(status_quo, base_year):
    m = status_quo
    assert m.loc[2055, "interest_rate"] > m.loc[2025, "interest_rate"] + 0.02  # r rises with automation
    assert m["safe_rate"].nunique() == 1  # the safe rate does not (pass-through 0)
    market = base_year[0].market
    assert market.discount_rate(0.02, market.g_expected0) == pytest.approx(
        PARAMS("government.safe_rate") + market.land_premium, rel=1e-12)  # i_0 = r_safe,0 + π_L
    assert market.discount_rate(0.02, market.g_expected0 + 0.01) - market.discount_rate(0.02, market.g_expected0) \
        == pytest.approx(0.01 * PARAMS("saving.eta"), rel=1e-9)  # the Ramsey rule: Δi = η·Δg


# --- property tax ---------------------------------------------------------------------------------

def test_property_tax_appears_in_the_ledger_and_equals_rate_times_taxed_value(base_year):
    _sim, years = base_year
    tau = PARAMS("taxes.property_tax_rate")
    for y in years:
        matrix = y.ledger.matrix()
        taxed = y.values["land_value"] + y.values["land_value_corporate"]  # private land, this year's price
        assert matrix.loc[PROPERTY_TAX.label, "government"] == pytest.approx(tau * taxed, rel=1e-9)
        assert y.values["property_tax"] == pytest.approx(tau * taxed, rel=1e-9)
        assert matrix.loc[PROPERTY_TAX.label, "production"] == pytest.approx(
            -tau * y.values["land_value_corporate"], rel=1e-9)


def test_households_property_tax_replaces_part_of_the_state_and_local_rates_not_added_to_them(base_year):
    sim, years = base_year
    y, w = years[0], sim.pop.weight
    original = StatusQuo.from_parameters(PARAMS, 2025).income_taxes(y.flows.income, w)
    matrix = y.ledger.matrix()
    households = [c for c in matrix.columns if c.startswith("households")]
    collected = -float(matrix.loc[[STATUS_QUO_TAXES.label, PROPERTY_TAX.label], households].to_numpy().sum())
    assert collected == pytest.approx(float(np.dot(w, original)), rel=1e-9)
    assert float(matrix.loc[PROPERTY_TAX.label, households].sum()) < 0  # it is collected


def test_base_year_budget_absorbs_the_new_receipts(status_quo):
    assert abs(status_quo.loc[2025, "primary_balance"]) < 1e-6 * status_quo.loc[2025, "gdp"]


# --- the Fund's land tax --------------------------------------------------------------------------

def test_fund_land_tax_base_includes_corporate_land_paid_by_firms(fund_years):
    _sim, years = fund_years
    y = years[1]  # 2026: enacted, full rate
    rate = PARAMS("policy.american_equity_fund.land_rate")
    private = y.values["land_value"] + y.values["land_value_corporate"]
    assert y.values["aef_land_tax"] == pytest.approx(rate * private, rel=1e-9)
    matrix = y.ledger.matrix()
    assert -matrix.loc[AEF_LAND_TAX.label, "production"] == pytest.approx(rate * y.values["land_value_corporate"],
                                                                          rel=1e-9)
    assert matrix.loc[AEF_LAND_TAX.label, "equity_fund"] == pytest.approx(rate * private, rel=1e-9)


# --- a land value tax for the budget --------------------------------------------------------------

def test_land_value_tax_for_the_budget_moves_gdp_only_through_the_budget_rules_instrument():
    """With the rule acting from the first year (G closes the budget to the debt path), the tax's revenue
    is spent by G: the debt path is the status quo's and GDP moves by less than 1 % — through G (the
    instrument) and the smaller saving of the households that pay the tax, not through public saving."""
    budget = {"instrument": "consumption", "start": 1}
    base = _run(budget=budget, years=20)
    lvt = _run(budget=budget, years=20, policies=[{"type": "land_value_tax", "rate": 0.025, "use": "budget"}])
    assert (lvt.loc[2027:, "budget_instrument"] > base.loc[2027:, "budget_instrument"]).all()
    assert (lvt["public_debt_ratio"] - base["public_debt_ratio"]).abs().max() < 0.02
    assert (lvt["gdp"] / base["gdp"] - 1).abs().max() < 0.01
