"""Selling the shares received (commonwealth.portfolios): windfall then stock MPC, within lock-ups."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.engine import HouseholdEconomy, run_scenario
from commonwealth.parameters import ParameterSet
from commonwealth.portfolios import PortfolioParameters, SharesReceived, received_metrics, sell_received
from commonwealth.scenario import scenario_from_mapping

MPC = PortfolioParameters(windfall_mpc=0.5, stock_mpc=0.032)
#: Every response but selling shares off, so the tests pin this block alone.
ONLY_PORTFOLIOS = {"saving": False, "labour": False, "portfolios": True, "investment": False,
                   "taxable_income": False}
NO_RESPONSE = {**ONLY_PORTFOLIOS, "portfolios": False}


def _state(unsellable, held) -> SharesReceived:
    s = SharesReceived.empty(len(unsellable))
    s.unsellable[:] = unsellable
    s.held[:] = held
    s.received[:] = np.add(unsellable, held)
    return s


def test_sale_is_the_windfall_mpc_of_newly_sellable_units_plus_the_stock_mpc_of_units_held():
    """By hand, price 2 USD/unit: (1) 10 new units, none locked: 0.5·10 = 5 units = 10 USD; (2) 10 new
    units of which 4 still locked, 100 held: 0.5·6 + 0.032·100 = 6.2 units = 12.4 USD; (3) 50 held:
    0.032·50 = 1.6 units = 3.2 USD."""
    state = _state([10.0, 10.0, 0.0], [0.0, 100.0, 50.0])
    index = np.array([10.0, 110.0, 60.0])
    sold = sell_received(state, index, np.array([0.0, 4.0, 0.0]), 2.0, MPC)
    np.testing.assert_allclose(sold, [10.0, 12.4, 3.2], rtol=1e-12)
    np.testing.assert_allclose(index, [5.0, 103.8, 58.4], rtol=1e-12)
    np.testing.assert_allclose(state.unsellable, [0.0, 4.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(state.held, [5.0, 99.8, 48.4], rtol=1e-12)


def test_locked_units_are_never_sold_and_become_a_windfall_when_they_unlock():
    state = _state([10.0], [0.0])
    index = np.array([10.0])
    assert sell_received(state, index, np.array([10.0]), 1.0, MPC)[0] == 0.0
    assert state.unsellable[0] == 10.0 and index[0] == 10.0
    assert sell_received(state, index, np.array([0.0]), 1.0, MPC)[0] == pytest.approx(5.0)  # unlocked: m₁


def test_no_sale_beyond_the_units_held_less_those_locked():
    """No pledging or short sales: a household whose saving already sold most of its index sells at most
    what it still holds beyond the locked units."""
    state = _state([0.0], [100.0])
    index = np.array([3.0])
    sold = sell_received(state, index, np.array([1.0]), 1.0, PortfolioParameters(windfall_mpc=0.5, stock_mpc=0.5))
    assert sold[0] == pytest.approx(2.0)
    assert index[0] == pytest.approx(1.0) and state.held[0] == 0.0


def test_heirs_start_with_nothing_received():
    state = _state([5.0, 5.0], [1.0, 1.0])
    state.forget(np.array([True, False]))
    assert state.still_held().tolist() == [0.0, 6.0] and state.received.tolist() == [0.0, 6.0]


def test_metrics_report_sales_per_adult_and_the_share_still_held():
    state = _state([2.0, 0.0], [0.0, 2.0])
    state.received[:] = [4.0, 4.0]
    state.sold = np.array([10.0, 30.0])
    m = received_metrics(state, np.array([1.0, 3.0]), np.array([0.2, 0.8]), price=5.0, cpi=2.0)
    assert m["received_shares_sold_per_adult"] == pytest.approx((10 + 90) / 4 / 2)
    assert m["received_shares_sold_per_adult_bottom50"] == pytest.approx(10 / 2)
    assert m["received_shares_held_share"] == pytest.approx(8 / 16)
    assert m["received_shares_held_per_adult"] == pytest.approx(8 * 5 / 4 / 2)


def test_the_fused_updates_and_metrics_are_the_numpy_formulas_bit_for_bit():
    from commonwealth.sums import dot

    rng = np.random.default_rng(4)
    n = 4_099
    state = _state(rng.random(n) * 10, rng.random(n) * 20)
    copy = {k: getattr(state, k).copy() for k in ("unsellable", "held", "received")}
    units, dies = rng.random(n), rng.random(n) < 0.05
    state.receive(units)
    state.forget(dies)
    copy["unsellable"] += units
    copy["received"] += units
    for a in copy.values():
        a[dies] = 0.0
    assert all(getattr(state, k).tobytes() == a.tobytes() for k, a in copy.items())

    state.sold = rng.random(n)
    weight, rank = rng.random(n) * 100, rng.random(n)
    weight[:2], rank[:2] = -0.0, [0.1, np.nan]
    m = received_metrics(state, weight, rank, price=3.3, cpi=1.07)
    bottom = weight * (rank < 0.5)  # the numpy formulas the kernels replaced
    total = float(weight.sum())
    assert m["received_shares_sold_per_adult_bottom50"] == float(dot(bottom, state.sold)) / float(bottom.sum()) / 1.07
    held = float(dot(weight, state.still_held()))
    assert m["received_shares_held_per_adult"] == held * 3.3 / total / 1.07
    assert m["received_shares_held_share"] == held / float(dot(weight, state.received))


def test_parameters_are_the_sourced_central_values():
    p = PortfolioParameters.from_parameters(ParameterSet(), 2026)
    assert (p.windfall_mpc, p.stock_mpc) == (0.5, 0.032)


# --- through the engine --------------------------------------------------------------------------

def _fund(lockup: int, behaviour: dict, years: int = 20, size: int = 2_000):
    return scenario_from_mapping({"name": f"aef-lockup-{lockup}", "extends": "status-quo", "years": years,
                                  "population": {"size": size}, "behaviour": behaviour,
                                  "policies": [{"type": "american_equity_fund", "phase_in": "none",
                                                "lockup_years": lockup}]})


def _series(scenario, metric: str):
    m = run_scenario(scenario).metrics
    return m[m.metric == metric].set_index("year")["value"]


def test_with_the_switch_off_nothing_is_sold_and_every_share_received_is_still_held():
    scenario = _fund(0, NO_RESPONSE, years=8)
    m = run_scenario(scenario).metrics
    sold = m[m.metric == "received_shares_sold_per_adult"]["value"]
    held = m[(m.metric == "received_shares_held_share") & (m.year > 2026)]["value"]
    assert (sold == 0).all() and np.allclose(held, 1.0)


def test_the_switch_off_leaves_every_metric_as_without_the_block():
    """Bit for bit: selling off is the engine as before (here against a run with every response off)."""
    off = run_scenario(_fund(0, NO_RESPONSE, years=6)).metrics
    static = run_scenario(_fund(0, "static", years=6)).metrics
    assert off["value"].to_numpy().tobytes() == static["value"].to_numpy().tobytes()


def test_recipients_sell_half_of_last_years_units_at_one_price_in_the_first_year_they_may():
    """The hand check on a small population: the year after the first distribution, every surviving
    recipient whose saving rule did not itself sell index sells 0.5 × the units received, all at the same
    end-of-year price, and keeps the other half; the sale is consumed (consumption − saving moves by 2×)."""
    sim = HouseholdEconomy(_fund(0, ONLY_PORTFOLIOS, years=4, size=1_000))
    while sim.shares_received.received.sum() == 0:
        sim.step()
    units = sim.shares_received.unsellable.copy()
    age = sim.pop.age.copy()
    year = sim.step()
    state = sim.shares_received
    own_purchase = year.flows.index_purchase + state.sold  # what the saving rule bought
    checked = (units > 0) & (sim.pop.age == age + 1) & (own_purchase >= 0)
    assert checked.sum() >= 20
    np.testing.assert_allclose(state.held[checked], 0.5 * units[checked], rtol=1e-12)
    price = state.sold[checked] / (0.5 * units[checked])
    assert np.ptp(price) < 1e-9 * price.mean()
    assert price.mean() == pytest.approx(sim.market.index_price, rel=0.1)


def test_selling_moves_saving_into_consumption_one_for_one():
    """Same economy, selling on and off: disposable income is the same in the first year of sales, so
    consumption rises and saving falls by the amount sold."""
    years = {}
    for name, behaviour in (("on", ONLY_PORTFOLIOS), ("off", NO_RESPONSE)):
        sim = HouseholdEconomy(_fund(0, behaviour, years=4, size=1_000))
        years[name] = [sim.step() for _ in range(3)][-1], sim.shares_received.sold.copy()
    (on, sold), (off, _) = years["on"], years["off"]
    assert sold.sum() > 0
    np.testing.assert_allclose(on.flows.consumption - off.flows.consumption, sold, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(off.flows.saving - on.flows.saving, sold, rtol=1e-9, atol=1e-6)


@pytest.fixture(scope="module")
def lockups():
    return {lockup: run_scenario(_fund(lockup, ONLY_PORTFOLIOS)).metrics for lockup in (0, 10)}


def _metric(frame, name):
    return frame[frame.metric == name].set_index("year")["value"]


def test_a_lockup_delays_the_first_sales_by_its_years(lockups):
    free, locked = (_metric(lockups[k], "received_shares_sold_per_adult") for k in (0, 10))
    assert free.loc[2027:2036].gt(0).all()  # received from 2026, sold from 2027
    assert locked.loc[:2036].eq(0).all() and locked.loc[2037:].gt(0).all()  # 2026's tranche unlocks in 2037


def test_a_lockup_keeps_more_received_shares_held_and_the_bottom_half_wealthier(lockups):
    held = {k: _metric(lockups[k], "received_shares_held_share") for k in lockups}
    bottom = {k: _metric(lockups[k], "wealth_share_bottom50") for k in lockups}
    assert held[10].loc[2045] > held[0].loc[2045] + 0.1
    assert bottom[10].loc[2045] > bottom[0].loc[2045]
