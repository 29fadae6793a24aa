"""Tiny fabricated results for tests of the output folders and the run store (no simulation)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from commonwealth.engine import ScenarioResult
from commonwealth.scenario import load_scenario


def fake_results(name: str = "t", source: Path | None = None, years: int = 2) -> list[ScenarioResult]:
    """One ScenarioResult with a handful of metric rows; ``source`` (a YAML path) becomes its input file."""
    scenario = load_scenario(source) if source is not None else load_scenario("status-quo")
    scenario = scenario.model_copy(update={"name": name})
    rows = [(name, scenario.start_year + k, metric, float(k + 1), "USD")
            for k in range(years + 1) for metric in ("gdp", "public_debt")]
    frame = pd.DataFrame(rows, columns=["scenario", "year", "metric", "value", "unit"])
    return [ScenarioResult(scenario=scenario, calibration=None, metrics=frame, seconds=0.01)]
