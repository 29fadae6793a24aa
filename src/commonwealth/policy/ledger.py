"""The ledger: every flow of a year with its source and destination, and the stock-flow checks.

Sectors are institutional: households (split by wealth group for display), production (firms as
producers: they receive spending and pay out all value added), government, the equity fund, the
sovereign fund, public owners (capped-profit labs' nonprofit) and the rest of the world. Flows are
in USD per year; in-kind flows (shares levied by the equity fund and distributed to citizens) are
recorded at their value on the day.

Invariants (Godley & Lavoie 2007, ch. 2):

* every row (a kind of flow) sums to zero across sectors — what one pays, another receives;
* every sector's column sums to its net lending, i.e. the change in its net position from
  transactions, which :meth:`Ledger.check_sector` compares with the change in its balance sheet
  computed independently from stocks; for production the column is minus net investment, so the
  whole matrix says that investment equals saving.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

HOUSEHOLD_GROUPS = ("households:bottom50", "households:50-90", "households:90-99", "households:top1")
SECTORS = (*HOUSEHOLD_GROUPS, "production", "government", "equity_fund", "sovereign_fund", "public_owners",
           "rest_of_world")
HOUSEHOLDS = "households"  # pseudo-sector: a per-adult array split over HOUSEHOLD_GROUPS
#: Wealth-rank edges of the household groups (fractions of adults).
GROUP_EDGES = (0.5, 0.9, 0.99)
#: Household payments kept per adult: the wealth-type taxes that drive tax flight.
TRACKED = ("wealth tax", "land value tax", "AEF land tax", "AEF share levy (in kind)")
#: Relative tolerance of the ledger checks.
LEDGER_RTOL = 1e-9


class LedgerError(RuntimeError):
    """A flow appeared or vanished; names the year, the sector or row, and the policy if any."""


class Ledger:
    """The flows of one year."""

    def __init__(self, year: int, weight: np.ndarray, wealth_rank: np.ndarray) -> None:
        self.year = year
        self._weight = weight
        self._group = np.searchsorted(np.asarray(GROUP_EDGES), wealth_rank, side="right")
        self._flows: dict[tuple[str, str], float] = defaultdict(float)
        self._policy_of: dict[str, str] = {}
        #: Per adult: net cash received by households, and net value received in kind (shares).
        self.household_cash = np.zeros_like(weight)
        self.household_in_kind = np.zeros_like(weight)
        #: Per adult: what households paid in these kinds of flow (for behaviour such as tax flight).
        self.tracked = {kind: np.zeros_like(weight) for kind in TRACKED}

    def _add(self, kind: str, sector: str, amount: float) -> None:
        if not np.isfinite(amount):
            raise LedgerError(f"year {self.year}: flow '{kind}' for {sector} is not finite ({amount})")
        self._flows[(kind, sector)] += amount

    def pay(self, kind: str, source: str, destination: str, amount, *, policy: str | None = None) -> None:
        """Record that ``source`` pays ``destination`` ``amount`` USD. Either side may be
        :data:`HOUSEHOLDS` with a per-adult array, which is weighted and split by wealth group."""
        if policy:
            self._policy_of[kind] = policy
        for sector, sign in ((source, -1.0), (destination, 1.0)):
            if sector == HOUSEHOLDS:
                per_adult = np.broadcast_to(np.asarray(amount, dtype=float), self._weight.shape)
                if kind.endswith("(in kind)"):
                    self.household_in_kind += sign * per_adult
                else:
                    self.household_cash += sign * per_adult
                if kind in self.tracked:
                    self.tracked[kind] -= sign * per_adult
                totals = np.bincount(self._group, weights=self._weight * per_adult, minlength=len(HOUSEHOLD_GROUPS))
                for name, total in zip(HOUSEHOLD_GROUPS, totals, strict=True):
                    self._add(kind, name, sign * float(total))
            else:
                total = float(np.dot(self._weight, amount)) if np.ndim(amount) else float(amount)
                self._add(kind, sector, sign * total)
        if HOUSEHOLDS not in (source, destination) and np.ndim(amount):
            raise LedgerError(f"year {self.year}: flow '{kind}' between sectors must be a number")

    def matrix(self) -> pd.DataFrame:
        """Rows: kinds of flow; columns: sectors; + received, − paid."""
        frame = pd.Series(self._flows).unstack(fill_value=0.0) if self._flows else pd.DataFrame()
        return frame.reindex(columns=list(SECTORS), fill_value=0.0)

    def column(self, sector: str) -> float:
        if sector == HOUSEHOLDS:
            return sum(self.column(s) for s in HOUSEHOLD_GROUPS)
        return float(sum(v for (kind, s), v in self._flows.items() if s == sector))

    def check_rows(self) -> None:
        """Every kind of flow sums to zero across sectors."""
        frame = self.matrix()
        if frame.empty:
            return
        scale = np.maximum(frame.abs().max(axis=1), 1.0)
        gap = (frame.sum(axis=1) / scale).abs()
        bad = gap[gap > LEDGER_RTOL]
        if not bad.empty:
            kind = str(bad.index[0])
            policy = self._policy_of.get(kind)
            who = f" (policy {policy})" if policy else ""
            raise LedgerError(f"year {self.year}: flow '{kind}'{who} does not sum to zero across sectors")

    def check_sector(self, sector: str, balance_sheet_change: float, scale: float) -> float:
        """Compare a sector's column with the change in its balance sheet; returns the relative gap."""
        column = self.column(sector)
        gap = abs(column - balance_sheet_change) / max(abs(scale), abs(column), 1.0)
        if gap > LEDGER_RTOL:
            policies = sorted(set(self._policy_of.values()))
            who = f" (policies in force: {', '.join(policies)})" if policies else ""
            raise LedgerError(
                f"year {self.year}: {sector} received {column:,.6g} net in the ledger but its balance sheet "
                f"changed by {balance_sheet_change:,.6g}{who}")
        return gap
