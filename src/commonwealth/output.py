"""The output contract (DESIGN §4): metrics.parquet, metrics.csv and run.json, written atomically.

Files are written to a temporary directory beside the destination and renamed into place, so a
failed run leaves nothing half-written. ``run.json`` depends only on the inputs, so the same inputs
and seed give byte-identical files; wall-clock timings go to ``timings.json``.
"""

from __future__ import annotations

import json
import platform
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from commonwealth.engine import ScenarioResult
from commonwealth.errors import UserError
from commonwealth.version import __version__

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


def write_outputs(results: Sequence[ScenarioResult], out_dir: Path) -> Path:
    """Write the contract into ``out_dir`` atomically; returns the directory."""
    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"--out {out_dir} exists and is not a directory; allowed: a directory path.")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=parent))
    except OSError as exc:
        raise UserError(f"--out {out_dir}: cannot create the output directory ({exc.strerror}).") from None
    try:
        frame = combined_metrics(results)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(table, tmp / "metrics.parquet", compression="zstd")
        frame.to_csv(tmp / "metrics.csv", index=False, lineterminator="\n")
        (tmp / "run.json").write_text(json.dumps(run_record(results), indent=2, sort_keys=True) + "\n")
        timings = {
            "python": platform.python_version(),
            "seconds": {r.scenario.name: round(r.seconds, 3) for r in results},
        }
        (tmp / "timings.json").write_text(json.dumps(timings, indent=2, sort_keys=True) + "\n")
        old = None
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=parent))
            out_dir.rename(old / "previous")
        tmp.chmod(0o755)
        tmp.rename(out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
