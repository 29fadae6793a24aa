"""From a request to work: scenarios resolved without reading any file a request names, the server's caps
checked, and the simulation each job kind runs (the same functions as the command line's)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from commonwealth.errors import UserError
from commonwealth.scenario import Scenario, builtin_names, load_scenario, scenario_from_mapping
from commonwealth.server.jobs import Output, Work
from commonwealth.server.schemas import JobRequest, SweepOptions
from commonwealth.server.settings import ServerSettings
from commonwealth.yaml_input import shown

#: The formats a result table is served in.
FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8",
           "parquet": "application/vnd.apache.parquet"}


def resolve(item: str | dict[str, Any], where: str) -> Scenario:
    """A scenario from a built-in name or from content; ``extends`` may only name a built-in (a server
    never opens a path it is sent)."""
    names = builtin_names()
    if isinstance(item, str):
        if item not in names:
            raise UserError(f"key '{where}' has value {shown(item)}, which is not a built-in scenario; allowed: "
                            f"{', '.join(names)}, or a scenario's content as a JSON object (this server reads no "
                            "files).")
        return load_scenario(item)
    parent = item.get("extends")
    if parent is not None and (not isinstance(parent, str) or parent not in names):
        raise UserError(f"key '{where}.extends' has value {shown(parent)}; allowed: a built-in scenario "
                        f"({', '.join(names)}); this server reads no files.")
    return scenario_from_mapping(item, source=f"request {where}")


def household_years(s: Scenario) -> int:
    """The work of one scenario: records × (years + 1) × draws (a macro closure counts as one record)."""
    records = s.population.size if s.saving == "households" else 1
    return records * (s.years + 1) * s.politics.draws


def check_caps(scenarios: Sequence[Scenario], settings: ServerSettings, *, points: int = 1) -> int:
    """Refuse a job beyond the server's caps; returns its household-years."""
    for s in scenarios:
        if s.population.size > settings.max_population:
            raise UserError(f"scenario {s.name!r}: population.size {s.population.size} is more than this server "
                            f"simulates; allowed: at most {settings.max_population} records (--max-population), "
                            "or run it with the command line.")
        if s.years > settings.max_years:
            raise UserError(f"scenario {s.name!r}: years {s.years} is more than this server simulates; allowed: at "
                            f"most {settings.max_years}.")
    work = sum(household_years(s) for s in scenarios) * points
    if work > settings.max_work:
        raise UserError(f"the job asks for {work:,} household-years (records × years × draws); allowed: at most "
                        f"{settings.max_work:,} on this server (fewer records, years, draws or scenarios), or run "
                        "it with the command line.")
    return work


class JobPlan:
    """A validated job: its scenarios, its unit count for progress, and the work to run."""

    def __init__(self, kind: str, scenarios: list[Scenario], baseline: str | None, total: int, work: Work) -> None:
        self.kind, self.scenarios, self.baseline, self.total, self.work = kind, scenarios, baseline, total, work


def plan_job(request: JobRequest, settings: ServerSettings) -> JobPlan:
    """Everything checked before the job is queued: scenarios, overrides, caps, base years."""
    from commonwealth.api import _overridden
    from commonwealth.preflight import check_base_year

    if len(request.scenarios) > settings.max_scenarios:
        raise UserError(f"key 'scenarios' lists {len(request.scenarios)}; allowed: at most {settings.max_scenarios} "
                        "on this server.")
    scenarios = [_overridden(resolve(item, f"scenarios[{i}]"), request.size, request.years, request.seed)
                 for i, item in enumerate(request.scenarios)]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise UserError(f"key 'scenarios' names {', '.join(map(repr, twice))} more than once; allowed: scenarios "
                        "with different names.")
    if request.sweep is not None and request.kind != "sweep":
        raise UserError(f"key 'sweep' applies to kind 'sweep', not {request.kind!r}.")
    compared = request.kind in ("compare", "report", "sweep")
    if compared and request.baseline not in names:
        base = _overridden(resolve(request.baseline, "baseline"), request.size, request.years, request.seed)
        scenarios.insert(0, base)
    for s in scenarios:
        check_base_year(s)
    if request.kind == "sweep":
        return _sweep_plan(request, scenarios, settings)
    years = list(request.compare_years) if request.compare_years else None
    if years is not None and not compared:
        raise UserError("key 'compare_years' applies to kinds 'compare' and 'report', not 'run'.")
    from commonwealth.comparison import check_years

    check_years(years, scenarios, option="key 'compare_years'")
    check_caps(scenarios, settings)
    total = sum((s.years + 1) * s.politics.draws for s in scenarios)
    baseline = request.baseline if compared else None
    return JobPlan(request.kind, scenarios, baseline, total, _simulation(request.kind, scenarios, baseline, years))


def _simulation(kind: str, scenarios: list[Scenario], baseline: str | None, years: list[int] | None) -> Work:
    from commonwealth.api import _snapshot_years, run_all
    from commonwealth.comparison import compare
    from commonwealth.output import combined_metrics

    def work(tick: Callable[[int], None]) -> Output:
        snaps = years if years is not None else (_snapshot_years(scenarios[0], None) if baseline else [])
        results = run_all(scenarios, snapshot_years=snaps, progress=tick, workers=1)
        tables = {"metrics": combined_metrics(results)}
        if baseline is None:
            return Output(tables)
        comparison = compare(results, baseline, years)
        tables |= {"differences": comparison.differences, "deciles": comparison.deciles,
                   "budget": comparison.budget, "ownership": comparison.ownership}
        if kind != "report":
            return Output(tables)
        from commonwealth.report import render_report

        command = "commonwealth report " + " ".join(
            s.name if s.sources[0].endswith(f"{s.name}.yaml") else f"{s.name}.yaml" for s in scenarios
        ) + f" --baseline {baseline}"
        return Output(tables, report_html=render_report(results, comparison, command=command))

    return work


def _sweep_plan(request: JobRequest, scenarios: list[Scenario], settings: ServerSettings) -> JobPlan:
    from commonwealth.sweep import plan_sweep, run_sweep

    options = request.sweep or SweepOptions()
    if options.draws > settings.max_draws:
        raise UserError(f"key 'sweep.draws' has value {options.draws}; allowed: at most {settings.max_draws} on this "
                        "server, or run it with `commonwealth sweep`.")
    base = next(s for s in scenarios if s.name == request.baseline)
    reforms = [s for s in scenarios if s.name != request.baseline]
    if not reforms:
        raise UserError("a sweep needs at least one reform besides the baseline; key 'scenarios' lists only "
                        f"{request.baseline!r}.")
    plan = plan_sweep(base, reforms, draws=options.draws, method=options.method, parameters=options.parameters,
                      seed=request.seed)
    points = plan.points()
    check_caps(plan.scenarios, settings, points=len(points))

    def work(tick: Callable[[int], None]) -> Output:
        result = run_sweep(plan, backend="local", workers=1, progress=tick)
        return Output({"metrics": result.draws, "central": result.central, "bands": result.bands(),
                       "effect_bands": result.effect_bands(), "sensitivity": result.sensitivity()})

    return JobPlan("sweep", plan.scenarios, request.baseline, len(points), work)


def encode(frame: pd.DataFrame, fmt: str) -> bytes:
    """A table as JSON (a list of rows; NaN as null), CSV or Parquet."""
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n").encode()
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    return frame.to_json(orient="records", double_precision=15).encode()
