"""The HTML report: self-contained, complete (headline, tables, every chart, assumptions, reproduce), static charts
written, the headline's numbers taken from the comparison, and the Python snippet reproduces the run."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from commonwealth.report import CHART_IDS, ReportData, default_python_snippet, headline, render_report, write_report
from commonwealth.report import _format as fmt
from commonwealth.report.charts import find_browser

#: Static files need a Chrome or Chromium for Kaleido (CI installs Debian's); without one they are not asked for.
BROWSER = find_browser() is not None

SIZE, YEARS = 3_000, 12
SNAPSHOTS = [2031, 2037]
COMMAND = "commonwealth report status-quo american-equity-fund --years 2031,2037 --out OUT"
OVERRIDE = ("policy.american_equity_fund.company_rate", 0.05)


@pytest.fixture(scope="module")
def run():
    from commonwealth import Scenario, compare, simulate

    tweaked = Scenario.from_dict({"name": "aef-5pct", "extends": "american-equity-fund",
                                  "parameters": {OVERRIDE[0]: OVERRIDE[1]}})
    results = simulate("status-quo", "american-equity-fund", tweaked, size=SIZE, years=YEARS,
                       snapshot_years=SNAPSHOTS)
    return results, compare(results, baseline="status-quo", years=SNAPSHOTS)


@pytest.fixture(scope="module")
def report(run, tmp_path_factory):
    results, comparison = run
    out = tmp_path_factory.mktemp("report")
    path = write_report(results, comparison, out, command=COMMAND, static_charts=BROWSER)
    return path, path.read_text(encoding="utf-8")


class _Resources(HTMLParser):
    """Every attribute that would make a browser load something, and every link."""

    LOADING = ("src", "href", "srcset", "data", "poster", "background", "action", "formaction", "xlink:href")

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str, str]] = []
        self.links: list[str] = []
        self.tags: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "a":
            self.links.append(values.get("href") or "")
            return
        self.loads += [(tag, k, v) for k, v in values.items() if k in self.LOADING and v]
        if "style" in values:
            self.styles.append(values["style"] or "")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


@pytest.mark.skipif(not BROWSER, reason="no Chrome or Chromium for Kaleido's static export")
def test_report_is_written_with_static_charts(report):
    path, page = report
    assert path.name == "report.html" and path.is_file()
    charts = path.parent / "charts"
    for chart_id in CHART_IDS:
        if f'data-chart="{chart_id}" data-skipped="true"' in page:
            continue
        png, svg = charts / f"{chart_id}.png", charts / f"{chart_id}.svg"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", chart_id
        assert png.stat().st_size > 10_000, chart_id
        assert "<svg" in svg.read_text(encoding="utf-8")[:2000], chart_id


def test_report_loads_nothing_from_outside(report):
    _, page = report
    parser = _Resources()
    parser.feed(page)
    assert parser.loads == [], "the report must not load any resource"
    for banned in ("link", "iframe", "embed", "object", "img", "audio", "video", "base"):
        assert banned not in parser.tags
    for style in parser.styles:
        assert "url(" not in style and "@import" not in style
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.S)  # plotly.js quotes URLs it never loads
    assert not re.search(r"<script[^>]+src\s*=", page)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.sub(r"<a\s[^>]*>", "", markup))
    # plotly.js is embedded once, inline, and every figure script relies on it
    assert page.count("plotly.js v") == 1
    assert page.count("Plotly.newPlot(") == sum(f'id="plot-{c}"' in page for c in CHART_IDS)
    # outside links are only the sources of parameters
    assert all(link.startswith(("#", "charts/", "http://", "https://")) for link in parser.links)


def test_report_has_headline_tables_every_chart_assumptions_and_snippet(report, run):
    _, page = report
    results, _ = run
    match = re.search(r'<p id="headline">(.+?)</p>', page, flags=re.S)
    assert match and re.search(r"\d", match.group(1)) and str(SNAPSHOTS[-1]) in match.group(1)
    for year in SNAPSHOTS:
        assert f'<table class="compare" data-table="compare" data-year="{year}">' in page
        assert f'<table class="compare" data-table="who-decides" data-year="{year}">' in page
    assert '<section id="who-decides">' in page and 'data-metric="power_concentration"' in page
    for chart_id in CHART_IDS:
        assert page.count(f'data-chart="{chart_id}"') == 1, chart_id
    drawn = [c for c in CHART_IDS if f'data-chart="{c}" data-skipped' not in page]
    assert {"automation-labour", "wealth-shares", "dividends", "deciles", "winners-losers", "lorenz",
            "holders"} <= set(drawn)
    for chart_id in drawn:
        assert f'id="plot-{chart_id}"' in page
    has_prices = any(m in set(results.metrics.metric) for m in ("cpi", "price_housing"))
    assert ('data-chart="sector-prices" data-skipped="true"' in page) is not has_prices
    # assumptions: settings, the overridden parameter with its default and source, the policies
    assert 'id="run-settings"' in page and 'id="policies"' in page and 'id="parameter-overrides"' in page
    overrides = page[page.index('id="parameter-overrides"'):page.index('id="policies"')]
    assert OVERRIDE[0] in overrides and "AEF company rate" in overrides
    assert f"5{fmt.NBSP}% a year" in overrides and f"2.5{fmt.NBSP}% a year" in overrides
    assert '<a href="http' in overrides
    assert "american_equity_fund" in page and "business-as-usual" in page
    # reproduce: the command and the snippet
    assert f'<code id="cli-command">{COMMAND}</code>' in page
    assert "from commonwealth import Scenario, simulate, compare" in page
    assert f"size={SIZE:_}" in page and f"snapshot_years={SNAPSHOTS}" in page


def test_headline_numbers_come_from_the_comparison(run):
    results, comparison = run
    data = ReportData.build(results, comparison)
    text = headline(data)
    year = SNAPSHOTS[-1]
    d = comparison.differences
    at = d[d.year == year].set_index(["scenario", "metric"])
    dividends = at.xs("dividend_per_adult_real", level="metric").value.drop("status-quo")
    lead = dividends.idxmax()
    assert text.startswith(f"By {year} ")
    assert fmt.display_name(lead) in text
    assert fmt.usd(dividends.max()) in text
    assert fmt.pct(at.loc[("status-quo", "wealth_share_top1"), "value"]) in text
    assert fmt.pct(at.loc[(lead, "wealth_share_top1"), "value"]) in text


def test_python_snippet_reproduces_the_run(run):
    results, comparison = run
    snippet = default_python_snippet(results, comparison)
    assert 'Scenario.from_dict({' in snippet and '"status-quo", "american-equity-fund"' in snippet
    namespace: dict = {}
    exec(compile(snippet, "<snippet>", "exec"), namespace)
    again = namespace["results"].metrics
    pd.testing.assert_frame_equal(again.reset_index(drop=True), results.metrics.reset_index(drop=True))
    assert namespace["comparison"].years == comparison.years


def test_baseline_only_report_skips_comparisons(run):
    from commonwealth import compare

    results, _ = run
    base = [results["status-quo"]]
    comparison = compare(base, baseline="status-quo", years=SNAPSHOTS)
    page = render_report(base, comparison, command="commonwealth report status-quo")
    for chart_id in ("deciles", "winners-losers"):
        assert f'data-chart="{chart_id}" data-skipped="true"' in page
    assert 'data-chart="lorenz"' in page and 'id="plot-lorenz"' in page
    assert "Add a reform" in page


def test_formats():
    assert fmt.usd(12_516) == "$12,500"
    assert fmt.usd(4.0413e13) == f"$40.4{fmt.NBSP}trillion"
    assert fmt.usd(1e9, 4, trim=True) == f"$1{fmt.NBSP}billion"
    assert fmt.usd(3.3e13) == f"$33.0{fmt.NBSP}trillion"
    assert fmt.relative(-0.0003) == f"{fmt.MINUS}0.030{fmt.NBSP}%"
    assert fmt.pct(0.3364) == f"33.6{fmt.NBSP}%"
    assert fmt.pp(-0.038) == f"{fmt.MINUS}3.8{fmt.NBSP}pp"
    assert fmt.relative(0.145) == f"+14.5{fmt.NBSP}%"
    assert fmt.usd(float("nan")) == "–"
    assert np.isclose(fmt.sig(0.001234, 2), 0.0012)


def _fake(values: dict[str, dict[str, float]], year: int = 2055) -> ReportData:
    from types import SimpleNamespace

    rows = [{"scenario": s, "year": y, "metric": m, "value": v, "unit": "/1"}
            for s, metrics in values.items() for m, v in metrics.items() for y in (2025, year)]
    names = tuple(values)
    return ReportData(metrics=pd.DataFrame(rows), comparison=SimpleNamespace(years=(year,), baseline=names[0]),
                      scenarios=names, baseline=names[0], start_year=2025, colors={})


def test_headline_without_dividends_names_the_largest_cut():
    data = _fake({
        "status-quo": {"wealth_share_top1": 0.34, "wealth_share_bottom50": 0.04, "dividend_per_adult": 0.0,
                       "median_income_real": 70_000},
        "wealth-tax": {"wealth_share_top1": 0.31, "wealth_share_bottom50": 0.04, "dividend_per_adult": 0.0,
                       "median_income_real": 69_000},
        "other": {"wealth_share_top1": 0.33, "wealth_share_bottom50": 0.05, "dividend_per_adult": 0.0,
                  "median_income_real": 69_500},
    })
    text = headline(data)
    assert text.startswith("By 2055 no reform pays a dividend; the wealth tax cuts the richest 1 %'s share")
    assert f"from 34.0{fmt.NBSP}% to 31.0{fmt.NBSP}%" in text
    assert "leaves the poorer half's share at" in text
    assert "No reform raises median real income above the status quo's $70,000." in text


def test_politics_chart_draws_the_spread_over_draws(tmp_path):
    from commonwealth import Scenario, compare, simulate
    from commonwealth.report import write_report

    base = Scenario.from_dict({"name": "base", "extends": "status-quo", "years": 4, "population": {"size": 1500}})
    fund = Scenario.from_dict({"name": "fund", "extends": "american-equity-fund-locked", "years": 4,
                               "population": {"size": 1500}, "politics": {"draws": 3}})
    results = simulate(base, fund)
    report = write_report(results, compare(results, baseline="base"), tmp_path, command="test", static_charts=BROWSER)
    page = report.read_text()
    assert 'data-chart="politics"' in page and 'data-chart="politics" data-skipped' not in page
    assert (tmp_path / "charts" / "politics.png").exists() is BROWSER
    assert "median of 3 draws" in page


def test_headline_judges_income_net_of_taxes_and_names_each_reforms_costs():
    data = _fake({
        "status-quo": {"wealth_share_top1": 0.34, "wealth_share_bottom50": 0.04, "dividend_per_adult": 0.0,
                       "median_income_real": 70_000, "median_disposable_income_real": 60_000, "gdp": 4.0e13,
                       "public_debt": 3.0e13, "public_debt_ratio": 0.75},
        "ubi-income-tax": {"wealth_share_top1": 0.33, "wealth_share_bottom50": 0.05, "dividend_per_adult": 0.0,
                           "median_income_real": 80_000, "median_disposable_income_real": 63_000, "gdp": 3.6e13,
                           "public_debt": 3.9e13, "public_debt_ratio": 1.08},
    })
    text = headline(data)
    assert "raises median real income after taxes and transfers" in text and "$63,000" in text
    assert "$80,000" not in text  # income before the surcharge that funds it is not the headline
    assert f"GDP {fmt.MINUS}10.0{fmt.NBSP}%" in text
    assert "public debt +$9.00" in text and f"+33.0{fmt.NBSP}pp of GDP" in text


def test_comparison_tables_split_many_reforms_each_part_with_the_baseline():
    import re

    from commonwealth import compare, simulate
    from commonwealth.report.html import TABLE_REFORMS, comparison_tables

    names = ["status-quo", "american-equity-fund", "wealth-tax", "land-value-tax", "ubi-income-tax", "stall"]
    results = simulate(*names, size=1_500, years=3)
    data = ReportData.build(results, compare(results, baseline="status-quo", years=[2028]))
    page = comparison_tables(data)
    heads = re.findall(r"<thead><tr>(.*?)</tr></thead>", page)
    assert len(heads) == 2  # five reforms, three to a table
    for head in heads:
        columns = re.findall(r'<th scope="col">(.*?)</th>', head)
        assert len(columns) <= 2 + TABLE_REFORMS and "status-quo" in columns[1]
    assert all(any(n in h for h in heads) for n in names)
    assert "(part 1 of 2)" in page and "(part 2 of 2)" in page


def test_report_states_the_sampling_error_of_each_record_level_effect(report, run):
    """Each reform's effect on the record-level headline metrics with its 95 % sampling half-width (a paired
    bootstrap of the horizon's records), and the sweep that measures what the bootstrap leaves out."""
    from commonwealth.sampling import SAMPLED_METRICS

    _, page = report
    section = page[page.index('<section id="sampling">'):]
    section = section[:section.index("</section>")]
    rows = re.findall(r"<tr data-metric='([a-z0-9_]+)'>", section)
    assert sorted(rows) == sorted(list(SAMPLED_METRICS) * 2)  # two reforms
    assert f"{SIZE:,} records" in section and "±" in section and "±±" not in section
    assert ("commonwealth sweep american-equity-fund aef-5pct --baseline status-quo --parameters none --draws 16 "
            f"--size {SIZE}") in section
    assert 'href="#sampling"' in page
