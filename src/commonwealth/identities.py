"""The one-economy identities the engine checks every year, at the boundaries of its blocks.

Each check records the relative gap of an identity in the year's audit (``Audit``: name → gap) and
raises :class:`IdentityError`, naming the year, if the gap exceeds :data:`IDENTITY_RTOL`. A failure is
a bug, never a rounding issue to hide. The ledger's own row check (every flow sums to zero across
sectors) is :meth:`commonwealth.policy.ledger.Ledger.check_rows`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from commonwealth.errors import ModelError

if TYPE_CHECKING:
    from commonwealth.assets import Firms

#: Relative tolerance of the yearly accounting identities (floating-point sums over records).
IDENTITY_RTOL = 1e-9
#: How far from 1 a firm's ownership fractions may sum (absolute).
OWNERSHIP_ATOL = 1e-12

#: Relative gaps of the identities checked in one year, by name.
Audit = dict[str, float]


class IdentityError(ModelError):
    """An accounting identity failed: a bug, never a rounding issue to hide."""


def check(audit: Audit, name: str, lhs: float, rhs: float, year: int, scale: float = 1.0) -> None:
    """Record the relative gap of an identity and raise if it exceeds the tolerance. ``scale`` is the
    size of the quantities involved (for flows that may legitimately be zero)."""
    gap = abs(lhs - rhs) / max(abs(lhs), abs(rhs), scale, 1.0)
    audit[name] = gap
    if gap > IDENTITY_RTOL:
        raise IdentityError(f"year {year}: {name} fails: {lhs:,.6g} vs {rhs:,.6g} (relative gap {gap:.2e})")


def check_ownership_rows(firms: Firms, year: int) -> None:
    """Every firm's owners (index, concentrated, foreign, fund, public) hold fractions summing to 1."""
    if not _owned_once(firms.own_index, firms.own_concentrated, firms.own_foreign, firms.own_fund, firms.own_public,
                       OWNERSHIP_ATOL):
        total = firms.ownership_total
        worst = int(np.argmax(np.abs(total - 1)))
        raise IdentityError(f"year {year}: ownership of firm {worst} sums to {total[worst]!r}, not 1")


@njit(cache=True)
def _owned_once(index, concentrated, foreign, fund, public, atol):
    """``np.allclose(Firms.ownership_total, 1.0, rtol=0, atol=atol)`` in one pass, without temporaries: the
    same sum, in the same order, for every firm, and a NaN or infinite total fails."""
    for i in range(index.size):
        total = index[i] + concentrated[i] + foreign[i] + fund[i] + public[i]
        if not abs(total - 1.0) <= atol:
            return False
    return True


# --- named identities, in the order the year checks them -------------------------------------------

def equity_book(audit: Audit, year: int, book_total: float, firm_books: float) -> None:
    """Markets: the equity book the balance sheets imply equals the sum of firms' book capital."""
    check(audit, "equity book = Σ firm book capital", book_total, firm_books, year)


def labour_income(audit: Audit, year: int, households: float, production: float) -> None:
    """Primary incomes: households' labour income is the wage bill of production."""
    check(audit, "Σ labour income = w·L", households, production, year)


def capital_income(audit: Audit, year: int, holders: float, production: float) -> None:
    """Primary incomes: what every holder of capital earns, with firm payments, is r·K plus the safe
    rate on public debt plus land rent (bonds earn r_safe; the premium on bond-financed capital goes to
    equity: docs/model/government-and-rates.md). Land rent is paid once, per unit of land, to households,
    to firms (inside firm income; the property tax on it is a firm payment) and to the government."""
    check(audit, "capital income of all holders + firm payments = r·K + r_safe·(public debt) + land rent", holders,
          production, year)


def in_kind(audit: Audit, year: int, households: float, ledger: float, scale: float) -> None:
    """Corporate actions: the value households gained in shares is what the ledger's in-kind rows say."""
    check(audit, "Σ in-kind share flows to households = ledger", households, ledger, year, scale=scale)


def household_wealth(audit: Audit, year: int, end: float, flows: float) -> None:
    """Ageing: households' end wealth is start wealth plus saving, revaluation and in-kind flows,
    less estate tax."""
    check(audit, "Σ end wealth = Σ (start + saving + revaluation + in kind − estate tax)", end, flows, year)


def household_cash(audit: Audit, year: int, ledger: float, budget: float, scale: float) -> None:
    """Ageing: households' cash in the ledger is their saving less estate tax."""
    check(audit, "households' cash in the ledger = Σ (saving − estate tax)", ledger, budget, year, scale=scale)


def fund_books(audit: Audit, year: int, sector: str, ledger: float, books: float, scale: float) -> None:
    """Accumulation: a fund's ledger column is the change in its cash and stake (no revaluation)."""
    check(audit, f"{sector.replace('_', ' ')} books: ledger = Δcash + Δstake (no revaluation)", ledger, books,
          year, scale=scale)


def balance_sheets(audit: Audit, year: int, capital: float, claims: float) -> None:
    """Accumulation: the capital stock is held through every balance sheet."""
    check(audit, "K = structures + net bonds + funds − public debt + Σ firm book capital (balance sheets)",
          capital, claims, year)
