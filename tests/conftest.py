"""Shared fixtures: the Korinek & Suh (2024) Table 2 economy."""

from __future__ import annotations

import pytest

from commonwealth.growth import Economy
from commonwealth.technology import automation_path

#: Korinek & Suh (2024), Table 2.
KS = {"rho": 0.04, "eta": 2.0, "delta": 0.1, "sigma": 0.5, "A": 0.5, "L": 1.0, "phi0": 0.608, "K0": 4.6}
#: Long-run growth and saving rate in region 2, Korinek & Suh (2024) section 3.4.
G_STAR = (KS["A"] - KS["rho"] - KS["delta"]) / KS["eta"]
S_INF = (KS["A"] - KS["rho"] - KS["delta"] + KS["eta"] * KS["delta"]) / (KS["A"] * KS["eta"])


def ks_economy(preset: str, *, automation_rate: float = 0.01, alpha: float = 1.0) -> Economy:
    path = automation_path(preset, phi0=KS["phi0"], automation_rate=automation_rate)
    return Economy(tfp=KS["A"], sigma=KS["sigma"], depreciation=KS["delta"], automation=path, alpha=alpha)


@pytest.fixture(scope="session")
def ks_ramsey_paths():
    """Ramsey paths of the paper's three scenarios over 80 years (solved once per session)."""
    from commonwealth.growth import solve_ramsey

    return {
        p: solve_ramsey(ks_economy(p), KS["K0"], KS["rho"], KS["eta"], 80)
        for p in ("business-as-usual", "agi-20", "agi-5")
    }


@pytest.fixture(autouse=True)
def _run_store_in_tmp(tmp_path_factory, monkeypatch):
    """Runs stored by CLI tests go to a temporary directory, never the working tree."""
    monkeypatch.setenv("COMMONWEALTH_RUNS", str(tmp_path_factory.mktemp("runs")))


# Property tests draw the same examples on every run, so CI is reproducible; explore more locally
# with `pytest --hypothesis-profile=explore`.
from hypothesis import settings  # noqa: E402

settings.register_profile("commonwealth", derandomize=True, deadline=None)
settings.register_profile("explore", max_examples=60, deadline=None)
settings.load_profile("commonwealth")


@pytest.fixture(scope="session")
def economies():
    """Base-year populations and firms at 20,000 and 100,000 records, seed 0 (built once per session)."""
    from commonwealth.base_year import build_base_year
    from commonwealth.parameters import ParameterSet

    return {size: build_base_year(size, ParameterSet(), seed=0) for size in (20_000, 100_000)}
