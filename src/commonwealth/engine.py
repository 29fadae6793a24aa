"""The engine: compose the blocks for one scenario, year by year.

At this stage the macro blocks run: technology (Φ_t), production and factor prices, and capital
accumulation under the scenario's saving closure, on the US calibration.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd

from commonwealth.calibration import MacroCalibration, calibrate_us
from commonwealth.growth import Economy, GrowthPath, solve_exogenous, solve_ramsey
from commonwealth.metrics import macro_metrics, tidy
from commonwealth.scenario import Scenario


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    calibration: MacroCalibration
    path: GrowthPath
    metrics: pd.DataFrame  # tidy contract
    seconds: float


def build_economy(scenario: Scenario) -> tuple[Economy, MacroCalibration]:
    """The calibrated macro economy of a scenario (model units, L_0 = M = 1)."""
    params = scenario.parameter_set()
    y = scenario.start_year
    cal = calibrate_us(params, y)
    economy = Economy(
        tfp=cal.tfp,
        sigma=params("production.sigma", y),
        depreciation=params("production.depreciation", y),
        automation=scenario.automation(params),
        alpha=cal.alpha,
        tfp_growth=params("production.tfp_growth", y),
        labour_growth=params("production.labor_growth", y),
    )
    return economy, cal


def run_scenario(scenario: Scenario) -> ScenarioResult:
    """Simulate one scenario over its horizon."""
    started = time.perf_counter()
    params = scenario.parameter_set()
    y = scenario.start_year
    economy, cal = build_economy(scenario)
    if scenario.saving == "ramsey":
        path = solve_ramsey(economy, cal.capital0, params("saving.rho", y), params("saving.eta", y),
                            scenario.years)
    else:
        path = solve_exogenous(economy, cal.capital0, params("saving.rate", y), scenario.years)
    series = macro_metrics(path, cal, y, economy.depreciation)
    metrics = tidy(scenario.name, y, series)
    return ScenarioResult(scenario, cal, path, metrics, time.perf_counter() - started)
