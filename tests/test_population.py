"""The population struct: dtypes, lengths and the net-worth identity of a built population."""

from __future__ import annotations

import numpy as np

from commonwealth.parameters import ParameterSet

PARAMS = ParameterSet()
SIZES = (20_000, 100_000)


def test_arrays_have_the_planned_dtypes_and_lengths(economies) -> None:
    pop, _ = economies[SIZES[0]]
    pop.validate()
    assert pop.size == SIZES[0]
    assert pop.weight.dtype == np.float64 and pop.age.dtype == np.int16
    assert pop.occupation.dtype == np.int8 and pop.stake_firm.dtype == np.int32
    assert pop.citizen.dtype == np.bool_ and pop.employed.dtype == np.bool_
    assert pop.age.min() >= 18 and pop.age.max() <= int(PARAMS("population.max_age"))


def test_net_worth_is_assets_less_debt_and_includes_durables(economies) -> None:
    pop, _ = economies[SIZES[0]]
    parts = (
        pop.equity_index
        + pop.equity_concentrated
        + pop.housing_land
        + pop.housing_structure
        + pop.other_land
        + pop.bonds
        + pop.durables
        - pop.debt
    )
    np.testing.assert_allclose(pop.net_worth, parts)
    assert pop.total("durables") > 0
    assert np.all(pop.debt >= 0) and np.all(pop.net_worth > 0)
