"""Property: any scenario `validate` accepts either runs to completion (exit 0) or ends with the documented
model-failure exit code and message (exit 3) — never a traceback, never half-written output."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from commonwealth.cli import main
from commonwealth.errors import EXIT_MODEL_FAILURE, EXIT_USER_ERROR
from commonwealth.parameters import ParameterSet

PARAMS = ParameterSet()


def _bounded(name: str, *, integer: bool = False) -> st.SearchStrategy:
    spec = PARAMS[name].spec
    lo, hi = spec.min if spec.min is not None else -1e6, spec.max if spec.max is not None else 1e6
    if integer:
        return st.integers(int(lo), int(hi))
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


WILD = st.floats(-1e7, 1e7, allow_nan=False, allow_infinity=False)
YEAR = st.integers(2025, 2030)

POLICY = st.one_of(
    st.fixed_dictionaries({"type": st.just("american_equity_fund")}, optional={
        "company_rate": _bounded("policy.american_equity_fund.company_rate"),
        "land_rate": _bounded("policy.american_equity_fund.land_rate"),
        "phase_in": st.sampled_from(["gdp50", "gdp50_real", "none"]),
        "lockup_years": _bounded("policy.american_equity_fund.lockup_years", integer=True),
        "retained_share": _bounded("policy.american_equity_fund.retained_share"),
        "enacted_year": YEAR}),
    st.fixed_dictionaries({"type": st.just("ubi")}, optional={
        "amount": st.floats(0, 120_000), "funding": st.sampled_from(["income_tax", "vat", "fund", "deficit"]),
        "index": st.sampled_from(["prices", "none", "wages", "gdp"]),
        "recipients": st.sampled_from(["adults", "citizens"]),
        "enacted_year": YEAR}),
    st.fixed_dictionaries({"type": st.just("income_tax"), "changes": st.lists(
        st.fixed_dictionaries({"above_percentile": st.floats(0, 0.99), "rate_change": st.floats(-0.5, 0.5)}),
        min_size=1, max_size=3)}),
    st.fixed_dictionaries({"type": st.just("land_value_tax"), "rate": st.floats(0, 0.5)},
                          optional={"use": st.sampled_from(["budget", "dividend"])}),
    st.fixed_dictionaries({"type": st.just("wealth_tax")}, optional={
        "thresholds": st.just([5.0e7, 1.0e9]), "rates": st.lists(st.floats(0, 0.2), min_size=2, max_size=2),
        "use": st.sampled_from(["budget", "dividend"])}),
    st.fixed_dictionaries({"type": st.just("sovereign_fund")}, optional={
        "deposit_source": st.sampled_from(["land_rent", "none"]), "initial_assets": st.floats(0, 1e13)}),
    st.fixed_dictionaries({"type": st.just("sovereign_fund"), "deposit_source": st.sampled_from(["gdp", "tax_revenue"]),
                           "deposit_rate": st.floats(0, 0.05)}),
    st.fixed_dictionaries({"type": st.just("capped_profit_lab"), "firms": st.just(["Nvidia", "Microsoft"])}),
    st.fixed_dictionaries({"type": st.just("windfall_clause"), "firms": st.just(["Nvidia"]),
                           "brackets": st.just([0.001, 0.01]), "rates": st.just([0.2, 0.5])}),
    st.fixed_dictionaries({"type": st.just("ubi"), "amount": WILD}),  # often refused: that is fine too
)

SCENARIO = st.fixed_dictionaries({
    "name": st.just("random-reform"),
    "extends": st.sampled_from(["status-quo", "agi-5", "stall", "american-equity-fund"]),
    "years": st.integers(1, 4),
    "seed": st.integers(0, 3),
    "population": st.just({"size": 1000}),
    "policies": st.lists(POLICY, max_size=3, unique_by=lambda p: p["type"]),
}, optional={
    "parameters": st.fixed_dictionaries({}, optional={
        "production.sigma": _bounded("production.sigma"),
        "assets.retention_ratio": _bounded("assets.retention_ratio"),
        "production.depreciation": _bounded("production.depreciation"),
    }),
    "politics": st.fixed_dictionaries({}, optional={
        "mode": st.sampled_from(["exogenous", "endogenous"]), "plutocracy": st.floats(0, 1)}),
})


@settings(max_examples=25, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(SCENARIO)
def test_a_valid_scenario_runs_or_fails_as_a_documented_model_failure(tmp_path_factory, raw):
    folder: Path = tmp_path_factory.mktemp("prop")
    path = folder / "reform.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    out = folder / "out"
    code = main(["validate", str(path)])
    if code == EXIT_USER_ERROR:
        assert not out.exists()
        return
    assert code == 0
    code = main(["run", str(path), "--out", str(out), "--no-store"])
    assert code in (0, EXIT_MODEL_FAILURE)
    if code == EXIT_MODEL_FAILURE:
        assert not out.exists()
    else:
        assert (out / "metrics.parquet").exists()
