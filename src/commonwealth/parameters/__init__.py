"""Parameters: one YAML file per parameter, PolicyEngine style.

Each file ``parameters/<block>/<name>.yaml`` defines the parameter ``<block>.<name>`` with a
description, a label, a unit from :data:`UNITS`, dated values, at least one reference
(``{title, href}``), optional ``min``/``max`` bounds and, for a statutory dollar amount, its
``indexation`` (``none``, ``cpi`` or ``wages``; see :mod:`commonwealth.indexation`). Values apply from
their date onwards; a year before the first date takes the first value.

A parameter whose value is uncertain states how (``uncertainty``: a shape, a range and the basis of the
range, with its own references); sweeps draw from it (:mod:`commonwealth.sweep`, docs/uncertainty.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from commonwealth.errors import UserError

PARAMETER_DIR = Path(__file__).parent

#: Units a parameter may declare, with what each means.
UNITS: dict[str, str] = {
    "/1": "dimensionless ratio or share",
    "1/year": "rate per year",
    "USD": "US dollars of the base year",
    "USD/year": "US dollars of the base year per year",
    "year": "a duration in years",
    "calendar-year": "a calendar year",
    "count": "a number of people or things",
    "hours/year": "hours per person per year",
    "model-unit": "a quantity in the model's normalised units (labour force L = 1)",
    "USD/hour": "US dollars of the base year per hour",
    "eFLOP": "effective floating-point operations (FLOP at base-year software efficiency)",
    "log10": "orders of magnitude: the base-10 logarithm of a quantity, or a difference of such logarithms",
}

Value = float | int | bool | list[float]


class Reference(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1)
    href: str = Field(min_length=1)


class Uncertainty(BaseModel):
    """How uncertain a scalar parameter is: a distribution over [low, high] and where the range comes from.

    * ``uniform``: every value in [low, high] equally likely (a range without a central tendency);
    * ``triangular``: density rising linearly from ``low`` to ``mode`` and falling to ``high``;
    * ``log-uniform``: ln(value) uniform (a range spanning a factor, e.g. 0.01–0.2);
    * ``normal``: ``low`` and ``high`` are the 5th and 95th percentiles, truncated to [min, max].
    """

    model_config = ConfigDict(extra="forbid")
    shape: Literal["uniform", "triangular", "log-uniform", "normal"]
    low: float
    high: float
    mode: float | None = None
    basis: str = Field(min_length=1)  # why this range: what the references measure
    reference: list[Reference] = Field(min_length=1)

    @model_validator(mode="after")
    def _coherent(self) -> Uncertainty:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(f"uncertainty needs finite low < high, got {self.low} and {self.high}")
        if (self.shape == "triangular") != (self.mode is not None):
            raise ValueError("uncertainty.mode is required for a triangular shape and only for it")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"uncertainty.mode {self.mode} is outside [{self.low}, {self.high}]")
        if self.shape == "log-uniform" and self.low <= 0:
            raise ValueError("a log-uniform uncertainty needs low > 0")
        return self


class ParameterSpec(BaseModel):
    """The schema of one parameter file."""

    model_config = ConfigDict(extra="forbid")
    description: str = Field(min_length=1)
    label: str = Field(min_length=1)
    unit: str
    values: dict[dt.date, Value] = Field(min_length=1)
    reference: list[Reference] = Field(min_length=1)
    min: float | None = None
    max: float | None = None
    ascending: bool = False  # a list that must rise strictly (band edges, thresholds)
    notes: str | None = None
    #: How a statutory dollar amount moves with prices (commonwealth.indexation): ``none`` (fixed nominal
    #: dollars), ``cpi`` (constant real) or ``wages`` (grows with the average wage).
    indexation: Literal["none", "cpi", "wages"] | None = None
    uncertainty: Uncertainty | None = None

    @model_validator(mode="after")
    def _uncertainty_fits(self) -> ParameterSpec:
        u = self.uncertainty
        if u is None:
            return self
        values = list(self.values.values())
        if any(isinstance(v, bool | list) for v in values):
            raise ValueError("only a scalar number can state an uncertainty")
        if (self.min is not None and u.low < self.min) or (self.max is not None and u.high > self.max):
            raise ValueError(f"uncertainty [{u.low}, {u.high}] leaves the bounds [{self.min}, {self.max}]")
        latest = self.values[max(self.values)]
        if not u.low <= latest <= u.high:
            raise ValueError(f"the value {latest} lies outside its own uncertainty [{u.low}, {u.high}]")
        return self

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}; allowed: {', '.join(UNITS)}")
        return unit


_MISSING = object()  # Parameter.value: no value found yet for that year


@dataclass(frozen=True)
class Parameter:
    """A named parameter with its dated values."""

    name: str
    spec: ParameterSpec
    #: The value found for each year asked (the engine asks for the same few every simulated year).
    _by_year: dict[int | None, Value] = field(default_factory=dict, init=False, repr=False, compare=False)

    def value(self, year: int | None = None) -> Value:
        """The value in force on 1 January of ``year`` (the latest dated value if ``year`` is None)."""
        found = self._by_year.get(year, _MISSING)
        if found is _MISSING:
            found = self._by_year[year] = self._value(year)
        return found

    def _value(self, year: int | None) -> Value:
        dates = sorted(self.spec.values)
        if year is None:
            return self.spec.values[dates[-1]]
        chosen = dates[0]
        for d in dates:
            if d <= dt.date(year, 12, 31):
                chosen = d
        return self.spec.values[chosen]

    def check_bounds(self, value: Any, *, fixed_length: bool = True) -> str | None:
        """None if ``value`` is allowed, else a sentence saying what is allowed: the same kind as the
        shipped value (true/false, a number, a whole number, a list of the same length), finite, and
        within ``min``/``max``."""
        if isinstance(self.first_value, bool):
            return None if isinstance(value, bool) else "true or false"
        if isinstance(self.first_value, list) != isinstance(value, list):
            return "a list of numbers" if isinstance(self.first_value, list) else "a single number"
        items = value if isinstance(value, list) else [value]
        if isinstance(value, list) and fixed_length and len(value) != len(self.first_value):
            return f"a list of {len(self.first_value)} numbers{self.bounds_text()}"
        if isinstance(value, list) and not value:
            return f"a non-empty list of numbers{self.bounds_text()}"
        if not all(self._allowed_number(item) for item in items):
            return f"{'a whole number' if self.integer else 'a number'}{self.bounds_text()}"
        if self.spec.ascending and any(b <= a for a, b in itertools.pairwise(items)):
            return f"a strictly ascending list of numbers{self.bounds_text()}"
        return None

    def _allowed_number(self, item: Any) -> bool:
        """A finite number of the parameter's kind (whole where :attr:`integer`) within ``min``/``max``."""
        if isinstance(item, bool) or not isinstance(item, int | float) or not math.isfinite(item):
            return False
        if self.integer and not isinstance(item, int):
            return False
        return (self.spec.min is None or item >= self.spec.min) and (self.spec.max is None or item <= self.spec.max)

    @property
    def integer(self) -> bool:
        """Counts, calendar years and durations shipped as whole numbers take whole numbers only."""
        return self.spec.unit in ("count", "calendar-year", "year") and all(
            isinstance(v, int) and not isinstance(v, bool) for v in self.spec.values.values())

    @property
    def first_value(self) -> Value:
        return self.spec.values[min(self.spec.values)]

    def bounds_text(self) -> str:
        lo, hi = self.spec.min, self.spec.max
        if lo is not None and hi is not None:
            return f" between {lo:g} and {hi:g}"
        if lo is not None:
            return f" of at least {lo:g}"
        if hi is not None:
            return f" of at most {hi:g}"
        return ""

    @property
    def source(self) -> str:
        return "; ".join(r.title for r in self.spec.reference)


def _read_file(path: Path) -> Parameter:
    name = ".".join(path.relative_to(PARAMETER_DIR).with_suffix("").parts)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = ParameterSpec.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:  # a broken shipped file is a bug
        raise RuntimeError(f"parameter file {path} is invalid: {exc}") from exc
    return Parameter(name=name, spec=spec)


@cache
def _load_defaults() -> dict[str, Parameter]:
    files = sorted(PARAMETER_DIR.rglob("*.yaml"))
    return {p.name: p for p in (_read_file(f) for f in files)}


class ParameterSet(Mapping[str, Parameter]):
    """All parameters, with optional user overrides (a value that replaces every dated value)."""

    def __init__(self, overrides: Mapping[str, Value] | None = None) -> None:
        self._defaults = _load_defaults()
        self._overrides: dict[str, Value] = dict(overrides or {})

    def __getitem__(self, name: str) -> Parameter:
        return self._defaults[name]

    def __iter__(self):
        return iter(self._defaults)

    def __len__(self) -> int:
        return len(self._defaults)

    @property
    def overrides(self) -> dict[str, Value]:
        return dict(self._overrides)

    def get_value(self, name: str, year: int | None = None) -> Any:
        """The value of parameter ``name`` in ``year``, overrides first."""
        if name in self._overrides:
            return self._overrides[name]
        return self._defaults[name].value(year)

    def __call__(self, name: str, year: int | None = None) -> Any:
        return self.get_value(name, year)

    def with_overrides(self, overrides: Mapping[str, Any], *, source: str = "parameters") -> ParameterSet:
        """A new set with ``overrides`` applied; unknown names or out-of-range values → UserError."""
        for name, value in overrides.items():
            if not isinstance(name, str) or name not in self._defaults:
                name = str(name)
                close = suggest(name, self._defaults)
                hint = f" Did you mean {close!r}?" if close else ""
                raise UserError(
                    f"key 'parameters.{name}' names no parameter.{hint} "
                    "Run `commonwealth params` to list the parameters.",
                    source=source,
                )
            problem = self._defaults[name].check_bounds(value)
            if problem:
                shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:79] + "…"
                raise UserError(
                    f"key 'parameters.{name}' has value {shown}; allowed: {problem} "
                    f"(unit {self._defaults[name].spec.unit}).",
                    source=source,
                )
        merged = {**self._overrides, **overrides}
        return ParameterSet(merged)

    def matching(self, pattern: str | None) -> list[Parameter]:
        """Parameters whose dotted name contains ``pattern`` (or matches it as a glob)."""
        import fnmatch

        names = sorted(self._defaults)
        if pattern:
            names = [n for n in names if pattern in n or fnmatch.fnmatch(n, pattern)]
        return [self._defaults[n] for n in names]


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice to ``word``, for 'did you mean' hints."""
    import difflib

    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None
