"""Selling the shares received: recipients of the Fund's index units consume part of them.

The American Equity Fund hands every adult citizen index units each year
(:meth:`~commonwealth.policy.equity_fund.AmericanEquityFund._distribute_shares`); without this block nobody
ever sells them. Here each adult sells, per year, at the end-of-year index price p (USD per unit):

    sale_i = p · min( m₁ · N_i + m_s · H_i ,  max(E_i − ℓ_i, 0) )                        (USD per adult)

* N_i — *newly sellable* received units: units received and never yet sellable that are no longer
  locked, N_i = max(U_i − ℓ_i, 0), with U_i the received units never yet sellable and ℓ_i the units the
  Fund still locks (``lockup_years``, :meth:`AmericanEquityFund.locked_units`). They are sold at the
  windfall MPC m₁ = ``portfolios.windfall_mpc`` (0.5; Fagereng, Holm & Natvik 2021, AEJ:Macro, year of a
  lottery win). A lock-up delays the first sellable year: **unlocking is the windfall** — the units become
  spendable for the first time, as a prize does when paid; a locked unit is illiquid wealth, and FHN's
  MPC is high exactly because households lack liquid wealth. So lock-ups do not change *how much* of a
  tranche meets m₁, but *when* (after L years of retained earnings and dilution) and they shield the
  tranche from the stock MPC meanwhile; heirs hold what they inherit as their own wealth.
* H_i — received units still held that were sellable in an earlier year, sold at the stock-wealth MPC
  m_s = ``portfolios.stock_mpc`` (0.032 a year; Chodorow-Reich, Nenov & Simsek 2021, AER).
* E_i — the index units held after the year's saving (:func:`commonwealth.households.settle`); a household
  never sells locked units (E_i − ℓ_i caps the sale), nor units it does not hold: no short sales and no
  borrowing against future distributions (the Fund's "no pledging" rule holds by construction).

Timing: the Fund distributes after consumption (corporate actions), so the shares received at the end of
year s are first sold in year s + 1 + L. The proceeds are consumption; saving falls by the same amount and
the index holding by sale/p units (households' flows: consumption +sale, saving −sale, index purchase
−sale). The sale goes to market with every household's index purchases: the engine sums them and
:meth:`commonwealth.markets.Market.issue_to_index` nets recipients' sales against savers' purchases —
savers buy the sold units at the market price — and the rest, if households sell on net, is bought back
by firms (their book falls: consumption displaces investment, as national saving requires); foreigners
keep their shares.

State per adult (struct of arrays, :class:`SharesReceived`): U (received, never sellable), H (received,
sellable before, still held), the units received in all and this year's sale. An heir (a record whose adult
died) starts from zero: the estate is the heir's ordinary wealth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from commonwealth.allocator import writable
from commonwealth.kernel_threads import record_kernel
from commonwealth.parameters import ParameterSet
from commonwealth.sums import dot, weighted_total


@dataclass(frozen=True)
class PortfolioParameters:
    """MPCs out of received shares: the year they first may be sold, and each later year."""

    windfall_mpc: float  # /1, first sellable year
    stock_mpc: float  # 1/year, units still held afterwards

    @classmethod
    def from_parameters(cls, params: ParameterSet, year: int) -> PortfolioParameters:
        return cls(windfall_mpc=float(params("portfolios.windfall_mpc", year)),
                   stock_mpc=float(params("portfolios.stock_mpc", year)))


@dataclass
class SharesReceived:
    """Per adult (one row per record): the received index units and what became of them."""

    unsellable: NDArray[np.float64]  # units received and never yet sellable (locked, or arrived last year)
    held: NDArray[np.float64]  # units received, sellable in an earlier year, still held
    received: NDArray[np.float64]  # units received in all (since the record's adult entered)
    sold: NDArray[np.float64]  # USD sold this year

    @classmethod
    def empty(cls, n: int) -> SharesReceived:
        return cls(*(np.zeros(n) for _ in range(4)))

    def receive(self, units: NDArray[np.float64]) -> None:
        """Index units distributed this year (per adult): not sellable before next year."""
        _receive(self.unsellable, self.received, np.asarray(units, dtype=np.float64))

    def forget(self, dies: NDArray[np.bool_]) -> None:
        """Heirs start with nothing received: what they inherit is their own wealth."""
        _forget(dies, self.unsellable, self.held, self.received)

    def still_held(self) -> NDArray[np.float64]:
        """Received units still held (sellable or not)."""
        return self.unsellable + self.held


def sell_received(state: SharesReceived, equity_index: NDArray[np.float64], locked: NDArray | float,
                  price: float, params: PortfolioParameters) -> NDArray[np.float64]:
    """This year's sales of received units (USD per adult, see the module docstring); updates ``state``
    and ``equity_index`` (units sold leave the holding)."""
    locked_units = np.broadcast_to(np.asarray(locked, dtype=np.float64), equity_index.shape)
    sold = writable(state.sold, equity_index.shape)  # last year's, written over
    _sell(state.unsellable, state.held, equity_index, locked_units, price, params.windfall_mpc, params.stock_mpc, sold)
    state.sold = sold
    return state.sold


@record_kernel
def _sell(unsellable, held, equity_index, locked, price, windfall_mpc, stock_mpc, sold):
    """sale = p·min(m₁·max(U − ℓ, 0) + m_s·H, max(E − ℓ, 0)), into ``sold``; U, H and E updated in place."""
    n = equity_index.size
    for i in prange(n):
        newly = unsellable[i] - locked[i]
        if newly < 0.0:
            newly = 0.0
        sellable = equity_index[i] - locked[i]
        if sellable < 0.0:
            sellable = 0.0
        units = windfall_mpc * newly + stock_mpc * held[i]
        if units > sellable:
            units = sellable
        remaining = held[i] + newly - units
        if remaining > sellable - units:  # the saving rule sold some received units already
            remaining = sellable - units
        held[i] = remaining if remaining > 0.0 else 0.0
        unsellable[i] -= newly
        equity_index[i] -= units
        sold[i] = units * price


def received_metrics(state: SharesReceived, weight: NDArray[np.float64], wealth_rank: NDArray[np.float64],
                     price: float, cpi: float) -> dict[str, float]:
    """Sales per adult (all adults; the poorer half by wealth), real; the share of received units still held."""
    total = float(weight.sum())
    bottom = _poorer_half(weight, wealth_rank)
    received = float(dot(weight, state.received))
    held = weighted_total(weight, state.unsellable, state.held)  # dot(weight, still_held())
    return {
        "received_shares_sold_per_adult": float(dot(weight, state.sold)) / total / cpi,
        "received_shares_sold_per_adult_bottom50": float(dot(bottom, state.sold)) / max(float(bottom.sum()), 1e-300)
        / cpi,
        "received_shares_held_per_adult": held * price / total / cpi,
        "received_shares_held_share": held / received if received > 0 else 0.0,
    }


@njit(cache=True)
def _receive(unsellable: NDArray[np.float64], received: NDArray[np.float64], units: NDArray[np.float64]) -> None:
    """U += units, received += units, in one pass."""
    for i in range(units.size):
        unsellable[i] += units[i]
        received[i] += units[i]


@njit(cache=True)
def _forget(dies: NDArray[np.bool_], unsellable: NDArray[np.float64], held: NDArray[np.float64],
            received: NDArray[np.float64]) -> None:
    """U, H and received set to 0 where ``dies``, in one pass."""
    for i in range(dies.size):
        if dies[i]:
            unsellable[i] = 0.0
            held[i] = 0.0
            received[i] = 0.0


@njit(cache=True)
def _poorer_half(weight: NDArray[np.float64], wealth_rank: NDArray[np.float64]) -> NDArray[np.float64]:
    """``weight * (wealth_rank < 0.5)``: the weights of the poorer half, 0 (or −0) for the others."""
    out = np.empty(weight.size)
    for i in range(weight.size):
        out[i] = weight[i] * (1.0 if wealth_rank[i] < 0.5 else 0.0)
    return out
