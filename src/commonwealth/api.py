"""The Python API: scenarios in, tidy results out.

    from commonwealth import Scenario, simulate, compare
    results = simulate("status-quo", "american-equity-fund", size=20_000)
    results.metrics                      # tidy DataFrame: scenario, year, metric, value, unit
    comparison = compare(results, baseline="status-quo", years=[2035, 2055])
    results.to_parquet("metrics.parquet")
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from commonwealth.comparison import Comparison
from commonwealth.comparison import compare as compare_results
from commonwealth.engine import ScenarioResult, run_scenario
from commonwealth.output import combined_metrics, write_outputs
from commonwealth.scenario import Scenario, load_scenario, scenario_from_mapping


class Results:
    """The results of one or more scenarios run together."""

    def __init__(self, results: Sequence[ScenarioResult]) -> None:
        self.results = list(results)

    @property
    def metrics(self) -> pd.DataFrame:
        """Every metric of every scenario in the tidy contract (scenario, year, metric, value, unit)."""
        return combined_metrics(self.results)

    def wide(self, metric: str) -> pd.DataFrame:
        """One metric as a table: years × scenarios."""
        m = self.metrics
        return m[m.metric == metric].pivot(index="year", columns="scenario", values="value")

    def __getitem__(self, name: str) -> ScenarioResult:
        for r in self.results:
            if r.scenario.name == name:
                return r
        raise KeyError(name)

    def __iter__(self) -> Iterator[ScenarioResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def to_parquet(self, path: str | Path) -> Path:
        self.metrics.to_parquet(path, index=False)
        return Path(path)

    def save(self, out_dir: str | Path) -> Path:
        """Write the output contract (metrics.parquet, metrics.csv, run.json) into ``out_dir``."""
        return write_outputs(self.results, Path(out_dir))

    def compare(self, baseline: str = "status-quo", years: Sequence[int] | None = None) -> Comparison:
        return compare_results(self.results, baseline, years)

    def _repr_html_(self) -> str:
        m = self.metrics
        last = m.year.max()
        keep = ["gdp", "median_income_real", "wealth_share_top1", "wealth_share_bottom50", "dividend_per_adult",
                "billionaires"]
        table = m[(m.year == last) & m.metric.isin(keep)].pivot(index="metric", columns="scenario", values="value")
        return f"<p><b>commonwealth results, {last}</b></p>" + table.to_html(float_format=lambda x: f"{x:,.4g}")


def _as_scenario(item: str | Path | Scenario | dict[str, Any]) -> Scenario:
    if isinstance(item, Scenario):
        return item
    if isinstance(item, dict):
        return scenario_from_mapping(item)
    return load_scenario(item)


def simulate(*scenarios: str | Path | Scenario | dict[str, Any], size: int | None = None, years: int | None = None,
             seed: int | None = None, snapshot_years: Sequence[int] | None = None) -> Results:
    """Run scenarios (built-in names, YAML paths, :class:`Scenario` objects or mappings).

    ``size``, ``years`` and ``seed`` override every scenario's own; ``snapshot_years`` keeps per-household
    data for :func:`compare` (default: ten years on and the horizon).
    """
    chosen = [_as_scenario(s) for s in scenarios] or [load_scenario("status-quo")]
    out = []
    for s in chosen:
        if size is not None:
            s = s.with_population(size)
        if years is not None:
            s = s.model_copy(update={"years": years})
        if seed is not None:
            s = s.model_copy(update={"seed": seed})
        snaps = snapshot_years if snapshot_years is not None else sorted(
            {s.start_year + min(10, s.years), s.start_year + s.years})
        out.append(run_scenario(s, snapshot_years=snaps))
    return Results(out)


def compare(results: Results | Sequence[ScenarioResult], baseline: str = "status-quo",
            years: Sequence[int] | None = None) -> Comparison:
    """Compare scenarios with a baseline: differences over time, winners and losers by decile,
    Lorenz curves and who owns companies and land."""
    items = results.results if isinstance(results, Results) else list(results)
    return compare_results(items, baseline, years)
