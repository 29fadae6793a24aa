"""The base-year synthetic population: who each US adult is and what they own at the end of 2025.

A :class:`Population` is a struct of arrays with one row per record; a record stands for ``weight``
adults who share its attributes (wealth amounts are per adult of the record, in USD). It is built by
:func:`build_population` from shipped, sourced data (``commonwealth/data``, see ``SOURCES.md``) and
parameters (``parameters/population`` and ``parameters/assets``). Design, sources and the achieved
fit are documented in ``docs/model/population-and-assets.md``. In outline:

* **Wealth** follows the Fed's Distributional Financial Accounts (DFA) for 2025:Q4. The DFA groups
  households (top 0.1%, 99–99.9, 90–99, 50–90, bottom 50); we apply the same group shares to adults
  (the unit is the adult; see the docs). Inside each group, net worth follows a Pareto law between
  group cut-offs that are solved so that every group total is exact. The bottom 50% follows a power
  law from zero. Records are *strata cells*: each record holds the exact conditional mean of its
  quantile cell, so group totals and top shares are exact at any sample size.
* **Billionaires** are weight-1 records. The 15 largest fortunes are named (Forbes 400, Sept 2025)
  and hold stakes in the firms they built; the other billionaires follow a truncated Pareto law
  calibrated to the Forbes count and total (March 2025).
* **Portfolios** map the DFA asset classes to the model classes group by group (see
  :func:`dfa_wealth_targets`).
* **Age, employment, earnings, occupation and citizenship** come from Gaussian copulas on the
  wealth rank (ages and wages), exact systematic selection (employment by age band, citizenship),
  OEWS wage percentiles and occupation-group wage distributions.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import brentq
from scipy.special import ndtr, ndtri

from commonwealth import assets
from commonwealth.distribution import (
    count_above,
    mid_rank,
    share_between,
    weighted_quantile,
)
from commonwealth.parameters import ParameterSet

__all__ = [
    "DEFAULT_SIZE",
    "OCCUPATION_NONE",
    "STRATA",
    "Billionaires",
    "Population",
    "Target",
    "WealthTargets",
    "billionaire_fortunes",
    "build_population",
    "calibration_targets",
    "dfa_wealth_targets",
    "occupation_exposure",
    "occupation_table",
    "pension_equity_share",
]

#: Default number of records.
DEFAULT_SIZE = 100_000
#: Occupation code of a record with no occupation group (never used at base: everyone has a usual
#: occupation; see :func:`build_population`).
OCCUPATION_NONE = -1
#: Stratum codes (``Population.stratum``): named fortunes, other billionaires, then the DFA groups.
STRATA = ("named_fortune", "billionaire", "top0_1", "p99_99_9", "p90_99", "p50_90", "bottom50")
_NAMED, _BILLIONAIRE = 0, 1
#: DFA group labels, top first, matching strata 2..6.
DFA_GROUPS = ("TopPt1", "RemainingTop1", "Next9", "Next40", "Bottom50")
_FIRST_DFA_STRATUM = 2
#: The DFA quarter the base population reproduces.
DFA_QUARTER = "2025Q4"
#: The quarter of the Z.1 direct-and-indirect equity figure used to split pensions.
Z1_EQUITY_QUARTER = "2025Q3"
#: DFA tables are in millions of dollars.
_MILLION = 1e6
#: Fewest records allowed in a DFA wealth stratum (smaller populations are refused).
_MIN_RECORDS_PER_STRATUM = 10
#: Number of log-wage bins used to assign occupation groups.
_OCCUPATION_BINS = 200
#: Raking of occupation shares: at most this many steps, stopping when every share is this close.
_RAKING_STEPS = 500
_RAKING_TOLERANCE = 1e-9
#: Quartiles of the standard normal (±0.6745) span the interquartile range: σ = ln(P75/P25) / 1.349.
_NORMAL_IQR = float(ndtri(0.75) - ndtri(0.25))

_DATA = resources.files("commonwealth") / "data"


# --------------------------------------------------------------------------------------------------
# The population struct
# --------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Population:
    """One row per record; each record stands for ``weight`` adults with identical attributes.

    Wealth fields are USD per adult of the record (multiply by ``weight`` for the record's total).
    ``debt`` is a positive number. ``stake_firm`` indexes the :class:`commonwealth.assets.Firms` the
    population was built with (−1 for no stake); a record holds at most one concentrated stake.
    """

    weight: NDArray[np.float64]  # adults the record stands for
    age: NDArray[np.int16]  # years
    citizen: NDArray[np.bool_]
    occupation: NDArray[np.int8]  # index into occupation_table()
    efficiency: NDArray[np.float64]  # wage in efficiency units; weighted mean 1 over the employed
    employed: NDArray[np.bool_]
    equity_index: NDArray[np.float64]  # pro-rata claim on every corporation's free float (USD)
    equity_concentrated: NDArray[np.float64]  # stake in the firm stake_firm (USD)
    stake_firm: NDArray[np.int32]  # firm id, −1 when none
    housing_land: NDArray[np.float64]  # land under owner-occupied housing (USD)
    housing_structure: NDArray[np.float64]  # owner-occupied housing structures (USD)
    other_land: NDArray[np.float64]  # land held through private (noncorporate) business (USD)
    bonds: NDArray[np.float64]  # deposits, bonds, loans, fixed-income pensions, insurance (USD)
    durables: NDArray[np.float64]  # consumer durables (USD), in Z.1/DFA net worth
    debt: NDArray[np.float64]  # mortgages, consumer credit, other liabilities (USD, positive)
    stratum: NDArray[np.int8]  # index into STRATA

    @property
    def size(self) -> int:
        """Number of records."""
        return int(self.weight.size)

    @property
    def gross_assets(self) -> NDArray[np.float64]:
        """Gross assets per adult (USD)."""
        return (
            self.equity_index
            + self.equity_concentrated
            + self.housing_land
            + self.housing_structure
            + self.other_land
            + self.bonds
            + self.durables
        )

    @property
    def net_worth(self) -> NDArray[np.float64]:
        """Net worth per adult (USD): gross assets minus debt."""
        return self.gross_assets - self.debt

    @property
    def real_estate(self) -> NDArray[np.float64]:
        """Owner-occupied housing (land plus structure) per adult (USD)."""
        return self.housing_land + self.housing_structure

    def total(self, values: NDArray[np.float64] | str) -> float:
        """Weighted total over all adults of a per-adult field (given by name) or array."""
        array = getattr(self, values) if isinstance(values, str) else values
        return float(np.dot(self.weight, array))

    def validate(self) -> None:
        """Raise ``ValueError`` if the arrays are inconsistent (lengths, signs, stake ids)."""
        n = self.size
        for field in fields(self):
            array = getattr(self, field.name)
            if array.shape != (n,):
                raise ValueError(
                    f"Population.{field.name} has shape {array.shape}, expected ({n},)"
                )
        if np.any(self.weight <= 0):
            raise ValueError("Population.weight must be positive")
        for name in (
            "equity_index",
            "equity_concentrated",
            "housing_land",
            "housing_structure",
            "other_land",
            "bonds",
            "durables",
            "debt",
            "efficiency",
        ):
            if np.any(getattr(self, name) < 0):
                raise ValueError(f"Population.{name} must be non-negative")
        if np.any((self.stake_firm < 0) & (self.equity_concentrated > 0)):
            raise ValueError("a record holds concentrated equity but names no firm (stake_firm −1)")


# --------------------------------------------------------------------------------------------------
# Shipped data
# --------------------------------------------------------------------------------------------------


@cache
def _csv(name: str) -> pd.DataFrame:
    with resources.as_file(_DATA / name) as path:
        return pd.read_csv(path)


def occupation_table() -> pd.DataFrame:
    """Occupation groups (SOC major groups) with OEWS May 2021 employment and wage percentiles and
    Eloundou et al. AI exposure β (human- and GPT-4-rated). ``code`` is ``Population.occupation``;
    ``ai_exposure`` is the human-rated β (share of tasks exposed, E1 + ½E2)."""
    table = _csv("occupation_groups.csv").copy()
    table["ai_exposure"] = table["beta_human"]
    return table


def occupation_exposure(occupation: NDArray[np.integer]) -> NDArray[np.float64]:
    """AI exposure β of each record's occupation group (0 for ``OCCUPATION_NONE``)."""
    beta = occupation_table()["ai_exposure"].to_numpy(dtype=np.float64)
    occupation = np.asarray(occupation)
    return np.where(occupation >= 0, beta[np.clip(occupation, 0, None)], 0.0)


# --------------------------------------------------------------------------------------------------
# DFA balance sheets mapped to model asset classes
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WealthTargets:
    """DFA group balance sheets mapped to model classes (USD totals per group, top group first)."""

    groups: tuple[str, ...]
    pct_lo: NDArray[np.float64]  # lower population percentile of the group (fraction)
    pct_hi: NDArray[np.float64]
    classes: dict[str, NDArray[np.float64]]  # model class -> USD per group
    net_worth: NDArray[np.float64]  # USD per group (DFA net worth)
    real_estate: NDArray[np.float64]
    #: DFA corporate equities and mutual funds plus the equity part of pensions, USD per group.
    corporate_equity: NDArray[np.float64]

    @property
    def total_net_worth(self) -> float:
        return float(self.net_worth.sum())


def _dfa(quarter: str) -> pd.DataFrame:
    table = _csv("dfa_networth_levels_2025.csv")
    rows = table[table["quarter"] == quarter].set_index("group").loc[list(DFA_GROUPS)]
    if len(rows) != len(DFA_GROUPS):
        raise RuntimeError(f"DFA data for {quarter} is incomplete")
    return rows


def pension_equity_share(params: ParameterSet) -> float:
    """Share of DFA pension entitlements (DC + DB) treated as index equity [derived].

    Chosen so that, in 2025:Q3, DFA "corporate equities and mutual fund shares" plus this share of
    pensions equals Z.1's household corporate equities held directly and indirectly
    (``assets.corporate_equities_direct_indirect``). Both series are Fed, same quarter.
    """
    dfa = _dfa(Z1_EQUITY_QUARTER)
    direct = dfa["corporate_equities_and_mutual_fund_shares"].sum() * _MILLION
    pensions = (dfa["dc_pension_entitlements"] + dfa["db_pension_entitlements"]).sum() * _MILLION
    z1 = float(params("assets.corporate_equities_direct_indirect", _year(params)))
    share = (z1 - direct) / pensions
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"derived pension equity share {share:.3f} is outside [0, 1]")
    return float(share)


def _year(params: ParameterSet) -> int:
    return int(params("population.calibration_year"))


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
    """
    year = _year(params)
    dfa = _dfa(DFA_QUARTER)
    phi = pension_equity_share(params)
    land_share = float(params("assets.housing_land_share", year))
    business_land = float(params("assets.private_business_land_share", year))

    def col(name: str) -> NDArray[np.float64]:
        return dfa[name].to_numpy(dtype=np.float64) * _MILLION

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
    return WealthTargets(
        groups=DFA_GROUPS,
        pct_lo=dfa["pct_lo"].to_numpy(dtype=np.float64),
        pct_hi=dfa["pct_hi"].to_numpy(dtype=np.float64),
        classes=classes,
        net_worth=net_worth,
        real_estate=real_estate,
        corporate_equity=corporate,
    )


# --------------------------------------------------------------------------------------------------
# Wealth distributions inside strata (exact cell means)
# --------------------------------------------------------------------------------------------------


def _pareto_integral(lo: float, hi: float, alpha: float, u0: NDArray, u1: NDArray) -> NDArray:
    """∫_{u0}^{u1} Q(u) du for the Pareto law truncated to [lo, hi] with tail index α.

    Q(u) = lo·(1 − a·u)^(−1/α) with a = 1 − ρ, ρ = (lo/hi)^α, u ∈ [0, 1]. The base 1 − a·u is
    computed as (1 − u) + ρ·u in logs, which stays accurate when ρ underflows.
    """
    log_rho = alpha * math.log(lo / hi)
    a = -math.expm1(log_rho)

    def log_base(u: NDArray) -> NDArray:
        u = np.asarray(u, dtype=np.float64)
        with np.errstate(divide="ignore"):
            return np.logaddexp(np.log1p(-u), log_rho + np.log(u))

    e = 1.0 - 1.0 / alpha
    if abs(e) < 1e-9:  # α = 1: ∫ (1 − a u)^−1 du = −ln(1 − a u)/a
        return lo * (log_base(u0) - log_base(u1)) / a
    return lo * (np.exp(e * log_base(u0)) - np.exp(e * log_base(u1))) / (a * e)


def _pareto_mean(lo: float, hi: float, alpha: float) -> float:
    return float(_pareto_integral(lo, hi, alpha, np.array(0.0), np.array(1.0)))


def _pareto_cells(lo: float, hi: float, alpha: float, n: int) -> NDArray[np.float64]:
    """Conditional means of n equal-probability cells of the truncated Pareto law, ascending.

    Each lies inside its cell's quantile range, so cells never overlap neighbouring strata, and
    their average equals the law's mean exactly.
    """
    edges = np.linspace(0.0, 1.0, n + 1)
    means = _pareto_integral(lo, hi, alpha, edges[:-1], edges[1:]) * n
    return np.clip(means, lo, hi)


def _bracket_cutoff(mean: float, hi: float, population_ratio: float) -> tuple[float, float]:
    """Lower cut-off and tail index of a Pareto bracket [lo, hi] with the given mean.

    ``population_ratio`` is (share of adults above lo) / (share above hi), e.g. 10 for 99–99.9,
    which fixes α = ln(ratio) / ln(hi/lo). The bracket mean rises from 0 to hi as lo rises from 0 to
    hi, so the solution is unique.
    """
    if not 0.0 < mean < hi:
        raise ValueError(
            f"bracket mean {mean:.4g} must lie between 0 and its upper cut-off {hi:.4g}"
        )

    def alpha_of(log_gap: float) -> float:
        return math.log(population_ratio) / log_gap

    def gap(log_gap: float) -> float:
        lo = hi * math.exp(-log_gap)
        return _pareto_mean(lo, hi, alpha_of(log_gap)) - mean

    log_gap = brentq(gap, 1e-9, 60.0, xtol=1e-14, rtol=1e-14)
    return hi * math.exp(-log_gap), alpha_of(log_gap)


def _top_tail_alpha(targets: WealthTargets) -> float:
    """Pareto tail index implied by the DFA top-0.1% and top-1% net-worth shares [derived].

    For a Pareto tail, top share S(p) ∝ p^(1 − 1/α), so S(0.1%)/S(1%) = (0.1)^(1 − 1/α).
    """
    top, second = targets.net_worth[0], targets.net_worth[1]
    p_top = 1.0 - targets.pct_lo[0]
    p_top1 = 1.0 - targets.pct_lo[1]
    exponent = math.log(top / (top + second)) / math.log(p_top / p_top1)
    return 1.0 / (1.0 - exponent)


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
    year = _year(params)
    named = _csv("forbes_top_fortunes_2025.csv").sort_values("rank")
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
    alpha = brentq(lambda a: _pareto_mean(threshold, hi, a) - mean, 1e-3, 50.0, xtol=1e-14)
    other = _pareto_cells(threshold, hi, alpha, n_other)
    return Billionaires(
        fortune=np.concatenate([named_fortune, other]),
        named_firm=tuple(named["firm"]),
        n_named=int(named_fortune.size),
        alpha=float(alpha),
    )


@dataclass(frozen=True)
class _StratumPlan:
    """Records, weights and net-worth cells of every stratum, top first."""

    net_worth: list[NDArray[np.float64]]
    weight: list[NDArray[np.float64]]
    cutoffs: NDArray[np.float64]  # lower net-worth cut-offs of the DFA groups (bottom group: 0)
    top_alpha: float


def _stratum_record_counts(size: int, n_billionaires: int, shares: Sequence[float]) -> list[int]:
    rest = size - n_billionaires
    shares_array = np.asarray(shares, dtype=np.float64)
    if shares_array.size != len(DFA_GROUPS) or not np.isclose(shares_array.sum(), 1.0):
        raise ValueError("population.stratum_record_shares must be 5 numbers that sum to 1")
    counts = np.floor(shares_array * rest).astype(int)
    counts[-1] += rest - counts.sum()
    if counts.min() < _MIN_RECORDS_PER_STRATUM:
        minimum = n_billionaires + math.ceil(_MIN_RECORDS_PER_STRATUM / shares_array.min())
        raise ValueError(f"size {size} is too small: use at least {minimum} records")
    return [int(c) for c in counts]


def _plan_strata(
    size: int, params: ParameterSet, targets: WealthTargets, billionaires: Billionaires
) -> _StratumPlan:
    year = _year(params)
    adults = float(params("population.adults", year))
    threshold = float(params("population.billionaire_threshold", year))
    counts = _stratum_record_counts(
        size, billionaires.fortune.size, params("population.stratum_record_shares", year)
    )
    group_adults = (targets.pct_hi - targets.pct_lo) * adults
    group_adults[0] -= billionaires.fortune.size
    group_wealth = targets.net_worth.copy()
    group_wealth[0] -= billionaires.fortune.sum()
    means = group_wealth / group_adults
    if np.any(means <= 0):
        raise ValueError("a wealth group has non-positive net worth once billionaires are removed")

    alpha_top = _top_tail_alpha(targets)
    top_lo = brentq(
        lambda lo: _pareto_mean(lo, threshold, alpha_top) - means[0],
        1.0,
        threshold * (1 - 1e-12),
        xtol=1e-6,
        rtol=1e-14,
    )
    cells = [_pareto_cells(top_lo, threshold, alpha_top, counts[0])]
    cutoffs = [top_lo]
    hi = top_lo
    for g in range(1, len(DFA_GROUPS) - 1):
        above_lo = 1.0 - targets.pct_lo[g]
        above_hi = 1.0 - targets.pct_hi[g]
        lo, alpha = _bracket_cutoff(means[g], hi, above_lo / above_hi)
        cells.append(_pareto_cells(lo, hi, alpha, counts[g]))
        cutoffs.append(lo)
        hi = lo
    # Bottom 50%: Q(u) = c·u^k on [0, 1] with mean c/(k + 1); cell means are exact integrals.
    k = hi / means[-1] - 1.0
    edges = np.linspace(0.0, 1.0, counts[-1] + 1)
    bottom = hi * (edges[1:] ** (k + 1) - edges[:-1] ** (k + 1)) / (k + 1) * counts[-1]
    cells.append(bottom)
    cutoffs.append(0.0)

    net_worth = [
        billionaires.fortune[: billionaires.n_named],
        billionaires.fortune[billionaires.n_named :],
    ]
    weight = [
        np.ones(billionaires.n_named),
        np.ones(billionaires.fortune.size - billionaires.n_named),
    ]
    for g, cell in enumerate(cells):
        net_worth.append(cell)
        weight.append(np.full(counts[g], group_adults[g] / counts[g]))
    return _StratumPlan(
        net_worth=net_worth, weight=weight, cutoffs=np.asarray(cutoffs), top_alpha=alpha_top
    )


# --------------------------------------------------------------------------------------------------
# Demography and labour
# --------------------------------------------------------------------------------------------------


def _stratified_normals(rng: np.random.Generator, stratum: NDArray[np.int8]) -> NDArray[np.float64]:
    """Standard normal draws that are stratified inside each stratum.

    Within a stratum of n records, the draws are Φ⁻¹((π_i + U_i)/n) for a random permutation π and
    uniforms U: one draw per 1/n slice of probability, in random order. This removes most sampling
    noise from weighted marginals while keeping the draws independent of everything else. Strata
    are contiguous blocks of records (as built), so the loop runs over strata, not records.
    """
    if np.any(np.diff(stratum) < 0):
        raise ValueError("records must be grouped by stratum")
    bounds = np.searchsorted(stratum, np.arange(len(STRATA) + 1), side="left")
    u = np.empty(stratum.size)
    for start, end in itertools.pairwise(bounds):
        n = end - start
        if n:
            u[start:end] = (rng.permutation(n) + rng.random(n)) / n
    return ndtri(u)


def _age_distribution(params: ParameterSet) -> tuple[NDArray[np.int16], NDArray[np.float64]]:
    """Ages 18..max_age and their population shares.

    BLS CPS 2024 civilian noninstitutional population by age band; uniform within a band, except the
    open 65+ band, which follows stationary survival l(x) from the SSA period life table (qx
    interpolated log-linearly between tabulated ages, average of men and women) [derived].
    """
    max_age = int(params("population.max_age", _year(params)))
    bands = _csv("bls_employment_by_age_2024.csv")
    ages = np.arange(int(bands["age_lo"].min()), max_age + 1, dtype=np.int16)
    shares = np.zeros(ages.size)
    life = _csv("ssa_period_life_table_qx.csv")
    qx = np.exp(np.interp(ages, life["age"], np.log(0.5 * (life["qx_male"] + life["qx_female"]))))
    survival = np.concatenate([[1.0], np.cumprod(1.0 - qx)[:-1]])
    for band in bands.itertuples():
        inside = (ages >= band.age_lo) & (ages <= band.age_hi)
        profile = survival[inside] if band.age_hi > max_age else np.ones(inside.sum())
        shares[inside] = band.population_thousands * profile / profile.sum()
    return ages, shares / shares.sum()


def _assign_age(
    rng: np.random.Generator,
    wealth_normal: NDArray[np.float64],
    weight: NDArray[np.float64],
    stratum: NDArray[np.int8],
    params: ParameterSet,
) -> NDArray[np.int16]:
    """Ages from nested Gaussian copulas between wealth rank and life-cycle blocks.

    Blocks (``population.age_wealth_blocks``) are split one boundary at a time, oldest first: among
    the records not yet placed, those with the highest latent ρ_k·z_wealth + √(1 − ρ_k²)·ε (one
    correlation per boundary, ``population.age_wealth_rank_correlation``) fill the older side up to
    its population share, by weighted rank, so the block shares are exact. Inside a block, an
    independent stratified uniform picks the age from the block's (BLS) age distribution.
    """
    year = _year(params)
    rho = np.asarray(
        params("population.age_wealth_rank_correlation", year), dtype=np.float64
    ).ravel()
    starts = np.asarray(params("population.age_wealth_blocks", year), dtype=np.float64)
    ages, shares = _age_distribution(params)
    if starts[0] != ages[0] or np.any(np.diff(starts) <= 0):
        raise ValueError("population.age_wealth_blocks must ascend from the youngest adult age")
    if rho.size != starts.size - 1:
        raise ValueError(
            "population.age_wealth_rank_correlation needs one value per block boundary"
        )
    block_of_age = np.searchsorted(starts, ages, side="right") - 1
    block_share = np.bincount(block_of_age, weights=shares, minlength=starts.size)
    block = np.zeros(weight.size, dtype=np.int64)
    unplaced = np.ones(weight.size, dtype=bool)
    for k in range(starts.size - 1, 0, -1):  # a loop over block boundaries, not records
        latent = rho[k - 1] * wealth_normal + math.sqrt(
            1.0 - rho[k - 1] ** 2
        ) * _stratified_normals(rng, stratum)
        rank = mid_rank(latent[unplaced], weight[unplaced])
        older = rank > 1.0 - block_share[k] / block_share[: k + 1].sum()
        placed = np.flatnonzero(unplaced)[older]
        block[placed] = k
        unplaced[placed] = False
    within = ndtr(_stratified_normals(rng, stratum))
    age = np.empty(weight.size, dtype=np.int16)
    for b in range(starts.size):  # a loop over the few blocks, not over records
        members = block == b
        block_ages = ages[block_of_age == b]
        cdf = np.cumsum(shares[block_of_age == b])
        index = np.searchsorted(cdf, within[members] * cdf[-1], side="left")
        age[members] = block_ages[np.clip(index, 0, block_ages.size - 1)]
    return age


def _systematic_select(
    rng: np.random.Generator,
    group: NDArray[np.integer],
    weight: NDArray[np.float64],
    rate: NDArray[np.float64],
) -> NDArray[np.bool_]:
    """Select records at random inside each group until a weight share ``rate[group]`` is reached.

    Records are put in random order within their group; a record is selected when the midpoint of
    its cumulative weight falls below rate × group weight. The selected weight share is exact up to
    half a record's weight, with no sampling noise.
    """
    order = np.argsort(group + rng.random(group.size), kind="stable")  # by group, random inside
    g_sorted = group[order]
    w_sorted = weight[order]
    cumulative = np.cumsum(w_sorted)
    group_totals = np.bincount(group, weights=weight)
    group_start = np.concatenate([[0.0], np.cumsum(group_totals)[:-1]])
    within = cumulative - group_start[g_sorted] - 0.5 * w_sorted
    selected = np.empty(group.size, dtype=bool)
    selected[order] = within < rate[g_sorted] * group_totals[g_sorted]
    return selected


def _employment_rate_by_age(
    ages: NDArray[np.int16],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Band index of each age and each band's employment–population ratio (BLS CPS 2024)."""
    bands = _csv("bls_employment_by_age_2024.csv")
    band = np.searchsorted(bands["age_hi"].to_numpy(), ages, side="left")
    rate = (bands["employed_thousands"] / bands["population_thousands"]).to_numpy(dtype=np.float64)
    return band, rate


def _wage_quantile(u: NDArray[np.float64]) -> NDArray[np.float64]:
    """OEWS May 2021 annual wage (all occupations) at population quantile u.

    Log-linear interpolation between the published P10, P25, P50, P75 and P90; below P10 the
    P10–P25 log-log slope continues down to zero; above P90 a Pareto tail whose index is solved so
    that the mean of the whole law equals the published mean wage [derived].
    """
    q, x, slope, alpha = _wage_law()
    u = np.clip(np.asarray(u, dtype=np.float64), np.finfo(float).tiny, np.nextafter(1.0, 0.0))
    body = np.exp(np.interp(u, q, np.log(x)))
    below = x[0] * (u / q[0]) ** slope
    above = x[-1] * ((1.0 - q[-1]) / (1.0 - u)) ** (1.0 / alpha)
    return np.where(u < q[0], below, np.where(u > q[-1], above, body))


@cache
def _wage_law() -> tuple[NDArray[np.float64], NDArray[np.float64], float, float]:
    """Knots (quantiles, wages), lower-tail slope and upper-tail index of the OEWS wage law.

    The mean of the law is exact in closed form: a log-linear segment between (q_i, x_i) and
    (q_j, x_j) integrates to (q_j − q_i)(x_j − x_i)/ln(x_j/x_i); the lower power law x_0 (u/q_0)^s
    to x_0 q_0/(s + 1); the Pareto tail above P90 to (1 − q_n) x_n α/(α − 1). So α follows directly
    from the published mean.
    """
    table = _csv("oews_wage_percentiles_2021.csv")
    points = table.dropna(subset=["quantile"]).sort_values("quantile")
    q = points["quantile"].to_numpy(dtype=np.float64)
    x = points["annual_wage"].to_numpy(dtype=np.float64)
    mean = float(table.loc[table["statistic"] == "mean", "annual_wage"].iloc[0])
    slope = math.log(x[1] / x[0]) / math.log(q[1] / q[0])
    body = x[0] * q[0] / (slope + 1.0) + float(np.sum(np.diff(q) * np.diff(x) / np.diff(np.log(x))))
    tail_mean = (mean - body) / (1.0 - q[-1])
    if tail_mean <= x[-1]:
        raise ValueError("the published mean wage is too low for a Pareto tail above P90")
    return q, x, slope, tail_mean / (tail_mean - x[-1])


def _assign_occupations(
    rng: np.random.Generator,
    wage: NDArray[np.float64],
    weight: NDArray[np.float64],
    employed: NDArray[np.bool_],
) -> NDArray[np.int8]:
    """Occupation group given the wage: P(g | wage) ∝ m_g·employment_g·lognormal density_g(wage).

    Each group's log wage is normal with the group's median and a spread from its interquartile
    range (OEWS May 2021). Records are put into log-wage bins. The factors m_g are raked
    (iterative proportional fitting over bins) so that the employed adults' group shares equal the
    OEWS employment shares; this corrects for the groups' wage laws not being exactly lognormal.
    Within a bin, the employed and then the others, each in random order, take the groups by
    systematic selection on their cumulative weight, so each bin's weighted group shares equal the
    probabilities up to one record. The loops run over bins and raking steps, not records.
    """
    table = occupation_table()
    mu = np.log(table["median_wage"].to_numpy(dtype=np.float64))
    sigma = np.log(table["p75_wage"] / table["p25_wage"]).to_numpy(dtype=np.float64) / _NORMAL_IQR
    employment = table["employment"].to_numpy(dtype=np.float64)
    codes = table["code"].to_numpy(dtype=np.int8)
    log_wage = np.log(wage)
    edges = np.quantile(log_wage, np.linspace(0.0, 1.0, _OCCUPATION_BINS + 1))
    bins = np.clip(np.searchsorted(edges, log_wage, side="right") - 1, 0, _OCCUPATION_BINS - 1)
    centres = 0.5 * (edges[:-1] + edges[1:])
    density = np.exp(-0.5 * ((centres[:, None] - mu) / sigma) ** 2) / sigma
    target = employment / employment.sum()
    employed_in_bin = np.bincount(
        bins[employed], weights=weight[employed], minlength=_OCCUPATION_BINS
    )
    factor = np.ones(employment.size)
    for _ in range(_RAKING_STEPS):
        probability = density * employment * factor
        probability /= probability.sum(axis=1, keepdims=True)
        share = employed_in_bin @ probability / employed_in_bin.sum()
        if np.max(np.abs(share - target)) < _RAKING_TOLERANCE:
            break
        factor *= target / share
    cumulative = np.cumsum(probability, axis=1)
    cell = 2 * bins + employed  # (bin, employed) cells, each selected on its own
    order = np.argsort(cell + rng.random(bins.size), kind="stable")  # by cell, random inside
    bounds = np.searchsorted(cell[order], np.arange(2 * _OCCUPATION_BINS + 1))
    occupation = np.empty(wage.size, dtype=np.int8)
    for c in range(2 * _OCCUPATION_BINS):
        members = order[bounds[c] : bounds[c + 1]]
        if members.size:
            w = weight[members]
            position = (np.cumsum(w) - 0.5 * w) / w.sum()
            b = c // 2
            index = np.searchsorted(cumulative[b], position * cumulative[b, -1], side="right")
            occupation[members] = codes[np.clip(index, 0, codes.size - 1)]
    return occupation


def _assign_wages(
    rng: np.random.Generator,
    wealth_normal: NDArray[np.float64],
    stratum: NDArray[np.int8],
    employed: NDArray[np.bool_],
    weight: NDArray[np.float64],
    params: ParameterSet,
) -> NDArray[np.float64]:
    """Annual wage rates (OEWS USD): a copula on wealth rank, ranked within employed and not.

    Ranking separately makes each group's weighted wage distribution the OEWS law exactly (up to
    discreteness), whatever the correlation.
    """
    rho = float(params("population.earnings_wealth_rank_correlation", _year(params)))
    latent = rho * wealth_normal + math.sqrt(1.0 - rho * rho) * _stratified_normals(rng, stratum)
    u = np.empty(weight.size)
    for mask in (employed, ~employed):
        if mask.any():
            u[mask] = mid_rank(latent[mask], weight[mask])
    return _wage_quantile(u)


# --------------------------------------------------------------------------------------------------
# The builder
# --------------------------------------------------------------------------------------------------


def build_population(
    size: int = DEFAULT_SIZE, params: ParameterSet | None = None, seed: int = 0
) -> Population:
    """Build the base-year synthetic population (deterministic for a seed).

    ``size`` records stand for ``population.adults`` adults. The US billionaires are always weight-1
    records; the other records are split over the DFA wealth groups by
    ``population.stratum_record_shares``. Stake ids refer to ``assets.firm_universe(params, seed)``;
    use :func:`commonwealth.assets.build_economy` to get the matching firms with settled ownership.
    Everyone has a usual occupation and a wage rate (``efficiency``), employed or not.
    """
    params = params if params is not None else ParameterSet()
    rng = np.random.default_rng(seed)
    year = _year(params)
    targets = dfa_wealth_targets(params)
    billionaires = billionaire_fortunes(params)
    plan = _plan_strata(size, params, targets, billionaires)

    stratum = np.concatenate(
        [np.full(cells.size, s, dtype=np.int8) for s, cells in enumerate(plan.net_worth)]
    )
    net_worth = np.concatenate(plan.net_worth)
    weight = np.concatenate(plan.weight)
    n = net_worth.size

    # Portfolios: each DFA stratum holds its group's class totals in proportion to net worth.
    ratios = _class_ratios(targets, billionaires)
    portfolio = {name: np.zeros(n) for name in next(iter(ratios.values()))}
    for s, class_ratio in ratios.items():
        mask = stratum == s
        for name, ratio in class_ratio.items():
            portfolio[name][mask] = net_worth[mask] * ratio

    # Concentrated stakes: founders in firms; private business in noncorporate-business rows.
    firms = assets.firm_universe(params, seed)
    equity_concentrated = portfolio["business_equity"].copy()
    stake_firm = np.full(n, -1, dtype=np.int32)
    holds_business = equity_concentrated > 0
    stake_firm[holds_business] = firms.aggregate_ids[
        _business_sectors(rng, weight[holds_business] * equity_concentrated[holds_business])
    ]
    founders = stratum <= _BILLIONAIRE
    equity_concentrated[founders] = net_worth[founders]
    stake_firm[founders] = assets.assign_founder_firms(
        firms, billionaires.fortune, billionaires.named_firm
    )

    # Demography and labour.
    wealth_normal = ndtri(mid_rank(net_worth, weight))
    age = _assign_age(rng, wealth_normal, weight, stratum, params)
    band, rate = _employment_rate_by_age(age)
    employed = _systematic_select(rng, band, weight, rate)
    wage = _assign_wages(rng, wealth_normal, stratum, employed, weight, params)
    efficiency = wage / (np.dot(weight[employed], wage[employed]) / weight[employed].sum())
    occupation = _assign_occupations(rng, wage, weight, employed)
    noncitizen_share = float(params("population.foreign_born_share", year)) * float(
        params("population.noncitizen_share_of_foreign_born", year)
    )
    citizen = ~_systematic_select(
        rng, np.zeros(n, dtype=np.int64), weight, np.array([noncitizen_share])
    )
    citizen[stratum == _NAMED] = True  # the named fortunes are US citizens (Forbes 400)

    population = Population(
        weight=weight,
        age=age.astype(np.int16),
        citizen=citizen,
        occupation=occupation,
        efficiency=efficiency,
        employed=employed,
        equity_index=portfolio["equity_corporate"],
        equity_concentrated=equity_concentrated,
        stake_firm=stake_firm,
        housing_land=portfolio["housing_land"],
        housing_structure=portfolio["housing_structure"],
        other_land=portfolio["other_land"],
        bonds=portfolio["bonds"],
        durables=portfolio["durables"],
        debt=portfolio["debt"],
        stratum=stratum,
    )
    population.validate()
    return population


def _business_sectors(rng: np.random.Generator, value: NDArray[np.float64]) -> NDArray[np.int64]:
    """Sector of each private-business holding, by systematic selection on business value.

    Holdings in random order take sectors on the midpoints of their cumulative value, so each
    sector's noncorporate-business row is worth its value-added share of all private business (up to
    one holding). In a small population one large holding can step over a small sector; then the
    smallest holding of the sector with the most holdings moves there, so every sector has holders.
    """
    share = assets.sector_table()["weight"].to_numpy(dtype=np.float64)
    order = rng.permutation(value.size)
    position = (np.cumsum(value[order]) - 0.5 * value[order]) / value.sum()
    sector = np.empty(value.size, dtype=np.int64)
    sector[order] = np.searchsorted(np.cumsum(share), position * share.sum(), side="right")
    sector = np.clip(sector, 0, share.size - 1)
    counts = np.bincount(sector, minlength=share.size)
    for empty in np.flatnonzero(counts == 0):  # a loop over the few empty sectors, not over records
        donor = int(np.argmax(counts))
        members = np.flatnonzero(sector == donor)
        moved = members[np.argmin(value[members])]
        sector[moved] = empty
        counts[donor] -= 1
        counts[empty] += 1
    return sector


def _class_ratios(
    targets: WealthTargets, billionaires: Billionaires
) -> dict[int, dict[str, float]]:
    """Per DFA stratum: model class total / group net worth (billionaires removed from the top)."""
    ratios: dict[int, dict[str, float]] = {}
    for g in range(len(targets.groups)):
        totals = {name: float(values[g]) for name, values in targets.classes.items()}
        net_worth = float(targets.net_worth[g])
        if g == 0:
            founders = float(billionaires.fortune.sum())
            totals["equity_corporate"] -= founders
            net_worth -= founders
            if totals["equity_corporate"] < 0:
                raise ValueError("billionaire fortunes exceed the top group's corporate equity")
        ratios[_FIRST_DFA_STRATUM + g] = {name: total / net_worth for name, total in totals.items()}
    return ratios


# --------------------------------------------------------------------------------------------------
# Calibration report
# --------------------------------------------------------------------------------------------------

#: Tolerances requested by the calibration brief (docs/model/population-and-assets.md, "Targets").
SHARE_TOLERANCE = 0.01  # DFA group shares: ±1 percentage point
AGGREGATE_TOLERANCE = 0.05  # household aggregates vs Z.1/DFA: ±5%
BILLIONAIRE_TOLERANCE = 0.10  # Forbes count and wealth: ±10%
WAGE_TOLERANCE = 0.02  # OEWS percentiles: ±2%
RATE_TOLERANCE = 0.01  # BLS employment ratio and age shares by band: ±1 pp
AGE_WEALTH_TOLERANCE = 0.03  # DFA net worth share by age: ±3 pp
OCCUPATION_TOLERANCE = 0.01  # OEWS employment share of each occupation group: ±1 pp
EXACT_TOLERANCE = 1e-9  # identities that hold by construction
#: Zipf's law for firm sizes, P(size > s) ∝ 1/s (Axtell 2001), checked with a wide band because
#: it is measured on employment and all tax-paying firms, not on listed market values.
ZIPF_EXPONENT = 1.0
ZIPF_TOLERANCE = 0.25


@dataclass(frozen=True)
class Target:
    """One calibration target and how well the built population (or firms) reproduces it."""

    name: str
    description: str
    target: float
    achieved: float
    tolerance: float
    tolerance_kind: Literal["abs", "rel"]
    unit: str
    source: str

    @property
    def error(self) -> float:
        """achieved − target (``abs``) or (achieved − target) / |target| (``rel``)."""
        difference = self.achieved - self.target
        return difference if self.tolerance_kind == "abs" else difference / abs(self.target)

    @property
    def ok(self) -> bool:
        return abs(self.error) <= self.tolerance * (1 + 1e-12) + 1e-15


_DFA_SOURCE = "Federal Reserve DFA, net worth by wealth group, 2025:Q4"


def calibration_targets(pop: Population, firms: assets.Firms, params: ParameterSet) -> list[Target]:
    """Every base-year calibration target with the achieved value (sources: see the docs)."""
    year = _year(params)
    targets = dfa_wealth_targets(params)
    out: list[Target] = []
    nw = pop.net_worth
    w = pop.weight
    total_dfa = targets.total_net_worth

    # Wealth shares by DFA group.
    bands = [
        ("top0_1", 0.999, 1.0),
        ("p99_99_9", 0.99, 0.999),
        ("top1", 0.99, 1.0),
        ("p90_99", 0.90, 0.99),
        ("top10", 0.90, 1.0),
        ("p50_90", 0.50, 0.90),
        ("bottom50", 0.0, 0.50),
    ]
    for name, lo, hi in bands:
        in_band = (targets.pct_lo >= lo - 1e-12) & (targets.pct_hi <= hi + 1e-12)
        out.append(
            Target(
                f"wealth_share_{name}",
                f"net worth share of adults between percentiles {lo:g} and {hi:g}",
                float(targets.net_worth[in_band].sum() / total_dfa),
                share_between(nw, w, lo, hi),
                SHARE_TOLERANCE,
                "abs",
                "/1",
                _DFA_SOURCE,
            )
        )

    # Aggregates. Corporate equity: index holdings plus stakes in corporations (not in the
    # noncorporate-business rows, which hold DFA private business).
    in_corporation = (pop.stake_firm >= 0) & ~firms.aggregate[np.clip(pop.stake_firm, 0, None)]
    corporate_equity = pop.total("equity_index") + float(
        np.dot(w[in_corporation], pop.equity_concentrated[in_corporation])
    )
    out += [
        Target(
            "adults",
            "adults represented (sum of weights)",
            float(params("population.adults", year)),
            float(w.sum()),
            EXACT_TOLERANCE,
            "rel",
            "count",
            params["population.adults"].source,
        ),
        Target(
            "household_net_worth",
            "household net worth",
            total_dfa,
            pop.total(nw),
            AGGREGATE_TOLERANCE,
            "rel",
            "USD",
            _DFA_SOURCE,
        ),
        Target(
            "household_real_estate",
            "owner-occupied real estate (housing land + structures)",
            float(targets.real_estate.sum()),
            pop.total(pop.real_estate),
            AGGREGATE_TOLERANCE,
            "rel",
            "USD",
            "Federal Reserve DFA 2025:Q4, real estate",
        ),
        Target(
            "household_corporate_equity",
            "corporate equities held directly and indirectly (index + founders' stakes)",
            float(params("assets.corporate_equities_direct_indirect", year)),
            corporate_equity,
            AGGREGATE_TOLERANCE,
            "rel",
            "USD",
            params["assets.corporate_equities_direct_indirect"].source,
        ),
        Target(
            "household_land",
            "land held by households (housing + other land)",
            assets.household_land_value(params),
            pop.total(pop.housing_land + pop.other_land),
            EXACT_TOLERANCE,
            "rel",
            "USD",
            "DFA 2025:Q4 × land shares (assets.*_land_share)",
        ),
    ]

    # Billionaires.
    threshold = float(params("population.billionaire_threshold", year))
    rich = nw >= threshold
    out += [
        Target(
            "billionaires",
            "adults with net worth of at least $1 bn",
            float(params("population.billionaire_count", year)),
            count_above(nw, w, threshold),
            BILLIONAIRE_TOLERANCE,
            "rel",
            "count",
            params["population.billionaire_count"].source,
        ),
        Target(
            "billionaire_wealth",
            "combined net worth of billionaires",
            float(params("population.billionaire_wealth", year)),
            float(np.dot(w[rich], nw[rich])),
            BILLIONAIRE_TOLERANCE,
            "rel",
            "USD",
            params["population.billionaire_wealth"].source,
        ),
        Target(
            "largest_fortune",
            "largest individual net worth",
            float(_csv("forbes_top_fortunes_2025.csv")["net_worth_usd"].max()),
            float(nw.max()),
            EXACT_TOLERANCE,
            "rel",
            "USD",
            "Forbes 400, September 2025",
        ),
    ]

    out += _labour_targets(pop, params)
    out += _age_targets(pop, params)
    out += _firm_targets(firms, params)
    return out


def _firm_targets(firms: assets.Firms, params: ParameterSet) -> list[Target]:
    """Firm universe: listed totals, the largest companies and the rank-size slope."""
    year = _year(params)
    listed = firms.listed
    named = _csv("largest_market_caps_2025.csv")
    value = np.sort(firms.value[listed])[::-1]
    rank = np.arange(1, value.size + 1)
    slope = np.polyfit(np.log(value), np.log(rank), 1)[0]
    return [
        Target(
            "listed_equity_value",
            "market value of US-listed firms",
            float(params("assets.listed_equity_value", year)),
            float(value.sum()),
            EXACT_TOLERANCE,
            "rel",
            "USD",
            params["assets.listed_equity_value"].source,
        ),
        Target(
            "listed_firms",
            "number of US-listed firms",
            float(params("assets.listed_firm_count", year)),
            float(listed.sum()),
            EXACT_TOLERANCE,
            "rel",
            "count",
            params["assets.listed_firm_count"].source,
        ),
        Target(
            "largest_ten_companies_value",
            "market value of the ten largest listed companies",
            float(named["market_cap_usd"].sum()),
            float(value[: len(named)].sum()),
            EXACT_TOLERANCE,
            "rel",
            "USD",
            "CompaniesMarketCap via hmarkets.com, 28 July 2025",
        ),
        Target(
            "firm_size_zipf_exponent",
            "rank-size slope of listed market values (OLS, log-log)",
            ZIPF_EXPONENT,
            float(-slope),
            ZIPF_TOLERANCE,
            "abs",
            "/1",
            "Axtell (2001), Science 293:1818: US firm sizes follow Zipf's law, exponent ≈ 1",
        ),
    ]


def _labour_targets(pop: Population, params: ParameterSet) -> list[Target]:
    out: list[Target] = []
    w, employed = pop.weight, pop.employed
    table = _csv("oews_wage_percentiles_2021.csv")
    mean_wage = float(table.loc[table["statistic"] == "mean", "annual_wage"].iloc[0])
    oews = "BLS OEWS May 2021, all occupations, annual wages"
    out.append(
        Target(
            "efficiency_mean_employed",
            "weighted mean efficiency of the employed",
            1.0,
            float(np.dot(w[employed], pop.efficiency[employed]) / w[employed].sum()),
            EXACT_TOLERANCE,
            "rel",
            "model-unit",
            "normalisation",
        )
    )
    for row in table.dropna(subset=["quantile"]).itertuples():
        achieved = float(
            weighted_quantile(pop.efficiency[employed] * mean_wage, w[employed], row.quantile)
        )
        out.append(
            Target(
                f"wage_{row.statistic}",
                f"wage at quantile {row.quantile:g} of the employed",
                float(row.annual_wage),
                achieved,
                WAGE_TOLERANCE,
                "rel",
                "USD/year",
                oews,
            )
        )
    bands = _csv("bls_employment_by_age_2024.csv")
    band, rate = _employment_rate_by_age(pop.age)
    population_share = (
        bands["population_thousands"] / bands["population_thousands"].sum()
    ).to_numpy()
    for b, row in enumerate(bands.itertuples()):
        inside = band == b
        label = f"{row.age_lo}_{min(row.age_hi, int(pop.age.max()))}"
        bls = "BLS CPS 2024 annual averages, table 3" + (" (65+ derived)" if row.derived else "")
        out.append(
            Target(
                f"employment_rate_age_{label}",
                f"employed share of adults aged {label}",
                float(rate[b]),
                float(w[inside & employed].sum() / w[inside].sum()),
                RATE_TOLERANCE,
                "abs",
                "/1",
                bls,
            )
        )
        out.append(
            Target(
                f"adult_share_age_{label}",
                f"share of adults aged {label}",
                float(population_share[b]),
                float(w[inside].sum() / w.sum()),
                RATE_TOLERANCE,
                "abs",
                "/1",
                bls,
            )
        )
    occupations = occupation_table()
    shares = occupations["employment"] / occupations["employment"].sum()
    achieved = np.bincount(
        pop.occupation[employed], weights=w[employed], minlength=len(occupations)
    )
    achieved = achieved / achieved.sum()
    worst = int(np.argmax(np.abs(achieved - shares.to_numpy())))
    out.append(
        Target(
            "occupation_share_max_error",
            "employment share of the worst-fitting occupation group "
            f"({occupations['name'][worst]})",
            float(shares.iloc[worst]),
            float(achieved[worst]),
            OCCUPATION_TOLERANCE,
            "abs",
            "/1",
            "BLS OEWS May 2021, SOC major groups",
        )
    )
    noncitizen = float(params("population.foreign_born_share")) * float(
        params("population.noncitizen_share_of_foreign_born")
    )
    out.append(
        Target(
            "noncitizen_share",
            "share of adults who are not US citizens",
            noncitizen,
            float(w[~pop.citizen].sum() / w.sum()),
            RATE_TOLERANCE,
            "abs",
            "/1",
            "Census ACS 2023 foreign-born share × CPS non-citizen share",
        )
    )
    return out


def _age_targets(pop: Population, params: ParameterSet) -> list[Target]:
    """Net worth shares by age: DFA head-of-household age groups applied to adults' own ages."""
    del params
    table = _csv("dfa_networth_by_age_2025q4.csv")
    nw = pop.net_worth * pop.weight
    total = nw.sum()
    out = []
    share = table["net_worth"] / table["net_worth"].sum()
    checks = [
        ("age55plus", table["head_age_lo"] >= 55, pop.age >= 55),
        ("age70plus", table["head_age_lo"] >= 70, pop.age >= 70),
        ("under40", table["head_age_hi"] < 40, pop.age < 40),
    ]
    for name, rows, adults in checks:
        out.append(
            Target(
                f"wealth_share_{name}",
                f"net worth share of adults {name} (DFA: by head's age)",
                float(share[rows].sum()),
                float(nw[adults].sum() / total),
                AGE_WEALTH_TOLERANCE,
                "abs",
                "/1",
                "Federal Reserve DFA, net worth by age of head, 2025:Q4",
            )
        )
    return out
