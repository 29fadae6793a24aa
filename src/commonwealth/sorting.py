"""A linear-time stable ordering of float64 values: numpy's ``argsort(kind="stable")``, exactly, by radix.

The engine ranks the population several times a year (wealth, income, the heirs' efficiency); numpy's
stable sort of float64 is a timsort, O(n log n), and at a million records those sorts took a third of
a simulated year. A stable sort's output is unique — ties keep their input order — so any stable sort
returns the same permutation. This one maps the float64 bit patterns to unsigned integers in the same
order (Herf 2001, "Radix tricks": flip every bit of a negative number, only the sign bit of a positive
one), then sorts in two steps. First a least-significant-digit radix sort of one 8-byte word per record:
the key's upper bits with the record number in the low bits (24 bits up to 16,777,216 records, leaving
40 key bits for four passes of 10 bits; 32 above, leaving 32 key bits for three passes of 11), so the
sort is of the words themselves and ties stay in record order; 1,024 or 2,048 buckets keep the counts in
the first-level cache, and a pass whose digit is the same for every record is skipped. Then each run of
records whose upper key bits tie (rare for real data: they agree in the sign, exponent and first 28
bits of the mantissa) is put in the order of the lower bits, found again from the values, ties in record
order. Fewer passes than a full 64-bit sort and random reads only for the few tied runs: on this machine,
where a scattered write is the cost, about twice as fast as sorting whole keys and several times faster
than numpy (docs/performance.md). −0.0 ties with +0.0 and every NaN sorts last, in input order, as in
numpy. Below :data:`RADIX_MIN_SIZE` records numpy's sort is used instead (the same result).
"""

from __future__ import annotations

import threading

import numpy as np
from numba import njit, prange
from numpy.typing import ArrayLike, NDArray

from commonwealth.allocator import keep_in_place
from commonwealth.kernel_threads import enter_threads, record_kernel, use_threads
from commonwealth.prefetch import PREFETCH_DISTANCE, prefetch_read
from commonwealth.sums import LANES, lanes_total

__all__ = ["RADIX_MIN_SIZE", "KeptOrder", "count_at_or_below", "gather_cumulative", "gather_weights", "order_keys",
           "order_of_multiples", "select_quantile", "stable_argsort", "stable_argsort_nearly_sorted", "take"]

#: Arrays shorter than this (records) use numpy's stable sort, as fast there (measured on this machine:
#: equal near 2,000 records, radix 3× faster at a million).
RADIX_MIN_SIZE = 2_000

#: The record number takes the low bits of each 8-byte word, the key's upper bits the rest: 24 bits for up to
#: 16,777,216 records (40 key bits, four passes of 10 bits), else 32 (32 key bits, three passes of 11 bits).
#: More key bits, fewer records tied on them: at 10M records a third of them tie on 32 bits, and ordering
#: those runs cost more than a fourth pass. 1,024 or 2,048 buckets keep the counts in the first-level cache.
_SMALL_RECORD_BITS = 24
_MAX_DIGIT_BITS = 11


def _layout(n: int) -> tuple[int, int, int]:
    """(record bits, passes, digit bits) for ``n`` records."""
    record_bits = _SMALL_RECORD_BITS if n <= 1 << _SMALL_RECORD_BITS else 32
    key_bits = 64 - record_bits
    passes = -(-key_bits // _MAX_DIGIT_BITS)
    return record_bits, passes, -(-key_bits // passes)


def order_keys(values: ArrayLike) -> NDArray[np.uint64]:
    """Unsigned integers in the same (total) order as the float64 ``values``: −0.0 maps with +0.0, every
    NaN above +inf."""
    x = np.ascontiguousarray(values, dtype=np.float64)
    return _keys(x, x.view(np.uint64))


@njit(cache=True)
def _lsd_by_high_word(packed: NDArray[np.uint64], spare: NDArray[np.uint64], counts: NDArray[np.int64],
                      record_bits: int, digit_bits: int) -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
    """``packed`` (high bits: a key's upper bits; low ``record_bits``: the record number) sorted by its high
    bits, by LSD radix in one pass per row of ``counts`` (each pass's digit counts) of ``digit_bits`` bits,
    skipping a pass whose digit never varies. Stable, so equal high bits stay in record order: the result
    is ``packed`` sorted by its whole value. Returns the buffer that holds it, then the other one."""
    n = packed.size
    source, target = packed, spare
    buckets = counts.shape[1]
    mask = np.uint64(buckets - 1)
    for p in range(counts.shape[0]):
        c = counts[p]
        if c.max() == n:
            continue
        total = 0
        for b in range(buckets):
            count = c[b]
            c[b] = total
            total += count
        shift = np.uint64(record_bits + digit_bits * p)
        for i in range(n):
            v = source[i]
            d = (v >> shift) & mask
            slot = c[d]
            target[slot] = v
            c[d] = slot + 1
        source, target = target, source
    return source, target


#: Runs of tied upper bits up to this length are ordered in place by insertion (no buffer, no sort call):
#: at a million records most runs hold two to four records, and allocating for each cost a third of the sort.
_SHORT_RUN = 16


@njit(cache=True, inline="always")
def _low_word(x: NDArray[np.float64], bits: NDArray[np.uint64], r: np.uint64, low_mask: np.uint64) -> np.uint64:
    """The low bits (``low_mask``) of record ``r``'s key (:func:`order_keys`), from its value: not stored for
    every record, since only the few records in tied runs need them."""
    return _key(x[r], bits[r]) & low_mask


@njit(cache=True)
def _insert_by_low_word(packed: NDArray[np.uint64], lo: int, hi: int, x: NDArray[np.float64],
                        bits: NDArray[np.uint64], low_mask: np.uint64) -> None:
    """Insertion sort of ``packed[lo:hi]`` (one high part) by (low key bits, record number), in place."""
    for i in range(lo + 1, hi):
        v = packed[i]
        r = v & low_mask
        k = _low_word(x, bits, r, low_mask)
        j = i
        while j > lo:
            u = packed[j - 1]
            s = u & low_mask
            low = _low_word(x, bits, s, low_mask)
            if low < k or (low == k and s < r):
                break
            packed[j] = u
            j -= 1
        packed[j] = v


@njit(cache=True)
def _order_ties_by_low_word(packed: NDArray[np.uint64], lo: int, hi: int, x: NDArray[np.float64],
                            bits: NDArray[np.uint64], low_mask: np.uint64) -> None:
    """Records ``lo … hi − 1`` of ``packed`` share their keys' upper bits: put them in the order of the lower
    bits (``low_mask``, found from the values ``x``, whose bit patterns are ``bits``), ties in record order.
    Already in order (exact ties): untouched."""
    ordered = True
    for i in range(lo + 1, hi):
        if _low_word(x, bits, packed[i] & low_mask, low_mask) < _low_word(x, bits, packed[i - 1] & low_mask,
                                                                           low_mask):
            ordered = False
            break
    if ordered:
        return
    if hi - lo <= _SHORT_RUN:
        _insert_by_low_word(packed, lo, hi, x, bits, low_mask)
        return
    by_low = np.empty(hi - lo, dtype=np.uint64)
    for i in range(lo, hi):
        r = packed[i] & low_mask
        by_low[i - lo] = (_low_word(x, bits, r, low_mask) << np.uint64(32)) | r
    by_low.sort()  # distinct values (the record numbers differ): any sort gives (low bits, record) order
    high = packed[lo] & ~low_mask
    records = np.uint64(0xFFFFFFFF)
    for i in range(lo, hi):
        packed[i] = high | (by_low[i - lo] & records)


@njit(cache=True)
def _radix_order(x: NDArray[np.float64], record_bits: int, passes: int, digit_bits: int) -> NDArray[np.intp]:
    """The stable order of ``x`` (fewer than 2^``record_bits`` values): each value's key (:func:`order_keys`)
    split in two; records sorted by the key's upper ``64 − record_bits`` bits with their record number packed
    below (8 bytes moved a pass); then each run of equal upper bits ordered by the lower bits (found again
    from the values)."""
    n = x.size
    bits = x.view(np.uint64)
    low_mask = (np.uint64(1) << np.uint64(record_bits)) - np.uint64(1)
    mask = np.uint64((1 << digit_bits) - 1)
    packed = np.empty(n, dtype=np.uint64)
    counts = np.zeros((passes, 1 << digit_bits), dtype=np.int64)
    for i in range(n):
        high = _key(x[i], bits[i]) >> np.uint64(record_bits)
        packed[i] = (high << np.uint64(record_bits)) | np.uint64(i)
        for p in range(passes):
            counts[p, (high >> np.uint64(digit_bits * p)) & mask] += 1
    ordered, free = _lsd_by_high_word(packed, np.empty_like(packed), counts, record_bits, digit_bits)
    _order_tied_runs(ordered, x, low_mask)
    out = free.view(np.intp)  # written in place of the buffer the sort no longer needs: no fresh 8 bytes a record
    for i in range(n):
        out[i] = np.intp(ordered[i] & low_mask)
    return out


def _radix_order_threads(x: NDArray[np.float64], record_bits: int, passes: int, digit_bits: int, parts: int
                         ) -> NDArray[np.intp]:
    """:func:`_radix_order` on threads: the records split into ``parts`` consecutive parts, each packed and
    counted by one thread; in each pass every part's digit counts place its records after the same bucket's
    records of the parts before it, so each thread scatters its part to distinct places and the order is
    the serial one (a stable sort's order is unique). The tied runs are ordered serially."""
    low_mask = (np.uint64(1) << np.uint64(record_bits)) - np.uint64(1)
    mask = np.uint64((1 << digit_bits) - 1)
    source, counts = _pack_parts(x, record_bits, digit_bits, parts)
    target = np.empty_like(source)
    for p in range(passes):
        shift = np.uint64(record_bits + digit_bits * p)
        if p > 0:
            _count_parts(source, counts, shift, mask)
        if _place_parts(counts, source.size):  # every record has the same digit: the pass changes nothing
            continue
        _scatter_parts(source, target, counts, shift, mask)
        source, target = target, source
    _order_tied_runs(source, x, low_mask)
    return _records_of(source, target.view(np.intp), low_mask)


@njit(cache=True, inline="always")
def _part(t: int, n: int, parts: int) -> tuple[int, int]:
    """Records ``lo … hi − 1``, part ``t`` of ``parts`` consecutive parts of ``n`` records."""
    size = (n + parts - 1) // parts
    return t * size, min(n, (t + 1) * size)


@njit(cache=True, parallel=True)
def _pack_parts(x: NDArray[np.float64], record_bits: int, digit_bits: int, parts: int
                ) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """The packed words of :func:`_radix_order` and each part's counts of the first digit."""
    n = x.size
    bits = x.view(np.uint64)
    mask = np.uint64((1 << digit_bits) - 1)
    packed = np.empty(n, dtype=np.uint64)
    counts = np.zeros((parts, 1 << digit_bits), dtype=np.int64)
    for t in prange(parts):
        lo, hi = _part(t, n, parts)
        for i in range(lo, hi):
            high = _key(x[i], bits[i]) >> np.uint64(record_bits)
            packed[i] = (high << np.uint64(record_bits)) | np.uint64(i)
            counts[t, high & mask] += 1
    return packed, counts


@njit(cache=True, parallel=True)
def _count_parts(source: NDArray[np.uint64], counts: NDArray[np.int64], shift: np.uint64, mask: np.uint64) -> None:
    """Each part's counts of the digit ``(word >> shift) & mask``."""
    parts = counts.shape[0]
    for t in prange(parts):
        counts[t, :] = 0
        lo, hi = _part(t, source.size, parts)
        for i in range(lo, hi):
            counts[t, (source[i] >> shift) & mask] += 1


@njit(cache=True)
def _place_parts(counts: NDArray[np.int64], n: int) -> bool:
    """Counts → each part's first place in each bucket (bucket by bucket, part by part); whether one bucket
    holds every record."""
    total = 0
    constant = False
    for b in range(counts.shape[1]):
        in_bucket = 0
        for t in range(counts.shape[0]):
            count = counts[t, b]
            counts[t, b] = total
            total += count
            in_bucket += count
        constant |= in_bucket == n
    return constant


@njit(cache=True, parallel=True)
def _scatter_parts(source: NDArray[np.uint64], target: NDArray[np.uint64], counts: NDArray[np.int64],
                   shift: np.uint64, mask: np.uint64) -> None:
    """One LSD pass: each part's records to their places, in record order within each bucket."""
    parts = counts.shape[0]
    for t in prange(parts):
        lo, hi = _part(t, source.size, parts)
        for i in range(lo, hi):
            v = source[i]
            d = (v >> shift) & mask
            slot = counts[t, d]
            target[slot] = v
            counts[t, d] = slot + 1


@njit(cache=True)
def _order_tied_runs(ordered: NDArray[np.uint64], x: NDArray[np.float64], low_mask: np.uint64) -> None:
    """Each run of ``ordered`` whose words tie in their upper bits, in the order of the lower bits."""
    bits = x.view(np.uint64)
    n = ordered.size
    start = 0
    for i in range(1, n + 1):
        if i == n or (ordered[i] & ~low_mask) != (ordered[start] & ~low_mask):
            if i - start > 1:
                _order_ties_by_low_word(ordered, start, i, x, bits, low_mask)
            start = i


@njit(cache=True, parallel=True)
def _records_of(ordered: NDArray[np.uint64], out: NDArray[np.intp], low_mask: np.uint64) -> NDArray[np.intp]:
    """The record numbers in the low bits of the sorted words, into ``out``."""
    for i in prange(ordered.size):
        out[i] = np.intp(ordered[i] & low_mask)
    return out


@njit(cache=True)
def _keys(x: NDArray[np.float64], bits: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """The keys of :func:`order_keys` in one pass; ``bits`` is ``x.view(np.uint64)``."""
    out = np.empty(x.size, dtype=np.uint64)
    for i in range(x.size):
        out[i] = _key(x[i], bits[i])
    return out


def stable_argsort(values: ArrayLike) -> NDArray[np.intp]:
    """``np.argsort(values, kind="stable")`` for 1-D float arrays, in linear time (module docstring)."""
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"stable_argsort sorts 1-D arrays, not shape {x.shape}")
    if x.size < RADIX_MIN_SIZE:
        return np.argsort(x, kind="stable")
    if x.size >= 2**32:
        raise ValueError(f"stable_argsort orders fewer than 2**32 values, not {x.size}")
    if use_threads(x.size):  # 1M records: 14.6 → 8.2 ms on two threads; 10M: 286 → 246 (2026-12-07)
        return _radix_order_threads(x, *_layout(x.size), enter_threads())
    return _radix_order(x, *_layout(x.size))


@njit(cache=True)
def _insertion_order(x: NDArray[np.float64], budget: int) -> NDArray[np.int64]:
    """The stable order of ``x`` by insertion sort, or an empty array once more than ``budget`` elements
    have been moved (the input was not nearly sorted)."""
    n = x.size
    order = np.arange(n)
    keys = x + 0.0  # −0.0 + 0.0 = +0.0: ties with +0.0, as in numpy
    moved = 0
    for i in range(1, n):
        k = keys[i]
        if not k < keys[i - 1]:  # already in place (ties stay behind: stable)
            continue
        j = i
        while j > 0 and keys[j - 1] > k:
            j -= 1
        moved += i - j
        if moved > budget:
            return np.empty(0, dtype=np.int64)
        keys[j + 1:i + 1] = keys[j:i].copy()
        order[j + 1:i + 1] = order[j:i].copy()
        keys[j] = k
        order[j] = i
    return order


def stable_argsort_nearly_sorted(values: ArrayLike, budget: float = 1.0) -> NDArray[np.intp]:
    """:func:`stable_argsort` of finite values expected to be nearly sorted already (a related ranking's
    order applied to them): insertion sort, linear when few elements are out of place, falling back to the
    radix sort once more than ``budget`` × n positions have been shifted. The result is the same either way."""
    x = np.ascontiguousarray(values, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"stable_argsort sorts 1-D arrays, not shape {x.shape}")
    if x.size < RADIX_MIN_SIZE:
        return np.argsort(x, kind="stable")
    order = _insertion_order(x, int(budget * x.size))
    return stable_argsort(x) if order.size != x.size else order.astype(np.intp, copy=False)


#: Radix selection: bits per level (65,536 buckets of counts and weights, 1 MB, in the second-level cache) and
#: the candidates below which the bucket is sorted instead of split again.
_SELECT_BITS = 16
_SELECT_SORT = 4_096


@njit(cache=True)
def _select_total(x: NDArray[np.float64], w: NDArray[np.float64]) -> float:
    """The total weight, in record order; refuses what a Distribution refuses."""
    total = 0.0
    for i in range(x.size):
        if not (np.isfinite(x[i]) and np.isfinite(w[i])) or w[i] < 0.0:
            raise ValueError("values and weights must be finite, weights non-negative")
        total += w[i]
    return total


@njit(cache=True)
def _select_bucket(x: NDArray[np.float64], bits: NDArray[np.uint64], w: NDArray[np.float64],
                   candidates: NDArray[np.int64], every: bool, shift: int, below: float, target: float,
                   count: NDArray[np.int64], weight: NDArray[np.float64]) -> tuple[NDArray[np.int64], float]:
    """One level of the selection: the candidates in the bucket (of the 16 bits at ``shift`` of their
    :func:`order_keys` key, found again from the value) where the running weight, from ``below``, reaches
    ``target``, and the weight of the candidates before that bucket. ``every``: the candidates are all the
    records, in order (``candidates`` is then not read: no list of every record is built).

    ``count`` and ``weight`` are scratch arrays of one entry per bucket, all zero on entry and again on return:
    only the buckets between the lowest and highest digit seen are scanned and cleared (a few hundred for
    incomes, against 65,536), so a selection costs what its records cost."""
    lowest, highest, _, _ = _histogram(x, bits, w, candidates, every, shift, count, weight)
    return _collect(x, bits, candidates, every, shift, below, target, count, weight, lowest, highest)


@njit(cache=True)
def _histogram(x: NDArray[np.float64], bits: NDArray[np.uint64], w: NDArray[np.float64],
               candidates: NDArray[np.int64], every: bool, shift: int, count: NDArray[np.int64],
               weight: NDArray[np.float64]) -> tuple[int, int, float, bool]:
    """The candidates' counts and weights per bucket (the 16 bits at ``shift`` of their keys), the lowest and
    highest bucket seen, the candidates' total weight (in their order) and whether every value and weight is
    finite and every weight non-negative (what :func:`_select_total` refuses)."""
    mask = np.uint64((1 << _SELECT_BITS) - 1)
    m = x.size if every else candidates.size
    lowest, highest = count.size - 1, 0
    total = 0.0
    valid = True
    for j in range(m):
        i = j if every else candidates[j]
        valid &= np.isfinite(x[i]) & np.isfinite(w[i]) & (w[i] >= 0.0)
        total += w[i]
        d = np.int64((_key(x[i], bits[i]) >> np.uint64(shift)) & mask)
        count[d] += 1
        weight[d] += w[i]
        lowest, highest = min(lowest, d), max(highest, d)
    return lowest, highest, total, valid


@njit(cache=True)
def _collect(x: NDArray[np.float64], bits: NDArray[np.uint64], candidates: NDArray[np.int64], every: bool,
             shift: int, below: float, target: float, count: NDArray[np.int64], weight: NDArray[np.float64],
             lowest: int, highest: int) -> tuple[NDArray[np.int64], float]:
    """The rest of :func:`_select_bucket`, once the histogram is counted: the bucket where the running weight
    reaches ``target``, its candidates, the weight before it; the scratch arrays cleared."""
    mask = np.uint64((1 << _SELECT_BITS) - 1)
    m = x.size if every else candidates.size
    chosen, running = -1, below
    for d in range(lowest, highest + 1):  # buckets outside hold nothing: adding their zero changes nothing
        if count[d] and running + weight[d] >= target:
            chosen = d
            break
        running += weight[d]
    if chosen < 0:  # rounding left the target past the last record: the last non-empty bucket
        chosen = highest
        running -= weight[chosen]
    kept = np.empty(count[chosen], dtype=np.int64)
    k = 0
    for j in range(m):
        i = j if every else candidates[j]
        if (_key(x[i], bits[i]) >> np.uint64(shift)) & mask == chosen:
            kept[k] = i
            k += 1
    count[lowest:highest + 1] = 0
    weight[lowest:highest + 1] = 0.0
    return kept, running


@njit(cache=True)
def _select_quantile(x: NDArray[np.float64], w: NDArray[np.float64], q: float, count: NDArray[np.int64],
                     weight: NDArray[np.float64]) -> float:
    """The weighted quantile of :meth:`commonwealth.distribution.Distribution.quantile` without sorting: a
    most-significant-digit radix selection on the keys of :func:`order_keys` (16 bits a level), keeping only
    the bucket where the cumulative weight reaches the target, then a stable sort of that bucket's few records.
    The keys are found again from the values at each level, not stored (no 8 bytes a record).
    ``count`` and ``weight``: zeroed scratch arrays of 2^16 entries (:func:`_select_scratch`), left zeroed.
    """
    bits = x.view(np.uint64)
    below = 0.0
    if x.size <= _SELECT_SORT:
        total = _select_total(x, w)
        target = q * total * (1.0 - 1e-12)
        candidates = np.arange(x.size)
    else:  # the first level reads every record, in order, without a list of them; it also sums the weights
        every = np.empty(0, dtype=np.int64)
        lowest, highest, total, valid = _histogram(x, bits, w, every, True, 64 - _SELECT_BITS, count, weight)
        if not valid:
            count[lowest:highest + 1] = 0  # the scratch arrays are left zeroed, as on every return
            weight[lowest:highest + 1] = 0.0
            _select_total(x, w)  # raises its error
        target = q * total * (1.0 - 1e-12)
        candidates, below = _collect(x, bits, every, True, 64 - _SELECT_BITS, below, target, count, weight,
                                     lowest, highest)
    shift = 64 - 2 * _SELECT_BITS
    while candidates.size > _SELECT_SORT and shift >= 0:
        candidates, below = _select_bucket(x, bits, w, candidates, False, shift, below, target, count, weight)
        shift -= _SELECT_BITS
    keys = np.empty(candidates.size, dtype=np.uint64)
    for j in range(candidates.size):
        keys[j] = _key(x[candidates[j]], bits[candidates[j]])
    order = candidates[np.argsort(keys, kind="mergesort")]  # ascending index: ties stay in order
    acc = below
    for i in order:
        acc += w[i]
        if acc >= target:
            return x[i]
    return x[order[-1]]


_SELECT_SCRATCH = threading.local()


def _select_scratch() -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """This thread's zeroed per-bucket counts and weights for the selection (1 MB, allocated once: zeroing
    it afresh cost more than selecting a median of 20,000 records)."""
    scratch = getattr(_SELECT_SCRATCH, "arrays", None)
    if scratch is None:
        buckets = 1 << _SELECT_BITS
        scratch = _SELECT_SCRATCH.arrays = (np.zeros(buckets, dtype=np.int64), np.zeros(buckets))
    return scratch


def select_quantile(values: ArrayLike, weights: ArrayLike, q: float) -> float:
    """``Distribution(values, weights).quantile(q)`` in linear time, for a quantile alone (a median): no
    ordering of the whole array is built. The weights are summed in input order rather than in sorted order,
    so a record whose running weight lies within rounding (1e-16 relative) of the target could differ; the
    quantile's own slack of 1e-12 makes that practically impossible (tested against the sort)."""
    x = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    w = np.ascontiguousarray(weights, dtype=np.float64).reshape(-1)
    if x.shape != w.shape or x.size == 0:
        raise ValueError(f"values and weights must be non-empty and equal in length ({x.size} vs {w.size})")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be between 0 and 1, got {q}")
    count, weight = _select_scratch()
    return float(_select_quantile(x, w, float(q), count, weight))


@njit(cache=True)
def _gather(order: NDArray[np.intp], x: NDArray[np.float64], w: NDArray[np.float64], upper: NDArray[np.float64],
            xs: NDArray[np.float64], in_order: bool) -> tuple[NDArray[np.float64], float, int]:
    """:func:`gather_cumulative` into ``xs`` and ``upper`` (which may be ``order``'s own buffer: each record
    number is read before its place is written); with ``in_order`` the values ``x`` are already in order,
    only the weights are gathered and ``xs`` is not written. Returns ws, Σ ws·xs and the status."""
    n = order.size
    ws = np.empty(n)
    stop = n - n % LANES
    lanes = np.zeros(LANES)
    tail = 0.0
    acc = 0.0
    finite, negative, positive = True, False, False
    ahead = n - PREFETCH_DISTANCE
    for i in range(n):
        if i < ahead:  # the records read PREFETCH_DISTANCE iterations from now (commonwealth.prefetch)
            k = order[i + PREFETCH_DISTANCE]
            prefetch_read(w, k)
            if not in_order:
                prefetch_read(x, k)
        j = order[i]
        v, u = (x[i] if in_order else x[j]), w[j]
        if not in_order:
            xs[i] = v
        ws[i] = u
        acc, tail, finite, negative, positive = _add_record(i, v, u, stop, lanes, upper, acc, tail, finite, negative,
                                                            positive)
    return ws, lanes_total(lanes, tail), _status(finite, negative, positive)


@njit(cache=True, inline="always")
def _add_record(i: int, v: float, u: float, stop: int, lanes: NDArray[np.float64], upper: NDArray[np.float64],
                acc: float, tail: float, finite: bool, negative: bool, positive: bool
                ) -> tuple[float, float, bool, bool, bool]:
    """Record ``i`` (value ``v``, weight ``u``, in order) added to the running sum (stored in ``upper``), to
    Σ w·x in :func:`commonwealth.sums.dot`'s lanes and order, and to the status flags."""
    finite &= np.isfinite(v) & np.isfinite(u)
    negative |= u < 0.0
    positive |= u > 0.0
    acc += u
    upper[i] = acc
    if i < stop:
        lanes[i % LANES] += u * v
    else:
        tail += u * v
    return acc, tail, finite, negative, positive


@njit(cache=True, inline="always")
def _status(finite: bool, negative: bool, positive: bool) -> int:
    """1 a value or weight not finite, 2 a negative weight, 3 every weight zero, 0 none of these."""
    return 1 if not finite else 2 if negative else 0 if positive else 3


def gather_weights(order: NDArray[np.intp], xs: NDArray[np.float64], w: NDArray[np.float64]
                   ) -> tuple[NDArray[np.float64], NDArray[np.float64], float, int]:
    """:func:`gather_cumulative` for values already in ``order`` (``xs``): ws, the running sums, Σ ws·xs and
    the status; only the weights are read out of order."""
    values = np.ascontiguousarray(xs, dtype=np.float64)
    upper = np.empty(values.size)
    ws, total, status = _gather_in_order(order, values, np.ascontiguousarray(w, dtype=np.float64), upper,
                                         np.empty(0), True)
    return ws, upper, total, status


def gather_cumulative(order: NDArray[np.intp], x: NDArray[np.float64], w: NDArray[np.float64], *,
                      reuse_order: bool = False
                      ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], float, int]:
    """x[order], w[order], the running sum of the latter (in order, as ``np.cumsum`` adds), Σ ws·xs (as
    :func:`commonwealth.sums.dot` sums it) and the records' status (for a permutation ``order``: 1 a value or
    weight not finite, 2 a negative weight, 3 every weight zero, 0 none of these), in one pass.
    ``reuse_order``: the running sums overwrite ``order`` (an int64 array the caller no longer needs), so
    that no third array is allocated."""
    if reuse_order and order.dtype == np.int64 and order.flags.c_contiguous and order.flags.writeable:
        upper = order.view(np.float64)
    else:
        upper = np.empty(order.size)
    xs = np.empty(order.size)
    ws, total, status = _gather_in_order(order, x, w, upper, xs, False)
    return xs, ws, upper, total, status


#: The gathers of a distribution use threads from this many records: at 10M records, where each read
#: misses the caches, a gather of values and weights with its running sums took 291 ms on two threads
#: against 332 on one; at a million, where the running sums' serial pass is the cost, 15.3 against 16.0
#: ms, and at 100,000 more than the fused pass (measured 2026-12-07).
_GATHER_THREADS_MIN = 2_000_000


def _gather_in_order(order: NDArray[np.intp], x: NDArray[np.float64], w: NDArray[np.float64],
                     upper: NDArray[np.float64], xs: NDArray[np.float64], in_order: bool
                     ) -> tuple[NDArray[np.float64], float, int]:
    """:func:`_gather`, or on several threads (:mod:`commonwealth.kernel_threads`) for
    :data:`_GATHER_THREADS_MIN` records or more, its gathers split among them and then its running sums in
    one serial pass: the same bits."""
    if not use_threads(order.size, _GATHER_THREADS_MIN):
        return _gather(order, x, w, upper, xs, in_order)
    ws = np.empty(order.size)
    _gather_values(order, x, w, xs, ws, in_order)
    total, status = _running_sums(x if in_order else xs, ws, upper)
    return ws, total, status


@record_kernel
def _gather_values(order: NDArray[np.intp], x: NDArray[np.float64], w: NDArray[np.float64],
                   xs: NDArray[np.float64], ws: NDArray[np.float64], in_order: bool) -> None:
    """``ws = w[order]`` and, unless ``in_order``, ``xs = x[order]``: the gathers of :func:`_gather`."""
    n = order.size
    ahead = n - PREFETCH_DISTANCE
    for i in prange(n):
        if i < ahead:
            k = order[i + PREFETCH_DISTANCE]
            prefetch_read(w, k)
            if not in_order:
                prefetch_read(x, k)
        j = order[i]
        if not in_order:
            xs[i] = x[j]
        ws[i] = w[j]


@njit(cache=True)
def _running_sums(xs: NDArray[np.float64], ws: NDArray[np.float64], upper: NDArray[np.float64]
                  ) -> tuple[float, int]:
    """The running sums, Σ ws·xs and the status of :func:`_gather`, from values and weights already in
    order, added in the same order."""
    n = ws.size
    stop = n - n % LANES
    lanes = np.zeros(LANES)
    tail = 0.0
    acc = 0.0
    finite, negative, positive = True, False, False
    for i in range(n):
        acc, tail, finite, negative, positive = _add_record(i, xs[i], ws[i], stop, lanes, upper, acc, tail, finite,
                                                            negative, positive)
    return lanes_total(lanes, tail), _status(finite, negative, positive)


@record_kernel
def _take(index: NDArray[np.intp], values: NDArray[np.float64]) -> tuple[NDArray[np.float64], int]:
    """``values[index]`` and how many indices were outside (an index outside reads the nearest end instead:
    the kernel does not check bounds, so it must not read past them)."""
    out = np.empty(index.size)
    last = values.size - 1
    outside = 0
    ahead = index.size - PREFETCH_DISTANCE
    for i in prange(index.size):
        if i < ahead:  # a hint only: an address outside the array is not read
            prefetch_read(values, index[i + PREFETCH_DISTANCE])
        j = index[i]
        outside += (j < 0) | (j > last)
        out[i] = values[min(max(j, 0), last)]
    return out, outside


def take(values: ArrayLike, index: NDArray[np.integer]) -> NDArray[np.float64]:
    """``values[index]`` for float64 values and indices within them (checked), the reads prefetched
    (:mod:`commonwealth.prefetch`): a random gather over millions of records, about twice as fast at 10M."""
    x = np.ascontiguousarray(values, dtype=np.float64)
    i = np.ascontiguousarray(index)
    if x.ndim != 1 or i.ndim != 1 or not np.issubdtype(i.dtype, np.integer):
        raise ValueError(f"take gathers a 1-D float array by 1-D integers, not {x.shape} by {i.shape} {i.dtype}")
    if i.size and not x.size:
        raise ValueError("take: indices into an empty array")
    out, outside = _take(i, x)
    if outside:
        raise ValueError(f"take: indices run from {int(i.min())} to {int(i.max())}, outside 0 … {x.size - 1}")
    return out


@record_kernel
def _count_at_or_below(values: NDArray[np.float64], breaks: NDArray[np.float64]) -> NDArray[np.int64]:
    out = np.empty(values.size, dtype=np.int64)
    for i in prange(values.size):
        out[i] = count_of(values[i], breaks)
    return out


@njit(cache=True, inline="always")
def count_of(v: float, breaks: NDArray[np.float64]) -> int:
    """How many of the sorted ``breaks`` are at or below ``v`` (all of them for NaN, which sorts after every
    break): one value of :func:`count_at_or_below`, for kernels that look a group up inline."""
    c = 0
    for j in range(breaks.size):
        c += breaks[j] <= v
    return breaks.size if v != v else c


def sorted_breaks(breaks: ArrayLike) -> NDArray[np.float64]:
    """``breaks`` as float64, refused unless sorted (what :func:`count_at_or_below` and the kernels that
    look a group up inline among a few breaks need)."""
    b = np.asarray(breaks, dtype=np.float64)
    if b.size > 1 and np.any(b[1:] < b[:-1]):
        raise ValueError("breaks must be sorted")
    return b


def count_at_or_below(breaks: ArrayLike, values: ArrayLike) -> NDArray[np.int64]:
    """For each value, how many of the sorted ``breaks`` are at or below it: ``np.searchsorted(breaks,
    values, side="right")`` exactly, by a branch-free scan of a few breaks (a decile's nine, a wealth
    group's three) instead of a binary search per value — about nine times faster at a million values."""
    b = sorted_breaks(breaks)
    return _count_at_or_below(np.ascontiguousarray(values, dtype=np.float64).reshape(-1), b).reshape(np.shape(values))


@njit(cache=True, inline="always")
def _key(v: float, b: np.uint64) -> np.uint64:
    """:func:`order_keys` of one value ``v``, whose bit pattern is ``b``."""
    sign = np.uint64(1) << np.uint64(63)
    if v != v:
        return np.uint64(0xFFFFFFFFFFFFFFFF)
    if v == 0.0:
        return sign
    return ~b if b & sign else b | sign


@njit(cache=True)
def _changed_since(order: NDArray[np.intp], sorted_before: NDArray[np.float64], x: NDArray[np.float64]
                   ) -> tuple[NDArray[np.bool_], int]:
    """Which records' values differ from those they were sorted by (``sorted_before[i]`` for ``order[i]``), bit
    for bit (so −0.0 replacing +0.0 is a change, and the kept values stay the values themselves), and how many."""
    n = order.size
    changed = np.zeros(n, dtype=np.bool_)
    count = 0
    now, before = x.view(np.uint64), sorted_before.view(np.uint64)
    ahead = n - PREFETCH_DISTANCE
    for i in range(n):
        if i < ahead:
            prefetch_read(now, order[i + PREFETCH_DISTANCE])
        a = order[i]
        if now[a] != before[i]:
            changed[a] = True
            count += 1
    return changed, count


@njit(cache=True)
def _merge_changed(order: NDArray[np.intp], sorted_before: NDArray[np.float64], changed: NDArray[np.bool_],
                   moved: NDArray[np.intp], moved_values: NDArray[np.float64]
                   ) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """The stable order after some values changed, and the values in that order: ``order`` (the old stable
    order, its values ``sorted_before``) without the ``changed`` records, merged with ``moved`` (the changed
    records in their own stable order, their values ``moved_values``) by (key, record number)."""
    n, m = order.size, moved.size
    out = np.empty(n, dtype=order.dtype)
    values = np.empty(n)
    before_bits, moved_bits = sorted_before.view(np.uint64), moved_values.view(np.uint64)
    i = j = 0
    ahead = n - PREFETCH_DISTANCE
    for k in range(n):
        if i < ahead:  # the kept records ahead, whose changed flag the walk reads
            prefetch_read(changed, order[i + PREFETCH_DISTANCE])
        while i < n and changed[order[i]]:
            i += 1
        take_kept = j >= m
        if not take_kept and i < n:
            ka, kb = _key(sorted_before[i], before_bits[i]), _key(moved_values[j], moved_bits[j])
            take_kept = ka < kb or (ka == kb and order[i] < moved[j])
        if take_kept:
            out[k], values[k] = order[i], sorted_before[i]
            i += 1
        else:
            out[k], values[k] = moved[j], moved_values[j]
            j += 1
    return out, values


@njit(cache=True)
def _order_of_doubled(order: NDArray[np.intp], xs: NDArray[np.float64], doubled: NDArray[np.bool_]
                      ) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """The stable order of ``x × (1 + doubled)`` and those values in that order, from the stable ``order`` of
    ``x`` and ``xs = x[order]``: empty if a value is not finite or doubling it overflows. Doubling is exact and
    keeps the order of the doubled records among themselves, so the two groups, each already in order, are
    merged by (value, record).

    Both groups share one buffer, the singles filled from the front and the doubled from the back; each record
    is written to both ends and only its own group's count advances, so neither loop branches on the data."""
    n = order.size
    values = np.empty(n + 2)
    records = np.empty(n + 2, dtype=order.dtype)
    singles = pairs = 0
    overflow = False
    ahead = n - PREFETCH_DISTANCE
    for i in range(n):
        if i < ahead:
            prefetch_read(doubled, order[i + PREFETCH_DISTANCE])
        r = order[i]
        d = doubled[r]
        v = xs[i]
        twice = 2.0 * v
        values[singles], records[singles] = v, r
        values[n + 1 - pairs], records[n + 1 - pairs] = twice, r
        overflow |= not np.isfinite(twice)  # a value not finite, or too large to double exactly
        singles += 1 - d
        pairs += d
    if overflow:
        return np.empty(0, dtype=order.dtype), np.empty(0)
    # The two free slots left between the groups end each of them: +inf after any finite value.
    values[singles], records[singles] = np.inf, n
    values[singles + 1], records[singles + 1] = np.inf, n
    out = np.empty(n, dtype=order.dtype)
    out_values = np.empty(n)
    a, b = 0, n + 1
    for k in range(n):
        va, vb, ra, rb = values[a], values[b], records[a], records[b]
        single_first = (va < vb) | ((va == vb) & (ra < rb))
        out[k], out_values[k] = (ra, va) if single_first else (rb, vb)
        a += single_first
        b -= 1 - single_first
    return out, out_values


def order_of_multiples(order: NDArray[np.intp], xs: NDArray[np.float64], factor: NDArray[np.integer]
                       ) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """``stable_argsort(x × factor)`` and the values ``x × factor`` in that order, from the stable ``order``
    of ``x`` and ``xs = x[order]``: when every factor is 1 or 2 (a household's wealth from its adults' equal
    shares: a single or a couple), by a linear merge instead of a sort; otherwise (or if a value is not
    finite or too large to double) by sorting ``x × factor``."""
    f = np.asarray(factor)
    if f.size and bool(np.all((f == 1) | (f == 2))):
        merged, values = _order_of_doubled(np.asarray(order), np.ascontiguousarray(xs, dtype=np.float64), f == 2)
        if merged.size == f.size:
            return merged, values
    x_times_f = np.empty(f.size)
    x_times_f[np.asarray(order)] = np.asarray(xs, dtype=np.float64) * f[np.asarray(order)]
    merged = stable_argsort(x_times_f)
    return merged, x_times_f[merged]


class KeptOrder:
    """The stable order of an array that changes in few places from year to year (the adults' earnings
    capacity: only heirs and the re-employed change it), kept instead of re-sorted.

    :meth:`order` compares the values with those of the previous call: unchanged, the previous order is
    returned; with at most :attr:`MERGE_SHARE` of the records changed, the changed ones are sorted alone
    and merged in (linear); otherwise everything is sorted again. The result is always
    :func:`stable_argsort`'s (tested), whichever path ran.
    """

    #: Above this share of changed records a full sort is as fast as sorting and merging the changed.
    MERGE_SHARE = 0.25

    def __init__(self) -> None:
        self._order: NDArray[np.intp] | None = None
        self._sorted: NDArray[np.float64] | None = None  # the values, in that order, at the last call

    def order(self, values: ArrayLike) -> NDArray[np.intp]:
        x = np.asarray(values, dtype=np.float64)
        afresh = self._order is None or self._order.shape != x.shape or x.size < RADIX_MIN_SIZE
        if not afresh:
            changed, count = _changed_since(self._order, self._sorted, x)
            afresh = count > self.MERGE_SHARE * x.size
        if afresh:
            order = stable_argsort(x)
            self._order, self._sorted = keep_in_place(self._order, order), keep_in_place(self._sorted, x[order])
        elif count:
            moved = np.flatnonzero(changed)
            moved = moved[stable_argsort(x[moved])].astype(np.intp, copy=False)
            order, values = _merge_changed(self._order, self._sorted, changed, moved, x[moved])
            self._order, self._sorted = keep_in_place(self._order, order), keep_in_place(self._sorted, values)
        return self._order

    @property
    def sorted_values(self) -> NDArray[np.float64]:
        """The values of the last :meth:`order` call in that order (``values[order]``, bit for bit)."""
        if self._sorted is None:
            raise ValueError("no order has been kept yet")
        return self._sorted
