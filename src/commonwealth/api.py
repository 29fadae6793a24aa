"""The Python API: scenarios in, tidy results out.

    from commonwealth import Scenario, simulate, compare
    results = simulate("status-quo", "american-equity-fund", size=20_000)
    results.metrics                      # tidy DataFrame: scenario, year, metric, value, unit
    comparison = compare(results, baseline="status-quo", years=[2035, 2055])
    results.to_parquet("metrics.parquet")
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from commonwealth.comparison import Comparison
from commonwealth.comparison import compare as compare_results
from commonwealth.engine import ScenarioResult, run_scenario
from commonwealth.errors import ModelError
from commonwealth.output import combined_metrics, write_outputs
from commonwealth.preflight import check_base_year
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


def _overridden(s: Scenario, size: int | None, years: int | None, seed: int | None) -> Scenario:
    """``s`` with ``size``, ``years`` or ``seed`` replaced, validated like the scenario file's keys."""
    if size is None and years is None and seed is None:
        return s
    raw: dict[str, Any] = s.model_dump(mode="python", exclude={"sources", "digest", "warnings"})
    raw["policies"] = [p.model_dump(exclude_none=True) for p in s.policies]
    raw["population"] = {"size": size if size is not None else s.population.size}
    if years is not None:
        raw["years"] = years
    if seed is not None:
        raw["seed"] = seed
    raw["ai"] = s.ai.model_dump(exclude_none=True)
    raw["politics"] = s.politics.model_dump(exclude_none=True)
    fresh = scenario_from_mapping(raw, source=s.sources[0])
    return fresh.model_copy(update={"sources": s.sources})


def run_all(scenarios: Sequence[Scenario], *, snapshot_years: Sequence[int] | None = None,
            progress: Callable[[int], None] | None = None) -> list[ScenarioResult]:
    """Simulate validated scenarios one after another: the one route from the CLI and the API to the engine.

    A failure of the model (an identity that breaks, an economy that becomes infeasible, a number that
    stops being finite) raises :class:`~commonwealth.errors.ModelError` naming the scenario and the year.
    """
    out = []
    for s in scenarios:
        snaps = snapshot_years if snapshot_years is not None else sorted(
            {s.start_year + min(10, s.years), s.start_year + s.years})
        done = [0]

        def advance(n: int, done: list[int] = done) -> None:
            done[0] += n
            if progress:
                progress(n)

        def failed_year(s: Scenario = s, done: list[int] = done) -> int:
            return s.start_year + done[0] % (s.years + 1)

        try:
            with np.errstate(all="ignore"):
                result = run_scenario(s, progress=advance, snapshot_years=snaps)
        except ModelError as exc:
            exc.scenario = exc.scenario or s.name
            raise
        except (ArithmeticError, ValueError, IndexError, np.linalg.LinAlgError) as exc:
            raise ModelError(f"the economy could not be computed ({type(exc).__name__}: {exc})",
                             scenario=s.name, year=failed_year()) from exc
        check_finite(result)
        out.append(result)
    return out


#: Aggregates that must stay finite every year; NaN or infinity here means the economy broke down.
FINITE_METRICS = ("gdp", "capital_stock", "public_debt", "wage_index", "median_income_real")


def check_finite(result: ScenarioResult) -> None:
    """Raise :class:`ModelError` at the first year a core aggregate is NaN or infinite."""
    m = result.metrics
    core = m[m.metric.isin(FINITE_METRICS)]
    bad = core[~np.isfinite(core.value.to_numpy(dtype=float))]
    if not bad.empty:
        first = bad.sort_values("year").iloc[0]
        raise ModelError(f"{first.metric} is {first.value} — the economy became infeasible",
                         scenario=result.scenario.name, year=int(first.year))


def simulate(*scenarios: str | Path | Scenario | dict[str, Any], size: int | None = None, years: int | None = None,
             seed: int | None = None, snapshot_years: Sequence[int] | None = None) -> Results:
    """Run scenarios (built-in names, YAML paths, :class:`Scenario` objects or mappings).

    ``size``, ``years`` and ``seed`` override every scenario's own (checked like the scenario keys);
    ``snapshot_years`` keeps per-household data for :func:`compare` (default: ten years on and the horizon).
    Raises :class:`~commonwealth.errors.UserError` for bad input, before anything runs, and
    :class:`~commonwealth.errors.ModelError` when the model fails.
    """
    chosen = [_overridden(_as_scenario(s), size, years, seed) for s in scenarios] or [
        _overridden(load_scenario("status-quo"), size, years, seed)]
    for s in chosen:
        check_base_year(s)
    return Results(run_all(chosen, snapshot_years=snapshot_years))


def compare(results: Results | Sequence[ScenarioResult], baseline: str = "status-quo",
            years: Sequence[int] | None = None) -> Comparison:
    """Compare scenarios with a baseline: differences over time, winners and losers by decile,
    Lorenz curves and who owns companies and land."""
    items = results.results if isinstance(results, Results) else list(results)
    return compare_results(items, baseline, years)


def channels(reform: str | Path | Scenario | dict[str, Any], baseline: str | Path | Scenario | dict[str, Any]
             = "status-quo", *, metrics: Sequence[str] = ("gdp",), years: Sequence[int] | None = None,
             size: int | None = None, seed: int | None = None,
             progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """A reform's effect on ``metrics`` split by behavioural channel: static, what each response adds,
    interactions, total (:func:`commonwealth.channels.channel_effects`; 2 + 2·5 runs)."""
    from commonwealth.channels import channel_effects

    chosen = [_overridden(_as_scenario(s), size, None, seed) for s in (reform, baseline)]
    for s in chosen:
        check_base_year(s)
    return channel_effects(chosen[0], chosen[1], metrics, years,
                           run=lambda s: run_all([s], snapshot_years=[], progress=progress)[0])
