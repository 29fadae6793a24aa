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
import re
import secrets
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from commonwealth.engine import ScenarioResult
from commonwealth.errors import UserError
from commonwealth.outdir import _pid_alive, rename_noreplace
from commonwealth.output import write_contract

#: Files an entry must hold, and the files an entry of ours may hold.
REQUIRED = ("metrics.parquet", "run.json")
OURS = {"metrics.parquet", "run.json", "metrics.csv", "timings.json",
        "central.parquet", "bands.csv", "effect_bands.csv", "sensitivity.csv"}  # the last four: sweeps
_ENTRY = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{10}(?:-\d+)?")
_TEMP = re.compile(r"\.tmp-(\d+)-[0-9a-f]+")
#: Statement types ``--sql`` runs: queries only (DESCRIBE, SHOW, SUMMARIZE, VALUES, FROM-first, TABLE parse as SELECT).
QUERY_TYPES = ("SELECT", "EXPLAIN")


def runs_dir(path: str | Path | None = None) -> Path:
    return Path(path or os.environ.get("COMMONWEALTH_RUNS") or "runs")


def check_store(path: str | Path | None = None) -> Path:
    """Refuse a store we cannot write (a file, an unwritable folder) before any work; returns it."""
    root = runs_dir(path)
    if root.exists() or root.is_symlink():
        if not root.is_dir():
            raise UserError(f"run store {root} is a file, not a folder; allowed: a folder (--runs-dir, "
                            "$COMMONWEALTH_RUNS), or --no-store.")
        if not os.access(root, os.W_OK | os.X_OK):
            raise UserError(f"run store {root}: cannot write in it (permission denied); choose another folder "
                            "with --runs-dir, or --no-store.")
        return root
    for ancestor in root.absolute().parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise UserError(f"run store {root}: {ancestor} is a file, not a folder; allowed: a folder path.")
            if not os.access(ancestor, os.W_OK | os.X_OK):
                raise UserError(f"run store {root}: cannot create it in {ancestor} (permission denied); choose "
                                "another folder with --runs-dir, or --no-store.")
            break
    return root


def save_run(results: Sequence[ScenarioResult], root: str | Path | None = None,
             out_dir: Path | None = None) -> Path:
    """Store a run; copies ``out_dir``'s contract files when given, else writes them.

    The entry is written as ``.tmp-<pid>-<random>`` in the store and published by one rename onto a name that
    does not exist yet, so readers never see half an entry and concurrent writers never share one.
    """
    digest = hashlib.sha256("".join(r.scenario.digest for r in results).encode()).hexdigest()[:10]

    def write(tmp: Path) -> None:
        if out_dir is not None:
            for name in REQUIRED:
                shutil.copyfile(Path(out_dir) / name, tmp / name)
        else:
            write_contract(results, tmp)

    return save_entry(write, digest, root)


def save_entry(write, digest: str, root: str | Path | None = None) -> Path:
    """Publish a store entry whose files ``write(tmp)`` puts into a fresh temporary folder (see save_run)."""
    root = check_store(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"run store {root}: cannot create it ({exc.strerror}).") from None
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for stale in scan(root).temps:  # left by a killed run
        shutil.rmtree(stale, ignore_errors=True)
    tmp = root / f".tmp-{os.getpid()}-{secrets.token_hex(6)}"
    try:
        tmp.mkdir()
        write(tmp)
        n = 1
        while True:
            target = root / (f"{now}-{digest}" if n == 1 else f"{now}-{digest}-{n}")
            try:
                rename_noreplace(tmp, target)
                return target
            except FileExistsError:  # two runs of the same scenarios within a second
                n += 1
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@dataclass
class Store:
    """What a store holds: complete entries, unreadable ones (with the reason) and stale temporary folders."""

    root: Path
    entries: list[Path] = field(default_factory=list)
    broken: list[tuple[Path, str]] = field(default_factory=list)
    temps: list[Path] = field(default_factory=list)

    def warnings(self) -> list[str]:
        return [f"skipping {path}: {why} (remove with `commonwealth runs --prune`)" if _ours(path)
                else f"skipping {path}: {why}" for path, why in self.broken]


def _ours(path: Path) -> bool:
    if not _ENTRY.fullmatch(path.name):
        return False
    try:
        return all(p.is_file() and not p.is_symlink() and p.name in OURS for p in path.iterdir())
    except OSError:
        return False


def _problem(entry: Path) -> str | None:
    import pyarrow.parquet as pq

    for name in REQUIRED:
        if not (entry / name).is_file():
            return f"incomplete entry, no {name}"
    try:
        record = json.loads((entry / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"unreadable run.json ({type(exc).__name__})"
    if not isinstance(record, dict) or not isinstance(record.get("scenarios"), list) or not all(
            isinstance(s, dict) for s in record["scenarios"]):
        return "run.json is not a commonwealth run record"
    try:
        table = pq.read_table(entry / "metrics.parquet")
    except Exception as exc:  # pyarrow raises several classes for truncated or corrupt files
        return f"unreadable metrics.parquet ({str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__})"
    missing = {"scenario", "year", "metric", "value", "unit"} - set(table.column_names)
    if missing:
        return f"metrics.parquet lacks the columns {', '.join(sorted(missing))}"
    return None


def scan(root: str | Path | None = None) -> Store:
    """Sort a store's folders into complete entries, broken ones and stale temporary folders."""
    store = Store(runs_dir(root))
    if not store.root.is_dir():
        return store
    try:
        children = sorted(store.root.iterdir())
    except OSError as exc:
        raise UserError(f"run store {store.root}: cannot read it ({exc.strerror}).") from None
    for path in children:
        if path.name.startswith("."):
            match = _TEMP.fullmatch(path.name)
            if match and path.is_dir() and not path.is_symlink() and not _pid_alive(int(match.group(1))):
                store.temps.append(path)
            continue
        if not path.is_dir() or path.is_symlink():
            continue  # not an entry: a user's file is left alone
        why = _problem(path)
        if why is None:
            store.entries.append(path)
        else:
            store.broken.append((path, why))
    return store


def _report(store: Store, warnings: list[str] | None) -> None:
    messages = store.warnings()
    if warnings is not None:
        warnings.extend(messages)
    else:
        for message in messages:
            print(f"warning: {message}", file=sys.stderr)


def prune(root: str | Path | None = None) -> list[str]:
    """Remove incomplete entries and stale temporary folders of ours; returns what was removed (and kept)."""
    store = scan(root)
    done = []
    for path in store.temps:
        shutil.rmtree(path, ignore_errors=True)
        done.append(f"removed {path} (temporary folder of an interrupted run)")
    for path, why in store.broken:
        if _ours(path):
            shutil.rmtree(path, ignore_errors=True)
            done.append(f"removed {path} ({why})")
        else:
            done.append(f"kept {path} ({why}; not an entry commonwealth wrote, left for you to check)")
    return done


def _connect():
    import duckdb

    return duckdb.connect(":memory:")


def _sql_list(files: Sequence[Path]) -> str:
    return "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"


def list_runs(root: str | Path | None = None, warnings: list[str] | None = None) -> pd.DataFrame:
    """One row per stored run: id, scenarios, years, records. Unreadable entries are skipped with a warning
    (appended to ``warnings``, else printed on stderr)."""
    store = scan(root)
    _report(store, warnings)
    files = [e / "metrics.parquet" for e in store.entries]
    if not files:
        return pd.DataFrame(columns=["run", "scenarios", "first_year", "last_year", "population_size"])
    con = _connect()
    frame = con.execute(
        "SELECT regexp_extract(filename, '([^/\\\\]+)[/\\\\]metrics\\.parquet$', 1) AS run, "
        "string_agg(DISTINCT scenario, ', ' ORDER BY scenario) AS scenarios, min(year) AS first_year, "
        f"max(year) AS last_year FROM read_parquet({_sql_list(files)}, filename = true, union_by_name = true) "
        "GROUP BY run ORDER BY run").df()
    sizes = {}
    for f in files:
        record = json.loads((f.parent / "run.json").read_text())
        sizes[f.parent.name] = ", ".join(sorted({str(s.get("population_size")) for s in record["scenarios"]}))
    frame["population_size"] = frame["run"].map(sizes)
    return frame


def check_query(sql: str) -> None:
    """Refuse anything but one query (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, VALUES, EXPLAIN of a query)."""
    import duckdb

    if not sql or not sql.strip():
        raise UserError("--sql is empty; allowed: one query, e.g. --sql \"SELECT * FROM metrics LIMIT 5\".")
    try:
        statements = duckdb.connect(":memory:").extract_statements(sql)
    except duckdb.Error as exc:
        raise UserError(f"--sql: DuckDB could not parse the query: {str(exc).strip()}") from None
    if len(statements) != 1:
        raise UserError(f"--sql holds {len(statements)} statements; allowed: exactly one query.")
    statement = statements[0]
    kind = statement.type.name
    if kind == "EXPLAIN":
        # EXPLAIN ANALYZE runs its statement: the statement explained must itself be a query
        inner = re.sub(r"^\s*EXPLAIN\s+(?:ANALY[SZ]E\s+|\([^)]*\)\s*)?", "", statement.query, flags=re.I)
        try:
            inner_statements = duckdb.connect(":memory:").extract_statements(inner)
        except duckdb.Error:
            inner_statements = []
        if len(inner_statements) != 1 or inner_statements[0].type.name != "SELECT":
            raise UserError("--sql: EXPLAIN of a statement that is not a query is refused; allowed: EXPLAIN "
                            "[ANALYZE] SELECT ...")
        return
    if kind not in QUERY_TYPES:
        raise UserError(f"--sql: a {kind} statement is refused; the run store is read-only. Allowed: one query "
                        "(SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, VALUES, EXPLAIN).")


def query(sql: str, root: str | Path | None = None, warnings: list[str] | None = None) -> pd.DataFrame:
    """Run the query ``sql`` over a table ``metrics`` of every stored run (plus a ``run`` column).

    Read-only by construction: the statement must be one query (:func:`check_query`); the store's valid
    entries are loaded into an in-memory table, and only then is DuckDB's external access switched off and its
    configuration locked, so the query can read, write, attach, install or load no file at all.
    """
    check_query(sql)
    store = scan(root)
    _report(store, warnings)
    files = [e / "metrics.parquet" for e in store.entries]
    if not files:
        raise UserError(f"no runs stored under {store.root}; run `commonwealth run` first (or set COMMONWEALTH_RUNS).")
    con = _connect()
    try:
        con.execute("CREATE TABLE metrics AS SELECT *, "
                    "regexp_extract(filename, '([^/\\\\]+)[/\\\\]metrics\\.parquet$', 1) AS run "
                    f"FROM read_parquet({_sql_list(files)}, filename = true, union_by_name = true)")
    except Exception as exc:  # an entry changed since it was checked
        raise UserError(f"run store {store.root}: could not read the stored runs: {exc}") from None
    for setting in ("SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false",
                    "SET temp_directory = ''", "SET memory_limit = '2GB'",  # no spill files; a bound on memory
                    "SET enable_external_access = false", "SET lock_configuration = true"):
        con.execute(setting)
    try:
        return con.execute(sql).df()
    except Exception as exc:  # duckdb raises its own error classes for the user's SQL
        raise UserError(f"--sql: DuckDB could not run the query: {str(exc).strip()}") from None
