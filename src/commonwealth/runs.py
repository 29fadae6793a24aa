"""The run store: every run saved under a runs directory, queryable with DuckDB.

Each run is a folder ``<runs>/<UTC time>-<hash>/`` holding the output contract (``metrics.parquet``,
``run.json``). DuckDB reads every run's Parquet at once, so a question across runs is one SQL query:

    commonwealth runs --sql "SELECT scenario, max(value) FROM metrics WHERE metric = 'dividend_per_adult' GROUP BY 1"

The directory is ``$COMMONWEALTH_RUNS`` or ``runs/`` under the current directory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from commonwealth.engine import ScenarioResult
from commonwealth.errors import UserError
from commonwealth.output import write_outputs


def runs_dir(path: str | Path | None = None) -> Path:
    return Path(path or os.environ.get("COMMONWEALTH_RUNS") or "runs")


def save_run(results: Sequence[ScenarioResult], root: str | Path | None = None,
             out_dir: Path | None = None) -> Path:
    """Store a run; copies ``out_dir``'s contract files when given, else writes them."""
    root = runs_dir(root)
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    digest = hashlib.sha256("".join(r.scenario.digest for r in results).encode()).hexdigest()[:10]
    target = root / f"{now}-{digest}"
    n = 1
    while target.exists():  # two runs of the same scenarios within a second
        n += 1
        target = root / f"{now}-{digest}-{n}"
    if out_dir is not None:
        target.mkdir(parents=True, exist_ok=True)
        for name in ("metrics.parquet", "run.json"):
            shutil.copy2(Path(out_dir) / name, target / name)
    else:
        write_outputs(results, target)
    return target


def _connect():
    import duckdb

    return duckdb.connect()


def list_runs(root: str | Path | None = None) -> pd.DataFrame:
    """One row per stored run: id, scenarios, years, records."""
    root = runs_dir(root)
    files = sorted(root.glob("*/metrics.parquet"))
    if not files:
        return pd.DataFrame(columns=["run", "scenarios", "first_year", "last_year", "population_size"])
    con = _connect()
    frame = con.execute(
        "SELECT regexp_extract(filename, '([^/\\\\]+)[/\\\\]metrics\\.parquet$', 1) AS run, "
        "string_agg(DISTINCT scenario, ', ' ORDER BY scenario) AS scenarios, min(year) AS first_year, "
        "max(year) AS last_year FROM read_parquet(?, filename = true) GROUP BY run ORDER BY run",
        [[str(f) for f in files]]).df()
    sizes = {}
    for f in files:
        record = json.loads((f.parent / "run.json").read_text())
        sizes[f.parent.name] = ", ".join(sorted({str(s.get("population_size")) for s in record["scenarios"]}))
    frame["population_size"] = frame["run"].map(sizes)
    return frame


def query(sql: str, root: str | Path | None = None) -> pd.DataFrame:
    """Run ``sql`` with a view ``metrics`` over every stored run (plus a ``run`` column)."""
    root = runs_dir(root)
    files = sorted(root.glob("*/metrics.parquet"))
    if not files:
        raise UserError(f"no runs stored under {root}; run `commonwealth run` first (or set COMMONWEALTH_RUNS).")
    con = _connect()
    listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    con.execute("CREATE VIEW metrics AS SELECT *, regexp_extract(filename, '([^/\\\\]+)[/\\\\]metrics\\.parquet$', 1) "
                f"AS run FROM read_parquet([{listed}], filename = true)")
    try:
        return con.execute(sql).df()
    except Exception as exc:  # duckdb raises its own error classes for the user's SQL
        raise UserError(f"--sql: DuckDB could not run the query: {exc}") from None
