"""The wealth the base year must reproduce: DFA group balance sheets and the Forbes billionaires.

* :func:`dfa_wealth_targets`: the Fed's Distributional Financial Accounts (DFA) for 2025:Q4, group
  by group (top 0.1%, 99–99.9, 90–99, 50–90, bottom 50), mapped to the model's asset classes.
* :func:`billionaire_fortunes`: every US billionaire's fortune, the 15 largest named (Forbes 400,
  Sept 2025), the others a truncated Pareto law calibrated to the Forbes count and total.
* :func:`top_tail_alpha`: the Pareto tail index implied by the DFA top shares.

The population builder (:mod:`commonwealth.population_builder`) and the firm universe
(:mod:`commonwealth.assets`) both build on these; the mapping is documented in
``docs/model/population-and-assets.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import brentq

from commonwealth import pareto
from commonwealth.parameters import ParameterSet
from commonwealth.sources import MILLION, table

__all__ = [
    "DFA_GROUPS",
    "DFA_QUARTER",
    "Z1_EQUITY_QUARTER",
    "Billionaires",
    "WealthTargets",
    "billionaire_fortunes",
    "calibration_year",
    "dfa_wealth_targets",
    "pension_equity_share",
    "top_tail_alpha",
]

#: DFA group labels, top first, matching the DFA strata of ``population.STRATA``.
DFA_GROUPS = ("TopPt1", "RemainingTop1", "Next9", "Next40", "Bottom50")
#: The DFA quarter the base population reproduces.
DFA_QUARTER = "2025Q4"
#: The quarter of the Z.1 direct-and-indirect equity figure used to split pensions.
Z1_EQUITY_QUARTER = "2025Q3"


def calibration_year(params: ParameterSet) -> int:
    """The year whose parameter values the base year is calibrated to (``population.calibration_year``)."""
    return int(params("population.calibration_year"))


# --------------------------------------------------------------------------------------------------
# DFA balance sheets mapped to model asset classes
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WealthTargets:
    """DFA group balance sheets mapped to model classes (USD totals per group, top group first)."""

    groups: tuple[str, ...]
    pct_lo: NDArray[np.float64]  # lower population percentile of the group (fraction)
    pct_hi: NDArray[np.float64]
    classes: Mapping[str, NDArray[np.float64]]  # model class -> USD per group (read-only)
    net_worth: NDArray[np.float64]  # USD per group (DFA net worth)
    real_estate: NDArray[np.float64]
    #: DFA corporate equities and mutual funds plus the equity part of pensions, USD per group.
    corporate_equity: NDArray[np.float64]

    @property
    def total_net_worth(self) -> float:
        return float(self.net_worth.sum())


@cache
def _dfa(quarter: str) -> pd.DataFrame:
    """The DFA groups' balance sheets in ``quarter``, millions of USD, one row a group; selected once (every
    simulation's base market reads it) and shared: callers must not change it, as :func:`sources.table`'s."""
    levels = table("dfa_networth_levels_2025.csv")
    rows = levels[levels["quarter"] == quarter].set_index("group").loc[list(DFA_GROUPS)]
    if len(rows) != len(DFA_GROUPS):
        raise RuntimeError(f"DFA data for {quarter} is incomplete")
    return rows


def pension_equity_share(params: ParameterSet) -> float:
    """Share of DFA pension entitlements (DC + DB) treated as index equity [derived].

    Chosen so that, in 2025:Q3, DFA "corporate equities and mutual fund shares" plus this share of
    pensions equals Z.1's household corporate equities held directly and indirectly
    (``assets.corporate_equities_direct_indirect``). Both series are Fed, same quarter.
    """
    return _pension_equity_share(float(params("assets.corporate_equities_direct_indirect", calibration_year(params))))


def _pension_equity_share(z1: float) -> float:
    """:func:`pension_equity_share` given Z.1's direct-and-indirect equity ``z1`` (USD)."""
    dfa = _dfa(Z1_EQUITY_QUARTER)
    direct = dfa["corporate_equities_and_mutual_fund_shares"].sum() * MILLION
    pensions = (dfa["dc_pension_entitlements"] + dfa["db_pension_entitlements"]).sum() * MILLION
    share = (z1 - direct) / pensions
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"derived pension equity share {share:.3f} is outside [0, 1]")
    return float(share)


def dfa_wealth_targets(params: ParameterSet) -> WealthTargets:
    """DFA 2025:Q4 group balance sheets in model classes (the mapping is documented in the docs).

    * real estate → ``housing_land`` (share ``assets.housing_land_share``) + ``housing_structure``
    * consumer durables → ``durables``
    * corporate equities & mutual funds + pension share φ of DC and DB entitlements → corporate
      equity (``equity_index``, or the founders' ``equity_concentrated`` for billionaires)
    * miscellaneous other equity (private noncorporate business) → ``other_land`` (share
      ``assets.private_business_land_share``) + ``business_equity`` (concentrated stake in a
      noncorporate-business firm row)
    * deposits, money-market funds, debt securities, loans held, (1 − φ) of pensions, life insurance
      reserves, annuities, miscellaneous assets → ``bonds``
    * all liabilities → ``debt``

    The result depends on three parameters' values at the calibration year (the DFA quarter is fixed) and is
    computed once for each set of them (every simulation's base market asks for it, 1.5 ms in pandas a
    time); its arrays are read-only.
    """
    year = calibration_year(params)
    return _wealth_targets(float(params("assets.corporate_equities_direct_indirect", year)),
                           float(params("assets.housing_land_share", year)),
                           float(params("assets.private_business_land_share", year)))


#: Sets of parameter values whose targets are kept (a sweep varies them; each entry is a few hundred bytes).
_TARGETS_KEPT = 64


@lru_cache(maxsize=_TARGETS_KEPT)
def _wealth_targets(z1: float, land_share: float, business_land: float) -> WealthTargets:
    """:func:`dfa_wealth_targets` given Z.1's direct-and-indirect equity (USD) and the land shares of real estate
    and of private business equity."""
    dfa = _dfa(DFA_QUARTER)
    phi = _pension_equity_share(z1)

    def col(name: str) -> NDArray[np.float64]:
        return dfa[name].to_numpy(dtype=np.float64) * MILLION

    pensions = col("dc_pension_entitlements") + col("db_pension_entitlements")
    real_estate = col("real_estate")
    business = col("miscellaneous_other_equity")
    corporate = col("corporate_equities_and_mutual_fund_shares") + phi * pensions
    classes = {
        "housing_land": land_share * real_estate,
        "housing_structure": (1.0 - land_share) * real_estate,
        "durables": col("consumer_durables"),
        "equity_corporate": corporate,
        "business_equity": (1.0 - business_land) * business,
        "other_land": business_land * business,
        "bonds": col("deposits")
        + col("money_market_fund_shares")
        + col("debt_securities")
        + col("loans_assets")
        + (1.0 - phi) * pensions
        + col("life_insurance_reserves")
        + col("annuities")
        + col("miscellaneous_assets"),
        "debt": col("liabilities"),
    }
    net_worth = col("net_worth")
    mapped = sum(v for k, v in classes.items() if k != "debt") - classes["debt"]
    if not np.allclose(mapped, net_worth, rtol=1e-6):
        raise RuntimeError("DFA asset columns do not add up to DFA net worth")
    # The published columns are rounded to $1 M each; the residual (a few $M per group) goes to
    # bonds so that the classes add up to the published net worth exactly.
    classes["bonds"] = classes["bonds"] + (net_worth - mapped)
    targets = WealthTargets(
        groups=DFA_GROUPS,
        pct_lo=dfa["pct_lo"].to_numpy(dtype=np.float64),
        pct_hi=dfa["pct_hi"].to_numpy(dtype=np.float64),
        classes=MappingProxyType(classes),
        net_worth=net_worth,
        real_estate=real_estate,
        corporate_equity=corporate,
    )
    for array in (targets.pct_lo, targets.pct_hi, targets.net_worth, targets.real_estate, targets.corporate_equity,
                  *classes.values()):
        array.flags.writeable = False  # shared by every caller with these parameters
    return targets


def top_tail_alpha(targets: WealthTargets) -> float:
    """Pareto tail index implied by the DFA top-0.1% and top-1% net-worth shares [derived].

    For a Pareto tail, top share S(p) ∝ p^(1 − 1/α), so S(0.1%)/S(1%) = (0.1)^(1 − 1/α).
    """
    top, second = targets.net_worth[0], targets.net_worth[1]
    p_top = 1.0 - targets.pct_lo[0]
    p_top1 = 1.0 - targets.pct_lo[1]
    exponent = math.log(top / (top + second)) / math.log(p_top / p_top1)
    return 1.0 / (1.0 - exponent)


# --------------------------------------------------------------------------------------------------
# Billionaires (Forbes)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Billionaires:
    """Fortunes (USD, named first in Forbes rank order, then the others ascending)."""

    fortune: NDArray[np.float64]
    named_firm: tuple[str, ...]  # firm of each named fortune
    n_named: int
    alpha: float  # tail index of the unnamed billionaires


def billionaire_fortunes(params: ParameterSet) -> Billionaires:
    """Every US billionaire's fortune: the named Forbes 400 top 15, then a truncated Pareto law.

    The unnamed billionaires fill ``population.billionaire_count`` − 15 equal-probability cells of a
    Pareto law between ``population.billionaire_threshold`` and the smallest named fortune, whose
    tail index is solved so that all fortunes add up to ``population.billionaire_wealth``.
    """
    year = calibration_year(params)
    named = table("forbes_top_fortunes_2025.csv").sort_values("rank")
    named_fortune = named["net_worth_usd"].to_numpy(dtype=np.float64)
    count = int(params("population.billionaire_count", year))
    wealth = float(params("population.billionaire_wealth", year))
    threshold = float(params("population.billionaire_threshold", year))
    n_other = count - named_fortune.size
    if n_other < 1:
        raise ValueError("population.billionaire_count must exceed the number of named fortunes")
    hi = float(named_fortune.min())
    mean = (wealth - named_fortune.sum()) / n_other
    if not threshold < mean < hi:
        raise ValueError(
            f"unnamed billionaires would average ${mean / 1e9:.2f} bn, outside "
            f"[${threshold / 1e9:.2f} bn, ${hi / 1e9:.0f} bn]: check population.billionaire_wealth"
        )
    alpha = brentq(lambda a: pareto.truncated_mean(threshold, hi, a) - mean, 1e-3, 50.0, xtol=1e-14)
    other = pareto.cell_means(threshold, hi, alpha, n_other)
    return Billionaires(
        fortune=np.concatenate([named_fortune, other]),
        named_firm=tuple(named["firm"]),
        n_named=int(named_fortune.size),
        alpha=float(alpha),
    )
