"""Capital accumulation: Korinek & Suh (2024) dynamic results with their Table 2 parameters."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.growth import solve_exogenous
from conftest import G_STAR, KS, S_INF, ks_economy


def _log_growth(series: np.ndarray, t0: int, t1: int) -> float:
    return float(np.log(series[t1] / series[t0]) / (t1 - t0))


def test_long_run_constants_match_the_paper():
    assert pytest.approx(0.18) == G_STAR
    assert pytest.approx(0.56) == S_INF


def test_ramsey_path_satisfies_the_euler_equation_and_resource_constraint(ks_ramsey_paths):
    path = ks_ramsey_paths["business-as-usual"]
    # Ċ/C = (F_K − ρ − δ)/η: compare annual log changes with the mid-year average of the rhs
    growth_c = np.diff(np.log(path.consumption))
    rhs = (path.prices.rental_rate - KS["rho"] - KS["delta"]) / KS["eta"]
    np.testing.assert_allclose(growth_c, 0.5 * (rhs[1:] + rhs[:-1]), atol=2e-5)
    # K̇ = Y − δK − C (trapezoid rule on the annual samples)
    kdot = path.output - KS["delta"] * path.capital - path.consumption
    np.testing.assert_allclose(np.diff(path.capital), 0.5 * (kdot[1:] + kdot[:-1]), rtol=2e-3)


def test_ramsey_segments_join_without_a_jump_in_consumption(ks_ramsey_paths):
    """The solver re-shoots every 20 years; consumption must stay smooth across the joins."""
    path = ks_ramsey_paths["business-as-usual"]
    g = np.diff(np.log(path.consumption))
    for join in (20, 40, 60):
        assert abs(g[join] - g[join - 1]) < 1e-3


def test_business_as_usual_grows_about_two_percent_with_a_slowly_falling_labour_share(ks_ramsey_paths):
    path = ks_ramsey_paths["business-as-usual"]
    assert 0.013 <= _log_growth(path.output, 0, 30) <= 0.022
    share = path.prices.labor_share
    assert np.all(np.diff(share[:40]) < 0)
    assert 0.55 < share[30] < share[0]
    assert np.all(path.prices.region[:40] == 1)


def test_agi_20_wages_rise_then_collapse_before_full_automation_then_growth_is_18_percent(ks_ramsey_paths):
    path = ks_ramsey_paths["agi-20"]
    w = path.prices.wage
    peak = int(np.argmax(w))
    assert 5 <= peak < 20 and w[peak] > w[0]  # wages rise at first
    first_region2 = int(np.argmax(path.prices.region == 2))
    assert first_region2 < 20  # labour stops being scarce before every task is automated
    assert w[19] < 0.6 * w[peak]  # the collapse has happened before year 20
    assert w[25] == pytest.approx(KS["A"])  # wages pinned to A in region 2
    assert _log_growth(path.output, 40, 60) == pytest.approx(G_STAR, abs=0.003)
    assert path.saving_rate[70] == pytest.approx(S_INF, abs=0.005)


def test_agi_5_wages_collapse_within_three_to_four_years(ks_ramsey_paths):
    path = ks_ramsey_paths["agi-5"]
    w = path.prices.wage
    assert w[2] > KS["A"] * 1.05  # not yet
    assert w[4] == pytest.approx(KS["A"])  # collapsed to the return on capital by year 4
    assert path.prices.region[4] == 2


@pytest.mark.parametrize(
    ("lambda_g", "regime"),
    [(0.25, "wages fall to A"), (0.12, "wages grow at (g*−λg)/σ"), (0.01, "wages grow at λg/(1−σ)")],
)
def test_proposition_7_regimes_under_exogenous_saving(lambda_g, regime):
    """Korinek & Suh (2024) Proposition 7: Pareto tail, saving rate s∞."""
    sigma = KS["sigma"]
    path = solve_exogenous(ks_economy("business-as-usual", automation_rate=lambda_g), KS["K0"], S_INF, 400)
    w = path.prices.wage
    if lambda_g > G_STAR:
        assert path.prices.region[-1] == 2
        assert w[-1] == pytest.approx(KS["A"])
    elif lambda_g > (1 - sigma) * G_STAR:
        # measured before 1 − Φ = 0.392 e^{−0.12 t} falls below double precision (t ≈ 290)
        assert _log_growth(w, 150, 250) == pytest.approx((G_STAR - lambda_g) / sigma, abs=0.002)
        assert path.prices.labor_share[250] < 1e-6  # the labour share falls toward zero
        assert np.all(np.diff(path.prices.labor_share[20:250]) < 0)
    else:
        assert _log_growth(w, 300, 400) == pytest.approx(lambda_g / (1 - sigma), abs=0.001)
        limit = 1 - ((KS["A"] - KS["rho"] - KS["delta"] + KS["eta"] * KS["delta"]) / KS["eta"]
                     / (lambda_g / (1 - sigma) + KS["delta"])) ** ((sigma - 1) / sigma)
        assert path.prices.labor_share[-1] == pytest.approx(limit, abs=0.01)


def test_exogenous_saving_accumulates_capital_as_k_dot_equals_sy_minus_delta_k():
    s = 0.25
    path = solve_exogenous(ks_economy("business-as-usual"), KS["K0"], s, 30)
    kdot = s * path.output - KS["delta"] * path.capital
    np.testing.assert_allclose(np.diff(path.capital), 0.5 * (kdot[1:] + kdot[:-1]), rtol=1e-3)
    np.testing.assert_allclose(path.saving_rate, s, rtol=1e-12)


def test_integrator_uses_the_same_production_function_as_the_reported_prices():
    economy = ks_economy("agi-20", alpha=0.9)
    for t, k in [(0.0, 4.6), (7.5, 6.0), (18.0, 20.0), (25.0, 50.0)]:
        y, f_k = economy._scalar(t, k)
        fp = economy.prices(t, k)
        assert y == pytest.approx(float(fp.output), rel=1e-12)
        assert f_k == pytest.approx(float(fp.rental_rate), rel=1e-12)


@pytest.fixture(scope="module")
def ks_households():
    """Korinek & Suh's AGI-20 with their Table 2 parameters in the households closure (10k records, 40
    years), with every behavioural response and with none."""
    from commonwealth.api import simulate

    out = {}
    for label, behaviour in (("responsive", "responsive"), ("static", "static")):
        m = simulate({"name": label, "extends": "korinek-suh-2024", "saving": "households",
                      "behaviour": behaviour}, size=10_000).metrics
        out[label] = m.pivot_table(index="year", columns="metric", values="value")
    return out


@pytest.mark.slow
def test_households_closure_tells_korinek_and_suhs_agi_20_story(ks_households):
    """Wages rise before they collapse, and growth takes off after full automation — with the saving
    response to the rising return, the households' saving rate approaches the Ramsey one (s∞ = 0.56)
    and growth comes near g* = 0.18 (docs/validation.md, "Korinek & Suh in the households closure")."""
    p = ks_households["responsive"]
    w, g = p["wage_index"], p["gdp_growth"]
    peak = int(w.idxmax()) - 2025
    assert 2 <= peak < 15 and w.max() > 1.05  # wages rise at first
    assert w.loc[2045] < 0.5 * w.max()  # and have collapsed by year 20
    assert g.loc[2026:2035].mean() < 0.06 < 0.12 < g.loc[2056:2065].mean() < G_STAR + 0.01  # take-off
    assert p["saving_rate"].loc[2065] == pytest.approx(S_INF, abs=0.05)


@pytest.mark.slow
def test_without_the_return_response_households_save_too_little_for_korinek_and_suhs_growth(ks_households):
    static, responsive = ks_households["static"], ks_households["responsive"]
    assert static["gdp_growth"].loc[2056:2065].mean() < 0.10 < responsive["gdp_growth"].loc[2056:2065].mean()
    assert static["saving_rate"].loc[2065] < responsive["saving_rate"].loc[2065] - 0.1
