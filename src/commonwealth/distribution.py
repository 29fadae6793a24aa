"""Weighted distribution statistics over population records.

Every function takes ``values`` (one number per record, e.g. net worth in USD) and ``weights`` (the
number of adults each record stands for, ≥ 0) and treats a record as ``weight`` identical adults
with the record's value. All functions are exact (no sampling, no binning), vectorised, and
sort-based: O(n log n) for n records.

Conventions used throughout:

* Percentile groups are fractions of total *weight* (population), ranked by value. When a cut falls
  inside a record, the record is split fractionally: the part of its weight below the cut counts on
  one side, the rest on the other. Shares are therefore exact for any weights, and
  ``bottom_share(f) + top_share(1 - f) == 1``.
* Records with equal values may be ordered arbitrarily; no result depends on their order.
* Shares are ratios to the weighted total ``Σ w·x``; they are undefined (``ValueError``) when the
  total is zero, and may fall outside [0, 1] when some values are negative (e.g. net worth).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numba import njit, prange
from numpy.typing import ArrayLike, NDArray

from commonwealth.kernel_threads import record_kernel
from commonwealth.prefetch import PREFETCH_DISTANCE, prefetch_read, prefetch_write
from commonwealth.sorting import (
    gather_cumulative,
    gather_weights,
    stable_argsort,
    stable_argsort_nearly_sorted,
    take,
)
from commonwealth.sums import LANES, lanes_total

__all__ = [
    "Distribution",
    "bottom_share",
    "count_above",
    "gini",
    "mid_rank",
    "running_ranks",
    "share_between",
    "top_share",
    "weighted_median",
    "weighted_quantile",
]


def as_records(values: ArrayLike, weights: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``values`` and ``weights`` as contiguous float64 1-d arrays of one equal, non-zero length."""
    x = np.asarray(values, dtype=np.float64).ravel()
    w = np.asarray(weights, dtype=np.float64).ravel()
    if x.shape != w.shape:
        raise ValueError(f"values and weights differ in length ({x.size} vs {w.size})")
    if x.size == 0:
        raise ValueError("values is empty")
    return x, w


@njit(cache=True)
def _records_status(x: NDArray[np.float64], w: NDArray[np.float64]) -> int:
    """One pass of :func:`_prepare`'s checks: 1 a value or weight not finite, 2 a negative weight, 3 every
    weight zero (non-negative weights sum to zero only then), 0 none."""
    negative = False
    positive = False
    for i in range(x.size):
        if not (np.isfinite(x[i]) and np.isfinite(w[i])):
            return 1
        negative |= w[i] < 0.0
        positive |= w[i] > 0.0
    return 2 if negative else 0 if positive else 3


_RECORDS_ERRORS = {1: "values and weights must be finite", 2: "weights must be non-negative",
                   3: "weights must not all be zero"}


def _prepare(
    values: ArrayLike, weights: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate and convert to float64 1-d arrays of equal length with non-negative weights."""
    x, w = as_records(values, weights)
    status = _records_status(x, w)
    if status:
        raise ValueError(_RECORDS_ERRORS[status])
    return x, w


@njit(cache=True)
def _share_sums(upper: NDArray[np.float64], ws: NDArray[np.float64], xs: NDArray[np.float64], lo: NDArray[np.float64],
                hi: NDArray[np.float64]) -> NDArray[np.float64]:
    """For each band j, ``dot(clip(minimum(upper, hi[j]) − maximum(upper − ws, lo[j]), 0, None), xs)``: the same
    operations as numpy's (its minimum, maximum and clip keep the first operand on ties and NaN) and the same
    sum as :func:`~commonwealth.sums.dot`, every band in one pass with no temporaries (each band's own running
    sums: the same bits as a pass a band)."""
    n, k = xs.size, lo.size
    stop = n - n % LANES
    lanes = np.zeros((k, LANES))
    tails = np.zeros(k)
    for i in range(n):
        u = upper[i]
        lower = u - ws[i]
        x = xs[i]
        for j in range(k):
            top = u if (u <= hi[j] or u != u) else hi[j]
            bottom = lower if (lower >= lo[j] or lower != lower) else lo[j]
            inside = top - bottom
            if not (inside >= 0.0 or inside != inside):
                inside = 0.0
            if i < stop:
                lanes[j, i % LANES] += inside * x
            else:
                tails[j] += inside * x
    out = np.empty(k)
    for j in range(k):
        out[j] = lanes_total(lanes[j], tails[j])
    return out


@njit(cache=True, inline="always")
def _inside_times(top: float, lower: float, x: float) -> float:
    """:func:`_share_sums`' product for one record below a cut at ``top`` (from 0): the weight inside, clipped
    at 0, times the value."""
    inside = top - (lower if lower >= 0.0 else 0.0)
    if not inside >= 0.0:
        inside = 0.0
    return inside * x


@njit(cache=True, inline="always")
def _add_to_lane(lanes: NDArray[np.float64], tail: float, i: int, stop: int, value: float) -> float:
    """Add record ``i``'s ``value`` where :func:`~commonwealth.sums.dot` adds it (its lane, or the tail past
    ``stop``); returns the tail."""
    if i < stop:
        lanes[i % LANES] += value
        return tail
    return tail + value


@njit(cache=True)
def _bottom_share_sums(upper: NDArray[np.float64], ws: NDArray[np.float64], xs: NDArray[np.float64],
                       cuts: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`_share_sums` from 0 to each of the increasing ``cuts`` (weights), in one pass: the records
    wholly below a cut add the same products to the same lanes whatever the cut, so they are added once and
    carried on; the few that straddle a cut are added to a copy. Records past them add zeros in
    :func:`_share_sums`, which leave a sum unchanged, so they are skipped."""
    n = xs.size
    stop = n - n % LANES
    lanes = np.zeros(LANES)
    tail = 0.0
    out = np.empty(cuts.size)
    i = 0
    for c in range(cuts.size):
        hi = cuts[c]
        while i < n and upper[i] <= hi:
            tail = _add_to_lane(lanes, tail, i, stop, _inside_times(upper[i], upper[i] - ws[i], xs[i]))
            i += 1
        straddling = lanes.copy()
        straddling_tail = tail
        j = i
        while j < n and upper[j] - ws[j] < hi:
            straddling_tail = _add_to_lane(straddling, straddling_tail, j, stop,
                                           _inside_times(hi, upper[j] - ws[j], xs[j]))
            j += 1
        out[c] = lanes_total(straddling, straddling_tail)
    return out


@njit(cache=True)
def _gini_numerator(upper: NDArray[np.float64], ws: NDArray[np.float64], xs: NDArray[np.float64],
                    total_weight: float) -> float:
    """``dot(ws · xs, 2 · upper − ws − W)``, as numpy and :func:`~commonwealth.sums.dot` compute it."""
    n = xs.size
    stop = n - n % LANES
    lanes = np.zeros(LANES)
    tail = 0.0
    for i in range(n):
        product = (ws[i] * xs[i]) * ((2.0 * upper[i] - ws[i]) - total_weight)
        if i < stop:
            lanes[i % LANES] += product
        else:
            tail += product
    return lanes_total(lanes, tail)


@record_kernel
def _scatter_mid_rank(order: NDArray[np.intp], upper: NDArray[np.float64], ws: NDArray[np.float64],
                      total_weight: float) -> NDArray[np.float64]:
    """``rank[order] = (upper − 0.5 · ws) / W`` in one pass."""
    rank = np.empty(order.size)
    ahead = order.size - PREFETCH_DISTANCE
    for i in prange(order.size):
        if i < ahead:  # the place written PREFETCH_DISTANCE records from now (commonwealth.prefetch)
            prefetch_write(rank, order[i + PREFETCH_DISTANCE])
        rank[order[i]] = (upper[i] - 0.5 * ws[i]) / total_weight
    return rank


@njit(cache=True)
def _mid_rank_of(order: NDArray[np.intp], upper: NDArray[np.float64], ws: NDArray[np.float64], total_weight: float,
                 records: NDArray[np.intp]) -> NDArray[np.float64]:
    """:func:`_scatter_mid_rank`'s ranks of ``records`` (increasing record numbers) alone: one sequential pass
    over the order, a lookup in a byte per record, no scatter over every record."""
    wanted = np.zeros(order.size, dtype=np.bool_)
    for r in records:
        wanted[r] = True
    out = np.empty(records.size)
    ahead = order.size - PREFETCH_DISTANCE
    for k in range(order.size):
        if k < ahead:
            prefetch_read(wanted, order[k + PREFETCH_DISTANCE])
        i = order[k]
        if wanted[i]:
            out[np.searchsorted(records, i)] = (upper[k] - 0.5 * ws[k]) / total_weight
    return out


@njit(cache=True)
def _running_ranks(order: NDArray[np.intp], xs: NDArray[np.float64], w: NDArray[np.float64],
                   records: NDArray[np.intp]) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    """:func:`running_ranks` in one pass over the order: the running weights, each wanted record's
    ``upper − 0.5 · w`` (divided by the total once it is known) and the records' status."""
    n = order.size
    wanted = np.zeros(n, dtype=np.bool_)
    for r in records:
        wanted[r] = True
    upper = np.empty(n)
    ranks = np.empty(records.size)
    acc = 0.0
    finite, negative, positive = True, False, False
    ahead = n - PREFETCH_DISTANCE
    for k in range(n):
        if k < ahead:  # the weight and flag read PREFETCH_DISTANCE records from now (commonwealth.prefetch)
            j = order[k + PREFETCH_DISTANCE]
            prefetch_read(w, j)
            prefetch_read(wanted, j)
        i = order[k]
        u, v = w[i], xs[k]
        finite &= np.isfinite(v) & np.isfinite(u)
        negative |= u < 0.0
        positive |= u > 0.0
        acc += u
        upper[k] = acc
        if wanted[i]:
            ranks[np.searchsorted(records, i)] = acc - 0.5 * u
    status = 1 if not finite else 2 if negative else 0 if positive else 3
    if n:
        ranks /= upper[n - 1]
    return upper, ranks, status


def _check_records(caller: str, records: NDArray[np.intp], n: int) -> None:
    """Refuse record numbers that are not increasing and distinct, or that lie outside 0 … n − 1."""
    if records.size > 1 and np.any(records[1:] <= records[:-1]):
        raise ValueError(f"{caller} needs increasing, distinct record numbers")
    if records.size and (records[0] < 0 or records[-1] >= n):
        raise ValueError(f"record numbers must lie in 0 … {n - 1}")


def running_ranks(order: NDArray[np.intp], xs: NDArray[np.float64], weights: ArrayLike, records: ArrayLike
                  ) -> tuple[NDArray[np.float64], float, NDArray[np.float64]]:
    """For values whose stable ``order`` and sorted values ``xs`` are known (a
    :class:`~commonwealth.sorting.KeptOrder`): the running weights in that order, the total weight and the
    weighted mid-ranks of ``records`` (increasing, distinct record numbers) — ``d.upper``, ``d.total_weight``
    and ``d.mid_rank_of(records)`` of ``d = Distribution.in_order(order, xs, weights)``, bit for bit, in one
    pass and without the weights in order (what the heirs' ranks need, and no more)."""
    o = np.asarray(order)
    w = np.ascontiguousarray(weights, dtype=np.float64).ravel()
    x = np.ascontiguousarray(xs, dtype=np.float64)
    r = np.asarray(records, dtype=np.intp)
    if w.shape != o.shape or x.shape != w.shape:
        raise ValueError(f"order, values and weights differ in length ({o.size}, {x.size}, {w.size})")
    if w.size == 0:
        raise ValueError("values is empty")
    _check_records("running_ranks", r, w.size)
    upper, ranks, status = _running_ranks(o, x, w, r)
    if status:
        raise ValueError(_RECORDS_ERRORS[status])
    return upper, float(upper[-1]), ranks


@njit(cache=True)
def _last_weighted(xs: NDArray[np.float64], ws: NDArray[np.float64]) -> float:
    """The last value whose weight is positive (``xs[ws > 0][-1]``)."""
    for i in range(xs.size - 1, -1, -1):
        if ws[i] > 0.0:
            return xs[i]
    raise ValueError("no record has a positive weight")


def _check_fraction(name: str, f: float) -> float:
    f = float(f)
    if not 0.0 <= f <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {f}")
    return f


def share_between(values: ArrayLike, weights: ArrayLike, lo: float, hi: float) -> float:
    """Share of the weighted total ``Σ w·x`` held by the population between two percentiles.

    ``lo`` and ``hi`` are fractions of the population counted from the *bottom* of the value
    ranking, ``0 ≤ lo ≤ hi ≤ 1``: ``share_between(x, w, 0.9, 0.99)`` is the share of the
    90th–99th percentile group. A record whose cumulative weight straddles ``lo`` or ``hi``
    contributes only the part of its weight inside ``[lo·W, hi·W]`` (W = total weight).
    """
    lo = _check_fraction("lo", lo)
    hi = _check_fraction("hi", hi)
    if lo > hi:
        raise ValueError(f"lo ({lo}) must not exceed hi ({hi})")
    return Distribution(values, weights).share_between(lo, hi)


def top_share(values: ArrayLike, weights: ArrayLike, fraction: float) -> float:
    """Share of ``Σ w·x`` held by the top ``fraction`` of the population (0.001: the top 0.1%).

    Equal to ``share_between(values, weights, 1 - fraction, 1)``; a straddling record is split.
    """
    fraction = _check_fraction("fraction", fraction)
    return share_between(values, weights, 1.0 - fraction, 1.0)


def bottom_share(values: ArrayLike, weights: ArrayLike, fraction: float) -> float:
    """Share of ``Σ w·x`` held by the bottom ``fraction`` of the population (e.g. 0.5).

    Equal to ``share_between(values, weights, 0, fraction)``; a straddling record is split.
    """
    fraction = _check_fraction("fraction", fraction)
    return share_between(values, weights, 0.0, fraction)


def gini(values: ArrayLike, weights: ArrayLike) -> float:
    """Weighted Gini coefficient: mean absolute difference over twice the mean.

    G = Σ_i Σ_j w_i w_j |x_i − x_j| / (2 W² μ), with W = Σ w and μ = Σ w·x / W. Each record is a
    point mass of ``w`` adults with the same value, so there is no inequality inside a record. With
    values sorted ascending and C_i the cumulative weight up to and including record i, the double
    sum equals 2 Σ_i w_i x_i (2 C_i − w_i − W), which is how it is computed. Ties cancel exactly.
    For non-negative values G ∈ [0, 1); with negative values (net worth) G can exceed 1. Raises
    ``ValueError`` when μ = 0.
    """
    return Distribution(values, weights).gini()


def weighted_quantile(
    values: ArrayLike, weights: ArrayLike, q: ArrayLike
) -> float | NDArray[np.float64]:
    """Weighted quantile(s) by the inverse of the weighted empirical distribution function.

    Q(q) = min{x_i : W(x ≤ x_i) ≥ q·W}, i.e. the smallest value whose cumulative weight share
    reaches ``q`` (Hyndman–Fan type 1, no interpolation); Q(0) is the minimum. ``q`` may be a scalar
    or an array of numbers in [0, 1]; the result has the same shape. Records with zero weight are
    never returned. The comparison allows a relative slack of 1e-12 on the cumulative weight, so
    that rounding in the running sum does not skip a record that reaches q exactly.
    """
    x, w = _prepare(values, weights)
    qs = np.asarray(q, dtype=np.float64)
    if np.any((qs < 0) | (qs > 1)) or not np.all(np.isfinite(qs)):
        raise ValueError("quantiles must be between 0 and 1")
    keep = w > 0
    x, w = x[keep], w[keep]
    order = stable_argsort(x)
    xs = x[order]
    cumulative = np.cumsum(w[order])
    total_weight = cumulative[-1]
    # Relative tolerance so that e.g. q = 0.5 with cumulative share 0.4999999999999999 still lands.
    target = qs * total_weight * (1.0 - 1e-12)
    index = np.searchsorted(cumulative, target, side="left")
    index = np.clip(index, 0, xs.size - 1)
    result = xs[index]
    return float(result) if result.ndim == 0 else result


def weighted_median(values: ArrayLike, weights: ArrayLike) -> float:
    """Weighted median: ``weighted_quantile(values, weights, 0.5)``."""
    return float(weighted_quantile(values, weights, 0.5))


def count_above(values: ArrayLike, weights: ArrayLike, threshold: float) -> float:
    """Number of adults (sum of weights) whose value is at or above ``threshold``.

    "At or above" so that a fortune of exactly $1 billion counts as a billionaire.
    """
    x, w = _prepare(values, weights)
    return float(w[x >= threshold].sum())


def mid_rank(values: ArrayLike, weights: ArrayLike) -> NDArray[np.float64]:
    """Weighted mid-rank of each record in (0, 1): the population share below it plus half its own.

    Ties keep their input order (a stable sort), so the result is deterministic.
    """
    return Distribution(values, weights).mid_rank()


class Distribution:
    """One weighted distribution, sorted once, answering every question above without re-sorting.

    The engine asks for several shares, a Gini, counts and ranks of the same values each year; at 10M
    records each sort costs about a second, so it pays to sort once. Results equal the functions above.
    """

    def __init__(self, values: ArrayLike, weights: ArrayLike, *, hint: NDArray[np.intp] | None = None,
                 ranks: bool = True) -> None:
        """``hint``: optionally, a permutation of the records expected to be nearly sorted by value (an order
        known from a related distribution). The sort then starts from it (linear when it is nearly right); the
        result is sorted whatever the hint. Ties then follow the hint's order instead of the input order, which
        changes :meth:`mid_rank` for tied records and nothing else (shares, Gini, quantiles and counts do not
        depend on tie order). ``ranks=False``: shares, the Gini, quantiles and counts only — no :meth:`mid_rank`
        (the order found here is not kept; its memory holds the running weights). Values already in a known
        order: :meth:`in_order`."""
        x, w = as_records(values, weights)  # finiteness and signs are checked as the values are gathered
        if hint is None:
            self.order = stable_argsort(x)
            self.xs, self.ws, self.upper, total, status = gather_cumulative(self.order, x, w, reuse_order=not ranks)
        else:
            hint = np.asarray(hint)
            if hint.shape != x.shape:
                raise ValueError(f"hint has {hint.size} entries for {x.size} values")
            # Values and weights taken in the hint's order once (the random reads); the sort's permutation of
            # them is nearly the identity, so gathering in its order reads them nearly in sequence.
            total, status = self._sort_nearly_sorted(take(x, hint), take(w, hint), hint if ranks else None)
        if not ranks:
            self.order = None
        self._totals(total, status)

    @classmethod
    def nearly_sorted(cls, values: ArrayLike, weights: ArrayLike) -> Distribution:
        """``Distribution(v, w, hint=h, ranks=False)``, bit for bit, given ``values = v[h]`` and ``weights = w[h]``
        already taken in the hint's order (nearly sorted by value): shares, the Gini, quantiles and counts, no
        :meth:`mid_rank`. The caller need not hold the values in their first order nor the hint meanwhile (the
        voters' influence, :mod:`commonwealth.politics`: at 10M records three arrays fewer at the year's
        peak of memory)."""
        x, w = as_records(values, weights)
        self = cls.__new__(cls)
        self._totals(*self._sort_nearly_sorted(x, w, None))  # no hint: no order kept
        return self

    def _sort_nearly_sorted(self, x: NDArray[np.float64], w: NDArray[np.float64], hint: NDArray[np.intp] | None
                            ) -> tuple[float, int]:
        """Sort values ``x`` (weights ``w``) taken in an order expected to be nearly sorted, from that order; the
        order found, as records of the first order, if ``hint`` (the first order's records in ``x``'s order) is
        given. Returns the gathering pass's total and status."""
        permutation = stable_argsort_nearly_sorted(x)
        self.order = hint[permutation] if hint is not None else None  # before the gather reuses the permutation
        self.xs, self.ws, self.upper, total, status = gather_cumulative(permutation, x, w, reuse_order=True)
        return total, status

    def _totals(self, total: float, status: int) -> None:
        """Refuse what the gathering pass found wrong (its status); keep the weight and the Σ w·x."""
        if status:
            raise ValueError(_RECORDS_ERRORS[status])
        self.total_weight = float(self.upper[-1])
        self.total = float(total)  # dot(ws, xs)

    @classmethod
    def in_order(cls, order: NDArray[np.intp], xs: NDArray[np.float64], weights: ArrayLike) -> Distribution:
        """The distribution of values whose stable ``order`` and sorted values ``xs`` (``values[order]``) are
        already known (a merge, a :class:`~commonwealth.sorting.KeptOrder`): both trusted, not checked; only
        the weights are gathered. For the values' stable order, the same distribution, bit for bit, as
        ``Distribution(values, weights)``."""
        self = cls.__new__(cls)
        self.order = np.asarray(order)
        w = np.asarray(weights, dtype=np.float64).ravel()
        if w.shape != self.order.shape or np.shape(xs) != w.shape:
            raise ValueError(f"order, values and weights differ in length ({self.order.size}, {np.size(xs)}, "
                             f"{w.size})")
        if w.size == 0:
            raise ValueError("values is empty")
        self.xs = np.asarray(xs, dtype=np.float64)
        self.ws, self.upper, total, status = gather_weights(self.order, self.xs, w)
        self._totals(total, status)
        return self

    def share_between(self, lo: float, hi: float) -> float:
        return self.shares_between([(lo, hi)])[0]

    def shares_between(self, bands: Sequence[tuple[float, float]]) -> list[float]:
        """:meth:`share_between` of each band (lo, hi), in one pass over the records; the same values."""
        if self.total == 0.0:
            raise ValueError("the weighted total of values is zero; shares are undefined")
        lo = np.array([b[0] for b in bands], dtype=np.float64) * self.total_weight
        hi = np.array([b[1] for b in bands], dtype=np.float64) * self.total_weight
        return [float(v) for v in _share_sums(self.upper, self.ws, self.xs, lo, hi) / self.total]

    def top_share(self, fraction: float) -> float:
        return self.share_between(1.0 - _check_fraction("fraction", fraction), 1.0)

    def bottom_share(self, fraction: float) -> float:
        return self.share_between(0.0, _check_fraction("fraction", fraction))

    def bottom_shares(self, fractions: ArrayLike) -> NDArray[np.float64]:
        """:meth:`bottom_share` of each of the increasing ``fractions`` (a Lorenz curve's points), in one pass
        over the records instead of one each; 0 at 0. The same values, except where a cut falls within
        rounding of the end of a record's weight (tested to 1e-12)."""
        f = np.asarray(fractions, dtype=np.float64).ravel()
        if f.size and (np.any(np.diff(f) < 0) or f[0] < 0.0 or f[-1] > 1.0):
            raise ValueError(f"fractions must be increasing population shares between 0 and 1, got {f.tolist()}")
        if self.total == 0.0:
            raise ValueError("the weighted total of values is zero; shares are undefined")
        sums = _bottom_share_sums(self.upper, self.ws, self.xs, f * self.total_weight) / self.total
        return np.where(f > 0.0, sums, 0.0)

    def gini(self) -> float:
        if self.total == 0.0:
            raise ValueError("the weighted mean of values is zero; the Gini coefficient is undefined")
        numerator = float(_gini_numerator(self.upper, self.ws, self.xs, self.total_weight))
        return numerator / (self.total_weight * self.total)

    def count_above(self, threshold: float) -> float:
        start = np.searchsorted(self.xs, threshold, side="left")
        return float(self.ws[start:].sum())

    def quantile(self, q: float) -> float:
        """As :func:`weighted_quantile` (records with positive weight)."""
        index = np.searchsorted(self.upper, q * self.total_weight * (1.0 - 1e-12), side="left")
        return float(self.xs[min(int(index), self.xs.size - 1)])

    def mid_rank(self) -> NDArray[np.float64]:
        """Weighted mid-rank of each record in input order (as :func:`mid_rank`)."""
        return _scatter_mid_rank(self._order(), self.upper, self.ws, self.total_weight)

    def _order(self) -> NDArray[np.intp]:
        if self.order is None:
            raise ValueError("this Distribution was built with ranks=False: it has no ranks")
        return self.order

    def mid_rank_of(self, records: NDArray[np.intp]) -> NDArray[np.float64]:
        """``mid_rank()[records]`` for increasing, distinct record numbers, without ranking every record."""
        r = np.asarray(records, dtype=np.intp)
        _check_records("mid_rank_of", r, self.xs.size)
        return _mid_rank_of(self._order(), self.upper, self.ws, self.total_weight, r)

    def largest(self) -> float:
        """The largest value among records with positive weight."""
        return float(_last_weighted(self.xs, self.ws))
