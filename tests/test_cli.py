"""The command line: outputs, determinism and clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from commonwealth.cli import main
from commonwealth.metrics import metric_unit

REQUIRED = {"gdp", "gdp_growth", "automation_share", "labor_share", "wage_index", "rental_rate",
            "capital_stock", "output_region"}


@pytest.fixture
def short_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text("name: short\nextends: agi-20\nyears: 6\npopulation: {size: 5000}\n")
    return path


def test_run_writes_the_output_contract(tmp_path, short_scenario, capsys):
    out = tmp_path / "out"
    assert main(["run", str(short_scenario), "stall", "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {"metrics.parquet", "metrics.csv", "run.json", "timings.json",
                                               ".commonwealth-output"}
    frame = pd.read_parquet(out / "metrics.parquet")
    assert list(frame.columns) == ["scenario", "year", "metric", "value", "unit"]
    assert set(frame.scenario) == {"short", "stall"}
    assert set(frame.metric) >= REQUIRED
    assert all(metric_unit(m) for m in set(frame.metric))  # every metric documented (or a family member)
    csv = pd.read_csv(out / "metrics.csv")
    pd.testing.assert_frame_equal(csv, frame, check_dtype=False)
    printed = capsys.readouterr().out
    assert "labor_share" in printed and "short" in printed


def test_same_inputs_and_seed_give_identical_files(tmp_path, short_scenario):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["run", str(short_scenario), "--out", str(a)]) == 0
    assert main(["run", str(short_scenario), "--out", str(b)]) == 0
    for name in ("metrics.parquet", "metrics.csv", "run.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_rerun_replaces_previous_output_but_never_a_users_files(tmp_path, short_scenario):
    out = tmp_path / "out"
    assert main(["run", str(short_scenario), "--out", str(out)]) == 0
    assert main(["run", str(short_scenario), "--out", str(out)]) == 0  # a previous output: replaced
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]
    (out / "stale.txt").write_text("mine")
    assert main(["run", str(short_scenario), "--out", str(out)]) == 2  # not all ours: left untouched
    assert (out / "stale.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("name: x\nyaers: 10\n", "unknown key 'yaers'"),
        ("name: x\nyears: -3\n", "'years' has value -3"),
        ("name: x\nai: {preset: agi-50}\n", "'agi-50'"),
    ],
)
def test_bad_scenario_exits_2_with_one_paragraph_and_writes_nothing(tmp_path, text, expect):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "commonwealth", "run", str(bad), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert expect in " ".join(proc.stderr.split())
    assert str(bad) in " ".join(proc.stderr.split()).replace(" ", "") or str(bad) in proc.stderr
    assert len([line for line in proc.stderr.strip().splitlines() if not line.strip()]) == 0  # one paragraph
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_validate_reports_each_file(tmp_path, short_scenario, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nseed: -1\n")
    assert main(["validate", str(short_scenario)]) == 0
    assert main(["validate", str(short_scenario), str(bad)]) == 2
    captured = capsys.readouterr()
    assert "ok" in captured.out and "'seed' has value -1" in " ".join(captured.err.split())


def test_listing_commands_succeed(capsys):
    assert main(["scenarios"]) == 0
    assert "compute-10x" in capsys.readouterr().out
    assert main(["params", "production"]) == 0
    out = capsys.readouterr().out
    assert "production.sigma" in out and "Korinek" in out
    assert main(["metrics"]) == 0
    assert main(["params", "no-such-thing"]) == 2


def test_compare_prints_differences_and_deciles(tmp_path, capsys):
    reform = tmp_path / "r.yaml"
    reform.write_text("name: r\nextends: wealth-tax\nyears: 3\npopulation: {size: 1000}\n")
    base = tmp_path / "b.yaml"
    base.write_text("name: b\nextends: status-quo\nyears: 3\npopulation: {size: 1000}\n")
    assert main(["compare", str(reform), str(base), "--baseline", "b", "--years", "2027,2028",
                 "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "difference from b" in out and "by income decile" in out
    assert (tmp_path / "o" / "deciles.csv").exists()
    assert main(["compare", str(reform), str(base), "--baseline", "b", "--years", "2099"]) == 2


def test_channels_prints_the_split_and_writes_it(tmp_path, capsys):
    reform = tmp_path / "fund.yaml"
    reform.write_text("name: fund\nextends: american-equity-fund\nyears: 3\npopulation:\n  size: 5000\n")
    base = tmp_path / "sq.yaml"
    base.write_text("name: sq\nextends: status-quo\nyears: 3\npopulation:\n  size: 5000\n")
    out = tmp_path / "split"
    assert main(["channels", str(reform), "--baseline", str(base), "--metrics", "gdp", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "static" in printed and "interactions" in printed and "total" in printed
    split = pd.read_csv(out / "channels.csv")
    assert split.channel.iloc[0] == "static" and split.channel.iloc[-1] == "total"


def test_channels_refuses_an_unknown_metric_before_running(tmp_path, capsys):
    assert main(["channels", "american-equity-fund", "--metrics", "gpd", "--out", str(tmp_path / "x")]) == 2
    assert "gpd is not a metric" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_sweep_writes_draws_bands_and_a_store_entry(tmp_path, capsys):
    out, store = tmp_path / "sweep", tmp_path / "runs"
    args = ["sweep", "american-equity-fund", "--draws", "3", "--size", "1500", "--years", "3", "--workers", "1",
            "--parameters", "politics.plutocracy,labour.eti_broad", "--out", str(out), "--runs-dir", str(store)]
    assert main(args) == 0
    files = {p.name for p in out.iterdir()}
    assert {"metrics.parquet", "bands.csv", "effect_bands.csv", "sensitivity.csv", "central.parquet",
            "run.json"} <= files
    draws = pd.read_parquet(out / "metrics.parquet")
    assert sorted(draws.draw.unique()) == [0, 1, 2] and set(draws.scenario) == {"status-quo", "american-equity-fund"}
    printed = capsys.readouterr().out
    assert "effect of american-equity-fund" in printed and "10th–90th" in printed
    entries = [p for p in store.iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1 and not list(store.glob(".sweep-*"))  # the checkpoint is folded into the entry


def test_sweep_refuses_a_bad_design_before_any_work(tmp_path, capsys):
    out = tmp_path / "sweep"
    code = main(["sweep", "american-equity-fund", "--method", "sobol", "--draws", "12", "--out", str(out),
                 "--no-store"])
    assert code == 2 and not out.exists()
    assert "a power of two" in capsys.readouterr().err


def test_params_uncertain_lists_the_distributions(capsys):
    assert main(["params", "--uncertain"]) == 0
    printed = capsys.readouterr().out
    assert "politics.plutocracy" in printed and "triangular" in printed and "production.sigma" not in printed


def test_the_reports_reproduce_command_names_scenario_files_by_path_and_runs(tmp_path):
    import html
    import re
    import shlex

    yaml_file = tmp_path / "my reform.yaml"
    yaml_file.write_text("name: mine\nextends: wealth-tax\nyears: 3\npopulation: {size: 1500}\n")
    base = tmp_path / "base.yaml"
    base.write_text("name: base\nextends: status-quo\nyears: 3\npopulation: {size: 1500}\n")
    out = tmp_path / "rep"
    assert main(["report", str(base), str(yaml_file), "--baseline", "base", "--out", str(out), "--no-store"]) == 0
    page = (out / "report.html").read_text()
    command = html.unescape(re.search(r'<code id="cli-command">(.*?)</code>', page, re.S).group(1))
    args = shlex.split(command)
    assert args[:4] == ["commonwealth", "report", str(base), str(yaml_file)]
    args[args.index("--out") + 1] = str(tmp_path / "again")
    assert main([*args[1:], "--no-store"]) == 0


@pytest.mark.parametrize("columns", [80, 100])
def test_compare_tables_fit_the_terminal_without_cutting_a_name_or_a_number(tmp_path, monkeypatch, capsys, columns):
    names = ["status-quo", "american-equity-fund", "american-equity-fund-locked", "wealth-tax", "land-value-tax",
             "ubi-income-tax", "stall"]
    files = []
    for name in names:
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"name: {name}\nextends: {name}\nyears: 3\npopulation: {{size: 1500}}\n")
        files.append(str(path))
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["compare", *files, "--baseline", "status-quo"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= columns
    assert out.count("american-equity-fund-locked") >= 1


def test_report_shows_a_sweeps_bands_and_what_each_effect_depends_on(tmp_path, capsys):
    base, fund = tmp_path / "base.yaml", tmp_path / "fund.yaml"
    base.write_text("name: base\nextends: status-quo\nyears: 3\npopulation: {size: 1500}\n")
    fund.write_text("name: fund\nextends: american-equity-fund\nyears: 3\npopulation: {size: 1500}\n")
    sweep_dir, rep = tmp_path / "sw", tmp_path / "rep"
    assert main(["sweep", str(fund), "--baseline", str(base), "--method", "sobol", "--draws", "2", "--workers", "1",
                 "--parameters", "politics.plutocracy,labour.eti_broad", "--out", str(sweep_dir), "--no-store"]) == 0
    assert main(["report", str(base), str(fund), "--baseline", "base", "--sweep", str(sweep_dir), "--out", str(rep),
                 "--no-store"]) == 0
    page = (rep / "report.html").read_text()
    assert '<section id="depends">' in page and 'data-chart="sensitivity-' in page
    assert "10–90 % over 8 draws" in page  # the headline's costs carry the sweep's band
    assert "Shaded: the 10th to 90th percentile over 8 draws of a sweep at 1,500 records, placed around" in page
    other = tmp_path / "other.yaml"
    other.write_text("name: other\nextends: status-quo\nyears: 3\npopulation: {size: 1500}\n")
    capsys.readouterr()
    code = main(["report", str(other), str(fund), "--baseline", "other", "--sweep", str(sweep_dir), "--out",
                 str(tmp_path / "rep2"), "--no-store"])
    assert code == 2 and "not this report's baseline" in capsys.readouterr().err
    assert not (tmp_path / "rep2").exists()


@pytest.mark.parametrize("extra, message", [
    (["--workers", "0"], "--workers has value 0"),
    (["--seed", "-1"], "--seed has value -1"),
    (["--address", "x:1"], "allowed only with --backend ray"),
])
def test_sweep_refuses_bad_execution_settings_before_any_output(tmp_path, capsys, extra, message):
    out = tmp_path / "sweep"
    assert main(["sweep", "american-equity-fund", "--out", str(out), "--no-store", *extra]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "sweep:" not in captured.out and not out.exists()


def test_report_refuses_a_folder_that_is_not_a_sweep(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "run.json").write_text('{"sweep": {}}')
    (folder / "effect_bands.csv").write_text("a,b\n1,2\n")
    (folder / "sensitivity.csv").write_text("scenario,metric,parameter,index,value\n")
    out = tmp_path / "rep"
    assert main(["report", "american-equity-fund", "--sweep", str(folder), "--out", str(out), "--no-store"]) == 2
    assert "effect_bands.csv lacks the columns" in capsys.readouterr().err and not out.exists()
    assert main(["report", "american-equity-fund", "--sweep", str(tmp_path / "none"), "--out", str(out),
                 "--no-store"]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_params_uncertain_with_no_match_is_a_clear_error(capsys):
    assert main(["params", "zzz", "--uncertain"]) == 2
    assert "no uncertain parameter matches 'zzz'" in capsys.readouterr().err


def test_the_command_lines_parser_is_built_without_importing_the_sweep_or_the_engine():
    """Every command builds the whole parser first; the sweep's choices (commonwealth.sweep_choices) and the
    interactive size (commonwealth.interactive) come from modules of their own, so a light command (--help,
    runs) does not pay for pandas, SciPy and Numba."""
    code = ("import sys; import commonwealth.cli as cli; cli.build_parser(); "
            "print(*(m in sys.modules for m in ('commonwealth.sweep', 'commonwealth.engine', 'scipy', 'pandas')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "False", "False"]
