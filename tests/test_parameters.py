"""Parameters: every file carries provenance and respects its own bounds."""

from __future__ import annotations

import pytest

from commonwealth.errors import UserError
from commonwealth.parameters import PARAMETER_DIR, UNITS, ParameterSet, _read_file


def _all_files():
    return sorted(PARAMETER_DIR.rglob("*.yaml"))


def test_parameter_files_exist():
    assert len(_all_files()) >= 20


@pytest.mark.parametrize("path", _all_files(), ids=lambda p: p.stem)
def test_every_parameter_has_unit_label_reference_and_respects_its_bounds(path):
    param = _read_file(path)
    spec = param.spec
    assert spec.unit in UNITS
    assert spec.label.strip() and spec.description.strip()
    assert spec.reference and all(r.title.strip() and r.href.startswith("http") for r in spec.reference)
    for value in spec.values.values():
        assert param.check_bounds(value) is None, f"{param.name}={value} breaks its own min/max"


def test_dated_values_apply_from_their_date():
    gdp = ParameterSet()["calibration.gdp"]
    assert gdp.value(2024) == 29.2e12
    assert gdp.value(2025) == 31.0e12
    assert gdp.value(2040) == 31.0e12
    assert gdp.value(1990) == 29.2e12  # before the first date: the first value


def test_override_replaces_the_value():
    p = ParameterSet().with_overrides({"production.sigma": 0.3})
    assert p("production.sigma", 2030) == 0.3
    assert ParameterSet()("production.sigma", 2030) == 0.5


def test_unknown_parameter_is_a_user_error_with_a_suggestion():
    with pytest.raises(UserError, match=r"production\.sigma"):
        ParameterSet().with_overrides({"production.sigmaa": 0.3}, source="x.yaml")


def test_out_of_range_override_names_the_allowed_range():
    with pytest.raises(UserError, match=r"between 0\.01 and 0\.99"):
        ParameterSet().with_overrides({"production.sigma": 1.5}, source="x.yaml")


def test_wrong_type_override_is_refused():
    with pytest.raises(UserError, match="a number"):
        ParameterSet().with_overrides({"production.sigma": "high"}, source="x.yaml")
