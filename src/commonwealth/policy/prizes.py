"""Public prizes for AI applications in chosen sectors ("here's this API, do something great for the
climate"; the seed conversation).

``public_prize`` spends ``amount`` × GDP a year (``policy.public_prize.amount``) on prizes and advance
market commitments for verified AI applications in the named consumption sectors (housing, health,
education, food, other — energy and climate sit in "other"), split equally among them. With
``funding: budget`` (the default) it is government consumption financed by the budget: the budget rule
(commonwealth.budget) pays for it once it starts, by the scenario's instrument; until then it adds to the
debt. With ``funding: fund`` the American Equity Fund pays it out of the year's income before that income
is distributed (the citizens' cash dividend falls by as much), and the budget pays only what the fund
lacks.

Each sector's price index is multiplied, from the year after the first prize, by

    m_s(t) = (1 + D_s(t − 1) / (ω_s · Y_0))^(−ε),

where D_s is the real prize money spent on the sector so far, ω_s the sector's CPI weight
(``prices.cpi_weight_*``) and Y_0 base-year GDP, so ω_s · Y_0 is a scale of the sector's spending, and ε
the cost elasticity (``policy.public_prize.cost_elasticity``). No estimate of how far a prize lowers a
sector's costs exists (shared/reference/ai-economy.md §9): ε = 0.32 is an explicit assumption, the
exponent of a 20 % learning curve (cost ×0.8 per doubling of cumulative output, Way et al. 2022; solar
and lithium-ion batteries) — it reads prize money as buying deployment that moves the sector down its
learning curve as much as the same amount of the sector's own spending would.
"""

from __future__ import annotations

from commonwealth.policy.base import Policy, YearContext
from commonwealth.policy.ledger import POLICY_PURCHASES


class PublicPrize(Policy):
    kind = "public_prize"

    def __init__(self, name, enacted_year, repealed_year, *, sectors: list[str], amount: float,
                 cost_elasticity: float, cpi_weights: dict[str, float], funding: str = "budget") -> None:
        super().__init__(name, enacted_year, repealed_year)
        self.sectors = tuple(sectors)
        self.amount = amount
        self.cost_elasticity = cost_elasticity
        self.spent: dict[str, float] = dict.fromkeys(self.sectors, 0.0)  # real USD, through last year
        self.paid = 0.0  # this year, USD
        self.weights = cpi_weights  # ω_s, the base year's
        self.funding = funding
        self.from_fund = 0.0  # this year, USD

    def government_purchases(self, ctx: YearContext) -> float:
        """The prize money the budget pays this year (USD); the fund's part is posted here."""
        self.paid = self.amount * self.strength * ctx.gdp if self.in_force(ctx.year) else 0.0
        self.from_fund = 0.0
        fund = ctx.fund("equity_fund") if self.funding == "fund" and self.paid > 0 else None
        if fund is not None:
            self.from_fund = fund.draw(self.paid)
            if self.from_fund > 0:
                ctx.ledger.pay(POLICY_PURCHASES, fund.sector, "production", self.from_fund, policy=self.name)
        return self.paid - self.from_fund

    def sector_cost_factors(self, ctx: YearContext) -> dict[str, float] | None:
        if not any(self.spent.values()):
            return None
        return {s: (1.0 + self.spent[s] / (self.weights[s] * ctx.gdp_base)) ** (-self.cost_elasticity)
                for s in self.sectors}

    def end_of_year(self, ctx: YearContext) -> None:
        for s in self.sectors:
            self.spent[s] += self.paid / len(self.sectors)

    def headline_rate(self, ctx: YearContext) -> float:
        return self.amount * self.strength if self.in_force(ctx.year) else 0.0

    def metrics(self, ctx: YearContext) -> dict[str, float]:
        values = {f"prize_spending.{self.name}": self.paid}
        if self.funding == "fund":
            values[f"prize_from_fund.{self.name}"] = self.from_fund
        return values
