"""Percentile bands by weighted rank, without sorting: radix selection over the bits of the values.

The status quo taxes each adult at the rate of their income-percentile band and saves at the rate of
their wealth-percentile band. A record's band is fixed by its weighted mid-rank
m_i = (C_i − w_i/2) / W, where C_i is the weight of the records up to and including i when the records
are sorted by value (ties in input order, a stable sort) and W the total weight; record i is in band
#{k : b_k ≤ m_i} for band upper edges b_1 < … < b_K (``numpy.searchsorted(breaks, m, "right")``).

Sorting all n records to find K ≈ 10 cut points is wasteful: here the cut points are *selected*, as in
a radix select (Knuth, TAOCP vol. 3, §5.2.5; the "histogram then narrow" of MSD radix sort). Each value is
mapped to a 64-bit key that orders like the value; one pass histograms the weights by the key's top 16
bits; the bucket where each cut falls is narrowed by the next 8 bits, and so on, until the few records
left are ranked exactly in input order; a last pass gives every record its band. The work is O(n) plus
a small remainder, against O(n log n) for a full sort, and the result is the same as ranking after a
stable sort — up to the rounding of the running weight sums, which are added per bucket rather than
record by record (a relative 1e-16: a record would change band only if its mid-rank lay that close to a
band edge; with integer weights the sums are exact and so are the bands).
"""

from __future__ import annotations

import itertools
import threading

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray

from commonwealth.distribution import as_records

__all__ = ["band_index", "band_rates", "band_rates_by_rank"]

#: Bits of the key resolved by the first, full pass (65,536 buckets: 512 KiB of weights).
_TOP_BITS = 16
#: Bits resolved by each later pass over the records still in play.
_STEP_BITS = 8
#: Records in play below which the rest is ranked by a stable sort.
_SMALL = 64
#: IEEE 754 float64 sign bit, and exponent bits (all set: infinity or NaN).
_SIGN = np.uint64(1 << 63)
_EXPONENT = np.uint64(0x7FF0_0000_0000_0000)


@njit(cache=True, inline="always")
def _key(bits: np.uint64) -> np.uint64:
    """A 64-bit key that orders like the float whose IEEE 754 bits are ``bits``: a negative float's bits
    are flipped, a non-negative float's sign bit is set, and −0.0 gets the key of 0.0."""
    if bits == _SIGN:
        return _SIGN
    if bits & _SIGN:
        return ~bits
    return bits | _SIGN


class _Workspace:
    """Scratch arrays reused from call to call (fresh zeroed pages would cost more in page faults than
    the passes themselves at 100,000 records): per top-level bucket its weight, gather slot and band;
    per record its bucket."""

    def __init__(self) -> None:
        buckets = 1 << _TOP_BITS
        self.hist = np.zeros(buckets)  # kept zero between calls (_thresholds)
        self.slot = np.empty(buckets, np.int64)
        self.table = np.empty(buckets, np.int8)
        self.bucket = np.empty(0, np.uint16)

    def buckets_for(self, n: int) -> NDArray[np.uint16]:
        if self.bucket.size < n:
            self.bucket = np.empty(n, np.uint16)
        return self.bucket[:n]


_LOCAL = threading.local()


def _workspace() -> _Workspace:
    """This thread's workspace (threads running simulations side by side do not share scratch arrays)."""
    space = getattr(_LOCAL, "space", None)
    if space is None:
        space = _LOCAL.space = _Workspace()
    return space


@njit(cache=True)
def _first_reaching(keys: NDArray, idx: NDArray, w: NDArray, below: float, total: float, edge: float,
                    ) -> tuple[bool, np.uint64, np.int64]:
    """Rank the records ``idx`` (input order) exactly, ``below`` weight beneath them: the first in stable
    sorted order whose mid-rank reaches ``edge``, as (found, key, index)."""
    # Stable: ties stay in input order (all tied: input order is the sorted order).
    order = np.arange(keys.size) if keys.min() == keys.max() else np.argsort(keys, kind="mergesort")
    cumulative = below
    for j in order:
        weight = w[idx[j]]
        cumulative += weight
        if (cumulative - 0.5 * weight) / total >= edge:
            return True, keys[j], idx[j]
    return False, np.uint64(0), np.int64(-1)


@njit(cache=True)
def _narrow(keys: NDArray, idx: NDArray, w: NDArray, below: float, total: float, edge: float, shift: int,
            ) -> tuple[bool, np.uint64, np.int64]:
    """The first record (stable sorted order) of ``idx`` — records whose keys share the bits above
    ``shift``, in input order, ``below`` weight beneath them — whose mid-rank reaches ``edge``; if none
    does, the first record after them that the narrowing saw (found False when there is none)."""
    next_key, next_idx = np.uint64(0), np.int64(-1)
    digits = 1 << _STEP_BITS
    mask = np.uint64(digits - 1)
    while keys.size > _SMALL and shift > 0 and keys.min() != keys.max():
        shift = max(shift - _STEP_BITS, 0)
        hist = np.zeros(digits)
        for j in range(keys.size):
            hist[(keys[j] >> shift) & mask] += w[idx[j]]
        chosen = -1
        for d in range(digits):  # mid-ranks never exceed C/W: the digit where C/W first reaches the edge
            if (below + hist[d]) / total >= edge:
                chosen = d
                break
            below += hist[d]
        if chosen < 0:  # summed digit by digit, the set falls short of the edge (rounding): none reaches it
            return next_idx >= 0, next_key, next_idx
        inside = 0
        for j in range(keys.size):
            inside += (keys[j] >> shift) & mask == chosen
        kept_keys = np.empty(inside, np.uint64)
        kept_idx = np.empty(inside, np.int64)
        m = 0
        found_next = False
        for j in range(keys.size):
            d = (keys[j] >> shift) & mask
            if d == chosen:
                kept_keys[m], kept_idx[m] = keys[j], idx[j]
                m += 1
            elif d > chosen and (not found_next or keys[j] < next_key):  # strict: ties keep the first index
                next_key, next_idx, found_next = keys[j], idx[j], True
        keys, idx = kept_keys, kept_idx
    if keys.size:
        found, key, index = _first_reaching(keys, idx, w, below, total, edge)
        if found:
            return True, key, index
    return next_idx >= 0, next_key, next_idx


@njit(cache=True)
def _thresholds(x: NDArray, w: NDArray, edges: NDArray, hist: NDArray, slot: NDArray, table: NDArray,
                bucket: NDArray) -> tuple[NDArray, NDArray, NDArray, int]:
    """For each band edge, the first record (stable sorted order) whose weighted mid-rank reaches it.

    ``x`` are the values' IEEE 754 bits; ``hist``, ``slot`` and ``table`` are scratch arrays
    of one entry per top-level bucket, ``bucket`` one per record; ``hist`` is all zero on entry and is left
    so (only the buckets between the lowest and the highest occupied are cleared: a few hundred for incomes,
    against 65,536). On return ``bucket`` holds each
    record's top-level bucket and ``table`` the band of every occupied bucket no reached edge falls in
    (−1 where one does).

    Returns per edge its key and index and whether any record reaches it, and a status: 0 ok, 1 a value
    is not finite, 2 a weight is negative or not finite, 3 the weights sum to zero.
    """
    n = x.size
    k = edges.size
    threshold_key = np.zeros(k, np.uint64)
    threshold_idx = np.zeros(k, np.int64)
    reached = np.zeros(k, np.bool_)
    top = 64 - _TOP_BITS
    buckets = 1 << _TOP_BITS
    lowest, highest = buckets - 1, 0
    for i in range(n):
        if x[i] & _EXPONENT == _EXPONENT:  # infinity or NaN
            hist[:] = 0.0
            return threshold_key, threshold_idx, reached, 1
        if not (w[i] >= 0.0 and np.isfinite(w[i])):
            hist[:] = 0.0
            return threshold_key, threshold_idx, reached, 2
        b = _key(x[i]) >> top
        bucket[i] = b
        hist[b] += w[i]
        lowest, highest = min(lowest, b), max(highest, b)
    total = 0.0
    for b in range(lowest, highest + 1):
        total += hist[b]
    if not total > 0.0:
        hist[lowest:highest + 1] = 0.0
        return threshold_key, threshold_idx, reached, 3
    # The bucket of each edge: the first whose cumulative weight share reaches it.
    bucket_of = np.full(k, -1, np.int64)
    below_of = np.zeros(k)
    cumulative = 0.0
    e = 0
    while e < k and edges[e] <= 0.0:  # every mid-rank is ≥ 0: the first record reaches it
        reached[e] = True
        e += 1
    for b in range(lowest, highest + 1):
        if hist[b] == 0.0:
            continue  # empty, or only weightless records: no edge (> 0) is first reached here
        after = cumulative + hist[b]
        while e < k and after / total >= edges[e]:
            bucket_of[e], below_of[e] = b, cumulative
            e += 1
        cumulative = after
    hist[lowest:highest + 1] = 0.0  # every later step reads the buckets' members, not their weights
    # Gather the records of those buckets (at most one per edge), in input order.
    slot[lowest:highest + 1] = -1
    used = 0
    for e in range(k):
        b = bucket_of[e]
        if b >= 0 and slot[b] < 0:
            slot[b] = used
            used += 1
    start = np.zeros(used + 1, np.int64)  # a counting sort of the gathered records by slot
    for i in range(n):
        s = slot[bucket[i]]
        if s >= 0:
            start[s + 1] += 1
    for s in range(used):
        start[s + 1] += start[s]
    members = np.empty(start[used], np.int64)
    fill = start[:used].copy()
    for i in range(n):
        s = slot[bucket[i]]
        if s >= 0:
            members[fill[s]] = i
            fill[s] += 1
    for e in range(k):
        b = bucket_of[e]
        if b < 0:
            continue  # no record reaches this edge
        idx = members[start[slot[b]]:start[slot[b] + 1]]
        keys = np.empty(idx.size, np.uint64)
        for j in range(idx.size):
            keys[j] = _key(x[idx[j]])
        found, key, index = _narrow(keys, idx, w, below_of[e], total, edges[e], top)
        if found:
            reached[e], threshold_key[e], threshold_idx[e] = True, key, index
        elif b + 1 < buckets:  # none of the bucket reaches it: the first record of a later bucket does
            reached[e], threshold_key[e], threshold_idx[e] = True, np.uint64(b + 1) << top, 0
    # The band of each bucket: the reached edges in earlier buckets (edges are in sorted order).
    e = 0
    band = 0
    for b in range(lowest, highest + 1):
        while e < k and reached[e] and (threshold_key[e] >> top) < b:
            band += 1
            e += 1
        table[b] = band
    for e in range(k):
        b = threshold_key[e] >> top
        if reached[e] and lowest <= b <= highest:
            table[b] = -1  # mixed: decided record by record
    return threshold_key, threshold_idx, reached, 0


@njit(cache=True)
def _assign(x: NDArray, bucket: NDArray, table: NDArray, threshold_key: NDArray, threshold_idx: NDArray,
            reached: NDArray) -> NDArray:
    """The band of every record: the number of edges at or before it in stable sorted order — the band
    of its bucket, or, in a bucket an edge falls in, counted edge by edge."""
    out = np.empty(x.size, np.int8)
    k = threshold_key.size
    for i in range(x.size):
        band = table[bucket[i]]
        if band < 0:
            key = _key(x[i])
            band = 0
            for e in range(k):
                band += reached[e] & ((key > threshold_key[e])
                                      | ((key == threshold_key[e]) & (i >= threshold_idx[e])))
        out[i] = band
    return out


#: Most band edges :func:`band_index` takes (bands are stored as int8).
MAX_BREAKS = 126


def band_index(values: ArrayLike, weights: ArrayLike, breaks: ArrayLike) -> NDArray[np.int8]:
    """The weighted-percentile band of each record, 0 … len(breaks).

    Equal to ``searchsorted(breaks, mid_rank(values, weights), side="right")`` (see the module docstring
    for the rounding caveat), in O(n). ``breaks`` are the bands' upper edges as population shares,
    increasing, between 0 and 1. Raises ``ValueError`` for values or weights that are not finite,
    negative weights, weights summing to zero, or breaks out of order or outside [0, 1].
    """
    x, w = as_records(values, weights)  # finiteness and signs are checked in the first pass below
    edges = np.asarray(breaks, dtype=np.float64).ravel()
    shares = edges.tolist()  # a few numbers: Python's comparisons cost less than numpy's calls
    if (len(shares) > MAX_BREAKS or not all(0.0 <= b <= 1.0 for b in shares)
            or not all(a < b for a, b in itertools.pairwise(shares))):
        raise ValueError(f"breaks must be increasing population shares between 0 and 1, at most {MAX_BREAKS}; "
                         f"got {shares}")
    bits = x.view(np.uint64)
    space = _workspace()
    bucket = space.buckets_for(x.size)
    key, idx, reached, status = _thresholds(bits, w, edges, space.hist, space.slot, space.table, bucket)
    if status:
        raise ValueError({1: "values must be finite", 2: "weights must be finite and non-negative",
                          3: "weights must not all be zero"}[status])
    return _assign(bits, bucket, space.table, key, idx, reached)


def band_rates_by_rank(values: ArrayLike, weights: ArrayLike, breaks: ArrayLike, rates: ArrayLike,
                       ) -> NDArray[np.float64]:
    """The rate of the weighted-percentile band each record falls in: ``rates[band_index(...)]``;
    ``rates`` has one more entry than ``breaks``."""
    if np.size(rates) != np.size(breaks) + 1:
        raise ValueError(f"rates need one more entry than breaks ({np.size(rates)} rates, {np.size(breaks)} breaks)")
    return band_rates(band_index(values, weights, breaks), rates)


def band_rates(band: NDArray[np.int8], rates: ArrayLike) -> NDArray[np.float64]:
    """``rates[band]`` for bands already found (:func:`band_index`): one rate per band, 0 … len(rates) − 1."""
    return _take(np.ascontiguousarray(rates, dtype=np.float64).ravel(), band)


@njit(cache=True)
def _take(table: NDArray, band: NDArray) -> NDArray:
    """``table[band]`` without numpy's conversion of the int8 bands to a full-width index array."""
    out = np.empty(band.size)
    for i in range(band.size):
        out[i] = table[band[i]]
    return out
