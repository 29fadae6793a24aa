"""The base year built whole: ownership of every firm settled against the population, and its checks."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from commonwealth.base_year import OwnershipError, build_base_year, check_ownership
from commonwealth.parameters import ParameterSet

PARAMS = ParameterSet()


@pytest.fixture(scope="module")
def economy():
    return build_base_year(20_000, PARAMS, seed=0)


def test_ownership_fractions_lie_in_0_1_and_sum_to_one(economy) -> None:
    _, firms = economy
    columns = np.stack([firms.own_index, firms.own_concentrated, firms.own_foreign, firms.own_fund])
    assert np.all(columns >= 0) and np.all(columns <= 1)
    np.testing.assert_allclose(firms.ownership_total, 1.0, rtol=0, atol=1e-12)
    assert np.all(firms.own_fund == 0)  # no fund at base


def test_concentrated_holders_are_exactly_the_records_staking_each_firm(economy) -> None:
    pop, firms = economy
    holds = pop.stake_firm >= 0
    held = np.bincount(
        pop.stake_firm[holds],
        weights=pop.weight[holds] * pop.equity_concentrated[holds],
        minlength=firms.size,
    )
    np.testing.assert_allclose(held, firms.own_concentrated * firms.value, rtol=1e-9, atol=1e-3)
    assert np.all(pop.equity_concentrated[~holds] == 0)


def test_index_holders_own_a_pro_rata_slice_of_every_firm(economy) -> None:
    pop, firms = economy
    assert pop.total("equity_index") == pytest.approx(
        float(np.dot(firms.own_index, firms.value)), rel=1e-9
    )
    corporate = ~firms.aggregate
    free = 1.0 - firms.own_concentrated[corporate]
    slice_of_float = firms.own_index[corporate] / free
    np.testing.assert_allclose(
        slice_of_float, slice_of_float[0], rtol=1e-12
    )  # same slice everywhere


def test_check_ownership_passes_and_catches_tampering(economy) -> None:
    pop, firms = economy
    check_ownership(pop, firms)
    tampered = dataclasses.replace(pop, equity_concentrated=pop.equity_concentrated.copy())
    richest = int(np.argmax(pop.equity_concentrated))
    tampered.equity_concentrated[richest] *= 1.01
    with pytest.raises(OwnershipError, match="holders own"):
        check_ownership(tampered, firms)
    skewed = dataclasses.replace(firms, own_index=firms.own_index * 1.01)
    with pytest.raises(OwnershipError, match="sums to"):
        check_ownership(pop, skewed)


def test_noncorporate_business_rows_are_fully_owned_by_their_holders(economy) -> None:
    pop, firms = economy
    agg = firms.aggregate
    assert np.all(firms.own_concentrated[agg] == 1.0)
    assert not np.any(firms.listed[agg])
    business = np.isin(pop.stake_firm, np.flatnonzero(agg))
    assert business.any()


def test_cached_base_year_hands_out_a_fresh_copy_equal_to_a_new_build() -> None:
    from commonwealth.base_year import cached_base_year

    fresh_pop, fresh_firms = build_base_year(2_000, PARAMS, seed=3)
    first_pop, first_firms = cached_base_year(2_000, PARAMS, seed=3)
    first_pop.wealth_scale_marker = None  # an attribute the cache must not keep
    first_pop.weight[:] = -1.0            # the engine mutates what it is given
    first_firms.value[:] = -1.0
    first_firms.name[0] = "changed"       # an object array: its copy must be a copy too
    pop, firms = cached_base_year(2_000, PARAMS, seed=3)
    assert pop is not first_pop and not hasattr(pop, "wealth_scale_marker")
    for field in dataclasses.fields(fresh_pop):
        a, b = getattr(fresh_pop, field.name), getattr(pop, field.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=field.name)
    for field in dataclasses.fields(fresh_firms):
        a, b = getattr(fresh_firms, field.name), getattr(firms, field.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=field.name)


def test_cached_base_year_keys_on_seed_and_parameter_overrides() -> None:
    from commonwealth.base_year import cached_base_year

    base, _ = cached_base_year(2_000, PARAMS, seed=3)
    other_seed, _ = cached_base_year(2_000, PARAMS, seed=4)
    assert not np.array_equal(base.efficiency, other_seed.efficiency)
    same, _ = cached_base_year(2_000, ParameterSet({"population.adults": PARAMS("population.adults")}), seed=3)
    np.testing.assert_array_equal(same.efficiency, base.efficiency)  # an override equal to the default
    fewer, _ = cached_base_year(2_000, ParameterSet({"population.adults": 0.5 * PARAMS("population.adults")}), seed=3)
    assert not np.allclose(fewer.weight, base.weight)
