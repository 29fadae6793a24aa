"""Frontier labs: who builds the base models, how much of the AI surplus they capture, and how markets
price the rents they expect.

**Industry.** A few frontier labs sell base models (through an API) to fine-tuners and users
(data/frontier_labs_2025.csv): OpenAI and Anthropic as private firm rows of their own (valued at their
2025 rounds, $500B and $183B; Microsoft's ≈27 % of OpenAI is already inside Microsoft's market value, so
the OpenAI row holds the other 73 % and 27 % of OpenAI's rents accrue to Microsoft), Google DeepMind
inside Alphabet and Meta's models inside Meta. Their shares of enterprise API usage (Menlo Ventures,
mid-2025: 32, 25, 20 and 9 %) leave a fringe of open-weight and smaller labs that prices at cost.

**Who captures the AI surplus.** The AI surplus S is equity income above its base-year share of GDP
(:mod:`commonwealth.markets`). The labs compete à la Cournot in selling the services that produce it; with
linear demand, N symmetric firms earn 2/(N + 2) of the surplus their sales create, the buyers keep the
rest (standard: profit N/(N + 1)² vs consumer surplus N²/(2(N + 1)²) of (a − c)²/b). With unequal
shares, N is the numbers-equivalent 1/HHI (Adelman 1969) and firm i's profit is ∝ s_i² (Cournot's
Lerner index L_i = s_i/ε). So the labs take θ = 2/(1/HHI + 2) of S (HHI 0.213 → θ = 0.30), each in
proportion to s_i²; of the rest, κ (``assets.ai_rent_capture``) goes to fine-tuners (firms by AI exposure
× value) and 1 − κ to users (all firms by book capital). Korinek & Vipra (2024) argue scale economies push
the frontier towards natural monopoly: θ rises to 2/3 with one lab; vary the shares to test it.

**Forward-looking values.** Investors value a firm's rents as a weighted view: with weight 1 − β, today's
rent as a perpetuity at today's return (the no-forecast rule of :mod:`commonwealth.markets`); with weight
β, the present value of the rents the scenario's own technology path implies (:class:`RentForecast`,
solved once from the macro model with the base-year saving rate). β is *calibrated* so that the labs'
2025 valuations are reproduced with their paid-in capital as book: the market's confidence in the path,
< 1 when the path promises more rent than 2025 prices. A firm's value then jumps on news of future rents
before any rent is paid (``tests/test_labs.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import numpy as np
from numpy.typing import NDArray

from commonwealth.assets import Firms, revenue_proxy, sector_table
from commonwealth.errors import ModelError
from commonwealth.sources import table
from commonwealth.sums import dot

__all__ = ["Lab", "RentForecast", "add_lab_rows", "frontier_labs", "herfindahl", "lab_rent_weights",
           "producer_surplus_share"]


@dataclass(frozen=True)
class Lab:
    """One frontier lab (data/frontier_labs_2025.csv)."""

    name: str
    firm: str  # the firm row that holds it (its own row, or a listed developer such as Alphabet)
    valuation: float  # USD, 2025 post-money (0 when inside a listed firm)
    paid_in: float  # USD, capital paid in by the row's holders (its book at the base year)
    model_share: float  # share of enterprise API usage, in [0, 1]
    partner: str  # a listed firm holding a stake ("" if none)
    partner_stake: float  # the partner's share of the lab, in [0, 1)

    @property
    def own_row(self) -> bool:
        return self.valuation > 0

    @property
    def row_value(self) -> float:
        """USD: the part of the lab's value held outside its listed partner (that part is in the partner's
        market value already)."""
        return self.valuation * (1.0 - self.partner_stake)


@cache
def frontier_labs() -> tuple[Lab, ...]:
    rows = table("frontier_labs_2025.csv", text=True)
    labs = tuple(Lab(name=r.lab, firm=r.firm, valuation=float(r.valuation_usd), paid_in=float(r.paid_in_usd),
                     model_share=float(r.model_share), partner=r.partner or "", partner_stake=float(r.partner_stake))
                 for r in rows.itertuples())
    if sum(lab.model_share for lab in labs) > 1.0:
        raise ValueError("frontier_labs_2025.csv: model shares sum above 1")
    return labs


def herfindahl(shares) -> float:
    """HHI = Σ s_i² of the labs' market shares (the fringe, atomistic, adds nothing)."""
    s = np.asarray(shares, dtype=float)
    return float(dot(s, s))


def producer_surplus_share(hhi: float) -> float:
    """θ = 2/(N + 2), N = 1/HHI: the sellers' share of the surplus their sales create under Cournot
    competition with linear demand (N symmetric firms: profit N/(N+1)², buyers N²/(2(N+1)²), in units of
    (a − c)²/b). θ is 2/3 for a monopoly and falls to 0 as the market becomes atomistic."""
    if hhi <= 0:
        return 0.0
    return 2.0 / (1.0 / hhi + 2.0)


def add_lab_rows(firms: Firms, labs: tuple[Lab, ...]) -> Firms:
    """The firm universe with a private row for each lab that has a valuation of its own, appended last.

    The rows' value is carved pro rata out of the generated private corporations that no founder holds
    (so every population stake and the totals are unchanged), and the index's and other holders' dollars
    move with it: each lab row is owned by index holders and other holders (the OpenAI Foundation,
    venture funds, foreign investors) in the donors' combined proportion."""
    own = [lab for lab in labs if lab.own_row]
    if not own:
        return firms
    donors = (firms.name == "") & ~firms.listed & ~firms.aggregate & (firms.own_concentrated == 0)
    values = np.array([lab.row_value for lab in own])
    pool = float(firms.value[donors].sum())
    if values.sum() >= pool:
        raise ValueError(f"frontier labs (${values.sum() / 1e9:.0f} bn) exceed the private corporations that can "
                         f"make room for them (${pool / 1e9:.0f} bn)")
    scale = np.where(donors, 1.0 - values.sum() / pool, 1.0)
    removed = firms.value * (1.0 - scale)
    index_fraction = float(dot(firms.own_index, removed)) / float(removed.sum())
    n = len(own)

    def extend(column: np.ndarray, tail) -> np.ndarray:
        return np.concatenate([column, np.asarray(tail, dtype=column.dtype)])

    sectors = sector_table()
    technology = sectors["sector"] == "technology"
    sector = int(sectors.loc[technology, "code"].iloc[0])
    exposure = float(sectors.loc[technology, "ai_exposure"].iloc[0])
    extended = replace(
        firms,
        name=extend(firms.name, [lab.name for lab in own]),
        value=extend(firms.value * scale, values),
        listed=extend(firms.listed, [False] * n),
        aggregate=extend(firms.aggregate, [False] * n),
        sector=extend(firms.sector, [sector] * n),
        ai_exposure=extend(firms.ai_exposure, [exposure] * n),
        revenue=extend(firms.revenue, [0.0] * n),
        own_index=extend(firms.own_index, [index_fraction] * n),
        own_concentrated=extend(firms.own_concentrated, [0.0] * n),
        own_foreign=extend(firms.own_foreign, [1.0 - index_fraction] * n),
        own_fund=extend(firms.own_fund, [0.0] * n),
        own_public=extend(firms.own_public, [0.0] * n),
    )
    extended.revenue = revenue_proxy(extended)
    extended.validate()
    return extended


def lab_rent_weights(firms: Firms, labs: tuple[Lab, ...]) -> NDArray[np.float64]:
    """Each firm's share of the labs' rents (sums to 1): lab i earns ∝ s_i² (Cournot), split between its
    own row (or its developer) and its listed partner by the partner's stake."""
    weight = np.zeros(firms.size)
    index = {name: i for i, name in enumerate(firms.name) if name}
    for lab in labs:
        missing = [f for f in (lab.firm, lab.partner) if f and f not in index]
        if missing:
            raise ValueError(f"frontier lab {lab.name}: firm {missing[0]!r} is not in the firm universe")
        profit = lab.model_share ** 2
        weight[index[lab.firm]] += profit * (1.0 - lab.partner_stake)
        if lab.partner:
            weight[index[lab.partner]] += profit * lab.partner_stake
    return weight / weight.sum()


@dataclass(frozen=True)
class RentForecast:
    """The AI surplus investors expect from the scenario's technology path, per year from the base year.

    ``surplus_share[τ]``: expected S/Y in year τ (equity income's share of GDP above its base-year share,
    from the macro model's path: (F_K − δ)·K/Y less its value at τ = 0); ``gdp[τ]``: expected GDP (any
    units, only ratios are used); ``r[τ]``: the expected net return, per year. The horizon runs past the
    scenario's (``labs.forecast_years``); beyond it each year's rent is a perpetuity at that year's return.
    """

    surplus_share: NDArray[np.float64]
    gdp: NDArray[np.float64]
    r: NDArray[np.float64]

    def present_value(self, t: int, gdp_now: float, r_now: float) -> float:
        """USD at the start of year ``t``: Σ_{τ>t} Ŝ_τ Π_{u=t+1..τ} 1/(1 + r̂_u + Δ), the surplus of every
        later year (Ŝ_τ = ŝ_τ·Ŷ_τ·Y_t/Ŷ_t, scaled to this year's actual GDP), discounted along the expected
        returns shifted by Δ = r_t − r̂_t (this year's surprise persists), plus the last year's surplus
        as a perpetuity at its return."""
        if t + 1 >= self.r.size:
            tail_r = max(r_now, 1e-6)
            return gdp_now * float(self.surplus_share[-1]) / tail_r
        shift = r_now - float(self.r[t])
        rates = np.maximum(self.r[t + 1:] + shift, 1e-6)
        discount = np.cumprod(1.0 / (1.0 + rates))
        surplus = self.surplus_share[t + 1:] * self.gdp[t + 1:] * (gdp_now / float(self.gdp[t]))
        return float(dot(surplus, discount) + surplus[-1] * discount[-1] / rates[-1])


def rent_forecast(path, depreciation: float) -> RentForecast:
    """The expected AI surplus from a macro :class:`~commonwealth.growth.GrowthPath` (δ per year)."""
    fp = path.prices
    r = np.asarray(fp.rental_rate, dtype=float) - depreciation
    share = r * path.capital / fp.output
    if np.any(~np.isfinite(share)):
        raise ModelError("labs: the forecast of AI rents is not finite (the macro path diverged)")
    return RentForecast(surplus_share=np.maximum(share - share[0], 0.0), gdp=np.asarray(fp.output, dtype=float),
                        r=r)
