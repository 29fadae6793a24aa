"""The truncated Pareto law on [lo, hi] with tail index α, by its quantile function.

Q(u) = lo·(1 − a·u)^(−1/α) with a = 1 − ρ, ρ = (lo/hi)^α, u ∈ [0, 1]. The base-year wealth strata and
the unnamed billionaires are equal-probability cells of such laws (:func:`cell_means`), so every
stratum total is exact at any number of records.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq

__all__ = ["bracket_cutoff", "cell_means", "integral", "truncated_mean"]


def integral(lo: float, hi: float, alpha: float, u0: NDArray, u1: NDArray) -> NDArray:
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


def truncated_mean(lo: float, hi: float, alpha: float) -> float:
    """Mean of the Pareto law truncated to [lo, hi] with tail index α."""
    return float(integral(lo, hi, alpha, np.array(0.0), np.array(1.0)))


def cell_means(lo: float, hi: float, alpha: float, n: int) -> NDArray[np.float64]:
    """Conditional means of n equal-probability cells of the truncated Pareto law, ascending.

    Each lies inside its cell's quantile range, so cells never overlap neighbouring strata, and
    their average equals the law's mean exactly.
    """
    edges = np.linspace(0.0, 1.0, n + 1)
    means = integral(lo, hi, alpha, edges[:-1], edges[1:]) * n
    return np.clip(means, lo, hi)


def bracket_cutoff(mean: float, hi: float, population_ratio: float) -> tuple[float, float]:
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
        return truncated_mean(lo, hi, alpha_of(log_gap)) - mean

    log_gap = brentq(gap, 1e-9, 60.0, xtol=1e-14, rtol=1e-14)
    return hi * math.exp(-log_gap), alpha_of(log_gap)
