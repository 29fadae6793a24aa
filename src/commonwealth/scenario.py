"""Scenario files: load, extend, validate.

A scenario is a small YAML file (safe-loaded) with these top-level keys, all optional but ``name``:
``name``, ``description``, ``extends``, ``start_year``, ``years``, ``seed``, ``population``, ``ai``,
``saving``, ``politics``, ``budget``, ``behaviour``, ``parameters``, ``policies``. ``extends`` names a
built-in scenario or a path (relative to the file); the child's mappings (``ai``, ``population``,
``parameters``, ``politics``, ``budget``, ``behaviour``) are merged key by key
over the parent's, its ``policies`` are appended to the parent's, and its other keys replace the
parent's. Every mistake — an unknown key, a wrong type, an out-of-range value, an unknown preset or
parameter, a cycle in ``extends`` — raises :class:`~commonwealth.errors.UserError` naming the file,
the key path, the bad value and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from commonwealth.behaviour import BehaviourSettings, behaviour_mapping
from commonwealth.calibration import calibrate_us
from commonwealth.compute import ComputeParameters
from commonwealth.diffusion import DiffusionParameters
from commonwealth.errors import UserError
from commonwealth.new_work import NewWorkParameters
from commonwealth.parameters import ParameterSet, suggest
from commonwealth.policy import POLICY_TYPES, PolicySpec, build_policies, check_feasible
from commonwealth.production import factor_prices
from commonwealth.technology import (
    BOUNDED_PRESETS,
    COMPUTE_PRESETS,
    PRESETS,
    AutomationPath,
    acemoglu_estimate,
    acemoglu_inputs,
    automation_path,
    rate_for_ten_year_gain,
)
from commonwealth.yaml_input import Document, read_yaml_file, shown

BUILTIN_DIR = Path(__file__).parent / "scenarios"
#: The built-in scenarios `commonwealth run` runs when given none, in display order.
DEFAULT_SET = ["status-quo", "american-equity-fund", "ubi-income-tax", "land-value-tax", "wealth-tax"]
#: What `commonwealth report` (and `make run`) shows with no scenario named: the five, plus the equity
#: fund under endogenous politics, with and without a constitutional lock.
REPORT_SET = [*DEFAULT_SET, "american-equity-fund-politics", "american-equity-fund-locked"]
#: One built-in scenario per AI preset, no reform.
AI_SET = ["business-as-usual", "acemoglu-2024", "agi-20", "agi-5", "stall", "compute-10x", "gate"]

POLICY_NAMES = list(POLICY_TYPES)
Preset = Literal.__getitem__(tuple(PRESETS))  # the AI presets: technology.PRESETS
#: Latest start year, in years after the calibration year (the base economy is the calibrated one,
#: dated later; beyond a decade that relabelling stops being a reasonable approximation).
MAX_START_OFFSET = 10


class _Strict(BaseModel):
    """Strict types (a bool is not a number, 2.5 is not a count) and finite numbers only."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


#: Fewest and most records a scenario may ask for (the builder may need more: :func:`minimum_size`).
MIN_POPULATION = 1_000
MAX_POPULATION = 50_000_000


class PopulationSettings(_Strict):
    """The synthetic population: how many records stand for the US adult population."""

    size: int = Field(default=100_000, ge=MIN_POPULATION, le=MAX_POPULATION, description="records")


def minimum_size(params: ParameterSet) -> int:
    """The fewest records the population builder accepts with these parameters
    (:func:`commonwealth.population_builder.minimum_size`)."""
    from commonwealth.population_builder import minimum_size as builder_minimum

    return builder_minimum(params)


class PoliticsSettings(_Strict):
    """Power and politics (commonwealth.politics)."""

    mode: Literal["exogenous", "endogenous"] = "exogenous"
    plutocracy: float | None = Field(default=None, ge=0.0, le=1.0, description="0 democracy … 1 wealth-weighted")
    constitutional_lock: bool = False
    flight: bool = True
    exit_tax: bool = True
    draws: int = Field(default=1, ge=1, le=500, description="Monte Carlo draws of the political process")


class BudgetSettings(_Strict):
    """The budget rule (OG-Core's closure, docs/model/government-and-rates.md): from ``start`` years after
    the base year, ``instrument`` adjusts so that D_{t+1} = speed·target·Y_t + (1 − speed)·D_t."""

    instrument: Literal["consumption", "transfers", "income_tax"] = "consumption"
    start: int = Field(default=10, ge=1, le=200, description="years after the base year (OG-Core's tG1)")
    speed: float = Field(default=0.1, gt=0.0, le=1.0, description="ρ, share of the gap closed a year")
    target: float | None = Field(default=None, ge=0.0, le=3.0,
                                 description="debt/GDP target α_D; default government.initial_debt_ratio")


class AISettings(_Strict):
    preset: Preset = "business-as-usual"
    lambda_g: float | None = Field(default=None, ge=0.0, le=1.0, description="automation rate λg, 1/year")
    agi_years: float | None = Field(default=None, gt=0.0, le=500.0, description="years to full automation")
    beta: float | None = Field(default=None, ge=0.05, le=20.0, description="bounded-distribution shape β")
    compute_growth_factor: float | None = Field(default=None, gt=1.0, le=1000.0)
    compute_gap_orders: float | None = Field(default=None, gt=0.0, le=100.0)
    path: dict[int, float] | None = Field(default=None, description="custom: {year: automation share}")
    diffusion: bool | None = Field(default=None, description="deployment lags (diffusion.*); default on for "
                                   "the compute presets, off for the others")
    labs: bool | None = Field(default=None, description="frontier labs with market power and forward-looking "
                              "rents (commonwealth.labs); default on for the compute presets, off for the others")
    new_work: bool = Field(default=False, description="new human tasks and hybrid work (new_work.*); off by "
                           "default: the task model gives new tasks no productivity advantage, so reinstatement "
                           "lowers output at given capital (docs/model/ai-economy.md)")

    @field_validator("path")
    @classmethod
    def _path_shares(cls, path: dict[int, float] | None) -> dict[int, float] | None:
        if path is not None:
            if not path:
                raise ValueError("must give at least one {year: share} pair")
            for year, share in path.items():
                if not 0.0 <= share <= 1.0:
                    raise ValueError(f"share {share!r} for year {year} must be between 0 and 1")
        return path

    @model_validator(mode="after")
    def _fits_preset(self, info: ValidationInfo) -> AISettings:
        if info.context and info.context.get("partial"):
            return self  # a file that extends another is checked again once merged
        if self.preset == "custom" and self.path is None:
            raise ValueError("preset 'custom' needs ai.path, a mapping {year: automation share}")
        if self.preset != "custom" and self.path is not None:
            raise ValueError(f"ai.path applies to preset 'custom' only, not {self.preset!r}")
        if self.lambda_g is not None and self.preset != "business-as-usual":
            raise ValueError(f"ai.lambda_g applies to preset 'business-as-usual' only, not {self.preset!r}")
        bounded = ("agi_years", "beta")
        for key in bounded:
            if getattr(self, key) is not None and self.preset not in BOUNDED_PRESETS:
                raise ValueError(f"ai.{key} applies to presets {', '.join(BOUNDED_PRESETS)}, not {self.preset!r}")
        for key in ("compute_growth_factor", "compute_gap_orders"):
            if getattr(self, key) is not None and self.preset != "compute-10x":
                raise ValueError(f"ai.{key} applies to preset 'compute-10x' only, not {self.preset!r}")
        return self


class ScenarioFile(_Strict):
    """The schema of one scenario file (before ``extends`` is resolved)."""

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\- ]*$")
    description: str = ""
    extends: str | None = None
    start_year: int = Field(default=2025, ge=1950, le=2100)
    years: int = Field(default=30, ge=1, le=200, description="horizon in years")
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    population: PopulationSettings = Field(default_factory=PopulationSettings)
    ai: AISettings = Field(default_factory=AISettings)
    saving: Literal["households", "ramsey", "exogenous"] = "households"
    politics: PoliticsSettings = Field(default_factory=PoliticsSettings)
    budget: BudgetSettings = Field(default_factory=BudgetSettings)
    behaviour: BehaviourSettings = Field(default_factory=BehaviourSettings)
    parameters: dict[str, Any] = Field(default_factory=dict)  # checked by ParameterSet.with_overrides
    policies: list[PolicySpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _horizon(self, info: ValidationInfo) -> ScenarioFile:
        if info.context and info.context.get("partial"):
            return self  # a file that extends another is checked again once merged
        base = int(ParameterSet()("population.calibration_year"))
        if not base <= self.start_year <= base + MAX_START_OFFSET:
            raise ValueError(f"start_year {self.start_year} is outside the calibrated range; allowed: "
                             f"{base} (the year the base economy is calibrated to) to {base + MAX_START_OFFSET}")
        end = self.start_year + self.years
        early = sorted(y for y in (self.ai.path or {}) if y < self.start_year)
        if early:
            raise ValueError(f"ai.path gives shares for {early}, before start_year {self.start_year}; allowed: years "
                             f"from {self.start_year} on")
        for i, spec in enumerate(self.policies):
            for key in ("enacted_year", "repealed_year"):
                value = getattr(spec, key)
                if value is not None and value < self.start_year:
                    raise ValueError(f"policies[{i}].{key} {value} comes before start_year {self.start_year}; "
                                     f"allowed: {self.start_year} to {end}")
        return self


class Scenario(BaseModel):
    """A resolved, validated scenario."""

    model_config = ConfigDict(frozen=True)
    name: str
    description: str
    start_year: int
    years: int
    seed: int
    population: PopulationSettings
    ai: AISettings
    saving: str
    politics: PoliticsSettings = Field(default_factory=PoliticsSettings)
    budget: BudgetSettings = Field(default_factory=BudgetSettings)
    behaviour: BehaviourSettings = Field(default_factory=BehaviourSettings)
    parameters: dict[str, Any]
    policies: list[Any]  # validated policy specifications (commonwealth.policy)
    sources: list[str]  # the files it was built from, child first
    digest: str  # sha256 of the resolved content
    warnings: tuple[str, ...] = ()  # valid but probably not meant (a policy enacted after the horizon)

    @classmethod
    def load(cls, ref: str | Path) -> Scenario:
        """A built-in scenario by name, or a scenario file by path."""
        return load_scenario(ref)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Scenario:
        """A scenario from a mapping with the keys of a scenario file."""
        return scenario_from_mapping(raw)

    def with_population(self, size: int) -> Scenario:
        """The same scenario with ``size`` records (validated like the scenario key)."""
        return self.model_copy(update={"population": PopulationSettings(size=size)})

    def parameter_set(self) -> ParameterSet:
        return ParameterSet().with_overrides(self.parameters, source=self.sources[0])

    def automation(self, params: ParameterSet | None = None, years: int | None = None) -> AutomationPath:
        """The automation path Φ(t) of this scenario's AI settings (tabulated for ``years``, by default the
        scenario's horizon; beyond the table Φ stays at its last value)."""
        p = params or self.parameter_set()
        y = self.start_year
        ai = self.ai
        automation_rate = acemoglu_automation_rate(p, y) if ai.preset == "acemoglu-2024" else None
        return automation_path(
            ai.preset,
            phi0=p("technology.automation_share_base", y),
            automation_rate=(automation_rate if automation_rate is not None else ai.lambda_g if ai.lambda_g is not None
                             else p("technology.pareto_automation_rate", y)),
            beta=ai.beta if ai.beta is not None else p("technology.agi_beta", y),
            agi_years=ai.agi_years,
            compute_growth_factor=ai.compute_growth_factor or p("technology.compute_growth_factor", y),
            compute_gap_orders=ai.compute_gap_orders or p("technology.compute_gap_orders", y),
            path={year - self.start_year: share for year, share in (ai.path or {}).items()},
            compute=ComputeParameters.from_parameters(p, y) if ai.preset in COMPUTE_PRESETS else None,
            diffusion=DiffusionParameters.from_parameters(p, y) if self.diffusion_on else None,
            new_work=NewWorkParameters.from_parameters(p, y) if self.new_work_on else None,
            gdp0=p("calibration.gdp", y),
            years=self.years if years is None else years,
        )

    @property
    def labs_on(self) -> bool:
        """Whether frontier labs and forward-looking AI rents apply (``ai.labs``; default on for the compute
        presets)."""
        return self.ai.labs if self.ai.labs is not None else self.ai.preset in COMPUTE_PRESETS

    @property
    def new_work_on(self) -> bool:
        """Whether new tasks and hybrid work apply (``ai.new_work``, off by default)."""
        return self.ai.new_work

    @property
    def diffusion_on(self) -> bool:
        """Whether deployment lags apply (``ai.diffusion``; default on for the compute presets)."""
        return self.ai.diffusion if self.ai.diffusion is not None else self.ai.preset in COMPUTE_PRESETS


def acemoglu_automation_rate(params: ParameterSet, year: int) -> float:
    """λg of the acemoglu-2024 preset: the Pareto rate that gives Acemoglu's (2024) ten-year TFP gain as
    the output gain at base-year capital, labour, land and TFP (commonwealth.technology)."""
    cal = calibrate_us(params, year)
    sigma = params("production.sigma", year)

    def output_at(phi: float) -> float:
        return float(factor_prices(cal.capital0, 1.0, phi, tfp=cal.tfp, sigma=sigma, alpha=cal.alpha).output)

    return rate_for_ten_year_gain(acemoglu_estimate(acemoglu_inputs(params, year))["tfp"],
                                  params("technology.automation_share_base", year), output_at)


# --- loading ------------------------------------------------------------------------------------


def builtin_names() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


def builtin_path(name: str) -> Path:
    return BUILTIN_DIR / f"{name}.yaml"


def _describe_allowed(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "literal_error":
        return f"one of {ctx.get('expected')}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {"greater_than": "greater than", "greater_than_equal": "at least",
                 "less_than": "less than", "less_than_equal": "at most"}
        bound = next(iter(ctx.values()))
        return f"a number {words[kind]} {bound}"
    if kind == "union_tag_invalid":
        return f"one of {ctx.get('expected_tags')}"
    if kind in _KINDS:
        return _KINDS[kind]
    return error["msg"][0].lower() + error["msg"][1:]


#: What a pydantic type error asks for, in the words of a scenario file.
_KINDS = {
    "int_type": "a whole number", "int_from_float": "a whole number", "int_parsing": "a whole number",
    "float_type": "a number", "float_parsing": "a number", "finite_number": "a finite number (not .nan or .inf)",
    "bool_type": "true or false", "bool_parsing": "true or false", "string_type": "text (in quotes if need be)",
    "list_type": "a list", "dict_type": "a mapping of keys", "too_short": "a longer list",
    "too_long": "a shorter list or text", "string_too_long": "shorter text", "string_too_short": "longer text",
    "string_pattern_mismatch": "letters, digits, '_', '.', '-' and spaces, starting with a letter or digit",
}


def _location(loc: tuple[Any, ...]) -> tuple[str, Any, tuple[Any, ...]]:
    """A readable key path (``policies[0].amount``), the model that owns its last part, and the path as
    keys and indices of the document (pydantic's union tags removed)."""
    from commonwealth.policy import POLICY_TYPES

    parts: list[str] = []
    path: list[Any] = []
    model: Any = ScenarioFile
    items = list(loc)
    i = 0
    while i < len(items):
        part = items[i]
        if isinstance(part, int):
            if parts:
                parts[-1] += f"[{part}]"
            else:
                parts.append(f"[{part}]")
            path.append(part)
            if parts[-1].startswith("policies") and i + 1 < len(items) and items[i + 1] in POLICY_TYPES:
                model = POLICY_TYPES[items[i + 1]][0]
                i += 1  # skip the union tag pydantic inserts
            i += 1
            continue
        parts.append(str(part))
        path.append(part)
        fields = getattr(model, "model_fields", {})
        model = fields[str(part)].annotation if str(part) in fields else None
        i += 1
    return ".".join(parts), model, tuple(path)


def _message(err: dict[str, Any]) -> str:
    loc, _, _ = _location(err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        _, model, _ = _location(err["loc"][:-1])
        allowed = list(getattr(model, "model_fields", {}))
        close = suggest(str(err["loc"][-1]), allowed)
        hint = f" Did you mean {close!r}?" if close else ""
        return f"unknown key {shown(loc)}.{hint} Allowed keys here: {', '.join(allowed)}."
    if kind == "missing":
        return f"key '{loc}' is required."
    if kind == "value_error":
        return f"key '{loc or 'scenario'}': {err['msg'].removeprefix('Value error, ')}."
    if kind == "union_tag_invalid":
        tag = err.get("input", {}).get("type") if isinstance(err.get("input"), dict) else err.get("input")
        close = suggest(str(tag), POLICY_NAMES)
        hint = f" Did you mean {close!r}?" if close else ""
        return f"key '{loc}.type' has value {shown(tag)}; allowed: one of {', '.join(POLICY_NAMES)}.{hint}"
    if kind == "union_tag_not_found":
        return f"key '{loc}.type' is required; allowed: one of {', '.join(POLICY_NAMES)}."
    if kind == "model_type" or kind == "model_attributes_type":
        return f"key '{loc or 'scenario'}' has value {shown(err.get('input'))}; allowed: a mapping of keys."
    return f"key '{loc}' has value {shown(err.get('input'))}; allowed: {_describe_allowed(err)}."


def _format_validation(error: ValidationError, source: str, doc: Document | None) -> UserError:
    lines = []
    for err in error.errors():
        _, _, path = _location(err["loc"])
        line = doc.line(path) if doc is not None else None
        lines.append((f"line {line}: " if line else "") + _message(err))
    return UserError(" ".join(dict.fromkeys(lines)), source=source)


def _read_yaml(path: Path) -> Document:
    try:
        doc = read_yaml_file(path)
    except FileNotFoundError:
        raise UserError("no such scenario file (nor a built-in scenario of that name; "
                        f"built-in: {', '.join(builtin_names())}).", source=str(path)) from None
    if not isinstance(doc.data, dict):
        raise UserError(f"a scenario file must be a YAML mapping with at least 'name'; found "
                        f"{type(doc.data).__name__}.", source=str(path))
    if not all(isinstance(k, str) for k in doc.data):
        bad = next(k for k in doc.data if not isinstance(k, str))
        raise UserError(f"top-level key {shown(bad)} is not a word; allowed keys: "
                        f"{', '.join(ScenarioFile.model_fields)}.", source=str(path))
    return doc


def _locate(ref: Any, relative_to: Path | None, source: str) -> Path:
    if not isinstance(ref, str) or not ref.strip():
        raise UserError(f"key 'extends' has value {shown(ref)}; allowed: a built-in scenario "
                        f"({', '.join(builtin_names())}) or the path of a YAML file.", source=source)
    if ref in builtin_names():
        return builtin_path(ref)
    path = Path(ref)
    if not path.is_absolute() and relative_to is not None:
        path = relative_to / path
    if not path.is_file():
        what = "is not a regular file" if path.exists() else "does not exist"
        raise UserError(f"key 'extends' has value {shown(ref)}, which {what}; allowed: a built-in scenario "
                        f"({', '.join(builtin_names())}) or an existing YAML file.", source=source)
    return path


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = dict(parent)
    for key, value in child.items():
        if key == "behaviour":
            value = behaviour_mapping(value)
            parent = {**parent, key: behaviour_mapping(parent.get(key, {}))}
        if key in ("ai", "population", "parameters", "politics", "budget", "behaviour") and isinstance(value, dict) \
                and isinstance(parent.get(key, {}), dict):
            merged[key] = {**parent.get(key, {}), **value}
        elif key == "policies" and isinstance(value, list) and isinstance(parent.get(key, []), list):
            merged[key] = [*parent.get(key, []), *value]
        else:
            merged[key] = value
    merged.pop("extends", None)
    return merged


def _validated(raw: dict[str, Any], source: str, doc: Document | None = None, *,
               partial: bool = False) -> ScenarioFile:
    try:
        model = ScenarioFile.model_validate(raw, context={"partial": partial})
    except ValidationError as exc:
        raise _format_validation(exc, source, doc) from None
    try:
        params = ParameterSet().with_overrides(model.parameters, source=source)
        policies = build_policies(model.policies, params, model.start_year, source)  # checks bounds and names
        if not partial:
            labs = model.ai.labs if model.ai.labs is not None else model.ai.preset in COMPUTE_PRESETS
            check_feasible(policies, params, model.start_year, source, labs=labs)
            if model.saving == "households" and model.population.size < minimum_size(params):
                raise UserError(f"key 'population.size' has value {model.population.size}; allowed: at least "
                                f"{minimum_size(params)} records with these parameters (every billionaire is a "
                                "record, and each wealth group needs a few).", source=source)
    except UserError as exc:
        raise _with_line(exc, doc) from None
    return model


def _key_path(loc: str) -> tuple[Any, ...]:
    """``policies[0].amount`` → ("policies", 0, "amount"); ``parameters.a.b`` → ("parameters", "a.b")."""
    if loc.startswith("parameters."):
        return ("parameters", loc.removeprefix("parameters."))
    path: list[Any] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", loc):
        path.append(int(index) if index else name)
    return tuple(path)


def _with_line(exc: UserError, doc: Document | None) -> UserError:
    """``exc`` with the line of the key it names, when the document has it."""
    found = re.match(r"key '([^']+)'", exc.message)
    line = doc.line(_key_path(found.group(1))) if doc is not None and found else None
    if line is None or exc.message.startswith("line "):
        return exc
    return UserError(f"line {line}: {exc.message}", source=exc.source)


def _resolve(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], list[str], Document]:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " → ".join(str(p) for p in (*chain, resolved))
        raise UserError(f"key 'extends' makes a cycle: {cycle}; allowed: a chain that ends.", source=str(path))
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise UserError(f"key 'extends' chains more than {MAX_EXTENDS_DEPTH} files; allowed: a shorter chain.",
                        source=str(path))
    doc = _read_yaml(path)
    raw = doc.data
    _validated(raw, str(path), doc, partial=raw.get("extends") is not None)
    sources = [str(path)]
    if raw.get("extends") is not None:
        parent_path = _locate(raw["extends"], path.parent, str(path))
        parent, parent_sources, _ = _resolve(parent_path, (*chain, resolved))
        raw = _merge(parent, raw)
        sources += parent_sources
    return raw, sources, doc


#: Longest chain of ``extends``.
MAX_EXTENDS_DEPTH = 16


def load_scenario(ref: str | Path) -> Scenario:
    """Load a scenario by built-in name or path, resolving ``extends``."""
    ref = str(ref)
    path = builtin_path(ref) if ref in builtin_names() else Path(ref)
    raw, sources, doc = _resolve(path, ())
    return _scenario(raw, sources, doc)


def scenario_from_mapping(raw: dict[str, Any], source: str = "<mapping>") -> Scenario:
    """A scenario from a mapping with the keys of a scenario file (``extends`` resolved from the
    current directory or the built-ins)."""
    if not isinstance(raw, dict):
        raise UserError(f"a scenario must be a mapping with at least 'name'; found {type(raw).__name__}.",
                        source=source)
    _validated(raw, source, partial=raw.get("extends") is not None)
    sources = [source]
    if raw.get("extends") is not None:
        parent_path = _locate(raw["extends"], Path.cwd(), source)
        parent, parent_sources, _ = _resolve(parent_path, ())
        raw = _merge(parent, raw)
        sources += parent_sources
    return _scenario(raw, sources, None)


def _warnings(model: ScenarioFile) -> tuple[str, ...]:
    out = []
    base = int(ParameterSet()("population.calibration_year"))
    if model.start_year != base:
        out.append(f"start_year {model.start_year}: the base economy is calibrated to {base} data and dated "
                   f"{model.start_year} unchanged.")
    end = model.start_year + model.years
    for i, spec in enumerate(model.policies):
        if spec.enacted_year is not None and spec.enacted_year > end:
            out.append(f"policies[{i}] ({spec.name or spec.type}): enacted_year {spec.enacted_year} is after the "
                       f"horizon ({end}), so it is never in force.")
    return tuple(out)


def _scenario(raw: dict[str, Any], sources: list[str], doc: Document | None) -> Scenario:
    model = _validated(raw, sources[0], doc)
    content = model.model_dump(mode="json", exclude={"extends"})
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return Scenario(
        name=model.name, description=model.description, start_year=model.start_year,
        years=model.years, seed=model.seed, population=model.population, ai=model.ai, saving=model.saving,
        politics=model.politics, budget=model.budget, behaviour=model.behaviour,
        parameters=dict(model.parameters), policies=list(model.policies), sources=sources,
        digest=digest, warnings=_warnings(model),
    )
