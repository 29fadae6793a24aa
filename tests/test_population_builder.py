"""The base-year population builder: wealth strata, billionaires, labour, occupations, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.distribution import share_between, top_share
from commonwealth.parameters import ParameterSet
from commonwealth.population import STRATA, occupation_exposure
from commonwealth.population_builder import build_population
from commonwealth.sources import occupation_table
from commonwealth.wealth_targets import dfa_wealth_targets

PARAMS = ParameterSet()
SIZES = (20_000, 100_000)


@pytest.mark.parametrize("size", SIZES)
def test_dfa_group_shares_within_one_point(economies, size) -> None:
    pop, _ = economies[size]
    dfa = dfa_wealth_targets(PARAMS)
    shares = dfa.net_worth / dfa.net_worth.sum()
    nw, units = pop.unit_wealth(pop.net_worth), pop.unit_weight  # DFA groups are households
    assert top_share(nw, units, 0.001) == pytest.approx(shares[0], abs=0.01)
    assert share_between(nw, units, 0.99, 0.999) == pytest.approx(shares[1], abs=0.01)
    assert share_between(nw, units, 0.90, 0.99) == pytest.approx(shares[2], abs=0.01)
    assert share_between(nw, units, 0.50, 0.90) == pytest.approx(shares[3], abs=0.01)
    assert share_between(nw, units, 0.0, 0.50) == pytest.approx(shares[4], abs=0.01)


def test_weights_sum_to_the_adult_population(economies) -> None:
    for pop, _ in economies.values():
        assert pop.weight.sum() == pytest.approx(PARAMS("population.adults"), rel=1e-12)


def test_top_strata_are_oversampled_and_billionaires_have_weight_one(economies) -> None:
    pop, _ = economies[SIZES[0]]
    count = int(PARAMS("population.billionaire_count"))
    billionaires = pop.stratum <= STRATA.index("billionaire")
    assert billionaires.sum() == count
    assert np.all(pop.weight[billionaires] == 1.0)
    top = pop.stratum == STRATA.index("top0_1")
    # The top 0.1% hold ≥ 10% of the records though they are 0.1% of adults.
    assert top.mean() > 100 * pop.weight[top].sum() / pop.weight.sum()


def test_strata_are_ordered_by_household_net_worth(economies) -> None:
    pop, _ = economies[SIZES[0]]
    nw = pop.unit_wealth(pop.net_worth)
    for upper in range(STRATA.index("billionaire"), len(STRATA) - 1):
        assert nw[pop.stratum == upper].min() > nw[pop.stratum == upper + 1].max()


def test_named_fortunes_hold_stakes_in_their_own_firms(economies) -> None:
    pop, firms = economies[SIZES[0]]
    named = np.flatnonzero(pop.stratum == STRATA.index("named_fortune"))
    musk = named[np.argmax(pop.net_worth[named])]
    assert pop.net_worth[musk] == 428e9
    assert firms.name[pop.stake_firm[musk]] == "Tesla"
    assert pop.equity_concentrated[musk] == pop.net_worth[musk]


def test_employed_efficiency_averages_one_and_everyone_has_an_occupation(economies) -> None:
    pop, _ = economies[SIZES[0]]
    e = pop.employed
    assert np.average(pop.efficiency[e], weights=pop.weight[e]) == pytest.approx(1.0, rel=1e-12)
    assert np.all(pop.efficiency > 0)
    assert pop.occupation.min() >= 0 and pop.occupation.max() < len(occupation_table())
    exposure = occupation_exposure(pop.occupation)
    assert np.all((exposure >= 0) & (exposure <= 1))


def test_same_seed_gives_identical_arrays_and_another_seed_differs() -> None:
    a = build_population(10_000, PARAMS, seed=3)
    b = build_population(10_000, PARAMS, seed=3)
    c = build_population(10_000, PARAMS, seed=4)
    for name in a.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.age, c.age)
    # Wealth is a deterministic grid: the seed changes who the records are, not what they own.
    np.testing.assert_array_equal(a.net_worth, c.net_worth)


def test_too_small_a_population_is_refused() -> None:
    with pytest.raises(ValueError, match="too small"):
        build_population(950, PARAMS, seed=0)  # 902 billionaires leave too few other records


def test_bad_stratum_shares_are_refused() -> None:
    bad = PARAMS.with_overrides({"population.stratum_record_shares": [0.5, 0.5, 0.5, 0.5, 0.5]})
    with pytest.raises(ValueError, match="sum to 1"):
        build_population(20_000, bad, seed=0)
