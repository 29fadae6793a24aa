"""Policies: validated specifications in scenario files, and the modules that carry them out.

A scenario lists policies as ``{type: NAME, ...parameters}``; they stack. Numeric parameters left out
take their sourced defaults from ``parameters/policy/<type>/*.yaml`` and every value is checked
against that file's bounds, so a mistake names the file, the key path (``policies[0].company_rate``),
the value and what is allowed.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from commonwealth.errors import UserError
from commonwealth.parameters import ParameterSet, suggest
from commonwealth.policy.ai_firms import CappedProfitLab, WindfallClause
from commonwealth.policy.base import Government, Policy, YearContext
from commonwealth.policy.equity_fund import AmericanEquityFund
from commonwealth.policy.prizes import PublicPrize
from commonwealth.policy.sovereign_fund import SovereignFund
from commonwealth.policy.taxes_and_transfers import UBI, IncomeTax, LandValueTax, WealthTax
from commonwealth.yaml_input import shown

__all__ = ["POLICY_TYPES", "Government", "Policy", "PolicySpec", "YearContext", "build_policies", "check_feasible"]


class _Spec(BaseModel):
    """Strict types (a bool is not a number, 2.5 is not a count) and finite numbers only."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
    name: str | None = Field(default=None, min_length=1, max_length=60)
    enacted_year: int | None = Field(default=None, ge=1950, le=2200)
    repealed_year: int | None = Field(default=None, ge=1950, le=2200)

    @model_validator(mode="after")
    def _years(self) -> _Spec:
        if self.enacted_year and self.repealed_year and self.repealed_year <= self.enacted_year:
            raise ValueError(f"repealed_year {self.repealed_year} must come after enacted_year {self.enacted_year}")
        return self


class AmericanEquityFundSpec(_Spec):
    type: Literal["american_equity_fund"]
    company_rate: float | None = None
    land_rate: float | None = None
    valuation_threshold: float | None = None
    private_revenue_threshold: float | None = None
    private_accrual_years: int | None = None
    phase_in: Literal["gdp50", "gdp50_real", "none"] = "gdp50"
    phase_in_gdp_growth: float | None = None
    retained_share: float | None = None
    lockup_years: int | None = None
    us_revenue_share_test: float | None = None


class UBISpec(_Spec):
    type: Literal["ubi"]
    amount: float | None = None
    index: Literal["prices", "none", "wages", "gdp"] = "prices"
    funding: Literal["income_tax", "vat", "fund", "deficit"] = "income_tax"
    recipients: Literal["adults", "citizens"] = "adults"


class IncomeBand(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
    above_percentile: float = Field(ge=0.0, lt=1.0, description="income rank from which the change applies")
    rate_change: float = Field(ge=-1.0, le=1.0, description="added to the average effective rate")


class IncomeTaxSpec(_Spec):
    type: Literal["income_tax"]
    changes: list[IncomeBand] = Field(min_length=1)
    use: Literal["budget", "dividend"] = "budget"

    @model_validator(mode="after")
    def _bands(self) -> IncomeTaxSpec:
        edges = [b.above_percentile for b in self.changes]
        if any(b <= a for a, b in itertools.pairwise(edges)):
            raise ValueError(f"changes: above_percentile must rise strictly from one band to the next; found {edges}")
        return self


class LandValueTaxSpec(_Spec):
    type: Literal["land_value_tax"]
    rate: float = Field(ge=0.0, le=0.5, description="share of land value per year")
    use: Literal["budget", "dividend"] = "budget"


class WealthTaxSpec(_Spec):
    type: Literal["wealth_tax"]
    thresholds: list[float] | None = Field(default=None, min_length=1, max_length=50)
    rates: list[float] | None = Field(default=None, min_length=1, max_length=50)
    avoidance_semi_elasticity: float | None = None
    use: Literal["budget", "dividend"] = "budget"


class CappedProfitLabSpec(_Spec):
    type: Literal["capped_profit_lab"]
    firms: list[str] = Field(min_length=1, max_length=100)
    multiple: float | None = None


class WindfallClauseSpec(_Spec):
    type: Literal["windfall_clause"]
    firms: list[str] | None = Field(default=None, max_length=100)
    min_ai_exposure: float | None = Field(default=None, ge=0.0, le=1.0)
    brackets: list[float] = Field(min_length=1, max_length=50, description="profit as a share of world product")
    rates: list[float] = Field(min_length=1, max_length=50, description="marginal rates above each bracket")
    world_product: float | None = None
    us_share: float | None = None

    @model_validator(mode="after")
    def _schedule(self) -> WindfallClauseSpec:
        if len(self.brackets) != len(self.rates):
            raise ValueError("brackets and rates need the same length")
        if any(b < 0 for b in self.brackets) or any(b <= a for a, b in zip(self.brackets, self.brackets[1:],
                                                                            strict=False)):
            raise ValueError("brackets must be non-negative and rise strictly")
        if any(not 0 <= r <= 1 for r in self.rates):
            raise ValueError("rates must lie between 0 and 1")
        if not self.firms and self.min_ai_exposure is None:
            raise ValueError("say which firms: 'firms' (names) or 'min_ai_exposure'")
        return self


class PublicPrizeSpec(_Spec):
    type: Literal["public_prize"]
    sectors: list[Literal["housing", "health", "education", "food", "other"]] = Field(
        min_length=1, max_length=5, description="consumption sectors whose AI applications win prizes")
    amount: float | None = None
    cost_elasticity: float | None = None
    funding: Literal["budget", "fund"] = Field(default="budget", description="who pays: the budget (government "
                                               "consumption) or the American Equity Fund's income before it is "
                                               "distributed (the budget pays what the fund lacks)")

    @model_validator(mode="after")
    def _distinct(self) -> PublicPrizeSpec:
        if len(set(self.sectors)) != len(self.sectors):
            raise ValueError(f"sectors {self.sectors} name a sector twice; allowed: each sector once")
        return self


class SovereignFundSpec(_Spec):
    type: Literal["sovereign_fund"]
    initial_assets: float = Field(default=0.0, ge=0.0, le=1e15)
    deposit_source: Literal["land_rent", "gdp", "tax_revenue", "none"] = "none"
    deposit_rate: float | None = None
    draw_rule: Literal["pomv", "realised_income"] = "pomv"
    pomv_rate: float | None = None
    pomv_window_years: int | None = None
    realised_income_rate: float | None = None
    dividend_share: float | None = None

    @model_validator(mode="after")
    def _deposit_rate_for_its_source(self) -> SovereignFundSpec:
        # The default deposit rate is Alaska's share of mineral royalties: a share of land rent. A share of
        # GDP or of all tax revenue has no such default (25 % of GDP a year would be a saving programme
        # that drives the return on capital below zero), so it must be stated.
        if self.deposit_source in ("gdp", "tax_revenue") and self.deposit_rate is None:
            raise ValueError(f"deposit_source {self.deposit_source!r} needs an explicit deposit_rate (the share of "
                             f"{self.deposit_source.replace('_', ' ')} paid in each year, e.g. 0.01); the default "
                             "0.25 is Alaska's share of mineral royalties and applies to deposit_source 'land_rent'")
        return self


PolicySpec = Annotated[
    AmericanEquityFundSpec | UBISpec | IncomeTaxSpec | LandValueTaxSpec | WealthTaxSpec | CappedProfitLabSpec
    | WindfallClauseSpec | SovereignFundSpec | PublicPrizeSpec,
    Field(discriminator="type"),
]

POLICY_TYPES: dict[str, tuple[type[_Spec], type[Policy]]] = {
    "american_equity_fund": (AmericanEquityFundSpec, AmericanEquityFund),
    "ubi": (UBISpec, UBI),
    "income_tax": (IncomeTaxSpec, IncomeTax),
    "land_value_tax": (LandValueTaxSpec, LandValueTax),
    "wealth_tax": (WealthTaxSpec, WealthTax),
    "capped_profit_lab": (CappedProfitLabSpec, CappedProfitLab),
    "windfall_clause": (WindfallClauseSpec, WindfallClause),
    "sovereign_fund": (SovereignFundSpec, SovereignFund),
    "public_prize": (PublicPrizeSpec, PublicPrize),
}

#: Keys that are not numeric parameters with defaults.
_STRUCTURAL = {"type", "name", "enacted_year", "repealed_year"}


def resolve_parameters(spec: _Spec, params: ParameterSet, year: int, where: str, source: str) -> dict[str, Any]:
    """The spec's values with numeric defaults filled from ``policy.<type>.*`` and bounds checked."""
    values = spec.model_dump(exclude=_STRUCTURAL)
    kind = spec.type  # type: ignore[attr-defined]
    for key, value in list(values.items()):
        name = f"policy.{kind}.{key}"
        if name not in params:
            continue
        if value is None:
            values[key] = params(name, year)
            continue
        problem = params[name].check_bounds(value, fixed_length=False)
        if problem:
            raise UserError(f"key '{where}.{key}' has value {shown(value)}; allowed: {problem} "
                            f"(unit {params[name].spec.unit}).", source=source)
    if kind == "american_equity_fund":
        values["us_revenue_share"] = params("assets.us_revenue_share", year)
        values["levy_base_semi_elasticity"] = params("firms.levy_base_semi_elasticity", year)
    if kind == "public_prize":
        from commonwealth.prices import cpi_weights

        values["cpi_weights"] = cpi_weights(params, year)
    if kind == "income_tax":
        values["changes"] = [(b["above_percentile"], b["rate_change"]) for b in values["changes"]]
    problem = _schedule_problem(kind, values)
    if problem:
        raise UserError(f"key '{where}': {problem}.", source=source)
    return values


def _schedule_problem(kind: str, values: dict[str, Any]) -> str | None:
    """What is wrong with a policy's schedule once defaults are filled in (None if nothing)."""
    if kind == "wealth_tax":
        thresholds, rates = values["thresholds"], values["rates"]
        if len(thresholds) != len(rates):
            return (f"thresholds ({len(thresholds)} given or defaulted) and rates ({len(rates)}) need the same "
                    "length, one marginal rate from each threshold up")
    if kind == "income_tax":
        total = 0.0
        for above, change in values["changes"]:
            total += change
            if not -1.0 <= total <= 1.0:
                return (f"the rate changes add up to {total:+g} above percentile {above:g}; allowed: a cumulative "
                        "change between -1 and +1 (a tax cannot take more than the income it is levied on)")
    return None


def named_firms(labs: bool = False) -> list[str]:
    """Companies a scenario may name (capped-profit labs, the Windfall Clause): the named listed firms, and
    with frontier labs (``ai.labs``) the labs' own rows (commonwealth.labs)."""
    from commonwealth.labs import frontier_labs
    from commonwealth.sources import table

    listed = list(table("largest_market_caps_2025.csv")["company"])
    return listed + [lab.name for lab in frontier_labs() if lab.own_row] if labs else listed


def check_feasible(policies: list[Policy], params: ParameterSet, start_year: int, source: str,
                   labs: bool = False) -> None:
    """Refuse policies that cannot work in the base economy: a firm the model does not have (``labs``: the
    frontier labs are in it), a UBI larger than the tax base that funds it. Later years can still prove
    infeasible (a model failure)."""
    known = named_firms(labs)
    for i, policy in enumerate(policies):
        names = policy.names if isinstance(policy, CappedProfitLab | WindfallClause) else None
        for name in names or []:
            if name not in known:
                close = suggest(name, known)
                hint = f" Did you mean {close!r}?" if close else ""
                labs_hint = "" if labs else " (OpenAI and Anthropic exist with ai.labs: true, the default for the " \
                    "compute presets)"
                raise UserError(f"key 'policies[{i}].firms' names {shown(name)}, a firm the model does not have."
                                f"{hint} Allowed: {', '.join(known)}{labs_hint}.", source=source)
        if isinstance(policy, UBI) and policy.funding in ("vat", "income_tax"):
            adults = float(params("population.adults", start_year))
            gdp = float(params("calibration.gdp", start_year))
            cost = policy.amount * adults
            if cost >= gdp:
                base = "consumption" if policy.funding == "vat" else "income"
                raise UserError(f"key 'policies[{i}].amount' has value {shown(policy.amount)}: paid to "
                                f"{adults:,.0f} adults it costs ${cost / 1e12:,.1f} tn a year, more than the base-year "
                                f"GDP (${gdp / 1e12:,.1f} tn), so no {policy.funding.replace('_', ' ')} on {base} can "
                                f"fund it; allowed: at most {gdp / adults:,.0f} per adult (or funding: deficit).",
                                source=source)
    # a prize paid by the fund needs one in the scenario (a UBI's funding: fund may draw on a fund defined in
    # code, passed to the engine after validation, and falls back to the budget)
    prized = [i for i, p in enumerate(policies) if isinstance(p, PublicPrize) and p.funding == "fund"]
    if prized and not any(isinstance(p, AmericanEquityFund) for p in policies):
        i, kind = prized[0], "public_prize"
        raise UserError(f"key 'policies[{i}].funding' has value 'fund', but the scenario has no american_equity_fund "
                        f"to pay for the {kind}; allowed: add an american_equity_fund policy, or another funding.",
                        source=source)
    _check_stacked_income_taxes(policies, source)


def _check_stacked_income_taxes(policies: list[Policy], source: str) -> None:
    """Several income-tax policies add up: their combined change may not exceed ±1 at any rank, as one
    policy's may not."""
    stacked = [(i, p) for i, p in enumerate(policies) if isinstance(p, IncomeTax)]
    if len(stacked) < 2:
        return
    edges = sorted({above for _, p in stacked for above, _ in p.changes})
    for edge in edges:
        total = sum(change for _, p in stacked for above, change in p.changes if above <= edge)
        if not -1.0 <= total <= 1.0:
            keys = ", ".join(f"policies[{i}]" for i, _ in stacked)
            raise UserError(f"keys {keys}: the income-tax changes add up to {total:+g} above percentile {edge:g}; "
                            "allowed: a combined change between -1 and +1 (a tax cannot take more than the income "
                            "it is levied on).", source=source)


#: Policy types a scenario may hold once, and why.
ONE_PER_SCENARIO = {
    "american_equity_fund": "the fund holds one stake per company; change its rates instead of adding a second",
}


def build_policies(specs: list[Any], params: ParameterSet, start_year: int, source: str) -> list[Policy]:
    """Policy objects for a scenario, in the order listed (which is the order their hooks run)."""
    policies: list[Policy] = []
    names: set[str] = set()
    kinds: set[str] = set()
    for i, spec in enumerate(specs):
        kind = spec.type
        cls = POLICY_TYPES[kind][1]
        name = spec.name or kind
        if name in names:
            raise UserError(f"key 'policies[{i}].name': {name!r} is used twice; allowed: a unique name per policy "
                            "(add 'name:' to tell them apart).", source=source)
        names.add(name)
        if kind in ONE_PER_SCENARIO and kind in kinds:
            raise UserError(f"key 'policies[{i}].type': a second {kind!r}; allowed: one per scenario "
                            f"({ONE_PER_SCENARIO[kind]}).", source=source)
        kinds.add(kind)
        values = resolve_parameters(spec, params, start_year, f"policies[{i}]", source)
        enacted = spec.enacted_year if spec.enacted_year is not None else start_year + 1
        policy = cls(name, enacted, spec.repealed_year, **values)
        policy.stipulated = spec.enacted_year is not None  # an explicit year: enacted whatever the politics
        policies.append(policy)
    return policies
