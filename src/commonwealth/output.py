"""The output contract (DESIGN §4): metrics.parquet, metrics.csv and run.json, written atomically.

Files are written to a staging folder beside the destination and renamed into place
(:mod:`commonwealth.outdir`), so a failed or killed run leaves nothing half-written, and a folder that is
not a previous output is never replaced. ``run.json`` depends only on the inputs, so the same inputs
and seed give byte-identical files; wall-clock timings go to ``timings.json``.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from commonwealth import numeric_profile
from commonwealth.engine import ScenarioResult
from commonwealth.outdir import check_out_dir, input_paths, staged_output
from commonwealth.version import __version__

__all__ = ["COLUMNS", "check_out_dir", "combined_metrics", "input_paths", "run_record", "staged_output",
           "write_contract", "write_outputs"]

COLUMNS = ["scenario", "year", "metric", "value", "unit"]


def combined_metrics(results: Sequence[ScenarioResult]) -> pd.DataFrame:
    """The tidy contract; Monte Carlo runs add a ``draw`` column (0 for deterministic scenarios)."""
    if any(r.draws is not None for r in results):
        frames = [r.draws if r.draws is not None else r.metrics.assign(draw=0) for r in results]
        return pd.concat(frames, ignore_index=True)[[*COLUMNS, "draw"]]
    frame = pd.concat([r.metrics for r in results], ignore_index=True)
    return frame[COLUMNS]


def run_record(results: Sequence[ScenarioResult]) -> dict:
    """What produced these metrics: package version, scenarios, their files and hashes."""
    return {
        "package": "commonwealth",
        "version": __version__,
        "numeric_profile": numeric_profile.status(),
        "output_contract": {"columns": COLUMNS, "long_format": True},
        "scenarios": [
            {
                "name": r.scenario.name,
                "files": [_display(s) for s in r.scenario.sources],
                "sha256": r.scenario.digest,
                "seed": r.scenario.seed,
                "start_year": r.scenario.start_year,
                "years": r.scenario.years,
                "saving": r.scenario.saving,
                "ai_preset": r.scenario.ai.preset,
                "population_size": r.scenario.population.size if r.scenario.saving == "households" else None,
                "parameters_overridden": r.scenario.parameters,
            }
            for r in results
        ],
    }


def _display(source: str) -> str:
    path = Path(source)
    builtin = Path(__file__).parent / "scenarios"
    try:
        return f"builtin:{path.resolve().relative_to(builtin.resolve())}"
    except ValueError:
        return str(path)


def write_contract(results: Sequence[ScenarioResult], directory: Path) -> Path:
    """Write the contract files into the existing folder ``directory`` (a staging folder: not atomic)."""
    directory = Path(directory)
    frame = combined_metrics(results)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, directory / "metrics.parquet", compression="zstd")
    frame.to_csv(directory / "metrics.csv", index=False, lineterminator="\n")
    (directory / "run.json").write_text(json.dumps(run_record(results), indent=2, sort_keys=True) + "\n")
    write_timings(results, directory)
    return directory


def write_timings(results: Sequence[ScenarioResult], directory: Path, phases: dict[str, float] | None = None) -> Path:
    """``directory/timings.json``: each scenario's simulation seconds (all its draws) and, when given, the
    command's wall seconds by phase (simulation, tables, charts, writing). Never compared between runs."""
    timings: dict[str, object] = {
        "python": platform.python_version(),
        "seconds": {r.scenario.name: round(r.seconds, 3) for r in results},
    }
    if phases:
        timings["phases"] = {name: round(seconds, 3) for name, seconds in phases.items()}
    path = Path(directory) / "timings.json"
    path.write_text(json.dumps(timings, indent=2, sort_keys=True) + "\n")
    return path


def write_outputs(results: Sequence[ScenarioResult], out_dir: Path,
                  inputs: Sequence[str | Path] | None = None, *, option: str = "--out") -> Path:
    """Write the contract into ``out_dir`` atomically; returns the directory.

    ``out_dir`` must be absent, empty or a previous output (:func:`commonwealth.outdir.check_out_dir`);
    ``inputs`` are the scenario files, which it may not contain (default: the results' own sources).
    """
    inputs = input_paths(results) if inputs is None else inputs
    with staged_output(out_dir, inputs, option=option) as tmp:
        write_contract(results, tmp)
    return Path(out_dir)
