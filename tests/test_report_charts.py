"""The report's charts: one plotly figure each, exported as static files from that same figure, bands from a
sweep under every chart over the years, and one "what it depends on" chart per headline effect."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from commonwealth.errors import UserError
from commonwealth.report import charts as ch
from commonwealth.report.charts import ReportData, build_charts, export_static, sensitivity_charts
from commonwealth.sweep import SweepSummary

SIZE, YEARS = 2_000, 6
#: Chart ids drawn over the years (their figures carry one band per scenario and metric with a sweep).
TIME_CHARTS = ("automation-labour", "gdp-income", "wealth-shares", "fortunes", "dividends", "ownership-shares",
               "sector-prices")


@pytest.fixture(scope="module")
def run():
    from commonwealth import compare, simulate

    results = simulate("status-quo", "american-equity-fund", size=SIZE, years=YEARS, snapshot_years=[2031])
    return results, compare(results, baseline="status-quo", years=[2031])


def _summary(results, spread: float = 0.05, sensitivity: pd.DataFrame | None = None) -> SweepSummary:
    """A sweep summary whose central run is ``results`` and whose bands are ±``spread`` (relative) around it."""
    central = pd.concat([r.metrics for r in results], ignore_index=True)
    mag = central.value.abs() * spread
    bands = central.assign(q10=central.value - mag, q50=central.value, q90=central.value + mag)
    effects = bands.assign(q10=0.0, q50=0.0, q90=0.0)
    sens = sensitivity if sensitivity is not None else pd.DataFrame(
        columns=["scenario", "metric", "year", "parameter", "index", "value", "conf"])
    return SweepSummary(effects, sens, {"method": "monte-carlo", "points": 16, "population_size": SIZE,
                                        "baseline": "status-quo"}, bands, central)


def test_every_chart_is_one_plotly_figure_and_no_chart_module_imports_matplotlib(run):
    import inspect

    results, comparison = run
    drawn = [c for c in build_charts(ReportData.build(results, comparison)) if not c.skipped]
    assert len(drawn) >= 9
    for chart in drawn:
        assert chart.figure.data, chart.id
        assert chart.title in chart.figure.layout.title.text
    assert "matplotlib" not in inspect.getsource(ch)


def test_a_sweep_shades_a_band_under_every_line_of_every_chart_over_the_years(run):
    results, comparison = run
    data = ReportData.build(results, comparison, _summary(results))
    charts = {c.id: c for c in build_charts(data)}
    for chart_id in TIME_CHARTS:
        chart = charts[chart_id]
        if chart.skipped:
            continue
        fills = [t for t in chart.figure.data if t.fill == "toself"]
        lines = [t for t in chart.figure.data if t.mode == "lines" and t.fill != "toself"]
        assert fills and len(fills) == len(lines), chart_id
        for band, line in zip(fills, lines, strict=True):  # each band drawn just before its line
            assert band.legendgroup == line.legendgroup
            n = len(line.x)
            high, low = np.asarray(band.y[:n]), np.asarray(band.y[n:])[::-1]
            y = np.asarray(line.y)
            assert np.all(low <= y + 1e-9) and np.all(y <= high + 1e-9), chart_id
        assert "Shaded: the 10th to 90th percentile over 16 draws" in chart.caption


def test_without_a_sweep_no_band_is_drawn(run):
    results, comparison = run
    for chart in build_charts(ReportData.build(results, comparison)):
        if not chart.skipped and chart.id in TIME_CHARTS:
            assert not [t for t in chart.figure.data if t.fill == "toself"], chart.id
            assert "Shaded" not in chart.caption


def test_a_band_from_another_sweep_sits_on_this_runs_line(run):
    """The band is this run's value plus the sweep's spread about its own central run."""
    results, comparison = run
    summary = _summary(results)
    shifted = summary.central.assign(value=summary.central.value * 2.0)  # a sweep whose central run differs
    moved = SweepSummary(summary.effect_bands, summary.sensitivity, summary.plan,
                         summary.bands.assign(q10=summary.bands.q10 * 2, q90=summary.bands.q90 * 2), shifted)
    data = ReportData.build(results, comparison, moved)
    band = data.level_band("status-quo", "gdp")
    gdp = data.wide("gdp")["status-quo"]
    assert np.allclose(band.q10, gdp * 0.9) and np.allclose(band.q90, gdp * 1.1)


def test_sensitivity_draws_one_chart_per_headline_effect_largest_index_first(run):
    results, comparison = run
    rows = []
    table = (("gdp", (0.7, 0.2, 0.05)), ("public_debt", (0.1, 0.6, 0.3)), ("wealth_share_top1", (0, 0, 0)))
    for metric, values in table:
        for parameter, v in zip(("government.safe_rate", "labour.eti_broad", "politics.plutocracy"), values,
                                strict=True):
            rows += [("american-equity-fund", metric, 2031, parameter, "ST", v, 0.05),
                     ("american-equity-fund", metric, 2031, parameter, "S1", v * 0.8, 0.05)]
    sens = pd.DataFrame(rows, columns=["scenario", "metric", "year", "parameter", "index", "value", "conf"])
    data = ReportData.build(results, comparison, _summary(results, sensitivity=sens))
    charts = {c.id: c for c in sensitivity_charts(data)}
    assert set(charts) == {"sensitivity-gdp", "sensitivity-public_debt"}  # an effect that moves nothing is left out
    bars = [t for t in charts["sensitivity-public_debt"].figure.data if t.type == "bar"]
    assert list(bars[0].x)[::-1] == [0.6, 0.3, 0.1]  # drawn bottom-up: the largest at the top
    assert "Elasticity of taxable income" in charts["sensitivity-public_debt"].finding
    assert "Safe real interest rate" in charts["sensitivity-gdp"].finding
    assert [t for t in charts["sensitivity-gdp"].figure.data if t.type == "scatter"]  # S1 marked
    assert sensitivity_charts(ReportData.build(results, comparison)) == []


def test_static_export_is_refused_before_any_file_when_no_browser_is_found(run, tmp_path, monkeypatch):
    results, comparison = run
    monkeypatch.setattr(ch, "find_browser", lambda: None)
    charts = build_charts(ReportData.build(results, comparison))
    with pytest.raises(UserError, match=r"Chrome or Chromium.*BROWSER_PATH"):
        export_static(charts, tmp_path / "charts")
    assert not (tmp_path / "charts").exists()


def test_the_cli_refuses_static_charts_without_a_browser_before_simulating(tmp_path, monkeypatch, capsys):
    from commonwealth.cli import main

    monkeypatch.setattr(ch, "find_browser", lambda: None)
    out = tmp_path / "out"
    assert main(["report", "status-quo", "--out", str(out), "--static-charts", "--no-store"]) == 2
    assert "--static-charts" in capsys.readouterr().err and not out.exists()


@pytest.mark.skipif(ch.find_browser() is None, reason="no Chrome or Chromium for Kaleido")
def test_static_files_are_exported_from_the_same_figure(run, tmp_path):
    results, comparison = run
    charts = [c for c in build_charts(ReportData.build(results, comparison)) if c.id in ("gdp-income", "lorenz")]
    paths = export_static(charts, tmp_path)
    assert sorted(p.name for p in paths) == ["gdp-income.png", "gdp-income.svg", "lorenz.png", "lorenz.svg"]
    svg = (tmp_path / "gdp-income.svg").read_text(encoding="utf-8")
    assert "Output and the typical adult" in svg and "Real GDP" in svg  # the figure's own title and panel
    png = (tmp_path / "lorenz.png").read_bytes()
    width = int.from_bytes(png[16:20], "big")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and width == ch.STATIC_WIDTH_PX * ch.PNG_SCALE


def test_a_browser_path_that_is_not_an_executable_file_counts_as_no_browser(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chrome"))
    assert ch.find_browser() is None
    with pytest.raises(UserError, match="BROWSER_PATH"):
        ch.check_static_export()


def test_a_browser_that_fails_to_export_is_a_user_error_not_a_traceback(run, tmp_path, monkeypatch):
    import plotly.io as pio

    def broken(*args, **kwargs):
        raise RuntimeError("the browser closed")

    results, comparison = run
    monkeypatch.setattr(ch, "find_browser", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(pio, "write_images", broken)
    with pytest.raises(UserError, match=r"could not export the charts.*the browser closed"):
        export_static(build_charts(ReportData.build(results, comparison)), tmp_path)
