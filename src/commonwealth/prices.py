"""Sector prices, the CPI and halving times: "Moore's law for everything" (DESIGN §2, block 6).

Five consumption sectors — housing, health, education, food and other goods and services — each have a
unit cost made of labour, capital and land (cost shares of factor income from BEA GDP by industry, 2023;
``data/bea_sector_costs_2023.csv`` says which BEA lines make each sector). Prices are indices in the
model's real units (one unit of output, i.e. base-year dollars), equal to 1 in the base year.

**Labour and capital: a task bundle.** Within each sector, as in the macro model (Korinek & Suh 2024),
tasks are combined with elasticity σ < 1 (``production.sigma``); a share Φ_s of them can be done by
capital at the rental rate R, the rest only by labour at the wage w (automated tasks use capital
because R ≤ w per task unit in both regions of the macro model). The dual of the CES aggregate gives
the bundle's unit cost c_s = [Φ_s R^{1−σ} + (1−Φ_s) w^{1−σ}]^{1/(1−σ)}; relative to the base year
("exact hat algebra", with base cost shares θ_s of labour and 1 − θ_s of capital):

    ĉ_s^{1−σ} = (1 − θ_s) (Φ_s,t / Φ_s,0) r̂^{1−σ} + θ_s ((1 − Φ_s,t)/(1 − Φ_s,0)) ŵ^{1−σ},

where ŵ = w_t/w_0 and r̂ = R_t/R_0 are the engine's wage and rental-rate indices.

**Each sector's automation.** A sector's base automation share follows from its labour share and the
macro one: the CES cost shares give θ/(1−θ) = ((1−Φ)/Φ)(w/R)^{1−σ} with one w/R for all sectors, so
(1 − Φ_s,0)/Φ_s,0 = [odds(θ_s)/odds(θ_X)] (1 − Φ_0)/Φ_0, with θ_X = ``calibration.labor_share`` /
(1 − ``production.land_share``) the macro labour share of the task composite and odds(x) = x/(1−x).
A labour-heavy sector (health, education) starts with fewer automated tasks. As the technology
advances, the same fraction of every sector's remaining human tasks becomes automatable as in the
economy: (1 − Φ_s,t) = (1 − Φ_s,0) u_t with u_t = (1 − Φ_t)/(1 − Φ_0).

**Land.** Land enters in fixed proportion (zoning fixes land per dwelling): its cost share a_M does not
fall with automation and moves with the land price index ℓ_t. Only housing has land here.

**Friction.** A sector-specific friction f_s ∈ [0, 1] is the share of the cost saving from automation,
at current factor prices, that does not reach the price (licensing and regulation for health,
credentials for education, zoning for housing, where the saving becomes land's scarcity rent):

    p_s,t = [a_M ℓ_t + (1 − a_M) (ĉ_s(1) − (1 − f_s)(ĉ_s(1) − ĉ_s(u_t)))] / Â_t,

where ĉ_s(1) is the bundle's cost with no new automation (u = 1) at this year's ŵ and r̂, and Â_t is the
non-AI productivity index (1 by default). f = 0 gives the fastest fall; f = 1 means AI does not lower
the price (factor prices still move it).

**CPI** = Σ_s ω_s p_s,t with fixed base-year weights ω_s (BLS CPI-U relative importance, December 2023;
``prices.cpi_weight_*``; "other" takes the rest), a Laspeyres index like the CPI-U's upper level.

**Halving time** (:func:`halving_time`): the years until an index first reaches half its base value,
interpolated log-linearly between annual points; if it does not get there within the path, the time
it would take at the path's average rate of decline, ln 2 · T / ln(p_0/p_T); NaN if it does not fall.

Sources: BEA GDP by industry, Components of Value Added, 2023; BLS CPI relative importance; Davis and
Heathcote (2007) for land's share of house value (``assets.housing_land_share``); Korinek and Suh
(2024) for the task model. Every parameter cites its own source; see ``docs/model/prices.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
from numpy.typing import ArrayLike

from commonwealth.errors import UserError
from commonwealth.parameters import ParameterSet
from commonwealth.sources import DATA, bea_industries, codes, table

#: The BEA lines that make each consumption sector, with their published cost shares.
SECTOR_FILE = DATA / "bea_sector_costs_2023.csv"

#: The consumption sectors, in reporting order.
SECTORS: tuple[str, ...] = ("housing", "health", "education", "food", "other")

#: Metrics this block reports: name → (unit, description).
PRICE_METRICS: dict[str, tuple[str, str]] = {
    "cpi": ("index", "Consumer price index in the model's real units (base-year dollars), base year = 1: "
                     "fixed-weight (Laspeyres) average of the five sector price indices, BLS CPI-U weights."),
    "price_housing": ("index", "Price of housing services (rent) relative to output, base year = 1."),
    "price_health": ("index", "Price of health care relative to output, base year = 1."),
    "price_education": ("index", "Price of education (tuition) relative to output, base year = 1."),
    "price_food": ("index", "Price of food relative to output, base year = 1."),
    "price_other": ("index", "Price of all other goods and services relative to output, base year = 1."),
    "halving_time_housing": ("year", "Years for the housing price index to halve: when it does within the "
                                     "path, else at the path's average pace; NaN if it does not fall."),
    "halving_time_health": ("year", "Years for the health price index to halve (as for housing)."),
    "halving_time_education": ("year", "Years for the education price index to halve (as for housing)."),
    "halving_time_food": ("year", "Years for the food price index to halve (as for housing)."),
    "halving_time_other": ("year", "Years for the price index of other goods and services to halve."),
}


@dataclass(frozen=True)
class SectorCosts:
    """Shares of a sector's factor cost in the base year (they sum to 1)."""

    labour: float
    capital: float
    land: float

    @property
    def task_labour_share(self) -> float:
        """θ_s: labour's share of the labour–capital task bundle, labour / (labour + capital)."""
        return self.labour / (self.labour + self.capital)


# ---------------------------------------------------------------------------------------------
# Data: BEA factor shares by sector
# ---------------------------------------------------------------------------------------------


@cache
def _bea_factor_income() -> dict[int, tuple[float, float]]:
    """Compensation and gross operating surplus ($ million, 2023) by BEA line number."""
    bea = bea_industries()
    return {
        int(line): (va * ce, va * gos)
        for line, va, ce, gos in zip(
            bea.index.tolist(), bea["VA2023_$M"].tolist(), bea["CE/VA_2023"].tolist(),
            bea["GOS/VA_2023"].tolist(), strict=True,
        )
    }


@cache
def sector_mapping() -> dict[str, dict[str, list[int]]]:
    """The BEA lines that make each sector: ``{sector: {"add": [...], "subtract": [...], "structures": [...]}}``."""
    rows = table(SECTOR_FILE.name, text=True).to_dict("records")
    mapping = {
        r["sector"]: {"add": codes(r["bea_lines_add"]), "subtract": codes(r["bea_lines_subtract"]),
                      "structures": codes(r["structure_lines"])}
        for r in rows
    }
    if tuple(mapping) != SECTORS:
        raise RuntimeError(f"{SECTOR_FILE.name}: sectors {tuple(mapping)} differ from {SECTORS}")
    return mapping


def _compensation_and_surplus(add: list[int], subtract: list[int]) -> tuple[float, float]:
    table = _bea_factor_income()
    ce = sum(table[i][0] for i in add) - sum(table[i][0] for i in subtract)
    gos = sum(table[i][1] for i in add) - sum(table[i][1] for i in subtract)
    return ce, gos


@cache
def sector_cost_shares(housing_land_share: float) -> dict[str, SectorCosts]:
    """Labour, capital and land shares of each sector's factor cost, from BEA 2023 value added.

    Labour = compensation of employees, capital = gross operating surplus, both summed over the
    sector's BEA lines (``data/bea_sector_costs_2023.csv``), as shares of their sum (factor income,
    as in ``calibration.labor_share``). Housing: the real-estate industry's surplus is split into land
    (``housing_land_share`` of it — land's share of house value, read as its share of the surplus) and
    structures; structures are valued at what building them costs, so that part is split into labour
    and capital with construction's shares (a house's structure is what construction built).
    """
    shares: dict[str, SectorCosts] = {}
    for sector, lines in sector_mapping().items():
        ce, gos = _compensation_and_surplus(lines["add"], lines["subtract"])
        labour, surplus = ce / (ce + gos), gos / (ce + gos)
        if lines["structures"]:
            c_ce, c_gos = _compensation_and_surplus(lines["structures"], [])
            structures = surplus * (1.0 - housing_land_share)
            theta_c = c_ce / (c_ce + c_gos)
            shares[sector] = SectorCosts(labour=labour + structures * theta_c,
                                         capital=structures * (1.0 - theta_c),
                                         land=surplus * housing_land_share)
        else:
            shares[sector] = SectorCosts(labour=labour, capital=surplus, land=0.0)
    return shares


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------


def cpi_weights(params: ParameterSet, year: int) -> dict[str, float]:
    """Base-year CPI weights by sector (sum 1): ``prices.cpi_weight_*``; "other" is the remainder."""
    weights = {s: float(params(f"prices.cpi_weight_{s}", year)) for s in SECTORS if s != "other"}
    rest = 1.0 - sum(weights.values())
    if rest < 0.0:
        listed = ", ".join(f"prices.cpi_weight_{s}={w:g}" for s, w in weights.items())
        raise UserError(f"the CPI weights {listed} add up to more than 1; allowed: a sum of at most 1 "
                        "(the rest is the weight of other goods and services).", source="parameters")
    weights["other"] = rest
    return weights


def frictions(params: ParameterSet, year: int) -> dict[str, float]:
    """Friction f_s by sector (``prices.friction_*``), each in [0, 1]."""
    return {s: float(params(f"prices.friction_{s}", year)) for s in SECTORS}


def macro_task_labour_share(params: ParameterSet, year: int) -> float:
    """θ_X: labour's share of the macro task composite, labour share of output / (1 − land share)."""
    return float(params("calibration.labor_share", year)) / (1.0 - float(params("production.land_share", year)))


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------


def base_automation_odds(theta_s: float, theta_x: float, phi0: float) -> float:
    """κ_s = (1 − Φ_s,0)/Φ_s,0 = [odds(θ_s)/odds(θ_X)] (1 − Φ_0)/Φ_0 (same task-cost ratio w/R in all sectors)."""
    return (theta_s / (1.0 - theta_s)) / (theta_x / (1.0 - theta_x)) * (1.0 - phi0) / phi0


def task_cost_index(theta: float, kappa: float, remaining: np.ndarray, wage_index: np.ndarray,
                    rental_index: np.ndarray, sigma: float) -> np.ndarray:
    """ĉ_s: unit cost of a sector's labour–capital task bundle relative to the base year.

    ``theta`` is the base labour share θ_s, ``kappa`` = (1 − Φ_s,0)/Φ_s,0, ``remaining`` is
    u = (1 − Φ_s,t)/(1 − Φ_s,0), the share of the base year's human tasks still human. CES dual in
    hat form: ĉ^{1−σ} = (1 − θ) (Φ_s,t/Φ_s,0) r̂^{1−σ} + θ u ŵ^{1−σ}, with
    Φ_s,t/Φ_s,0 = 1 + (1 − u) κ (floored at 0 if automation is undone below zero).
    """
    rho = 1.0 - sigma
    automated_growth = np.maximum(1.0 + (1.0 - remaining) * kappa, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        base = (1.0 - theta) * automated_growth * rental_index**rho + theta * remaining * wage_index**rho
        return base ** (1.0 / rho)


@dataclass(frozen=True)
class PriceModel:
    """The price block's constants for one parameter set and year: the sectors' cost shares, base
    automation odds κ_s and frictions, the CES elasticity and the CPI weights. The engine builds it once and
    prices each simulated year with it (:meth:`prices_at`); :func:`sector_price_paths` builds one per call."""

    phi0: float  # Φ_0, the base-year automation share
    sigma: float  # σ, the elasticity of substitution between tasks
    shares: dict[str, SectorCosts]
    kappa: dict[str, float]  # κ_s = (1 − Φ_s,0)/Φ_s,0 by sector
    frictions: dict[str, float]  # f_s by sector
    weights: dict[str, float]  # CPI weights by sector

    @classmethod
    def from_parameters(cls, params: ParameterSet, year: int, phi0: float | None = None) -> PriceModel:
        """``year``: the year whose parameter values apply (normally the base year); ``phi0``: Φ_0 (default
        ``technology.automation_share_base``)."""
        phi0 = float(params("technology.automation_share_base", year)) if phi0 is None else float(phi0)
        if not 0.0 < phi0 < 1.0:
            raise ValueError(f"phi0 = {phi0} must lie strictly between 0 and 1")
        theta_x = macro_task_labour_share(params, year)
        shares = sector_cost_shares(float(params("assets.housing_land_share", year)))
        return cls(phi0=phi0, sigma=float(params("production.sigma", year)), shares=shares,
                   kappa={s: base_automation_odds(shares[s].task_labour_share, theta_x, phi0) for s in SECTORS},
                   frictions=frictions(params, year), weights=cpi_weights(params, year))

    def paths(self, automation_share: ArrayLike, wage_index: ArrayLike, rental_index: ArrayLike,
              land_price_index: ArrayLike, *, tfp_index: ArrayLike | None = None,
              sector_factors: Mapping[str, ArrayLike] | None = None,
              friction_scale: ArrayLike | None = None) -> dict[str, np.ndarray]:
        """Price indices of the five sectors and the CPI (base year = 1), vectorised over years (the
        arguments as :func:`sector_price_paths`'s)."""
        phi, w_hat, r_hat, land = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (
            automation_share, wage_index, rental_index, land_price_index)))
        tfp = np.ones_like(phi) if tfp_index is None else np.broadcast_to(np.asarray(tfp_index, dtype=float),
                                                                          phi.shape)
        remaining = (1.0 - np.clip(phi, 0.0, 1.0)) / (1.0 - self.phi0)  # u_t
        # The five sectors along a first axis, the years after it: every element is computed by the same
        # operations, in the same order, as sector by sector (numpy's loops are elementwise), in a dozen
        # numpy calls instead of sixty (the engine prices one year at a time).
        along = (slice(None),) + (None,) * phi.ndim
        theta, kappa, land_share, friction = (a[along] for a in self._by_sector)
        if friction_scale is not None:
            friction = friction * np.asarray(friction_scale, dtype=float)
        no_new = task_cost_index(theta, kappa, np.ones_like(remaining), w_hat, r_hat, self.sigma)
        automated = task_cost_index(theta, kappa, remaining, w_hat, r_hat, self.sigma)
        bundle = no_new - (1.0 - friction) * (no_new - automated)
        if sector_factors:  # a policy lowers the cost of the task bundle, not of land (× 1 elsewhere: exact)
            bundle = bundle * np.stack([np.broadcast_to(np.asarray(sector_factors.get(s, 1.0), dtype=float),
                                                        phi.shape) for s in SECTORS])
        prices = (land_share * land + (1.0 - land_share) * bundle) / tfp
        out: dict[str, np.ndarray] = {s: prices[k] for k, s in enumerate(SECTORS)}
        out["cpi"] = sum(self.weights[s] * out[s] for s in SECTORS)
        return out

    @cached_property
    def _by_sector(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """θ_s, κ_s, the land share and f_s, one entry a sector in :data:`SECTORS` order."""
        return (np.array([self.shares[s].task_labour_share for s in SECTORS]),
                np.array([self.kappa[s] for s in SECTORS]), np.array([self.shares[s].land for s in SECTORS]),
                np.array([self.frictions[s] for s in SECTORS]))

    def prices_at(self, automation_share: float, wage_index: float, rental_index: float, land_price_index: float,
                  *, tfp_index: float = 1.0, sector_factors: Mapping[str, float] | None = None,
                  friction_scale: float | None = None) -> dict[str, float]:
        """One year's sector price indices and CPI as floats (:meth:`paths` at one point)."""
        paths = self.paths(automation_share, wage_index, rental_index, land_price_index, tfp_index=tfp_index,
                           sector_factors=sector_factors, friction_scale=friction_scale)
        return {k: float(v) for k, v in paths.items()}


def sector_price_paths(automation_share: ArrayLike, wage_index: ArrayLike, rental_index: ArrayLike,
                       land_price_index: ArrayLike, params: ParameterSet, year: int, *, phi0: float | None = None,
                       tfp_index: ArrayLike | None = None,
                       sector_factors: Mapping[str, ArrayLike] | None = None,
                       friction_scale: ArrayLike | None = None) -> dict[str, np.ndarray]:
    """Price indices of the five sectors and the CPI (base year = 1), vectorised over years.

    Args:
        automation_share: Φ_t, share of tasks machines can do (array or scalar, /1).
        wage_index: w_t/w_0, wage per efficiency unit of labour relative to the base year.
        rental_index: R_t/R_0, gross rental rate of capital relative to the base year.
        land_price_index: ℓ_t, the cost of land per unit relative to the base year. The CPI prices
            housing by its rent, so the land *rent* index is the right input; the land price (value)
            index is equivalent while the discount rate and land taxes are steady (with a land value
            tax, pass the rent index: the tax lowers land prices, not rents).
        params: parameters (``prices.*``, ``production.sigma``, ``production.land_share``,
            ``calibration.labor_share``, ``technology.automation_share_base``, ``assets.housing_land_share``).
        year: the year whose parameter values apply (normally the base year).
        phi0: Φ_0, the base-year automation share (default ``technology.automation_share_base``).
        tfp_index: Â_t, non-AI productivity relative to the base year (default 1), common to all sectors.
        sector_factors: multipliers on named sectors' task-bundle cost (default none; land's cost share is
            untouched), e.g. a public prize's (:meth:`commonwealth.policy.base.Policy.sector_cost_factors`);
            the CPI uses the resulting prices.
        friction_scale: multiplier on every sector's friction f_s (default 1): with deployment lags, the
            share of licensing's hold still in force (:func:`commonwealth.diffusion.licensed_friction_scale`).

    Returns:
        ``{"housing", "health", "education", "food", "other", "cpi"}`` → arrays (index, base = 1) of the
        broadcast shape of the inputs.
    """
    return PriceModel.from_parameters(params, year, phi0).paths(
        automation_share, wage_index, rental_index, land_price_index, tfp_index=tfp_index,
        sector_factors=sector_factors, friction_scale=friction_scale)


def sector_prices_at(automation_share: float, wage_index: float, rental_index: float, land_price_index: float,
                     params: ParameterSet, year: int, *, phi0: float | None = None,
                     tfp_index: float = 1.0, sector_factors: Mapping[str, float] | None = None,
                     friction_scale: float | None = None) -> dict[str, float]:
    """One year's sector price indices and CPI as floats (same model and arguments as :func:`sector_price_paths`)."""
    return PriceModel.from_parameters(params, year, phi0).prices_at(
        automation_share, wage_index, rental_index, land_price_index, tfp_index=tfp_index,
        sector_factors=sector_factors, friction_scale=friction_scale)


def halving_time(price_index: ArrayLike, years: ArrayLike) -> float:
    """Years for a price index to fall to half its first value, in years (float), or NaN.

    If the index reaches half its starting value within the path, the time is the first crossing,
    interpolated log-linearly between the two years that bracket it (a path that is exactly 0.5 × its
    base k years in gives k). Otherwise it is the time the path's average pace of decline would take,
    ln 2 · (t_N − t_0) / ln(p_0 / p_N). NaN if the index does not fall by the end of the path (or the
    path is shorter than two points, or its base value is not positive).

    The index is taken as given: pass a sector index for its real price in base-year dollars (the
    model's units), or a sector index divided by the CPI for its price relative to the basket.
    """
    p = np.asarray(price_index, dtype=float)
    t = np.asarray(years, dtype=float)
    if p.shape != t.shape or p.ndim != 1:
        raise ValueError(f"price_index and years must be 1-d arrays of one length, got {p.shape} and {t.shape}")
    if p.size < 2 or not np.isfinite(p[0]) or p[0] <= 0.0:
        return float("nan")
    target = 0.5 * p[0]
    below = np.flatnonzero(p <= target)
    if below.size:
        k = int(below[0])
        hi, lo = p[k - 1], p[k]  # k ≥ 1 because p[0] > target
        # log-linear between the bracketing years (linear if the lower point is not positive)
        frac = math.log(hi / target) / math.log(hi / lo) if lo > 0.0 else (hi - target) / (hi - lo)
        return float(t[k - 1] - t[0] + frac * (t[k] - t[k - 1]))
    if not np.isfinite(p[-1]) or p[-1] >= p[0] or p[-1] <= 0.0:
        return float("nan")
    return float(math.log(2.0) * (t[-1] - t[0]) / math.log(p[0] / p[-1]))


def halving_times(prices: Mapping[str, np.ndarray], years: ArrayLike) -> dict[str, float]:
    """``halving_time_<sector>`` for every sector in ``prices`` (the output of :func:`sector_price_paths`)."""
    return {f"halving_time_{s}": halving_time(prices[s], years) for s in SECTORS}


def price_metrics(prices: Mapping[str, np.ndarray], years: ArrayLike) -> dict[str, np.ndarray | float]:
    """The :data:`PRICE_METRICS` values: ``cpi`` and ``price_<sector>`` paths, and the halving times."""
    out: dict[str, np.ndarray | float] = {"cpi": prices["cpi"]}
    out.update({f"price_{s}": prices[s] for s in SECTORS})
    out.update(halving_times(prices, years))
    return out
