"""Metrics: the one documented list of what commonwealth reports, with units.

Every metric is computed in the core and written in the tidy contract of DESIGN §4
(``scenario, year, metric, value, unit``). Names are stable snake_case; this table is the
documentation (``commonwealth metrics`` prints it and docs/metrics.md is generated from it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from commonwealth.calibration import MacroCalibration
from commonwealth.growth import GrowthPath


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
        Metric("wage_index", "index", "Wage per unit of labour relative to the base year (base = 1)."),
        Metric("labor_income", "USD/year", "Total labour income wL, base-year dollars per year."),
        Metric("rental_rate", "1/year", "Gross rental rate of capital R = ∂Y/∂K (before depreciation)."),
        Metric("interest_rate", "1/year", "Net return on capital, R − δ."),
        Metric("capital_stock", "USD", "Capital stock K, base-year dollars."),
        Metric("investment", "USD/year", "Gross investment = gross saving, Y − C."),
        Metric("consumption", "USD/year", "Aggregate consumption C."),
        Metric("saving_rate", "/1", "Gross saving as a share of output, 1 − C/Y."),
        Metric("output_region", "region", "1: labour scarce (K/L > Φ/(1−Φ)); 2: labour no longer "
               "scarce, wages pinned to the return on capital (Korinek & Suh 2024)."),
    ]
}


def macro_metrics(path: GrowthPath, calibration: MacroCalibration, start_year: int,
                  depreciation: float) -> dict[str, np.ndarray]:
    """Annual macro metrics from a growth path, in dollars where the unit says so."""
    usd = calibration.usd_per_unit
    fp = path.prices
    growth = np.full(path.years.shape, np.nan)
    growth[1:] = np.diff(np.log(fp.output))
    return {
        "gdp": fp.output * usd,
        "gdp_growth": growth,
        "automation_share": path.automation_share,
        "labor_share": fp.labor_share,
        "capital_share": fp.capital_share,
        "land_share": fp.land_share,
        "wage_index": fp.wage / fp.wage[0],
        "labor_income": fp.labor_share * fp.output * usd,
        "rental_rate": fp.rental_rate,
        "interest_rate": fp.rental_rate - depreciation,
        "capital_stock": path.capital * usd,
        "investment": (fp.output - path.consumption) * usd,
        "consumption": path.consumption * usd,
        "saving_rate": path.saving_rate,
        "output_region": fp.region.astype(float),
    }


def tidy(scenario: str, start_year: int, series: dict[str, np.ndarray]) -> pd.DataFrame:
    """Long table ``scenario, year, metric, value, unit``; NaN values (undefined) are dropped."""
    frames = []
    for name, values in series.items():
        values = np.asarray(values, dtype=float)
        years = start_year + np.arange(values.size)
        keep = ~np.isnan(values)
        frames.append(pd.DataFrame({
            "scenario": scenario, "year": years[keep].astype("int64"), "metric": name,
            "value": values[keep], "unit": METRICS[name].unit,
        }))
    return pd.concat(frames, ignore_index=True)
