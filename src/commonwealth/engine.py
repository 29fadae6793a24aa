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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from commonwealth.allocator import retain_freed_memory
from commonwealth.assets import Firms
from commonwealth.base_year import build_base_year as build_base_economy
from commonwealth.calibration import MacroCalibration, calibrate_us
from commonwealth.distribution import Distribution
from commonwealth.errors import ModelError
from commonwealth.growth import Economy, GrowthPath, solve_exogenous, solve_ramsey
from commonwealth.households import (
    Flows,
    Labour,
    Prices,
    age_one_year,
    displace,
    incomes,
    mortality,
    net_worth,
    saving_rates,
    settle,
)
from commonwealth.markets import Market
from commonwealth.metrics import distribution_metrics, growth_series, income_metrics, macro_metrics, tidy
from commonwealth.policy import Government, YearContext, build_policies
from commonwealth.policy.equity_fund import AmericanEquityFund
from commonwealth.policy.ledger import HOUSEHOLDS, Ledger
from commonwealth.policy.sovereign_fund import SovereignFund
from commonwealth.policy.taxes_and_transfers import UBI
from commonwealth.politics import Politics, PoliticsParameters
from commonwealth.prices import price_metrics, sector_price_paths, sector_prices_at
from commonwealth.scenario import Scenario
from commonwealth.taxes import StatusQuo

#: Relative tolerance of the yearly accounting identities (floating-point sums over records).
IDENTITY_RTOL = 1e-9


class IdentityError(ModelError):
    """An accounting identity failed: a bug, never a rounding issue to hide."""


@dataclass
class ScenarioResult:
    scenario: Scenario
    calibration: MacroCalibration
    metrics: pd.DataFrame  # tidy contract
    seconds: float
    path: GrowthPath | None = None  # macro closures only
    audit: list[dict[str, float]] = field(default_factory=list)  # households closure: identity residuals
    snapshots: dict[int, pd.DataFrame] = field(default_factory=dict)  # households closure: per-record data
    draws: pd.DataFrame | None = None  # Monte Carlo runs: every draw's metrics, with a 'draw' column


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


def run_scenario(scenario: Scenario, progress: Callable[[int], None] | None = None,
                 snapshot_years: Sequence[int] = ()) -> ScenarioResult:
    """Simulate one scenario over its horizon; keep per-record snapshots for ``snapshot_years``
    (households closure only) so that scenarios can be compared household by household."""
    if scenario.saving == "households":
        return run_households(scenario, progress, snapshot_years)
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
    fp = path.prices
    land = fp.land_rent / fp.land_rent[0] if fp.land_rent[0] > 0 else np.ones_like(fp.land_rent)
    series.update(price_series({"phi": path.automation_share, "wage": fp.wage / fp.wage[0],
                                "rental": fp.rental_rate / fp.rental_rate[0], "land": land,
                                "tfp": economy.tfp_at(path.years) / economy.tfp}, params, y))
    if progress:
        progress(scenario.years + 1)
    return ScenarioResult(scenario, cal, tidy(scenario.name, y, series), time.perf_counter() - started, path=path)


def _check(name: str, lhs: float, rhs: float, year: int, audit: dict[str, float], scale: float = 1.0) -> None:
    """Record the relative gap of an identity and raise if it exceeds the tolerance. ``scale`` is the
    size of the quantities involved (for flows that may legitimately be zero)."""
    gap = abs(lhs - rhs) / max(abs(lhs), abs(rhs), scale, 1.0)
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
    in_kind: np.ndarray | None = None  # per adult: value of shares received less shares levied
    ledger: Ledger | None = None


class HouseholdEconomy:
    """The micro–macro economy of the households closure, advanced one year per :meth:`step`."""

    def __init__(self, scenario: Scenario, draw: int = 0) -> None:
        retain_freed_memory()
        self.scenario = scenario
        self.draw = draw
        params = self.params = scenario.parameter_set()
        y0 = scenario.start_year
        self.economy, self.calibration = build_economy(scenario)
        self.rng = np.random.default_rng(scenario.seed)
        self.pop, self.firms = build_base_economy(scenario.population.size, params, scenario.seed)
        pop = self.pop
        self.usd = self.calibration.usd_per_unit
        self.delta = self.economy.depreciation
        self.labour = Labour.from_population(pop, self.rng)
        status_quo = StatusQuo.from_parameters(params, y0)
        taxable = np.maximum(pop.net_worth - status_quo.estate_exemption, 0.0)
        self.status_quo = status_quo.with_effective_estate_rate(
            expected_taxable=float(np.dot(pop.weight * mortality(pop.age), taxable)),
            revenue=params("taxes.estate_tax_revenue", y0))
        self.efficiency0 = float(np.dot(pop.weight, pop.efficiency * pop.employed))
        self.policies = build_policies(scenario.policies, params, y0, scenario.sources[0])
        self.equity_fund = next((p for p in self.policies if isinstance(p, AmericanEquityFund)), None)
        self.sovereign_funds = [p for p in self.policies if isinstance(p, SovereignFund)]
        self.eligible_since = np.where(pop.citizen, y0, 10**6).astype(np.int64)
        self.expatriated = np.zeros(pop.weight.size, dtype=bool)
        settings = scenario.politics
        self.politics = Politics(PoliticsParameters.from_parameters(params, y0, settings.plutocracy),
                                 endogenous=settings.mode == "endogenous",
                                 constitutional_lock=settings.constitutional_lock, flight=settings.flight,
                                 exit_tax=settings.exit_tax, seed=scenario.seed, draw=draw)
        self.politics.adopt(self.policies)

        # The base year prices every asset at its calibrated value.
        fp0 = self.economy.prices(0.0, self.calibration.capital0)
        self.wage0 = float(fp0.wage)
        self.gdp0 = float(fp0.output) * self.usd
        self.capital = self.calibration.capital0 * self.usd  # USD, start of the current year
        self.structures = float(np.dot(pop.weight, pop.housing_structure))
        self.market = Market.from_base(
            self.firms,
            book_total=self.capital - self.structures - float(np.dot(pop.weight, pop.bonds - pop.debt)),
            r0=float(fp0.rental_rate) - self.delta,
            gdp0=self.gdp0,
            land_total=float(np.dot(pop.weight, pop.housing_land + pop.other_land)),
            land_rent0=float(fp0.land_rent) * self.usd,
            property_tax=params("taxes.property_tax_rate", y0),
            rent_capture=params("assets.ai_rent_capture", y0),
            expectation_years=int(params("assets.land_rent_expectation_years", y0)),
        )
        self.retention = float(params("assets.retention_ratio", y0))
        self.fp0 = fp0
        self.price_inputs: dict[str, list[float]] = {k: [] for k in ("phi", "wage", "rental", "land", "tfp")}
        self.government = Government(consumption_share=0.0)  # set from the base year's status-quo budget
        self.gdp_history: dict[int, float] = {}
        self.t = 0
        self.previous: Prices | None = None
        self.phi_prev = float(self.economy.automation.share(0.0))

    def _record_price_inputs(self, phi: float, fp, t: int, land_rent: float) -> float:
        """Keep this year's inputs of the price block and return this year's CPI."""
        fp0 = self.fp0
        inputs = self.price_inputs
        inputs["phi"].append(phi)
        inputs["wage"].append(float(fp.wage / fp0.wage))
        inputs["rental"].append(float(fp.rental_rate / fp0.rental_rate))
        inputs["land"].append(land_rent / (float(fp0.land_rent) * self.usd) if fp0.land_rent > 0 else 1.0)
        inputs["tfp"].append(float(self.economy.tfp_at(t) / self.economy.tfp))
        return sector_prices_at(phi, inputs["wage"][-1], inputs["rental"][-1], inputs["land"][-1], self.params,
                                self.scenario.start_year, tfp_index=inputs["tfp"][-1])["cpi"]

    def price_series(self) -> dict[str, np.ndarray]:
        """Sector prices and CPI over the years simulated, and halving times (at the last year)."""
        i = {k: np.asarray(v) for k, v in self.price_inputs.items()}
        return price_series(i, self.params, self.scenario.start_year)

    def snapshot(self, year: Year) -> pd.DataFrame:
        """Per-record data at the end of a year: who each record is, what it earned and owns.

        ``net_income`` is disposable cash income plus the value of shares received less shares levied
        (in kind), the measure reforms are compared on. Records align across scenarios run with the
        same seed and size (the same adults, the same deaths), so differences are per household.
        """
        pop, firms, market = self.pop, self.firms, self.market
        flows = year.flows
        disposable = flows.market_income + flows.transfers - flows.taxes
        equity = pop.equity_index * market.index_price + pop.equity_concentrated * \
            market.concentrated_price()[pop.stake_firm]
        land = (pop.housing_land + pop.other_land) * self.previous.land_price
        frame = pd.DataFrame({
            "weight": pop.weight, "citizen": pop.citizen, "age": pop.age,
            "income": flows.income, "disposable_income": disposable,
            "net_income": disposable + year.in_kind, "consumption": flows.consumption,
            "net_worth": year.wealth_end, "equity": equity, "land": land,
        })
        frame.attrs = {  # owners of all US corporate equity besides households, USD
            "equity_total": float(firms.value.sum()),
            "equity_fund": float(np.dot(firms.own_fund, firms.value)),
            "equity_foreign": float(np.dot(firms.own_foreign, firms.value)),
            "equity_public": float(np.dot(firms.own_public, firms.value)),
        }
        return frame

    def claims_on_capital(self) -> float:
        """Everything but the equity book that finances K: structures, households' net bonds and the
        funds' financial assets, less public debt (which households' bonds also finance)."""
        pop = self.pop
        funds = (self.equity_fund.cash if self.equity_fund else 0.0) + sum(f.assets for f in self.sovereign_funds)
        return (self.structures + float(np.dot(pop.weight, pop.bonds - pop.debt)) + funds
                - self.government.debt)

    def step(self) -> Year:
        """Simulate the year ``start_year + t`` and advance."""
        pop, labour, market, params, usd = self.pop, self.labour, self.market, self.params, self.usd
        firms, gov = self.firms, self.government
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
        self.gdp_history[year] = gdp
        eligible = pop.citizen & (self.eligible_since <= year) & ~self.expatriated
        ctx = YearContext(year=year, t=t, gdp=gdp, gdp_base=self.gdp0, r=r, land_rent=land_rent_total, pop=pop,
                          firms=firms, market=market, prices=None, wealth=None, eligible=eligible, ledger=None,
                          government=gov, gdp_history=self.gdp_history,
                          extra={"retention": self.retention, "equity_fund": self.equity_fund,
                                 "expatriated": self.expatriated})
        tau_land = sum(p.land_tax_rate(ctx) for p in self.policies)

        # Markets: equity income is r on the equity book; AI rents; firm payments; values and prices.
        book_total = self.capital - self.claims_on_capital()
        _check("equity book = Σ firm book capital", book_total, float(market.book.sum()), year, audit)
        firm_income = market.firm_income(r * book_total, gdp)
        for policy in self.policies:
            payment = policy.firm_payments(ctx, firm_income)
            if payment is not None:
                firm_income = firm_income - payment
        market.revalue(firm_income, r)
        own_start = {h: getattr(firms, h).copy() for h in firms.HOLDERS}
        fund_stake_start = float(np.dot(firms.own_fund, firms.value))
        fund_cash_start = self.equity_fund.cash if self.equity_fund else 0.0
        prices = market_prices(market, firm_income, r, land_rent_total, wage=float(fp.wage) * usd / self.efficiency0,
                               retention=self.retention, tau_land=tau_land)
        previous = self.previous or prices
        wealth_carried = net_worth(pop, previous)  # last year's end, at last year's prices
        wealth_start = net_worth(pop, prices)
        wealth_dist = Distribution(wealth_start, w)
        wealth_rank = wealth_dist.mid_rank()
        values = distribution_metrics(pop, wealth_dist, labour.displaced, market, prices)
        ledger = Ledger(year, w, wealth_rank)
        ctx.prices, ctx.wealth, ctx.ledger, ctx.firm_income = prices, wealth_start, ledger, firm_income

        # Primary incomes and the status quo.
        flows = incomes(pop, prices, previous, self.status_quo)
        ledger.pay("labour income", "production", HOUSEHOLDS, flows.labour_income)
        ledger.pay("capital income", "production", HOUSEHOLDS, flows.capital_income)
        for sector, holder in (("rest_of_world", "own_foreign"), ("public_owners", "own_public")):
            ledger.pay("equity income", "production", sector, float(np.dot(own_start[holder], firm_income)))
        ledger.pay("equity income (retained, in kind)", "production", "equity_fund",
                   self.retention * float(np.dot(own_start["own_fund"], firm_income)))
        ledger.pay("interest on public debt", "government", "production", r * gov.debt)
        ledger.pay("status-quo taxes", HOUSEHOLDS, "government", flows.taxes)
        ledger.pay("status-quo transfers", "government", HOUSEHOLDS, flows.transfers)
        ctx.income = flows.market_income + flows.transfers
        ctx.extra["status_quo_taxes"] = float(np.dot(w, flows.taxes))
        _check("Σ labour income = w·L", float(np.dot(w, flows.labour_income)),
               float(fp.labor_share * fp.output) * usd, year, audit)
        paid_out = sum(float(np.dot(own_start[h], firm_income)) for h in ("own_foreign", "own_fund", "own_public"))
        funds_interest = r * (self.claims_on_capital() - self.structures - float(np.dot(w, pop.bonds - pop.debt))
                              + gov.debt)
        _check("capital income of all holders + firm payments = r(K + public debt) + land rent",
               float(np.dot(w, flows.capital_income)) + paid_out + funds_interest
               + float(market.firm_income(r * book_total, gdp).sum() - firm_income.sum()),
               r * (self.capital + gov.debt) + land_rent_total, year, audit)

        # Reforms' cash flows, then consumption and saving.
        taxes = [p.household_taxes(ctx) for p in self.policies]
        transfers = [p.household_transfers(ctx) for p in self.policies]
        policy_taxes = sum((x for x in taxes if x is not None), np.zeros_like(w))
        policy_transfers = sum((x for x in transfers if x is not None), np.zeros_like(w))
        locked = self.equity_fund.locked_units(ctx, self.eligible_since) if self.equity_fund else 0.0
        flows = settle(pop, flows, prices, saving_rates(wealth_start, w, params, year), policy_taxes=policy_taxes,
                       policy_transfers=policy_transfers, locked_units=locked)
        consumption_total = float(np.dot(w, flows.consumption))
        vat_share = sum(p.vat(ctx, consumption_total) for p in self.policies if isinstance(p, UBI))
        ledger.pay("VAT", HOUSEHOLDS, "government", vat_share * flows.consumption)
        ledger.pay("consumption", HOUSEHOLDS, "production", (1.0 - vat_share) * flows.consumption)

        # Investment: retained earnings, then new shares for the index's buyers; foreigners keep their share.
        retained = market.retain(firm_income, self.retention)
        foreign_saving = float(np.dot(firms.own_foreign, retained))
        foreign_saving += market.issue_to_index(float(np.dot(w, flows.index_purchase)))
        ledger.pay("exports", "rest_of_world", "production", ledger.column("rest_of_world") - foreign_saving)
        ledger.pay("public owners' dividends", "public_owners", "government",
                   (1.0 - self.retention) * float(np.dot(own_start["own_public"], firm_income)))
        check_ownership_rows(firms, year)

        # Corporate actions of the reforms (share levies, transfers, distributions), valued in kind.
        ctx.extra["own_fund_before"] = own_start["own_fund"]
        before = prices.after_retention()
        wealth_before = net_worth(pop, before)
        for policy in self.policies:
            policy.corporate_actions(ctx)
        check_ownership_rows(firms, year)
        end_prices = replace(before, index_price=market.index_price, concentrated_price=market.concentrated_price())
        in_kind = net_worth(pop, end_prices) - wealth_before
        _check("Σ in-kind share flows to households = ledger", float(np.dot(w, in_kind)),
               float(np.dot(w, ledger.household_in_kind)), year, audit, scale=float(np.dot(w, wealth_before)))

        # Politics: influence and support; the rich who flee wealth-type taxes pay the exit tax.
        influence = self.politics.influence(ctx, self.expatriated)
        self.politics.measure_support(ctx, self.policies, influence)
        wealth_type = sum(ledger.tracked.values())
        leaves, exit_tax = self.politics.flee(ctx, wealth_type, self.expatriated)
        pop.bonds -= exit_tax
        ledger.pay("exit tax", HOUSEHOLDS, "government", exit_tax)
        self.expatriated |= leaves

        # The funds' own income, government consumption, then deaths and estates.
        for policy in self.policies:
            policy.end_of_year(ctx)
        dies, estate_tax = age_one_year(pop, labour, self.status_quo, end_prices, self.rng, params, year)
        estate_tax = estate_tax + exit_tax  # both are paid out of wealth, not income
        self.eligible_since[dies] = np.where(pop.citizen[dies], year + 1, 10**6)
        ledger.pay("estate tax", HOUSEHOLDS, "government", estate_tax - exit_tax)
        if t == 0:  # government consumption: the share of GDP that balances the status quo at the base year
            status_quo_net = float(np.dot(w, flows.taxes - flows.transfers + estate_tax)) + policy_transfers_total(
                ledger) - policy_taxes_total(ledger)
            gov.consumption_share = max(status_quo_net, 0.0) / gdp
        ledger.pay("government consumption", "government", "production", gov.consumption_share * gdp)
        wealth_end = net_worth(pop, end_prices)
        _check("Σ end wealth = Σ (start + saving + revaluation + in kind − estate tax)", float(np.dot(w, wealth_end)),
               float(np.dot(w, wealth_carried + flows.saving + flows.revaluation + in_kind - estate_tax)), year, audit)
        _check("households' cash in the ledger = Σ (saving − estate tax)", float(np.dot(w, ledger.household_cash)),
               float(np.dot(w, flows.saving - estate_tax)), year, audit, scale=gdp)

        # Budget, fund books and accumulation: investment = saving.
        gov.debt -= ledger.column("government")
        if self.equity_fund is not None:
            stake_change = float(np.dot(firms.own_fund, firms.value)) - fund_stake_start
            _check("equity fund books: ledger = Δcash + Δstake (no revaluation)", ledger.column("equity_fund"),
                   self.equity_fund.cash - fund_cash_start + stake_change, year, audit, scale=gdp)
        net_investment = -ledger.column("production")
        ledger.check_rows()
        values.update(macro_metrics(fp, self.capital / usd, (net_investment + self.delta * self.capital) / usd, phi,
                                    usd, self.delta))
        values["wage_index"] = float(fp.wage) / self.wage0
        values.update(income_metrics(flows, w))
        values.update(self._policy_metrics(ctx, flows, wealth_rank, ledger))
        values.update(self.politics.metrics(ctx, influence, self.policies, wealth_dist, self.expatriated))
        values["fund_voting_share"] = values["fund_ownership_share"] + values["citizen_ownership_share"]
        for policy in self.policies:
            values[f"policy_rate.{policy.name}"] = policy.headline_rate(ctx)
        self.politics.decide(year, self.policies)
        cpi = self._record_price_inputs(phi, fp, t, land_rent_total)
        values["median_income_real"] = values["median_income_real"] / cpi
        values["dividend_per_adult_real"] = values["dividend_per_adult"] / cpi
        self.capital += net_investment
        _check("K = structures + net bonds + funds − public debt + Σ firm book capital (balance sheets)",
               self.capital, self.claims_on_capital() + float(market.book.sum()), year, audit)
        if self.capital <= 0:
            raise IdentityError(f"year {year}: the capital stock is exhausted")
        self.previous = end_prices
        self.t += 1
        return Year(year, {k: float(v) for k, v in values.items()}, flows, wealth_carried, wealth_end, estate_tax,
                    foreign_saving, audit, in_kind=in_kind, ledger=ledger)

    def _policy_metrics(self, ctx: YearContext, flows: Flows, wealth_rank: np.ndarray, ledger: Ledger) -> dict:
        pop, firms = self.pop, self.firms
        w = pop.weight
        matrix = ledger.matrix()
        government = matrix["government"]
        values: dict[str, float] = {
            "tax_revenue": float(government[government > 0].sum()),
            "transfers": float(np.dot(w, flows.transfers)),
            "public_debt": self.government.debt,
            "fund_assets": 0.0,
            "fund_ownership_share": float(np.dot(firms.own_fund, firms.value)) / float(firms.value.sum()),
            "dividend_per_adult": 0.0,
            "dividend_shares_per_adult": 0.0,
            "dividend_cash_per_adult": 0.0,
        }
        equity = pop.equity_index * self.market.index_price + pop.equity_concentrated * \
            self.market.concentrated_price()[pop.stake_firm]
        values["citizen_ownership_share"] = float(np.dot(w * (wealth_rank < 0.9), equity)) / float(firms.value.sum())
        for policy in self.policies:
            values.update(policy.metrics(ctx))
            values[f"policy_in_force.{policy.name}"] = float(policy.in_force(ctx.year))
        dividends = sum(ctx.extra.get("dividends", []))
        values["dividend_per_adult"] = (values["dividend_shares_per_adult"] + values["dividend_cash_per_adult"]
                                        + dividends / float(w.sum()))
        values["dividend_per_adult_real"] = values["dividend_per_adult"]  # CPI = 1 until the price block
        return values


def run_households(scenario: Scenario, progress: Callable[[int], None] | None = None,
                   snapshot_years: Sequence[int] = ()) -> ScenarioResult:
    """The micro–macro economy with the households saving closure; with ``politics.draws`` > 1, one run
    per Monte Carlo draw of the political process (metrics: the median over draws; ``draws``: every draw)."""
    started = time.perf_counter()
    frames, snapshots, audits, calibration = [], {}, [], None
    for draw in range(scenario.politics.draws):
        sim = HouseholdEconomy(scenario, draw=draw)
        calibration = sim.calibration
        rows: dict[str, list[float]] = {}
        for _ in range(scenario.years + 1):
            year = sim.step()
            for name, value in year.values.items():
                rows.setdefault(name, []).append(value)
            if draw == 0:
                audits.append({"year": year.year, **year.audit})
                if year.year in snapshot_years:
                    snapshots[year.year] = sim.snapshot(year)
            if progress:
                progress(1)
        series = {k: np.asarray(v) for k, v in rows.items()}
        series["gdp_growth"] = growth_series(series["gdp"])
        series.update(sim.price_series())
        frames.append(tidy(scenario.name, scenario.start_year, series).assign(draw=draw))
    draws = pd.concat(frames, ignore_index=True)
    keys = ["scenario", "year", "metric", "unit"]
    metrics = draws.groupby(keys, sort=False, as_index=False)["value"].median()[["scenario", "year", "metric",
                                                                                  "value", "unit"]]
    return ScenarioResult(scenario, calibration, metrics, time.perf_counter() - started, audit=audits,
                          snapshots=snapshots, draws=draws if scenario.politics.draws > 1 else None)


def price_series(inputs: dict[str, np.ndarray], params, start_year: int) -> dict[str, np.ndarray]:
    """The price block over a whole path: sector indices, CPI, and halving times placed at the last year."""
    prices = sector_price_paths(inputs["phi"], inputs["wage"], inputs["rental"], inputs["land"], params, start_year,
                                tfp_index=inputs["tfp"])
    years = np.arange(len(inputs["phi"]), dtype=float)
    out: dict[str, np.ndarray] = {}
    for name, value in price_metrics(prices, years).items():
        if np.ndim(value):
            out[name] = np.asarray(value, dtype=float)
        else:
            column = np.full(years.size, np.nan)
            column[-1] = value
            out[name] = column
    return out


def market_prices(market: Market, firm_income: np.ndarray, r: float, land_rent_total: float, *,
                  wage: float, retention: float, tau_land: float = 0.0) -> Prices:
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
        land_price=market.land_price(land_rent_total, r, tau_land),
        index_retained=retention * index_income,
        concentrated_retained=np.append(retention * concentrated_income, 0.0),
    )


def policy_taxes_total(ledger: Ledger) -> float:
    """Cash the reforms took from households this year (USD)."""
    return _household_rows(ledger, lambda kind: kind not in STATUS_QUO_ROWS, sign=-1.0)


def policy_transfers_total(ledger: Ledger) -> float:
    return _household_rows(ledger, lambda kind: kind not in STATUS_QUO_ROWS, sign=1.0)


#: Ledger rows of the status quo and of markets (everything else is a reform's).
STATUS_QUO_ROWS = {"labour income", "capital income", "status-quo taxes", "status-quo transfers", "consumption",
                   "VAT", "estate tax"}


def _household_rows(ledger: Ledger, keep, sign: float) -> float:
    matrix = ledger.matrix()
    households = matrix[[c for c in matrix if c.startswith("households")]].sum(axis=1)
    rows = households[[k for k in households.index if keep(k) and not k.endswith("(in kind)")]]
    return float(rows[sign * rows > 0].sum() * sign)


def check_ownership_rows(firms: Firms, year: int) -> None:
    """Every firm's owners (index, concentrated, foreign, fund) hold fractions summing to 1."""
    total = firms.ownership_total
    if not np.allclose(total, 1.0, rtol=0.0, atol=1e-12):
        worst = int(np.argmax(np.abs(total - 1)))
        raise IdentityError(f"year {year}: ownership of firm {worst} sums to {total[worst]!r}, not 1")
