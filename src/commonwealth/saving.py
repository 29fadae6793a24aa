"""Saving: the life cycle, dissaving in retirement and the response to the after-tax return.

The behavioural saving block of the households closure (``behaviour.saving``; docs/model/behaviour.md).
Each adult i in household-wealth group g (Saez & Zucman: bottom 90 %, P90–99, top 1 %, ranked as in
:func:`commonwealth.households.saving_rates`) with disposable income D_i and net worth W_i (USD per adult)
saves S_i (USD per adult, including the earnings firms retain on its behalf):

* **working age** (below the full retirement age, or still employed): S_i = λ_g · q(m_i) · π_i · D_i for
  D_i > 0, else D_i (nothing consumed), with λ_g the group's level factor, q the wealth-rank gradient
  (:func:`rank_gradient`) and π_i = (1 − c_i) · p(a_i) + c_i · q_k the profile of the adult's income mix:
  p the age profile ``saving.age_profile`` (Gourinchas & Parker 2002: buffer-stock saving when young,
  accumulation from ≈ 40) applies to the share 1 − c_i of income that is earned, while the share
  c_i = k_i / y_i that is capital income is saved at the age-free weight q_k
  (``saving.capital_income_weight``; Fagereng, Holm, Moll & Natvik 2019: the wealthy save by holding on
  to what their capital earns, whatever their age) — an heir who inherits a fortune at 18 keeps
  reinvesting its income as its previous owner did (:func:`income_mix_profile`);
* **retired** (at or past the retirement age and not working): S_i = min(D_i, 0) − min(d_g · W_i⁺, L_i):
  consumption is disposable income plus the decumulation share d_g of wealth (``saving.retiree_decumulation``;
  De Nardi, French & Jones 2010), never more than the liquid wealth L_i (sellable index units and
  positive bonds), so that dissaving sells the index, then bonds, and never borrows;
* **return response**: + (σ_g − m_i) · (r̃_g,t − r̃_g,0) · W_i⁺, where m_i is the share of extra income the
  rule above saves (λ_g·p(a_i) at work, 0 in retirement) and σ_g the EIS (``saving.eis``; Havranek 2015).
  Derivation: a CRRA consumer with EIS σ and discount rate ρ consumes c = [r(1 − σ) + ρσ]·W out of
  wealth W; when the net return rises by Δr its capital income rises by W·Δr and its consumption by
  (1 − σ)·W·Δr, so saving rises by σ·W·Δr — the substitution effect net of the income effect (for σ < 1
  the consumer saves part, not all, of a higher return). The fixed-share rule already saves m_i of the
  extra income, hence the difference. The response may not raise saving above ``saving.max_rate`` of
  D_i, nor cut it below min(D_i, 0) − L_i.

**Calibration.** At t = 0 the level factors solve, group by group,
Σ_g w_i S_i = s_g · Σ_g w_i D_i exactly (s_g: ``households.saving_rates``; the response is zero then):
λ_g = (s_g · Σ_g wD − Σ_g w S_i[not working with D > 0]) / Σ_g w p(a_i) D_i [working, D_i > 0]. They stay
fixed afterwards.

**After-tax return by group.** r̃_g = Σ_g w (k_i − τ_i · k_i / y_i + dilution_i) / Σ_g w W_i⁺: capital
income k_i less the share k_i / y_i of all the adult's taxes (status quo and reforms': the wealth tax,
the land tax, the income tax on capital), y_i its income before tax, plus last year's in-kind losses
(the Fund's share levy dilutes holdings by ≈ 2.5 %/yr of firm value; in-kind gains, a transfer, are
left out). Per year, USD per USD of wealth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from commonwealth.kernel_threads import record_kernel
from commonwealth.parameters import ParameterSet
from commonwealth.ranking import band_index
from commonwealth.sums import LANES, group_dots, group_lane_stops, lanes_totals, next_lane
from commonwealth.taxes import clip, maximum

#: Labels of the Saez–Zucman wealth groups, in band order (metric suffixes).
GROUPS = ("bottom90", "p90_99", "top1")


@dataclass(frozen=True)
class SavingInputs:
    """One year's per-adult inputs to the saving rule (USD per adult unless stated)."""

    disposable: NDArray[np.float64]
    wealth: NDArray[np.float64]  # net worth at the start of the year
    liquid: NDArray[np.float64]  # sellable index at end-of-year prices plus positive bonds
    capital_income: NDArray[np.float64]
    income: NDArray[np.float64]  # before taxes: market income plus transfers
    taxes: NDArray[np.float64]  # status quo and reforms'
    age: NDArray[np.int64]
    working: NDArray[np.bool_]  # below the retirement age or employed
    group: NDArray[np.int8]  # Saez–Zucman wealth group, 0 … 2
    rank: NDArray[np.float64]  # household's weighted wealth mid-rank, 0 … 1
    weight: NDArray[np.float64]


def cash_and_liquid(labour_income: NDArray, capital_income: NDArray, transfers: NDArray, taxes: NDArray,
                    reform_transfers: NDArray, reform_taxes: NDArray, equity_index: NDArray, locked: NDArray | float,
                    index_price: float, bonds: NDArray, age: NDArray, retirement_age: float, employed: NDArray
                    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64],
                               NDArray[np.bool_]]:
    """Per adult, in one pass: income before taxes (market income, status-quo and reform transfers), all
    taxes, disposable income, liquid wealth (sellable index units at ``index_price`` plus positive bonds)
    and who works or may (below ``retirement_age`` or employed) — the :class:`SavingInputs` the saving
    rule needs, with numpy's operations in numpy's order (``l + c + t + t_r``, ``τ + τ_r``,
    ``max(E − ℓ, 0)·p + max(B, 0)``)."""
    shape = labour_income.shape
    return _cash_and_liquid(labour_income, capital_income, transfers, taxes,
                            np.broadcast_to(np.asarray(reform_transfers, dtype=np.float64), shape),
                            np.broadcast_to(np.asarray(reform_taxes, dtype=np.float64), shape), equity_index,
                            np.broadcast_to(np.asarray(locked, dtype=np.float64), shape), float(index_price),
                            bonds, age, float(retirement_age), employed)


@record_kernel
def _cash_and_liquid(labour, capital, transfers, taxes, reform_transfers, reform_taxes, equity_index, locked, price,
                     bonds, age, retirement_age, employed):
    n = labour.size
    income, all_taxes, disposable, liquid = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    working = np.empty(n, dtype=np.bool_)
    for i in prange(n):
        before = ((labour[i] + capital[i]) + transfers[i]) + reform_transfers[i]
        paid = taxes[i] + reform_taxes[i]
        income[i], all_taxes[i], disposable[i] = before, paid, before - paid
        liquid[i] = maximum(equity_index[i] - locked[i], 0.0) * price + maximum(bonds[i], 0.0)
        working[i] = (age[i] < retirement_age) | employed[i]
    return income, all_taxes, disposable, liquid, working


@dataclass
class SavingRule:
    """The life-cycle saving rule, its base-year level factors and base-year after-tax returns."""

    profile: NDArray[np.float64]  # per-record relative saving rate by age, refreshed each year
    level: NDArray[np.float64] | None = None  # λ_g, solved at t = 0
    return0: NDArray[np.float64] | None = None  # r̃_g,0
    dilution: NDArray[np.float64] | None = None  # last year's in-kind losses per adult (≤ 0)
    metrics: dict[str, float] = field(default_factory=dict)  # this year's saving metrics

    @classmethod
    def empty(cls) -> SavingRule:
        return cls(profile=np.zeros(0))


def wealth_groups(unit_wealth: NDArray, unit_weight: NDArray, params: ParameterSet, year: int) -> NDArray[np.int8]:
    """Each adult's Saez–Zucman wealth group by its household's weighted wealth rank (0 bottom 90 %,
    1 P90–99, 2 top 1 %), as the fixed saving rates rank them."""
    return band_index(unit_wealth, unit_weight, params("households.saving_wealth_breaks", year))


def age_profile(age: NDArray, params: ParameterSet, year: int) -> NDArray[np.float64]:
    """p(a): the relative working-age saving rate at each age, linear between the nodes of
    ``saving.age_profile_ages``, flat beyond them (dimensionless)."""
    table, index = _age_profile_table(age, params, year)
    return table[index]


def _age_profile_table(age: NDArray, params: ParameterSet, year: int) -> tuple[NDArray[np.float64], NDArray]:
    """p at each whole age 0 … the oldest and the ages to look up in it; for ages that are not whole
    non-negative years, p of every record and the record numbers (``table[index]`` is :func:`age_profile`)."""
    nodes = np.asarray(params("saving.age_profile_ages", year), dtype=float)
    values = np.asarray(params("saving.age_profile", year), dtype=float)
    a = np.asarray(age)
    if a.size and np.issubdtype(a.dtype, np.integer) and a.min() >= 0:  # whole years: one value per age
        return np.interp(np.arange(int(a.max()) + 1), nodes, values), a
    return np.interp(a, nodes, values).reshape(-1), np.arange(a.size)


def saving_profile(age: NDArray, capital_income: NDArray, income: NDArray, rank: NDArray, params: ParameterSet,
                   year: int) -> NDArray[np.float64]:
    """π_i · q(m_i), each adult's relative saving rate in the life-cycle rule (module docstring):
    ``income_mix_profile(age_profile(age), capital_income, income, q_k) * rank_gradient(rank, γ)`` bit for bit,
    the age profile looked up and the product taken in the income-mix pass (no per-record age profile or
    product of their own)."""
    table, index = _age_profile_table(age, params, year)
    gradient = rank_gradient(rank, params("saving.wealth_rank_gradient", year))
    capital_weight = float(params("saving.capital_income_weight", year))
    return _income_mix_profile(np.asarray(index), table, np.asarray(capital_income, dtype=np.float64),
                               np.asarray(income, dtype=np.float64), capital_weight, gradient)


def income_mix_profile(age_profile: NDArray, capital_income: NDArray, income: NDArray,
                       capital_weight: float) -> NDArray[np.float64]:
    """π_i = (1 − c_i) · p(a_i) + c_i · q_k with c_i = k_i / y_i clipped to [0, 1] (0 without income):
    the relative saving rate of an adult whose income is the share c_i capital income (dimensionless;
    module docstring)."""
    profile = np.asarray(age_profile, dtype=np.float64).reshape(-1)
    return _income_mix_profile(np.arange(profile.size), profile, np.asarray(capital_income, dtype=np.float64),
                               np.asarray(income, dtype=np.float64), float(capital_weight),
                               np.broadcast_to(1.0, profile.shape))


@njit(cache=True, inline="always")
def _capital_share(capital_income: float, income: float) -> float:
    """c = k / y clipped to [0, 1], 0 without income: ``np.where(y > 0, np.clip(k / y, 0, 1), 0)`` bit for bit."""
    return clip(capital_income / income, 0.0, 1.0) if income > 0 else 0.0


@record_kernel
def _income_mix_profile(age, by_age, capital_income, income, capital_weight, gradient):
    """((1 − c) · p(a) + c · q_k) × gradient, p(a) looked up in ``by_age`` (× 1.0 leaves a value unchanged)."""
    out = np.empty(age.size)
    for i in prange(age.size):
        share = _capital_share(capital_income[i], income[i])
        out[i] = ((1.0 - share) * by_age[age[i]] + share * capital_weight) * gradient[i]
    return out


def rank_gradient(rank: NDArray, gradient: float) -> NDArray[np.float64]:
    """q(m) = m^γ: the relative saving rate of a household at wealth rank m within the life-cycle rule
    (γ = 0: none). Dynan, Skinner & Zeldes (2004): saving rates rise with lifetime income; the group level
    factors keep each group's aggregate rate, so γ only moves saving from the poorer to the richer
    members of a group (dimensionless)."""
    clipped = _clip_units(np.asarray(rank, dtype=np.float64))
    return np.power(clipped, gradient, out=clipped)  # numpy's power (its bits, not libm's), in place


@njit(cache=True)
def _clip_units(x):
    out = np.empty(x.size)
    for i in range(x.size):
        out[i] = clip(x[i], 0.0, 1.0)
    return out


def after_tax_returns(inputs: SavingInputs, dilution: NDArray | None) -> NDArray[np.float64]:
    """r̃_g: each group's capital income after its share of taxes, plus in-kind losses, per USD of
    positive net worth (1/year); 0 for a group without wealth."""
    net = _after_tax_capital_income(inputs.capital_income, inputs.income, inputs.taxes,
                                    np.zeros(0) if dilution is None else np.asarray(dilution, float))
    wealth, income = _group_dot_pair(inputs.weight, inputs.wealth, net, inputs.group, len(GROUPS), True)
    return np.array([float(income[g]) / float(wealth[g]) if wealth[g] > 0 else 0.0 for g in range(len(GROUPS))])


@njit(cache=True)
def _after_tax_capital_income(capital_income, income, taxes, dilution):
    """k − c·τ (+ the dilution, left out if empty): capital income after its share c = k / y of the taxes."""
    out = np.empty(capital_income.size)
    for i in range(out.size):
        net = capital_income[i] - _capital_share(capital_income[i], income[i]) * taxes[i]
        out[i] = net + dilution[i] if dilution.size else net
    return out


@njit(cache=True)
def _group_dot_pair(weight, x, y, group, groups, positive_x):
    """Per group: Σ w·x (x at least 0 with ``positive_x``) and Σ w·y over its members, with the bits of
    :func:`commonwealth.sums.group_dots`."""
    stop = group_lane_stops(group, groups)
    seen = np.zeros(groups, dtype=np.int64)
    x_lanes = np.zeros((groups, LANES + 1))
    y_lanes = np.zeros((groups, LANES + 1))
    for i in range(group.size):
        g = group[i]
        if g < 0 or g >= groups:
            continue
        slot = next_lane(seen, stop, g)
        x_lanes[g, slot] += weight[i] * (maximum(x[i], 0.0) if positive_x else x[i])
        y_lanes[g, slot] += weight[i] * y[i]
    return lanes_totals(x_lanes), lanes_totals(y_lanes)


def level_factors(inputs: SavingInputs, profile: NDArray, targets: NDArray, decumulation: NDArray,
                  ) -> NDArray[np.float64]:
    """λ_g such that each group's saving over its disposable income equals its target s_g (see the module
    docstring). Raises ``ValueError`` if a group's workers would have to save a negative share (a target
    below the retirees' dissaving)."""
    unit = life_cycle_saving(inputs, profile, np.ones(len(GROUPS)), decumulation, np.zeros(len(GROUPS)),
                             np.zeros(len(GROUPS)), 1.0)
    w, d = inputs.weight, inputs.disposable
    scaled = inputs.working & (d > 0)
    # 2g: group g's adults whose saving the level factor does not scale, 2g + 1: those it scales
    parts = group_dots(w, unit, 2 * inputs.group.astype(np.int64) + scaled, 2 * len(GROUPS))
    disposable = group_dots(w, d, inputs.group, len(GROUPS))
    out = np.zeros(len(GROUPS))
    for g in range(len(GROUPS)):
        fixed, base = float(parts[2 * g]), float(parts[2 * g + 1])
        target = float(targets[g]) * float(disposable[g])
        if base <= 0:
            out[g] = float(targets[g])
            continue
        out[g] = (target - fixed) / base
        if out[g] < 0:
            raise ValueError(f"saving: group {GROUPS[g]} would need a negative level factor ({out[g]:.3f}): "
                             f"the group's target saving is below what its retirees dissave")
    return out


def life_cycle_saving(inputs: SavingInputs, profile: NDArray, level: NDArray, decumulation: NDArray,
                      eis: NDArray, return_gap: NDArray, max_rate: float) -> NDArray[np.float64]:
    """S_i, USD per adult (module docstring): the life-cycle rule plus the bounded return response."""
    return _life_cycle_saving(inputs.disposable, inputs.wealth, inputs.liquid, inputs.working, inputs.group,
                              np.asarray(profile, dtype=np.float64), np.asarray(level, dtype=np.float64),
                              np.asarray(decumulation, dtype=np.float64), np.asarray(eis, dtype=np.float64),
                              np.asarray(return_gap, dtype=np.float64), float(max_rate))


@record_kernel
def _life_cycle_saving(disposable, wealth, liquid, working, group, profile, level, decumulation, eis, return_gap,
                       max_rate):
    """:func:`life_cycle_saving`'s rule, one record at a time. A worker's and a retiree's base saving are both
    computed and one selected, each bound a conditional expression (which LLVM turns into a select, where
    statements stayed branches): whether a record works is a coin a branch mispredicts (76 against 60 µs
    for 20,000 records); the arithmetic of each alternative is unchanged, so are the bits."""
    n = disposable.size
    out = np.empty(n)
    for i in prange(n):
        g = group[i]
        d = disposable[i]
        w_pos = wealth[i] if wealth[i] > 0 else 0.0
        negative_part = d if d < 0 else 0.0
        # a worker: the level factor × the profile on positive disposable income
        worker_marginal = level[g] * profile[i] if d > 0 else 0.0
        worker_base = worker_marginal * d if d > 0 else d
        # a retiree: runs down the decumulation rate of net worth, at most the liquid part
        run_down = decumulation[g] * w_pos
        run_down = liquid[i] if run_down > liquid[i] else run_down
        retiree_base = negative_part - run_down
        works = working[i]
        marginal = worker_marginal if works else 0.0
        base = worker_base if works else retiree_base
        response = (eis[g] - marginal) * return_gap[g] * w_pos
        saved = base + response
        cap = max_rate * d
        cap = base if cap < base else cap
        saved = cap if d > 0 and response > 0 and saved > cap else saved
        floor = negative_part - liquid[i]
        out[i] = floor if saved < floor else saved  # the rule itself never goes below the floor
    return out


def group_rates(saving: NDArray, disposable: NDArray, group: NDArray, weight: NDArray) -> dict[str, float]:
    """Each group's aggregate saving over its aggregate disposable income (the Saez–Zucman rate)."""
    denominators, totals = _group_dot_pair(weight, disposable, saving, group, len(GROUPS), False)
    return {f"saving_rate_{name}": float(totals[g]) / float(denominators[g]) if denominators[g] else 0.0
            for g, name in enumerate(GROUPS)}


def retiree_decumulation_rate(saving: NDArray, wealth: NDArray, working: NDArray, weight: NDArray) -> float:
    """Retirees' aggregate dissaving over their aggregate positive net worth (1/year; > 0 when they
    run wealth down)."""
    # groups 0, the retired, and 1, the working (summed too: no record is skipped, no branch mispredicted)
    wealth_total, saved = _group_dot_pair(weight, wealth, saving, np.asarray(working, dtype=np.bool_).view(np.uint8),
                                          2, True)
    return -float(saved[0]) / float(wealth_total[0]) if wealth_total[0] > 0 else 0.0
