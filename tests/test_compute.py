"""The compute block (commonwealth.compute): hardware and software against their ceilings, the training
run, GATE's capability mapping and cost-effective automation."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from commonwealth.compute import (
    ComputeParameters,
    ai_cost_per_hour,
    capability,
    ceiling_path,
    compute_path,
    cost_frontier,
)
from commonwealth.parameters import ParameterSet

PARAMS = ComputeParameters.from_parameters(ParameterSet(), 2025)
PHI0 = 0.608
T = np.arange(61, dtype=float)


def test_efficiency_grows_at_its_initial_rate_and_never_passes_its_ceiling():
    path = ceiling_path(0.275, 5.0, T)
    assert path[1] == pytest.approx(math.log10(1.275), rel=0.02)  # ≈ the initial rate in year 1
    assert np.all(np.diff(path) > 0) and path[-1] < 5.0
    assert np.all(np.diff(path, 2) < 0)  # slowing as the headroom shrinks


def test_training_spending_stops_at_its_cap():
    path = compute_path(PARAMS, phi0=PHI0, gdp0=3e13, years=60)
    spend = path.log_training_compute - math.log10(PARAMS.training_run_base) - path.log_hardware - path.log_software
    cap = math.log10(PARAMS.spend_cap * 3e13 / PARAMS.spend_base)
    assert spend.max() == pytest.approx(cap)
    assert spend[1] == pytest.approx(math.log10(1.0 + PARAMS.spend_growth))


def test_capability_rises_log_linearly_across_the_flop_gap():
    f = capability(np.array([30.0, 31.0, 33.75, 36.5, 40.0]), PHI0, 36.5, 5.5)
    assert f[0] == f[1] == PHI0  # below T/10^Δ = 10^31
    assert f[2] == pytest.approx(PHI0 + 0.5 * (1.0 - PHI0))  # half-way in OOM
    assert f[3] == f[4] == 1.0


def test_a_task_switches_to_ai_in_the_year_its_ai_hour_becomes_cheaper_than_work():
    # no hardware ceiling to speak of, software frozen: efficiency grows a known 0.1 OOM a year
    p = dataclasses.replace(PARAMS, hardware_growth=10 ** 0.1 - 1.0, hardware_headroom=1e6, software_growth=0.0,
                            software_headroom=1.0)
    path = compute_path(p, phi0=0.0, gdp0=3e13, years=40)
    task = 0.97
    years_cheaper = [t for t in range(41) if float(path.ai_cost_per_hour(task, t)) <= p.labour_cost_per_hour]
    crossing = years_cheaper[0]
    assert float(path.ai_cost_per_hour(task, crossing - 1)) > p.labour_cost_per_hour
    assert path.cost_frontier[crossing] >= task > path.cost_frontier[crossing - 1]
    # the hand calculation: 10^(γ0 + γ1 i) (δ + r) / (H S (1 − m) hours) at the base year
    hand = 10 ** (p.runtime_base + p.runtime_slope * task - p.hardware_base) * (p.depreciation + p.financing_rate) \
        / ((1 - p.gross_margin) * p.hours_per_year)
    assert float(ai_cost_per_hour(np.asarray(task), 0.0, p)) == pytest.approx(hand)


def test_adoptable_is_the_smaller_of_possible_and_worth_doing():
    expensive = dataclasses.replace(PARAMS, labour_cost_per_hour=1e-4, hardware_growth=0.0, software_growth=0.0)
    path = compute_path(expensive, phi0=0.0, gdp0=3e13, years=30)
    assert np.all(path.adoptable <= path.cost_frontier + 1e-15)
    assert np.all(path.adoptable <= path.possible + 1e-15)
    assert path.cost_frontier[0] == pytest.approx(float(cost_frontier(np.zeros(1), expensive)[0]))
    # with work this cheap only the simplest 28 % of tasks are worth an AI hour: a base share above that
    # is kept (machines already doing tasks are not undone), and nothing is added
    assert path.cost_frontier.max() < 0.5
    floored = compute_path(expensive, phi0=0.5, gdp0=3e13, years=30)
    np.testing.assert_array_equal(floored.adoptable, 0.5)


def test_a_requirement_below_todays_run_is_refused():
    with pytest.raises(ValueError, match="AGI requirement"):
        compute_path(dataclasses.replace(PARAMS, agi_requirement=20.0), phi0=PHI0, gdp0=3e13, years=5)


def test_occupations_map_onto_the_remaining_tasks_most_exposed_first():
    from commonwealth.compute import occupation_task_quantiles

    exposure = np.array([0.2, 0.6, 0.4, 0.6])
    employment = np.array([1.0, 1.0, 2.0, 1.0])
    q = occupation_task_quantiles(exposure, employment, PHI0)
    assert q[1] == q[3] < q[2] < q[0]  # ties share a rank
    assert q.min() > PHI0 and q.max() < 1.0
    assert q[0] == pytest.approx(PHI0 + (1 - PHI0) * (1 - 0.5 / 5))  # the least exposed fifth's mid-rank
