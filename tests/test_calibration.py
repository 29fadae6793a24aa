"""US calibration: the model reproduces the targets at the base year."""

from __future__ import annotations

import pytest

from commonwealth.calibration import bea_factor_income_labour_share, calibrate
from commonwealth.engine import run_scenario
from commonwealth.parameters import ParameterSet
from commonwealth.scenario import load_scenario


def test_calibration_recovers_korinek_suh_a_and_k0_from_their_implied_targets():
    cal = calibrate(phi0=0.608, sigma=0.5, labor_share=0.6566115358548447,
                    capital_output_ratio=4.6 / 2.136517127807569, land_share=0.0, gdp=1.0)
    assert cal.capital0 == pytest.approx(4.6, rel=1e-12)
    assert cal.tfp == pytest.approx(0.5, rel=1e-12)


def test_labour_share_parameter_is_the_bea_factor_income_share():
    assert ParameterSet()("calibration.labor_share", 2025) == pytest.approx(bea_factor_income_labour_share(),
                                                                            abs=5e-4)


def test_us_base_year_matches_gdp_labour_share_capital_output_and_land_share():
    result = run_scenario(load_scenario("stall"))
    p = ParameterSet()
    m = result.metrics[result.metrics.year == 2025].set_index("metric")["value"]
    assert m["gdp"] == pytest.approx(p("calibration.gdp", 2025), rel=1e-12)
    assert m["labor_share"] == pytest.approx(p("calibration.labor_share", 2025), rel=1e-12)
    assert m["capital_stock"] / m["gdp"] == pytest.approx(p("calibration.capital_output_ratio", 2025), rel=1e-12)
    assert m["land_share"] == pytest.approx(p("production.land_share", 2025), rel=1e-12)
    assert m["labor_share"] + m["capital_share"] + m["land_share"] == pytest.approx(1.0, abs=1e-12)
    assert m["output_region"] == 1


def test_infeasible_targets_are_a_user_error():
    from commonwealth.errors import UserError

    with pytest.raises(UserError, match="labour share"):
        calibrate(phi0=0.608, sigma=0.5, labor_share=0.97, capital_output_ratio=3, land_share=0.05, gdp=1)
