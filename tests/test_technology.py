"""The AI preset registry: one list, from which the scenario schema and the automation paths derive."""

from __future__ import annotations

import math
import typing

import pytest

from commonwealth.scenario import AISettings, Preset
from commonwealth.technology import BOUNDED_PRESETS, PRESETS, automation_path


def test_the_scenario_schema_accepts_exactly_the_registered_presets() -> None:
    assert typing.get_args(Preset) == tuple(PRESETS)
    assert BOUNDED_PRESETS == ("agi-20", "agi-5", "compute-10x")
    with pytest.raises(ValueError, match="preset"):
        AISettings(preset="agi-3")


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_builds_the_path_of_its_kind(name) -> None:
    spec = PRESETS[name]
    path = automation_path(name, phi0=0.6, automation_rate=0.01, path={10.0: 1.0})
    assert path.kind == spec.kind
    assert spec.description and set(spec.settings) <= set(AISettings.model_fields)
    if spec.years_to_full is not None:
        assert path.full_automation_time() == spec.years_to_full
    if name == "compute-10x":
        assert path.full_automation_time() == pytest.approx(10.0)
    if spec.kind in ("pareto", "frozen"):
        assert math.isinf(path.full_automation_time())


def test_an_unknown_preset_is_refused_with_the_registered_names() -> None:
    with pytest.raises(ValueError, match="allowed: business-as-usual, agi-20"):
        automation_path("agi-3", phi0=0.6, automation_rate=0.01)
