"""Automation paths (Korinek & Suh 2024), Acemoglu's (2024) Hulten arithmetic, and the AI preset registry
from which the scenario schema and the automation paths derive."""

from __future__ import annotations

import math
import typing

import numpy as np
import pytest

from commonwealth.compute import ComputeParameters
from commonwealth.parameters import ParameterSet
from commonwealth.scenario import AISettings, Preset
from commonwealth.technology import (
    BOUNDED_PRESETS,
    COMPUTE_PRESETS,
    PRESETS,
    AcemogluInputs,
    acemoglu_estimate,
    automation_path,
)

PHI0 = 0.608


def test_pareto_tail_shrinks_unautomated_share_at_rate_lambda_g():
    path = automation_path("business-as-usual", phi0=PHI0, automation_rate=0.01)
    t = np.array([0.0, 10.0, 50.0])
    np.testing.assert_allclose(1 - path.share(t), (1 - PHI0) * np.exp(-0.01 * t), rtol=1e-14)
    assert math.isinf(path.full_automation_time())


@pytest.mark.parametrize(("preset", "years"), [("agi-20", 20.0), ("agi-5", 5.0)])
def test_bounded_distribution_reaches_full_automation_after_t_years(preset, years):
    path = automation_path(preset, phi0=PHI0, automation_rate=0.01)
    assert float(path.share(0.0)) == pytest.approx(PHI0, abs=1e-15)
    assert float(path.share(years - 1e-9)) < 1.0
    assert float(path.share(years)) == 1.0
    assert float(path.share(years + 30)) == 1.0
    # β = 1: Φ rises linearly in time
    np.testing.assert_allclose(path.share(years / 2), PHI0 + (1 - PHI0) / 2, rtol=1e-14)


def test_bounded_distribution_shape_beta_changes_the_path_not_its_endpoints():
    steep = automation_path("agi-20", phi0=PHI0, automation_rate=0.01, beta=3.0)
    assert float(steep.share(0.0)) == pytest.approx(PHI0)
    assert float(steep.share(20.0)) == 1.0
    linear = automation_path("agi-20", phi0=PHI0, automation_rate=0.01)
    assert float(steep.share(10.0)) != pytest.approx(float(linear.share(10.0)))


def test_compute_10x_makes_every_task_possible_once_compute_is_ten_orders_above_today():
    compute = ComputeParameters.from_parameters(ParameterSet(), 2025)
    path = automation_path("compute-10x", phi0=PHI0, automation_rate=0.01, compute_growth_factor=10.0,
                           compute_gap_orders=10.0, compute=compute, gdp0=3e13, years=30)
    lag = compute.lag  # capability follows the training run by this many years
    assert float(path.possible(10.0 + lag)) == 1.0 > float(path.possible(9.0 + lag))
    # nothing becomes possible until the run is within the FLOP gap of the requirement
    start = 10.0 * (1.0 - compute.flop_gap_fraction) + lag
    assert float(path.possible(np.floor(start))) == PHI0 < float(path.possible(np.ceil(start) + 1.0))
    faster = automation_path("compute-10x", phi0=PHI0, automation_rate=0.01, compute_growth_factor=100.0,
                             compute_gap_orders=10.0, compute=compute, gdp0=3e13, years=30)
    assert float(faster.possible(5.0 + lag)) == 1.0
    assert path.full_automation_time() == 10.0 + lag  # without deployment lags deployed = possible


def test_stall_freezes_the_automation_share():
    path = automation_path("stall", phi0=PHI0, automation_rate=0.01)
    np.testing.assert_array_equal(path.share(np.arange(50.0)), PHI0)


def test_custom_path_interpolates_between_given_years_from_phi0():
    path = automation_path("custom", phi0=PHI0, automation_rate=0.0, path={10: 0.8, 20: 1.0})
    assert float(path.share(0.0)) == pytest.approx(PHI0)
    assert float(path.share(5.0)) == pytest.approx((PHI0 + 0.8) / 2)
    assert float(path.share(15.0)) == pytest.approx(0.9)
    assert float(path.share(40.0)) == 1.0
    assert path.full_automation_time() == 20.0


def test_unknown_preset_is_refused():
    with pytest.raises(ValueError, match="allowed"):
        automation_path("agi-50", phi0=PHI0, automation_rate=0.01)


def test_acemoglu_2024_hulten_arithmetic_from_its_inputs():
    """TFP +0.66 % (0.53 % with hard tasks split), GDP +1.16 % (0.93 %) over ten years."""
    p = ParameterSet()
    inputs = AcemogluInputs(
        exposed_task_share=p("acemoglu.exposed_task_share"),
        profitable_share=p("acemoglu.profitable_share"),
        labour_cost_saving=p("acemoglu.labour_cost_saving"),
        labour_share_exposed=p("acemoglu.labour_share_exposed"),
        hard_task_gdp_share=p("acemoglu.hard_task_gdp_share"),
        hard_task_cost_saving=p("acemoglu.hard_task_cost_saving"),
        capital_share=p("acemoglu.capital_share"),
    )
    assert inputs.gdp_share_affected == pytest.approx(0.046, abs=1e-12)
    assert inputs.average_cost_saving == pytest.approx(0.144, abs=0.001)
    est = acemoglu_estimate(inputs)
    # Published to two decimals of a percentage point. The baseline is pinned to half a unit in the
    # last digit. The hard/easy split rests on inputs the paper rounds (1.3 % and 3.3 % of GDP,
    # saving 0.037): moving the hard share within its rounding interval (1.25–1.35 %) moves TFP by
    # ±0.005 pp, so the split is pinned to 0.01 pp (TFP) and 0.015 pp (GDP, ×1/(1 − 0.43)).
    assert 100 * est["tfp"] == pytest.approx(0.66, abs=0.005)
    assert 100 * est["gdp"] == pytest.approx(1.16, abs=0.01)
    assert 100 * est["tfp_hard_easy"] == pytest.approx(0.53, abs=0.01)
    assert 100 * est["gdp_hard_easy"] == pytest.approx(0.93, abs=0.015)


def test_the_scenario_schema_accepts_exactly_the_registered_presets() -> None:
    assert typing.get_args(Preset) == tuple(PRESETS)
    assert BOUNDED_PRESETS == ("agi-20", "agi-5")
    assert COMPUTE_PRESETS == ("gate", "compute-10x")
    with pytest.raises(ValueError, match="preset"):
        AISettings(preset="agi-3")


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_builds_the_path_of_its_kind(name) -> None:
    spec = PRESETS[name]
    path = automation_path(name, phi0=0.6, automation_rate=0.01, path={10.0: 1.0},
                           compute=ComputeParameters.from_parameters(ParameterSet(), 2025), gdp0=3e13, years=30)
    assert path.kind == ("table" if spec.kind == "compute" else spec.kind)
    assert spec.description and set(spec.settings) <= set(AISettings.model_fields)
    if spec.years_to_full is not None:
        assert path.full_automation_time() == spec.years_to_full
    if spec.kind in ("pareto", "frozen"):
        assert math.isinf(path.full_automation_time())


def test_an_unknown_preset_is_refused_with_the_registered_names() -> None:
    with pytest.raises(ValueError, match="allowed: business-as-usual, acemoglu-2024, agi-20"):
        automation_path("agi-3", phi0=0.6, automation_rate=0.01)


def _output_at_base_inputs(phi: float) -> float:
    from commonwealth.calibration import calibrate_us
    from commonwealth.production import factor_prices

    p = ParameterSet()
    cal = calibrate_us(p, 2025)
    return float(factor_prices(cal.capital0, 1.0, phi, tfp=cal.tfp, sigma=p("production.sigma", 2025),
                               alpha=cal.alpha).output)


def test_the_acemoglu_preset_gives_his_ten_year_tfp_gain_in_the_engine_and_business_as_usual_gives_more():
    from commonwealth.scenario import load_scenario
    from commonwealth.technology import acemoglu_inputs

    target = acemoglu_estimate(acemoglu_inputs(ParameterSet(), 2025))["tfp"]
    gains = {}
    for name in ("acemoglu-2024", "business-as-usual"):
        path = load_scenario(name).automation()
        gains[name] = math.log(_output_at_base_inputs(float(path.share(10.0))) / _output_at_base_inputs(PHI0))
    assert gains["acemoglu-2024"] == pytest.approx(target, rel=1e-9)
    assert target == pytest.approx(0.0066, abs=0.0005)
    assert 5 < gains["business-as-usual"] / gains["acemoglu-2024"] < 10  # ≈ 5 % against 0.66 %
