"""A sovereign fund with a draw rule, Alaska- or Norway-style.

The fund holds financial assets earning the net return on capital. Each year it receives deposits
from the budget — ``deposit_rate`` × a source: land rent (the commons' royalties), GDP or status-quo
tax revenue — and draws by one of two rules:

* ``pomv`` (Alaska since 2018): ``pomv_rate`` × the average market value of the first
  ``pomv_window_years`` of the preceding ``pomv_window_years`` + 1 years;
* ``realised_income`` (Alaska 1982–2016): ``realised_income_rate`` × the fund's income over the last
  ``pomv_window_years`` years.

``dividend_share`` of the draw is paid as an equal dividend to every adult; the rest funds the
budget (Norway's fiscal rule is ``dividend_share: 0`` with a 3 % draw). ``initial_assets`` endow the
fund at enactment, borrowed by the budget.
"""

from __future__ import annotations

import numpy as np

from commonwealth.policy.base import Policy, YearContext, equal_shares
from commonwealth.policy.ledger import (
    HOUSEHOLDS,
    INTEREST,
    SOVEREIGN_FUND_DEPOSIT,
    SOVEREIGN_FUND_DIVIDEND,
    SOVEREIGN_FUND_DRAW,
    SOVEREIGN_FUND_ENDOWMENT,
)


def pomv_draw(market_values: list[float], rate: float, window: int) -> float:
    """Percent-of-market-value draw from the history of year-end values (oldest first; the last
    entry is the most recent year, which the rule skips)."""
    past = market_values[:-1][-window:] if len(market_values) > 1 else market_values
    return rate * float(np.mean(past)) if past else 0.0


def realised_income_draw(incomes: list[float], rate: float, window: int) -> float:
    return rate * float(np.sum(incomes[-window:]))


def dividend_per_person(draw: float, dividend_share: float, recipients: float) -> float:
    return dividend_share * draw / recipients


class SovereignFund(Policy):
    kind = "sovereign_fund"
    sector = "sovereign_fund"

    def __init__(self, name, enacted_year, repealed_year, *, initial_assets: float, deposit_source: str,
                 deposit_rate: float, draw_rule: str, pomv_rate: float, pomv_window_years: int,
                 realised_income_rate: float, dividend_share: float) -> None:
        super().__init__(name, enacted_year, repealed_year)
        self.initial_assets = initial_assets
        self.deposit_source = deposit_source
        self.deposit_rate = deposit_rate
        self.draw_rule = draw_rule
        self.pomv_rate = pomv_rate
        self.window = int(pomv_window_years)
        self.realised_income_rate = realised_income_rate
        self.dividend_share = dividend_share
        self.assets = 0.0
        self.values: list[float] = []
        self.incomes: list[float] = []
        self.dividend = 0.0
        self.endowed = False

    def household_transfers(self, ctx: YearContext) -> np.ndarray | None:
        self.dividend = 0.0
        if not self.in_force(ctx.year):
            return None
        if not self.endowed:
            self.endowed = True
            if self.initial_assets > 0:
                ctx.ledger.pay(SOVEREIGN_FUND_ENDOWMENT, "government", "sovereign_fund", self.initial_assets,
                               policy=self.name)
                self.assets += self.initial_assets
                self.values.append(self.assets)
        draw = self.draw()
        if draw <= 0:
            return None
        draw = min(draw, self.assets)
        self.assets -= draw
        self.dividend = self.dividend_share * self.strength * draw
        every = np.ones(ctx.pop.weight.size, dtype=bool)
        per_adult = equal_shares(self.dividend, ctx.pop.weight, every)
        ctx.ledger.pay(SOVEREIGN_FUND_DIVIDEND, "sovereign_fund", HOUSEHOLDS, per_adult, policy=self.name)
        ctx.ledger.pay(SOVEREIGN_FUND_DRAW, "sovereign_fund", "government", draw - self.dividend,
                       policy=self.name)
        ctx.dividends.append(self.dividend)
        return per_adult

    def expected_gain(self, ctx: YearContext) -> np.ndarray:
        every = np.ones(ctx.pop.weight.size, dtype=bool)
        return equal_shares(self.dividend_share * self.strength * self.draw(), ctx.pop.weight, every)

    def draw(self) -> float:
        if self.draw_rule == "pomv":
            return pomv_draw(self.values, self.pomv_rate, self.window)
        return realised_income_draw(self.incomes, self.realised_income_rate, self.window)

    def end_of_year(self, ctx: YearContext) -> None:
        if not self.in_force(ctx.year):
            return
        income = ctx.r * self.assets
        ctx.ledger.pay(INTEREST, "production", "sovereign_fund", income, policy=self.name)
        base = {"land_rent": ctx.land_rent, "gdp": ctx.gdp, "tax_revenue": ctx.status_quo_taxes,
                "none": 0.0}[self.deposit_source]
        deposit = self.deposit_rate * base
        ctx.ledger.pay(SOVEREIGN_FUND_DEPOSIT, "government", "sovereign_fund", deposit, policy=self.name)
        self.assets += income + deposit
        self.incomes.append(income)
        self.values.append(self.assets)

    def financial_assets(self) -> float:
        return self.assets

    def metrics(self, ctx: YearContext) -> dict[str, float]:
        return {"sovereign_fund_assets": self.assets}
