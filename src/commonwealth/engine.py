"""The engine: compose the blocks for one scenario, year by year.

``saving: ramsey`` and ``saving: exogenous`` run the macro blocks alone (technology → production →
capital accumulation, Korinek & Suh's closures in continuous time). ``saving: households`` (the
default) runs the whole economy once a year:

    technology      Φ_t, and who is displaced by it
    production      Y, w, R, land rent from K_t and the employed efficiency units L_t
    markets         firm values, AI rents, index and land prices
    households      labour and capital income, taxes and transfers, saving, revaluation
    investment      household saving buys new shares and bonds; foreigners keep their share
    ageing          deaths, estates, heirs
    accumulation    K_{t+1} = K_t + household saving + foreign saving − estate tax

and checks the one-economy identities every year (``IdentityError`` names the year).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from commonwealth.assets import Firms
from commonwealth.assets import build_economy as build_base_economy
from commonwealth.calibration import MacroCalibration, calibrate_us
from commonwealth.growth import Economy, GrowthPath, solve_exogenous, solve_ramsey
from commonwealth.households import (
    Flows,
    Labour,
    Prices,
    age_one_year,
    displace,
    household_year,
    mortality,
    net_worth,
)
from commonwealth.markets import Market
from commonwealth.metrics import distribution_metrics, growth_series, income_metrics, macro_metrics, tidy
from commonwealth.scenario import Scenario
from commonwealth.taxes import StatusQuo

#: Relative tolerance of the yearly accounting identities (floating-point sums over records).
IDENTITY_RTOL = 1e-9


class IdentityError(RuntimeError):
    """An accounting identity failed: a bug, never a rounding issue to hide."""


@dataclass
class ScenarioResult:
    scenario: Scenario
    calibration: MacroCalibration
    metrics: pd.DataFrame  # tidy contract
    seconds: float
    path: GrowthPath | None = None  # macro closures only
    audit: list[dict[str, float]] = field(default_factory=list)  # households closure: identity residuals


def build_economy(scenario: Scenario) -> tuple[Economy, MacroCalibration]:
    """The calibrated macro economy of a scenario (model units, L_0 = M = 1)."""
    params = scenario.parameter_set()
    y = scenario.start_year
    cal = calibrate_us(params, y)
    economy = Economy(
        tfp=cal.tfp,
        sigma=params("production.sigma", y),
        depreciation=params("production.depreciation", y),
        automation=scenario.automation(params),
        alpha=cal.alpha,
        tfp_growth=params("production.tfp_growth", y),
        labour_growth=params("production.labor_growth", y),
    )
    return economy, cal


def run_scenario(scenario: Scenario, progress: Callable[[int], None] | None = None) -> ScenarioResult:
    """Simulate one scenario over its horizon."""
    if scenario.saving == "households":
        return run_households(scenario, progress)
    started = time.perf_counter()
    params = scenario.parameter_set()
    y = scenario.start_year
    economy, cal = build_economy(scenario)
    if scenario.saving == "ramsey":
        path = solve_ramsey(economy, cal.capital0, params("saving.rho", y), params("saving.eta", y), scenario.years)
    else:
        path = solve_exogenous(economy, cal.capital0, params("saving.rate", y), scenario.years)
    series = macro_metrics(path.prices, path.capital, path.output - path.consumption, path.automation_share,
                           cal.usd_per_unit, economy.depreciation)
    series["gdp_growth"] = growth_series(series["gdp"])
    if progress:
        progress(scenario.years + 1)
    return ScenarioResult(scenario, cal, tidy(scenario.name, y, series), time.perf_counter() - started, path=path)


def _check(name: str, lhs: float, rhs: float, year: int, audit: dict[str, float]) -> None:
    gap = abs(lhs - rhs) / max(abs(lhs), abs(rhs), 1.0)
    audit[name] = gap
    if gap > IDENTITY_RTOL:
        raise IdentityError(f"year {year}: {name} fails: {lhs:,.6g} vs {rhs:,.6g} (relative gap {gap:.2e})")


@dataclass
class Year:
    """One simulated year of the households closure, with what the tests and metrics need."""

    year: int
    values: dict[str, float]  # metrics of the year
    flows: Flows
    wealth_carried: np.ndarray  # per adult: last year's end holdings at last year's prices
    wealth_end: np.ndarray  # per adult: this year's end holdings at this year's prices
    estate_tax: np.ndarray  # per adult
    foreign_saving: float  # USD: foreigners' purchases of new shares
    audit: dict[str, float]  # relative gaps of the identities checked


class HouseholdEconomy:
    """The micro–macro economy of the households closure, advanced one year per :meth:`step`."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        params = self.params = scenario.parameter_set()
        y0 = scenario.start_year
        self.economy, self.calibration = build_economy(scenario)
        self.rng = np.random.default_rng(scenario.seed)
        self.pop, self.firms = build_base_economy(scenario.population.size, params, scenario.seed)
        pop = self.pop
        self.usd = self.calibration.usd_per_unit
        self.delta = self.economy.depreciation
        self.labour = Labour.from_population(pop, self.rng)
        policy = StatusQuo.from_parameters(params, y0)
        taxable = np.maximum(pop.net_worth - policy.estate_exemption, 0.0)
        self.policy = policy.with_effective_estate_rate(
            expected_taxable=float(np.dot(pop.weight * mortality(pop.age), taxable)),
            revenue=params("taxes.estate_tax_revenue", y0))
        self.efficiency0 = float(np.dot(pop.weight, pop.efficiency * pop.employed))

        # The base year prices every asset at its calibrated value.
        fp0 = self.economy.prices(0.0, self.calibration.capital0)
        self.wage0 = float(fp0.wage)
        self.capital = self.calibration.capital0 * self.usd  # USD, start of the current year
        self.structures = float(np.dot(pop.weight, pop.housing_structure))
        self.market = Market.from_base(
            self.firms,
            book_total=self.capital - self.structures - float(np.dot(pop.weight, pop.bonds - pop.debt)),
            r0=float(fp0.rental_rate) - self.delta,
            gdp0=float(fp0.output) * self.usd,
            land_total=float(np.dot(pop.weight, pop.housing_land + pop.other_land)),
            land_rent0=float(fp0.land_rent) * self.usd,
            property_tax=params("taxes.property_tax_rate", y0),
            rent_capture=params("assets.ai_rent_capture", y0),
            expectation_years=int(params("assets.land_rent_expectation_years", y0)),
        )
        self.retention = float(params("assets.retention_ratio", y0))
        self.t = 0
        self.previous: Prices | None = None
        self.phi_prev = float(self.economy.automation.share(0.0))

    def step(self) -> Year:
        """Simulate the year ``start_year + t`` and advance."""
        pop, labour, market, params, usd = self.pop, self.labour, self.market, self.params, self.usd
        t = self.t
        year = self.scenario.start_year + t
        w = pop.weight
        audit: dict[str, float] = {}

        # Technology and jobs.
        phi = float(self.economy.automation.share(float(t)))
        displace(pop, labour, self.phi_prev, phi, self.rng, params, year)
        labour.update_employment(pop)
        self.phi_prev = phi

        # Production: L_t is the employed efficiency units relative to the base year.
        employed_efficiency = float(np.dot(w, pop.efficiency * pop.employed))
        fp = self.economy.prices(float(t), self.capital / usd, employed_efficiency / self.efficiency0)
        gdp = float(fp.output) * usd
        r = float(fp.rental_rate) - self.delta
        land_rent_total = float(fp.land_rent) * usd

        # Markets: equity income is r on the equity book; AI rents; values and prices.
        book_total = self.capital - self.structures - float(np.dot(w, pop.bonds - pop.debt))
        _check("equity book = Σ firm book capital", book_total, float(market.book.sum()), year, audit)
        firm_income = market.firm_income(r * book_total, gdp)
        market.revalue(firm_income, r)
        prices = market_prices(market, firm_income, r, land_rent_total, wage=float(fp.wage) * usd / self.efficiency0,
                               retention=self.retention)
        previous = self.previous or prices
        wealth_carried = net_worth(pop, previous)
        wealth_start = net_worth(pop, prices)
        values = distribution_metrics(pop, wealth_start, labour.displaced, market, prices)

        # Households, then investment: index purchases become new shares; foreigners keep their share.
        flows = household_year(pop, prices, previous, self.policy, params, year)
        _check("Σ labour income = w·L", float(np.dot(w, flows.labour_income)),
               float(fp.labor_share * fp.output) * usd, year, audit)
        _check("household + foreign capital income = rK + land rent",
               float(np.dot(w, flows.capital_income)) + float(np.dot(self.firms.own_foreign, firm_income)),
               r * self.capital + land_rent_total, year, audit)
        retained = market.retain(firm_income, self.retention)
        foreign_saving = float(np.dot(self.firms.own_foreign, retained))
        foreign_saving += market.issue_to_index(float(np.dot(w, flows.index_purchase)))
        check_ownership_rows(self.firms, year)
        end_prices = prices.after_retention()

        # Ageing: deaths, estates (less estate tax, paid from bonds), heirs.
        _, estate_tax = age_one_year(pop, labour, self.policy, end_prices, self.rng, params, year)
        wealth_end = net_worth(pop, end_prices)
        _check("Σ end wealth = Σ (start + saving + revaluation − estate tax)", float(np.dot(w, wealth_end)),
               float(np.dot(w, wealth_carried + flows.saving + flows.revaluation - estate_tax)), year, audit)

        # Accumulation: net investment = household saving + foreign saving − estate tax (consumed by government).
        net_investment = float(np.dot(w, flows.saving)) + foreign_saving - float(np.dot(w, estate_tax))
        values.update(macro_metrics(fp, self.capital / usd, (net_investment + self.delta * self.capital) / usd, phi,
                                    usd, self.delta))
        values["wage_index"] = float(fp.wage) / self.wage0
        values.update(income_metrics(flows, w))
        self.capital += net_investment
        _check("K = structures + net bonds + Σ firm book capital (balance sheets)", self.capital,
               self.structures + float(np.dot(w, pop.bonds - pop.debt)) + float(market.book.sum()), year, audit)
        if self.capital <= 0:
            raise IdentityError(f"year {year}: the capital stock is exhausted")
        self.previous = end_prices
        self.t += 1
        return Year(year, {k: float(v) for k, v in values.items()}, flows, wealth_carried, wealth_end, estate_tax,
                    foreign_saving, audit)


def run_households(scenario: Scenario, progress: Callable[[int], None] | None = None) -> ScenarioResult:
    """The micro–macro economy with the households saving closure."""
    started = time.perf_counter()
    sim = HouseholdEconomy(scenario)
    rows: dict[str, list[float]] = {}
    audits = []
    for _ in range(scenario.years + 1):
        year = sim.step()
        for name, value in year.values.items():
            rows.setdefault(name, []).append(value)
        audits.append({"year": year.year, **year.audit})
        if progress:
            progress(1)
    series = {k: np.asarray(v) for k, v in rows.items()}
    series["gdp_growth"] = growth_series(series["gdp"])
    metrics = tidy(scenario.name, scenario.start_year, series)
    return ScenarioResult(scenario, sim.calibration, metrics, time.perf_counter() - started, audit=audits)


def market_prices(market: Market, firm_income: np.ndarray, r: float, land_rent_total: float, *,
                  wage: float, retention: float) -> Prices:
    """What each unit of each asset pays and is worth this year (before retained earnings are invested)."""
    firms = market.firms
    concentrated_income = np.divide(firms.own_concentrated * firm_income, market.conc_base,
                                    out=np.zeros_like(firm_income), where=market.conc_base > 0)
    index_income = float(np.dot(firms.own_index, firm_income)) / market.index_units
    return Prices(
        wage=wage,
        r=r,
        index_income=index_income,
        concentrated_income=np.append(concentrated_income, 0.0),
        land_rent=land_rent_total / market.land_units,
        index_price=market.index_price,
        concentrated_price=market.concentrated_price(),
        land_price=market.land_price(land_rent_total, r),
        index_retained=retention * index_income,
        concentrated_retained=np.append(retention * concentrated_income, 0.0),
    )


def check_ownership_rows(firms: Firms, year: int) -> None:
    """Every firm's owners (index, concentrated, foreign, fund) hold fractions summing to 1."""
    total = firms.ownership_total
    if not np.allclose(total, 1.0, rtol=0.0, atol=1e-12):
        worst = int(np.argmax(np.abs(total - 1)))
        raise IdentityError(f"year {year}: ownership of firm {worst} sums to {total[worst]!r}, not 1")
