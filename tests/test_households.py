"""Households: mortality, jobs, displacement, heirs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.special import ndtr, ndtri

from commonwealth.base_year import build_base_year as build_economy
from commonwealth.distribution import Distribution, mid_rank
from commonwealth.households import (
    Flows,
    Labour,
    Prices,
    age_one_year,
    build_structures,
    displace,
    employment_rate,
    incomes,
    land_tax,
    mortality,
    net_worth,
    net_worth_change,
    net_worths,
    saving_rates,
    settle,
)
from commonwealth.parameters import ParameterSet
from commonwealth.population import occupation_exposure
from commonwealth.sums import dot
from commonwealth.taxes import StatusQuo


def test_mortality_rises_with_age_and_is_certain_past_the_table():
    q = mortality(np.array([18, 30, 50, 70, 90, 100, 101]))
    assert np.all(np.diff(q[:-1]) > 0)
    assert q[0] < 0.001 and q[-1] == 1.0


def test_employment_rate_follows_the_bls_bands():
    rates = employment_rate(np.array([18, 22, 30, 70]))
    assert rates[0] == pytest.approx(3560 / 8282)
    assert rates[1] == pytest.approx(14172 / 21387)
    assert rates[3] < 0.2


@pytest.fixture(scope="module")
def economy():
    return build_economy(10_000, ParameterSet(), 0)


def test_latent_draws_reproduce_base_employment(economy):
    pop, _ = economy
    pop = _copy(pop)
    labour = Labour.from_population(pop, np.random.default_rng(0))
    employed = pop.employed.copy()
    labour.update_employment(pop)
    np.testing.assert_array_equal(pop.employed, employed)


def _copy(pop):
    from dataclasses import fields, replace

    return replace(pop, **{f.name: getattr(pop, f.name).copy() for f in fields(pop)})


def _first(pop, n):
    """A copy of the first ``n`` records."""
    from dataclasses import fields, replace

    return replace(pop, **{f.name: getattr(pop, f.name)[:n].copy() for f in fields(pop)})


def test_no_displacement_without_new_automation(economy):
    pop = _copy(economy[0])
    labour = Labour.from_population(pop, np.random.default_rng(0))
    newly = displace(pop, labour, 0.6, 0.6, np.random.default_rng(1), ParameterSet(), 2025)
    assert not newly.any()


def test_displacement_tracks_automated_share_tilted_by_exposure(economy):
    pop = _copy(economy[0])
    labour = Labour.from_population(pop, np.random.default_rng(0))
    newly = displace(pop, labour, 0.6, 0.64, np.random.default_rng(1), ParameterSet(), 2026)
    w = pop.weight
    share = np.dot(w, newly) / np.dot(w, pop.employed)
    assert share == pytest.approx(0.04 / 0.4, rel=0.2)  # a tenth of the still-human tasks
    exposure = occupation_exposure(pop.occupation)
    high = pop.employed & (exposure > np.median(exposure[pop.employed]))
    low = pop.employed & ~high
    assert np.dot(w, newly & high) / np.dot(w, high) > np.dot(w, newly & low) / np.dot(w, low)


def test_displaced_workers_are_rehired_with_an_earnings_loss(economy):
    pop = _copy(economy[0])
    labour = Labour.from_population(pop, np.random.default_rng(0))
    displace(pop, labour, 0.6, 0.8, np.random.default_rng(1), ParameterSet(), 2026)
    was = labour.displaced.copy()
    before = pop.efficiency.copy()
    displace(pop, labour, 0.8, 0.8, np.random.default_rng(2), ParameterSet(), 2027)
    rehired = was & ~labour.displaced
    assert 0.35 < rehired.sum() / was.sum() < 0.65  # re-employment rate 0.5 a year
    loss = ParameterSet()("households.reemployment_earnings_loss", 2027)
    np.testing.assert_allclose(pop.efficiency[rehired], before[rehired] * (1 - loss))


# ---- the compiled kernels against the numpy expressions they replace, bit for bit -----------------

def _prices(firms: int, rng: np.random.Generator, *, retained: bool) -> Prices:
    per_firm = np.append(rng.uniform(0.5, 2.0, firms), 0.0)  # trailing 0 for records without a stake
    return Prices(wage=61_000.0 * rng.uniform(0.9, 1.1), r=rng.uniform(0.02, 0.06), r_safe=rng.uniform(0.0, 0.03),
                  index_income=rng.uniform(0.03, 0.08),
                  concentrated_income=per_firm * 0.05, land_rent=rng.uniform(0.02, 0.05),
                  index_price=rng.uniform(0.8, 1.3), concentrated_price=per_firm, land_price=rng.uniform(0.8, 1.3),
                  index_retained=rng.uniform(0.0, 0.03),
                  concentrated_retained=per_firm * 0.02 if retained else None)


def _numpy_incomes(pop, prices, previous, policy):
    revaluation = (pop.equity_index * (prices.index_price - previous.index_price)
                   + pop.equity_concentrated * (prices.concentrated_price - previous.concentrated_price)[pop.stake_firm]
                   + (pop.housing_land + pop.other_land) * (prices.land_price - previous.land_price))
    labour = np.where(pop.employed, prices.wage * pop.efficiency, 0.0)
    capital = (pop.equity_index * prices.index_income
               + pop.equity_concentrated * prices.concentrated_income[pop.stake_firm]
               + pop.housing_structure * prices.r + (pop.bonds - pop.debt) * prices.r_safe
               + (pop.housing_land + pop.other_land) * prices.land_rent)
    market = labour + capital
    transfers = policy.transfers(market, pop.age)  # the kernel must stay the status quo's own formula
    income = market + transfers
    band = np.searchsorted(policy.breaks, mid_rank(income, pop.weight), side="right")
    taxes = policy.rates[band] * np.maximum(income, 0.0)
    return labour, capital, transfers, taxes, revaluation


def _numpy_settle(pop, labour, capital, transfers, taxes, prices, rate, policy_taxes, policy_transfers, locked):
    transfers = transfers + policy_transfers
    taxes = taxes + policy_taxes
    disposable = labour + capital + transfers - taxes
    saving = np.where(disposable > 0, rate * disposable, disposable)
    end = prices.after_retention()
    retained = pop.equity_index * prices.index_retained
    if prices.concentrated_retained is not None:
        retained = retained + pop.equity_concentrated * prices.concentrated_retained[pop.stake_firm]
    discretionary = saving - retained
    index_value = pop.equity_index * end.index_price
    sellable = np.maximum(pop.equity_index - locked, 0.0) * end.index_price
    liquid = index_value + np.maximum(pop.bonds, 0.0)
    equity_share = np.divide(index_value, liquid, out=np.zeros_like(liquid), where=liquid > 0)
    purchase = np.maximum(equity_share * discretionary, -sellable)
    equity_index = pop.equity_index + purchase / end.index_price
    bonds = pop.bonds + (discretionary - purchase)
    return transfers, taxes, disposable - saving, saving, retained, purchase, equity_index, bonds


@pytest.mark.parametrize(("seed", "retained", "reforms"), [(0, False, False), (1, True, False), (2, True, True)])
def test_household_kernels_equal_the_numpy_expressions_to_the_last_bit(economy, seed, retained, reforms):
    pop = _copy(economy[0])
    rng = np.random.default_rng(seed)
    firms = int(pop.stake_firm.max()) + 1
    previous, prices = _prices(firms, rng, retained=False), _prices(firms, rng, retained=retained)
    policy = StatusQuo.from_parameters(ParameterSet(), 2025)
    pop.bonds[: pop.size // 10] *= -1.0  # some borrowers
    n = pop.size
    policy_taxes = rng.uniform(0, 5_000, n) if reforms else 0.0
    policy_transfers = rng.uniform(0, 5_000, n) if reforms else 0.0
    locked = rng.uniform(0, 1, n) * pop.equity_index if reforms else 0.0

    np.testing.assert_array_equal(net_worth(pop, prices), (
        pop.equity_index * prices.index_price + pop.equity_concentrated * prices.concentrated_price[pop.stake_firm]
        + (pop.housing_land + pop.other_land) * prices.land_price
        + pop.housing_structure + pop.bonds + pop.durables - pop.debt))
    flows = incomes(pop, prices, previous, policy)
    expected = _numpy_incomes(pop, prices, previous, policy)
    for got, want in zip((flows.labour_income, flows.capital_income, flows.transfers, flows.taxes, flows.revaluation),
                         expected, strict=True):
        np.testing.assert_array_equal(got, want)

    params = ParameterSet()
    wealth = net_worth(pop, prices)
    rate = saving_rates(wealth, pop.weight, params, 2025)
    band = np.searchsorted(params("households.saving_wealth_breaks", 2025), mid_rank(wealth, pop.weight), side="right")
    np.testing.assert_array_equal(rate, np.asarray(params("households.saving_rates", 2025))[band])
    want = _numpy_settle(pop, *expected[:4], prices, rate, policy_taxes, policy_transfers, locked)
    settle(pop, flows, prices, rate, policy_taxes=policy_taxes, policy_transfers=policy_transfers,
           locked_units=locked)
    got = (flows.transfers, flows.taxes, flows.consumption, flows.saving, flows.retained, flows.index_purchase,
           pop.equity_index, pop.bonds)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


def test_a_nan_in_the_inputs_propagates_as_in_numpy(economy):
    pop = _copy(economy[0])
    firms = int(pop.stake_firm.max()) + 1
    rng = np.random.default_rng(3)
    prices = _prices(firms, rng, retained=False)
    flows = incomes(pop, prices, prices, StatusQuo.from_parameters(ParameterSet(), 2025))
    locked = np.zeros(pop.size)
    locked[0] = np.nan
    settle(pop, flows, prices, np.full(pop.size, 0.1), locked_units=locked)
    assert np.isnan(flows.index_purchase[0]) and np.isnan(pop.bonds[0]) and np.isnan(pop.equity_index[0])
    assert np.isfinite(pop.bonds[1:]).all()


def test_a_stake_in_a_firm_the_prices_do_not_cover_is_refused(economy):
    pop = _copy(economy[0])
    firms = int(pop.stake_firm.max()) + 1
    prices = _prices(firms - 1, np.random.default_rng(4), retained=False)  # one firm short
    with pytest.raises(ValueError, match="stake_firm ids"):
        net_worth(pop, prices)
    with pytest.raises(ValueError, match="stake_firm ids"):
        incomes(pop, prices, prices, StatusQuo.from_parameters(ParameterSet(), 2025))
    covering = _prices(firms, np.random.default_rng(4), retained=False)
    net_worth(pop, covering)  # every id covered
    pop.stake_firm[0] = -2  # below −1 (no stake)
    with pytest.raises(ValueError, match="stake_firm ids run from -2"):
        net_worth(pop, covering)


def test_the_fused_net_worth_passes_equal_the_single_ones_to_the_last_bit(economy):
    """Both start-of-year net worths in one pass, the in-kind change without a net worth of its own, and the
    structures built and summed in one pass give the bits of the separate numpy expressions."""
    pop = _copy(economy[0])
    firms = int(pop.stake_firm.max()) + 1
    rng = np.random.default_rng(5)
    previous, prices = _prices(firms, rng, retained=False), _prices(firms, rng, retained=False)
    pop.bonds[: pop.size // 10] *= -1.0
    carried, start = net_worths(pop, previous, prices)
    np.testing.assert_array_equal(carried, net_worth(pop, previous))
    np.testing.assert_array_equal(start, net_worth(pop, prices))
    before = net_worth(pop, previous)
    np.testing.assert_array_equal(net_worth_change(pop, prices, before), net_worth(pop, prices) - before)
    with pytest.raises(ValueError, match="values before"):
        net_worth_change(pop, prices, before[:-1])
    short = _prices(firms - 1, rng, retained=False)
    with pytest.raises(ValueError, match="stake_firm ids"):
        net_worths(pop, prices, short)
    np.testing.assert_array_equal(land_tax(pop, 0.011, 1.37), 0.011 * (pop.housing_land + pop.other_land) * 1.37)

    for n in (pop.size, 13):  # a tail beyond the eight lanes, and a population smaller than them
        part = _copy(pop) if n == pop.size else _first(pop, n)
        structure, bonds = part.housing_structure.copy(), part.bonds.copy()
        built = structure * 0.037
        total = build_structures(part, 0.037)
        np.testing.assert_array_equal(part.housing_structure, structure + built)
        np.testing.assert_array_equal(part.bonds, bonds - built)
        assert total == dot(part.weight, structure + built)


def test_displacement_never_exceeds_the_cap_and_gdp_has_no_drop_at_full_automation():
    """agi-5 reaches Φ = 1 in 2030: no year displaces more than households.max_displacement_rate of the
    employed, and real GDP growth stays above 1 % a year (no drop-and-jump)."""
    import numpy as np

    from commonwealth import Scenario
    from commonwealth.engine import HouseholdEconomy

    s = Scenario.from_dict({"name": "agi-cap", "extends": "agi-5", "years": 10, "population": {"size": 3000}})
    sim = HouseholdEconomy(s)
    cap = sim.params("households.max_displacement_rate", 2030)
    gdp = []
    for _ in range(11):
        employed_before = float(np.dot(sim.pop.weight, sim.pop.employed & ~sim.labour.displaced))
        displaced_before = sim.labour.displaced.copy()
        year = sim.step()
        newly = sim.labour.displaced & ~displaced_before
        assert float(np.dot(sim.pop.weight, newly)) <= cap * employed_before * 1.1 + 1.0, year.year
        gdp.append(year.values["gdp"])
    growth = np.diff(gdp) / np.asarray(gdp[:-1])
    assert growth.min() > 0.01, growth


def test_status_quo_displacement_is_unchanged_by_the_cap():
    """The default AI path automates slowly: the cap never binds, so displacement equals the uncapped hazard."""
    from commonwealth import Scenario, simulate

    def displaced(extra):
        s = Scenario.from_dict({"name": "sq-cap", "extends": "status-quo", "years": 6, "population": {"size": 2000},
                                "parameters": extra})
        m = simulate(s)["sq-cap"].metrics
        return m[m.metric == "displaced_share"].value.to_numpy()

    capped, uncapped = displaced({}), displaced({"households.max_displacement_rate": 1.0})
    assert capped.max() > 0
    np.testing.assert_array_equal(capped, uncapped)


def test_mortality_by_whole_year_table_equals_the_formula_at_every_age():
    import numpy as np

    from commonwealth.households import _mortality_at, mortality

    ages = np.arange(0, 150, dtype=np.int16)
    np.testing.assert_array_equal(mortality(ages), _mortality_at(ages))
    np.testing.assert_array_equal(mortality(np.array([200], dtype=np.int16)), [1.0])  # beyond the table
    np.testing.assert_array_equal(mortality(np.array([40.5])), _mortality_at(np.array([40.5])))  # fractional


def _numpy_displace(pop, labour, phi_before, phi_after, rng, params, year):
    rehired = labour.displaced & (rng.random(pop.weight.size) < params("households.reemployment_rate", year))
    labour.displaced &= ~rehired
    pop.efficiency[rehired] *= 1.0 - params("households.reemployment_earnings_loss", year)
    newly = np.zeros(pop.weight.size, dtype=bool)
    if phi_after > phi_before and phi_before < 1.0:
        exposure = occupation_exposure(pop.occupation)
        mean = np.average(exposure[pop.employed], weights=pop.weight[pop.employed]) if pop.employed.any() else 1.0
        probability = np.minimum(params("households.max_displacement_rate", year),
                                 (phi_after - phi_before) / (1.0 - phi_before) * exposure / mean)
        newly = pop.employed & (rng.random(pop.weight.size) < probability)
        labour.displaced |= newly
    return newly


def _numpy_age_one_year(pop, labour, policy, prices, rng, params, year):
    dies = rng.random(pop.weight.size) < mortality(pop.age)
    tax = np.where(dies, policy.estate_tax(np.where(dies, net_worth(pop, prices), 0.0)), 0.0)
    pop.bonds -= tax
    if dies.any():
        rho = float(params("households.intergenerational_rank_correlation", year))
        earnings = Distribution(pop.efficiency, pop.weight)
        z = rho * ndtri(np.clip(earnings.mid_rank()[dies], 1e-12, 1 - 1e-12)) + np.sqrt(1 - rho**2) * \
            rng.standard_normal(dies.sum())
        position = np.searchsorted(earnings.upper, ndtr(z) * earnings.total_weight)
        pop.efficiency[dies] = earnings.xs[np.clip(position, 0, earnings.xs.size - 1)]
        pop.age[dies] = 18
        pop.citizen[dies] = True
        labour.latent[dies] = rng.random(dies.sum())
        labour.displaced[dies] = False
    pop.age[~dies] += 1
    return dies, tax


def test_displacement_and_ageing_equal_the_numpy_expressions_to_the_last_bit(economy):
    params, policy = ParameterSet(), StatusQuo.from_parameters(ParameterSet(), 2025)
    pops = [_copy(economy[0]), _copy(economy[0])]
    labours = [Labour.from_population(pop, np.random.default_rng(0)) for pop in pops]
    rngs = [np.random.default_rng(5), np.random.default_rng(5)]
    firms = int(pops[0].stake_firm.max()) + 1
    prices = _prices(firms, np.random.default_rng(6), retained=False)
    phis = [0.1, 0.1, 0.3, 0.3, 0.7, 0.99, 1.0, 1.0]
    for year, (before, after) in enumerate(itertools.pairwise(phis), start=2026):
        newly = [f(pop, labour, before, after, rng, params, year)
                 for f, pop, labour, rng in zip((displace, _numpy_displace), pops, labours, rngs, strict=True)]
        np.testing.assert_array_equal(*newly)
        aged = [f(pop, labour, policy, prices, rng, params, year)
                for f, pop, labour, rng in zip((age_one_year, _numpy_age_one_year), pops, labours, rngs, strict=True)]
        for got, want in zip(*aged, strict=True):
            np.testing.assert_array_equal(got, want)
        for name in ("efficiency", "bonds", "age", "citizen"):
            np.testing.assert_array_equal(getattr(pops[0], name), getattr(pops[1], name))
        np.testing.assert_array_equal(labours[0].displaced, labours[1].displaced)
        np.testing.assert_array_equal(labours[0].latent, labours[1].latent)
        for labour, pop in zip(labours, pops, strict=True):
            labour.update_employment(pop)
    assert rngs[0].random() == rngs[1].random()  # the same draws, in the same order


def test_flows_income_is_the_sum_of_its_parts_to_the_last_bit():
    rng = np.random.default_rng(7)
    labour, capital, transfers = (rng.normal(0, 1e5, 1_001) for _ in range(3))
    flows = Flows(labour, capital, transfers, *(np.zeros(1_001),) * 6)
    np.testing.assert_array_equal(flows.income, labour + capital + transfers)


def test_equity_below_a_rank_is_the_dot_product_of_the_masked_weights_and_equity(economy):
    from commonwealth.households import equity_below
    from commonwealth.sums import dot

    pop = economy[0]
    rng = np.random.default_rng(12)
    rank = rng.random(pop.size)
    price = rng.uniform(0.5, 2.0, int(pop.stake_firm.max()) + 2)
    price[-1] = 0.0  # the trailing entry: no stake
    equity = pop.equity_index * 1.7 + pop.equity_concentrated * price[pop.stake_firm]
    for cut in (0.0, 0.5, 0.9, 1.0):
        assert equity_below(pop, 1.7, price, rank, cut) == float(dot(pop.weight * (rank < cut), equity))
    with pytest.raises(ValueError, match="stake_firm ids"):
        equity_below(pop, 1.7, price[:-2], rank, 0.9)


def test_employment_in_one_pass_equals_the_rate_by_age_compared_with_the_latent_draw(economy):
    from commonwealth.households import Labour, employment_rate

    pop = _copy(economy[0])
    rng = np.random.default_rng(13)
    labour = Labour.from_population(pop, rng)
    labour.displaced[::7] = True
    for participation in (None, rng.uniform(0.8, 1.2, pop.size)):
        labour.participation = participation
        rate = employment_rate(pop.age) * (1.0 if participation is None else participation)
        labour.update_employment(pop)
        np.testing.assert_array_equal(pop.employed, (labour.latent < rate) & ~labour.displaced)


def test_end_of_year_prices_are_found_once_and_shared_and_a_replaced_copy_finds_its_own():
    from dataclasses import replace

    from commonwealth.households import Prices

    prices = Prices(wage=1.0, r=0.05, index_income=2.0, concentrated_income=np.array([1.0, 0.0]), land_rent=0.1,
                    index_price=10.0, concentrated_price=np.array([5.0, 0.0]), land_price=3.0, index_retained=0.5,
                    concentrated_retained=np.array([0.25, 0.0]))
    end = prices.after_retention()
    assert prices.after_retention() is end  # kept, not found again
    assert end.index_price == 10.5 and end.index_retained == 0.0 and end.concentrated_retained is None
    np.testing.assert_array_equal(end.concentrated_price, [5.25, 0.0])
    moved = replace(prices, index_price=20.0)  # a copy with other prices does not inherit the kept ones
    assert moved.after_retention().index_price == 20.5
    assert moved == replace(prices, index_price=20.0)  # what is kept is not a field: equality ignores it
