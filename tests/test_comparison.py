"""Comparing scenarios: golden results on a small fixed population, and the tables' invariants."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from commonwealth import Scenario, compare, simulate
from commonwealth.comparison import BANDS
from commonwealth.errors import UserError

GOLDEN = Path(__file__).parent / "data" / "compare_golden.csv"


@pytest.fixture(scope="module")
def results():
    return simulate("status-quo", "american-equity-fund", "wealth-tax", size=3_000, years=12,
                    snapshot_years=[2030, 2037])


@pytest.fixture(scope="module")
def comparison(results):
    return compare(results, baseline="status-quo", years=[2030, 2037])


def _golden_frame(comparison) -> pd.DataFrame:
    d = comparison.deciles.melt(id_vars=["scenario", "year", "by", "decile"], var_name="measure")
    o = comparison.ownership.rename(columns={"share": "value"}).assign(measure="share")
    o["by"] = o.pop("asset")
    o["decile"] = o.pop("holder")
    return pd.concat([d, o], ignore_index=True)[["scenario", "year", "by", "decile", "measure", "value"]]


def test_compare_matches_the_golden_results_on_a_small_fixed_population(comparison):
    fresh = _golden_frame(comparison)
    if os.environ.get("COMMONWEALTH_UPDATE_GOLDEN") == "1":
        fresh.to_csv(GOLDEN, index=False, float_format="%.17g")
    stored = pd.read_csv(GOLDEN, dtype={"decile": str})
    fresh = fresh.assign(decile=fresh["decile"].astype(str))
    merged = stored.merge(fresh, on=["scenario", "year", "by", "decile", "measure"], suffixes=("_stored", "_now"))
    assert len(merged) == len(stored) == len(fresh)
    np.testing.assert_allclose(merged.value_now, merged.value_stored, rtol=1e-6, atol=1e-9)


def test_the_baseline_differs_from_itself_by_nothing(comparison):
    d = comparison.differences
    assert (d[d.scenario == "status-quo"].difference == 0).all()


def test_every_decile_splits_into_the_five_bands(comparison):
    total = comparison.deciles[list(BANDS)].sum(axis=1)
    np.testing.assert_allclose(total, 1.0, atol=1e-12)
    assert set(comparison.deciles.decile) == set(range(1, 11))


def test_the_fund_makes_the_bottom_deciles_winners(comparison):
    d = comparison.deciles
    fund = d[(d.scenario == "american-equity-fund") & (d.year == 2037) & (d.by == "income")]
    assert (fund[fund.decile <= 5].mean_change > 0).all()


def test_lorenz_curves_run_from_zero_to_one_and_never_fall(comparison):
    for _, curve in comparison.lorenz.groupby(["scenario", "year", "variable"]):
        values = curve.sort_values("population_share").value_share.to_numpy()
        assert values[0] == 0 and values[-1] == pytest.approx(1.0)
        if curve.variable.iloc[0] == "income":
            assert np.all(np.diff(values) >= -1e-12)


def test_owners_of_companies_and_land_add_up_to_everything(comparison):
    sums = comparison.ownership.groupby(["scenario", "year", "asset"]).share.sum()
    np.testing.assert_allclose(sums, 1.0, rtol=1e-9)


def test_bad_requests_are_user_errors(results):
    with pytest.raises(UserError, match="baseline"):
        compare(results, baseline="nope")
    with pytest.raises(UserError, match="outside the simulated years"):
        compare(results, years=[2100])


def test_results_object_speaks_the_tidy_contract(results, tmp_path):
    assert list(results.metrics.columns) == ["scenario", "year", "metric", "value", "unit"]
    path = results.to_parquet(tmp_path / "m.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(path), results.metrics)
    assert "<table" in results._repr_html_()
    assert results.wide("gdp").shape == (13, 3)
    assert results["wealth-tax"].scenario.name == "wealth-tax"


def test_scenarios_from_mappings_and_objects():
    s = Scenario.from_dict({"name": "mine", "extends": "american-equity-fund", "years": 2,
                            "population": {"size": 1000}})
    assert [p.type for p in s.policies] == ["american_equity_fund"]
    r = simulate(s, Scenario.load("status-quo").with_population(1000), years=2)
    assert set(r.metrics.scenario) == {"mine", "status-quo"}
    with pytest.raises(UserError, match="yaers"):
        Scenario.from_dict({"name": "x", "yaers": 3})


def test_budget_scores_a_tax_for_the_budget_statically_and_a_dividend_reform_as_neutral():
    """A land value tax kept by the budget improves the primary balance by about its revenue in years
    1–10 (static), then the rule spends it (a loosening, negative response) and debt/GDP ends near the
    baseline's; paid out as a dividend it costs the budget what it erodes of the property tax (it lowers
    the land price the property tax is levied on) and little else."""
    lvt = {"type": "land_value_tax", "rate": 0.02}
    results = simulate("status-quo", {"name": "lvt-budget", "extends": "status-quo", "policies": [lvt]},
                       {"name": "lvt-dividend", "extends": "status-quo", "policies": [{**lvt, "use": "dividend"}]},
                       size=2_000, years=20)
    scores = compare(results, baseline="status-quo").budget.set_index("scenario")
    assert list(scores.index) == ["lvt-budget", "lvt-dividend"]
    def series(name: str, metric: str) -> np.ndarray:
        return results[name].metrics.query(f"metric == '{metric}'").value.to_numpy()

    revenue = series("lvt-budget", "tax_revenue") - series("status-quo", "tax_revenue")
    gdp = series("status-quo", "gdp")
    budget = scores.loc["lvt-budget"]
    assert budget.static_10y == pytest.approx(float(np.mean(revenue[1:11] / gdp[1:11])), rel=0.25)
    assert budget.static_10y > 0.005 and budget.debt_ratio_10y < -0.05
    assert budget.rule_response < 0  # the rule spends what the tax raised
    property_tax_lost = series("lvt-dividend", "property_tax") - series("status-quo", "property_tax")
    erosion = float(np.mean(property_tax_lost[1:11] / gdp[1:11]))
    assert erosion < -0.001
    assert scores.loc["lvt-dividend", "static_10y"] == pytest.approx(erosion, abs=1e-3)


def test_the_differences_equal_an_inner_merge_with_the_baseline_values(results):
    """BaselineValues.beside is the merge it replaced: the reform's rows whose (year, metric) the baseline
    has, in the reform's order, with the baseline's value — also for metrics or years the baseline lacks."""
    from commonwealth.comparison import BaselineValues

    base, reform = results["status-quo"], results["american-equity-fund"]
    metrics = reform.metrics.sample(frac=1.0, random_state=3).reset_index(drop=True)  # any order
    extra = pd.DataFrame({"scenario": "x", "year": [2019, 2030, 2099], "metric": ["gdp", "no such metric", "gdp"],
                          "value": 1.0, "unit": "USD/year"})
    metrics = pd.concat([metrics, extra], ignore_index=True).astype(reform.metrics.dtypes.to_dict())
    want = metrics.merge(base.metrics[["year", "metric", "value"]].rename(columns={"value": "baseline"}),
                         on=["year", "metric"], how="inner")
    pd.testing.assert_frame_equal(BaselineValues.of(base).beside(metrics), want, check_exact=True)


def test_decile_groups_hold_each_decile_s_records_in_the_order_a_mask_selects_them():
    from commonwealth.comparison import DecileGroups
    from commonwealth.distribution import Distribution

    rng = np.random.default_rng(8)
    values = np.round(rng.lognormal(10, 1, 5_000), -3)  # ties
    weight, level = rng.uniform(1, 5, values.size), rng.normal(size=values.size)
    groups = DecileGroups.of(values, weight, level)
    decile = np.minimum((Distribution(values, weight).mid_rank() * 10).astype(int), 9)
    for d in range(10):
        part = slice(groups.bounds[d], groups.bounds[d + 1])
        np.testing.assert_array_equal(groups.order[part], np.flatnonzero(decile == d))
        assert groups.weight[part].sum() == weight[decile == d].sum()  # the same sum, to the bit
        np.testing.assert_array_equal(groups.level[part], level[decile == d])


def test_budget_scores_equal_the_pandas_pivot_they_replaced(results):
    """The budget table as arrays gives the scores a pivot of the metrics gave, a year missing included."""
    from commonwealth.comparison import budget_scores

    base, reform = results["status-quo"], results["wealth-tax"]
    wanted = ("primary_balance", "budget_adjustment", "public_debt_ratio", "gdp")

    def pivot(result):
        m = result.metrics[result.metrics.metric.isin(wanted)]
        return m.pivot(index="year", columns="metric", values="value")

    def reference(r):
        m, b, start = pivot(r), pivot(base), base.scenario.start_year
        years = m.index.intersection(b.index)
        window = years[(years > start) & (years <= start + 10)]
        after = years[years >= start + r.scenario.budget.start]
        last, tenth = years[-1], window[-1] if len(window) else years[-1]
        gdp, delta = b.loc[years, "gdp"], m.loc[years] - b.loc[years]
        return [float((delta.loc[window, "primary_balance"] / gdp.loc[window]).mean()),
                float(delta.loc[tenth, "public_debt_ratio"]),
                float((delta.loc[after, "budget_adjustment"] / gdp.loc[after]).mean()) if len(after) else np.nan,
                float(delta.loc[last, "public_debt_ratio"]), float(m.loc[last, "gdp"] / b.loc[last, "gdp"] - 1.0)]

    gap = reform.metrics[(reform.metrics.metric == "primary_balance") & (reform.metrics.year == 2028)].index
    holed = dataclasses.replace(reform, metrics=reform.metrics.drop(gap).reset_index(drop=True))
    for r in (reform, holed):
        scores = budget_scores([base, r], base)
        got = scores.drop(columns=["scenario", "instrument"]).iloc[0].tolist()
        np.testing.assert_array_equal(got, reference(r))
