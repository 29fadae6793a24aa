"""Uncertain parameters: stated distributions, validated, mapped from the unit cube as stated."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from commonwealth.errors import UserError
from commonwealth.parameters import ParameterSet, ParameterSpec
from commonwealth.uncertainty import select, uncertain_parameters, values

SPEC = {"description": "d", "label": "l", "unit": "/1", "values": {"2025-01-01": 0.3},
        "reference": [{"title": "t", "href": "h"}], "min": 0.0, "max": 1.0}
UNCERTAIN = {"shape": "uniform", "low": 0.1, "high": 0.5, "basis": "b", "reference": [{"title": "t", "href": "h"}]}


def test_every_shipped_uncertainty_contains_its_central_value_and_is_sourced() -> None:
    found = uncertain_parameters()
    assert len(found) >= 12
    for p in found:
        u = p.uncertainty
        assert u.low <= p.central <= u.high, p.name
        assert u.reference and u.basis, p.name


@pytest.mark.parametrize("change, message", [
    ({"low": 0.6}, "low < high"),
    ({"shape": "triangular"}, "mode is required"),
    ({"shape": "triangular", "mode": 0.9}, "outside"),
    ({"low": -0.5}, "leaves the bounds"),
    ({"low": 0.35}, "outside its own uncertainty"),
])
def test_an_incoherent_uncertainty_is_refused(change, message) -> None:
    with pytest.raises(ValidationError, match=message):
        ParameterSpec.model_validate({**SPEC, "uncertainty": {**UNCERTAIN, **change}})


def test_the_unit_cube_maps_through_each_shapes_inverse_distribution() -> None:
    by_name = {p.name: p for p in uncertain_parameters()}
    q = np.array([[0.0], [0.5], [1.0]])
    eti = by_name["labour.eti_broad"]  # uniform 0.12–0.40
    np.testing.assert_allclose(values([eti], q)[:, 0], [0.12, 0.26, 0.40])
    noise = by_name["politics.support_noise"]  # log-uniform 0.01–0.2: the median is the geometric mean
    np.testing.assert_allclose(values([noise], q)[:, 0], [0.01, np.sqrt(0.01 * 0.2), 0.2])
    pluto = by_name["politics.plutocracy"]  # triangular 0, 0.74, 1: P(X ≤ mode) = mode
    np.testing.assert_allclose(values([pluto], np.array([[0.74]]))[0, 0], 0.74)
    draws = values([pluto], np.random.default_rng(0).random((20_000, 1)))[:, 0]
    assert draws.mean() == pytest.approx((0 + 0.74 + 1) / 3, abs=0.01)


def test_select_names_only_uncertain_parameters() -> None:
    assert [p.name for p in select(["politics.plutocracy"])] == ["politics.plutocracy"]
    with pytest.raises(UserError, match=r"Did you mean 'politics\.plutocracy'"):
        select(["politics.plutocrazy"])
    with pytest.raises(UserError, match="not an uncertain parameter"):
        select(["production.sigma"])
    assert len(select(None)) == len([n for n in ParameterSet() if ParameterSet()[n].spec.uncertainty])
    assert select([]) == []  # none: a sweep over seeds and political draws only
