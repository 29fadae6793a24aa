"""Public prizes (commonwealth.policy.prizes): paid by the budget, lowering the chosen sectors' prices by
the stated elasticity."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from commonwealth.api import simulate
from commonwealth.errors import UserError
from commonwealth.parameters import ParameterSet
from commonwealth.policy.prizes import PublicPrize
from commonwealth.prices import cpi_weights
from commonwealth.scenario import Scenario

WEIGHTS = cpi_weights(ParameterSet(), 2025)


def test_a_sectors_price_falls_by_the_elasticity_of_cumulative_prize_money():
    prize = PublicPrize("p", 2026, None, sectors=["health", "education"], amount=0.002, cost_elasticity=0.3,
                        cpi_weights=WEIGHTS)
    ctx = SimpleNamespace(year=2026, gdp=30e12, gdp_base=30e12)
    assert prize.sector_cost_factors(ctx) is None  # nothing spent yet: no effect in the first year
    for year in (2026, 2027):
        ctx.year = year
        assert prize.government_purchases(ctx) == pytest.approx(0.002 * 30e12)
        prize.end_of_year(ctx)
    factors = prize.sector_cost_factors(ctx)
    spent = 2 * 0.002 * 30e12 / 2  # two years, split over two sectors
    assert factors["health"] == pytest.approx((1 + spent / (WEIGHTS["health"] * 30e12)) ** -0.3)
    assert factors["education"] < factors["health"] < 1  # the same money is more of a smaller sector
    assert set(factors) == {"health", "education"}


def test_prizes_are_paid_by_the_budget_and_lower_the_chosen_sectors_prices_and_the_cpi():
    base = {"extends": "status-quo", "years": 12}
    prize = {"type": "public_prize", "sectors": ["education"], "amount": 0.002}
    m = simulate({"name": "sq", **base}, {"name": "prize", **base, "policies": [prize]}, size=2000).metrics
    p = m.pivot_table(index=["scenario", "year"], columns="metric", values="value")
    sq, pr = p.loc["sq"], p.loc["prize"]
    assert pr.loc[2030, "prize_spending.public_prize"] == pytest.approx(0.002 * pr.loc[2030, "gdp"], rel=1e-9)
    assert pr.loc[2036, "price_education"] < 0.95 * sq.loc[2036, "price_education"]
    assert pr.loc[2036, "cpi"] < sq.loc[2036, "cpi"]
    # the other sectors move only with factor prices
    assert pr.loc[2036, "price_food"] == pytest.approx(sq.loc[2036, "price_food"], rel=0.01)
    assert pr.loc[2034, "public_debt"] > sq.loc[2034, "public_debt"]  # debt-financed before the budget rule starts


@pytest.mark.parametrize(("sectors", "expect"),
                         [(["energy"], "sectors"), (["health", "health"], "twice"), ([], "sectors")])
def test_a_prize_names_each_consumption_sector_once(sectors, expect):
    with pytest.raises(UserError, match=expect):
        Scenario.from_dict({"name": "x", "policies": [{"type": "public_prize", "sectors": sectors}]})


def test_a_prize_paid_by_the_fund_comes_out_of_the_citizens_cash_dividend_not_the_budget():
    base = {"extends": "american-equity-fund", "years": 6}
    prize = {"type": "public_prize", "sectors": ["health"], "amount": 0.001}
    m = simulate({"name": "fund", **base}, {"name": "budget", **base, "policies": [prize]},
                 {"name": "from-fund", **base, "policies": [{**prize, "funding": "fund"}]}, size=2000).metrics
    p = m.pivot_table(index=["scenario", "year"], columns="metric", values="value")
    year = 2031
    paid = p.loc[("from-fund", year), "prize_spending.public_prize"]
    assert p.loc[("from-fund", year), "prize_from_fund.public_prize"] == pytest.approx(paid)  # the fund pays all
    cash = p.xs(year, level="year")["dividend_cash_per_adult"]
    eligible = paid / (cash["fund"] - cash["from-fund"])  # the dividend falls by the prize per eligible adult
    assert 2.0e8 < eligible < 2.7e8  # about the number of adult citizens
    assert cash["budget"] == pytest.approx(cash["fund"], rel=0.01)  # a budget-paid prize leaves it alone
    debt = p.xs(year, level="year")["public_debt"]
    assert debt["from-fund"] < debt["budget"]  # and the budget does not pay


def test_a_prize_paid_by_a_fund_needs_a_fund(tmp_path):
    from commonwealth.scenario import load_scenario

    path = tmp_path / "p.yaml"
    path.write_text("name: p\npolicies:\n  - type: public_prize\n    sectors: [health]\n    funding: fund\n")
    with pytest.raises(UserError, match="no american_equity_fund"):
        load_scenario(path)
