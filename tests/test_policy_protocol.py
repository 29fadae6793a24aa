"""The policy protocol is all a reform needs: reforms defined entirely here run through the engine
with every ledger identity holding, and the engine names no concrete reform."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

import commonwealth.engine as engine_module
from commonwealth.engine import HouseholdEconomy
from commonwealth.policy.base import Policy, YearContext, equal_shares
from commonwealth.policy.ledger import FLOW_KINDS, HOUSEHOLDS, INTEREST, FlowKind, Ledger, LedgerError
from commonwealth.scenario import Scenario, ScenarioFile, load_scenario

FLAT_TRANSFER = FlowKind("flat transfer (protocol test)")
TEST_FUND_ENDOWMENT = FlowKind("test fund endowment (protocol test)")
PER_ADULT = 1_000.0  # USD a year


class FlatTransfer(Policy):
    """A flat transfer to every adult, paid by the budget (so borrowed: public debt rises)."""

    kind = "flat_transfer"

    def __init__(self) -> None:
        super().__init__("flat transfer", enacted_year=2026, repealed_year=None)
        self.paid = 0.0

    def household_transfers(self, ctx: YearContext) -> np.ndarray | None:
        self.paid = 0.0
        if not self.in_force(ctx.year):
            return None
        every = np.ones(ctx.pop.weight.size, dtype=bool)
        per_adult = equal_shares(PER_ADULT * float(ctx.pop.weight.sum()), ctx.pop.weight, every)
        ctx.ledger.pay(FLAT_TRANSFER, "government", HOUSEHOLDS, per_adult, policy=self.name)
        self.paid = float(np.dot(ctx.pop.weight, per_adult))
        ctx.dividends.append(self.paid)
        return per_adult


class DrawableFund(Policy):
    """A fund endowed by the budget that others may draw on (the UBI's ``funding: fund``), keeping
    the equity fund's books in the ledger."""

    kind = "test_fund"
    sector = "equity_fund"

    def __init__(self, endowment: float) -> None:
        super().__init__("test fund", enacted_year=2025, repealed_year=None)
        self.endowment = endowment
        self.cash = 0.0
        self.drawn = 0.0

    def household_taxes(self, ctx: YearContext) -> None:  # runs before every policy's transfers
        if ctx.year == self.enacted_year:
            ctx.ledger.pay(TEST_FUND_ENDOWMENT, "government", self.sector, self.endowment, policy=self.name)
            self.cash += self.endowment

    def financial_assets(self) -> float:
        return self.cash

    def draw(self, amount: float) -> float:
        drawn = min(amount, max(self.cash, 0.0))
        self.cash -= drawn
        self.drawn += drawn
        return drawn

    def end_of_year(self, ctx: YearContext) -> None:
        interest = ctx.r * self.cash
        ctx.ledger.pay(INTEREST, "production", self.sector, interest, policy=self.name)
        self.cash += interest

    def metrics(self, ctx: YearContext) -> dict[str, float]:
        return {"fund_assets": self.cash}


def scenario(policies: list[dict] | None = None, years: int = 3) -> Scenario:
    base = load_scenario("status-quo")
    model = ScenarioFile.model_validate({"name": "protocol", "years": years, "population": {"size": 2_000},
                                         "policies": policies or []})
    return base.model_copy(update={"years": years, "population": model.population, "policies": model.policies})


def run(s: Scenario, policies: list[Policy]):
    sim = HouseholdEconomy(s, policies=policies)
    return sim, [sim.step() for _ in range(s.years + 1)]


def assert_identities_hold(years) -> None:
    for y in years:
        assert max(y.audit.values()) < 1e-9, (y.year, y.audit)
        assert np.all(np.abs(y.ledger.matrix().sum(axis=1)) <= 1e-9 * max(1.0, y.values["gdp"]))
        expected = y.flows.saving - y.estate_tax
        scale = np.maximum(np.abs(y.flows.income), 1.0)
        assert np.max(np.abs(y.ledger.household_cash - expected) / scale) < 1e-9


def test_a_flat_transfer_defined_here_runs_through_the_engine_with_the_identities_holding():
    s = scenario()
    _, base = run(s, [])
    transfer = FlatTransfer()
    sim, years = run(s, [transfer])
    assert_identities_hold(years)
    adults = float(sim.pop.weight.sum())
    for y, b in zip(years, base, strict=True):
        matrix = y.ledger.matrix()
        if y.year < 2026:
            assert FLAT_TRANSFER.label not in matrix.index
            assert {k: y.values[k] for k in b.values} == pytest.approx(b.values, rel=1e-12, nan_ok=True)
            continue
        households = [c for c in matrix if c.startswith("households")]
        assert float(matrix.loc[FLAT_TRANSFER.label, households].sum()) == pytest.approx(PER_ADULT * adults)
        assert float(matrix.loc[FLAT_TRANSFER.label, "government"]) == pytest.approx(-PER_ADULT * adults)
        assert y.values["dividend_per_adult"] == pytest.approx(PER_ADULT, rel=1e-9)
        assert y.values["policy_in_force.flat transfer"] == 1.0
    # borrowed: public debt is higher by the transfers paid (plus interest on them)
    extra_debt = years[-1].values["public_debt"] - base[-1].values["public_debt"]
    assert extra_debt >= PER_ADULT * adults * (s.years - 1)


def test_a_fund_defined_here_is_drawn_on_through_the_protocol():
    """The UBI funded by 'the fund' draws on whatever policy keeps the equity fund's books, through
    ``draw``; the engine checks that fund's books against the ledger."""
    fund = DrawableFund(endowment=1e11)
    sim, years = run(scenario([{"type": "ubi", "amount": 100, "funding": "fund"}]), [fund])
    assert_identities_hold(years)
    assert sim.equity_fund is fund
    assert fund.drawn > 0
    assert any("equity fund books" in name for y in years for name in y.audit)
    later = years[-1].ledger.matrix()
    assert float(later.loc["UBI", "equity_fund"]) < 0  # the UBI was paid out of the fund
    assert years[-1].values["fund_assets"] == pytest.approx(fund.cash)


def test_default_hooks_are_no_ops():
    policy = Policy("nothing", 2025, None)
    assert policy.financial_assets() == 0.0 and policy.draw(1e9) == 0.0
    assert policy.vat_share(None, 1e12) == 0.0  # type: ignore[arg-type]
    assert policy.sector is None
    for hook in ("household_taxes", "household_transfers", "corporate_actions", "end_of_year"):
        assert getattr(policy, hook)(None) is None
    for name, member in inspect.getmembers(Policy, inspect.isfunction):
        if not name.startswith("_"):
            assert member.__doc__, f"Policy.{name} has no docstring"


def test_flow_kinds_are_declared_once_and_the_ledger_refuses_anything_else():
    with pytest.raises(ValueError, match="declared twice"):
        FlowKind(FLAT_TRANSFER.label)
    assert FLOW_KINDS[FLAT_TRANSFER.label] is FLAT_TRANSFER
    ledger = Ledger(2025, np.ones(3), np.full(3, 0.5))
    with pytest.raises(LedgerError, match="not a declared flow kind"):
        ledger.pay("flat transfer (protocol test)", "government", HOUSEHOLDS, np.ones(3))  # type: ignore[arg-type]
    in_kind = [k.label for k in FLOW_KINDS.values() if k.in_kind]
    assert in_kind and all("in kind)" in label for label in in_kind)  # the labels still say so


def test_the_engine_names_no_concrete_reform():
    source = Path(inspect.getfile(engine_module)).read_text(encoding="utf-8")
    for name in ("AmericanEquityFund", "SovereignFund", "UBI", "WindfallClause", "CappedProfitLab", "WealthTax",
                 "LandValueTax", "IncomeTax", "isinstance("):
        assert name not in source, name


def test_flow_kind_properties_pin_what_the_label_strings_used_to_say():
    from commonwealth.policy import POLICY_TYPES

    # What tax flight responds to is declared per policy (one source of truth), not per flow kind: only
    # taxes that depend on residence or citizenship are escaped by renouncing.
    escapable = sorted(kind for kind, (_, cls) in POLICY_TYPES.items() if cls.escapable_by_expatriation)
    assert escapable == ["income_tax", "wealth_tax"]
    status_quo = {k.label for k in FLOW_KINDS.values() if k.status_quo}
    assert status_quo == {"labour income", "capital income", "status-quo taxes", "status-quo transfers",
                          "consumption", "VAT", "estate tax", "property tax", "government land rent"}
