"""Units (issue 12, item 8): thresholds apply to the unit the law or the source uses, and the status quo
has no drift in equity value or housing structures — docs/model/population-and-assets.md (Units) and
docs/model/households-and-markets.md (Drifts)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from commonwealth.distribution import top_share
from commonwealth.engine import HouseholdEconomy
from commonwealth.parameters import ParameterSet
from commonwealth.policy.taxes_and_transfers import WealthTax
from commonwealth.politics import Politics, PoliticsParameters
from commonwealth.population import STRATA, Population
from commonwealth.population_builder import build_population
from commonwealth.scenario import Scenario
from commonwealth.wealth_targets import dfa_wealth_targets

PARAMS = ParameterSet()
SIZE = 3000
#: Status quo 2025-2055: equity market value stays within this band of GDP (base year 2.92), and
#: structures keep their base-year ratio to GDP to rounding.
EQUITY_TO_GDP_BAND = (2.6, 3.3)


@pytest.fixture(scope="module")
def pop() -> Population:
    return build_population(SIZE, PARAMS, seed=0)


@pytest.fixture(scope="module")
def status_quo() -> list[tuple[int, float, float, float]]:
    """(year, GDP, equity market value, structures held by households) every year of the status quo."""
    scenario = Scenario.from_dict({"population": {"size": 2000}, "name": "sq-units", "extends": "status-quo"})
    sim = HouseholdEconomy(scenario)
    rows = []
    for _ in range(scenario.years + 1):
        year = sim.step()
        structures = float(np.dot(sim.pop.weight, sim.pop.housing_structure))
        assert structures == pytest.approx(sim.structures, rel=1e-12)
        rows.append((year.year, year.values["gdp"], year.values["equity_market_value"], structures))
    return rows


def _records(per_adult_wealth: list[float], unit_size: list[int]) -> Population:
    """A small population whose net worth is all in bonds (weight 1 adult per record)."""
    n = len(per_adult_wealth)
    zeros = np.zeros(n)
    return Population(
        weight=np.ones(n), age=np.full(n, 50, dtype=np.int16), citizen=np.ones(n, dtype=bool),
        occupation=np.zeros(n, dtype=np.int8), efficiency=np.ones(n), employed=np.ones(n, dtype=bool),
        equity_index=zeros.copy(), equity_concentrated=zeros.copy(), stake_firm=np.full(n, -1, dtype=np.int32),
        housing_land=zeros.copy(), housing_structure=zeros.copy(), other_land=zeros.copy(),
        bonds=np.asarray(per_adult_wealth, dtype=float), durables=zeros.copy(), debt=zeros.copy(),
        stratum=np.full(n, STRATA.index("top0_1"), dtype=np.int8), unit_size=np.asarray(unit_size, dtype=np.int8))


def _wealth_tax_context(population: Population) -> SimpleNamespace:
    return SimpleNamespace(pop=population, wealth=population.net_worth,
                           expatriated=np.zeros(population.size, dtype=bool), price_level=1.0)


# --- the wealth tax is on household (joint) net worth ------------------------------------------------

def test_a_married_couple_with_100m_pays_on_100m_less_50m_shared_equally():
    """Hand check: a couple worth $100 M jointly ($50 M each) owes 2 % × ($100 M − $50 M) = $1 M, $0.5 M
    each; a single adult worth $100 M owes the same $1 M; a single adult worth $50 M owes nothing."""
    couple_and_singles = _records([50e6, 50e6, 100e6, 50e6], [2, 2, 1, 1])
    tax = WealthTax("w", 2026, None, thresholds=[5e7, 1e9], rates=[0.02, 0.03], avoidance_semi_elasticity=0.0,
                    use="budget")
    liability = tax._liability(_wealth_tax_context(couple_and_singles))
    np.testing.assert_allclose(liability, [0.5e6, 0.5e6, 1e6, 0.0])


def test_avoidance_shrinks_the_couples_joint_base():
    """With the default semi-elasticity 12: the joint average rate is 1 %, the reported base is
    $100 M × (1 − 12 × 1 %) = $88 M and the couple owes 2 % × $38 M = $0.76 M ($0.38 M each)."""
    couple = _records([50e6, 50e6], [2, 2])
    tax = WealthTax("w", 2026, None, thresholds=[5e7, 1e9], rates=[0.02, 0.03], avoidance_semi_elasticity=12.0,
                    use="budget")
    liability = tax._liability(_wealth_tax_context(couple))
    np.testing.assert_allclose(liability, [0.38e6, 0.38e6])
    # base_lost counts units: the couple record stands for half a unit per adult of weight.
    assert tax.base_lost == pytest.approx(2 * 0.5 * 12e6)


# --- the DFA's households ----------------------------------------------------------------------------

def test_dfa_top_shares_are_matched_on_household_ranks(pop):
    """The DFA ranks households by household wealth: the top 1 % and top 10 % shares are exact on
    household ranks (cells are conditional means); per adult (equal split) they are lower."""
    dfa = dfa_wealth_targets(PARAMS)
    shares = dfa.net_worth / dfa.net_worth.sum()
    household, units = pop.unit_wealth(pop.net_worth), pop.unit_weight
    assert top_share(household, units, 0.01) == pytest.approx(shares[:2].sum(), abs=1e-6)
    assert top_share(household, units, 0.10) == pytest.approx(shares[:3].sum(), abs=1e-6)
    assert top_share(household, units, 0.001) == pytest.approx(shares[0], abs=1e-6)
    assert top_share(pop.net_worth, pop.weight, 0.01) < shares[:2].sum() - 0.01  # per adult: stated, not matched
    assert pop.weight.sum() == pytest.approx(PARAMS("population.adults"), rel=1e-12)


def test_unit_sizes_follow_the_sourced_married_shares(pop):
    """Each DFA group's units are couples at the sourced share (up to one record); billionaires are
    single units; about half of adults are married (Census CPS 2023: ≈ 50 %; stated range 0.45-0.55)."""
    shares = PARAMS("population.couple_share_by_wealth_group")
    first = STRATA.index("top0_1")
    for g, share in enumerate(shares):
        members = pop.stratum == first + g
        units = pop.unit_weight[members]
        achieved = float(np.dot(units, pop.unit_size[members] == 2) / units.sum())
        assert achieved == pytest.approx(share, abs=1.0 / members.sum())
    assert np.all(pop.unit_size[pop.stratum < first] == 1)
    married = float(np.dot(pop.weight, pop.unit_size == 2) / pop.weight.sum())
    assert married == pytest.approx(PARAMS("population.married_adult_share"), abs=0.05)


def test_the_unit_draw_moves_no_wealth_with_the_seed():
    """The unit sizes are deterministic (no random draw): the wealth grid is the same for every seed."""
    a, b = build_population(SIZE, PARAMS, seed=1), build_population(SIZE, PARAMS, seed=2)
    np.testing.assert_array_equal(a.unit_size, b.unit_size)
    np.testing.assert_array_equal(a.net_worth, b.net_worth)


# --- flight looks at household wealth ------------------------------------------------------------------

def test_the_flight_threshold_applies_to_household_wealth():
    """Flight is open to the DFA's top 1 % of households (household net worth ≥ $11.1 M): a couple worth
    $6 M each ($12 M jointly) may leave, a single adult worth $6 M may not. The exit tax's §877A $2 M
    net-worth test stays per individual."""
    threshold = PARAMS("politics.flight_min_wealth")
    per_adult = 0.55 * threshold
    population = _records([per_adult, per_adult, per_adult], [2, 2, 1])
    politics = Politics(PoliticsParameters.from_parameters(PARAMS, 2026, None), endogenous=False,
                        constitutional_lock=False, flight=True, exit_tax=True, seed=0, draw=0)
    politics.attachment = np.zeros(population.size)  # everyone who faces a positive escapable tax leaves
    ctx = SimpleNamespace(pop=population, wealth=population.net_worth, income=np.full(3, 1e6), r=0.05,
                          price_level=1.0)
    leaves, exit_tax = politics.flee(ctx, np.full(3, 1e5), np.zeros(3, dtype=bool))
    np.testing.assert_array_equal(leaves, [True, True, False])
    assert np.all(exit_tax[:2] > 0)  # each spouse's own $6.1 M passes the individual $2 M test


# --- no drift in the status quo ------------------------------------------------------------------------

def test_status_quo_equity_value_and_structures_are_stable_shares_of_gdp(status_quo):
    """Status quo (BAU AI path) 2025-2055: equity market value stays within 2.6-3.3 × GDP (base 2.92) and
    owner-occupied structures keep their base-year ratio to real GDP (0.96) every year."""
    years, gdp, equity, structures = (np.array(column) for column in zip(*status_quo, strict=True))
    assert years[0] == 2025 and years[-1] == 2055
    low, high = EQUITY_TO_GDP_BAND
    assert np.all((equity / gdp >= low) & (equity / gdp <= high)), equity / gdp
    np.testing.assert_allclose(structures / gdp, structures[0] / gdp[0], rtol=1e-9)
    assert structures[-1] > 1.5 * structures[0]  # the housing stock grows with the economy


def test_the_safe_rate_never_exceeds_the_return_on_capital():
    """A safe bond never out-earns capital (the equity premium is never negative): with r at 1.3 % the safe
    rate is 1.3 %, not its base 2 % (docs/model/government-and-rates.md)."""
    from commonwealth.budget import safe_rate

    assert safe_rate(0.013, 0.078, 0.02, 0.0) == pytest.approx(0.013)
    assert safe_rate(0.05, 0.078, 0.02, 0.0) == 0.02
