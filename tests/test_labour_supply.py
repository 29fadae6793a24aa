"""Work and leisure, and taxable income (commonwealth.labour_supply): hand checks of the responses."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from commonwealth.behaviour import BehaviourSettings
from commonwealth.budget import marginal_tax_rate
from commonwealth.engine import HouseholdEconomy
from commonwealth.labour_supply import (
    LabourParameters,
    LabourSupply,
    TaxableIncome,
    capacity_decile,
    earnings_response,
    income_elasticity,
    labour_metrics,
    margins,
    substitution_elasticity,
)
from commonwealth.policy.taxes_and_transfers import UBI, IncomeTax
from commonwealth.scenario import load_scenario
from commonwealth.sums import dot

PARAMS = LabourParameters.from_parameters(load_scenario("status-quo").parameter_set(), 2025)


def _supply(efficiency: np.ndarray) -> LabourSupply:
    """Deciles with edges 1, 2, …, 9: efficiency 0.5 is decile 1, 9.5 decile 10."""
    n = efficiency.size
    return LabourSupply(params=PARAMS, breaks=np.arange(1.0, 10.0), trend_growth=0.0, mtr_status_quo=np.zeros(n),
                        mtr_reform=np.zeros(n), net_cash=np.zeros(n), net_income=np.ones(n))


def test_ubi_lowers_hours_by_the_amount_the_elasticities_imply():
    """A $12,000 UBI funded by an 11 % surcharge, three adults: a single 30-year-old in the lowest decile, a
    married 40-year-old in the top decile, a single 70-year-old in decile 5. Expected earnings changes by
    hand from CBO's elasticities: ε_sub·[(1 − m − 0.11)/(1 − m) − 1] + ε_inc·ΔN/N, ×2 from 65."""
    supply = _supply(np.array([0.5, 9.5, 4.5]))
    income = np.array([30_000.0, 200_000.0, 40_000.0])
    mtr = np.array([0.20, 0.30, 0.20])
    taxes = mtr * income
    supply.remember(mtr, 0.11, (12_000, 0.11 * income), (income, taxes))
    participation, hours = supply.respond(np.array([0.5, 9.5, 4.5]), np.array([1, 2, 1]), np.array([30, 40, 70]))
    # adult 1: ε_sub 0.31; s = 0.69/0.8 − 1 = −0.1375; n = (12000 − 3300)/24000 = 0.3625
    d1 = 0.31 * -0.1375 - 0.05 * 0.3625
    # adult 2: ε_sub = (0.22 + 0.27)/2 = 0.245; s = 0.59/0.7 − 1; n = (12000 − 22000)/140000
    d2 = 0.245 * (0.59 / 0.7 - 1) - 0.05 * (-10_000 / 140_000)
    # adult 3: ε_sub = 0.25 × 2, ε_inc = −0.05 × 2; s = −0.1375; n = (12000 − 4400)/32000
    d3 = 0.5 * -0.1375 - 0.1 * (7_600 / 32_000)
    expected = np.array([d1, d2, d3])
    assert participation == pytest.approx(1 + 0.5 * expected, rel=1e-12)
    assert hours == pytest.approx((1 + expected) / (1 + 0.5 * expected), rel=1e-12)
    assert participation * hours == pytest.approx(1 + expected, rel=1e-12)  # expected earnings
    assert np.all(hours < 1) and np.all(participation < 1)


def test_status_quo_on_trend_leaves_hours_at_one_and_a_wage_above_trend_raises_them():
    """No reform and the wage on its trend: hours and participation 1. A wage 10 % above trend raises
    earnings by (ε_sub + ε_inc) × 10 % (Slutsky's uncompensated elasticity)."""
    supply = _supply(np.array([0.5]))
    supply.observe_wage(0, 100.0)
    participation, hours = supply.respond(np.array([0.5]), np.array([1]), np.array([30]))
    assert participation[0] == 1.0 and hours[0] == 1.0
    supply.observe_wage(1, 110.0)  # trend growth 0 here
    participation, hours = supply.respond(np.array([0.5]), np.array([1]), np.array([30]))
    assert participation[0] * hours[0] == pytest.approx(1 + (0.31 - 0.05) * 0.10, rel=1e-12)


def test_relative_changes_are_capped_at_the_bound():
    """A transfer larger than status-quo net income counts as +100 % (PolicyEngine's bound), not more."""
    supply = _supply(np.array([0.5]))
    supply.remember(np.zeros(1), 0.0, (np.array([50_000.0]), 0.0), (np.array([10_000.0]), 0.0))
    participation, hours = supply.respond(np.array([0.5]), np.array([1]), np.array([30]))
    assert participation[0] * hours[0] == pytest.approx(1 - 0.05 * 1.0, rel=1e-12)


def test_labour_metrics_by_hand():
    """Two workers (hours 1 and 0.5) and one adult not working, weights 1, 1, 2."""
    values = labour_metrics(np.array([True, True, False]), np.array([1.0, 0.5, 1.0]), np.array([1.0, 1.0, 2.0]),
                            np.array([0, 9, 9]), PARAMS)
    h = PARAMS.hours_per_worker
    assert values["hours_per_worker"] == pytest.approx(0.75 * h)
    assert values["hours_per_adult"] == pytest.approx(1.5 * h / 4)
    assert values["participation_rate"] == pytest.approx(0.5)
    assert values["leisure_per_adult"] == pytest.approx(PARAMS.time_endowment - 1.5 * h / 4)
    assert values["participation_by_decile.d10"] == pytest.approx(1 / 3)
    assert values["hours_per_worker_by_decile.d1"] == pytest.approx(h)


def _ctx(income: np.ndarray, taxable: TaxableIncome | None) -> SimpleNamespace:
    n = income.size
    pay = lambda *args, **kwargs: None  # noqa: E731 — the ledger is not under test here
    return SimpleNamespace(income=income, pop=SimpleNamespace(weight=np.ones(n)), expatriated=np.zeros(n, bool),
                           taxable_income=taxable, year=2030, ledger=SimpleNamespace(pay=pay), price_level=1.0,
                           wage_level=1.0, gdp=1.0, gdp_history={})


def test_eti_lowers_the_income_tax_reforms_revenue_by_the_implied_amount():
    """+10 pp on the top half of two adults (incomes 50k and 1m, status-quo marginal rates 0.2 and 0.4):
    the top adult's reported income falls by (ETI·I − ε_sub·L)·ln((0.6 − 0.1)/0.6), ETI 0.25, labour
    income L = 400k with ε_sub 0.22 (the real hours response, not counted again); revenue by 10 % of it."""
    income = np.array([50_000.0, 1_000_000.0])
    reform = IncomeTax("top", 2025, None, changes=[(0.5, 0.10)], use="general")
    static = float(reform._tax(_ctx(income, None)).sum())
    real = np.array([0.0, 0.22 * 400_000])
    response = TaxableIncome(mtr=np.array([0.2, 0.4]), eti=np.array([0.25, 0.25]), real=real)
    responsive = float(reform._tax(_ctx(income, response)).sum())
    avoided = (0.25 * 1_000_000 - 0.22 * 400_000) * -np.log(0.5 / 0.6)
    assert static == pytest.approx(0.10 * 1_000_000)
    assert static - responsive == pytest.approx(0.10 * avoided, rel=1e-12)
    assert reform.marginal_tax_rate(_ctx(income, None)) == pytest.approx([0.0, 0.10])


def test_top_one_percent_takes_the_top_eti():
    income = np.arange(1.0, 201.0)
    response = TaxableIncome.build(PARAMS, income, np.ones(200), np.zeros(200))
    assert response.eti[-1] == PARAMS.eti_top and response.eti[-3] == PARAMS.eti_broad


def test_the_top_eti_goes_to_adults_whose_income_mid_rank_reaches_the_top_rank_as_a_sort_ranks_them():
    """The ETI band comes from a radix selection; it must equal the band of the sorted mid-ranks, ties included."""
    from commonwealth.distribution import mid_rank

    rng = np.random.default_rng(4)
    income = np.round(rng.lognormal(10.5, 1.2, 50_000), -3)  # many ties, some on the top-1 % edge
    weight = rng.uniform(50.0, 3_000.0, income.size)
    eti = TaxableIncome.build(PARAMS, income, weight, np.zeros(income.size)).eti
    want = np.where(mid_rank(income, weight) >= PARAMS.eti_top_rank, PARAMS.eti_top, PARAMS.eti_broad)
    np.testing.assert_array_equal(eti, want)


def test_the_top_eti_read_from_income_bands_already_found_equals_its_own_selection():
    """When the top rank is one of the bands' edges (the status quo's tax bands), the ETI is read from the
    bands; otherwise it is selected again. Both equal the selection alone, ties on the edge included."""
    from commonwealth.ranking import band_index

    rng = np.random.default_rng(5)
    income = np.round(rng.lognormal(10.5, 1.2, 50_000), -3)
    weight = rng.uniform(50.0, 3_000.0, income.size)
    alone = TaxableIncome.build(PARAMS, income, weight, np.zeros(income.size)).eti
    for edges in ([0.2, 0.5, 0.9, PARAMS.eti_top_rank, 0.999], [PARAMS.eti_top_rank], [0.5, 0.98]):
        band = band_index(income, weight, edges)
        shared = TaxableIncome.build(PARAMS, income, weight, np.zeros(income.size), bands=(band, np.array(edges)))
        np.testing.assert_array_equal(shared.eti, alone, err_msg=str(edges))


def test_ubi_surcharge_raises_its_cost_from_reported_income_and_reports_its_rate():
    """Under the ETI the surcharge's base shrinks, so the rate rises and the revenue is still the cost."""
    income = np.array([20_000.0, 60_000.0, 120_000.0])
    response = TaxableIncome(mtr=np.full(3, 0.25), eti=np.full(3, 0.25), real=np.zeros(3))
    ubi = UBI("ubi", 2025, None, amount=1_000.0, index="none", funding="income_tax", recipients="all")
    static = ubi.household_taxes(_ctx(income, None))
    static_rate = ubi.marginal_tax_rate(_ctx(income, None))
    taxes = ubi.household_taxes(_ctx(income, response))
    assert static.sum() == pytest.approx(3_000.0) and taxes.sum() == pytest.approx(3_000.0)
    assert static_rate == pytest.approx(3_000.0 / 200_000.0)
    assert ubi.marginal_tax_rate(_ctx(income, response)) > static_rate


def test_budget_rules_surcharge_is_its_marginal_rate():
    assert marginal_tax_rate("income_tax", 0.04) == 0.04
    assert marginal_tax_rate("transfers", 0.9) == 0.0
    assert marginal_tax_rate("none", float("nan")) == 0.0


def _run(behaviour: dict, years: int = 3):
    s = load_scenario("ubi-income-tax")
    s = s.model_copy(update={"years": years, "behaviour": BehaviourSettings.model_validate(behaviour),
                             "population": s.population.model_copy(update={"size": 2_000})})
    sim = HouseholdEconomy(s)
    return [sim.step().values for _ in range(years + 1)]


def test_ubi_lowers_hours_participation_and_gdp_in_the_economy_with_the_ledger_exact():
    """The engine checks every identity each year (IdentityError otherwise); the UBI enacted in 2026 lowers
    hours and participation from 2027 (one-year lag), and GDP with them; with the switch off hours stay put."""
    off = _run({"labour": False, "taxable_income": False})
    on = _run({"labour": True, "taxable_income": False})
    assert all(v["hours_per_worker"] == pytest.approx(PARAMS.hours_per_worker, rel=1e-12) for v in off)
    assert on[1]["gdp"] == off[1]["gdp"]  # 2026: no response yet
    assert on[2]["hours_per_adult"] < off[2]["hours_per_adult"]
    assert on[2]["participation_rate"] < off[2]["participation_rate"]
    assert on[2]["gdp"] < off[2]["gdp"]



def _bits(x) -> np.ndarray:
    """The bits of each float (every NaN as one NaN: its payload is no result)."""
    a = np.atleast_1d(np.array(x, dtype=np.float64))
    a[np.isnan(a)] = np.nan
    return a.view(np.int64)


@pytest.mark.parametrize("n", [7, 130, 4099])
def test_labour_metrics_have_the_bits_of_the_masked_sums(n):
    """Per decile, numpy's pairwise sum of the masked weights and ``dot`` of them over all records: the compiled
    sums reproduce both, bit for bit, below one block of numpy's summation (8), across one (128) and over many."""
    rng = np.random.default_rng(n)
    employed, hours = rng.random(n) < 0.6, rng.uniform(0.5, 1.5, n)
    weight, decile = rng.lognormal(5, 1, n) * (rng.random(n) < 0.97), rng.integers(0, 10, n)
    worked = PARAMS.hours_per_worker * hours * employed
    expected = {}
    for suffix, mask in [("", None)] + [(f"_by_decile.d{d + 1}", decile == d) for d in range(10)]:
        w = weight if mask is None else weight * mask
        adults, workers, total = float(w.sum()), float(dot(w, employed)), float(dot(w, worked))
        per_adult = total / adults if adults > 0 else 0.0
        expected[f"hours_per_worker{suffix}"] = total / workers if workers > 0 else 0.0
        expected[f"hours_per_adult{suffix}"] = per_adult
        expected["participation_rate" if mask is None else f"participation{suffix}"] = \
            workers / adults if adults > 0 else 0.0
        expected[f"leisure_per_adult{suffix}"] = PARAMS.time_endowment - per_adult
    values = labour_metrics(employed, hours, weight, decile, PARAMS)
    assert list(values) == list(expected)
    assert np.array_equal(_bits(list(values.values())), _bits(list(expected.values())))


def test_compiled_responses_have_the_bits_of_the_numpy_expressions():
    """The elasticities, the margins and reported income against the numpy expressions they replace."""
    rng = np.random.default_rng(11)
    n = 1001
    decile, unit_size, age = rng.integers(0, 10, n), rng.integers(1, 3, n), rng.integers(18, 95, n)
    age_factor = np.where(age >= PARAMS.age_threshold, PARAMS.age_multiplier, 1.0)
    primary = PARAMS.substitution_primary[decile]
    eps = np.where(unit_size == 2, 0.5 * (primary + PARAMS.substitution_secondary), primary) * age_factor
    assert np.array_equal(_bits(substitution_elasticity(decile, unit_size, age, PARAMS)), _bits(eps))
    assert np.array_equal(_bits(income_elasticity(age, PARAMS)), _bits(PARAMS.income * age_factor))

    response = rng.normal(0, 0.3, n)
    response[::17] = -1.0 / PARAMS.extensive_share  # no participation left
    participation = 1.0 + PARAMS.extensive_share * response
    hours = np.divide(1.0 + response, participation, out=np.zeros_like(response), where=participation > 0)
    assert all(np.array_equal(_bits(a), _bits(b))
               for a, b in zip(margins(response, PARAMS.extensive_share), (participation, hours), strict=True))

    mtr, base = rng.uniform(0, 1, n), np.maximum(rng.normal(5e4, 5e4, n), 0.0)
    mtr[::13] = 1.0
    response = TaxableIncome(mtr=mtr, eti=rng.choice([0.25, 0.4], n), real=rng.normal(0, 3e3, n))
    for change in (0.03, rng.choice([0.0, -0.0, 0.05, 1.5], n)):
        keep = np.maximum(1.0 - mtr, 1e-9)
        log_change = np.log(np.maximum(keep - change, 1e-9) / keep)
        expected = np.maximum(base + np.maximum(response.eti * base - response.real, 0.0) * log_change, 0.0)
        assert np.array_equal(_bits(response.reported(base, change)), _bits(expected))


def test_the_response_in_one_pass_is_the_composition_of_its_equations_to_the_last_bit() -> None:
    """respond finds each adult's decile, ε_sub, ε_inc, Δe/e and margins in one pass: the same bits as
    capacity_decile → substitution_elasticity, income_elasticity → earnings_response → margins, NaN
    efficiency (the top decile), non-positive net incomes and clipped responses included."""
    rng = np.random.default_rng(4)
    n = 10_007
    efficiency = rng.lognormal(1.0, 1.0, n)
    efficiency[::97] = np.nan
    unit_size, age = rng.integers(1, 3, n), rng.integers(18, 90, n)
    supply = _supply(efficiency)
    supply.mtr_status_quo = rng.uniform(0.0, 0.6, n)
    supply.mtr_reform = rng.uniform(-0.1, 0.3, n)
    supply.net_cash = rng.normal(0.0, 5e3, n)
    supply.net_income = rng.normal(4e4, 3e4, n)
    supply.wage_gap = 0.07
    eps_sub = substitution_elasticity(capacity_decile(efficiency, supply.breaks), unit_size, age, PARAMS)
    response = earnings_response(eps_sub, income_elasticity(age, PARAMS), supply.mtr_status_quo, supply.mtr_reform,
                                 supply.net_cash, supply.net_income, supply.wage_gap, PARAMS.bound)
    expected = margins(response, PARAMS.extensive_share)
    participation, hours = supply.respond(efficiency, unit_size, age)
    for got, want in ((supply.substitution, eps_sub), (participation, expected[0]), (hours, expected[1])):
        assert got.tobytes() == want.tobytes()


def test_the_response_refuses_unsorted_capacity_breaks() -> None:
    """The one-pass response looks each adult's decile up among the breaks inline, so it refuses unsorted
    breaks as count_at_or_below does, with the same message."""
    efficiency = np.random.default_rng(5).lognormal(1.0, 1.0, 100)
    supply = _supply(efficiency)
    supply.breaks = supply.breaks[::-1].copy()
    with pytest.raises(ValueError, match="breaks must be sorted"):
        supply.respond(efficiency, np.ones(100, dtype=np.int64), np.full(100, 40))
