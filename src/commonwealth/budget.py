"""The budget rule and the safe rate (docs/model/government-and-rates.md).

**The rule** follows OG-Core's closure (``ogcore/fiscal.py``, ``D_G_path``): government consumption is
G_t = g_t·α_G·Y_t, with α_G the base year's share (calibrated so that the base year's primary budget
balances). Before ``start`` (OG-Core's tG1) g_t = 1. From ``start`` on, the instrument adjusts so that

    D_{t+1} = (ρ·α_D·Y_t + (1 − ρ)·D_t)·(1 + g_t)        (ρ = ``speed``, α_D = ``target``)

with 1 + g_t this year's GDP growth factor standing for next year's (OG-Core writes the same rule in
growth-detrended units, ``growth[t+1]·(ρ_G·α_D·Y_t + (1−ρ_G)·D_t)``): debt/GDP then closes the share
ρ of its gap to α_D each year, d_{t+1} − α_D = (1 − ρ)(d_t − α_D), whatever the growth rate, as long
as growth does not change abruptly.

* ``consumption`` (default, OG-Core's "change G only"): G_t closes the year's budget exactly, once
  every other flow is known. G never goes below zero: if the rule asks for a negative G, G = 0, debt
  ends above the path that year, and next year a proportional income-tax surcharge (planned as below)
  raises what G could not (the fallback), until G is positive again.
* ``income_tax``: a proportional surcharge (rebate if negative) s_t on households' income before tax.
* ``transfers``: status-quo transfers scaled by a factor (≥ 0).

Households' cash is settled before the year's budget is known, so the household instruments are
planned at the start of the year from last year's budget: with N the government's net lending
excluding G and the rule, as a share of GDP last year, the amount taken from households is
H_t = D_t − D*_{t+1} + G_plan − N_{t−1}/Y_{t−1}·Y_t (G_plan = α_G·Y_t, or 0 in the fallback). The
surcharge is bounded to [−0.5, 0.3] of income and the transfer scale to [0, 3]; when a bound binds,
G closes the rest of that year's gap (again never below zero).

**The safe rate**: r_safe,t = max(r_safe,0 + b·(r_t − r_0), 0), OG-Core's
r_gov = max(scale·r − shift, 0) with scale = b and shift = b·r_0 − r_safe,0 (defaults b = 0, as
OG-USA: a fixed real rate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from commonwealth.sums import dot

#: Bounds of the income-tax surcharge (share of income before tax) and of the transfer scale. With
#: status-quo average rates up to ≈ 0.4 at the top, a surcharge of at most 0.3 keeps average rates near
#: Diamond & Saez's (2011, JEP 25(4)) revenue-maximising top rate of 73 %; beyond it households would pay
#: taxes out of borrowing (the model has no borrowing constraint yet), not out of income.
SURCHARGE_BOUNDS = (-0.5, 0.3)
TRANSFER_SCALE_BOUNDS = (0.0, 3.0)


def safe_rate(r: float, r0: float, r_safe0: float, pass_through: float) -> float:
    """This year's safe real rate given the net return on capital r (base year: r0), never above r: nobody
    would hold capital earning less than a safe bond, so the equity premium r − r_safe is never negative
    (otherwise equity income r·B + (r − r_safe)·D_b turns negative when r falls below the safe rate)."""
    return min(max(r_safe0 + pass_through * (r - r0), 0.0), max(r, 0.0))


@dataclass
class BudgetRule:
    """State of the rule across years (mutated by the engine)."""

    instrument: str
    start: int  # years after the base year
    speed: float  # ρ
    target: float  # α_D
    net_ratio: float | None = None  # last year's net lending excluding G and the rule, / GDP
    fallback: bool = False  # last year the rule asked for a negative G

    def active(self, t: int) -> bool:
        return t >= self.start

    growth: float = 1.0  # Y_t / Y_{t−1}, this year's GDP growth factor (expected for next year)

    def target_debt(self, debt: float, gdp: float) -> float:
        """D*_{t+1} = (ρ·α_D·Y_t + (1 − ρ)·D_t)·Y_t/Y_{t−1}: OG-Core's rule in growth-adjusted units, so
        that debt/GDP follows d_{t+1} = ρ·α_D + (1 − ρ)·d_t when GDP keeps growing as it did this year."""
        return (self.speed * self.target * gdp + (1.0 - self.speed) * debt) * self.growth

    def household_amount(self, t: int, debt: float, gdp: float, consumption_base: float) -> tuple[str, float]:
        """The household instrument this year and the USD it must raise (+) or return (−)."""
        if not self.active(t) or self.net_ratio is None:
            return "none", 0.0
        if self.instrument == "consumption":
            if not self.fallback:
                return "none", 0.0
            need = debt - self.target_debt(debt, gdp) - self.net_ratio * gdp
            return "income_tax", max(need, 0.0)
        need = debt - self.target_debt(debt, gdp) + consumption_base - self.net_ratio * gdp
        return self.instrument, need


def household_adjustment(kind: str, amount: float, weight: np.ndarray, income: np.ndarray,
                         transfers: np.ndarray) -> tuple[np.ndarray, float, bool]:
    """Per adult: what the rule takes (+) this year; the instrument's value (surcharge rate or transfer
    scale; NaN with no household instrument); whether a bound binds."""
    if kind == "income_tax":
        base = np.maximum(income, 0.0)
        total = float(dot(weight, base))
        wanted = amount / total if total > 0 else 0.0
        rate = float(np.clip(wanted, *SURCHARGE_BOUNDS))
        return rate * base, rate, rate != wanted
    if kind == "transfers":
        total = float(dot(weight, transfers))
        wanted = 1.0 - amount / total if total > 0 else 1.0
        scale = float(np.clip(wanted, *TRANSFER_SCALE_BOUNDS))
        return (1.0 - scale) * transfers, scale, scale != wanted
    return np.zeros_like(weight), float("nan"), False


def marginal_tax_rate(kind: str, value: float) -> float:
    """The rule's addition to every adult's marginal tax rate: the surcharge rate when the instrument this
    year is the income-tax surcharge (a flat share of each marginal dollar of income), else 0 (scaling
    transfers is not income-tested at the margin; G is no tax)."""
    return float(value) if kind == "income_tax" and np.isfinite(value) else 0.0
