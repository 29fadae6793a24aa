"""Firms and land at the base year: who owns each company, and what land is worth.

**Firms** (:class:`Firms`, a struct of arrays) are the US corporate universe plus one
noncorporate-business row per sector:

* the ten largest listed companies by market value (named, July 2025);
* the rest of the listed market (``assets.listed_firm_count`` firms in all, worth
  ``assets.listed_equity_value``) and ``assets.private_firm_rows`` private corporations worth
  ``assets.closely_held_to_public_equity_ratio`` × the listed value. Their values follow one
  rank-size (Zipf–Pareto) law that continues below the tenth named firm; its tail index is solved so
  that the totals are exact;
* one noncorporate-business row per sector, which holds households' private-business equity (DFA
  "miscellaneous other equity" net of its land); these rows are aggregates of many small firms
  (``aggregate`` True) and are owned 100% by their household holders.

Each firm has a sector (BEA industries grouped; generated firms drawn in proportion to value added),
an AI exposure (employment-weighted Eloundou et al. β of the occupation groups mapped to the sector)
and a revenue proxy (sector value added shared in proportion to value).

**Ownership** of every firm is split into ``own_index`` (index holders: all households'
equity_index, pro rata), ``own_concentrated`` (the population records with ``stake_firm == j``),
``own_foreign`` (rest of world and other non-household holders: the residual) and ``own_fund`` (0 at
base). The identities are enforced by :func:`commonwealth.base_year.build_base_year` and checked by
:func:`commonwealth.base_year.check_ownership`.

**Land**: :func:`land_value` capitalises a rent; :func:`household_land_value` is the base-year land
held by households (housing land plus land held through private business); :func:`land_by_owner` is
all US land at the base year split by owner (households, corporations, governments), which shares one
rent and one price per dollar of land.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

from commonwealth.parameters import ParameterSet
from commonwealth.sources import MILLION, bea_industries, codes, table
from commonwealth.sums import dot
from commonwealth.wealth_targets import (
    DFA_QUARTER,
    billionaire_fortunes,
    calibration_year,
    dfa_wealth_targets,
)

__all__ = [
    "Firms",
    "assign_founder_firms",
    "build_firms",
    "firm_universe",
    "household_land_value",
    "land_by_owner",
    "land_value",
    "larson_land_value_scaled",
    "revenue_proxy",
    "sector_table",
    "settle",
]

#: Random stream of the firm universe, kept apart from the population's stream for the same seed.
_FIRM_STREAM = 1


# --------------------------------------------------------------------------------------------------
# Sectors
# --------------------------------------------------------------------------------------------------


@cache
def sector_table() -> pd.DataFrame:
    """Sectors with value added (USD, BEA 2023) and AI exposure [derived].

    ``value_added`` sums BEA GDP-by-industry lines (data/sectors.csv says which, using the shipped
    data/bea-labour-share-by-industry-2023.csv). ``ai_exposure`` is the OEWS-employment-weighted
    mean human-rated β of the SOC major groups mapped to the sector (an assumed crosswalk, listed in
    data/sectors.csv); ``weight`` is the sector's share of the listed sectors' value added.
    """
    sectors = table("sectors.csv", text=True).copy()  # code lists stay text ("19;45;62", "")
    sectors["code"] = sectors["code"].astype(np.int8)
    bea = bea_industries()["VA2023_$M"]
    occupations = table("occupation_groups.csv").set_index("soc")
    value_added, exposure = [], []
    for row in sectors.itertuples():
        va = sum(bea[line] for line in codes(row.bea_lines_add)) - sum(
            bea[line] for line in codes(row.bea_lines_subtract)
        )
        value_added.append(float(va) * MILLION)
        groups = occupations.loc[codes(row.soc_groups)]
        exposure.append(float(np.average(groups["beta_human"], weights=groups["employment"])))
    sectors["value_added"] = value_added
    sectors["ai_exposure"] = exposure
    sectors["weight"] = sectors["value_added"] / sectors["value_added"].sum()
    return sectors


# --------------------------------------------------------------------------------------------------
# Firms
# --------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Firms:
    """One row per firm (or per noncorporate-business aggregate)."""

    name: NDArray[np.object_]  # company name; "" for generated firms
    value: NDArray[np.float64]  # market value of equity, USD
    listed: NDArray[np.bool_]
    aggregate: NDArray[np.bool_]  # True for a noncorporate-business row standing for many firms
    sector: NDArray[np.int8]  # index into sector_table()
    ai_exposure: NDArray[np.float64]  # share of tasks exposed to AI, in [0, 1]
    revenue: NDArray[np.float64]  # USD/year; proxy: the sector's value added pro rata to value
    own_index: NDArray[np.float64]
    own_concentrated: NDArray[np.float64]
    own_foreign: NDArray[np.float64]
    own_fund: NDArray[np.float64]
    own_public: NDArray[np.float64]  # public or nonprofit owners (capped-profit labs); 0 at base

    #: The ownership columns; for every firm they sum to 1.
    HOLDERS = ("own_index", "own_concentrated", "own_foreign", "own_fund", "own_public")

    @property
    def size(self) -> int:
        return int(self.value.size)

    @property
    def aggregate_ids(self) -> NDArray[np.int32]:
        """Firm ids of the noncorporate-business rows, ordered by sector code."""
        ids = np.flatnonzero(self.aggregate).astype(np.int32)
        return ids[np.argsort(self.sector[ids], kind="stable")]

    @property
    def ownership_total(self) -> NDArray[np.float64]:
        return self.own_index + self.own_concentrated + self.own_foreign + self.own_fund + self.own_public

    def validate(self) -> None:
        n = self.size
        for field in fields(self):
            if getattr(self, field.name).shape != (n,):
                raise ValueError(f"Firms.{field.name} must have shape ({n},)")
        if np.any(self.value <= 0):
            raise ValueError("firm values must be positive")
        if np.any((self.ai_exposure < 0) | (self.ai_exposure > 1)):
            raise ValueError("firm AI exposure must lie in [0, 1]")


def _zipf_tail(
    anchor_value: float, anchor_rank: int, count: int, total: float
) -> tuple[NDArray, float]:
    """Values of ranks anchor_rank+1 … anchor_rank+count, v_r = anchor·(anchor_rank/r)^(1/α).

    The tail index α is solved so that the values sum to ``total``; the law continues the rank-size
    line through the anchor (the smallest named firm). Returns the values and α.
    """
    ranks = np.arange(anchor_rank + 1, anchor_rank + count + 1, dtype=np.float64)
    log_ratio = np.log(anchor_rank / ranks)

    def gap(alpha: float) -> float:
        return float(anchor_value * np.exp(log_ratio / alpha).sum()) - total

    if gap(0.05) > 0 or gap(50.0) < 0:  # the total rises with α (flatter tails)
        raise ValueError("cannot fit a rank-size law to the firm totals; check assets.* parameters")
    alpha = brentq(gap, 0.05, 50.0, xtol=1e-14, rtol=1e-14)
    return anchor_value * np.exp(log_ratio / alpha), float(alpha)


def firm_universe(params: ParameterSet, seed: int) -> Firms:
    """The firm universe with values, sectors, AI exposure and revenue, ownership not yet settled.

    Deterministic for a seed (the seed draws the sectors of generated firms). Noncorporate rows get
    their expected base value (DFA private business net of land, shared by sector value added).
    Ownership columns are zero; :func:`build_firms` or
    :func:`commonwealth.base_year.settle_ownership` fill them.
    """
    year = calibration_year(params)
    rng = np.random.default_rng(np.random.SeedSequence([seed, _FIRM_STREAM]))
    sectors = sector_table()
    sector_code = dict(zip(sectors["sector"], sectors["code"], strict=True))
    named = table("largest_market_caps_2025.csv").sort_values("market_cap_usd", ascending=False)
    named_value = named["market_cap_usd"].to_numpy(dtype=np.float64)

    listed_total = float(params("assets.listed_equity_value", year))
    listed_count = int(params("assets.listed_firm_count", year))
    private_total = float(params("assets.closely_held_to_public_equity_ratio", year)) * listed_total
    private_rows = int(params("assets.private_firm_rows", year))
    listed_rest = listed_total - named_value.sum()
    tail_count = listed_count - named_value.size + private_rows
    if listed_rest <= 0 or listed_count <= named_value.size:
        raise ValueError(
            "assets.listed_equity_value / listed_firm_count leave nothing for the other firms"
        )
    tail, _ = _zipf_tail(
        float(named_value.min()), named_value.size, tail_count, listed_rest + private_total
    )
    # Spread the private corporations evenly along the ranks, then rescale each class to its total.
    position = np.arange(tail_count)
    private = np.floor((position + 1) * private_rows / tail_count) > np.floor(
        position * private_rows / tail_count
    )
    tail[private] *= private_total / tail[private].sum()
    tail[~private] *= listed_rest / tail[~private].sum()

    n_sectors = len(sectors)
    business_total = float(dfa_wealth_targets(params).classes["business_equity"].sum())
    aggregate_value = business_total * sectors["weight"].to_numpy(dtype=np.float64)

    value = np.concatenate([named_value, tail, aggregate_value])
    sector = np.concatenate(
        [
            named["sector"].map(sector_code).to_numpy(dtype=np.int8),
            rng.choice(
                sectors["code"].to_numpy(dtype=np.int8), size=tail_count, p=sectors["weight"]
            ),
            sectors["code"].to_numpy(dtype=np.int8),
        ]
    )
    n = value.size
    aggregate = np.zeros(n, dtype=bool)
    aggregate[-n_sectors:] = True
    listed = np.zeros(n, dtype=bool)
    listed[: named_value.size] = True
    listed[named_value.size : named_value.size + tail_count] = ~private
    names = np.array(
        list(named["company"])
        + [""] * tail_count
        + [f"noncorporate business: {s}" for s in sectors["sector"]],
        dtype=object,
    )
    firms = Firms(
        name=names,
        value=value,
        listed=listed,
        aggregate=aggregate,
        sector=sector,
        ai_exposure=sectors["ai_exposure"].to_numpy(dtype=np.float64)[sector],
        revenue=np.zeros(n),
        own_index=np.zeros(n),
        own_concentrated=np.zeros(n),
        own_foreign=np.zeros(n),
        own_fund=np.zeros(n),
        own_public=np.zeros(n),
    )
    firms.revenue = revenue_proxy(firms)
    firms.validate()
    return firms


def revenue_proxy(firms: Firms) -> NDArray[np.float64]:
    """Revenue proxy: each sector's value added shared among its firms in proportion to value."""
    va = sector_table()["value_added"].to_numpy(dtype=np.float64)
    sector_value = np.bincount(firms.sector, weights=firms.value, minlength=va.size)
    return va[firms.sector] * firms.value / sector_value[firms.sector]


def assign_founder_firms(
    firms: Firms, fortunes: NDArray[np.float64], named_firms: tuple[str, ...]
) -> NDArray[np.int32]:
    """Firm id of each billionaire's concentrated stake.

    ``fortunes`` lists the named fortunes first (aligned with ``named_firms``), then the others. A
    named fortune whose firm is a named firm gets that firm. Every other billionaire, in descending
    order of fortune, gets the next largest generated corporation (one billionaire per firm), so the
    largest fortunes own the largest unnamed firms. Raises if founders would own a whole firm.
    """
    fortunes = np.asarray(fortunes, dtype=np.float64)
    ids = np.full(fortunes.size, -1, dtype=np.int32)
    name_to_id = {name: i for i, name in enumerate(firms.name) if name and not firms.aggregate[i]}
    for k, firm in enumerate(named_firms):
        ids[k] = name_to_id.get(firm, -1)
    unmatched = np.flatnonzero(ids < 0)
    candidates = np.flatnonzero((firms.name == "") & ~firms.aggregate)
    candidates = candidates[np.argsort(-firms.value[candidates], kind="stable")]
    if unmatched.size > candidates.size:
        raise ValueError("more billionaires than firms to hold their stakes")
    by_fortune = unmatched[np.argsort(-fortunes[unmatched], kind="stable")]
    ids[by_fortune] = candidates[: by_fortune.size]
    stake = np.bincount(ids, weights=fortunes, minlength=firms.size) / firms.value
    if np.any(stake >= 1.0):
        worst = int(np.argmax(stake))
        raise ValueError(
            f"founders would own {stake[worst]:.0%} of firm {worst} ({firms.name[worst]!r})"
        )
    return ids


def settle(firms: Firms, concentrated_value: NDArray[np.float64], index_total: float) -> Firms:
    """Fill the ownership columns from the concentrated holdings per firm and the index total.

    Noncorporate rows are worth exactly their holders' stakes (own_concentrated = 1). For
    corporations, own_concentrated = stakes / value; the free float 1 − own_concentrated is split
    between index holders and the rest of the world in one common proportion, chosen so that
    Σ_j own_index_j·value_j equals the households' index equity.
    """
    agg = firms.aggregate
    value = firms.value.copy()
    value[agg] = concentrated_value[agg]
    if np.any(value <= 0):
        raise ValueError("a noncorporate-business row has no holders")
    own_concentrated = np.where(agg, 1.0, concentrated_value / value)
    corporate = ~agg
    float_value = float(dot(value[corporate], 1.0 - own_concentrated[corporate]))
    index_fraction = index_total / float_value
    if not 0.0 <= index_fraction <= 1.0:
        raise ValueError(
            f"households' index equity (${index_total / 1e12:.1f} tn) exceeds the free float "
            f"of the firm universe (${float_value / 1e12:.1f} tn); raise assets.listed_equity_value"
        )
    free = np.where(corporate, 1.0 - own_concentrated, 0.0)
    own_index = index_fraction * free
    settled = Firms(
        name=firms.name,
        value=value,
        listed=firms.listed,
        aggregate=firms.aggregate,
        sector=firms.sector,
        ai_exposure=firms.ai_exposure,
        revenue=np.zeros(firms.size),
        own_index=own_index,
        own_concentrated=own_concentrated,
        own_foreign=free - own_index,
        own_fund=np.zeros(firms.size),
        own_public=np.zeros(firms.size),
    )
    settled.revenue = revenue_proxy(settled)
    settled.validate()
    return settled


def build_firms(params: ParameterSet | None = None, seed: int = 0) -> Firms:
    """The firm universe with ownership implied by the parameters alone (no population needed).

    Founders' stakes come from :func:`commonwealth.wealth_targets.billionaire_fortunes`, the index
    total from the DFA mapping; noncorporate rows keep their expected values.
    :func:`commonwealth.base_year.build_base_year` gives the version settled against an actual
    population (identities exact to 1e-9).
    """
    params = params if params is not None else ParameterSet()
    firms = firm_universe(params, seed)
    billionaires = billionaire_fortunes(params)
    ids = assign_founder_firms(firms, billionaires.fortune, billionaires.named_firm)
    concentrated = np.bincount(ids, weights=billionaires.fortune, minlength=firms.size)
    concentrated[firms.aggregate] = firms.value[firms.aggregate]
    index_total = float(
        dfa_wealth_targets(params).classes["equity_corporate"].sum() - billionaires.fortune.sum()
    )
    return settle(firms, concentrated, index_total)


# --------------------------------------------------------------------------------------------------
# Land
# --------------------------------------------------------------------------------------------------


def land_value(
    rent: ArrayLike,
    r: ArrayLike,
    g_expected: ArrayLike,
    tau_land: ArrayLike,
    property_tax: ArrayLike,
) -> float | NDArray[np.float64]:
    """Capitalised land value: rent / (r − g_expected + tau_land + property_tax).

    ``rent`` is the annual land rent (USD/year); ``r`` the discount rate, ``g_expected`` the
    expected growth rate of rents, ``tau_land`` a land value tax rate and ``property_tax`` the
    property tax rate, all per year. A land value tax lowers the price of land by raising the
    denominator. The formula needs a positive denominator; otherwise the price of land would be
    infinite and a ``ValueError`` says which terms to change. Works elementwise on arrays.
    """
    denominator = (
        np.asarray(r, dtype=np.float64)
        - np.asarray(g_expected, dtype=np.float64)
        + np.asarray(tau_land, dtype=np.float64)
        + np.asarray(property_tax, dtype=np.float64)
    )
    if np.any(denominator <= 0):
        worst = float(np.min(denominator))
        raise ValueError(
            f"land value is infinite: r − g_expected + tau_land + property_tax = {worst:.4g} ≤ 0. "
            "The discount rate plus land taxes must exceed the expected growth of land rents."
        )
    value = np.asarray(rent, dtype=np.float64) / denominator
    return float(value) if value.ndim == 0 else value


def household_land_value(params: ParameterSet) -> float:
    """Base-year land held by households, USD: housing land plus land held through private business.

    Housing land = ``assets.housing_land_share`` × DFA real estate (2025:Q4), i.e. real estate minus
    structures. Other land = ``assets.private_business_land_share`` × DFA private business equity.
    The population's housing_land + other_land sums to this by construction.
    """
    classes = dfa_wealth_targets(params).classes
    return float(classes["housing_land"].sum() + classes["other_land"].sum())


@cache
def _larson_scale() -> float:
    """Growth of DFA household real estate from 2009:Q4 to the DFA quarter (×2.47) [derived]; from the shipped
    tables alone, so found once a process (every simulation's base market reads it twice)."""
    real_estate_2009 = float(table("dfa_pre2010_real_estate.csv")["real_estate"].sum())
    levels = table("dfa_networth_levels_2025.csv")
    real_estate_now = float(levels.loc[levels["quarter"] == DFA_QUARTER, "real_estate"].sum())
    return real_estate_now / real_estate_2009


def larson_land_value_scaled(params: ParameterSet) -> float:
    """Non-federal US land value at 2025:Q4, USD, for comparison.

    Larson's 2009 estimate less federal land, scaled by the growth of DFA household real estate from
    2009:Q4 to 2025:Q4 [derived]. It covers all non-federal owners (households, businesses, state and
    local governments); the scaling includes the growth of the structures' volume, so it is an upper
    bound rather than an estimate (:func:`land_by_owner` builds the total from its owners).
    """
    year = calibration_year(params)
    land_2009 = float(params("assets.larson_land_value", year)) - float(
        params("assets.larson_federal_land_value", year)
    )
    return land_2009 * _larson_scale()


@dataclass(frozen=True)
class LandOwners:
    """US land at the base year by owner, USD (one price per dollar of land: 1 unit = $1 at the base year)."""

    housing: float  # households: land under owner-occupied housing (DFA real estate × land share)
    other_household: float  # households: land held through private (noncorporate) business
    corporate: float  # corporations: inside firm values (``assets.corporate_land_value``, judgement)
    government: float  # federal (Larson, scaled) plus state and local (``assets.state_local_land_share``)

    @property
    def household(self) -> float:
        return self.housing + self.other_household

    @property
    def private(self) -> float:
        """Privately held land: households' and corporations' (the essay's land-tax base)."""
        return self.household + self.corporate

    @property
    def total(self) -> float:
        return self.private + self.government


def land_by_owner(params: ParameterSet) -> LandOwners:
    """All US land at the base year, USD, by owner.

    Households: the DFA classes ``housing_land`` and ``other_land`` (:func:`household_land_value`, exact
    with the population). Corporations: ``assets.corporate_land_value`` (judgement, $5-15 tn). Government:
    federal land, Larson's $1.8 tn (2009) scaled like :func:`larson_land_value_scaled`, plus
    ``assets.state_local_land_share`` × Larson's scaled non-federal land [derived].
    """
    year = calibration_year(params)
    classes = dfa_wealth_targets(params).classes
    federal = float(params("assets.larson_federal_land_value", year)) * _larson_scale()
    state_local = float(params("assets.state_local_land_share", year)) * larson_land_value_scaled(params)
    return LandOwners(housing=float(classes["housing_land"].sum()), other_household=float(classes["other_land"].sum()),
                      corporate=float(params("assets.corporate_land_value", year)), government=federal + state_local)
