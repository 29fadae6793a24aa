"""Diffusion (commonwealth.diffusion): deployment follows the adoptable share with half-lives and delays."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.diffusion import DiffusionParameters, deployed, lagged

STEP = np.r_[0.6, np.full(40, 0.9)]  # the adoptable share jumps in year 1


def test_a_delay_shifts_deployment_by_its_length():
    np.testing.assert_allclose(lagged(STEP, 0.0, 3.0)[:4], 0.6)
    np.testing.assert_allclose(lagged(STEP, 0.0, 3.0)[4:], 0.9)
    np.testing.assert_allclose(lagged(STEP, 5.0, 3.0)[3:], np.r_[0.6, lagged(STEP, 5.0, 0.0)[1:-3]])


def test_half_the_gap_is_closed_after_one_half_life():
    path = lagged(STEP, 5.0, 0.0)
    assert path[5] - 0.6 == pytest.approx(0.5 * 0.3, rel=1e-12)  # five years of a 5-year half-life
    assert path[6] - 0.6 == pytest.approx(0.3 * (1 - 2 ** (-6 / 5)), rel=1e-12)


def test_without_lags_deployed_is_adoptable():
    np.testing.assert_array_equal(deployed(STEP, DiffusionParameters.instant()), STEP)


def test_licensed_work_deploys_later_and_the_mix_lies_between():
    p = DiffusionParameters(half_life_general=5.0, half_life_licensed=15.0, licensed_share=0.25, licensed_delay=3.0)
    general, licensed = lagged(STEP, 5.0, 0.0), lagged(STEP, 15.0, 3.0)
    mixed = deployed(STEP, p)
    assert np.all(licensed <= general) and np.all((licensed <= mixed) & (mixed <= general))
    np.testing.assert_allclose(mixed, 0.75 * general + 0.25 * licensed)


def test_licensing_friction_in_prices_fades_at_the_licensed_delay_and_half_life():
    from commonwealth.diffusion import licensed_friction_scale

    p = DiffusionParameters(half_life_general=5.0, half_life_licensed=15.0, licensed_share=0.227, licensed_delay=3.0)
    scale = licensed_friction_scale(np.array([0.0, 3.0, 18.0, 33.0]), p)
    np.testing.assert_allclose(scale, [1.0, 1.0, 0.5, 0.25])
    instant = DiffusionParameters(half_life_general=0.0, half_life_licensed=0.0, licensed_share=0.227,
                                  licensed_delay=0.0)
    np.testing.assert_array_equal(licensed_friction_scale(np.array([0.0, 1.0]), instant), [1.0, 0.0])
