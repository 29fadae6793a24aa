"""The ledger's household booking: one fused pass, the same numbers as the numpy formulation, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.policy.ledger import (
    HOUSEHOLD_GROUPS,
    HOUSEHOLDS,
    LABOUR_INCOME,
    Ledger,
    LedgerError,
)


def _ledger(n: int = 10_001) -> tuple[Ledger, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    weight = rng.uniform(100.0, 5_000.0, n)
    rank = rng.random(n)
    return Ledger(2030, weight, rank, abroad=rng.random(n) < 0.01), weight, rng.lognormal(10.0, 1.5, n)


def test_household_totals_and_cash_equal_bincount_bit_for_bit():
    ledger, weight, income = _ledger()
    ledger.pay(LABOUR_INCOME, "production", HOUSEHOLDS, income)
    expected = np.bincount(ledger._group, weights=weight * income, minlength=len(HOUSEHOLD_GROUPS) + 1)
    got = [ledger._flows[(LABOUR_INCOME.label, g)] for g in (*HOUSEHOLD_GROUPS, "rest_of_world")]
    assert got == list(expected)  # exact, not approximate
    np.testing.assert_array_equal(ledger.household_cash, np.zeros_like(income) + income)
    assert ledger.abroad_total == expected[-1]


def test_a_number_is_paid_to_every_adult():
    ledger, weight, _ = _ledger()
    ledger.pay(LABOUR_INCOME, HOUSEHOLDS, "government", 250.0)
    np.testing.assert_array_equal(ledger.household_cash, np.full(weight.size, -250.0))
    expected = np.bincount(ledger._group, weights=weight * np.full(weight.size, 250.0), minlength=5)
    assert ledger._flows[(LABOUR_INCOME.label, HOUSEHOLD_GROUPS[0])] == -expected[0]


def test_an_array_of_the_wrong_length_is_refused():
    ledger, _, income = _ledger()
    with pytest.raises(LedgerError, match="per-adult amounts"):
        ledger.pay(LABOUR_INCOME, HOUSEHOLDS, "government", income[:-1])
