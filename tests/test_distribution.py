"""Weighted distribution statistics: hand-computed examples and brute force on expanded samples."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonwealth.distribution import (
    Distribution,
    bottom_share,
    count_above,
    gini,
    running_ranks,
    share_between,
    top_share,
    weighted_median,
    weighted_quantile,
)

VALUES = np.array([4.0, 1.0, 3.0, 2.0])  # deliberately unsorted
ONES = np.ones(4)


def test_top_share_of_equal_weights_is_the_top_records_share() -> None:
    assert top_share(VALUES, ONES, 0.25) == pytest.approx(4 / 10)
    assert top_share(VALUES, ONES, 0.5) == pytest.approx(7 / 10)


def test_top_share_splits_a_straddling_record_fractionally() -> None:
    # The top 12.5% is half of the richest record: 0.5 × 4 out of 10.
    assert top_share(VALUES, ONES, 0.125) == pytest.approx(2 / 10)
    # Weight 2 on the value 4: the top 25% of 5 adults is 1.25 adults, all holding 4 each.
    assert top_share(VALUES, [2.0, 1.0, 1.0, 1.0], 0.25) == pytest.approx(1.25 * 4 / 14)


def test_bottom_share_and_share_between_hand_examples() -> None:
    assert bottom_share(VALUES, ONES, 0.5) == pytest.approx(3 / 10)
    assert share_between(VALUES, ONES, 0.25, 0.75) == pytest.approx(5 / 10)
    assert share_between(VALUES, ONES, 0.3, 0.3) == 0.0


def test_shares_of_a_partition_add_up_to_one() -> None:
    cuts = [0.0, 0.5, 0.9, 0.99, 0.999, 1.0]
    rng = np.random.default_rng(1)
    x, w = rng.lognormal(size=1000), rng.uniform(0.1, 3.0, size=1000)
    total = sum(share_between(x, w, lo, hi) for lo, hi in itertools.pairwise(cuts))
    assert total == pytest.approx(1.0, abs=1e-12)


def test_gini_hand_examples() -> None:
    assert gini(VALUES, ONES) == pytest.approx(0.25)  # Σ|xi − xj| = 20, 2 n² μ = 80
    assert gini([5.0, 5.0, 5.0], [1.0, 2.0, 3.0]) == pytest.approx(0.0)
    # One adult owns everything among n = 4: G = (n − 1)/n.
    assert gini([0.0, 0.0, 0.0, 1.0], ONES) == pytest.approx(0.75)


def test_gini_treats_weight_as_duplicated_records() -> None:
    assert gini([1.0, 2.0], [2.0, 1.0]) == pytest.approx(gini([1.0, 1.0, 2.0], [1.0, 1.0, 1.0]))


def test_weighted_quantile_is_the_inverse_cdf_without_interpolation() -> None:
    assert weighted_median(VALUES, ONES) == 2.0  # cumulative weight reaches half at 2
    assert weighted_quantile(VALUES, ONES, 0.0) == 1.0
    assert weighted_quantile(VALUES, ONES, 1.0) == 4.0
    assert weighted_quantile(VALUES, [1.0, 1.0, 1.0, 5.0], 0.5) == 2.0
    np.testing.assert_array_equal(weighted_quantile(VALUES, ONES, [0.1, 0.6]), [1.0, 3.0])


def test_count_above_counts_adults_at_or_above_the_threshold() -> None:
    assert count_above(VALUES, [1.0, 2.0, 3.0, 4.0], 3.0) == 4.0  # values 4 (w=1) and 3 (w=3)


def test_invalid_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        top_share([1.0, 2.0], [1.0], 0.1)
    with pytest.raises(ValueError, match="non-negative"):
        gini([1.0, 2.0], [1.0, -1.0])
    with pytest.raises(ValueError, match="between 0 and 1"):
        top_share([1.0, 2.0], [1.0, 1.0], 1.5)
    with pytest.raises(ValueError, match="zero"):
        top_share([0.0, 0.0], [1.0, 1.0], 0.5)
    with pytest.raises(ValueError, match="must not exceed"):
        share_between([1.0, 2.0], [1.0, 1.0], 0.6, 0.4)


# ---- brute force: a record of integer weight k is k unit-weight adults --------------------------

records = st.lists(
    st.tuples(st.floats(-1e3, 1e6, allow_nan=False, allow_infinity=False), st.integers(1, 5)),
    min_size=1,
    max_size=25,
)


def _expand(rows: list[tuple[float, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.array([v for v, _ in rows])
    w = np.array([float(k) for _, k in rows])
    return x, w, np.sort(np.repeat(x, w.astype(int)))


@settings(max_examples=150, deadline=None)
@given(records, st.integers(0, 1000))
def test_top_share_matches_brute_force_on_expanded_adults(rows, cut) -> None:
    x, w, adults = _expand(rows)
    total = adults.sum()
    if abs(total) < 1e-6:
        return
    n = adults.size
    k = cut % (n + 1)  # a cut on an adult boundary: exact brute force
    expected = adults[n - k :].sum() / total if k else 0.0
    assert top_share(x, w, k / n) == pytest.approx(expected, rel=1e-9, abs=1e-9)
    # Halfway between two boundaries the share interpolates linearly (fractional split).
    if k < n:
        halfway = (adults[n - k :].sum() + 0.5 * adults[n - k - 1]) / total
        assert top_share(x, w, (k + 0.5) / n) == pytest.approx(halfway, rel=1e-9, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(records)
def test_gini_matches_the_double_sum_over_adults(rows) -> None:
    x, w, adults = _expand(rows)
    mean = adults.mean()
    if abs(mean) < 1e-6:
        return
    double_sum = np.abs(adults[:, None] - adults[None, :]).sum()
    expected = double_sum / (2 * adults.size**2 * mean)
    assert gini(x, w) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(records, st.integers(0, 10_000))
def test_weighted_quantile_matches_the_sorted_expanded_sample(rows, step) -> None:
    x, w, adults = _expand(rows)
    n = adults.size
    q = (step % 1000 + 0.5) / 1000  # never exactly on an adult boundary
    expected = adults[max(math.ceil(q * n) - 1, 0)]
    assert weighted_quantile(x, w, q) == expected


@settings(max_examples=100, deadline=None)
@given(records, st.floats(0.0, 1.0))
def test_bottom_and_top_shares_are_complements(rows, fraction) -> None:
    x, w, adults = _expand(rows)
    if abs(adults.sum()) < 1e-6:
        return
    assert bottom_share(x, w, fraction) + top_share(x, w, 1.0 - fraction) == pytest.approx(
        1.0, abs=1e-9
    )


@settings(max_examples=100, deadline=None)
@given(records, st.floats(-1e3, 1e6))
def test_count_above_matches_expanded_count(rows, threshold) -> None:
    x, w, adults = _expand(rows)
    assert count_above(x, w, threshold) == float((adults >= threshold).sum())


@settings(max_examples=100, deadline=None)
@given(records, st.integers(0, 2**32 - 1))
def test_a_hint_changes_the_speed_of_the_sort_not_its_answers(rows, seed) -> None:
    x, w, _ = _expand(rows)
    hint = np.random.default_rng(seed).permutation(x.size)  # any permutation, good or bad
    plain, hinted = Distribution(x, w), Distribution(x, w, hint=hint)
    np.testing.assert_array_equal(hinted.xs, plain.xs)
    assert np.all(np.diff(hinted.xs) >= 0)
    if abs(plain.total) > 1e-6:
        assert hinted.gini() == pytest.approx(plain.gini(), rel=1e-12, abs=1e-12)
        assert hinted.top_share(0.1) == pytest.approx(plain.top_share(0.1), rel=1e-12, abs=1e-12)
    assert hinted.quantile(0.5) == plain.quantile(0.5)


@pytest.mark.parametrize("size", [50, 5_000])  # numpy's sort below the radix cut-off, the radix sort above
@pytest.mark.parametrize("hinted", [False, True])
def test_a_distribution_without_ranks_answers_the_same_and_refuses_ranks(size, hinted) -> None:
    """ranks=False keeps the running weights in the order's memory: the same sorted values, weights, shares,
    Gini and quantiles to the last bit; asking it for ranks is an error, not a wrong answer."""
    rng = np.random.default_rng(size)
    x, w = rng.lognormal(10.0, 1.5, size), rng.uniform(0.0, 2.0, size)
    hint = np.argsort(x + rng.normal(0.0, x.std() * 0.01, size)) if hinted else None
    full, lean = Distribution(x, w, hint=hint), Distribution(x, w, hint=hint, ranks=False)
    for name in ("xs", "ws", "upper"):
        np.testing.assert_array_equal(getattr(lean, name), getattr(full, name))
    assert (lean.gini(), lean.top_share(0.01), lean.quantile(0.5)) == (full.gini(), full.top_share(0.01),
                                                                       full.quantile(0.5))
    with pytest.raises(ValueError, match="ranks=False"):
        lean.mid_rank()


@pytest.mark.parametrize("size", [50, 5_000])
def test_values_already_in_a_hints_order_give_the_hinted_distribution_to_the_bit(size) -> None:
    """Distribution.nearly_sorted(x[h], w[h]) is Distribution(x, w, hint=h, ranks=False) without x, w and h
    held meanwhile: the same sorted values, weights, running weights, Gini, shares and quantiles."""
    rng = np.random.default_rng(size + 1)
    x, w = rng.lognormal(10.0, 1.5, size), rng.uniform(0.0, 2.0, size)
    hint = np.argsort(x + rng.normal(0.0, x.std() * 0.01, size))
    hinted, taken = Distribution(x, w, hint=hint, ranks=False), Distribution.nearly_sorted(x[hint], w[hint])
    for name in ("xs", "ws", "upper"):
        np.testing.assert_array_equal(getattr(taken, name), getattr(hinted, name))
    assert (taken.gini(), taken.top_share(0.01), taken.quantile(0.5), taken.total) == (
        hinted.gini(), hinted.top_share(0.01), hinted.quantile(0.5), hinted.total)
    with pytest.raises(ValueError, match="ranks=False"):
        taken.mid_rank()
    with pytest.raises(ValueError, match="empty"):
        Distribution.nearly_sorted([], [])


@pytest.mark.parametrize("kind", ["lognormal", "net worth", "integer weights", "zero weights"])
def test_a_lorenz_curve_in_one_pass_equals_its_points_one_by_one(kind) -> None:
    """bottom_shares walks the records once for all the points; each point is bottom_share's to the bit
    (cuts on record boundaries included: integer weights at 1/40 steps)."""
    rng = np.random.default_rng(3)
    n = 4_000
    x = rng.lognormal(10.0, 2.0, n) * (rng.choice([-0.2, 1.0], n, p=[0.1, 0.9]) if kind == "net worth" else 1.0)
    w = {"lognormal": rng.uniform(0.5, 2.0, n), "net worth": rng.uniform(0.5, 2.0, n),
         "integer weights": np.full(n, 3.0), "zero weights": np.where(rng.random(n) < 0.2, 0.0, 1.0)}[kind]
    dist = Distribution(x, w)
    cuts = np.linspace(0.0, 1.0, 41)
    expected = np.array([dist.bottom_share(p) if p > 0 else 0.0 for p in cuts])
    np.testing.assert_array_equal(dist.bottom_shares(cuts), expected)


@settings(max_examples=100, deadline=None)
@given(records)
def test_lorenz_points_agree_with_bottom_shares_for_any_records(rows) -> None:
    x, w, _ = _expand(rows)
    dist = Distribution(x, w)
    if abs(dist.total) < 1e-6:
        return
    cuts = np.linspace(0.0, 1.0, 11)
    expected = [dist.bottom_share(p) if p > 0 else 0.0 for p in cuts]
    np.testing.assert_allclose(dist.bottom_shares(cuts), expected, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="increasing"):
        dist.bottom_shares([0.5, 0.2])


def test_a_distribution_in_a_known_order_is_the_one_sorted_here() -> None:
    rng = np.random.default_rng(21)
    x, w = rng.normal(size=3_000), rng.uniform(0.0, 2.0, 3_000)
    order = np.argsort(x, kind="stable")
    known, sorted_here = Distribution.in_order(order, x[order], w), Distribution(x, w)
    for name in ("xs", "ws", "upper", "total", "total_weight"):
        np.testing.assert_array_equal(getattr(known, name), getattr(sorted_here, name))
    np.testing.assert_array_equal(known.mid_rank(), sorted_here.mid_rank())
    with pytest.raises(ValueError, match="finite"):
        Distribution.in_order(order, np.where(x[order] > 2.0, np.nan, x[order]), w)
    with pytest.raises(ValueError, match="length"):
        Distribution.in_order(order, x[order][:-1], w)


def test_a_hint_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="hint"):
        Distribution([1.0, 2.0], [1.0, 1.0], hint=np.array([0]))


def test_fused_statistics_are_the_numpy_formulas_bit_for_bit() -> None:
    """Shares, the Gini and mid-ranks come from one-pass kernels; they must round exactly as the numpy
    expressions they replace (with commonwealth.sums.dot's order), ties and zero weights included."""
    from commonwealth.sums import dot

    rng = np.random.default_rng(3)
    n = 10_003
    x = np.round(rng.lognormal(10.0, 2.0, n) * rng.choice([-1.0, 1.0, 1.0, 1.0], n), -2)  # ties
    w = rng.random(n) * (rng.random(n) > 0.05)  # some zero weights
    d = Distribution(x, w)
    lower = d.upper - d.ws
    for lo, hi in ((0.0, 0.5), (0.99, 1.0), (0.9, 0.999), (0.0, 1.0)):
        inside = np.clip(np.minimum(d.upper, hi * d.total_weight) - np.maximum(lower, lo * d.total_weight), 0.0, None)
        assert d.share_between(lo, hi) == float(dot(inside, d.xs) / d.total)
    assert d.gini() == float(dot(d.ws * d.xs, 2.0 * d.upper - d.ws - d.total_weight)) / (d.total_weight * d.total)
    rank = np.empty(n)
    rank[d.order] = (d.upper - 0.5 * d.ws) / d.total_weight
    np.testing.assert_array_equal(d.mid_rank(), rank)
    some = np.flatnonzero(rng.random(n) < 0.01)
    np.testing.assert_array_equal(d.mid_rank_of(some), rank[some])
    with pytest.raises(ValueError, match="increasing"):
        d.mid_rank_of(some[::-1])
    assert d.largest() == d.xs[d.ws > 0][-1]


def test_shares_between_in_one_pass_equal_each_band_s_own_share_to_the_bit():
    rng = np.random.default_rng(11)
    x = np.round(rng.lognormal(11, 2, 20_003), -2) - 5_000.0  # ties and negative values
    w = rng.uniform(0.0, 4.0, x.size)
    from commonwealth.sums import dot

    d = Distribution(x, w)
    bands = [(0.999, 1.0), (0.99, 1.0), (0.9, 1.0), (0.0, 0.5), (0.25, 0.25), (0.0, 1.0), (0.5, 0.9)]

    def numpy_share(lo, hi):  # the expression the kernel replaces, one band at a time
        inside = np.clip(np.minimum(d.upper, hi * d.total_weight) - np.maximum(d.upper - d.ws, lo * d.total_weight),
                         0, None)
        return float(dot(inside, d.xs) / d.total)

    assert d.shares_between(bands) == [numpy_share(lo, hi) for lo, hi in bands]
    assert [d.share_between(lo, hi) for lo, hi in bands] == [numpy_share(lo, hi) for lo, hi in bands]


@pytest.mark.parametrize("n", [1, 70, 20_000])
def test_running_ranks_are_the_in_order_distributions_to_the_last_bit(n) -> None:
    """The heirs' one pass: running weights, total weight and the mid-ranks of some records, as the
    distribution built from the known order gives them; ties included (values drawn from a few)."""
    from commonwealth.sorting import stable_argsort

    rng = np.random.default_rng(n)
    x = rng.choice(rng.lognormal(size=max(n // 10, 1)), size=n)
    w = rng.uniform(0.0, 3.0, n)
    order = stable_argsort(x)
    xs = x[order]
    records = np.flatnonzero(rng.random(n) < 0.05) if n > 1 else np.array([0])
    d = Distribution.in_order(order, xs, w)
    upper, total, ranks = running_ranks(order, xs, w, records)
    np.testing.assert_array_equal(upper, d.upper)
    assert total == d.total_weight
    np.testing.assert_array_equal(ranks, d.mid_rank_of(records))
    bad = w.copy()
    bad[-1] = -1.0
    with pytest.raises(ValueError, match="non-negative"):
        running_ranks(order, xs, bad, records)
    with pytest.raises(ValueError, match="increasing"):
        running_ranks(order, xs, w, np.array([0, 0]))
    with pytest.raises(ValueError, match="lie in"):
        running_ranks(order, xs, w, np.array([n]))
