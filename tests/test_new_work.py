"""New work (commonwealth.new_work): reinstatement lowers the automated share by its rate while AI is at
its base capability and stops once AI can do everything; hybrid work augments labour."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.new_work import NewWorkParameters, new_work

P = NewWorkParameters(reinstatement_rate=0.004, assisted_share_base=0.03, hybrid_uplift=0.15)


def test_without_ai_progress_new_tasks_lower_the_automated_share_by_the_rate_each_year():
    flat = np.full(11, 0.6)
    work = new_work(flat, flat, P)
    np.testing.assert_allclose(np.diff(work.deployed), -0.004, rtol=1e-12)
    np.testing.assert_array_equal(work.labour_augmentation, 1.0)  # no progress, no assistance


def test_once_ai_can_do_everything_every_task_new_ones_included_is_automated():
    possible = np.r_[0.6, np.linspace(0.65, 1.0, 10), np.ones(10)]
    deployed = np.r_[0.6, np.linspace(0.62, 1.0, 15), np.ones(5)]
    work = new_work(deployed, possible, P)
    assert work.new_tasks[-1] > 0
    assert work.possible[-1] == pytest.approx(1.0) and work.deployed[-1] == pytest.approx(1.0)
    assert np.all(work.deployed <= deployed + 1e-15)  # new human tasks only ever lower it
    # no new tasks once capability is complete
    assert work.new_tasks[-1] == work.new_tasks[np.argmax(possible >= 1.0)]


def test_hybrid_work_augments_labour_by_the_uplift_on_the_newly_assisted_share():
    possible = np.r_[0.6, 0.8, 1.0]
    work = new_work(possible, possible, P)
    assert work.labour_augmentation[1] == pytest.approx(1 + 0.15 * (1 - 0.03) * 0.5)
    assert work.labour_augmentation[2] == pytest.approx(1 + 0.15 * (1 - 0.03))
