"""Firms and land."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from commonwealth import assets
from commonwealth.assets import (
    build_firms,
    household_land_value,
    land_value,
    larson_land_value_scaled,
    sector_table,
)
from commonwealth.base_year import build_base_year
from commonwealth.parameters import ParameterSet

PARAMS = ParameterSet()


@pytest.fixture(scope="module")
def economy():
    return build_base_year(20_000, PARAMS, seed=0)


def test_listed_universe_matches_the_market_totals(economy) -> None:
    _, firms = economy
    listed = firms.listed
    assert listed.sum() == PARAMS("assets.listed_firm_count")
    assert firms.value[listed].sum() == pytest.approx(
        PARAMS("assets.listed_equity_value"), rel=1e-12
    )
    private = ~listed & ~firms.aggregate
    ratio = firms.value[private].sum() / firms.value[listed].sum()
    assert ratio == pytest.approx(PARAMS("assets.closely_held_to_public_equity_ratio"), rel=1e-12)
    assert private.sum() == PARAMS("assets.private_firm_rows")


def test_named_firms_keep_their_market_caps_and_the_largest_is_first(economy) -> None:
    _, firms = economy
    assert firms.name[0] == "Nvidia" and firms.value[0] == 4.03e12
    corporate = firms.value[~firms.aggregate]
    assert corporate.max() == firms.value[0]
    generated = (firms.name == "") & ~firms.aggregate
    assert firms.value[generated].max() < firms.value[9]  # the tail continues below the 10th


def test_founder_stakes_follow_forbes_fortunes(economy) -> None:
    _, firms = economy
    alphabet = int(np.flatnonzero(firms.name == "Alphabet")[0])
    assert firms.own_concentrated[alphabet] == pytest.approx((179e9 + 166e9) / 2.17e12, rel=1e-9)
    assert firms.own_concentrated[~firms.aggregate].max() < 1.0


def test_sectors_and_ai_exposure(economy) -> None:
    _, firms = economy
    table = sector_table()
    assert table["weight"].sum() == pytest.approx(1.0)
    assert table["value_added"].sum() == pytest.approx(
        24_615_614e6, rel=1e-6
    )  # BEA private industries (rounded lines)
    assert np.all((firms.ai_exposure >= 0) & (firms.ai_exposure <= 1))
    np.testing.assert_array_equal(firms.ai_exposure, table["ai_exposure"].to_numpy()[firms.sector])
    assert firms.revenue.sum() == pytest.approx(table["value_added"].sum(), rel=1e-9)


def test_firms_are_deterministic_for_a_seed() -> None:
    a, b = build_firms(PARAMS, seed=5), build_firms(PARAMS, seed=5)
    for field in dataclasses.fields(a):
        np.testing.assert_array_equal(getattr(a, field.name), getattr(b, field.name))
    np.testing.assert_allclose(a.ownership_total, 1.0, atol=1e-12)


def test_build_firms_alone_agrees_with_the_settled_economy(economy) -> None:
    _, settled = economy
    alone = build_firms(PARAMS, seed=0)
    corporate = ~alone.aggregate
    np.testing.assert_allclose(alone.value[corporate], settled.value[corporate])
    np.testing.assert_allclose(
        alone.own_concentrated[corporate], settled.own_concentrated[corporate], rtol=1e-9
    )


def test_land_value_capitalises_rent() -> None:
    assert land_value(100.0, 0.05, 0.02, 0.01, 0.01) == pytest.approx(2000.0)
    values = land_value(100.0, 0.05, 0.02, np.array([0.0, 0.01, 0.025]), 0.01)
    assert np.all(np.diff(values) < 0)  # a land value tax is capitalised into lower land prices


def test_land_value_refuses_a_non_positive_denominator() -> None:
    with pytest.raises(ValueError, match="infinite"):
        land_value(100.0, 0.02, 0.03, 0.0, 0.0)
    with pytest.raises(ValueError, match="infinite"):
        land_value(100.0, 0.05, 0.03, np.array([0.0, -0.03]), 0.0)


def test_household_land_matches_the_population_and_sits_below_all_private_land(economy) -> None:
    pop, _ = economy
    land = household_land_value(PARAMS)
    assert pop.total(pop.housing_land + pop.other_land) == pytest.approx(land, rel=1e-9)
    assert land < larson_land_value_scaled(PARAMS)


def test_other_land_is_concentrated_at_the_top(economy) -> None:
    pop, _ = economy
    from commonwealth.distribution import top_share

    household, units = pop.unit_wealth(pop.net_worth), pop.unit_weight  # the DFA's top 10 % of households
    assert top_share(household, units, 0.1) < 0.69
    order = np.argsort(household)
    top10 = order[np.cumsum(units[order]) > 0.9 * units.sum()]
    share = pop.total(
        np.where(np.isin(np.arange(pop.size), top10), pop.other_land, 0.0)
    ) / pop.total("other_land")
    assert share > 0.8


def test_universe_refuses_impossible_totals() -> None:
    bad = PARAMS.with_overrides({"assets.listed_equity_value": 1.0e12})
    with pytest.raises(ValueError):
        assets.firm_universe(bad, seed=0)
