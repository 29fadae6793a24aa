"""Expected outputs of the built-in scenarios, stored beside them and checked in tests.

Like Tax-Calculator's reform files with expected results: every built-in scenario has a small CSV
(``scenarios/expected/<name>.csv``) with its key metrics at the base year, ten years on and the
horizon, computed with :data:`SIZE` records. ``commonwealth expected`` checks them;
``commonwealth expected --update`` rewrites them — the only way they change, so a changed answer is
always a deliberate, reviewed diff.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from commonwealth.behaviour import BehaviourSettings
from commonwealth.engine import run_scenario
from commonwealth.metrics import METRICS
from commonwealth.scenario import BUILTIN_DIR, builtin_names, load_scenario

EXPECTED_DIR = BUILTIN_DIR / "expected"
#: Records used for the stored results (small enough for the test suite, large enough to be stable).
SIZE = 20_000
#: Relative tolerance of the comparison. Results are deterministic, and the same bits on any x86-64 CPU with
#: AVX2 in the numeric profile (:mod:`commonwealth.numeric_profile`) with the pinned package versions;
#: outside it (numpy imported first, another CPU family, other versions) last-bit differences grow through
#: the model's thresholds to ~1e-5 by the horizon and the check reports them (see :func:`profile_hint`).
RTOL = 1e-6
#: Absolute tolerance of a dollar metric, as a share of that year's GDP. A dollar aggregate that is zero
#: in exact arithmetic (public debt in the base year) is a sum of GDP-sized flows, so its rounding
#: residual is a few units in the last place of GDP (≈ 0.004 USD of 31 tn); how many depends on the
#: summation order, which OpenBLAS varies with its thread count.
USD_ATOL_SHARE_OF_GDP = 1e-12
KEY_METRICS = (
    "gdp", "labor_share", "automation_share", "interest_rate", "median_income_real", "wealth_share_top0_1",
    "wealth_share_top1", "wealth_share_bottom50", "billionaires", "largest_fortune", "public_debt",
    "dividend_per_adult", "fund_ownership_share", "citizen_ownership_share", "land_value",
)


def generate(name: str, behaviour: str | None = None) -> pd.DataFrame:
    """The key metrics of a built-in scenario at the base year, +10 years and the horizon;
    ``behaviour`` (a :mod:`commonwealth.behaviour` preset such as ``static``) replaces its responses."""
    scenario = load_scenario(name)
    if behaviour is not None:
        scenario = scenario.model_copy(update={"behaviour": BehaviourSettings.model_validate(behaviour)})
    if scenario.saving == "households":
        scenario = scenario.model_copy(update={"population": scenario.population.model_copy(update={"size": SIZE})})
    metrics = run_scenario(scenario).metrics
    years = sorted({scenario.start_year, scenario.start_year + min(10, scenario.years),
                    scenario.start_year + scenario.years})
    keep = metrics[metrics.metric.isin(KEY_METRICS) & metrics.year.isin(years)]
    return keep[["year", "metric", "value"]].reset_index(drop=True)


def profile_hint() -> str | None:
    """Why differences may be machine noise rather than a changed model, when they may be; else None."""
    from commonwealth import numeric_profile

    status = numeric_profile.status()
    if status == numeric_profile.PROFILE:
        return None
    return (f"the numeric profile is {status}; the expected outputs were stored in the x86-64-v3 profile, so "
            "differences of about 1e-5 relative (and a billionaire) can be last-bit noise of this machine's "
            "numpy or OpenBLAS; import commonwealth before numpy, or run `commonwealth expected`")


def path(name: str) -> Path:
    return EXPECTED_DIR / f"{name}.csv"


def update(names: list[str] | None = None) -> list[Path]:
    EXPECTED_DIR.mkdir(exist_ok=True)
    written = []
    for name in names or builtin_names():
        frame = generate(name)
        frame.to_csv(path(name), index=False, float_format="%.17g", lineterminator="\n")
        written.append(path(name))
    return written


def compare(name: str, stored_dir: Path | None = None, behaviour: str | None = None) -> list[str]:
    """Differences between a fresh run and the stored file (empty when they agree); ``stored_dir`` and
    ``behaviour``: another set of stored outputs and the responses they were computed with."""
    stored_path = path(name) if stored_dir is None else stored_dir / f"{name}.csv"
    if not stored_path.exists():
        return [f"{name}: no stored expected output ({stored_path}); run `commonwealth expected --update {name}`"]
    stored = pd.read_csv(stored_path)
    fresh = generate(name, behaviour)
    merged = stored.merge(fresh, on=["year", "metric"], how="outer", suffixes=("_stored", "_now"))
    gdp = fresh[fresh.metric == "gdp"].set_index("year")["value"]
    problems = []
    for row in merged.itertuples():
        a, b = row.value_stored, row.value_now
        atol = USD_ATOL_SHARE_OF_GDP * gdp.get(row.year, 0.0) if METRICS[row.metric].unit.startswith("USD") else 0.0
        if np.isnan(a) or np.isnan(b) or not np.isclose(a, b, rtol=RTOL, atol=max(atol, 1e-9)):
            problems.append(f"{name} {row.year} {row.metric}: stored {a!r}, now {b!r}")
    return problems
