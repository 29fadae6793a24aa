"""Firms respond to the reforms' wedges on capital: investment, payout and listing.

The response is to the reforms' wedges *relative to the status-quo law*: with no reform levying firm
value the wedge is zero and every function below returns the status-quo value exactly, so the status
quo is the same with ``behaviour.investment`` on or off (docs/model/behaviour.md, "Firms").

**Why openness.** Households' saving rule sees through the corporate veil (Saez & Zucman's saving
rates include retained earnings), and in a closed economy K_{t+1} = K_t + saving: a wedge on capital
falls on its owners and moves K only through saving (the saving response, :mod:`commonwealth.saving`).
The investment channel needs capital that can go elsewhere. As in OG-Core's partially open economy,
a share ζ_K of the gap between capital demand at the world return and domestic supply is met by capital
from (or going) abroad: K^f = ζ_K·(K^demand − K^supply) (OG-Core docs, "Financial intermediary";
OG-USA sets ζ_K = 0.5).

1. **User cost** (Hall & Jorgenson 1967), per dollar of business capital per year:
   c = r + δ + w, with w = L / K_b the reforms' levies on firm value L (USD/year, τ × q × K for a
   levy τ on value V = q·K) per dollar of business capital K_b; the status-quo user cost is
   c_0 = r + δ. Capital demand at the world return K^d = K_b·(c/c_0)^ε, ε = ``firms.user_cost_elasticity``
   (−0.4, Chirinko, Fazzari & Meyer 2002). The gap K_b − K^d = K_b·(1 − (c/c_0)^ε); the share ζ of
   it leaves US production (US firms invest abroad, foreign capital does not come):
   K_abroad = ζ·K_b·(1 − (c/c_0)^ε). The rest of the gap is closed by the return: owners bear it.
2. **Payout** (Chetty & Saez 2005): the levy on value taxes earnings kept in the firm at
   t_ret = L / E (the levy as a share of equity income E); paying out moves the dollar outside the
   levied base. Payouts P = 1 − retention respond with the elasticity ε_P of payouts with respect to
   the net-of-tax price of paying out relative to retaining: P = min(1, P_0·(1 − t_ret)^(−ε_P)).
3. **Listing** (base erosion, Advani & Tarrant 2021 by analogy): firms stay private, move their
   listing or restructure below the thresholds; the levied base is exp(−β·τ) of the statutory base,
   β = ``firms.levy_base_semi_elasticity`` (d ln base / dτ, per unit of rate: 10 = 10 % per pp).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The largest tax-equivalent rate on retained earnings the payout rule uses (t_ret → 1 is a pole).
MAX_RETENTION_TAX = 0.95


@dataclass(frozen=True)
class FirmParameters:
    """The firms' response parameters (parameters/firms/*.yaml)."""

    user_cost_elasticity: float  # ε, d ln K^d / d ln c (negative)
    capital_openness: float  # ζ_K, share of the capital gap met by capital abroad
    payout_elasticity: float  # ε_P, d ln payouts / d ln (1 − t_ret)^(−1)
    levy_base_semi_elasticity: float  # β, −d ln base / dτ per unit of levy rate

    @classmethod
    def from_parameters(cls, params, year: int) -> FirmParameters:
        return cls(user_cost_elasticity=float(params("firms.user_cost_elasticity", year)),
                   capital_openness=float(params("firms.capital_openness", year)),
                   payout_elasticity=float(params("firms.payout_elasticity", year)),
                   levy_base_semi_elasticity=float(params("firms.levy_base_semi_elasticity", year)))


def user_cost_ratio(r: float, delta: float, wedge: float) -> float:
    """c / c_0 = (r + δ + w) / (r + δ): the user cost with the reforms' wedge w (USD per USD of capital
    per year) relative to the status-quo user cost (r, δ per year). 1 when w = 0."""
    base = r + delta
    if wedge == 0.0:
        return 1.0
    if base <= 0:
        raise ValueError(f"the status-quo user cost r + δ = {base} must be positive")
    return (base + wedge) / base


def capital_abroad(business_capital: float, ratio: float, elasticity: float, openness: float) -> float:
    """K_abroad = ζ·K_b·(1 − (c/c_0)^ε), USD: the share ζ of the gap between domestic supply K_b and
    demand at the world return K_b·(c/c_0)^ε met by capital abroad (OG-Core's ζ_K). 0 when c = c_0."""
    if ratio == 1.0:
        return 0.0
    return openness * business_capital * (1.0 - ratio ** elasticity)


def retention_tax(levy: float, equity_income: float) -> float:
    """t_ret = L / E: the levy on firm value as a tax on the earnings kept in the firm (both USD/year),
    at most :data:`MAX_RETENTION_TAX`; 0 when there is no levy or no income."""
    if levy <= 0 or equity_income <= 0:
        return 0.0
    return min(levy / equity_income, MAX_RETENTION_TAX)


def retention_ratio(retention0: float, tax: float, elasticity: float) -> float:
    """Share of equity income retained: 1 − P, with payouts P = min(1, P_0·(1 − t_ret)^(−ε_P)),
    P_0 = 1 − retention0 (Chetty & Saez 2005's payout response to the price of paying out). The
    status-quo ratio when t_ret = 0."""
    if tax == 0.0:
        return retention0
    payout = min(1.0, (1.0 - retention0) * (1.0 - tax) ** (-elasticity))
    return 1.0 - payout


def levied_share(rate: float, semi_elasticity: float) -> float:
    """Share of the statutory levy base still levied, exp(−β·τ) (τ the levy rate per year, β the
    semi-elasticity per unit of rate): the rest stays private, lists abroad or restructures below
    the thresholds. 1 when τ = 0."""
    if rate <= 0 or semi_elasticity == 0.0:
        return 1.0
    return float(np.exp(-semi_elasticity * rate))


@dataclass
class FirmResponse:
    """The firms' state the engine carries from one year to the next (all USD unless stated)."""

    retention0: float  # status-quo share of equity income retained
    retention: float  # this year's
    capital_abroad: float = 0.0  # US-owned business capital invested abroad instead of at home
    wedge: float = 0.0  # last year's levy per dollar of business capital, 1/year
    cost_ratio: float = 1.0  # last year's c / c_0

    def update(self, params: FirmParameters, *, levy: float, business_capital: float, equity_income: float,
               r: float, delta: float) -> None:
        """Next year's capital abroad and retention from this year's levy on firm value (USD/year),
        business capital K_b (USD, end of year), equity income (USD/year) and r, δ (per year)."""
        self.wedge = levy / business_capital if levy > 0 and business_capital > 0 else 0.0
        self.cost_ratio = user_cost_ratio(r, delta, self.wedge)
        self.capital_abroad = capital_abroad(business_capital, self.cost_ratio, params.user_cost_elasticity,
                                             params.capital_openness)
        self.retention = retention_ratio(self.retention0, retention_tax(levy, equity_income),
                                         params.payout_elasticity)
