"""The report's charts, in one house style, each as a static matplotlib figure and an interactive plotly one.

Every chart function takes a :class:`ReportData` (the scenarios' tidy metrics and their
:class:`~commonwealth.comparison.Comparison`) and returns a :class:`Chart` holding both figures, a title naming
its subject, a one-sentence finding computed from the data and a caption. A chart whose data are missing (sector
prices before the price block, decile charts without snapshots) comes back with ``note`` set and no figures.

Static figures are built with the object-oriented matplotlib API (``matplotlib.figure.Figure``) and saved by the
Agg and SVG canvases, so nothing here touches pyplot's global backend or needs a display; nothing reaches the
network.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter
from plotly.subplots import make_subplots

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
RC = {
    "font.family": "DejaVu Sans",
    "font.size": 10.5,
    "axes.titlesize": 11,
    "axes.titlelocation": "left",
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.labelcolor": "#333333",
    "axes.edgecolor": "#999999",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#e6e6e6",
    "grid.linewidth": 0.8,
    "xtick.color": "#555555",
    "ytick.color": "#555555",
    "legend.frameon": False,
    "legend.fontsize": 9.5,
    "lines.linewidth": 2.0,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.dpi": 150,
    "svg.fonttype": "none",
    "svg.hashsalt": "commonwealth",
}
WIDTH_IN = 11.0
ROW_IN = 3.5
PLOTLY_ROW_PX = 360
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


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
                   draws=pd.concat(with_draws, ignore_index=True) if with_draws else None, sweep=sweep)

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


@dataclass
class Chart:
    """One chart of the report: its static and interactive figures, or a note saying why it is missing."""

    id: str
    title: str
    finding: str = ""
    caption: str = ""
    static: Figure | None = None
    interactive: go.Figure | None = None
    note: str = ""
    files: list[Path] = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        return self.static is None or self.interactive is None

    def save(self, directory: str | Path, formats: Sequence[str] = ("png", "svg")) -> list[Path]:
        """Write the static figure as ``directory/<id>.png`` and ``.svg``; nothing for a skipped chart."""
        if self.static is None:
            return []
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        with mpl.rc_context(RC):
            for ext in formats:
                path = out / f"{self.id}.{ext}"
                metadata = {"Date": None} if ext == "svg" else {"Software": None} if ext == "png" else None
                self.static.savefig(path, format=ext, metadata=metadata)
                paths.append(path)
        self.files = paths
        return paths


def _skipped(chart_id: str, title: str, note: str) -> Chart:
    return Chart(id=chart_id, title=title, note=note)


# --- shared drawing helpers --------------------------------------------------------------------------------


def _figure(title: str, finding: str, rows: int, cols: int, *, height: float | None = None, **kwargs: Any):
    """A figure with the title and the finding (wrapped) in a band above constrained-layout panels."""
    lines = textwrap.wrap(finding.replace("$", r"\$"), 150) if finding else []  # "$" would start mathtext
    band = 0.42 + 0.2 * len(lines)  # inches
    h = (height or (ROW_IN * rows + 1.1)) + band
    fig = Figure(figsize=(WIDTH_IN, h), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0, 1, 1 - band / h))
    axes = fig.subplots(rows, cols, squeeze=False, **kwargs)
    fig.text(0.008, 1 - 0.1 / h, title.replace("$", r"\$"), ha="left", va="top", fontsize=13.5, fontweight="bold",
             color="#111111")
    if lines:
        fig.text(0.008, 1 - 0.4 / h, "\n".join(lines), ha="left", va="top", fontsize=9.8, color="#444444",
                 linespacing=1.35)
    return fig, axes


def _plotly(rows: int, cols: int, titles: Sequence[str], *, gap_px: int = 95, height: int | None = None,
            **kwargs: Any) -> go.Figure:
    """Subplots whose rows are ``gap_px`` apart (room for the x-axis title and the next row's title)."""
    h = height or PLOTLY_ROW_PX * rows + 130
    vspace = min(0.3, gap_px / max(h - 200, 1)) if rows > 1 else 0.1
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[f"<b>{t}</b>" for t in titles],
                        horizontal_spacing=0.08, vertical_spacing=vspace, **kwargs)
    for annotation in fig.layout.annotations:  # subplot titles, bold like the static ones
        annotation.update(font={"size": 14, "color": "#222222"})
    return fig


def _finish_plotly(fig: go.Figure, title: str, finding: str, rows: int, *, height: int | None = None,
                   legend: bool = True) -> go.Figure:
    h = height or PLOTLY_ROW_PX * rows + 130
    fig.update_layout(
        template="plotly_white",
        title={"text": f"<b>{title}</b>" + (f"<br><span style='font-size:13px;color:#555'>{finding}</span>"
                                            if finding else ""),
               "x": 0.01, "xanchor": "left", "font": {"size": 17}},
        height=h,
        font={"family": FONT_STACK, "size": 13, "color": "#222222"},
        margin={"l": 70, "r": 25, "t": 70 if not finding else 95, "b": 105 if legend else 50},
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


def _legend_below(fig: Figure, handles: list[Any], labels: list[str], ncol: int | None = None) -> None:
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncol=ncol or (len(labels) if len(labels) <= 8 else 6))


def _base_year_marker(ax: Any, year: int, *, label: bool = True) -> None:
    ax.axvline(year, color="#888888", lw=1.0, ls=":", zorder=1)
    if label:
        ax.annotate(f"base year {year}", xy=(year, 1), xycoords=("data", "axes fraction"), xytext=(3, -3),
                    textcoords="offset points", fontsize=8.5, color="#777777", ha="left", va="top")


def _plotly_base_year(fig: go.Figure, year: int, rows: int, cols: int) -> None:
    for r in range(1, rows + 1):
        for c in range(1, cols + 1):
            fig.add_vline(x=year, line={"color": "#888888", "width": 1, "dash": "dot"}, row=r, col=c)
    fig.add_annotation(x=year, y=1, xref="x", yref="y domain", text=f"base year {year}", showarrow=False,
                       xanchor="left", yanchor="top", xshift=3, font={"size": 11, "color": "#777777"})


@dataclass(frozen=True)
class Line:
    """One metric drawn in a panel; ``dash`` tells it apart from the panel's other lines."""

    metric: str
    label: str = ""
    dash: str = "solid"  # matplotlib/plotly names: solid, dash, dot
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


def _solid(handle: Any) -> Line2D:
    """A legend key for a scenario: its colour as a solid line, whatever the style of its first line drawn."""
    return Line2D([], [], color=handle.get_color(), lw=2.0)


def _percent_tick(v: float, _pos: Any = None) -> str:
    return f"{v:.4g}%"


_MPL_DASH = {"solid": "-", "dash": "--", "dot": ":"}


def _timeseries(data: ReportData, chart_id: str, title: str, finding: str, caption: str,
                panels: Sequence[Panel], cols: int | None = None) -> Chart:
    """Line charts over the simulated years: one panel per metric group, one colour per scenario."""
    wanted = [ln.metric for p in panels for ln in p.lines]
    if not any(data.has(m) for m in wanted):
        return _skipped(chart_id, title, f"These results have none of the metrics this chart draws "
                        f"({', '.join(dict.fromkeys(wanted))}).")
    n = len(panels)
    cols = cols or min(n, 3)
    rows = -(-n // cols)
    with mpl.rc_context(RC):
        fig, axes = _figure(title, finding, rows, cols)
        pfig = _plotly(rows, cols, [p.title for p in panels])
        shown: set[str] = set()
        handles: dict[str, Any] = {}
        for i, panel in enumerate(panels):
            ax = axes[i // cols][i % cols]
            r, c = i // cols + 1, i % cols + 1
            drew, all_zero, peak = False, True, 0.0
            for line in panel.lines:
                table = data.wide(line.metric)
                for scenario in table.columns:
                    s = table[scenario].dropna()
                    if s.empty or (line.only_nonzero and not (s.abs() > 0).any()):
                        continue
                    y = s.to_numpy() * (100.0 if panel.percent else panel.scale)
                    color = data.color(scenario)
                    h = ax.plot(s.index, y, color=color, ls=_MPL_DASH[line.dash], lw=2.0,
                                label=fmt.legend_name(scenario), zorder=3 if scenario != data.baseline else 2)[0]
                    handles.setdefault(scenario, h)
                    name = f"{fmt.legend_name(scenario)} · {line.label}" if line.label else fmt.legend_name(scenario)
                    suffix = " %" if panel.percent else ""
                    pfig.add_trace(go.Scatter(
                        x=s.index.to_numpy(), y=y, mode="lines", name=fmt.legend_name(scenario), legendgroup=scenario,
                        showlegend=scenario not in shown,
                        line={"color": color, "width": 2.2, "dash": line.dash},
                        hovertemplate=f"%{{y:{panel.hover}}}{suffix}<br>{panel.axis}<extra>{name}</extra>"),
                        row=r, col=c)
                    shown.add(scenario)
                    drew = True
                    all_zero &= not np.any(y)
                    peak = max(peak, float(np.nanmax(np.abs(y))))
            styled = [ln for ln in panel.lines if ln.label]
            if drew and len(styled) > 1:  # plotly's legend names scenarios only: say which line style is which
                key = {"solid": "solid", "dash": "dashed", "dot": "dotted"}
                pfig.add_annotation(text=" · ".join(f"{key[ln.dash]}: {ln.label}" for ln in styled), showarrow=False,
                                    xref=f"x{i + 1 if i else ''} domain", yref=f"y{i + 1 if i else ''} domain",
                                    x=0.03, y=0.9, xanchor="left", yanchor="top",
                                    font={"size": 12, "color": "#444444"}, bgcolor="rgba(255,255,255,0.8)")
                ax.add_artist(ax.legend([Line2D([], [], color="#333333", ls=_MPL_DASH[ln.dash]) for ln in styled],
                                        [ln.label for ln in styled], loc="upper left", bbox_to_anchor=(0.03, 0.92),
                                        handlelength=2.6))
            if drew and all_zero:  # a flat zero line: show it at the bottom of a small positive range
                top = 1.0
                ax.set_ylim(-0.04 * top, top)
                pfig.update_yaxes(range=[-0.04 * top, top], row=r, col=c)
            if not drew:
                ax.text(0.5, 0.5, panel.empty, transform=ax.transAxes, ha="center", va="center", color="#777777")
                pfig.add_annotation(text=panel.empty, showarrow=False, font={"color": "#777777"},
                                    xref=f"x{i + 1 if i else ''} domain", yref=f"y{i + 1 if i else ''} domain",
                                    x=0.5, y=0.5)
            ax.set_title(panel.title)
            ax.set_ylabel(panel.axis)
            ax.set_xlabel("year")
            if panel.percent:
                ax.yaxis.set_major_formatter(FuncFormatter(_percent_tick))
            elif peak >= 1000:
                ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
            else:
                ax.ticklabel_format(axis="y", style="plain", useOffset=False)
            _base_year_marker(ax, data.start_year)
            pfig.update_yaxes(title_text=panel.axis, ticksuffix=" %" if panel.percent else "", row=r, col=c)
            pfig.update_xaxes(title_text="year", row=r, col=c)
        for j in range(n, rows * cols):
            axes[j // cols][j % cols].set_visible(False)
        _legend_below(fig, [_solid(h) for h in handles.values()], [fmt.legend_name(k) for k in handles])
    _plotly_base_year(pfig, data.start_year, rows, cols)
    _finish_plotly(pfig, title, finding, rows)
    return Chart(id=chart_id, title=title, finding=finding, caption=caption, static=fig, interactive=pfig)


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
    width = 0.8 / len(reforms)
    x = np.arange(1, 11)
    with mpl.rc_context(RC):
        fig, axes = _figure(title, finding, rows, cols, sharey="row")
        pfig = _plotly(rows, cols, titles, shared_yaxes=True)
        handles = {}
        for i, yr in enumerate(years):
            for j, by in enumerate(("income", "wealth")):
                ax = axes[i][j]
                part = dec[(dec.year == yr) & (dec.by == by)]
                for k, s in enumerate(reforms):
                    rows_s = part[part.scenario == s].sort_values("decile")
                    offset = (k - (len(reforms) - 1) / 2) * width
                    h = ax.bar(x + offset, rows_s.mean_change.to_numpy(), width=width * 0.95, color=data.color(s),
                               label=fmt.legend_name(s))
                    handles.setdefault(s, h)
                    pfig.add_trace(go.Bar(x=rows_s.decile.to_numpy(), y=rows_s.mean_change.to_numpy(),
                                          name=fmt.legend_name(s),
                                          legendgroup=s, showlegend=i == 0 and j == 0,
                                          marker_color=data.color(s),
                                          hovertemplate=f"decile %{{x}}: %{{y:$,.0f}} a year<extra>{s}</extra>"),
                                   row=i + 1, col=j + 1)
                ax.axhline(0, color="#777777", lw=0.8)
                ax.set_title(titles[i * 2 + j])
                ax.set_xticks(x)
                ax.set_xlabel(f"{by} decile in the baseline (1 = lowest)")
                if j == 0:
                    ax.set_ylabel(f"USD per adult a year ({data.start_year} prices)")
                ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
                ax.grid(axis="x", visible=False)
                pfig.update_xaxes(title_text=f"{by} decile (1 = lowest)", dtick=1, row=i + 1, col=j + 1)
                if j == 0:
                    pfig.update_yaxes(title_text="USD per adult a year", row=i + 1, col=j + 1)
        _legend_below(fig, list(handles.values()), list(handles.keys()))
    pfig.update_layout(barmode="group", bargap=0.15)
    _finish_plotly(pfig, title, finding, rows)
    return Chart(id="deciles", title=title, finding=finding, static=fig, interactive=pfig,
                 caption=f"Mean change in net income (after taxes, transfers and dividends) against "
                         f"{data.baseline}, adults grouped by their decile of income or net worth in the baseline.")


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
    titles = [f"{s}: by {by} decile" for s in reforms for by in ("income", "wealth")]
    with mpl.rc_context(RC):
        fig, axes = _figure(title, finding, rows, cols, height=2.7 * rows + 1.4, sharex=True)
        pheight = 270 * rows + 150
        pfig = _plotly(rows, cols, titles, shared_xaxes=True, gap_px=45, height=pheight)
        for i, s in enumerate(reforms):
            for j, by in enumerate(("income", "wealth")):
                ax = axes[i][j]
                rows_s = part[(part.scenario == s) & (part.by == by)].sort_values("decile")
                table = np.vstack([rows_s[bands].mean().to_numpy(), rows_s[bands].to_numpy()]) * 100
                left = np.zeros(len(labels))
                pos = np.arange(len(labels))[::-1]
                for k, band in enumerate(bands):
                    ax.barh(pos, table[:, k], left=left, color=BAND_COLORS[band], height=0.78, label=band)
                    pfig.add_trace(go.Bar(y=labels, x=table[:, k], orientation="h", name=band, legendgroup=band,
                                          showlegend=i == 0 and j == 0, marker_color=BAND_COLORS[band],
                                          hovertemplate=f"decile %{{y}}: %{{x:.1f}} % {band}<extra>{s}</extra>"),
                                   row=i + 1, col=j + 1)
                    left += table[:, k]
                ax.set_yticks(pos, labels)
                ax.set_xlim(0, 100)
                ax.xaxis.set_major_formatter(FuncFormatter(_percent_tick))
                ax.grid(axis="y", visible=False)
                ax.set_title(titles[i * 2 + j])
                if j == 0:
                    ax.set_ylabel("decile")
                if i == rows - 1:
                    ax.set_xlabel("share of adults")
                pfig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], tickmode="linear", dtick=1,
                                  tickfont={"size": 11}, row=i + 1, col=j + 1)
                pfig.update_xaxes(range=[0, 100], ticksuffix=" %", row=i + 1, col=j + 1)
                if i == rows - 1:
                    pfig.update_xaxes(title_text="share of adults", row=i + 1, col=j + 1)
        handles = [Patch(color=BAND_COLORS[b]) for b in bands]
        _legend_below(fig, handles, bands, ncol=5)
    pfig.update_layout(barmode="stack", bargap=0.2)
    _finish_plotly(pfig, title, finding, rows, height=pheight)
    return Chart(id="winners-losers", title=title, finding=finding, static=fig, interactive=pfig,
                 caption=f"Share of each decile's adults (and of all adults) whose net income in {y} changes by "
                         f"more or less than 5 % against {data.baseline}: PolicyEngine's five bands. Deciles of "
                         "income or net worth in the baseline.")


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
    with mpl.rc_context(RC):
        fig, axes = _figure(title, finding, 1, 2, height=ROW_IN + 1.6)
        pfig = _plotly(1, 2, [f"{label}, {y}" for _, label in variables])
        handles = {}
        for j, (var, label) in enumerate(variables):
            ax = axes[0][j]
            ax.plot([0, 100], [0, 100], color="#aaaaaa", lw=1, ls="--")
            pfig.add_trace(go.Scatter(x=[0, 100], y=[0, 100], mode="lines", name="perfect equality",
                                      line={"color": "#aaaaaa", "width": 1, "dash": "dash"}, showlegend=j == 0,
                                      legendgroup="equality", hoverinfo="skip"), row=1, col=j + 1)
            for s in data.scenarios:
                c = part[(part.scenario == s) & (part.variable == var)].sort_values("population_share")
                if c.empty:
                    continue
                xs, ys = c.population_share.to_numpy() * 100, c.value_share.to_numpy() * 100
                handles.setdefault(s, ax.plot(xs, ys, color=data.color(s), lw=1.8, label=fmt.legend_name(s))[0])
                pfig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=fmt.legend_name(s), legendgroup=s,
                                          showlegend=j == 0,
                                          line={"color": data.color(s), "width": 2},
                                          hovertemplate="poorest %{x:.0f} % hold %{y:.1f} %<extra>" + s
                                                        + "</extra>"), row=1, col=j + 1)
            ax.set_title(f"{label}, {y}")
            ax.set_xlabel("adults, poorest first (% of adults)")
            ax.set_ylabel(f"cumulative share of {var} (%)")
            ax.set_xlim(0, 100)
            ax.xaxis.set_major_formatter(FuncFormatter(_percent_tick))
            ax.yaxis.set_major_formatter(FuncFormatter(_percent_tick))
            pfig.update_xaxes(title_text="adults, poorest first", ticksuffix=" %", range=[0, 100], row=1,
                              col=j + 1)
            pfig.update_yaxes(title_text=f"cumulative share of {var}", ticksuffix=" %", row=1, col=j + 1)
        _legend_below(fig, [*handles.values(), Line2D([], [], color="#aaaaaa", ls="--")],
                      [*handles.keys(), "perfect equality"])
    _finish_plotly(pfig, title, finding, 1, height=PLOTLY_ROW_PX + 190)
    return Chart(id="lorenz", title=title, finding=finding, static=fig, interactive=pfig,
                 caption="The share of all net worth (left) and income (right) held by the poorest x % of adults; "
                         "the further below the diagonal, the more unequal. Net worth can be negative, so the wealth "
                         "curve can dip below zero.")


def holders(data: ReportData) -> Chart:
    """Who owns companies and land: stacked shares by holder, per scenario and compared year."""
    title = "Who owns companies and land"
    own = data.comparison.ownership
    if not len(own):
        return _skipped("holders", title, "These results have no per-household snapshots, so no ownership table.")
    years = sorted(int(y) for y in own.year.unique())
    y = years[-1]
    comp = own[(own.year == y) & (own.asset == "companies")]
    finding = ""
    b = data.baseline
    rich = comp[(comp.scenario == b) & comp.holder.isin(["top 0.1%", "next 9.9%"])].share.sum()
    if len(comp[comp.scenario == b]):
        finding = f"In {y} the richest 10 % of adults own {fmt.pct(rich)} of US companies under {fmt.display_name(b)}"
        bottom = {s: float(comp[(comp.scenario == s) & (comp.holder == "bottom 90%")].share.sum())
                  for s in data.reforms if s in set(comp.scenario)}
        best = _extreme(bottom)
        if best:
            finding += f"; the poorer 90 % own up to {fmt.pct(best[1])} (under {fmt.display_name(best[0])})"
        finding += "."
    holder_order = [h for h in HOLDER_COLORS if h in set(own.holder)] + sorted(set(own.holder) - set(HOLDER_COLORS))
    colors = {h: HOLDER_COLORS.get(h, "#cccccc") for h in holder_order}
    labels = [f"{s} · {yr}" if len(years) > 1 else s for yr in years for s in data.scenarios
              if len(own[(own.scenario == s) & (own.year == yr)])]
    keys = [(s, yr) for yr in years for s in data.scenarios if len(own[(own.scenario == s) & (own.year == yr)])]
    assets = [("companies", "US companies (market value)"), ("land", "Household land (value)")]
    with mpl.rc_context(RC):
        fig, axes = _figure(title, finding, 1, 2, height=0.36 * len(keys) + 2.4, sharey=True)
        pfig = _plotly(1, 2, [label for _, label in assets], shared_yaxes=True)
        for j, (asset, label) in enumerate(assets):
            ax = axes[0][j]
            pos = np.arange(len(keys))[::-1]
            left = np.zeros(len(keys))
            for h in holder_order:
                share = np.array([float(own[(own.scenario == s) & (own.year == yr) & (own.asset == asset)
                                            & (own.holder == h)].share.sum()) for s, yr in keys]) * 100
                if not share.any():
                    continue
                ax.barh(pos, share, left=left, color=colors[h], height=0.75, label=h)
                for p, lft, v in zip(pos, left, share, strict=True):
                    if v >= 7:
                        dark = h in ("top 0.1%", "next 9.9%")
                        ax.text(lft + v / 2, p, f"{v:.0f}%", ha="center", va="center", fontsize=8,
                                color="white" if dark else "#222222")
                pfig.add_trace(go.Bar(y=labels, x=share, orientation="h", name=h, legendgroup=h,
                                      showlegend=j == 0 or (asset == "land" and h not in set(
                                          own[own.asset == "companies"].holder)),
                                      marker_color=colors[h], text=[f"{v:.0f}%" if v >= 7 else "" for v in share],
                                      textposition="inside", insidetextanchor="middle",
                                      hovertemplate=f"{h}: %{{x:.1f}} %<extra>%{{y}}</extra>"), row=1, col=j + 1)
                left += share
            ax.set_yticks(pos, labels)
            ax.set_xlim(0, 100)
            ax.xaxis.set_major_formatter(FuncFormatter(_percent_tick))
            ax.grid(axis="y", visible=False)
            ax.set_title(label)
            ax.set_xlabel("share of value")
            pfig.update_xaxes(range=[0, 100], ticksuffix=" %", title_text="share of value", row=1, col=j + 1)
            pfig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], row=1, col=j + 1)
        drawn = [h for h in holder_order if (own[own.holder == h].share.abs() > 1e-9).any()]
        _legend_below(fig, [Patch(color=colors[h]) for h in drawn], drawn)
    pfig.update_layout(barmode="stack", bargap=0.25, uniformtext={"minsize": 10, "mode": "hide"})
    _finish_plotly(pfig, title, finding, 1, height=int(26 * len(keys) + 260))
    return Chart(id="holders", title=title, finding=finding, static=fig, interactive=pfig,
                 caption="Companies: households by wealth group (adults ranked by net worth), the equity fund, "
                         "public or nonprofit owners and foreigners. Land: households by wealth group.")


#: Every chart of the report, in order.
def politics_spread(data: ReportData) -> Chart:
    """Under endogenous politics: each reform's rate in force and its support, median and the 10th–90th
    percentile band over the Monte Carlo draws."""
    title = "Politics: do the reforms pass and last?"
    d = data.draws
    if d is None or d.empty:
        return _skipped("politics", title, "No scenario here runs endogenous politics with Monte Carlo draws "
                        "(politics: {mode: endogenous, draws: N}).")
    panels = (("policy_rate.", "Main rate in force (after phase-in and erosion)", "rate"),
              ("support.", "Influence-weighted support", "share of influence"))
    bands: dict[str, list[tuple[str, str, pd.Series, pd.Series, pd.Series, int]]] = {}
    for prefix, _, _ in panels:
        for (scenario, metric), group in d[d.metric.str.startswith(prefix)].groupby(["scenario", "metric"]):
            table = group.pivot(index="year", columns="draw", values="value")
            q10, q50, q90 = (table.quantile(q, axis=1) for q in (0.1, 0.5, 0.9))
            bands.setdefault(prefix, []).append((scenario, metric.split(".", 1)[1], q10, q50, q90, table.shape[1]))
    finding = "; ".join(f"{fmt.display_name(sc)}: support {100 * q50.iloc[-1]:.0f} % by {int(q50.index[-1])} "
                        f"(median of {n} draws)" for sc, _, _, q50, _, n in bands.get("support.", []))
    finding = finding + "." if finding else ""
    with mpl.rc_context(RC):
        fig, axes = _figure(title, finding, 1, 2)
        pfig = _plotly(1, 2, [p[1] for p in panels])
        handles: dict[str, Any] = {}
        for i, (prefix, panel_title, axis) in enumerate(panels):
            ax = axes[0][i]
            for scenario, policy, q10, q50, q90, _ in bands.get(prefix, []):
                color = data.color(scenario)
                label = f"{fmt.legend_name(scenario)} · {policy}"
                handles[label] = ax.plot(q50.index, q50, color=color, lw=2.0)[0]
                ax.fill_between(q50.index, q10, q90, color=color, alpha=0.18, lw=0)
                x = q50.index.to_numpy()
                pfig.add_trace(go.Scatter(x=np.concatenate([x, x[::-1]]),
                                          y=np.concatenate([q90.to_numpy(), q10.to_numpy()[::-1]]), fill="toself",
                                          fillcolor=color, opacity=0.18, line={"width": 0}, hoverinfo="skip",
                                          showlegend=False, legendgroup=label), row=1, col=i + 1)
                pfig.add_trace(go.Scatter(x=x, y=q50.to_numpy(), mode="lines", name=label, legendgroup=label,
                                          showlegend=i == 0, line={"color": color, "width": 2.2},
                                          hovertemplate=f"%{{y:.3f}}<extra>{label} (median)</extra>"),
                               row=1, col=i + 1)
            ax.set_title(panel_title)
            ax.set_ylabel(axis)
            ax.set_xlabel("year")
            if prefix == "support.":  # the enactment threshold (the parameter's value; scenarios rarely change it)
                from commonwealth.parameters import ParameterSet

                threshold = float(ParameterSet()("politics.enactment_threshold"))
                ax.axhline(threshold, color="#999999", lw=1, ls="--")
                pfig.add_hline(y=threshold, line_dash="dash", line_color="#999999", line_width=1, row=1, col=i + 1,
                               annotation_text="enactment threshold", annotation_position="bottom right")
            _base_year_marker(ax, data.start_year)
            pfig.update_yaxes(title_text=axis, row=1, col=i + 1)
            pfig.update_xaxes(title_text="year", row=1, col=i + 1)
        _legend_below(fig, [_solid(h) for h in handles.values()], list(handles.keys()))
    _plotly_base_year(pfig, data.start_year, 1, 2)
    _finish_plotly(pfig, title, finding, 1)
    caption = ("Lines: the median over the Monte Carlo draws of the political process; bands: the 10th to 90th "
               "percentile. A proposal passes when support reaches the enactment threshold (dashed); opposition "
               "erodes or repeals a reform in force unless a constitutional lock protects it "
               "(docs/model/politics.md).")
    return Chart(id="politics", title=title, finding=finding, caption=caption, static=fig, interactive=pfig)


CHARTS: tuple[Callable[[ReportData], Chart], ...] = (
    automation_and_labour, gdp_and_income, wealth_shares, fortunes, dividends, ownership_shares, sector_prices,
    decile_changes, winners_losers, lorenz_curves, holders, politics_spread,
)
#: Their ids (``data-chart`` attributes and file names), in the same order.
CHART_IDS = ("automation-labour", "gdp-income", "wealth-shares", "fortunes", "dividends", "ownership-shares",
             "sector-prices", "deciles", "winners-losers", "lorenz", "holders", "politics")


def build_charts(data: ReportData) -> list[Chart]:
    """Every chart of the report (skipped ones included, with their note)."""
    return [make(data) for make in CHARTS]
