"""The base-year calibration report: every target the population and firms must meet, and the fit.

:func:`calibration_targets` lists each target (DFA wealth shares and aggregates, Forbes billionaires,
OEWS wages, BLS employment and ages, OEWS occupation shares, the firm universe) with the value the
built base year achieves and the tolerance the calibration brief allows (see
``docs/model/population-and-assets.md``, "Targets"). It is read by ``commonwealth calibrate`` and
the tests; the simulation does not use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from commonwealth.assets import Firms, household_land_value
from commonwealth.distribution import count_above, share_between, weighted_quantile
from commonwealth.parameters import ParameterSet
from commonwealth.population import Population
from commonwealth.population_builder import employment_rate_by_age
from commonwealth.sources import occupation_table, table
from commonwealth.sums import dot
from commonwealth.wealth_targets import calibration_year, dfa_wealth_targets

__all__ = ["Target", "calibration_targets"]

#: Tolerances requested by the calibration brief (docs/model/population-and-assets.md, "Targets").
SHARE_TOLERANCE = 0.01  # DFA group shares: ±1 percentage point
AGGREGATE_TOLERANCE = 0.05  # household aggregates vs Z.1/DFA: ±5%
BILLIONAIRE_TOLERANCE = 0.10  # Forbes count and wealth: ±10%
WAGE_TOLERANCE = 0.02  # OEWS percentiles: ±2%
RATE_TOLERANCE = 0.01  # BLS employment ratio and age shares by band: ±1 pp
AGE_WEALTH_TOLERANCE = 0.03  # DFA net worth share by age: ±3 pp
OCCUPATION_TOLERANCE = 0.01  # OEWS employment share of each occupation group: ±1 pp
EXACT_TOLERANCE = 1e-9  # identities that hold by construction
MARRIED_TOLERANCE = 0.05  # married share of adults vs the Census CPS: ±5 pp (spouse present or not)
#: Zipf's law for firm sizes, P(size > s) ∝ 1/s (Axtell 2001), checked with a wide band because
#: it is measured on employment and all tax-paying firms, not on listed market values.
ZIPF_EXPONENT = 1.0
ZIPF_TOLERANCE = 0.25


@dataclass(frozen=True)
class Target:
    """One calibration target and how well the built population (or firms) reproduces it."""

    name: str
    description: str
    target: float
    achieved: float
    tolerance: float
    tolerance_kind: Literal["abs", "rel"]
    unit: str
    source: str

    @property
    def error(self) -> float:
        """achieved − target (``abs``) or (achieved − target) / |target| (``rel``)."""
        difference = self.achieved - self.target
        return difference if self.tolerance_kind == "abs" else difference / abs(self.target)

    @property
    def ok(self) -> bool:
        return abs(self.error) <= self.tolerance * (1 + 1e-12) + 1e-15


_DFA_SOURCE = "Federal Reserve DFA, net worth by wealth group, 2025:Q4"


def calibration_targets(pop: Population, firms: Firms, params: ParameterSet) -> list[Target]:
    """Every base-year calibration target with the achieved value (sources: see the docs)."""
    year = calibration_year(params)
    targets = dfa_wealth_targets(params)
    out: list[Target] = []
    nw = pop.net_worth
    w = pop.weight
    total_dfa = targets.total_net_worth

    # Wealth shares by DFA group.
    bands = [
        ("top0_1", 0.999, 1.0),
        ("p99_99_9", 0.99, 0.999),
        ("top1", 0.99, 1.0),
        ("p90_99", 0.90, 0.99),
        ("top10", 0.90, 1.0),
        ("p50_90", 0.50, 0.90),
        ("bottom50", 0.0, 0.50),
    ]
    # The DFA ranks households by household wealth: so do the targets (a couple's unit holds both
    # adults' equal shares; see docs/model/population-and-assets.md, Units).
    household_nw, households = pop.unit_wealth(nw), pop.unit_weight
    for name, lo, hi in bands:
        in_band = (targets.pct_lo >= lo - 1e-12) & (targets.pct_hi <= hi + 1e-12)
        out.append(
            Target(
                f"wealth_share_{name}",
                f"net worth share of households between percentiles {lo:g} and {hi:g}",
                float(targets.net_worth[in_band].sum() / total_dfa),
                share_between(household_nw, households, lo, hi),
                SHARE_TOLERANCE,
                "abs",
                "/1",
                _DFA_SOURCE,
            )
        )

    # Aggregates. Corporate equity: index holdings plus stakes in corporations (not in the
    # noncorporate-business rows, which hold DFA private business).
    in_corporation = (pop.stake_firm >= 0) & ~firms.aggregate[np.clip(pop.stake_firm, 0, None)]
    corporate_equity = pop.total("equity_index") + float(
        dot(w[in_corporation], pop.equity_concentrated[in_corporation])
    )
    out += [
        Target(
            "adults",
            "adults represented (sum of weights)",
            float(params("population.adults", year)),
            float(w.sum()),
            EXACT_TOLERANCE,
            "rel",
            "count",
            params["population.adults"].source,
        ),
        Target(
            "household_net_worth",
            "household net worth",
            total_dfa,
            pop.total(nw),
            AGGREGATE_TOLERANCE,
            "rel",
            "USD",
            _DFA_SOURCE,
        ),
        Target(
            "household_real_estate",
            "owner-occupied real estate (housing land + structures)",
            float(targets.real_estate.sum()),
            pop.total(pop.real_estate),
            AGGREGATE_TOLERANCE,
            "rel",
            "USD",
            "Federal Reserve DFA 2025:Q4, real estate",
        ),
        Target(
            "household_corporate_equity",
            "corporate equities held directly and indirectly (index + founders' stakes)",
            float(params("assets.corporate_equities_direct_indirect", year)),
            corporate_equity,
            AGGREGATE_TOLERANCE,
            "rel",
            "USD",
            params["assets.corporate_equities_direct_indirect"].source,
        ),
        Target(
            "household_land",
            "land held by households (housing + other land)",
            household_land_value(params),
            pop.total(pop.housing_land + pop.other_land),
            EXACT_TOLERANCE,
            "rel",
            "USD",
            "DFA 2025:Q4 × land shares (assets.*_land_share)",
        ),
    ]

    # Units: the couples drawn by wealth group give about the Census share of married adults.
    out.append(
        Target(
            "married_share_of_adults",
            "share of adults in married-couple units",
            float(params("population.married_adult_share", year)),
            float(dot(w, pop.unit_size == 2) / w.sum()),
            MARRIED_TOLERANCE,
            "abs",
            "/1",
            params["population.married_adult_share"].source,
        )
    )

    # Billionaires.
    threshold = float(params("population.billionaire_threshold", year))
    rich = nw >= threshold
    out += [
        Target(
            "billionaires",
            "adults with net worth of at least $1 bn",
            float(params("population.billionaire_count", year)),
            count_above(nw, w, threshold),
            BILLIONAIRE_TOLERANCE,
            "rel",
            "count",
            params["population.billionaire_count"].source,
        ),
        Target(
            "billionaire_wealth",
            "combined net worth of billionaires",
            float(params("population.billionaire_wealth", year)),
            float(dot(w[rich], nw[rich])),
            BILLIONAIRE_TOLERANCE,
            "rel",
            "USD",
            params["population.billionaire_wealth"].source,
        ),
        Target(
            "largest_fortune",
            "largest individual net worth",
            float(table("forbes_top_fortunes_2025.csv")["net_worth_usd"].max()),
            float(nw.max()),
            EXACT_TOLERANCE,
            "rel",
            "USD",
            "Forbes 400, September 2025",
        ),
    ]

    out += _labour_targets(pop, params)
    out += _age_targets(pop, params)
    out += _firm_targets(firms, params)
    return out


def _firm_targets(firms: Firms, params: ParameterSet) -> list[Target]:
    """Firm universe: listed totals, the largest companies and the rank-size slope."""
    year = calibration_year(params)
    listed = firms.listed
    named = table("largest_market_caps_2025.csv")
    value = np.sort(firms.value[listed])[::-1]
    rank = np.arange(1, value.size + 1)
    slope = np.polyfit(np.log(value), np.log(rank), 1)[0]
    return [
        Target(
            "listed_equity_value",
            "market value of US-listed firms",
            float(params("assets.listed_equity_value", year)),
            float(value.sum()),
            EXACT_TOLERANCE,
            "rel",
            "USD",
            params["assets.listed_equity_value"].source,
        ),
        Target(
            "listed_firms",
            "number of US-listed firms",
            float(params("assets.listed_firm_count", year)),
            float(listed.sum()),
            EXACT_TOLERANCE,
            "rel",
            "count",
            params["assets.listed_firm_count"].source,
        ),
        Target(
            "largest_ten_companies_value",
            "market value of the ten largest listed companies",
            float(named["market_cap_usd"].sum()),
            float(value[: len(named)].sum()),
            EXACT_TOLERANCE,
            "rel",
            "USD",
            "CompaniesMarketCap via hmarkets.com, 28 July 2025",
        ),
        Target(
            "firm_size_zipf_exponent",
            "rank-size slope of listed market values (OLS, log-log)",
            ZIPF_EXPONENT,
            float(-slope),
            ZIPF_TOLERANCE,
            "abs",
            "/1",
            "Axtell (2001), Science 293:1818: US firm sizes follow Zipf's law, exponent ≈ 1",
        ),
    ]


def _labour_targets(pop: Population, params: ParameterSet) -> list[Target]:
    out: list[Target] = []
    w, employed = pop.weight, pop.employed
    wages = table("oews_wage_percentiles_2021.csv")
    mean_wage = float(wages.loc[wages["statistic"] == "mean", "annual_wage"].iloc[0])
    oews = "BLS OEWS May 2021, all occupations, annual wages"
    out.append(
        Target(
            "efficiency_mean_employed",
            "weighted mean efficiency of the employed",
            1.0,
            float(dot(w[employed], pop.efficiency[employed]) / w[employed].sum()),
            EXACT_TOLERANCE,
            "rel",
            "model-unit",
            "normalisation",
        )
    )
    for row in wages.dropna(subset=["quantile"]).itertuples():
        achieved = float(
            weighted_quantile(pop.efficiency[employed] * mean_wage, w[employed], row.quantile)
        )
        out.append(
            Target(
                f"wage_{row.statistic}",
                f"wage at quantile {row.quantile:g} of the employed",
                float(row.annual_wage),
                achieved,
                WAGE_TOLERANCE,
                "rel",
                "USD/year",
                oews,
            )
        )
    bands = table("bls_employment_by_age_2024.csv")
    band, rate = employment_rate_by_age(pop.age)
    population_share = (
        bands["population_thousands"] / bands["population_thousands"].sum()
    ).to_numpy()
    for b, row in enumerate(bands.itertuples()):
        inside = band == b
        label = f"{row.age_lo}_{min(row.age_hi, int(pop.age.max()))}"
        bls = "BLS CPS 2024 annual averages, table 3" + (" (65+ derived)" if row.derived else "")
        out.append(
            Target(
                f"employment_rate_age_{label}",
                f"employed share of adults aged {label}",
                float(rate[b]),
                float(w[inside & employed].sum() / w[inside].sum()),
                RATE_TOLERANCE,
                "abs",
                "/1",
                bls,
            )
        )
        out.append(
            Target(
                f"adult_share_age_{label}",
                f"share of adults aged {label}",
                float(population_share[b]),
                float(w[inside].sum() / w.sum()),
                RATE_TOLERANCE,
                "abs",
                "/1",
                bls,
            )
        )
    occupations = occupation_table()
    shares = occupations["employment"] / occupations["employment"].sum()
    achieved = np.bincount(
        pop.occupation[employed], weights=w[employed], minlength=len(occupations)
    )
    achieved = achieved / achieved.sum()
    worst = int(np.argmax(np.abs(achieved - shares.to_numpy())))
    out.append(
        Target(
            "occupation_share_max_error",
            "employment share of the worst-fitting occupation group "
            f"({occupations['name'][worst]})",
            float(shares.iloc[worst]),
            float(achieved[worst]),
            OCCUPATION_TOLERANCE,
            "abs",
            "/1",
            "BLS OEWS May 2021, SOC major groups",
        )
    )
    noncitizen = float(params("population.foreign_born_share")) * float(
        params("population.noncitizen_share_of_foreign_born")
    )
    out.append(
        Target(
            "noncitizen_share",
            "share of adults who are not US citizens",
            noncitizen,
            float(w[~pop.citizen].sum() / w.sum()),
            RATE_TOLERANCE,
            "abs",
            "/1",
            "Census ACS 2023 foreign-born share × CPS non-citizen share",
        )
    )
    return out


def _age_targets(pop: Population, params: ParameterSet) -> list[Target]:
    """Net worth shares by age: DFA head-of-household age groups applied to adults' own ages."""
    del params
    by_age = table("dfa_networth_by_age_2025q4.csv")
    nw = pop.net_worth * pop.weight
    total = nw.sum()
    out = []
    share = by_age["net_worth"] / by_age["net_worth"].sum()
    checks = [
        ("age55plus", by_age["head_age_lo"] >= 55, pop.age >= 55),
        ("age70plus", by_age["head_age_lo"] >= 70, pop.age >= 70),
        ("under40", by_age["head_age_hi"] < 40, pop.age < 40),
    ]
    for name, rows, adults in checks:
        out.append(
            Target(
                f"wealth_share_{name}",
                f"net worth share of adults {name} (DFA: by head's age)",
                float(share[rows].sum()),
                float(nw[adults].sum() / total),
                AGE_WEALTH_TOLERANCE,
                "abs",
                "/1",
                "Federal Reserve DFA, net worth by age of head, 2025:Q4",
            )
        )
    return out
