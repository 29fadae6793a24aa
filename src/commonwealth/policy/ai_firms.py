"""Reforms aimed at AI firms: capped-profit labs and the Windfall Clause.

* ``capped_profit_lab`` (OpenAI LP, 2019): for the named firms, the private holders' combined value
  is capped at ``multiple`` × the capital they invested (a frontier lab's paid-in capital, any other
  firm's base-year value, plus every later dollar of new shares; retained earnings are returns to the
  holders, not new investment). Each year any value above the cap passes, pro rata from every
  private holder, to a public or nonprofit owner, whose paid-out income funds the budget.
* ``windfall_clause`` (O'Keefe et al. 2020): selected AI firms pay a marginal share of their profit
  by brackets of profit as a share of gross world product (GWP). The brackets and rates are required:
  the report's illustrative table could not be checked offline, so no default is shipped (see
  docs/policies.md). GWP grows with US GDP. Payments reach US adults in proportion
  ``us_share`` (the US share of world population by default); the rest goes abroad.
"""

from __future__ import annotations

import numpy as np

from commonwealth.errors import UserError
from commonwealth.policy.base import Policy, YearContext, YearOpening, equal_shares
from commonwealth.policy.ledger import CAPPED_PROFIT_TRANSFER, HOUSEHOLDS, WINDFALL_PAYMENT
from commonwealth.sums import dot, matvec


def select_firms(ctx: YearOpening, names: list[str] | None, min_ai_exposure: float | None, policy: str) -> np.ndarray:
    f = ctx.firms
    chosen = np.zeros(f.size, dtype=bool)
    if names:
        known = set(f.name.tolist())
        missing = [n for n in names if n not in known]
        if missing:
            named = sorted(n for n in known if n and not n.startswith("noncorporate"))
            raise UserError(f"policy {policy}: key 'firms' names {missing}; allowed: firms in the model "
                            f"({', '.join(named)})")
        chosen |= np.isin(f.name, names)
    if min_ai_exposure is not None:
        chosen |= ~f.aggregate & (f.ai_exposure >= min_ai_exposure)
    return chosen


class CappedProfitLab(Policy):
    kind = "capped_profit_lab"

    def __init__(self, name, enacted_year, repealed_year, *, firms: list[str], multiple: float) -> None:
        super().__init__(name, enacted_year, repealed_year)
        self.names = firms
        self.multiple = multiple
        self.invested: np.ndarray | None = None
        self.book_seen: np.ndarray | None = None
        self.mask: np.ndarray | None = None
        self.transferred = 0.0

    def corporate_actions(self, ctx: YearContext) -> None:
        f, market, pop = ctx.firms, ctx.market, ctx.pop
        if self.mask is None:
            self.mask = select_firms(ctx, self.names, None, self.name)
            # the capital invested: a frontier lab's paid-in capital (its book), any other firm's base value
            industry = market.industry
            self.invested = f.value.copy() if industry is None else \
                np.where(industry.lab_rows, market.book, f.value)
            self.book_seen = market.book.copy()
        else:  # new shares since last year count as invested; retained earnings are returns, not investment
            retained = market.retained if market.retained is not None else 0.0
            self.invested = self.invested + np.maximum(market.book - self.book_seen - retained, 0.0)
        self.book_seen = market.book.copy()
        self.transferred = 0.0
        if not self.in_force(ctx.year):
            return
        private = 1.0 - f.own_public
        cap = self.multiple / max(self.strength, 1e-9) * self.invested  # erosion raises the cap
        excess = np.where(self.mask, np.maximum(private * f.value - cap, 0.0), 0.0)
        fraction = np.divide(excess, private * f.value, out=np.zeros(f.size), where=private * f.value > 0)
        if not np.any(fraction > 0):
            return
        moved = {h: getattr(f, h) * fraction for h in f.HOLDERS if h != "own_public"}
        index_loss = float(dot(moved["own_index"], f.value)) / market.index_units
        conc_loss = np.append(np.divide(moved["own_concentrated"] * f.value, market.conc_base,
                                        out=np.zeros(f.size), where=market.conc_base > 0), 0.0)
        loss = pop.equity_index * index_loss + pop.equity_concentrated * conc_loss[pop.stake_firm]
        ctx.ledger.pay(CAPPED_PROFIT_TRANSFER, HOUSEHOLDS, "public_owners", loss, policy=self.name)
        for sector, holder in (("rest_of_world", "own_foreign"), ("equity_fund", "own_fund")):
            ctx.ledger.pay(CAPPED_PROFIT_TRANSFER, sector, "public_owners",
                           float(dot(moved[holder], f.value)), policy=self.name)
        for holder, amount in moved.items():
            setattr(f, holder, getattr(f, holder) - amount)
        f.own_public = f.own_public + sum(moved.values())
        self.transferred = float(dot(fraction * private, f.value))

    def metrics(self, ctx: YearContext) -> dict[str, float]:
        f = ctx.firms
        return {"public_ownership_share": float(dot(f.own_public, f.value)) / float(f.value.sum())}


def windfall_schedule(profit: np.ndarray, world_product: float, brackets: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Payment on each firm's profit: Σ_k rate_k × (profit within [b_k, b_{k+1}) × GWP), marginal."""
    lower = np.asarray(brackets, dtype=float) * world_product
    upper = np.append(lower[1:], np.inf)
    within = np.clip(np.maximum(profit, 0.0)[:, None], lower, upper) - lower
    return matvec(within, np.asarray(rates, dtype=float))


class WindfallClause(Policy):
    kind = "windfall_clause"

    def __init__(self, name, enacted_year, repealed_year, *, firms: list[str] | None, min_ai_exposure: float | None,
                 brackets: list[float], rates: list[float], world_product: float, us_share: float) -> None:
        super().__init__(name, enacted_year, repealed_year)
        self.names = firms
        self.min_ai_exposure = min_ai_exposure
        self.brackets = np.asarray(brackets, dtype=float)
        self.rates = np.asarray(rates, dtype=float)
        self.world_product0 = world_product
        self.us_share = us_share
        self.paid = 0.0
        self.mask: np.ndarray | None = None

    def firm_payments(self, ctx: YearOpening, firm_income: np.ndarray) -> np.ndarray | None:
        self.paid = 0.0
        if self.mask is None:
            self.mask = select_firms(ctx, self.names, self.min_ai_exposure, self.name)
        if not self.in_force(ctx.year):
            return None
        world = self.world_product0 * ctx.gdp / ctx.gdp_base
        payment = np.where(self.mask, windfall_schedule(firm_income, world, self.brackets, self.rates * self.strength),
                           0.0)
        self.paid = float(payment.sum())
        return payment if self.paid > 0 else None

    def headline_rate(self, ctx: YearContext) -> float:
        return float(self.rates[-1]) * self.strength if self.in_force(ctx.year) else 0.0

    def expected_gain(self, ctx: YearContext) -> np.ndarray:
        every = np.ones(ctx.pop.weight.size, dtype=bool)
        return equal_shares(self.us_share * self.paid, ctx.pop.weight, every)

    def household_transfers(self, ctx: YearContext) -> np.ndarray | None:
        if self.paid <= 0:
            return None
        every = np.ones(ctx.pop.weight.size, dtype=bool)
        per_adult = equal_shares(self.us_share * self.paid, ctx.pop.weight, every)
        ctx.ledger.pay(WINDFALL_PAYMENT, "production", HOUSEHOLDS, per_adult, policy=self.name)
        ctx.ledger.pay(WINDFALL_PAYMENT, "production", "rest_of_world", (1.0 - self.us_share) * self.paid,
                       policy=self.name)
        ctx.dividends.append(self.us_share * self.paid)
        return per_adult

    def metrics(self, ctx: YearContext) -> dict[str, float]:
        return {"windfall_payments": self.paid}
