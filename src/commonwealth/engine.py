"""The engine: compose the blocks for one scenario, year by year.

``saving: ramsey`` and ``saving: exogenous`` run the macro blocks alone (technology → production →
capital accumulation, Korinek & Suh's closures in continuous time). ``saving: households`` (the
default) runs the whole economy once a year, :meth:`HouseholdEconomy.step`, as these blocks in
this order (each a method below, with what it passes on in a small dataclass):

    technology           Φ_t, and who is displaced by it; participation and hours respond to last
                         year's taxes, cash and wage (commonwealth.labour_supply)
    production           Y, w, R, land rent from K_t (less the capital firms moved abroad) and the
                         employed efficiency units L_t (× hours)
    markets              firm income, AI rents, firm payments; firm values, index and land prices
    primary incomes      labour and capital income, status-quo taxes and transfers
    reforms' cash        the policies' taxes and transfers per adult
    consumption, saving  what households consume and save (life cycle and the after-tax return,
                         commonwealth.saving), and where the saving goes; recipients sell part of the
                         shares received (commonwealth.portfolios); the VAT
    investment           retained earnings and new shares; foreigners keep their share; payouts above
                         the status-quo ratio are reinvested
    corporate actions    the policies' share levies, transfers and distributions (in kind); shares received
    politics             influence, support, tax flight and the exit tax
    ageing               the policies' own books (funds' income); deaths, estates, heirs;
                         government consumption (its share of GDP calibrated in the base year)
    accumulation         public debt, K_{t+1} = K_t + net investment (= saving of every sector); firms
                         set next year's capital abroad, payout and the levy base escaped from the
                         reforms' wedges (commonwealth.investment)

then reports the year's metrics and lets politics decide next year's policies. The one-economy
identities (:mod:`commonwealth.identities`) are checked at the block boundaries every year
(``IdentityError`` names the year). The policies' hooks (:mod:`commonwealth.policy.base`) run inside
the blocks; the engine never names a concrete reform. The behavioural responses run only when the
scenario's ``behaviour:`` switches them on (all by default; docs/model/behaviour.md); switched off,
each block follows the fixed rule it had before. docs/architecture.md maps it all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from commonwealth import identities
from commonwealth.allocator import retain_freed_memory, writable
from commonwealth.assets import land_by_owner
from commonwealth.base_year import cached_base_year
from commonwealth.budget import BudgetRule, household_adjustment, marginal_tax_rate, safe_rate
from commonwealth.calibration import MacroCalibration, calibrate_us
from commonwealth.diffusion import DiffusionParameters, licensed_friction_scale
from commonwealth.distribution import Distribution
from commonwealth.growth import Economy, GrowthPath, solve_exogenous, solve_ramsey
from commonwealth.households import (
    Flows,
    Labour,
    Prices,
    age_one_year,
    build_structures,
    displace,
    equity_below,
    incomes,
    land_tax,
    mortality,
    net_worth,
    net_worth_change,
    net_worths,
    saving_rates,
    settle,
)
from commonwealth.identities import IDENTITY_RTOL, Audit, IdentityError, check_ownership_rows
from commonwealth.indexation import PriceLevel, real_value, social_security_index, statutory_indexation
from commonwealth.investment import FirmParameters, FirmResponse
from commonwealth.labour_supply import (
    LabourParameters,
    LabourSupply,
    TaxableIncome,
    capacity_breaks,
    capacity_decile,
    labour_metrics,
)
from commonwealth.labs import (
    add_lab_rows,
    frontier_labs,
    herfindahl,
    lab_rent_weights,
    producer_surplus_share,
    rent_forecast,
)
from commonwealth.markets import LabIndustry, Market, balanced_growth
from commonwealth.metrics import (
    NOMINAL_METRICS,
    REFORM_METRIC_DEFAULTS,
    distribution_metrics,
    growth_series,
    income_metrics,
    macro_metrics,
    tidy,
)
from commonwealth.policy import Government, Policy, YearContext, build_policies
from commonwealth.policy.base import NEVER_ELIGIBLE, YearOpening
from commonwealth.policy.ledger import (
    BUDGET_RULE,
    CAPITAL_INCOME,
    CONSUMPTION,
    EQUITY_INCOME,
    ESTATE_TAX,
    EXIT_TAX,
    EXPORTS,
    GOVERNMENT_CONSUMPTION,
    GOVERNMENT_LAND_RENT,
    HOUSEHOLDS,
    INCOME_ON_CAPITAL_ABROAD,
    LABOUR_INCOME,
    OTHER_HOLDERS_INTEREST,
    OTHER_HOLDERS_SPENDING,
    POLICY_PURCHASES,
    PROPERTY_TAX,
    PUBLIC_DEBT_INTEREST,
    PUBLIC_OWNERS_DIVIDENDS,
    RETAINED_EQUITY_INCOME,
    STATUS_QUO_TAXES,
    STATUS_QUO_TRANSFERS,
    VAT,
    Ledger,
)
from commonwealth.politics import Politics, PoliticsParameters
from commonwealth.portfolios import PortfolioParameters, SharesReceived, received_metrics, sell_received
from commonwealth.prices import SECTORS, PriceModel, price_metrics, sector_price_paths
from commonwealth.production import FactorPrices
from commonwealth.saving import (
    GROUPS,
    SavingInputs,
    SavingRule,
    after_tax_returns,
    cash_and_liquid,
    group_rates,
    level_factors,
    life_cycle_saving,
    retiree_decumulation_rate,
    saving_profile,
    wealth_groups,
)
from commonwealth.scenario import Scenario
from commonwealth.sorting import KeptOrder, order_of_multiples
from commonwealth.sums import dot, weighted_product, weighted_total
from commonwealth.taxes import StatusQuo
from commonwealth.technology import ai_metrics, occupation_slug

__all__ = [
    "IDENTITY_RTOL",
    "NEVER_ELIGIBLE",
    "HouseholdEconomy",
    "IdentityError",
    "ScenarioResult",
    "Year",
    "build_economy",
    "market_prices",
    "price_series",
    "run_households",
    "run_scenario",
]


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
    #: What the comparison derives from this result alone (its Lorenz curves and ownership shares, its decile
    #: ranks as a baseline), kept so that a baseline compared with reform after reform (``Explorer``) derives
    #: them once. Not a result: left out of equality and of what is saved.
    derived: dict = field(default_factory=dict, repr=False, compare=False)


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
    series.update(ai_metrics(economy.automation, path.years))
    series.update(nominal_series(series, PriceLevel(params, y).path(y + np.arange(series["gdp"].size))))
    fp = path.prices
    land = fp.land_rent / fp.land_rent[0] if fp.land_rent[0] > 0 else np.ones_like(fp.land_rent)
    scale = {"friction_scale": licensed_friction_scale(path.years, DiffusionParameters.from_parameters(params, y))} \
        if scenario.diffusion_on else {}
    series.update(price_series({**scale, "phi": path.automation_share,
                                "wage": fp.wage / fp.wage[0] / economy.automation.labour_augmentation(path.years),
                                "rental": fp.rental_rate / fp.rental_rate[0], "land": land,
                                "tfp": economy.tfp_at(path.years) / economy.tfp}, params, y))
    if progress:
        progress(scenario.years + 1)
    return ScenarioResult(scenario, cal, tidy(scenario.name, y, series), time.perf_counter() - started, path=path)


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
    audit: Audit  # relative gaps of the identities checked
    in_kind: np.ndarray | None = None  # per adult: value of shares received less shares levied
    ledger: Ledger | None = None
    wealth_start: np.ndarray | None = None  # per adult: the opening holdings at this year's prices (as ranked)


class HouseholdEconomy:
    """The micro–macro economy of the households closure, advanced one year per :meth:`step`."""

    def __init__(self, scenario: Scenario, draw: int = 0, policies: Sequence[Policy] = ()) -> None:
        """``policies``: policy objects run after the scenario's own (reforms defined in code, which
        implement :class:`~commonwealth.policy.base.Policy`)."""
        retain_freed_memory()
        self.scenario = scenario
        self.draw = draw
        #: Which behavioural responses run (commonwealth.behaviour; docs/model/behaviour.md); the
        #: life-cycle saving rule (commonwealth.saving), calibrated at t = 0.
        self.behaviour, self.saving_rule = scenario.behaviour, SavingRule.empty()
        params = self.params = scenario.parameter_set()
        y0 = scenario.start_year
        self.economy, self.calibration = build_economy(scenario)
        self.rng = np.random.default_rng(scenario.seed)
        self.pop, self.firms = cached_base_year(scenario.population.size, params, scenario.seed)
        if scenario.labs_on:  # the frontier labs' own rows (commonwealth.labs)
            self.firms = add_lab_rows(self.firms, frontier_labs())
        pop = self.pop
        self.usd = self.calibration.usd_per_unit
        self.delta = self.economy.depreciation
        self.labour = Labour.from_population(pop, self.rng)
        status_quo = StatusQuo.from_parameters(params, y0)
        taxable = np.maximum(pop.net_worth - status_quo.estate_exemption, 0.0)
        self.status_quo = status_quo.with_effective_estate_rate(
            expected_taxable=float(dot(pop.weight * mortality(pop.age), taxable)),
            revenue=params("taxes.estate_tax_revenue", y0))
        self._init_indexation(params, y0)
        self._init_labour_supply(params, y0)
        self.policies = [*build_policies(scenario.policies, params, y0, scenario.sources[0]), *policies]
        #: The policies that keep a fund's books (a ledger sector), in the scenario's order.
        self.funds = [p for p in self.policies if p.sector is not None]
        self._init_adult_state(y0)
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
        self.structures = float(dot(pop.weight, pop.housing_structure))
        #: Owner-occupied structures per dollar of real GDP, kept from the base year (_housing_investment).
        self.structures_to_gdp = self.structures / self.gdp0
        # Public debt held by the public from the base year; households' bonds finance their share of it,
        # other holders (foreigners, the Fed, institutions) the rest, and keep that share of the debt.
        self.government = Government(consumption_share=0.0,  # see _calibrate_base_year_budget
                                     debt=params("government.initial_debt_ratio", y0) * self.gdp0)
        self.other_share = 1.0 - params("government.household_share_of_public_debt", y0)
        self.other_bonds = self.other_share * self.government.debt  # USD held by other holders
        self.r0 = float(fp0.rental_rate) - self.delta
        self.r_safe0 = params("government.safe_rate", y0)
        self.pass_through = params("government.safe_rate_pass_through", y0)
        budget = scenario.budget
        self.rule = BudgetRule(budget.instrument, budget.start, budget.speed,
                               params("government.initial_debt_ratio", y0) if budget.target is None
                               else budget.target)
        self.labour_growth = params("production.labor_growth", y0)
        self.market = self._base_market(fp0)
        self._init_firm_response(params, y0)
        self.fp0 = fp0
        self.price_inputs: dict[str, list[float]] = {k: [] for k in ("phi", "wage", "rental", "land", "tfp",
                                                                     *(f"factor.{s}" for s in SECTORS))}
        self.gdp_history: dict[int, float] = {}
        self.t = 0
        self.previous: Prices | None = None
        self.phi_prev = float(self.economy.automation.share(0.0))

    def _init_adult_state(self, y0: int) -> None:
        """Per adult state beside the population: eligibility, expatriation, the shares received."""
        #: The adults' earnings-capacity order, kept from year to year (only heirs and the re-employed move).
        self.earnings_order = KeptOrder()
        pop = self.pop
        #: Per adult: the year from which each adult has been eligible for citizens' dividends.
        self.eligible_since = np.where(pop.citizen, y0, NEVER_ELIGIBLE).astype(np.int32)  # a year, or 10⁶
        self.expatriated = np.zeros(pop.weight.size, dtype=bool)
        self.resident = ~self.expatriated  # as the year opened (markets): the US adults measured
        #: Per adult: the index units received from policies and what became of them (commonwealth.portfolios).
        self.shares_received = SharesReceived.empty(pop.weight.size)

    def _init_firm_response(self, params, y0: int) -> None:
        """Firms' response to the reforms' wedges on capital (commonwealth.investment; behaviour.investment),
        starting from the status quo: nothing abroad, the status-quo retention."""
        self.retention = float(params("assets.retention_ratio", y0))
        self.firm_parameters = FirmParameters.from_parameters(params, y0)
        self.firm_response = FirmResponse(retention0=self.retention, retention=self.retention)
        self._capital_abroad = 0.0  # USD, this year's business capital invested abroad

    def _init_indexation(self, params, y0: int) -> None:
        """The price level and the histories indexation needs (:mod:`commonwealth.indexation`)."""
        #: The base year's status quo; each year's amounts follow their indexation (_index_status_quo).
        self.status_quo_base = self.status_quo
        self.price_level = PriceLevel(params, y0)
        self.price_history: dict[int, float] = {}  # year → P_t, up to this year
        self.cpi_history: dict[int, float] = {}  # year → the CPI the year's real metrics are deflated by
        #: year → W_t, the real average wage (labour income per employed adult) relative to the base year
        self.wage_history: dict[int, float] = {}
        self._average_wage0 = 0.0
        self.ss_indexing_age = int(params("transfers.social_security_indexing_age", y0))

    def _init_labour_supply(self, params, y0: int) -> None:
        """Hours (1 = the base year's), the labour-supply response's state and the base year's deciles of
        earnings capacity (:mod:`commonwealth.labour_supply`)."""
        pop, cal = self.pop, self.calibration
        self.efficiency0 = weighted_product(pop.weight, pop.efficiency, pop.employed)
        self.labour_params = LabourParameters.from_parameters(params, y0)
        self.hours = np.ones(pop.size)
        self.capacity_breaks = capacity_breaks(pop.efficiency, pop.weight)
        trend = balanced_growth(params("production.tfp_growth", y0), params("production.labor_growth", y0),
                                cal.labor_share, cal.land_share)
        self.labour_supply = LabourSupply.create(self.labour_params, pop.efficiency, pop.weight, trend) \
            if self.behaviour.labour else None

    def _base_market(self, fp0: FactorPrices) -> Market:
        """Firms and land at the base year: the equity book is K less every other claim; all land (households',
        corporations', governments', :func:`commonwealth.assets.land_by_owner`) shares one rent and one price;
        buyers expect rents to grow at the baseline's balanced growth."""
        params, pop, y0, cal = self.params, self.pop, self.scenario.start_year, self.calibration
        book0 = self.capital - self.claims_on_capital()
        owners = land_by_owner(params)
        household_land = weighted_total(pop.weight, pop.housing_land, pop.other_land)
        return Market.from_base(
            self.firms,
            book_total=book0,
            equity_income0=self.r0 * book0 + (self.r0 - safe_rate(self.r0, self.r0, self.r_safe0, self.pass_through))
            * self.bond_financed_capital(),
            r0=self.r0,
            gdp0=self.gdp0,
            land_total=household_land + owners.corporate + owners.government,
            household_land=household_land,
            corporate_land=owners.corporate,
            land_rent0=float(fp0.land_rent) * self.usd,
            property_tax=params("taxes.property_tax_rate", y0),
            rent_capture=params("assets.ai_rent_capture", y0),
            expectation_years=int(params("assets.land_rent_expectation_years", y0)),
            r_safe0=self.r_safe0,
            rent_growth0=balanced_growth(params("production.tfp_growth", y0), self.labour_growth, cal.labor_share,
                                         cal.land_share),
            growth_sensitivity=params("saving.eta", y0),
            industry=self._lab_industry() if self.scenario.labs_on else None,
        )

    def _lab_industry(self) -> LabIndustry:
        """The frontier labs' share of the AI surplus and the rents investors expect (commonwealth.labs): the
        forecast is the macro model on this scenario's technology path, solved past the horizon with the
        base-year saving rate."""
        params, scenario, y0 = self.params, self.scenario, self.scenario.start_year
        labs = frontier_labs()
        horizon = scenario.years + int(params("labs.forecast_years", y0))
        economy = replace(self.economy, automation=scenario.automation(params, years=horizon))
        path = solve_exogenous(economy, self.calibration.capital0, params("saving.rate", y0), horizon)
        own = [lab.name for lab in labs if lab.own_row]
        return LabIndustry(lab_share=producer_surplus_share(herfindahl([lab.model_share for lab in labs])),
                           lab_weight=lab_rent_weights(self.firms, labs), lab_rows=np.isin(self.firms.name, own),
                           paid_in=np.array([next((lab.paid_in for lab in labs if lab.name == name), 0.0)
                                             for name in self.firms.name]),
                           forecast=rent_forecast(path, self.delta))

    @cached_property
    def diffusion(self) -> DiffusionParameters | None:
        """Deployment lags (commonwealth.diffusion), which also fade the price block's frictions; None without."""
        scenario = self.scenario
        return DiffusionParameters.from_parameters(self.params, scenario.start_year) if scenario.diffusion_on \
            else None

    def _record_price_inputs(self, phi: float, fp, t: int, land_rent: float,
                             factors: dict[str, float] | None = None) -> float:
        """Keep this year's inputs of the price block (``factors``: the policies' sector price multipliers)
        and return this year's CPI."""
        fp0 = self.fp0
        inputs = self.price_inputs
        for sector in SECTORS:
            inputs[f"factor.{sector}"].append((factors or {}).get(sector, 1.0))
        inputs["phi"].append(phi)
        # per task unit of labour: hybrid work makes a worker h(t) task units (commonwealth.new_work)
        inputs["wage"].append(float(fp.wage / fp0.wage / self.economy.automation.labour_augmentation(float(t))))
        inputs["rental"].append(float(fp.rental_rate / fp0.rental_rate))
        inputs["land"].append(land_rent / (float(fp0.land_rent) * self.usd) if fp0.land_rent > 0 else 1.0)
        inputs["tfp"].append(float(self.economy.tfp_at(t) / self.economy.tfp))
        scale = None
        if self.diffusion is not None:  # licensing delays AI's savings in prices as it delays deployment
            scale = float(licensed_friction_scale(float(t), self.diffusion))
            inputs.setdefault("friction_scale", []).append(scale)
        return self.price_model.prices_at(phi, inputs["wage"][-1], inputs["rental"][-1], inputs["land"][-1],
                                          tfp_index=inputs["tfp"][-1], sector_factors=factors,
                                          friction_scale=scale)["cpi"]

    @cached_property
    def price_model(self) -> PriceModel:
        """The price block's constants (commonwealth.prices) at the base year's parameters."""
        return PriceModel.from_parameters(self.params, self.scenario.start_year)

    def _sector_factors(self, ctx: YearContext) -> dict[str, float] | None:
        """The product of every policy's sector price multipliers this year (None if no policy has any)."""
        out: dict[str, float] = {}
        for policy in self.policies:
            for sector, factor in (policy.sector_cost_factors(ctx) or {}).items():
                out[sector] = out.get(sector, 1.0) * factor
        return out or None

    def price_series(self) -> dict[str, np.ndarray]:
        """Sector prices and CPI over the years simulated, and halving times (at the last year)."""
        i = {k: np.asarray(v) for k, v in self.price_inputs.items()}
        return price_series(i, self.params, self.scenario.start_year)

    def snapshot(self, year: Year) -> pd.DataFrame:
        """Per-record data at the end of a year: who each record is, what it earned and owns.

        ``net_income`` is disposable cash income plus the value of shares received less shares levied
        (in kind), the measure reforms are compared on. Records align across scenarios run with the
        same seed and size (the same adults, the same deaths), so differences are per household.

        The year's headline distribution metrics can be recomputed from the records
        (:mod:`commonwealth.sampling`): ``resident`` (the US adults measured), ``unit_size`` (adults in the
        record's household, whose weight is weight / unit_size and net worth unit_size × wealth_start),
        ``wealth_start`` (net worth per adult as the year opened, at this year's prices: what the wealth
        metrics rank), ``disposable_income_total`` (disposable income in cash and in kind as the ledger books
        it, retained earnings included: what median_disposable_income_real measures) and ``attrs["cpi"]``.
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
            "resident": self.resident, "unit_size": pop.unit_size, "wealth_start": year.wealth_start,
            "disposable_income_total": flows.income - flows.taxes + year.ledger.household_in_kind,
        })
        frame.attrs = {  # owners of all US corporate equity besides households, USD; the CPI real metrics use
            "equity_total": float(firms.value.sum()),
            "equity_fund": float(dot(firms.own_fund, firms.value)),
            "equity_foreign": float(dot(firms.own_foreign, firms.value)),
            "equity_public": float(dot(firms.own_public, firms.value)),
            "cpi": self.cpi_history[year.year],
        }
        return frame

    @property
    def equity_fund(self) -> Policy | None:
        """The policy keeping the equity fund's books, if any."""
        return next((p for p in self.funds if p.sector == "equity_fund"), None)

    def claims_on_capital(self, bond_financed: float | None = None) -> float:
        """Everything but the equity book that finances K: structures, the funds' financial assets and
        the bond-financed capital (households' net bonds and other holders' bonds less public debt;
        ``bond_financed``, when already found for the current holdings)."""
        funds = sum(p.financial_assets() for p in self.policies)
        return self.structures + funds + (self.bond_financed_capital() if bond_financed is None else bond_financed)

    def bond_financed_capital(self) -> float:
        """The part of K the bond pool finances: households' net bonds and the other holders' bonds,
        less the public debt they also finance (negative public debt: the government's bonds add to it)."""
        return (weighted_total(self.pop.weight, self.pop.bonds, self.pop.debt, minus=1) + self.other_bonds
                - self.government.debt)

    # --- the year ------------------------------------------------------------------------------

    def step(self) -> Year:
        """Simulate the year ``start_year + t``, block by block in model order, and advance."""
        t = self.t
        year = self.scenario.start_year + t
        audit: Audit = {}
        phi = self._technology(t, year)
        production = self._production(t, year)
        self._index_status_quo(year)
        self._housing_investment(production)
        opening = self._open_year(year, t, production)
        markets = self._markets(opening, production, audit)
        flows, ctx = self._primary_incomes(opening, production, markets, audit)
        reforms = self._reforms_cash(ctx, flows)
        flows = self._consumption_and_saving(ctx, flows, markets, reforms)
        escapable = reforms.escapable  # for tax flight; the taxes and transfers are settled: not kept to the peak
        del reforms
        foreign_saving = self._investment(markets, flows, year)
        corporate = self._corporate_actions(ctx, markets, audit)
        if self.behaviour.saving:  # the share levy's dilution lowers next year's after-tax return
            in_kind = corporate.in_kind
            self.saving_rule.dilution = np.minimum(in_kind, 0.0, out=writable(self.saving_rule.dilution, in_kind.shape))
        politics = self._politics(ctx, escapable, markets)
        del escapable
        self._policies_own_books(ctx)
        ageing = self._ageing(ctx, production, markets, flows, corporate, politics, audit)
        political_values = politics.values  # the exit tax is in the estates' taxes now: not kept to the report
        del politics
        self._government_consumption(ctx, production, flows, ageing)
        capital_start, net_investment = self._accumulation(ctx, production, markets, audit)
        values = self._report(ctx, phi, production, markets, flows, political_values, capital_start,
                              net_investment)
        values.update(self._budget_metrics(production))
        values.update(self.saving_rule.metrics)
        values.update(nominal_series(values, ctx.price_level))
        values["social_security_benefit"] = self.status_quo.social_security
        self.politics.decide(year, self.policies)
        self.previous = corporate.end_prices
        self.t += 1
        return Year(year, {k: float(v) for k, v in values.items()}, flows, markets.wealth_carried,
                    ageing.wealth_end, ageing.estate_tax, foreign_saving, audit, in_kind=corporate.in_kind,
                    ledger=ctx.ledger, wealth_start=markets.wealth_start)

    def _technology(self, t: int, year: int) -> float:
        """Technology: this year's automation share Φ_t; the newly automated tasks displace workers."""
        phi = float(self.economy.automation.share(float(t)))
        displace(self.pop, self.labour, self.phi_prev, phi, self.rng, self.params, year)
        if self.labour_supply is not None:  # work and leisure respond to last year's taxes, cash and wage
            self.labour.participation, self.hours = self.labour_supply.respond(  # into last year's arrays
                self.pop.efficiency, self.pop.unit_size, self.pop.age, into=(self.labour.participation, self.hours))
            if not self.behaviour.taxable_income:  # no taxable-income response reads ε_sub this year
                self.labour_supply.substitution = None
        self.labour.update_employment(self.pop)
        self.phi_prev = phi
        return phi

    def _production(self, t: int, year: int) -> Production:
        """Production: factor prices from K_t and L_t, the employed efficiency units (weighted by hours)
        relative to the base year."""
        pop, usd = self.pop, self.usd
        employed_efficiency = weighted_product(pop.weight, pop.efficiency, pop.employed, self.hours)
        growth = float(np.exp(self.labour_growth * t))  # each efficiency unit stands for e^{nt} units of L
        # Production uses the capital located in the US: K less what the firms' response moved abroad.
        if self.behaviour.investment:
            self.retention = self.firm_response.retention
            self._capital_abroad = self.firm_response.capital_abroad
        domestic = self.capital - self._capital_abroad if self._capital_abroad else self.capital
        fp = self.economy.prices(float(t), domestic / usd, growth * employed_efficiency / self.efficiency0)
        gdp = float(fp.output) * usd
        self.rule.growth = gdp / self.gdp_history[year - 1] if year - 1 in self.gdp_history else 1.0
        self.gdp_history[year] = gdp
        self.price_history[year] = self.price_level.level(year)
        r = float(fp.rental_rate) - self.delta
        wage_per_unit = float(fp.wage) * usd * growth / self.efficiency0
        if self.labour_supply is not None:
            self.labour_supply.observe_wage(t, wage_per_unit)
        return Production(fp=fp, gdp=gdp, r=r, land_rent=float(fp.land_rent) * usd,
                          r_safe=safe_rate(r, self.r0, self.r_safe0, self.pass_through),
                          wage_per_unit=wage_per_unit)

    def _index_status_quo(self, year: int) -> None:
        """This year's status-quo amounts from the base year's, each by its indexation
        (:mod:`commonwealth.indexation`): the income floor and the estate exemption by prices (constant
        real), Social Security by the average wage of the years the retirees turned 60. Wages are known
        up to last year (the AWI is published with a lag; the indexing year is always past)."""
        base, p = self.status_quo_base, self.price_level.level(year)
        ss = real_value(base.social_security, statutory_indexation("transfers.social_security_benefit"), p,
                        social_security_index(self.wage_history, year, self.pop.age, self.pop.weight * self.resident,
                                              base.retirement_age, self.ss_indexing_age))
        self.status_quo = replace(
            base, social_security=float(ss),
            income_floor=float(real_value(base.income_floor, statutory_indexation("transfers.income_floor"), p,
                                          self.wage_history.get(year - 1, 1.0))),
            estate_exemption=float(real_value(base.estate_exemption, statutory_indexation("taxes.estate_exemption"),
                                              p, self.wage_history.get(year - 1, 1.0))))

    def _record_average_wage(self, year: int, labour_income: np.ndarray) -> None:
        """W_year: labour income per employed adult (US residents) relative to the base year's."""
        w = self.pop.weight * self.resident
        employed = float(dot(w, self.pop.employed))
        average = float(dot(w, labour_income)) / employed if employed > 0 else 0.0
        if not self.wage_history:
            self._average_wage0 = average
        self.wage_history[year] = average / self._average_wage0 if self._average_wage0 > 0 else 1.0
    def _housing_investment(self, production: Production) -> None:
        """Housing: owner-occupied structures keep their base-year ratio to real GDP, S_t = (S_0/Y_0)·Y_t.

        The housing stock grows with the economy (BEA Fixed Assets: residential structures have stayed
        near one year of GDP for decades; docs/model/households-and-markets.md, Drifts). Each owner's
        structures scale by S_t/S_{t−1}, paid out of (or, when GDP falls, into) their bonds; negative
        bonds are borrowing, like a mortgage. Net worth is unchanged, and so is every claim on K but
        the split of the bond-financed part into structures: K = structures + net bonds + funds −
        public debt + Σ firm book still holds, and the equity book is untouched."""
        pop = self.pop
        target = self.structures_to_gdp * production.gdp
        if self.structures <= 0 or target == self.structures:
            return
        self.structures = build_structures(pop, target / self.structures - 1.0)

    def _open_year(self, year: int, t: int, production: Production) -> YearOpening:
        """What the policies' market hooks see: the year, production, prices and who is eligible."""
        pop = self.pop
        eligible = pop.citizen & (self.eligible_since <= year) & ~self.expatriated
        return YearOpening(year=year, t=t, gdp=production.gdp, gdp_base=self.gdp0, r=production.r,
                           land_rent=production.land_rent, pop=pop, firms=self.firms, market=self.market,
                           eligible=eligible, government=self.government, gdp_history=self.gdp_history,
                           expatriated=self.expatriated, retention=self.retention,
                           price_level=self.price_history[year], price_history=self.price_history,
                           wage_level=self.wage_history.get(year - 1, 1.0), behaviour=self.behaviour)

    def _markets(self, opening: YearOpening, production: Production, audit: Audit) -> Markets:
        """Markets: equity income is r on the equity book, with AI rents; firm payments; firm values,
        index and land prices; everyone's wealth at those prices; the year's ledger."""
        pop, market, firms = self.pop, self.market, self.firms
        w = pop.weight
        r, gdp = production.r, production.gdp
        tau_land = sum(p.land_tax_rate(opening) for p in self.policies)
        # One pass over the bonds for the four uses of the year's opening bond-financed capital (households'
        # bonds change only from the reforms' cash on): the equity book, the equity premium, its metric and the
        # capital-income identity.
        self._bond_financed_start = self.bond_financed_capital()
        book_total = self.capital - self.claims_on_capital(self._bond_financed_start)
        identities.equity_book(audit, opening.year, book_total, float(market.book.sum()))
        land = self._land_year(production, tau_land)
        firm_income = market.firm_income(self._equity_income(production, book_total), gdp,
                                         land.corporate_rent - land.corporate_property_tax)
        for policy in self.policies:
            payment = policy.firm_payments(opening, firm_income)
            if payment is not None:
                firm_income = firm_income - payment
        market.revalue(firm_income, r, opening.t, gdp)
        own_start = {h: getattr(firms, h).copy() for h in firms.HOLDERS}
        books_start = [(p.financial_assets(), p.equity_stake(firms)) for p in self.funds]
        prices = replace(market_prices(market, firm_income, r, production.land_rent,
                                       wage=production.wage_per_unit, retention=self.retention,
                                       land_price=land.price), r_safe=production.r_safe)
        previous = self.previous or prices
        # last year's end holdings, at last year's prices (carried) and at this year's (start)
        wealth_carried, wealth_start = net_worths(pop, previous, prices)
        # expatriates are out of US adults and distributions (into last year's array: see allocator.keep_in_place)
        resident = self.resident = np.logical_not(self.expatriated, out=self.resident)
        wealth_dist = Distribution(wealth_start, w * resident)
        # Households (a single adult or a married couple) ranked by household wealth, as the DFA and Saez &
        # Zucman's saving rates rank them; each adult takes the rank of their household.
        # Their order follows from the adults' (singles' wealth as it is, couples' doubled): merged, not sorted.
        households = Distribution.in_order(*order_of_multiples(wealth_dist.order, wealth_dist.xs, pop.unit_size),
                                           pop.unit_weight * resident)
        wealth_rank = households.mid_rank()
        distribution = distribution_metrics(pop, wealth_dist, self.labour.displaced & resident, market, prices,
                                            households)
        return Markets(book_total=book_total, firm_income=firm_income, own_start=own_start, books_start=books_start,
                       land=land, prices=prices, previous=previous, wealth_carried=wealth_carried,
                       wealth_start=wealth_start,
                       adult_wealth=AdultWealth(wealth_dist.order, wealth_dist.mid_rank()), wealth_rank=wealth_rank,
                       distribution=distribution,
                       ledger=Ledger(opening.year, w, wealth_rank, abroad=self.expatriated.copy()))

    def _land_year(self, production: Production, tau_land: float) -> LandYear:
        """This year's land price (all land, one price per unit) and the rent and property tax of the
        corporations' and the government's land; the property tax is τ_p × value (land only)."""
        market = self.market
        price = market.land_price(production.land_rent, production.r_safe, tau_land)
        per_unit = market.rent_per_unit(production.land_rent)
        return LandYear(price=price, corporate_rent=per_unit * market.corporate_land_units,
                        corporate_property_tax=market.property_tax * market.corporate_land_value(),
                        government_rent=per_unit * market.government_land_units)

    def _household_property_tax(self, price: float) -> np.ndarray:
        """Per adult, USD/year: the property tax on households' land, τ_p × land × price."""
        return land_tax(self.pop, self.market.property_tax, price)

    def _credit_property_tax(self, flows: Flows) -> None:
        """Base year only: the property tax on households' land is now collected on its own, and the ITEP
        state and local rates (sales, excise, property and income taxes) already contain it. The state
        and local part of every band's rate is lowered by the share of its base-year revenue that the
        property tax at base-year land values accounts for, so households pay the same base-year taxes on
        the same incomes and the tax is not counted twice. The rates then stay fixed."""
        w = self.pop.weight
        base_value = self._household_property_tax(1.0)  # land is priced at 1 per unit in the base year
        state_local = np.asarray(self.params("taxes.state_local_rates", self.scenario.start_year), dtype=float)
        self.status_quo = self.status_quo.with_property_tax_credited(
            state_local, float(dot(w, base_value)), flows.income, w, flows.income_band)
        # the credited rates are part of the base year's law, which indexation starts from every year
        self.status_quo_base = replace(self.status_quo_base, rates=self.status_quo.rates)
        flows.taxes = self.status_quo.income_taxes(flows.income, w, flows.income_band)

    def _equity_income(self, production: Production, book_total: float) -> float:
        """Equity income: r on the equity book plus the premium (r − r_safe) on the bond-financed capital.
        That capital earns r in production but pays only r_safe to bondholders; the difference accrues to
        the firms' owners, so Σ incomes of all holders is still r·K + r_safe·D + land rent. The bond-financed
        capital is the year's opening one (found by the markets block)."""
        return production.r * book_total + (production.r - production.r_safe) * self._bond_financed_start

    def _primary_incomes(self, opening: YearOpening, production: Production, markets: Markets,
                         audit: Audit) -> tuple[Flows, YearContext]:
        """Primary incomes and the status quo: wages, capital income, status-quo taxes and transfers;
        the equity income of the other holders. Returns the flows and the policies' year context."""
        pop, gov, ledger, own_start = self.pop, self.government, markets.ledger, markets.own_start
        w, r, firm_income = pop.weight, production.r, markets.firm_income
        flows = incomes(pop, markets.prices, markets.previous, self.status_quo, self.hours)
        if opening.t == 0:
            self._credit_property_tax(flows)
        land = markets.land
        property_tax = self._household_property_tax(land.price)
        flows.taxes = flows.taxes + property_tax
        self._record_average_wage(opening.year, flows.labour_income)
        ledger.pay(LABOUR_INCOME, "production", HOUSEHOLDS, flows.labour_income)
        ledger.pay(CAPITAL_INCOME, "production", HOUSEHOLDS, flows.capital_income)
        for sector, holder in (("rest_of_world", "own_foreign"), ("public_owners", "own_public")):
            ledger.pay(EQUITY_INCOME, "production", sector, float(dot(own_start[holder], firm_income)))
        ledger.pay(RETAINED_EQUITY_INCOME, "production", "equity_fund",
                   self.retention * float(dot(own_start["own_fund"], firm_income)))
        ledger.pay(PUBLIC_DEBT_INTEREST, "government", "production", production.r_safe * gov.debt)
        ledger.pay(OTHER_HOLDERS_INTEREST, "production", "other_holders", production.r_safe * self.other_bonds)
        ledger.pay(STATUS_QUO_TAXES, HOUSEHOLDS, "government", flows.taxes - property_tax)
        ledger.pay(PROPERTY_TAX, HOUSEHOLDS, "government", property_tax)
        ledger.pay(PROPERTY_TAX, "production", "government", land.corporate_property_tax)
        ledger.pay(GOVERNMENT_LAND_RENT, "production", "government", land.government_rent)
        ledger.pay(STATUS_QUO_TRANSFERS, "government", HOUSEHOLDS, flows.transfers)
        self._land_receipts = land.corporate_property_tax + land.government_rent
        income = flows.income  # (labour + capital) + transfers, in one pass
        ctx = YearContext(**opening.opening(), prices=markets.prices, wealth=markets.wealth_start, ledger=ledger,
                          firm_income=firm_income, own_fund_start=own_start["own_fund"], income=income,
                          status_quo_taxes=float(dot(w, flows.taxes)), policies=self.policies,
                          taxable_income=self._taxable_income(flows, income))
        fp, usd = production.fp, self.usd
        identities.labour_income(audit, opening.year, float(dot(w, flows.labour_income)),
                                 float(fp.labor_share * fp.output) * usd)
        paid_out = sum(float(dot(own_start[h], firm_income)) for h in ("own_foreign", "own_fund", "own_public"))
        funds_interest = r * sum(p.financial_assets() for p in self.policies)
        gross = self.market.firm_income(self._equity_income(production, markets.book_total), production.gdp,
                                        land.corporate_rent)
        identities.capital_income(
            audit, opening.year,
            float(dot(w, flows.capital_income)) + paid_out + funds_interest
            + production.r_safe * self.other_bonds + float(gross.sum() - firm_income.sum()) + land.government_rent,
            r * self.capital + production.r_safe * gov.debt + production.land_rent)
        return flows, ctx

    def _taxable_income(self, flows: Flows, income: np.ndarray) -> TaxableIncome | None:
        """This year's taxable-income response for income-tax reforms (``behaviour.taxable_income``); the
        real hours response it contains is ε_sub × labour income when the labour response runs. ``income``:
        market income plus transfers, per adult."""
        if not self.behaviour.taxable_income:
            return None
        pop = self.pop
        real = 0.0
        if self.labour_supply is not None:  # ε_sub as this year's response found it (_technology), then let go
            real = self.labour_supply.substitution * flows.labour_income
            self.labour_supply.substitution = None
        return TaxableIncome.build(self.labour_params, income, pop.weight,
                                   self.status_quo.marginal_rates(income, pop.weight, flows.income_band), real,
                                   bands=(flows.income_band, self.status_quo.breaks))

    def _remember_labour_inputs(self, ctx: YearContext, flows: Flows, cash: ReformCash, rule_kind: str,
                                rule_value: float) -> None:
        """Next year's labour-supply inputs: status-quo and reform marginal rates, the reforms' net cash and
        status-quo disposable income, per adult."""
        if self.labour_supply is None:
            return
        w = ctx.pop.weight
        rates = [p.marginal_tax_rate(ctx) for p in self.policies]
        reform = sum((m for m in rates if m is not None), marginal_tax_rate(rule_kind, rule_value))
        status_quo = (self.status_quo.marginal_rates(ctx.income, w, flows.income_band) if ctx.taxable_income is None
                      else ctx.taxable_income.mtr)  # the same rates, found once
        self.labour_supply.remember(status_quo, reform, (cash.transfers, cash.taxes), (ctx.income, flows.taxes))

    def _reforms_cash(self, ctx: YearContext, flows: Flows) -> ReformCash:
        """Reforms' cash: every policy's taxes, then every policy's transfers, per adult; then the budget
        rule's household instrument (planned from last year's budget, :mod:`commonwealth.budget`)."""
        w = ctx.pop.weight
        taxes = [p.household_taxes(ctx) for p in self.policies]
        transfers = [p.household_transfers(ctx) for p in self.policies]
        kind, amount = self.rule.household_amount(ctx.t, self.government.debt, ctx.gdp,
                                                  self.government.consumption_share * ctx.gdp)
        adjustment, value, bound = household_adjustment(kind, amount, w, ctx.income, flows.transfers)
        ctx.ledger.pay(BUDGET_RULE, HOUSEHOLDS, "government", adjustment)
        self._rule_year = {"household": float(dot(w, adjustment)), "value": value, "bound": bound}
        escapable = [x for p, x in zip(self.policies, taxes, strict=True)
                     if x is not None and p.escapable_by_expatriation]
        cash = ReformCash(taxes=sum((x for x in taxes if x is not None), adjustment),
                          transfers=sum((x for x in transfers if x is not None), np.zeros_like(w)),
                          escapable=sum(escapable, np.zeros_like(w)))
        self._remember_labour_inputs(ctx, flows, cash, kind, value)
        flows.income_band = None  # read for the last time: its byte a record is not held through the year
        ctx.taxable_income = None  # likewise its three arrays (24 bytes a record, at the year's peak of memory)
        return cash

    def _consumption_and_saving(self, ctx: YearContext, flows: Flows, markets: Markets,
                                reforms: ReformCash) -> Flows:
        """Consumption and saving out of disposable income, and where the saving goes; the VAT."""
        pop, ledger = self.pop, ctx.ledger
        w = pop.weight
        locked = sum((p.locked_units(ctx, self.eligible_since) for p in self.policies), 0.0)
        inputs = self._saving_inputs(ctx, flows, markets, reforms, locked)
        returns = after_tax_returns(inputs, self.saving_rule.dilution)
        reinvested = self._reinvested_payouts(markets.prices)
        if self.behaviour.saving:
            flows = settle(pop, flows, markets.prices, self._life_cycle_saving(ctx, inputs, returns),
                           policy_taxes=reforms.taxes, policy_transfers=reforms.transfers, locked_units=locked,
                           amounts=True, reinvested=reinvested)
        else:
            # Saving rates by household wealth band (Saez & Zucman rank tax units): household wealth, unit weights.
            rates = saving_rates(pop.unit_wealth(markets.wealth_start), pop.unit_weight, self.params, ctx.year)
            flows = settle(pop, flows, markets.prices, rates, policy_taxes=reforms.taxes,
                           policy_transfers=reforms.transfers, locked_units=locked, reinvested=reinvested)
        # What the saving metrics read; the rule's other inputs (liquid assets, gross income, taxes: 24 bytes a
        # record) are let go before the share sales, at the year's peak of memory.
        disposable, group, working = inputs.disposable, inputs.group, inputs.working
        del inputs
        if self.behaviour.portfolios:
            self._sell_received_shares(flows, markets.prices, locked, ctx.year)
        self.saving_rule.metrics = {
            **group_rates(flows.saving, disposable, group, w),
            "retiree_decumulation": retiree_decumulation_rate(flows.saving, markets.wealth_start, working, w),
            **{f"after_tax_return_{g}": float(r) for g, r in zip(GROUPS, returns, strict=True)}}
        consumption_total = float(dot(w, flows.consumption))
        vat_share = sum(p.vat_share(ctx, consumption_total) for p in self.policies)
        ledger.pay(VAT, HOUSEHOLDS, "government", flows.consumption, scale=vat_share)
        ledger.pay(CONSUMPTION, HOUSEHOLDS, "production", flows.consumption, scale=1.0 - vat_share)
        return flows

    def _reinvested_payouts(self, prices: Prices) -> np.ndarray | float:
        """Per adult, USD: the payouts beyond the status-quo payout ratio (firms pay out more when a levy on
        value taxes what they keep, commonwealth.investment), which shareholders put back into the index,
        as foreigners do (_investment); 0 when firms keep the status-quo ratio."""
        extra = self.firm_response.retention0 - self.retention
        if extra <= 0:
            return 0.0
        pop = self.pop
        return extra * (pop.equity_index * prices.index_income
                        + pop.equity_concentrated * prices.concentrated_income[pop.stake_firm])

    def _saving_inputs(self, ctx: YearContext, flows: Flows, markets: Markets, reforms: ReformCash,
                       locked: np.ndarray | float) -> SavingInputs:
        """What the saving rule sees this year (commonwealth.saving), before settle moves holdings."""
        pop = self.pop
        income, taxes, disposable, liquid, working = cash_and_liquid(
            flows.labour_income, flows.capital_income, flows.transfers, flows.taxes, reforms.transfers, reforms.taxes,
            pop.equity_index, locked, markets.prices.after_retention().index_price, pop.bonds, pop.age,
            self.status_quo.retirement_age, pop.employed)
        return SavingInputs(
            disposable=disposable, wealth=markets.wealth_start, liquid=liquid,
            capital_income=flows.capital_income, income=income, taxes=taxes, age=pop.age, working=working,
            group=wealth_groups(pop.unit_wealth(markets.wealth_start), pop.unit_weight, self.params, ctx.year),
            rank=markets.wealth_rank, weight=pop.weight)

    def _life_cycle_saving(self, ctx: YearContext, inputs: SavingInputs, returns: np.ndarray) -> np.ndarray:
        """Each adult's saving (USD) under the life-cycle rule with the return response; the level
        factors and base-year returns are solved at t = 0 (commonwealth.saving)."""
        rule, p, year = self.saving_rule, self.params, ctx.year
        profile = saving_profile(inputs.age, inputs.capital_income, inputs.income, inputs.rank, p, year)
        decumulation = np.asarray(p("saving.retiree_decumulation", year), dtype=float)
        if rule.level is None:
            rule.level = level_factors(inputs, profile, np.asarray(p("households.saving_rates", year), dtype=float),
                                       decumulation)
            rule.return0 = returns
        return life_cycle_saving(inputs, profile, rule.level, decumulation,
                                 np.asarray(p("saving.eis", year), dtype=float), returns - rule.return0,
                                 float(p("saving.max_rate", year)))

    def _sell_received_shares(self, flows: Flows, prices: Prices, locked: np.ndarray | float, year: int) -> None:
        """Portfolios: recipients sell part of the index units they received (commonwealth.portfolios) at
        the end-of-year index price; the proceeds are consumption, so saving and the index purchase fall
        by the same amount. Investment nets the sales against other households' purchases and firms buy
        back the rest (Market.issue_to_index)."""
        params = PortfolioParameters.from_parameters(self.params, year)
        sale = sell_received(self.shares_received, self.pop.equity_index, locked,
                             prices.after_retention().index_price, params)
        flows.consumption += sale  # in place: settle's own fresh arrays, held by nothing else yet
        flows.saving -= sale
        flows.index_purchase -= sale

    def _investment(self, markets: Markets, flows: Flows, year: int) -> float:
        """Investment: firms invest retained earnings, then issue new shares to the index's buyers;
        foreigners keep their share. Returns foreigners' saving (USD)."""
        market, firms, ledger = self.market, self.firms, markets.ledger
        retained = market.retain(markets.firm_income, self.retention)
        if self._capital_abroad:  # the net return on US-owned capital abroad, paid by the rest of the world
            ledger.pay(INCOME_ON_CAPITAL_ABROAD, "rest_of_world", "production", markets.prices.r * self._capital_abroad)
        foreign_saving = float(dot(firms.own_foreign, retained))
        if self.retention < self.firm_response.retention0:  # firms pay out more than under the status quo:
            # foreigners reinvest the extra payout (they see through the veil as households do, Yagan 2015)
            foreign_saving += market.issue_to_foreigners(
                (self.firm_response.retention0 - self.retention) * firms.own_foreign * markets.firm_income)
        foreign_saving += market.issue_to_index(float(dot(self.pop.weight, flows.index_purchase)))
        # Expatriates' flows are the rest of the world's; their saving stays invested in the US.
        ledger.pay(EXPORTS, "rest_of_world", "production",
                   ledger.column("rest_of_world") - ledger.abroad_total - foreign_saving)
        ledger.pay(PUBLIC_OWNERS_DIVIDENDS, "public_owners", "government",
                   (1.0 - self.retention) * float(dot(markets.own_start["own_public"], markets.firm_income)))
        check_ownership_rows(firms, year)
        return foreign_saving

    def _corporate_actions(self, ctx: YearContext, markets: Markets, audit: Audit) -> CorporateActions:
        """Corporate actions of the reforms (share levies, transfers, distributions), valued in kind."""
        pop, w = self.pop, self.pop.weight
        before = markets.prices.after_retention()
        wealth_before = net_worth(pop, before)
        for policy in self.policies:
            policy.corporate_actions(ctx)
        for policy in self.policies:  # tracked with or without sales (behaviour.portfolios): the metrics
            units = policy.shares_distributed()
            if units is not None:
                self.shares_received.receive(units)
        check_ownership_rows(self.firms, ctx.year)
        end_prices = replace(before, index_price=self.market.index_price,
                             concentrated_price=self.market.concentrated_price())
        in_kind = net_worth_change(pop, end_prices, wealth_before)
        identities.in_kind(audit, ctx.year, float(dot(w, in_kind)), float(dot(w, ctx.ledger.household_in_kind)),
                           scale=float(dot(w, wealth_before)))
        return CorporateActions(end_prices=end_prices, in_kind=in_kind)

    def _politics(self, ctx: YearContext, escapable: np.ndarray, markets: Markets) -> PoliticsOutcome:
        """Politics: influence and support; the rich who renounce to escape the escapable taxes (per adult,
        ``ReformCash.escapable``) pay the exit tax. The year's political metrics are measured here, once
        nothing they read can change, so that the influence and the adults' wealth order and ranks are let go
        before the year's last blocks."""
        influence = self.politics.influence(ctx, self.expatriated)
        self.politics.measure_support(ctx, self.policies, influence)
        leaves, exit_tax = self.politics.flee(ctx, escapable, self.expatriated)
        self.pop.bonds -= exit_tax
        ctx.ledger.pay(EXIT_TAX, HOUSEHOLDS, "government", exit_tax)
        self.expatriated |= leaves
        adults = markets.adult_wealth
        values = self.politics.metrics(ctx, influence, self.policies, adults.order, adults.rank, self.expatriated)
        adults.release()
        return PoliticsOutcome(values=values, exit_tax=exit_tax)

    def _policies_own_books(self, ctx: YearContext) -> None:
        """The policies' own income and books (the funds' interest and dividends, deposits)."""
        for policy in self.policies:
            policy.end_of_year(ctx)

    def _ageing(self, ctx: YearContext, production: Production, markets: Markets, flows: Flows,
                corporate: CorporateActions, politics: PoliticsOutcome, audit: Audit) -> Ageing:
        """Ageing: deaths, estates and heirs; checks households' wealth and cash at the year's end."""
        pop, ledger, year = self.pop, ctx.ledger, ctx.year
        w = pop.weight
        dies, estate_tax = age_one_year(pop, self.labour, self.status_quo, corporate.end_prices, self.rng,
                                        self.params, year, self.earnings_order)
        estate_tax = estate_tax + politics.exit_tax  # both are paid out of wealth, not income
        self.eligible_since[dies] = np.where(pop.citizen[dies], year + 1, NEVER_ELIGIBLE)
        self.shares_received.forget(dies)
        ledger.pay(ESTATE_TAX, HOUSEHOLDS, "government", estate_tax - politics.exit_tax)
        wealth_end = net_worth(pop, corporate.end_prices)
        identities.household_wealth(
            audit, year, float(dot(w, wealth_end)),
            weighted_total(w, markets.wealth_carried, flows.saving, flows.revaluation, corporate.in_kind, estate_tax,
                           minus=1))
        identities.household_cash(audit, year, float(dot(w, ledger.household_cash)),
                                  weighted_total(w, flows.saving, estate_tax, minus=1), scale=production.gdp)
        return Ageing(estate_tax=estate_tax, wealth_end=wealth_end)

    def _government_consumption(self, ctx: YearContext, production: Production, flows: Flows,
                                ageing: Ageing) -> None:
        """Government consumption G_t = g_t·α_G·Y_t, α_G calibrated in the base year; from the rule's
        start, g_t closes the budget to the debt path (:mod:`commonwealth.budget`), never below zero."""
        if ctx.t == 0:
            self._calibrate_base_year_budget(flows, ageing.estate_tax, ctx.ledger, production.gdp,
                                             self._land_receipts)
        rule, debt, gdp = self.rule, self.government.debt, production.gdp
        base = self.government.consumption_share * gdp
        purchases = sum(p.government_purchases(ctx) for p in self.policies)
        if purchases:
            ctx.ledger.pay(POLICY_PURCHASES, "government", "production", purchases)
        net = ctx.ledger.column("government")  # before G, the rule's household instrument and purchases included
        consumption = base
        closes = rule.active(ctx.t) and (rule.instrument == "consumption" or self._rule_year["bound"])
        if closes:
            required = rule.target_debt(debt, gdp) - debt + net
            consumption = max(required, 0.0)
            if rule.instrument == "consumption":
                rule.fallback = required < 0.0
        rule.net_ratio = (net - self._rule_year["household"]) / gdp
        interest = production.r_safe * debt
        self._rule_year.update(
            primary_balance=net - self._rule_year["household"] + interest - base,
            adjustment=self._rule_year["household"] + base - consumption,
            g=consumption / base if base > 0 else 1.0)
        ctx.ledger.pay(GOVERNMENT_CONSUMPTION, "government", "production", consumption)

    def _calibrate_base_year_budget(self, flows: Flows, estate_tax: np.ndarray, ledger: Ledger, gdp: float,
                                    land_receipts: float = 0.0) -> None:
        """The base year only (t = 0): government consumption is the share of GDP that balances the
        status-quo budget — status-quo taxes (estate and exit tax and households' property tax included)
        plus ``land_receipts`` (the corporations' property tax and the rent of government land) less
        transfers, the reforms' cash taken out. Fixed for every later year. It needs the base year's flows
        and deaths, so it runs inside the base year (not at construction), once estates are settled."""
        w = self.pop.weight
        status_quo_net = float(dot(w, flows.taxes - flows.transfers + estate_tax)) + ledger.reform_transfers() \
            - ledger.reform_taxes() + land_receipts
        self.government.consumption_share = max(status_quo_net, 0.0) / gdp

    def _accumulation(self, ctx: YearContext, production: Production, markets: Markets,
                      audit: Audit) -> tuple[float, float]:
        """Accumulation: the budget's deficit adds to public debt; every fund's books match its ledger
        column; K_{t+1} = K_t + net investment, which is what the ledger says every sector saved.
        Returns K_t and net investment (USD)."""
        ledger, gov, year = ctx.ledger, self.government, ctx.year
        gov.debt -= ledger.column("government")
        # Other holders (foreigners, the Fed, banks, funds: the bond market outside the model's households
        # and firms) keep at least their share of the public debt, absorb what households no longer hold,
        # and lend to households whose net bonds turn negative — so firms' equity book never lends at the
        # safe rate while capital earns r. They buy out of their interest (the rest is spent on US output;
        # a shortfall is a capital inflow that pays for output).
        debt = max(gov.debt, 0.0)
        households = weighted_total(self.pop.weight, self.pop.bonds, self.pop.debt, minus=1)
        held = max(self.other_share * debt, debt - households)
        ledger.pay(OTHER_HOLDERS_SPENDING, "other_holders", "production", ledger.column("other_holders")
                   - (held - self.other_bonds))
        self.other_bonds = held
        self._check_fund_books(ledger, markets, production.gdp, year, audit)
        net_investment = -ledger.column("production")
        ledger.check_rows()
        capital_start = self.capital
        self.capital += net_investment
        identities.balance_sheets(audit, year, self.capital, self.claims_on_capital() + float(self.market.book.sum()))
        if self.capital <= 0:
            raise IdentityError(f"year {year}: the capital stock is exhausted")
        if self.behaviour.investment:
            self._firms_respond(ctx, production, markets)
        return capital_start, net_investment

    def _firms_respond(self, ctx: YearContext, production: Production, markets: Markets) -> None:
        """Firms' response to this year's levies on firm value, for next year (commonwealth.investment):
        the capital moved abroad and the share of equity income retained. With no levy both are the
        status quo's exactly."""
        levy = sum(p.capital_levy(ctx) for p in self.policies)
        self.firm_response.update(self.firm_parameters, levy=levy, business_capital=self.capital - self.structures,
                                  equity_income=float(markets.firm_income.sum()), r=production.r, delta=self.delta)

    def _check_fund_books(self, ledger: Ledger, markets: Markets, gdp: float, year: int, audit: Audit) -> None:
        """Each fund sector's ledger column is the change in its funds' cash and stakes this year."""
        changes: dict[str, float] = {}
        for policy, (assets_start, stake_start) in zip(self.funds, markets.books_start, strict=True):
            stake_change = policy.equity_stake(self.firms) - stake_start
            change = policy.financial_assets() - assets_start + stake_change
            changes[policy.sector] = changes.get(policy.sector, 0.0) + change
        for sector, change in changes.items():
            identities.fund_books(audit, year, sector, ledger.column(sector), change, scale=gdp)

    def _report(self, ctx: YearContext, phi: float, production: Production, markets: Markets, flows: Flows,
                political_values: dict[str, float], capital_start: float, net_investment: float) -> dict[str, float]:
        """The year's metrics (commonwealth.metrics), real ones deflated by this year's CPI."""
        usd, w, fp = self.usd, self.pop.weight, production.fp
        cpi = self.cpi_history[ctx.year] = self._record_price_inputs(phi, fp, ctx.t, production.land_rent,
                                                                     self._sector_factors(ctx))
        values = dict(markets.distribution)
        values.update(macro_metrics(fp, capital_start / usd, (net_investment + self.delta * capital_start) / usd, phi,
                                    usd, self.delta))
        values["wage_index"] = float(fp.wage) / self.wage0
        values.update({k: float(v) for k, v in ai_metrics(self.economy.automation, float(ctx.t)).items()})
        values.update(self._firm_metrics(capital_start))
        if self.market.industry is not None:
            values.update(self._lab_metrics(markets))
        resident_weight = w * self.resident  # US adults: once for the three metrics that weight by it
        values.update(income_metrics(flows, resident_weight, cpi, ctx.ledger.household_in_kind))
        values.update(labour_metrics(self.pop.employed, self.hours, resident_weight,
                                     capacity_decile(self.pop.efficiency, self.capacity_breaks), self.labour_params))
        values.update(self._policy_metrics(ctx, flows, markets.wealth_rank, cpi))
        values.update(received_metrics(self.shares_received, resident_weight, markets.wealth_rank,
                                       self.market.index_price, cpi))
        values.update(political_values)
        values["fund_voting_share"] = values["fund_ownership_share"] + values["citizen_ownership_share"]
        for policy in self.policies:
            values[f"policy_rate.{policy.name}"] = policy.headline_rate(ctx)
        return values

    def _lab_metrics(self, markets: Markets) -> dict[str, float]:
        """Who captures the AI surplus this year: the labs, fine-tuners and users (firms), and the owners of
        the rents (commonwealth.labs); the labs' valuations and the market's confidence in the AI path."""
        market, firms = self.market, self.firms
        industry = market.industry
        labs, fine, users = market.surplus_split
        rents = market.rents if market.rents is not None else np.zeros(firms.size)
        own = markets.own_start
        values = {"ai_surplus": labs + fine + users, "ai_rents_labs": labs, "ai_rents_fine_tuners": fine,
                  "ai_surplus_users": users, "lab_surplus_share": industry.lab_share,
                  "ai_rent_belief": industry.belief,
                  "ai_rents_founders": float(dot(own["own_concentrated"], rents)),
                  "ai_rents_index_holders": float(dot(own["own_index"], rents)),
                  "ai_rents_abroad": float(dot(own["own_foreign"], rents)),
                  "ai_rents_public": float(dot(own["own_fund"] + own["own_public"], rents))}
        for lab in frontier_labs():
            if lab.own_row:
                row = firms.name == lab.name
                values[f"lab_value.{occupation_slug(lab.name)}"] = float(firms.value[row].sum()) / \
                    (1.0 - lab.partner_stake)
                values[f"lab_rents.{occupation_slug(lab.name)}"] = float(rents[row].sum()) / (1.0 - lab.partner_stake)
        developers = industry.lab_weight > 0
        values["lab_founders_wealth"] = float(dot(firms.own_concentrated[developers], firms.value[developers]))
        return values

    def _firm_metrics(self, capital_start: float) -> dict[str, float]:
        """Firms' response this year (commonwealth.investment): capital in US production and abroad, the
        user-cost wedge and the share of equity income retained."""
        response = self.firm_response if self.behaviour.investment else None
        return {
            "domestic_capital": capital_start - self._capital_abroad,
            "capital_abroad": self._capital_abroad,
            "user_cost_wedge": response.cost_ratio - 1.0 if response else 0.0,  # this year's levy
            "retention_ratio": self.retention,
        }

    def _budget_metrics(self, production: Production) -> dict[str, float]:
        """The budget rule and the safe rate this year (static score: primary balance before the rule)."""
        rule_year, gdp = self._rule_year, production.gdp
        instrument = rule_year["g"] if self.rule.instrument == "consumption" else rule_year["value"]
        return {
            "public_debt_ratio": self.government.debt / gdp,
            "primary_balance": rule_year["primary_balance"],
            "budget_adjustment": rule_year["adjustment"],
            "budget_instrument": float(instrument) if np.isfinite(instrument) else
            (0.0 if self.rule.instrument == "income_tax" else 1.0),
            "government_consumption_share": rule_year["g"] * self.government.consumption_share,
            "safe_rate": production.r_safe,
            "equity_premium_income": (production.r - production.r_safe) * self._bond_financed_start,
        }

    def _policy_metrics(self, ctx: YearContext, flows: Flows, wealth_rank: np.ndarray, cpi: float) -> dict:
        pop, firms = self.pop, self.firms
        w = pop.weight
        ledger = ctx.ledger
        government = ledger.column_by_kind("government")
        values: dict[str, float] = {
            "tax_revenue": float(government[government > 0].sum())
            - ledger.get(GOVERNMENT_LAND_RENT.label, "government"),  # the rent of public land is not a tax
            "property_tax": ledger.get(PROPERTY_TAX.label, "government"),
            "transfers": float(dot(w, flows.transfers)),
            "public_debt": self.government.debt,
            "fund_ownership_share": float(dot(firms.own_fund, firms.value)) / float(firms.value.sum()),
            **REFORM_METRIC_DEFAULTS,
        }
        values["citizen_ownership_share"] = equity_below(pop, self.market.index_price, self.market.concentrated_price(),
                                                         wealth_rank, 0.9) / float(firms.value.sum())
        for policy in self.policies:
            values.update(policy.metrics(ctx))
            values[f"policy_in_force.{policy.name}"] = float(policy.in_force(ctx.year))
        dividend_per_adult = (values["dividend_shares_per_adult"] + values["dividend_cash_per_adult"]
                              + sum(ctx.dividends) / float(w.sum()))
        values["dividend_per_adult"] = dividend_per_adult
        values["dividend_per_adult_real"] = dividend_per_adult / cpi
        return values


# --- what the blocks pass on --------------------------------------------------------------------------

@dataclass(frozen=True)
class Production:
    """Production's output: factor prices in model units and the year's totals in USD."""

    fp: FactorPrices
    gdp: float  # USD/year
    r: float  # net return on capital, R − δ
    land_rent: float  # USD/year, all land
    r_safe: float = 0.0  # safe real rate on public debt, bonds and deposits
    wage_per_unit: float = 0.0  # USD per efficiency unit of the synthetic population


@dataclass(frozen=True)
class LandYear:
    """This year's land market: one price per unit of land (USD), and USD/year of rent and property tax."""

    price: float  # USD per unit (1 at the base year with no land tax)
    corporate_rent: float  # rent on the corporations' land (part of firm income)
    corporate_property_tax: float  # τ_p × corporate land value, paid by firms out of that income
    government_rent: float  # rent on government land, a government receipt


@dataclass
class AdultWealth:
    """The adults' stable order by their own wealth (weighted by US adults) and each adult's weighted
    mid-rank in it: read by the political metrics, then released (16 bytes a record)."""

    order: np.ndarray | None
    rank: np.ndarray | None

    def release(self) -> None:
        self.order = self.rank = None


@dataclass(frozen=True)
class Markets:
    """What the markets block passes on: incomes and prices of every asset, and the year's ledger."""

    book_total: float  # USD: the equity book, K less every other claim on capital
    firm_income: np.ndarray  # USD per firm, after firm payments
    own_start: dict[str, np.ndarray]  # each holder's fractions of each firm as the year opened
    books_start: list[tuple[float, float]]  # per fund: financial assets and equity stake (USD) as priced
    land: LandYear
    prices: Prices  # this year's
    previous: Prices  # last year's end (this year's in the base year)
    wealth_carried: np.ndarray  # per adult: last year's end holdings at last year's prices
    wealth_start: np.ndarray  # per adult: the same holdings at this year's prices
    adult_wealth: AdultWealth  # the adults' own wealth order and ranks, for the political metrics
    wealth_rank: np.ndarray  # per adult: the weighted mid-rank of their household's wealth among US households
    distribution: dict[str, float]  # metrics of the distribution as the year opens
    ledger: Ledger


@dataclass(frozen=True)
class ReformCash:
    """The reforms' cash flows per adult (USD): what they take and what they pay."""

    taxes: np.ndarray
    transfers: np.ndarray
    escapable: np.ndarray  # the taxes of the policies escapable by expatriation (drive tax flight)


@dataclass(frozen=True)
class CorporateActions:
    end_prices: Prices  # end of year: retained earnings invested, shares levied and distributed
    in_kind: np.ndarray  # per adult: value of shares received less shares levied


@dataclass(frozen=True)
class PoliticsOutcome:
    values: dict[str, float]  # the year's political metrics (Politics.metrics)
    exit_tax: np.ndarray  # per adult, USD


@dataclass(frozen=True)
class Ageing:
    estate_tax: np.ndarray  # per adult, USD: estate tax and exit tax (both paid out of wealth)
    wealth_end: np.ndarray  # per adult: this year's end holdings at this year's prices


def run_households(scenario: Scenario, progress: Callable[[int], None] | None = None,
                   snapshot_years: Sequence[int] = ()) -> ScenarioResult:
    """The micro–macro economy with the households saving closure; with ``politics.draws`` > 1, one run
    per Monte Carlo draw of the political process (metrics: the median over draws; ``draws``: every draw).
    BLAS runs single-threaded inside (threadpoolctl): a dot product over records gives the same bits whatever
    the machine's thread count, and two scenarios run side by side do not fight over cores."""
    with single_threaded_blas():  # deterministic, and no BLAS worker competing for cores
        return _run_households(scenario, progress, snapshot_years)


@cache
def _thread_pools() -> ThreadpoolController:
    """The process's native thread pools (BLAS, OpenMP), found once: ``threadpool_limits`` inspects every loaded
    library afresh, about 1 ms a simulation; threadpoolctl's controller is made to be reused. Every BLAS the
    model uses (numpy's, SciPy's) is loaded when :mod:`commonwealth` is imported, before the first call."""
    return ThreadpoolController()


def single_threaded_blas():
    """A context in which BLAS runs on one thread (the previous limits restored on exit)."""
    return _thread_pools().limit(limits=1, user_api="blas")


@dataclass
class DrawResult:
    """One Monte Carlo draw of a households-closure scenario (:func:`simulate_draw`)."""

    frame: pd.DataFrame  # tidy metrics, with a 'draw' column
    calibration: MacroCalibration
    audits: list[dict[str, float]]  # identity residuals per year
    snapshots: dict[int, pd.DataFrame]  # per-record data of the years asked for


def simulate_draw(scenario: Scenario, draw: int, snapshot_years: Sequence[int] = (),
                  progress: Callable[[int], None] | None = None) -> DrawResult:
    """Draw ``draw`` of a households-closure scenario, year by year. Draws are independent (their random
    streams depend on the seed and the draw only), so they may run in any order or in parallel."""
    sim = HouseholdEconomy(scenario, draw=draw)
    rows: dict[str, list[float]] = {}
    audits, snapshots = [], {}
    for _ in range(scenario.years + 1):
        year = sim.step()
        for name, value in year.values.items():
            rows.setdefault(name, []).append(value)
        audits.append({"year": year.year, **year.audit})
        if year.year in snapshot_years:
            snapshots[year.year] = sim.snapshot(year)
        del year  # its per-record arrays (flows, wealth, the ledger) are not kept through the next year
        if progress:
            progress(1)
    series = {k: np.asarray(v) for k, v in rows.items()}
    series["gdp_growth"] = growth_series(series["gdp"])
    series.update(sim.price_series())
    return DrawResult(tidy(scenario.name, scenario.start_year, series).assign(draw=draw), sim.calibration, audits,
                      snapshots)


def combine_draws(scenario: Scenario, parts: Sequence[DrawResult], seconds: float) -> ScenarioResult:
    """A scenario's result from its draws, in draw order: metrics are the median over draws; the audit and
    snapshots are the first draw's."""
    columns = ["scenario", "year", "metric", "value", "unit"]
    draws = pd.concat([p.frame for p in parts], ignore_index=True)
    if len(parts) == 1:  # the median of one draw is the draw (each metric is one row a year)
        metrics = draws[columns]
    else:
        metrics = draws.groupby(["scenario", "year", "metric", "unit"], sort=False, as_index=False)["value"].median(
        )[columns]
    first = parts[0]
    return ScenarioResult(scenario, first.calibration, metrics, seconds, audit=first.audits,
                          snapshots=first.snapshots, draws=draws if scenario.politics.draws > 1 else None)


def _run_households(scenario: Scenario, progress: Callable[[int], None] | None,
                    snapshot_years: Sequence[int]) -> ScenarioResult:
    started = time.perf_counter()
    parts = [simulate_draw(scenario, draw, snapshot_years if draw == 0 else (), progress)
             for draw in range(scenario.politics.draws)]
    return combine_draws(scenario, parts, time.perf_counter() - started)


def nominal_series(values: dict, price_level: float | np.ndarray) -> dict:
    """The price level and the nominal (current-dollar) headlines: real value × P_t
    (:mod:`commonwealth.indexation`); only those whose real series is in ``values``."""
    out = {"price_level": price_level}
    for real, nominal in NOMINAL_METRICS.items():
        if real in values:
            out[nominal] = values[real] * price_level
    return out


def price_series(inputs: dict[str, np.ndarray], params, start_year: int) -> dict[str, np.ndarray]:
    """The price block over a whole path: sector indices, CPI, and halving times placed at the last year."""
    factors = {s: inputs[f"factor.{s}"] for s in SECTORS if f"factor.{s}" in inputs}
    prices = sector_price_paths(inputs["phi"], inputs["wage"], inputs["rental"], inputs["land"], params, start_year,
                                tfp_index=inputs["tfp"], sector_factors=factors or None,
                                friction_scale=inputs.get("friction_scale"))
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
                  wage: float, retention: float, land_price: float) -> Prices:
    """What each unit of each asset pays and is worth this year (before retained earnings are invested);
    ``land_price`` is this year's (:meth:`Market.land_price`), ``land_rent_total`` the rent on all land."""
    firms = market.firms
    concentrated_income = np.divide(firms.own_concentrated * firm_income, market.conc_base,
                                    out=np.zeros_like(firm_income), where=market.conc_base > 0)
    index_income = float(dot(firms.own_index, firm_income)) / market.index_units
    return Prices(
        wage=wage,
        r=r,
        index_income=index_income,
        concentrated_income=np.append(concentrated_income, 0.0),
        land_rent=market.rent_per_unit(land_rent_total),
        index_price=market.index_price,
        concentrated_price=market.concentrated_price(),
        land_price=land_price,
        index_retained=retention * index_income,
        concentrated_retained=np.append(retention * concentrated_income, 0.0),
    )
