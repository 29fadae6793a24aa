"""Sweeps: reforms against a baseline over many draws of what is uncertain, paired draw by draw.

A *point* of a sweep fixes everything random about a run: the values of the uncertain parameters
(:mod:`commonwealth.uncertainty`), the population's seed and the political draw. The baseline and every
reform run at the same point, so a reform's effect at a point (reform − baseline) carries no sampling noise
of its own, only the noise the point shares — the same pairing as PolicyEngine's or Tax-Calculator's
reform-vs-baseline on one microdata file, repeated over draws.

Designs (``method``):

* ``monte-carlo`` — ``draws`` points by Latin hypercube sampling of the parameters; by default each point
  also has its own population seed and political draw (sampling and political noise included);
* ``sobol`` — Saltelli's design for first-order and total Sobol indices (SALib; ``draws`` = N, a power of
  two; N·(D + 2) points for D parameters), seed and political draw held fixed;
* ``morris`` — ``draws`` Morris trajectories of D + 1 points each (elementary effects, SALib), seed and
  political draw fixed.

Every sweep also runs the *central* point (the shipped values, the plan's seed, political draw 0).

Execution: local processes on every core by default (spawned; each point depends only on its inputs, so the
numbers are the same in any order, serial, local or on Ray), or ``backend="ray"`` (a local Ray instance, or a
cluster at ``address``). Each finished point is checkpointed in the run store
(``<runs>/.sweep-<plan digest>/``); running the same sweep again resumes from the points already there.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from commonwealth import numeric_profile
from commonwealth.errors import UserError
from commonwealth.kernel_threads import ENV as KERNEL_THREADS_ENV
from commonwealth.kernel_threads import kernel_threads, set_kernel_threads, worker_threads
from commonwealth.scenario import Scenario
from commonwealth.sweep_choices import BACKENDS, METHODS
from commonwealth.uncertainty import UncertainParameter, select, values

#: The effects whose sensitivity is analysed and which the terminal summary shows.
HEADLINES = ("median_disposable_income_real", "median_income_real", "median_consumption_real", "gdp",
             "public_debt", "wealth_share_top1",
             "citizen_ownership_share", "power_concentration")
#: Quantiles of the bands: the 10th, 50th and 90th percentiles over draws.
QUANTILES = (0.1, 0.5, 0.9)
#: Levels of the Morris grid (Morris 1991; SALib's default and Saltelli et al. 2008's recommendation).
MORRIS_LEVELS = 4
#: Bootstrap resamples for the confidence intervals of the indices (SALib's default is 100 for Sobol).
RESAMPLES = 200
CENTRAL = -1  #: the index of the central point
#: The largest population seed (a scenario's ``seed`` key allows 0 to 2^63 − 1).
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class Point:
    """Everything random about one run of the baseline and the reforms."""

    index: int
    values: dict[str, float | int]
    seed: int
    political_draw: int


@dataclass(frozen=True)
class SweepPlan:
    """A sweep's scenarios, design and points (validated, before any simulation)."""

    baseline: Scenario
    reforms: tuple[Scenario, ...]
    parameters: tuple[UncertainParameter, ...]
    method: str
    draws: int
    seed: int
    vary_seed: bool
    vary_politics: bool
    unit_points: np.ndarray = field(repr=False)  # points × parameters, in [0, 1]

    @property
    def scenarios(self) -> list[Scenario]:
        return [self.baseline, *self.reforms]

    def points(self) -> list[Point]:
        """The central point, then the design's points in order."""
        table = values(self.parameters, self.unit_points)
        out = [Point(CENTRAL, {}, self.seed, 0)]
        for k, row in enumerate(table):
            drawn = {p.name: (int(v) if p.integer else float(v)) for p, v in zip(self.parameters, row, strict=True)}
            out.append(Point(k, drawn, self.seed + k if self.vary_seed else self.seed,
                             k if self.vary_politics else 0))
        return out

    def describe(self) -> dict:
        return {"baseline": self.baseline.name, "baseline_sha256": self.baseline.digest,
                "reforms": [r.name for r in self.reforms], "reforms_sha256": [r.digest for r in self.reforms],
                "population_size": self.baseline.population.size, "years": self.baseline.years,
                "parameters": [p.name for p in self.parameters], "method": self.method, "draws": self.draws,
                "points": int(self.unit_points.shape[0]), "seed": self.seed, "vary_seed": self.vary_seed,
                "vary_politics": self.vary_politics, "numeric_profile": numeric_profile.status()}

    def digest(self) -> str:
        """What the results depend on (the description without the profile, and every point's values)."""
        spec = {k: v for k, v in self.describe().items() if k != "numeric_profile"}
        h = hashlib.sha256(json.dumps(spec, sort_keys=True).encode())
        h.update(np.ascontiguousarray(self.unit_points).tobytes())
        return h.hexdigest()


def problem(names: Sequence[str]) -> dict:
    """SALib's problem on the unit cube (the distributions are applied by :func:`values`)."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def plan_sweep(baseline: Scenario, reforms: Sequence[Scenario], *, draws: int = 64, method: str = "monte-carlo",
               parameters: Sequence[str] | None = None, seed: int | None = None, vary_seed: bool | None = None,
               vary_politics: bool | None = None) -> SweepPlan:
    """Check a sweep and lay out its points; every mistake is a :class:`UserError` before any work."""
    if method not in METHODS:
        raise UserError(f"--method {method!r} is not a sweep design; allowed: {', '.join(METHODS)}.")
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= 100_000:
        raise UserError(f"--draws has value {draws!r}; allowed: a whole number from 1 to 100000.")
    if not reforms:
        raise UserError("a sweep needs at least one reform besides its baseline.")
    names = [s.name for s in (baseline, *reforms)]
    if len(set(names)) != len(names):
        raise UserError(f"scenario names repeat ({', '.join(names)}); allowed: each scenario once.")
    for r in reforms:
        if (r.population.size, r.years, r.start_year, r.saving) != (baseline.population.size, baseline.years,
                                                                    baseline.start_year, baseline.saving):
            raise UserError(f"{r.name} differs from the baseline {baseline.name} in population size, horizon, start "
                            "year or closure; allowed: reforms that share the baseline's (use --size and --years).")
    chosen = tuple(select(parameters))
    if method != "monte-carlo" and not chosen:
        raise UserError(f"a {method} design needs at least one uncertain parameter.")
    if method == "sobol" and draws & (draws - 1):
        raise UserError(f"--draws {draws} for a Sobol design; allowed: a power of two (Saltelli's sequence), e.g. "
                        f"{1 << (draws.bit_length() - 1)} or {1 << draws.bit_length()}.")
    seed = baseline.seed if seed is None else seed
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED - draws:
        raise UserError(f"--seed has value {seed!r}; allowed: a whole number from 0 to {MAX_SEED - draws} "
                        "(each draw takes the next seed).")
    sampled = method == "monte-carlo"
    return SweepPlan(baseline, tuple(reforms), chosen, method, draws, seed,
                     sampled if vary_seed is None else vary_seed, sampled if vary_politics is None else vary_politics,
                     design(method, [p.name for p in chosen], draws, seed))


def design(method: str, names: Sequence[str], draws: int, seed: int) -> np.ndarray:
    """Points of the unit cube [0, 1)^D for ``names``: Latin hypercube (``monte-carlo``), Saltelli's sequence
    (``sobol``: draws·(D + 2) points) or Morris trajectories (``morris``: draws·(D + 1) points)."""
    d = len(names)
    if method == "monte-carlo":
        if d == 0:
            return np.empty((draws, 0))
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(draws)
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem(names), draws, calc_second_order=False, scramble=True, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem(names), draws, num_levels=MORRIS_LEVELS, seed=seed)


def run_point(scenarios: Sequence[Scenario], point: Point) -> pd.DataFrame:
    """Every scenario at one point: tidy metrics with a ``draw`` column (the point's index).

    A parameter a scenario sets itself keeps the scenario's value (the scenario's own choice)."""
    from commonwealth.api import _guarded
    from commonwealth.engine import run_scenario, simulate_draw

    frames = []
    for s in scenarios:
        drawn = {name: v for name, v in point.values.items() if name not in s.parameters}
        at = s.model_copy(update={"parameters": {**drawn, **s.parameters}, "seed": point.seed})
        years = [0]

        def tick(k: int, years: list[int] = years) -> None:
            years[0] += k

        def simulate(at: Scenario = at) -> pd.DataFrame:
            if at.saving == "households":
                return simulate_draw(at, point.political_draw, (), tick).frame.drop(columns="draw")
            return run_scenario(at, progress=tick).metrics

        frames.append(_guarded(at, simulate, lambda years=years: years[0]))  # a model failure names scenario, year
    return pd.concat(frames, ignore_index=True).assign(draw=point.index)


class Checkpoint:
    """Finished points of one plan, one Parquet file each, under ``<store>/.sweep-<digest>/``."""

    def __init__(self, store: Path, plan: SweepPlan) -> None:
        self.dir = Path(store) / f".sweep-{plan.digest()[:20]}"
        self.plan = plan

    def _path(self, index: int) -> Path:
        return self.dir / ("central.parquet" if index == CENTRAL else f"draw-{index:06d}.parquet")

    def done(self) -> set[int]:
        if not self.dir.is_dir():
            return set()
        found = {CENTRAL} if self._path(CENTRAL).is_file() else set()
        return found | {int(p.stem.split("-")[1]) for p in self.dir.glob("draw-*.parquet")}

    def save(self, index: int, frame: pd.DataFrame) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        plan_file = self.dir / "plan.json"
        if not plan_file.exists():
            plan_file.write_text(json.dumps(self.plan.describe(), indent=2, sort_keys=True) + "\n")
        tmp = self.dir / f".{self._path(index).name}.{os.getpid()}.tmp"
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, self._path(index))  # a point is stored whole or not at all

    def load(self, index: int) -> pd.DataFrame:
        return pd.read_parquet(self._path(index))

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _execute(plan: SweepPlan, todo: Sequence[Point], backend: str, workers: int, address: str | None,
             done: Callable[[Point, pd.DataFrame], None]) -> None:
    scenarios = plan.scenarios
    if not todo:
        return
    if backend == "ray":
        _execute_ray(scenarios, todo, workers, address, done)
    elif workers > 1 and len(todo) > 1:
        processes = min(workers, len(todo))
        with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=set_kernel_threads, initargs=(worker_threads(processes),)) as pool:
            futures = {pool.submit(run_point, scenarios, p): p for p in todo}
            for future in as_completed(futures):
                done(futures[future], future.result())
    else:
        for p in todo:
            done(p, run_point(scenarios, p))


def _execute_ray(scenarios: Sequence[Scenario], todo: Sequence[Point], workers: int, address: str | None,
                 done: Callable[[Point, pd.DataFrame], None]) -> None:
    try:
        import ray
    except ImportError:
        raise UserError("--backend ray needs Ray: pip install 'ray>=2.9' (or use --backend local).") from None
    profile = {k: os.environ[k] for k in (*numeric_profile.USER_VARIABLES, numeric_profile.MARKER) if k in os.environ}
    profile[KERNEL_THREADS_ENV] = "1"  # a task holds one of Ray's CPUs (num_cpus=1): one thread in its kernels
    started = not ray.is_initialized()
    if started:
        options = {"address": address, "include_dashboard": False, "log_to_driver": False,
                   "runtime_env": {"env_vars": profile}}
        if address is None:
            options["num_cpus"] = workers
        try:
            ray.init(**options)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            raise UserError(f"--address {address}: cannot connect to a Ray cluster ({exc}).") from None
    try:
        remote = ray.remote(num_cpus=1)(run_point)
        shared = ray.put(list(scenarios))
        pending = {remote.remote(shared, p): p for p in todo}
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                done(pending.pop(ref), ray.get(ref))
    finally:
        if started:
            ray.shutdown()


@dataclass
class SweepResult:
    """A finished sweep: every point's metrics, the central run, bands, paired effects and sensitivity."""

    plan: SweepPlan
    draws: pd.DataFrame  # scenario, year, metric, value, unit, draw (0 … points − 1)
    central: pd.DataFrame  # scenario, year, metric, value, unit: the central point

    def bands(self, quantiles: Sequence[float] = QUANTILES) -> pd.DataFrame:
        """Quantiles over draws of every metric: scenario, year, metric, unit, q10, q50, q90 …"""
        return _quantile_table(self.draws, ["scenario", "year", "metric", "unit"], "value", quantiles)

    def effects(self) -> pd.DataFrame:
        """Each reform's effect at each point: reform − baseline at the same draw (``difference``) and
        relative to the baseline (``relative``; NaN where the baseline is 0)."""
        return _paired(self.draws, self.plan.baseline.name)

    def central_effects(self) -> pd.DataFrame:
        return _paired(self.central.assign(draw=CENTRAL), self.plan.baseline.name).drop(columns="draw")

    def effect_bands(self, quantiles: Sequence[float] = QUANTILES) -> pd.DataFrame:
        return _quantile_table(self.effects(), ["scenario", "year", "metric", "unit"], "difference", quantiles)

    def sensitivity(self, metrics: Iterable[str] = HEADLINES, year: int | None = None) -> pd.DataFrame:
        """Global sensitivity of each reform's effect on ``metrics`` in ``year`` (default: the horizon):
        Sobol S1 and ST (``sobol`` design) or Morris μ* and σ (``morris``), with 95 % confidence half-widths.
        Columns: scenario, metric, year, parameter, index, value, conf. Empty for a Monte Carlo design."""
        if self.plan.method == "monte-carlo" or not self.plan.parameters:
            return pd.DataFrame(columns=["scenario", "metric", "year", "parameter", "index", "value", "conf"])
        year = year or self.plan.baseline.start_year + self.plan.baseline.years
        effects = self.effects()
        effects = effects[effects.year == year]
        setup = problem([p.name for p in self.plan.parameters])
        rows = []
        for (scenario, metric), group in effects.groupby(["scenario", "metric"], sort=True):
            if metric not in set(metrics):
                continue
            y = group.sort_values("draw")["difference"].to_numpy(dtype=float)
            for parameter, index, value, conf in indices(self.plan.method, setup, self.plan.unit_points, y,
                                                         self.plan.seed):
                rows.append((scenario, metric, year, parameter, index, value, conf))
        return pd.DataFrame(rows, columns=["scenario", "metric", "year", "parameter", "index", "value", "conf"])


def indices(method: str, setup: dict, unit_points: np.ndarray, y: np.ndarray,
            seed: int) -> list[tuple[str, str, float, float]]:
    """(parameter, index, value, 95 % half-width) of output ``y`` at ``unit_points`` of a ``sobol`` or
    ``morris`` design: Sobol S1 and ST (the Saltelli et al. 2010 and Jansen 1999 estimators in SALib) or Morris
    μ* and σ (Campolongo et al. 2007)."""
    names = setup["names"]
    if y.size != unit_points.shape[0] or not np.all(np.isfinite(y)):
        return []
    if np.ptp(y) == 0.0:  # the effect does not move: every index is zero
        keys = ("S1", "ST") if method == "sobol" else ("mu_star", "sigma")
        return [(n, key, 0.0, 0.0) for n in names for key in keys]
    if method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(setup, y, calc_second_order=False, num_resamples=RESAMPLES, seed=seed)
        return [(n, key, float(res[key][j]), float(res[f"{key}_conf"][j])) for j, n in enumerate(names)
                for key in ("S1", "ST")]
    from SALib.analyze import morris

    res = morris.analyze(setup, unit_points, y, num_levels=MORRIS_LEVELS, num_resamples=RESAMPLES, seed=seed)
    return [(n, key, float(res[key][j]), float(res["mu_star_conf"][j]) if key == "mu_star" else float("nan"))
            for j, n in enumerate(names) for key in ("mu_star", "sigma")]


def _quantile_table(frame: pd.DataFrame, keys: list[str], column: str, quantiles: Sequence[float]) -> pd.DataFrame:
    grouped = frame.groupby(keys, sort=False)[column]
    table = pd.concat({f"q{round(q * 100):02d}": grouped.quantile(q) for q in quantiles}, axis=1)
    return table.reset_index()


def _paired(frame: pd.DataFrame, baseline: str) -> pd.DataFrame:
    keys = ["draw", "year", "metric", "unit"]
    base = frame[frame.scenario == baseline][[*keys, "value"]].rename(columns={"value": "baseline"})
    reforms = frame[frame.scenario != baseline].merge(base, on=keys, how="inner", validate="many_to_one")
    difference = reforms.value - reforms.baseline
    relative = np.where(reforms.baseline != 0, difference / reforms.baseline.where(reforms.baseline != 0, 1.0), np.nan)
    return reforms.assign(difference=difference, relative=relative)[
        ["scenario", "draw", "year", "metric", "unit", "value", "baseline", "difference", "relative"]]


def check_execution(backend: str, workers: int | None, address: str | None) -> int:
    """Refuse a bad backend, worker count or address before any work; returns the workers to use."""
    if backend not in BACKENDS:
        raise UserError(f"--backend {backend!r}; allowed: {', '.join(BACKENDS)}.")
    if address is not None and backend != "ray":
        raise UserError("--address names a Ray cluster; allowed only with --backend ray.")
    kernel_threads()  # refuses a bad COMMONWEALTH_KERNEL_THREADS before any work
    workers = (os.cpu_count() or 1) if workers is None else workers
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UserError(f"--workers has value {workers!r}; allowed: a whole number of at least 1.")
    return workers


def run_sweep(plan: SweepPlan, *, backend: str = "local", workers: int | None = None, address: str | None = None,
              store: Path | None = None, progress: Callable[[int], None] | None = None) -> SweepResult:
    """Run a plan's points not yet in the checkpoint (all of them without a ``store``) and combine them."""
    workers = check_execution(backend, workers, address)
    points = plan.points()
    checkpoint = Checkpoint(store, plan) if store is not None else None
    finished: dict[int, pd.DataFrame] = {}
    if checkpoint is not None:
        for index in checkpoint.done():
            finished[index] = checkpoint.load(index)
    if progress and finished:
        progress(len(finished))

    def done(point: Point, frame: pd.DataFrame) -> None:
        finished[point.index] = frame
        if checkpoint is not None:
            checkpoint.save(point.index, frame)
        if progress:
            progress(1)

    _execute(plan, [p for p in points if p.index not in finished], backend, workers, address, done)
    central = finished.pop(CENTRAL).drop(columns="draw")
    draws = pd.concat([finished[k] for k in sorted(finished)], ignore_index=True)
    return SweepResult(plan, draws[["scenario", "year", "metric", "value", "unit", "draw"]], central)


def sweep(reforms: str | Path | Scenario | Sequence[str | Path | Scenario],
          baseline: str | Path | Scenario = "status-quo", *, draws: int = 64, method: str = "monte-carlo",
          parameters: Sequence[str] | None = None,
          size: int | None = None, years: int | None = None, seed: int | None = None, backend: str = "local",
          workers: int | None = None, address: str | None = None, store: str | Path | None = None,
          vary_seed: bool | None = None, vary_politics: bool | None = None) -> SweepResult:
    """Sweep ``reforms`` against ``baseline`` (names, paths or Scenarios): see the module docstring.

    ``store``: a run-store folder to checkpoint points in (and resume from); None keeps them in memory.
    Spawned workers re-import the calling script: call it under ``if __name__ == "__main__":``."""
    from commonwealth.api import _as_scenario, _overridden

    items = [reforms] if isinstance(reforms, str | Path | Scenario) else list(reforms)
    base = _overridden(_as_scenario(baseline), size, years, None)
    others = [_overridden(_as_scenario(r), size, years, None) for r in items]
    plan = plan_sweep(base, others, draws=draws, method=method, parameters=parameters, seed=seed,
                      vary_seed=vary_seed, vary_politics=vary_politics)
    return run_sweep(plan, backend=backend, workers=workers, address=address,
                     store=Path(store) if store is not None else None)


#: Files a sweep writes (into --out and into its run-store entry).
SWEEP_FILES = ("metrics.parquet", "metrics.csv", "central.parquet", "bands.csv", "effect_bands.csv",
               "sensitivity.csv", "run.json")


def sweep_record(result: SweepResult) -> dict:
    """run.json of a sweep: what produced it (scenarios as in a run's record, and the plan)."""
    from commonwealth.version import __version__

    return {"package": "commonwealth", "version": __version__, "numeric_profile": numeric_profile.status(),
            "output_contract": {"columns": ["scenario", "year", "metric", "value", "unit", "draw"],
                                "long_format": True},
            "scenarios": [{"name": s.name, "files": list(s.sources), "sha256": s.digest, "seed": s.seed,
                           "start_year": s.start_year, "years": s.years, "population_size": s.population.size,
                           "parameters_overridden": s.parameters} for s in result.plan.scenarios],
            "sweep": result.plan.describe()}


def write_sweep(result: SweepResult, directory: Path) -> Path:
    """Write a sweep's files into the existing (staging) folder ``directory``."""
    directory = Path(directory)
    result.draws.to_parquet(directory / "metrics.parquet", index=False, compression="zstd")
    result.draws.to_csv(directory / "metrics.csv", index=False, lineterminator="\n")
    result.central.to_parquet(directory / "central.parquet", index=False)
    result.bands().to_csv(directory / "bands.csv", index=False, lineterminator="\n")
    result.effect_bands().to_csv(directory / "effect_bands.csv", index=False, lineterminator="\n")
    result.sensitivity().to_csv(directory / "sensitivity.csv", index=False, lineterminator="\n")
    (directory / "run.json").write_text(json.dumps(sweep_record(result), indent=2, sort_keys=True) + "\n")
    return directory


@dataclass(frozen=True)
class SweepSummary:
    """A finished sweep as the report reads it back: effect bands, sensitivity indices and its plan."""

    effect_bands: pd.DataFrame  # scenario, year, metric, unit, q10, q50, q90
    sensitivity: pd.DataFrame  # scenario, metric, year, parameter, index, value, conf
    plan: dict  # run.json's "sweep" record
    bands: pd.DataFrame | None = None  # every metric's level over the draws: scenario, year, metric, unit, q10 …
    central: pd.DataFrame | None = None  # the central point's metrics: scenario, year, metric, value, unit

    @property
    def draws(self) -> int:
        return int(self.plan.get("points", 0))


def read_sweep(folder: str | Path, option: str = "--sweep") -> SweepSummary:
    """A sweep's output folder (``commonwealth sweep --out``, or its run-store entry); a folder that is not
    one is a :class:`UserError` naming what is missing."""
    path = Path(folder)
    if not path.is_dir():
        raise UserError(f"{option} {folder}: no such folder; allowed: the --out folder of `commonwealth sweep` or "
                        "its entry in the run store.")
    missing = [n for n in ("run.json", "effect_bands.csv", "sensitivity.csv") if not (path / n).is_file()]
    if missing:
        raise UserError(f"{option} {folder} is not a sweep's output (no {', '.join(missing)}); allowed: the --out "
                        "folder of `commonwealth sweep` or its entry in the run store.")
    try:
        record = json.loads((path / "run.json").read_text(encoding="utf-8"))
        bands = pd.read_csv(path / "effect_bands.csv")
        sens = pd.read_csv(path / "sensitivity.csv")
        levels = pd.read_csv(path / "bands.csv") if (path / "bands.csv").is_file() else None
        central = pd.read_parquet(path / "central.parquet") if (path / "central.parquet").is_file() else None
    except (OSError, ValueError) as exc:
        raise UserError(f"{option} {folder}: cannot read the sweep ({type(exc).__name__}: {exc}).") from None
    if not isinstance(record, dict) or not isinstance(record.get("sweep"), dict):
        raise UserError(f"{option} {folder}: run.json is not a sweep's record (no 'sweep' entry).")
    checks = [("effect_bands.csv", bands, {"scenario", "year", "metric", "q10", "q90"}),
              ("sensitivity.csv", sens, {"scenario", "metric", "parameter", "index", "value"})]
    if levels is not None:
        checks.append(("bands.csv", levels, {"scenario", "year", "metric", "q10", "q90"}))
    for name, frame, needed in checks:
        missing = sorted(needed - set(frame.columns))
        if missing:
            raise UserError(f"{option} {folder}: {name} lacks the columns {', '.join(missing)}; allowed: the files "
                            "`commonwealth sweep` writes.")
    return SweepSummary(bands, sens, record["sweep"], levels, central)
