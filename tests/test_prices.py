"""Sector prices, CPI and halving times ("Moore's law for everything", DESIGN §2 block 6)."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from commonwealth import prices as pr
from commonwealth.calibration import calibrate_us
from commonwealth.errors import UserError
from commonwealth.parameters import PARAMETER_DIR, ParameterSet, _read_file

YEAR = 2025
PHI0 = 0.608
T = np.arange(31)
#: Business as usual: 1 − Φ falls 1 % a year (Korinek & Suh's λg = 0.01).
BAU = 1.0 - (1.0 - PHI0) * np.exp(-0.01 * T)
#: AGI in 5 years: Φ rises linearly to 1.
AGI5 = np.minimum(PHI0 + (1.0 - PHI0) * T / 5.0, 1.0)


@pytest.fixture(scope="module")
def params() -> ParameterSet:
    return ParameterSet()


def at_base_factor_prices(phi, params, **overrides) -> dict[str, np.ndarray]:
    p = params.with_overrides(overrides) if overrides else params
    return pr.sector_price_paths(phi, 1.0, 1.0, 1.0, p, YEAR)


# --- base year and direction --------------------------------------------------------------------


def test_every_index_is_one_in_the_base_year(params):
    out = pr.sector_prices_at(PHI0, 1.0, 1.0, 1.0, params, YEAR)
    assert set(out) == {*pr.SECTORS, "cpi"}
    for name, value in out.items():
        assert value == pytest.approx(1.0, abs=1e-14), name


def test_base_year_is_one_whatever_the_frictions_and_weights(params):
    p = params.with_overrides({"prices.friction_health": 0.9, "prices.friction_housing": 0.0,
                               "prices.cpi_weight_food": 0.3, "assets.housing_land_share": 0.6})
    for value in pr.sector_prices_at(PHI0, 1.0, 1.0, 1.0, p, YEAR).values():
        assert value == pytest.approx(1.0, abs=1e-14)


def test_more_automation_lowers_every_price_with_factor_prices_fixed(params):
    phi = np.linspace(PHI0, 1.0, 41)
    out = at_base_factor_prices(phi, params)
    for name, path in out.items():
        assert np.all(np.diff(path) < 0), name
        assert path[-1] < 1.0


def test_per_year_calls_match_the_whole_path(params):
    w = np.linspace(1.0, 1.3, T.size)
    r = np.linspace(1.0, 0.8, T.size)
    land = np.linspace(1.0, 1.5, T.size)
    paths = pr.sector_price_paths(AGI5, w, r, land, params, YEAR)
    for k in (0, 3, 17, 30):
        one = pr.sector_prices_at(float(AGI5[k]), float(w[k]), float(r[k]), float(land[k]), params, YEAR)
        for name, value in one.items():
            assert value == pytest.approx(paths[name][k], rel=1e-13)


def test_higher_wages_raise_labour_heavy_prices_most(params):
    """Baumol: with automation unchanged, a wage rise lifts health and education more than food."""
    out = pr.sector_prices_at(PHI0, 1.2, 1.0, 1.0, params, YEAR)
    assert out["education"] > out["health"] > out["food"] > 1.0


def test_non_ai_productivity_divides_every_price(params):
    base = pr.sector_price_paths(BAU, 1.1, 1.0, 1.2, params, YEAR)
    tfp = np.exp(0.01 * T)
    scaled = pr.sector_price_paths(BAU, 1.1, 1.0, 1.2, params, YEAR, tfp_index=tfp)
    for name in base:
        np.testing.assert_allclose(scaled[name], base[name] / tfp, rtol=1e-13)


# --- frictions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("sector", pr.SECTORS)
def test_friction_one_stops_ai_from_lowering_the_price(params, sector):
    for phi in (BAU, AGI5):
        out = at_base_factor_prices(phi, params, **{f"prices.friction_{sector}": 1.0})
        np.testing.assert_allclose(out[sector], 1.0, atol=1e-14)


@pytest.mark.parametrize("sector", pr.SECTORS)
def test_no_friction_halves_faster_than_friction(params, sector):
    times, ends = [], []
    for f in (0.0, 0.3, 0.7):
        out = at_base_factor_prices(AGI5, params, **{f"prices.friction_{sector}": f})
        times.append(pr.halving_time(out[sector], T))
        ends.append(out[sector][-1])
    assert times[0] < times[1] < times[2]
    assert ends[0] < ends[1] < ends[2] < 1.0


def test_friction_is_the_share_of_the_saving_that_does_not_reach_the_price(params):
    free = at_base_factor_prices(AGI5, params, **{"prices.friction_health": 0.0})["health"]
    half = at_base_factor_prices(AGI5, params, **{"prices.friction_health": 0.5})["health"]
    np.testing.assert_allclose(1.0 - half, 0.5 * (1.0 - free), rtol=1e-12)


def test_housing_falls_least(params):
    """Land's cost share never falls, so housing is the slowest sector, even with no zoning friction."""
    no_friction = {f"prices.friction_{s}": 0.0 for s in pr.SECTORS}
    for overrides in ({}, no_friction):
        out = at_base_factor_prices(AGI5, params, **overrides)
        for sector in pr.SECTORS:
            if sector != "housing":
                assert out["housing"][-1] > out[sector][-1], sector
    # and with the default zoning friction housing falls less than with none
    default = at_base_factor_prices(AGI5, params)["housing"][-1]
    assert default > at_base_factor_prices(AGI5, params, **no_friction)["housing"][-1]


def test_housing_cannot_fall_below_its_land_share(params):
    shares = pr.sector_cost_shares(params("assets.housing_land_share", YEAR))
    out = at_base_factor_prices(AGI5, params, **{"prices.friction_housing": 0.0})
    assert out["housing"][-1] > shares["housing"].land


# --- CPI ------------------------------------------------------------------------------------------


def test_cpi_is_the_weighted_average_of_sector_indices(params):
    w = pr.cpi_weights(params, YEAR)
    assert sum(w.values()) == pytest.approx(1.0, abs=1e-15)
    assert w["other"] == pytest.approx(1.0 - 0.36191 - 0.08004 - 0.01703 - 0.13555)
    out = pr.sector_price_paths(AGI5, np.linspace(1, 0.5, T.size), 1.4, 1.2, params, YEAR)
    np.testing.assert_allclose(out["cpi"], sum(w[s] * out[s] for s in pr.SECTORS), rtol=1e-14)


def test_cpi_weights_above_one_are_a_user_error(params):
    p = params.with_overrides({"prices.cpi_weight_housing": 0.8, "prices.cpi_weight_food": 0.3})
    with pytest.raises(UserError, match="add up to more than 1"):
        pr.cpi_weights(p, YEAR)


# --- the task-cost algebra against a direct computation -------------------------------------------


def test_hat_algebra_matches_the_ces_cost_function_in_levels(params):
    """The sector bundle cost equals [Φ_s R^{1−σ} + (1−Φ_s) w^{1−σ}]^{1/(1−σ)} computed in levels, with
    w/R per task unit from the calibrated macro economy (K_0, Φ_0, σ) and Φ_s,0 from the sector's labour share."""
    sigma = params("production.sigma", YEAR)
    cal = calibrate_us(params, YEAR)
    omega = (cal.capital0 * (1.0 - PHI0) / PHI0) ** (1.0 / sigma)  # w/R in region 1, L = 1
    rho = 1.0 - sigma
    theta = pr.sector_cost_shares(0.38)["health"].task_labour_share
    # Φ_s,0 solves θ = (1−Φ) ω^ρ / (Φ + (1−Φ) ω^ρ)
    phi_s0 = 1.0 / (1.0 + theta / (1.0 - theta) / omega**rho)
    theta_x = pr.macro_task_labour_share(params, YEAR)
    assert (1 - phi_s0) / phi_s0 == pytest.approx(pr.base_automation_odds(theta, theta_x, PHI0), rel=1e-9)

    def cost(phi_s, w, r):
        return (phi_s * r**rho + (1.0 - phi_s) * w**rho) ** (1.0 / rho)

    phi_t, w_hat, r_hat = 0.8, 1.15, 0.9
    u = (1.0 - phi_t) / (1.0 - PHI0)
    phi_st = 1.0 - (1.0 - phi_s0) * u
    direct = cost(phi_st, omega * w_hat, r_hat) / cost(phi_s0, omega, 1.0)
    kappa = pr.base_automation_odds(theta, theta_x, PHI0)
    hat = pr.task_cost_index(theta, kappa, np.array(u), np.array(w_hat), np.array(r_hat), sigma)
    assert float(hat) == pytest.approx(direct, rel=1e-9)


def test_a_sector_like_the_economy_starts_at_the_macro_automation_share(params):
    theta_x = pr.macro_task_labour_share(params, YEAR)
    assert pr.base_automation_odds(theta_x, theta_x, PHI0) == pytest.approx((1 - PHI0) / PHI0)


# --- data -----------------------------------------------------------------------------------------


def test_cost_shares_sum_to_one_and_match_the_data_file(params):
    shares = pr.sector_cost_shares(params("assets.housing_land_share", YEAR))
    with pr.SECTOR_FILE.open(newline="", encoding="utf-8") as f:
        rows = {r["sector"]: r for r in csv.DictReader(f)}
    for sector, c in shares.items():
        assert c.labour + c.capital + c.land == pytest.approx(1.0, abs=1e-12)
        row = rows[sector]
        for key, value in (("labour_share", c.labour), ("capital_share", c.capital), ("land_share", c.land)):
            assert float(row[key]) == pytest.approx(value, abs=6e-5), (sector, key)


def test_health_labour_share_from_the_bea_lines():
    # line 71: VA 1,000,523, CE/VA .765, GOS/VA .222; line 72: VA 840,330, CE/VA .833, GOS/VA .133
    ce = 1_000_523 * 0.765 + 840_330 * 0.833
    gos = 1_000_523 * 0.222 + 840_330 * 0.133
    assert pr.sector_cost_shares(0.38)["health"].labour == pytest.approx(ce / (ce + gos), rel=1e-12)


def test_housing_land_share_is_lands_share_of_real_estate_surplus():
    ce, gos = 0.048, 0.848  # real estate, line 57, shares of value added
    assert pr.sector_cost_shares(0.38)["housing"].land == pytest.approx(0.38 * gos / (ce + gos), rel=1e-12)
    assert pr.sector_cost_shares(0.0)["housing"].land == 0.0


# --- halving time ---------------------------------------------------------------------------------


def test_halving_time_is_nan_when_the_price_never_falls():
    years = np.arange(2025, 2056)
    assert math.isnan(pr.halving_time(np.ones(31), years))
    assert math.isnan(pr.halving_time(np.linspace(1.0, 2.0, 31), years))
    assert math.isnan(pr.halving_time(np.array([1.0, 0.9, 1.1]), np.arange(3)))
    assert math.isnan(pr.halving_time(np.array([1.0]), np.array([2025])))


@pytest.mark.parametrize("k", [1, 2, 7, 30])
def test_halving_exactly_at_year_k_gives_k(k):
    years = np.arange(2025, 2056)
    path = np.concatenate([np.linspace(1.0, 0.6, k), np.linspace(0.5, 0.3, 31 - k)])  # 0.5 exactly at index k
    assert pr.halving_time(path, years) == pytest.approx(k, abs=1e-12)


def test_moores_law_pace_gives_two_years():
    assert pr.halving_time(0.5 ** (T / 2.0), T) == pytest.approx(2.0, rel=1e-12)


def test_halving_time_interpolates_log_linearly_between_years():
    assert pr.halving_time(np.array([1.0, 0.8, 0.4]), np.array([0, 1, 2])) == pytest.approx(
        1.0 + math.log(0.8 / 0.5) / math.log(0.8 / 0.4), rel=1e-12)


def test_halving_time_extrapolates_the_average_pace_when_not_reached():
    path = np.array([1.0, 0.95, 0.9, 0.8])
    assert pr.halving_time(path, np.arange(4)) == pytest.approx(math.log(2) * 3 / math.log(1 / 0.8), rel=1e-12)


def test_halving_time_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="one length"):
        pr.halving_time(np.ones(3), np.arange(4))


# --- metrics and parameters -----------------------------------------------------------------------


def test_price_metrics_cover_the_registry_entries(params):
    out = pr.price_metrics(at_base_factor_prices(AGI5, params), T)
    assert set(out) == set(pr.PRICE_METRICS)
    for name, (unit, description) in pr.PRICE_METRICS.items():
        assert unit == ("year" if name.startswith("halving_time_") else "index")
        assert description
    assert out["halving_time_food"] < out["halving_time_health"] < out["halving_time_housing"]


def test_every_prices_parameter_is_sourced_and_bounded():
    files = sorted((PARAMETER_DIR / "prices").glob("*.yaml"))
    names = {f.stem for f in files}
    assert {f"friction_{s}" for s in pr.SECTORS} <= names
    assert {f"cpi_weight_{s}" for s in pr.SECTORS if s != "other"} <= names
    for f in files:
        spec = _read_file(f).spec
        if f.stem == "inflation":  # the price level's growth (commonwealth.indexation), not a sector share
            assert spec.unit == "1/year" and spec.min < 0 < spec.max
        else:
            assert spec.unit == "/1" and spec.min == 0.0 and spec.max == 1.0
        assert all(r.href.startswith("https://") and r.title for r in spec.reference)


def test_documented_example_values(params):
    """Spot values of the tables in docs/model/prices.md (wages and rental rates at base)."""
    agi = at_base_factor_prices(AGI5, params)
    bau = at_base_factor_prices(BAU, params)
    assert agi["health"][5] == pytest.approx(0.629, abs=5e-4)
    assert agi["housing"][30] == pytest.approx(0.818, abs=5e-4)
    assert agi["cpi"][30] == pytest.approx(0.624, abs=5e-4)
    assert pr.halving_time(agi["food"], T) == pytest.approx(4.9, abs=0.05)
    assert bau["cpi"][30] == pytest.approx(0.889, abs=5e-4)


def test_a_friction_scale_of_zero_lets_the_whole_saving_reach_prices():
    params = ParameterSet()
    args = (np.array([0.608, 0.9]), np.array([1.0, 1.0]), np.array([1.0, 1.0]), np.array([1.0, 1.0]), params, 2025)
    static = pr.sector_price_paths(*args)
    faded = pr.sector_price_paths(*args, friction_scale=np.array([1.0, 0.0]))
    assert faded["health"][0] == pytest.approx(static["health"][0])  # scale 1: the parameter's friction
    assert faded["health"][1] < static["health"][1]  # no friction left: the full saving reaches the price
    frictionless = pr.sector_price_paths(*args[:4], params.with_overrides({"prices.friction_health": 0.0}), 2025)
    assert faded["health"][1] == pytest.approx(frictionless["health"][1])


def test_the_sectors_priced_together_equal_each_sector_priced_alone_to_the_bit():
    """PriceModel.paths computes the five sectors along one axis; each element must be what the sector's own
    formula gives (the loop it replaced), for one year and for a path, with policy factors and frictions."""
    from commonwealth.prices import SECTORS, PriceModel, task_cost_index

    model = PriceModel.from_parameters(ParameterSet(), 2025)
    phi, w, r, land = np.array([0.3, 0.5, 0.9]), np.array([1.0, 1.2, 0.7]), np.array([1.0, 0.9, 0.8]), 1.3
    factors = {SECTORS[1]: np.array([1.0, 0.8, 0.5])}
    for args, kw in (((0.45, 1.1, 0.95, 1.2), {"tfp_index": 1.05}),
                     ((phi, w, r, land), {"sector_factors": factors, "friction_scale": np.array([1.0, 0.5, 0.2])})):
        got = model.paths(*args, **kw)
        p, wh, rh, ld = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in args))
        tfp = np.broadcast_to(np.asarray(kw.get("tfp_index", 1.0), dtype=float), p.shape)
        u = (1.0 - np.clip(p, 0.0, 1.0)) / (1.0 - model.phi0)
        scale = kw.get("friction_scale")
        want = {}
        for s in SECTORS:
            cost, kappa = model.shares[s], model.kappa[s]
            no_new = task_cost_index(cost.task_labour_share, kappa, np.ones_like(u), wh, rh, model.sigma)
            automated = task_cost_index(cost.task_labour_share, kappa, u, wh, rh, model.sigma)
            f = model.frictions[s] if scale is None else model.frictions[s] * np.asarray(scale)
            bundle = no_new - (1.0 - f) * (no_new - automated)
            if s in kw.get("sector_factors", {}):
                bundle = bundle * kw["sector_factors"][s]
            want[s] = (cost.land * ld + (1.0 - cost.land) * bundle) / tfp
        want["cpi"] = sum(model.weights[s] * want[s] for s in SECTORS)
        for key in want:
            np.testing.assert_array_equal(got[key], want[key], err_msg=key)
