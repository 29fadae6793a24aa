"""Fixed-order sums of products: the rounding sequence is the documented one, whatever the machine."""

from __future__ import annotations

import math

import numpy as np
import pytest

from commonwealth.sums import LANES, dot, group_dots, matvec, weighted_product, weighted_total


def _reference(a: np.ndarray, b: np.ndarray) -> float:
    """The documented order in plain Python floats: eight interleaved running sums, combined pairwise."""
    n = len(a)
    stop = n - n % LANES
    lanes = [0.0] * LANES
    for i in range(0, stop, LANES):
        for k in range(LANES):
            lanes[k] += float(a[i + k]) * float(b[i + k])
    tail = 0.0
    for i in range(stop, n):
        tail += float(a[i]) * float(b[i])
    s = lanes
    return (((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))) + tail


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 1_003])
def test_dot_follows_the_documented_rounding_sequence_bit_for_bit(n) -> None:
    rng = np.random.default_rng(n)
    a, b = rng.lognormal(size=n) * 1e6, rng.normal(size=n)
    assert dot(a, b) == _reference(a, b)


def test_dot_is_accurate_against_an_exact_sum() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.lognormal(3.0, 2.0, size=100_000), rng.normal(size=100_000)
    exact = math.fsum((a * b).tolist())  # products rounded once, then summed exactly
    assert dot(a, b) == pytest.approx(exact, rel=1e-12, abs=1e-9 * np.abs(a * b).sum())


def test_dot_counts_booleans_as_zero_and_one_and_refuses_unequal_lengths() -> None:
    w = np.array([1.5, 2.0, 4.0])
    assert dot(w, np.array([True, False, True])) == 5.5
    with pytest.raises(ValueError, match="lengths differ"):
        dot(w, np.ones(2))


def test_matvec_equals_the_matrix_product_row_by_row() -> None:
    rng = np.random.default_rng(1)
    m, v = rng.normal(size=(50, 4)), rng.normal(size=4)
    got = matvec(m, v)
    np.testing.assert_allclose(got, m @ v, rtol=1e-14, atol=1e-14)
    assert got[3] == ((m[3, 0] * v[0] + m[3, 1] * v[1]) + m[3, 2] * v[2]) + m[3, 3] * v[3]
    np.testing.assert_array_equal(matvec(m.T.copy().T, v), got)  # any memory layout, the same bits


def test_no_module_of_the_model_hands_a_sum_to_blas() -> None:
    from pathlib import Path

    import commonwealth

    modules = [p for p in Path(commonwealth.__file__).parent.rglob("*.py") if p.name != "sums.py"]
    offenders = [f"{path.name}:{i}" for path in modules
                 for i, line in enumerate(path.read_text().splitlines(), 1)
                 if ("np.dot(" in line or " @ " in line or "np.matmul" in line) and not line.lstrip().startswith("#")]
    assert offenders == []


@pytest.mark.parametrize("n", [0, 5, 17, 10_007])
def test_group_dots_equal_dots_over_each_groups_members_bit_for_bit(n) -> None:
    rng = np.random.default_rng(n)
    a, b = rng.lognormal(size=n) * 1e6, rng.normal(size=n)
    group = rng.integers(-1, 5, size=n)  # −1: in no group
    got = group_dots(a, b, group, 4)  # group 4 is outside too
    assert got.tolist() == [dot(a[group == g], b[group == g]) for g in range(4)]


def test_group_dots_takes_boolean_groups_and_refuses_other_lengths() -> None:
    a, b = np.arange(10.0), np.ones(10)
    retired = np.arange(10) % 3 == 0
    assert group_dots(a, b, retired, 2).tolist() == [dot(a[~retired], b[~retired]), dot(a[retired], b[retired])]
    with pytest.raises(ValueError, match="lengths differ"):
        group_dots(a, b[:9], retired, 2)


@pytest.mark.parametrize("n", [1, 9, 10_007])
def test_weighted_total_is_the_dot_of_the_numpy_expression_bit_for_bit(n) -> None:
    rng = np.random.default_rng(n)
    w, a, b, c, d = rng.random(n), *(rng.lognormal(size=(4, n)) * 1e5 - 2e5)
    assert weighted_total(w, a, b, c, d, minus=1) == dot(w, a + b + c - d)
    assert weighted_total(w, a, d, minus=1) == dot(w, a - d)
    assert weighted_total(w, a, 3.5, b) == dot(w, a + 3.5 + b)
    with pytest.raises(ValueError, match="subtracted"):
        weighted_total(w, a, minus=1)


@pytest.mark.parametrize("n", [0, 1, 9, 10_007])
def test_weighted_product_is_the_dot_of_the_numpy_product_bit_for_bit(n) -> None:
    """Booleans count as 0 and 1 and −0.0 stays −0.0, as in numpy's product; the same lanes as dot."""
    rng = np.random.default_rng(n)
    w, a, c = rng.random(n), rng.lognormal(size=n) * 1e5 - 2e5, rng.uniform(0.5, 1.5, n)
    a[::5] = -0.0
    employed = rng.random(n) < 0.6
    assert weighted_product(w, a, employed, c) == dot(w, a * employed * c)
    assert weighted_product(w, a, employed) == dot(w, a * employed)
    assert weighted_product(w, a, c) == dot(w, a * c)
    with pytest.raises(ValueError, match="shape"):
        weighted_product(w, a, c[: max(n - 1, 0)] if n else np.ones(1))
