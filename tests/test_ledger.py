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
from commonwealth.sums import dot


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
    assert ledger._flows[(LABOUR_INCOME.label, "production")] == -dot(weight, income)  # the sector: dot's sum


def test_the_sector_paying_or_paid_by_households_books_dot_of_the_amounts_bit_for_bit():
    ledger, weight, income = _ledger()
    ledger.pay(LABOUR_INCOME, HOUSEHOLDS, "government", income)
    assert ledger._flows[(LABOUR_INCOME.label, "government")] == dot(weight, income)
    np.testing.assert_array_equal(ledger.household_cash, -income)
    with pytest.raises(LedgerError, match="between sectors"):
        ledger.pay(LABOUR_INCOME, "government", "production", income)


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


def test_the_summaries_without_pandas_equal_the_matrix():
    from commonwealth.policy.ledger import (
        GOVERNMENT_CONSUMPTION,
        STATUS_QUO_TAXES,
        UBI_PAYMENT,
        UBI_SURCHARGE,
        WINDFALL_PAYMENT,
    )

    ledger, _weight, income = _ledger()
    ledger.pay(LABOUR_INCOME, "production", HOUSEHOLDS, income)
    ledger.pay(STATUS_QUO_TAXES, HOUSEHOLDS, "government", 0.2 * income)
    ledger.pay(UBI_SURCHARGE, HOUSEHOLDS, "government", 0.01 * income)
    ledger.pay(UBI_PAYMENT, "government", HOUSEHOLDS, np.full(income.size, 1_000.0))
    ledger.pay(WINDFALL_PAYMENT, "production", HOUSEHOLDS, np.full(income.size, 50.0))
    ledger.pay(GOVERNMENT_CONSUMPTION, "government", "production", 1e12)
    matrix = ledger.matrix()
    assert ledger.kinds() == list(matrix.index)
    np.testing.assert_array_equal(ledger.column_by_kind("government"), matrix["government"].to_numpy())
    households = matrix[[c for c in matrix if c.startswith("households")]].sum(axis=1)
    reform = households[[k for k in households.index if k in (UBI_SURCHARGE.label, UBI_PAYMENT.label,
                                                                WINDFALL_PAYMENT.label)]]
    assert ledger.reform_transfers() == float(reform[reform > 0].sum())
    assert ledger.reform_taxes() == float(-reform[reform < 0].sum())
    ledger.check_rows()
    ledger._flows[(UBI_PAYMENT.label, "government")] += 1e6  # a flow that vanished
    with pytest.raises(LedgerError, match="UBI"):
        ledger.check_rows()


def test_group_totals_of_amounts_of_both_signs_and_zeros_equal_bincount_bit_for_bit():
    """Each group's total adds the product or +0.0: with negative and zero amounts the bits stay numpy's."""
    ledger, weight, income = _ledger()
    rng = np.random.default_rng(5)
    amount = np.where(rng.random(weight.size) < 0.2, 0.0, income * rng.choice([-1.0, 1.0], weight.size))
    ledger.pay(LABOUR_INCOME, "production", HOUSEHOLDS, amount)
    expected = np.bincount(ledger._group, weights=weight * amount, minlength=len(HOUSEHOLD_GROUPS) + 1)
    got = [ledger._flows[(LABOUR_INCOME.label, g)] for g in (*HOUSEHOLD_GROUPS, "rest_of_world")]
    assert got == list(expected)


@pytest.mark.parametrize("scale", [0.2, 0.0, 1.0, -0.5])
def test_a_scaled_payment_books_what_paying_the_product_books_bit_for_bit(scale):
    """``pay(..., amount, scale=s)`` (a share of consumption, say) books the bits of ``pay(..., s * amount)``:
    the households' cash, every group's row, the other sector's; a number scaled is paid as the product."""
    plain, _, income = _ledger()
    scaled, _, _ = _ledger()
    income = income * np.where(np.arange(income.size) % 3 == 0, -1.0, 1.0)  # both signs: 0 × −x is −0.0
    plain.pay(LABOUR_INCOME, HOUSEHOLDS, "government", scale * income)
    scaled.pay(LABOUR_INCOME, HOUSEHOLDS, "government", income, scale=scale)
    assert scaled.household_cash.tobytes() == plain.household_cash.tobytes()
    assert {k: np.float64(v).tobytes() for k, v in scaled._flows.items()} == \
        {k: np.float64(v).tobytes() for k, v in plain._flows.items()}
    plain.pay(LABOUR_INCOME, "production", HOUSEHOLDS, scale * 250.0)
    scaled.pay(LABOUR_INCOME, "production", HOUSEHOLDS, 250.0, scale=scale)
    assert scaled.household_cash.tobytes() == plain.household_cash.tobytes()
    assert scaled._flows == plain._flows
