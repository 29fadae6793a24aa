"""Sweeps: paired draws, bands around the central run, Sobol indices as SALib's analytic cases, resume."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from commonwealth.errors import UserError
from commonwealth.scenario import load_scenario
from commonwealth.sweep import CENTRAL, design, indices, plan_sweep, problem, run_point, run_sweep, sweep

SIZE, YEARS = 1_500, 4
PARAMS = ["politics.plutocracy", "labour.eti_broad", "government.safe_rate"]


def _scenarios():
    return [load_scenario(n).with_population(SIZE).model_copy(update={"years": YEARS})
            for n in ("status-quo", "american-equity-fund")]


@pytest.fixture(scope="module")
def monte_carlo():
    base, fund = _scenarios()
    return run_sweep(plan_sweep(base, [fund], draws=12, parameters=PARAMS), workers=1)


def test_every_draw_pairs_the_reform_with_the_baseline_at_the_same_point(monte_carlo) -> None:
    effects = monte_carlo.effects()
    draws = monte_carlo.draws
    one = effects[(effects.draw == 5) & (effects.metric == "gdp")].set_index("year")
    base = draws[(draws.draw == 5) & (draws.scenario == "status-quo") & (draws.metric == "gdp")].set_index("year")
    np.testing.assert_array_equal(one.baseline, base.value)
    np.testing.assert_array_equal(one.difference, one.value - base.value)
    # the baseline at draw 5 is the baseline run alone at draw 5's point: pairing adds nothing to it
    point = monte_carlo.plan.points()[5 + 1]
    alone = run_point([monte_carlo.plan.baseline], point)
    pd.testing.assert_frame_equal(alone.reset_index(drop=True),
                                  draws[(draws.draw == 5) & (draws.scenario == "status-quo")].reset_index(drop=True))


def test_points_draw_parameters_seeds_and_political_draws(monte_carlo) -> None:
    points = monte_carlo.plan.points()
    assert points[0].index == CENTRAL and points[0].values == {}
    assert len({p.seed for p in points[1:]}) == 12 and len({p.political_draw for p in points[1:]}) == 12
    pluto = sorted(p.values["politics.plutocracy"] for p in points[1:])
    assert all(0.0 <= v <= 1.0 for v in pluto)
    # a Latin hypercube: one draw in each twelfth of the unit interval
    q = np.sort(monte_carlo.plan.unit_points[:, 0])
    assert np.all(np.floor(q * 12) == np.arange(12))


def test_bands_contain_the_central_run(monte_carlo) -> None:
    year = monte_carlo.plan.baseline.start_year + YEARS
    bands = monte_carlo.effect_bands(quantiles=(0.0, 0.5, 1.0)).set_index(["scenario", "year", "metric"])
    central = monte_carlo.central_effects().set_index(["scenario", "year", "metric"])
    for metric in ("median_income_real", "gdp", "public_debt", "citizen_ownership_share"):
        lo, hi = bands.loc[("american-equity-fund", year, metric), ["q00", "q100"]]
        c = central.loc[("american-equity-fund", year, metric), "difference"]
        assert lo <= c <= hi, (metric, lo, c, hi)
    b = monte_carlo.bands()
    assert (b.q10 <= b.q50).all() and (b.q50 <= b.q90).all()


def _ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function_match_their_analytic_values() -> None:
    """Ishigami & Homma (1990), a = 7, b = 0.1, on [−π, π]³: the analytic first-order and total indices."""
    a, b = 7.0, 0.1
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    analytic = {"S1": [v1 / var, v2 / var, 0.0], "ST": [(v1 + v13) / var, v2 / var, v13 / var]}
    names = ["x1", "x2", "x3"]
    unit = design("sobol", names, 2048, seed=1)
    y = _ishigami(-math.pi + 2 * math.pi * unit)
    got = {(name, key): value for name, key, value, _ in indices("sobol", problem(names), unit, y, seed=1)}
    for key, expected in analytic.items():
        for name, value in zip(names, expected, strict=True):
            assert got[(name, key)] == pytest.approx(value, abs=0.03), (name, key)


def test_morris_screening_ranks_the_ishigami_inputs() -> None:
    names = ["x1", "x2", "x3"]
    unit = design("morris", names, 200, seed=2)
    y = _ishigami(-math.pi + 2 * math.pi * unit)
    mu_star = {n: v for n, key, v, _ in indices("morris", problem(names), unit, y, seed=2) if key == "mu_star"}
    assert mu_star["x2"] > mu_star["x1"] > mu_star["x3"] > 0


def test_a_sobol_sweep_reports_indices_of_every_headline_effect() -> None:
    base, fund = _scenarios()
    result = run_sweep(plan_sweep(base, [fund], draws=4, method="sobol", parameters=PARAMS[:2]), workers=1)
    assert result.draws.draw.nunique() == 4 * (2 + 2)
    assert set(result.draws.draw.unique()) == set(range(16))
    sens = result.sensitivity()
    assert set(sens.parameter) == set(PARAMS[:2]) and set(sens["index"]) == {"S1", "ST"}
    assert {"gdp", "median_income_real"} <= set(sens.metric)


def test_an_interrupted_sweep_resumes_to_the_uninterrupted_result(tmp_path) -> None:
    base, fund = _scenarios()
    plan = plan_sweep(base, [fund], draws=5, parameters=PARAMS)
    whole = run_sweep(plan, workers=1)
    calls = []

    def interrupt(n: int) -> None:
        calls.append(n)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(plan, workers=1, store=tmp_path, progress=interrupt)
    kept = sorted(tmp_path.glob(".sweep-*/*.parquet"))
    assert len(kept) == 3
    resumed = run_sweep(plan, workers=1, store=tmp_path)
    pd.testing.assert_frame_equal(resumed.draws, whole.draws)
    pd.testing.assert_frame_equal(resumed.central, whole.central)


def test_local_processes_give_the_serial_numbers(monte_carlo) -> None:
    parallel = run_sweep(monte_carlo.plan, workers=2)
    pd.testing.assert_frame_equal(parallel.draws, monte_carlo.draws)


@pytest.mark.slow
def test_the_ray_backend_gives_the_local_backends_numbers() -> None:
    pytest.importorskip("ray")
    base, fund = _scenarios()
    plan = plan_sweep(base, [fund], draws=3, parameters=PARAMS)
    local = run_sweep(plan, workers=1)
    on_ray = run_sweep(plan, backend="ray", workers=2)  # starts (and stops) a local Ray instance
    pd.testing.assert_frame_equal(on_ray.draws, local.draws)
    pd.testing.assert_frame_equal(on_ray.central, local.central)


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "latin"}, "allowed: monte-carlo, sobol, morris"),
    ({"method": "sobol", "draws": 12}, "a power of two"),
    ({"draws": 0}, "from 1 to 100000"),
    ({"parameters": ["politics.plutocrazy"]}, "Did you mean"),
])
def test_a_bad_sweep_is_refused_before_any_work(kwargs, message) -> None:
    base, fund = _scenarios()
    with pytest.raises(UserError, match=message):
        plan_sweep(base, [fund], **kwargs)


def test_reforms_must_share_the_baselines_size_and_horizon() -> None:
    base, fund = _scenarios()
    with pytest.raises(UserError, match="population size, horizon"):
        plan_sweep(base, [fund.with_population(SIZE + 1)])


def test_the_python_sweep_accepts_names_size_and_years() -> None:
    result = sweep("wealth-tax", draws=2, size=SIZE, years=2,
                   parameters=["policy.wealth_tax.avoidance_semi_elasticity"], workers=1)
    assert set(result.draws.scenario) == {"status-quo", "wealth-tax"}
    assert result.draws.year.max() == result.plan.baseline.start_year + 2
