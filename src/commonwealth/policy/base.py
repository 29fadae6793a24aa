"""What every policy module sees each year, and the hooks it may implement.

A policy is a small class with its parameters (validated, sourced defaults) and pure-ish hooks that
the engine calls in a fixed order each year:

1. ``land_tax_rate`` — taxes on land value, capitalised into the land price;
2. ``firm_payments`` — payments out of firms' equity income (the Windfall Clause);
3. ``household_taxes`` / ``household_transfers`` — per-adult cash flows before saving;
4. ``corporate_actions`` — at the end of the year: share levies, transfers of ownership, distributions;
5. ``end_of_year`` — fund books and draws; ``metrics`` — what it reports.

Every dollar or share a hook moves is recorded in the year's :class:`~commonwealth.policy.ledger.Ledger`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    from commonwealth.assets import Firms
    from commonwealth.households import Prices
    from commonwealth.markets import Market
    from commonwealth.policy.ledger import Ledger
    from commonwealth.population import Population


@dataclass
class Government:
    """The budget the model tracks: status-quo taxes and transfers, government consumption as a fixed
    share of GDP (derived so the base year balances), policy flows, and debt since the base year."""

    consumption_share: float  # G / Y
    debt: float = 0.0  # USD, borrowed since the base year, held by households as bonds


@dataclass
class YearContext:
    """One year's state, shared by the policies (amounts per adult unless stated)."""

    year: int
    t: int
    gdp: float  # USD/year
    gdp_base: float  # USD/year at the base year
    r: float  # net return on capital
    land_rent: float  # USD/year, all land
    pop: Population
    firms: Firms
    market: Market
    prices: Prices
    wealth: np.ndarray  # net worth at the start of the year, at this year's prices
    eligible: np.ndarray  # adult citizens (all records are adults)
    ledger: Ledger
    government: Government
    gdp_history: dict[int, float]  # year → GDP, USD
    income: np.ndarray | None = None  # market income + status-quo transfers, once known
    firm_income: np.ndarray | None = None  # equity income per firm after firm payments, USD
    extra: dict[str, Any] = field(default_factory=dict)  # policy-to-policy notes (e.g. fund cash)


class Policy:
    """Base class: a policy in force from ``enacted_year`` until ``repealed_year`` (exclusive)."""

    kind: ClassVar[str]

    def __init__(self, name: str, enacted_year: int, repealed_year: int | None) -> None:
        self.name = name
        self.enacted_year = enacted_year
        self.repealed_year = repealed_year
        #: Share of the enacted rates (or amounts) in force; politics erodes it (1 = as enacted).
        self.strength = 1.0
        #: True when the scenario fixed the enactment year (endogenous politics then only decides survival).
        self.stipulated = False

    def in_force(self, year: int) -> bool:
        return self.enacted_year <= year and (self.repealed_year is None or year < self.repealed_year)

    def headline_rate(self, ctx: YearContext) -> float:
        """The policy's main rate in force (after phase-in and erosion), for the policy_rate metric."""
        return self.strength if self.in_force(ctx.year) else 0.0

    def expected_gain(self, ctx: YearContext) -> np.ndarray:
        """Each adult's net gain per year from the policy at its stated rates (static incidence: what it
        pays and what it takes, before any economic response), USD. Used for political support."""
        return np.zeros(ctx.pop.weight.size)

    # Hooks, in the order the engine calls them; each is a no-op unless a policy needs it.
    def land_tax_rate(self, ctx: YearContext) -> float:
        return 0.0

    def firm_payments(self, ctx: YearContext, firm_income: np.ndarray) -> np.ndarray | None:
        return None

    def household_taxes(self, ctx: YearContext) -> np.ndarray | None:
        return None

    def household_transfers(self, ctx: YearContext) -> np.ndarray | None:
        return None

    def corporate_actions(self, ctx: YearContext) -> None:
        return None

    def end_of_year(self, ctx: YearContext) -> None:
        return None

    def metrics(self, ctx: YearContext) -> dict[str, float]:
        return {}


def equal_shares(total: float, weight: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Per-adult amounts that split ``total`` equally over the eligible adults (0 for the others)."""
    recipients = float(np.dot(weight, eligible))
    if recipients <= 0:
        return np.zeros_like(weight)
    return np.where(eligible, total / recipients, 0.0)
