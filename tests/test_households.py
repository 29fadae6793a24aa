"""Households: mortality, jobs, displacement, heirs."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.assets import build_economy
from commonwealth.households import Labour, displace, employment_rate, mortality
from commonwealth.parameters import ParameterSet
from commonwealth.population import occupation_exposure


def test_mortality_rises_with_age_and_is_certain_past_the_table():
    q = mortality(np.array([18, 30, 50, 70, 90, 100, 101]))
    assert np.all(np.diff(q[:-1]) > 0)
    assert q[0] < 0.001 and q[-1] == 1.0


def test_employment_rate_follows_the_bls_bands():
    rates = employment_rate(np.array([18, 22, 30, 70]))
    assert rates[0] == pytest.approx(3560 / 8282)
    assert rates[1] == pytest.approx(14172 / 21387)
    assert rates[3] < 0.2


@pytest.fixture(scope="module")
def economy():
    return build_economy(10_000, ParameterSet(), 0)


def test_latent_draws_reproduce_base_employment(economy):
    pop, _ = economy
    pop = _copy(pop)
    labour = Labour.from_population(pop, np.random.default_rng(0))
    employed = pop.employed.copy()
    labour.update_employment(pop)
    np.testing.assert_array_equal(pop.employed, employed)


def _copy(pop):
    from dataclasses import fields, replace

    return replace(pop, **{f.name: getattr(pop, f.name).copy() for f in fields(pop)})


def test_no_displacement_without_new_automation(economy):
    pop = _copy(economy[0])
    labour = Labour.from_population(pop, np.random.default_rng(0))
    newly = displace(pop, labour, 0.6, 0.6, np.random.default_rng(1), ParameterSet(), 2025)
    assert not newly.any()


def test_displacement_tracks_automated_share_tilted_by_exposure(economy):
    pop = _copy(economy[0])
    labour = Labour.from_population(pop, np.random.default_rng(0))
    newly = displace(pop, labour, 0.6, 0.64, np.random.default_rng(1), ParameterSet(), 2026)
    w = pop.weight
    share = np.dot(w, newly) / np.dot(w, pop.employed)
    assert share == pytest.approx(0.04 / 0.4, rel=0.2)  # a tenth of the still-human tasks
    exposure = occupation_exposure(pop.occupation)
    high = pop.employed & (exposure > np.median(exposure[pop.employed]))
    low = pop.employed & ~high
    assert np.dot(w, newly & high) / np.dot(w, high) > np.dot(w, newly & low) / np.dot(w, low)


def test_displaced_workers_are_rehired_with_an_earnings_loss(economy):
    pop = _copy(economy[0])
    labour = Labour.from_population(pop, np.random.default_rng(0))
    displace(pop, labour, 0.6, 0.8, np.random.default_rng(1), ParameterSet(), 2026)
    was = labour.displaced.copy()
    before = pop.efficiency.copy()
    displace(pop, labour, 0.8, 0.8, np.random.default_rng(2), ParameterSet(), 2027)
    rehired = was & ~labour.displaced
    assert 0.35 < rehired.sum() / was.sum() < 0.65  # re-employment rate 0.5 a year
    loss = ParameterSet()("households.reemployment_earnings_loss", 2027)
    np.testing.assert_allclose(pop.efficiency[rehired], before[rehired] * (1 - loss))
