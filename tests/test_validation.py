"""Every bad input is refused before any work starts: exit 2, one paragraph naming the file, the line,
the key, the value and what is allowed; nothing written; never a traceback."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from commonwealth.cli import main
from commonwealth.errors import UserError
from commonwealth.scenario import load_scenario
from commonwealth.yaml_input import MAX_FILE_BYTES, parse_yaml

BASE = "name: t\nextends: status-quo\nyears: 2\npopulation: {size: 1000}\n"

#: (scenario text, a fragment the message must contain)
BAD_SCENARIOS = [
    # strict types
    ("name: t\nyears: true\n", "'years' has value True"),
    ("name: t\nyears: 2.5\n", "'years' has value 2.5"),
    ("name: t\nseed: 1.0\n", "'seed' has value 1.0"),
    ("name: t\npopulation: {size: 1.0e4}\n", "'population.size' has value 10000.0; allowed: a whole number"),
    ("name: t\npolitics: {constitutional_lock: 1}\n", "'politics.constitutional_lock' has value 1"),
    ("name: t\npolitics: {draws: 2.5}\n", "'politics.draws' has value 2.5"),
    ("name: 5\n", "'name' has value 5"),
    (BASE + "policies: [{type: american_equity_fund, lockup_years: 2.5}]\n", "lockup_years' has value 2.5"),
    (BASE + "policies: [{type: ubi, amount: true}]\n", "'policies[0].amount' has value True"),
    (BASE + "parameters: {policy.american_equity_fund.lockup_years: 2.5}\n", "a whole number"),
    (BASE + "parameters: {production.sigma: true}\n", "'parameters.production.sigma' has value True"),
    (BASE + "parameters: {production.sigma: [0.5]}\n", "a single number"),
    (BASE + "parameters: {households.saving_rates: [0.1, 0.2]}\n", "a list of 3 numbers"),
    (BASE + "parameters: {taxes.rate_percentile_breaks: [0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]}\n",
     "strictly ascending"),
    # finite numbers everywhere
    (BASE + "policies: [{type: ubi, amount: .nan}]\n", "'policies[0].amount' has value nan"),
    (BASE + "policies: [{type: land_value_tax, rate: .inf}]\n", "'policies[0].rate' has value inf"),
    (BASE + "parameters: {production.sigma: .nan}\n", "'parameters.production.sigma' has value nan"),
    (BASE + "parameters: {households.saving_rates: [0.1, .nan, 0.2]}\n", "households.saving_rates"),
    ("name: t\nai: {preset: custom, path: {2030: .nan}}\n", "ai.path"),
    ("name: t\npolitics: {plutocracy: -.inf}\n", "'politics.plutocracy' has value -inf"),
    # schedules
    (BASE + "policies: [{type: wealth_tax, thresholds: [5.0e7, 1.0e9, 2.0e9], rates: [0.02, 0.03]}]\n",
     "need the same length"),
    (BASE + "policies: [{type: wealth_tax, thresholds: [], rates: []}]\n", "policies[0].thresholds"),
    (BASE + "policies: [{type: wealth_tax, thresholds: [1.0e9, 5.0e7], rates: [0.02, 0.03]}]\n",
     "strictly ascending"),
    (BASE + "policies: [{type: wealth_tax, thresholds: [5.0e7], rates: [0.02, 0.03]}]\n", "same length"),
    (BASE + "policies: [{type: income_tax, changes: [{above_percentile: 0.9, rate_change: 0.1}, "
     "{above_percentile: 0.5, rate_change: 0.1}]}]\n", "rise strictly"),
    (BASE + "policies: [{type: income_tax, changes: [{above_percentile: 0.0, rate_change: 0.8}, "
     "{above_percentile: 0.5, rate_change: 0.8}]}]\n", "cumulative change"),
    (BASE + "policies: [{type: windfall_clause, firms: [Nvidia], brackets: [0.01, 0.001], rates: [0.1, 0.2]}]\n",
     "rise strictly"),
    # names checked against what exists
    (BASE + "policies: [{type: capped_profit_lab, firms: [OpenAI]}]\n", "a firm the model does not have"),
    (BASE + "policies: [{type: windfall_clause, firms: [Nvdia], brackets: [0.01], rates: [0.2]}]\n",
     "Did you mean 'Nvidia'"),
    (BASE + "parameters: {production.sigmma: 0.5}\n", "names no parameter"),
    (BASE + "policies: [{type: wealth_taxx}]\n", "Did you mean 'wealth_tax'"),
    (BASE + "policies: [{type: income_tax, changes: [{above_percentile: 0.5, rate_change: 0.6}]}, "
     "{type: income_tax, name: again, changes: [{above_percentile: 0.2, rate_change: 0.6}]}]\n",
     "combined change between -1 and +1"),
    (BASE + "policies: [{type: american_equity_fund}, {type: american_equity_fund, name: second}]\n",
     "allowed: one per scenario"),
    # economically impossible
    (BASE + "policies: [{type: ubi, amount: 200000, funding: vat}]\n", "no vat on consumption can fund it"),
    (BASE + "policies: [{type: ubi, amount: 500000}]\n", "no income tax on income can fund it"),
    (BASE + "parameters: {population.billionaire_count: 5000}\n", "'population.size' has value 1000"),
    # years
    ("name: t\nstart_year: 1990\n", "outside the calibrated range"),
    ("name: t\nstart_year: 2090\n", "outside the calibrated range"),
    (BASE + "policies: [{type: ubi, enacted_year: 2020}]\n", "comes before start_year"),
    (BASE + "policies: [{type: ubi, enacted_year: 2030, repealed_year: 2030}]\n", "must come after"),
    ("name: t\nai: {preset: custom, path: {2020: 0.7, 2030: 0.8}}\n", "before start_year"),
    # extends
    ("name: t\nextends: /dev/zero\n", "not a regular file"),
    ("name: t\nextends: /\n", "not a regular file"),
    ("name: t\nextends: [status-quo]\n", "key 'extends' has value ['status-quo']"),
    ("name: t\nextends: ''\n", "key 'extends'"),
    # duplicate keys, with both lines
    ("name: t\npolicies: [{type: ubi}]\nyears: 3\npolicies: [{type: wealth_tax}]\n", "lines 2 and 4"),
    ("name: t\nai:\n  preset: agi-20\n  preset: agi-5\n", "lines 3 and 4"),
    # hostile YAML
    ("name: t\nx: &a [1, *a]\n", "refers to the list or mapping that contains it"),
    ("name: t\n" + "x: " + "[" * 200 + "]" * 200 + "\n", "nesting is deeper"),
    ("name: t\n\x00years: 3\n", "line 2, column 1"),
    ("name: t\nyears: [3\n", "not valid YAML at line"),
    ("- a\n- b\n", "must be a YAML mapping"),
    ("name: t\n? [a, b]\n: 1\n", "a key must be a plain word"),
    ("--- \nname: a\n--- \nname: b\n", "not valid YAML"),
    ("name: t\n1: 2\n", "top-level key 1"),
]


def _bomb(levels: int = 12) -> str:
    lines = ["name: t", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("text", "expect"), BAD_SCENARIOS)
def test_validate_refuses_each_bad_scenario_naming_the_problem(tmp_path, text, expect, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert expect in err, err
    assert str(path) in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("text", "expect"), BAD_SCENARIOS[::4])
def test_run_refuses_what_validate_refuses_and_writes_nothing(tmp_path, text, expect, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    assert expect in " ".join(capsys.readouterr().err.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_an_alias_bomb_is_refused_in_under_a_second(tmp_path, capsys):
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(), encoding="utf-8")
    started = time.perf_counter()
    assert main(["validate", str(path)]) == 2
    assert time.perf_counter() - started < 1.0
    assert "expand to more than" in capsys.readouterr().err


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path, capsys):
    path = tmp_path / "big.yaml"
    path.write_text("name: t\n# " + "x" * MAX_FILE_BYTES + "\n")
    assert main(["validate", str(path)]) == 2
    assert "at most" in capsys.readouterr().err


def test_a_file_that_is_not_utf8_names_line_and_column(tmp_path, capsys):
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"name: t\ndescription: caf\xe9\n")
    assert main(["validate", str(path)]) == 2
    assert "line 2, column 17" in " ".join(capsys.readouterr().err.split())


@pytest.mark.parametrize("key", ["[/bold]", "[red]x[/red]", "[link=http://x]y[/link]"])
def test_markup_in_keys_and_values_is_printed_as_written(tmp_path, key, capsys):
    path = tmp_path / "m.yaml"
    path.write_text(f'name: t\n"{key}": 1\ndescription: ok\n', encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert key in capsys.readouterr().err


def test_markup_in_a_file_name_is_printed_as_written(tmp_path, capsys):
    path = tmp_path / "reform[draft].yaml"
    path.write_text("name: t\nyears: 0\n")
    assert main(["validate", str(path)]) == 2
    assert "reform[draft].yaml" in capsys.readouterr().err


def test_messages_name_the_line_of_the_bad_key(tmp_path):
    path = tmp_path / "l.yaml"
    path.write_text("name: t\ndescription: x\npolicies:\n  - type: ubi\n    amount: -5\n")
    with pytest.raises(UserError, match=r"line 5: key 'policies\[0\]\.amount' has value -5"):
        load_scenario(path)


def test_a_long_value_is_cut_in_the_message(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text("name: t\nyears: '" + "9" * 5000 + "'\n")
    with pytest.raises(UserError) as info:
        load_scenario(path)
    assert len(str(info.value)) < 400


def test_yaml_merge_keys_are_not_duplicates():
    doc = parse_yaml("base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n", "m.yaml")
    assert doc.data["child"] == {"x": 1, "y": 3}
    assert doc.line(("child", "y")) == 4


def test_a_start_year_after_calibration_is_allowed_with_a_warning(tmp_path, capsys):
    path = tmp_path / "late.yaml"
    path.write_text("name: t\nstart_year: 2030\npolicies: [{type: ubi, enacted_year: 2070}]\nyears: 10\n")
    assert main(["validate", str(path)]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "calibrated to 2025" in err and "never in force" in err


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["calibrate", "--size", "10"], "--size 10"),
        (["calibrate", "--size", "-5"], "--size -5"),
        (["calibrate", "--seed", "-1", "--size", "2000"], "--seed -1"),
        (["compare", "wealth-tax", "--years", "2035,abc"], "--years"),
        (["compare", "wealth-tax", "--years", ","], "--years"),
        (["compare", "wealth-tax", "--years", "1999"], "outside the years simulated"),
        (["report", "wealth-tax", "--years", "2100", "--no-store"], "outside the years simulated"),
        (["compare", "wealth-tax", "--baseline", "no-such-scenario"], "no such scenario file"),
        (["run", "no-such-scenario"], "no such scenario file"),
        (["expected", "no-such-scenario"], "not a built-in scenario"),
    ],
)
def test_bad_command_line_arguments_exit_2_before_any_work(tmp_path, argv, expect, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    assert main(argv) == 2
    assert time.perf_counter() - started < 5.0
    assert expect in " ".join(capsys.readouterr().err.split())
    assert list(tmp_path.iterdir()) == []


def test_argparse_mistakes_exit_2_without_a_traceback():
    proc = subprocess.run([sys.executable, "-m", "commonwealth", "calibrate", "--size", "many"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "--size" in proc.stderr


def test_validation_of_a_hostile_file_is_fast_in_a_fresh_process(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(14), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "commonwealth", "validate", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_api_overrides_are_checked_like_scenario_keys():
    from commonwealth import simulate

    with pytest.raises(UserError, match="'years' has value 0"):
        simulate("status-quo", years=0)
    with pytest.raises(UserError, match=r"'population\.size' has value 10"):
        simulate("status-quo", size=10)
    with pytest.raises(UserError, match="'seed' has value -1"):
        simulate("status-quo", seed=-1)


def test_builtin_lists_marked_ascending_are_ascending():
    from commonwealth.parameters import ParameterSet

    for p in ParameterSet().values():
        if p.spec.ascending:
            for value in p.spec.values.values():
                assert p.check_bounds(value) is None, p.name


def test_scenario_path_in_messages_is_the_users(tmp_path: Path):
    path = tmp_path / "child.yaml"
    path.write_text("name: c\nextends: parent.yaml\n")
    (tmp_path / "parent.yaml").write_text("name: p\nyears: 0\n")
    with pytest.raises(UserError, match=r"parent\.yaml: line 2: key 'years'"):
        load_scenario(path)


@pytest.mark.parametrize(
    ("overrides", "expect"),
    [
        ("production.depreciation: 0.4", "net return on capital"),
        ("population.billionaire_wealth: 1.0e14", "population.billionaire_wealth"),
    ],
)
def test_overrides_that_break_the_base_year_are_refused_by_validate(tmp_path, overrides, expect, capsys):
    path = tmp_path / "o.yaml"
    path.write_text(BASE + "parameters:\n  " + overrides + "\n")
    assert main(["validate", str(path)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert expect in err and str(path) in err


def test_a_vat_that_cannot_fund_its_ubi_is_refused_by_validate(tmp_path, capsys):
    path = tmp_path / "vat.yaml"
    path.write_text(BASE + "policies: [{type: ubi, amount: 95000, funding: vat}]\n")  # < GDP, > consumption
    assert main(["validate", str(path)]) == 2
    assert "more than all consumption in the base year" in " ".join(capsys.readouterr().err.split())
