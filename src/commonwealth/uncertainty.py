"""The uncertain parameters and their distributions: from a point of the unit cube to parameter values.

A parameter file states an ``uncertainty`` (:class:`commonwealth.parameters.Uncertainty`: a shape over a
range, and the basis of the range). A sweep samples the unit cube [0, 1)^D — at random, by Saltelli's
design for Sobol indices, or along Morris trajectories — and :func:`values` maps each coordinate through
the inverse distribution function of its parameter, so every design sees the stated distributions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from commonwealth.errors import UserError
from commonwealth.parameters import Parameter, ParameterSet, Uncertainty, suggest

#: z of the 95th percentile: a ``normal`` uncertainty's low and high are its 5th and 95th percentiles.
Z95 = float(stats.norm.ppf(0.95))


@dataclass(frozen=True)
class UncertainParameter:
    """One uncertain parameter: its name, distribution and the bounds its values must respect."""

    name: str
    uncertainty: Uncertainty
    minimum: float | None
    maximum: float | None
    integer: bool
    central: float  # the shipped value

    def ppf(self, q: np.ndarray) -> np.ndarray:
        """Values at the quantiles ``q`` ∈ [0, 1] of the stated distribution."""
        u = self.uncertainty
        q = np.clip(np.asarray(q, dtype=float), 0.0, 1.0)
        if u.shape == "uniform":
            out = u.low + q * (u.high - u.low)
        elif u.shape == "triangular":
            c = (float(u.mode) - u.low) / (u.high - u.low)
            out = stats.triang.ppf(q, c, loc=u.low, scale=u.high - u.low)
        elif u.shape == "log-uniform":
            out = np.exp(math.log(u.low) + q * (math.log(u.high) - math.log(u.low)))
        else:  # normal, 5th–95th percentiles low–high, truncated to the parameter's bounds
            mean, sd = 0.5 * (u.low + u.high), (u.high - u.low) / (2.0 * Z95)
            lo = -np.inf if self.minimum is None else (self.minimum - mean) / sd
            hi = np.inf if self.maximum is None else (self.maximum - mean) / sd
            out = stats.truncnorm.ppf(q, lo, hi, loc=mean, scale=sd)
        return np.rint(out) if self.integer else out


def uncertain_parameters(params: ParameterSet | None = None) -> list[UncertainParameter]:
    """Every parameter that states an uncertainty, by name."""
    params = params or ParameterSet()
    return [_describe(params[name]) for name in sorted(params) if params[name].spec.uncertainty is not None]


def _describe(p: Parameter) -> UncertainParameter:
    assert p.spec.uncertainty is not None
    return UncertainParameter(p.name, p.spec.uncertainty, p.spec.min, p.spec.max, p.integer,
                              float(p.value()))  # type: ignore[arg-type]


def select(names: Sequence[str] | None, params: ParameterSet | None = None,
           option: str = "--parameters") -> list[UncertainParameter]:
    """The uncertain parameters named (all of them when ``names`` is None, none when it is empty); a name
    that is not an uncertain parameter is a :class:`~commonwealth.errors.UserError` naming what is allowed."""
    available = {u.name: u for u in uncertain_parameters(params)}
    if names is None:
        return list(available.values())
    chosen = []
    for name in names:
        if name not in available:
            close = suggest(name, available)
            hint = f" Did you mean {close!r}?" if close else ""
            raise UserError(f"{option} names {name!r}, which is not an uncertain parameter.{hint} Allowed: "
                            f"{', '.join(available)} (`commonwealth params --uncertain` lists them).")
        if available[name] not in chosen:
            chosen.append(available[name])
    return chosen


def values(parameters: Sequence[UncertainParameter], unit_points: np.ndarray) -> np.ndarray:
    """Map points of the unit cube (rows) to parameter values (columns in the order of ``parameters``)."""
    unit_points = np.atleast_2d(np.asarray(unit_points, dtype=float))
    return np.column_stack([p.ppf(unit_points[:, j]) for j, p in enumerate(parameters)]) if parameters else \
        np.empty((unit_points.shape[0], 0))
