"""The dashboard's interactive reforms: a state (a reform, its key settings, an AI path, politics) becomes a
baseline and a reform scenario, simulated at the interactive size against a cached baseline
(:class:`commonwealth.Explorer`), and answered as small tables and plotly figures.

Figures are plain dictionaries (plotly's JSON: ``data`` and ``layout``), one panel each, so that the page
lays them out in one column on a phone and two on a screen, and drawing them costs nothing here.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import yaml

from commonwealth.errors import UserError
from commonwealth.metrics import METRICS
from commonwealth.parameters import ParameterSet, suggest
from commonwealth.report._format import legend_name, metric_label
from commonwealth.report.charts import BAND_COLORS, BASELINE_COLOR, FONT_STACK, scenario_colors
from commonwealth.report.html import WHO_DECIDES_METRICS
from commonwealth.scenario import BOUNDED_PRESETS, Scenario, builtin_names, load_scenario, scenario_from_mapping
from commonwealth.server.schemas import (
    DashboardOptions,
    ExploreRequest,
    Knob,
    PresetInfo,
    ReformInfo,
    Reproduce,
    SummaryRow,
)
from commonwealth.technology import PRESETS

BASELINE = "status-quo"

#: The settings of each policy the dashboard puts on a slider (every other setting is a scenario file's:
#: docs/policies.md); each is a parameter ``policy.<type>.<key>`` or a bounded field of the policy.
KNOBS: dict[str, tuple[str, ...]] = {
    "american_equity_fund": ("company_rate", "land_rate"),
    "ubi": ("amount",),
    "land_value_tax": ("rate",),
    "wealth_tax": ("avoidance_semi_elasticity",),
    "public_prize": ("amount",),
    "sovereign_fund": ("pomv_rate",),
    "capped_profit_lab": ("multiple",),
}
#: A slider reaches this multiple of the shipped value (or the parameter's maximum, if lower).
SLIDER_REACH = 4.0
SLIDER_STEPS = 100

#: What the summary table and the charts show (levels of baseline and reform, and the difference).
SUMMARY_METRICS = ("median_disposable_income_real", "median_income_real", "gdp", "public_debt_ratio",
                   "wealth_share_top1", "wealth_share_bottom50", "dividend_per_adult_real", "billionaires")
CHARTS = (("income", "median_disposable_income_real"), ("top1", "wealth_share_top1"), ("gdp", "gdp"),
          ("debt", "public_debt_ratio"), ("influence", "influence_share_top1"),
          ("power", "power_concentration"))
#: Draws of the sweep the dashboard offers: a quick range (17 paired points, about 25 s at 20,000 records on
#: the one job thread here: bench_sweep.py measured 1.47 points/s on two processes); a band to quote wants
#: `commonwealth sweep --draws 64` or more.
SWEEP_DRAWS = 16


@functools.lru_cache(maxsize=64)
def builtin(name: str) -> Scenario:
    """A built-in scenario, loaded once (a Scenario is immutable)."""
    return load_scenario(name)


@functools.cache
def reform_names() -> tuple[str, ...]:
    """Built-in scenarios that are reforms of the status quo the dashboard can vary: policies in force, one
    political draw, the status quo's AI path."""
    base = builtin(BASELINE)
    out = []
    for name in builtin_names():
        s = builtin(name)
        if s.policies and s.politics.draws == 1 and s.ai == base.ai and s.policies[0].type in KNOBS:
            out.append(name)
    return tuple(out)


def _nice_step(span: float) -> float:
    raw = span / SLIDER_STEPS
    if raw <= 0:
        return 1.0
    magnitude = 10 ** int(f"{raw:e}".split("e")[1])
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def _knob(policy: Any, key: str, params: ParameterSet, year: int) -> Knob:
    kind = policy.type
    current = getattr(policy, key)
    name = f"policy.{kind}.{key}"
    if name in params:
        p = params[name]
        value = float(current if current is not None else params(name, year))
        lo = p.spec.min if p.spec.min is not None else 0.0
        hi = p.spec.max if p.spec.max is not None else float("inf")
        label, unit, source, integer = p.spec.label, p.spec.unit, p.source, p.integer
    else:  # a bounded field of the policy itself (the land value tax's rate)
        field = type(policy).model_fields[key]
        bounds = {type(m).__name__: m for m in field.metadata}
        lo = float(getattr(bounds.get("Ge"), "ge", 0.0))
        hi = float(getattr(bounds.get("Le"), "le", float("inf")))
        value = float(current)
        label, unit, source, integer = field.description or key, "1/year", "docs/policies.md", False
    top = min(hi, SLIDER_REACH * value) if value > 0 else (hi if hi < float("inf") else 1.0)
    step = 1.0 if integer else _nice_step(top - lo)
    return Knob(key=key, label=label, unit=unit, min=lo, max=top, step=step, value=value, integer=integer,
                source=source)


@functools.lru_cache(maxsize=8)
def options(settings: Any) -> DashboardOptions:
    """What the dashboard offers: reforms and their sliders, AI paths, politics (computed once per server)."""
    params = ParameterSet()
    base = load_scenario(BASELINE)
    reforms = []
    for name in reform_names():
        s = load_scenario(name)
        policy = s.policies[0]
        knobs = [_knob(policy, key, params, s.start_year) for key in KNOBS[policy.type]]
        reforms.append(ReformInfo(name=name, title=legend_name(name), description=" ".join(s.description.split()),
                                  policy=policy.type, knobs=knobs))
    presets = [PresetInfo(name=n, description=p.description, agi_years=n in BOUNDED_PRESETS)
               for n, p in PRESETS.items() if n != "custom"]
    plutocracy = params["politics.plutocracy"]
    politics = [Knob(key="plutocracy", label=plutocracy.spec.label, unit=plutocracy.spec.unit, min=0.0, max=1.0,
                     step=0.01, value=float(params("politics.plutocracy")), source=plutocracy.source)]
    agi = Knob(key="agi_years", label="Years to full automation", unit="year", min=1.0, max=60.0, step=1.0,
               value=20.0, integer=True, source="Korinek & Suh (2024), bounded distribution")
    years = settings.interactive_years or base.years
    default = ExploreRequest().model_dump(exclude_none=True)
    return DashboardOptions(reforms=reforms, presets=presets, politics=politics, agi_years=agi,
                            size=settings.interactive_size, years=years, default=default)


# --- from a state to scenarios ----------------------------------------------------------------------------


def content(s: Scenario) -> dict[str, Any]:
    """A resolved scenario as the mapping a scenario file states (no ``extends``; unset settings left out)."""
    raw: dict[str, Any] = s.model_dump(mode="json", exclude={"sources", "digest", "warnings"}, exclude_none=True)
    raw["policies"] = [p.model_dump(mode="json", exclude_none=True) for p in s.policies]
    return {k: v for k, v in raw.items() if v not in ({}, [])}


def scenarios_for(state: ExploreRequest, settings: Any) -> tuple[Scenario, Scenario]:
    """The baseline and the reform a dashboard state stands for (checked as a scenario file is)."""
    reforms = reform_names()
    if state.reform not in reforms:
        close = suggest(state.reform, reforms)
        raise UserError(f"key 'reform' has value {state.reform!r}; allowed: {', '.join(reforms)}."
                        + (f" Did you mean {close!r}?" if close else ""))
    if state.agi_years is not None and state.ai_preset not in BOUNDED_PRESETS:
        raise UserError(f"key 'agi_years' applies to AI presets {', '.join(BOUNDED_PRESETS)}, not "
                        f"{state.ai_preset!r}.")
    reform = builtin(state.reform)
    policy = reform.policies[0]
    allowed = KNOBS[policy.type]
    for key in state.policy:
        if key not in allowed:
            close = suggest(key, allowed)
            raise UserError(f"unknown key 'policy.{key}' for reform {state.reform!r}; allowed keys here: "
                            f"{', '.join(allowed) or 'none'}." + (f" Did you mean {close!r}?" if close else ""))
    ai = {"preset": state.ai_preset} | ({"agi_years": state.agi_years} if state.agi_years is not None else {})
    politics = {"mode": state.politics_mode} | (
        {"plutocracy": state.plutocracy} if state.plutocracy is not None else {})
    out = []
    for s, where in ((builtin(BASELINE), "baseline"), (reform, "reform")):
        raw = content(s)
        raw["ai"] = dict(ai)
        raw["politics"] = {**raw.get("politics", {}), **politics}
        raw["population"] = {"size": settings.interactive_size}
        if settings.interactive_years is not None:
            raw["years"] = settings.interactive_years
        if where == "reform" and state.policy:
            first = dict(raw["policies"][0])
            params = ParameterSet()
            first.update({k: int(v) if _integer(policy.type, k, params) else float(v) for k, v in state.policy.items()})
            raw["policies"] = [first, *raw["policies"][1:]]
            raw["description"] = (f"{raw['description']} Dashboard settings: "
                                  + ", ".join(f"{k} = {v:g}" for k, v in state.policy.items()) + ".")
        out.append(scenario_from_mapping(raw, source=f"dashboard {where}"))
    return out[0], out[1]


def _integer(kind: str, key: str, params: ParameterSet) -> bool:
    """Whether a knob takes whole numbers (its parameter's kind)."""
    name = f"policy.{kind}.{key}"
    return name in params and params[name].integer


# --- the interactive runs ---------------------------------------------------------------------------------


@dataclass
class Explored:
    key: str
    metrics: pd.DataFrame
    response: dict[str, Any]


class Dashboard:
    """Baselines simulated once and kept (one per AI path and politics), results kept for download."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self._explorers: OrderedDict[str, Any] = OrderedDict()
        self._results: OrderedDict[str, Explored] = OrderedDict()
        self._simulating = threading.Lock()  # one interactive simulation at a time (app: the explore worker)
        self._kept = threading.Lock()  # the results kept: read while a simulation runs

    def _key(self, state: ExploreRequest) -> tuple[str, Scenario, Scenario]:
        baseline, reform = scenarios_for(state, self.settings)
        key = hashlib.sha256(f"{baseline.digest}:{reform.digest}:{state.bands}".encode()).hexdigest()[:24]
        return key, baseline, reform

    def cached(self, state: ExploreRequest) -> dict[str, Any] | None:
        """The kept answer to ``state``, if it was asked before (no simulation, no waiting for one)."""
        return self._kept_answer(self._key(state)[0])

    def _kept_answer(self, key: str) -> dict[str, Any] | None:
        with self._kept:
            hit = self._results.get(key)
            if hit is not None:
                self._results.move_to_end(key)
        return None if hit is None else hit.response

    def explore(self, state: ExploreRequest,
                bands: Callable[[str, Scenario, Scenario], dict[str, pd.DataFrame]] | None = None,
                tick: Callable[[int], None] | None = None) -> dict[str, Any]:
        """The answer to a dashboard state (the kept one if the same state was asked before)."""
        from commonwealth.api import Explorer
        from commonwealth.comparison import compare

        started = time.perf_counter()
        key, baseline, reform = self._key(state)
        sweep = bands(state.bands, baseline, reform) if (bands and state.bands) else None
        with self._simulating:
            hit = self._kept_answer(key)  # answered while this request waited for the worker
            if hit is not None:
                return hit
            explorer = self._explorers.get(baseline.digest)
            if explorer is None:
                explorer = Explorer(baseline, size=None, progress=tick)
                self._explorers[baseline.digest] = explorer
                while len(self._explorers) > self.settings.keep_baselines:
                    self._explorers.popitem(last=False)
            self._explorers.move_to_end(baseline.digest)
            result = explorer.run(reform, progress=tick)
            comparison = compare([explorer.baseline_result, result], baseline.name, explorer.snapshot_years)
        metrics = pd.concat([explorer.baseline_result.metrics, result.metrics], ignore_index=True)
        response = respond(key, state, baseline, reform, metrics, comparison, sweep, time.perf_counter() - started)
        with self._kept:
            self._results[key] = Explored(key, metrics, response)
            while len(self._results) > self.settings.keep_results:
                self._results.popitem(last=False)
        return response

    def result(self, key: str) -> Explored | None:
        with self._kept:
            return self._results.get(key)


# --- the answer -------------------------------------------------------------------------------------------


def _finite(x: Any) -> float | None:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if value == value and abs(value) != float("inf") else None


def _rows(differences: pd.DataFrame, reform: str, year: int, metrics: tuple[str, ...],
          effect_bands: pd.DataFrame | None) -> list[SummaryRow]:
    d = differences[(differences.scenario == reform) & (differences.year == year)].set_index("metric")
    rows = []
    for metric in metrics:
        if metric not in d.index:
            continue
        r = d.loc[metric]
        band = None
        if effect_bands is not None:
            hit = effect_bands[(effect_bands.scenario == reform) & (effect_bands.metric == metric)
                               & (effect_bands.year == year)]
            if len(hit):
                band = [float(hit.q10.iloc[0]), float(hit.q90.iloc[0])]
        rows.append(SummaryRow(metric=metric, label=metric_label(metric), unit=str(r.unit),
                               baseline=_finite(r.baseline), reform=_finite(r.value),
                               difference=_finite(r.difference), relative=_finite(r.relative), band=band))
    return rows


def _axis_format(unit: str) -> dict[str, Any]:
    if unit == "/1":
        return {"tickformat": ".0%", "hoverformat": ".1%"}
    if unit.startswith("USD"):
        return {"tickprefix": "$", "tickformat": "~s", "hoverformat": ",.0f"}
    return {"tickformat": "~s", "hoverformat": ",.3~g"}


def _line(metrics: pd.DataFrame, scenario: str, metric: str, name: str, color: str, unit: str, *,
          baseline: bool) -> dict[str, Any]:
    """One scenario's path: the baseline dashed and thinner, as in the report's charts."""
    m = metrics[(metrics.scenario == scenario) & (metrics.metric == metric)].sort_values("year")
    return {"type": "scatter", "mode": "lines", "name": name, "x": m.year.astype(int).tolist(),
            "y": [_finite(v) for v in m.value],
            "line": {"color": color, "width": 2 if baseline else 2.5, "dash": "dash" if baseline else "solid"},
            "hovertemplate": f"%{{x}}: %{{y}} ({unit})<extra>{name}</extra>"}


def _band(bands: pd.DataFrame, scenario: str, metric: str, name: str, color: str) -> list[dict[str, Any]]:
    b = bands[(bands.scenario == scenario) & (bands.metric == metric)].sort_values("year")
    if b.empty:
        return []
    x = b.year.astype(int).tolist()
    fill = color + "33"
    return [{"type": "scatter", "mode": "lines", "x": x, "y": b.q10.tolist(), "line": {"width": 0},
             "hoverinfo": "skip", "showlegend": False, "name": f"{name} 10 %"},
            {"type": "scatter", "mode": "lines", "x": x, "y": b.q90.tolist(), "line": {"width": 0},
             "fill": "tonexty", "fillcolor": fill, "name": f"{name}: 10–90 % of draws", "hoverinfo": "skip"}]


def _layout(title: str, unit: str) -> dict[str, Any]:
    return {"title": {"text": title, "font": {"size": 15}, "x": 0.02, "xanchor": "left"},
            "font": {"family": FONT_STACK, "size": 13}, "height": 300, "margin": {"l": 56, "r": 12, "t": 44, "b": 40},
            "legend": {"orientation": "h", "y": -0.18, "x": 0}, "hovermode": "x unified",
            "xaxis": {"showgrid": False}, "yaxis": {"gridcolor": "#e5e5e5", "zeroline": False,
                                                     **_axis_format(unit)},
            "paper_bgcolor": "white", "plot_bgcolor": "white"}


def figures(metrics: pd.DataFrame, comparison: Any, baseline: str, reform: str, reform_title: str,
            bands: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    """One small figure per panel: levels of baseline and reform over time (with bands after a sweep), and
    the change in net income by baseline income decile."""
    out: dict[str, dict[str, Any]] = {}
    color = scenario_colors([baseline, reform], baseline)[reform]
    for chart_id, metric in CHARTS:
        if not (metrics.metric == metric).any():
            continue
        unit = METRICS[metric].unit
        data = []
        if bands is not None:
            data += _band(bands, baseline, metric, "Status quo", BASELINE_COLOR)
            data += _band(bands, reform, metric, reform_title, color)
        data += [_line(metrics, baseline, metric, "Status quo", BASELINE_COLOR, unit, baseline=True),
                 _line(metrics, reform, metric, reform_title, color, unit, baseline=False)]
        out[chart_id] = {"data": data, "layout": _layout(metric_label(metric), unit)}
    d = comparison.deciles
    d = d[(d.scenario == reform) & (d.by == "income")]
    if len(d):
        year = int(d.year.max())
        d = d[d.year == year].sort_values("decile")
        change = d.relative_change.tolist()
        colors = [BAND_COLORS["gain more than 5%"] if c >= 0 else BAND_COLORS["lose more than 5%"] for c in change]
        layout = _layout(f"Change in net income by income decile, {year}", "/1")
        layout["xaxis"] = {"title": {"text": "decile of baseline income (1 = poorest tenth)"}, "dtick": 1}
        layout["hovermode"] = "closest"
        out["deciles"] = {"data": [{"type": "bar", "x": d.decile.astype(int).tolist(), "y": change,
                                    "marker": {"color": colors}, "name": "relative change",
                                    "hovertemplate": "decile %{x}: %{y:+.1%}<extra></extra>"}],
                          "layout": layout}
    return out


def reproduce(baseline: Scenario, reform: Scenario) -> Reproduce:
    """The same comparison from the command line and from Python, with the two scenario files."""
    year = reform.start_year + reform.years
    cli = (f"# save the two files below as baseline.yaml and reform.yaml, then\n"
           f"commonwealth compare baseline.yaml reform.yaml --baseline {baseline.name} --years {year}\n"
           f"commonwealth report baseline.yaml reform.yaml --baseline {baseline.name} --out out")
    python = ("from commonwealth import Explorer\n\n"
              f"explorer = Explorer(\"baseline.yaml\", size={baseline.population.size})\n"
              "comparison = explorer.compare(\"reform.yaml\")\n"
              f"print(comparison.at({year}, [\"median_disposable_income_real\", \"gdp\", \"wealth_share_top1\"]))")
    dump = lambda s: yaml.safe_dump(content(s), sort_keys=False, allow_unicode=True, width=100)  # noqa: E731
    return Reproduce(cli=cli, python=python, baseline_yaml=dump(baseline), reform_yaml=dump(reform))


def respond(key: str, state: ExploreRequest, baseline: Scenario, reform: Scenario, metrics: pd.DataFrame,
            comparison: Any, sweep: dict[str, pd.DataFrame] | None, seconds: float) -> dict[str, Any]:
    """The JSON answer (schemas.ExploreResult); ``sweep``: a finished sweep job's tables, for bands."""
    year = int(comparison.years[-1])
    effect_bands = sweep["effect_bands"] if sweep is not None else None
    bands = sweep["bands"] if sweep is not None else None
    title = legend_name(state.reform)
    sweep_body = {"kind": "sweep", "scenarios": [content(baseline), content(reform)], "baseline": baseline.name,
                  "sweep": {"draws": SWEEP_DRAWS}}
    return {
        "key": key, "state": state.model_dump(exclude_none=True), "baseline": baseline.name, "reform": reform.name,
        "size": baseline.population.size, "year": year,
        "summary": [r.model_dump() for r in _rows(comparison.differences, reform.name, year, SUMMARY_METRICS,
                                                  effect_bands)],
        "who_decides": [r.model_dump() for r in _rows(comparison.differences, reform.name, year,
                                                      WHO_DECIDES_METRICS, effect_bands)],
        "figures": figures(metrics, comparison, baseline.name, reform.name, title, bands),
        "reproduce": reproduce(baseline, reform).model_dump(), "sweep": sweep_body,
        "seconds": round(seconds, 3), "warnings": list(dict.fromkeys([*baseline.warnings, *reform.warnings])),
    }

