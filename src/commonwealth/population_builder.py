"""The base-year population builder: who each US adult is and what they own at the end of 2025.

:func:`build_population` builds a :class:`commonwealth.population.Population` from the wealth
targets (:mod:`commonwealth.wealth_targets`), shipped data (:mod:`commonwealth.sources`) and
parameters (``parameters/population`` and ``parameters/assets``). Design, sources and the achieved
fit are documented in ``docs/model/population-and-assets.md``. In outline:

* **Wealth** follows the Fed's Distributional Financial Accounts (DFA) for 2025:Q4. The DFA groups
  households ranked by household wealth (top 0.1%, 99–99.9, 90–99, 50–90, bottom 50); the builder
  builds *units* (households: a single adult or a married couple) and applies the group shares to
  them. Inside each group, unit net worth follows a Pareto law between group cut-offs that are solved
  so that every group total is exact. The bottom 50% follows a power law from zero. Records are
  *strata cells*: each record holds the exact conditional mean of its quantile cell, so group totals
  and top shares on household ranks are exact at any sample size.
* **Units**: a share ``population.couple_share_by_wealth_group`` of each group's cells are married
  couples (evenly spaced over the group's cells, a deterministic rule that moves no random draw);
  a couple's two adults split its wealth equally (Piketty–Saez–Zucman's equal split). A
  record then stands for unit weight × unit size adults, each holding cell / unit size.
* **Billionaires** are weight-1 records. The 15 largest fortunes are named (Forbes 400, Sept 2025)
  and hold stakes in the firms they built; the other billionaires follow a truncated Pareto law
  calibrated to the Forbes count and total (March 2025).
* **Portfolios** map the DFA asset classes to the model classes group by group (see
  :func:`commonwealth.wealth_targets.dfa_wealth_targets`).
* **Age, employment, earnings, occupation and citizenship** come from Gaussian copulas on the
  wealth rank (ages and wages), exact systematic selection (employment by age band, citizenship),
  OEWS wage percentiles and occupation-group wage distributions.

Stakes name firms of :func:`commonwealth.assets.firm_universe`; the builder sits above both the
population struct and the firms, and :func:`commonwealth.base_year.build_base_year` settles the
firms' ownership against the population it builds.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq
from scipy.special import ndtr, ndtri

from commonwealth import assets, pareto
from commonwealth.distribution import mid_rank
from commonwealth.parameters import ParameterSet
from commonwealth.population import DEFAULT_SIZE, STRATA, Population
from commonwealth.sources import occupation_table, table
from commonwealth.sums import dot, matvec
from commonwealth.wealth_targets import (
    DFA_GROUPS,
    Billionaires,
    WealthTargets,
    billionaire_fortunes,
    calibration_year,
    dfa_wealth_targets,
    top_tail_alpha,
)

__all__ = ["build_population", "employment_rate_by_age"]

_NAMED, _BILLIONAIRE = 0, 1
#: The first of the DFA strata (``STRATA[2:]`` match ``wealth_targets.DFA_GROUPS``).
_FIRST_DFA_STRATUM = 2
#: Fewest records allowed in a DFA wealth stratum (smaller populations are refused).
_MIN_RECORDS_PER_STRATUM = 10
#: Number of log-wage bins used to assign occupation groups.
_OCCUPATION_BINS = 200
#: Raking of occupation shares: at most this many steps, stopping when every share is this close.
_RAKING_STEPS = 500
_RAKING_TOLERANCE = 1e-9
#: Quartiles of the standard normal (±0.6745) span the interquartile range: σ = ln(P75/P25) / 1.349.
_NORMAL_IQR = float(ndtri(0.75) - ndtri(0.25))


# --------------------------------------------------------------------------------------------------
# Wealth strata (exact cell means)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _StratumPlan:
    """Records of every stratum, top first: unit net-worth cells, unit weights and unit sizes."""

    net_worth: list[NDArray[np.float64]]  # USD per unit (household)
    weight: list[NDArray[np.float64]]  # units (households) per record
    unit_size: list[NDArray[np.int8]]  # adults per unit: 1 single, 2 married couple


def minimum_size(params: ParameterSet) -> int:
    """The fewest records :func:`build_population` accepts: one per billionaire plus
    ``_MIN_RECORDS_PER_STRATUM`` in the wealth group with the smallest share of records."""
    year = calibration_year(params)
    shares = params("population.stratum_record_shares", year)
    smallest = min(shares) if isinstance(shares, list) and shares and min(shares) > 0 else 1.0
    return int(params("population.billionaire_count", year)) + math.ceil(_MIN_RECORDS_PER_STRATUM / smallest)


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


def _couples(counts: Sequence[int], shares: Sequence[float]) -> list[NDArray[np.int8]]:
    """Unit size of every record of each DFA stratum: a share m_g of the cells are couples, evenly spaced.

    Cell i of a stratum (cells run down the stratum's wealth range) is a couple when
    ⌊(i + 1)·m_g + ½⌋ > ⌊i·m_g + ½⌋: round(m_g·n) couples spread evenly over the wealth cells, so
    couples and singles span the same wealth range. The rule is deterministic (no random draw, so no
    other draw moves and the wealth grid is the same for every seed). Inside a stratum every record
    stands for the same number of units, so the couples' share of the stratum's units is m_g up to
    half a record.
    """
    shares_array = np.asarray(shares, dtype=np.float64)
    if shares_array.size != len(DFA_GROUPS) or np.any((shares_array < 0) | (shares_array > 1)):
        raise ValueError("population.couple_share_by_wealth_group must be 5 numbers in [0, 1]")
    sizes = []
    for count, share in zip(counts, shares_array, strict=True):
        i = np.arange(count)
        couple = np.floor((i + 1) * share + 0.5) > np.floor(i * share + 0.5)
        sizes.append(np.where(couple, 2, 1).astype(np.int8))
    return sizes


def _plan_strata(
    size: int, params: ParameterSet, targets: WealthTargets, billionaires: Billionaires
) -> _StratumPlan:
    """The strata of :func:`build_population`, in units (households) ranked by unit wealth.

    With couple shares m_g realised in the strata, p_g the DFA groups' shares of units and b the
    billionaires (single units), adults A = b + (p_0·U − b)(1 + m_0) + Σ_{g≥1} p_g·U·(1 + m_g), so
    U = (A + b·m_0) / Σ p_g (1 + m_g) units [derived].
    """
    year = calibration_year(params)
    adults = float(params("population.adults", year))
    threshold = float(params("population.billionaire_threshold", year))
    counts = _stratum_record_counts(
        size, billionaires.fortune.size, params("population.stratum_record_shares", year)
    )
    unit_size = _couples(counts, params("population.couple_share_by_wealth_group", year))
    couple_share = np.array([float(np.mean(s == 2)) for s in unit_size])
    group_share = targets.pct_hi - targets.pct_lo
    n_billionaires = billionaires.fortune.size
    units = (adults + n_billionaires * couple_share[0]) / float(dot(group_share, 1.0 + couple_share))
    group_units = group_share * units
    group_units[0] -= n_billionaires
    group_wealth = targets.net_worth.copy()
    group_wealth[0] -= billionaires.fortune.sum()
    means = group_wealth / group_units
    if np.any(means <= 0):
        raise ValueError("a wealth group has non-positive net worth once billionaires are removed")

    alpha_top = top_tail_alpha(targets)
    top_lo = brentq(
        lambda lo: pareto.truncated_mean(lo, threshold, alpha_top) - means[0],
        1.0,
        threshold * (1 - 1e-12),
        xtol=1e-6,
        rtol=1e-14,
    )
    cells = [pareto.cell_means(top_lo, threshold, alpha_top, counts[0])]
    hi = top_lo
    for g in range(1, len(DFA_GROUPS) - 1):
        above_lo = 1.0 - targets.pct_lo[g]
        above_hi = 1.0 - targets.pct_hi[g]
        lo, alpha = pareto.bracket_cutoff(means[g], hi, above_lo / above_hi)
        cells.append(pareto.cell_means(lo, hi, alpha, counts[g]))
        hi = lo
    # Bottom 50%: Q(u) = c·u^k on [0, 1] with mean c/(k + 1); cell means are exact integrals.
    k = hi / means[-1] - 1.0
    edges = np.linspace(0.0, 1.0, counts[-1] + 1)
    bottom = hi * (edges[1:] ** (k + 1) - edges[:-1] ** (k + 1)) / (k + 1) * counts[-1]
    cells.append(bottom)

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
        weight.append(np.full(counts[g], group_units[g] / counts[g]))
    # Billionaires are single units: a Forbes fortune is the unit's wealth, held by one record of weight 1.
    sizes = [np.ones(billionaires.n_named, dtype=np.int8),
             np.ones(billionaires.fortune.size - billionaires.n_named, dtype=np.int8), *unit_size]
    return _StratumPlan(net_worth=net_worth, weight=weight, unit_size=sizes)


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
    max_age = int(params("population.max_age", calibration_year(params)))
    bands = table("bls_employment_by_age_2024.csv")
    ages = np.arange(int(bands["age_lo"].min()), max_age + 1, dtype=np.int16)
    shares = np.zeros(ages.size)
    life = table("ssa_period_life_table_qx.csv")
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
    year = calibration_year(params)
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


def employment_rate_by_age(
    ages: NDArray[np.int16],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Band index of each age and each band's employment–population ratio (BLS CPS 2024). Whole-year ages
    (non-negative integers, as the engine's) are looked up in a table of each age's band, searchsorted's
    result exactly, instead of a binary search per record."""
    age_hi, rate = _employment_bands()
    a = np.asarray(ages)
    if a.size and np.issubdtype(a.dtype, np.integer) and a.min() >= 0:
        return np.searchsorted(age_hi, np.arange(int(a.max()) + 1), side="left")[a], rate
    return np.searchsorted(age_hi, a, side="left"), rate


@cache
def _employment_bands() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The BLS bands' upper ages and employment–population ratios."""
    bands = table("bls_employment_by_age_2024.csv")
    rate = (bands["employed_thousands"] / bands["population_thousands"]).to_numpy(dtype=np.float64)
    age_hi = bands["age_hi"].to_numpy()
    for array in (age_hi, rate):
        array.setflags(write=False)  # shared by every call
    return age_hi, rate


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
    wages = table("oews_wage_percentiles_2021.csv")
    points = wages.dropna(subset=["quantile"]).sort_values("quantile")
    q = points["quantile"].to_numpy(dtype=np.float64)
    x = points["annual_wage"].to_numpy(dtype=np.float64)
    mean = float(wages.loc[wages["statistic"] == "mean", "annual_wage"].iloc[0])
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
        share = matvec(probability.T, employed_in_bin) / employed_in_bin.sum()
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
    rho = float(params("population.earnings_wealth_rank_correlation", calibration_year(params)))
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
    use :func:`commonwealth.base_year.build_base_year` to get the matching firms with settled ownership.
    Everyone has a usual occupation and a wage rate (``efficiency``), employed or not.
    """
    params = params if params is not None else ParameterSet()
    rng = np.random.default_rng(seed)
    year = calibration_year(params)
    targets = dfa_wealth_targets(params)
    billionaires = billionaire_fortunes(params)
    plan = _plan_strata(size, params, targets, billionaires)

    stratum = np.concatenate(
        [np.full(cells.size, s, dtype=np.int8) for s, cells in enumerate(plan.net_worth)]
    )
    unit_size = np.concatenate(plan.unit_size)
    household_net_worth = np.concatenate(plan.net_worth)
    net_worth = household_net_worth / unit_size  # per adult: equal split within a couple
    weight = np.concatenate(plan.weight) * unit_size  # adults
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
    # Both adults of a couple take the rank of their household's wealth (the DFA's ranking).
    wealth_normal = ndtri(mid_rank(household_net_worth, weight))
    age = _assign_age(rng, wealth_normal, weight, stratum, params)
    band, rate = employment_rate_by_age(age)
    employed = _systematic_select(rng, band, weight, rate)
    wage = _assign_wages(rng, wealth_normal, stratum, employed, weight, params)
    efficiency = wage / (dot(weight[employed], wage[employed]) / weight[employed].sum())
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
        unit_size=unit_size,
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


