"""The split of a reform's effect by behavioural channel (commonwealth.channels)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from commonwealth.channels import INTERACTIONS, RESPONSES, STATIC, TOTAL, channel_effects, response_sets
from commonwealth.engine import ScenarioResult
from commonwealth.errors import UserError
from commonwealth.scenario import scenario_from_mapping

REFORM = scenario_from_mapping({"name": "reform", "years": 10, "population": {"size": 5000}})
BASE = scenario_from_mapping({"name": "base", "years": 10, "population": {"size": 5000}})
#: A made-up economy: each response moves the reform's GDP by its own amount; labour and saving interact.
SHIFT = {"saving": -0.02, "labour": -0.01, "portfolios": 0.005, "investment": -0.03, "taxable_income": 0.0}


def fake_run(scenario) -> ScenarioResult:
    on = {k for k in RESPONSES if getattr(scenario.behaviour, k)}
    gdp = 100.0
    if scenario.name == "reform":
        gdp *= 0.99 + sum(SHIFT[k] for k in on) + (0.004 if {"saving", "labour"} <= on else 0.0)
    metrics = pd.DataFrame({"scenario": scenario.name, "year": [2035, 2035], "metric": ["gdp", "wealth_share_top1"],
                            "value": [gdp, 0.3 + (0.01 if scenario.name == "reform" else 0.0)],
                            "unit": ["USD/year", "/1"]})
    return ScenarioResult(scenario, None, metrics, 0.0)


def test_the_split_runs_none_each_response_alone_and_all():
    sets = response_sets()
    assert list(sets) == [STATIC, *RESPONSES, TOTAL]
    assert not sets[STATIC].any and all(getattr(sets[TOTAL], k) for k in RESPONSES)
    assert [k for k in RESPONSES if getattr(sets["labour"], k)] == ["labour"]


def test_channels_add_up_to_the_total_and_interactions_catch_what_is_not_additive():
    split = channel_effects(REFORM, BASE, metrics=("gdp",), years=[2035], run=fake_run).set_index("channel")
    effect = split["effect"]
    assert effect[STATIC] == pytest.approx(-0.01)
    for k, shift in SHIFT.items():
        assert effect[k] == pytest.approx(shift)
    assert effect[INTERACTIONS] == pytest.approx(0.004)
    assert effect[TOTAL] == pytest.approx(effect.drop(TOTAL).sum())


def test_shares_are_split_in_points_and_amounts_relatively():
    split = channel_effects(REFORM, BASE, metrics=("gdp", "wealth_share_top1"), years=[2035], run=fake_run)
    kinds = dict(zip(split.metric, split.kind, strict=False))
    assert kinds == {"gdp": "relative", "wealth_share_top1": "points"}
    static = split[(split.channel == STATIC) & (split.metric == "wealth_share_top1")]["effect"].item()
    assert static == pytest.approx(0.01)


def test_unknown_metrics_and_responses_are_refused_before_anything_runs():
    def never(scenario):
        raise AssertionError("ran")

    with pytest.raises(UserError, match="unknown metric gpd"):
        channel_effects(REFORM, BASE, metrics=("gpd",), years=[2035], run=fake_run)
    with pytest.raises(UserError, match="unknown response"):
        channel_effects(REFORM, BASE, responses=("labor",), run=never)


def test_the_static_channel_is_the_effect_with_every_response_off():
    """On the real engine: the static row is the reform's effect with `behaviour: static` on both sides."""
    from commonwealth.api import simulate

    reform = {"name": "fund", "extends": "american-equity-fund", "years": 4, "population": {"size": 5000},
              "behaviour": "static"}
    base = {"name": "sq", "extends": "status-quo", "years": 4, "population": {"size": 5000}, "behaviour": "static"}
    runs = simulate(reform, base).metrics
    gdp = runs[(runs.metric == "gdp") & (runs.year == 2029)].set_index("scenario")["value"]
    split = channel_effects(scenario_from_mapping(reform), scenario_from_mapping(base), years=[2029],
                            responses=("portfolios",))
    static = split[split.channel == STATIC]["effect"].item()
    assert np.isclose(static, gdp["fund"] / gdp["sq"] - 1.0, rtol=1e-12, atol=1e-15)
