"""Work and leisure, and taxable income: how adults' earnings respond to taxes, transfers and the wage.

**Labour supply** (``behaviour.labour``; docs/model/behaviour.md, "Work and leisure"). Each adult's
earnings respond as in PolicyEngine-US's behavioural-response formula with CBO's elasticities
(reference D11):

    Δe/e = ε_sub·s + ε_inc·n + (ε_sub + ε_inc)·g

* s = (1 − MTR_sq − ΔMTR)/(1 − MTR_sq) − 1: the change in the net-of-tax rate the reforms make, MTR_sq
  the status-quo marginal rate (a proxy: the effective average rate of the adult's income band,
  :meth:`commonwealth.taxes.StatusQuo.marginal_rates`), ΔMTR the reforms' addition (the policies'
  ``marginal_tax_rate`` hooks and the budget rule's surcharge). The status-quo law is the reference, so
  under it s = 0.
* n = ΔN/N: the reforms' net cash (transfers − taxes, per adult) over status-quo disposable income.
* g = w/w̄ − 1: the wage per efficiency unit's deviation from its balanced-growth trend w̄_t = w_0·e^{g_Y t}
  (g_Y: :func:`commonwealth.markets.balanced_growth`, the growth of output with no further automation).
  With balanced-growth preferences hours do not trend with the trend wage; a deviation (AI raising or
  lowering the wage) moves earnings with the uncompensated elasticity, by Slutsky ≈ ε_sub + ε_inc.

Each of s, n, g is capped at ±``labour.response_bound``; ε_sub by decile of earnings capacity
(``labour.substitution_elasticity_primary``; an adult of a married couple takes the mean with the
secondary earner's, the records not linking spouses), ε_inc = ``labour.income_elasticity``, both ×
``labour.age_multiplier`` from ``labour.age_threshold``. The inputs are last year's (a one-year lag: the
reforms' cash and the wage depend on this year's hours, and the lag avoids solving a fixed point).

The response splits between the margins: a share x = ``labour.extensive_share`` on participation,
the rest on hours. The employment threshold of every adult's latent draw is scaled by 1 + x·Δe/e and
hours by (1 + Δe/e)/(1 + x·Δe/e), so expected earnings change by exactly Δe/e.

**Taxable income** (``behaviour.taxable_income``; reference D15). Under an income-tax reform that adds
Δτ to the marginal rate, reported income is

    I_rep = I + (ETI·I − ε_sub·L)⁺ · ln((1 − MTR_sq − Δτ)/(1 − MTR_sq))

ETI = ``labour.eti_broad``, ``labour.eti_top`` from income rank ``labour.eti_top_rank``; ε_sub·L is the
real hours response to the same change, already in income when the labour response runs, so only
the avoidance and shifting part goes unreported. Unreported income escapes the reform's tax but stays
the household's income.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange
from numpy.typing import ArrayLike, NDArray

from commonwealth.allocator import keep_in_place, writable
from commonwealth.distribution import Distribution
from commonwealth.kernel_threads import record_kernel
from commonwealth.parameters import ParameterSet
from commonwealth.ranking import band_rates, band_rates_by_rank
from commonwealth.sorting import count_at_or_below, count_of, sorted_breaks
from commonwealth.sums import lanes_totals
from commonwealth.taxes import maximum

#: Earnings-capacity deciles.
DECILES = 10


@dataclass(frozen=True)
class LabourParameters:
    """The ``labour.*`` parameters of one year."""

    substitution_primary: NDArray[np.float64]  # by decile of earnings capacity
    substitution_secondary: float
    income: float
    age_threshold: int
    age_multiplier: float
    bound: float  # cap on each relative change
    extensive_share: float
    hours_per_worker: float  # base-year annual hours per worker
    time_endowment: float  # hours a year
    eti_broad: float
    eti_top: float
    eti_top_rank: float

    @classmethod
    def from_parameters(cls, params: ParameterSet, year: int) -> LabourParameters:
        primary = np.asarray(params("labour.substitution_elasticity_primary", year), dtype=float)
        if primary.size != DECILES:
            raise ValueError(f"labour.substitution_elasticity_primary needs {DECILES} values, got {primary.size}")
        return cls(
            substitution_primary=primary,
            substitution_secondary=float(params("labour.substitution_elasticity_secondary", year)),
            income=float(params("labour.income_elasticity", year)),
            age_threshold=int(params("labour.age_threshold", year)),
            age_multiplier=float(params("labour.age_multiplier", year)),
            bound=float(params("labour.response_bound", year)),
            extensive_share=float(params("labour.extensive_share", year)),
            hours_per_worker=float(params("labour.hours_per_worker", year)),
            time_endowment=float(params("labour.time_endowment", year)),
            eti_broad=float(params("labour.eti_broad", year)),
            eti_top=float(params("labour.eti_top", year)),
            eti_top_rank=float(params("labour.eti_top_rank", year)),
        )


def capacity_breaks(efficiency: NDArray, weight: NDArray) -> NDArray[np.float64]:
    """The nine upper edges of the weighted deciles of earnings capacity (efficiency, the wage rate every
    adult has, employed or not), fixed at the base year."""
    dist = Distribution(efficiency, weight)
    return np.array([dist.quantile(d / DECILES) for d in range(1, DECILES)])


def capacity_decile(efficiency: NDArray, breaks: NDArray) -> NDArray[np.int64]:
    """Each adult's decile of earnings capacity, 0 … 9, against the base year's edges: the same adult falls
    in the same decile in every scenario."""
    return count_at_or_below(breaks, efficiency)


def substitution_elasticity(decile: NDArray, unit_size: NDArray, age: NDArray,
                            p: LabourParameters) -> NDArray[np.float64]:
    """ε_sub per adult: the primary earner's by decile for a single adult, the mean of primary and secondary
    for an adult of a married couple (half of them are their unit's secondary earner), × the age multiplier."""
    return _substitution_elasticity(np.asarray(decile), np.asarray(unit_size), np.asarray(age),
                                    np.asarray(p.substitution_primary, dtype=np.float64), p.substitution_secondary,
                                    p.age_threshold, p.age_multiplier)


def income_elasticity(age: NDArray, p: LabourParameters) -> NDArray[np.float64]:
    """ε_inc per adult, × the age multiplier from the age threshold."""
    return _income_elasticity(np.asarray(age), p.income, p.age_threshold, p.age_multiplier)


@njit(cache=True, inline="always")
def _age_factor(age: int, threshold: int, multiplier: float) -> float:
    return multiplier if age >= threshold else 1.0


@njit(cache=True, inline="always")
def _substitution_of(decile, unit_size, age, primary, secondary, threshold, multiplier):
    eps = primary[decile]
    if unit_size == 2:
        eps = 0.5 * (eps + secondary)
    return eps * _age_factor(age, threshold, multiplier)


@njit(cache=True)
def _substitution_elasticity(decile, unit_size, age, primary, secondary, threshold, multiplier):
    out = np.empty(decile.size)
    for i in range(decile.size):
        out[i] = _substitution_of(decile[i], unit_size[i], age[i], primary, secondary, threshold, multiplier)
    return out


@njit(cache=True)
def _income_elasticity(age, income, threshold, multiplier):
    out = np.empty(age.size)
    for i in range(age.size):
        out[i] = income * _age_factor(age[i], threshold, multiplier)
    return out


@njit(cache=True)
def _clip(x: float, bound: float) -> float:
    return -bound if x < -bound else (bound if x > bound else x)


@njit(cache=True)
def earnings_response(eps_sub, eps_inc, mtr_status_quo, mtr_reform, net_cash, net_income, wage_gap, bound):
    """Δe/e per adult (see the module docstring), never below −1 (no negative earnings).

    ``mtr_status_quo``, ``mtr_reform``, ``net_cash`` and ``net_income`` are per adult; ``wage_gap`` = w/w̄ − 1
    (one number); a non-positive status-quo net income counts as a relative change of ±bound."""
    n = eps_sub.size
    out = np.empty(n)
    g = _clip(wage_gap, bound)
    for i in range(n):
        out[i] = _response_of(eps_sub[i], eps_inc[i], mtr_status_quo[i], mtr_reform[i], net_cash[i], net_income[i],
                              g, bound)
    return out


@njit(cache=True, inline="always")
def _response_of(eps_sub, eps_inc, mtr_status_quo, mtr_reform, net_cash, net_income, g, bound):
    """One adult's Δe/e (:func:`earnings_response`; ``g`` the clipped wage gap)."""
    keep = 1.0 - mtr_status_quo
    s = _clip((keep - mtr_reform) / keep - 1.0, bound) if keep > 0 else 0.0
    if net_income > 0:
        m = _clip(net_cash / net_income, bound)
    else:
        m = bound if net_cash > 0 else (-bound if net_cash < 0 else 0.0)
    d = eps_sub * s + eps_inc * m + (eps_sub + eps_inc) * g
    return d if d > -1.0 else -1.0


def margins(response: NDArray, extensive_share: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(participation factor, hours factor) with participation × hours = 1 + Δe/e: the employment rate
    scales by 1 + x·Δe/e, hours by (1 + Δe/e)/(1 + x·Δe/e)."""
    return _margins(np.asarray(response, dtype=np.float64), float(extensive_share))


@njit(cache=True, inline="always")
def _margins_of(response, extensive_share):
    participation = 1.0 + extensive_share * response
    return participation, ((1.0 + response) / participation if participation > 0 else 0.0)


@njit(cache=True)
def _margins(response, extensive_share):
    participation = np.empty(response.size)
    hours = np.empty(response.size)
    for i in range(response.size):
        participation[i], hours[i] = _margins_of(response[i], extensive_share)
    return participation, hours


@record_kernel
def _respond(efficiency, breaks, unit_size, age, primary, secondary, threshold, multiplier, income,
             mtr_status_quo, mtr_reform, net_cash, net_income, wage_gap, bound, extensive_share, participation,
             hours):
    """:meth:`LabourSupply.respond` in one pass: ε_sub (returned), then participation and hours (written into
    the two arrays given); the decile, ε_inc and Δe/e of each adult found on the way, not stored."""
    n = efficiency.size
    substitution = np.empty(n)
    g = _clip(wage_gap, bound)
    for i in prange(n):
        eps_sub = _substitution_of(count_of(efficiency[i], breaks), unit_size[i], age[i], primary, secondary,
                                   threshold, multiplier)
        substitution[i] = eps_sub
        eps_inc = income * _age_factor(age[i], threshold, multiplier)
        response = _response_of(eps_sub, eps_inc, mtr_status_quo[i], mtr_reform[i], net_cash[i], net_income[i], g,
                                bound)
        participation[i], hours[i] = _margins_of(response, extensive_share)
    return substitution


@dataclass
class LabourSupply:
    """Last year's inputs of the labour-supply response and the wage trend (mutated by the engine)."""

    params: LabourParameters
    breaks: NDArray[np.float64]  # base-year deciles of earnings capacity
    trend_growth: float  # g_Y, per year
    mtr_status_quo: NDArray[np.float64]
    mtr_reform: NDArray[np.float64]
    net_cash: NDArray[np.float64]
    net_income: NDArray[np.float64]
    wage0: float | None = None  # wage per efficiency unit at the base year, USD
    wage_gap: float = 0.0  # last year's w/w̄ − 1
    #: This year's ε_sub per adult, found by :meth:`respond` (None before): the efficiency, unit sizes and
    #: ages it reads change next at the year's ageing, so the year's taxable-income response reuses it (and
    #: the engine lets it go then).
    substitution: NDArray[np.float64] | None = None

    @classmethod
    def create(cls, params: LabourParameters, efficiency: NDArray, weight: NDArray,
               trend_growth: float) -> LabourSupply:
        n = weight.size
        return cls(params=params, breaks=capacity_breaks(efficiency, weight), trend_growth=trend_growth,
                   mtr_status_quo=np.zeros(n), mtr_reform=np.zeros(n), net_cash=np.zeros(n), net_income=np.ones(n))

    def respond(self, efficiency: NDArray, unit_size: NDArray, age: NDArray,
                into: tuple[NDArray | None, NDArray | None] = (None, None)) -> tuple[NDArray, NDArray]:
        """This year's (participation factor, hours factor) per adult, from last year's inputs. ``into``: last
        year's two arrays, written over when they fit (:func:`commonwealth.allocator.writable`)."""
        p = self.params
        breaks = sorted_breaks(self.breaks)
        x = np.ascontiguousarray(efficiency, dtype=np.float64).reshape(-1)
        participation, hours = writable(into[0], x.size), writable(into[1], x.size)
        # ε_sub by decile, ε_inc, Δe/e and the margins (substitution_elasticity, income_elasticity,
        # earnings_response, margins) of each adult in one pass, bit for bit
        self.substitution = _respond(
            x, breaks, np.asarray(unit_size), np.asarray(age), np.asarray(p.substitution_primary, dtype=np.float64),
            p.substitution_secondary, p.age_threshold, p.age_multiplier, p.income, self.mtr_status_quo,
            self.mtr_reform, self.net_cash, self.net_income, self.wage_gap, p.bound, float(p.extensive_share),
            participation, hours)
        return participation, hours

    def observe_wage(self, t: int, wage: float) -> None:
        """Record this year's wage per efficiency unit against the trend w̄_t = w_0·e^{g_Y t}."""
        if self.wage0 is None:
            self.wage0 = wage
        trend = self.wage0 * float(np.exp(self.trend_growth * t))
        self.wage_gap = wage / trend - 1.0 if trend > 0 else 0.0

    def remember(self, mtr_status_quo: NDArray, mtr_reform: NDArray | float, cash: tuple[ArrayLike, ArrayLike],
                 income: tuple[NDArray, NDArray]) -> None:
        """This year's marginal rates, the reforms' net cash (transfers − taxes, ``cash``) and status-quo
        disposable income (income − taxes, ``income``), for next year's response; the differences are
        written into last year's arrays."""
        n = self.net_cash.size
        # written into last year's arrays (allocator.keep_in_place); a number for the reforms' rate (the usual
        # case: no reform sets a per-adult rate) is kept as a read-only broadcast, not n copies
        self.mtr_status_quo = keep_in_place(self.mtr_status_quo, np.asarray(mtr_status_quo, dtype=float))
        mtr_reform = np.asarray(mtr_reform, dtype=float)
        self.mtr_reform = (keep_in_place(self.mtr_reform, mtr_reform) if mtr_reform.ndim
                           else np.broadcast_to(mtr_reform, (n,)))
        self.net_cash = np.subtract(*cash, out=writable(self.net_cash, n))
        self.net_income = np.subtract(*income, out=writable(self.net_income, n))


@dataclass(frozen=True)
class TaxableIncome:
    """This year's taxable-income response: what policies' ``household_taxes`` use for their base."""

    mtr: NDArray[np.float64]  # status-quo marginal rate per adult (proxy: the band's effective rate)
    eti: NDArray[np.float64]  # ETI per adult
    real: NDArray[np.float64]  # ε_sub × labour income, USD per adult: the real part already in income

    @classmethod
    def build(cls, p: LabourParameters, income: NDArray, weight: NDArray, mtr: NDArray,
              real: NDArray | float = 0.0, bands: tuple[NDArray, NDArray] | None = None) -> TaxableIncome:
        """The ETI of each adult is ``eti_top`` from income rank ``eti_top_rank`` (weighted mid-rank) up, else
        ``eti_broad``: a band of the income ranking, found by radix selection (:mod:`commonwealth.ranking`),
        not by sorting every record. ``bands``: each adult's percentile band of this ``income`` already
        found and the bands' edges (the status quo's income bands); when ``eti_top_rank`` is one of the edges,
        the ETI band is read from them (an adult is above an edge exactly when its band is above the
        edge's) instead of selected again."""
        edges = np.asarray(bands[1], dtype=float) if bands is not None else np.empty(0)
        at = np.flatnonzero(edges == p.eti_top_rank)
        if at.size:
            by_band = np.where(np.arange(edges.size + 1) > at[0], p.eti_top, p.eti_broad)
            eti = band_rates(bands[0], by_band)
        else:
            eti = band_rates_by_rank(income, weight, [p.eti_top_rank], [p.eti_broad, p.eti_top])
        return cls(mtr=np.asarray(mtr, dtype=float), eti=eti,
                   real=np.broadcast_to(np.asarray(real, dtype=float), income.shape))

    def reported(self, base: NDArray, rate_change: NDArray | float) -> NDArray[np.float64]:
        """Reported income per adult given the reform's addition to the marginal rate (see the module
        docstring); the unreported part is the avoidance and shifting response; never negative."""
        base = np.asarray(base, dtype=np.float64)
        change = np.broadcast_to(np.asarray(rate_change, dtype=np.float64), base.shape)
        log_change = np.log(_net_of_tax_ratio(self.mtr, change))  # numpy's log: its bits, not libm's
        return _reported(base, self.eti, self.real, log_change)


@njit(cache=True)
def _net_of_tax_ratio(mtr, rate_change):
    """(1 − MTR − Δτ)/(1 − MTR), each net-of-tax rate at least 1e-9."""
    out = np.empty(mtr.size)
    for i in range(mtr.size):
        keep = maximum(1.0 - mtr[i], 1e-9)
        out[i] = maximum(keep - rate_change[i], 1e-9) / keep
    return out


@njit(cache=True)
def _reported(base, eti, real, log_change):
    out = np.empty(base.size)
    for i in range(base.size):
        avoidable = maximum(eti[i] * base[i] - real[i], 0.0)
        out[i] = maximum(base[i] + avoidable * log_change[i], 0.0)
    return out


def reported_income(response: TaxableIncome | None, base: NDArray, rate_change: NDArray | float) -> NDArray:
    """``base`` when the taxable-income response is off (``response`` None), else what adults report."""
    return base if response is None else response.reported(base, rate_change)


def labour_metrics(employed: NDArray, hours: NDArray, weight: NDArray, decile: NDArray,
                   p: LabourParameters) -> dict[str, float]:
    """Hours per worker and per adult (annual, base-year level ``labour.hours_per_worker`` × the hours
    factor), participation (employed share of adults), leisure per adult (time endowment − hours per adult),
    overall and by decile of earnings capacity (``<metric>_by_decile.d1`` … ``d10``)."""
    adults, workers, totals = _decile_sums(np.asarray(employed, dtype=np.bool_), np.asarray(hours, dtype=np.float64),
                                           np.asarray(weight, dtype=np.float64), np.asarray(decile),
                                           float(p.hours_per_worker))
    values: dict[str, float] = {}
    for k in range(DECILES + 1):
        adult, worker, total = float(adults[k]), float(workers[k]), float(totals[k])
        per_adult = total / adult if adult > 0 else 0.0
        suffix = "" if k == 0 else f"_by_decile.d{k}"
        values[f"hours_per_worker{suffix}"] = total / worker if worker > 0 else 0.0
        values[f"hours_per_adult{suffix}"] = per_adult
        values["participation_rate" if k == 0 else f"participation{suffix}"] = worker / adult if adult > 0 else 0.0
        values[f"leisure_per_adult{suffix}"] = p.time_endowment - per_adult
    return values


#: The largest block numpy's pairwise summation sums directly (``PW_BLOCKSIZE``).
_PAIRWISE_BLOCK = 128
#: The running sums of numpy's pairwise summation within a block, and of :func:`commonwealth.sums.dot`.
_LANES = 8


@njit(cache=True)
def _decile_sums(employed, hours, weight, decile, hours_per_worker):
    """Over all adults (row 0) and over each decile d (row d + 1): Σ w, Σ w·employed and Σ w·hours worked
    with the bits of ``(weight * mask).sum()``, ``dot(weight * mask, employed)`` and ``dot(weight * mask,
    worked)`` over all records, ``mask`` the decile's, in two passes and no masks (for finite weights: the
    records outside a decile add exact zeros to its sums, which are left out)."""
    n = weight.size
    rows = DECILES + 1
    workers = np.zeros((rows, _LANES + 1))  # the dot's eight lanes, then its tail
    totals = np.zeros((rows, _LANES + 1))
    stop = n - n % _LANES
    for i in range(n):
        lane = i % _LANES if i < stop else _LANES
        row = decile[i] + 1
        at_work = 1.0 if employed[i] else 0.0
        worker = weight[i] * at_work
        total = weight[i] * (hours_per_worker * hours[i] * at_work)
        workers[0, lane] += worker
        workers[row, lane] += worker
        totals[0, lane] += total
        totals[row, lane] += total
    scratch = np.zeros((64, rows))  # the halving from 2^63 records stops at 128 by depth 57
    _pairwise_rows(weight, decile, scratch)
    return scratch[0], lanes_totals(workers), lanes_totals(totals)


@njit(cache=True)
def _pairwise_rows(weight, decile, scratch):
    """numpy's pairwise sum of ``weight`` into ``scratch[0, 0]`` and of its members of each decile d (the others
    as zeros) into ``scratch[0, d + 1]``: a range of more than 128 records is the sum of its halves, split at a
    multiple of 8 (left first), a smaller one is :func:`_pairwise_block`. The recursion runs on an explicit
    stack, one row of ``scratch`` per level (Numba's cache cannot hold a recursive function)."""
    depth = scratch.shape[0]
    start = np.zeros(depth, dtype=np.int64)
    size = np.zeros(depth, dtype=np.int64)
    step = np.zeros(depth, dtype=np.int64)  # 0: sum the left half next, 1: the right half, 2: add the two
    size[0] = weight.size
    lanes = np.empty((scratch.shape[1], _LANES))
    top = 0
    while top >= 0:
        if size[top] <= _PAIRWISE_BLOCK:
            _pairwise_block(weight, decile, start[top], size[top], scratch[top], lanes)
            top -= 1
            continue
        half = size[top] // 2
        half -= half % _LANES
        if step[top] == 2:  # left half + right half
            for r in range(scratch.shape[1]):
                scratch[top, r] = scratch[top, r] + scratch[top + 1, r]
            top -= 1
            continue
        if step[top] == 0:
            child_start, child_size = start[top], half
        else:
            scratch[top] = scratch[top + 1]  # the left half's sums, while the right half is summed
            child_start, child_size = start[top] + half, size[top] - half
        step[top] += 1
        top += 1
        start[top], size[top], step[top] = child_start, child_size, 0


@njit(cache=True)
def _pairwise_block(weight, decile, lo, n, out, lanes):
    """numpy's pairwise sum of at most 128 records ``lo … lo + n − 1`` (overall and by decile, as
    :func:`_pairwise_rows`): from 8 records, eight lanes combined pairwise, then the remainder in order.
    ``lanes``: scratch, a row per sum."""
    out[:] = 0.0
    rest = lo
    if n >= _LANES:
        lanes[:] = 0.0
        rest = lo + n - n % _LANES
        for i in range(lo, rest):
            lanes[0, (i - lo) % _LANES] += weight[i]
            lanes[decile[i] + 1, (i - lo) % _LANES] += weight[i]
        for r in range(out.size):
            s = lanes[r]
            out[r] = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
    for i in range(rest, lo + n):
        out[0] += weight[i]
        out[decile[i] + 1] += weight[i]
