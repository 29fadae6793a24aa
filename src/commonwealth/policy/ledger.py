"""The ledger: every flow of a year with its source and destination, and the stock-flow checks.

Sectors are institutional: households (split by wealth group for display), production (firms as
producers: they receive spending and pay out all value added), government, the equity fund, the
sovereign fund, public owners (capped-profit labs' nonprofit), the rest of the world and the other
holders of public debt (foreigners, the Federal Reserve, institutions outside the household sector). Flows are
in USD per year; in-kind flows (shares levied by the equity fund and distributed to citizens) are
recorded at their value on the day.

Invariants (Godley & Lavoie 2007, ch. 2):

* every row (a kind of flow) sums to zero across sectors — what one pays, another receives;
* every sector's column sums to its net lending, i.e. the change in its net position from
  transactions, which the engine compares with the change in its balance sheet computed
  independently from stocks (:mod:`commonwealth.identities`); for production the column is minus net
  investment, so the whole matrix says that investment equals saving.

Every kind of flow is a declared :class:`FlowKind` constant below, with the properties the engine
reads (cash or in kind, status quo or reform): a misspelt constant fails at import, and
:meth:`Ledger.pay` refuses anything but a declared kind. (What tax flight responds to is declared by
each policy, ``Policy.escapable_by_expatriation``, not by its flow kinds.)

Expatriates (adults who renounced and left, :mod:`commonwealth.politics`) are non-resident holders of
US assets from the year after they leave: their records keep their holdings (stocks do not move; no
flow is posted when they leave), and their per-adult flows are booked to ``rest_of_world``, not to a
household group. The engine subtracts what they have received in cash so far from the exports plug
(:attr:`Ledger.abroad_total`), so their saving counts as foreign saving invested in the US.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from commonwealth.sorting import count_at_or_below
from commonwealth.sums import LANES, lanes_total

if TYPE_CHECKING:
    import pandas as pd

HOUSEHOLD_GROUPS = ("households:bottom50", "households:50-90", "households:90-99", "households:top1")
SECTORS = (*HOUSEHOLD_GROUPS, "production", "government", "equity_fund", "sovereign_fund", "public_owners",
           "rest_of_world", "other_holders")
_SECTOR_SET = frozenset(SECTORS)
HOUSEHOLDS = "households"  # pseudo-sector: a per-adult array split over HOUSEHOLD_GROUPS
#: Wealth-rank edges of the household groups (fractions of adults).
GROUP_EDGES = (0.5, 0.9, 0.99)
#: Relative tolerance of the ledger checks.
LEDGER_RTOL = 1e-9


@dataclass(frozen=True)
class FlowKind:
    """A kind of flow: one row of the ledger, with what the engine needs to know about it."""

    label: str  # the row's name in the ledger matrix (and in error messages)
    in_kind: bool = False  # shares valued on the day (else cash): households' in-kind, not cash, account
    status_quo: bool = False  # the status quo or markets (else a reform's cash, excluded from the base-year budget)

    def __post_init__(self) -> None:
        if self.label in FLOW_KINDS:
            raise ValueError(f"flow kind {self.label!r} is declared twice")
        FLOW_KINDS[self.label] = self


#: Every declared kind of flow by label, in the order declared.
FLOW_KINDS: dict[str, FlowKind] = {}

# Markets and the status quo.
LABOUR_INCOME = FlowKind("labour income", status_quo=True)
CAPITAL_INCOME = FlowKind("capital income", status_quo=True)
EQUITY_INCOME = FlowKind("equity income")  # paid out to holders other than households
RETAINED_EQUITY_INCOME = FlowKind("equity income (retained, in kind)", in_kind=True)
PUBLIC_DEBT_INTEREST = FlowKind("interest on public debt")  # at the safe rate, government → bondholders' pool
#: Interest at the safe rate on the bonds of the other holders of public debt (foreigners, the Fed, institutions).
OTHER_HOLDERS_INTEREST = FlowKind("interest to other holders of public debt")
#: Other holders' interest less their purchases of new public debt, spent on (or, if negative, financing) US output.
OTHER_HOLDERS_SPENDING = FlowKind("other holders' spending net of debt purchases")
STATUS_QUO_TAXES = FlowKind("status-quo taxes", status_quo=True)
STATUS_QUO_TRANSFERS = FlowKind("status-quo transfers", status_quo=True)
CONSUMPTION = FlowKind("consumption", status_quo=True)
#: The net return on US-owned business capital that firms invested abroad in response to the reforms'
#: wedges (commonwealth.investment), paid by the rest of the world to the firms that own it.
INCOME_ON_CAPITAL_ABROAD = FlowKind("income on capital abroad")
#: The UBI's VAT is levied on consumption and counted with it in the base-year budget.
VAT = FlowKind("VAT", status_quo=True)
EXPORTS = FlowKind("exports")
PUBLIC_OWNERS_DIVIDENDS = FlowKind("public owners' dividends")
EXIT_TAX = FlowKind("exit tax")
ESTATE_TAX = FlowKind("estate tax", status_quo=True)
GOVERNMENT_CONSUMPTION = FlowKind("government consumption")
#: τ_p × land value, paid by households on their land and by firms on corporate land (out of its rent).
PROPERTY_TAX = FlowKind("property tax", status_quo=True)
#: The rent of government land (federal, state and local): production pays it to the government.
GOVERNMENT_LAND_RENT = FlowKind("government land rent", status_quo=True)
INTEREST = FlowKind("interest")  # on the funds' financial assets
#: The budget rule's adjustment on households (engine): an income-tax surcharge or a cut in transfers (+ = paid).
BUDGET_RULE = FlowKind("budget rule adjustment")
# Reforms (policy/*.py).
WEALTH_TAX = FlowKind("wealth tax")
LAND_VALUE_TAX = FlowKind("land value tax")
AEF_LAND_TAX = FlowKind("AEF land tax")
AEF_SHARE_LEVY = FlowKind("AEF share levy (in kind)", in_kind=True)
AEF_PRIVATE_SETTLEMENT = FlowKind("AEF private settlement (in kind)", in_kind=True)
AEF_SHARE_DISTRIBUTION = FlowKind("AEF share distribution (in kind)", in_kind=True)
AEF_CASH_DISTRIBUTION = FlowKind("AEF cash distribution")
INCOME_TAX_CHANGE = FlowKind("income tax change")
LAND_VALUE_TAX_DIVIDEND = FlowKind("land_value_tax dividend")
WEALTH_TAX_DIVIDEND = FlowKind("wealth_tax dividend")
INCOME_TAX_DIVIDEND = FlowKind("income_tax dividend")
UBI_PAYMENT = FlowKind("UBI")
UBI_SURCHARGE = FlowKind("UBI income-tax surcharge")
SOVEREIGN_FUND_ENDOWMENT = FlowKind("sovereign fund endowment")
SOVEREIGN_FUND_DIVIDEND = FlowKind("sovereign fund dividend")
SOVEREIGN_FUND_DRAW = FlowKind("sovereign fund draw to budget")
SOVEREIGN_FUND_DEPOSIT = FlowKind("sovereign fund deposit")
CAPPED_PROFIT_TRANSFER = FlowKind("capped-profit transfer (in kind)", in_kind=True)
WINDFALL_PAYMENT = FlowKind("windfall payment")
POLICY_PURCHASES = FlowKind("policies' government purchases")  # e.g. public prizes (Policy.government_purchases)


#: The wealth groups' rows a per-adult flow is split into: :data:`HOUSEHOLD_GROUPS`, then rest_of_world (abroad).
BOOKED_GROUPS = len(HOUSEHOLD_GROUPS) + 1


@njit(cache=True)
def _book_households(target: np.ndarray, per_adult: np.ndarray, weight: np.ndarray, group: np.ndarray,
                     sign: float, scale: float) -> tuple[np.ndarray, float]:
    """One pass: ``target += sign × per_adult`` (a one-element ``per_adult`` is every adult's; each amount is
    ``scale × per_adult``, the product found here, and 1.0 × x is x to the bit), the weighted
    totals per wealth group (0 … 4, :data:`BOOKED_GROUPS`), summed in record order, and the weighted total
    summed as :func:`commonwealth.sums.dot` sums it — the same floating-point operations, in the same order,
    as ``target += sign * per_adult``, ``np.bincount(group, weight * per_adult)`` and ``dot(weight, per_adult)``,
    without temporaries.

    Each group's total is a local variable, not an entry of an array: an array's entry is stored and loaded
    again by the next record of its group, which made every record wait for the one before it (45 µs against
    28 for 20,000 records). Every total adds the product or +0.0, a select rather than a branch (33 against
    29 µs): a total starts at +0.0 and a sum of additions from +0.0 is never −0.0, so adding +0.0 leaves it
    unchanged, to the bit."""
    t0 = t1 = t2 = t3 = t4 = 0.0
    constant = per_adult.size == 1
    n = weight.size
    stop = n - n % LANES
    lanes = np.zeros(LANES)
    tail = 0.0
    for i in range(n):
        a = scale * (per_adult[0] if constant else per_adult[i])
        target[i] += sign * a
        product = weight[i] * a
        g = group[i]
        t0 += product if g == 0 else 0.0
        t1 += product if g == 1 else 0.0
        t2 += product if g == 2 else 0.0
        t3 += product if g == 3 else 0.0
        t4 += product if g >= 4 else 0.0  # codes are 0 … 4 (Ledger: count_at_or_below, abroad 4)
        if i < stop:
            lanes[i % LANES] += product
        else:
            tail += product
    return np.array([t0, t1, t2, t3, t4]), lanes_total(lanes, tail)


assert BOOKED_GROUPS == 5, "_book_households keeps one total per group: give it one for each of BOOKED_GROUPS"


def _ndim(amount) -> int:
    """``np.ndim(amount)``, without its dispatch for the usual cases (a float, an array): a hundred calls a year."""
    if isinstance(amount, float):
        return 0
    return amount.ndim if isinstance(amount, np.ndarray) else np.ndim(amount)


class LedgerError(RuntimeError):
    """A flow appeared or vanished; names the year, the sector or row, and the policy if any."""


class Ledger:
    """The flows of one year."""

    def __init__(self, year: int, weight: np.ndarray, wealth_rank: np.ndarray,
                 abroad: np.ndarray | None = None) -> None:
        """``abroad``: per adult, expatriates, whose household flows are booked to ``rest_of_world``."""
        self.year = year
        self._weight = weight
        # Per adult: the wealth group, or len(HOUSEHOLD_GROUPS) abroad (int8: a byte a record all year).
        self._group = count_at_or_below(GROUP_EDGES, wealth_rank).astype(np.int8)
        if abroad is not None:
            self._group[abroad] = len(HOUSEHOLD_GROUPS)
        #: USD: net of every per-adult flow booked to rest_of_world for expatriates so far this year.
        self.abroad_total = 0.0
        self._flows: dict[tuple[str, str], float] = defaultdict(float)
        self._policy_of: dict[str, str] = {}
        #: Per adult: net cash received by households, and net value received in kind (shares).
        self.household_cash = np.zeros_like(weight)
        self.household_in_kind = np.zeros_like(weight)

    def _add(self, kind: str, sector: str, amount: float) -> None:  # kind: a FlowKind's label
        if not math.isfinite(amount):  # a number (a hundred a year: math's test, not numpy's)
            raise LedgerError(f"year {self.year}: flow '{kind}' for {sector} is not finite ({amount})")
        self._flows[(kind, sector)] += amount

    def pay(self, flow: FlowKind, source: str, destination: str, amount, *, policy: str | None = None,
            scale: float = 1.0) -> None:
        """Record that ``source`` pays ``destination`` ``amount`` USD of the kind ``flow``. Either side may
        be :data:`HOUSEHOLDS` with a per-adult array, which is weighted and split by wealth group.
        ``scale``: what is paid is ``scale × amount`` (a share of a per-adult array, without the product as an
        array of its own: the same bits as passing the product)."""
        if not isinstance(flow, FlowKind) or FLOW_KINDS.get(flow.label) is not flow:
            raise LedgerError(f"year {self.year}: {flow!r} is not a declared flow kind (policy/ledger.py)")
        kind = flow.label
        if policy:
            self._policy_of[kind] = policy
        per_adult = _ndim(amount) > 0
        if HOUSEHOLDS not in (source, destination) and per_adult:
            raise LedgerError(f"year {self.year}: flow '{kind}' between sectors must be a number")
        scale = float(scale)
        if not per_adult and scale != 1.0:
            amount, scale = scale * float(amount), 1.0
        weighted = None  # Σ weight × amount of a per-adult amount, from the households' booking
        if source != HOUSEHOLDS and destination == HOUSEHOLDS:  # book households first: their pass sums it too
            weighted = self._book(flow, amount, 1.0, scale)
            self._add(kind, source, -(weighted if per_adult else float(amount)))
            return
        for sector, sign in ((source, -1.0), (destination, 1.0)):
            if sector == HOUSEHOLDS:
                weighted = self._book(flow, amount, sign, scale)
            else:
                total = weighted if per_adult else float(amount)
                self._add(kind, sector, sign * total)

    def _book(self, flow: FlowKind, amount, sign: float, scale: float = 1.0) -> float:
        """Book ``sign × scale × amount`` (USD per adult, or one number for every adult) to the households' cash or
        in-kind receipts and their groups' rows; returns Σ weight × scale × amount (summed as
        :func:`commonwealth.sums.dot`)."""
        kind = flow.label
        target = self.household_in_kind if flow.in_kind else self.household_cash
        per_adult = np.asarray(amount, dtype=np.float64)
        if per_adult.ndim and per_adult.shape != self._weight.shape:
            raise LedgerError(f"year {self.year}: flow '{kind}' has {per_adult.size} per-adult amounts for "
                              f"{self._weight.size} adults")
        totals, weighted = _book_households(target, per_adult.reshape(-1), self._weight, self._group, sign, scale)
        for name, total in zip((*HOUSEHOLD_GROUPS, "rest_of_world"), totals, strict=True):
            self._add(kind, name, sign * float(total))
        self.abroad_total += sign * float(totals[-1])
        return float(weighted)

    def matrix(self) -> pd.DataFrame:
        """Rows: kinds of flow; columns: sectors; + received, − paid."""
        import pandas as pd  # imported here: scenario validation imports the ledger and must start fast

        frame = pd.Series(self._flows).unstack(fill_value=0.0) if self._flows else pd.DataFrame()
        return frame.reindex(columns=list(SECTORS), fill_value=0.0)

    def column(self, sector: str) -> float:
        if sector == HOUSEHOLDS:
            return sum(self.column(s) for s in HOUSEHOLD_GROUPS)
        return float(sum(v for (kind, s), v in self._flows.items() if s == sector))

    def kinds(self) -> list[str]:
        """The kinds of flow booked this year, sorted (the rows of :meth:`matrix`)."""
        return sorted({kind for kind, _ in self._flows})

    def column_by_kind(self, sector: str) -> np.ndarray:
        """One sector's column of :meth:`matrix` (0 where it has no flow), rows in :meth:`kinds` order —
        without building the matrix (no pandas in the year)."""
        flows = self._flows
        return np.array([flows.get((kind, sector), 0.0) for kind in self.kinds()])

    def get(self, kind: str, sector: str) -> float:
        """A cell of :meth:`matrix`: what ``sector`` received (+) or paid (−) of the kind ``kind``."""
        return self._flows.get((kind, sector), 0.0)

    def check_rows(self) -> None:
        """Every kind of flow sums to zero across sectors."""
        total: dict[str, float] = defaultdict(float)
        scale: dict[str, float] = defaultdict(lambda: 1.0)
        for (kind, sector), v in self._flows.items():  # one pass over the booked cells
            if sector not in _SECTOR_SET:
                continue
            total[kind] += v
            scale[kind] = max(scale[kind], abs(v))
        for kind in sorted(total):
            if abs(total[kind]) / scale[kind] > LEDGER_RTOL:
                policy = self._policy_of.get(kind)
                who = f" (policy {policy})" if policy else ""
                raise LedgerError(f"year {self.year}: flow '{kind}'{who} does not sum to zero across sectors")

    def reform_taxes(self) -> float:
        """Cash the reforms took from households this year (USD): rows that are neither the status
        quo's nor in kind."""
        return self._reform_household_cash(sign=-1.0)

    def reform_transfers(self) -> float:
        """Cash the reforms paid households this year (USD)."""
        return self._reform_household_cash(sign=1.0)

    def _reform_household_cash(self, sign: float) -> float:
        """Σ over reform cash rows of households' net receipts of the ``sign`` wanted, in :meth:`kinds` order
        and summed as the matrix's columns would be (the four groups in order, then numpy's sum)."""
        flows = self._flows
        rows = []
        for kind in self.kinds():
            if FLOW_KINDS[kind].status_quo or FLOW_KINDS[kind].in_kind:
                continue
            total = 0.0
            for group in HOUSEHOLD_GROUPS:
                total = total + flows.get((kind, group), 0.0)
            rows.append(total)
        values = np.array(rows, dtype=np.float64)
        return float(values[sign * values > 0].sum() * sign)
