"""Power and politics: who decides, whether reforms pass and last, and who leaves.

Ezra Klein's objection in his conversation with Sam Altman (The Ezra Klein Show, 2021) — policy
reflects power; a fund that needs the powerful to tax themselves may never pass or may be eroded; the
rich move — and Altman's answer — transferring shares transfers power — become testable here:

* **Influence.** Each adult citizen living in the US has political weight
  (1 − π) × 1/N (one person, one vote) + π × (their share of citizens' net worth), with π =
  ``politics.plutocracy`` (0: democracy; 1: influence in proportion to wealth; central 0.74 from
  Gilens & Page's data). Corporate voting power follows equity: the fund's stake is its share.
* **Support.** Each adult supports a policy when its net gain at the stated rates (static incidence:
  what it pays and receives), relative to income, plus a seeded idiosyncratic term, is positive.
  Support for a policy is the influence-weighted share of supporters.
* **Dynamics** (``politics: {mode: endogenous}``). A proposed policy (one without an explicit
  ``enacted_year``) is enacted, from the next year, once support reaches
  ``politics.enactment_threshold``; a policy with an explicit year is enacted then regardless. Each
  year a change against a policy in force passes with the hazard implied by Gilens & Page's
  four-year adoption probabilities at that level of opposition; the change repeals the policy when
  opposition is at or above the threshold, and otherwise cuts its rates by
  ``politics.erosion_step``. A ``constitutional_lock`` forbids repeal and keeps rates at or above
  ``politics.lock_floor`` of the enacted level.
* **Flight** (expatriation: renouncing US citizenship and leaving). The US taxes its citizens
  wherever they live, so moving abroad escapes nothing; renouncing escapes only the taxes that depend
  on residence or citizenship — the policies that declare ``escapable_by_expatriation`` (a personal
  wealth tax, income-tax changes). A levy on US firms' shares or a tax on US land is owed by a
  non-resident too, so it drives no flight. Adults whose household is in the top 1 % (household
  net worth ≥ ``politics.flight_min_wealth``, the DFA's household cut-off; a couple decides together)
  respond with the stock elasticity ``politics.expatriation_elasticity`` (central 0.02, range
  0–0.1) of the number of wealthy citizens with respect to the net-of-tax rate 1 − τ, with τ their
  escapable tax this year as a share of their income (or of the net return on their net worth, when
  larger): each carries a fixed attachment draw u and
  leaves the first year u < 1 − (1 − τ)^ε, so the stock of the wealthy falls by the share the
  elasticity implies and a lasting tax does not keep draining it. Leavers pay the exit tax (IRC
  §877A: a deemed sale; 23.8 % on unrealised gains above the exclusion, for net worth of at least
  $2 M) if it is on. From the next year they are non-resident holders of US assets: out of US
  adults, distributions and influence, out of the escapable taxes and citizens' dividends, still
  paying taxes on US assets, their flows booked to the rest of the world.

All draws come from a generator seeded by (scenario seed, Monte Carlo draw), separate from the
economy's, so draws differ only in politics and every draw is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from commonwealth.distribution import Distribution
from commonwealth.indexation import real_value, statutory_indexation
from commonwealth.kernel_threads import record_kernel
from commonwealth.parameters import ParameterSet
from commonwealth.policy.base import NEVER_ENACTED, Policy, YearContext
from commonwealth.prefetch import PREFETCH_DISTANCE, prefetch_read
from commonwealth.sums import dot
from commonwealth.taxes import clip, maximum


@dataclass(frozen=True)
class PoliticsParameters:
    plutocracy: float
    change_probability: tuple[float, float]  # four-year probabilities at 20 % and 80 % support for change
    enactment_threshold: float
    erosion_step: float
    lock_floor: float
    support_noise: float
    expatriation_elasticity: float
    flight_min_wealth: float
    exit_tax_rate: float
    exit_tax_min_net_worth: float
    exit_tax_exclusion: float
    unrealised_gain_share: float

    @classmethod
    def from_parameters(cls, params: ParameterSet, year: int, plutocracy: float | None) -> PoliticsParameters:
        def p(name: str):
            return params(f"politics.{name}", year)

        low, high = p("change_probability")
        return cls(plutocracy=p("plutocracy") if plutocracy is None else plutocracy,
                   change_probability=(float(low), float(high)), enactment_threshold=p("enactment_threshold"),
                   erosion_step=p("erosion_step"), lock_floor=p("lock_floor"), support_noise=p("support_noise"),
                   expatriation_elasticity=p("expatriation_elasticity"), flight_min_wealth=p("flight_min_wealth"),
                   exit_tax_rate=p("exit_tax_rate"), exit_tax_min_net_worth=p("exit_tax_min_net_worth"),
                   exit_tax_exclusion=p("exit_tax_exclusion"), unrealised_gain_share=p("unrealised_gain_share"))


def influence_weights(weight: np.ndarray, wealth: np.ndarray, voters: np.ndarray, plutocracy: float) -> np.ndarray:
    """Political weight per adult (the record's weight included), summing to 1 over voters:
    (1 − π) × one person one vote + π × share of voters' positive net worth."""
    votes, money = _votes_and_money(weight, wealth, voters)
    return _influence(votes, money, 1.0 - plutocracy, votes.sum(), plutocracy, money.sum())


def change_hazard(support_for_change: float, probabilities: tuple[float, float]) -> float:
    """Yearly probability that a change passes, from Gilens & Page's four-year adoption probabilities
    at 20 % and 80 % support (linear in support, clipped to [0, 1])."""
    low, high = probabilities
    four_year = low + (high - low) * (support_for_change - 0.2) / 0.6
    four_year = float(np.clip(four_year, 0.0, 1.0))
    return 1.0 - (1.0 - four_year) ** 0.25


class Politics:
    """The political process of one scenario and one Monte Carlo draw."""

    def __init__(self, parameters: PoliticsParameters, *, endogenous: bool, constitutional_lock: bool,
                 flight: bool, exit_tax: bool, seed: int, draw: int) -> None:
        self.p = parameters
        self.endogenous = endogenous
        self.lock = constitutional_lock
        self.flight_on = flight
        self.exit_tax_on = exit_tax
        self.rng = np.random.default_rng([seed, draw, 0x504F4C])  # "POL": its own stream
        self.flight_rng = np.random.default_rng([seed, draw, 0x464C54])  # "FLT": attachment draws
        self.attachment: np.ndarray | None = None  # per record: fixed uniform draw, see flee
        self.proposed: dict[str, int] = {}
        self.support: dict[str, float] = {}
        self.expatriated_wealth = 0.0

    def adopt(self, policies: list[Policy]) -> None:
        """In endogenous mode a policy without an explicit ``enacted_year`` is a *proposal* from the
        year after the base year and passes on support; one with an explicit year is enacted then, and
        politics decides only whether it survives."""
        if not self.endogenous:
            return
        for policy in policies:
            self.proposed[policy.name] = policy.enacted_year
            if not policy.stipulated:
                policy.enacted_year = NEVER_ENACTED  # not in force until enacted

    def influence(self, ctx: YearContext, expatriated: np.ndarray) -> np.ndarray:
        voters = ctx.pop.citizen & ~expatriated
        return influence_weights(ctx.pop.weight, ctx.wealth, voters, self.p.plutocracy)

    def measure_support(self, ctx: YearContext, policies: list[Policy], influence: np.ndarray) -> None:
        for policy in policies:
            gain = policy.expected_gain(ctx)
            noise = self.rng.normal(0.0, self.p.support_noise, gain.size)
            self.support[policy.name] = float(dot(influence, _supporters(gain, ctx.income, noise)))

    def decide(self, year: int, policies: list[Policy]) -> None:
        """Enact, erode or repeal each policy for next year (endogenous mode)."""
        if not self.endogenous:
            return
        threshold = self.p.enactment_threshold
        for policy in policies:
            support = self.support[policy.name]
            proposed = self.proposed[policy.name]
            if not policy.in_force(year) and policy.repealed_year is None:
                if year + 1 >= proposed and support >= threshold:
                    policy.enacted_year = year + 1
                continue
            if not policy.in_force(year):
                continue
            opposition = 1.0 - support
            if self.rng.random() >= change_hazard(opposition, self.p.change_probability):
                continue
            if opposition >= threshold and not self.lock:
                policy.repealed_year = year + 1
            else:
                floor = self.p.lock_floor if self.lock else 0.0
                policy.strength = max(floor, policy.strength * (1.0 - self.p.erosion_step))

    def flee(self, ctx: YearContext, escapable_taxes: np.ndarray,
             expatriated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Who renounces and leaves this year and the exit tax each pays (per adult).

        ``escapable_taxes``: per adult, this year's taxes of the policies that declare
        ``escapable_by_expatriation`` (a tax cut, negative, drives nobody out)."""
        n = ctx.pop.weight.size
        if self.attachment is None or self.attachment.size != n:
            self.attachment = self.flight_rng.random(n)
        if not self.flight_on:
            return np.zeros(n, dtype=bool), np.zeros(n)
        # The threshold is the DFA's household top-1 % cut-off: compared with household wealth (a couple
        # leaves together); the exit tax's net-worth test is per individual (§877A), on the adult's share.
        # The base income is income before tax or, when larger, the net return on net worth (leaving_share).
        # The net-of-tax share and its power only for those rich enough to leave (the power is most of the cost).
        candidates, share = _flight_candidates(expatriated, ctx.wealth, ctx.pop.unit_size, self.p.flight_min_wealth,
                                               escapable_taxes, ctx.income, ctx.r)
        kept = share ** self.p.expatriation_elasticity
        leaves, left_wealth, exit_tax = _leavers(
            candidates, ctx.wealth, self.attachment, kept, self.exit_tax_on, *self._exit_tax_terms(ctx.price_level))
        self.expatriated_wealth += float(dot(ctx.pop.weight, left_wealth))
        return leaves, exit_tax

    def leaving_share(self, escapable_taxes: np.ndarray, income: np.ndarray) -> np.ndarray:
        """Share of adults facing an escapable average tax rate τ who leave: 1 − (1 − τ)^ε, the stock
        elasticity ε with respect to the net-of-tax rate (τ in [0, 0.99]). τ is the escapable tax over
        ``income``: the engine passes income before tax or, when larger, the net return on net worth (a
        wealth tax read as a tax on the return to wealth, Jakobsen et al. 2020's net-of-tax return)."""
        return 1.0 - _net_of_tax_share(escapable_taxes, income) ** self.p.expatriation_elasticity

    def exit_tax(self, wealth: np.ndarray, price_level: float = 1.0) -> np.ndarray:
        """IRC §877A on covered expatriates (net worth ≥ the net-worth test): every asset is deemed sold
        the day before expatriation; the tax is the rate × the unrealised gain (net worth × the gain
        share) above the exclusion. The exclusion is indexed to prices (§877A(a)(3)(B), constant real);
        the $2 M net-worth test is not (§877(a)(2)(B)): its real value is $2 M / P_t."""
        return _exit_taxes(np.asarray(wealth, dtype=float), *self._exit_tax_terms(price_level))

    def _exit_tax_terms(self, price_level: float) -> tuple[float, float, float, float]:
        """The gain share, the exclusion and the net-worth test at ``price_level``, and the rate (see exit_tax)."""
        exclusion = real_value(self.p.exit_tax_exclusion, statutory_indexation("politics.exit_tax_exclusion"),
                               price_level)
        test = real_value(self.p.exit_tax_min_net_worth, statutory_indexation("politics.exit_tax_min_net_worth"),
                          price_level)
        return float(self.p.unrealised_gain_share), float(exclusion), float(test), float(self.p.exit_tax_rate)

    def metrics(self, ctx: YearContext, influence: np.ndarray, policies: list[Policy],
                wealth_order: np.ndarray, wealth_rank: np.ndarray, expatriated: np.ndarray) -> dict[str, float]:
        """``wealth_order``, ``wealth_rank``: the adults' stable order by wealth and their weighted mid-ranks
        (a :class:`~commonwealth.distribution.Distribution`'s ``order`` and ``mid_rank()``)."""
        # Influence per adult rises with wealth (influence_weights), so the wealth order, restricted to
        # voters, is a nearly sorted start for their sort.
        per_adult, weight = _voters_in_order(influence, ctx.pop.weight, wealth_order)
        concentration = Distribution.nearly_sorted(per_adult, weight).gini()
        top, bottom = _by_rank(influence, wealth_rank)
        values = {
            "influence_share_top1": float(top.sum()),
            "influence_share_bottom50": float(bottom.sum()),
            "power_concentration": concentration,
            "expatriated_wealth": self.expatriated_wealth,
            "expatriates": float(dot(ctx.pop.weight, expatriated)),
        }
        for policy in policies:
            values[f"support.{policy.name}"] = self.support.get(policy.name, float("nan"))
        return values


# The kernels: one pass over the records each, in the operation order of the numpy expressions they
# replace (so the results are the same to the last bit), compiled by Numba. The power (1 − τ)^ε and every
# sum stay numpy calls (numpy's own power loop, its pairwise sum; dot's fixed order); ``maximum`` and
# ``clip`` (commonwealth.taxes) have numpy's NaN and tie rules.

@njit(cache=True)
def _votes_and_money(weight, wealth, voters):
    """weight × voter (1 or 0), and that × max(wealth, 0)."""
    n = weight.size
    votes, money = np.empty(n), np.empty(n)
    for i in range(n):
        vote = weight[i] * (1.0 if voters[i] else 0.0)
        votes[i] = vote
        money[i] = vote * maximum(wealth[i], 0.0)
    return votes, money


@njit(cache=True, error_model="numpy")
def _influence(votes, money, democracy, total_votes, plutocracy, total_money):
    """(1 − π) × votes / Σ votes + π × money / Σ money (no voter or no money: NaN, as numpy gives)."""
    out = np.empty(votes.size)
    for i in range(out.size):
        out[i] = democracy * votes[i] / total_votes + plutocracy * money[i] / total_money
    return out


@njit(cache=True)
def _supporters(gain, income, noise):
    """Who supports: gain / max(|income|, 1 000) + noise > 0."""
    out = np.empty(gain.size, dtype=np.bool_)
    for i in range(out.size):
        out[i] = gain[i] / maximum(abs(income[i]), 1_000.0) + noise[i] > 0.0
    return out


@njit(cache=True, inline="always")
def _net_of_tax_rate(tax, income):
    """1 − τ, τ = tax / income clipped to [0, 0.99]; no income: τ = 0.99 for a positive tax, else 0."""
    rate = tax / income if income > 0 else 0.0
    if income <= 0 and tax > 0:
        rate = 0.99
    return 1.0 - clip(rate, 0.0, 0.99)


@njit(cache=True)
def _net_of_tax_share(taxes, income):
    out = np.empty(taxes.size)
    for i in range(out.size):
        out[i] = _net_of_tax_rate(taxes[i], income[i])
    return out


@njit(cache=True, inline="always")
def _exit_tax(wealth, gain_share, exclusion, test, rate):
    """rate × max(gain share × wealth − exclusion, 0) at or above the net-worth test, else 0."""
    gain = maximum(gain_share * wealth - exclusion, 0.0)
    return rate * gain if wealth >= test else 0.0


@njit(cache=True)
def _exit_taxes(wealth, gain_share, exclusion, test, rate):
    out = np.empty(wealth.size)
    for i in range(out.size):
        out[i] = _exit_tax(wealth[i], gain_share, exclusion, test, rate)
    return out


@njit(cache=True, inline="always")
def _could_leave(expatriated, wealth, unit_size, min_wealth):
    """Not yet expatriated, and unit wealth (unit size × the adult's max(wealth, 0), as
    :meth:`Population.unit_wealth`) at or above the threshold."""
    return (not expatriated) & (maximum(wealth, 0.0) * unit_size >= min_wealth)


@njit(cache=True)
def _flight_candidates(expatriated, wealth, unit_size, min_wealth, taxes, income, r):
    """Who could leave (:func:`_could_leave`), in record order, and their net-of-tax share (:func:`_net_of_tax_rate`)
    of the larger of income and the net return r × max(wealth, 0)."""
    n = wealth.size
    rich = 0
    for i in range(n):
        rich += _could_leave(expatriated[i], wealth[i], unit_size[i], min_wealth)
    candidates, share = np.empty(rich, dtype=np.int64), np.empty(rich)
    k = 0
    for i in range(n):
        if _could_leave(expatriated[i], wealth[i], unit_size[i], min_wealth):
            candidates[k] = i
            share[k] = _net_of_tax_rate(taxes[i], maximum(income[i], r * maximum(wealth[i], 0.0)))
            k += 1
    return candidates, share


@njit(cache=True)
def _leavers(candidates, wealth, attachment, kept, exit_tax_on, gain_share, exclusion, test, rate):
    """Who leaves (a candidate of :func:`_flight_candidates` whose attachment < 1 − kept, ``kept`` given per
    candidate), the wealth they take (max(wealth, 0), 0 for stayers) and the exit tax they pay (0 when off)."""
    n = wealth.size
    leaves, left, tax = np.zeros(n, dtype=np.bool_), np.zeros(n), np.zeros(n)
    for k in range(candidates.size):
        i = candidates[k]
        if attachment[i] < 1.0 - kept[k]:
            w = maximum(wealth[i], 0.0)
            leaves[i] = True
            left[i] = w
            tax[i] = _exit_tax(w, gain_share, exclusion, test, rate) if exit_tax_on else 0.0
    return leaves, left, tax


def _voters_in_order(influence, weight, order):
    """Over voters (influence > 0), taken in ``order`` (a permutation of the records): influence per adult (0
    where the weight is not positive) and weight. No array of them in record order nor of their positions is
    made (at 10M records, three arrays fewer at the year's peak of memory): the voters' records are listed in
    ``order`` (one random read a record), then their values gathered on the kernels' threads."""
    records = _voter_records(influence, order)
    return _voter_values(records, influence, weight)


@njit(cache=True)
def _voter_records(influence, order):
    """The records of ``order`` with influence > 0, in that order. The loop writes every record at the next
    free place and advances past voters only, so no branch mispredicts; the read PREFETCH_DISTANCE records
    ahead is prefetched (:mod:`commonwealth.prefetch`)."""
    n = influence.size
    voters = 0
    for i in range(n):
        voters += influence[i] > 0.0
    records = np.empty(voters, dtype=np.int64)
    m = 0
    ahead = n - PREFETCH_DISTANCE
    for i in range(n):
        if i < ahead:
            prefetch_read(influence, order[i + PREFETCH_DISTANCE])
        r = order[i]
        if m < voters:
            records[m] = r
        m += influence[r] > 0.0
    return records


@record_kernel
def _voter_values(records, influence, weight):
    """Per listed record: influence per adult (0 where the weight is not positive) and weight."""
    per_adult, voter_weight = np.empty(records.size), np.empty(records.size)
    ahead = records.size - PREFETCH_DISTANCE
    for m in prange(records.size):
        if m < ahead:
            k = records[m + PREFETCH_DISTANCE]
            prefetch_read(influence, k)
            prefetch_read(weight, k)
        r = records[m]
        per_adult[m] = influence[r] / weight[r] if weight[r] > 0.0 else 0.0
        voter_weight[m] = weight[r]
    return per_adult, voter_weight


@njit(cache=True)
def _by_rank(influence, rank):
    """Influence of the records at rank ≥ 0.99 and of those at rank < 0.5, each in record order."""
    n = influence.size
    t = b = 0
    for i in range(n):
        t += rank[i] >= 0.99
        b += rank[i] < 0.5
    top, bottom = np.empty(t), np.empty(b)
    t = b = 0
    for i in range(n):
        if t < top.size:
            top[t] = influence[i]
        if b < bottom.size:
            bottom[b] = influence[i]
        t += rank[i] >= 0.99
        b += rank[i] < 0.5
    return top, bottom
