"""Capital accumulation: the two macro closures of Korinek & Suh (2024), in continuous time.

* ``exogenous``: a constant saving rate s, K̇ = sY − δK (their Proposition 7 uses s = s∞).
* ``ramsey``: a representative agent with CRRA utility (η) and discount rate ρ chooses consumption;
  K̇ = Y − δK − C and Ċ/C = (F_K − ρ − δ)/η (Korinek & Suh 2024, eqs. 13–14). The initial
  consumption is not given: it is pinned by the transversality condition, which makes this a
  two-point boundary problem. We solve it by shooting: bisect on ln C_0 until the path neither
  runs the capital stock down (C/K explodes) nor starves consumption (C/K collapses), i.e. the
  saddle path. Shooting errors grow along the unstable root, so long horizons are solved in
  segments: each segment re-shoots from the capital stock reached by the previous one.

The state is integrated in logs (x = ln K, z = ln C) so that explosive growth (18 %/yr after full
automation in the AGI scenarios) stays well scaled. Paths are sampled once a year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy.integrate import solve_ivp

from commonwealth.production import FactorPrices, factor_prices
from commonwealth.technology import AutomationPath

#: Relative tolerance of the ODE integrator (dimensionless).
ODE_RTOL = 1e-10
#: Shooting brackets ln C_0; it stops when the bracket is this narrow (in log points).
SHOOTING_TOLERANCE = 1e-13
#: A shot is classified as diverged once ln(C/K) has moved this far from its start (log points):
#: a factor e^7 ≈ 1100, far beyond any movement on a saddle path in the scenarios we run.
DIVERGENCE_LOG_GAP = 7.0
#: Length of one shooting segment (years); errors grow ≲ e^{μ·segment} within it.
SEGMENT_YEARS = 20.0
#: How far past a segment each shot may run before it is classified by its final slope (years).
SHOT_YEARS = 600.0


@dataclass(frozen=True)
class Economy:
    """The macro economy in model units (labour force at t = 0 normalised by the caller)."""

    tfp: float  # A at t = 0 (output per unit of composite input, per year)
    sigma: float  # elasticity of substitution between tasks, σ ∈ (0, 1)
    depreciation: float  # δ, per year
    automation: AutomationPath
    alpha: float = 1.0  # share of the task composite; 1 − α is land's share
    labour: float = 1.0  # L at t = 0
    land: float = 1.0  # M (fixed)
    tfp_growth: float = 0.0  # non-AI productivity growth g_A, per year (continuous)
    labour_growth: float = 0.0  # n, per year (continuous)

    def tfp_at(self, t):
        return self.tfp * np.exp(self.tfp_growth * np.asarray(t, float))

    def labour_at(self, t):
        return self.labour * np.exp(self.labour_growth * np.asarray(t, float))

    def prices(self, t, capital, labour=None) -> FactorPrices:
        """Output and factor prices at time(s) ``t`` for capital stock(s) ``capital`` (and labour,
        by default the exogenous path L_0 e^{nt})."""
        augmentation = self.automation.labour_augmentation(t)
        fp = factor_prices(
            capital,
            (self.labour_at(t) if labour is None else labour) * augmentation,
            self.automation.share(t),
            tfp=self.tfp_at(t),
            sigma=self.sigma,
            alpha=self.alpha,
            land=self.land,
        )
        # hybrid work (commonwealth.new_work): labour enters as h·L; the wage is per unit of L, h × the
        # marginal product of an effective unit, so wL/Y is unchanged
        return replace(fp, wage=fp.wage * augmentation)

    def _scalar(self, t: float, k: float) -> tuple[float, float]:
        """Fast scalar (Y, F_K) for the integrator; the same equations as :func:`factor_prices`."""
        phi = float(self.automation.share(t))
        a = self.tfp * math.exp(self.tfp_growth * t)
        lab = self.labour * math.exp(self.labour_growth * t) * float(self.automation.labour_augmentation(t))
        if k * (1.0 - phi) <= phi * lab:  # region 2
            x = k + lab
            dx_dk = 1.0
        else:
            e = (self.sigma - 1.0) / self.sigma
            inv = 1.0 / self.sigma
            k_term = k**e * phi**inv if phi > 0 else 0.0
            l_term = lab**e * (1.0 - phi) ** inv
            x = (k_term + l_term) ** (1.0 / e)
            dx_dk = x**inv * k ** (-inv) * phi**inv
        y = a * x**self.alpha * self.land ** (1.0 - self.alpha)
        return y, self.alpha * y / x * dx_dk


@dataclass(frozen=True)
class GrowthPath:
    """An annual path of the macro economy (index 0 is the base year)."""

    years: np.ndarray  # years since the base year, 0..horizon
    capital: np.ndarray
    consumption: np.ndarray
    automation_share: np.ndarray
    prices: FactorPrices

    @property
    def output(self) -> np.ndarray:
        return self.prices.output

    @property
    def saving_rate(self) -> np.ndarray:
        """Gross saving (= gross investment) as a share of output, 1 − C/Y."""
        return 1.0 - self.consumption / self.prices.output


def _annual_path(economy: Economy, years: np.ndarray, capital, consumption) -> GrowthPath:
    capital = np.asarray(capital, float)
    return GrowthPath(
        years=years,
        capital=capital,
        consumption=np.asarray(consumption, float),
        automation_share=economy.automation.share(years),
        prices=economy.prices(years, capital),
    )


def solve_exogenous(economy: Economy, capital0: float, saving_rate: float, horizon: int) -> GrowthPath:
    """K̇ = sY − δK from K(0) = capital0, sampled yearly for ``horizon`` years."""

    def rhs(t, x):
        y, _ = economy._scalar(t, math.exp(x[0]))
        return [saving_rate * y * math.exp(-x[0]) - economy.depreciation]

    years = np.arange(horizon + 1, dtype=float)
    sol = solve_ivp(rhs, (0.0, float(horizon)), [math.log(capital0)], t_eval=years,
                    rtol=ODE_RTOL, atol=1e-12, method="DOP853")
    if not sol.success:
        raise RuntimeError(f"exogenous-saving integration failed: {sol.message}")
    capital = np.exp(sol.y[0])
    output = economy.prices(years, capital).output
    return _annual_path(economy, years, capital, (1.0 - saving_rate) * output)


def _ramsey_rhs(economy: Economy, rho: float, eta: float):
    delta = economy.depreciation

    def rhs(t, s):
        k, c = math.exp(s[0]), math.exp(s[1])
        y, f_k = economy._scalar(t, k)
        return [(y - delta * k - c) / k, (f_k - rho - delta) / eta]

    return rhs


def _shoot(rhs, t0: float, x0: float, z0: float, t_end: float) -> tuple[int, object]:
    """Integrate from (x0, z0); +1 if C/K blew up (C_0 too high), −1 if it collapsed (too low)."""
    gap0 = z0 - x0

    def too_high(t, s):
        return (s[1] - s[0]) - gap0 - DIVERGENCE_LOG_GAP

    def too_low(t, s):
        return (s[1] - s[0]) - gap0 + DIVERGENCE_LOG_GAP

    too_high.terminal = too_low.terminal = True
    sol = solve_ivp(rhs, (t0, t_end), [x0, z0], events=(too_high, too_low), rtol=ODE_RTOL,
                    atol=1e-12, method="DOP853", dense_output=True)
    if sol.t_events[0].size:
        return 1, sol
    if sol.t_events[1].size:
        return -1, sol
    if sol.status != 0:  # integration broke down, which happens only as K → 0
        return 1, sol
    slope = np.subtract(*rhs(sol.t[-1], sol.y[:, -1])[::-1])  # d ln(C/K)/dt at the end
    return (1 if slope > 0 else -1), sol


def solve_ramsey_segment(economy: Economy, rho: float, eta: float, t0: float, capital0: float,
                         t_end: float):
    """Saddle-path initial consumption at t0 and the dense solution over [t0, t_end]."""
    rhs = _ramsey_rhs(economy, rho, eta)
    x0 = math.log(capital0)
    y0, _ = economy._scalar(t0, capital0)
    lo, hi = math.log(y0) - 30.0, math.log(y0 + capital0) + 1.0  # certainly too low / too high
    best = None
    while hi - lo > SHOOTING_TOLERANCE:
        mid = 0.5 * (lo + hi)
        verdict, sol = _shoot(rhs, t0, x0, mid, t_end + SHOT_YEARS)
        if verdict > 0:
            hi = mid
        else:
            lo = mid
        if sol.t[-1] >= t_end:
            best = sol
    if best is None:  # never reached t_end without diverging: report instead of guessing
        raise RuntimeError("Ramsey shooting did not find a saddle path; check the parameters")
    return best


def solve_ramsey(economy: Economy, capital0: float, rho: float, eta: float, horizon: int) -> GrowthPath:
    """The representative-agent optimum from K(0) = capital0, sampled yearly for ``horizon`` years."""
    if rho <= 0 or eta <= 0:
        raise ValueError("rho and eta must be positive")
    years = np.arange(horizon + 1, dtype=float)
    capital = np.empty_like(years)
    consumption = np.empty_like(years)
    t0, k0 = 0.0, capital0
    while True:
        t1 = min(t0 + SEGMENT_YEARS, float(horizon))
        sol = solve_ramsey_segment(economy, rho, eta, t0, k0, t1)
        mask = (years >= t0) & (years <= t1)
        states = sol.sol(years[mask])
        capital[mask] = np.exp(states[0])
        consumption[mask] = np.exp(states[1])
        if t1 >= horizon:
            break
        t0, k0 = t1, float(np.exp(sol.sol(t1)[0]))
    return _annual_path(economy, years, capital, consumption)
