"""Comparing scenarios: golden results on a small fixed population, and the tables' invariants."""

from __future__ import annotations

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
