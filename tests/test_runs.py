"""The run store: runs saved and queried with DuckDB."""

from __future__ import annotations

import pandas as pd
import pytest

from commonwealth import simulate
from commonwealth.cli import main
from commonwealth.errors import UserError
from commonwealth.runs import list_runs, query, save_run


@pytest.fixture(scope="module")
def small():
    return simulate("status-quo", size=1_000, years=2)


def test_saved_runs_are_listed_and_queryable(small, tmp_path):
    save_run(small.results, tmp_path)
    save_run(small.results, tmp_path)
    runs = list_runs(tmp_path)
    assert len(runs) == 2 and set(runs.scenarios) == {"status-quo"}
    frame = query("SELECT run, count(*) AS n FROM metrics WHERE metric = 'gdp' GROUP BY run", tmp_path)
    assert sorted(frame.n) == [3, 3]


def test_bad_sql_and_empty_store_are_user_errors(small, tmp_path):
    with pytest.raises(UserError, match="no runs stored"):
        query("SELECT 1", tmp_path / "empty")
    save_run(small.results, tmp_path)
    with pytest.raises(UserError, match="DuckDB"):
        query("SELEC nonsense", tmp_path)


def test_cli_run_stores_and_runs_lists(tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\nextends: status-quo\nyears: 2\npopulation: {size: 1000}\n")
    store = tmp_path / "store"
    assert main(["run", str(scenario), "--out", str(tmp_path / "out"), "--runs-dir", str(store)]) == 0
    assert main(["runs", "--runs-dir", str(store)]) == 0
    assert "s" in capsys.readouterr().out
    assert main(["runs", "--runs-dir", str(store), "--sql", "SELECT count(*) AS n FROM metrics"]) == 0


# --- crash safety --------------------------------------------------------------------------------------------


def _fake():
    from fakes import fake_results

    return fake_results()


def _truncate(entry):
    data = (entry / "metrics.parquet").read_bytes()
    (entry / "metrics.parquet").write_bytes(data[: len(data) // 2])


def _garbage_parquet(entry):
    (entry / "metrics.parquet").write_bytes(b"PAR1 not really")


BREAKAGES = {
    "no run.json": lambda e: (e / "run.json").unlink(),
    "no metrics.parquet": lambda e: (e / "metrics.parquet").unlink(),
    "truncated parquet": _truncate,
    "garbage parquet": _garbage_parquet,
    "bad json": lambda e: (e / "run.json").write_text("{\"scenarios\": ["),
    "json not a record": lambda e: (e / "run.json").write_text("[1, 2]"),
    "empty entry": lambda e: [p.unlink() for p in e.iterdir()],
}


@pytest.mark.parametrize("case", BREAKAGES, ids=list(BREAKAGES))
def test_unreadable_entries_are_skipped_with_a_warning_and_pruned(case, tmp_path, capsys):
    from commonwealth.runs import prune

    good = save_run(_fake(), tmp_path)
    bad = save_run(_fake(), tmp_path)
    BREAKAGES[case](bad)
    warnings: list[str] = []
    runs = list_runs(tmp_path, warnings)
    assert list(runs.run) == [good.name]
    assert len(warnings) == 1 and bad.name in warnings[0] and "\n" not in warnings[0]
    assert len(query("SELECT DISTINCT run FROM metrics", tmp_path, [])) == 1
    assert main(["runs", "--runs-dir", str(tmp_path)]) == 0
    assert main(["runs", "--runs-dir", str(tmp_path), "--sql", "SELECT count(*) FROM metrics"]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and bad.name in err
    assert [line.split()[0] for line in prune(tmp_path)] == ["removed"]
    assert not bad.exists() and good.exists()


def test_prune_removes_stale_temps_and_keeps_what_is_not_ours(tmp_path, capsys):
    import subprocess
    import sys

    save_run(_fake(), tmp_path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".tmp-{dead.pid}-abc123"
    stale.mkdir()
    (stale / "metrics.parquet").write_bytes(b"half")
    foreign = tmp_path / "my-notes"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    (tmp_path / "loose.txt").write_text("mine")
    assert len(list_runs(tmp_path, [])) == 1
    assert main(["runs", "--runs-dir", str(tmp_path), "--prune"]) == 0
    out = capsys.readouterr().out
    assert "removed" in out and stale.name in out and "kept" in out and "my-notes" in out
    assert not stale.exists() and (foreign / "notes.txt").exists() and (tmp_path / "loose.txt").exists()


@pytest.mark.parametrize("kind", ["file", "under a file"])
def test_a_store_that_is_a_file_is_a_user_error(kind, tmp_path):
    from commonwealth.runs import check_store

    (tmp_path / "f").write_text("mine")
    store = tmp_path / "f" if kind == "file" else tmp_path / "f" / "runs"
    with pytest.raises(UserError, match="is a file"):
        check_store(store)
    with pytest.raises(UserError, match="is a file"):
        save_run(_fake(), store)
    assert (tmp_path / "f").read_text() == "mine"


WRITERS = """
import sys, time
sys.path[:0] = [{tests!r}, {src!r}]
from fakes import fake_results
from commonwealth.runs import save_run
results = fake_results()
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
for _ in range(6):
    save_run(results, sys.argv[1])
"""


def test_concurrent_writers_both_complete(tmp_path):
    import subprocess
    import sys
    import time
    from pathlib import Path

    here = Path(__file__).resolve().parent
    script = WRITERS.format(tests=str(here), src=str(here.parent / "src"))
    start = time.time() + 8  # both import, then write at the same moment (same names within a second)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path), str(start)]) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    warnings: list[str] = []
    assert len(list_runs(tmp_path, warnings)) == 12 and warnings == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# --- read-only SQL -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("store")
    save_run(_fake(), root)
    return root


HOSTILE = [
    "COPY metrics TO '{tmp}/copied.csv'",
    "COPY (SELECT 1) TO '{tmp}/dir' (FORMAT csv, OVERWRITE)",
    "COPY metrics TO 'here.parquet' (FORMAT parquet)",
    "COPY metrics FROM '{tmp}/x.csv'",
    "ATTACH '{tmp}/x.db'",
    "ATTACH 'here.db' AS h",
    "DETACH memory",
    "CREATE TABLE t AS SELECT 1",
    "CREATE VIEW v AS SELECT 1",
    "CREATE SECRET s (TYPE s3)",
    "INSERT INTO metrics SELECT * FROM metrics",
    "UPDATE metrics SET value = 0",
    "DELETE FROM metrics",
    "DROP VIEW metrics",
    "DROP TABLE metrics",
    "ALTER TABLE metrics RENAME TO m",
    "PRAGMA enable_profiling",
    "PRAGMA database_list",
    "SET enable_external_access = true",
    "RESET enable_external_access",
    "SET threads = 1",
    "INSTALL httpfs",
    "LOAD httpfs",
    "FORCE INSTALL httpfs",
    "CALL pragma_version()",
    "CHECKPOINT",
    "VACUUM",
    "BEGIN TRANSACTION",
    "EXPORT DATABASE '{tmp}/exported'",
    "IMPORT DATABASE '{tmp}/exported'",
    "USE memory",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_parquet('{tmp}/other.parquet')",
    "SELECT * FROM '{tmp}/other.parquet'",
    "SELECT * FROM glob('/etc/*')",
    "SELECT 1; COPY (SELECT 1) TO '{tmp}/second.csv'",
    "SELECT 1; SELECT 2",
    "WITH a AS (SELECT 1) COPY a TO '{tmp}/with.csv'",
    "EXPLAIN ANALYZE COPY (SELECT 1) TO '{tmp}/explained.csv'",
    "EXPLAIN COPY (SELECT 1) TO '{tmp}/explained.csv'",
    "EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1",
    "PIVOT metrics ON scenario USING sum(value)",
    "PREPARE p AS SELECT 1",
    "",
    "   ",
    "SELEC nonsense",
    "SELECT no_such_column FROM metrics",
]


@pytest.mark.parametrize("sql", HOSTILE)
def test_every_non_query_is_refused_and_no_file_appears(sql, store, tmp_path, monkeypatch, capsys):
    work, target = tmp_path / "work", tmp_path / "target"
    work.mkdir()
    target.mkdir()
    pd.DataFrame({"a": [1]}).to_parquet(target / "other.parquet")
    (target / "x.csv").write_text("scenario,year,metric,value,unit\n")
    monkeypatch.chdir(work)
    before_store = sorted(p.name for p in store.rglob("*"))
    before_target = sorted(p.name for p in target.rglob("*"))
    assert main(["runs", "--runs-dir", str(store), "--sql", sql.format(tmp=target)]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err
    assert list(work.iterdir()) == []
    assert sorted(p.name for p in target.rglob("*")) == before_target
    assert sorted(p.name for p in store.rglob("*")) == before_store


LOCKED = [
    "COPY metrics TO '{tmp}/copied.csv'",
    "COPY (SELECT 1) TO '{tmp}' (FORMAT csv, OVERWRITE)",
    "ATTACH '{tmp}/x.db'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "RESET lock_configuration",
    "EXPORT DATABASE '{tmp}/exported'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_parquet('{tmp}/other.parquet')",
]


@pytest.mark.parametrize("sql", LOCKED)
def test_the_connection_itself_refuses_files_without_the_statement_check(sql, store, tmp_path, monkeypatch):
    """Read-only by construction: even with the statement check switched off, DuckDB refuses."""
    import commonwealth.runs as runs

    monkeypatch.setattr(runs, "check_query", lambda sql: None)
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "other.parquet")
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(UserError, match="DuckDB"):
        runs.query(sql.format(tmp=tmp_path), store, [])
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


ALLOWED = {
    "SELECT count(*) AS n FROM metrics": 1,
    "SELECT 'a;b' AS x, count(*) FROM metrics WHERE metric <> 'x; DROP VIEW metrics'": 1,
    "WITH g AS (SELECT * FROM metrics WHERE metric = 'gdp') SELECT year, value FROM g ORDER BY year": 3,
    "DESCRIBE metrics": None,
    "SHOW TABLES": 1,
    "SUMMARIZE metrics": None,
    "VALUES (1), (2)": 2,
    "FROM metrics LIMIT 2": 2,
    "TABLE metrics": 6,
    "EXPLAIN SELECT * FROM metrics": None,
    "EXPLAIN ANALYZE SELECT count(*) FROM metrics": None,
    "SELECT count(*) FROM metrics;": 1,
}


@pytest.mark.parametrize("sql", ALLOWED)
def test_queries_still_work(sql, store):
    frame = query(sql, store, [])
    if ALLOWED[sql] is not None:
        assert len(frame) == ALLOWED[sql]
    else:
        assert len(frame) > 0
