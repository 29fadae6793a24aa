"""Diffusion: what is deployed follows what AI can cost-effectively do, with lags and frictions.

Work is split into general work (share 1 − ℓ) and licensed occupations (share ℓ = ``diffusion.licensed_share``,
BLS: 22.7 % of the employed hold a licence). In each part s, the deployed automation share closes a
fixed fraction of its gap to the adoptable share Φ* every year, after a delay d_s:

    Φ_s(t) = Φ_s(t − 1) + (1 − 2^(−1/h_s)) · (Φ*(t − d_s) − Φ_s(t − 1)),   Φ_s(0) = Φ*(0),

with half-life h_s (``diffusion.half_life_general``, ``diffusion.half_life_licensed``; h = 0 deploys at
once) and d_s = 0 for general work, ``diffusion.licensed_delay`` for licensed work (regulators, liability,
licensing rules); the deployed share is Φ(t) = (1 − ℓ)·Φ_g(t) + ℓ·Φ_l(t). A partial-adjustment (Koyck)
lag: the exponential special case of the logistic diffusion curves of Griliches (1957) and Comin &
Hobijn (2010), chosen because the adoptable share itself moves, so the lag applies to each increment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from commonwealth.parameters import ParameterSet


@dataclass(frozen=True)
class DiffusionParameters:
    """Half-lives (years), the licensed share (/1) and its regulatory delay (years)."""

    half_life_general: float
    half_life_licensed: float
    licensed_share: float
    licensed_delay: float

    @classmethod
    def from_parameters(cls, params: ParameterSet, year: int) -> DiffusionParameters:
        return cls(*(float(params(f"diffusion.{n}", year))
                     for n in ("half_life_general", "half_life_licensed", "licensed_share", "licensed_delay")))

    @classmethod
    def instant(cls) -> DiffusionParameters:
        """No lags: deployed = adoptable."""
        return cls(0.0, 0.0, 0.0, 0.0)


def adjustment_rate(half_life: float) -> float:
    """Share of the gap closed in a year, 1 − 2^(−1/h) (1 for h = 0)."""
    return 1.0 if half_life <= 0 else 1.0 - 2.0 ** (-1.0 / half_life)


def lagged(target: NDArray, half_life: float, delay: float) -> NDArray[np.float64]:
    """One part's deployed share: partial adjustment towards ``target`` delayed by ``delay`` years
    (linear between years), starting at target[0]."""
    target = np.asarray(target, dtype=float)
    t = np.arange(target.size, dtype=float)
    delayed = np.interp(t - delay, t, target, left=target[0])
    rate = adjustment_rate(half_life)
    out = np.empty_like(target)
    out[0] = target[0]
    for k in range(1, target.size):
        out[k] = out[k - 1] + rate * (delayed[k] - out[k - 1])
    return out


def licensed_friction_scale(years: NDArray, p: DiffusionParameters) -> NDArray[np.float64]:
    """How much of a sector's licensing friction (``prices.friction_*``) is left ``years`` after the base
    year: 1 until the licensed delay d, then 2^{−(t − d)/h_licensed} — licensing delays AI's savings in
    prices as it delays deployment, at the same delay and half-life, rather than blocking them for ever
    (1 throughout with h = ∞; 0 after d with h = 0)."""
    t = np.asarray(years, dtype=float)
    if p.half_life_licensed <= 0:
        return np.where(t > p.licensed_delay, 0.0, 1.0)
    return np.where(t > p.licensed_delay, 2.0 ** (-(t - p.licensed_delay) / p.half_life_licensed), 1.0)


def deployed(adoptable: NDArray, p: DiffusionParameters) -> NDArray[np.float64]:
    """Φ(t) = (1 − ℓ)·Φ_g(t) + ℓ·Φ_l(t) (module docstring)."""
    general = lagged(adoptable, p.half_life_general, 0.0)
    licensed = lagged(adoptable, p.half_life_licensed, p.licensed_delay)
    return (1.0 - p.licensed_share) * general + p.licensed_share * licensed
