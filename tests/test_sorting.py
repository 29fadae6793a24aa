"""The radix ordering returns numpy's stable argsort exactly, ties, signed zeros, infinities and NaN included."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from commonwealth.sorting import (
    RADIX_MIN_SIZE,
    KeptOrder,
    _layout,
    _radix_order_threads,
    order_keys,
    order_of_multiples,
    select_quantile,
    stable_argsort,
    stable_argsort_nearly_sorted,
    take,
)

SPECIAL = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 5e-324, -5e-324, 1.7976931348623157e308])


def _values(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    return {"lognormal": lambda: rng.lognormal(10.0, 2.0, n) * rng.choice([-1.0, 1.0], n),
            "ties": lambda: rng.integers(0, 40, n).astype(float),
            "special": lambda: rng.choice(SPECIAL, n),
            "sorted": lambda: np.sort(rng.normal(size=n)),
            "reversed": lambda: np.sort(rng.normal(size=n))[::-1].copy(),
            "constant": lambda: np.full(n, 3.25)}[kind]()


@pytest.mark.parametrize("kind", ["lognormal", "ties", "special", "sorted", "reversed", "constant"])
def test_radix_order_equals_numpys_stable_argsort(kind):
    x = _values(kind, 3 * RADIX_MIN_SIZE, np.random.default_rng(7))
    np.testing.assert_array_equal(stable_argsort(x), np.argsort(x, kind="stable"))


@pytest.mark.parametrize("kind", ["lognormal", "ties", "special", "sorted", "reversed", "constant"])
@pytest.mark.parametrize("parts", [1, 2, 3, 7])
def test_radix_order_in_parts_on_threads_equals_numpys_stable_argsort(kind, parts):
    """The threaded radix sort splits the records into consecutive parts, each counted and scattered by one
    thread: the same order for any number of parts (one that does not divide the records included), with
    ties, NaN, signed zeros and passes whose digit never varies."""
    n = 3 * RADIX_MIN_SIZE + 1
    x = _values(kind, n, np.random.default_rng(8))
    np.testing.assert_array_equal(_radix_order_threads(x, *_layout(n), parts), np.argsort(x, kind="stable"))


@pytest.mark.parametrize("spread", [2.0**-40, 2.0**-30])
def test_values_tied_in_the_upper_half_of_their_keys_are_ordered_by_the_lower_half(spread):
    """1 + k·2⁻⁴⁰ share the sign, exponent and first 20 mantissa bits: one run of ties in the first step,
    ordered by the lower 32 bits (with exact ties among them); 2⁻³⁰ splits them over a few runs."""
    rng = np.random.default_rng(11)
    n = 5 * RADIX_MIN_SIZE
    x = 1.0 + rng.integers(0, 3_000, n) * spread
    x[::7] = -x[::7]
    np.testing.assert_array_equal(stable_argsort(x), np.argsort(x, kind="stable"))


@pytest.mark.parametrize("run", [3, 16, 17, 40])
def test_short_and_long_runs_of_upper_half_ties_are_ordered_alike(run):
    """Groups of ``run`` values that agree in their keys' upper halves and differ (or tie exactly) below:
    runs up to sixteen are ordered in place by insertion, longer ones by a sort; both as numpy orders them."""
    rng = np.random.default_rng(run)
    groups = 4 * RADIX_MIN_SIZE // run
    base = np.repeat(rng.lognormal(5.0, 1.0, groups), run)
    x = base * (1.0 + rng.integers(0, run, base.size) * 2.0**-45)  # the low bits differ, some exactly tie
    x = x[rng.permutation(x.size)]
    np.testing.assert_array_equal(stable_argsort(x), np.argsort(x, kind="stable"))


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(RADIX_MIN_SIZE, RADIX_MIN_SIZE + 50),
              elements=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1.0]))))
def test_any_array_is_ordered_as_numpy_orders_it(x):
    np.testing.assert_array_equal(stable_argsort(x), np.argsort(x, kind="stable"))


def test_keys_preserve_the_order_of_floats_and_tie_signed_zeros():
    x = np.array([-np.inf, -1.5, -5e-324, -0.0, 0.0, 5e-324, 2.0, np.inf, np.nan])
    keys = order_keys(x)
    assert np.all(np.diff(keys[:-1].astype(object)) >= 0)
    assert keys[3] == keys[4]  # −0.0 ties with +0.0
    assert keys[-1] > keys[-2]  # NaN after +inf


def test_small_arrays_and_wrong_shapes():
    np.testing.assert_array_equal(stable_argsort([3.0, 1.0, 2.0, 1.0]), [1, 3, 2, 0])
    with pytest.raises(ValueError, match="1-D"):
        stable_argsort(np.zeros((2, 2)))


def test_counting_breaks_equals_searchsorted_right():
    from commonwealth.sorting import count_at_or_below

    rng = np.random.default_rng(5)
    values = np.concatenate([rng.lognormal(0.0, 1.0, 10_000), [0.0, -0.0, np.nan, np.inf, -np.inf]])
    breaks = np.quantile(values[:10_000], np.arange(1, 10) / 10)
    breaks[3] = breaks[4]  # a repeated break
    values[:5] = breaks[:5]  # values exactly at breaks
    np.testing.assert_array_equal(count_at_or_below(breaks, values), np.searchsorted(breaks, values, side="right"))
    with pytest.raises(ValueError, match="sorted"):
        count_at_or_below([2.0, 1.0], values)


def test_gathering_in_order_equals_fancy_indexing_and_cumsum():
    from commonwealth.sorting import gather_cumulative
    from commonwealth.sums import dot

    rng = np.random.default_rng(11)
    x, w = rng.normal(size=5_000), rng.uniform(0.0, 3.0, 5_000)
    order = stable_argsort(x)
    xs, ws, upper, total, status = gather_cumulative(order, x, w)
    np.testing.assert_array_equal(xs, x[order])
    np.testing.assert_array_equal(ws, w[order])
    np.testing.assert_array_equal(upper, np.cumsum(w[order]))
    assert total == dot(w[order], x[order])
    assert status == 0
    for bad, expected in ((np.where(x > 2.5, np.nan, x), 1), (np.where(x < -3.0, -np.inf, x), 1)):
        assert gather_cumulative(order, bad, w)[4] == expected
    assert gather_cumulative(order, x, np.where(x > 2.0, -1.0, w))[4] == 2
    assert gather_cumulative(order, x, np.where(x > 2.0, -1.0, np.nan))[4] == 1  # not finite before negative
    assert gather_cumulative(order, x, np.zeros_like(w))[4] == 3


@pytest.mark.parametrize("kind", ["sorted", "few out of place", "random", "ties", "special"])
def test_nearly_sorted_ordering_equals_numpys_stable_argsort_whatever_the_input(kind):
    rng = np.random.default_rng(11)
    n = 4 * RADIX_MIN_SIZE
    x = np.sort(rng.lognormal(0.0, 1.0, n))
    if kind == "few out of place":
        x[rng.integers(0, n, 30)] = rng.lognormal(0.0, 1.0, 30)  # a handful moved, including far
    elif kind == "random":  # the budget runs out: the radix sort takes over
        x = rng.normal(size=n)
    elif kind == "ties":
        x = np.sort(rng.integers(0, 30, n).astype(float))
        x[::97] = 3.0
    elif kind == "special":
        x = np.sort(rng.choice(SPECIAL[np.isfinite(SPECIAL)], n))
    np.testing.assert_array_equal(stable_argsort_nearly_sorted(x), np.argsort(x, kind="stable"))


@pytest.mark.parametrize("share", [0.0, 0.001, 0.05, 0.6])
def test_a_kept_order_equals_a_fresh_stable_sort_after_every_change(share):
    """Year after year a few values change (heirs, the re-employed); the kept order stays numpy's stable one,
    ties and signed zeros included, whether it is reused, merged or rebuilt."""
    rng = np.random.default_rng(5)
    n = 3 * RADIX_MIN_SIZE
    x = rng.choice(np.append(rng.normal(size=500), [0.0, -0.0, np.nan, np.inf]), n)
    kept = KeptOrder()
    for _ in range(6):
        order = kept.order(x)
        np.testing.assert_array_equal(order, np.argsort(x, kind="stable"))
        np.testing.assert_array_equal(kept.sorted_values.view(np.uint64), x[order].view(np.uint64))  # −0.0 kept
        changed = rng.random(n) < share
        x[changed] = rng.choice(x, int(changed.sum()))  # in place, as the engine changes the efficiencies
    assert kept.order(x[:-1]).size == n - 1  # another population: sorted afresh


@pytest.mark.parametrize("kind", ["lognormal", "ties", "zeros and signs", "one value", "tiny"])
def test_selected_quantiles_equal_the_sorted_distributions(kind):
    """The median (and any quantile) selected without sorting is the value Distribution.quantile returns,
    through several selection levels, with ties, zero weights, signed zeros and arrays below the sort cut-off."""
    from commonwealth.distribution import Distribution

    rng = np.random.default_rng(17)
    n = 3 if kind == "tiny" else 200_000
    x = {"lognormal": rng.lognormal(10.0, 1.5, n), "ties": rng.integers(-4, 5, n).astype(float),
         "zeros and signs": np.where(rng.random(n) < 0.4, rng.choice([0.0, -0.0], n), rng.normal(0.0, 1e5, n)),
         "one value": np.full(n, 7.25), "tiny": np.array([3.0, 1.0, 2.0])}[kind]
    w = rng.random(n) * 1000.0
    w[rng.random(n) < 0.2] = 0.0
    w[0] = 1.0
    dist = Distribution(x, w)
    for q in (0.0, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0, float(rng.random())):
        assert select_quantile(x, w, q) == dist.quantile(q), q


def test_selection_refuses_what_a_distribution_refuses():
    with pytest.raises(ValueError, match="finite"):
        select_quantile([1.0, np.nan], [1.0, 1.0], 0.5)
    with pytest.raises(ValueError, match="non-negative"):
        select_quantile([1.0, 2.0], [1.0, -1.0], 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        select_quantile([1.0], [1.0], 1.5)


def test_a_refused_selection_of_many_records_leaves_the_scratch_zeroed():
    """Above the records sorted directly, the first level counts the buckets and checks the values in one
    pass: a refused array is found there, after counting, and the scratch buckets are cleared before the
    error, so the next selection is still right."""
    from commonwealth import sorting

    rng = np.random.default_rng(8)
    x, w = rng.lognormal(10.0, 1.5, 50_000), rng.random(50_000)
    expected = select_quantile(x, w, 0.5)
    for bad_x, bad_w, message in ((np.nan, 1.0, "finite"), (1.0, -1.0, "non-negative"), (1.0, np.inf, "finite")):
        xb, wb = x.copy(), w.copy()
        xb[30_000], wb[30_000] = bad_x, bad_w
        with pytest.raises(ValueError, match=message):
            select_quantile(xb, wb, 0.5)
        count, weight = sorting._select_scratch()
        assert not count.any() and not weight.any()
    assert select_quantile(x, w, 0.5) == expected


@pytest.mark.parametrize("kind", ["lognormal", "ties", "signed zeros", "one group", "other factors", "overflow",
                                  "special"])
def test_the_order_of_values_doubled_for_some_records_follows_from_the_order_of_the_values(kind):
    """A household's wealth is its adult's doubled for a couple: the merged order equals a fresh stable sort,
    ties between a single and a couple included, and a sort is used where the factors are not 1 and 2."""
    rng = np.random.default_rng(5)
    n = 3 * RADIX_MIN_SIZE
    x = {"lognormal": rng.lognormal(10.0, 2.0, n) * rng.choice([-1.0, 1.0], n),
         "ties": rng.integers(-6, 12, n).astype(float),  # 4 single ties with 2 doubled, and so on
         "signed zeros": rng.choice([0.0, -0.0, 1.0, -1.0, 0.5], n),
         "one group": rng.normal(size=n), "other factors": rng.normal(size=n),
         "overflow": np.where(rng.random(n) < 0.01, 1.5e308, rng.normal(size=n)),
         "special": rng.choice(SPECIAL, n)}[kind]
    factor = rng.integers(1, 3, n).astype(np.int8)
    if kind == "one group":
        factor[:] = 2
    elif kind == "other factors":
        factor[::5] = 3
    order = stable_argsort(x)
    with np.errstate(over="ignore", invalid="ignore"):  # 1.5e308 doubled is inf: the merge declines, the sort orders
        expected = np.argsort(x * factor, kind="stable")
        merged, values = order_of_multiples(order, x[order], factor)
        np.testing.assert_array_equal(merged, expected)
        np.testing.assert_array_equal(values.view(np.uint64), (x * factor)[expected].view(np.uint64))


@pytest.mark.parametrize("layout", [(24, 4, 10), (32, 3, 11)])
@pytest.mark.parametrize("kind", ["lognormal", "ties in the upper bits", "special"])
def test_both_record_layouts_order_as_numpy(layout, kind):
    """Up to 2**24 records the key keeps 40 bits beside a 24-bit record number (four passes), above that 32
    (three passes); both layouts, forced on one array, give numpy's stable order."""
    from commonwealth.sorting import _layout, _radix_order

    rng = np.random.default_rng(13)
    n = 3 * RADIX_MIN_SIZE
    x = {"lognormal": rng.lognormal(10.0, 2.0, n) * rng.choice([-1.0, 1.0], n),
         "ties in the upper bits": 1.0 + rng.integers(0, 5_000, n) * 2.0**-40,
         "special": rng.choice(SPECIAL, n)}[kind]
    np.testing.assert_array_equal(_radix_order(x, *layout), np.argsort(x, kind="stable"))
    assert _layout(n) == (24, 4, 10) and _layout(2**24 + 1) == (32, 3, 11)


def test_selection_leaves_its_scratch_buckets_zeroed_for_the_next_call():
    from commonwealth import sorting

    rng = np.random.default_rng(5)
    x, w = rng.lognormal(10.0, 1.5, 50_000), rng.random(50_000)
    first = select_quantile(x, w, 0.5)
    count, weight = sorting._select_scratch()
    assert not count.any() and not weight.any()
    assert select_quantile(x, w, 0.5) == first


@pytest.mark.parametrize("n", [0, 1, 63, 64, 65, 5_000])
def test_take_is_numpys_gather_and_refuses_an_index_outside(n) -> None:
    """The prefetched gather returns values[index] bit for bit (−0.0 and NaN included), for index arrays
    shorter and longer than the prefetch distance; an index outside the values is refused, not read."""
    rng = np.random.default_rng(n)
    values = rng.normal(size=max(n, 1))
    values[::7] = -0.0
    values[::11] = np.nan
    index = rng.integers(0, values.size, size=n)
    np.testing.assert_array_equal(take(values, index).view(np.uint64), values[index].view(np.uint64))
    for bad in (-1, values.size):
        wrong = index.copy() if n else np.zeros(1, dtype=np.int64)
        wrong[-1] = bad
        with pytest.raises(ValueError, match="outside"):
            take(values, wrong)
    with pytest.raises(ValueError, match="empty array"):
        take(np.empty(0), np.zeros(1, dtype=np.int64))
