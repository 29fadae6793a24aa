"""The AI path in the engine: compute presets enter the economy only through the deployed automation
share, Korinek & Suh's presets are unchanged, and the AI metrics are reported."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.engine import run_scenario
from commonwealth.errors import UserError
from commonwealth.scenario import Scenario

SIZE, YEARS = 2000, 12
AI_METRICS = ("automation_possible", "new_task_share", "hybrid_productivity", "automation_cost_effective",
              "effective_compute", "ai_cost_per_hour_median_task", "ai_cost_per_hour_frontier")


def _wide(raw: dict):
    scenario = Scenario.from_dict({"population": {"size": SIZE}, "years": YEARS, **raw})
    return scenario, run_scenario(scenario).metrics.pivot(index="year", columns="metric", values="value")


def test_a_compute_path_acts_only_through_its_automation_share():
    # new work is off by default; the frontier labs (on by default for compute presets) are the special case's
    # other switch, and lags (which also fade the price frictions): with both off, a compute path and a custom
    # path with the same Φ give the same economy
    no_labs = {"preset": "compute-10x", "labs": False, "diffusion": False}
    scenario, compute = _wide({"name": "c", "extends": "status-quo", "ai": no_labs})
    path = scenario.automation()
    shares = {scenario.start_year + int(t): v for t, v in zip(path.path_years, path.path_values, strict=True)}
    later = {y: s for y, s in shares.items() if y > scenario.start_year}
    _, custom = _wide({"name": "c", "extends": "status-quo", "ai": {"preset": "custom", "path": later}})
    economy = [m for m in compute.columns if m not in AI_METRICS and "_by_occupation." not in m]
    assert np.allclose(compute[economy].to_numpy(), custom[economy].to_numpy(), rtol=1e-12, atol=0.0,
                       equal_nan=True)
    assert compute["automation_share"].iloc[-1] > compute["automation_share"].iloc[0]  # the test has teeth


def test_korinek_and_suh_presets_are_unchanged_by_the_ai_block_unless_lags_are_asked_for():
    _, default = _wide({"name": "k", "extends": "agi-20"})
    _, off = _wide({"name": "k", "extends": "agi-20", "ai": {"preset": "agi-20", "diffusion": False}})
    _, lagged = _wide({"name": "k", "extends": "agi-20", "ai": {"preset": "agi-20", "diffusion": True}})
    np.testing.assert_array_equal(default.to_numpy(), off.to_numpy())  # NaN == NaN here
    assert (default["automation_possible"] == default["automation_share"]).all()
    assert "effective_compute" not in default.columns  # undefined without a compute block: not reported
    later = lagged["automation_share"].iloc[1:] < lagged["automation_possible"].iloc[1:]
    assert later.all()


def test_deployment_lags_deploy_less_than_is_possible_under_gate():
    _, gate = _wide({"name": "g", "extends": "status-quo", "ai": {"preset": "gate"}, "years": 30})
    assert (gate["automation_share"] <= gate["automation_possible"] + 1e-15).all()
    assert gate["automation_possible"].iloc[-1] > gate["automation_share"].iloc[-1]
    assert gate["effective_compute"].is_monotonic_increasing
    assert gate["ai_cost_per_hour_median_task"].is_monotonic_decreasing
    legal = gate["ai_cost_to_wage_by_occupation.legal"]
    assert legal.iloc[0] < 1 and legal.is_monotonic_decreasing  # an AI hour of legal work: a fraction of the wage


def test_compute_settings_apply_to_compute_10x_only():
    with pytest.raises(UserError, match="compute_growth_factor"):
        Scenario.from_dict({"name": "x", "ai": {"preset": "gate", "compute_growth_factor": 5.0}})
    with pytest.raises(UserError, match="agi_years"):
        Scenario.from_dict({"name": "x", "ai": {"preset": "compute-10x", "agi_years": 5.0}})


def test_hybrid_work_raises_the_wage_and_new_tasks_lower_the_automated_share():
    base = {"name": "n", "extends": "status-quo", "years": 20}
    _, without = _wide({**base, "ai": {"preset": "gate", "new_work": False}})
    _, with_new = _wide({**base, "ai": {"preset": "gate", "new_work": True}})
    assert (with_new["automation_share"].iloc[1:] < without["automation_share"].iloc[1:]).all()
    assert with_new["new_task_share"].iloc[-1] > 0 == without["new_task_share"].iloc[-1]
    assert with_new["hybrid_productivity"].iloc[-1] > 1 == without["hybrid_productivity"].iloc[-1]
    assert with_new["wage_index"].iloc[-1] > without["wage_index"].iloc[-1]
    assert with_new["labor_share"].iloc[-1] > without["labor_share"].iloc[-1]


def test_hybrid_work_lowers_the_cpi_as_a_productivity_gain_and_does_not_raise_it_as_a_wage_cost():
    base = {"name": "h", "extends": "status-quo", "years": 20,
            "parameters": {"new_work.reinstatement_rate": 0.0}}
    _, without = _wide({**base, "ai": {"preset": "gate"}})
    _, hybrid = _wide({**base, "ai": {"preset": "gate", "new_work": True}})
    assert hybrid["hybrid_productivity"].iloc[-1] > 1.02
    assert hybrid["cpi"].iloc[-1] <= without["cpi"].iloc[-1] * 1.001
