"""Checks of a scenario that need its base year built: run by `validate`, `run` and :func:`simulate`
before any simulation. Kept apart from the API so that `commonwealth validate` starts fast: the engine
is imported only when a scenario needs this check (it overrides parameters or funds a UBI by VAT)."""

from __future__ import annotations

from typing import Any

import numpy as np

from commonwealth.errors import UserError
from commonwealth.scenario import Scenario
from commonwealth.sums import dot


def check_base_year(scenario: Scenario) -> None:
    """Build the scenario's base year at the smallest size, when it overrides parameters: overrides can make
    the calibration impossible (a negative net return, fortunes larger than the wealth they come from).
    Raises :class:`~commonwealth.errors.UserError` naming the file and the overridden parameters."""
    vat_ubis = [(i, p) for i, p in enumerate(scenario.policies) if p.type == "ubi" and p.funding == "vat"]
    if not scenario.parameters and not vat_ubis:
        return
    from commonwealth.engine import HouseholdEconomy, build_economy
    from commonwealth.scenario import MIN_POPULATION, minimum_size

    source = scenario.sources[0]
    try:
        if scenario.saving == "households":
            size = max(minimum_size(scenario.parameter_set()), MIN_POPULATION)
            small = scenario.model_copy(update={"population": scenario.population.model_copy(update={"size": size})})
            sim = HouseholdEconomy(small)
            if vat_ubis:
                _check_vat_funding(sim, scenario, vat_ubis)
        else:
            build_economy(scenario)
    except UserError as exc:
        raise UserError(f"{exc.message} (with parameters {', '.join(sorted(scenario.parameters))})",
                        source=source) from None
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
        raise UserError(f"the base year cannot be built with parameters {', '.join(sorted(scenario.parameters))}: "
                        f"{exc}; allowed: values that keep the calibration consistent (see `commonwealth params`).",
                        source=source) from None


def _check_vat_funding(sim, scenario: Scenario, ubis: list[tuple[int, Any]]) -> None:
    """A VAT can fund a UBI only if the UBI costs less than all consumption: compare with the base year's."""
    params = scenario.parameter_set()
    year = sim.step()
    w = sim.pop.weight
    consumption = float(dot(w, year.flows.consumption))
    for i, spec in ubis:
        amount = spec.amount if spec.amount is not None else float(params("policy.ubi.amount", scenario.start_year))
        recipients = float(w.sum()) if spec.recipients == "adults" else float(dot(w, sim.pop.citizen))
        cost = amount * recipients
        if cost >= consumption:
            raise UserError(f"key 'policies[{i}].amount' has value {amount:,.0f}: paid to {recipients:,.0f} "
                            f"{spec.recipients} it costs ${cost / 1e12:,.1f} tn a year, more than all consumption in "
                            f"the base year (${consumption / 1e12:,.1f} tn), so no VAT can fund it; allowed: less "
                            f"than {consumption / recipients:,.0f} per recipient, or another funding.",
                            source=scenario.sources[0])
