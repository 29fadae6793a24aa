"""A reform's effect split by behavioural channel: what the static economy shows, and what each response adds.

A reform's effect on a metric is the difference between the reform and its baseline run with the same
responses switched on (:mod:`commonwealth.behaviour`), the same seed and the same population — relative
for amounts, in points for shares and ratios (unit ``/1``):

    effect(B) = m(reform | B) / m(baseline | B) − 1   or   m(reform | B) − m(baseline | B)

The split, the way dynamic scores are reported beside static ones (CBO, JCT, PWBM):

* ``static``: effect(∅), every response off;
* one row per response k: effect({k}) − effect(∅), what switching k on alone adds to the static effect;
* ``interactions``: effect(all) − effect(∅) − Σ_k [effect({k}) − effect(∅)], what the responses do
  together beyond their sum (zero when they are additive);
* ``total``: effect(all), the behavioural answer every other table shows.

The rows add up exactly: static + Σ channels + interactions = total. It takes 2 + 2·K runs (K responses);
every run is an ordinary scenario run, so everything it reports can be reproduced with
``behaviour:`` keys in a scenario file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from commonwealth.behaviour import BehaviourSettings
from commonwealth.engine import ScenarioResult, run_scenario
from commonwealth.errors import UserError
from commonwealth.metrics import METRICS
from commonwealth.scenario import Scenario

#: The responses, in the order the split lists them.
RESPONSES: tuple[str, ...] = tuple(BehaviourSettings.model_fields)
STATIC, INTERACTIONS, TOTAL = "static", "interactions", "total"


def response_sets(responses: Sequence[str] = RESPONSES) -> dict[str, BehaviourSettings]:
    """The sets of responses the split runs: none, each alone, all."""
    none = {k: False for k in RESPONSES}
    sets = {STATIC: BehaviourSettings.model_validate(none)}
    for k in responses:
        sets[k] = BehaviourSettings.model_validate({**none, k: True})
    sets[TOTAL] = BehaviourSettings.model_validate({**none, **{k: True for k in responses}})
    return sets


def with_behaviour(scenario: Scenario, behaviour: BehaviourSettings) -> Scenario:
    """The same scenario with these responses (and the matching name suffix left unchanged)."""
    return scenario.model_copy(update={"behaviour": behaviour})


def channel_effects(reform: Scenario, baseline: Scenario, metrics: Sequence[str] = ("gdp",),
                    years: Sequence[int] | None = None, *, responses: Sequence[str] = RESPONSES,
                    run: Callable[[Scenario], ScenarioResult] = run_scenario) -> pd.DataFrame:
    """The reform's effect on each metric in each year, split by channel (see the module docstring).

    Returns a tidy frame: ``channel, year, metric, effect, kind`` (``kind`` relative: 0.01 = +1 %;
    points: a difference of shares), rows in the order static, the responses, interactions, total.
    ``years`` default to +10 and the horizon."""
    if reform.saving != "households" or baseline.saving != "households":
        raise UserError("the split by behavioural channel needs the households closure (saving: households); "
                        f"{reform.name} and {baseline.name} must both use it.")
    unknown = [k for k in responses if k not in RESPONSES]
    if unknown:
        raise UserError(f"unknown response {', '.join(unknown)}; allowed: {', '.join(RESPONSES)}.")
    horizon = min(reform.start_year + reform.years, baseline.start_year + baseline.years)
    years = list(years) if years else sorted({reform.start_year + min(10, reform.years), horizon})
    effects: dict[str, pd.DataFrame] = {}
    for label, behaviour in response_sets(responses).items():
        a = run(with_behaviour(reform, behaviour)).metrics
        b = run(with_behaviour(baseline, behaviour)).metrics
        effects[label] = _effect(a, b, metrics, years)
    static = effects[STATIC]
    rows = [static.assign(channel=STATIC)]
    added = static["effect"] * 0.0
    for k in responses:
        extra = effects[k]["effect"] - static["effect"]
        added = added + extra
        rows.append(static.assign(channel=k, effect=extra))
    total = effects[TOTAL]
    rows.append(static.assign(channel=INTERACTIONS, effect=total["effect"] - static["effect"] - added))
    rows.append(total.assign(channel=TOTAL))
    out = pd.concat(rows, ignore_index=True)
    out["kind"] = [_kind(m) for m in out.metric]
    return out[["channel", "year", "metric", "effect", "kind"]]


def _kind(metric: str) -> str:
    """How a metric's effect is measured: ``points`` for shares and ratios, ``relative`` for amounts."""
    return "points" if METRICS[metric].unit == "/1" else "relative"


def _effect(reform: pd.DataFrame, baseline: pd.DataFrame, metrics: Sequence[str], years: Sequence[int]) -> pd.DataFrame:
    """Relative differences reform / baseline − 1, one row per (year, metric), in a fixed order."""
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise UserError(f"unknown metric {', '.join(unknown)}; allowed: the metrics `commonwealth metrics` lists.")

    def pick(frame: pd.DataFrame) -> pd.Series:
        keep = frame[frame.metric.isin(metrics) & frame.year.isin(years)]
        return keep.set_index(["year", "metric"])["value"]

    index = pd.MultiIndex.from_product([list(years), list(metrics)], names=["year", "metric"])
    a, b = pick(reform).reindex(index), pick(baseline).reindex(index)
    missing = [f"{m} {y}" for (y, m), v in a.items() if pd.isna(v)]
    if missing:
        raise UserError(f"no value for {', '.join(missing)} in the runs; allowed: metrics the households closure "
                        "reports (commonwealth metrics) and years within the horizon.")
    points = [_kind(m) == "points" for m in index.get_level_values("metric")]
    effect = (a - b).where(points, a / b - 1.0)
    return effect.rename("effect").reset_index()
