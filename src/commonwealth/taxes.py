"""Status-quo taxes and transfers, as average effective rates by income percentile.

The tax schedule is the one measured in the data, not a statutory code: each adult pays the
average effective rate of the income band they fall in — federal (Tax Policy Center, all federal
taxes, 2019) plus state and local (ITEP, Who Pays? 2024). Bands are defined by percentile rank, not
by dollar thresholds, so the schedule keeps its shape as incomes grow. Transfers are Social Security
for adults past the retirement age and a means-tested floor (the SSI payment standard) that tops up
anyone whose income falls short of it. Estates above the federal exemption pay the estate tax at
the effective rate that matches what it actually collects (see :meth:`StatusQuo.with_effective_estate_rate`).

All amounts are per adult, in base-year dollars per year; arrays are one entry per record.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numba import njit

from commonwealth.parameters import ParameterSet
from commonwealth.ranking import band_index, band_rates
from commonwealth.sums import dot


@dataclass(frozen=True)
class StatusQuo:
    """The status-quo tax and transfer system in one year."""

    breaks: np.ndarray  # upper edges of income-percentile bands
    rates: np.ndarray  # federal + state and local average rate per band
    income_floor: float  # USD/year per adult
    social_security: float  # USD/year per retired adult
    retirement_age: int
    estate_exemption: float  # USD
    estate_rate: float  # effective average rate on estates above the exemption

    @classmethod
    def from_parameters(cls, params: ParameterSet, year: int) -> StatusQuo:
        federal = np.asarray(params("taxes.federal_rates", year), dtype=float)
        state = np.asarray(params("taxes.state_local_rates", year), dtype=float)
        breaks = np.asarray(params("taxes.rate_percentile_breaks", year), dtype=float)
        if not (federal.size == state.size == breaks.size + 1):
            raise ValueError("taxes: federal_rates and state_local_rates need one more entry than the breaks")
        return cls(
            breaks=breaks, rates=federal + state,
            income_floor=float(params("transfers.income_floor", year)),
            social_security=float(params("transfers.social_security_benefit", year)),
            retirement_age=int(params("transfers.retirement_age", year)),
            estate_exemption=float(params("taxes.estate_exemption", year)),
            estate_rate=float(params("taxes.estate_rate", year)),
        )

    def transfers(self, market_income: np.ndarray, age: np.ndarray) -> np.ndarray:
        """Social Security past the retirement age plus the top-up to the income floor
        (:func:`status_quo_transfer`, per adult)."""
        return _transfers(np.asarray(market_income, dtype=np.float64), np.asarray(age), self.retirement_age,
                          self.social_security, self.income_floor)

    def income_bands(self, income: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Each adult's income-percentile band (int8, 0 … len(breaks)): the weighted rank of its income (market
        income plus transfers) among all adults'. Found once a year and shared by the taxes and the rates."""
        return band_index(income, weights, self.breaks)

    def income_taxes(self, income: np.ndarray, weights: np.ndarray, band: np.ndarray | None = None) -> np.ndarray:
        """Effective-rate taxes on income (market income plus transfers); nothing on negative income.
        ``band``: the adults' :meth:`income_bands` of this ``income``, if already found."""
        return _band_tax(self.income_bands(income, weights) if band is None else band, self.rates, income)

    def marginal_rates(self, income: np.ndarray, weights: np.ndarray, band: np.ndarray | None = None) -> np.ndarray:
        """Each adult's status-quo marginal tax rate, proxied by the effective average rate of their income
        band (the schedule is measured as average rates by percentile; the statutory marginal rate is
        higher for most earners, so this understates the net-of-tax-rate changes' base). ``band``: as in
        :meth:`income_taxes`."""
        return band_rates(self.income_bands(income, weights) if band is None else band, self.rates)

    def with_property_tax_credited(self, state_local_rates: np.ndarray, property_tax: float, income: np.ndarray,
                                   weights: np.ndarray, band: np.ndarray | None = None) -> StatusQuo:
        """Lower the state and local part of every band's rate by the share s of its revenue that
        ``property_tax`` (USD/year, collected on its own) accounts for: rates − s·state_local_rates,
        s = property_tax / Σ w·state_local_rate·income (at most 1)."""
        band = self.income_bands(income, weights) if band is None else band
        revenue = float(dot(weights, _band_tax(band, np.asarray(state_local_rates, dtype=np.float64), income)))
        share = min(property_tax / revenue, 1.0) if revenue > 0 else 0.0
        return replace(self, rates=self.rates - share * np.asarray(state_local_rates, dtype=float))

    def estate_tax(self, estate: np.ndarray) -> np.ndarray:
        return _estate_tax(np.asarray(estate, dtype=np.float64), self.estate_exemption, self.estate_rate)

    def with_effective_estate_rate(self, expected_taxable: float, revenue: float) -> StatusQuo:
        """Scale the statutory estate rate down to what the estate tax actually collects.

        Trusts, valuation discounts, charitable bequests and spousal deferral keep real collections far
        below the statutory rate times the excess of estates over the exemption; the effective rate is
        revenue / expected taxable excess (deaths × excess at the base year), capped at the statutory rate.
        """
        effective = min(self.estate_rate, revenue / expected_taxable) if expected_taxable > 0 else self.estate_rate
        return replace(self, estate_rate=effective)


@njit(cache=True)
def _band_tax(band: np.ndarray, rates: np.ndarray, income: np.ndarray) -> np.ndarray:
    """rate of the band × income, nothing on negative income (one pass; same bits as the numpy expression
    ``rates[band] * np.maximum(income, 0.0)``)."""
    out = np.empty(income.size)
    for i in range(income.size):
        out[i] = rates[band[i]] * maximum(income[i], 0.0)
    return out


@njit(cache=True)
def _estate_tax(estate: np.ndarray, exemption: float, rate: float) -> np.ndarray:
    """``rate * np.maximum(estate - exemption, 0.0)``."""
    out = np.empty(estate.size)
    for i in range(estate.size):
        out[i] = rate * maximum(estate[i] - exemption, 0.0)
    return out


@njit(cache=True, inline="always")
def status_quo_transfer(market_income: float, age: int, retirement_age: int, social_security: float,
                        income_floor: float) -> float:
    """One adult's status-quo transfer: Social Security from the retirement age, plus whatever tops market
    income and pension up to the income floor (USD per year). The one statement of the rule, used by
    :meth:`StatusQuo.transfers` and by the households' compiled incomes."""
    pension = social_security if age >= retirement_age else 0.0
    return pension + maximum(0.0, income_floor - (market_income + pension))


@njit(cache=True)
def _transfers(market_income: np.ndarray, age: np.ndarray, retirement_age: int, social_security: float,
               income_floor: float) -> np.ndarray:
    out = np.empty(market_income.size)
    for i in range(market_income.size):
        out[i] = status_quo_transfer(market_income[i], age[i], retirement_age, social_security, income_floor)
    return out


@njit(cache=True, inline="always")
def maximum(a: float, b: float) -> float:
    """``numpy.maximum`` of two numbers inside compiled loops, bit for bit: NaN if either is NaN (Python's
    ``max`` would silently drop a NaN in its second argument), and ``b`` when the two compare equal, as numpy
    (``numpy.maximum(-0.0, 0.0)`` is 0.0, ``numpy.maximum(0.0, -0.0)`` is −0.0)."""
    if a != a or b != b:
        return a + b
    return a if a > b else b


@njit(cache=True, inline="always")
def clip(x: float, low: float, high: float) -> float:
    """``numpy.clip(x, low, high)`` of one number inside compiled loops, bit for bit: NaN if any of the three is
    NaN; ``x`` itself when it equals a bound (so −0.0 clipped to [0, 1] stays −0.0, as in numpy)."""
    if x != x or low != low or high != high:
        return x + low + high
    if x < low:
        return low
    return high if x > high else x
