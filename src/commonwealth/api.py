"""The Python API: scenarios in, tidy results out.

    from commonwealth import Scenario, simulate, compare
    results = simulate("status-quo", "american-equity-fund", size=20_000)
    results.metrics                      # tidy DataFrame: scenario, year, metric, value, unit
    comparison = compare(results, baseline="status-quo", years=[2035, 2055])
    results.to_parquet("metrics.parquet")
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from commonwealth.comparison import Comparison
from commonwealth.comparison import compare as compare_results
from commonwealth.engine import ScenarioResult, run_scenario
from commonwealth.errors import ModelError, UserError
from commonwealth.interactive import INTERACTIVE_SIZE
from commonwealth.kernel_threads import kernel_threads, set_kernel_threads, worker_threads
from commonwealth.output import combined_metrics, write_outputs
from commonwealth.preflight import check_base_year
from commonwealth.scenario import Scenario, builtin_names, load_scenario, scenario_from_mapping


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


#: A run is spread over worker processes only when it has at least this many household-years to simulate
#: (records × years × draws, summed over scenarios): starting a worker (a fresh interpreter importing the
#: model) costs about two seconds, which small runs — the tests' — would not win back.
PARALLEL_MIN_HOUSEHOLD_YEARS = 5_000_000


def workers_for(scenarios: Sequence[Scenario], workers: int | None = None, *, auto: bool = False) -> int:
    """How many processes a run uses: ``workers`` if given, else ``COMMONWEALTH_WORKERS`` if set, else with
    ``auto`` (the command line) one per core for a run of at least :data:`PARALLEL_MIN_HOUSEHOLD_YEARS`,
    else one; never more than the run's draws. From Python, parallel runs are opt-in because spawned
    workers re-import the calling script: a script that asks for them needs ``if __name__ == "__main__":``."""
    kernel_threads()  # refuses a bad COMMONWEALTH_KERNEL_THREADS before any work
    units = sum(s.politics.draws if s.saving == "households" else 1 for s in scenarios)
    if workers is None:
        env = os.environ.get("COMMONWEALTH_WORKERS")
        if env:
            try:
                workers = int(env)
            except ValueError:
                raise UserError(f"COMMONWEALTH_WORKERS has value {env!r}; allowed: a whole number of processes, "
                                "at least 1") from None
        elif auto:
            work = sum(s.population.size * (s.years + 1) * s.politics.draws for s in scenarios)
            workers = (os.cpu_count() or 1) if work >= PARALLEL_MIN_HOUSEHOLD_YEARS else 1
        else:
            workers = 1
    if workers < 1:
        raise UserError(f"workers has value {workers}; allowed: at least 1 process")
    return max(1, min(workers, units))


def _snapshot_years(s: Scenario, snapshot_years: Sequence[int] | None) -> list[int]:
    return list(snapshot_years) if snapshot_years is not None else sorted(
        {s.start_year + min(10, s.years), s.start_year + s.years})


def _guarded(s: Scenario, run: Callable[[], Any], done: Callable[[], int]) -> Any:
    """Run ``run`` for scenario ``s``, turning numerical failures into a :class:`ModelError` naming the
    scenario and the year reached (``done``: the years simulated so far)."""
    try:
        with np.errstate(all="ignore"):
            return run()
    except ModelError as exc:
        exc.scenario = exc.scenario or s.name
        raise
    except (ArithmeticError, ValueError, IndexError, np.linalg.LinAlgError) as exc:
        raise ModelError(f"the economy could not be computed ({type(exc).__name__}: {exc})",
                         scenario=s.name, year=s.start_year + done() % (s.years + 1)) from exc


def _unit(s: Scenario, draw: int | None, snaps: Sequence[int]) -> tuple[str, Any]:
    """Worker: one draw of a households scenario (or a whole macro scenario), as ("ok", result) or
    ("error", (message, scenario, year)) — a ModelError's scenario and year survive the trip back."""
    from commonwealth.engine import simulate_draw, single_threaded_blas

    done = [0]

    def tick(n: int) -> None:
        done[0] += n

    def run() -> Any:
        if draw is None:
            return run_scenario(s, snapshot_years=snaps)
        with single_threaded_blas():
            return simulate_draw(s, draw, snaps if draw == 0 else (), tick)

    try:
        return "ok", _guarded(s, run, lambda: done[0])
    except ModelError as exc:
        return "error", (exc.detail, exc.scenario, exc.year)


def run_all(scenarios: Sequence[Scenario], *, snapshot_years: Sequence[int] | None = None,
            progress: Callable[[int], None] | None = None, workers: int | None = None) -> list[ScenarioResult]:
    """Simulate validated scenarios: the one route from the CLI and the API to the engine.

    With more than one worker (:func:`workers_for`) the draws of every scenario run in parallel processes
    (spawned, so each imports the model afresh); each draw depends only on its scenario, seed and draw
    number, and draws are combined in draw order, so the results are identical to a serial run's (tested).
    A failure of the model (an identity that breaks, an economy that becomes infeasible, a number that
    stops being finite) raises :class:`~commonwealth.errors.ModelError` naming the scenario and the year.
    """
    n = workers_for(scenarios, workers)
    if n > 1:
        return _run_parallel(scenarios, snapshot_years, progress, n)
    out = []
    for s in scenarios:
        snaps = _snapshot_years(s, snapshot_years)
        done = [0]

        def advance(k: int, done: list[int] = done) -> None:
            done[0] += k
            if progress:
                progress(k)

        result = _guarded(s, lambda s=s, snaps=snaps, advance=advance: run_scenario(s, progress=advance,
                                                                                   snapshot_years=snaps),
                          lambda done=done: done[0])
        check_finite(result)
        out.append(result)
    return out


def _run_parallel(scenarios: Sequence[Scenario], snapshot_years: Sequence[int] | None,
                  progress: Callable[[int], None] | None, workers: int) -> list[ScenarioResult]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from commonwealth.engine import combine_draws

    units = [(i, s, d) for i, s in enumerate(scenarios)
             for d in (range(s.politics.draws) if s.saving == "households" else [None])]
    started = time.perf_counter()
    # each process its share of the kernels' threads (commonwealth.kernel_threads), so that draws in
    # parallel processes do not also compete for the cores inside each
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=set_kernel_threads, initargs=(worker_threads(workers),)) as pool:
        futures = [pool.submit(_unit, s, d, _snapshot_years(s, snapshot_years)) for _, s, d in units]
        outcomes = []
        for (_, s, _draw), future in zip(units, futures, strict=True):
            status, value = future.result()
            if status == "error":
                message, scenario, year = value
                raise ModelError(message, scenario=scenario or s.name, year=year)
            if progress:
                progress(s.years + 1)
            outcomes.append(value)
    out = []
    for i, s in enumerate(scenarios):
        parts = [v for (j, _, _), v in zip(units, outcomes, strict=True) if j == i]
        result = parts[0] if s.saving != "households" else combine_draws(s, parts, time.perf_counter() - started)
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
             seed: int | None = None, snapshot_years: Sequence[int] | None = None,
             workers: int | None = None) -> Results:
    """Run scenarios (built-in names, YAML paths, :class:`Scenario` objects or mappings).

    ``size``, ``years`` and ``seed`` override every scenario's own (checked like the scenario keys);
    ``snapshot_years`` keeps per-household data for :func:`compare` (default: ten years on and the horizon);
    ``workers``: processes to run the draws in (default 1, or ``COMMONWEALTH_WORKERS``; the results do not
    depend on it; a script that asks for more needs ``if __name__ == "__main__":``, :func:`workers_for`).
    Raises :class:`~commonwealth.errors.UserError` for bad input, before anything runs, and
    :class:`~commonwealth.errors.ModelError` when the model fails.
    """
    chosen = [_overridden(_as_scenario(s), size, years, seed) for s in scenarios] or [
        _overridden(load_scenario("status-quo"), size, years, seed)]
    for s in chosen:
        check_base_year(s)
    return Results(run_all(chosen, snapshot_years=snapshot_years, workers=workers))


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



class Explorer:
    """Reforms explored one after another against one baseline, simulated once and kept.

        explorer = Explorer("status-quo")                 # 20,000 records, the baseline's own horizon
        explorer.compare("american-equity-fund").table    # only the reform is simulated
        explorer.compare({"name": "fund-4pc", "extends": "american-equity-fund", ...})

    Every reform runs with the baseline's size, horizon and seed, so the comparison is paired: the same
    base-year population (built once and copied, :func:`commonwealth.base_year.cached_base_year`), the same
    random streams. Results are those of :func:`simulate` with the same overrides, exactly.
    """

    def __init__(self, baseline: str | Path | Scenario | dict[str, Any] = "status-quo", *,
                 size: int | None = INTERACTIVE_SIZE, years: int | None = None, seed: int | None = None,
                 snapshot_years: Sequence[int] | None = None, progress: Callable[[int], None] | None = None
                 ) -> None:
        """``snapshot_years``: per-household data kept for the comparison's deciles (default: the horizon);
        ``progress``: called with the baseline's years simulated."""
        self.baseline = _overridden(_as_scenario(baseline), size, years, seed)
        check_base_year(self.baseline)
        self.snapshot_years = list(snapshot_years) if snapshot_years is not None else [
            self.baseline.start_year + self.baseline.years]
        self.baseline_result = run_all([self.baseline], snapshot_years=self.snapshot_years, progress=progress)[0]
        #: Built-in reforms by name, loaded and given the baseline's size, horizon and seed once (a few
        #: milliseconds of YAML and validation each; files and mappings are read afresh every call).
        self._builtins: dict[str, Scenario] = {}

    def run(self, reform: str | Path | Scenario | dict[str, Any], *,
            progress: Callable[[int], None] | None = None) -> ScenarioResult:
        """Simulate ``reform`` at the baseline's size, horizon and seed (``progress``: called with the years
        simulated, as :func:`run_all`'s)."""
        scenario = self._builtins.get(reform) if isinstance(reform, str) else None
        if scenario is None:
            b = self.baseline
            scenario = _overridden(_as_scenario(reform), b.population.size, b.years, b.seed)
            check_base_year(scenario)
            if isinstance(reform, str) and reform in builtin_names():
                self._builtins[reform] = scenario
        return run_all([scenario], snapshot_years=self.snapshot_years, progress=progress)[0]

    def compare(self, reform: str | Path | Scenario | dict[str, Any], years: Sequence[int] | None = None, *,
                progress: Callable[[int], None] | None = None) -> Comparison:
        """``reform`` against the kept baseline (:func:`compare`); ``years`` default: the snapshot years."""
        result = self.run(reform, progress=progress)
        if result.scenario.name == self.baseline.name:
            raise UserError(f"the reform is named {result.scenario.name!r}, like the baseline; allowed: another "
                            "name (key 'name')")
        return compare_results([self.baseline_result, result], self.baseline.name,
                               list(years) if years is not None else self.snapshot_years)
