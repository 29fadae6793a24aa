"""Percentile bands by radix selection agree with ranking after a full stable sort."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonwealth.distribution import mid_rank
from commonwealth.ranking import band_index, band_rates_by_rank


def _by_sorting(values: np.ndarray, weights: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """The definition: the band of each record's weighted mid-rank after a stable sort."""
    return np.searchsorted(breaks, mid_rank(values, weights), side="right")


# Values from a small pool (many ties, −0.0 beside 0.0, negatives, magnitudes far apart) so that band
# edges fall inside tie groups and inside narrowed buckets; integer weights keep every sum exact.
pool = st.sampled_from([-1e9, -3.5, -0.0, 0.0, 1e-300, 1.0, 1.0 + 2**-52, 7.0, 11_000.0, 11_000.5, 2.5e6, 1e12])
rows = st.lists(st.tuples(st.one_of(pool, st.floats(-1e7, 1e13, allow_nan=False)), st.integers(0, 6)),
                min_size=1, max_size=300)
edges = st.lists(st.floats(0.001, 0.999), min_size=1, max_size=12, unique=True).map(sorted)


@settings(max_examples=300, deadline=None)
@given(rows, edges)
def test_bands_equal_the_bands_of_sorted_mid_ranks(rows, breaks) -> None:
    x = np.array([v for v, _ in rows])
    w = np.array([float(k) for _, k in rows])
    if w.sum() == 0:
        w[0] = 1.0
    breaks = np.array(breaks)
    np.testing.assert_array_equal(band_index(x, w, breaks), _by_sorting(x, w, breaks))


@pytest.mark.parametrize("seed", range(4))
def test_bands_of_a_large_population_with_a_tied_mass_equal_the_sorted_bands(seed) -> None:
    # 200,000 records: buckets of thousands narrowed several times; a seventh all at one income (the floor).
    rng = np.random.default_rng(seed)
    x = rng.lognormal(10.5, 1.2, 200_000)
    x[rng.random(x.size) < 1 / 7] = 11_000.0
    x[rng.random(x.size) < 0.05] = 0.0
    w = rng.integers(100, 5_000, x.size).astype(float)
    breaks = np.array([0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.99, 0.999])
    np.testing.assert_array_equal(band_index(x, w, breaks), _by_sorting(x, w, breaks))


def test_band_rates_pick_the_rate_of_the_band() -> None:
    x = np.array([5.0, 1.0, 3.0, 2.0])
    rates = band_rates_by_rank(x, np.ones(4), [0.5], [0.1, 0.3])
    np.testing.assert_array_equal(rates, [0.3, 0.1, 0.3, 0.1])


def test_edges_at_the_ends_of_the_unit_interval() -> None:
    x, w = np.array([3.0, 1.0, 2.0]), np.array([1.0, 0.0, 2.0])
    breaks = np.array([0.0, 1.0])  # every record reaches 0; none reaches 1 (the top record has weight)
    np.testing.assert_array_equal(band_index(x, w, breaks), [1, 1, 1])
    np.testing.assert_array_equal(band_index(x, w, breaks), _by_sorting(x, w, breaks))


def test_an_edge_no_record_reaches_leaves_everyone_below_it() -> None:
    # Mid-ranks of one record of weight 1 is 0.5; an edge at 0.9 is never reached.
    np.testing.assert_array_equal(band_index([3.0], [1.0], [0.4, 0.9]), [1])


@pytest.mark.parametrize(("values", "weights", "breaks", "rates", "message"), [
    ([1.0, np.nan], [1.0, 1.0], [0.5], [0, 1], "values must be finite"),
    ([1.0, np.inf], [1.0, 1.0], [0.5], [0, 1], "values must be finite"),
    ([1.0, 2.0], [1.0, -1.0], [0.5], [0, 1], "non-negative"),
    ([1.0, 2.0], [0.0, 0.0], [0.5], [0, 1], "zero"),
    ([1.0, 2.0], [1.0], [0.5], [0, 1], "differ in length"),
    ([], [], [0.5], [0, 1], "empty"),
    ([1.0, 2.0], [1.0, 1.0], [0.5], [0, 1, 2], "one more entry"),
    ([1.0, 2.0], [1.0, 1.0], [0.6, 0.5], [0, 1, 2], "increasing"),
    ([1.0, 2.0], [1.0, 1.0], [-0.1, 0.5], [0, 1, 2], "between 0 and 1"),
    ([1.0, 2.0], [1.0, 1.0], [0.5, 1.5], [0, 1, 2], "between 0 and 1"),
    ([1.0, 2.0], [1.0, 1.0], [np.nan], [0, 1], "between 0 and 1"),
])
def test_invalid_inputs_are_rejected(values, weights, breaks, rates, message) -> None:
    with pytest.raises(ValueError, match=message):
        band_rates_by_rank(values, weights, breaks, rates)


def test_an_edge_crossed_at_a_tie_group_after_a_narrowed_bucket_starts_at_its_first_record() -> None:
    # 100 distinct values sharing their top key bits (narrowed digit by digit), then three equal values
    # in the next digit, scattered through the input. The edge lies between the mid-rank of the last of
    # the 100 and its cumulative share, so the first tied record (lowest index) is where it is crossed.
    x = 1.0 + np.arange(100) * 2.0**-30
    x = np.insert(x, [10, 50, 90], 1.0 + 2.0**-10)
    w = np.ones(x.size)
    breaks = np.array([99.8 / 103])
    bands = band_index(x, w, breaks)
    np.testing.assert_array_equal(bands, _by_sorting(x, w, breaks))
    assert bands[x == 1.0 + 2.0**-10].tolist() == [1, 1, 1]


def test_threads_ranking_side_by_side_get_their_own_bands() -> None:
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(7)
    cases = [(rng.lognormal(10, 1.5, 50_000), rng.uniform(1, 9, 50_000)) for _ in range(8)]
    breaks = np.array([0.2, 0.5, 0.9, 0.99])
    with ThreadPoolExecutor(max_workers=4) as pool:
        bands = list(pool.map(lambda case: band_index(*case, breaks), cases))
    for (x, w), got in zip(cases, bands, strict=True):
        np.testing.assert_array_equal(got, _by_sorting(x, w, breaks))


def test_a_bucket_whose_digits_fall_short_of_the_edge_by_rounding_passes_it_on() -> None:
    # The bucket's weight summed in input order reaches the edge, its digits summed one by one do not
    # (rounding): no record of the bucket may be placed above the edge on that account (review finding).
    t = 0.6e-16
    x = np.array([1 + 2.0**-12, 1 + 2 * 2.0**-12, 1.0, 1 + 255 * 2.0**-12] + [1 + 128 * 2.0**-12] * 70 + [5.0])
    w = np.array([t, t, 1.0, 1 + 2.0**-52] + [0.0] * 70 + [2.0])
    edge = np.array([0.5 + 2.0**-53])
    np.testing.assert_array_equal(band_index(x, w, edge), _by_sorting(x, w, edge))


def test_band_index_leaves_its_histogram_zeroed_after_success_and_refusal():
    from commonwealth import ranking

    rng = np.random.default_rng(3)
    x, w = rng.lognormal(10.0, 1.5, 30_000), rng.random(30_000)
    first = band_index(x, w, [0.5, 0.9, 0.99])
    assert not ranking._workspace().hist.any()
    bad = x.copy()
    bad[10_000] = np.nan
    with pytest.raises(ValueError, match="finite"):
        band_index(bad, w, [0.5])
    assert not ranking._workspace().hist.any()
    np.testing.assert_array_equal(band_index(x, w, [0.5, 0.9, 0.99]), first)
