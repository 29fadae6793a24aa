"""Sums of products over records in one fixed order: the same bits on every machine.

``np.dot`` and ``@`` hand a weighted sum to BLAS, whose kernel is chosen at run time for the CPU (OpenBLAS's
Haswell, SkylakeX, Zen … kernels block and vectorise the sum differently) and whose threads split it.
Results then differ in the last bit between machines and thread counts, and a microsimulation amplifies a
last-bit difference: a record whose income sits on a threshold (a billionaire, a vote, an heir's rank)
flips, and thirty years later an aggregate differs at 1e-6. Every dot product in the model goes through
:func:`dot` instead: eight running sums over interleaved elements, combined pairwise, no fused
multiply-add (Numba compiles without ``fastmath``, so LLVM may neither reorder nor contract), hence one
rounding sequence on any CPU, at the speed of one pass over the two arrays.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["dot", "group_dots", "matvec", "weighted_product", "weighted_total"]

LANES = 8  #: independent running sums (what numpy's pairwise sum uses at its base; enough to hide add latency)


@numba.njit(cache=True, nogil=True)
def _dot(a: np.ndarray, b: np.ndarray) -> float:
    n = a.shape[0]
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    stop = n - n % LANES
    for i in range(0, stop, LANES):
        s0 += a[i] * b[i]
        s1 += a[i + 1] * b[i + 1]
        s2 += a[i + 2] * b[i + 2]
        s3 += a[i + 3] * b[i + 3]
        s4 += a[i + 4] * b[i + 4]
        s5 += a[i + 5] * b[i + 5]
        s6 += a[i + 6] * b[i + 6]
        s7 += a[i + 7] * b[i + 7]
    tail = 0.0
    for i in range(stop, n):
        tail += a[i] * b[i]
    return (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) + tail


@numba.njit(cache=True, nogil=True, inline="always")
def lanes_total(lanes: np.ndarray, tail: float) -> float:
    """How :func:`dot` combines its eight running sums (``lanes``) and its tail: for kernels that sum products
    in dot's order (record i < n − n mod 8 into lane i mod 8, the rest into the tail, in record order)."""
    s = lanes
    return (((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))) + tail


def _as_vector(x: np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(x)
    if array.ndim != 1:
        raise ValueError(f"dot: {name} must be one-dimensional, got shape {array.shape}")
    if array.dtype == np.bool_:
        return array.view(np.uint8)
    return array


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Σ_i a_i·b_i for two vectors of equal length (booleans count as 0 and 1), in a fixed order."""
    x, y = _as_vector(a, "a"), _as_vector(b, "b")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"dot: lengths differ ({x.shape[0]} and {y.shape[0]})")
    return float(_dot(x, y))


@numba.njit(cache=True, nogil=True)
def _matvec(m: np.ndarray, v: np.ndarray, out: np.ndarray) -> None:
    for i in range(m.shape[0]):
        s = 0.0
        for k in range(m.shape[1]):
            s += m[i, k] * v[k]
        out[i] = s


def matvec(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """``matrix @ vector`` for a tall matrix (records × a few brackets): each row summed left to right."""
    m = np.asarray(matrix, dtype=float)
    v = np.asarray(vector, dtype=float)
    if m.ndim != 2 or v.ndim != 1 or m.shape[1] != v.shape[0]:
        raise ValueError(f"matvec: shapes {m.shape} and {v.shape} do not align")
    out = np.empty(m.shape[0])
    _matvec(m, v, out)
    return out


@numba.njit(cache=True, nogil=True)
def lanes_totals(lanes: np.ndarray) -> np.ndarray:
    """Per row of ``lanes`` (eight running sums, then the tail), the total :func:`dot` would give."""
    out = np.empty(lanes.shape[0])
    for r in range(lanes.shape[0]):
        out[r] = lanes_total(lanes[r], lanes[r, LANES])
    return out


@numba.njit(cache=True, nogil=True)
def group_lane_stops(group: np.ndarray, groups: int) -> np.ndarray:
    """Per group, how many of its members (the first, in record order) :func:`dot` over the group's members
    sums in its eight lanes: all but the last ``count mod 8``, which its tail adds in order (a group outside
    ``0 … groups − 1`` counts in none)."""
    counts = np.zeros((LANES, groups), dtype=np.int64)  # by record mod 8: no record waits for the one before
    for i in range(group.size):
        if 0 <= group[i] < groups:
            counts[i % LANES, group[i]] += 1
    count = counts.sum(axis=0)
    return count - count % LANES


@numba.njit(cache=True, nogil=True, inline="always")
def next_lane(seen: np.ndarray, stop: np.ndarray, g: int) -> int:
    """Where the next member of group ``g`` goes in a row of :func:`lanes_totals`: lane k mod 8 for its k-th
    member, the tail (column 8) from ``stop[g]`` on (:func:`group_lane_stops`); counts it in ``seen``."""
    k = seen[g]
    seen[g] = k + 1
    return k % LANES if k < stop[g] else LANES


@numba.njit(cache=True, nogil=True)
def _group_dots(a: np.ndarray, b: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """Per group g, the sum :func:`_dot` gives over the records of ``group == g`` taken in record order
    (a negative group counts in none): two passes, the first fixing where each group's tail starts."""
    stop = group_lane_stops(group, groups)
    seen = np.zeros(groups, dtype=np.int64)
    lanes = np.zeros((groups, LANES + 1))
    for i in range(a.shape[0]):
        g = group[i]
        if 0 <= g < groups:
            lanes[g, next_lane(seen, stop, g)] += a[i] * b[i]
    return lanes_totals(lanes)


def group_dots(a: np.ndarray, b: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """``[dot(a[group == g], b[group == g]) for g in range(groups)]``, bit for bit, in two passes and with
    no masks or copies (records whose group is outside ``0 … groups − 1`` count in none). ``group``: an
    integer array; booleans in ``a`` or ``b`` count as 0 and 1, as in :func:`dot`."""
    x, y = _as_vector(a, "a"), _as_vector(b, "b")
    g = np.asarray(group)
    if not (x.shape[0] == y.shape[0] == g.shape[0]):
        raise ValueError(f"group_dots: lengths differ ({x.shape[0]}, {y.shape[0]} and {g.shape[0]})")
    if g.dtype == np.bool_:
        g = g.view(np.uint8)
    if not np.issubdtype(g.dtype, np.integer):
        raise ValueError(f"group_dots: group must be integers, not {g.dtype}")
    return _group_dots(x, y, g, int(groups))


@numba.njit(cache=True, nogil=True, inline="always")
def _combined(terms: tuple, signs: np.ndarray, i: int) -> float:
    """Record ``i``'s t₁ ± t₂ ± …, left to right."""
    v = terms[0][i]
    for k in range(1, len(terms)):
        v = v + terms[k][i] if signs[k] > 0 else v - terms[k][i]
    return v


@numba.njit(cache=True, nogil=True)
def _weighted_total(w: np.ndarray, terms: tuple, signs: np.ndarray) -> float:
    """:func:`_dot`'s lanes, unrolled as there (a lane chosen by ``i % 8`` and a test of the tail per record
    cost half the time at 20,000 records)."""
    n = w.shape[0]
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    stop = n - n % LANES
    for i in range(0, stop, LANES):
        s0 += w[i] * _combined(terms, signs, i)
        s1 += w[i + 1] * _combined(terms, signs, i + 1)
        s2 += w[i + 2] * _combined(terms, signs, i + 2)
        s3 += w[i + 3] * _combined(terms, signs, i + 3)
        s4 += w[i + 4] * _combined(terms, signs, i + 4)
        s5 += w[i + 5] * _combined(terms, signs, i + 5)
        s6 += w[i + 6] * _combined(terms, signs, i + 6)
        s7 += w[i + 7] * _combined(terms, signs, i + 7)
    tail = 0.0
    for i in range(stop, n):
        tail += w[i] * _combined(terms, signs, i)
    return (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) + tail


@numba.njit(cache=True, nogil=True, inline="always")
def _product(a: np.ndarray, b: np.ndarray, c: np.ndarray, i: int) -> float:
    """Record ``i``'s (a × b) × c, left to right."""
    return a[i] * b[i] * c[i]


@numba.njit(cache=True, nogil=True)
def _weighted_product(w: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    n = w.shape[0]
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    stop = n - n % LANES
    for i in range(0, stop, LANES):
        s0 += w[i] * _product(a, b, c, i)
        s1 += w[i + 1] * _product(a, b, c, i + 1)
        s2 += w[i + 2] * _product(a, b, c, i + 2)
        s3 += w[i + 3] * _product(a, b, c, i + 3)
        s4 += w[i + 4] * _product(a, b, c, i + 4)
        s5 += w[i + 5] * _product(a, b, c, i + 5)
        s6 += w[i + 6] * _product(a, b, c, i + 6)
        s7 += w[i + 7] * _product(a, b, c, i + 7)
    tail = 0.0
    for i in range(stop, n):
        tail += w[i] * _product(a, b, c, i)
    return (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) + tail


def weighted_product(weight: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray | None = None) -> float:
    """``dot(weight, a * b)`` or ``dot(weight, a * b * c)``, bit for bit (the product taken left to right per
    record, as numpy evaluates the expression; booleans count as 0 and 1; a missing ``c`` is 1, and x × 1.0
    is x to the bit), in one pass and with no temporary arrays."""
    w = np.asarray(_as_vector(weight, "weight"), dtype=np.float64)
    factors = [_as_vector(f, "factor") for f in (a, b)]
    factors.append(np.broadcast_to(1.0, w.shape) if c is None else _as_vector(c, "factor"))
    for f in factors:
        if f.shape != w.shape:
            raise ValueError(f"weighted_product: a factor has shape {f.shape}, the weights {w.shape}")
    return float(_weighted_product(w, *factors))


def weighted_total(weight: np.ndarray, *terms: np.ndarray | float, minus: int = 0) -> float:
    """``dot(weight, t₁ + t₂ + … − t_{k−m+1} − … − t_k)`` with the last ``minus`` terms subtracted, bit for
    bit (the sum taken left to right per record, as numpy evaluates the expression), in one pass and with
    no temporary arrays. A number among the terms counts for every record."""
    w = np.asarray(_as_vector(weight, "weight"), dtype=np.float64)
    if not 0 <= minus < len(terms):
        raise ValueError(f"weighted_total: {len(terms)} terms, {minus} of them subtracted")
    arrays = []
    for t in terms:
        a = np.asarray(t, dtype=np.float64)
        if a.shape != w.shape:
            if a.ndim:
                raise ValueError(f"weighted_total: a term has shape {a.shape}, the weights {w.shape}")
            a = np.full(w.shape, float(a))
        arrays.append(a)
    signs = np.array([1.0] * (len(terms) - minus) + [-1.0] * minus)
    return float(_weighted_total(w, tuple(arrays), signs))
