"""Output folders: only absent, empty or previous commonwealth outputs are written; publication is atomic,
kills leave the old or the new output, and stale folders of ours are cleaned up by the next run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from commonwealth import cli
from commonwealth.errors import EXIT_INTERNAL_ERROR, UserError
from commonwealth.outdir import MARKER, check_out_dir, clean_stale, input_paths, staged_output
from commonwealth.output import write_outputs
from fakes import fake_results

CONTRACT = {"metrics.parquet", "metrics.csv", "run.json", "timings.json", MARKER}
SRC = Path(__file__).resolve().parent.parent / "src"
TESTS = Path(__file__).resolve().parent


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (None for folders)."""
    return {str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes()) for p in sorted(root.rglob("*"))}


def assert_complete(out: Path) -> set[str]:
    """``out`` is one whole output: its marker lists exactly its files and the Parquet reads."""
    record = json.loads((out / MARKER).read_text())
    files = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert files == set(record["files"]) | {MARKER}
    pd.read_parquet(out / "metrics.parquet")
    json.loads((out / "run.json").read_text())
    return files


def siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture(scope="module")
def results():
    return fake_results()


@pytest.fixture
def scenario(tmp_path) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text("name: t\nextends: status-quo\nyears: 2\npopulation: {size: 2000}\n")
    return path


# --- refusals ------------------------------------------------------------------------------------------------


def _user_folder(tmp: Path) -> Path:
    (tmp / "project").mkdir()
    (tmp / "project" / "notes.txt").write_text("mine")
    return tmp / "project"


def _output_plus_user_file(tmp: Path) -> Path:
    write_outputs(fake_results(), tmp / "prev", inputs=[])
    (tmp / "prev" / "mine.txt").write_text("mine")
    return tmp / "prev"


def _foreign_marker(tmp: Path) -> Path:
    (tmp / "f").mkdir()
    (tmp / "f" / MARKER).write_text("not json")
    (tmp / "f" / "data.csv").write_text("1,2")
    return tmp / "f"


def _a_file(tmp: Path) -> Path:
    (tmp / "file").write_text("mine")
    return tmp / "file"


def _under_a_file(tmp: Path) -> Path:
    (tmp / "file").write_text("mine")
    return tmp / "file" / "out"


def _symlink(tmp: Path) -> Path:
    (tmp / "real").mkdir()
    (tmp / "link").symlink_to(tmp / "real")
    return tmp / "link"


REFUSED = {
    "user's folder": (_user_folder, "not a commonwealth output"),
    "previous output plus a user's file": (_output_plus_user_file, "mine.txt"),
    "foreign marker": (_foreign_marker, "not a commonwealth output"),
    "a file": (_a_file, "is a file"),
    "under a file": (_under_a_file, "is a file"),
    "symlink": (_symlink, "symbolic link"),
    "cwd": (lambda tmp: Path("."), "working directory"),
    "parent of cwd": (lambda tmp: Path(".."), "working directory"),
    "root": (lambda tmp: Path("/"), "working directory"),
    "cwd spelt absolutely": (lambda tmp: tmp.resolve(), "working directory"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_refused_out_dirs_are_left_untouched(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make, message = REFUSED[case]
    out = make(tmp_path)
    before = tree(tmp_path)
    with pytest.raises(UserError, match=message):
        check_out_dir(out)
    with pytest.raises(UserError, match=message):
        write_outputs(fake_results(), out, inputs=[])
    assert tree(tmp_path) == before


@pytest.mark.parametrize("depth", ["here", "deep/er"])
def test_out_containing_an_input_file_is_refused(depth, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "proj"
    (folder / depth).mkdir(parents=True)
    scenario = folder / depth / "s.yaml"
    scenario.write_text("name: s\nextends: status-quo\nyears: 2\n")
    before = tree(tmp_path)
    with pytest.raises(UserError, match="contains the input file"):
        write_outputs(fake_results(source=scenario), folder)
    assert tree(tmp_path) == before


def test_input_paths_skip_builtins(scenario):
    assert input_paths(fake_results()) == []
    assert input_paths(fake_results(source=scenario)) == [scenario.resolve()]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_parent_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(UserError, match="permission denied"):
            check_out_dir(locked / "out")
    finally:
        locked.chmod(0o700)


def _no_simulation(*args, **kwargs):
    raise AssertionError("simulated before checking --out")


CLI_REFUSED = {
    "run .": ["run", "{s}", "--out", "."],
    "run ..": ["run", "{s}", "--out", ".."],
    "run into the scenario's folder": ["run", "{s}", "--out", "{tmp}"],
    "run into a user's folder": ["run", "{s}", "--out", "project"],
    "run onto a file": ["run", "{s}", "--out", "t.yaml"],
    "run with a store that is a file": ["run", "{s}", "--out", "out", "--runs-dir", "store-file"],
    "run with a store under a file": ["run", "{s}", "--out", "out", "--runs-dir", "store-file/runs"],
    "run with the store inside --out": ["run", "{s}", "--out", "out", "--runs-dir", "out/runs"],
    "report .": ["report", "{s}", "--baseline", "t", "--out", "."],
    "report into a user's folder": ["report", "{s}", "--baseline", "t", "--out", "project"],
    "report with a store that is a file": ["report", "{s}", "--baseline", "t", "--out", "o", "--runs-dir",
                                           "store-file"],
    "compare .": ["compare", "{s}", "--baseline", "t", "--out", "."],
    "compare into the scenario's folder": ["compare", "{s}", "--baseline", "t", "--out", "{tmp}"],
}


@pytest.mark.parametrize("case", CLI_REFUSED, ids=list(CLI_REFUSED))
def test_cli_refuses_before_simulating_and_touches_nothing(case, tmp_path, scenario, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "_simulate", _no_simulation)
    _user_folder(tmp_path)
    (tmp_path / "store-file").write_text("mine")
    before = tree(tmp_path)
    argv = [a.format(s=scenario, tmp=tmp_path) for a in CLI_REFUSED[case]]
    assert cli.main(argv) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "error:" in err and "Traceback" not in err
    assert tree(tmp_path) == before


# --- publication ---------------------------------------------------------------------------------------------


def test_write_replace_and_no_siblings(tmp_path, results):
    out = tmp_path / "out"
    write_outputs(results, out, inputs=[])
    assert assert_complete(out) == CONTRACT
    first = (out / "metrics.parquet").read_bytes()
    write_outputs(fake_results(years=3), out, inputs=[])
    assert assert_complete(out) == CONTRACT
    assert (out / "metrics.parquet").read_bytes() != first
    assert siblings(out) == []
    (tmp_path / "empty").mkdir()
    write_outputs(results, tmp_path / "empty", inputs=[])  # an empty folder is fine too
    assert assert_complete(tmp_path / "empty") == CONTRACT


def test_staged_output_publishes_nested_files_and_replaces_them(tmp_path):
    out = tmp_path / "rep"
    with staged_output(out) as tmp:
        (tmp / "charts").mkdir()
        (tmp / "charts" / "a.svg").write_text("<svg/>")
        (tmp / "report.html").write_text("<html/>")
    record = json.loads((out / MARKER).read_text())
    assert record["files"] == ["charts/a.svg", "report.html"] and record["package"] == "commonwealth"
    with staged_output(out) as tmp:
        (tmp / "report.html").write_text("<html>2</html>")
    assert (out / "report.html").read_text() == "<html>2</html>" and not (out / "charts").exists()
    assert siblings(out) == []


def test_a_failure_while_staging_leaves_the_previous_output(tmp_path, results):
    out = tmp_path / "out"
    write_outputs(results, out, inputs=[])
    before = tree(out)
    with pytest.raises(RuntimeError, match="boom"), staged_output(out) as tmp:
        (tmp / "half.csv").write_text("1")
        raise RuntimeError("boom")
    assert tree(out) == before and siblings(out) == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_folders_of_ours_are_cleaned_and_nothing_else(tmp_path, results):
    out = tmp_path / "out"
    dead = _dead_pid()
    ours = []
    for kind in ("tmp", "trash"):
        stale = tmp_path / f".out.commonwealth-{kind}-{dead}-abcd1234"
        stale.mkdir()
        (stale / MARKER).write_text(json.dumps({"package": "commonwealth", "state": "staging"}))
        (stale / "metrics.csv").write_text("half")
        ours.append(stale)
    empty = tmp_path / f".out.commonwealth-tmp-{dead}-00ff"  # killed before its marker was written
    empty.mkdir()
    ours.append(empty)
    keep = [tmp_path / f".out.commonwealth-tmp-{dead}-beef", tmp_path / f".out.commonwealth-tmp-{os.getpid()}-1234",
            tmp_path / ".out.backup"]
    for path in keep:
        path.mkdir()
        (path / "mine.txt").write_text("mine")  # no marker, or a live process: not ours to remove
    (keep[1] / MARKER).write_text(json.dumps({"package": "commonwealth"}))
    write_outputs(results, out, inputs=[])
    assert all(not p.exists() for p in ours)
    assert all((p / "mine.txt").exists() for p in keep)
    assert clean_stale(out) == []


# --- kills ---------------------------------------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    sys.path[:0] = [{tests!r}, {src!r}]
    from fakes import fake_results
    from commonwealth.output import write_outputs
    from commonwealth.outdir import staged_output
    from commonwealth.runs import save_run
    out, store = sys.argv[1], sys.argv[2]
    results = [fake_results(years=2), fake_results(years=5)]
    print("ready", flush=True)
    k = 0
    while True:
        k += 1
        write_outputs(results[k % 2], out, inputs=[])
        with staged_output(out + "-report") as tmp:
            (tmp / "charts").mkdir()
            for i in range(20):
                (tmp / "charts" / f"c{{i}}.svg").write_text("<svg/>" * 500)
            (tmp / "report.html").write_text("<html/>")
        save_run(results[k % 2], store)
""")


def check_after_kill(out: Path, store: Path) -> None:
    """The folder is absent or one whole output; `runs` works; the next write cleans up and succeeds."""
    if out.exists():
        assert assert_complete(out) == CONTRACT
    report = out.parent / f"{out.name}-report"
    if report.exists():
        files = {str(p.relative_to(report)) for p in report.rglob("*") if p.is_file()}
        assert files == set(json.loads((report / MARKER).read_text())["files"]) | {MARKER}
        assert len(files) == 22
    assert cli.main(["runs", "--runs-dir", str(store)]) == 0
    write_outputs(fake_results(), out, inputs=[])
    assert assert_complete(out) == CONTRACT and siblings(out) == []


@pytest.mark.slow
def test_sigkill_at_random_moments_of_publication(tmp_path, capsys):
    """Dense kills of a process that publishes outputs and store entries in a loop."""
    rng = random.Random(10)
    out, store = tmp_path / "out", tmp_path / "store"
    script = WRITER.format(tests=str(TESTS), src=str(SRC))
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-c", script, str(out), str(store)], stdout=subprocess.PIPE,
                                text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        check_after_kill(out, store)
    assert cli.main(["runs", "--runs-dir", str(store), "--prune"]) == 0
    assert not [p for p in store.iterdir() if p.name.startswith(".")]
    capsys.readouterr()


@pytest.mark.slow
@pytest.mark.parametrize("command", ["run", "report"])
def test_sigkill_of_the_cli_never_breaks_runs_or_the_next_run(command, tmp_path):
    """The real CLI on a tiny scenario, killed after seeded random delays around its running time."""
    scenario = tmp_path / "t.yaml"
    scenario.write_text("name: t\nextends: status-quo\nyears: 2\npopulation: {size: 2000}\n")
    out, store = tmp_path / "out", tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": str(SRC), "COMMONWEALTH_RUNS": str(store)}
    argv = [sys.executable, "-m", "commonwealth", command, str(scenario), "--out", str(out)]
    if command == "report":
        argv += ["--baseline", "t"]
    started = time.monotonic()
    subprocess.run(argv, env=env, check=True, capture_output=True, timeout=600)
    duration = time.monotonic() - started
    old = tree(out)
    rng = random.Random(command)
    for _ in range(3 if command == "run" else 1):  # report is slow: one kill, late in its run (seeded)
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.6, 1.02) * duration)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if out.exists():
            assert assert_complete(out)
            new = tree(out)
            assert set(new) == set(old)  # the old output or the new one (same files; timings differ)
        listing = subprocess.run([sys.executable, "-m", "commonwealth", "runs"], env=env, capture_output=True,
                                 text=True, timeout=120)
        assert listing.returncode == 0 and "Traceback" not in listing.stderr
    subprocess.run(argv, env=env, check=True, capture_output=True, timeout=600)
    assert assert_complete(out) and siblings(out) == []
    assert not [p for p in store.iterdir() if p.name.startswith(".")]


def test_report_is_one_publication(tmp_path, scenario, monkeypatch, capsys):
    """report's metrics, report.html and charts/ appear together, or (on a failure) not at all."""
    import commonwealth.report as report

    def fake_write_report(results, comparison, out_dir, *, command, **_):
        (Path(out_dir) / "charts").mkdir()
        (Path(out_dir) / "charts" / "a.svg").write_text("<svg/>")
        (Path(out_dir) / "report.html").write_text(command)
        return Path(out_dir) / "report.html"

    def failing_write_report(results, comparison, out_dir, *, command, **_):
        (Path(out_dir) / "report.html").write_text("half")
        raise RuntimeError("chart export failed")

    out = tmp_path / "rep"
    monkeypatch.setattr(report, "write_report", fake_write_report)
    argv = ["report", str(scenario), "--baseline", "t", "--out", str(out), "--no-store"]
    assert cli.main(argv) == 0
    assert assert_complete(out) == CONTRACT | {"report.html", "charts/a.svg"}
    assert "report.html" in capsys.readouterr().out
    before = tree(out)
    monkeypatch.setattr(report, "write_report", failing_write_report)
    assert cli.main(argv) == EXIT_INTERNAL_ERROR  # reported in one paragraph, not a traceback
    assert "chart export failed" in capsys.readouterr().err
    assert tree(out) == before and siblings(out) == []


def test_a_staging_folder_killed_while_writing_its_marker_is_cleaned_and_a_users_file_kept(tmp_path):
    from commonwealth.outdir import MARKER, clean_stale

    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(done.stdout)  # a process id that is no longer alive
    target = tmp_path / "out"
    half = tmp_path / f".out.commonwealth-tmp-{dead}-0a1b2c3d"
    half.mkdir()
    (half / MARKER).write_text('{"package": "commonw')  # killed mid-write (an old, non-atomic marker)
    tmp_only = tmp_path / f".out.commonwealth-tmp-{dead}-0a1b2c3e"
    tmp_only.mkdir()
    (tmp_only / f"{MARKER}.tmp").write_text('{"pack')  # killed while writing the marker's temporary file
    foreign = tmp_path / f".out.commonwealth-tmp-{dead}-0a1b2c3f"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    removed = clean_stale(target)
    assert sorted(removed) == sorted([half.resolve(), tmp_only.resolve()])
    assert not half.exists() and not tmp_only.exists() and (foreign / "notes.txt").read_text() == "mine"
