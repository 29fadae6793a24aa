"""The wheel carries what the package needs at run time: the code, the parameters, the calibration data, the
built-in scenarios and their expected outputs, and the dashboard; its distribution name is commonwealth-sim."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_carries_the_data_the_parameters_and_the_dashboard(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    wheels = list(tmp_path.glob("commonwealth_sim-*.whl"))
    assert len(wheels) == 1
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    src = ROOT / "src"
    for pattern in ("commonwealth/**/*.py", "commonwealth/parameters/**/*.yaml", "commonwealth/data/**/*.csv",
                    "commonwealth/scenarios/*.yaml", "commonwealth/scenarios/expected/*.csv",
                    "commonwealth/server/static/*"):
        shipped = {p.relative_to(src).as_posix() for p in src.glob(pattern) if "__pycache__" not in p.parts}
        assert shipped, pattern
        missing = shipped - names
        assert not missing, f"{pattern}: {sorted(missing)[:5]}"
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheels[0]).read(metadata).decode()
    assert "Name: commonwealth-sim" in text and "Requires-Dist: fastapi" in text
    assert any(n.endswith("entry_points.txt") for n in names)
