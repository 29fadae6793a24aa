"""The base-year synthetic population as a struct of arrays: who each US adult is and what they own.

A :class:`Population` has one row per record; a record stands for ``weight`` adults who share its
attributes (wealth amounts are per adult of the record, in USD). Each record also names the size of the
*unit* its adults belong to (``unit_size``: 1 for a single adult, 2 for a married couple filing jointly):
the unit is the household of the Fed's DFA and the tax unit of a wealth tax levied on couples jointly.
A couple splits its wealth equally (the equal-split convention of Piketty, Saez & Zucman's distributional
national accounts), so the unit's wealth is ``unit_size`` × the adult's and a record stands for
``weight / unit_size`` units (:meth:`Population.unit_weight`, :func:`unit_wealth`). It is built by
:func:`commonwealth.population_builder.build_population`; with the matching firms, by
:func:`commonwealth.base_year.build_base_year`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from commonwealth.sources import occupation_table
from commonwealth.sums import dot

__all__ = ["DEFAULT_SIZE", "OCCUPATION_NONE", "STRATA", "Population", "occupation_exposure", "unit_wealth"]

#: Default number of records.
DEFAULT_SIZE = 100_000
#: Occupation code of a record with no occupation group (never used at base: everyone has a usual
#: occupation; see :func:`commonwealth.population_builder.build_population`).
OCCUPATION_NONE = -1
#: Stratum codes (``Population.stratum``): named fortunes, other billionaires, then the DFA groups.
STRATA = ("named_fortune", "billionaire", "top0_1", "p99_99_9", "p90_99", "p50_90", "bottom50")


@dataclass(eq=False)
class Population:
    """One row per record; each record stands for ``weight`` adults with identical attributes.

    Wealth fields are USD per adult of the record (multiply by ``weight`` for the record's total).
    ``debt`` is a positive number. ``stake_firm`` indexes the :class:`commonwealth.assets.Firms` the
    population was built with (−1 for no stake); a record holds at most one concentrated stake.
    """

    weight: NDArray[np.float64]  # adults the record stands for
    age: NDArray[np.int16]  # years
    citizen: NDArray[np.bool_]
    occupation: NDArray[np.int8]  # index into occupation_table()
    efficiency: NDArray[np.float64]  # wage in efficiency units; weighted mean 1 over the employed
    employed: NDArray[np.bool_]
    equity_index: NDArray[np.float64]  # pro-rata claim on every corporation's free float (USD)
    equity_concentrated: NDArray[np.float64]  # stake in the firm stake_firm (USD)
    stake_firm: NDArray[np.int32]  # firm id, −1 when none
    housing_land: NDArray[np.float64]  # land under owner-occupied housing (USD)
    housing_structure: NDArray[np.float64]  # owner-occupied housing structures (USD)
    other_land: NDArray[np.float64]  # land held through private (noncorporate) business (USD)
    bonds: NDArray[np.float64]  # deposits, bonds, loans, fixed-income pensions, insurance (USD)
    durables: NDArray[np.float64]  # consumer durables (USD), in Z.1/DFA net worth
    debt: NDArray[np.float64]  # mortgages, consumer credit, other liabilities (USD, positive)
    stratum: NDArray[np.int8]  # index into STRATA
    unit_size: NDArray[np.int8]  # adults in the record's unit: 1 single, 2 married couple (equal split)

    @property
    def size(self) -> int:
        """Number of records."""
        return int(self.weight.size)

    @property
    def gross_assets(self) -> NDArray[np.float64]:
        """Gross assets per adult (USD)."""
        return (
            self.equity_index
            + self.equity_concentrated
            + self.housing_land
            + self.housing_structure
            + self.other_land
            + self.bonds
            + self.durables
        )

    @property
    def net_worth(self) -> NDArray[np.float64]:
        """Net worth per adult (USD): gross assets minus debt."""
        return self.gross_assets - self.debt

    @property
    def real_estate(self) -> NDArray[np.float64]:
        """Owner-occupied housing (land plus structure) per adult (USD)."""
        return self.housing_land + self.housing_structure

    @property
    def unit_weight(self) -> NDArray[np.float64]:
        """Units (households, tax units) the record stands for: adults / unit size."""
        return self.weight / self.unit_size

    def unit_wealth(self, per_adult: NDArray[np.float64]) -> NDArray[np.float64]:
        """Wealth of each record's unit (USD) from a per-adult amount: unit size × per-adult amount."""
        return unit_wealth(per_adult, self.unit_size)

    def total(self, values: NDArray[np.float64] | str) -> float:
        """Weighted total over all adults of a per-adult field (given by name) or array."""
        array = getattr(self, values) if isinstance(values, str) else values
        return float(dot(self.weight, array))

    def validate(self) -> None:
        """Raise ``ValueError`` if the arrays are inconsistent (lengths, signs, stake ids)."""
        n = self.size
        for field in fields(self):
            array = getattr(self, field.name)
            if array.shape != (n,):
                raise ValueError(
                    f"Population.{field.name} has shape {array.shape}, expected ({n},)"
                )
        if np.any((self.unit_size != 1) & (self.unit_size != 2)):
            raise ValueError("Population.unit_size must be 1 (single) or 2 (married couple)")
        if np.any(self.weight <= 0):
            raise ValueError("Population.weight must be positive")
        for name in (
            "equity_index",
            "equity_concentrated",
            "housing_land",
            "housing_structure",
            "other_land",
            "bonds",
            "durables",
            "debt",
            "efficiency",
        ):
            if np.any(getattr(self, name) < 0):
                raise ValueError(f"Population.{name} must be non-negative")
        if np.any((self.stake_firm < 0) & (self.equity_concentrated > 0)):
            raise ValueError("a record holds concentrated equity but names no firm (stake_firm −1)")


def unit_wealth(per_adult: NDArray[np.float64], unit_size: NDArray[np.integer]) -> NDArray[np.float64]:
    """A unit's wealth (USD): its adults' equal shares added up, unit size × the per-adult amount."""
    return np.asarray(per_adult, dtype=np.float64) * unit_size


@functools.cache
def _exposure_by_group() -> NDArray[np.float64]:
    beta = occupation_table()["ai_exposure"].to_numpy(dtype=np.float64)
    beta.flags.writeable = False  # shared by every call
    return beta


def occupation_exposure(occupation: NDArray[np.integer]) -> NDArray[np.float64]:
    """AI exposure β of each record's occupation group (0 for ``OCCUPATION_NONE``); the table is read once."""
    beta = _exposure_by_group()
    occupation = np.asarray(occupation)
    return np.where(occupation >= 0, beta[np.clip(occupation, 0, None)], 0.0)

