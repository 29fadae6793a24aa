"""Scenario files: loading, extends, and clear errors for every kind of mistake."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from commonwealth.errors import UserError
from commonwealth.scenario import AI_SET, DEFAULT_SET, builtin_names, load_scenario
from commonwealth.technology import PRESETS


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_scenario_loads(name):
    s = load_scenario(name)
    assert s.name == name
    assert s.description.strip()


def test_default_set_is_the_five_policy_scenarios_on_the_default_ai_path():
    assert DEFAULT_SET == ["status-quo", "american-equity-fund", "ubi-income-tax", "land-value-tax", "wealth-tax"]
    assert {load_scenario(n).ai.preset for n in DEFAULT_SET} == {"business-as-usual"}


def test_ai_preset_scenarios_cover_every_preset():
    presets = {load_scenario(n).ai.preset for n in AI_SET}
    assert presets == set(PRESETS) - {"custom"}


def test_extends_merges_mappings_and_replaces_scalars(tmp_path):
    write(tmp_path, "base.yaml", """
        name: base
        years: 12
        ai: {preset: agi-20, agi_years: 15}
        parameters: {production.sigma: 0.4}
    """)
    child = write(tmp_path, "child.yaml", """
        name: child
        extends: base.yaml
        ai: {beta: 2}
        parameters: {saving.rho: 0.03}
    """)
    s = load_scenario(child)
    assert s.name == "child" and s.years == 12
    assert s.ai.preset == "agi-20" and s.ai.agi_years == 15 and s.ai.beta == 2
    assert s.parameters == {"production.sigma": 0.4, "saving.rho": 0.03}
    assert s.sources[0].endswith("child.yaml") and s.sources[1].endswith("base.yaml")


def test_extends_a_builtin_by_name(tmp_path):
    s = load_scenario(write(tmp_path, "x.yaml", "name: mine\nextends: agi-5\nyears: 7\n"))
    assert s.ai.preset == "agi-5" and s.years == 7


def test_misspelt_key_names_file_key_and_suggestion(tmp_path):
    path = write(tmp_path, "bad.yaml", "name: x\nyaers: 10\n")
    with pytest.raises(UserError) as err:
        load_scenario(path)
    msg = str(err.value)
    assert str(path) in msg and "'yaers'" in msg and "'years'" in msg


def test_misspelt_nested_key_lists_allowed_keys(tmp_path):
    path = write(tmp_path, "bad.yaml", "name: x\nai: {preset: agi-20, lamda_g: 0.02}\n")
    with pytest.raises(UserError, match=r"ai\.lamda_g.*lambda_g"):
        load_scenario(path)


def test_negative_horizon_names_value_and_allowed_range(tmp_path):
    path = write(tmp_path, "bad.yaml", "name: x\nyears: -5\n")
    with pytest.raises(UserError, match=r"'years' has value -5; allowed: a number at least 1"):
        load_scenario(path)


def test_unknown_preset_lists_the_presets(tmp_path):
    path = write(tmp_path, "bad.yaml", "name: x\nai: {preset: agi-50}\n")
    with pytest.raises(UserError, match=r"ai\.preset.*'agi-50'.*business-as-usual"):
        load_scenario(path)


def test_unknown_parameter_name_is_refused(tmp_path):
    path = write(tmp_path, "bad.yaml", "name: x\nparameters: {production.sigmma: 0.4}\n")
    with pytest.raises(UserError, match=r"parameters\.production\.sigmma.*production\.sigma"):
        load_scenario(path)


def test_out_of_range_parameter_is_refused(tmp_path):
    path = write(tmp_path, "bad.yaml", "name: x\nparameters: {production.land_share: 2}\n")
    with pytest.raises(UserError, match=r"production\.land_share.*between 0 and 0\.9"):
        load_scenario(path)


def test_cycle_in_extends_is_refused(tmp_path):
    write(tmp_path, "a.yaml", "name: a\nextends: b.yaml\n")
    write(tmp_path, "b.yaml", "name: b\nextends: a.yaml\n")
    with pytest.raises(UserError, match="cycle"):
        load_scenario(tmp_path / "a.yaml")


def test_missing_name_and_wrong_type_are_refused(tmp_path):
    with pytest.raises(UserError, match="'name' is required"):
        load_scenario(write(tmp_path, "a.yaml", "years: 5\n"))
    with pytest.raises(UserError, match="'seed' has value 'abc'"):
        load_scenario(write(tmp_path, "b.yaml", "name: b\nseed: abc\n"))


def test_option_that_does_not_fit_the_preset_is_refused(tmp_path):
    with pytest.raises(UserError, match="agi_years applies to presets"):
        load_scenario(write(tmp_path, "a.yaml", "name: a\nai: {preset: stall, agi_years: 4}\n"))


def test_unknown_policy_type_lists_the_types(tmp_path):
    with pytest.raises(UserError, match=r"policies\[0\]\.type.*'americn_equity_fund'.*american_equity_fund"):
        load_scenario(write(tmp_path, "a.yaml", "name: a\npolicies: [{type: americn_equity_fund}]\n"))


def test_misspelt_policy_key_is_named_with_its_index(tmp_path):
    with pytest.raises(UserError, match=r"policies\[1\]\.amout.*'amount'"):
        load_scenario(write(tmp_path, "a.yaml", "name: a\npolicies: [{type: wealth_tax}, {type: ubi, amout: 5}]\n"))


def test_out_of_range_policy_parameter_names_its_bounds(tmp_path):
    with pytest.raises(UserError, match=r"policies\[0\]\.company_rate.*0\.5.*between 0 and 0\.2"):
        load_scenario(write(tmp_path, "a.yaml",
                            "name: a\npolicies: [{type: american_equity_fund, company_rate: 0.5}]\n"))


def test_policies_stack_across_extends(tmp_path):
    s = load_scenario(write(tmp_path, "a.yaml", "name: a\nextends: american-equity-fund\n"
                                                "policies: [{type: ubi, funding: fund}]\n"))
    assert [p.type for p in s.policies] == ["american_equity_fund", "ubi"]


def test_yaml_syntax_error_and_non_mapping_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="not valid YAML"):
        load_scenario(write(tmp_path, "a.yaml", "name: [x\n"))
    with pytest.raises(UserError, match="must be a YAML mapping"):
        load_scenario(write(tmp_path, "b.yaml", "- 1\n- 2\n"))
    with pytest.raises(UserError, match="no such scenario file"):
        load_scenario(tmp_path / "missing.yaml")


def test_yaml_is_safe_loaded(tmp_path):
    path = write(tmp_path, "a.yaml", "name: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(UserError, match="not valid YAML"):
        load_scenario(path)


def test_custom_ai_path_by_calendar_year(tmp_path):
    s = load_scenario(write(tmp_path, "a.yaml", "name: a\nai: {preset: custom, path: {2035: 0.8, 2045: 1.0}}\n"))
    path = s.automation()
    assert float(path.share(10.0)) == pytest.approx(0.8)
    assert path.full_automation_time() == 20.0
