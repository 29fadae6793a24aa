"""Technology: the automation share Φ_t of tasks (Korinek & Suh 2024, section 3).

Tasks differ by computational complexity i; Φ(i) is the share of tasks with complexity ≤ i and the
automation index I_t = I_0 e^{g t} is the most complex task machines can perform at time t, so the
automation share is Φ_t = Φ(I_t). Two families of complexity distributions, as in the paper:

* Pareto tail, 1 − Φ(i) = i^{−λ}: then 1 − Φ_t = (1 − Φ_0) e^{−λ g t}; only the product λg (the
  "automation rate", per year) matters.
* Bounded, Φ(i) = 1 − (1 − ln i / ln I_max)^β on [1, I_max]: with x_t = ln I_t / ln I_max growing
  linearly until it reaches 1 after T years, 1 − Φ_t = (1 − x_t)^β and every task is automated at T.

Source: A. Korinek and D. Suh, "Scenarios for the Transition to AGI", NBER WP 32255 (2024),
equations for Φ(·), Table 2 and the scenarios of section 4.

Two presets derive Φ from compute instead (:mod:`commonwealth.compute`, :mod:`commonwealth.diffusion`):
``gate`` grows the effective compute of the largest training run with spending, hardware and software
as Epoch's GATE does and maps it to the tasks AI can do by GATE's eq. 13; ``compute-10x`` takes Sam
Altman's "10X per year in terms of these model sizes" literally as effective compute ×10 a year, with
every task possible ``technology.compute_gap_orders`` orders of magnitude above today's run ("10 to the
10th 10 years from now — the base model is plenty good at everything"; The Ezra Klein Show, 2021). In
both, what can be done is automated only where an AI hour costs less than a worker's, and deployment
follows with lags (``ai.diffusion``, on by default for these presets; off by default for Korinek &
Suh's, whose Φ is the paper's).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from commonwealth.compute import (
    ComputeParameters,
    ComputePath,
    ai_cost_per_hour,
    compute_path,
    occupation_task_quantiles,
)
from commonwealth.diffusion import DiffusionParameters, deployed
from commonwealth.new_work import NewWorkParameters, new_work


@dataclass(frozen=True)
class AIPreset:
    """An AI preset of the registry :data:`PRESETS`: what it means and what it needs."""

    description: str  # in the paper's words or the seed's
    kind: str  # the AutomationPath it builds: "pareto" | "bounded" | "frozen" | "custom" | "compute"
    settings: tuple[str, ...] = ()  # the scenario's ai.* settings that apply to it
    years_to_full: float | None = None  # default years to full automation of a bounded preset


_BOUNDED = ("agi_years", "beta")
#: The AI presets, in display order: the one list the scenario schema, the CLI and the docs derive from.
PRESETS: dict[str, AIPreset] = {
    "business-as-usual": AIPreset(
        "Pareto tail, automation rate λg = technology.pareto_automation_rate "
        "(Korinek & Suh 2024, 'business as usual')", "pareto", ("lambda_g",)),
    "acemoglu-2024": AIPreset(
        "Pareto tail with the automation rate λg that gives, at base-year capital and labour, Acemoglu's "
        "(2024) ten-year TFP gain (acemoglu.*: 0.66 %)", "pareto"),
    "agi-20": AIPreset(
        "bounded distribution, full automation after 20 years (Korinek & Suh 2024, 'baseline AGI')",
        "bounded", _BOUNDED, years_to_full=20.0),
    "agi-5": AIPreset(
        "bounded distribution, full automation after 5 years (Korinek & Suh 2024, 'aggressive AGI')",
        "bounded", _BOUNDED, years_to_full=5.0),
    "stall": AIPreset("AI hits a wall: Φ frozen at its base value", "frozen"),
    "gate": AIPreset(
        "effective compute of the largest training run grows with spending, hardware and software "
        "(Epoch's GATE, compute.*); capability by GATE's eq. 13, automation where an AI hour costs less "
        "than a worker's, deployment with lags (diffusion.*)", "compute"),
    "compute-10x": AIPreset(
        "effective compute ×10 a year (seed conversation, technology.compute_growth_factor), every task "
        "possible technology.compute_gap_orders orders of magnitude above today's run; costs and lags as "
        "gate", "compute", ("compute_growth_factor", "compute_gap_orders")),
    "custom": AIPreset(
        "a user path of automation shares by year (ai.path), linear between the given years",
        "custom", ("path",)),
}
#: The presets on the bounded complexity distribution (ai.agi_years and ai.beta apply to them).
BOUNDED_PRESETS: tuple[str, ...] = tuple(name for name, p in PRESETS.items() if p.kind == "bounded")
#: The presets whose Φ comes from the compute block (deployment lags on by default).
COMPUTE_PRESETS: tuple[str, ...] = tuple(name for name, p in PRESETS.items() if p.kind == "compute")


@dataclass(frozen=True)
class AutomationPath:
    """Φ(t) for t in years since the base year (t may be fractional or an array): the share of tasks
    machines perform (deployed). Kind "table" holds yearly values (compute presets, or any preset with
    deployment lags) with what was possible and, for compute presets, the compute block's paths."""

    kind: str  # "pareto" | "bounded" | "frozen" | "custom" | "table"
    phi0: float
    automation_rate: float = 0.0  # λg, per year (pareto)
    years_to_full: float = math.inf  # T (bounded)
    beta: float = 1.0  # β (bounded)
    path_years: tuple[float, ...] = ()
    path_values: tuple[float, ...] = ()
    possible_values: tuple[float, ...] = ()  # "table": what AI could do, by year
    compute: ComputePath | None = None  # "table" from a compute preset
    augmentation_values: tuple[float, ...] = ()  # "table" with new work: h(t), by year
    new_task_values: tuple[float, ...] = ()  # "table" with new work: new tasks since the base year, by year
    frontier_values: tuple[float, ...] = ()  # "table": deployed frontier on the base year's task index, by year

    def share(self, t: float | np.ndarray) -> np.ndarray:
        """Automation share Φ_t ∈ [0, 1] at time ``t`` (years since the base year)."""
        t = np.maximum(np.asarray(t, dtype=float), 0.0)
        if self.kind == "frozen":
            return np.full_like(t, self.phi0)
        if self.kind == "pareto":
            return 1.0 - (1.0 - self.phi0) * np.exp(-self.automation_rate * t)
        if self.kind == "bounded":
            x0 = 1.0 - (1.0 - self.phi0) ** (1.0 / self.beta)
            x = np.minimum(x0 + (1.0 - x0) * t / self.years_to_full, 1.0)
            return 1.0 - (1.0 - x) ** self.beta
        if self.kind in ("custom", "table"):
            return np.interp(t, self.path_years, self.path_values)
        raise ValueError(f"unknown automation path kind {self.kind!r}")

    def possible(self, t: float | np.ndarray) -> np.ndarray:
        """The share of tasks machines could perform at ``t`` (before deployment lags; = Φ_t without them)."""
        if self.kind == "table":
            return np.interp(np.maximum(np.asarray(t, dtype=float), 0.0), self.path_years, self.possible_values)
        return self.share(t)

    def labour_augmentation(self, t: float | np.ndarray) -> np.ndarray:
        """h(t): how much more productive AI-assisted human work makes a unit of labour (1 without new
        work; commonwealth.new_work)."""
        t = np.maximum(np.asarray(t, dtype=float), 0.0)
        if not self.augmentation_values:
            return np.ones_like(t)
        return np.interp(t, self.path_years, self.augmentation_values)

    def new_task_share(self, t: float | np.ndarray) -> np.ndarray:
        """Share of all tasks created after the base year (0 without new work)."""
        t = np.maximum(np.asarray(t, dtype=float), 0.0)
        if not self.new_task_values:
            return np.zeros_like(t)
        created = np.interp(t, self.path_years, self.new_task_values)
        return created / (1.0 + created)

    def full_automation_time(self) -> float:
        """Years until Φ = 1 (inf if never)."""
        if self.kind == "bounded":
            return self.years_to_full
        if self.kind in ("custom", "table") and self.path_values and self.path_values[-1] >= 1.0:
            return float(self.path_years[self.path_values.index(1.0)])
        return math.inf


def automation_path(
    preset: str,
    *,
    phi0: float,
    automation_rate: float,
    beta: float = 1.0,
    agi_years: float | None = None,
    compute_growth_factor: float = 10.0,
    compute_gap_orders: float = 10.0,
    path: Mapping[float, float] | None = None,
    compute: ComputeParameters | None = None,
    diffusion: DiffusionParameters | None = None,
    new_work: NewWorkParameters | None = None,
    gdp0: float = 0.0,
    years: int = 0,
) -> AutomationPath:
    """Build the automation path of an AI preset.

    ``automation_rate`` is λg (1/year) for the Pareto preset; ``agi_years`` overrides the years to
    full automation of the bounded presets; ``path`` maps years since the base year to Φ for
    ``custom`` (values before the first given year are interpolated from Φ_0 at t = 0). The compute
    presets need ``compute`` (and ``gdp0``, base-year GDP in USD, for the spending cap); ``diffusion``
    adds deployment lags and ``new_work`` new tasks and hybrid work to any preset; these are tabulated
    over ``years`` years.
    """
    spec = PRESETS.get(preset)
    if spec is not None and spec.kind == "compute":
        if compute is None:
            raise ValueError(f"preset {preset!r} needs the compute parameters")
        block = compute_path(compute, phi0=phi0, gdp0=gdp0, years=years,
                             effective_compute_growth=compute_growth_factor if preset == "compute-10x" else None,
                             gap_orders=compute_gap_orders if preset == "compute-10x" else None)
        return _tabulated(block.possible, block.adoptable, diffusion, new_work, block)
    base = _analytic_path(preset, phi0=phi0, automation_rate=automation_rate, beta=beta, agi_years=agi_years,
                          path=path)
    if diffusion is None and new_work is None:
        return base
    shares = base.share(np.arange(years + 1, dtype=float))
    return _tabulated(shares, shares, diffusion, new_work, None)


def _tabulated(possible: np.ndarray, adoptable: np.ndarray, diffusion: DiffusionParameters | None,
               new: NewWorkParameters | None, block: ComputePath | None) -> AutomationPath:
    """A yearly table: deployment lags on the adoptable share, then new work on what is deployed and
    possible."""
    values = adoptable if diffusion is None else deployed(adoptable, diffusion)
    frontier = tuple(map(float, values))
    augmentation: tuple[float, ...] = ()
    new_tasks: tuple[float, ...] = ()
    if new is not None:
        work = new_work(values, possible, new)
        values, possible = work.deployed, work.possible
        augmentation = tuple(map(float, work.labour_augmentation))
        new_tasks = tuple(map(float, work.new_tasks))
    t = tuple(float(k) for k in range(possible.size))
    return AutomationPath("table", float(possible[0]), path_years=t, path_values=tuple(map(float, values)),
                          possible_values=tuple(map(float, possible)), compute=block,
                          augmentation_values=augmentation, new_task_values=new_tasks, frontier_values=frontier)


def _analytic_path(preset: str, *, phi0: float, automation_rate: float, beta: float, agi_years: float | None,
                   path: Mapping[float, float] | None) -> AutomationPath:
    """The Korinek & Suh presets, ``stall`` and ``custom``: Φ(t) in closed form."""
    spec = PRESETS.get(preset)
    kind = spec.kind if spec is not None else None
    if kind == "pareto":
        return AutomationPath("pareto", phi0, automation_rate=automation_rate)
    if kind == "bounded":
        years = agi_years
        if years is None:
            years = spec.years_to_full
        return AutomationPath("bounded", phi0, years_to_full=years, beta=beta)
    if kind == "frozen":
        return AutomationPath("frozen", phi0)
    if kind == "custom":
        if not path:
            raise ValueError("the custom preset needs ai.path")
        items = sorted((float(k), float(v)) for k, v in path.items())
        if items[0][0] > 0:
            items.insert(0, (0.0, phi0))
        years, values = zip(*items, strict=True)
        return AutomationPath("custom", phi0, path_years=years, path_values=values)
    raise ValueError(f"unknown AI preset {preset!r}; allowed: {', '.join(PRESETS)}")


# --- Acemoglu (2024): Hulten's theorem -------------------------------------------------------


def acemoglu_inputs(params, year: int) -> AcemogluInputs:
    """Acemoglu's (2024) inputs from the parameters ``acemoglu.*``."""
    names = ("exposed_task_share", "profitable_share", "labour_cost_saving", "labour_share_exposed",
             "hard_task_gdp_share", "hard_task_cost_saving", "capital_share")
    return AcemogluInputs(**{n: float(params(f"acemoglu.{n}", year)) for n in names})


def rate_for_ten_year_gain(gain: float, phi0: float, output_at: Callable[[float], float], years: float = 10.0,
                           ) -> float:
    """The Pareto automation rate λg (1/year) at which moving Φ from Φ_0 to 1 − (1 − Φ_0)e^{−λg·years}
    raises output at fixed inputs by ``gain`` in log points: ln Y(Φ_years) − ln Y(Φ_0) = gain
    (``output_at(Φ)``: output at base-year capital, labour, land and TFP). The engine's counterpart of a
    Hulten TFP gain over ``years``."""
    base = math.log(output_at(phi0))

    def excess(rate: float) -> float:
        return math.log(output_at(1.0 - (1.0 - phi0) * math.exp(-rate * years))) - base - gain

    if gain <= 0:
        return 0.0
    high = 1.0
    if excess(high) < 0:
        raise ValueError(f"no automation rate gives a {gain:.4f} log-point gain in {years:g} years")
    return float(brentq(excess, 0.0, high, xtol=1e-14, rtol=1e-12))


def hulten_tfp_gain(gdp_share_affected: float, average_cost_saving: float) -> float:
    """Hulten's theorem: ΔTFP/TFP = (GDP share of affected tasks) × (average cost saving).

    Source: D. Acemoglu, "The Simple Macroeconomics of AI", NBER WP 32487 (2024), eq. (5).
    """
    return gdp_share_affected * average_cost_saving


def gdp_gain_constant_capital_output(tfp_gain: float, capital_share: float) -> float:
    """GDP gain when capital adjusts to keep K/Y constant: ΔY/Y = ΔTFP / (1 − capital share).

    Source: Acemoglu (2024), section 4 (multiplier 1/(1 − 0.43)).
    """
    return tfp_gain / (1.0 - capital_share)


@dataclass(frozen=True)
class AcemogluInputs:
    """Inputs of Acemoglu's (2024) ten-year estimate (all shares as fractions)."""

    exposed_task_share: float  # wage-bill-weighted share of tasks exposed (Eloundou et al.)
    profitable_share: float  # share of exposed tasks profitably automatable within 10 years
    labour_cost_saving: float  # average labour cost saving on automated tasks
    labour_share_exposed: float  # exposure-adjusted labour share of affected tasks
    hard_task_gdp_share: float  # GDP share of the affected tasks that are hard to learn
    hard_task_cost_saving: float  # average cost saving on those hard tasks
    capital_share: float  # private business capital share

    @property
    def gdp_share_affected(self) -> float:
        return self.exposed_task_share * self.profitable_share

    @property
    def average_cost_saving(self) -> float:
        return self.labour_cost_saving * self.labour_share_exposed


def acemoglu_estimate(inputs: AcemogluInputs) -> dict[str, float]:
    """Acemoglu's (2024) ten-year TFP and GDP gains, baseline and with hard tasks split out."""
    tfp = hulten_tfp_gain(inputs.gdp_share_affected, inputs.average_cost_saving)
    easy_share = inputs.gdp_share_affected - inputs.hard_task_gdp_share
    tfp_split = hulten_tfp_gain(easy_share, inputs.average_cost_saving) + hulten_tfp_gain(
        inputs.hard_task_gdp_share, inputs.hard_task_cost_saving
    )
    return {
        "tfp": tfp,
        "tfp_hard_easy": tfp_split,
        "gdp": gdp_gain_constant_capital_output(tfp, inputs.capital_share),
        "gdp_hard_easy": gdp_gain_constant_capital_output(tfp_split, inputs.capital_share),
    }


# --- metrics of the AI path ------------------------------------------------------------------------


def ai_metrics(path: AutomationPath, t: np.ndarray | float) -> dict[str, np.ndarray]:
    """What the AI path reports for year(s) ``t`` (commonwealth.metrics): the share of tasks AI could do
    and, for the compute presets, the share worth automating, the log10 effective compute of the largest
    run and the price of an AI hour on the median task and on the most complex task deployed (NaN for
    presets without a compute block)."""
    t = np.asarray(t, dtype=float)
    out = {"automation_possible": np.asarray(path.possible(t), dtype=float),
           "new_task_share": np.asarray(path.new_task_share(t), dtype=float),
           "hybrid_productivity": np.asarray(path.labour_augmentation(t), dtype=float)}
    block = path.compute
    names = ("automation_cost_effective", "effective_compute", "ai_cost_per_hour_median_task",
             "ai_cost_per_hour_frontier")
    if block is None:
        return out | {n: np.full(t.shape, np.nan) for n in names}
    k = np.clip(np.rint(t).astype(int), 0, block.possible.size - 1)
    # the deployed frontier on the base year's task index (before new tasks dilute the share of all tasks)
    deployed_share = np.interp(t, path.path_years, path.frontier_values) if path.frontier_values else \
        np.asarray(path.share(t), dtype=float)
    efficiency = block.log_hardware[k] + block.log_software[k]
    return out | {
        "automation_cost_effective": np.maximum(block.possible[0], block.cost_frontier[k]),
        "effective_compute": block.log_training_compute[k],
        "ai_cost_per_hour_median_task": ai_cost_per_hour(0.5, efficiency, block.params),
        "ai_cost_per_hour_frontier": ai_cost_per_hour(deployed_share, efficiency, block.params),
        **occupation_metrics(block, efficiency),
    }


def occupation_slug(name: str) -> str:
    """A metric suffix for an occupation group's name: lower case, words joined by underscores."""
    return "_".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())


def occupation_metrics(block: ComputePath, efficiency: np.ndarray) -> dict[str, np.ndarray]:
    """For each occupation group o (SOC major groups, OEWS 2021): the price of an hour of AI work on its
    tasks, c(i_o, t) (:func:`commonwealth.compute.occupation_task_quantiles`), and that price over the
    group's mean hourly wage (mean annual wage / 2,080 hours) — "a lawyer's $1,000 hour" against "a couple
    of cents of electricity"."""
    from commonwealth.sources import occupation_table

    table = occupation_table()
    quantiles = occupation_task_quantiles(table["ai_exposure"].to_numpy(float), table["employment"].to_numpy(float),
                                          float(block.possible[0]))
    wages = table["mean_wage"].to_numpy(float) / block.params.hours_per_year
    out = {}
    for name, task, wage in zip(table["name"], quantiles, wages, strict=True):
        cost = ai_cost_per_hour(task, efficiency, block.params)
        slug = occupation_slug(name)
        out[f"ai_cost_per_hour_by_occupation.{slug}"] = cost
        out[f"ai_cost_to_wage_by_occupation.{slug}"] = cost / wage
    return out
