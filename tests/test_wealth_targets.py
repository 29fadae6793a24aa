"""The wealth targets: DFA group balance sheets in model classes and the Forbes billionaires."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.parameters import ParameterSet
from commonwealth.wealth_targets import billionaire_fortunes, dfa_wealth_targets, pension_equity_share

PARAMS = ParameterSet()


def test_billionaire_fortunes_add_up_to_forbes() -> None:
    fortunes = billionaire_fortunes(PARAMS)
    assert fortunes.fortune.size == PARAMS("population.billionaire_count")
    assert fortunes.fortune.sum() == pytest.approx(
        PARAMS("population.billionaire_wealth"), rel=1e-12
    )
    assert fortunes.fortune.min() >= PARAMS("population.billionaire_threshold")


def test_dfa_mapping_preserves_each_groups_net_worth() -> None:
    dfa = dfa_wealth_targets(PARAMS)
    classes = dfa.classes
    mapped = sum(v for k, v in classes.items() if k != "debt") - classes["debt"]
    np.testing.assert_allclose(mapped, dfa.net_worth, rtol=1e-12)
    assert dfa.total_net_worth == pytest.approx(174.0e12, rel=1e-3)


def test_pension_equity_share_reproduces_z1_direct_and_indirect_equity() -> None:
    share = pension_equity_share(PARAMS)
    assert 0.0 < share < 1.0
