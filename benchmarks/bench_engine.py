"""Engine benchmark (issue 3): the struct-of-arrays engine against per-agent objects.

Run from the repository root::

    .venv/bin/python benchmarks/bench_engine.py [--sizes 100000,1000000,10000000] [--years 30]
        [--agents 100000] [--agent-years 3] [--out docs/performance.md]

In one run it measures, each part in a fresh ``spawn`` child process so that sizes do not
contaminate each other's memory or caches:

1. **Engine throughput.** For each size, :class:`commonwealth.engine.HouseholdEconomy` is built and
   stepped ``years + 1`` times (the whole year: technology, production, markets, households,
   investment, ageing, metrics, identity checks). Reported: build and simulation seconds,
   household-years per second (records × (years + 1) / simulation seconds), the share of the year
   spent in the household step (:func:`commonwealth.households.incomes`,
   :func:`commonwealth.households.saving_rates` and :func:`commonwealth.households.settle`), and
   the child's peak resident memory (``VmHWM`` of
   ``/proc/self/status``; see :func:`peak_rss_bytes` for why not ``ru_maxrss``).
2. **Per-agent baseline.** The same household step (:func:`household_step`: incomes, status-quo
   taxes and transfers, wealth ranks, saving, investing, revaluation) written "the Mesa way": one
   :class:`Household` object per record and a :class:`HouseholdModel` that loops over them in
   Python (two stages per year, with one Python ``sorted()`` per year for the income ranks of the
   tax bands and one for the wealth ranks of the saving bands); in three forms: plain objects,
   slotted objects (the fastest plain Python) and Mesa itself (:class:`MesaHousehold` agents of a
   :class:`MesaHouseholdModel`, activated with ``model.agents.do``; Mesa is a dev dependency). All
   versions start from the same built population and are fed the prices that the engine computed
   in its first ``agent_years`` years; their per-record results are checked against each other
   (first year: also against the engine's own flows).
3. **Ratios** measured in the same run, never absolute timed asserts: vectorised over per-agent
   household-years per second, and the per-record throughput from one size to the next.
4. **Profile** of one engine year at 1M records (cProfile), top functions by cumulative time.

Results are printed as Rich tables and written to ``--out`` (Markdown) with the machine description.
The children import a snapshot of ``src/commonwealth`` copied when the run starts, so edits made to the
working tree during a run cannot mix two versions of the engine in one report.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import copy
import cProfile
import gc
import hashlib
import itertools
import math
import multiprocessing as mp
import os
import platform
import pstats
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

try:  # the per-agent baseline in Mesa itself (a dev dependency; the comparison runs without it)
    import mesa
except ImportError:  # pragma: no cover
    mesa = None
from rich.table import Table

import commonwealth.engine as engine_module
from commonwealth.behaviour import BehaviourSettings
from commonwealth.engine import HouseholdEconomy
from commonwealth.households import (
    Flows,
    Prices,
    incomes,
    net_worth,
    saving_rates,
    settle,
)
from commonwealth.parameters import ParameterSet
from commonwealth.population import Population
from commonwealth.scenario import Scenario, load_scenario
from commonwealth.taxes import StatusQuo

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "business-as-usual"
#: Relative tolerance of the per-agent vs vectorised aggregate check.
CHECK_RTOL = 1e-9
#: The issue's target: the vectorised engine at least this many times faster per household-year.
TARGET_SPEEDUP = 100.0
#: Fraction of the available memory a size may be expected to use before it is skipped.
MEMORY_BUDGET = 0.8
#: Cores used by other processes above which a measurement is flagged as disturbed.
BUSY_CORES = 0.25
#: Assumed peak bytes per record before any size has been measured (measured: about 400).
DEFAULT_BYTES_PER_RECORD = 1_000.0
GIB = 1024.0**3


# --------------------------------------------------------------------------------------------------
# Helpers: scenario, memory, machine
# --------------------------------------------------------------------------------------------------


def make_scenario(size: int, years: int) -> Scenario:
    """The business-as-usual scenario with ``size`` population records over ``years`` years, with the fixed
    rules of ``behaviour: static``: the per-agent versions compared here implement those rules, not the
    behavioural responses (docs/model/behaviour.md)."""
    scenario = load_scenario(SCENARIO)
    return scenario.model_copy(
        update={"population": scenario.population.model_copy(update={"size": size}), "years": years,
                "behaviour": BehaviourSettings.model_validate("static")})


def _status_kib(key: str, path: str = "/proc/self/status") -> int:
    """A ``kB`` field of a ``/proc`` status or meminfo file (0 when absent)."""
    with open(path) as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def peak_rss_bytes() -> int:
    """Peak resident memory of this process, bytes: ``VmHWM`` (the high-water mark of its own address space).

    ``getrusage(RUSAGE_SELF).ru_maxrss`` is not used as the primary measure: on Linux a spawned child
    (``fork``/``vfork`` + ``exec``) starts with ``ru_maxrss`` equal to the parent's peak at spawn time,
    and ``RUSAGE_CHILDREN`` is the maximum over all reaped children, so neither is per-size unless the
    parent stays small and sizes run in increasing order. ``VmHWM`` is reset by ``exec``.
    """
    return _status_kib("VmHWM") * 1024


def ru_maxrss_bytes() -> int:
    """``getrusage(RUSAGE_SELF).ru_maxrss`` in bytes (Linux reports KiB); kept as a cross-check."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def available_memory_bytes() -> int:
    """``MemAvailable`` from ``/proc/meminfo``, bytes."""
    return _status_kib("MemAvailable", "/proc/meminfo") * 1024


def limit_address_space(limit: int | None) -> None:
    """Cap this process's address space so that running out of memory raises ``MemoryError`` here
    rather than waking the kernel's OOM killer on the whole machine."""
    if limit:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine(load_at_start: tuple[float, float, float], source: str) -> dict[str, str]:
    """What the figures were measured on (and how busy it was at the start and end of the run)."""
    cpu = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    threads = {name: os.environ[name] for name in
               ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_CORETYPE")
               if name in os.environ}
    return {
        "nproc": str(os.cpu_count()),
        "usable cores": str(len(os.sched_getaffinity(0))),
        "RAM": f"{_status_kib('MemTotal', '/proc/meminfo') / 1024**2:.1f} GiB total, "
               f"{available_memory_bytes() / GIB:.1f} GiB available at start",
        "CPU": cpu,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "numpy": np.__version__,
        "BLAS threads env": ", ".join(f"{k}={v}" for k, v in threads.items()) or "none set",
        "code measured": source,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load average (1, 5, 15 min)": "start " + ", ".join(f"{x:.2f}" for x in load_at_start)
                                       + "; end " + ", ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


@contextlib.contextmanager
def patched_engine(**wrappers: Callable[..., Any]) -> Iterator[None]:
    """Route the engine's calls of the named household functions through wrappers (the engine imports
    them into its own namespace, so those are the names to replace)."""
    originals = {name: getattr(engine_module, name) for name in wrappers}
    for name, wrapper in wrappers.items():
        setattr(engine_module, name, wrapper)
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(engine_module, name, original)


def household_step(pop: Population, prices: Prices, previous: Prices, status_quo: StatusQuo, params: ParameterSet,
                   year: int, property_tax: float = 0.0) -> Flows:
    """The vectorised household step of one year, composed as the engine composes it for a scenario
    without reforms: incomes and status-quo taxes and transfers (income bands by weighted rank), the
    property tax on households' land (``property_tax`` × land × land price), the saving rates of the
    wealth bands, then saving and investing."""
    flows = incomes(pop, prices, previous, status_quo)
    flows.taxes = flows.taxes + property_tax * (pop.housing_land + pop.other_land) * prices.land_price
    # Saving bands rank households (single adults and couples) by household wealth, as the engine does.
    rate = saving_rates(pop.unit_wealth(net_worth(pop, prices)), pop.unit_weight, params, year)
    return settle(pop, flows, prices, rate)


def snapshot_source() -> tuple[Path, str]:
    """Copy ``src/commonwealth`` to a temporary directory and put it first on ``sys.path``.

    ``spawn`` children start with the parent's ``sys.path``, so every child of the run imports this one
    copy even if the working tree changes meanwhile. Returns the directory and a digest of its files.
    """
    root = Path(tempfile.mkdtemp(prefix="bench-engine-src-"))
    shutil.copytree(ROOT / "src" / "commonwealth", root / "commonwealth",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    digest = hashlib.sha256()
    for path in sorted((root / "commonwealth").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    sys.path.insert(0, str(root))
    return root, digest.hexdigest()[:12]


def imported_from() -> str:
    """Where this process imported the ``commonwealth`` package from."""
    return str(Path(engine_module.__file__).resolve().parent)


class Stopwatch:
    """Wall-clock and CPU time (this process, all threads) accumulated over timed sections.

    CPU time close to wall time means the work had a core to itself; much less means other processes
    took the CPU and the wall time is inflated; more means several threads (BLAS) worked at once.
    """

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0
        self.system = 0.0  # the part of cpu spent in the kernel (page faults of fresh arrays, mostly)

    @contextlib.contextmanager
    def timing(self) -> Iterator[None]:
        wall, cpu, system = time.perf_counter(), time.process_time(), os.times().system
        try:
            yield
        finally:
            self.wall += time.perf_counter() - wall
            self.cpu += time.process_time() - cpu
            self.system += os.times().system - system


# --------------------------------------------------------------------------------------------------
# 1. Engine throughput (runs in a child process per size)
# --------------------------------------------------------------------------------------------------


def warm_up() -> float:
    """Compile the engine's Numba kernels (or load them from Numba's cache) on a small engine, so that
    no measurement includes compilation; returns the seconds it took."""
    started = time.perf_counter()
    sim = HouseholdEconomy(make_scenario(1_000, 1))
    sim.step()
    sim.step()
    return time.perf_counter() - started


def engine_run(size: int, years: int, memory_limit: int | None) -> dict[str, Any]:
    """Build the engine with ``size`` records and simulate ``years + 1`` years; times and peak memory."""
    limit_address_space(memory_limit)
    jit = warm_up()
    baseline = peak_rss_bytes()
    scenario = make_scenario(size, years)
    started = time.perf_counter()
    sim = HouseholdEconomy(scenario)
    build = time.perf_counter() - started
    after_build = peak_rss_bytes()

    in_households = Stopwatch()

    def timed(function: Callable[..., Flows]) -> Callable[..., Flows]:
        def wrapper(*args: Any, **kwargs: Any) -> Flows:
            with in_households.timing():
                return function(*args, **kwargs)
        return wrapper

    year_seconds = []
    whole = Stopwatch()
    with patched_engine(incomes=timed(incomes), saving_rates=timed(saving_rates), settle=timed(settle)):
        for _ in range(years + 1):
            t0 = time.perf_counter()
            with whole.timing():
                sim.step()
            year_seconds.append(time.perf_counter() - t0)
    simulate = whole.wall
    return {
        "size": size, "years": years, "build_s": build, "simulate_s": simulate,
        "household_years": size * (years + 1), "throughput": size * (years + 1) / simulate,
        "households_s": in_households.wall, "simulate_cpu_s": whole.cpu, "simulate_sys_s": whole.system,
        "year_min_s": min(year_seconds), "year_max_s": max(year_seconds), "jit_s": jit,
        "baseline_rss": baseline, "build_rss": after_build, "peak_rss": peak_rss_bytes(),
        "ru_maxrss": ru_maxrss_bytes(), "source": imported_from(), "status": "ok",
    }


# --------------------------------------------------------------------------------------------------
# 2. The same household step, one Python object per agent
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearInputs:
    """What the world tells every household in one year, as plain Python numbers (model level)."""

    wage: float
    r: float
    r_safe: float  # on bonds and household debt
    index_income: float
    concentrated_income: list[float]  # by firm, trailing 0 for stake_firm = −1
    land_rent: float
    index_price: float
    concentrated_price: list[float]
    land_price: float
    index_price_change: float  # this year's price less last year's end price
    concentrated_price_change: list[float]
    land_price_change: float
    property_tax: float  # rate on households' land value, per year
    index_retained: float  # earnings firms retain per index unit
    concentrated_retained: list[float] | None  # per concentrated unit, by firm
    end_index_price: float  # after the retained earnings are invested
    locked_units: float  # index units that may not be sold (0 without reforms)
    retirement_age: int
    social_security: float
    income_floor: float
    tax_breaks: list[float]  # upper edges of the income-percentile bands
    tax_rates: list[float]
    saving_breaks: list[float]  # upper edges of the wealth-percentile bands
    saving_rates: list[float]

    @classmethod
    def from_engine(cls, prices: Prices, previous: Prices, policy: StatusQuo, params: ParameterSet,
                    year: int, property_tax: float = 0.0) -> YearInputs:
        conc_retained = prices.concentrated_retained
        return cls(
            wage=float(prices.wage), r=float(prices.r),
            r_safe=float(prices.r if prices.r_safe is None else prices.r_safe), index_income=float(prices.index_income),
            concentrated_income=prices.concentrated_income.tolist(), land_rent=float(prices.land_rent),
            index_price=float(prices.index_price), concentrated_price=prices.concentrated_price.tolist(),
            land_price=float(prices.land_price),
            index_price_change=float(prices.index_price - previous.index_price),
            concentrated_price_change=(prices.concentrated_price - previous.concentrated_price).tolist(),
            land_price_change=float(prices.land_price - previous.land_price),
            property_tax=float(property_tax),
            index_retained=float(prices.index_retained),
            concentrated_retained=None if conc_retained is None else conc_retained.tolist(),
            end_index_price=float(prices.after_retention().index_price),
            locked_units=0.0,
            retirement_age=int(policy.retirement_age), social_security=float(policy.social_security),
            income_floor=float(policy.income_floor),
            tax_breaks=np.asarray(policy.breaks, dtype=float).tolist(),
            tax_rates=np.asarray(policy.rates, dtype=float).tolist(),
            saving_breaks=np.asarray(params("households.saving_wealth_breaks", year), dtype=float).tolist(),
            saving_rates=np.asarray(params("households.saving_rates", year), dtype=float).tolist(),
        )


#: Attributes of a :class:`Household`: the record's fields, then its flows and band rates of the year.
HOUSEHOLD_FIELDS = ("weight", "age", "employed", "efficiency", "equity_index", "equity_concentrated", "stake_firm",
                    "housing_land", "housing_structure", "other_land", "bonds", "durables", "debt", "unit_size")
HOUSEHOLD_STATE = ("labour_income", "capital_income", "market_income", "transfers", "income", "wealth",
                   "household_wealth", "unit_weight",
                   "revaluation", "tax_rate", "saving_rate", "taxes", "consumption", "saving", "retained",
                   "index_purchase")


class Household:
    """One population record as an agent, Mesa style: attributes in the instance ``__dict__`` and a
    two-stage step (``earn``, then ``settle`` once the model has ranked everyone).

    Arithmetic follows :func:`commonwealth.households.incomes` and :func:`commonwealth.households.settle`
    (without reforms) operation for operation, so the
    two agree to the last bit per record (only weighted totals are summed in a different order).
    """

    def __init__(self, weight: float, age: int, employed: bool, efficiency: float, equity_index: float,
                 equity_concentrated: float, stake_firm: int, housing_land: float, housing_structure: float,
                 other_land: float, bonds: float, durables: float, debt: float, unit_size: int = 1) -> None:
        self.weight = weight
        self.age = age
        self.employed = employed
        self.efficiency = efficiency
        self.equity_index = equity_index
        self.equity_concentrated = equity_concentrated
        self.stake_firm = stake_firm
        self.housing_land = housing_land
        self.housing_structure = housing_structure
        self.other_land = other_land
        self.bonds = bonds
        self.durables = durables
        self.debt = debt
        self.unit_size = unit_size
        self.unit_weight = weight / unit_size  # households (units) the record stands for
        self.household_wealth = 0.0
        self.labour_income = self.capital_income = self.market_income = self.transfers = 0.0
        self.income = self.wealth = self.revaluation = self.tax_rate = self.saving_rate = 0.0
        self.taxes = self.consumption = self.saving = self.retained = self.index_purchase = 0.0

    def earn(self, world: YearInputs) -> None:
        """Stage 1: revaluation of holdings, labour and capital income, transfers, and wealth at this
        year's prices (what the model ranks for the tax and saving bands)."""
        land = self.housing_land + self.other_land
        stake = self.stake_firm
        self.revaluation = (self.equity_index * world.index_price_change
                            + self.equity_concentrated * world.concentrated_price_change[stake]
                            + land * world.land_price_change)
        self.labour_income = world.wage * self.efficiency if self.employed else 0.0
        self.capital_income = (self.equity_index * world.index_income
                               + self.equity_concentrated * world.concentrated_income[stake]
                               + self.housing_structure * world.r + (self.bonds - self.debt) * world.r_safe
                               + land * world.land_rent)
        market = self.market_income = self.labour_income + self.capital_income
        pension = world.social_security if self.age >= world.retirement_age else 0.0
        self.transfers = pension + max(0.0, world.income_floor - (market + pension))
        self.income = market + self.transfers
        self.wealth = (self.equity_index * world.index_price
                       + self.equity_concentrated * world.concentrated_price[stake]
                       + land * world.land_price
                       + self.housing_structure + self.bonds + self.durables - self.debt)
        self.household_wealth = self.wealth * self.unit_size  # a couple's two equal shares

    def settle(self, world: YearInputs) -> None:
        """Stage 2: tax at the band rate, save at the band rate; firms have reinvested the retained
        earnings, the rest of the saving buys index and bonds in the proportion held."""
        self.taxes = self.tax_rate * max(self.income, 0.0) + world.property_tax * (
            self.housing_land + self.other_land) * world.land_price
        disposable = self.market_income + self.transfers - self.taxes
        saving = self.saving = self.saving_rate * disposable if disposable > 0 else disposable
        self.consumption = disposable - saving
        retained = self.equity_index * world.index_retained
        if world.concentrated_retained is not None:
            retained = retained + self.equity_concentrated * world.concentrated_retained[self.stake_firm]
        self.retained = retained
        discretionary = saving - retained
        index_value = self.equity_index * world.end_index_price
        sellable = max(self.equity_index - world.locked_units, 0.0) * world.end_index_price
        liquid = index_value + max(self.bonds, 0.0)
        equity_share = index_value / liquid if liquid > 0 else 0.0
        purchase = self.index_purchase = max(equity_share * discretionary, -sellable)
        self.equity_index += purchase / world.end_index_price
        self.bonds += discretionary - purchase


class SlottedHousehold(Household):
    """The same agent with ``__slots__`` (attribute access without the instance dictionary): the
    fastest plain-Python variant, so the fair baseline for the speed ratio."""

    __slots__ = HOUSEHOLD_FIELDS + HOUSEHOLD_STATE


def assign_band_rates(agents: list[Household], key: str, target: str, breaks: list[float],
                      rates: list[float], weight_key: str = "weight") -> None:
    """Give every agent the rate of the percentile band its weighted mid-rank by ``key`` falls in.

    A Python ``sorted()`` over the agents (stable, like the engine's ``argsort(kind="stable")``), then
    running sums of weights, as a per-agent model would do once a year; the same operations as
    :func:`commonwealth.distribution.mid_rank`, so the same ranks to the last bit.
    """
    ranked = sorted(agents, key=attrgetter(key))
    weight_of = attrgetter(weight_key)
    total = 0.0
    for agent in ranked:
        total += weight_of(agent)
    cumulative = 0.0
    for agent in ranked:
        weight = weight_of(agent)
        cumulative += weight
        setattr(agent, target, rates[bisect.bisect_right(breaks, (cumulative - 0.5 * weight) / total)])


class HouseholdModel:
    """A per-agent model of the household step: loops over the agents in Python each year."""

    def __init__(self, agents: list[Household]) -> None:
        self.agents = agents

    @classmethod
    def from_population(cls, pop: Population, agent: type[Household] = Household) -> HouseholdModel:
        """One ``agent`` object per record of the struct of arrays (Python numbers, no numpy)."""
        columns = [getattr(pop, name).tolist() for name in HOUSEHOLD_FIELDS]
        return cls([agent(*row) for row in zip(*columns, strict=True)])

    def step(self, world: YearInputs) -> None:
        """One year: every agent earns; the model ranks incomes and wealth; every agent settles."""
        agents = self.agents
        for agent in agents:
            agent.earn(world)
        assign_band_rates(agents, "income", "tax_rate", world.tax_breaks, world.tax_rates)
        assign_band_rates(agents, "household_wealth", "saving_rate", world.saving_breaks, world.saving_rates,
                          weight_key="unit_weight")
        for agent in agents:
            agent.settle(world)


if mesa is not None:

    class MesaHousehold(mesa.Agent):
        """The same agent as a Mesa ``Agent``: registered with its model (a unique id, the model's agent
        set); the two stages are :class:`Household`'s own methods, so the arithmetic is identical."""

        earn = Household.earn
        settle = Household.settle

        def __init__(self, model: mesa.Model, *record: Any) -> None:
            super().__init__(model)
            Household.__init__(self, *record)  # type: ignore[arg-type]

    class MesaHouseholdModel(mesa.Model):
        """The household step as a Mesa model: ``model.agents.do`` activates every agent in the order
        they were added (record order; no shuffle), with the same yearly ranking passes as
        :class:`HouseholdModel`."""

        def __init__(self, pop: Population) -> None:
            super().__init__()
            columns = [getattr(pop, name).tolist() for name in HOUSEHOLD_FIELDS]
            for row in zip(*columns, strict=True):
                MesaHousehold(self, *row)

        def step(self, world: YearInputs) -> None:  # type: ignore[override]
            self.agents.do("earn", world)
            ranked = list(self.agents)
            assign_band_rates(ranked, "income", "tax_rate", world.tax_breaks, world.tax_rates)
            assign_band_rates(ranked, "household_wealth", "saving_rate", world.saving_breaks,
                              world.saving_rates, weight_key="unit_weight")
            self.agents.do("settle", world)


# --------------------------------------------------------------------------------------------------
# 2b. The like-for-like comparison (runs in a child process)
# --------------------------------------------------------------------------------------------------


@dataclass
class EngineYear:
    """What the engine passed to ``incomes`` and ``settle`` in one year (and what they returned)."""

    prices: Prices
    previous: Prices
    policy: StatusQuo
    params: ParameterSet | None = None
    year: int = 0
    reforms: bool = False  # any reform cash flows or locked units passed to settle
    property_tax: float = 0.0  # the engine's property tax rate on households' land
    flows: Flows | None = None
    population: Population | None = None  # before the household step; kept for the first year only


#: Per-record results compared between the two versions (Flows fields and end-of-year holdings).
CHECKED = ("labour_income", "capital_income", "transfers", "taxes", "consumption", "saving", "retained",
           "index_purchase", "revaluation", "equity_index", "bonds")
#: Totals shown in the report's check table.
SHOWN = ("taxes", "transfers", "saving", "retained", "index_purchase", "revaluation")
HOLDINGS = ("equity_index", "bonds")
#: The per-agent variants timed: how each builds its model from the population (the headline ratio uses
#: the fastest measured; every ratio is reported).
AGENT_VARIANTS: dict[str, Callable[[Population], Any]] = {
    "slotted objects": lambda pop: HouseholdModel.from_population(pop, SlottedHousehold),
    "plain objects": lambda pop: HouseholdModel.from_population(pop, Household),
}
if mesa is not None:
    AGENT_VARIANTS[f"Mesa {mesa.__version__} agents"] = MesaHouseholdModel


@dataclass
class Comparison:
    """Weighted totals of one year from both versions, and how many records differ."""

    year: int
    totals: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (vectorised, per-agent)
    differing_records: dict[str, int] = field(default_factory=dict)

    def worst_relative_gap(self) -> float:
        return max(abs(a - b) / max(abs(a), abs(b), 1.0) for a, b in self.totals.values())

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "totals": self.totals, "differing_records": self.differing_records,
                "worst_relative_gap": self.worst_relative_gap()}


def _vector_values(flows: Flows, pop: Population) -> dict[str, np.ndarray]:
    return {name: getattr(pop if name in HOLDINGS else flows, name).copy() for name in CHECKED}


def _agent_values(model: HouseholdModel) -> dict[str, np.ndarray]:
    return {name: np.fromiter(map(attrgetter(name), model.agents), dtype=float, count=len(model.agents))
            for name in CHECKED}


def _compare(year: int, weight: np.ndarray, vector: dict[str, np.ndarray],
             agent: dict[str, np.ndarray]) -> Comparison:
    result = Comparison(year)
    for name in CHECKED:
        result.totals[name] = (math.fsum(weight * vector[name]), math.fsum(weight * agent[name]))
        result.differing_records[name] = int(np.count_nonzero(vector[name] != agent[name]))
    return result


def agent_comparison(agents: int, agent_years: int, repeats: int, memory_limit: int | None) -> dict[str, Any]:
    """Time the vectorised :func:`household_step` and the per-agent models on the same inputs; check them.

    The engine's own first ``agent_years`` years supply the inputs: the population as it enters the
    household step in the first year, and each year's prices, tax system and parameters. Each repeat
    runs every version from a fresh copy of that population (the object conversion is not timed).
    """
    limit_address_space(memory_limit)
    warm_up()
    sim = HouseholdEconomy(make_scenario(agents, agent_years))
    running = [sim]  # the engine as the recording hooks see it (emptied with sim below)
    calls: list[EngineYear] = []
    pending: list[EngineYear] = []

    def recording_incomes(pop: Population, prices: Prices, previous: Prices, policy: StatusQuo,
                          hours: np.ndarray | None = None) -> Flows:
        first = not calls and not pending
        pending.append(EngineYear(prices, previous, policy, population=copy.deepcopy(pop) if first else None))
        return incomes(pop, prices, previous, policy, hours)

    def recording_saving_rates(wealth: np.ndarray, weight: np.ndarray, params: ParameterSet, year: int,
                               ) -> np.ndarray:
        pending[-1].params, pending[-1].year = params, year
        return saving_rates(wealth, weight, params, year)

    def recording_settle(pop: Population, flows: Flows, prices: Prices, saving_rate: np.ndarray,
                         **reforms: Any) -> Flows:
        call = pending.pop()
        # The engine credits the property tax against the state and local rates in the base year: the tax
        # system households pay is the engine's at settle time.
        call.policy, call.property_tax = running[0].status_quo, running[0].market.property_tax
        call.reforms = any(np.any(np.asarray(value) != 0) for value in reforms.values())
        call.flows = settle(pop, flows, prices, saving_rate, **reforms)
        calls.append(call)
        return call.flows

    with patched_engine(incomes=recording_incomes, saving_rates=recording_saving_rates, settle=recording_settle):
        for _ in range(agent_years):
            sim.step()
    running.clear()
    del sim
    start = calls[0].population
    assert start is not None
    if any(c.reforms for c in calls):
        raise RuntimeError(f"{SCENARIO} passes reform cash flows to settle; the per-agent model has only the "
                           "status quo")
    worlds = [YearInputs.from_engine(c.prices, c.previous, c.policy, c.params, c.year, c.property_tax) for c in calls
              if c.params is not None]
    weight = start.weight.copy()

    times: dict[str, list[Stopwatch]] = {"vectorised": [], **{name: [] for name in AGENT_VARIANTS}}
    conversion: dict[str, list[float]] = {name: [] for name in AGENT_VARIANTS}
    checks: dict[str, list[Comparison]] = {name: [] for name in AGENT_VARIANTS}
    vector_years: list[dict[str, np.ndarray]] = []
    engine_differing = 0
    # Struct of arrays first, all repeats, before any agent object exists: the per-agent models free
    # ~100 MB of small objects, which would leave this process's heap fragmented for the arrays after them.
    pop = copy.deepcopy(start)
    household_step(pop, calls[0].prices, calls[0].previous, calls[0].policy, calls[0].params, calls[0].year,
                   calls[0].property_tax)
    for repeat in range(repeats):  # ^ compiles the step's kernels for its argument types (not timed)
        pop = copy.deepcopy(start)
        clock = Stopwatch()
        for c in calls:
            assert c.params is not None
            with clock.timing():
                flows = household_step(pop, c.prices, c.previous, c.policy, c.params, c.year, c.property_tax)
            if repeat == 0:
                vector_years.append(_vector_values(flows, pop))
        times["vectorised"].append(clock)
        del pop, flows

    # Per agent: the same years on objects converted from the same population; each variant's repeats in a row.
    for name, build in AGENT_VARIANTS.items():
        for repeat in range(repeats):
            gc.collect()
            t0 = time.perf_counter()
            model = build(start)
            conversion[name].append(time.perf_counter() - t0)
            clock = Stopwatch()
            for k, world in enumerate(worlds):
                with clock.timing():
                    model.step(world)
                if repeat == 0:
                    values = _agent_values(model)
                    checks[name].append(_compare(calls[k].year, weight, vector_years[k], values))
                    if k == 0:  # also against the engine's own flows of its first year
                        engine_flows = calls[0].flows
                        assert engine_flows is not None
                        engine_differing += sum(int(np.count_nonzero(getattr(engine_flows, field) != values[field]))
                                                for field in CHECKED if field not in HOLDINGS)
            times[name].append(clock)
            del model

    # Memory of the agents (untimed): Python allocations of the objects after their first year.
    object_bytes: dict[str, float] = {}
    for name, build in AGENT_VARIANTS.items():
        gc.collect()
        tracemalloc.start()
        model = build(start)
        model.step(worlds[0])
        object_bytes[name] = tracemalloc.get_traced_memory()[0] / agents
        tracemalloc.stop()
        del model
    array_bytes = sum(getattr(start, f.name).nbytes for f in fields(start)) / agents

    household_years = agents * len(calls)
    variants = {}
    for name, clocks in times.items():
        best = min(clocks, key=attrgetter("wall"))  # best of the repeats, as timeit reports
        variants[name] = {"seconds": best.wall, "cpu_s": best.cpu, "all_s": [c.wall for c in clocks],
                          "throughput": household_years / best.wall,
                          "conversion_s": min(conversion[name]) if name in conversion else 0.0}
    fastest_agents = min(AGENT_VARIANTS, key=lambda name: variants[name]["seconds"])
    return {
        "agents": agents, "years": len(calls), "repeats": repeats, "household_years": household_years,
        "variants": variants, "baseline": fastest_agents,
        "agent_throughput": variants[fastest_agents]["throughput"],
        "speedup": variants[fastest_agents]["seconds"] / variants["vectorised"]["seconds"],
        "comparisons": {name: [c.as_dict() for c in found] for name, found in checks.items()},
        "engine_first_year_records_differing": engine_differing,
        "object_bytes": object_bytes, "array_bytes": array_bytes,
        "peak_rss": peak_rss_bytes(), "source": imported_from(), "status": "ok",
    }


# --------------------------------------------------------------------------------------------------
# 4. Profile of one engine year (runs in a child process)
# --------------------------------------------------------------------------------------------------


def _function_name(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":  # built-in functions and methods
        return name
    path = Path(filename)
    parts = path.parts
    if "commonwealth" in parts:
        path = Path(*parts[parts.index("commonwealth"):])
    elif "site-packages" in parts:
        path = Path(*parts[parts.index("site-packages") + 1:])
    return f"{path}:{line}({name})"


def profile_year(size: int, memory_limit: int | None, top: int = 5) -> dict[str, Any]:
    """cProfile of one engine year (the second; the first warms caches) at ``size`` records."""
    limit_address_space(memory_limit)
    sim = HouseholdEconomy(make_scenario(size, 2))
    sim.step()
    profiler = cProfile.Profile()
    profiler.enable()
    sim.step()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = [(_function_name(key), nc, tt, ct) for key, (_, nc, tt, ct, _) in stats.items()]
    root = next(r for r in rows if r[0].endswith("(step)") and "engine.py" in r[0])
    year = root[3]

    def keep(name: str) -> bool:
        # Skip the year itself, the profiler, and numpy's thin Python wrappers around the C functions.
        return not (name == root[0] or "disable" in name or "_wrapfunc" in name or "fromnumeric.py" in name)

    by_cumulative = sorted((r for r in rows if keep(r[0])), key=lambda r: r[3], reverse=True)[:top]
    by_own = sorted((r for r in rows if keep(r[0])), key=lambda r: r[2], reverse=True)[:top]
    sorts = [r for r in rows if r[0] in ("<method 'argsort' of 'numpy.ndarray' objects>",
                                         "<method 'sort' of 'numpy.ndarray' objects>")]
    as_dict = [{"function": n, "calls": c, "own_s": t, "cumulative_s": cu} for n, c, t, cu in by_cumulative]
    return {
        "size": size, "year_s": year, "top_cumulative": as_dict,
        "top_own": [{"function": n, "calls": c, "own_s": t, "cumulative_s": cu} for n, c, t, cu in by_own],
        "sort_calls": sum(r[1] for r in sorts), "sort_s": sum(r[2] for r in sorts), "source": imported_from(),
    }


# --------------------------------------------------------------------------------------------------
# Orchestration (parent process: stays small so that it does not inflate the children's memory)
# --------------------------------------------------------------------------------------------------


def machine_busy_seconds() -> float:
    """CPU-seconds the whole machine has spent busy since boot (``/proc/stat``, all cores)."""
    with open("/proc/stat") as handle:
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in handle.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU-seconds of this process and of its reaped children."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def wait_for_idle(max_wait: float, console: Console, threshold: float = BUSY_CORES, window: float = 10.0) -> float:
    """Wait (at most ``max_wait`` seconds) until other processes use less than ``threshold`` cores over a
    ``window``-second sample. Returns the cores they used in the last sample."""
    if max_wait <= 0:
        return math.nan
    deadline = time.monotonic() + max_wait
    while True:
        busy, wall = machine_busy_seconds(), time.monotonic()
        time.sleep(window)
        others = (machine_busy_seconds() - busy) / (time.monotonic() - wall)
        if others < threshold or time.monotonic() >= deadline:
            return others
        console.print(f"  waiting for the machine to be idle (other processes use {others:.1f} cores) …")


def _child_main(connection: Any, function: Callable[..., dict[str, Any]], arguments: tuple[Any, ...]) -> None:
    """Entry point of a measurement child: send back the result, or the failure as a status."""
    try:
        result = function(*arguments)
    except MemoryError:
        result = {"status": "failed: MemoryError (address-space cap reached)"}
    except Exception as exc:
        result = {"status": f"failed: {type(exc).__name__}: {exc}"}
    connection.send(result)
    connection.close()


def in_child(function: Callable[..., dict[str, Any]], *arguments: Any) -> dict[str, Any]:
    """Run ``function(*arguments)`` in a fresh spawned interpreter; failures come back as a status.

    Also measured: ``other_cores``, the average number of cores that other processes kept busy
    meanwhile (machine busy time less this process tree's CPU time, over wall time). The child is
    terminated if this process is interrupted."""
    context = mp.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    wall, busy, own = time.monotonic(), machine_busy_seconds(), own_cpu_seconds()
    child = context.Process(target=_child_main, args=(sender, function, arguments))
    child.start()
    sender.close()
    try:
        result = receiver.recv()
    except EOFError:
        result = None
    finally:
        if child.is_alive() and sys.exc_info()[0] is not None:
            child.terminate()
        child.join()
    if result is None:
        return {"status": f"failed: the child process died (exit code {child.exitcode}; -9 is a kill, e.g. out "
                          "of memory; an error while starting is printed above)"}
    elapsed = time.monotonic() - wall
    others = machine_busy_seconds() - busy - (own_cpu_seconds() - own)
    result["other_cores"] = max(others, 0.0) / elapsed
    return result


def _si(value: float) -> str:
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{unit}"
    return f"{value:.3g}"


def _size_label(size: int) -> str:
    return _si(size).replace(".0", "")


def _gib(value: float) -> str:
    return f"{value / GIB:.2f} GiB"


@dataclass
class Report:
    """Everything measured in one run."""

    command: str
    machine: dict[str, str]
    engine: list[dict[str, Any]]
    agents: dict[str, Any]
    profile: dict[str, Any]
    notes: list[str]
    total_s: float = 0.0

    # --- derived ratios ---------------------------------------------------------------------------

    def ok_engine(self) -> list[dict[str, Any]]:
        return [r for r in self.engine if r.get("status") == "ok"]

    def scaling(self) -> list[tuple[str, float]]:
        """Per-record throughput of each size relative to the previous and to the smallest."""
        done = self.ok_engine()
        out = [(f"{_size_label(b['size'])} vs {_size_label(a['size'])}", b["throughput"] / a["throughput"])
               for a, b in itertools.pairwise(done)]
        if len(done) > 2:
            a, b = done[0], done[-1]
            out.append((f"{_size_label(b['size'])} vs {_size_label(a['size'])}", b["throughput"] / a["throughput"]))
        return out

    # --- output -----------------------------------------------------------------------------------

    def summary(self) -> list[str]:
        """The findings in a few bullets (Markdown lines)."""
        lines = ["## Summary", ""]
        done = self.ok_engine()
        if done:
            lines.append("* Engine throughput (whole years): " + ", ".join(
                f"{_si(r['throughput'])} household-years/s at {_size_label(r['size'])} records "
                f"({r['simulate_s'] / (r['years'] + 1):.2f} s a year)" for r in done) + ".")
            big = done[-1]
            lines.append(
                f"* {_size_label(big['size'])} records × {big['years'] + 1} years took "
                f"{(big['build_s'] + big['simulate_s']) / 60:.1f} minutes ({big['build_s']:.0f} s to build) and "
                f"peaked at {_gib(big['peak_rss'])} of memory, "
                f"{100 * big['peak_rss'] / (_status_kib('MemTotal', '/proc/meminfo') * 1024):.0f}% of this machine's.")
        scaling = self.scaling()
        if scaling:
            lines.append("* Per-record throughput from size to size: " + ", ".join(
                f"×{ratio:.2f} ({label})" for label, ratio in scaling) + " (1.00 would be linear).")
        a = self.agents
        if "speedup" in a:
            gap, differing = self.checks()
            others = [name for name in a["variants"] if name != "vectorised"]
            met = [name for name in others if self.ratio(name) >= TARGET_SPEEDUP]
            lines.append(
                f"* The household step on struct of arrays is faster per household-year than the same step on one "
                f"Python object per agent ({a['agents']:,} records) by "
                + ", ".join(f"**{self.ratio(name):.0f}×** against {name}" for name in others)
                + f". The issue's target of {TARGET_SPEEDUP:.0f}× is "
                + (f"met against {', '.join(met)}" if met else "not met against any per-agent version")
                + (f" and not against {', '.join(n for n in others if n not in met)}" if met and len(met) < len(others)
                   else "")
                + f". All versions give identical results ({differing} differing values, largest relative gap of "
                f"totals {gap:.0e}).")
            same = next((r for r in done if r["size"] == a["agents"]), None)
            if same:
                lines.append(
                    f"* A whole engine year at {_size_label(same['size'])} records (households, markets, reforms, "
                    f"ledger, metrics, ageing) runs at {same['throughput'] / a['agent_throughput']:.1f}× the "
                    "throughput of the per-agent household step alone.")
        lines.append("")
        return lines

    def ratio(self, name: str) -> float:
        """Per-household-year speed of the struct of arrays over the per-agent variant ``name``."""
        variants = self.agents["variants"]
        return variants[name]["seconds"] / variants["vectorised"]["seconds"]

    def engine_rows(self) -> list[list[str]]:
        agent_rate = self.agents.get("agent_throughput")
        rows = []
        for r in self.engine:
            if r.get("status") != "ok":
                rows.append([_size_label(r["size"]), str(r["years"]), *["—"] * 10, r["status"]])
                continue
            rows.append([
                _size_label(r["size"]), str(r["years"]), f"{r['build_s']:.1f}", f"{r['simulate_s']:.1f}",
                f"{r['simulate_s'] / (r['years'] + 1):.2f}", _si(r["throughput"]),
                f"{100 * r['households_s'] / r['simulate_s']:.0f}%", f"{r['simulate_cpu_s'] / r['simulate_s']:.2f}",
                f"{100 * r['simulate_sys_s'] / r['simulate_cpu_s']:.0f}%", f"{r.get('other_cores', math.nan):.2f}",
                _gib(r["peak_rss"]),
                f"{(r['peak_rss'] - r['baseline_rss']) / r['size']:.0f}",
                f"{r['throughput'] / agent_rate:.1f}×" if agent_rate else "—",
            ])
        return rows

    ENGINE_HEADER = ("records", "years", "build s", "simulate s", "s / year", "household-years/s",
                     "in household step", "CPU / wall", "kernel", "other cores", "peak RSS", "B / record",
                     "vs per-agent")

    def agent_rows(self) -> list[list[str]]:
        a = self.agents
        if "speedup" not in a:
            return [["—", "—", "—", "—", "—", a.get("status", "not run")]]
        vector = a["variants"]["vectorised"]
        rows = []
        for name, v in a["variants"].items():
            label = "struct of arrays (household_step)" if name == "vectorised" else f"per agent: {name}"
            rows.append([label, f"{v['seconds']:.4f}", f"{v['cpu_s'] / v['seconds']:.2f}", _si(v["throughput"]),
                         f"{1e9 / v['throughput']:.0f}", f"{v['seconds'] / vector['seconds']:.1f}×"])
        return rows

    AGENT_HEADER = ("household step", "seconds", "CPU / wall", "household-years/s", "ns / household-year",
                    "time vs struct of arrays")

    def checks(self) -> tuple[float, int]:
        """Worst relative gap of any checked total and number of differing per-record values, over all
        per-agent variants and years."""
        found = [c for variant in self.agents.get("comparisons", {}).values() for c in variant]
        if not found:
            return math.nan, 0
        return (max(c["worst_relative_gap"] for c in found),
                sum(sum(c["differing_records"].values()) for c in found))

    def print(self, console: Console) -> None:
        table = Table(title="Engine: whole years (HouseholdEconomy.step)")
        for name in self.ENGINE_HEADER:
            table.add_column(name, justify="right")
        for row in self.engine_rows():
            table.add_row(*row[:len(self.ENGINE_HEADER)])
        console.print(table)
        a = self.agents
        table = Table(title=f"Household step only: {a.get('agents', 0):,} records × {a.get('years', 0)} years, "
                            f"best of {a.get('repeats', 0)}")
        for name in self.AGENT_HEADER:
            table.add_column(name, justify="right")
        for row in self.agent_rows():
            table.add_row(*row)
        console.print(table)
        for label, ratio in self.scaling():
            console.print(f"scaling {label}: per-record throughput × {ratio:.2f}")
        if "speedup" in a:
            gap, differing = self.checks()
            console.print(f"vectorised / per-agent ({a['baseline']}): {a['speedup']:.1f}× per household-year "
                          f"(target {TARGET_SPEEDUP:.0f}×)")
            console.print(f"check: worst relative gap of totals {gap:.1e}, per-record values differing {differing}, "
                          f"vs the engine's own first-year flows {a['engine_first_year_records_differing']}")
        for note in self.notes:
            console.print(f"[yellow]{note}")

    def markdown(self) -> str:
        a, p = self.agents, self.profile
        lines = [
            "# Performance: the households engine",
            "",
            "Issue 3 asks whether a struct-of-arrays engine (one numpy array per attribute, one row per "
            "population record) is worth it over the usual agent-based design (one Python object per agent, "
            "as in Mesa), and how it scales to 10 million records. This page is written by "
            "`benchmarks/bench_engine.py`; every figure below comes from one run of it, and every "
            "comparison is a ratio between measurements of that same run.",
            "",
            *self.summary(),
            "## Machine and command",
            "",
            "| | |",
            "|---|---|",
            *[f"| {k} | {v} |" for k, v in self.machine.items()],
            "",
            "```",
            self.command,
            "```",
            "",
            f"The whole run took {self.total_s / 60:.1f} minutes.",
            "",
            "## Results",
            "",
            "### Engine: whole simulated years",
            "",
            "`HouseholdEconomy(scenario)` built with the given number of records (business-as-usual scenario), "
            "then `step()` called years + 1 times. Each size runs in its own freshly spawned Python process.",
            "",
            _md_table(self.ENGINE_HEADER, self.engine_rows()),
            "",
            "* *household-years/s* = records × (years + 1) / simulate seconds.",
            "* *in household step*: share of the simulated time spent in `households.incomes`, "
            "`households.saving_rates` and `households.settle` (incomes, status-quo taxes and transfers, saving, "
            "investing, revaluation); the "
            "rest of the year is displacement, production, markets, reforms, the ledger, distribution metrics, "
            "ageing and the identity checks.",
            "* *CPU / wall*: CPU time of the child (all its threads) over wall time while simulating: near 1 "
            "when it had a core to itself, below 1 when other processes took the CPU (wall times inflated), "
            "above 1 when a BLAS worker thread ran (or spin-waited) beside the main thread (`np.dot` on long "
            "vectors wakes OpenBLAS's threads).",
            "* *kernel*: share of that CPU time spent in the kernel, mostly zero-filling the pages of freshly "
            "allocated temporary arrays (large arrays are `mmap`ed and returned to the system when freed).",
            "* *other cores*: how many cores other processes kept busy on average meanwhile (from `/proc/stat`, "
            "less this run's own CPU time); the machine has "
            f"{self.machine.get('nproc')} and a run uses about one.",
            "* *peak RSS*: the child's peak resident memory (`VmHWM`: build and all years); *B / record*: "
            "(peak − the child's memory after imports) / records.",
            "* *vs per-agent*: engine household-years/s over the per-agent household step's (below). The engine "
            "does a whole year per record, the per-agent model only the household step, so this ratio "
            "understates the advantage.",
            "",
        ]
        scaling = self.scaling()
        if scaling:
            lines += ["Scaling (per-record throughput of the larger size over the smaller; 1.00 = linear, "
                      "above 1 = fixed per-year costs amortised, below 1 = worse than linear):", ""]
            lines += [f"* {label}: **{ratio:.2f}**" for label, ratio in scaling]
            lines.append("")
        lines += ["### Household step: struct of arrays vs one object per agent", ""]
        if "speedup" in a:
            verdict = "meets" if a["speedup"] >= TARGET_SPEEDUP else "does **not** meet"
            variants = a["variants"]
            gap, differing = self.checks()
            shown = a["comparisons"][a["baseline"]]
            lines += [
                f"{a['agents']:,} records × {a['years']} years = {a['household_years']:,} household-years, "
                f"best of {a['repeats']} repeats (seconds of every repeat: "
                + "; ".join(f"{name} {', '.join(f'{s:.4f}' for s in v['all_s'])}" for name, v in variants.items())
                + ").",
                "",
                _md_table(self.AGENT_HEADER, self.agent_rows()),
                "",
                f"**The struct-of-arrays household step is {a['speedup']:.1f}× faster per household-year than the "
                f"fastest per-agent version** ({a['baseline']}), which {verdict} the issue's target of "
                f"{TARGET_SPEEDUP:.0f}×; against the others: "
                + ", ".join(f"{self.ratio(n):.1f}× ({n})" for n in variants if n not in ("vectorised", a["baseline"]))
                + ". Converting the arrays into objects took a further "
                + ", ".join(f"{v['conversion_s']:.2f} s ({name})" for name, v in variants.items()
                            if name != "vectorised")
                + f" (not counted). Other processes kept {a.get('other_cores', math.nan):.2f} cores busy "
                "meanwhile; *CPU / wall* is that of the best repeat.",
                "",
                "**Same results.** Both versions start from the population the engine built (as it enters "
                "the household step in the first year), and each year both are given the prices, tax system and "
                "saving schedule the engine computed for that year; so year 2 onwards includes revaluation. "
                f"Weighted totals (exact `math.fsum`, USD trillion), vectorised / per-agent ({a['baseline']}):",
                "",
                _md_table(("year", *SHOWN), [
                    [str(c["year"]), *(f"{c['totals'][n][0] / 1e12:.6f} / {c['totals'][n][1] / 1e12:.6f}"
                                       for n in SHOWN)] for c in shown]),
                "",
                f"Largest relative gap of any total ({', '.join(CHECKED)}) in any year and variant: "
                f"**{gap:.1e}** (tolerance {CHECK_RTOL:g}). Per-record values that differ at all (bitwise): "
                f"**{differing}**; the first year's per-agent flows against the flows of the engine's own first "
                f"year: **{a['engine_first_year_records_differing']}** differing values. The per-agent code "
                "performs the engine's floating-point operations in the engine's order, so the two are identical "
                "record by record, not merely close.",
                "",
                "**Memory per record.** The population's arrays take "
                f"{a['array_bytes']:.0f} B per record; as objects after one year (`tracemalloc`: the objects, their "
                "attribute floats and the list) "
                + ", ".join(f"{b:.0f} B ({name})" for name, b in a["object_bytes"].items())
                + f". At 10M records that is {a['array_bytes'] * 1e7 / GIB:.1f} GiB of arrays against "
                + ", ".join(f"{b * 1e7 / GIB:.1f} GiB" for b in a["object_bytes"].values())
                + " of objects, before any temporaries.",
                "",
            ]
        else:
            lines += [f"Not measured: {a.get('status')}", ""]
        lines += ["## Where a year's time goes", ""]
        if "top_cumulative" in p:
            lines += [
                f"cProfile of one engine year (the second) at {p['size']:,} records: {p['year_s']:.2f} s under "
                "the profiler. Top 5 by cumulative time (the year itself and numpy's thin Python wrappers "
                "omitted):",
                "",
                _md_table(("function", "calls", "own s", "cumulative s", "of the year"), [
                    [f"`{r['function']}`", str(r["calls"]), f"{r['own_s']:.3f}", f"{r['cumulative_s']:.3f}",
                     f"{100 * r['cumulative_s'] / p['year_s']:.0f}%"] for r in p["top_cumulative"]]),
                "",
                "Top 5 by own time:",
                "",
                _md_table(("function", "calls", "own s", "of the year"), [
                    [f"`{r['function']}`", str(r["calls"]), f"{r['own_s']:.3f}",
                     f"{100 * r['own_s'] / p['year_s']:.0f}%"] for r in p["top_own"]]),
                "",
                f"Sorting: {p['sort_calls']} `argsort`/`sort` calls over the records per year take "
                f"{p['sort_s']:.2f} s, {100 * p['sort_s'] / p['year_s']:.0f}% of the year.",
                "",
            ]
        else:
            lines += [f"Not profiled: {p.get('status')}", ""]
        lines += [
            "## What is measured, and what is not",
            "",
            "* **Measured**: wall-clock time (`time.perf_counter`) of building the engine (population, firms, "
            "calibration) and of its yearly steps; for the comparison, only the household step "
            "(`benchmarks/bench_engine.py:household_step`, i.e. the engine's `incomes` (with the income bands of "
            "the status-quo taxes), `net_worth`, the saving rates of the wealth bands and `settle`, vs the "
            "per-agent model's two stages and its two yearly `sorted()` rank passes). "
            "Peak memory is `VmHWM` of the child process that built and ran one size. `ru_maxrss` is not used: "
            "a child spawned by Python on Linux starts with `ru_maxrss` equal to its parent's peak, and "
            "`RUSAGE_CHILDREN` is the maximum over all children, so neither separates sizes.",
            "* **Not measured**: loading the scenario and parameters, Python and package import time, writing "
            "results (`run_households` also assembles a tidy metrics table; the CLI writes files), and the "
            "macro-only closures. The per-agent baseline covers the household step only: no displacement, "
            "ageing, heirs or distribution metrics, which the engine figures include.",
            "* **The per-agent baselines**: a `Household` class with one attribute per field and a two-stage step "
            "(`earn`, then `settle` once the model has ranked everyone), in three forms: *plain objects* (an "
            "instance `__dict__`), *slotted objects* (the same class with `__slots__`, the fastest plain Python) "
            "and *Mesa agents* (the same methods on a `mesa.Agent`, registered with a `mesa.Model` and activated "
            "with `model.agents.do`, as a Mesa user writes it). Each year the model calls every agent's `earn`, "
            "ranks incomes and wealth with `sorted()` and running sums of weights, then calls every agent's "
            "`settle`; no numpy inside the loop, agents in record order (no random activation, which would only "
            "add a shuffle). It uses the engine's formulas operation for operation, so its per-record results "
            "are the engine's to the last bit. The headline ratio is against the fastest variant.",
            "* **The struct of arrays** runs compiled loops (Numba) over the records for incomes, net worth and "
            "saving, and finds the percentile bands of the tax and saving schedules by radix selection "
            "(`commonwealth/ranking.py`: a histogram of the values' top bits, then narrowing) instead of "
            "sorting every record; the bands equal those of a full stable sort.",
            "* **Order.** All struct-of-arrays repeats run first, then each per-agent variant's repeats in a row "
            "(not interleaved): building and freeing 100,000 objects leaves the process's heap fragmented, and "
            "arrays allocated after it fault in fresh pages (measured: about 2,000 page faults and 3 ms more "
            "per year). Each figure is the best of its repeats, so slow drift in the machine's speed would show "
            "as a spread between repeats (listed above).",
            "* Years after the first in the comparison reuse the engine's prices for those years but not its ageing, "
            "displacement or deaths, identically in both versions; the comparison is about the household "
            "step's cost, not a second simulation.",
            "* numpy runs single-threaded here except for `np.dot`, which may use BLAS threads "
            "(see *BLAS threads env* above). The run waits for the machine to be idle before each "
            "measurement (`--wait-idle`), but cannot stop other work starting meanwhile: *other cores* and "
            "*CPU / wall* show whether it did, and the notes below flag any measurement it disturbed. A "
            "disturbed measurement is slower than it should be; contention for memory bandwidth hurts the "
            "array code more than the per-agent loop, so it lowers the vectorised/per-agent ratio.",
            "",
        ]
        if self.notes:
            lines += ["## Notes from this run", "", *[f"* {n}" for n in self.notes], ""]
        return "\n".join(lines)


def _md_table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    rule = "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"
    out = ["| " + " | ".join(header) + " |", rule]
    out += ["| " + " | ".join(row[:len(header)]) + " |" for row in rows]
    return "\n".join(out)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000,10000000",
                        help="comma-separated numbers of records (default: %(default)s)")
    parser.add_argument("--years", type=int, default=30, help="simulated years after the base year (default: 30)")
    parser.add_argument("--large-years", type=int, default=None,
                        help="years for sizes of 10M records or more, if the full horizon is too slow "
                             "(default: --years)")
    parser.add_argument("--agents", type=int, default=100_000, help="records of the per-agent comparison")
    parser.add_argument("--agent-years", type=int, default=3, help="years of the per-agent comparison")
    parser.add_argument("--repeats", type=int, default=5, help="repeats of the per-agent comparison (best of)")
    parser.add_argument("--profile-size", type=int, default=1_000_000, help="records of the profiled year (0: skip)")
    parser.add_argument("--wait-idle", type=float, default=300.0,
                        help="before each measurement, wait up to this many seconds for other processes to leave "
                             "the CPU idle (default: %(default)s)")
    parser.add_argument("--retries", type=int, default=2,
                        help="measure again when other processes disturbed a measurement, at most this many times "
                             "(default: %(default)s)")
    parser.add_argument("--out", type=Path, default=Path("docs/performance.md"),
                        help="write the Markdown report here (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 160)
    changed = len(_git("status", "--porcelain", "--", "src").splitlines())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up below when terminated
    snapshot, digest = snapshot_source()
    source = (f"commit {_git('rev-parse', '--short', 'HEAD')}"
              + (f" + uncommitted changes to {changed} paths under src/" if changed else "")
              + f"; snapshot of src/commonwealth sha256 {digest}")
    console.print(f"code: {source}")
    try:
        return run(args, console, source, snapshot, argv)
    finally:
        shutil.rmtree(snapshot, ignore_errors=True)


def measure(label: str, args: argparse.Namespace, console: Console, function: Callable[..., dict[str, Any]],
            *arguments: Any) -> dict[str, Any]:
    """Run one measurement in a child once the machine is idle; if other processes disturbed it, run it
    again (``--retries`` times at most) and keep the least disturbed result."""
    best: dict[str, Any] | None = None
    for attempt in range(1 + args.retries):
        wait_for_idle(args.wait_idle, console)
        result = in_child(function, *arguments)
        result["attempts"] = attempt + 1
        if result.get("status") != "ok":
            return result
        if best is None or result["other_cores"] < best["other_cores"]:
            best = result
        if result["other_cores"] <= BUSY_CORES:
            break
        console.print(f"  [yellow]{label}: other processes used {result['other_cores']:.2f} cores meanwhile"
                      + (", measuring again" if attempt < args.retries else ""))
    assert best is not None
    best["attempts"] = result["attempts"]
    return best


def run(args: argparse.Namespace, console: Console, source: str, snapshot: Path, argv: list[str] | None) -> int:
    """Measure everything (each part in a child), print the tables and write the report."""
    started = time.perf_counter()
    load_at_start = os.getloadavg()
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    command = " ".join(shlex.quote(a) for a in [".venv/bin/python", "benchmarks/bench_engine.py",
                                                *(sys.argv[1:] if argv is None else argv)])
    notes: list[str] = []
    if os.cpu_count() and os.cpu_count() != len(os.sched_getaffinity(0)):
        notes.append(f"this process may use {len(os.sched_getaffinity(0))} of {os.cpu_count()} cores")

    # Engine sizes, smallest first: each measured size predicts the memory of the next.
    engine: list[dict[str, Any]] = []
    bytes_per_record = DEFAULT_BYTES_PER_RECORD
    for size in sizes:
        years = args.large_years if args.large_years is not None and size >= 10_000_000 else args.years
        if years != args.years:
            notes.append(f"{_size_label(size)} records ran {years} years instead of {args.years} (--large-years).")
        available = available_memory_bytes()
        needed = 200e6 + bytes_per_record * size * 1.25
        if needed > MEMORY_BUDGET * available:
            message = (f"skipped: expected to need {_gib(needed)}, more than {MEMORY_BUDGET:.0%} of the "
                       f"{_gib(available)} available")
            notes.append(f"{_size_label(size)} records {message}.")
            engine.append({"size": size, "years": years, "status": message})
            console.print(f"[red]{_size_label(size)}: {message}")
            continue
        console.print(f"engine: {size:,} records × {years + 1} years …")
        result = measure(f"engine at {_size_label(size)}", args, console, engine_run, size, years,
                         int(0.9 * available))
        result.setdefault("size", size)
        result.setdefault("years", years)
        engine.append(result)
        if result["status"] == "ok":
            bytes_per_record = max((result["peak_rss"] - result["baseline_rss"]) / size, 1.0)
            console.print(f"  build {result['build_s']:.1f} s, simulate {result['simulate_s']:.1f} s, "
                          f"{_si(result['throughput'])} household-years/s, peak {_gib(result['peak_rss'])}")
        else:
            console.print(f"[red]  {result['status']}")

    console.print(f"per-agent comparison: {args.agents:,} agents × {args.agent_years} years × {args.repeats} …")
    agents = measure("per-agent comparison", args, console, agent_comparison, args.agents, args.agent_years,
                     args.repeats, int(0.9 * available_memory_bytes()))
    if "comparisons" in agents:
        worst = max(c["worst_relative_gap"] for variant in agents["comparisons"].values() for c in variant)
        if worst > CHECK_RTOL:
            notes.append(f"CHECK FAILED: per-agent and vectorised totals differ by {worst:.1e} (> {CHECK_RTOL:g}); "
                         "the speed comparison is not like for like.")

    profile: dict[str, Any] = {"status": "skipped (--profile-size 0)"}
    if args.profile_size:
        console.print(f"profile: one year at {args.profile_size:,} records …")
        profile = measure("profile", args, console, profile_year, args.profile_size,
                          int(0.9 * available_memory_bytes()))

    for label, result in [*((f"engine at {_size_label(r['size'])}", r) for r in engine),
                          ("per-agent comparison", agents), ("profile", profile)]:
        others = result.get("other_cores", 0.0)
        if others > BUSY_CORES:
            notes.append(f"Other processes kept {others:.2f} cores busy on average during the {label} (least "
                         f"disturbed of {result.get('attempts', 1)} attempts); with {os.cpu_count()} cores its wall "
                         "times may be inflated (see CPU / wall).")
    outside = {r["source"] for r in [*engine, agents, profile] if "source" in r} - {str(snapshot / "commonwealth")}
    if outside:
        notes.append(f"some children imported commonwealth from {sorted(outside)}, not from the snapshot")
    report = Report(command, machine(load_at_start, source), engine, agents, profile, notes)
    report.total_s = time.perf_counter() - started
    report.print(console)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report.markdown(), encoding="utf-8")
        console.print(f"wrote {args.out}")
    failed = any(r.get("status") != "ok" for r in engine) or "speedup" not in agents
    return 1 if failed or any(n.startswith("CHECK FAILED") for n in notes) else 0


if __name__ == "__main__":
    sys.exit(main())
