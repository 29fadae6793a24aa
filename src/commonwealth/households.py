"""Households: income, taxes and transfers, consumption and saving, jobs, and ageing — each year.

The functions below move the synthetic population (struct of arrays, one row per
record, amounts per adult) through a year, given the factor prices of the macro block and the asset
prices of :mod:`commonwealth.markets`:

Each year has two calls: :func:`incomes` (what the markets and the status quo pay) and, once the
reforms have added their taxes and transfers, :func:`settle` (consumption, saving, investment).

1. **Labour income** = wage per efficiency unit × efficiency × hours (relative to the base year, 1 unless
   the labour-supply response moves them, :mod:`commonwealth.labour_supply`), for the employed; so Σ
   labour income is exactly w·L, with L the employed efficiency units weighted by hours.
2. **Capital income** by holdings: index equity and concentrated stakes earn their firms' equity
   income; owner-occupied structures earn the net return r; bonds earn the safe rate and debt costs it;
   land earns rent.
   Firms retain part of equity income and invest it (``assets.retention_ratio``): that part is
   saved on the holder's behalf and shows up in the value of the holding, not in cash.
3. **Taxes and transfers** of the status quo (:mod:`commonwealth.taxes`).
4. **Saving** = saving rate × disposable income, the rate rising with wealth (Saez & Zucman 2016,
   whose saving includes retained earnings); consumption is the rest, never negative. Saving beyond
   the earnings firms retained for the household buys the index and bonds in the proportion it
   already holds them (bonds when it holds neither); a shortfall sells them, then borrows.
5. **Revaluation** of each holding at this year's prices, computed explicitly from price changes.

Jobs: every adult carries a fixed latent draw; they work when it is below the employment rate of
their age (BLS CPS 2024, which also sets how many work past 65) — scaled by the participation factor of
the labour-supply response when it runs (:mod:`commonwealth.labour_supply`) — unless displaced. Automation
displaces employed workers of occupation group g with probability (β_g / β̄) · ΔΦ/(1 − Φ): the share
of still-human tasks that machines took over this year, tilted by the group's exposure (Eloundou et
al. 2024), capped at ``households.max_displacement_rate`` a year (a reallocation friction: the share
ΔΦ/(1 − Φ) reaches 1 in the year automation completes, but no economy lays off more than a
JOLTS-scale share of its workers a year). Displaced
workers find work again at ``households.reemployment_rate`` a year, with a permanent earnings loss.

Ageing: adults die at the SSA period-life-table rate of their age; the estate, less estate tax,
passes to an heir who takes the record's place as an 18-year-old (a dynasty), with earnings drawn
with the intergenerational rank correlation of Chetty et al. (2014).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, lru_cache

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from commonwealth.allocator import keep_in_place, writable
from commonwealth.distribution import Distribution, running_ranks
from commonwealth.kernel_threads import record_kernel
from commonwealth.parameters import ParameterSet
from commonwealth.population import Population, occupation_exposure
from commonwealth.population_builder import employment_rate_by_age
from commonwealth.ranking import band_rates_by_rank
from commonwealth.sorting import KeptOrder
from commonwealth.sources import table
from commonwealth.sums import LANES, lanes_total
from commonwealth.taxes import StatusQuo, maximum, status_quo_transfer

#: Age at which heirs enter (adults are 18 and over).
ADULT_AGE = 18


def mortality(age: NDArray) -> NDArray[np.float64]:
    """Probability of dying within the year at each age: SSA period life table, men and women
    averaged, log-linear between tabulated ages, 1 beyond the last. Whole-year ages (the population's
    int16) are looked up in a table of every age computed by the same formula (identical values)."""
    a = np.asarray(age)
    if a.size and np.issubdtype(a.dtype, np.integer):
        lo, hi = int(a.min()), int(a.max())
        if lo >= 0 and hi < _AGE_TABLE_SIZE:
            return _mortality_by_age()[a]
    return _mortality_at(a)


#: Whole-year ages tabulated for :func:`mortality` (0 … 149; q = 1 well before).
_AGE_TABLE_SIZE = 150


@cache
def _mortality_by_age() -> NDArray[np.float64]:
    table_ = _mortality_at(np.arange(_AGE_TABLE_SIZE))
    table_.setflags(write=False)
    return table_


def _mortality_at(age: NDArray) -> NDArray[np.float64]:
    life = table("ssa_period_life_table_qx.csv")
    ages = life["age"].to_numpy(dtype=float)
    log_q = np.log(0.5 * (life["qx_male"] + life["qx_female"]).to_numpy(dtype=float))
    q = np.exp(np.interp(age, ages, log_q))
    return np.where(age > ages[-1], 1.0, q)


def employment_rate(age: NDArray) -> NDArray[np.float64]:
    """Employment–population ratio at each age (BLS CPS 2024 age bands)."""
    index, rate = employment_rate_by_age(age)
    return rate[np.clip(index, 0, rate.size - 1)]


@dataclass
class Labour:
    """Job state per record, beside the population."""

    latent: NDArray[np.float64]  # fixed uniform draw: works when below the age's employment rate
    displaced: NDArray[np.bool_]  # lost a job to automation and not yet re-employed
    #: Per record: the factor on the age's employment rate from the labour-supply response
    #: (commonwealth.labour_supply); None: no response (the rate itself).
    participation: NDArray[np.float64] | None = None

    @classmethod
    def from_population(cls, pop: Population, rng: np.random.Generator) -> Labour:
        """Latent draws consistent with the base year: below the rate for the employed, above otherwise."""
        rate = employment_rate(pop.age)
        u = rng.random(pop.weight.size)
        latent = np.where(pop.employed, u * rate, rate + u * (1.0 - rate))
        return cls(latent=latent, displaced=np.zeros(pop.weight.size, dtype=bool))

    def update_employment(self, pop: Population) -> None:
        """Employed: the latent draw below the age's employment rate (× the participation factor), and not
        displaced."""
        age = pop.age
        if age.size and np.issubdtype(age.dtype, np.integer) and age.min() >= 0:  # whole years: one pass
            rate_of_age = employment_rate(np.arange(int(age.max()) + 1))
            participation = np.empty(0) if self.participation is None else self.participation
            employed = writable(pop.employed, self.latent.shape, np.bool_)  # last year's, written over
            _now_employed(self.latent, age, rate_of_age, participation, self.displaced, employed)
            pop.employed = employed
            return
        rate = employment_rate(age)
        if self.participation is not None:
            rate = rate * self.participation
        pop.employed = keep_in_place(pop.employed, (self.latent < rate) & ~self.displaced)


@dataclass(frozen=True)
class Prices:
    """What the markets pay this year (USD unless stated)."""

    wage: float  # per efficiency unit per year
    r: float  # net return on capital, per year (owner-occupied structures)
    index_income: float  # equity income per index unit, per year
    concentrated_income: NDArray[np.float64]  # equity income per concentrated unit, by firm (+ trailing 0)
    land_rent: float  # rent per land unit, per year
    index_price: float  # per unit, this year, before this year's retained earnings
    concentrated_price: NDArray[np.float64]  # per unit, by firm (+ trailing 0)
    land_price: float  # per unit
    index_retained: float = 0.0  # earnings retained and invested per index unit this year
    concentrated_retained: NDArray[np.float64] | None = None  # per concentrated unit, by firm (+ trailing 0)
    r_safe: float | None = None  # safe real rate on bonds and household debt (None: r)

    def after_retention(self) -> Prices:
        """Prices at the end of the year: retained earnings are invested and raise each holding 1:1. Found
        once and kept (four blocks ask a year; prices are immutable, so every caller may share them)."""
        kept = self.__dict__.get("_after_retention")
        if kept is None:
            retained = self.concentrated_retained if self.concentrated_retained is not None else 0.0
            kept = replace(self, index_price=self.index_price + self.index_retained,
                           concentrated_price=self.concentrated_price + retained, index_retained=0.0,
                           concentrated_retained=None)
            object.__setattr__(self, "_after_retention", kept)  # not a field: replace() and == ignore it
        return kept


@dataclass
class Flows:
    """One year's flows per record, USD per adult."""

    labour_income: NDArray[np.float64]
    capital_income: NDArray[np.float64]
    transfers: NDArray[np.float64]
    taxes: NDArray[np.float64]
    consumption: NDArray[np.float64]
    saving: NDArray[np.float64]  # all saving, including earnings retained on the household's behalf
    retained: NDArray[np.float64]  # earnings firms retained for the household
    index_purchase: NDArray[np.float64]
    revaluation: NDArray[np.float64]
    #: Each adult's status-quo income band (:meth:`commonwealth.taxes.StatusQuo.income_bands`) of ``income``
    #: as :func:`incomes` found it (transfers before the reforms'), shared by the taxes and marginal rates;
    #: the engine lets it go (None) once the reforms' cash is found.
    income_band: NDArray[np.int8] | None = None

    @property
    def market_income(self) -> NDArray[np.float64]:
        return self.labour_income + self.capital_income

    @property
    def income(self) -> NDArray[np.float64]:
        """Income before taxes: market income plus transfers."""
        return _sum3(self.labour_income, self.capital_income, self.transfers)


def net_worth(pop: Population, prices: Prices) -> NDArray[np.float64]:
    """Net worth per adult at ``prices``, USD."""
    _check_stakes(pop, prices)
    return _net_worth(pop.equity_index, pop.equity_concentrated, pop.stake_firm, pop.housing_land, pop.other_land,
                      pop.housing_structure, pop.bonds, pop.durables, pop.debt, prices.index_price,
                      prices.concentrated_price, prices.land_price)


def net_worths(pop: Population, first: Prices, second: Prices) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``(net_worth(pop, first), net_worth(pop, second))``, bit for bit, in one pass over the holdings (the
    markets value last year's holdings at last year's prices and at this year's)."""
    _check_stakes(pop, first)
    _check_stakes(pop, second)
    return _net_worths(pop.equity_index, pop.equity_concentrated, pop.stake_firm, pop.housing_land, pop.other_land,
                       pop.housing_structure, pop.bonds, pop.durables, pop.debt,
                       first.index_price, first.concentrated_price, first.land_price,
                       second.index_price, second.concentrated_price, second.land_price)


def net_worth_change(pop: Population, prices: Prices, before: NDArray[np.float64]) -> NDArray[np.float64]:
    """``net_worth(pop, prices) − before``, bit for bit, without the net worth as an array of its own."""
    _check_stakes(pop, prices)
    if np.shape(before) != (pop.size,):
        raise ValueError(f"net_worth_change: {np.size(before)} values before for {pop.size} records")
    return _net_worth_change(pop.equity_index, pop.equity_concentrated, pop.stake_firm, pop.housing_land,
                             pop.other_land, pop.housing_structure, pop.bonds, pop.durables, pop.debt,
                             prices.index_price, prices.concentrated_price, prices.land_price,
                             np.asarray(before, dtype=np.float64))


def land_tax(pop: Population, rate: float, price: float) -> NDArray[np.float64]:
    """Per adult, USD: ``rate × (housing land + other land) × price`` (a tax on the land's value), bit for bit,
    in one pass."""
    return _land_tax(pop.housing_land, pop.other_land, float(rate), float(price))


def build_structures(pop: Population, growth: float) -> float:
    """Every owner's structures grow by ``growth`` (a fraction, USD per USD), paid out of their bonds, in
    place: ``built = structure × growth; structure += built; bonds −= built``; returns the new
    Σ weight × structure (as :func:`commonwealth.sums.dot` sums it), all in one pass."""
    return float(_build_structures(pop.housing_structure, pop.bonds, pop.weight, float(growth)))


def equity_below(pop: Population, index_price: float, concentrated_price: NDArray[np.float64], rank: NDArray,
                 cut: float) -> float:
    """Σ weight × equity (index units at ``index_price`` plus the concentrated stake at its firm's
    ``concentrated_price``, USD per adult) over adults whose ``rank`` is below ``cut``: ``dot(weight × (rank <
    cut), equity)`` to the bit, in one pass and without the per-adult equity."""
    _check_stake_ids(pop, np.size(concentrated_price) - 1)
    return float(_equity_below(pop.weight, np.asarray(rank, dtype=np.float64), pop.equity_index,
                               pop.equity_concentrated, pop.stake_firm, float(index_price),
                               np.asarray(concentrated_price, dtype=np.float64), float(cut)))


def saving_rates(wealth: NDArray, weight: NDArray, params: ParameterSet, year: int) -> NDArray[np.float64]:
    """Saving rate of each adult: the rate of the wealth-percentile band its weighted rank falls in."""
    return band_rates_by_rank(wealth, weight, params("households.saving_wealth_breaks", year),
                              params("households.saving_rates", year))


def incomes(pop: Population, prices: Prices, previous: Prices, policy: StatusQuo,
            hours: NDArray[np.float64] | None = None) -> Flows:
    """Revaluation, labour and capital income, status-quo taxes and transfers for the year; ``hours``: each
    adult's hours relative to the base year (:mod:`commonwealth.labour_supply`; default 1)."""
    _check_stakes(pop, prices)
    labour, capital, transfers, revaluation, income = _primary_incomes(
        pop.employed, pop.efficiency, _per_record(1.0 if hours is None else hours, pop.size), pop.age,
        pop.equity_index, pop.equity_concentrated, pop.stake_firm,
        pop.housing_land, pop.other_land, pop.housing_structure, pop.bonds, pop.debt,
        prices.wage, prices.r, prices.r if prices.r_safe is None else prices.r_safe,
        prices.index_income, prices.concentrated_income, prices.land_rent,
        prices.index_price - previous.index_price, prices.concentrated_price - previous.concentrated_price,
        prices.land_price - previous.land_price,
        policy.retirement_age, policy.social_security, policy.income_floor)
    band = policy.income_bands(income, pop.weight)
    zeros = _per_record(0.0, pop.size)  # read-only placeholders until settle
    return Flows(labour_income=labour, capital_income=capital, transfers=transfers,
                 taxes=policy.income_taxes(income, pop.weight, band), consumption=zeros, saving=zeros,
                 retained=zeros, index_purchase=zeros, revaluation=revaluation, income_band=band)


def settle(pop: Population, flows: Flows, prices: Prices, saving_rate: NDArray[np.float64], *,
           policy_taxes: NDArray | float = 0.0, policy_transfers: NDArray | float = 0.0,
           locked_units: NDArray | float = 0.0, amounts: bool = False,
           reinvested: NDArray | float = 0.0) -> Flows:
    """Consumption and saving out of disposable income, and where the saving goes; updates holdings.

    ``saving_rate`` is each adult's rate (:func:`saving_rates`); ``policy_taxes`` and ``policy_transfers``
    are the reforms' cash flows per adult (not taxable); ``locked_units`` are index units that may not be
    sold yet.

    Saving is rate × disposable income when that is positive, else all of it (dissaving); consumption is
    the rest. Firms already invested the retained earnings; the rest of saving (or the shortfall) goes to
    the index and bonds in the proportion held, at end-of-year prices. A seller cannot sell more index
    than it holds (less what is locked); what remains moves bonds (negative bonds are borrowing).

    With ``amounts``, ``saving_rate`` holds each adult's saving in USD instead (the life-cycle rule of
    :mod:`commonwealth.saving`), taken as it is.

    ``reinvested`` (USD per adult) is the part of the discretionary saving that buys the index before the
    proportional split: the payouts firms make beyond the status-quo payout ratio
    (:mod:`commonwealth.investment`), which shareholders put back into equity, so that a change of
    payout policy alone does not move their portfolio between equity and bonds (the saving rule sees
    through the corporate veil; Yagan 2015 finds no effect of payout taxes on investment).
    """
    n = pop.size
    end = prices.after_retention()
    has_concentrated = prices.concentrated_retained is not None
    concentrated_retained = prices.concentrated_retained if has_concentrated else np.zeros(1)
    flows.transfers = _plus(flows.transfers, policy_transfers)
    flows.taxes = _plus(flows.taxes, policy_taxes)
    flows.consumption, flows.saving, flows.retained, flows.index_purchase = _settle(
        flows.labour_income, flows.capital_income, flows.transfers, flows.taxes, saving_rate, pop.equity_index,
        pop.equity_concentrated, pop.stake_firm, pop.bonds, _per_record(locked_units, n), prices.index_retained,
        concentrated_retained, has_concentrated, end.index_price, amounts, _per_record(reinvested, n))
    return flows


def _check_stakes(pop: Population, prices: Prices) -> None:
    """The compiled kernels do not check bounds: every stake must name a firm the prices cover."""
    _check_stake_ids(pop, prices.concentrated_price.size - 1)  # the trailing entry is for records without a stake


def _check_stake_ids(pop: Population, firms: int) -> None:
    """Every stake is −1 (none) or a firm 0 … ``firms`` − 1."""
    if not _stakes_within(pop.stake_firm, firms):
        raise ValueError(f"stake_firm ids run from {int(pop.stake_firm.min())} to {int(pop.stake_firm.max())}, "
                         f"but the prices cover firms 0 to {firms - 1} (and −1 for no stake)")


@njit(cache=True)
def _stakes_within(stake_firm: NDArray, firms: int) -> bool:
    """Every id is −1 (no stake) or a firm 0 … firms − 1: one pass, where ``min`` and ``max`` took two. No
    early exit: an OR over every record, which the compiler vectorises (a valid population reads it all
    anyway; 0.47 → 0.14 ms at a million records, where a branch per record could not be vectorised)."""
    outside = False
    for i in range(stake_firm.size):
        s = stake_firm[i]
        outside |= (s < -1) | (s >= firms)
    return not outside


def _plus(amounts: NDArray[np.float64], extra: NDArray | float) -> NDArray[np.float64]:
    """``amounts + extra`` as a new array, or ``amounts`` itself when there is nothing to add."""
    return amounts if np.isscalar(extra) and extra == 0 else amounts + extra


def _per_record(value: NDArray | float, n: int) -> NDArray[np.float64]:
    """A per-record array for the kernels, which only read it: an array of n floats as it is, a number
    broadcast without copying (one read-only view per number and size, kept: numpy's broadcast costs more
    than some of the passes that read it)."""
    if isinstance(value, np.ndarray) and value.shape == (n,) and value.dtype == np.float64:
        return value
    if np.ndim(value) == 0:
        return _broadcast_number(float(value), n)
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (n,))


@lru_cache(maxsize=16)
def _broadcast_number(value: float, n: int) -> NDArray[np.float64]:
    return np.broadcast_to(np.float64(value), (n,))


# The kernels: one pass over the records each, in the operation order of the numpy expressions they
# replace (so the results are the same to the last bit), compiled by Numba. Tax-Calculator compiles its
# per-record functions the same way. Numba caches the machine code in __pycache__ and recompiles when
# this file changes, but not when a compiled helper they call from another module does
# (taxes.maximum, taxes.status_quo_transfer): after editing one, run `make clean-cache`. The maps among them
# (`@record_kernel`: each record's outputs from its own inputs, no sum across records) also run on the
# kernels' threads for large populations (commonwealth.kernel_threads), with the same bits.

@njit(cache=True, inline="always")
def _net_worth_of(i, equity_index, equity_concentrated, stake_firm, housing_land, other_land, housing_structure,
                  bonds, durables, debt, index_price, concentrated_price, land_price):
    return (equity_index[i] * index_price + equity_concentrated[i] * concentrated_price[stake_firm[i]]
            + (housing_land[i] + other_land[i]) * land_price
            + housing_structure[i] + bonds[i] + durables[i] - debt[i])


@record_kernel
def _net_worth(equity_index, equity_concentrated, stake_firm, housing_land, other_land, housing_structure, bonds,
               durables, debt, index_price, concentrated_price, land_price):
    out = np.empty(equity_index.size)
    for i in prange(out.size):
        out[i] = _net_worth_of(i, equity_index, equity_concentrated, stake_firm, housing_land, other_land,
                               housing_structure, bonds, durables, debt, index_price, concentrated_price, land_price)
    return out


@record_kernel
def _net_worths(equity_index, equity_concentrated, stake_firm, housing_land, other_land, housing_structure, bonds,
                durables, debt, index_a, concentrated_a, land_a, index_b, concentrated_b, land_b):
    first, second = np.empty(equity_index.size), np.empty(equity_index.size)
    for i in prange(first.size):
        first[i] = _net_worth_of(i, equity_index, equity_concentrated, stake_firm, housing_land, other_land,
                                 housing_structure, bonds, durables, debt, index_a, concentrated_a, land_a)
        second[i] = _net_worth_of(i, equity_index, equity_concentrated, stake_firm, housing_land, other_land,
                                  housing_structure, bonds, durables, debt, index_b, concentrated_b, land_b)
    return first, second


@record_kernel
def _net_worth_change(equity_index, equity_concentrated, stake_firm, housing_land, other_land, housing_structure,
                      bonds, durables, debt, index_price, concentrated_price, land_price, before):
    out = np.empty(equity_index.size)
    for i in prange(out.size):
        out[i] = _net_worth_of(i, equity_index, equity_concentrated, stake_firm, housing_land, other_land,
                               housing_structure, bonds, durables, debt, index_price, concentrated_price,
                               land_price) - before[i]
    return out


@record_kernel
def _land_tax(housing_land, other_land, rate, price):
    out = np.empty(housing_land.size)
    for i in prange(out.size):
        out[i] = rate * (housing_land[i] + other_land[i]) * price
    return out


@njit(cache=True, inline="always")
def _build_one(structure, bonds, weight, growth, i):
    built = structure[i] * growth
    structure[i] += built
    bonds[i] -= built
    return weight[i] * structure[i]


@njit(cache=True)
def _build_structures(structure, bonds, weight, growth):
    """:func:`build_structures`: the weighted sum in :func:`commonwealth.sums.dot`'s lanes and order."""
    n = structure.size
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    stop = n - n % LANES
    for i in range(0, stop, LANES):
        s0 += _build_one(structure, bonds, weight, growth, i)
        s1 += _build_one(structure, bonds, weight, growth, i + 1)
        s2 += _build_one(structure, bonds, weight, growth, i + 2)
        s3 += _build_one(structure, bonds, weight, growth, i + 3)
        s4 += _build_one(structure, bonds, weight, growth, i + 4)
        s5 += _build_one(structure, bonds, weight, growth, i + 5)
        s6 += _build_one(structure, bonds, weight, growth, i + 6)
        s7 += _build_one(structure, bonds, weight, growth, i + 7)
    tail = 0.0
    for i in range(stop, n):
        tail += _build_one(structure, bonds, weight, growth, i)
    return (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) + tail


@njit(cache=True)
def _equity_below(weight, rank, equity_index, equity_concentrated, stake_firm, index_price, concentrated_price, cut):
    n = weight.size
    stop = n - n % LANES
    lanes = np.zeros(LANES)
    tail = 0.0
    for i in range(n):
        below = weight[i] * (1.0 if rank[i] < cut else 0.0)
        equity = equity_index[i] * index_price + equity_concentrated[i] * concentrated_price[stake_firm[i]]
        if i < stop:
            lanes[i % LANES] += below * equity
        else:
            tail += below * equity
    return lanes_total(lanes, tail)


@record_kernel
def _now_employed(latent, age, rate_of_age, participation, displaced, out):
    """``(latent < rate × participation) & ~displaced`` with each record's rate looked up by its age (the
    participation left out when empty), into ``out``: the same comparison of the same product, in one pass.
    Both tests are evaluated (``&``, not ``and``): a short-circuit is a branch on a random draw, mispredicted
    about one record in three (63 against 19 µs for 20,000 records)."""
    if participation.size:
        for i in prange(latent.size):
            out[i] = (latent[i] < rate_of_age[age[i]] * participation[i]) & (not displaced[i])
    else:
        for i in prange(latent.size):
            out[i] = (latent[i] < rate_of_age[age[i]]) & (not displaced[i])


@njit(cache=True)
def _net_worth_at(records, equity_index, equity_concentrated, stake_firm, housing_land, other_land,
                  housing_structure, bonds, durables, debt, index_price, concentrated_price, land_price):
    """:func:`_net_worth` of the given records only."""
    out = np.empty(records.size)
    for k in range(out.size):
        out[k] = _net_worth_of(records[k], equity_index, equity_concentrated, stake_firm, housing_land, other_land,
                               housing_structure, bonds, durables, debt, index_price, concentrated_price, land_price)
    return out


@record_kernel
def _sum3(a, b, c):
    """a + b + c (left to right)."""
    out = np.empty(a.size)
    for i in prange(out.size):
        out[i] = a[i] + b[i] + c[i]
    return out


@record_kernel
def _primary_incomes(employed, efficiency, hours, age, equity_index, equity_concentrated, stake_firm, housing_land,
                     other_land, housing_structure, bonds, debt, wage, r, r_safe, index_income, concentrated_income,
                     land_rent, index_price_change, concentrated_price_change, land_price_change, retirement_age,
                     social_security, income_floor):
    """Labour income w·e·h of the employed (h: hours relative to the base year); capital income by holdings;
    Social Security and the floor.

    Each record's amounts are found in locals and each output stored once: labour income is computed for
    everyone and kept for the employed (a select, not a branch on who works, half of the records), and no
    output is read back after its store (the compiler cannot rule out that an output aliases an input, so a
    read-back is a load) — 129 against 84 µs for 20,000 records (warm, timed alternately), the same operations."""
    n = efficiency.size
    labour, capital, transfers = np.empty(n), np.empty(n), np.empty(n)
    revaluation, income = np.empty(n), np.empty(n)
    for i in prange(n):
        land = housing_land[i] + other_land[i]
        firm = stake_firm[i]
        revaluation[i] = (equity_index[i] * index_price_change
                          + equity_concentrated[i] * concentrated_price_change[firm] + land * land_price_change)
        earned = wage * efficiency[i] * hours[i]
        earned = earned if employed[i] else 0.0
        owned = (equity_index[i] * index_income + equity_concentrated[i] * concentrated_income[firm]
                 + housing_structure[i] * r + (bonds[i] - debt[i]) * r_safe + land * land_rent)
        market = earned + owned
        paid = status_quo_transfer(market, age[i], retirement_age, social_security, income_floor)
        labour[i] = earned
        capital[i] = owned
        transfers[i] = paid
        income[i] = market + paid
    return labour, capital, transfers, revaluation, income


@record_kernel
def _settle(labour, capital, transfers, taxes, saving_rate, equity_index, equity_concentrated, stake_firm, bonds,
            locked_units, index_retained, concentrated_retained, has_concentrated, end_index_price, amounts,
            reinvested):
    """Saving out of disposable income, retained earnings, and the index/bond split (see :func:`settle`);
    updates ``equity_index`` and ``bonds`` in place."""
    n = labour.size
    consumption, saving, retained, index_purchase = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    for i in prange(n):
        disposable = labour[i] + capital[i] + transfers[i] - taxes[i]
        saved = saving_rate[i] if amounts else (saving_rate[i] * disposable if disposable > 0 else disposable)
        saving[i] = saved
        consumption[i] = disposable - saved
        kept = equity_index[i] * index_retained
        if has_concentrated:
            kept = kept + equity_concentrated[i] * concentrated_retained[stake_firm[i]]
        retained[i] = kept
        discretionary = saved - kept
        index_value = equity_index[i] * end_index_price
        sellable = maximum(equity_index[i] - locked_units[i], 0.0) * end_index_price
        liquid = index_value + maximum(bonds[i], 0.0)
        equity_share = index_value / liquid if liquid > 0 else 0.0
        purchase = maximum(reinvested[i] + equity_share * (discretionary - reinvested[i]), -sellable)
        index_purchase[i] = purchase
        equity_index[i] += purchase / end_index_price
        bonds[i] += discretionary - purchase
    return consumption, saving, retained, index_purchase


def displace(pop: Population, labour: Labour, phi_before: float, phi_after: float, rng: np.random.Generator,
             params: ParameterSet, year: int) -> NDArray[np.bool_]:
    """Automation displaces workers; displaced workers are re-employed at a rate, with a loss."""
    _rehire(labour.displaced, pop.efficiency, rng.random(pop.weight.size),
            params("households.reemployment_rate", year), 1.0 - params("households.reemployment_earnings_loss", year))
    if not (phi_after > phi_before and phi_before < 1.0):
        return np.zeros(pop.weight.size, dtype=bool)
    exposure = _exposure_by_group(pop.occupation)
    # np.average over the employed: Σ exposure × weight / Σ weight, both numpy's (pairwise) sums.
    weighted, weights = _employed(pop.occupation, exposure, pop.weight, pop.employed)
    mean = weighted.sum() / weights.sum() if weights.size else 1.0
    automated = (phi_after - phi_before) / (1.0 - phi_before)
    cap = params("households.max_displacement_rate", year)
    return _newly_displaced(labour.displaced, pop.employed, pop.occupation, exposure, rng.random(pop.weight.size),
                            automated, mean, cap)


def _exposure_by_group(occupation: NDArray[np.integer]) -> NDArray[np.float64]:
    """AI exposure β (:func:`occupation_exposure`) of the groups 0 … the largest code present, for the kernels to
    look up (they do not check bounds; a code beyond the table fails here, as in occupation_exposure)."""
    return occupation_exposure(np.arange(int(occupation.max()) + 1 if occupation.size else 0))


def age_one_year(pop: Population, labour: Labour, policy: StatusQuo, prices: Prices, rng: np.random.Generator,
                 params: ParameterSet, year: int, earnings_order: KeptOrder | None = None
                 ) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Deaths, estates and entry of heirs, then ageing. Returns who died and the estate tax per adult.

    The estate tax is paid out of bonds (negative bonds are debt of the estate's heir). ``earnings_order``
    keeps the earnings-capacity order from year to year (the same ranks as a fresh sort, found faster)."""
    dies = _deaths(rng.random(pop.weight.size), pop.age, _mortality_by_age())
    dead = np.flatnonzero(dies)  # the records that die, in record order (what indexing by ``dies`` takes)
    _check_stakes(pop, prices)
    estate = _net_worth_at(dead, pop.equity_index, pop.equity_concentrated, pop.stake_firm, pop.housing_land,
                           pop.other_land, pop.housing_structure, pop.bonds, pop.durables, pop.debt,
                           prices.index_price, prices.concentrated_price, prices.land_price)
    tax = np.zeros(pop.weight.size)
    tax[dead] = policy.estate_tax(estate)  # per estate: the same tax as over every record, 0 on no estate
    pop.bonds[dead] -= tax[dead]
    if dead.size:
        _heirs(pop, labour, dead, rng, params, year, earnings_order)
    _age(pop.age, dies)
    return dies, tax


def _heirs(pop: Population, labour: Labour, dead: NDArray[np.intp], rng: np.random.Generator,
           params: ParameterSet, year: int, earnings_order: KeptOrder | None = None) -> None:
    """The heir takes the record: an 18-year-old citizen whose earnings rank follows the parent's.
    ``dead``: the records whose adult died, in record order."""
    rho = float(params("households.intergenerational_rank_correlation", year))
    if earnings_order is not None:  # the kept order and the efficiencies in it: the weights' running sums and
        # the parents' ranks in one pass over it
        order = earnings_order.order(pop.efficiency)
        xs = earnings_order.sorted_values
        upper, total_weight, parent_rank = running_ranks(order, xs, pop.weight, dead)
    else:
        earnings = Distribution(pop.efficiency, pop.weight)
        xs, upper, total_weight, parent_rank = earnings.xs, earnings.upper, earnings.total_weight, \
            earnings.mid_rank_of(dead)
    z = rho * ndtri(np.clip(parent_rank, 1e-12, 1 - 1e-12)) + np.sqrt(1 - rho**2) * rng.standard_normal(dead.size)
    target = ndtr(z) * total_weight
    by_target = np.argsort(target)  # sorted queries: each binary search starts where the last one ended
    position = np.empty(target.size, dtype=np.intp)
    position[by_target] = np.searchsorted(upper, target[by_target])
    pop.efficiency[dead] = xs[np.clip(position, 0, xs.size - 1)]
    pop.age[dead] = ADULT_AGE
    pop.citizen[dead] = True
    labour.latent[dead] = rng.random(dead.size)
    labour.displaced[dead] = False


@njit(cache=True)
def _rehire(displaced, efficiency, draw, rate, kept):
    """Displaced workers whose draw is below the re-employment rate are re-employed, their efficiency × ``kept``
    (both in place)."""
    for i in range(displaced.size):
        if displaced[i] and draw[i] < rate:
            displaced[i] = False
            efficiency[i] *= kept


@njit(cache=True, inline="always")
def _exposure(occupation, by_group):
    """β of the record's group; 0 for no group (a negative code), as :func:`occupation_exposure` gives."""
    return by_group[occupation] if occupation >= 0 else 0.0


@njit(cache=True)
def _employed(occupation, by_group, weight, employed):
    """Over the employed, in record order: exposure × weight, and weight. (The loop writes every record at the
    next free place and advances past the employed only: no branch to mispredict.)"""
    k = 0
    for i in range(employed.size):
        k += employed[i]
    weighted, weights = np.empty(k), np.empty(k)
    k = 0
    for i in range(employed.size):
        if k < weights.size:
            weighted[k] = _exposure(occupation[i], by_group) * weight[i]
            weights[k] = weight[i]
        k += employed[i]
    return weighted, weights


@njit(cache=True, error_model="numpy")
def _newly_displaced(displaced, employed, occupation, by_group, draw, automated, mean, cap):
    """The employed whose draw is below min(cap, automated × exposure / mean) (a NaN bound takes nobody, as in
    numpy); they join ``displaced`` (in place)."""
    newly = np.empty(employed.size, dtype=np.bool_)
    for i in range(newly.size):
        newly[i] = employed[i] & (draw[i] < cap) & (draw[i] < automated * _exposure(occupation[i], by_group) / mean)
        displaced[i] |= newly[i]
    return newly


@njit(cache=True)
def _deaths(draw, age, q_by_age):
    """draw < q at each age, from the table of whole-year ages, whose ends hold beyond them (the life table's
    first rate below its first age, 1 past its last: :func:`mortality` gives the same)."""
    last = q_by_age.size - 1
    dies = np.empty(draw.size, dtype=np.bool_)
    for i in range(draw.size):
        dies[i] = draw[i] < q_by_age[min(max(age[i], 0), last)]
    return dies


@njit(cache=True)
def _age(age, dies):
    """A year older, but for the heirs just entered."""
    for i in range(age.size):
        if not dies[i]:
            age[i] += 1
