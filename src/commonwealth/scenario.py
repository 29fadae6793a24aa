"""Scenario files: load, extend, validate.

A scenario is a small YAML file (safe-loaded) with these top-level keys, all optional but ``name``:
``name``, ``description``, ``extends``, ``start_year``, ``years``, ``seed``, ``population``, ``ai``,
``saving``, ``politics``, ``parameters``, ``policies``. ``extends`` names a built-in scenario or a path (relative
to the file); the child's mappings (``ai``, ``population``, ``parameters``) are merged key by key
over the parent's, its ``policies`` are appended to the parent's, and its other keys replace the
parent's. Every mistake — an unknown key, a wrong type, an out-of-range value, an unknown preset or
parameter, a cycle in ``extends`` — raises :class:`~commonwealth.errors.UserError` naming the file,
the key path, the bad value and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from commonwealth.errors import UserError
from commonwealth.parameters import ParameterSet, suggest
from commonwealth.policy import POLICY_TYPES, PolicySpec, build_policies
from commonwealth.technology import BOUNDED_PRESETS, PRESETS, AutomationPath, automation_path

BUILTIN_DIR = Path(__file__).parent / "scenarios"
#: The built-in scenarios `commonwealth run` runs when given none, in display order.
DEFAULT_SET = ["status-quo", "american-equity-fund", "ubi-income-tax", "land-value-tax", "wealth-tax"]
#: What `commonwealth report` (and `make run`) shows with no scenario named: the five, plus the equity
#: fund under endogenous politics, with and without a constitutional lock.
REPORT_SET = [*DEFAULT_SET, "american-equity-fund-politics", "american-equity-fund-locked"]
#: One built-in scenario per AI preset, no reform.
AI_SET = ["business-as-usual", "agi-20", "agi-5", "stall", "compute-10x"]

POLICY_NAMES = list(POLICY_TYPES)
Preset = Literal.__getitem__(tuple(PRESETS))  # the AI presets: technology.PRESETS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class PopulationSettings(_Strict):
    """The synthetic population: how many records stand for the US adult population."""

    size: int = Field(default=100_000, ge=1_000, le=50_000_000, description="records")


class PoliticsSettings(_Strict):
    """Power and politics (commonwealth.politics)."""

    mode: Literal["exogenous", "endogenous"] = "exogenous"
    plutocracy: float | None = Field(default=None, ge=0.0, le=1.0, description="0 democracy … 1 wealth-weighted")
    constitutional_lock: bool = False
    flight: bool = True
    exit_tax: bool = True
    draws: int = Field(default=1, ge=1, le=500, description="Monte Carlo draws of the political process")


class AISettings(_Strict):
    preset: Preset = "business-as-usual"
    lambda_g: float | None = Field(default=None, ge=0.0, le=1.0, description="automation rate λg, 1/year")
    agi_years: float | None = Field(default=None, gt=0.0, le=500.0, description="years to full automation")
    beta: float | None = Field(default=None, ge=0.05, le=20.0, description="bounded-distribution shape β")
    compute_growth_factor: float | None = Field(default=None, gt=1.0, le=1000.0)
    compute_gap_orders: float | None = Field(default=None, gt=0.0, le=100.0)
    path: dict[int, float] | None = Field(default=None, description="custom: {year: automation share}")

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
    parameters: dict[str, float | int | bool | list[float]] = Field(default_factory=dict)
    policies: list[PolicySpec] = Field(default_factory=list)


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
    parameters: dict[str, Any]
    policies: list[Any]  # validated policy specifications (commonwealth.policy)
    sources: list[str]  # the files it was built from, child first
    digest: str  # sha256 of the resolved content

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

    def automation(self, params: ParameterSet | None = None) -> AutomationPath:
        """The automation path Φ(t) of this scenario's AI settings."""
        p = params or self.parameter_set()
        y = self.start_year
        ai = self.ai
        return automation_path(
            ai.preset,
            phi0=p("technology.automation_share_base", y),
            automation_rate=ai.lambda_g if ai.lambda_g is not None else p("technology.pareto_automation_rate", y),
            beta=ai.beta if ai.beta is not None else p("technology.agi_beta", y),
            agi_years=ai.agi_years,
            compute_growth_factor=ai.compute_growth_factor or p("technology.compute_growth_factor", y),
            compute_gap_orders=ai.compute_gap_orders or p("technology.compute_gap_orders", y),
            path={year - self.start_year: share for year, share in (ai.path or {}).items()},
        )


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
    return error["msg"][0].lower() + error["msg"][1:]


def _location(loc: tuple[Any, ...]) -> tuple[str, Any]:
    """A readable key path (``policies[0].amount``) and the model that owns its last part."""
    from commonwealth.policy import POLICY_TYPES

    parts: list[str] = []
    model: Any = ScenarioFile
    items = list(loc)
    i = 0
    while i < len(items):
        part = items[i]
        if isinstance(part, int):
            parts[-1] += f"[{part}]"
            if parts[-1].startswith("policies") and i + 1 < len(items) and items[i + 1] in POLICY_TYPES:
                model = POLICY_TYPES[items[i + 1]][0]
                i += 1  # skip the union tag pydantic inserts
            i += 1
            continue
        parts.append(str(part))
        fields = getattr(model, "model_fields", {})
        model = fields[str(part)].annotation if str(part) in fields else None
        i += 1
    return ".".join(parts), model


def _format_validation(error: ValidationError, source: str, raw: dict[str, Any]) -> UserError:
    lines = []
    for err in error.errors():
        loc, _ = _location(err["loc"])
        if err["type"] == "extra_forbidden":
            _, model = _location(err["loc"][:-1])
            allowed = list(getattr(model, "model_fields", {}))
            close = suggest(str(err["loc"][-1]), allowed)
            hint = f" Did you mean {close!r}?" if close else ""
            lines.append(f"unknown key '{loc}'.{hint} Allowed keys here: {', '.join(allowed)}.")
        elif err["type"] == "missing":
            lines.append(f"key '{loc}' is required.")
        elif err["type"] == "value_error":
            lines.append(f"key '{loc or 'ai'}': {err['msg'].removeprefix('Value error, ')}.")
        elif err["type"] == "union_tag_invalid":
            tag = err.get("input", {}).get("type") if isinstance(err.get("input"), dict) else err.get("input")
            close = suggest(str(tag), POLICY_NAMES)
            hint = f" Did you mean {close!r}?" if close else ""
            lines.append(f"key '{loc}.type' has value {tag!r}; allowed: one of {', '.join(POLICY_NAMES)}.{hint}")
        elif err["type"] == "union_tag_not_found":
            lines.append(f"key '{loc}.type' is required; allowed: one of {', '.join(POLICY_NAMES)}.")
        else:
            lines.append(f"key '{loc}' has value {err.get('input')!r}; allowed: {_describe_allowed(err)}.")
    return UserError(" ".join(lines), source=source)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError("no such scenario file (nor a built-in scenario of that name; "
                        f"built-in: {', '.join(builtin_names())}).", source=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the file: {exc}.", source=str(path)) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(f"is not valid YAML{where}: {problem}.", source=str(path)) from None
    if not isinstance(raw, dict):
        raise UserError(f"a scenario file must be a YAML mapping with at least 'name'; found "
                        f"{type(raw).__name__}.", source=str(path))
    return raw


def _locate(ref: str, relative_to: Path | None) -> Path:
    if ref in builtin_names():
        return builtin_path(ref)
    path = Path(ref)
    if not path.is_absolute() and relative_to is not None:
        path = relative_to / path
    return path


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = dict(parent)
    for key, value in child.items():
        if key in ("ai", "population", "parameters", "politics") and isinstance(value, dict):
            merged[key] = {**parent.get(key, {}), **value}
        elif key == "policies" and isinstance(value, list):
            merged[key] = [*parent.get(key, []), *value]
        else:
            merged[key] = value
    merged.pop("extends", None)
    return merged


def _validated(raw: dict[str, Any], source: str, *, partial: bool = False) -> ScenarioFile:
    try:
        model = ScenarioFile.model_validate(raw, context={"partial": partial})
    except ValidationError as exc:
        raise _format_validation(exc, source, raw) from None
    params = ParameterSet().with_overrides(model.parameters, source=source)
    build_policies(model.policies, params, model.start_year, source)  # checks bounds and names now
    return model


def _resolve(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], list[str]]:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " → ".join(str(p) for p in (*chain, resolved))
        raise UserError(f"key 'extends' makes a cycle: {cycle}; allowed: a chain that ends.", source=str(path))
    raw = _read_yaml(path)
    _validated(raw, str(path), partial=bool(raw.get("extends")))
    sources = [str(path)]
    if raw.get("extends"):
        parent_path = _locate(str(raw["extends"]), path.parent)
        if not parent_path.exists():
            raise UserError(
                f"key 'extends' has value {raw['extends']!r}; allowed: a built-in scenario "
                f"({', '.join(builtin_names())}) or an existing YAML file.", source=str(path))
        parent, parent_sources = _resolve(parent_path, (*chain, resolved))
        raw = _merge(parent, raw)
        sources += parent_sources
    return raw, sources


def load_scenario(ref: str | Path) -> Scenario:
    """Load a scenario by built-in name or path, resolving ``extends``."""
    ref = str(ref)
    path = builtin_path(ref) if ref in builtin_names() else Path(ref)
    raw, sources = _resolve(path, ())
    return _scenario(raw, sources)


def scenario_from_mapping(raw: dict[str, Any], source: str = "<mapping>") -> Scenario:
    """A scenario from a mapping with the keys of a scenario file (``extends`` resolved from the
    current directory or the built-ins)."""
    if not isinstance(raw, dict):
        raise UserError(f"a scenario must be a mapping with at least 'name'; found {type(raw).__name__}.",
                        source=source)
    _validated(raw, source, partial=bool(raw.get("extends")))
    sources = [source]
    if raw.get("extends"):
        parent_path = _locate(str(raw["extends"]), Path.cwd())
        if not parent_path.exists():
            raise UserError(f"key 'extends' has value {raw['extends']!r}; allowed: a built-in scenario "
                            f"({', '.join(builtin_names())}) or an existing YAML file.", source=source)
        parent, parent_sources = _resolve(parent_path, ())
        raw = _merge(parent, raw)
        sources += parent_sources
    return _scenario(raw, sources)


def _scenario(raw: dict[str, Any], sources: list[str]) -> Scenario:
    model = _validated(raw, sources[0])
    content = model.model_dump(mode="json", exclude={"extends"})
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return Scenario(
        name=model.name, description=model.description, start_year=model.start_year,
        years=model.years, seed=model.seed, population=model.population, ai=model.ai, saving=model.saving,
        politics=model.politics,
        parameters=dict(model.parameters), policies=list(model.policies), sources=sources,
        digest=digest,
    )
