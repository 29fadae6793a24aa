"""The policy protocol: what every policy module sees each year, and the hooks it may implement.

A policy is a small class with its parameters (validated, sourced defaults) and hooks that the
engine calls in a fixed order each year, every policy in the order the scenario lists them. Every
hook has a no-op default, so a new reform implements only the ones it needs and the engine never
names a concrete reform. The year (:mod:`commonwealth.engine`) runs the hooks at these points:

====  ==========================  ===============================================================
 1    ``land_tax_rate``           markets, before land is priced (sees a :class:`YearOpening`)
 2    ``firm_payments``           markets, once firms' equity income is known (:class:`YearOpening`)
 3    ``household_taxes``         reforms' cash, after primary incomes (a :class:`YearContext` from here)
 4    ``household_transfers``     reforms' cash, after every policy's ``household_taxes``
 4b   ``marginal_tax_rate``       reforms' cash, after the transfers: the policy's addition to each
                                  adult's marginal tax rate (next year's labour-supply response)
 5    ``locked_units``            consumption and saving: index units adults may not sell
 6    ``vat_share``               consumption and saving, once consumption is known
 7    ``corporate_actions``       corporate actions, after investment: share levies, transfers
 7b   ``shares_distributed``      after corporate actions: index units each adult received (portfolios)
 8    ``expected_gain``           politics: each adult's static gain, for support
 9    ``end_of_year``             after politics: the policy's own income and books
 9b   ``capital_levy``            accumulation: USD levied on firm value (firms' user cost, next year)
10    ``metrics``, ``headline_rate``  the year's report, after accumulation
====  ==========================  ===============================================================

Amounts are USD of the base year; "per adult" arrays have one entry per record (weights apply, see
``ctx.pop.weight``), "total" amounts are for the whole population. Every dollar or share a hook moves
between sectors must be posted to the year's :class:`~commonwealth.policy.ledger.Ledger`
(``ctx.ledger.pay``, with a declared :class:`~commonwealth.policy.ledger.FlowKind` and
``policy=self.name``): the engine checks that every row sums to zero, that households' cash and
in-kind accounts match their wealth, and that every fund's ledger column matches its books.

A policy that keeps a fund declares its ledger ``sector`` and reports its books through
``financial_assets`` (cash invested in bonds: a claim on capital) and ``equity_stake``; what other
policies may draw on it goes through ``draw``. A policy never edits another policy's attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from numba import njit

from commonwealth.behaviour import BehaviourSettings
from commonwealth.sums import dot

if TYPE_CHECKING:
    from commonwealth.assets import Firms
    from commonwealth.households import Prices
    from commonwealth.labour_supply import TaxableIncome
    from commonwealth.markets import Market
    from commonwealth.policy.ledger import Ledger
    from commonwealth.population import Population

#: ``enacted_year`` of a policy that is not in force until politics enacts it (a year no run reaches).
NEVER_ENACTED = 10**6
#: ``eligible_since`` of an adult who is not eligible for citizens' dividends (a non-citizen).
NEVER_ELIGIBLE = 10**6


@dataclass
class Government:
    """The budget the model tracks: status-quo taxes and transfers, government consumption as a fixed
    share of GDP (derived so the base year balances), policy flows, and debt since the base year."""

    consumption_share: float  # G / Y
    debt: float = 0.0  # USD, borrowed since the base year, held by households as bonds


@dataclass(kw_only=True)
class YearOpening:
    """What is known when the year opens (technology and production have run, markets not yet):
    what ``land_tax_rate`` and ``firm_payments`` see. Read-only for policies, except as stated."""

    year: int
    t: int  # years since the base year
    gdp: float  # USD/year
    gdp_base: float  # USD/year at the base year
    r: float  # net return on capital, per year
    land_rent: float  # USD/year, all land
    pop: Population  # the records (adults); policies may change holdings only in corporate_actions
    firms: Firms  # firms and their owners; changed only in corporate_actions
    market: Market
    eligible: np.ndarray  # per adult: adult citizens eligible for citizens' dividends (not expatriated)
    government: Government
    gdp_history: dict[int, float]  # year → GDP, USD, up to this year
    #: Per adult: who has left the country (tax flight); out of reach of personal taxes. Nobody by default.
    expatriated: np.ndarray = None  # type: ignore[assignment]
    retention: float = 0.0  # share of equity income firms retain and invest (the rest is paid out)
    #: P_t, the price level relative to the base year (commonwealth.indexation): nominal = real × P_t.
    price_level: float = 1.0
    price_history: dict[int, float] = field(default_factory=dict)  # year → P, up to this year
    #: W, the real average wage relative to the base year, last year's (what wage indexation uses).
    wage_level: float = 1.0
    #: Which behavioural responses run (commonwealth.behaviour): every one by default.
    behaviour: BehaviourSettings = field(default_factory=BehaviourSettings)

    def __post_init__(self) -> None:
        if self.expatriated is None:
            self.expatriated = np.zeros(self.pop.weight.size, dtype=bool)

    def opening(self) -> dict:
        """This context's :class:`YearOpening` fields, to build the next stage's context from."""
        return {f.name: getattr(self, f.name) for f in fields(YearOpening)}


@dataclass(kw_only=True)
class YearContext(YearOpening):
    """The year once markets have priced every asset and primary incomes are known: what every hook
    from ``household_taxes`` on sees (amounts per adult unless stated). The engine sets every field;
    the defaults serve contexts built by hand (tests)."""

    prices: Prices  # this year's asset prices and incomes per unit
    wealth: np.ndarray  # per adult: net worth at the start of the year, at this year's prices
    ledger: Ledger  # the year's flows: post every transfer here
    firm_income: np.ndarray = None  # type: ignore[assignment]  # USD per firm, after firm payments; 0 if not given
    own_fund_start: np.ndarray = None  # type: ignore[assignment]  # fund's fraction of each firm as the year opened
    income: np.ndarray = None  # type: ignore[assignment]  # per adult: market income + status-quo transfers
    status_quo_taxes: float = 0.0  # USD, all adults: status-quo income taxes this year
    policies: Sequence[Policy] = ()  # the scenario's policies, for drawing on a fund through the protocol
    #: USD each: equal cash dividends paid to adults this year (appended by the hooks that pay them;
    #: they make up the dividend_per_adult metric with the fund's share and cash dividends).
    dividends: list[float] = field(default_factory=list)
    #: The taxable-income response (commonwealth.labour_supply.TaxableIncome) that income-tax reforms
    #: apply to their base with ``labour_supply.reported_income``; None: off (``behaviour.taxable_income``).
    #: Set for the reforms' cash (``household_taxes``, ``household_transfers``, ``marginal_tax_rate``), and
    #: None in the hooks after it: its three per-adult arrays are not held through the rest of the year.
    taxable_income: TaxableIncome | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.firm_income is None:
            self.firm_income = np.zeros(self.firms.size)
        if self.own_fund_start is None:
            self.own_fund_start = self.firms.own_fund.copy()
        if self.income is None:
            self.income = np.zeros(self.pop.weight.size)

    def fund(self, sector: str) -> Policy | None:
        """The first policy keeping the books of ledger ``sector`` (a fund), if any."""
        return next((p for p in self.policies if p.sector == sector), None)


class Policy:
    """Base class: a policy in force from ``enacted_year`` until ``repealed_year`` (exclusive).

    Every hook below is a no-op by default. Hooks run for every policy, in force or not: a hook checks
    :meth:`in_force` itself (a fund out of force may still hold assets)."""

    kind: ClassVar[str]
    #: The ledger sector whose books this policy keeps (a fund), or None.
    sector: ClassVar[str | None] = None
    #: Whether an adult escapes this policy's ``household_taxes`` by giving up US citizenship and
    #: residence (expatriation): the one source of truth for what drives tax flight
    #: (:meth:`commonwealth.politics.Politics.flee`). True only for taxes that depend on residence or
    #: citizenship (a personal wealth tax, income-tax changes: the US taxes citizens abroad, so only
    #: renunciation escapes them); False for taxes on US assets, which a non-resident still owes (a
    #: levy on US firms' shares, a tax on US land). A policy that sets it must exempt
    #: ``ctx.expatriated`` adults from its taxes.
    escapable_by_expatriation: ClassVar[bool] = False

    def __init__(self, name: str, enacted_year: int, repealed_year: int | None) -> None:
        self.name = name
        self.enacted_year = enacted_year
        self.repealed_year = repealed_year
        #: Share of the enacted rates (or amounts) in force; politics erodes it (1 = as enacted).
        self.strength = 1.0
        #: True when the scenario fixed the enactment year (endogenous politics then only decides survival).
        self.stipulated = False

    def in_force(self, year: int) -> bool:
        """Whether the policy applies in ``year`` (from enactment until repeal, exclusive)."""
        return self.enacted_year <= year and (self.repealed_year is None or year < self.repealed_year)

    # --- 1–2. Markets --------------------------------------------------------------------------

    def land_tax_rate(self, ctx: YearOpening) -> float:
        """Tax on land value this year, as a share of land value per year: capitalised into the land
        price (the engine sums every policy's rate). Collect it in ``household_taxes``."""
        return 0.0

    def firm_payments(self, ctx: YearOpening, firm_income: np.ndarray) -> np.ndarray | None:
        """Payments out of each firm's equity income (USD per firm, this year), or None. The engine
        subtracts them before firms are valued; pay them on to households in ``household_transfers``
        (posting to the ledger from ``production``). Runs before the year's ledger exists."""
        return None

    # --- 3–6. Reforms' cash, consumption and saving -------------------------------------------

    def household_taxes(self, ctx: YearContext) -> np.ndarray | None:
        """Cash each adult pays the policy this year (USD per adult, not taxable), or None. Post it
        to the ledger (``HOUSEHOLDS`` → the receiving sector). Runs for every policy before any
        ``household_transfers``."""
        return None

    def household_transfers(self, ctx: YearContext) -> np.ndarray | None:
        """Cash each adult receives from the policy this year (USD per adult, not taxable), or None.
        Post it to the ledger (paying sector → ``HOUSEHOLDS``); append equal cash dividends' total to
        ``ctx.dividends``. A policy paid from a fund draws on it with :meth:`draw` (``ctx.fund``)."""
        return None

    def marginal_tax_rate(self, ctx: YearContext) -> np.ndarray | float | None:
        """The policy's addition to each adult's marginal tax rate on income this year (share of a marginal
        dollar of income taken; per adult or one rate for all), or None. Runs after ``household_taxes``;
        the labour-supply response (:mod:`commonwealth.labour_supply`) uses it the next year."""
        return None

    def locked_units(self, ctx: YearContext, eligible_since: np.ndarray) -> np.ndarray | float:
        """Index units per adult that may not be sold this year (``eligible_since``: the year from
        which each adult has been eligible, :data:`NEVER_ELIGIBLE` if never)."""
        return 0.0

    def vat_share(self, ctx: YearContext, consumption_total: float) -> float:
        """Share of consumption spending (``consumption_total``, USD, all adults) taken by a VAT this
        policy levies; the engine posts the VAT row for all policies together."""
        return 0.0

    def government_purchases(self, ctx: YearContext) -> float:
        """USD the government spends this year on the policy's purchases (prizes): posted by the engine
        as government consumption of output before the budget rule closes the year, so the rule finances
        it like any other spending."""
        return 0.0

    def sector_cost_factors(self, ctx: YearContext) -> dict[str, float] | None:
        """Multipliers on this year's sector price indices (``commonwealth.prices.SECTORS`` → factor, 1 =
        no change), or None: what the policy does to a sector's cost beyond the factor prices. The engine
        multiplies every policy's factors and recomputes the CPI with them."""
        return None

    # --- 7. Corporate actions -------------------------------------------------------------------

    def corporate_actions(self, ctx: YearContext) -> None:
        """Share levies, transfers of ownership and distributions in shares, after investment. May
        change ``ctx.firms``' ownership and values, ``ctx.market``'s units and book, and
        ``ctx.pop``'s equity holdings; post every move to the ledger as an in-kind flow, valued on
        the day. The engine checks afterwards that ownership sums to one and that households'
        in-kind account matches the change in their wealth."""
        return None

    def shares_distributed(self) -> np.ndarray | None:
        """Index units each adult received from this policy in this year's ``corporate_actions`` (per
        adult), or None: the shares recipients may later sell (:mod:`commonwealth.portfolios`)."""
        return None

    # --- 8. Politics ----------------------------------------------------------------------------

    def expected_gain(self, ctx: YearContext) -> np.ndarray:
        """Each adult's net gain per year from the policy at its stated rates (static incidence: what it
        pays and what it takes, before any economic response), USD per adult. Used for political
        support; must not change any state the year's outcome depends on."""
        return np.zeros(ctx.pop.weight.size)

    # --- 9. The policy's own books --------------------------------------------------------------

    def end_of_year(self, ctx: YearContext) -> None:
        """After politics: the policy's own income (interest, dividends on its stake), deposits and
        book-keeping, posted to the ledger."""
        return None

    def financial_assets(self) -> float:
        """USD of financial assets the policy holds (cash invested in bonds: a claim on capital)."""
        return 0.0

    def equity_stake(self, firms: Firms) -> float:
        """USD value of the shares the policy holds (through ``firms.own_fund``)."""
        return 0.0

    def draw(self, amount: float) -> float:
        """Pay out up to ``amount`` USD of the fund's cash for another policy's use (which posts the
        payment from this policy's ``sector``); returns what was drawn. Nothing, unless a fund."""
        return 0.0

    def capital_levy(self, ctx: YearContext) -> float:
        """USD/year this policy levied this year on the value of firms (share levies, firm-value taxes
        settled in cash), after the base that escaped: the wedge in the user cost of capital that firms
        respond to (:mod:`commonwealth.investment`). Read once the corporate actions have run."""
        return 0.0

    # --- 10. The year's report ------------------------------------------------------------------

    def headline_rate(self, ctx: YearContext) -> float:
        """The policy's main rate in force (after phase-in and erosion), for the policy_rate metric."""
        return self.strength if self.in_force(ctx.year) else 0.0

    def metrics(self, ctx: YearContext) -> dict[str, float]:
        """Metrics the policy reports (names documented in :mod:`commonwealth.metrics`); a policy may
        set the shared ones (``fund_assets``, ``dividend_*_per_adult``) its reform defines."""
        return {}


def equal_shares(total: float, weight: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Per-adult amounts that split ``total`` equally over the eligible adults (0 for the others)."""
    return where_eligible(eligible, equal_share(total, weight, eligible))


def equal_share(total: float, weight: np.ndarray, eligible: np.ndarray) -> float:
    """What each eligible adult receives when ``total`` is split equally over them (0 if there are none)."""
    recipients = float(dot(weight, eligible))
    if recipients <= 0:
        return 0.0
    return total / recipients


@njit(cache=True)
def where_eligible(eligible: np.ndarray, amount: float) -> np.ndarray:
    """``numpy.where(eligible, amount, 0.0)`` in one pass: ``amount`` per eligible adult, 0 for the others."""
    out = np.empty(eligible.size)
    for i in range(eligible.size):
        out[i] = amount if eligible[i] else 0.0
    return out
