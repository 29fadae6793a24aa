"""The sampling error of headline effects at the population size used: a paired Poisson bootstrap over records.

A run simulates N records, each standing for ``weight`` US adults. A reform's effect on a distribution metric
(reform − baseline, the same seed and size, so the same adults) is then measured on a sample: another draw
of N records from the same population would give another effect. This module estimates that
cross-sectional sampling error for the metrics of :data:`SAMPLED_METRICS`, from the runs' per-record
snapshots (:meth:`commonwealth.engine.HouseholdEconomy.snapshot`); it says nothing about model or parameter
uncertainty (that is the sweep's, :mod:`commonwealth.sweep`), nor about how a different sample would have
changed the simulated path itself: the records' outcomes are taken as given.

Method. Each bootstrap resample multiplies every record's weight by an independent Poisson(1) count (Hanley
& MacGibbon 2006, "Creating non-parametric bootstrap samples using Poisson frequencies", *Computer Methods and
Programs in Biomedicine* 83(1):57–62; Chamandy, Muralidharan, Najmi & Naik 2012, "Estimating uncertainty for
massive data streams", Google technical report): the multinomial counts of the classical bootstrap, drawn
independently per record, which needs no pass over the sample to draw and lets a record's count be reused.
The resampling is *paired*, as reform-vs-baseline comparisons in microsimulation are: one set of counts per
resample is applied to the same records in the baseline and in every reform, so the effect's error excludes
the between-household variation common to both runs. The effect's standard error is the standard deviation
(ddof = 1) over resamples of reform − baseline; the effect reported is the central one (every count 1, the
run's own metric values, reproduced exactly). The counts are drawn by the inverse of the Poisson(1)
distribution function from ``numpy.random.default_rng(seed)`` uniforms, in resample order, so the errors
depend on the seed, the number of records and of resamples only.

Each metric is computed as the engine computes it (:mod:`commonwealth.distribution`): the weighted median
is the inverse of the weighted distribution function (Hyndman–Fan type 1, relative slack 1e-12 on the
cumulative weight), shares split the record straddling a cut, counts sum the weights at or above the
threshold. Each variable is sorted once, in the run's order; a resample then gathers its reweighted weights in
that order and takes running sums, O(N) per resample and variable, a chunk of resamples at a time (about
:data:`CHUNK_BYTES` of uniforms). At 100,000 records, a baseline and five reforms take about 0.9 s for 200
resamples on one core.

Census records. The population builder gives every US billionaire a record of weight 1
(:mod:`commonwealth.population_builder`): those records are the population itself, not a sample of it, so
they keep their count of 1 in every resample (:data:`CENSUS_WEIGHT`). Without that rule the billionaire
count's error would be mostly the resampling of a census. The remaining records are treated as an
independent sample, ignoring the wealth strata whose records hold exact cell means: for that design the
errors are somewhat conservative.

Units: an effect and its error are in the metric's unit (:func:`commonwealth.metrics.metric_unit`): USD/year
in base-year dollars deflated by the CPI for the medians, a share (/1) for the wealth shares, adults for
billionaires.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numba
import numpy as np
import pandas as pd

from commonwealth.metrics import BILLION, metric_unit
from commonwealth.population import unit_wealth
from commonwealth.sorting import stable_argsort
from commonwealth.sums import _dot

if TYPE_CHECKING:
    from commonwealth.engine import ScenarioResult

__all__ = ["CHUNK_BYTES", "COLUMNS", "SAMPLED_METRICS", "Z95", "SamplingError", "SnapshotMetrics", "paired_errors",
           "poisson_multipliers", "sampling_errors", "sampling_table", "statistics"]

#: The metrics whose sampling error is estimated, as the engine reports them (commonwealth.metrics).
SAMPLED_METRICS: tuple[str, ...] = ("median_income_real", "median_disposable_income_real", "wealth_share_top1",
                                    "wealth_share_bottom50", "billionaires")

#: The snapshot columns the metrics are recomputed from.
COLUMNS: tuple[str, ...] = ("weight", "resident", "unit_size", "wealth_start", "income", "disposable_income_total")

Z95 = 1.96  #: half-width of a 95 % normal interval, in standard errors
CHUNK_BYTES = 64 * 2**20  #: uniforms drawn at once (float64, resamples × records); the counts are uint8

#: Household wealth bands of the shares, (lo, hi) as fractions of households from the bottom, as
#: Distribution.top_share(0.01) and bottom_share(0.5) form them.
_SHARE_BANDS = np.array([[1.0 - 0.01, 1.0], [0.0, 0.5]])


@dataclass(frozen=True)
class SamplingError:
    """The sampling error of one reform's effect on one metric in one year (units: the metric's)."""

    scenario: str  # the reform
    metric: str
    year: int
    effect: float  # reform − baseline at the run's weights (the reported metrics' difference)
    se: float  # standard deviation of the effect over the paired resamples (ddof = 1)
    resamples: int

    @property
    def unit(self) -> str:
        return metric_unit(self.metric)

    @property
    def half_width_95(self) -> float:
        """Half-width of the normal 95 % interval, 1.96 · se."""
        return Z95 * self.se

    @property
    def relative(self) -> float:
        """se / |effect|: NaN when the effect is 0."""
        return self.se / abs(self.effect) if self.effect != 0.0 else math.nan


def sampling_table(errors: Iterable[SamplingError]) -> pd.DataFrame:
    """The errors as a table: scenario, year, metric, unit, effect, se, half_width_95, relative, resamples."""
    columns = ["scenario", "year", "metric", "unit", "effect", "se", "half_width_95", "relative", "resamples"]
    return pd.DataFrame([{c: getattr(e, c) for c in columns} for e in errors], columns=columns)


# --- Poisson counts ------------------------------------------------------------------------------------


def _poisson_cdf() -> np.ndarray:
    """F(k) = P(K ≤ k) for K ~ Poisson(1), k = 0, 1, … until F rounds to 1 (the tail left is below 1e-16)."""
    cdf, term, total, k = [], math.exp(-1.0), 0.0, 0
    while total < 1.0 and k < 40:
        total += term
        cdf.append(min(total, 1.0))
        k += 1
        term /= k
    return np.array(cdf)


_CDF = _poisson_cdf()


@numba.njit(cache=True, nogil=True)
def _invert_poisson(u: np.ndarray, cdf: np.ndarray, out: np.ndarray) -> None:
    """Each uniform u ∈ [0, 1) to #{k : F(k) ≤ u}, a Poisson(1) count: the first four thresholds without a
    branch (they hold 98 % of the mass), the rest by search."""
    flat, counts = u.reshape(-1), out.reshape(-1)
    c0, c1, c2, c3, last = cdf[0], cdf[1], cdf[2], cdf[3], cdf.size
    for i in range(flat.size):
        v = flat[i]
        k = int(v >= c0) + int(v >= c1) + int(v >= c2) + int(v >= c3)
        if k == 4:
            while k < last and v >= cdf[k]:
                k += 1
        counts[i] = k


def poisson_multipliers(rng: np.random.Generator, resamples: int, size: int) -> np.ndarray:
    """Independent Poisson(1) weight multipliers (counts), shape (resamples, size), as uint8 (mind the
    arithmetic); the same numbers, resample by resample, as :func:`paired_errors` draws from the generator."""
    uniforms = rng.random((resamples, size))
    counts = np.empty((resamples, size), dtype=np.uint8)
    _invert_poisson(uniforms, _CDF, counts)
    return counts


def _multiplier_chunks(rng: np.random.Generator, resamples: int, size: int) -> Iterable[tuple[slice, np.ndarray]]:
    """(rows, counts) for consecutive chunks of resamples, as :func:`poisson_multipliers` would draw them all,
    the buffers reused: ≤ CHUNK_BYTES of uniforms at a time."""
    rows = max(1, min(resamples, CHUNK_BYTES // (8 * size)))
    uniforms, counts = np.empty((rows, size)), np.empty((rows, size), dtype=np.uint8)
    for start in range(0, resamples, rows):
        stop = min(start + rows, resamples)
        u, m = uniforms[: stop - start], counts[: stop - start]
        rng.random(out=u)
        _invert_poisson(u, _CDF, m)
        yield slice(start, stop), m


# --- the metrics of reweighted records ----------------------------------------------------------------


@numba.njit(cache=True, nogil=True)
def _quantiles(order: np.ndarray, xs: np.ndarray, ws: np.ndarray, multipliers: np.ndarray, q: float,
               out: np.ndarray) -> None:
    """Per row b of ``multipliers``: Distribution(x, w · m_b).quantile(q), with x, w sorted by ``order``."""
    n = order.size
    upper = np.empty(n)
    for b in range(multipliers.shape[0]):
        row = multipliers[b]
        acc = 0.0
        for i in range(n):
            acc += ws[i] * row[order[i]]
            upper[i] = acc
        index = np.searchsorted(upper, q * acc * (1.0 - 1e-12))
        out[b] = xs[min(index, n - 1)]


@numba.njit(cache=True, nogil=True)
def _shares(order: np.ndarray, xs: np.ndarray, ws: np.ndarray, multipliers: np.ndarray, bands: np.ndarray,
            out: np.ndarray) -> None:
    """Per row b: Distribution(x, w · m_b).share_between(lo, hi) for each band (lo, hi), into out[b, band]."""
    n = order.size
    weights = np.empty(n)
    upper = np.empty(n)
    inside = np.empty(n)
    for b in range(multipliers.shape[0]):
        row = multipliers[b]
        acc = 0.0
        for i in range(n):
            w = ws[i] * row[order[i]]
            weights[i] = w
            acc += w
            upper[i] = acc
        total = _dot(weights, xs)
        for k in range(bands.shape[0]):
            lo = bands[k, 0] * acc
            hi = bands[k, 1] * acc
            for i in range(n):
                inside[i] = max(min(upper[i], hi) - max(upper[i] - weights[i], lo), 0.0)
            out[b, k] = _dot(inside, xs) / total


@dataclass(frozen=True)
class _Ranked:
    """One variable's records in their stable value order: the order, the values and weights in it."""

    order: np.ndarray
    xs: np.ndarray
    ws: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray, weights: np.ndarray) -> _Ranked:
        order = stable_argsort(values)
        return cls(order, np.ascontiguousarray(values[order]), np.ascontiguousarray(weights[order]))

    def quantile(self, multipliers: np.ndarray, q: float) -> np.ndarray:
        out = np.empty(multipliers.shape[0])
        _quantiles(self.order, self.xs, self.ws, multipliers, q, out)
        return out


class SnapshotMetrics:
    """One snapshot's records, each variable sorted once, giving :data:`SAMPLED_METRICS` for any weight
    multipliers. With every multiplier 1 these are the run's metric values of that year, as the engine
    computed them (:func:`commonwealth.metrics.income_metrics`, :func:`~commonwealth.metrics.distribution_metrics`):
    adults weighted by weight × resident; households (weight / unit_size, net worth unit_size × wealth_start)
    for the wealth shares."""

    def __init__(self, snapshot: pd.DataFrame) -> None:
        missing = [c for c in COLUMNS if c not in snapshot.columns] + ([] if "cpi" in snapshot.attrs else ["attrs.cpi"])
        if missing:
            raise ValueError(f"the snapshot lacks {', '.join(missing)}, which "
                             "commonwealth.engine.HouseholdEconomy.snapshot records")
        column = {c: snapshot[c].to_numpy() for c in COLUMNS}
        weight = column["weight"].astype(np.float64)
        resident = column["resident"].astype(bool)
        adults = weight * resident
        unit_size = column["unit_size"]
        wealth = column["wealth_start"].astype(np.float64)
        for name in ("weight", "wealth_start", "income", "disposable_income_total"):
            if not np.all(np.isfinite(column[name])):
                raise ValueError(f"the snapshot's {name} is not finite everywhere")
        if np.any(weight < 0):
            raise ValueError("the snapshot's weights must be non-negative")
        self.size = int(weight.size)
        self.weight = weight
        self.cpi = float(snapshot.attrs["cpi"])
        self._income = _Ranked.of(column["income"].astype(np.float64), adults)
        self._disposable = _Ranked.of(column["disposable_income_total"].astype(np.float64), adults)
        self._households = _Ranked.of(unit_wealth(wealth, unit_size), (weight / unit_size) * resident)
        rich = np.flatnonzero(wealth >= BILLION)
        self._rich = rich[np.argsort(wealth[rich], kind="stable")]  # billionaires in value order
        self._rich_weight = adults[self._rich]

    def evaluate(self, multipliers: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Each sampled metric for each row of ``multipliers`` (shape (B, records), ≥ 0; None: one row of 1s):
        metric name → B values, in the metric's unit."""
        m = self._multipliers(multipliers)
        shares = np.empty((m.shape[0], _SHARE_BANDS.shape[0]))
        h = self._households
        _shares(h.order, h.xs, h.ws, m, _SHARE_BANDS, shares)
        return {
            "median_income_real": self._income.quantile(m, 0.5) / self.cpi,
            "median_disposable_income_real": self._disposable.quantile(m, 0.5) / self.cpi,
            "wealth_share_top1": shares[:, 0],
            "wealth_share_bottom50": shares[:, 1],
            "billionaires": (m[:, self._rich] * self._rich_weight).sum(axis=1),  # in value order, as Distribution
        }

    def _multipliers(self, multipliers: np.ndarray | None) -> np.ndarray:
        """C-contiguous uint8 counts as they are; anything else as float64, checked."""
        if multipliers is None:
            return np.ones((1, self.size), dtype=np.uint8)
        given = np.asarray(multipliers)
        if given.ndim != 2 or given.shape[1] != self.size:
            raise ValueError(f"multipliers must have shape (resamples, {self.size}), not {given.shape}")
        if given.dtype == np.uint8:
            return np.ascontiguousarray(given)
        m = np.ascontiguousarray(given, dtype=np.float64)
        if not np.all(np.isfinite(m)) or np.any(m < 0):
            raise ValueError("multipliers must be finite and non-negative")
        return m


def statistics(snapshot: pd.DataFrame, multipliers: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """:data:`SAMPLED_METRICS` of a snapshot's records with weights × ``multipliers`` (shape (B, records); None:
    the run's weights): metric name → B values (:class:`SnapshotMetrics`)."""
    return SnapshotMetrics(snapshot).evaluate(multipliers)


# --- the paired bootstrap -----------------------------------------------------------------------------


#: Records of exactly this weight (adults) are a census (each US billionaire), never resampled.
CENSUS_WEIGHT = 1.0


def paired_errors(reforms: Mapping[str, pd.DataFrame], baseline: pd.DataFrame, year: int, *, resamples: int = 200,
                  seed: int = 0) -> list[SamplingError]:
    """The sampling error of each reform's effect (scenario name → its snapshot of ``year``) against the
    baseline's snapshot of the same records: one set of Poisson(1) counts per resample, applied to every
    run. Errors in reform order, then :data:`SAMPLED_METRICS` order."""
    if resamples < 2:
        raise ValueError(f"resamples must be at least 2, got {resamples}")
    base = SnapshotMetrics(baseline)
    runs = {name: SnapshotMetrics(frame) for name, frame in reforms.items()}
    for name, run in runs.items():
        if run.size != base.size or not np.array_equal(run.weight, base.weight):
            raise ValueError(f"{name}'s records do not align with the baseline's ({run.size} vs {base.size} records "
                             "or different weights): run both with the same population size and seed")
    central = base.evaluate()
    effects = {name: {k: float(v[0] - central[k][0]) for k, v in run.evaluate().items()} for name, run in runs.items()}
    draws = {name: {k: np.empty(resamples) for k in SAMPLED_METRICS} for name in runs}
    census = base.weight == CENSUS_WEIGHT
    for rows, m in _multiplier_chunks(np.random.default_rng(seed), resamples, base.size):
        m[:, census] = 1
        base_values = base.evaluate(m)
        for name, run in runs.items():
            for k, values in run.evaluate(m).items():
                draws[name][k][rows] = values - base_values[k]
    return [SamplingError(name, k, year, effects[name][k], float(np.std(draws[name][k], ddof=1)), resamples)
            for name in runs for k in SAMPLED_METRICS]


def _snapshot(result: ScenarioResult, year: int) -> pd.DataFrame:
    if year not in result.snapshots:
        kept = sorted(result.snapshots) or "none"
        raise ValueError(f"{result.scenario.name} has no per-record snapshot of {year} (kept: {kept}); run it with "
                         f"snapshot_years including {year}")
    return result.snapshots[year]


def sampling_errors(reforms: ScenarioResult | Iterable[ScenarioResult], baseline: ScenarioResult, year: int, *,
                    resamples: int = 200, seed: int = 0) -> list[SamplingError]:
    """The paired-bootstrap sampling error of the reforms' effects on :data:`SAMPLED_METRICS` in ``year``
    (:func:`paired_errors`); ``reforms``: one result or several, run with the baseline's seed and population
    size. Passing several draws the counts once for all; each reform's errors are the same either way.

    Raises ``ValueError`` when a run has no snapshot of ``year``. With ``politics.draws`` > 1 the snapshots are
    the first draw's, while the reported metrics are medians over draws: the central effect is then the first
    draw's."""
    chosen = [reforms] if hasattr(reforms, "snapshots") else list(reforms)  # type: ignore[arg-type]
    frames = {r.scenario.name: _snapshot(r, year) for r in chosen}
    return paired_errors(frames, _snapshot(baseline, year), year, resamples=resamples, seed=seed)
