"""Metrics: the one documented list of what commonwealth reports, with units, and how each is computed.

Every metric is computed in the core and written in the tidy contract of DESIGN §4
(``scenario, year, metric, value, unit``). Names are stable snake_case; the table below is the
documentation (``commonwealth metrics`` prints it). Distribution metrics are weighted and exact
(sort-based, see :mod:`commonwealth.distribution`); records are adults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from commonwealth import distribution as dist
from commonwealth.production import FactorPrices

if TYPE_CHECKING:
    from commonwealth.households import Flows, Prices
    from commonwealth.markets import Market
    from commonwealth.population import Population

#: Thresholds for counting fortunes (USD).
BILLION = 1e9
TRILLION = 1e12


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    description: str


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric("gdp", "USD/year", "Output Y, in base-year dollars per year (real)."),
        Metric("gdp_growth", "1/year", "Growth of real GDP over the year ending in this year (log points)."),
        Metric("automation_share", "/1", "Share of tasks machines can perform, Φ_t."),
        Metric("labor_share", "/1", "Labour's share of output, wL/Y."),
        Metric("capital_share", "/1", "Capital's share of output, RK/Y."),
        Metric("land_share", "/1", "Land's share of output, 1 − α."),
        Metric("wage_index", "index", "Wage per efficiency unit of labour relative to the base year (base = 1)."),
        Metric("labor_income", "USD/year", "Total labour income wL, base-year dollars per year."),
        Metric("rental_rate", "1/year", "Gross rental rate of capital R = ∂Y/∂K (before depreciation)."),
        Metric("interest_rate", "1/year", "Net return on capital, r = R − δ."),
        Metric("capital_stock", "USD", "Capital stock K at the start of the year, base-year dollars."),
        Metric("investment", "USD/year", "Gross investment = gross saving (domestic, foreign and depreciation)."),
        Metric("consumption", "USD/year", "Output not invested: household and government consumption and net exports."),
        Metric("saving_rate", "/1", "Gross investment as a share of output."),
        Metric("output_region", "region", "1: labour scarce (K/L > Φ/(1−Φ)); 2: labour no longer "
               "scarce, wages pinned to the return on capital (Korinek & Suh 2024)."),
        Metric("adults", "count", "Adults (18+) in the population."),
        Metric("household_net_worth", "USD", "Net worth of all adults at this year's prices."),
        Metric("equity_market_value", "USD", "Market value of all US firms (every holder)."),
        Metric("land_value", "USD", "Value of household land, capitalised rent."),
        Metric("wealth_share_top0_1", "/1", "Share of net worth held by the richest 0.1 % of adults."),
        Metric("wealth_share_top1", "/1", "Share of net worth held by the richest 1 % of adults."),
        Metric("wealth_share_top10", "/1", "Share of net worth held by the richest 10 % of adults."),
        Metric("wealth_share_bottom50", "/1", "Share of net worth held by the poorer half of adults."),
        Metric("gini_wealth", "/1", "Gini coefficient of net worth across adults."),
        Metric("billionaires", "count", "Adults with net worth of at least $1 billion (base-year dollars)."),
        Metric("trillionaires", "count", "Adults with net worth of at least $1 trillion (base-year dollars)."),
        Metric("largest_fortune", "USD", "Net worth of the richest adult."),
        Metric("gini_income", "/1", "Gini coefficient of income before taxes (market income plus transfers)."),
        Metric("median_income_real", "USD/year", "Median adult income before taxes, base-year dollars."),
        Metric("displaced_share", "/1", "Share of adults out of work because automation took their job."),
    ]
}


def growth_series(gdp: np.ndarray) -> np.ndarray:
    """Log growth over the year ending in each year; undefined (NaN) in the base year."""
    growth = np.full(np.shape(gdp), np.nan)
    growth[1:] = np.diff(np.log(gdp))
    return growth


def macro_metrics(fp: FactorPrices, capital, investment, phi, usd: float, depreciation: float) -> dict:
    """Macro metrics in dollars where the unit says so; ``capital`` and gross ``investment`` are in
    model units (scalars for one year or arrays over years)."""
    output = np.asarray(fp.output, dtype=float)
    investment = np.asarray(investment, dtype=float)
    wage = np.asarray(fp.wage, dtype=float)
    return {
        "gdp": output * usd,
        "automation_share": np.asarray(phi, dtype=float),
        "labor_share": fp.labor_share,
        "capital_share": fp.capital_share,
        "land_share": fp.land_share,
        "wage_index": wage / (wage.flat[0] if wage.ndim else 1.0),
        "labor_income": fp.labor_share * output * usd,
        "rental_rate": fp.rental_rate,
        "interest_rate": np.asarray(fp.rental_rate) - depreciation,
        "capital_stock": np.asarray(capital, dtype=float) * usd,
        "investment": investment * usd,
        "consumption": (output - investment) * usd,
        "saving_rate": investment / output,
        "output_region": np.asarray(fp.region, dtype=float),
    }


def distribution_metrics(pop: Population, wealth: np.ndarray, displaced: np.ndarray, market: Market,
                         prices: Prices) -> dict[str, float]:
    """Wealth distribution and asset totals at this year's prices."""
    w = pop.weight
    return {
        "adults": float(w.sum()),
        "household_net_worth": float(np.dot(w, wealth)),
        "equity_market_value": float(market.firms.value.sum()),
        "land_value": prices.land_price * market.land_units,
        "wealth_share_top0_1": dist.top_share(wealth, w, 0.001),
        "wealth_share_top1": dist.top_share(wealth, w, 0.01),
        "wealth_share_top10": dist.top_share(wealth, w, 0.10),
        "wealth_share_bottom50": dist.bottom_share(wealth, w, 0.50),
        "gini_wealth": dist.gini(wealth, w),
        "billionaires": dist.count_above(wealth, w, BILLION),
        "trillionaires": dist.count_above(wealth, w, TRILLION),
        "largest_fortune": float(wealth.max()),
        "displaced_share": float(np.dot(w, displaced)) / float(w.sum()),
    }


def income_metrics(flows: Flows, weight: np.ndarray) -> dict[str, float]:
    income = flows.income
    return {
        "gini_income": dist.gini(income, weight),
        "median_income_real": dist.weighted_median(income, weight),
    }


def tidy(scenario: str, start_year: int, series: dict[str, np.ndarray]) -> pd.DataFrame:
    """Long table ``scenario, year, metric, value, unit`` in the order of :data:`METRICS`; NaN values
    (undefined) are dropped."""
    frames = []
    for name in METRICS:
        if name not in series:
            continue
        values = np.asarray(series[name], dtype=float)
        years = start_year + np.arange(values.size)
        keep = ~np.isnan(values)
        frames.append(pd.DataFrame({
            "scenario": scenario, "year": years[keep].astype("int64"), "metric": name,
            "value": values[keep], "unit": METRICS[name].unit,
        }))
    unknown = set(series) - set(METRICS)
    if unknown:
        raise KeyError(f"undocumented metrics: {sorted(unknown)}")
    return pd.concat(frames, ignore_index=True)
