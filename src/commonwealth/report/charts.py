"""The report's charts, in one house style, each drawn once with plotly.

Every chart function takes a :class:`ReportData` (the scenarios' tidy metrics and their
:class:`~commonwealth.comparison.Comparison`) and returns a :class:`Chart` holding one plotly figure, a title
naming its subject, a one-sentence finding computed from the data and a caption. A chart whose data are missing
(sector prices before the price block, decile charts without snapshots) comes back with ``note`` set and no
figure.

The report embeds the figures (plotly.js, inline); :func:`export_static` writes the same figures as PNG and SVG
files through Kaleido, which drives a local Chrome or Chromium (``BROWSER_PATH`` names one that is not on the
``PATH``). Nothing reaches the network: plotly.js comes from the installed plotly package.

With a sweep given to the report (``commonwealth report … --sweep DIR``), every chart over the years shades each
scenario's 10–90 % band over the sweep's draws.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from commonwealth.errors import UserError
from commonwealth.report import _format as fmt

# --- house style -------------------------------------------------------------------------------------------

#: The baseline is always drawn in this neutral grey.
BASELINE_COLOR = "#555555"
#: Built-in scenarios keep their colour in every report (Okabe & Ito's colour-blind-safe palette).
KNOWN_COLORS = {
    "american-equity-fund": "#0072B2",
    "ubi-income-tax": "#D55E00",
    "land-value-tax": "#009E73",
    "wealth-tax": "#CC79A7",
}
#: Colours handed out, in order, to other scenarios.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#44AA99", "#999933",
           "#332288")
#: PolicyEngine's winners-and-losers bands, green to red.
BAND_COLORS = {
    "gain more than 5%": "#1a7a3a",
    "gain less than 5%": "#9fd5a8",
    "no change": "#e3e3e3",
    "lose less than 5%": "#f4b09a",
    "lose more than 5%": "#b2182b",
}
#: Holders of companies and land, richest first; wealth groups in one hue, other owners apart.
HOLDER_COLORS = {
    "top 0.1%": "#3f007d",
    "next 9.9%": "#7b73b8",
    "bottom 90%": "#c6c4e0",
    "equity fund": "#e6ab02",
    "public": "#66a61e",
    "foreign": "#a6a6a6",
}
#: Sector price metrics (added by the price block); the chart is skipped while none is present.
PRICE_METRICS = ("cpi", "price_housing", "price_health", "price_education", "price_food", "price_other")

#: Sector names in findings.
PRICE_WORDS = {"cpi": "consumer prices", "price_housing": "housing", "price_health": "health care",
               "price_education": "education", "price_food": "food", "price_other": "everything else"}

FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif'
#: Height of one row of panels, pixels.
ROW_PX = 360
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
#: Opacity of a 10–90 % band under its scenario's line.
BAND_OPACITY = 0.18
#: Static files: the formats written, the width in CSS pixels (a page's text width at 96 dpi, 11.5 inches
#: for print) and the PNG's pixels per CSS pixel (sharp on high-density screens and in print).
STATIC_FORMATS = ("png", "svg")
STATIC_WIDTH_PX = 1100
PNG_SCALE = 2
#: Characters of a finding's line in a figure's title (13-pixel text across the static width).
FINDING_CHARS = 150


def scenario_colors(scenarios: Sequence[str], baseline: str) -> dict[str, str]:
    """One colour per scenario, the same in every chart: grey for the baseline, fixed colours for the built-ins,
    the palette in order for the rest."""
    colors = {baseline: BASELINE_COLOR}
    used = {c for s, c in KNOWN_COLORS.items() if s in scenarios and s != baseline}
    spare = [c for c in PALETTE if c not in used]
    for s in scenarios:
        if s in colors:
            continue
        if s in KNOWN_COLORS:
            colors[s] = KNOWN_COLORS[s]
        else:
            colors[s] = spare.pop(0) if spare else PALETTE[len(colors) % len(PALETTE)]
    return colors


# --- inputs and outputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportData:
    """What the charts draw: tidy metrics of every scenario and their comparison with the baseline."""

    metrics: pd.DataFrame  # scenario, year, metric, value, unit
    comparison: Any  # commonwealth.comparison.Comparison
    scenarios: tuple[str, ...]  # baseline first, then the others in the order run
    baseline: str
    start_year: int
    colors: Mapping[str, str]
    draws: pd.DataFrame | None = None  # Monte Carlo runs: every draw's metrics (with a 'draw' column)
    sweep: Any = None  # a commonwealth.sweep.SweepSummary of these scenarios, when the report was given one
    results: tuple[Any, ...] = ()  # the ScenarioResults (their snapshots give the sampling error)

    @classmethod
    def build(cls, results: Iterable[Any], comparison: Any, sweep: Any = None) -> ReportData:
        """From scenario results (a list of ``ScenarioResult`` or ``commonwealth.Results``) and their comparison."""
        items = list(getattr(results, "results", results))
        if not items:
            raise ValueError("a report needs at least one scenario result")
        metrics = pd.concat([r.metrics for r in items], ignore_index=True)
        names = [r.scenario.name for r in items]
        baseline = comparison.baseline
        order = tuple([baseline, *[n for n in names if n != baseline]] if baseline in names else names)
        base = next((r for r in items if r.scenario.name == baseline), items[0])
        with_draws = [r.draws for r in items if getattr(r, "draws", None) is not None]
        return cls(metrics=metrics, comparison=comparison, scenarios=order, baseline=baseline,
                   start_year=int(base.scenario.start_year), colors=scenario_colors(order, baseline),
                   draws=pd.concat(with_draws, ignore_index=True) if with_draws else None, sweep=sweep,
                   results=tuple(items))

    @property
    def year(self) -> int:
        """The year findings speak of: the last year compared (the horizon by default)."""
        years = getattr(self.comparison, "years", ()) or ()
        return int(years[-1]) if years else int(self.metrics.year.max())

    @property
    def reforms(self) -> tuple[str, ...]:
        return tuple(s for s in self.scenarios if s != self.baseline)

    def has(self, metric: str) -> bool:
        return bool((self.metrics.metric == metric).any())

    def wide(self, metric: str) -> pd.DataFrame:
        """One metric as years × scenarios (scenarios in report order; empty if absent)."""
        m = self.metrics[self.metrics.metric == metric]
        table = m.pivot_table(index="year", columns="scenario", values="value", aggfunc="first")
        return table.reindex(columns=[s for s in self.scenarios if s in table.columns])

    def value(self, scenario: str, metric: str, year: int | None = None) -> float:
        """A metric's value (NaN if missing); ``year`` defaults to :attr:`year`."""
        y = self.year if year is None else year
        m = self.metrics
        hit = m[(m.scenario == scenario) & (m.metric == metric) & (m.year == y)]
        return float(hit.value.iloc[0]) if len(hit) else float("nan")

    def color(self, scenario: str) -> str:
        return self.colors.get(scenario, BASELINE_COLOR)

    def band(self, scenario: str, metric: str) -> tuple[float, float] | None:
        """The 10th and 90th percentiles over a sweep's draws of ``scenario``'s effect on ``metric`` in
        :attr:`year` (None without a sweep of it)."""
        if self.sweep is None:
            return None
        b = self.sweep.effect_bands
        hit = b[(b.scenario == scenario) & (b.metric == metric) & (b.year == self.year)]
        return (float(hit.q10.iloc[0]), float(hit.q90.iloc[0])) if len(hit) else None

    @cached_property
    def _spreads(self) -> dict[tuple[str, str], pd.DataFrame]:
        """Per scenario and metric, the sweep's 10th and 90th percentiles less its central run (or, for a sweep
        without one, its median), by year."""
        bands = getattr(self.sweep, "bands", None)
        if bands is None or not len(bands):
            return {}
        keys = ["scenario", "year", "metric"]
        central = getattr(self.sweep, "central", None)
        if central is not None and len(central):
            bands = bands.merge(central[[*keys, "value"]].rename(columns={"value": "centre"}), on=keys, how="inner")
        else:
            bands = bands.assign(centre=bands.q50)
        bands = bands.assign(low=bands.q10 - bands.centre, high=bands.q90 - bands.centre)
        return {(str(s), str(m)): g.set_index("year")[["low", "high"]].sort_index()
                for (s, m), g in bands.groupby(["scenario", "metric"], sort=False)}

    def level_band(self, scenario: str, metric: str) -> pd.DataFrame | None:
        """``scenario``'s 10–90 % band of ``metric`` by year (columns ``q10``, ``q90``) around this report's run:
        the run's value plus the sweep's spread about its own central run, so that a band drawn from a sweep at
        another population size or seed sits on this run's line. None without a sweep of it."""
        spread = self._spreads.get((scenario, metric))
        if spread is None:
            return None
        value = self.wide(metric).get(scenario)
        if value is None:
            return None
        both = spread.join(value.rename("value"), how="inner")
        return pd.DataFrame({"q10": both.value + both.low, "q90": both.value + both.high}, index=both.index)

    @property
    def band_words(self) -> str:
        """How the bands were made, for captions: "" without a sweep."""
        if self.sweep is None:
            return ""
        size = int(self.sweep.plan.get("population_size") or 0)
        return (f"the 10th to 90th percentile over {self.sweep.draws} draws of a sweep at {size:,} records, placed "
                "around this run (its value plus the sweep's spread about its central run)")


@dataclass
class Chart:
    """One chart of the report: its plotly figure, or a note saying why it is missing."""

    id: str
    title: str
    finding: str = ""
    caption: str = ""
    figure: go.Figure | None = None
    note: str = ""
    files: list[Path] = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        return self.figure is None


def _skipped(chart_id: str, title: str, note: str) -> Chart:
    return Chart(id=chart_id, title=title, note=note)


# --- static files ------------------------------------------------------------------------------------------


def find_browser() -> str | None:
    """The Chrome or Chromium Kaleido would use to export static files (``BROWSER_PATH`` first, then the
    ``PATH`` and the usual places), or None when there is none or it is not an executable file."""
    from choreographer.browsers.chromium import Chromium

    path = Chromium.find_browser(skip_local=False)
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def check_static_export(option: str = "--static-charts") -> None:
    """Refuse static export before any work when no browser can draw the files."""
    if find_browser() is None:
        where = (f"BROWSER_PATH={os.environ['BROWSER_PATH']!r} is not an executable file"
                 if os.environ.get("BROWSER_PATH") else "none was found on the PATH")
        raise UserError(f"{option}: static charts are exported by Kaleido, which needs Chrome or Chromium, and "
                        f"{where}; allowed: install one (Debian: apt install chromium) or name it in "
                        "the BROWSER_PATH environment variable, or leave out --static-charts (the report's charts "
                        "each save themselves as a PNG from the camera button).")


def export_static(charts: Sequence[Chart], directory: str | Path,
                  formats: Sequence[str] = STATIC_FORMATS) -> list[Path]:
    """Write each drawn chart's figure as ``directory/<id>.<format>`` (PNG and SVG by default), the same figure
    the report embeds, exported by Kaleido in one browser session; return the paths written."""
    import plotly.io as pio

    check_static_export()
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    figures, paths, heights, scales = [], [], [], []
    for chart in charts:
        if chart.skipped:
            continue
        chart.files = [out / f"{chart.id}.{ext}" for ext in formats]
        for path in chart.files:
            figures.append(chart.figure)
            paths.append(path)
            heights.append(int(chart.figure.layout.height or ROW_PX + 130))
            scales.append(PNG_SCALE if path.suffix == ".png" else 1)
    if figures:
        try:
            pio.write_images(figures, paths, width=STATIC_WIDTH_PX, height=heights, scale=scales, validate=False)
        except Exception as exc:  # the browser failed to start or to draw: Kaleido's errors name no common base
            raise UserError(f"--static-charts: the browser {find_browser()} could not export the charts "
                            f"({type(exc).__name__}: {exc}); allowed: a working Chrome or Chromium (BROWSER_PATH), "
                            "or leave out --static-charts.") from None
    return paths


# --- shared drawing helpers --------------------------------------------------------------------------------


def _subplots(rows: int, cols: int, titles: Sequence[str], *, gap_px: int = 95, height: int | None = None,
              **kwargs: Any) -> go.Figure:
    """Subplots whose rows are ``gap_px`` apart (room for the x-axis title and the next row's title)."""
    h = height or ROW_PX * rows + 130
    vspace = min(0.3, gap_px / max(h - 200, 1)) if rows > 1 else 0.1
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[f"<b>{t}</b>" for t in titles],
                        horizontal_spacing=0.08, vertical_spacing=vspace, **kwargs)
    for annotation in fig.layout.annotations:  # subplot titles
        annotation.update(font={"size": 14, "color": "#222222"})
    return fig


def _finish(fig: go.Figure, title: str, finding: str, rows: int, *, height: int | None = None,
            legend: bool = True) -> go.Figure:
    """The house layout: the title and the finding above the panels, the legend below them."""
    lines = textwrap.wrap(finding, FINDING_CHARS)  # plotly does not wrap titles; the static file needs it
    h = (height or ROW_PX * rows + 130) + 19 * max(len(lines) - 1, 0)
    fig.update_layout(
        template="plotly_white",
        title={"text": f"<b>{title}</b>" + "".join(f"<br><span style='font-size:13px;color:#555'>{line}</span>"
                                                   for line in lines),
               "x": 0.01, "xanchor": "left", "y": 1 - 30 / h, "yref": "container", "yanchor": "top",
               "font": {"size": 17}},
        height=h,
        font={"family": FONT_STACK, "size": 13, "color": "#222222"},
        margin={"l": 70, "r": 25, "t": 88 + 19 * len(lines), "b": 105 if legend else 50},
        legend={"orientation": "h", "yanchor": "top", "y": -70 / max(h - 200, 1), "x": 0.5, "xanchor": "center"},
        showlegend=legend,
        hoverlabel={"namelength": -1},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    fig.update_xaxes(showline=True, linecolor="#999999", gridcolor="#ececec", zeroline=False, automargin=True)
    fig.update_yaxes(showline=True, linecolor="#999999", gridcolor="#ececec", zerolinecolor="#bbbbbb",
                     automargin=True)
    return fig


def _base_year(fig: go.Figure, year: int, rows: int, cols: int) -> None:
    """A dotted line at the base year in every panel, labelled in the first."""
    for r in range(1, rows + 1):
        for c in range(1, cols + 1):
            fig.add_vline(x=year, line={"color": "#888888", "width": 1, "dash": "dot"}, row=r, col=c)
    fig.add_annotation(x=year, y=1, xref="x", yref="y domain", text=f"base year {year}", showarrow=False,
                       xanchor="left", yanchor="top", xshift=3, font={"size": 11, "color": "#777777"})


def _band_trace(x: np.ndarray, low: np.ndarray, high: np.ndarray, color: str, group: str) -> go.Scatter:
    """A filled band from ``low`` to ``high`` (a closed polygon), in its scenario's colour and legend group."""
    return go.Scatter(x=np.concatenate([x, x[::-1]]), y=np.concatenate([high, low[::-1]]), fill="toself",
                      fillcolor=color, opacity=BAND_OPACITY, line={"width": 0}, hoverinfo="skip", showlegend=False,
                      legendgroup=group)


def _domain(i: int) -> tuple[str, str]:
    """The axis-domain references of panel ``i`` (0-based), for annotations placed in it."""
    n = f"{i + 1}" if i else ""
    return f"x{n} domain", f"y{n} domain"


@dataclass(frozen=True)
class Line:
    """One metric drawn in a panel; ``dash`` tells it apart from the panel's other lines."""

    metric: str
    label: str = ""
    dash: str = "solid"  # plotly's names: solid, dash, dot
    only_nonzero: bool = False  # skip scenarios whose series is zero throughout


@dataclass(frozen=True)
class Panel:
    title: str
    axis: str  # y-axis label with its unit
    lines: tuple[Line, ...]
    scale: float = 1.0
    percent: bool = False  # values are shares: drawn ×100 with a % axis
    hover: str = ",.0f"  # d3 format of hover values (after scaling)
    empty: str = "nothing to draw"

    @property
    def factor(self) -> float:
        return 100.0 if self.percent else self.scale


def _draw_line(fig: go.Figure, data: ReportData, panel: Panel, line: Line, scenario: str, s: pd.Series,
               shown: set[str], row: int, col: int) -> np.ndarray:
    """One scenario's line in a panel, over its sweep band when the report has one; returns the values drawn."""
    y = s.to_numpy() * panel.factor
    color = data.color(scenario)
    band = data.level_band(scenario, line.metric)
    if band is not None:
        part = band.reindex(s.index).dropna()
        if len(part):
            fig.add_trace(_band_trace(part.index.to_numpy(), part.q10.to_numpy() * panel.factor,
                                      part.q90.to_numpy() * panel.factor, color, scenario), row=row, col=col)
    name = f"{fmt.legend_name(scenario)} · {line.label}" if line.label else fmt.legend_name(scenario)
    suffix = " %" if panel.percent else ""
    fig.add_trace(go.Scatter(
        x=s.index.to_numpy(), y=y, mode="lines", name=fmt.legend_name(scenario), legendgroup=scenario,
        showlegend=scenario not in shown, line={"color": color, "width": 2.2, "dash": line.dash},
        hovertemplate=f"%{{y:{panel.hover}}}{suffix}<br>{panel.axis}<extra>{name}</extra>"), row=row, col=col)
    shown.add(scenario)
    return y


def _draw_panel(fig: go.Figure, data: ReportData, panel: Panel, i: int, row: int, col: int,
                shown: set[str]) -> None:
    drew, all_zero = False, True
    for line in panel.lines:
        table = data.wide(line.metric)
        for scenario in table.columns:
            s = table[scenario].dropna()
            if s.empty or (line.only_nonzero and not (s.abs() > 0).any()):
                continue
            y = _draw_line(fig, data, panel, line, scenario, s, shown, row, col)
            drew = True
            all_zero &= not np.any(y)
    xref, yref = _domain(i)
    styled = [ln for ln in panel.lines if ln.label]
    if drew and len(styled) > 1:  # the legend names scenarios only: say which line style is which
        key = {"solid": "solid", "dash": "dashed", "dot": "dotted"}
        fig.add_annotation(text=" · ".join(f"{key[ln.dash]}: {ln.label}" for ln in styled), showarrow=False,
                           xref=xref, yref=yref, x=0.03, y=0.9, xanchor="left", yanchor="top",
                           font={"size": 12, "color": "#444444"}, bgcolor="rgba(255,255,255,0.8)")
    if drew and all_zero:  # a flat zero line: show it at the bottom of a small positive range
        fig.update_yaxes(range=[-0.04, 1.0], row=row, col=col)
    if not drew:
        fig.add_annotation(text=panel.empty, showarrow=False, font={"color": "#777777"}, xref=xref, yref=yref,
                           x=0.5, y=0.5)
    fig.update_yaxes(title_text=panel.axis, ticksuffix=" %" if panel.percent else "", row=row, col=col)
    fig.update_xaxes(title_text="year", row=row, col=col)


def _timeseries(data: ReportData, chart_id: str, title: str, finding: str, caption: str,
                panels: Sequence[Panel], cols: int | None = None) -> Chart:
    """Line charts over the simulated years: one panel per metric group, one colour per scenario, each line
    over its 10–90 % band when the report has a sweep."""
    wanted = [ln.metric for p in panels for ln in p.lines]
    if not any(data.has(m) for m in wanted):
        return _skipped(chart_id, title, f"These results have none of the metrics this chart draws "
                        f"({', '.join(dict.fromkeys(wanted))}).")
    n = len(panels)
    cols = cols or min(n, 3)
    rows = -(-n // cols)
    fig = _subplots(rows, cols, [p.title for p in panels])
    shown: set[str] = set()
    for i, panel in enumerate(panels):
        _draw_panel(fig, data, panel, i, i // cols + 1, i % cols + 1, shown)
    _base_year(fig, data.start_year, rows, cols)
    _finish(fig, title, finding, rows)
    if data.band_words:
        caption += f" Shaded: {data.band_words}."
    return Chart(id=chart_id, title=title, finding=finding, caption=caption, figure=fig)


def _extreme(values: Mapping[str, float], largest: bool = True) -> tuple[str, float] | None:
    clean = {k: v for k, v in values.items() if v == v}  # drop NaN
    if not clean:
        return None
    key = max(clean, key=clean.__getitem__) if largest else min(clean, key=clean.__getitem__)
    return key, clean[key]


def _at(data: ReportData, metric: str, scenarios: Iterable[str] | None = None, year: int | None = None):
    return {s: data.value(s, metric, year) for s in (data.scenarios if scenarios is None else scenarios)}


# --- the charts --------------------------------------------------------------------------------------------


def automation_and_labour(data: ReportData) -> Chart:
    """Automation share of tasks and labour's share of output."""
    title = "Automation and labour's share of output"
    b, y0, y = data.baseline, data.start_year, data.year
    finding = ""
    if data.has("automation_share") and data.has("labor_share"):
        finding = (f"Under {fmt.display_name(b)} machines perform {fmt.pct(data.value(b, 'automation_share', y0))} "
                   f"of tasks in {y0} and {fmt.pct(data.value(b, 'automation_share', y))} by {y}; labour's share of "
                   f"output goes from {fmt.pct(data.value(b, 'labor_share', y0))} to "
                   f"{fmt.pct(data.value(b, 'labor_share', y))}.")
    return _timeseries(data, "automation-labour", title, finding,
                       "Automation share Φ: the share of tasks machines can perform (the AI path). Labour share: "
                       "wages as a share of output, wL/Y.",
                       [Panel("Automation share of tasks", "% of tasks", (Line("automation_share"),), percent=True,
                              hover=".1f"),
                        Panel("Labour share of output", "% of output", (Line("labor_share"),), percent=True,
                              hover=".1f")])


def gdp_and_income(data: ReportData) -> Chart:
    """Real GDP and median real income."""
    title = "Output and the typical adult's income"
    b, y0, y = data.baseline, data.start_year, data.year
    finding = ""
    if data.has("gdp") and data.has("median_income_real"):
        finding = (f"GDP goes from {fmt.usd(data.value(b, 'gdp', y0))} in {y0} to {fmt.usd(data.value(b, 'gdp', y))} "
                   f"by {y} under {fmt.display_name(b)}; median real income reaches "
                   f"{fmt.usd(data.value(b, 'median_income_real', y))}")
        best = _extreme(_at(data, "median_income_real", data.reforms))
        if best:
            finding += f" ({fmt.usd(best[1])} under {fmt.display_name(best[0])})"
        finding += "."
    return _timeseries(data, "gdp-income", title, finding,
                       f"Real GDP and the median adult's income before taxes (market income plus transfers), both "
                       f"in {y0} dollars.",
                       [Panel("Real GDP", f"USD trillion a year ({y0} prices)", (Line("gdp"),), scale=1e-12,
                              hover=",.2f"),
                        Panel("Median income", f"USD a year ({y0} prices)", (Line("median_income_real"),),
                              hover=",.0f")])


def wealth_shares(data: ReportData) -> Chart:
    """Shares of household wealth held by the top 0.1 %, the top 1 % and the bottom 50 %."""
    title = "Who holds the wealth: the richest 0.1 % and 1 %, and the poorer half"
    finding = ""
    top, bottom = _at(data, "wealth_share_top1"), _at(data, "wealth_share_bottom50")
    lo, hi = _extreme(top, False), _extreme(top, True)
    blo, bhi = _extreme(bottom, False), _extreme(bottom, True)
    if lo and hi and blo and bhi:
        finding = (f"By {data.year} the richest 1 % hold from {fmt.pct(lo[1])} ({fmt.display_name(lo[0])}) to "
                   f"{fmt.pct(hi[1])} ({fmt.display_name(hi[0])}) of household wealth; the poorer half from "
                   f"{fmt.pct(blo[1])} to {fmt.pct(bhi[1])} ({fmt.display_name(bhi[0])}).")
    return _timeseries(data, "wealth-shares", title, finding,
                       "Shares of adults' total net worth, adults ranked by net worth.",
                       [Panel("Top 0.1 %", "% of household wealth", (Line("wealth_share_top0_1"),), percent=True,
                              hover=".1f"),
                        Panel("Top 1 %", "% of household wealth", (Line("wealth_share_top1"),), percent=True,
                              hover=".1f"),
                        Panel("Bottom 50 %", "% of household wealth", (Line("wealth_share_bottom50"),),
                              percent=True, hover=".1f")])


def fortunes(data: ReportData) -> Chart:
    """Billionaires and trillionaires."""
    title = "Billionaires and trillionaires"
    finding = ""
    bill = _at(data, "billionaires")
    if data.has("billionaires"):
        b = data.baseline
        finding = f"By {data.year}: {fmt.count(bill.get(b, float('nan')))} billionaires under {fmt.display_name(b)}"
        lo = _extreme({s: bill[s] for s in data.reforms}, False)
        if lo:
            finding += f", {fmt.count(lo[1])} under {fmt.display_name(lo[0])}"
        tril = _extreme(_at(data, "trillionaires"), True)
        if tril:
            finding += (f"; {fmt.count(tril[1])} trillionaires at most" if tril[1] >= 0.5
                        else "; no trillionaire in any scenario")
        finding += "."
    panels = [Panel("Billionaires", "adults", (Line("billionaires"),), hover=",.0f")]
    tril = data.metrics[data.metrics.metric == "trillionaires"].value
    if (tril > 0).any():  # a panel of zeros says nothing the finding does not
        panels.append(Panel("Trillionaires", "adults", (Line("trillionaires"),), hover=",.1f"))
    return _timeseries(data, "fortunes", title, finding,
                       "Adults with a net worth of at least $1 billion"
                       + (" and $1 trillion" if len(panels) > 1 else "") +
                       " in base-year dollars (population-weighted counts).", panels)


def dividends(data: ReportData) -> Chart:
    """Dividend per adult (real, base-year dollars, and nominal, current dollars) and the equity fund's
    shares and cash."""
    title = "Dividends paid to every adult"
    y0 = data.start_year
    real = "dividend_per_adult"
    finding = ""
    best = _extreme(_at(data, real, data.reforms))
    if best and best[1] >= 1:
        finding = (f"The largest dividend by {data.year}: {fmt.usd(best[1])} a year per adult under "
                   f"{fmt.display_name(best[0])} ({y0} dollars).")
    elif data.has(real):
        finding = f"No scenario pays a dividend by {data.year}."
    nominal = data.has("dividend_per_adult_nominal")
    lines = [Line(real, f"real ({y0} dollars)" if nominal else "")]
    if nominal:
        lines.append(Line("dividend_per_adult_nominal", "nominal (current dollars)", "dash"))
    caption = ("Equal dividends per recipient adult from every policy that pays one (equity fund, land value tax, "
               "wealth tax, sovereign fund …): real in base-year dollars, nominal in current dollars (× the price "
               "level, prices.inflation). Right: the American Equity Fund's payout split into shares and cash.")
    return _timeseries(data, "dividends", title, finding, caption,
                       [Panel("Dividend per adult", "USD per adult a year", tuple(lines)),
                        Panel("Equity fund payout: shares and cash", f"USD per adult a year ({y0} dollars)",
                              (Line("dividend_shares_per_adult", "shares", only_nonzero=True),
                               Line("dividend_cash_per_adult", "cash", "dot", only_nonzero=True)),
                              empty="no scenario has an equity fund")])


def ownership_shares(data: ReportData) -> Chart:
    """Shares of US corporate equity held by the fund and by the poorer 90 % of adults."""
    title = "Who owns US companies: the fund and the poorer 90 %"
    finding = ""
    citizens = _at(data, "citizen_ownership_share")
    best = _extreme({s: citizens[s] for s in data.reforms})
    b = data.baseline
    if data.has("citizen_ownership_share"):
        finding = f"By {data.year} the poorer 90 % of adults own {fmt.pct(citizens.get(b, float('nan')))} of US " \
                  f"companies under {fmt.display_name(b)}"
        if best:
            finding += f" and {fmt.pct(best[1])} under {fmt.display_name(best[0])}"
        fund = _extreme(_at(data, "fund_ownership_share"))
        if fund and fund[1] > 0.0005:
            finding += f"; the fund itself holds up to {fmt.pct(fund[1])}"
        finding += "."
    return _timeseries(data, "ownership-shares", title, finding,
                       "Shares of the market value of all US corporate equity. The bottom-90 % share counts fund "
                       "shares already distributed to them.",
                       [Panel("Held by the equity fund", "% of corporate equity", (Line("fund_ownership_share"),),
                              percent=True, hover=".1f"),
                        Panel("Held by the poorer 90 % of adults", "% of corporate equity",
                              (Line("citizen_ownership_share"),), percent=True, hover=".1f")])


def sector_prices(data: ReportData) -> Chart:
    """Consumer prices and sector prices (when the model reports them)."""
    title = "What things cost: consumer and sector prices"
    present = [m for m in PRICE_METRICS if data.has(m)]
    if not present:
        return _skipped("sector-prices", title,
                        "These results have no price metrics (cpi, price_housing, …): the chart appears once the "
                        "model reports sector prices.")
    b, y0, y = data.baseline, data.start_year, data.year

    def change(metric: str) -> str:
        return fmt.relative(data.value(b, metric) / data.value(b, metric, y0) - 1)

    sectors = [m for m in present if m != "cpi"]
    parts = [f"{PRICE_WORDS.get(m, m)} {change(m)}" for m in sectors]
    head = f"consumer prices {change('cpi')} since {y0}" if "cpi" in present else f"prices since {y0}"
    finding = f"By {y} under {fmt.display_name(b)}: {head}" + (f" (by sector: {', '.join(parts)})" if parts else "")
    finding += "."
    panels = [Panel(fmt.metric_label(m), "index (base year = 1)", (Line(m),), hover=".3f") for m in present]
    return _timeseries(data, "sector-prices", title, finding,
                       "Price indices relative to the base year: the consumer price index and the sectors where "
                       "automation moves prices differently.", panels, cols=min(3, len(panels)))


def _last_decile_year(deciles: pd.DataFrame) -> int | None:
    return int(deciles.year.max()) if len(deciles) else None


def decile_changes(data: ReportData) -> Chart:
    """Mean change in net income by baseline income decile and by baseline wealth decile."""
    title = "Who gains: average change in net income by decile"
    dec = data.comparison.deciles
    reforms = [s for s in data.reforms if s in set(dec.scenario)] if len(dec) else []
    if not reforms:
        return _skipped("deciles", title, "No reform has per-household snapshots to compare with the baseline "
                        "(run scenarios with snapshot years and at least one reform).")
    years = sorted(int(y) for y in dec.year.unique())
    y = years[-1]
    last = dec[(dec.year == y) & (dec.by == "income")]
    d1 = _extreme({s: float(last[(last.scenario == s) & (last.decile == 1)].mean_change.sum()) for s in reforms})
    finding = ""
    if d1:
        top = float(last[(last.scenario == d1[0]) & (last.decile == 10)].mean_change.sum())
        verb = "gains" if top >= 0 else "loses"
        finding = (f"In {y} the poorest tenth by income gains most under {fmt.display_name(d1[0])}: "
                   f"{fmt.usd(d1[1])} a year on average; the richest tenth {verb} {fmt.usd(abs(top))}.")
    rows, cols = len(years), 2
    titles = [f"{label}, {yr}" for yr in years for label in ("By income decile", "By wealth decile")]
    fig = _subplots(rows, cols, titles, shared_yaxes=True)
    for i, yr in enumerate(years):
        for j, by in enumerate(("income", "wealth")):
            part = dec[(dec.year == yr) & (dec.by == by)]
            for s in reforms:
                rows_s = part[part.scenario == s].sort_values("decile")
                fig.add_trace(go.Bar(x=rows_s.decile.to_numpy(), y=rows_s.mean_change.to_numpy(),
                                     name=fmt.legend_name(s), legendgroup=s, showlegend=i == 0 and j == 0,
                                     marker_color=data.color(s),
                                     hovertemplate=f"decile %{{x}}: %{{y:$,.0f}} a year per adult "
                                                   f"({data.start_year} dollars)<extra>{fmt.legend_name(s)}</extra>"),
                              row=i + 1, col=j + 1)
            fig.add_hline(y=0, line={"color": "#777777", "width": 0.8}, row=i + 1, col=j + 1)
            fig.update_xaxes(title_text=f"{by} decile in the baseline (1 = lowest)", dtick=1, row=i + 1, col=j + 1)
            if j == 0:
                fig.update_yaxes(title_text=f"USD per adult a year ({data.start_year} prices)", row=i + 1, col=j + 1)
    fig.update_layout(barmode="group", bargap=0.15)
    _finish(fig, title, finding, rows)
    return Chart(id="deciles", title=title, finding=finding, figure=fig,
                 caption=f"Mean change in net income (after taxes, transfers and dividends) against "
                         f"{fmt.display_name(data.baseline)}, adults grouped by their decile of income or net worth "
                         "in the baseline.")


def winners_losers(data: ReportData) -> Chart:
    """PolicyEngine's winners and losers: shares of each decile by band of relative change in net income."""
    title = "Winners and losers by decile"
    dec = data.comparison.deciles
    reforms = [s for s in data.reforms if s in set(dec.scenario)] if len(dec) else []
    if not reforms:
        return _skipped("winners-losers", title, "No reform has per-household snapshots to compare with the "
                        "baseline (run scenarios with snapshot years and at least one reform).")
    y = _last_decile_year(dec)
    part = dec[dec.year == y]
    bands = list(BAND_COLORS)
    overall = {s: part[(part.scenario == s) & (part.by == "income")][bands].mean() for s in reforms}
    best = _extreme({s: float(v[bands[0]]) for s, v in overall.items()})
    finding = ""
    if best:
        lose = float(overall[best[0]][bands[-1]])
        finding = (f"In {y}, {fmt.pct(best[1], 0)} of adults gain more than 5 % under {fmt.display_name(best[0])} "
                   f"and {fmt.pct(lose, 0)} lose more than 5 %.")
    labels = ["All", *[str(d) for d in range(1, 11)]]
    rows, cols = len(reforms), 2
    titles = [f"{fmt.legend_name(s)}: by {by} decile" for s in reforms for by in ("income", "wealth")]
    height = 270 * rows + 150
    fig = _subplots(rows, cols, titles, shared_xaxes=True, gap_px=45, height=height)
    for i, s in enumerate(reforms):
        for j, by in enumerate(("income", "wealth")):
            rows_s = part[(part.scenario == s) & (part.by == by)].sort_values("decile")
            table = np.vstack([rows_s[bands].mean().to_numpy(), rows_s[bands].to_numpy()]) * 100
            for k, band in enumerate(bands):
                fig.add_trace(go.Bar(y=labels, x=table[:, k], orientation="h", name=band, legendgroup=band,
                                     showlegend=i == 0 and j == 0, marker_color=BAND_COLORS[band],
                                     hovertemplate=f"decile %{{y}}: %{{x:.1f}} % of adults {band}"
                                                   f"<extra>{fmt.legend_name(s)}</extra>"),
                              row=i + 1, col=j + 1)
            fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], tickmode="linear", dtick=1,
                             tickfont={"size": 11}, row=i + 1, col=j + 1)
            if j == 0:
                fig.update_yaxes(title_text="decile", row=i + 1, col=j + 1)
            fig.update_xaxes(range=[0, 100], ticksuffix=" %", row=i + 1, col=j + 1)
            if i == rows - 1:
                fig.update_xaxes(title_text="share of adults", row=i + 1, col=j + 1)
    fig.update_layout(barmode="stack", bargap=0.2)
    _finish(fig, title, finding, rows, height=height)
    return Chart(id="winners-losers", title=title, finding=finding, figure=fig,
                 caption=f"Share of each decile's adults (and of all adults) whose net income in {y} changes by "
                         f"more or less than 5 % against {fmt.display_name(data.baseline)}: PolicyEngine's five "
                         "bands. Deciles of income or net worth in the baseline.")


def lorenz_curves(data: ReportData) -> Chart:
    """Lorenz curves of wealth and income in the last compared year."""
    title = "Inequality: Lorenz curves of wealth and income"
    lz = data.comparison.lorenz
    if not len(lz):
        return _skipped("lorenz", title, "These results have no per-household snapshots, so no Lorenz curve.")
    y = int(lz.year.max())
    part = lz[lz.year == y]
    finding = ""
    gw, gi = _at(data, "gini_wealth", year=y), _at(data, "gini_income", year=y)
    lo, hi = _extreme(gw, False), _extreme(gw, True)
    if lo and hi:
        finding = (f"Gini of wealth in {y}: {lo[1]:.3f} under {fmt.display_name(lo[0])} to {hi[1]:.3f} under "
                   f"{fmt.display_name(hi[0])}")
        ilo, ihi = _extreme(gi, False), _extreme(gi, True)
        if ilo and ihi:
            finding += f"; of income: {ilo[1]:.3f} to {ihi[1]:.3f}"
        finding += "."
    variables = [("wealth", "Net worth"), ("income", "Income before taxes")]
    fig = _subplots(1, 2, [f"{label}, {y}" for _, label in variables])
    for j, (var, _label) in enumerate(variables):
        fig.add_trace(go.Scatter(x=[0, 100], y=[0, 100], mode="lines", name="perfect equality",
                                 line={"color": "#aaaaaa", "width": 1, "dash": "dash"}, showlegend=j == 0,
                                 legendgroup="equality", hoverinfo="skip"), row=1, col=j + 1)
        for s in data.scenarios:
            c = part[(part.scenario == s) & (part.variable == var)].sort_values("population_share")
            if c.empty:
                continue
            xs, ys = c.population_share.to_numpy() * 100, c.value_share.to_numpy() * 100
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=fmt.legend_name(s), legendgroup=s,
                                     showlegend=j == 0, line={"color": data.color(s), "width": 2},
                                     hovertemplate=f"the poorest %{{x:.0f}} % of adults hold %{{y:.1f}} % of all "
                                                   f"{var}<extra>{fmt.legend_name(s)}</extra>"), row=1, col=j + 1)
        fig.update_xaxes(title_text="adults, poorest first", ticksuffix=" %", range=[0, 100], row=1, col=j + 1)
        fig.update_yaxes(title_text=f"cumulative share of {var}", ticksuffix=" %", row=1, col=j + 1)
    _finish(fig, title, finding, 1, height=ROW_PX + 190)
    return Chart(id="lorenz", title=title, finding=finding, figure=fig,
                 caption="The share of all net worth (left) and income (right) held by the poorest x % of adults; "
                         "the further below the diagonal, the more unequal. Net worth can be negative, so the wealth "
                         "curve can dip below zero.")


def _holders_finding(data: ReportData, own: pd.DataFrame, y: int) -> str:
    comp = own[(own.year == y) & (own.asset == "companies")]
    b = data.baseline
    if not len(comp[comp.scenario == b]):
        return ""
    rich = comp[(comp.scenario == b) & comp.holder.isin(["top 0.1%", "next 9.9%"])].share.sum()
    finding = f"In {y} the richest 10 % of adults own {fmt.pct(rich)} of US companies under {fmt.display_name(b)}"
    bottom = {s: float(comp[(comp.scenario == s) & (comp.holder == "bottom 90%")].share.sum())
              for s in data.reforms if s in set(comp.scenario)}
    best = _extreme(bottom)
    if best:
        finding += f"; the poorer 90 % own up to {fmt.pct(best[1])} (under {fmt.display_name(best[0])})"
    return finding + "."


def holders(data: ReportData) -> Chart:
    """Who owns companies and land: stacked shares by holder, per scenario and compared year."""
    title = "Who owns companies and land"
    own = data.comparison.ownership
    if not len(own):
        return _skipped("holders", title, "These results have no per-household snapshots, so no ownership table.")
    years = sorted(int(y) for y in own.year.unique())
    finding = _holders_finding(data, own, years[-1])
    holder_order = [h for h in HOLDER_COLORS if h in set(own.holder)] + sorted(set(own.holder) - set(HOLDER_COLORS))
    keys = [(s, yr) for yr in years for s in data.scenarios if len(own[(own.scenario == s) & (own.year == yr)])]
    labels = [f"{fmt.legend_name(s)} · {yr}" if len(years) > 1 else fmt.legend_name(s) for s, yr in keys]
    assets = [("companies", "US companies (market value)"), ("land", "Household land (value)")]
    fig = _subplots(1, 2, [label for _, label in assets], shared_yaxes=True)
    on_companies = set(own[own.asset == "companies"].holder)
    for j, (asset, _label) in enumerate(assets):
        for h in holder_order:
            share = np.array([float(own[(own.scenario == s) & (own.year == yr) & (own.asset == asset)
                                        & (own.holder == h)].share.sum()) for s, yr in keys]) * 100
            if not share.any():
                continue
            fig.add_trace(go.Bar(y=labels, x=share, orientation="h", name=h, legendgroup=h,
                                 showlegend=j == 0 or (asset == "land" and h not in on_companies),
                                 marker_color=HOLDER_COLORS.get(h, "#cccccc"),
                                 text=[f"{v:.0f}%" if v >= 7 else "" for v in share], textposition="inside",
                                 insidetextanchor="middle",
                                 hovertemplate=f"{h}: %{{x:.1f}} % of the value<extra>%{{y}}</extra>"),
                          row=1, col=j + 1)
        fig.update_xaxes(range=[0, 100], ticksuffix=" %", title_text="share of value", row=1, col=j + 1)
        fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], row=1, col=j + 1)
    fig.update_layout(barmode="stack", bargap=0.25, uniformtext={"minsize": 10, "mode": "hide"})
    _finish(fig, title, finding, 1, height=int(26 * len(keys) + 260))
    return Chart(id="holders", title=title, finding=finding, figure=fig,
                 caption="Companies: households by wealth group (adults ranked by net worth), the equity fund, "
                         "public or nonprofit owners and foreigners. Land: households by wealth group.")


def _politics_bands(draws: pd.DataFrame, prefix: str) -> list[tuple[str, str, pd.Series, pd.Series, pd.Series, int]]:
    """(scenario, policy, q10, q50, q90, draws) of every metric ``prefix.<policy>`` over the draws."""
    out = []
    for (scenario, metric), group in draws[draws.metric.str.startswith(prefix)].groupby(["scenario", "metric"]):
        table = group.pivot(index="year", columns="draw", values="value")
        q10, q50, q90 = (table.quantile(q, axis=1) for q in (0.1, 0.5, 0.9))
        out.append((scenario, metric.split(".", 1)[1], q10, q50, q90, table.shape[1]))
    return out


def politics_spread(data: ReportData) -> Chart:
    """Under endogenous politics: each reform's rate in force and its support, median and the 10th–90th
    percentile band over the Monte Carlo draws."""
    title = "Politics: do the reforms pass and last?"
    d = data.draws
    if d is None or d.empty:
        return _skipped("politics", title, "No scenario here runs endogenous politics with Monte Carlo draws "
                        "(politics: {mode: endogenous, draws: N}).")
    panels = (("policy_rate.", "Main rate in force (after phase-in and erosion)", "rate", ".3f"),
              ("support.", "Influence-weighted support", "share of influence", ".0%"))
    bands = {prefix: _politics_bands(d, prefix) for prefix, *_ in panels}
    finding = "; ".join(f"{fmt.display_name(sc)}: support {100 * q50.iloc[-1]:.0f} % by {int(q50.index[-1])} "
                        f"(median of {n} draws)" for sc, _, _, q50, _, n in bands["support."])
    finding = finding + "." if finding else ""
    fig = _subplots(1, 2, [p[1] for p in panels])
    for i, (prefix, _title, axis, hover) in enumerate(panels):
        for scenario, policy, q10, q50, q90, _ in bands[prefix]:
            color = data.color(scenario)
            label = f"{fmt.legend_name(scenario)} · {policy}"
            x = q50.index.to_numpy()
            fig.add_trace(_band_trace(x, q10.to_numpy(), q90.to_numpy(), color, label), row=1, col=i + 1)
            fig.add_trace(go.Scatter(x=x, y=q50.to_numpy(), mode="lines", name=label, legendgroup=label,
                                     showlegend=i == 0, line={"color": color, "width": 2.2},
                                     hovertemplate=f"%{{y:{hover}}} {axis} (median)<extra>{label}</extra>"),
                          row=1, col=i + 1)
        if prefix == "support.":  # the enactment threshold (the parameter's value; scenarios rarely change it)
            from commonwealth.parameters import ParameterSet

            threshold = float(ParameterSet()("politics.enactment_threshold"))
            fig.add_hline(y=threshold, line_dash="dash", line_color="#999999", line_width=1, row=1, col=i + 1,
                          annotation_text="enactment threshold", annotation_position="bottom right")
        fig.update_yaxes(title_text=axis, row=1, col=i + 1)
        fig.update_xaxes(title_text="year", row=1, col=i + 1)
    _base_year(fig, data.start_year, 1, 2)
    _finish(fig, title, finding, 1)
    caption = ("Lines: the median over the Monte Carlo draws of the political process; bands: the 10th to 90th "
               "percentile. A proposal passes when support reaches the enactment threshold (dashed); opposition "
               "erodes or repeals a reform in force unless a constitutional lock protects it "
               "(docs/model/politics.md).")
    return Chart(id="politics", title=title, finding=finding, caption=caption, figure=fig)


#: Every chart of the report, in order.
CHARTS: tuple[Callable[[ReportData], Chart], ...] = (
    automation_and_labour, gdp_and_income, wealth_shares, fortunes, dividends, ownership_shares, sector_prices,
    decile_changes, winners_losers, lorenz_curves, holders, politics_spread,
)
#: Their ids (``data-chart`` attributes and file names), in the same order.
CHART_IDS = ("automation-labour", "gdp-income", "wealth-shares", "fortunes", "dividends", "ownership-shares",
             "sector-prices", "deciles", "winners-losers", "lorenz", "holders", "politics")


#: Parameters drawn per sensitivity chart: the largest indices (over every reform), the rest are in sensitivity.csv.
SENSITIVITY_TOP = 8
#: The indices drawn, and in words: the total Sobol index (with S1 marked) or Morris μ* (with its confidence).
SENSITIVITY_WORDS = {
    "ST": "total Sobol index: the share of the effect's variance due to the parameter, its interactions included "
          "(the diamond: the first-order index S1, the parameter alone)",
    "mu_star": "Morris μ*: the mean absolute change of the effect per elementary step of the parameter over its "
               "range, in the effect's unit",
}


def _parameter_labels() -> dict[str, str]:
    from commonwealth.parameters import ParameterSet

    return {p.name: p.spec.label for p in ParameterSet().matching(None)}


def sensitivity_charts(data: ReportData) -> list[Chart]:
    """"What the answer depends on", one chart per headline effect of a Sobol or Morris sweep given to the report:
    each parameter's index for each reform, the largest first, with its 95 % confidence interval (SALib's
    bootstrap). None without such a sweep."""
    sens = getattr(data.sweep, "sensitivity", None)
    if sens is None or sens.empty:
        return []
    key = "ST" if (sens["index"] == "ST").any() else "mu_star"
    labels = _parameter_labels()
    charts = []
    for metric, group in sens[sens["index"].isin([key, "S1"])].groupby("metric", sort=False):
        main = group[group["index"] == key]
        if not (main.value.abs() > 0).any():
            continue
        order = main.groupby("parameter").value.max().sort_values(ascending=False).index[:SENSITIVITY_TOP]
        names = [labels.get(p, p) for p in order][::-1]
        fig = go.Figure()
        unit = "" if key == "ST" else f" ({fmt.metric_label(metric)})"
        for reform, part in main.groupby("scenario", sort=False):
            rows = part.set_index("parameter").reindex(order[::-1])
            fig.add_trace(go.Bar(y=names, x=rows.value.to_numpy(), orientation="h", name=fmt.legend_name(reform),
                                 legendgroup=reform, marker_color=data.color(reform),
                                 error_x={"type": "data", "array": rows.conf.fillna(0).to_numpy(), "thickness": 1.2,
                                          "color": "#444444"},
                                 customdata=list(order[::-1]),
                                 hovertemplate=f"%{{y}} (%{{customdata}})<br>{key} %{{x:.3g}}{unit}"
                                               f"<extra>{fmt.legend_name(reform)}</extra>"))
            first = group[(group.scenario == reform) & (group["index"] == "S1")].set_index("parameter")
            if key == "ST" and len(first):
                fig.add_trace(go.Scatter(y=names, x=first.value.reindex(order[::-1]).to_numpy(), mode="markers",
                                         name=f"{fmt.legend_name(reform)} · S1", legendgroup=reform, showlegend=False,
                                         marker={"symbol": "diamond", "color": "white", "size": 8,
                                                 "line": {"color": data.color(reform), "width": 2}},
                                         hovertemplate=f"%{{y}}<br>S1 %{{x:.3g}}<extra>{fmt.legend_name(reform)}"
                                                       "</extra>"))
        top = main.sort_values("value", ascending=False).iloc[0]
        finding = (f"{fmt.display_name(str(top.scenario), start=True)}'s effect on {fmt.metric_label(metric)} "
                   f"depends most on {labels.get(top.parameter, top.parameter)} ({key} {top.value:.2f}).")
        title = f"What the effect on {fmt.metric_label(metric)} depends on"
        height = 190 + 24 * len(order) * main.scenario.nunique()
        fig.update_layout(barmode="group", bargap=0.25)
        fig.update_xaxes(title_text=key if key == "ST" else f"μ*{unit}", rangemode="tozero")
        _finish(fig, title, finding, 1, height=max(height, 320))
        charts.append(Chart(id=f"sensitivity-{metric}", title=title, finding=finding, figure=fig,
                            caption=f"Each bar: the {SENSITIVITY_WORDS[key]}; the whisker: its 95 % confidence "
                                    f"interval. The {len(order)} parameters with the largest index; every index is "
                                    "in the sweep's sensitivity.csv."))
    return charts


def build_charts(data: ReportData) -> list[Chart]:
    """Every chart of the report (skipped ones included, with their note)."""
    return [make(data) for make in CHARTS]
