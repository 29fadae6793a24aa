"""The American Equity Fund (Altman, "Moore's Law for Everything", 2021).

Each year, once enacted:

* every covered company — listed, worth at least ``valuation_threshold``, earning at least
  ``us_revenue_share_test`` of its revenue in the US — issues new shares to the fund worth
  ``company_rate`` of its market value. No cash changes hands and the company is worth the same;
  every other holder is diluted by the same factor (1 − rate). After n years with no distribution
  the fund owns 1 − (1 − rate)^n of every covered company;
* private corporations with revenue above ``private_revenue_threshold`` accrue the same tax for up to
  ``private_accrual_years`` and then settle the accrued amount, and each later year's tax, in cash
  (the firm pays out of its capital, at most its book capital: book capital falls, the fund's cash rises);
* owners of privately held land pay ``land_rate`` of its value in dollars: households out of income —
  and, when income falls short, by running down savings or borrowing (the household budget handles
  it) — and corporations on their land out of firm income (which lowers firm values); the land price
  capitalises the tax;
* both rates phase in with growth (``phase_in: gdp50``): they rise in proportion to *nominal* GDP growth
  since enactment and reach their full level once nominal GDP (real GDP × the price level P_t,
  :mod:`commonwealth.indexation`) is ``phase_in_gdp_growth`` (50 %) above its level at enactment — the
  essay states the test in dollars of GDP, and its "13 years" to get there fits nominal growth (≈3.2 %/yr),
  not real (≈2 %/yr: ≈21 years). ``phase_in: gdp50_real`` measures real GDP instead (a sensitivity);
  ``phase_in: none`` applies the full rates at once;
* the two dollar thresholds (``valuation_threshold``, ``private_revenue_threshold``) are fixed nominal
  dollars (indexation ``none``, declared in their parameter files): the essay gives no indexation, and the
  closest statute, the corporate AMT's $1 bn income test (IRC §59(k), Inflation Reduction Act 2022), is
  not indexed; so their real value falls as 1/P_t and coverage widens as prices rise;
* of each year's intake the fund keeps ``retained_share``; the rest goes in equal slices to every
  adult citizen: the newly issued shares at once, as a basket (delivered as units of the broad index,
  which takes over exactly those shares), and the dollars — land tax, private settlements, the cash
  part of the fund's dividends and interest — the following year. Shares received are locked for
  ``lockup_years``; future distributions cannot be borrowed against (the model has no borrowing
  against future income, so the rule holds by construction);
* with ``behaviour.investment`` on, part of the base escapes (firms stay private, list abroad or
  restructure below the thresholds): the share and private levies apply to exp(−β·τ) of their statutory
  base (:func:`commonwealth.investment.levied_share`, β = ``firms.levy_base_semi_elasticity``), and what
  is levied is the wedge in firms' user cost of capital (:meth:`capital_levy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from commonwealth.indexation import real_value, statutory_indexation
from commonwealth.investment import levied_share
from commonwealth.policy.base import Policy, YearContext, YearOpening, equal_shares
from commonwealth.policy.ledger import (
    AEF_CASH_DISTRIBUTION,
    AEF_LAND_TAX,
    AEF_PRIVATE_SETTLEMENT,
    AEF_SHARE_DISTRIBUTION,
    AEF_SHARE_LEVY,
    EQUITY_INCOME,
    HOUSEHOLDS,
    INTEREST,
)
from commonwealth.sums import dot

if TYPE_CHECKING:
    from commonwealth.assets import Firms


class AmericanEquityFund(Policy):
    kind = "american_equity_fund"
    sector = "equity_fund"

    def __init__(self, name: str, enacted_year: int, repealed_year: int | None, *, company_rate: float,
                 land_rate: float, valuation_threshold: float, private_revenue_threshold: float,
                 private_accrual_years: int, phase_in: str, phase_in_gdp_growth: float, retained_share: float,
                 lockup_years: int, us_revenue_share_test: float, us_revenue_share: float,
                 levy_base_semi_elasticity: float = 0.0) -> None:
        super().__init__(name, enacted_year, repealed_year)
        self.company_rate = company_rate
        self.land_rate = land_rate
        self.valuation_threshold = valuation_threshold
        self.private_revenue_threshold = private_revenue_threshold
        self.private_accrual_years = private_accrual_years
        self.phase_in = phase_in
        self.phase_in_gdp_growth = phase_in_gdp_growth
        self.retained_share = retained_share
        self.lockup_years = lockup_years
        self.us_revenue_share_test = us_revenue_share_test
        self.us_revenue_share = us_revenue_share
        #: β, −d ln(levied base)/dτ per unit of rate, when firms respond (behaviour.investment)
        self.levy_base_semi_elasticity = levy_base_semi_elasticity
        self.cash = 0.0  # USD, invested in bonds (claims on capital)
        self.pending = 0.0  # USD to distribute next year
        self.accrued: np.ndarray | None = None  # USD per firm
        self.accrual_age: np.ndarray | None = None  # years accrued per firm
        self.distributed_units: list[float] = []  # index units per eligible adult, by year
        self.distribution_years: list[int] = []  # the year of each entry of distributed_units
        self.units_received: np.ndarray | None = None  # index units per adult distributed this year
        self.year_flows: dict[str, float] = {}
        self.corporate_land_tax = 0.0  # USD this year, paid by firms on corporate land

    # --- rates ----------------------------------------------------------------------------------

    def phase(self, ctx: YearOpening) -> float:
        """Share of the full rates in force: nominal GDP growth since enactment (real with
        ``gdp50_real``) over the phase-in growth, between 0 and 1."""
        if not self.in_force(ctx.year):
            return 0.0
        if self.phase_in == "none":
            return 1.0
        growth = ctx.gdp / ctx.gdp_history.get(self.enacted_year, ctx.gdp)
        if self.phase_in == "gdp50":  # nominal: × P_t / P_enacted
            growth *= ctx.price_level / ctx.price_history.get(self.enacted_year, ctx.price_level)
        return _unit_interval((growth - 1.0) / self.phase_in_gdp_growth)

    def thresholds(self, ctx: YearOpening) -> tuple[float, float]:
        """This year's valuation and private-revenue thresholds in base-year dollars, by their indexation."""
        return (float(real_value(self.valuation_threshold, statutory_indexation(
                    "policy.american_equity_fund.valuation_threshold"), ctx.price_level)),
                float(real_value(self.private_revenue_threshold, statutory_indexation(
                    "policy.american_equity_fund.private_revenue_threshold"), ctx.price_level)))

    def land_tax_rate(self, ctx: YearOpening) -> float:
        return self.land_rate * self.phase(ctx) * self.strength

    def headline_rate(self, ctx: YearContext) -> float:
        return self.company_rate * self.phase(ctx) * self.strength

    def expected_gain(self, ctx: YearContext) -> np.ndarray:
        """Equal slice of the full-rate intake for adult citizens, less the holder's levy and land tax."""
        f, pop, market = ctx.firms, ctx.pop, ctx.market
        rate, land_rate = self.company_rate * self.strength, self.land_rate * self.strength
        covered = self.covered(ctx)
        land = _land_tax(pop.housing_land, pop.other_land, 1.0, ctx.prices.land_price)  # USD per adult
        private_land = float(dot(pop.weight, land)) + market.corporate_land_units * ctx.prices.land_price
        intake = rate * float(f.value[covered].sum()) + land_rate * private_land
        dividend = equal_shares(intake * (1.0 - self.retained_share), pop.weight, ctx.eligible)
        index_covered = float(dot(f.own_index * covered, f.value)) / market.index_units
        conc = np.append(np.divide(f.own_concentrated * covered * f.value, market.conc_base, out=np.zeros(f.size),
                                   where=market.conc_base > 0), 0.0)
        return _net_gain(dividend, pop.equity_index, pop.equity_concentrated, pop.stake_firm, land, rate, index_covered,
                         conc, land_rate)

    def covered(self, ctx: YearContext) -> np.ndarray:
        f = ctx.firms
        american = self.us_revenue_share >= self.us_revenue_share_test
        return f.listed & ~f.aggregate & (f.value >= self.thresholds(ctx)[0]) & american

    # --- land tax on privately held land -------------------------------------------------------

    def firm_payments(self, ctx: YearOpening, firm_income: np.ndarray) -> np.ndarray | None:
        """Corporations pay the land tax on their land (rate × corporate land value), out of firm income,
        shared among firms like the land itself (:attr:`Market.land_weight`, base values)."""
        rate = self.land_tax_rate(ctx)
        self.corporate_land_tax = rate * ctx.market.corporate_land_value() if rate > 0 else 0.0
        return self.corporate_land_tax * ctx.market.land_weight if self.corporate_land_tax > 0 else None

    # --- household flows ------------------------------------------------------------------------

    def household_taxes(self, ctx: YearContext) -> np.ndarray | None:
        self.year_flows = {"land_tax": 0.0, "cash_distributed": 0.0, "shares_distributed": 0.0,
                           "share_levy": 0.0, "private_settlement": 0.0, "eligible": 0.0,
                           "capital_levy": 0.0, "base_escaped": 0.0}
        rate = self.land_tax_rate(ctx)
        if rate <= 0:
            return None
        pop = ctx.pop
        tax = _land_tax(pop.housing_land, pop.other_land, rate, ctx.prices.land_price)
        ctx.ledger.pay(AEF_LAND_TAX, HOUSEHOLDS, "equity_fund", tax, policy=self.name)
        ctx.ledger.pay(AEF_LAND_TAX, "production", "equity_fund", self.corporate_land_tax, policy=self.name)
        self.year_flows["land_tax"] = float(dot(pop.weight, tax)) + self.corporate_land_tax
        return tax

    def household_transfers(self, ctx: YearContext) -> np.ndarray | None:
        if self.pending <= 0:
            return None
        per_adult = equal_shares(self.pending, ctx.pop.weight, ctx.eligible)
        ctx.ledger.pay(AEF_CASH_DISTRIBUTION, "equity_fund", HOUSEHOLDS, per_adult, policy=self.name)
        self.cash -= self.pending
        self.year_flows["cash_distributed"] = self.pending
        self.year_flows["eligible"] = float(dot(ctx.pop.weight, ctx.eligible))
        self.pending = 0.0
        return per_adult

    # --- shares ---------------------------------------------------------------------------------

    def corporate_actions(self, ctx: YearContext) -> None:
        """The share levy on covered companies, private companies' accrual and settlement, then the
        distribution of the new shares not retained."""
        rate = self.company_rate * self.phase(ctx) * self.strength
        f = ctx.firms
        self.units_received = None
        if self.accrued is None:
            self.accrued = np.zeros(f.size)
            self.accrual_age = np.zeros(f.size, dtype=np.int64)
        if rate <= 0:
            return
        # who pays, found once: neither the escape nor the levy changes a firm's value, revenue or listing
        covered, private = self.covered(ctx), self._private(ctx)
        rate = self._escape(ctx, rate, covered, private)
        levy = self._levy_shares(ctx, rate, covered)
        self._settle_private(ctx, rate, private)
        self._distribute_shares(ctx, levy)

    def _private(self, ctx: YearContext) -> np.ndarray:
        """Private companies (not listed, not an aggregate row) with revenue at or above this year's threshold."""
        f = ctx.firms
        return ~f.listed & ~f.aggregate & (f.revenue >= self.thresholds(ctx)[1])

    def _escape(self, ctx: YearContext, rate: float, covered: np.ndarray, private: np.ndarray) -> float:
        """The rate applied to the statutory base once part of it escapes, τ·exp(−β·τ) (firms'
        response, behaviour.investment; τ otherwise); records the base that escaped and the levy on
        firm value (USD), covered listed companies and private ones above the revenue threshold."""
        base = float(ctx.firms.value[covered | private].sum())
        levied = levied_share(rate, self.levy_base_semi_elasticity) if ctx.behaviour.investment else 1.0
        self.year_flows["base_escaped"] = (1.0 - levied) * base
        self.year_flows["capital_levy"] = rate * levied * base
        return rate * levied if levied < 1.0 else rate

    def capital_levy(self, ctx: YearContext) -> float:
        return self.year_flows.get("capital_levy", 0.0)

    def _levy_shares(self, ctx: YearContext, rate: float, covered: np.ndarray) -> np.ndarray:
        """New shares worth ``rate`` of every ``covered`` company's value, issued to the fund; every other
        holder is diluted. Returns the levy rate per firm."""
        f, market, pop, ledger = ctx.firms, ctx.market, ctx.pop, ctx.ledger
        levy = np.where(covered, rate, 0.0)
        # Value each holder class gives up: its fraction × rate × value (the fund's own stake nets out).
        index_loss = float(dot(f.own_index * levy, f.value)) / market.index_units  # per index unit
        conc_loss = np.append(np.divide(f.own_concentrated * levy * f.value, market.conc_base,
                                        out=np.zeros(f.size), where=market.conc_base > 0), 0.0)
        household_loss = _by_holding(pop.equity_index, pop.equity_concentrated, pop.stake_firm, index_loss, conc_loss)
        ledger.pay(AEF_SHARE_LEVY, HOUSEHOLDS, "equity_fund", household_loss, policy=self.name)
        ledger.pay(AEF_SHARE_LEVY, "rest_of_world", "equity_fund",
                   float(dot(f.own_foreign * levy, f.value)), policy=self.name)
        ledger.pay(AEF_SHARE_LEVY, "public_owners", "equity_fund",
                   float(dot(f.own_public * levy, f.value)), policy=self.name)
        self.year_flows["share_levy"] = float(dot(levy * (1.0 - f.own_fund), f.value))
        for holder in f.HOLDERS:
            setattr(f, holder, getattr(f, holder) * (1.0 - levy))
        f.own_fund = f.own_fund + levy
        return levy

    def _settle_private(self, ctx: YearContext, rate: float, private: np.ndarray) -> None:
        """Private companies above the revenue threshold accrue the levy, then settle it in cash. A firm
        pays at most its book capital (what it owns at replacement cost; never its market value beyond
        that): the rest stays accrued, owed from later years' capital."""
        f, market, pop, ledger = ctx.firms, ctx.market, ctx.pop, ctx.ledger
        self.accrued = self.accrued + np.where(private, rate * f.value, 0.0)
        self.accrual_age = self.accrual_age + private
        settle = private & (self.accrual_age >= self.private_accrual_years)
        if not settle.any():
            return
        payable = np.minimum(f.value, np.maximum(market.book, 0.0))
        amount = np.where(settle, np.minimum(self.accrued, payable), 0.0)
        owners = {h: getattr(f, h) * amount for h in f.HOLDERS}
        f.value = f.value - amount
        market.book = market.book - amount
        self.accrued = self.accrued - amount
        total = float(amount.sum())
        per_unit_index = float(owners["own_index"].sum()) / market.index_units
        conc = np.append(np.divide(owners["own_concentrated"], market.conc_base, out=np.zeros(f.size),
                                   where=market.conc_base > 0), 0.0)
        paid = _by_holding(pop.equity_index, pop.equity_concentrated, pop.stake_firm, per_unit_index, conc)
        ledger.pay(AEF_PRIVATE_SETTLEMENT, HOUSEHOLDS, "equity_fund", paid, policy=self.name)
        for sector, holder in (("rest_of_world", "own_foreign"), ("equity_fund", "own_fund"),
                               ("public_owners", "own_public")):
            ledger.pay(AEF_PRIVATE_SETTLEMENT, sector, "equity_fund", float(owners[holder].sum()),
                       policy=self.name)
        self.cash += total
        self.pending += (1.0 - self.retained_share) * total
        self.year_flows["private_settlement"] = total

    def _distribute_shares(self, ctx: YearContext, levy: np.ndarray) -> None:
        """The new shares, less the retained share, go to adult citizens as index units."""
        f, market, pop = ctx.firms, ctx.market, ctx.pop
        give = levy * (1.0 - self.retained_share)
        value = float(dot(give, f.value))
        if value > 0 and ctx.eligible.any():
            price = market.index_price
            f.own_fund = f.own_fund - give
            f.own_index = f.own_index + give
            per_adult_value = equal_shares(value, pop.weight, ctx.eligible)
            self.units_received = per_adult_value / price
            pop.equity_index += self.units_received
            market.index_units += value / price
            ctx.ledger.pay(AEF_SHARE_DISTRIBUTION, "equity_fund", HOUSEHOLDS, per_adult_value,
                           policy=self.name)
            self.year_flows["shares_distributed"] = value
            self.year_flows["eligible"] = float(dot(pop.weight, ctx.eligible))
            recipients = self.year_flows["eligible"]
            self.distributed_units.append(value / price / recipients)
        else:
            self.distributed_units.append(0.0)
        self.distribution_years.append(ctx.year)

    def shares_distributed(self) -> np.ndarray | None:
        return self.units_received

    def locked_units(self, ctx: YearContext, eligible_since: np.ndarray) -> np.ndarray | float:
        """Index units per adult still locked: those received in the last ``lockup_years`` years
        while eligible. A tranche distributed at the end of year s (after consumption) is locked in the
        ``lockup_years`` years s + 1 … s + lockup_years and may be sold from s + lockup_years + 1; an heir
        eligible from e holds the tranches of years ≥ e − 1 (the year of death's came with the estate).
        Years are those of the distributions (a year at rate zero, or after repeal, distributes nothing)."""
        if self.lockup_years <= 0 or not self.distributed_units:
            return np.zeros(ctx.pop.weight.size)
        years = np.asarray(self.distribution_years) + 1  # the first year each tranche is held at consumption
        units = np.asarray(self.distributed_units)
        recent = (years > ctx.year - self.lockup_years) & (years <= ctx.year)
        cumulative = np.concatenate([[0.0], np.cumsum(np.where(recent, units, 0.0))])
        start = np.searchsorted(years, eligible_since, side="left")
        return np.where(ctx.eligible, cumulative[-1] - cumulative[start], 0.0)

    # --- the fund's own income ------------------------------------------------------------------

    def end_of_year(self, ctx: YearContext) -> None:
        """Cash income: land tax, the paid-out part of the fund's equity income, interest."""
        dividends = float(dot(ctx.own_fund_start, ctx.firm_income)) * (1.0 - ctx.retention)
        interest = ctx.r * self.cash
        land_tax = self.year_flows.get("land_tax", 0.0)
        ctx.ledger.pay(EQUITY_INCOME, "production", "equity_fund", dividends, policy=self.name)
        ctx.ledger.pay(INTEREST, "production", "equity_fund", interest, policy=self.name)
        intake = land_tax + dividends + interest
        self.cash += intake
        self.pending += (1.0 - self.retained_share) * intake

    # --- the fund's books, for the engine and for policies that draw on it -----------------------

    def financial_assets(self) -> float:
        return self.cash

    def equity_stake(self, firms: Firms) -> float:
        return float(dot(firms.own_fund, firms.value))

    def draw(self, amount: float) -> float:
        """Pay out up to ``amount`` of the fund's cash (never below zero); what is drawn no longer
        awaits distribution."""
        drawn = min(amount, max(self.cash, 0.0))
        if drawn > 0:
            self.cash -= drawn
            self.pending = max(0.0, self.pending - drawn)
        return drawn

    def metrics(self, ctx: YearContext) -> dict[str, float]:
        f = ctx.firms
        stake = float(dot(f.own_fund, f.value))
        flows = self.year_flows
        eligible = flows.get("eligible") or float(dot(ctx.pop.weight, ctx.eligible))
        return {
            "fund_assets": stake + self.cash,
            "fund_ownership_share": stake / float(f.value.sum()),
            "dividend_shares_per_adult": flows.get("shares_distributed", 0.0) / eligible,
            "dividend_cash_per_adult": flows.get("cash_distributed", 0.0) / eligible,
            "aef_rate": self.headline_rate(ctx),
            "aef_land_tax": flows.get("land_tax", 0.0),
            "levy_base_escaped": flows.get("base_escaped", 0.0),
        }


def _unit_interval(x: float) -> float:
    """``float(np.clip(x, 0.0, 1.0))`` of one number without numpy's dispatch (asked six times a year): NaN
    stays NaN and −0.0 stays −0.0, as in numpy."""
    if 0.0 <= x <= 1.0 or x != x:
        return x
    return 0.0 if x < 0.0 else 1.0


# The kernels: one pass over the records each, in the operation order of the numpy expressions they
# replace (so the results are the same to the last bit), compiled by Numba.


@njit(cache=True)
def _land_tax(housing_land, other_land, rate, land_price):
    """rate × (housing land + other land) × land price, per adult (rate 1: the land's value, exactly)."""
    out = np.empty(housing_land.size)
    for i in range(out.size):
        out[i] = rate * (housing_land[i] + other_land[i]) * land_price
    return out


@njit(cache=True, inline="always")
def _holding(i, equity_index, equity_concentrated, stake_firm, per_index_unit, per_concentrated_unit):
    """Index units × the amount per index unit + concentrated units × the amount per unit of the record's firm
    (``per_concentrated_unit`` has a trailing 0 for records without a stake, firm −1)."""
    return equity_index[i] * per_index_unit + equity_concentrated[i] * per_concentrated_unit[stake_firm[i]]


@njit(cache=True)
def _by_holding(equity_index, equity_concentrated, stake_firm, per_index_unit, per_concentrated_unit):
    out = np.empty(equity_index.size)
    for i in range(out.size):
        out[i] = _holding(i, equity_index, equity_concentrated, stake_firm, per_index_unit, per_concentrated_unit)
    return out


@njit(cache=True)
def _net_gain(dividend, equity_index, equity_concentrated, stake_firm, land, rate, index_covered, conc, land_rate):
    """dividend − rate × the holder's covered equity − land rate × land, per adult."""
    out = np.empty(dividend.size)
    for i in range(out.size):
        out[i] = (dividend[i] - rate * _holding(i, equity_index, equity_concentrated, stake_firm, index_covered, conc)
                  - land_rate * land[i])
    return out
