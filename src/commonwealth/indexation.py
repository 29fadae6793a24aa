"""The price level and indexation: which dollar amounts are nominal and which are real, on purpose.

**Units.** The model computes in real base-year dollars: one dollar is one base-year (2025) dollar of
output. A price level turns those into current (nominal) dollars:

    P_t = Π_{s = t_0 + 1}^{t} (1 + π_s),    P_{t_0} = 1,

with π_s the inflation rate of ``prices.inflation`` (default 2 %/yr: the Federal Reserve's PCE target,
which CBO's projections reach from 2027; CBO, *The Budget and Economic Outlook: 2026 to 2036*, and the
FOMC's Statement on Longer-Run Goals). P_t is read as the GDP deflator relative to the base year: nominal
GDP = P_t × real GDP. The model's own CPI (:mod:`commonwealth.prices`) is the price of the household
basket *relative to output* (a real relative price, 1 in the base year), so the nominal CPI is
P_t × that index. The price level is exogenous: nothing real depends on it except through the amounts
the law fixes in nominal dollars (below) and the Fund's nominal-GDP phase-in.

**Indexation** of a statutory amount A, stated in base-year dollars (for a fixed-nominal amount: the
dollars written in the law are read at the base year's prices), in year t:

============  ===================================================  =====================================
``none``      fixed nominal dollars: real value A / P_t (erodes)      e.g. §877(a)(2)(B)'s $2 M test
``cpi``       indexed to prices: real value A (constant)              SSI, the estate exemption (chained CPI)
``wages``     indexed to the average wage: real value A × W_t          Social Security's AWI indexing
============  ===================================================  =====================================

W_t is the real average wage relative to the base year (labour income per employed adult, as the SSA's
average wage index is wages per worker). ``cpi`` is an approximation of the statutes in two ways, both
stated: the law indexes to CPI-W, CPI-U or chained CPI-U, which CBO projects to run ≈0.3 pp/yr above
PCE inflation (2.3 % vs 2.0 %); and to the nominal *CPI*, P_t × the model's real CPI, not to P_t — the
model's real CPI moves ≈0.2 %/yr in the status quo (1.06 by 2055), so indexing to P_t keeps the
amount constant in output units, the model's real unit, which is what every real series reports.

Social Security (:func:`social_security_index`): a worker's initial benefit is wage-indexed through the
AWI of the year they turn 60 (42 U.S.C. §415(b)(3)), then raised by the CPI-W COLA (§415(i)), so it is
constant in real terms from claiming on. The mean benefit of the retirees alive in year t is therefore
the mean of W over the years each retired adult turned 60. Percentile tax rates
(:mod:`commonwealth.taxes`) need no indexation: they are defined on the income distribution itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Literal, get_args

import numpy as np
from numba import njit
from numpy.typing import ArrayLike

from commonwealth.parameters import ParameterSet
from commonwealth.sums import dot

Indexation = Literal["none", "cpi", "wages"]
#: The allowed indexations, in the order the docs list them.
INDEXATIONS: tuple[str, ...] = get_args(Indexation)


def real_value(amount: float | ArrayLike, indexation: str, price_level: float,
               wage_index: float = 1.0) -> float | np.ndarray:
    """The real value (base-year dollars) in a year of a statutory ``amount`` stated in base-year dollars.

    Args:
        amount: USD (or USD/year) of the base year, as the parameter file states it.
        indexation: ``none`` (fixed nominal dollars: A / P_t), ``cpi`` (constant real: A) or ``wages``
            (grows with the real average wage: A × W_t).
        price_level: P_t, the price level relative to the base year (/1).
        wage_index: W_t, the real average wage relative to the base year (/1); used by ``wages`` only.

    Returns:
        The amount in base-year dollars of year t (a float, or an array for an array ``amount``).
    """
    if price_level <= 0:
        raise ValueError(f"price level {price_level} must be positive")
    a = np.asarray(amount, dtype=float) if not np.isscalar(amount) else float(amount)
    if indexation == "none":
        return a / price_level
    if indexation == "cpi":
        return a
    if indexation == "wages":
        return a * wage_index
    raise ValueError(f"indexation {indexation!r}; allowed: {', '.join(INDEXATIONS)}")


def nominal_value(real: float | ArrayLike, price_level: float) -> float | np.ndarray:
    """Current dollars of a real amount (base-year dollars): real × P_t."""
    return np.asarray(real, dtype=float) * price_level if not np.isscalar(real) else float(real) * price_level


@cache
def statutory_indexation(name: str) -> str:
    """The indexation a parameter file declares (``indexation:``), e.g. ``taxes.estate_exemption`` → ``cpi``.
    KeyError if the file declares none: every statutory dollar amount must say how it is indexed."""
    spec = ParameterSet()[name].spec
    if spec.indexation is None:
        raise KeyError(f"parameter {name} declares no indexation")
    return spec.indexation


class PriceLevel:
    """P_t over calendar years: the GDP deflator relative to the base year (P = 1 in the base year).

    ``inflation(year)`` is the rate from the year before to ``year`` (``prices.inflation``, dated values
    allowed). Years before the base year deflate backwards with the same rates."""

    def __init__(self, params: ParameterSet, start_year: int) -> None:
        self.params = params
        self.start_year = start_year
        self._levels: dict[int, float] = {start_year: 1.0}

    def inflation(self, year: int) -> float:
        """π_year, per year: the growth of P from ``year − 1`` to ``year``."""
        return float(self.params("prices.inflation", year))

    def level(self, year: int) -> float:
        """P_year = Π_{s = t_0 + 1}^{year} (1 + π_s) (the inverse product before the base year)."""
        if year not in self._levels:
            if year > self.start_year:
                self._levels[year] = self.level(year - 1) * (1.0 + self.inflation(year))
            else:
                self._levels[year] = self.level(year + 1) / (1.0 + self.inflation(year + 1))
        return self._levels[year]

    def path(self, years: ArrayLike) -> np.ndarray:
        """P over an array of calendar years."""
        return np.array([self.level(int(y)) for y in np.asarray(years).ravel()], dtype=float)


def social_security_index(wage_history: Mapping[int, float], year: int, age: np.ndarray, weight: np.ndarray,
                          retirement_age: int, indexing_age: int) -> float:
    """Mean real Social Security benefit in ``year`` relative to the base year's mean (/1).

    A retiree aged a in year t turned ``indexing_age`` (60) in year t − (a − 60); their initial benefit was
    wage-indexed to the AWI of that year and kept constant in real terms by the COLA since, so the mean
    benefit of the retirees (weighted adults at or above ``retirement_age``) is b_0 × mean(W_{t − a + 60}).
    ``wage_history``: calendar year → W, the real average wage relative to the base year; years it lacks
    (before the base year, or not yet observed) count as 1, so the base year's mean benefit is b_0 (the
    data's) and only wages observed after it move benefits — real AWI growth before the base year is in
    b_0 already. Returns 1 if nobody is retired.
    """
    age = np.asarray(age)
    count, youngest, oldest = _retired_ages(age, retirement_age)
    if count == 0:
        return 1.0
    first, last = year - (oldest - indexing_age), year - (youngest - indexing_age)  # years they turned 60
    table = np.array([wage_history.get(y, 1.0) for y in range(first, last + 1)], dtype=float)
    weights, gaps = _retirees(age, np.asarray(weight, dtype=np.float64), retirement_age, count, table - 1.0,
                              year + indexing_age - first)
    return 1.0 + float(dot(weights, gaps) / weights.sum())  # exactly 1 while no wage has moved


@njit(cache=True)
def _retired_ages(age, retirement_age):
    """The number of adults at or past ``retirement_age``, the youngest's age and the oldest's (no branches:
    whether an adult is retired is a coin toss to the processor)."""
    none = np.int64(1 << 62)
    count, youngest, oldest = 0, none, -none
    for i in range(age.size):
        a = np.int64(age[i])
        retired = a >= retirement_age
        count += np.int64(retired)
        low, high = (a, a) if retired else (none, -none)
        youngest = low if low < youngest else youngest
        oldest = high if high > oldest else oldest
    return count, youngest, oldest


@njit(cache=True)
def _retirees(age, weight, retirement_age, count, gap, offset):
    """The weights of the ``count`` adults at or past ``retirement_age`` in record order, and each one's W − 1
    of the year it turned 60: ``gap[offset − a]`` at age a (no branches: every adult is written, and the next
    retiree overwrites a younger adult)."""
    weights = np.empty(count + 1)
    gaps = np.empty(count + 1)
    k = 0
    for i in range(age.size):
        a = np.int64(age[i])
        retired = a >= retirement_age
        weights[k] = weight[i]
        gaps[k] = gap[offset - a if retired else 0]
        k += np.int64(retired)
    return weights[:count], gaps[:count]
