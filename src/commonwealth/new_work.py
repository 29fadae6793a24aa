"""New work: new human tasks (Acemoglu & Restrepo's reinstatement) and more productive human work
where AI assists it (hybrid work).

Both act on yearly paths before the run, t = 0, 1, … years after the base year, on the task index of
:mod:`commonwealth.compute` (complexity quantile i ∈ [0, 1] of the base year's tasks; machines do the
tasks below the deployed frontier Φ_d(t)).

**Reinstatement.** Each year new tasks in which labour has the comparative advantage are created, of a
measure that lowers the automated share of all tasks by ρ_t percentage points (Acemoglu & Restrepo 2019:
reinstatement ≈ 0.35 %/yr of task content in 1987–2017, 0.47 %/yr in 1947–87):

    ρ_t = ρ · (1 − f(t)) / (1 − f(0)),

falling to zero as AI becomes able to do every task (f = 1: in Restrepo's (2025) AGI world no work is
left for which people are needed). A task created at t sits above the deployed frontier, spread evenly
over the complexity quantiles [Φ_d(t), 1], so it is automated as the frontier passes it: of the measure
n_t created at t, the share max(0, Φ_d(s) − Φ_d(t)) / (1 − Φ_d(t)) is automated at s > t. The automated
share of all tasks is

    Φ(s) = [Φ_d(s) + Σ_t n_t · max(0, Φ_d(s) − Φ_d(t)) / (1 − Φ_d(t))] / (1 + Σ_t n_t),

and the share possible likewise with f in place of Φ_d. Every task is automated when Φ_d = 1.

**Hybrid work.** Of the work people still do, the share a(t) is assisted by AI: a(t) = a_0 + (1 − a_0)·x(t)
with x(t) = (f(t) − f(0)) / (1 − f(0)) the progress of capability (a_0: 1–5 % of US work hours were
AI-assisted in 2024, Bick, Blandin & Deming). Assisted work is u more productive (Brynjolfsson, Li &
Raymond 2025: +15 % issues resolved per hour, +30 % for novices; Dell'Acqua et al. 2023: +12 % tasks,
but −19 pp correct outside the frontier; METR 2025: −19 % for experts on their own code), so labour in
production is augmented by h(t) = 1 + u · (a(t) − a_0), normalised to 1 in the base year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from commonwealth.parameters import ParameterSet


@dataclass(frozen=True)
class NewWorkParameters:
    """ρ (1/year), a_0 (/1) and u (/1): ``new_work.*``."""

    reinstatement_rate: float
    assisted_share_base: float
    hybrid_uplift: float

    @classmethod
    def from_parameters(cls, params: ParameterSet, year: int) -> NewWorkParameters:
        return cls(*(float(params(f"new_work.{n}", year))
                     for n in ("reinstatement_rate", "assisted_share_base", "hybrid_uplift")))


@dataclass(frozen=True)
class NewWork:
    """The paths after new work: automated and possible shares of all tasks, the labour augmentation
    h(t) and the measure of new tasks created so far (relative to the base year's tasks)."""

    deployed: NDArray[np.float64]
    possible: NDArray[np.float64]
    labour_augmentation: NDArray[np.float64]
    new_tasks: NDArray[np.float64]


def _share_at(s: int, frontier: NDArray, created: NDArray, at_creation: NDArray) -> float:
    """[F(s) + Σ_{t≤s} n_t · max(0, F(s) − A(t)) / (1 − A(t))] / (1 + Σ_{t≤s} n_t): the share of all tasks
    below the frontier F in year s when the new tasks of year t are spread over [A(t), 1]."""
    n, a = created[: s + 1], at_creation[: s + 1]
    open_ = a < 1.0
    covered = float(np.sum(n[open_] * np.maximum(frontier[s] - a[open_], 0.0) / (1.0 - a[open_])))
    return (float(frontier[s]) + covered) / (1.0 + float(n.sum()))


def _with_new_tasks(frontier: NDArray, created: NDArray, at_creation: NDArray) -> NDArray[np.float64]:
    return np.array([_share_at(s, frontier, created, at_creation) for s in range(frontier.size)])


def new_work(deployed: NDArray, possible: NDArray, p: NewWorkParameters) -> NewWork:
    """Reinstatement and hybrid work on the deployed and possible paths (module docstring)."""
    deployed = np.asarray(deployed, dtype=float)
    possible = np.asarray(possible, dtype=float)
    f0 = possible[0]
    progress = np.clip((possible - f0) / (1.0 - f0), 0.0, 1.0) if f0 < 1.0 else np.ones_like(possible)
    rate = p.reinstatement_rate * (1.0 - progress)
    created = np.zeros_like(deployed)
    for t in range(1, deployed.size):
        before = _share_at(t, deployed, created, deployed)  # created[t] is still 0
        if rate[t] > 0 and before > rate[t]:
            # the measure n that lowers the automated share from `before` by rate[t]:
            # automated / (M + n) = before − rate  ⇒  n = M · rate / (before − rate)
            measure = 1.0 + created[:t].sum()
            created[t] = measure * rate[t] / (before - rate[t])
    assisted = p.assisted_share_base + (1.0 - p.assisted_share_base) * progress
    return NewWork(deployed=_with_new_tasks(deployed, created, deployed),
                   possible=_with_new_tasks(possible, created, deployed),
                   labour_augmentation=1.0 + p.hybrid_uplift * (assisted - p.assisted_share_base),
                   new_tasks=np.cumsum(created))
