"""The self-contained HTML report: headline, comparison tables, charts, assumptions and how to reproduce it.

``report.html`` loads nothing: plotly.js is embedded once, inline, and every figure is drawn by it; the styles are
inline and use the reader's system fonts. The only links out are the parameters' sources, as plain ``<a href>``.
With ``static_charts`` the same figures are written beside it in ``charts/`` as PNG and SVG (exported by
Kaleido with a local Chrome or Chromium).
"""

from __future__ import annotations

import html
import json
import math
import shlex
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import plotly.io as pio
import plotly.offline

from commonwealth.report import _format as fmt
from commonwealth.report.charts import (
    PLOTLY_CONFIG,
    SENSITIVITY_WORDS,
    Chart,
    ReportData,
    build_charts,
    export_static,
    sensitivity_charts,
)

#: Metrics of the comparison tables, in order (those absent from the results are left out).
TABLE_METRICS = ("gdp", "median_income_real", "median_disposable_income_real",
                 "dividend_per_adult_real", "wealth_share_top0_1", "wealth_share_top1",
                 "wealth_share_bottom50", "gini_wealth", "billionaires", "citizen_ownership_share",
                 "fund_ownership_share", "labor_share", "displaced_share", "public_debt", "cpi")
#: Reforms per comparison table (beside the baseline): more are split over several tables, so that a table
#: fits a 1280-pixel screen and a printed page whatever the number of scenarios.
TABLE_REFORMS = 3
#: "Who decides": political influence, its concentration, and who holds the votes and the companies.
WHO_DECIDES_METRICS = ("influence_share_top1", "influence_share_bottom50", "power_concentration",
                       "fund_voting_share", "citizen_ownership_share", "fund_ownership_share",
                       "public_ownership_share")
#: A change in a share smaller than this (a twentieth of a percentage point) reads as "no change".
SHARE_TOLERANCE = 0.0005

_E = html.escape


# --- the headline ------------------------------------------------------------------------------------------


def _nan(x: float) -> bool:
    return x is None or not math.isfinite(x)


def _join(clauses: Sequence[str]) -> str:
    clauses = [c for c in clauses if c]
    if len(clauses) <= 1:
        return "".join(clauses)
    return ", ".join(clauses[:-1]) + " and " + clauses[-1]


def _share_clause(data: ReportData, scenario: str, metric: str, who: str, of: str = " of wealth") -> str:
    b = data.baseline
    before, after = data.value(b, metric), data.value(scenario, metric)
    if _nan(before) or _nan(after):
        return ""
    if abs(after - before) < SHARE_TOLERANCE:
        return f"leaves {who} share{of} at {fmt.pct(after)}"
    verb = ("cuts" if after < before else "raises") if "richest" in who else ("lifts" if after > before else
                                                                               "lowers")
    return f"{verb} {who} share{of} from {fmt.pct(before)} to {fmt.pct(after)}"


def _dividend_metric(data: ReportData) -> str:
    return "dividend_per_adult_real" if data.has("dividend_per_adult_real") else "dividend_per_adult"


def _band_text(data: ReportData, scenario: str, metric: str, show) -> str:
    """" (a to b, 10–90 % over N draws)" of a sweep's effect, or "" without one."""
    band = data.band(scenario, metric)
    if band is None:
        return ""
    return f" ({show(band[0])} to {show(band[1])}, 10–90 % over {data.sweep.draws} draws)"


def _costs(data: ReportData, scenario: str) -> str | None:
    """What a reform costs against the baseline by the horizon: GDP, public debt (and its ratio to GDP)."""
    b = data.baseline
    parts = []
    gdp, gdp0 = data.value(scenario, "gdp"), data.value(b, "gdp")
    if not _nan(gdp) and not _nan(gdp0) and gdp0:
        parts.append(f"GDP {fmt.relative(gdp / gdp0 - 1)}{_band_text(data, scenario, 'gdp', fmt.usd_diff)}")
    debt, debt0 = data.value(scenario, "public_debt"), data.value(b, "public_debt")
    if not _nan(debt) and not _nan(debt0):
        ratio = data.value(scenario, "public_debt_ratio") - data.value(b, "public_debt_ratio")
        points = "" if _nan(ratio) else f", {fmt.pp(ratio)} of GDP"
        parts.append(f"public debt {fmt.usd_diff(debt - debt0)}{points}"
                     f"{_band_text(data, scenario, 'public_debt', fmt.usd_diff)}")
    return f"{fmt.display_name(scenario)}: {', '.join(parts)}" if parts else None


def _baseline_headline(data: ReportData) -> str:
    """The headline without a reform to compare: the baseline's shares, median income (before taxes: there is
    no reform to net against), GDP and labour's share."""
    y, b, y0 = data.year, data.baseline, data.start_year
    top, bottom, median = "wealth_share_top1", "wealth_share_bottom50", "median_income_real"
    parts = []
    if not _nan(data.value(b, top)):
        parts.append(f"the richest 1 % hold {fmt.pct(data.value(b, top))} of household wealth and the poorer "
                     f"half {fmt.pct(data.value(b, bottom))}")
    if not _nan(data.value(b, median)):
        parts.append(f"median real income is {fmt.usd(data.value(b, median))} "
                     f"({fmt.usd(data.value(b, median, y0))} in {y0})")
    if not parts and not _nan(data.value(b, "gdp")):
        parts.append(f"GDP reaches {fmt.usd(data.value(b, 'gdp'))} a year "
                     f"({fmt.usd(data.value(b, 'gdp', y0))} in {y0})")
    if not _nan(data.value(b, "labor_share")):
        parts.append(f"labour's share of output is {fmt.pct(data.value(b, 'labor_share'))} "
                     f"({fmt.pct(data.value(b, 'labor_share', y0))} in {y0})")
    text = f"By {y} under {fmt.display_name(b)} " + "; ".join(parts) if parts else f"{y}: no metric to report"
    return text + ". Add a reform to compare with it." if data.reforms == () else text + "."


def headline(data: ReportData) -> str:
    """The report's answer in a few sentences, chosen from the data: the largest dividend and what that
    reform does to the richest 1 %'s and the poorer half's shares of wealth, then the reform that cuts the top
    share most and the one that raises median real income (after taxes and transfers, where the run has it)
    most, each against the baseline; then what each reform named costs — GDP and public debt by the horizon."""
    y, b, y0 = data.year, data.baseline, data.start_year
    top, bottom = "wealth_share_top1", "wealth_share_bottom50"
    net = data.has("median_disposable_income_real")
    median = "median_disposable_income_real" if net else "median_income_real"
    income_words = "median real income after taxes and transfers" if net else "median real income"
    reforms = [s for s in data.reforms if not _nan(data.value(s, top))]
    if not reforms:
        return _baseline_headline(data)
    div = _dividend_metric(data)
    dividends = {s: data.value(s, div) for s in reforms}
    dividends = {s: v for s, v in dividends.items() if not _nan(v)}
    top_change = {s: data.value(s, top) - data.value(b, top) for s in reforms}
    lead_div = max(dividends, key=dividends.__getitem__) if dividends else None
    pays = lead_div is not None and dividends[lead_div] >= 1
    lead = lead_div if pays else min(top_change, key=top_change.__getitem__)
    clauses = []
    if pays:
        clauses.append(f"pays a dividend of {fmt.usd(dividends[lead])} a year per adult ({y0} prices)")
    clauses.append(_share_clause(data, lead, top, "the richest 1 %'s"))
    clauses.append(_share_clause(data, lead, bottom, "the poorer half's", of=""))
    first = f"By {y} {fmt.display_name(lead)} {_join(clauses)}."
    if not pays:
        first = f"By {y} no reform pays a dividend; {fmt.display_name(lead)} {_join(clauses[-2:])}."
    second = []
    cut = min(top_change, key=top_change.__getitem__)
    if cut != lead and top_change[cut] < -SHARE_TOLERANCE:
        second.append(f"{fmt.display_name(cut)} cuts the richest 1 %'s share the most, to "
                      f"{fmt.pct(data.value(cut, top))}")
    base_median = data.value(b, median)
    gains = {s: data.value(s, median) / base_median - 1 for s in reforms
             if not _nan(data.value(s, median)) and base_median and not _nan(base_median)}
    if gains:
        best = max(gains, key=gains.__getitem__)
        if gains[best] > 0.001:
            who = "it also" if best == lead else fmt.display_name(best)
            most = " the most" if len(gains) > 1 else ""
            second.append(f"{who} raises {income_words}{most}: {fmt.usd(data.value(best, median))} a year "
                          f"against {fmt.usd(base_median)} under {fmt.display_name(b)} ({fmt.relative(gains[best])})"
                          f"{_band_text(data, best, median, fmt.usd_diff)}")
        else:
            who = "no reform raises" if len(gains) > 1 else "it does not raise"
            second.append(f"{who} {income_words} above {fmt.display_name(b)}'s {fmt.usd(base_median)}")
            best = None
    else:
        best = None
    text = first[0].upper() + first[1:]
    if second:
        rest = "; ".join(second)
        text += " " + rest[0].upper() + rest[1:] + "."
    named = list(dict.fromkeys(s for s in (lead, cut if cut != lead and top_change[cut] < -SHARE_TOLERANCE else None,
                                            best) if s is not None))
    costs = [c for c in (_costs(data, s) for s in named) if c]
    if costs:
        text += f" Costs by {y} against {fmt.display_name(b)}: " + "; ".join(costs) + "."
    return text


def _context(data: ReportData, scenarios: Sequence[Any]) -> str:
    """One line on the AI path the scenarios share (or not)."""
    presets = sorted({s.ai.preset for s in scenarios})
    b, y0, y = data.baseline, data.start_year, data.year
    text = f"AI path: {', '.join(presets)}."
    if data.has("automation_share"):
        text += (f" Under {fmt.display_name(b)} machines perform {fmt.pct(data.value(b, 'automation_share', y0))} "
                 f"of tasks in {y0} and {fmt.pct(data.value(b, 'automation_share'))} by {y}")
        if data.has("labor_share"):
            text += (f"; labour's share of output goes from {fmt.pct(data.value(b, 'labor_share', y0))} to "
                     f"{fmt.pct(data.value(b, 'labor_share'))}")
        text += "."
    return text


# --- tables ------------------------------------------------------------------------------------------------


def _swatch(data: ReportData, scenario: str) -> str:
    return f'<span class="swatch" style="background:{data.color(scenario)}"></span>'


def comparison_tables(data: ReportData, chosen: Sequence[str] = TABLE_METRICS, kind: str = "compare") -> str:
    """One table per compared year (split when there are more than TABLE_REFORMS reforms, each part with the
    baseline): key metrics × scenarios, each value with its difference from the baseline."""

    d = data.comparison.differences
    out = []
    for year in data.comparison.years:
        part = d[d.year == year]
        metrics = [m for m in chosen if (part.metric == m).any()]
        if chosen is TABLE_METRICS and "dividend_per_adult_real" not in metrics and (
                part.metric == "dividend_per_adult").any():
            metrics.insert(2, "dividend_per_adult")
        if not metrics:
            continue
        present = [s for s in data.scenarios if (part.scenario == s).any()]
        others = [s for s in present if s != data.baseline]
        groups = [others[i:i + TABLE_REFORMS] for i in range(0, len(others), TABLE_REFORMS)] or [[]]
        for n, group in enumerate(groups):
            scenarios = ([data.baseline] if data.baseline in present else []) + group
            part_note = f" (part {n + 1} of {len(groups)})" if len(groups) > 1 else ""
            out.append(_compare_table(data, part, metrics, scenarios, kind, year, part_note))
    return "\n".join(out)


def _compare_table(data: ReportData, part: Any, metrics: Sequence[str], scenarios: Sequence[str], kind: str,
                   year: int, part_note: str) -> str:
    from commonwealth.metrics import METRICS

    head = "".join(f'<th scope="col">{_swatch(data, s)}{_E(s)}</th>' for s in scenarios)
    rows = []
    for m in metrics:
        cells = []
        for s in scenarios:
            hit = part[(part.scenario == s) & (part.metric == m)]
            if hit.empty:
                cells.append("<td>–</td>")
                continue
            r = hit.iloc[0]
            unit = "index" if m.startswith("gini") else r.unit  # a Gini reads as 0.792, not 79.2 %
            value = fmt.value(float(r.value), unit)
            diff = "" if s == data.baseline else (
                f'<span class="diff">{_E(fmt.difference(float(r.difference), float(r.relative), unit))}'
                "</span>")
            cells.append(f'<td><span class="val">{_E(value)}</span>{diff}</td>')
        unit = METRICS[m].unit if m in METRICS else str(part[part.metric == m].unit.iloc[0])
        tip = f"{METRICS[m].description} Unit: {unit}." if m in METRICS else f"Unit: {unit}."
        rows.append(f'<tr data-metric="{_E(m)}"><th scope="row" title="{_E(tip)}">{_E(fmt.metric_label(m))}'
                    f'<code>{_E(m)}</code></th>{"".join(cells)}</tr>')
    return (f'<div class="table-wrap"><table class="compare" data-table="{kind}" data-year="{year}">'
            f"<caption>{year}: value, and difference from {_E(data.baseline)} "
            f"(percentage points for shares){part_note}</caption>"
            f'<thead><tr><th scope="col">metric</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table></div>")


#: Resamples of the report's paired bootstrap: the standard error to about 7 % (1/√(2B)), in about 0.5 s at
#: 100,000 records and four reforms.
SAMPLING_RESAMPLES = 100
#: An effect whose 95 % sampling half-width exceeds this share of its size is flagged as not small against it.
SAMPLING_FLAG = 0.25


def _error_text(value: float, unit: str) -> str:
    """A sampling error's size in the metric's unit, precise enough to read beside the effect."""
    if unit == "/1":
        return f"{100 * value:.2f}{fmt.NBSP}pp"
    if unit.startswith("USD"):
        return fmt.usd(value)
    return f"{value:,.0f}"


def sampling_precision(data: ReportData) -> str:
    """"How precise": the sampling error of each reform's effect on the record-level headline metrics at the
    population size used (:mod:`commonwealth.sampling`, a paired Poisson bootstrap over the records of the
    horizon's snapshots), and what it leaves out; empty without snapshots of that year."""
    from commonwealth.metrics import METRICS
    from commonwealth.sampling import sampling_errors

    by_name = {r.scenario.name: r for r in data.results}
    base = by_name.get(data.baseline)
    if base is None or data.year not in base.snapshots:
        return ""
    weights = base.snapshots[data.year]["weight"].to_numpy()
    reforms = [by_name[s] for s in data.reforms if s in by_name and data.year in by_name[s].snapshots
               and getattr(by_name[s], "draws", None) is None  # snapshots of draw 0 only: not the medians shown
               and np.array_equal(by_name[s].snapshots[data.year]["weight"].to_numpy(), weights)]  # same records
    if not reforms:
        return ""
    size = int(base.scenario.population.size)
    errors = sampling_errors(reforms, base, data.year, resamples=SAMPLING_RESAMPLES, seed=int(base.scenario.seed))
    rows, flagged = [], []
    for e in errors:
        unit = METRICS[e.metric].unit
        small = e.half_width_95 <= SAMPLING_FLAG * abs(e.effect)
        if not small:
            flagged.append(f"{fmt.display_name(e.scenario)} on {fmt.metric_label(e.metric).lower()}")
        rows.append(f"<tr data-metric='{_E(e.metric)}'><th scope='row'>{_E(fmt.legend_name(e.scenario))}</th>"
                    f"<td>{_E(fmt.metric_label(e.metric))}</td><td>{_E(fmt.difference(e.effect, None, unit))}</td>"
                    f"<td>±{_E(_error_text(e.half_width_95, unit))}</td>"
                    f"<td>{'small' if small else 'not small'}</td></tr>")
    refs = " ".join(_E(shlex.quote(_scenario_ref(r.scenario)[1])) for r in reforms)
    sweep = (f"commonwealth sweep {refs} --baseline {_E(shlex.quote(_scenario_ref(base.scenario)[1]))} "
             f"--parameters none --draws 16 --size {size}")
    warn = (f"<p class='note'>Not small against the effect at {size:,} records: {_E('; '.join(flagged))}. Run more "
            "records, or a sweep (below), before relying on these.</p>") if flagged else ""
    return f"""<section id="sampling"><h2>How precise: sampling error</h2>
<p>The population is a sample of {size:,} records, so every effect carries sampling error. For the effects on
the statistics of the records, the table gives the 95&nbsp;% interval's half-width (1.96 standard errors) in
{data.year}: a paired Poisson bootstrap over the records ({SAMPLING_RESAMPLES} resamples, the same resample for
the baseline and each reform; every US billionaire is a record of their own, a census, and is not resampled).
An effect is <em>small</em> against its error when the half-width is at most {SAMPLING_FLAG:.0%} of it.</p>
{warn}<div class='table-wrap'><table class='compare' data-table='sampling'><caption>Effects against
{_E(fmt.display_name(data.baseline))} in {data.year} and their sampling error at {size:,} records</caption>
<thead><tr><th scope='col'>reform</th><th scope='col'>effect on</th><th scope='col'>this run</th>
<th scope='col'>±95&nbsp;%</th><th scope='col'>against the effect</th></tr></thead><tbody>{''.join(rows)}</tbody>
</table></div>
<p>What this leaves out: a different sample would also have changed the simulated economy (aggregates such as
GDP and public debt, which no bootstrap of the records reaches), and reforms run with Monte Carlo political
draws. Both are measured by re-running over seeds and political draws, parameters fixed (docs/uncertainty.md):
<code>{sweep}</code>; give the result to the report with <code>--sweep DIR</code>.</p>
</section>"""


def who_decides(data: ReportData) -> str:
    """The "who decides" section: influence shares, power concentration and the holders of corporate votes
    and companies, in each compared year; empty when the run has none of these metrics."""
    tables = comparison_tables(data, WHO_DECIDES_METRICS, kind="who-decides")
    if not tables:
        return ""
    return ('<section id="who-decides"><h2>Who decides</h2>'
            "<p>Political influence weighs each adult citizen by one person, one vote and by wealth (the "
            "<code>politics.plutocracy</code> weight, docs/model/politics.md): the richest 1 %'s and the poorer "
            "half's shares of influence, and its concentration (a Gini: 0 is one person one vote). Corporate votes "
            "held by the fund and the poorer 90 %, and who owns the companies.</p>"
            f"{tables}{_fund_holdings_note(data)}</section>")


def _fund_holdings_note(data: ReportData) -> str:
    """Why the fund's ownership can read 0 % while it levies every year: it hands its shares on."""
    d = data.comparison.differences
    levied = d[(d.metric == "dividend_shares_per_adult") & (d.value > 0)]
    held = d[d.metric == "fund_ownership_share"].groupby("scenario").value.max()
    quiet = [s for s in levied.scenario.unique() if held.get(s, 0.0) < SHARE_TOLERANCE]
    if not quiet:
        return ""
    names = ", ".join(fmt.display_name(s) for s in quiet)
    return (f"<p class='note'>Under {_E(names)} the fund owns almost none of the companies at the end of each "
            "year although it levies a share of them every year: it distributes every share it takes to adult "
            "citizens (the received shares, held or sold, are in the citizens' share), as the American Equity "
            "Fund would. A fund that kept its shares would hold a growing stake "
            "(<code>policy.american_equity_fund.retained_share</code>).</p>")


def depends_on(data: ReportData, charts: Sequence[Chart] | None = None, static_dir: str | None = None) -> str:
    """"What the answer depends on": from a sweep given to the report, each reform's effect on the headline
    metrics with its 10–90 % band and, for a Sobol or Morris sweep, one chart per headline effect of the
    indices (``charts``: :func:`sensitivity_charts`, built here when not given) and the three parameters each
    effect depends on most. Empty without a sweep."""
    sweep = data.sweep
    if sweep is None:
        return ""
    from commonwealth.metrics import METRICS
    from commonwealth.sweep import HEADLINES

    plan = sweep.plan
    intro = (f"<p>From a {_E(plan.get('method', ''))} sweep of {sweep.draws} draws at "
             f"{int(plan.get('population_size') or 0):,} records (<code>commonwealth sweep</code>, "
             "docs/uncertainty.md): the baseline and each reform at the same draw of the uncertain parameters"
             f"{', the seed and the political draw' if plan.get('vary_seed') else ''}. "
             "The band is the 10th to 90th percentile of the effect over the draws.</p>")
    rows = []
    for reform in data.reforms:
        for metric in HEADLINES:
            band = data.band(reform, metric)
            if band is None or metric not in METRICS:
                continue
            unit = METRICS[metric].unit
            central = data.value(reform, metric) - data.value(data.baseline, metric)
            rows.append(f"<tr><th scope='row'>{_E(fmt.display_name(reform))}</th><td>{_E(fmt.metric_label(metric))}"
                        f"</td><td>{_E(fmt.difference(central, None, unit))}</td>"
                        f"<td>{_E(fmt.difference(band[0], None, unit))} to {_E(fmt.difference(band[1], None, unit))}"
                        "</td></tr>")
    table = ("<div class='table-wrap'><table class='compare' data-table='bands'><caption>Effects against "
             f"{_E(data.baseline)} in {data.year}: this run, and the sweep's 10–90 % band</caption><thead><tr>"
             "<th scope='col'>reform</th><th scope='col'>effect on</th><th scope='col'>this run</th>"
             f"<th scope='col'>10–90 %</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>") if rows else ""
    indices = _sensitivity_html(data, charts, static_dir)
    return f'<section id="depends"><h2>What the answer depends on</h2>{intro}{table}{indices}</section>'


def _sensitivity_html(data: ReportData, charts: Sequence[Chart] | None, static_dir: str | None) -> str:
    """The sweep's indices: one chart per headline effect (parameters by index, each reform a colour) and the
    three parameters each effect depends on most."""
    sens = data.sweep.sensitivity
    if sens.empty:
        return ("<p>This sweep drew points at random (Monte Carlo), which gives bands but no attribution; a "
                "<code>--method sobol</code> or <code>morris</code> sweep says which parameters drive each effect.</p>")
    key = "ST" if (sens["index"] == "ST").any() else "mu_star"
    out = [f"<p>Each bar is the {_E(SENSITIVITY_WORDS[key])}.</p>"]
    top = []
    for reform, group in sens[sens["index"] == key].groupby("scenario", sort=False):
        items = []
        for metric, g in group.sort_values("value", ascending=False).groupby("metric", sort=False):
            items.append(f"<li>{_E(fmt.metric_label(metric))}: " + ", ".join(
                f"<code>{_E(r.parameter)}</code> {r.value:.2f}" for r in g.head(3).itertuples()) + "</li>")
        top.append(f"<li>{_E(fmt.display_name(reform, start=True))}<ul>{''.join(items)}</ul></li>")
    out.append(f"<details><summary>The three parameters each effect depends on most</summary><ul>{''.join(top)}"
               "</ul></details>")
    charts = sensitivity_charts(data) if charts is None else charts
    out += [_chart_html(c, static_dir=static_dir) for c in charts]
    return "".join(out)


def budget_table(data: ReportData) -> str:
    """Each reform's budget score: static (before the rule) and dynamic (what the rule did, where debt
    and GDP end) — commonwealth.comparison.budget_scores."""
    from commonwealth.comparison import BUDGET_SCORES

    scores = getattr(data.comparison, "budget", None)
    if scores is None or scores.empty:
        return ""
    heads = {"static_10y": "static score, years 1–10", "debt_ratio_10y": "Δ debt/GDP, year 10",
             "rule_response": "rule's response", "debt_ratio_horizon": "Δ debt/GDP, horizon",
             "gdp_horizon": "Δ real GDP, horizon"}
    head = "".join(f'<th scope="col" title="{_E(BUDGET_SCORES[k])}">{_E(v)}</th>' for k, v in heads.items())
    rows = []
    for row in scores.to_dict("records"):
        cells = "".join(f"<td>{_E('–' if _nan(row[k]) else f'{100 * row[k]:+.2f} %')}</td>" for k in heads)
        rows.append(f'<tr><th scope="row">{_swatch(data, row["scenario"])}{_E(row["scenario"])}'
                    f' <small>({_E(row["instrument"])})</small></th>{cells}</tr>')
    return ('<div class="table-wrap"><table class="compare budget">'
            f"<caption>Budget score against {_E(data.baseline)}: shares of GDP, debt/GDP in points. Static: the "
            "primary balance before the budget rule acts; dynamic: the rule's adjustment (+ tightening) once it "
            "starts, and where debt and GDP end.</caption>"
            f'<thead><tr><th scope="col">reform</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table></div>")


def ai_rents_table(data: ReportData) -> str:
    """Who captures AI's rents in each scenario with frontier labs (commonwealth.labs): the AI surplus and its
    split among labs, fine-tuners and users, who owns the rents, what workers' share did, and whether
    OpenAI's old cap (100× the capital paid in) or the Windfall Clause's brackets would bind."""
    from commonwealth.labs import frontier_labs
    from commonwealth.parameters import ParameterSet
    from commonwealth.technology import occupation_slug

    with_labs = [s for s in data.scenarios if not _nan(data.value(s, "ai_surplus", data.start_year))]
    if not with_labs:
        return ('<p class="context" id="ai-rents-note">Who captures AI\'s rents: no scenario here models frontier '
                "labs (they come with the compute presets, <code>ai: {preset: gate}</code> or "
                "<code>compute-10x</code>, or <code>ai.labs: true</code>). Compare the AI paths with "
                "<code>commonwealth report business-as-usual gate compute-10x --baseline business-as-usual</code>."
                "</p>")
    y, y0 = data.year, data.start_year
    labs = [lab for lab in frontier_labs() if lab.own_row]
    world0 = float(ParameterSet()("policy.windfall_clause.world_product", y0))  # grown with US GDP below
    rows = []
    for s in with_labs:
        surplus, gdp = data.value(s, "ai_surplus"), data.value(s, "gdp")
        split = [data.value(s, m) for m in ("ai_rents_labs", "ai_rents_fine_tuners", "ai_surplus_users")]
        rents = split[0] + split[1]
        owners = [data.value(s, m) for m in ("ai_rents_founders", "ai_rents_index_holders", "ai_rents_abroad",
                                             "ai_rents_public")]
        cap_years = []
        for lab in labs:
            values = data.wide(f"lab_value.{occupation_slug(lab.name)}").get(s)
            if values is None:
                continue
            over = values[values * (1.0 - lab.partner_stake) > 100.0 * lab.paid_in]
            cap_years.append(f"{lab.name} {int(over.index[0])}" if len(over) else f"{lab.name} not by {y}")
        gdp0 = data.value(s, "gdp", y0)
        world = world0 * gdp / gdp0 if gdp0 > 0 else float("nan")
        top = max((data.value(s, f"lab_rents.{occupation_slug(lab.name)}") for lab in labs), default=float("nan"))
        bracket = top / world if world > 0 else float("nan")

        def share(x: float, of: float) -> str:
            return "–" if _nan(x) or not of > 0 else f"{100 * x / of:.0f} %"

        cells = [fmt.usd(surplus) + f" ({share(surplus, gdp)} of GDP)", *(share(v, surplus) for v in split),
                 *(share(v, rents) for v in owners),
                 f"{100 * data.value(s, 'labor_share', y0):.0f} → {100 * data.value(s, 'labor_share'):.0f} %",
                 "; ".join(cap_years), "–" if _nan(bracket) else f"{100 * bracket:.2f} % of GWP"]
        rows.append(f'<tr><th scope="row">{_swatch(data, s)}{_E(s)}</th>'
                    + "".join(f"<td>{_E(c)}</td>" for c in cells) + "</tr>")
    heads = ["AI surplus", "to labs", "to fine-tuners", "to users", "rents: founders", "rents: index holders",
             "rents: abroad", "rents: public", "labour share", "100× cap binds", "largest lab's rent"]
    head = "".join(f'<th scope="col">{_E(h)}</th>' for h in heads)
    return ('<div class="table-wrap"><table class="compare ai-rents" id="ai-rents">'
            f"<caption>Who captures AI's rents in {y}: the AI surplus (equity income above its {y0} share of GDP) "
            "split among the frontier labs (Cournot share θ), fine-tuners (κ of the rest, by AI exposure) and users "
            "(the rest, by book capital); who owns the labs' and fine-tuners' rents; workers' share of GDP; the "
            "first year a lab's value passes 100× its paid-in capital (OpenAI LP's 2019 cap, new shares ignored); "
            "and the largest lab's rent as a share of gross world product (the Windfall Clause's brackets start at "
            "0.1 %).</caption>"
            f'<thead><tr><th scope="col">scenario</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table></div>")


# --- assumptions -------------------------------------------------------------------------------------------


def _param_value(v: Any, unit: str) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list | tuple):
        return ", ".join(_param_value(x, unit) for x in v)
    if not isinstance(v, int | float):
        return str(v)
    if unit in ("/1", "1/year") and abs(v) <= 1:
        text = f"{fmt.sig(v * 100, 4):g}{fmt.NBSP}%"
        return text + (" a year" if unit == "1/year" else "")
    if unit.startswith("USD"):
        return fmt.usd(v, 4, trim=True) + (" a year" if unit == "USD/year" else "")
    if unit == "year":
        return f"{v:g} years"
    if unit == "calendar-year":
        return f"{int(v)}"
    return f"{v:,.6g}"


def _sources(param: Any) -> str:
    links = []
    for ref in param.spec.reference:
        href = ref.href
        if href.startswith(("http://", "https://")):
            links.append(f'<a href="{_E(href)}" rel="noopener noreferrer">{_E(ref.title)}</a>')
        else:
            links.append(f"{_E(ref.title)} ({_E(href)})")
    return "; ".join(links)


def _scenario_file(scenario: Any) -> str:
    from commonwealth.scenario import BUILTIN_DIR

    source = scenario.sources[0] if scenario.sources else ""
    try:
        if Path(source).resolve().parent == BUILTIN_DIR.resolve():
            return f"built-in ({Path(source).name})"
    except OSError:
        pass
    return source


def _ai_text(ai: Any) -> str:
    extra = {k: v for k, v in ai.model_dump().items() if k != "preset" and v is not None}
    return ai.preset + (" (" + ", ".join(f"{k} = {v}" for k, v in extra.items()) + ")" if extra else "")


def assumptions(scenarios: Sequence[Any]) -> str:
    """Run settings, every parameter a scenario overrides (label, value, default, source) and every policy with
    its parameters."""
    from commonwealth.parameters import ParameterSet

    defaults = ParameterSet()
    rows = []
    for s in scenarios:
        rows.append(f'<tr><th scope="row">{_E(s.name)}</th><td>{_E(_ai_text(s.ai))}</td>'
                    f"<td class=\"nowrap\">{s.start_year}–{s.start_year + s.years}</td><td>{s.population.size:,}</td>"
                    f"<td>{s.seed}</td><td>{_E(s.saving)}</td><td>{_E(_scenario_file(s))}</td>"
                    f'<td><code title="sha256 of the resolved scenario">{_E(s.digest[:12])}</code></td></tr>')
    settings = ('<div class="table-wrap"><table class="assumptions" id="run-settings"><thead><tr>'
                "<th>scenario</th><th>AI path (preset)</th><th>years</th><th>simulated adults</th><th>seed</th>"
                "<th>saving</th><th>file</th><th>digest</th></tr></thead><tbody>" + "".join(rows)
                + "</tbody></table></div>")
    descriptions = "".join(f"<dt>{_E(s.name)}</dt><dd>{_E(s.description.strip())}</dd>" for s in scenarios
                           if s.description.strip())

    prow = []
    for s in scenarios:
        for name, value in s.parameters.items():
            if name not in defaults:
                prow.append(f"<tr><td>{_E(s.name)}</td><td><code>{_E(name)}</code></td><td>{_E(str(value))}</td>"
                            "<td>–</td><td>–</td></tr>")
                continue
            p = defaults[name]
            unit = p.spec.unit
            prow.append(f"<tr><td>{_E(s.name)}</td><td>{_E(p.spec.label)}<br><code>{_E(name)}</code></td>"
                        f"<td><b>{_E(_param_value(value, unit))}</b></td>"
                        f"<td>{_E(_param_value(p.value(s.start_year), unit))}</td><td>{_sources(p)}</td></tr>")
    if prow:
        params = ('<div class="table-wrap"><table class="assumptions" id="parameter-overrides"><thead><tr>'
                  "<th>scenario</th><th>parameter</th><th>value</th><th>default</th><th>source of the default</th>"
                  "</tr></thead><tbody>" + "".join(prow) + "</tbody></table></div>")
    else:
        params = ('<p id="parameter-overrides">No scenario overrides a parameter: every one takes its sourced '
                  "default (<code>commonwealth params</code> lists them with their sources).</p>")

    pol_rows = []
    for s in scenarios:
        pset = s.parameter_set()
        for spec in s.policies:
            kind = spec.type
            enacted = spec.enacted_year if spec.enacted_year is not None else s.start_year + 1
            when = f"from {enacted}" + (f" to {spec.repealed_year}" if spec.repealed_year else "")
            label = (spec.name or kind) + f" ({kind})" if spec.name else kind
            items = spec.model_dump(exclude={"type", "name", "enacted_year", "repealed_year"})
            lines = []
            for key, v in items.items():
                pname = f"policy.{kind}.{key}"
                if pname in pset:
                    p = pset[pname]
                    unit = p.spec.unit
                    value = v if v is not None else pset(pname, s.start_year)
                    default = p.value(s.start_year)
                    mark = "" if value == default else ' class="set" title="set by this scenario"'
                    lines.append(f"<tr><td>{_E(p.spec.label)}<br><code>{_E(key)}</code></td>"
                                 f"<td{mark}>{_E(_param_value(value, unit))}</td>"
                                 f"<td>{_E(_param_value(default, unit))}</td><td>{_sources(p)}</td></tr>")
                else:
                    field = type(spec).model_fields.get(key)
                    about = field.description if field is not None and field.description else ""
                    fallback = None if field is None or field.is_required() else field.default
                    is_share = isinstance(v, float) and 0 <= v <= 1 and ("rate" in key or "share" in about)
                    shown = (_param_value(v, "/1") if is_share else json.dumps(v) if isinstance(v, list | dict)
                             else str(v))
                    default = "–" if fallback is None else str(fallback)
                    mark = ' class="set" title="set by this scenario"' if fallback is None or v != fallback else ""
                    name = f"{_E(about[:1].upper() + about[1:])}<br>" if about else ""
                    origin = "set in the scenario" if mark else "the policy's default option"
                    lines.append(f"<tr><td>{name}<code>{_E(key)}</code></td><td{mark}>{_E(shown)}</td>"
                                 f"<td>{_E(default)}</td><td>{origin}</td></tr>")
            pol_rows.append(f'<tr class="policy"><th colspan="4" scope="rowgroup">{_E(s.name)}: {_E(label)}, '
                            f"{_E(when)}</th></tr>" + "".join(lines))
    if pol_rows:
        policies = ('<div class="table-wrap"><table class="assumptions" id="policies"><thead><tr>'
                    "<th>policy parameter</th><th>value</th><th>default</th><th>source of the default</th></tr>"
                    "</thead><tbody>" + "".join(pol_rows) + "</tbody></table></div>")
    else:
        policies = '<p id="policies">No scenario enacts a policy: all run today\'s taxes and transfers.</p>'
    return (f"<h3>Run settings</h3>{settings}<dl class='descriptions'>{descriptions}</dl>"
            f"<h3>Parameters changed from their defaults</h3>{params}"
            f"<h3>Policies and their parameters</h3>{policies}")


# --- reproduce ---------------------------------------------------------------------------------------------


def _scenario_ref(scenario: Any) -> tuple[str, str]:
    """How the Python API names a scenario: ``("builtin", name)``, ``("file", path)`` or ``("mapping", name)``."""
    from commonwealth.scenario import BUILTIN_DIR, builtin_names

    source = scenario.sources[0] if scenario.sources else ""
    if scenario.name in builtin_names() and source and Path(source).resolve() == (
            BUILTIN_DIR / f"{scenario.name}.yaml").resolve():
        return "builtin", scenario.name
    if source and Path(source).is_file():
        return "file", source
    return "mapping", scenario.name


def _as_mapping(scenario: Any) -> dict[str, Any]:
    """The resolved scenario as the mapping ``Scenario.from_dict`` takes (``extends`` already applied)."""
    return {
        "name": scenario.name,
        "description": scenario.description,
        "start_year": scenario.start_year,
        "years": scenario.years,
        "seed": scenario.seed,
        "population": {"size": scenario.population.size},
        "ai": scenario.ai.model_dump(mode="json", exclude_none=True),
        "saving": scenario.saving,
        "parameters": dict(scenario.parameters),
        "policies": [p.model_dump(mode="json", exclude_none=True) for p in scenario.policies],
    }


def _mapping_definition(var: str, scenario: Any) -> str:
    body = "".join(f"    {k!r}: {v!r},\n" for k, v in _as_mapping(scenario).items())
    return f"{var} = Scenario.from_dict({{\n{body}}})"


def default_python_snippet(results: Iterable[Any], comparison: Any) -> str:
    """Python that reruns this comparison with ``commonwealth.simulate`` and ``commonwealth.compare``: the
    scenarios (built-in names, ``Scenario.load`` for files, ``Scenario.from_dict`` for the rest), population
    size, horizon and seed of ``results``, and the baseline and years of ``comparison``."""
    from commonwealth.scenario import load_scenario

    items = list(getattr(results, "results", results))
    refs, definitions, own = [], [], {}
    for r in items:
        s = r.scenario
        kind, ref = _scenario_ref(s)
        if kind == "mapping":
            var = "".join(ch if ch.isalnum() else "_" for ch in s.name.lower()).strip("_") or "scenario"
            if var[0].isdigit():
                var = f"s_{var}"
            definitions.append(_mapping_definition(var, s))
            refs.append(var)
            own[s.name] = (s.years, s.seed)
            continue
        refs.append(json.dumps(ref) if kind == "builtin" else f"Scenario.load({json.dumps(ref)})")
        try:
            loaded = load_scenario(ref)
            own[s.name] = (loaded.years, loaded.seed)
        except Exception:  # the file changed or went away since: state horizon and seed
            own[s.name] = (None, None)
    first = items[0].scenario
    kwargs = [f"size={first.population.size:_}"]
    if any(own[r.scenario.name][0] != r.scenario.years for r in items):
        kwargs.append(f"years={first.years}")
    if any(own[r.scenario.name][1] != r.scenario.seed for r in items):
        kwargs.append(f"seed={first.seed}")
    years = list(comparison.years)
    kwargs.append(f"snapshot_years={years}")
    call = f"results = simulate({', '.join([*refs, *kwargs])})"
    if len(call) > 100:
        call = "results = simulate(\n    " + ",\n    ".join([", ".join(refs), ", ".join(kwargs)]) + ",\n)"
    lines = ["from commonwealth import Scenario, simulate, compare", ""]
    if definitions:
        lines += [*definitions, ""]
    elif all(not ref.startswith("Scenario.load") for ref in refs):
        lines.append('# a scenario file works too: simulate(Scenario.load("my-scenario.yaml"), ...)')
    lines += [
        call,
        f"comparison = compare(results, baseline={json.dumps(comparison.baseline)}, years={years})",
        "",
        "results.metrics          # tidy DataFrame: scenario, year, metric, value, unit",
        'results.wide("wealth_share_top1")  # one metric as years × scenarios',
        "comparison.differences   # every metric against the baseline",
        "comparison.deciles       # winners and losers by income and wealth decile",
    ]
    return "\n".join(lines) + "\n"


# --- the page ----------------------------------------------------------------------------------------------

CSS = """
:root { --ink:#1d1d1f; --muted:#5b5b60; --rule:#e3e3e6; --bg:#ffffff; --panel:#f6f7f9; --accent:#0b5cad; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.5;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 28px; }
header { padding-top: 28px; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); margin: 0; }
h1 { font-size: 30px; line-height: 1.2; margin: 6px 0 8px; }
h2 { font-size: 22px; margin: 44px 0 12px; padding-top: 12px; border-top: 1px solid var(--rule); }
h3 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 0 0 14px; font-size: 14px; }
.scenarios { margin: 0 0 4px; font-size: 15px; }
nav { font-size: 14px; padding: 8px 0 0; }
nav a { color: var(--accent); text-decoration: none; margin-right: 16px; white-space: nowrap; }
nav a:hover { text-decoration: underline; }
#headline { font-size: 21px; line-height: 1.45; font-weight: 600; margin: 18px 0 10px; padding: 18px 22px;
  background: var(--panel); border-left: 5px solid var(--accent); border-radius: 4px; }
.context { color: var(--muted); margin: 0 0 12px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 20px; padding: 0; list-style: none; margin: 10px 0 0;
  font-size: 14px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px;
  vertical-align: baseline; }
.table-wrap { overflow-x: auto; margin: 8px 0 18px; }
table { border-collapse: collapse; font-size: 14px; width: 100%; }
caption { text-align: left; font-weight: 600; padding: 6px 0; color: var(--ink); }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--rule); vertical-align: top; text-align: left; }
thead th { border-bottom: 2px solid #c9c9cf; font-weight: 600; white-space: nowrap; }
table.compare td { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.compare thead th:not(:first-child) { text-align: right; }
table.compare th[scope=row] { font-weight: 500; }
table.compare th code { display: block; font-size: 11px; color: var(--muted); font-weight: 400; }
.val { display: block; }
.diff { display: block; font-size: 12px; color: var(--muted); }
td.set { font-weight: 700; }
.nowrap { white-space: nowrap; }
tr.policy th { background: var(--panel); }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
pre { background: #16181d; color: #e8e8ea; padding: 14px 16px; border-radius: 6px; overflow-x: auto;
  font-size: 13.5px; line-height: 1.5; }
figure.chart { margin: 26px 0 34px; }
figure.chart h3 { margin: 0 0 2px; }
.finding { margin: 0 0 6px; color: #333; }
.plot { width: 100%; border: 1px solid var(--rule); border-radius: 6px; padding: 4px; }
figcaption { font-size: 13.5px; color: var(--muted); margin-top: 6px; }
figcaption a { color: var(--muted); }
.skipped { padding: 16px 18px; background: var(--panel); border: 1px dashed #c9c9cf; border-radius: 6px;
  color: var(--muted); }
dl.descriptions dt { font-weight: 600; margin-top: 8px; }
dl.descriptions dd { margin: 2px 0 0 0; color: #333; font-size: 14.5px; }
footer { color: var(--muted); font-size: 13px; padding-top: 18px; padding-bottom: 40px;
  border-top: 1px solid var(--rule); margin-top: 40px; }
a { color: var(--accent); }
@media print { nav, .modebar-container { display: none !important; } h2 { break-before: auto; }
  figure.chart { break-inside: avoid; } .plot { border: none; } }
"""


def _bands_note(data: ReportData) -> str:
    """What the shading on the charts over the years is, or that there is none."""
    if data.band_words:
        return f"Shaded bands on the charts over the years: {data.band_words} (docs/uncertainty.md)."
    return ("The charts over the years show this run only, without bands: give the report a sweep of these scenarios "
            "(commonwealth sweep, then report --sweep DIR; docs/uncertainty.md) to shade each line's 10–90 % band.")


def _chart_html(chart: Chart, *, static_dir: str | None) -> str:
    attrs = f'class="chart" id="chart-{_E(chart.id)}" data-chart="{_E(chart.id)}"'
    head = f"<h3>{_E(chart.title)}</h3>"
    if chart.skipped:
        return (f'<figure {attrs} data-skipped="true">{head}<p class="skipped">{_E(chart.note)}</p></figure>')
    fig = chart.figure.to_dict()
    layout = fig.get("layout", {})
    layout.pop("title", None)  # the page shows the title and the finding above the plot
    layout["margin"] = {**layout.get("margin", {}), "t": 40}
    height = int(layout.get("height", 480)) - 55
    layout["height"] = height
    div = pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=f"plot-{chart.id}", config={
        **PLOTLY_CONFIG, "toImageButtonOptions": {"filename": chart.id}}, default_height=f"{height}px",
        validate=False)
    if static_dir:
        files = (f' Static versions: <a href="{static_dir}/{_E(chart.id)}.png">PNG</a> · '
                 f'<a href="{static_dir}/{_E(chart.id)}.svg">SVG</a>.')
    else:
        files = " The camera button above the chart saves it as a PNG."
    finding = f'<p class="finding">{_E(chart.finding)}</p>' if chart.finding else ""
    return (f'<figure {attrs}>{head}{finding}<div class="plot">{div}</div>'
            f"<figcaption>{_E(chart.caption)}{files}</figcaption></figure>")


def render_report(results: Iterable[Any], comparison: Any, *, command: str, python_snippet: str | None = None,
                  charts: Sequence[Chart] | None = None, static_dir: str | None = None, sweep: Any = None,
                  sensitivity: Sequence[Chart] | None = None, data: ReportData | None = None) -> str:
    """The report as one HTML string (see :func:`write_report`). ``data``: the results' :class:`ReportData`,
    if already built (``write_report`` builds it once for the charts and the page)."""
    from commonwealth.version import __version__

    items = list(getattr(results, "results", results))
    data = ReportData.build(items, comparison, sweep) if data is None else data
    charts = list(charts) if charts is not None else build_charts(data)
    scenarios = {r.scenario.name: r.scenario for r in items}
    ordered = [scenarios[s] for s in data.scenarios if s in scenarios]
    snippet = python_snippet if python_snippet is not None else default_python_snippet(items, comparison)
    first = ordered[0]
    sizes = sorted({s.population.size for s in ordered})
    if len(data.reforms) == 1:
        title = f"{fmt.display_name(data.reforms[0])} against {fmt.display_name(data.baseline)}"
    elif data.reforms:
        title = f"{len(data.reforms)} reforms against {fmt.display_name(data.baseline)}"
    else:
        title = fmt.display_name(data.baseline, start=True)
    meta = (f"{first.start_year}–{first.start_year + first.years} · {' / '.join(f'{n:,}' for n in sizes)} simulated "
            f"adults · seed {first.seed} · compared in {', '.join(map(str, comparison.years))} · "
            f"commonwealth {__version__}")
    legend = "".join(f"<li>{_swatch(data, s)}{_E(s)}{' (baseline)' if s == data.baseline else ''}</li>"
                     for s in data.scenarios)
    decides = who_decides(data)
    precision = sampling_precision(data)
    depends = depends_on(data, sensitivity, static_dir)
    sections = [("summary", "Headline"), *([("sampling", "How precise")] if precision else []),
                ("tables", "Comparison"),
                *([("who-decides", "Who decides")] if decides else []),
                *([("depends", "What it depends on")] if depends else []), ("charts", "Charts"),
                ("assumptions", "Assumptions"), ("reproduce", "Reproduce this")]
    nav = "".join(f'<a href="#{sid}">{_E(label)}</a>' for sid, label in sections)
    chart_nav = " · ".join(f'<a href="#chart-{_E(c.id)}">{_E(c.title)}</a>' for c in charts if not c.skipped)
    plotly_js = plotly.offline.get_plotlyjs().replace("</script", "<\\/script")
    body = f"""<header>
<p class="kicker">commonwealth report</p>
<h1>Who gains as AI automates the economy: {_E(title)}</h1>
<p class="scenarios">{_E(", ".join(data.reforms) or data.baseline)}{" compared with " + _E(data.baseline)
                                                                     if data.reforms else ""}</p>
<p class="meta">{_E(meta)}</p>
<nav>{nav}</nav>
</header>
<main>
<section id="summary"><h2>Headline</h2>
<p id="headline">{_E(headline(data))}</p>
<p class="context">{_E(_context(data, ordered))}</p>
<ul class="legend">{legend}</ul>
</section>
{precision}
<section id="tables"><h2>Comparison</h2>
<p>Key metrics in each compared year. Hover over a metric for its definition; <code>commonwealth metrics</code>
lists them all.</p>
{comparison_tables(data)}
{budget_table(data)}
{ai_rents_table(data)}
</section>
{decides}
{depends}
<section id="charts"><h2>Charts</h2>
<p class="context">Interactive: hover for values, click a legend entry to hide a scenario, drag to zoom, double-click
to reset. {_E(_bands_note(data))} {chart_nav}</p>
{"".join(_chart_html(c, static_dir=static_dir) for c in charts)}
</section>
<section id="assumptions"><h2>Assumptions</h2>
{assumptions(ordered)}
</section>
<section id="reproduce"><h2>Reproduce this</h2>
<p>From the command line:</p>
<pre><code id="cli-command">{_E(command)}</code></pre>
<p>From Python:</p>
<pre><code id="python-snippet">{_E(snippet)}</code></pre>
</section>
</main>
<footer>Made by commonwealth {_E(__version__)}. This file is self-contained: it loads nothing from the network
(charts are drawn by plotly.js, embedded). Links to sources open in your browser.</footer>"""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="commonwealth {_E(__version__)}">
<title>commonwealth report: {_E(title)}</title>
<style>{CSS}</style>
<script type="text/javascript">{plotly_js}</script>
</head>
<body>
{body}
</body>
</html>
"""


def write_report(results: Iterable[Any], comparison: Any, out_dir: str | Path, *, command: str,
                 python_snippet: str | None = None, static_charts: bool = False,
                 timings: dict[str, float] | None = None, sweep: Any = None) -> Path:
    """Write ``out_dir/report.html`` (self-contained: plotly.js inline, no external resource) and, with
    ``static_charts``, the static charts as ``out_dir/charts/<chart>.png`` and ``.svg``; return the report's
    path. Static files are only written when asked for: rendering them takes longer than the rest of the
    report (one browser session through Kaleido), and each interactive chart saves itself as a PNG.

    ``timings``: if given, filled with the seconds spent building the charts (``charts``), rendering static
    files (``static_charts``) and the page (``page``).

    ``results``: the scenarios' results (``ScenarioResult`` objects or a ``commonwealth.Results``);
    ``comparison``: their :func:`commonwealth.compare` with the baseline; ``command``: the CLI command that
    reproduces them; ``python_snippet``: Python that does (default: generated from the results).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    items = list(getattr(results, "results", results))
    clock = time.perf_counter()
    data = ReportData.build(items, comparison, sweep)
    charts = build_charts(data)
    sensitivity = sensitivity_charts(data)
    spent = {"charts": time.perf_counter() - clock}
    if static_charts:
        clock = time.perf_counter()
        export_static([*charts, *sensitivity], out / "charts")
        spent["static_charts"] = time.perf_counter() - clock
    clock = time.perf_counter()
    page = render_report(items, comparison, command=command, python_snippet=python_snippet, charts=charts, sweep=sweep,
                         static_dir="charts" if static_charts else None, sensitivity=sensitivity, data=data)
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    spent["page"] = time.perf_counter() - clock
    if timings is not None:
        timings.update(spent)
    return path
