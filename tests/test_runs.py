"""The run store: runs saved and queried with DuckDB."""

from __future__ import annotations

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
