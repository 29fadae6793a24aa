"""Compute and capability: effective compute, what AI can do, what it is worth doing, in the spirit of
Epoch AI's GATE (Erdil et al. 2025, arXiv:2503.04941).

All paths are yearly, t = 0, 1, … years after the base year, and computed before the run (the compute
block is exogenous to the economy: GATE's planner chooses investment in compute, here its growth and
ceiling are parameters). Logs are base 10 ("orders of magnitude", OOM).

**Hardware and software.** Price-performance H (FLOP per year per dollar of hardware) and software
efficiency S (eFLOP per FLOP) grow at initial rates g_H, g_S that fall linearly with the headroom left
below their ceilings — GATE's ceiling factor Λ = (log X_max − log X)/(log X_max − log X(0)) with a
constant research effort, whose solution is

    log X(t) = log X(0) + D_X · (1 − exp(−t · log(1 + g_X) / D_X)),    D_X = log X_max − log X(0).

**Training compute.** Spending on the largest run grows ×(1 + g_I) a year (Cottier et al. 2024) until it
reaches the cap c · GDP_0; the effective compute of the largest run is

    log C_T(t) = log C_T(0) + [log I(t) − log I(0)] + [log H(t) − log H(0)] + [log S(t) − log S(0)].

**Capability (GATE eq. 13).** The share of tasks AI *can* do rises log-linearly between the thresholds
T/10^Δ and T of the run trained ``compute.automation_lag`` years earlier:

    f(t) = Φ_0 + (1 − Φ_0) · clip((log C_T(t − lag) − log T + Δ) / Δ, 0, 1),   Δ = Δf · (log T − log C_T(0)),

with Φ_0 the base-year automation share of Korinek & Suh's calibration (GATE starts from its own
f_init = 0.10 of tasks done by AI; here the base already counts every task machines do).

**Cost-effective automation (Acemoglu & Restrepo 2018: I* = min(I, Ĩ)).** Tasks are ordered by
complexity quantile i ∈ [0, 1]; one human-equivalent worker on task i needs 10^(γ0 + γ1·i) eFLOP a year
of runtime compute (GATE), which costs (δ_Q + r)/(H·S) dollars of hardware rental per FLOP per year, sold
at a gross margin m. An hour of AI work on task i costs

    c(i, t) = 10^(γ0 + γ1·i) · (δ_Q + r) / (H(t) · S(t) · (1 − m) · hours),

and it is worth automating when c(i, t) ≤ w, the employer's cost of an hour of work
(``compute.labour_cost_per_hour``, held constant in real terms). The cost frontier is Ĩ(t) =
(log(w · hours · H · S · (1 − m)/(δ_Q + r)) − γ0)/γ1, and the share of tasks worth automating and possible
is Φ*(t) = max(Φ_0, min(f(t), Ĩ(t))). Restrepo (2025): where AI does a task, the wage for it cannot
exceed c(i, t) — the cost of the compute that reproduces the work (metric ``ai_cost_per_hour_frontier``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from commonwealth.parameters import ParameterSet


@dataclass(frozen=True)
class ComputeParameters:
    """The compute block's parameters (``compute.*``; units in the parameter files)."""

    training_run_base: float  # C_T(0), eFLOP
    hardware_growth: float  # g_H, 1/year
    hardware_headroom: float  # D_H, OOM
    software_growth: float  # g_S, 1/year
    software_headroom: float  # D_S, OOM
    spend_growth: float  # g_I, 1/year
    spend_base: float  # I(0), USD
    spend_cap: float  # c, share of base-year GDP
    agi_requirement: float  # log T, OOM of eFLOP
    flop_gap_fraction: float  # Δf
    lag: float  # years from training to capability
    runtime_base: float  # γ0, OOM of eFLOP/year per human-equivalent
    runtime_slope: float  # γ1, OOM
    hardware_base: float  # log H(0), OOM of FLOP/year per USD
    depreciation: float  # δ_Q, 1/year
    financing_rate: float  # r, 1/year
    gross_margin: float  # m
    labour_cost_per_hour: float  # w, USD/hour
    hours_per_year: float  # hours per human-equivalent year

    @classmethod
    def from_parameters(cls, params: ParameterSet, year: int) -> ComputeParameters:
        def p(name: str) -> float:
            return float(params(f"compute.{name}", year))

        return cls(training_run_base=p("training_run_base"), hardware_growth=p("hardware_growth"),
                   hardware_headroom=p("hardware_headroom_orders"), software_growth=p("software_growth"),
                   software_headroom=p("software_headroom_orders"), spend_growth=p("training_spend_growth"),
                   spend_base=p("training_spend_base"), spend_cap=p("training_spend_cap"),
                   agi_requirement=p("agi_requirement_orders"), flop_gap_fraction=p("flop_gap_fraction"),
                   lag=p("automation_lag"), runtime_base=p("runtime_requirement_orders"),
                   runtime_slope=p("runtime_task_slope"), hardware_base=p("hardware_cost_base"),
                   depreciation=p("depreciation"), financing_rate=p("financing_rate"),
                   gross_margin=p("gross_margin"), labour_cost_per_hour=p("labour_cost_per_hour"),
                   hours_per_year=p("hours_per_year"))


@dataclass(frozen=True)
class ComputePath:
    """Yearly paths of the compute block, index t = 0 … n (years after the base year)."""

    log_hardware: NDArray[np.float64]  # log H(t) − log H(0), OOM
    log_software: NDArray[np.float64]  # log S(t), OOM (S(0) = 1)
    log_training_compute: NDArray[np.float64]  # log C_T(t), OOM of eFLOP
    possible: NDArray[np.float64]  # f(t): share of tasks AI can do
    cost_frontier: NDArray[np.float64]  # Ĩ(t): share of tasks whose AI hour costs at most a worker's
    params: ComputeParameters

    @property
    def adoptable(self) -> NDArray[np.float64]:
        """Φ*(t) = max(Φ_0, min(f, Ĩ)): possible and worth doing."""
        return np.maximum(self.possible[0], np.minimum(self.possible, self.cost_frontier))

    def ai_cost_per_hour(self, task: NDArray | float, t: int) -> NDArray[np.float64]:
        """c(i, t): the price of an hour of AI work on task quantile ``task`` in year t, USD/hour."""
        return ai_cost_per_hour(np.asarray(task, dtype=float), float(self.log_hardware[t] + self.log_software[t]),
                                self.params)


def ceiling_path(growth: float, headroom: float, t: NDArray) -> NDArray[np.float64]:
    """log X(t) − log X(0) for initial growth ``growth`` (1/year) slowing linearly with the headroom
    left below a ceiling ``headroom`` OOM above X(0) (module docstring; OOM)."""
    rate = math.log10(1.0 + growth)
    return headroom * (1.0 - np.exp(-rate * t / headroom))


def training_spend(p: ComputeParameters, gdp0: float, t: NDArray) -> NDArray[np.float64]:
    """log I(t) − log I(0): spending on the largest run, growing ×(1 + g_I) a year up to c · GDP_0 (OOM)."""
    cap = math.log10(max(p.spend_cap * gdp0, p.spend_base)) - math.log10(p.spend_base)
    return np.minimum(t * math.log10(1.0 + p.spend_growth), cap)


def capability(log_compute: NDArray, phi0: float, log_requirement: float, gap: float) -> NDArray[np.float64]:
    """GATE eq. 13: the share of tasks AI can do for a training run of ``log_compute`` OOM, rising
    log-linearly from Φ_0 at log T − Δ to 1 at log T (Δ = ``gap`` OOM)."""
    x = np.clip((np.asarray(log_compute, dtype=float) - (log_requirement - gap)) / gap, 0.0, 1.0)
    return phi0 + (1.0 - phi0) * x


def ai_cost_per_hour(task: NDArray | float, log_efficiency: NDArray | float, p: ComputeParameters,
                     ) -> NDArray[np.float64]:
    """c(i) = 10^(γ0 + γ1 i) (δ_Q + r) / (H S (1 − m) hours), USD/hour; ``log_efficiency`` = log(H S) −
    log H(0); both broadcast."""
    log_cost = (p.runtime_base + p.runtime_slope * np.asarray(task) - p.hardware_base - np.asarray(log_efficiency)
                + math.log10((p.depreciation + p.financing_rate) / ((1.0 - p.gross_margin) * p.hours_per_year)))
    return np.power(10.0, log_cost)


def cost_frontier(log_efficiency: NDArray, p: ComputeParameters) -> NDArray[np.float64]:
    """Ĩ: the most complex task quantile whose AI hour costs no more than ``labour_cost_per_hour``,
    clipped to [0, 1]."""
    log_budget = math.log10(p.labour_cost_per_hour * p.hours_per_year * (1.0 - p.gross_margin)
                            / (p.depreciation + p.financing_rate))
    return np.clip((log_budget + p.hardware_base + np.asarray(log_efficiency) - p.runtime_base) / p.runtime_slope,
                   0.0, 1.0)


def compute_path(p: ComputeParameters, *, phi0: float, gdp0: float, years: int,
                 effective_compute_growth: float | None = None, gap_orders: float | None = None) -> ComputePath:
    """The compute block over ``years`` years. By default the training run grows with spending,
    hardware and software (GATE-like); ``effective_compute_growth`` (×/year) instead fixes the growth of
    the run's effective compute (the seed's "10X per year"), and ``gap_orders`` puts the AGI requirement
    that many OOM above today's run."""
    t = np.arange(years + 1, dtype=float)
    log_h = ceiling_path(p.hardware_growth, p.hardware_headroom, t)
    log_s = ceiling_path(p.software_growth, p.software_headroom, t)
    log_c0 = math.log10(p.training_run_base)
    if effective_compute_growth is None:
        log_c = log_c0 + training_spend(p, gdp0, t) + log_h + log_s
    else:
        log_c = log_c0 + t * math.log10(effective_compute_growth)
    requirement = p.agi_requirement if gap_orders is None else log_c0 + gap_orders
    if requirement <= log_c0:
        raise ValueError(f"compute: the AGI requirement (10^{requirement:g} eFLOP) must exceed the base-year "
                         f"training run (10^{log_c0:g})")
    gap = p.flop_gap_fraction * (requirement - log_c0)
    trained = np.interp(t - p.lag, t, log_c, left=log_c0)  # the run that is `lag` years old
    return ComputePath(log_hardware=log_h, log_software=log_s, log_training_compute=log_c,
                       possible=capability(trained, phi0, requirement, gap),
                       cost_frontier=cost_frontier(log_h + log_s, p), params=p)


def occupation_task_quantiles(exposure: NDArray, employment: NDArray, phi0: float) -> NDArray[np.float64]:
    """i_o: the task quantile at which each occupation's work is automated — the stated mapping of
    occupations onto the task index. Occupations are ordered by AI exposure, most exposed first (as
    automation displaces workers in proportion to exposure, commonwealth.households.displace), and placed
    on the not-yet-automated quantiles (Φ_0, 1] at the employment-weighted mid-rank of their exposure
    (ties share a rank)."""
    exposure = np.asarray(exposure, dtype=float)
    employment = np.asarray(employment, dtype=float)
    order = np.argsort(-exposure, kind="stable")
    cumulative = np.cumsum(employment[order]) / employment.sum()
    mid = np.empty_like(exposure)
    mid[order] = cumulative - 0.5 * employment[order] / employment.sum()
    for value in np.unique(exposure):  # ties: the mean of their mid-ranks, weighted by employment
        tied = exposure == value
        mid[tied] = np.average(mid[tied], weights=employment[tied])
    return phi0 + (1.0 - phi0) * mid
