"""Production and factor prices: the Korinek & Suh (2024) task aggregate with a fixed factor.

Output combines a continuum of tasks with elasticity of substitution σ < 1 (tasks are complements).
Automated tasks (a share Φ) can be done by capital or labour, the rest only by labour. Efficient
allocation gives two regions (Korinek & Suh 2024, section 3.2):

* Region 1, labour scarce (K/L > Φ/(1−Φ)): automated tasks use capital only and
  X = [K^{(σ−1)/σ} Φ^{1/σ} + L^{(σ−1)/σ} (1−Φ)^{1/σ}]^{σ/(σ−1)}.
* Region 2, labour abundant (K/L ≤ Φ/(1−Φ)): every task gets the same input and X = K + L, so
  capital and labour are perfect substitutes at the margin.

The fixed-factor extension (their section 5.3) adds land M: Y = A X^α M^{1−α}. Factor prices are
marginal products: w = α (Y/X) ∂X/∂L, R = α (Y/X) ∂X/∂K, land rent q = (1−α) Y/M. With α = 1 this is
the paper's baseline (w = R = A in region 2); the regions meet continuously.

All functions are vectorised over numpy arrays and pure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FactorPrices:
    """Output and factor prices for given inputs (arrays broadcast together)."""

    output: np.ndarray  # Y, model units per year
    wage: np.ndarray  # w, output per unit of labour per year
    rental_rate: np.ndarray  # R, gross rental rate of capital per year (before depreciation)
    land_rent: np.ndarray  # q, output per unit of land per year
    labor_share: np.ndarray  # wL/Y
    capital_share: np.ndarray  # RK/Y
    land_share: np.ndarray  # qM/Y = 1 − α
    region: np.ndarray  # 1 (labour scarce) or 2 (labour abundant), int


def in_region_two(capital, labour, phi) -> np.ndarray:
    """True where labour is not scarce: K/L ≤ Φ/(1−Φ), i.e. K(1−Φ) ≤ ΦL."""
    capital, labour, phi = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (capital, labour, phi)))
    return capital * (1.0 - phi) <= phi * labour


def task_aggregate(capital, labour, phi, sigma: float):
    """The task composite X and its marginal products (∂X/∂K, ∂X/∂L)."""
    capital, labour, phi = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (capital, labour, phi)))
    exponent = (sigma - 1.0) / sigma
    region2 = in_region_two(capital, labour, phi)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        k_term = np.where(phi > 0, capital**exponent * phi ** (1.0 / sigma), 0.0)
        l_term = np.where(phi < 1, labour**exponent * (1.0 - phi) ** (1.0 / sigma), 0.0)
        x1 = (k_term + l_term) ** (1.0 / exponent)
        # ∂X/∂K = X^{1/σ} K^{−1/σ} Φ^{1/σ}, ∂X/∂L = X^{1/σ} L^{−1/σ} (1−Φ)^{1/σ}
        dk1 = x1 ** (1.0 / sigma) * capital ** (-1.0 / sigma) * phi ** (1.0 / sigma)
        dl1 = x1 ** (1.0 / sigma) * labour ** (-1.0 / sigma) * (1.0 - phi) ** (1.0 / sigma)
    x = np.where(region2, capital + labour, x1)
    dx_dk = np.where(region2, 1.0, dk1)
    dx_dl = np.where(region2, 1.0, dl1)
    return x, dx_dk, dx_dl


def factor_prices(capital, labour, phi, *, tfp, sigma: float, alpha: float = 1.0, land=1.0) -> FactorPrices:
    """Y = A X^α M^{1−α} and the factor prices of Korinek & Suh (2024) with the fixed factor."""
    x, dx_dk, dx_dl = task_aggregate(capital, labour, phi, sigma)
    land = np.asarray(land, dtype=float)
    output = np.asarray(tfp, dtype=float) * x**alpha * land ** (1.0 - alpha)
    wage = alpha * output / x * dx_dl
    rental = alpha * output / x * dx_dk
    land_rent = (1.0 - alpha) * output / land
    labour = np.asarray(labour, dtype=float)
    capital = np.asarray(capital, dtype=float)
    return FactorPrices(
        output=output,
        wage=wage,
        rental_rate=rental,
        land_rent=land_rent,
        labor_share=wage * labour / output,
        capital_share=rental * capital / output,
        land_share=np.broadcast_to(1.0 - alpha, np.shape(output)).astype(float),
        region=np.where(in_region_two(capital, labour, phi), 2, 1),
    )


def max_wage(phi, *, tfp, sigma: float) -> np.ndarray:
    """The highest wage reachable for a given Φ as K/L → ∞ (α = 1): w* = A (1−Φ)^{1/(σ−1)}."""
    return np.asarray(tfp, float) * (1.0 - np.asarray(phi, float)) ** (1.0 / (sigma - 1.0))
