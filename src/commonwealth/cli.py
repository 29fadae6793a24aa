"""The `commonwealth` command line.

    commonwealth run [SCENARIO...] [--out DIR]   simulate and write the output contract
    commonwealth compare SCENARIO... [--baseline B] [--years Y,Y]   differences, deciles, ownership
    commonwealth report SCENARIO... [--out DIR]  the comparison as a self-contained HTML report
    commonwealth runs [--sql QUERY]              stored runs, queryable with DuckDB
    commonwealth validate FILE...                check scenario files
    commonwealth scenarios                       list the built-in scenarios
    commonwealth params [PATTERN]                list parameters with value, unit and source
    commonwealth metrics                         list the metrics and their units
    commonwealth calibrate [--size N]            base-year targets, sources and the achieved fit
    commonwealth expected [--update] [NAME...]   check the built-in scenarios' stored results

A user's mistake exits with code 2 and one clear paragraph on stderr, a model failure with code 3,
never a traceback (docs/errors.md lists the exit codes). Set COMMONWEALTH_DEBUG=1 to see the traceback
of a model failure or an internal error.
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from commonwealth.errors import (
    EXIT_CHECK_FAILED,
    EXIT_INTERNAL_ERROR,
    EXIT_INTERRUPTED,
    EXIT_MODEL_FAILURE,
    EXIT_USER_ERROR,
    ModelError,
    UserError,
)
from commonwealth.version import __version__

#: Years after the base year shown in the terminal summary.
SUMMARY_OFFSETS = (10, 30)
MACRO_SUMMARY = ("gdp", "gdp_growth", "automation_share", "labor_share", "wage_index", "interest_rate",
                 "output_region")
COMPARE_METRICS = ("gdp", "median_income_real", "median_disposable_income_real", "dividend_per_adult",
                   "wealth_share_top0_1", "wealth_share_top1", "wealth_share_bottom50", "citizen_ownership_share",
                   "fund_ownership_share", "power_concentration", "billionaires", "public_debt")
HOUSEHOLD_SUMMARY = ("median_income_real", "median_disposable_income_real", "dividend_per_adult",
                     "wealth_share_top0_1", "wealth_share_top1",
                     "wealth_share_bottom50", "citizen_ownership_share", "fund_ownership_share", "billionaires",
                     "trillionaires", "largest_fortune", "displaced_share", "public_debt")


def _format(value: float, unit: str) -> str:
    if value != value:  # NaN
        return "–"
    if unit.startswith("USD"):
        magnitude = abs(value)
        if magnitude >= 1e14:
            return f"{value / 1e12:,.0f}tn"
        if magnitude >= 1e12:
            return f"{value / 1e12:,.1f}tn"
        if magnitude >= 1e9:
            return f"{value / 1e9:,.1f}bn"
        return f"{value:,.0f}"
    if unit in ("/1", "1/year"):
        return f"{100 * value:.1f}"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "region":
        return f"{int(value)}"
    return f"{value:.2f}"


def _label(name: str, unit: str) -> str:
    suffix = {"USD": " ($)", "USD/year": " ($/yr)", "/1": " (%)", "1/year": " (%/yr)"}
    return name + suffix.get(unit, "")


def _print_table(console: Console, title: str, label: str, headers: Sequence[str],
                 rows: Sequence[tuple[str, Sequence[str]]]) -> None:
    """A table of a label column and value columns that never cuts a number: when it is wider than the
    console, its value columns are split over several tables printed one under the other, each repeating
    the label column (at 80 columns, seven scenarios become three or four stacked tables)."""
    width = console.width
    label_width = max([len(label), *(len(r[0]) for r in rows)])
    widths = [max([len(h), *(len(r[1][j]) for r in rows)]) for j, h in enumerate(headers)]
    chunks: list[list[int]] = [[]]
    used = label_width + 4  # the label column with its borders and padding
    for j, w in enumerate(widths):
        if chunks[-1] and used + w + 3 > width:
            chunks.append([])
            used = label_width + 4
        chunks[-1].append(j)
        used += w + 3
    for n, chunk in enumerate(chunks):
        part = f" ({n + 1}/{len(chunks)})" if len(chunks) > 1 else ""
        table = Table(title=title + part, title_style="bold")
        table.add_column(label, style="cyan", no_wrap=True, overflow="fold")
        for j in chunk:
            table.add_column(headers[j], justify="right", no_wrap=True, min_width=widths[j])
        for name, cells in rows:
            table.add_row(name, *(cells[j] for j in chunk))
        console.print(table)


def _summary_table(results, console: Console) -> None:
    first = results[0].scenario
    years = [first.start_year + k for k in SUMMARY_OFFSETS if k <= first.years] or [
        first.start_year + first.years]
    from commonwealth.metrics import METRICS

    present = set().union(*(set(r.metrics.metric) for r in results))
    rows = []
    for name in (*MACRO_SUMMARY, *HOUSEHOLD_SUMMARY):
        if name not in present:
            continue
        cells = []
        for r in results:
            m = r.metrics[r.metrics.metric == name].set_index("year")["value"]
            cells.append(" → ".join(_format(m.get(y, float("nan")), METRICS[name].unit) for y in years))
        rows.append((_label(name, METRICS[name].unit), cells))
    _print_table(console, f"commonwealth — values in {' → '.join(map(str, years))}", "metric",
                 [r.scenario.name for r in results], rows)


def _load(refs: list[str]):
    from commonwealth.scenario import DEFAULT_SET, load_scenario

    scenarios = [load_scenario(ref) for ref in (refs or DEFAULT_SET)]  # all validated before anything runs
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise UserError(f"scenario names must be unique in one run; {', '.join(dup)} appears twice.")
    from commonwealth.preflight import check_base_year

    for s in scenarios:
        check_base_year(s)
        for warning in s.warnings:
            _warn(f"{s.sources[0]}: {warning}")
    return scenarios


def _warn(message: str) -> None:
    Console(stderr=True).print(Text.assemble(("warning: ", "bold yellow"), message), highlight=False, soft_wrap=True)


def _check_years(years: list[int] | None, scenarios) -> None:
    """``--years`` must lie within every scenario's simulated years."""
    from commonwealth.comparison import check_years

    check_years(years, scenarios)


def _parse_years(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        years = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        years = []
    if not years:
        raise UserError(f"--years {text!r}: allowed: calendar years separated by commas, e.g. 2035,2055.")
    return years


def _simulate(scenarios, snapshot_years=None):
    from commonwealth.api import run_all, workers_for

    results = []
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} years"),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("simulating", total=sum((s.years + 1) * s.politics.draws for s in scenarios))
        workers = workers_for(scenarios, auto=True)
        if workers > 1:  # draws in parallel processes: one bar for the whole run
            progress.update(task, description=f"simulating {len(scenarios)} scenarios on {workers} processes")
            return run_all(scenarios, snapshot_years=snapshot_years, progress=lambda n: progress.advance(task, n),
                           workers=workers)
        for s in scenarios:
            progress.update(task, description=f"simulating {s.name}")
            results += run_all([s], snapshot_years=snapshot_years, progress=lambda n: progress.advance(task, n))
    return results


def _store(results, args, out: Path | None, console: Console) -> None:
    if getattr(args, "no_store", False):
        return
    from commonwealth.runs import save_run

    stored = save_run(results, args.runs_dir, out_dir=out)
    console.print(f"stored as run {stored.name} (query all runs: commonwealth runs)", highlight=False, markup=False)


def _check_outputs(args: argparse.Namespace, scenarios, store: bool) -> list:
    """Refuse a bad --out or run store before any simulation; returns the input files."""
    from commonwealth.output import check_out_dir, input_paths

    inputs = input_paths(scenarios)
    if args.out is not None:
        check_out_dir(args.out, inputs)
    if store and not getattr(args, "no_store", False):
        from commonwealth.runs import check_store, runs_dir

        check_store(args.runs_dir)
        if args.out is not None and runs_dir(args.runs_dir).resolve().is_relative_to(Path(args.out).resolve()):
            raise UserError(f"the run store {runs_dir(args.runs_dir)} is inside --out {args.out}, which each run "
                            "replaces; allowed: a store outside the output folder.")
    return inputs


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    from commonwealth.output import write_outputs

    scenarios = _load(args.scenarios)
    inputs = _check_outputs(args, scenarios, store=True)
    results = _simulate(scenarios)
    out = write_outputs(results, Path(args.out), inputs)
    _summary_table(results, console)
    console.print(f"wrote {out}/metrics.parquet, metrics.csv, run.json", highlight=False, markup=False)
    _store(results, args, out, console)
    return 0


def _comparison_tables(comparison, console: Console) -> None:
    from commonwealth.metrics import METRICS

    for year in comparison.years:
        d = comparison.differences
        d = d[(d.year == year) & d.metric.isin(COMPARE_METRICS)]
        scenarios = list(dict.fromkeys(d.scenario))
        rows = []
        for metric in COMPARE_METRICS:
            found = d[d.metric == metric].set_index("scenario")
            if found.empty:
                continue
            unit = METRICS[metric].unit
            cells = []
            for name in scenarios:
                if name not in found.index:
                    cells.append("–")
                    continue
                value, diff = found.loc[name, "value"], found.loc[name, "difference"]
                cell = _format(value, unit)
                if name != comparison.baseline:
                    cell += f" ({_signed(diff, unit)})"
                cells.append(cell)
            rows.append((_label(metric, unit), cells))
        _print_table(console, f"{year}: value (difference from {comparison.baseline})", "metric", scenarios, rows)
    _budget_table(comparison, console)
    deciles = comparison.deciles
    if not deciles.empty:
        year = comparison.years[-1]
        rows = []
        for name, group in deciles[(deciles.year == year) & (deciles.by == "income")].groupby("scenario", sort=False):
            g = group.sort_values("decile")
            winners = float((g["gain more than 5%"] + g["gain less than 5%"]).mean())
            rows.append((name, [*(f"{v:,.0f}" for v in g.mean_change), f"{100 * winners:.0f}%"]))
        _print_table(console, f"{year}: change in net income by income decile (USD/yr per adult)", "scenario",
                     [*(f"D{d}" for d in range(1, 11)), "winners"], rows)


def _budget_table(comparison, console: Console) -> None:
    """Each reform's static and dynamic budget scores (commonwealth.comparison.budget_scores)."""
    scores = comparison.budget
    if scores.empty:
        return
    heads = ("static yrs 1–10", "Δ debt/GDP yr 10", "rule's response", "Δ debt/GDP end", "Δ GDP end")
    rows = [(row.scenario, [f"{100 * v:+.2f}%" if math.isfinite(v) else "–" for v in (
        row.static_10y, row.debt_ratio_10y, row.rule_response, row.debt_ratio_horizon, row.gdp_horizon)])
        for row in scores.itertuples()]
    _print_table(console, f"budget score against {comparison.baseline} (share of GDP; debt/GDP in points)",
                 "scenario", heads, rows)


def cmd_compare(args: argparse.Namespace, console: Console) -> int:
    from commonwealth.comparison import compare

    scenarios = _load(args.scenarios)
    if args.baseline not in [s.name for s in scenarios]:
        scenarios.insert(0, _load([args.baseline])[0])
    years = _parse_years(args.years)
    _check_years(years, scenarios)
    inputs = _check_outputs(args, scenarios, store=False)
    results = _simulate(scenarios, years)
    comparison = compare(results, args.baseline, years)
    _comparison_tables(comparison, console)
    if args.out:
        from commonwealth.output import staged_output, write_contract

        out = Path(args.out)
        with staged_output(out, inputs) as tmp:
            write_contract(results, tmp)
            comparison.differences.to_csv(tmp / "differences.csv", index=False)
            comparison.deciles.to_csv(tmp / "deciles.csv", index=False)
            comparison.budget.to_csv(tmp / "budget.csv", index=False)
        console.print(f"wrote {out}/metrics.parquet, differences.csv, deciles.csv, budget.csv", highlight=False,
                      markup=False)
    return 0


def cmd_channels(args: argparse.Namespace, console: Console) -> int:
    from commonwealth.api import channels
    from commonwealth.channels import RESPONSES
    from commonwealth.metrics import METRICS

    reform, baseline = _load([args.reform])[0], _load([args.baseline])[0]
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()]
    unknown = [m for m in metrics if m not in METRICS]
    if not metrics or unknown:
        raise UserError(f"--metrics {args.metrics!r}: {', '.join(unknown) or 'no metric'} is not a metric; allowed: "
                        "names from `commonwealth metrics`, separated by commas, e.g. gdp,median_income_real.")
    years = _parse_years(args.years)
    _check_years(years, [reform, baseline])
    if args.size is not None:
        from commonwealth.api import _overridden

        reform, baseline = (_overridden(s, args.size, None, None) for s in (reform, baseline))
    inputs = _check_outputs(args, [reform, baseline], store=False)
    runs = 2 * (2 + len(RESPONSES))
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} years"),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"{runs} runs", total=runs * (reform.years + 1))
        split = channels(reform, baseline, metrics=metrics, years=years,
                         progress=lambda n: progress.advance(task, n))
    for year, rows in split.groupby("year", sort=True):  # one table a year, so that it fits a terminal
        table = Table(title=f"{reform.name} against {baseline.name} in {year}: the effect by channel",
                      title_style="bold")
        table.add_column("channel", style="cyan", no_wrap=True)
        chosen = list(dict.fromkeys(rows.metric))
        for name in chosen:
            table.add_column(f"{name} ({'pts' if METRICS[name].unit == '/1' else '%'})", justify="right",
                             overflow="fold")
        for channel, cells in rows.groupby("channel", sort=False):
            table.add_row(channel, *(f"{100 * v:+.2f}" for v in cells.set_index("metric")["effect"][chosen]))
        console.print(table)
    if args.out:
        from commonwealth.output import staged_output

        out = Path(args.out)
        with staged_output(out, inputs) as tmp:
            split.to_csv(tmp / "channels.csv", index=False)
        console.print(f"wrote {out}/channels.csv", highlight=False, markup=False)
    return 0


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    from rich.markup import escape

    from commonwealth.comparison import compare
    from commonwealth.output import staged_output, write_contract, write_timings
    from commonwealth.report import write_report
    from commonwealth.scenario import REPORT_SET

    scenarios = _load(args.scenarios or REPORT_SET)
    if args.baseline not in [s.name for s in scenarios]:
        scenarios.insert(0, _load([args.baseline])[0])
    years = _parse_years(args.years)
    _check_years(years, scenarios)
    sweep = _report_sweep(args.sweep, scenarios, args.baseline) if args.sweep else None
    if args.static_charts:
        from commonwealth.report.charts import check_static_export

        check_static_export()
    inputs = _check_outputs(args, scenarios, store=True)
    clock = time.perf_counter()
    results = _simulate(scenarios, years)
    phases = {"simulation": time.perf_counter() - clock}
    clock = time.perf_counter()
    comparison = compare(results, args.baseline, years)
    _comparison_tables(comparison, console)
    phases["comparison"] = time.perf_counter() - clock
    out = Path(args.out)
    command = "commonwealth report " + " ".join(_command_ref(s) for s in scenarios) + f" --baseline {args.baseline}" + \
        (f" --years {args.years}" if args.years else "") + f" --out {args.out}" + \
        (" --static-charts" if args.static_charts else "") + \
        (f" --sweep {shlex.quote(args.sweep)}" if args.sweep else "")
    with staged_output(out, inputs) as tmp:  # the contract, report.html and charts/ published as one
        clock = time.perf_counter()
        write_contract(results, tmp)
        phases["contract_files"] = time.perf_counter() - clock
        report = out / write_report(results, comparison, tmp, command=command, static_charts=args.static_charts,
                                    timings=phases, sweep=sweep).relative_to(tmp)
        write_timings(results, tmp, phases)
    console.print(f"wrote {out}/metrics.parquet, metrics.csv, run.json", highlight=False, markup=False)
    console.print(f"[bold]report:[/bold] {escape(str(report.resolve()))}", highlight=False)
    _store(results, args, out, console)
    return 0


def _report_sweep(folder: str, scenarios, baseline: str):
    """The sweep a report shows bands from: read, and checked to be of this report's baseline and reforms."""
    from commonwealth.sweep import read_sweep

    sweep = read_sweep(folder)
    names = {s.name for s in scenarios}
    if sweep.plan.get("baseline") != baseline:
        raise UserError(f"--sweep {folder} is a sweep against {sweep.plan.get('baseline')!r}, not this report's "
                        f"baseline {baseline!r}; allowed: a sweep of the same baseline.")
    foreign = [r for r in sweep.plan.get("reforms", []) if r not in names]
    if foreign:
        raise UserError(f"--sweep {folder} sweeps {', '.join(foreign)}, which this report does not run; allowed: "
                        "a sweep of reforms in the report.")
    return sweep


def _command_ref(scenario) -> str:
    """A scenario as the command line names it again: a built-in's name, or its file's path (quoted)."""
    from commonwealth.report.html import _scenario_ref

    _, ref = _scenario_ref(scenario)
    return shlex.quote(ref)


def cmd_runs(args: argparse.Namespace, console: Console) -> int:
    from rich.markup import escape

    from commonwealth.runs import list_runs, prune, query, runs_dir

    if args.prune:
        if args.sql:
            raise UserError("--prune and --sql cannot be combined; allowed: one of them.")
        done = prune(args.runs_dir)
        for line in done:
            console.print(line, highlight=False, markup=False)
        if not done:
            console.print(f"nothing to prune in {runs_dir(args.runs_dir)}", highlight=False, markup=False)
        return 0
    warnings: list[str] = []
    try:
        frame = query(args.sql, args.runs_dir, warnings) if args.sql is not None else list_runs(args.runs_dir,
                                                                                               warnings)
    finally:
        err = Console(stderr=True)
        for warning in warnings:
            err.print(f"warning: {warning}", highlight=False, markup=False, soft_wrap=True)
    if frame.empty:
        console.print(f"no runs stored under {runs_dir(args.runs_dir)}", highlight=False, markup=False)
        return 0
    table = Table(title=f"runs in {escape(str(runs_dir(args.runs_dir)))}" if not args.sql else "query result")
    for column in frame.columns:
        table.add_column(escape(str(column)))
    for row in frame.itertuples(index=False):
        table.add_row(*[f"{v:,.6g}" if isinstance(v, float) else escape(str(v)) for v in row])
    console.print(table)
    return 0


def cmd_calibrate(args: argparse.Namespace, console: Console) -> int:
    from commonwealth.base_year import build_base_year
    from commonwealth.calibration_report import calibration_targets
    from commonwealth.parameters import ParameterSet
    from commonwealth.scenario import MAX_POPULATION, minimum_size

    params = ParameterSet()
    if not minimum_size(params) <= args.size <= MAX_POPULATION:
        raise UserError(f"--size {args.size}: allowed: a whole number of records from {minimum_size(params):,} "
                        f"to {MAX_POPULATION:,}.")
    if args.seed < 0:
        raise UserError(f"--seed {args.seed}: allowed: a whole number of at least 0.")
    with console.status(f"building {args.size:,} records"):
        pop, firms = build_base_year(args.size, params, args.seed)
    targets = calibration_targets(pop, firms, params)
    table = Table(title=f"base-year calibration: {args.size:,} records, seed {args.seed}")
    for col, justify in (("target", "left"), ("data", "right"), ("model", "right"), ("tolerance", "right"),
                         ("", "center"), ("source", "left")):
        table.add_column(col, justify=justify)
    for t in targets:
        tol = f"±{t.tolerance:g}" + (" rel" if t.tolerance_kind == "rel" else "")
        table.add_row(t.name, _target_value(t.target, t.unit), _target_value(t.achieved, t.unit), tol,
                      "[green]ok[/green]" if t.ok else "[red]MISS[/red]", t.source)
    console.print(table)
    missed = [t.name for t in targets if not t.ok]
    if missed:
        console.print(f"[red]{len(missed)} target(s) missed:[/red] {', '.join(missed)}")
        return EXIT_CHECK_FAILED
    console.print(f"all {len(targets)} targets within tolerance")
    return 0


def _target_value(value: float, unit: str) -> str:
    if unit.startswith("USD") and abs(value) >= 1e9:
        return f"${value / 1e12:,.2f}tn" if abs(value) >= 1e12 else f"${value / 1e9:,.1f}bn"
    if unit.startswith("USD"):
        return f"${value:,.0f}"
    if unit == "/1":
        return f"{100 * value:.2f}%"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:.4g}"


def cmd_expected(args: argparse.Namespace, console: Console) -> int:
    from commonwealth import expected
    from commonwealth.scenario import builtin_names

    names = args.names or builtin_names()
    unknown = [n for n in names if n not in builtin_names()]
    if unknown:
        raise UserError(f"{', '.join(unknown)}: not a built-in scenario; allowed: {', '.join(builtin_names())}.")
    if args.update:
        for written in expected.update(names):
            console.print(f"wrote {written}")
        return 0
    problems = [p for n in names for p in expected.compare(n)]
    for problem in problems:
        console.print(Text.assemble(("differs ", "red"), problem), highlight=False)
    if problems:
        hint = expected.profile_hint()
        if hint:
            console.print(f"note: {hint}", highlight=False)
        return EXIT_CHECK_FAILED
    console.print(f"{len(names)} built-in scenarios match their expected outputs")
    return 0


def cmd_validate(args: argparse.Namespace, console: Console) -> int:
    from commonwealth.scenario import load_scenario

    failed = 0
    from commonwealth.preflight import check_base_year

    for ref in args.files:
        try:
            s = load_scenario(ref)
            check_base_year(s)
        except UserError as exc:
            failed += 1
            Console(stderr=True).print(Text.assemble(("invalid ", "red"), str(exc)), highlight=False, soft_wrap=True)
        else:
            console.print(Text.assemble(("ok ", "green"), f"{ref}: scenario {s.name!r}, {s.years} years from "
                                        f"{s.start_year}, AI preset {s.ai.preset}"), highlight=False)
            for warning in s.warnings:
                _warn(f"{ref}: {warning}")
    return EXIT_USER_ERROR if failed else 0


def cmd_scenarios(args: argparse.Namespace, console: Console) -> int:
    from commonwealth.scenario import DEFAULT_SET, builtin_names, load_scenario

    table = Table(title="built-in scenarios (* = run by default)")
    table.add_column("name", style="cyan", no_wrap=True)
    table.add_column("AI preset")
    table.add_column("description")
    for name in builtin_names():
        s = load_scenario(name)
        table.add_row(name + (" *" if name in DEFAULT_SET else ""), s.ai.preset, " ".join(s.description.split()))
    console.print(table)
    return 0


def cmd_params(args: argparse.Namespace, console: Console) -> int:
    from commonwealth.parameters import ParameterSet

    found = ParameterSet().matching(args.pattern)
    if getattr(args, "uncertain", False):
        found = [p for p in found if p.spec.uncertainty is not None]
        if not found:
            raise UserError(f"no uncertain parameter matches {args.pattern!r}; run `commonwealth params "
                            "--uncertain` for all.")
        return _uncertain_table(found, console)
    if not found:
        raise UserError(f"no parameter matches {args.pattern!r}; run `commonwealth params` for all.")

    table = Table(title="parameters")
    table.add_column("name", style="cyan", no_wrap=True)
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_column("source")
    for p in found:
        indexed = {"none": "fixed nominal", "cpi": "CPI-indexed", "wages": "wage-indexed"}.get(p.spec.indexation or "")
        unit = p.spec.unit + (f" ({indexed})" if indexed else "")
        table.add_row(p.name, f"{p.value()!s}", unit, p.source)
    console.print(table)
    return 0


def _uncertain_table(found, console: Console) -> int:
    table = Table(title="uncertain parameters (sweeps draw from these)")
    table.add_column("name", style="cyan", no_wrap=True)
    table.add_column("value", justify="right")
    table.add_column("distribution", no_wrap=True)
    table.add_column("basis", overflow="fold")
    for p in found:
        u = p.spec.uncertainty
        shape = f"{u.shape} {u.low:g}–{u.high:g}" + (f", mode {u.mode:g}" if u.mode is not None else "")
        table.add_row(p.name, f"{p.value()!s}", shape, u.basis)
    console.print(table)
    return 0


def cmd_metrics(args: argparse.Namespace, console: Console) -> int:
    from commonwealth.metrics import METRICS

    table = Table(title="metrics (tidy contract: scenario, year, metric, value, unit)")
    for col in ("metric", "unit", "description"):
        table.add_column(col)
    for m in METRICS.values():
        table.add_row(m.name, m.unit, m.description)
    console.print(table)
    return 0


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs-dir", default=None, help="run store (default: $COMMONWEALTH_RUNS or ./runs)")
    parser.add_argument("--no-store", action="store_true", help="do not save this run in the run store")


def cmd_sweep(args: argparse.Namespace, console: Console) -> int:
    from commonwealth.api import _overridden
    from commonwealth.runs import check_store, runs_dir, save_entry
    from commonwealth.sweep import Checkpoint, check_execution, plan_sweep, run_sweep, write_sweep

    scenarios = _load([args.baseline, *args.reforms])
    scenarios = [_overridden(s, args.size, args.years, None) for s in scenarios]
    names = None if args.parameters is None else [n.strip() for n in args.parameters.split(",")
                                                   if n.strip() and n.strip() != "none"]
    plan = plan_sweep(scenarios[0], scenarios[1:], draws=args.draws, method=args.method, parameters=names,
                      seed=args.seed)
    check_execution(args.backend, args.workers, args.address)
    inputs = _check_outputs(args, scenarios, store=False)
    store = None if args.no_store else check_store(args.runs_dir)
    if store is not None and args.out is not None and runs_dir(args.runs_dir).resolve().is_relative_to(
            Path(args.out).resolve()):
        raise UserError(f"the run store {store} is inside --out {args.out}, which the sweep replaces; allowed: a "
                        "store outside the output folder.")
    points = len(plan.points())
    console.print(f"sweep: {', '.join(r.name for r in plan.reforms)} against {plan.baseline.name}; {plan.method}, "
                  f"{points - 1} points + the central run, {len(plan.parameters)} uncertain parameters, "
                  f"{plan.baseline.population.size:,} records × {plan.baseline.years} years, backend {args.backend}",
                  highlight=False, markup=False)
    checkpoint = Checkpoint(store, plan) if store is not None else None
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} points"),
                      TimeElapsedColumn(), console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("sweeping", total=points)
            result = run_sweep(plan, backend=args.backend, workers=args.workers, address=args.address, store=store,
                               progress=lambda n: progress.advance(task, n))
    except KeyboardInterrupt:
        kept = len(checkpoint.done()) if checkpoint is not None else 0
        where = f"; {kept} points are kept in {checkpoint.dir}: run the same command to resume" if kept else ""
        _error("interrupted: ", f"no output was written{where}.")
        return EXIT_INTERRUPTED
    out = None
    if args.out is not None:
        from commonwealth.output import staged_output

        with staged_output(args.out, inputs) as tmp:
            write_sweep(result, tmp)
        out = Path(args.out)
        console.print(f"wrote {out}/metrics.parquet (every draw), bands.csv, effect_bands.csv, sensitivity.csv",
                      highlight=False, markup=False)
    _sweep_tables(result, console)
    if store is not None:
        entry = save_entry(lambda tmp: write_sweep(result, tmp), plan.digest()[:10], store)
        checkpoint.remove()  # the finished sweep is stored whole
        console.print(f"stored as run {entry.name} (query all runs: commonwealth runs)", highlight=False, markup=False)
    return 0


def _sweep_tables(result, console: Console) -> None:
    from commonwealth.metrics import METRICS
    from commonwealth.sweep import HEADLINES

    plan = result.plan
    year = plan.baseline.start_year + plan.baseline.years
    bands = result.effect_bands()
    central = result.central_effects()
    for reform in plan.reforms:
        rows = []
        for metric in HEADLINES:
            row = bands[(bands.scenario == reform.name) & (bands.year == year) & (bands.metric == metric)]
            mid = central[(central.scenario == reform.name) & (central.year == year) & (central.metric == metric)]
            if row.empty or mid.empty:
                continue
            unit = METRICS[metric].unit
            r = row.iloc[0]
            rows.append((_label(metric, unit), [_signed(mid.difference.iloc[0], unit), _signed(r.q50, unit),
                                                f"{_signed(r.q10, unit)} to {_signed(r.q90, unit)}"]))
        _print_table(console, f"{year}: effect of {reform.name} against {plan.baseline.name} (10th–90th percentile "
                     f"over {result.draws.draw.nunique()} draws)", "metric", ["central", "median", "10th–90th"], rows)
    sens = result.sensitivity()
    if sens.empty:
        return
    key = "ST" if plan.method == "sobol" else "mu_star"
    top = sens[sens["index"] == key].sort_values("value", ascending=False)
    table = Table(title=f"{year}: what each effect depends on ({'total Sobol index' if key == 'ST' else 'Morris μ*'}"
                  ", largest three)", title_style="bold")
    for column in ("reform", "metric", "parameters"):
        table.add_column(column, overflow="fold")
    for (scenario, metric), group in top.groupby(["scenario", "metric"], sort=False):
        cells = ", ".join(f"{row.parameter} {row.value:.2g}" for row in group.head(3).itertuples())
        table.add_row(scenario, metric, cells)
    console.print(table)


def _signed(value: float, unit: str) -> str:
    return ("+" if value >= 0 else "−") + _format(abs(value), unit)


def _sweep_parser(sub) -> None:
    from commonwealth.sweep_choices import BACKENDS, METHODS

    swp = sub.add_parser("sweep", help="reforms against a baseline over draws of the uncertain parameters: bands "
                                       "and sensitivity")
    swp.add_argument("reforms", nargs="+", metavar="REFORM", help="built-in name or YAML path")
    swp.add_argument("--baseline", default="status-quo", help="scenario to compare with (default: status-quo)")
    swp.add_argument("--draws", type=int, default=64, help="Monte Carlo points, Sobol's N (a power of two) or Morris "
                                                          "trajectories (default 64)")
    swp.add_argument("--method", choices=METHODS, default="monte-carlo", help="design (default monte-carlo)")
    swp.add_argument("--parameters", default=None, help="uncertain parameters, comma-separated, or none (seeds and "
                                                        "political draws only; default: all; `commonwealth params "
                                                        "--uncertain` lists them)")
    swp.add_argument("--size", type=int, default=None, help="records (default: the scenarios')")
    swp.add_argument("--years", type=int, default=None, help="horizon in years (default: the scenarios')")
    swp.add_argument("--seed", type=int, default=None, help="first population seed (default: the baseline's)")
    swp.add_argument("--backend", choices=BACKENDS, default="local", help="local processes, or Ray (default local)")
    swp.add_argument("--address", default=None, help="a Ray cluster's address (with --backend ray)")
    swp.add_argument("--workers", type=int, default=None, help="processes or Ray CPUs (default: every core)")
    swp.add_argument("--out", default=None, help="also write the sweep's files here")
    _store_options(swp)
    swp.set_defaults(func=cmd_sweep)


def cmd_serve(args: argparse.Namespace, console: Console) -> int:
    """The dashboard and the HTTP API (docs/api.md)."""
    from commonwealth.server.settings import ServerSettings, is_loopback, new_token

    token = args.token
    if token is None and not is_loopback(args.host):
        token = new_token()  # beyond loopback a token is never optional
    settings = ServerSettings(host=args.host, port=args.port, token=token, max_population=args.max_population,
                              job_timeout_s=args.job_timeout, cors_origins=tuple(args.cors_origin or ()),
                              interactive_size=args.interactive_size)
    try:
        import uvicorn

        from commonwealth.server import create_app
    except ImportError as exc:
        raise UserError(f"`commonwealth serve` needs FastAPI and uvicorn ({exc.name} is missing): "
                        "pip install fastapi uvicorn") from None
    _check_port(args.host, args.port)
    url = f"http://{'[' + args.host + ']' if ':' in args.host else args.host}:{args.port}/"
    console.print(f"commonwealth dashboard: {url}" + (f"?token={token}" if token else ""), highlight=False,
                  markup=False)
    console.print(f"API: {url}api/docs (OpenAPI: {url}openapi.json); Ctrl-C stops", highlight=False, markup=False)
    if token:
        console.print(f"token (send 'Authorization: Bearer <token>'): {token}", highlight=False, markup=False)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level,
                timeout_graceful_shutdown=5)
    return 0


def _check_port(host: str, port: int) -> None:
    """Refuse a port already taken before uvicorn starts (its own error is a log line and exit code 1)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UserError(f"--host {host} --port {port}: cannot listen there ({exc.strerror}); allowed: a free port "
                            "on an address of this machine (e.g. --port 8001).") from None


def _serve_parser(sub) -> None:
    from commonwealth.interactive import INTERACTIVE_SIZE

    srv = sub.add_parser("serve", help="the dashboard and the HTTP API (http://127.0.0.1:8000/)")
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine "
                                                        "only; any other asks for a token)")
    srv.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    srv.add_argument("--token", default=None, help="bearer token API requests must carry (default: none on "
                                                   "loopback, a random one printed at start otherwise)")
    srv.add_argument("--max-population", type=int, default=200_000, help="most records a job may simulate "
                                                                         "(default 200000)")
    srv.add_argument("--interactive-size", type=int, default=INTERACTIVE_SIZE,
                     help=f"records of the dashboard's runs (default {INTERACTIVE_SIZE}: about a second a change)")
    srv.add_argument("--job-timeout", type=float, default=1800.0, help="seconds after which a job is stopped "
                                                                       "(default 1800)")
    srv.add_argument("--cors-origin", action="append", default=None, metavar="ORIGIN",
                     help="allow pages of this origin to call the API (repeatable; default: none)")
    srv.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    srv.set_defaults(func=cmd_serve)


def _report_parser(sub) -> None:
    rep = sub.add_parser("report", help="simulate, compare and write a self-contained HTML report")
    rep.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="built-in name or YAML path")
    rep.add_argument("--baseline", default="status-quo", help="scenario to compare with (default: status-quo)")
    rep.add_argument("--years", default=None, help="years to compare, e.g. 2035,2055")
    rep.add_argument("--out", default="out", help="output directory (default: out)")
    rep.add_argument("--static-charts", action="store_true",
                     help="also write each chart as PNG and SVG in OUT/charts/ (slower)")
    rep.add_argument("--sweep", default=None, metavar="DIR",
                     help="show bands and sensitivity from a sweep of these scenarios (commonwealth sweep --out DIR)")
    _store_options(rep)
    rep.set_defaults(func=cmd_report)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="commonwealth", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"commonwealth {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate scenarios and write metrics")
    run.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="built-in name or YAML path")
    run.add_argument("--out", default="out", help="output directory (default: out)")
    _store_options(run)
    run.set_defaults(func=cmd_run)
    cmp = sub.add_parser("compare", help="compare scenarios with a baseline: differences, deciles, ownership")
    cmp.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="built-in name or YAML path")
    cmp.add_argument("--baseline", default="status-quo", help="scenario to compare with (default: status-quo)")
    cmp.add_argument("--years", default=None, help="years to compare, e.g. 2035,2055 (default: +10 and the horizon)")
    cmp.add_argument("--out", default=None, help="also write the outputs and comparison tables here")
    cmp.set_defaults(func=cmd_compare)
    chn = sub.add_parser("channels", help="split a reform's effect by behavioural channel (static, each response)")
    chn.add_argument("reform", metavar="SCENARIO", help="built-in name or YAML path")
    chn.add_argument("--baseline", default="status-quo", help="scenario to compare with (default: status-quo)")
    chn.add_argument("--metrics", default="gdp,median_income_real,wealth_share_bottom50",
                     help="metrics, e.g. gdp,median_income_real (default: gdp, median income, bottom-50 share)")
    chn.add_argument("--years", default=None, help="years, e.g. 2035,2055 (default: +10 and the horizon)")
    chn.add_argument("--size", type=int, default=None, help="records (default: the scenario's)")
    chn.add_argument("--out", default=None, help="also write channels.csv here")
    chn.set_defaults(func=cmd_channels)
    _report_parser(sub)
    _sweep_parser(sub)
    _serve_parser(sub)
    runs = sub.add_parser("runs", help="list stored runs, or query them with DuckDB SQL")
    runs.add_argument("--sql", default=None, help="SQL over the view 'metrics' (all stored runs)")
    runs.add_argument("--runs-dir", default=None, help="run store (default: $COMMONWEALTH_RUNS or ./runs)")
    runs.add_argument("--prune", action="store_true", help="remove incomplete entries and stale temporary folders")
    runs.set_defaults(func=cmd_runs)
    val = sub.add_parser("validate", help="check scenario files")
    val.add_argument("files", nargs="+", metavar="FILE")
    val.set_defaults(func=cmd_validate)
    sub.add_parser("scenarios", help="list built-in scenarios").set_defaults(func=cmd_scenarios)
    par = sub.add_parser("params", help="list parameters")
    par.add_argument("pattern", nargs="?", default=None, metavar="PATTERN")
    par.add_argument("--uncertain", action="store_true", help="only the parameters with a stated uncertainty")
    par.set_defaults(func=cmd_params)
    sub.add_parser("metrics", help="list metrics").set_defaults(func=cmd_metrics)
    exp = sub.add_parser("expected", help="check (or --update) the built-in scenarios' expected outputs")
    exp.add_argument("names", nargs="*", metavar="SCENARIO")
    exp.add_argument("--update", action="store_true", help="rewrite the stored files")
    exp.set_defaults(func=cmd_expected)
    cal = sub.add_parser("calibrate", help="show the base-year calibration targets and the fit")
    cal.add_argument("--size", type=int, default=100_000, help="records (default 100000)")
    cal.add_argument("--seed", type=int, default=0)
    cal.set_defaults(func=cmd_calibrate)
    return parser


def _error(label: str, message: str) -> None:
    """One paragraph on stderr; the message is shown as written, never read as rich markup."""
    Console(stderr=True).print(Text.assemble((label, "bold red"), message), highlight=False, soft_wrap=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # a terminal's own width, or $COLUMNS (Rich reads it), else 160 columns when piped
    console = Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS", "").isdigit() else 160)
    try:
        return args.func(args, console)
    except UserError as exc:
        _error("error: ", str(exc))
        return EXIT_USER_ERROR
    except ModelError as exc:
        if os.environ.get("COMMONWEALTH_DEBUG"):
            raise
        _error("model failure: ", f"{exc}. Nothing was written. This is the model's limit, not a mistake in the "
               "input; docs/errors.md says what to try.")
        return EXIT_MODEL_FAILURE
    except KeyboardInterrupt:
        _error("interrupted: ", "nothing was written.")
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: say so in one paragraph, keep the traceback for COMMONWEALTH_DEBUG
        if os.environ.get("COMMONWEALTH_DEBUG"):
            raise
        _error("internal error: ", f"{type(exc).__name__}: {exc}. This is a bug in commonwealth, not in the input; "
               "please report it with the command and the scenario files (COMMONWEALTH_DEBUG=1 shows the "
               "traceback).")
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
