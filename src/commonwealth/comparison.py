"""Comparing scenarios: against a baseline over time, household by household, and by who owns what.

Scenarios run with the same seed and population size simulate the same adults (the same records,
the same deaths), so a reform's effect on each household is the difference of two runs' snapshots —
the way PolicyEngine compares a reform with current law. Everything here is a small pure function
of :class:`~commonwealth.engine.ScenarioResult` objects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from commonwealth.distribution import Distribution
from commonwealth.engine import ScenarioResult
from commonwealth.errors import UserError
from commonwealth.sums import dot

#: PolicyEngine's five bands of the change in net income (relative), and what counts as no change.
BANDS = ("gain more than 5%", "gain less than 5%", "no change", "lose less than 5%", "lose more than 5%")
BAND_EDGE = 0.05
NO_CHANGE = 0.001
#: Wealth groups for the ownership table (fractions of adults from the top).
OWNER_GROUPS = (("top 0.1%", 0.999, 1.0), ("next 9.9%", 0.9, 0.999), ("bottom 90%", 0.0, 0.9))


@dataclass(frozen=True)
class Comparison:
    """The answer to "what does each reform change, for whom, and who owns what"."""

    baseline: str
    years: tuple[int, ...]
    differences: pd.DataFrame  # scenario, year, metric, value, baseline, difference, relative, unit
    deciles: pd.DataFrame  # scenario, year, by, decile, mean_change, relative_change, + one column per band
    lorenz: pd.DataFrame  # scenario, year, variable, population_share, value_share
    ownership: pd.DataFrame  # scenario, year, asset, holder, share
    budget: pd.DataFrame  # one row per reform of static and dynamic budget scores (see budget_scores)

    def at(self, year: int, metrics: Sequence[str]) -> pd.DataFrame:
        """A wide table: one row per scenario, the chosen metrics' values and differences in ``year``."""
        d = self.differences[(self.differences.year == year) & self.differences.metric.isin(metrics)]
        return d.pivot(index="scenario", columns="metric", values="difference").reindex(columns=list(metrics))

    def _repr_html_(self) -> str:
        year = self.years[-1]
        table = self.differences[self.differences.year == year].pivot(
            index="metric", columns="scenario", values="difference")
        return (f"<p><b>Differences from {self.baseline} in {year}</b></p>"
                + table.to_html(float_format=lambda x: f"{x:,.4g}"))


def check_years(years: Sequence[int] | None, scenarios: Sequence, option: str = "--years") -> None:
    """Refuse years to compare that lie outside any of ``scenarios``' simulated years (``option``: how the
    user gave them, e.g. ``--years`` or the API's ``compare_years``)."""
    if not years:
        return
    first = max(s.start_year for s in scenarios)
    last = min(s.start_year + s.years for s in scenarios)
    outside = [y for y in years if not first <= y <= last]
    if outside:
        raise UserError(f"{option} {','.join(map(str, years))}: {', '.join(map(str, outside))} is outside the years "
                        f"simulated; allowed: years from {first} to {last}.")


def compare(results: Sequence[ScenarioResult], baseline: str = "status-quo",
            years: Sequence[int] | None = None) -> Comparison:
    """Compare every result with the one named ``baseline`` at ``years`` (default: +10 and the horizon)."""
    by_name = {r.scenario.name: r for r in results}
    if baseline not in by_name:
        raise UserError(f"--baseline {baseline!r} is not among the scenarios run; allowed: {', '.join(by_name)}.")
    base = by_name[baseline]
    start, horizon = base.scenario.start_year, base.scenario.start_year + base.scenario.years
    chosen = tuple(years) if years else tuple(sorted({min(start + 10, horizon), horizon}))
    bad = [y for y in chosen if not start <= y <= horizon]
    if bad:
        raise UserError(f"--years {','.join(map(str, bad))}: outside the simulated years; allowed: {start}–{horizon}.")
    return Comparison(
        baseline=baseline,
        years=chosen,
        differences=differences(results, base),
        deciles=pd.concat([deciles(r, base, y) for r in results if r is not base for y in chosen
                           if y in r.snapshots and y in base.snapshots] or [_empty_deciles()], ignore_index=True),
        lorenz=pd.concat([_derived(r, ("lorenz", y), lambda r=r, y=y: lorenz(r, y))
                          for r in results for y in chosen if y in r.snapshots] or [_empty_lorenz()],
                         ignore_index=True),
        ownership=pd.concat([_derived(r, ("ownership", y), lambda r=r, y=y: ownership(r, y))
                             for r in results for y in chosen if y in r.snapshots] or [_empty_ownership()],
                            ignore_index=True),
        budget=budget_scores(results, base),
    )


def _derived(result: ScenarioResult, key: tuple, make: Callable[[], Any]) -> Any:
    """``make()``, derived from ``result`` alone, computed once per result and ``key`` (kept in
    ``result.derived``; frames are copy-on-write, so what a caller does with one leaves the kept one as it is)."""
    if key not in result.derived:
        result.derived[key] = make()
    return result.derived[key]


def differences(results: Sequence[ScenarioResult], base: ScenarioResult) -> pd.DataFrame:
    """Every metric of every scenario beside the baseline's, with absolute and relative differences."""
    b = _derived(base, ("baseline values",), lambda: BaselineValues.of(base))

    def against_base(r: ScenarioResult) -> pd.DataFrame:
        merged = b.beside(r.metrics)
        merged["difference"] = merged["value"] - merged["baseline"]
        with np.errstate(divide="ignore", invalid="ignore"):
            merged["relative"] = np.where(merged["baseline"] != 0, merged["difference"] / merged["baseline"].abs(),
                                          np.nan)
        return merged

    frames = [_derived(base, ("differences from itself",), lambda: against_base(base)) if r is base
              else against_base(r) for r in results]
    columns = ["scenario", "year", "metric", "value", "baseline", "difference", "relative", "unit"]
    return pd.concat(frames, ignore_index=True)[columns]


@dataclass(frozen=True)
class BaselineValues:
    """A baseline's metric values by (year, metric), for lookups: ``beside(metrics)`` is
    ``metrics.merge(baseline's [year, metric, value → baseline], on=["year", "metric"], how="inner")`` — the
    rows whose (year, metric) the baseline has, in their order, with its value — without pandas' join."""

    names: pd.Index  # the baseline's metrics
    first_year: int
    values: np.ndarray  # year − first_year × metric: the value (NaN where the baseline has none)
    present: np.ndarray  # the same shape: whether it has one

    @classmethod
    def of(cls, base: ScenarioResult) -> BaselineValues:
        m = base.metrics
        names = pd.Index(pd.unique(m["metric"]))
        year = m["year"].to_numpy()
        first = int(year.min()) if year.size else 0
        row, code = year - first, names.get_indexer(m["metric"])
        shape = (int(row.max()) + 1 if year.size else 0, names.size)
        values, present = np.full(shape, np.nan), np.zeros(shape, dtype=bool)
        if np.unique(row * names.size + code).size < row.size:  # a merge would repeat rows; tidy never does
            raise ValueError(f"{base.scenario.name}: a metric appears twice in a year")
        values[row, code], present[row, code] = m["value"].to_numpy(), True
        return cls(names=names, first_year=first, values=values, present=present)

    def beside(self, metrics: pd.DataFrame) -> pd.DataFrame:
        code = self.names.get_indexer(metrics["metric"])
        row = metrics["year"].to_numpy() - self.first_year
        kept = (code >= 0) & (row >= 0) & (row < self.values.shape[0])
        kept[kept] = self.present[row[kept], code[kept]]
        merged = metrics[kept].reset_index(drop=True)
        merged["baseline"] = self.values[row[kept], code[kept]]
        return merged


#: Columns of :func:`budget_scores`, with what each means (shares of the baseline's GDP).
BUDGET_SCORES = {
    "static_10y": "static score: change in the primary balance before the budget rule acts, mean over years "
                  "1–10, share of GDP (+ improves the budget)",
    "debt_ratio_10y": "change in public debt / GDP in year 10",
    "rule_response": "dynamic: change in the rule's adjustment (+ tightening: G cut, surcharge or transfer cut), "
                     "mean from the rule's start to the horizon, share of GDP",
    "debt_ratio_horizon": "change in public debt / GDP at the horizon",
    "gdp_horizon": "change in real GDP at the horizon, relative",
}


def budget_scores(results: Sequence[ScenarioResult], base: ScenarioResult) -> pd.DataFrame:
    """Each reform's budget score against the baseline, the way budget offices report one.

    **Static**: the change in the primary balance (``primary_balance``: taxes less transfers and
    government consumption at its base-year share of GDP, before the rule's adjustment) over the first
    ten years, as a share of the baseline's GDP. It includes the reform's effects on incomes and prices in
    the simulation (it is static in the budget-office sense of "before the fiscal rule", not "before
    any behaviour"). **Dynamic**: what the rule did with it (``budget_adjustment``: it spends a
    surplus or closes a deficit once it starts, ``budget.start``) and where debt and GDP end. Only
    household-closure results carry these metrics; the others are left out.
    """
    b = _derived(base, ("budget table",), lambda: BudgetTable.of(base))
    rows = []
    if b.complete:
        start = base.scenario.start_year
        for r in results:
            if r is base:
                continue
            m = BudgetTable.of(r)
            if not m.complete:
                continue
            years, at_m, at_b = np.intersect1d(m.years, b.years, assume_unique=True, return_indices=True)
            window = (years > start) & (years <= start + 10)
            after = years >= start + r.scenario.budget.start
            last = years.size - 1
            tenth = np.flatnonzero(window)[-1] if window.any() else last
            gdp = b.values["gdp"][at_b]
            delta = {name: m.values[name][at_m] - b.values[name][at_b] for name in BudgetTable.WANTED}
            rows.append({
                "scenario": r.scenario.name,
                "static_10y": _mean(delta["primary_balance"][window] / gdp[window]),
                "debt_ratio_10y": float(delta["public_debt_ratio"][tenth]),
                "rule_response": _mean(delta["budget_adjustment"][after] / gdp[after]) if after.any()
                else float("nan"),
                "debt_ratio_horizon": float(delta["public_debt_ratio"][last]),
                "gdp_horizon": float(m.values["gdp"][at_m[last]] / b.values["gdp"][at_b[last]] - 1.0),
                "instrument": r.scenario.budget.instrument,
            })
    return pd.DataFrame(rows, columns=["scenario", *BUDGET_SCORES, "instrument"])


@dataclass(frozen=True)
class BudgetTable:
    """A result's budget metrics by year, as arrays (what ``metrics.pivot(index="year", columns="metric")``
    holds for :data:`WANTED`, without pandas' reshaping: a comparison reads a dozen values from it)."""

    WANTED = ("primary_balance", "budget_adjustment", "public_debt_ratio", "gdp")
    years: np.ndarray  # sorted
    values: dict[str, np.ndarray]  # per wanted metric present, one value a year (NaN where a year has none)

    @property
    def complete(self) -> bool:
        return all(name in self.values for name in self.WANTED)

    @classmethod
    def of(cls, result: ScenarioResult) -> BudgetTable:
        m = result.metrics
        rows = m[m["metric"].isin(cls.WANTED)]
        year, metric, value = rows["year"].to_numpy(), rows["metric"].to_numpy(dtype=object), rows["value"].to_numpy()
        years = np.unique(year)
        at = np.searchsorted(years, year)
        values = {}
        for name in cls.WANTED:
            mine = metric == name
            if mine.any():
                values[name] = np.full(years.size, np.nan)
                values[name][at[mine]] = value[mine]
        return cls(years=years, values=values)


def _mean(x: np.ndarray) -> float:
    """pandas' mean (NaN skipped) of a few values, as ``Series.mean`` takes it."""
    return float(pd.Series(x).mean())


def deciles(reform: ScenarioResult, base: ScenarioResult, year: int) -> pd.DataFrame:
    """Winners and losers by baseline income decile and by baseline wealth decile (PolicyEngine's
    five bands of the relative change in net income, as shares of each decile's adults)."""
    a, b = reform.snapshots[year], base.snapshots[year]
    if len(a) != len(b):
        raise UserError(f"{reform.scenario.name} and {base.scenario.name} have different population sizes; "
                        "compare scenarios run with the same population size and seed.")
    w = b["weight"].to_numpy()
    change = a["net_income"].to_numpy() - b["net_income"].to_numpy()
    level = b["net_income"].to_numpy()
    relative = np.divide(change, np.abs(level), out=np.zeros_like(change), where=np.abs(level) > 1.0)
    band = np.select([relative > BAND_EDGE, relative > NO_CHANGE, relative >= -NO_CHANGE, relative >= -BAND_EDGE],
                     [0, 1, 2, 3], default=4)
    rows = []
    for by, column in (("income", "income"), ("wealth", "net_worth")):
        groups = _derived(base, ("decile groups", year, column),
                          lambda column=column: DecileGroups.of(b[column].to_numpy(), w, level))
        change_by, band_by = change[groups.order], band[groups.order]
        for d in range(10):
            lo, hi = groups.bounds[d], groups.bounds[d + 1]
            wd, cd, bd = groups.weight[lo:hi], change_by[lo:hi], band_by[lo:hi]
            total = float(wd.sum())
            row = {"scenario": reform.scenario.name, "year": year, "by": by, "decile": d + 1,
                   "mean_change": float(dot(wd, cd) / total),
                   "relative_change": float(dot(wd, cd) / max(dot(wd, groups.level[lo:hi]), 1.0))}
            for k, name in enumerate(BANDS):
                row[name] = float(wd[bd == k].sum() / total)
            rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class DecileGroups:
    """A baseline's adults grouped by decile of one variable (weighted mid-rank), found once per baseline:
    ``order`` puts the records of decile 1, then 2 … 10, each in record order, so decile d's records are
    ``order[bounds[d]:bounds[d + 1]]`` — the same records, in the same order, as a mask ``decile == d``
    selects, hence the same sums to the bit; ``weight`` and ``level`` (baseline net income) in that order."""

    order: np.ndarray
    bounds: np.ndarray
    weight: np.ndarray
    level: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray, weight: np.ndarray, level: np.ndarray) -> DecileGroups:
        decile = np.minimum((Distribution(values, weight).mid_rank() * 10).astype(int), 9)
        order = np.argsort(decile, kind="stable")
        bounds = np.searchsorted(decile[order], np.arange(11))
        return cls(order=order, bounds=bounds, weight=weight[order], level=level[order])


def lorenz(result: ScenarioResult, year: int, points: int = 101) -> pd.DataFrame:
    """Lorenz curves of net worth and income: cumulative share of the total held by the poorest p."""
    snap = result.snapshots[year]
    w = snap["weight"].to_numpy()
    shares = np.linspace(0.0, 1.0, points)
    curves = {variable: Distribution(snap[column].to_numpy(), w, ranks=False).bottom_shares(shares)
              for variable, column in (("wealth", "net_worth"), ("income", "income"))}
    return pd.DataFrame({"scenario": result.scenario.name, "year": year,  # one frame: the curves one after the other
                         "variable": np.repeat(list(curves), points), "population_share": np.tile(shares, len(curves)),
                         "value_share": np.concatenate(list(curves.values()))})


def ownership(result: ScenarioResult, year: int) -> pd.DataFrame:
    """Who owns US companies (households by wealth group, the fund, foreigners, public owners) and
    household land (by wealth group), as shares."""
    snap = result.snapshots[year]
    w = snap["weight"].to_numpy()
    rank = Distribution(snap["net_worth"].to_numpy(), w).mid_rank()
    attrs = snap.attrs
    equity, land = snap["equity"].to_numpy(), snap["land"].to_numpy()  # masked as arrays, not as Series
    rows = []
    land_total = float(dot(w, land))
    for holder, lo, hi in OWNER_GROUPS:
        mask = (rank >= lo) & (rank < hi)
        rows.append(("companies", holder, float(dot(w[mask], equity[mask])) / attrs["equity_total"]))
        rows.append(("land", holder, float(dot(w[mask], land[mask])) / land_total))
    for holder, key in (("equity fund", "equity_fund"), ("foreign", "equity_foreign"), ("public", "equity_public")):
        rows.append(("companies", holder, attrs[key] / attrs["equity_total"]))
    return pd.DataFrame([{"scenario": result.scenario.name, "year": year, "asset": a, "holder": h, "share": s}
                         for a, h, s in rows])


def _empty_deciles() -> pd.DataFrame:
    return pd.DataFrame(columns=["scenario", "year", "by", "decile", "mean_change", "relative_change", *BANDS])


def _empty_lorenz() -> pd.DataFrame:
    return pd.DataFrame(columns=["scenario", "year", "variable", "population_share", "value_share"])


def _empty_ownership() -> pd.DataFrame:
    return pd.DataFrame(columns=["scenario", "year", "asset", "holder", "share"])
