"""Cash reforms: UBI, income-tax changes, a land value tax and a wealth tax.

* ``ubi`` — ``amount`` per adult (or per adult citizen), indexed (``index``) to prices (``prices``, the
  default: constant in base-year dollars, as a CPI-indexed statute), not at all (``none``: fixed nominal
  dollars, worth amount / P_t), to the average wage (``wages``) or to GDP (``gdp``); funded by an
  income-tax surcharge (a flat rate on income that raises exactly the cost), a VAT (a rate on
  consumption that raises exactly the cost), the equity fund's cash (any shortfall is borrowed) or
  deficit (public debt).
* ``income_tax`` — rate changes for adults above income percentiles, added to the status-quo
  effective rates; revenue to the budget or an equal dividend.
* ``land_value_tax`` — ``rate`` × land value, paid in dollars out of income; capitalised into land
  prices; revenue to the budget or an equal dividend.
* ``wealth_tax`` — marginal rates above net-worth thresholds on each household's (a single adult's or a
  married couple's joint) *reported* base, shared equally by its adults; the base shrinks
  by ``avoidance_semi_elasticity`` × the average tax rate (Advani & Tarrant 2021); revenue to the
  budget or an equal dividend. The thresholds are fixed nominal dollars (indexation ``none``): the
  Ultra-Millionaire Tax Act (S. 510, 2021; H.R. 7749, 2024) writes $50,000,000 and $1,000,000,000 with
  no inflation adjustment, so their real value falls as 1/P_t.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numba import njit

from commonwealth.distribution import mid_rank
from commonwealth.indexation import real_value, statutory_indexation
from commonwealth.labour_supply import reported_income
from commonwealth.policy.base import Policy, YearContext, YearOpening, equal_share, equal_shares, where_eligible
from commonwealth.policy.ledger import (
    HOUSEHOLDS,
    INCOME_TAX_CHANGE,
    INCOME_TAX_DIVIDEND,
    LAND_VALUE_TAX,
    LAND_VALUE_TAX_DIVIDEND,
    UBI_PAYMENT,
    UBI_SURCHARGE,
    WEALTH_TAX,
    WEALTH_TAX_DIVIDEND,
    FlowKind,
)
from commonwealth.sums import dot
from commonwealth.taxes import clip, maximum


class _Revenue(Policy):
    """A tax whose revenue goes to the budget or back as an equal dividend to every adult."""

    use: str = "budget"
    #: The ledger row of the revenue paid back as an equal dividend.
    dividend_flow: ClassVar[FlowKind]

    def __init__(self, name: str, enacted_year: int, repealed_year: int | None, use: str) -> None:
        super().__init__(name, enacted_year, repealed_year)
        self.use = use
        self.revenue = 0.0

    def _gain(self, ctx: YearContext, tax: np.ndarray) -> np.ndarray:
        """Static incidence: minus the tax, plus an equal share of the revenue when it is paid back."""
        if self.use != "dividend":
            return -tax
        residents = ~ctx.expatriated
        return _share_less(residents, equal_share(float(dot(ctx.pop.weight, tax)), ctx.pop.weight, residents), tax)

    def _collect(self, ctx: YearContext, flow: FlowKind, tax: np.ndarray) -> np.ndarray:
        ctx.ledger.pay(flow, HOUSEHOLDS, "government", tax, policy=self.name)
        self.revenue = float(dot(ctx.pop.weight, tax))
        return tax

    def household_transfers(self, ctx: YearContext) -> np.ndarray | None:
        if self.use != "dividend" or self.revenue <= 0:
            return None
        per_adult = equal_shares(self.revenue, ctx.pop.weight, ~ctx.expatriated)  # US residents
        ctx.ledger.pay(self.dividend_flow, "government", HOUSEHOLDS, per_adult, policy=self.name)
        ctx.dividends.append(self.revenue)
        return per_adult


class LandValueTax(_Revenue):
    kind = "land_value_tax"
    dividend_flow = LAND_VALUE_TAX_DIVIDEND

    def __init__(self, name, enacted_year, repealed_year, *, rate: float, use: str) -> None:
        super().__init__(name, enacted_year, repealed_year, use)
        self.rate = rate

    def land_tax_rate(self, ctx: YearOpening) -> float:
        return self.rate * self.strength if self.in_force(ctx.year) else 0.0

    headline_rate = land_tax_rate

    def _tax(self, ctx: YearContext, rate: float) -> np.ndarray:
        pop = ctx.pop
        return _land_tax(rate, pop.housing_land, pop.other_land, float(ctx.prices.land_price))

    def household_taxes(self, ctx: YearContext) -> np.ndarray | None:
        self.revenue = 0.0
        if not self.in_force(ctx.year):
            return None
        return self._collect(ctx, LAND_VALUE_TAX, self._tax(ctx, self.rate * self.strength))

    def expected_gain(self, ctx: YearContext) -> np.ndarray:
        return self._gain(ctx, self._tax(ctx, self.rate * self.strength))


class WealthTax(_Revenue):
    kind = "wealth_tax"
    escapable_by_expatriation = True  # a personal tax on residents' (citizens') worldwide net worth
    dividend_flow = WEALTH_TAX_DIVIDEND

    def __init__(self, name, enacted_year, repealed_year, *, thresholds: list[float], rates: list[float],
                 avoidance_semi_elasticity: float, use: str) -> None:
        super().__init__(name, enacted_year, repealed_year, use)
        self.thresholds = np.asarray(thresholds, dtype=float)
        self.rates = np.asarray(rates, dtype=float)
        self.avoidance = avoidance_semi_elasticity
        self.base_lost = 0.0

    def statutory(self, wealth: np.ndarray, price_level: float = 1.0) -> np.ndarray:
        """Tax on ``wealth`` by the marginal schedule (rates × strength), the thresholds at this year's
        real value (fixed nominal dollars: thresholds / P_t)."""
        thresholds, upper, rates = self._schedule(price_level)
        return _statutory(np.asarray(wealth, dtype=np.float64), thresholds, upper, rates)

    def _schedule(self, price_level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The brackets in force: lower thresholds (real value at ``price_level``), upper ends, rates × strength."""
        thresholds = np.asarray(real_value(self.thresholds, statutory_indexation("policy.wealth_tax.thresholds"),
                                           price_level), dtype=np.float64)
        return thresholds, np.append(thresholds[1:], np.inf), self.rates * self.strength

    def headline_rate(self, ctx: YearContext) -> float:
        return float(self.rates[-1]) * self.strength if self.in_force(ctx.year) else 0.0

    def _liability(self, ctx: YearContext) -> np.ndarray:
        """Tax per adult: the schedule (in force at this year's price level) applies to each household's
        reported net worth (a married couple files jointly: the Ultra-Millionaire Tax Act taxes
        households), and the unit's tax is shared equally by its adults (equal split). Expatriates are out
        of reach."""
        tax, lost = _liabilities(ctx.wealth, ctx.expatriated, ctx.pop.unit_size, float(self.avoidance),
                                 *self._schedule(ctx.price_level))
        self.base_lost = float(dot(ctx.pop.unit_weight, lost))
        return tax

    def household_taxes(self, ctx: YearContext) -> np.ndarray | None:
        self.revenue = self.base_lost = 0.0
        if not self.in_force(ctx.year):
            return None
        return self._collect(ctx, WEALTH_TAX, self._liability(ctx))

    def expected_gain(self, ctx: YearContext) -> np.ndarray:
        return self._gain(ctx, self._liability(ctx))

    def metrics(self, ctx: YearContext) -> dict[str, float]:
        return {"wealth_tax_revenue": self.revenue}


class IncomeTax(_Revenue):
    kind = "income_tax"
    escapable_by_expatriation = True  # owed by citizens abroad too: escaped only by renouncing
    dividend_flow = INCOME_TAX_DIVIDEND

    def __init__(self, name, enacted_year, repealed_year, *, changes: list[tuple[float, float]], use: str) -> None:
        super().__init__(name, enacted_year, repealed_year, use)
        self.changes = changes  # (above_percentile, rate_change)

    def _rate_change(self, ctx: YearContext) -> np.ndarray:
        """Per adult: the change in the rate on income (× strength), 0 for expatriates."""
        rank = mid_rank(ctx.income, ctx.pop.weight)
        change = np.zeros_like(rank)
        for above, delta in self.changes:
            change += np.where(rank >= above, delta * self.strength, 0.0)
        return change * ~ctx.expatriated

    def _tax(self, ctx: YearContext, respond: bool = True) -> np.ndarray:
        """The rate change × income; with ``respond``, on the income reported under the change
        (the taxable-income response, :func:`commonwealth.labour_supply.reported_income`)."""
        change = self._rate_change(ctx)
        base = np.maximum(ctx.income, 0.0)
        if respond:
            base = reported_income(ctx.taxable_income, base, change)
        return change * base

    def marginal_tax_rate(self, ctx: YearContext) -> np.ndarray | None:
        return self._rate_change(ctx) if self.in_force(ctx.year) else None

    def headline_rate(self, ctx: YearContext) -> float:
        top = max((delta for _, delta in self.changes), key=abs)
        return top * self.strength if self.in_force(ctx.year) else 0.0

    def household_taxes(self, ctx: YearContext) -> np.ndarray | None:
        self.revenue = 0.0
        if not self.in_force(ctx.year):
            return None
        return self._collect(ctx, INCOME_TAX_CHANGE, self._tax(ctx))

    def expected_gain(self, ctx: YearContext) -> np.ndarray:
        return self._gain(ctx, self._tax(ctx, respond=False))


class UBI(Policy):
    kind = "ubi"

    def __init__(self, name, enacted_year, repealed_year, *, amount: float, index: str, funding: str,
                 recipients: str) -> None:
        super().__init__(name, enacted_year, repealed_year)
        self.amount = amount
        self.index = index
        self.funding = funding
        self.recipients = recipients
        self.cost = 0.0
        self.vat_rate = 0.0  # share of consumption, this year
        self.surcharge = 0.0  # income-tax surcharge rate, this year

    def per_adult(self, ctx: YearContext) -> float:
        """The payment per recipient this year, base-year dollars: ``amount`` (stated in base-year dollars)
        × strength, indexed by ``index`` (:func:`commonwealth.indexation.real_value`; ``gdp``: × GDP
        since enactment)."""
        amount = self.amount * self.strength
        if self.index == "gdp":
            base = ctx.gdp_history.get(self.enacted_year, ctx.gdp)
            return amount * ctx.gdp / base
        indexation = {"prices": "cpi", "none": "none", "wages": "wages"}[self.index]
        return float(real_value(amount, indexation, ctx.price_level, ctx.wage_level))

    def expected_gain(self, ctx: YearContext) -> np.ndarray:
        """The payment, less each adult's share of the tax that funds it (none when borrowed)."""
        eligible = self._eligible(ctx)
        w = ctx.pop.weight
        payment = where_eligible(eligible, self.per_adult(ctx))
        cost = float(dot(w, payment))
        if self.funding in ("income_tax", "vat"):
            base = _positive_part(ctx.income)
            return _less_shares(payment, cost, base, float(dot(w, base)))
        return payment

    def _eligible(self, ctx: YearContext) -> np.ndarray:
        if self.recipients == "citizens":
            return ctx.eligible
        return ~ctx.expatriated  # every adult living in the US

    def household_taxes(self, ctx: YearContext) -> np.ndarray | None:
        self.cost = self.surcharge = 0.0
        if not self.in_force(ctx.year):
            return None
        eligible = self._eligible(ctx)
        self.cost = self.per_adult(ctx) * float(dot(ctx.pop.weight, eligible))
        if self.funding != "income_tax":
            return None
        base = _positive_part(ctx.income)
        if ctx.taxable_income is not None:
            # reported income under the static rate; the rate then rises to raise the cost from it
            base = reported_income(ctx.taxable_income, base, self.cost / float(dot(ctx.pop.weight, base)))
        rate = self.surcharge = self.cost / float(dot(ctx.pop.weight, base))
        tax = rate * base
        ctx.ledger.pay(UBI_SURCHARGE, HOUSEHOLDS, "government", tax, policy=self.name)
        return tax

    def household_transfers(self, ctx: YearContext) -> np.ndarray | None:
        if self.cost <= 0:
            return None
        payment = where_eligible(self._eligible(ctx), self.per_adult(ctx))
        fund = ctx.fund("equity_fund") if self.funding == "fund" else None
        from_fund = fund.draw(self.cost) if fund is not None else 0.0
        if fund is not None and from_fund > 0:
            share = from_fund / self.cost
            ctx.ledger.pay(UBI_PAYMENT, fund.sector, HOUSEHOLDS, payment * share, policy=self.name)
            ctx.ledger.pay(UBI_PAYMENT, "government", HOUSEHOLDS, payment * (1.0 - share), policy=self.name)
            return payment
        ctx.ledger.pay(UBI_PAYMENT, "government", HOUSEHOLDS, payment, policy=self.name)
        return payment

    def marginal_tax_rate(self, ctx: YearContext) -> float | None:
        """The income-tax surcharge that funds it (a flat rate on every adult's income), else None."""
        return self.surcharge if self.surcharge > 0 else None

    def vat_share(self, ctx: YearContext, consumption_total: float) -> float:
        """Share of consumption spending taken by the VAT that funds the UBI (0 unless funded so)."""
        if self.funding != "vat" or self.cost <= 0 or not self.in_force(ctx.year):
            return 0.0
        if consumption_total <= self.cost:
            raise ValueError(f"policy {self.name}: the UBI costs more than all consumption; a VAT cannot fund it")
        self.vat_rate = self.cost / consumption_total
        return self.vat_rate

    def metrics(self, ctx: YearContext) -> dict[str, float]:
        return {"ubi_per_adult": self.per_adult(ctx) if self.cost > 0 else 0.0}


@njit(cache=True, inline="always")
def _marginal_tax(wealth: float, thresholds: np.ndarray, upper: np.ndarray, rates: np.ndarray) -> float:
    """Σ_k (clip(wealth, t_k, u_k) − t_k)·rate_k, bracket by bracket (``matvec`` of the brackets' slices)."""
    tax = 0.0
    for k in range(thresholds.size):
        tax += (clip(wealth, thresholds[k], upper[k]) - thresholds[k]) * rates[k]
    return tax


@njit(cache=True)
def _statutory(wealth: np.ndarray, thresholds: np.ndarray, upper: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """:func:`_marginal_tax` of every record."""
    out = np.empty(wealth.size)
    for i in range(wealth.size):
        out[i] = _marginal_tax(wealth[i], thresholds, upper, rates)
    return out


@njit(cache=True, error_model="numpy")
def _liabilities(wealth: np.ndarray, expatriated: np.ndarray, size: np.ndarray, avoidance: float,
                 thresholds: np.ndarray, upper: np.ndarray, rates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per record, in one pass: the tax per adult on the unit's reported net worth W·clip(1 − ε·T(W)/W, 0, 1),
    W = max(wealth, 0)·resident·size, and the base lost to avoidance, W − reported (USD per unit)."""
    n = wealth.size
    tax = np.empty(n)
    lost = np.empty(n)
    for i in range(n):
        w = maximum(wealth[i], 0.0) * (0.0 if expatriated[i] else 1.0) * size[i]
        average = _marginal_tax(w, thresholds, upper, rates) / w if w > 0.0 else 0.0
        reported = w * clip(1.0 - avoidance * average, 0.0, 1.0)
        lost[i] = w - reported
        tax[i] = _marginal_tax(reported, thresholds, upper, rates) / size[i]
    return tax, lost


@njit(cache=True)
def _share_less(eligible: np.ndarray, share: float, tax: np.ndarray) -> np.ndarray:
    """``numpy.where(eligible, share, 0.0) - tax`` in one pass."""
    out = np.empty(tax.size)
    for i in range(tax.size):
        out[i] = (share if eligible[i] else 0.0) - tax[i]
    return out


@njit(cache=True)
def _land_tax(rate: float, housing_land: np.ndarray, other_land: np.ndarray, land_price: float) -> np.ndarray:
    """``rate * (housing_land + other_land) * land_price`` in one pass (USD per adult)."""
    out = np.empty(housing_land.size)
    for i in range(housing_land.size):
        out[i] = rate * (housing_land[i] + other_land[i]) * land_price
    return out


@njit(cache=True)
def _positive_part(x: np.ndarray) -> np.ndarray:
    """``numpy.maximum(x, 0.0)`` in one pass."""
    out = np.empty(x.size)
    for i in range(x.size):
        out[i] = maximum(x[i], 0.0)
    return out


@njit(cache=True, error_model="numpy")
def _less_shares(payment: np.ndarray, cost: float, base: np.ndarray, base_total: float) -> np.ndarray:
    """``payment - cost * base / base_total``: the payment less each adult's share of its cost, by base."""
    out = np.empty(payment.size)
    for i in range(payment.size):
        out[i] = payment[i] - cost * base[i] / base_total
    return out
