"""The sampling error of headline effects (commonwealth.sampling): the snapshot reproduces the run's metrics
exactly, the paired Poisson bootstrap pairs, agrees with analytic standard errors and shrinks like 1/√n, and is
deterministic."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from commonwealth import sampling
from commonwealth.distribution import Distribution
from commonwealth.metrics import BILLION
from commonwealth.sampling import (
    SAMPLED_METRICS,
    SamplingError,
    SnapshotMetrics,
    paired_errors,
    poisson_multipliers,
    sampling_errors,
    sampling_table,
    statistics,
)

SIZE, YEARS, HORIZON = 3_000, 5, 2030  # start year 2025


@pytest.fixture(scope="module")
def results():
    from commonwealth import Scenario, simulate

    again = Scenario.from_dict({"name": "status-quo-again", "extends": "status-quo"})
    return simulate("status-quo", "american-equity-fund", again, size=SIZE, years=YEARS, snapshot_years=[HORIZON])


def _frame(income: np.ndarray, wealth: np.ndarray | None = None, *, weight: float | np.ndarray = 1_000.0,
           unit_size: np.ndarray | None = None, resident: np.ndarray | None = None) -> pd.DataFrame:
    """A synthetic snapshot with the columns commonwealth.sampling reads."""
    n = income.size
    frame = pd.DataFrame({
        "weight": np.broadcast_to(weight, (n,)).astype(float),
        "resident": np.ones(n, dtype=bool) if resident is None else resident,
        "unit_size": np.ones(n, dtype=np.int8) if unit_size is None else unit_size,
        "wealth_start": np.ones(n) if wealth is None else wealth,
        "income": income, "disposable_income_total": income,
    })
    frame.attrs["cpi"] = 1.0
    return frame


def _se(errors: list[SamplingError], metric: str) -> float:
    return next(e.se for e in errors if e.metric == metric)


def _lorenz_se(x: np.ndarray, p: float) -> float:
    """Asymptotic standard error of the bottom-p share of equally weighted values, from its influence function
    ((x·1{x≤Q} − N + Q(p − 1{x≤Q})) − L(x − μ)) / μ, N = E[x·1{x≤Q}], L = N/μ."""
    mu, q = x.mean(), np.quantile(x, p)
    below = x <= q
    n_below = (x * below).mean()
    influence = ((x * below - n_below + q * (p - below)) - n_below / mu * (x - mu)) / mu
    return math.sqrt((influence ** 2).mean() / x.size)


def test_unit_multipliers_reproduce_each_sampled_metric_of_the_run_exactly(results):
    for result in results:
        values = statistics(result.snapshots[HORIZON])
        reported = result.metrics.query("year == @HORIZON").set_index("metric")["value"]
        for metric in SAMPLED_METRICS:
            assert values[metric].shape == (1,)
            assert values[metric][0] == pytest.approx(reported[metric], rel=1e-12, abs=0.0), (result, metric)


def test_snapshot_adds_the_sampling_columns_and_keeps_the_existing_ones(results):
    snap = results["american-equity-fund"].snapshots[HORIZON]
    assert list(snap.columns[:10]) == ["weight", "citizen", "age", "income", "disposable_income", "net_income",
                                       "consumption", "net_worth", "equity", "land"]
    assert set(sampling.COLUMNS) <= set(snap.columns)
    assert snap["resident"].dtype == bool and snap["unit_size"].isin([1, 2]).all()
    # the ledger's in-kind value and the holdings' change agree (to rounding), so the two measures do too
    np.testing.assert_allclose(snap["disposable_income_total"], snap["net_income"], rtol=1e-9, atol=1e-3)
    cpi = results["american-equity-fund"].metrics.query("year == @HORIZON and metric == 'cpi'")["value"].item()
    assert snap.attrs["cpi"] == pytest.approx(cpi, rel=1e-12)


def test_reweighted_metrics_follow_the_distribution_definitions_for_any_weights():
    rng = np.random.default_rng(7)
    n = 2_500
    wealth = np.round(np.exp(rng.normal(13, 2.5, n)), -3)  # ties
    wealth[:40] = rng.uniform(1.0, 3.0, 40) * BILLION
    wealth[40:200] *= -0.05
    income = np.round(rng.lognormal(10.5, 0.8, n), -2)
    unit_size = rng.integers(1, 3, n).astype(np.int8)
    resident = rng.random(n) > 0.02
    weight = rng.uniform(1.0, 5_000.0, n)
    frame = _frame(income, wealth, weight=weight, unit_size=unit_size, resident=resident)
    frame.attrs["cpi"] = 1.07
    multipliers = rng.poisson(1.0, (6, n)) * rng.uniform(0.5, 1.5, (6, n))  # zeros and fractions
    got = SnapshotMetrics(frame).evaluate(multipliers)
    for b, m in enumerate(multipliers):
        adults = weight * resident * m
        households = Distribution(wealth * unit_size, weight / unit_size * resident * m)
        want = {"median_income_real": Distribution(income, adults).quantile(0.5) / 1.07,
                "median_disposable_income_real": Distribution(income, adults).quantile(0.5) / 1.07,
                "wealth_share_top1": households.top_share(0.01), "wealth_share_bottom50": households.bottom_share(0.5),
                "billionaires": Distribution(wealth, adults).count_above(BILLION)}
        for metric, value in want.items():
            assert got[metric][b] == pytest.approx(value, rel=1e-12), (b, metric)


def test_a_reform_identical_to_the_baseline_has_zero_standard_error(results):
    errors = sampling_errors(results["status-quo-again"], results["status-quo"], HORIZON, resamples=50)
    assert [e.metric for e in errors] == list(SAMPLED_METRICS)
    for e in errors:
        assert (e.effect, e.se, e.half_width_95) == (0.0, 0.0, 0.0)
        assert math.isnan(e.relative)


def test_pairing_makes_the_effect_more_precise_than_independent_bootstraps(results):
    reform, base = results["american-equity-fund"], results["status-quo"]
    resamples = 200
    paired = sampling_errors(reform, base, HORIZON, resamples=resamples, seed=3)
    r, b = SnapshotMetrics(reform.snapshots[HORIZON]), SnapshotMetrics(base.snapshots[HORIZON])
    r_values = r.evaluate(poisson_multipliers(np.random.default_rng(11), resamples, SIZE))
    b_values = b.evaluate(poisson_multipliers(np.random.default_rng(12), resamples, SIZE))
    for metric in SAMPLED_METRICS:
        if metric == "billionaires":
            continue
        independent = float(np.std(r_values[metric] - b_values[metric], ddof=1))
        assert 0.0 < _se(paired, metric) < 0.5 * independent, metric


def test_census_records_are_not_resampled_so_the_billionaire_count_has_no_sampling_error(results):
    """Every US billionaire is a record of weight 1: the population itself, kept in every resample."""
    from commonwealth.sampling import CENSUS_WEIGHT

    reform, base = results["american-equity-fund"], results["status-quo"]
    snap = base.snapshots[HORIZON]
    rich = snap[snap.wealth_start >= 1e9]
    assert len(rich) and (rich.weight == CENSUS_WEIGHT).all()
    assert _se(sampling_errors(reform, base, HORIZON, resamples=50, seed=3), "billionaires") == 0.0


def test_bootstrap_standard_errors_match_the_analytic_ones_on_synthetic_data():
    """Bottom-50 % and top-1 % shares against their influence-function standard errors; the median of a normal
    sample against the asymptotic 1.2533·σ/√n (the bootstrap variance of a median converges slowly, as n^-1/4,
    hence 100,000 records)."""
    n, sigma = 100_000, 10_000.0
    rng = np.random.default_rng(42)
    income, wealth = rng.normal(50_000.0, sigma, n), rng.lognormal(12.0, 1.0, n)
    errors = paired_errors({"synthetic": _frame(income, wealth)}, _frame(np.zeros(n)), HORIZON, resamples=400)
    assert _se(errors, "median_income_real") == pytest.approx(math.sqrt(math.pi / 2) * sigma / math.sqrt(n), rel=0.10)
    assert _se(errors, "wealth_share_bottom50") == pytest.approx(_lorenz_se(wealth, 0.5), rel=0.10)
    assert _se(errors, "wealth_share_top1") == pytest.approx(_lorenz_se(wealth, 0.99), rel=0.10)


def test_standard_error_shrinks_like_one_over_root_n():
    se = {}
    for n in (5_000, 20_000):
        rng = np.random.default_rng(5)
        wealth = rng.lognormal(12.0, 1.0, n)
        errors = paired_errors({"synthetic": _frame(np.zeros(n), wealth)}, _frame(np.zeros(n)), HORIZON,
                               resamples=400)
        se[n] = {m: _se(errors, m) for m in ("wealth_share_bottom50", "wealth_share_top1")}
    for metric in ("wealth_share_bottom50", "wealth_share_top1"):
        assert se[5_000][metric] / se[20_000][metric] == pytest.approx(2.0, rel=0.25), metric


def test_errors_are_deterministic_for_a_seed_and_change_with_it(results):
    reform, base = results["american-equity-fund"], results["status-quo"]
    first = sampling_errors(reform, base, HORIZON, resamples=40, seed=1)
    assert sampling_errors(reform, base, HORIZON, resamples=40, seed=1) == first
    assert [e.se for e in sampling_errors(reform, base, HORIZON, resamples=40, seed=2)] != [e.se for e in first]


def test_errors_do_not_depend_on_chunking_or_on_the_other_reforms_passed(results, monkeypatch):
    reform, again, base = results["american-equity-fund"], results["status-quo-again"], results["status-quo"]
    alone = sampling_errors(reform, base, HORIZON, resamples=30)
    together = sampling_errors([again, reform], base, HORIZON, resamples=30)
    assert [e for e in together if e.scenario == reform.scenario.name] == alone
    monkeypatch.setattr(sampling, "CHUNK_BYTES", 8 * SIZE * 7)  # chunks of 7 resamples
    assert sampling_errors(reform, base, HORIZON, resamples=30) == alone


def test_the_central_effect_is_the_difference_of_the_reported_metrics(results):
    reform, base = results["american-equity-fund"], results["status-quo"]
    table = sampling_table(sampling_errors(reform, base, HORIZON, resamples=20))
    reported = {r.scenario.name: r.metrics.query("year == @HORIZON").set_index("metric")["value"]
                for r in (reform, base)}
    for row in table.itertuples():
        assert row.effect == pytest.approx(reported[reform.scenario.name][row.metric]
                                           - reported["status-quo"][row.metric], rel=1e-9, abs=1e-12)
        assert row.half_width_95 == pytest.approx(1.96 * row.se)
    assert list(table.columns) == ["scenario", "year", "metric", "unit", "effect", "se", "half_width_95", "relative",
                                   "resamples"]


def test_poisson_multipliers_are_poisson_one_counts():
    m = poisson_multipliers(np.random.default_rng(0), 100, 10_000)
    assert m.dtype == np.uint8 and m.shape == (100, 10_000)
    assert m.mean() == pytest.approx(1.0, abs=0.003)
    assert m.astype(float).var() == pytest.approx(1.0, abs=0.005)
    for k in range(5):
        assert (m == k).mean() == pytest.approx(math.exp(-1.0) / math.factorial(k), abs=0.002)


def test_a_missing_snapshot_year_or_misaligned_records_raise_value_errors(results):
    with pytest.raises(ValueError, match="no per-record snapshot of 2029"):
        sampling_errors(results["american-equity-fund"], results["status-quo"], 2029)
    snap = results["status-quo"].snapshots[HORIZON]
    with pytest.raises(ValueError, match="do not align"):
        paired_errors({"short": snap.iloc[:-1]}, snap, HORIZON)
    with pytest.raises(ValueError, match="lacks"):
        SnapshotMetrics(snap.drop(columns="wealth_start"))
    with pytest.raises(ValueError, match="at least 2"):
        paired_errors({"same": snap}, snap, HORIZON, resamples=1)
