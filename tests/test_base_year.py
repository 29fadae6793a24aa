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
