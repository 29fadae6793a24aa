"""The API's request and response records (strict: unknown fields, wrong types and non-finite numbers are
refused with the command line's wording, docs/api.md)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema

from commonwealth.scenario import MAX_POPULATION, MIN_POPULATION, Preset
from commonwealth.sweep_choices import METHODS

MAX_SEED = 2**63 - 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\- ]*$"
NAME_LENGTH = 80
#: A built-in scenario's name (GET /api/scenarios).
ScenarioName = Annotated[str, Field(min_length=1, max_length=NAME_LENGTH, pattern=NAME_PATTERN,
                                    description="a built-in scenario (GET /api/scenarios)")]


def _scenario_input(value: Any) -> str | dict[str, Any]:
    """One check, and one message, for either form (not one per member of a union)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and len(value) <= NAME_LENGTH and re.fullmatch(NAME_PATTERN, value):
        return value
    raise ValueError("a built-in scenario's name (GET /api/scenarios) or a scenario's content as a JSON object")


#: A scenario: a built-in name, or the content of a scenario file as JSON (its ``extends`` a built-in name).
ScenarioInput = Annotated[str | dict[str, Any], PlainValidator(_scenario_input), WithJsonSchema({
    "anyOf": [{"type": "string", "minLength": 1, "maxLength": NAME_LENGTH, "pattern": NAME_PATTERN},
              {"type": "object"}],
    "description": "a built-in scenario's name, or a scenario file's content as JSON (name, ai, policies, …; "
                   "'extends' names a built-in)"})]


# --- errors ---------------------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    kind: Literal["input", "model", "not_found", "too_large", "busy", "unauthorized", "conflict", "timeout",
                  "cancelled", "internal"]
    message: str


class ErrorBody(BaseModel):
    """Every error: a kind and one paragraph, worded as the command line words it."""

    error: ErrorDetail


# --- catalogue ------------------------------------------------------------------------------------------


class ScenarioInfo(BaseModel):
    name: str
    description: str
    ai_preset: str
    policies: list[str]
    default: bool = Field(description="run by `commonwealth report` without arguments")


class ScenarioContent(BaseModel):
    name: str
    description: str
    digest: str
    content: dict[str, Any] = Field(description="the resolved scenario, as a file would state it")
    warnings: list[str]


class UncertaintyInfo(BaseModel):
    shape: str
    low: float
    high: float
    mode: float | None = None
    basis: str
    references: list[str]


class ParameterInfo(BaseModel):
    name: str
    label: str
    description: str
    unit: str
    value: Any = Field(description="the value in force at the first dated entry")
    min: float | None = None
    max: float | None = None
    source: str
    uncertainty: UncertaintyInfo | None = None


class MetricInfo(BaseModel):
    name: str
    unit: str
    description: str


class Validation(BaseModel):
    valid: bool
    name: str
    digest: str
    years: int
    start_year: int
    ai_preset: str
    warnings: list[str]


class ValidateRequest(_Strict):
    scenario: ScenarioInput


# --- jobs -----------------------------------------------------------------------------------------------


class SweepOptions(_Strict):
    draws: int = Field(default=32, ge=1, le=4096, description="Monte Carlo points, Sobol's N or Morris "
                                                                 "trajectories")
    method: Literal[METHODS] = "monte-carlo"  # type: ignore[valid-type]
    parameters: list[Annotated[str, Field(min_length=1, max_length=120)]] | None = Field(
        default=None, max_length=100, description="uncertain parameters to vary; [] none; default all")


class JobRequest(_Strict):
    """A run, a comparison, a sweep or a report, simulated in the background."""

    kind: Literal["run", "compare", "sweep", "report"]
    scenarios: list[ScenarioInput] = Field(min_length=1, max_length=64)
    baseline: ScenarioName = "status-quo"
    size: int | None = Field(default=None, ge=MIN_POPULATION, le=MAX_POPULATION, description="records")
    years: int | None = Field(default=None, ge=1, le=200, description="horizon in years")
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    compare_years: list[Annotated[int, Field(ge=1950, le=2300)]] | None = Field(
        default=None, min_length=1, max_length=20, description="years compared (compare, report)")
    sweep: SweepOptions | None = Field(default=None, description="with kind 'sweep'")
    timeout_s: float | None = Field(default=None, gt=0, le=86_400, description="stop after this long")


class Progress(BaseModel):
    done: int
    total: int


class JobStatus(BaseModel):
    id: str
    kind: str
    state: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: Progress
    created: float
    started: float | None = None
    finished: float | None = None
    scenarios: list[str]
    baseline: str | None = None
    error: ErrorDetail | None = None
    results: dict[str, str] = Field(default_factory=dict, description="result parts and their URLs")


# --- the dashboard --------------------------------------------------------------------------------------


class Knob(BaseModel):
    """A slider: a policy setting or a scenario setting the dashboard lets one move."""

    key: str
    label: str
    unit: str
    min: float
    max: float
    step: float
    value: float
    integer: bool = False
    source: str = ""


class ReformInfo(BaseModel):
    name: str
    title: str
    description: str
    policy: str
    knobs: list[Knob]


class PresetInfo(BaseModel):
    name: str
    description: str
    agi_years: bool = Field(description="whether ai.agi_years applies")


class DashboardOptions(BaseModel):
    reforms: list[ReformInfo]
    presets: list[PresetInfo]
    politics: list[Knob]
    agi_years: Knob
    size: int
    years: int
    default: dict[str, Any]


class ExploreRequest(_Strict):
    """The dashboard's state: a reform and its settings, an AI path, politics."""

    reform: ScenarioName = "american-equity-fund"
    ai_preset: Preset = "business-as-usual"  # type: ignore[valid-type]
    agi_years: float | None = Field(default=None, gt=0.0, le=500.0, description="with presets agi-5, agi-20")
    politics_mode: Literal["exogenous", "endogenous"] = "exogenous"
    plutocracy: float | None = Field(default=None, ge=0.0, le=1.0)
    policy: dict[Annotated[str, Field(min_length=1, max_length=60)], float] = Field(
        default_factory=dict, max_length=20, description="the reform's knobs (GET /api/dashboard)")
    bands: str | None = Field(default=None, min_length=1, max_length=64,
                              description="a finished sweep job of this state, whose 10–90 % bands to draw")


class SummaryRow(BaseModel):
    metric: str
    label: str
    unit: str
    baseline: float | None
    reform: float | None
    difference: float | None
    relative: float | None
    band: list[float] | None = Field(default=None, description="10–90 % band of the difference (a sweep)")


class Reproduce(BaseModel):
    cli: str
    python: str
    baseline_yaml: str
    reform_yaml: str


class ExploreResult(BaseModel):
    key: str = Field(description="names this result: GET /api/explore/{key}/metrics.csv")
    state: dict[str, Any]
    baseline: str
    reform: str
    size: int
    year: int
    summary: list[SummaryRow]
    who_decides: list[SummaryRow]
    figures: dict[str, dict[str, Any]] = Field(description="plotly figures (data and layout)")
    reproduce: Reproduce
    sweep: dict[str, Any] = Field(description="the job body that sweeps this state (POST /api/jobs)")
    seconds: float
    warnings: list[str]


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    jobs: int
    queue_limit: int
