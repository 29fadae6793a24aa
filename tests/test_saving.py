"""Saving: the life-cycle rule, its base-year calibration, the return response, and its effect on the
wealth distribution."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.behaviour import BehaviourSettings
from commonwealth.engine import run_scenario
from commonwealth.parameters import ParameterSet
from commonwealth.saving import (
    SavingInputs,
    after_tax_returns,
    age_profile,
    group_rates,
    income_mix_profile,
    level_factors,
    life_cycle_saving,
    rank_gradient,
    retiree_decumulation_rate,
    saving_profile,
)
from commonwealth.scenario import load_scenario
from commonwealth.sums import dot

DECUMULATION = np.array([0.03, 0.015, 0.01])
EIS = np.array([0.35, 0.35, 0.5])
NO_GAP = np.zeros(3)


def _inputs(**overrides) -> SavingInputs:
    """Six adults, two per group: a worker and a retiree in each."""
    base = dict(
        disposable=np.array([40e3, 30e3, 150e3, 80e3, 900e3, 500e3]),
        wealth=np.array([50e3, 200e3, 2e6, 3e6, 20e6, 40e6]),
        liquid=np.array([20e3, 100e3, 1e6, 2e6, 15e6, 30e6]),
        capital_income=np.array([1e3, 8e3, 60e3, 70e3, 700e3, 450e3]),
        income=np.array([50e3, 35e3, 200e3, 100e3, 1.3e6, 700e3]),
        taxes=np.array([10e3, 5e3, 50e3, 20e3, 400e3, 200e3]),
        age=np.array([35, 75, 50, 70, 55, 80]),
        working=np.array([True, False, True, False, True, False]),
        group=np.array([0, 0, 1, 1, 2, 2], dtype=np.int8),
        rank=np.array([0.3, 0.6, 0.95, 0.97, 0.995, 0.999]),
        weight=np.array([2.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
    )
    base.update(overrides)
    return SavingInputs(**base)


def test_level_factors_make_each_groups_saving_over_disposable_income_its_target_rate():
    inputs = _inputs()
    targets = np.array([0.03, 0.15, 0.225])
    profile = np.array([1.0, 0.0, 1.3, 0.0, 1.4, 0.0])
    level = level_factors(inputs, profile, targets, DECUMULATION)
    saving = life_cycle_saving(inputs, profile, level, DECUMULATION, EIS, NO_GAP, 0.6)
    rates = group_rates(saving, inputs.disposable, inputs.group, inputs.weight)
    assert [rates["saving_rate_bottom90"], rates["saving_rate_p90_99"], rates["saving_rate_top1"]] == \
        pytest.approx(targets, rel=1e-12)


def test_capital_income_is_saved_at_the_age_free_weight_and_earnings_at_the_age_profile():
    # a young heir living on capital income, a young earner, an adult with half of each, no income
    profile = income_mix_profile(np.array([0.3, 0.3, 1.5, 0.6]), np.array([100e3, 0.0, 50e3, 0.0]),
                                 np.array([100e3, 40e3, 100e3, 0.0]), 1.0)
    assert profile == pytest.approx([1.0, 0.3, 1.25, 0.6])


def test_level_factors_refuse_a_target_below_what_the_groups_retirees_dissave():
    with pytest.raises(ValueError, match="negative level factor"):
        level_factors(_inputs(), np.ones(6), np.array([-0.5, 0.15, 0.225]), DECUMULATION)


def test_retirees_run_down_their_decumulation_share_of_wealth_but_not_beyond_liquid_wealth():
    inputs = _inputs(liquid=np.array([20e3, 1e3, 1e6, 2e6, 15e6, 30e6]))
    saving = life_cycle_saving(inputs, np.ones(6), np.ones(3), DECUMULATION, EIS, NO_GAP, 0.6)
    assert saving[1] == pytest.approx(-1e3)  # 3 % of 200k is 6k, but only 1k is liquid
    assert saving[3] == pytest.approx(-0.015 * 3e6)
    assert saving[5] == pytest.approx(-0.01 * 40e6)


def test_return_response_adds_eis_less_the_marginal_saving_rate_times_the_return_gap_times_wealth():
    inputs = _inputs()
    level, gap = np.array([0.05, 0.1, 0.2]), np.array([0.01, 0.01, 0.01])
    profile = np.ones(6)
    static = life_cycle_saving(inputs, profile, level, DECUMULATION, EIS, NO_GAP, 1.0)
    moved = life_cycle_saving(inputs, profile, level, DECUMULATION, EIS, gap, 1.0)
    assert moved[0] - static[0] == pytest.approx((0.35 - 0.05) * 0.01 * 50e3)
    assert moved[3] - static[3] == pytest.approx(0.35 * 0.01 * 3e6)  # retirees save none of extra income


def test_return_response_cannot_lift_saving_above_the_maximum_rate():
    inputs = _inputs()
    saving = life_cycle_saving(inputs, np.ones(6), np.array([0.05, 0.1, 0.2]), DECUMULATION, EIS,
                               np.full(3, 0.2), 0.6)
    assert saving[4] == pytest.approx(0.6 * 900e3)


def test_rank_gradient_is_flat_at_zero_and_favours_the_richer_when_positive():
    rank = np.array([0.1, 0.5, 0.9])
    assert np.all(rank_gradient(rank, 0.0) == 1.0)
    assert np.all(np.diff(rank_gradient(rank, 3.0)) > 0)


def test_after_tax_return_nets_each_adults_tax_share_of_capital_income_and_share_levy_dilution():
    inputs = _inputs()
    dilution = np.array([0.0, 0.0, 0.0, 0.0, -400e3, -800e3])
    returns = after_tax_returns(inputs, dilution)
    net_top = (700e3 - 400e3 * 700e3 / 1.3e6 - 400e3) + (450e3 - 200e3 * 450e3 / 700e3 - 800e3)
    assert returns[2] == pytest.approx(net_top / 60e6)


def _run(name: str, behaviour: str | dict, size: int, years: int | None = None):
    scenario = load_scenario(name)
    update = {"behaviour": BehaviourSettings.model_validate(behaviour),
              "population": scenario.population.model_copy(update={"size": size})}
    if years is not None:
        update["years"] = years
    return run_scenario(scenario.model_copy(update=update)).metrics


def _values(metrics, metric: str):
    return metrics[metrics.metric == metric].set_index("year")["value"]


def test_base_year_group_saving_rates_equal_saez_zucman_targets_in_the_engine():
    metrics = _run("status-quo", {"saving": True}, 4000, years=2)
    first = metrics.year.min()
    for name, target in [("bottom90", 0.03), ("p90_99", 0.15), ("top1", 0.225)]:
        assert _values(metrics, f"saving_rate_{name}")[first] == pytest.approx(target, rel=1e-9)


@pytest.fixture(scope="module")
def stall_shares():
    """Household wealth shares under ``stall`` (no AI, status quo) at 20k records, saving response on."""
    metrics = _run("stall", "responsive", 20_000)
    first, last = metrics.year.min(), metrics.year.max()
    assert last - first >= 30
    return {m: (_values(metrics, m)[first], _values(metrics, m)[last])
            for m in ("wealth_share_top0_1", "wealth_share_top1", "wealth_share_top10", "wealth_share_bottom50")}


@pytest.mark.slow
@pytest.mark.parametrize("metric", ["wealth_share_top10", "wealth_share_bottom50"])
def test_without_ai_the_wealth_shares_of_the_top_tenth_and_bottom_half_stay_within_a_point(stall_shares, metric):
    start, end = stall_shares[metric]
    assert abs(end - start) <= 0.01


@pytest.mark.slow
@pytest.mark.parametrize("metric", ["wealth_share_top0_1", "wealth_share_top1"])
def test_without_ai_the_top_wealth_shares_stay_within_a_point(stall_shares, metric):
    start, end = stall_shares[metric]
    assert abs(end - start) <= 0.01


def _bits(x) -> np.ndarray:
    """The bits of each float (every NaN as one NaN: its payload is no result)."""
    a = np.atleast_1d(np.array(x, dtype=np.float64))
    a[np.isnan(a)] = np.nan
    return a.view(np.int64)


def _ragged(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """``x`` with some exact zeros of both signs, the values where numpy's clip, maximum and where differ in bits."""
    x = x.copy()
    x[rng.integers(0, x.size, x.size // 50)] = 0.0
    x[rng.integers(0, x.size, x.size // 50)] = -0.0
    return x


def test_compiled_rule_has_the_bits_of_the_numpy_expressions_and_masked_dot_products():
    """The rule's kernels against the numpy expressions they replace, and the group sums against ``dot`` over
    each group's members (sums.dot's lane order), on 1,003 adults: bit for bit."""
    rng = np.random.default_rng(5)
    n = 1003
    income = _ragged(rng, rng.lognormal(10, 1.5, n) * rng.choice([1.0, 1.0, -1.0], n))
    capital = _ragged(rng, income * rng.uniform(-0.3, 1.3, n))
    inputs = _inputs(disposable=_ragged(rng, rng.normal(5e4, 5e4, n)), wealth=_ragged(rng, rng.normal(1e5, 1e6, n)),
                     liquid=rng.uniform(0, 1e5, n), capital_income=capital, income=income,
                     taxes=rng.uniform(0, 2e4, n), age=rng.integers(18, 100, n), working=rng.random(n) < 0.7,
                     group=rng.choice(3, n, p=[0.8, 0.15, 0.05]).astype(np.int8),
                     rank=_ragged(rng, rng.uniform(-0.05, 1.05, n)), weight=rng.uniform(0, 300, n))
    dilution = np.minimum(rng.normal(-50, 50, n), 0.0)
    age_profile = rng.uniform(0.2, 1.5, n)
    saving = _ragged(rng, rng.normal(0, 1e4, n))

    positive = income > 0
    share = np.where(positive, np.clip(capital / np.where(positive, income, 1.0), 0.0, 1.0), 0.0)
    assert np.array_equal(_bits(income_mix_profile(age_profile, capital, income, 1.2)),
                          _bits((1.0 - share) * age_profile + share * 1.2))
    assert np.array_equal(_bits(rank_gradient(inputs.rank, 3.0)), _bits(np.power(np.clip(inputs.rank, 0.0, 1.0), 3.0)))

    net = capital - share * inputs.taxes + dilution
    w, groups = inputs.weight, [inputs.group == g for g in range(3)]
    expected = []
    for m in groups:
        wealth = float(dot(w[m], np.maximum(inputs.wealth[m], 0.0)))
        expected.append(float(dot(w[m], net[m])) / wealth if wealth > 0 else 0.0)
    assert np.array_equal(_bits(after_tax_returns(inputs, dilution)), _bits(expected))

    rates = group_rates(saving, inputs.disposable, inputs.group, w)
    assert np.array_equal(_bits(list(rates.values())),
                          _bits([float(dot(w[m], saving[m])) / float(dot(w[m], inputs.disposable[m])) for m in groups]))
    retired = ~inputs.working
    expected_rate = -float(dot(w[retired], saving[retired])) / float(dot(w[retired],
                                                                          np.maximum(inputs.wealth[retired], 0.0)))
    assert _bits(retiree_decumulation_rate(saving, inputs.wealth, inputs.working, w)) == _bits(expected_rate)


def _rule_record_by_record(inputs: SavingInputs, profile, level, decumulation, eis, return_gap, max_rate) -> list:
    """The life-cycle rule as statements, one adult at a time (the kernel's form before it selected instead
    of branching): the reference its selects must reproduce to the bit."""
    out = []
    for i in range(inputs.disposable.size):
        g, d = int(inputs.group[i]), float(inputs.disposable[i])
        w_pos = max(float(inputs.wealth[i]), 0.0)
        liquid = float(inputs.liquid[i])
        if inputs.working[i]:
            marginal = level[g] * profile[i] if d > 0 else 0.0
            base = marginal * d if d > 0 else d
        else:
            marginal = 0.0
            run_down = min(decumulation[g] * w_pos, liquid)
            base = min(d, 0.0) - run_down
        response = (eis[g] - marginal) * return_gap[g] * w_pos
        saved = base + response
        if d > 0 and response > 0:
            saved = min(saved, max(max_rate * d, base))
        out.append(max(saved, min(d, 0.0) - liquid))
    return out


def test_the_compiled_rule_selects_exactly_what_the_record_by_record_rule_computes():
    rng = np.random.default_rng(11)
    n = 4_000
    inputs = SavingInputs(
        disposable=rng.normal(40e3, 60e3, n), wealth=rng.lognormal(11.0, 2.0, n) - 30e3,
        liquid=rng.lognormal(10.0, 2.0, n), capital_income=rng.lognormal(8.0, 2.0, n),
        income=rng.lognormal(10.5, 1.0, n), taxes=rng.lognormal(9.0, 1.0, n), age=rng.integers(18, 95, n),
        working=rng.random(n) < 0.7, group=rng.integers(0, 3, n).astype(np.int8), rank=rng.random(n),
        weight=rng.uniform(1.0, 3.0, n))
    profile, level = rng.uniform(0.0, 2.0, n), np.array([0.05, 0.12, 0.3])
    gap = np.array([0.01, -0.02, 0.03])  # some responses positive, the cap binding for some adults
    got = life_cycle_saving(inputs, profile, level, DECUMULATION, EIS, gap, 0.25)
    expected = _rule_record_by_record(inputs, profile, level, DECUMULATION, EIS, gap, 0.25)
    assert got.tolist() == expected


@pytest.mark.parametrize("ages", ["whole years", "fractional"])
def test_the_saving_profile_in_one_pass_is_the_product_of_its_parts_to_the_last_bit(ages) -> None:
    """π_i · q(m_i): the age profile looked up and the gradient multiplied in the income-mix pass give the
    bits of the three functions composed, for whole-year ages (a table per age) and others (per record)."""
    rng = np.random.default_rng(11)
    n = 5_003
    age = rng.integers(0, 110, n) if ages == "whole years" else rng.uniform(18, 100, n)
    income = _ragged(rng, rng.normal(6e4, 6e4, n))
    capital = _ragged(rng, income * rng.uniform(-0.3, 1.3, n))
    rank = _ragged(rng, rng.uniform(-0.05, 1.05, n))
    params, year = ParameterSet(), 2030
    expected = (income_mix_profile(age_profile(age, params, year), capital, income,
                                   params("saving.capital_income_weight", year))
                * rank_gradient(rank, params("saving.wealth_rank_gradient", year)))
    got = saving_profile(age, capital, income, rank, params, year)
    assert np.array_equal(_bits(got), _bits(expected))
