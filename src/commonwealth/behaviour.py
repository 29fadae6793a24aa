"""Behavioural responses: which of them a scenario runs (the ``behaviour:`` key).

Each response is a block of the households closure with its own module and parameters
(docs/model/behaviour.md): saving (:mod:`commonwealth.saving`), work and leisure
(:mod:`commonwealth.labour_supply`), selling shares received (:mod:`commonwealth.portfolios`), firms'
investment, payout and listing (:mod:`commonwealth.investment`) and taxable income
(:mod:`commonwealth.labour_supply`). Every one is on by default, at its sourced central values; a
scenario switches any off, or all (``behaviour: static``), so that static and behavioural results can
be set side by side.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class BehaviourSettings(BaseModel):
    """Which behavioural responses run (docs/model/behaviour.md), each on by default at its sourced
    central values; all off reproduces the fixed rules of wave 1 (static results beside behavioural
    ones). The households closure only: the macro closures have no households to respond."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    saving: bool = Field(default=True, description="life-cycle saving, dissaving in retirement and the "
                         "response to the after-tax return (off: fixed rates by wealth band)")
    labour: bool = Field(default=True, description="hours and participation respond to the net wage and to "
                         "unearned income (off: hours fixed at the base year's)")
    portfolios: bool = Field(default=True, description="recipients sell part of the shares they receive "
                             "(windfall and stock-wealth MPCs), within lock-ups (off: nobody sells)")
    investment: bool = Field(default=True, description="firms' investment, payout and listing respond to the "
                             "user cost of capital (off: fixed retention, every firm stays listed)")
    taxable_income: bool = Field(default=True, description="reported income responds to income-tax reforms "
                                 "with the elasticity of taxable income (off: no response)")

    @model_validator(mode="before")
    @classmethod
    def _preset(cls, value: Any) -> Any:
        """``behaviour: static`` (every response off) and ``behaviour: responsive`` (every one on)."""
        return behaviour_mapping(value)

    @property
    def any(self) -> bool:
        return any(getattr(self, k) for k in type(self).model_fields)


#: The named sets of responses ``behaviour:`` accepts instead of a mapping.
BEHAVIOUR_PRESETS = {"static": False, "responsive": True}


def behaviour_mapping(value: Any) -> Any:
    """A ``behaviour:`` value as a mapping: a preset name becomes every key set to its value."""
    if isinstance(value, str) and value in BEHAVIOUR_PRESETS:
        return {k: BEHAVIOUR_PRESETS[value] for k in BehaviourSettings.model_fields}
    if isinstance(value, str):
        raise ValueError(f"{value!r} is not a behaviour preset; allowed: {', '.join(BEHAVIOUR_PRESETS)} or a "
                         f"mapping of {', '.join(BehaviourSettings.model_fields)} to true/false")
    return value


