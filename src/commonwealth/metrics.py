"""Metrics: the one documented list of what commonwealth reports, with units, and how each is computed.

Every metric is computed in the core and written in the tidy output contract of
:mod:`commonwealth.output` (``scenario, year, metric, value, unit``). Names are stable snake_case; the
table below is the documentation (``commonwealth metrics`` prints it). Distribution metrics are weighted and exact
(sort-based, see :mod:`commonwealth.distribution`); records are adults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from commonwealth import distribution as dist
from commonwealth.prices import PRICE_METRICS
from commonwealth.production import FactorPrices
from commonwealth.sorting import select_quantile
from commonwealth.sums import dot

if TYPE_CHECKING:
    from commonwealth.households import Flows, Prices
    from commonwealth.markets import Market
    from commonwealth.population import Population

#: Metrics of reforms that every households-closure run reports: 0 unless a policy reports them.
REFORM_METRIC_DEFAULTS: dict[str, float] = {
    "fund_assets": 0.0, "dividend_shares_per_adult": 0.0, "dividend_cash_per_adult": 0.0,
    "levy_base_escaped": 0.0,
}

#: The headlines also reported in current (nominal) dollars: real metric → nominal metric (× price_level).
NOMINAL_METRICS: dict[str, str] = {
    "gdp": "gdp_nominal",
    "dividend_per_adult": "dividend_per_adult_nominal",
    "public_debt": "public_debt_nominal",
    "median_income": "median_income_nominal",
}

#: Thresholds for counting fortunes (USD).
BILLION = 1e9
TRILLION = 1e12


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    description: str


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric("gdp", "USD/year", "Output Y, in base-year dollars per year (real)."),
        Metric("gdp_growth", "1/year", "Growth of real GDP over the year ending in this year (log points)."),
        Metric("price_level", "index", "Price level P_t: the GDP deflator relative to the base year (base = 1), "
               "Π(1 + prices.inflation); nominal = real × P_t. The nominal CPI is P_t × cpi."),
        Metric("gdp_nominal", "USD-current/year", "GDP in current dollars, gdp × price_level."),
        Metric("automation_share", "/1", "Share of tasks machines perform (deployed), Φ_t; the production "
               "function's automation share."),
        Metric("automation_possible", "/1", "Share of tasks machines could perform: Φ_t before deployment lags "
               "(compute presets: what the last training run makes possible, GATE's eq. 13)."),
        Metric("new_task_share", "/1", "Share of all tasks created after the base year, new work in which labour "
               "had the comparative advantage (Acemoglu & Restrepo's reinstatement; 0 without ai.new_work)."),
        Metric("hybrid_productivity", "index", "h_t: productivity of a unit of human labour from AI assistance "
               "(hybrid work), base = 1 (1 without ai.new_work)."),
        Metric("automation_cost_effective", "/1", "Share of tasks whose AI hour costs no more than an hour of "
               "work (compute.labour_cost_per_hour), Acemoglu & Restrepo's Ĩ; not reported without a compute "
               "block."),
        Metric("effective_compute", "log10", "Effective compute of the largest training run, log10 eFLOP; not "
               "reported without a compute block."),
        Metric("ai_cost_per_hour_median_task", "USD/hour", "Price of an hour of AI work on the median task "
               "(complexity quantile 0.5): runtime compute at the compute price and margin; not reported "
               "without a compute block."),
        Metric("ai_cost_per_hour_frontier", "USD/hour", "Price of an hour of AI work on the most complex task "
               "deployed (quantile Φ_t): Restrepo's bound on the wage of the work AI does; not "
               "reported without a compute block."),
        # Frontier labs and who captures the AI surplus (commonwealth.labs; with ai.labs only).
        Metric("ai_surplus", "USD/year", "AI surplus S: equity income above its base-year share of GDP (the income "
               "automation moved to capital), shared among labs, fine-tuners and users; with ai.labs only."),
        Metric("ai_rents_labs", "USD/year", "The frontier labs' rents: θ·S, θ = 2/(1/HHI + 2) (Cournot, linear "
               "demand); with ai.labs only."),
        Metric("ai_rents_fine_tuners", "USD/year", "Fine-tuners' rents: κ(1 − θ)·S, to firms by AI exposure × value; "
               "with ai.labs only."),
        Metric("ai_surplus_users", "USD/year", "The users' part of the AI surplus, (1 − κ)(1 − θ)·S, paid to all "
               "firms by book capital as ordinary equity income; with ai.labs only."),
        Metric("ai_rents_founders", "USD/year", "AI rents (labs' and fine-tuners') accruing to founders' "
               "concentrated stakes; with ai.labs only."),
        Metric("ai_rents_index_holders", "USD/year", "AI rents accruing to households' index holdings; with ai.labs "
               "only."),
        Metric("ai_rents_abroad", "USD/year", "AI rents accruing to the rest of the world and other non-household "
               "holders (foundations, funds); with ai.labs only."),
        Metric("ai_rents_public", "USD/year", "AI rents accruing to public owners (the equity fund, capped-profit "
               "transfers); with ai.labs only."),
        Metric("lab_surplus_share", "/1", "θ: the frontier labs' share of the AI surplus; with ai.labs only."),
        Metric("ai_rent_belief", "/1", "β: the market's weight on the scenario's AI path in valuing rents, "
               "calibrated to the labs' 2025 valuations; with ai.labs only."),
        Metric("lab_founders_wealth", "USD", "Founders' concentrated stakes in the firms that develop frontier "
               "models (Alphabet, Meta, Microsoft) at market value; with ai.labs only."),
        Metric("labor_share", "/1", "Labour's share of output, wL/Y."),
        Metric("capital_share", "/1", "Capital's share of output, RK/Y."),
        Metric("land_share", "/1", "Land's share of output, 1 − α."),
        Metric("wage_index", "index", "Wage per efficiency unit of labour relative to the base year (base = 1)."),
        Metric("labor_income", "USD/year", "Total labour income wL, base-year dollars per year."),
        Metric("rental_rate", "1/year", "Gross rental rate of capital R = ∂Y/∂K (before depreciation)."),
        Metric("interest_rate", "1/year", "Net return on capital, r = R − δ."),
        Metric("capital_stock", "USD", "Capital stock K at the start of the year, base-year dollars."),
        Metric("investment", "USD/year", "Gross investment = gross saving (domestic, foreign and depreciation)."),
        Metric("consumption", "USD/year", "Output not invested: household and government consumption and net exports."),
        Metric("saving_rate", "/1", "Gross investment as a share of output."),
        Metric("output_region", "region", "1: labour scarce (K/L > Φ/(1−Φ)); 2: labour no longer "
               "scarce, wages pinned to the return on capital (Korinek & Suh 2024)."),
        Metric("adults", "count", "Adults (18+) in the population."),
        Metric("household_net_worth", "USD", "Net worth of all adults at this year's prices."),
        Metric("equity_market_value", "USD", "Market value of all US firms (every holder)."),
        Metric("land_value", "USD", "Value of household land, capitalised rent."),
        Metric("land_value_total", "USD", "Value of all US land (households, corporations, governments)."),
        Metric("land_value_corporate", "USD", "Value of corporate land (a part of firm values, not an extra asset)."),
        Metric("land_value_government", "USD", "Value of federal, state and local land."),
        Metric("land_rent_yield", "1/year", "Land rent / land value (one rent and one price for all land)."),
        Metric("property_tax", "USD/year", "Property tax on land collected from households and firms."),
        Metric("wealth_share_top0_1", "/1", "Share of net worth held by the richest 0.1 % of households (one adult "
               "or a married couple, ranked by household net worth as the DFA ranks them)."),
        Metric("wealth_share_top1", "/1", "Share of net worth held by the richest 1 % of households (DFA ranking)."),
        Metric("wealth_share_top10", "/1", "Share of net worth held by the richest 10 % of households (DFA ranking)."),
        Metric("wealth_share_bottom50", "/1", "Share of net worth held by the poorer half of households "
               "(DFA ranking)."),
        Metric("gini_wealth", "/1", "Gini coefficient of net worth across households."),
        Metric("billionaires", "count", "Adults with net worth of at least $1 billion (base-year dollars)."),
        Metric("trillionaires", "count", "Adults with net worth of at least $1 trillion (base-year dollars)."),
        Metric("largest_fortune", "USD", "Net worth of the richest adult."),
        Metric("gini_income", "/1", "Gini coefficient of income before taxes (market income plus transfers)."),
        Metric("median_income", "USD/year", "Median adult income before taxes (market income plus transfers), "
               "base-year dollars."),
        Metric("median_income_real", "USD/year", "Median adult income before taxes, deflated by the CPI."),
        Metric("median_disposable_income_real", "USD/year", "Median adult disposable income: market income plus "
               "transfers in cash (dividends, UBI, benefits) and in kind (the fund's shares at market value) "
               "less every tax, deflated by the CPI; the income a reform is judged by net of what funds it."),
        Metric("median_consumption_real", "USD/year", "Median adult consumption (disposable income less saving, "
               "shares received and sold included), deflated by the CPI: what a reform leaves people to live on."),
        Metric("median_income_nominal", "USD-current/year", "Median adult income before taxes in current dollars."),
        Metric("social_security_benefit", "USD/year", "Mean Social Security benefit per retired adult (base-year "
               "dollars): wage-indexed at 60, CPI-indexed after (commonwealth.indexation)."),
        Metric("displaced_share", "/1", "Share of adults out of work because automation took their job."),
        Metric("tax_revenue", "USD/year", "Taxes received by the government and the funds (cash)."),
        Metric("transfers", "USD/year", "Cash transfers to households: status quo and reforms, dividends included."),
        Metric("public_debt", "USD", "Public debt held by the public at the end of the year (households' bonds and "
               "other holders'), from government.initial_debt_ratio of base-year GDP; negative: net assets."),
        Metric("public_debt_nominal", "USD-current", "Public debt held by the public in current dollars."),
        Metric("public_debt_ratio", "/1", "Public debt at the end of the year / this year's GDP (the budget rule's "
               "target variable)."),
        Metric("primary_balance", "USD/year", "Static score: the government's primary balance (net lending plus "
               "interest paid) before the budget rule acts, i.e. with G = α_G·Y and no rule adjustment."),
        Metric("budget_adjustment", "USD/year", "The budget rule's adjustment (+ tightening): G cut below α_G·Y plus "
               "the surcharge or transfer cut; primary_balance + budget_adjustment is the primary balance."),
        Metric("budget_instrument", "/1", "The rule's instrument: g_t = G/(α_G·Y) for consumption (1 before the rule), "
               "the income-tax surcharge rate, or the scale of status-quo transfers."),
        Metric("government_consumption_share", "/1", "Government consumption G / GDP."),
        Metric("safe_rate", "1/year", "Safe real rate earned by public debt, bonds and deposits."),
        Metric("equity_premium_income", "USD/year", "(r − r_safe) × the bond-financed capital: the part of equity "
               "income that is the premium over the safe rate on capital financed by bonds."),
        Metric("fund_assets", "USD", "American Equity Fund: value of its stakes plus its cash."),
        Metric("fund_ownership_share", "/1", "Share of all US corporate equity value held by the equity fund."),
        Metric("citizen_ownership_share", "/1", "Share of all US corporate equity value held by the adults of the "
               "poorer 90 % of households (fund distributions included)."),
        Metric("dividend_per_adult", "USD/year", "Equal dividends per recipient adult: fund shares and cash, "
               "sovereign-fund, windfall and tax dividends."),
        Metric("dividend_per_adult_nominal", "USD-current/year", "Dividend per adult in current dollars "
               "(dividend_per_adult × price_level)."),
        Metric("dividend_per_adult_real", "USD/year", "Dividend per adult deflated by the CPI (the price of the "
               "consumer basket relative to output)."),
        Metric("dividend_shares_per_adult", "USD/year", "Value of equity-fund shares distributed per adult citizen."),
        Metric("dividend_cash_per_adult", "USD/year", "Equity-fund dollars distributed per adult citizen."),
        # Selling the shares received (commonwealth.portfolios; behaviour.portfolios; docs/model/behaviour.md).
        Metric("received_shares_sold_per_adult", "USD/year", "Value of received fund shares (index units) sold "
               "and consumed this year, per US adult, deflated by the CPI (0 with behaviour.portfolios off)."),
        Metric("received_shares_sold_per_adult_bottom50", "USD/year", "received_shares_sold_per_adult among "
               "adults in the poorer half of households by wealth (at the year's opening)."),
        Metric("received_shares_held_per_adult", "USD", "Value of received fund shares still held (locked or "
               "not), per US adult, at end-of-year prices, deflated by the CPI."),
        Metric("received_shares_held_share", "/1", "Index units received from the fund still held, as a share "
               "of all units received (by the adults alive; heirs start afresh); 1 with behaviour.portfolios "
               "off, 0 before anything is received."),
        Metric("aef_rate", "1/year", "Equity-fund company rate in force after phase-in."),
        Metric("aef_land_tax", "USD/year", "Equity-fund land tax paid by households and firms (privately held land)."),
        Metric("ubi_per_adult", "USD/year", "UBI paid per eligible adult."),
        Metric("wealth_tax_revenue", "USD/year", "Wealth-tax revenue."),
        Metric("windfall_payments", "USD/year", "Windfall Clause payments by AI firms."),
        Metric("sovereign_fund_assets", "USD", "Sovereign fund assets."),
        Metric("public_ownership_share", "/1", "Share of US corporate equity held by public or nonprofit owners."),
        Metric("influence_share_top1", "/1", "Political influence of the richest 1 % of adults (plutocracy-weighted)."),
        Metric("influence_share_bottom50", "/1", "Political influence of the poorer half of adults."),
        Metric("fund_voting_share", "/1", "Corporate votes held by the equity fund and the poorer 90 % of adults: "
               "the power that ownership transfers."),
        Metric("power_concentration", "/1", "Gini coefficient of political influence per adult citizen (0: one "
               "person, one vote; towards 1: a few decide)."),
        Metric("expatriated_wealth", "USD", "Net worth of adults who renounced and left to escape the taxes "
               "escapable by expatriation, cumulated at departure (their holdings stay invested in the US, "
               "held from abroad)."),
        Metric("expatriates", "count", "Adults who have renounced and left (out of US adults and "
               "distributions from the next year)."),
        # Work and leisure (commonwealth.labour_supply, behaviour.labour): hours are the base-year level
        # labour.hours_per_worker × each adult's hours factor; US residents.
        Metric("hours_per_worker", "hours/year", "Annual hours worked per employed adult (base year: "
               "labour.hours_per_worker, ≈ 1,790, OECD/BLS)."),
        Metric("hours_per_adult", "hours/year", "Annual hours worked per adult (employed or not)."),
        Metric("participation_rate", "/1", "Share of adults employed (the model's participation: the "
               "employment–population ratio, displaced workers out)."),
        Metric("leisure_per_adult", "hours/year", "Leisure per adult: the time endowment labour.time_endowment "
               "(5,840 hours, 16 a day) less hours worked per adult."),
        *[Metric(name, unit, description) for name, (unit, description) in PRICE_METRICS.items()],
        # Saving (commonwealth.saving; behaviour.saving): group saving rates, retirees' dissaving, returns.
        Metric("saving_rate_bottom90", "/1", "Saving of the bottom 90 % of households by wealth (Saez–Zucman "
               "groups), including retained earnings, over their disposable income."),
        Metric("saving_rate_p90_99", "/1", "Saving of households between the 90th and 99th wealth percentiles "
               "over their disposable income."),
        Metric("saving_rate_top1", "/1", "Saving of the richest 1 % of households by wealth over their "
               "disposable income."),
        Metric("retiree_decumulation", "1/year", "Retired adults' dissaving (before revaluation) over their "
               "positive net worth: the share of wealth they run down in the year."),
        Metric("after_tax_return_bottom90", "1/year", "After-tax return on wealth of the bottom 90 %: capital "
               "income less its share of all taxes, plus last year's in-kind losses (share levy), over wealth."),
        Metric("after_tax_return_p90_99", "1/year", "After-tax return on wealth of P90–99 (as for the bottom 90 %)."),
        Metric("after_tax_return_top1", "1/year", "After-tax return on wealth of the top 1 % (as for the "
               "bottom 90 %)."),
        # Firms' response to the reforms' wedges: investment, payout and listing (commonwealth.investment).
        Metric("domestic_capital", "USD", "Capital in US production at the start of the year: K less the capital "
               "abroad (base-year dollars); what production uses."),
        Metric("capital_abroad", "USD", "US-owned business capital invested abroad instead of at home because of "
               "the reforms' levies on firm value (share ζ_K of the user-cost gap); still owned, earning r."),
        Metric("user_cost_wedge", "/1", "The reforms' levies on firm value per dollar of business capital as a "
               "share of the status-quo user cost r + δ: c/c_0 − 1 (0 under the status quo)."),
        Metric("retention_ratio", "/1", "Share of equity income firms retain and invest (status quo: "
               "assets.retention_ratio; lower when a levy on value makes paying out cheaper)."),
        Metric("levy_base_escaped", "USD", "American Equity Fund: firm value out of the levy's base because firms "
               "stay private, list abroad or restructure below the thresholds, 1 − exp(−β·τ) of the base."),
    ]
}

#: Families of metrics with one member per policy (``<family>.<policy name>``) or per decile
#: (``<family>.d1`` … ``.d10``).
METRIC_FAMILIES: dict[str, Metric] = {
    "policy_in_force": Metric("policy_in_force", "/1", "1 while the named policy is in force, else 0."),
    "policy_rate": Metric("policy_rate", "/1", "The named policy's main rate in force after phase-in and erosion "
                          "(for UBI, sovereign funds and capped-profit labs: the share of the enacted level)."),
    "support": Metric("support", "/1", "Influence-weighted share of adults supporting the named policy."),
    "prize_spending": Metric("prize_spending", "USD/year", "Prize money the named public_prize policy paid this "
                             "year (government consumption; base-year dollars)."),
    "lab_value": Metric("lab_value", "USD", "Market value of the named frontier lab (its own row, plus the "
                        "listed partner's stake valued alike); with ai.labs only."),
    "lab_rents": Metric("lab_rents", "USD/year", "AI rents of the named frontier lab (its row's, plus its listed "
                        "partner's share); with ai.labs only."),
    "prize_from_fund": Metric("prize_from_fund", "USD/year", "Part of the named public_prize policy's money paid "
                              "by the American Equity Fund (funding: fund); the budget paid the rest."),
    # The AI hour by occupation group (SOC major groups; compute presets only, docs/model/ai-economy.md).
    "ai_cost_per_hour_by_occupation": Metric("ai_cost_per_hour_by_occupation", "USD/hour",
                                             "Price of an hour of AI work on the named occupation group's tasks."),
    "ai_cost_to_wage_by_occupation": Metric("ai_cost_to_wage_by_occupation", "/1",
                                            "Price of an hour of AI work on the named occupation group's tasks over "
                                            "the group's mean hourly wage (OEWS 2021 mean annual wage / 2,080)."),
    # Work and leisure by decile of earnings capacity (d1 … d10: base-year deciles of efficiency, the wage
    # rate every adult has, so the same adult is in the same decile in every scenario).
    "hours_per_worker_by_decile": Metric("hours_per_worker_by_decile", "hours/year",
                                         "Hours per employed adult in the named decile of earnings capacity."),
    "hours_per_adult_by_decile": Metric("hours_per_adult_by_decile", "hours/year",
                                        "Hours per adult in the named decile of earnings capacity."),
    "participation_by_decile": Metric("participation_by_decile", "/1",
                                      "Share of adults employed in the named decile of earnings capacity."),
    "leisure_per_adult_by_decile": Metric("leisure_per_adult_by_decile", "hours/year",
                                          "Leisure per adult in the named decile of earnings capacity."),
}


def metric_unit(name: str) -> str:
    """The unit of a metric or of a member of a metric family; KeyError if undocumented."""
    if name in METRICS:
        return METRICS[name].unit
    family = name.split(".", 1)[0]
    if "." in name and family in METRIC_FAMILIES:
        return METRIC_FAMILIES[family].unit
    raise KeyError(name)


def growth_series(gdp: np.ndarray) -> np.ndarray:
    """Log growth over the year ending in each year; undefined (NaN) in the base year."""
    growth = np.full(np.shape(gdp), np.nan)
    growth[1:] = np.diff(np.log(gdp))
    return growth


def macro_metrics(fp: FactorPrices, capital, investment, phi, usd: float, depreciation: float) -> dict:
    """Macro metrics in dollars where the unit says so; ``capital`` and gross ``investment`` are in
    model units (scalars for one year or arrays over years)."""
    output = np.asarray(fp.output, dtype=float)
    investment = np.asarray(investment, dtype=float)
    wage = np.asarray(fp.wage, dtype=float)
    return {
        "gdp": output * usd,
        "automation_share": np.asarray(phi, dtype=float),
        "labor_share": fp.labor_share,
        "capital_share": fp.capital_share,
        "land_share": fp.land_share,
        "wage_index": wage / (wage.flat[0] if wage.ndim else 1.0),
        "labor_income": fp.labor_share * output * usd,
        "rental_rate": fp.rental_rate,
        "interest_rate": np.asarray(fp.rental_rate) - depreciation,
        "capital_stock": np.asarray(capital, dtype=float) * usd,
        "investment": investment * usd,
        "consumption": (output - investment) * usd,
        "saving_rate": investment / output,
        "output_region": np.asarray(fp.region, dtype=float),
    }


def distribution_metrics(pop: Population, wealth: dist.Distribution, displaced: np.ndarray, market: Market,
                         prices: Prices, households: dist.Distribution | None = None) -> dict[str, float]:
    """Wealth distribution and asset totals at this year's prices (``wealth``: adults' net worth,
    weighted by the US adults among the records; ``households``: household net worth weighted by the US
    households, the DFA's unit for the shares and the Gini — default ``wealth``; ``displaced``: US adults
    displaced). Billionaires and the largest fortune count adults (billionaires are single units)."""
    w = pop.weight
    households = wealth if households is None else households
    # top_share(f) is share_between(1 − f, 1), bottom_share(f) share_between(0, f): the four in one pass
    top0_1, top1, top10, bottom50 = households.shares_between([(1.0 - 0.001, 1.0), (1.0 - 0.01, 1.0),
                                                               (1.0 - 0.10, 1.0), (0.0, 0.50)])
    return {
        "adults": wealth.total_weight,
        "household_net_worth": wealth.total,
        "equity_market_value": float(market.firms.value.sum()),
        "land_value": prices.land_price * market.household_land_units,
        "land_value_total": prices.land_price * market.land_units,
        "land_value_corporate": prices.land_price * market.corporate_land_units,
        "land_value_government": prices.land_price * market.government_land_units,
        "land_rent_yield": prices.land_rent / prices.land_price if prices.land_price > 0 else 0.0,
        "wealth_share_top0_1": top0_1,
        "wealth_share_top1": top1,
        "wealth_share_top10": top10,
        "wealth_share_bottom50": bottom50,
        "gini_wealth": households.gini(),
        "billionaires": wealth.count_above(BILLION),
        "trillionaires": wealth.count_above(TRILLION),
        "largest_fortune": wealth.largest(),
        "displaced_share": float(dot(w, displaced)) / wealth.total_weight,
    }


def income_metrics(flows: Flows, weight: np.ndarray, cpi: float, in_kind: np.ndarray | None = None
                   ) -> dict[str, float]:
    """Inequality and the median of income before taxes (base-year dollars); the median also deflated by
    this year's ``cpi`` (the basket's price relative to output); the medians of disposable income (after
    every tax and transfer, in cash and, given ``in_kind`` — the net value per adult of shares received or
    levied, at market prices — in kind) and of consumption, deflated. Income is ranked (its Gini needs the
    order); the other two medians are selected without sorting (:func:`commonwealth.sorting.select_quantile`)."""
    before_taxes = flows.income  # computed from the flows on each access: once here
    income = dist.Distribution(before_taxes, weight, ranks=False)
    median, gini = income.quantile(0.5), income.gini()
    net = before_taxes - flows.taxes if in_kind is None else before_taxes - flows.taxes + in_kind
    del before_taxes, income  # their 40 bytes a record are not kept while the other medians are found
    disposable = select_quantile(net, weight, 0.5)
    consumption = select_quantile(flows.consumption, weight, 0.5)
    return {"gini_income": gini, "median_income": median, "median_income_real": median / cpi,
            "median_disposable_income_real": disposable / cpi, "median_consumption_real": consumption / cpi}


def tidy(scenario: str, start_year: int, series: dict[str, np.ndarray]) -> pd.DataFrame:
    """Long table ``scenario, year, metric, value, unit`` in the order of :data:`METRICS`; NaN values
    (undefined) are dropped."""
    unknown = []
    for name in series:
        try:
            metric_unit(name)
        except KeyError:
            unknown.append(name)
    if unknown:
        raise KeyError(f"undocumented metrics: {sorted(unknown)}")
    ordered = [n for n in METRICS if n in series] + sorted(n for n in series if n not in METRICS)
    columns = [np.asarray(series[name], dtype=float) for name in ordered]
    values = np.concatenate(columns)
    years = np.concatenate([start_year + np.arange(c.size, dtype=np.int64) for c in columns])
    sizes = [c.size for c in columns]
    keep = ~np.isnan(values)
    return pd.DataFrame({
        "scenario": np.full(int(keep.sum()), scenario, dtype=object),
        "year": years[keep],
        "metric": np.repeat(np.array(ordered, dtype=object), sizes)[keep],
        "value": values[keep],
        "unit": np.repeat(np.array([metric_unit(n) for n in ordered], dtype=object), sizes)[keep],
    })
