"""The Korinek & Suh (2024) task aggregate: static results with their Table 2 parameters."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from commonwealth.production import factor_prices, in_region_two, max_wage
from conftest import KS


def test_base_year_labour_share_is_about_two_thirds():
    fp = factor_prices(KS["K0"], KS["L"], KS["phi0"], tfp=KS["A"], sigma=KS["sigma"])
    assert abs(float(fp.labor_share) - 0.66) < 0.005
    assert int(fp.region) == 1


def test_region_two_pays_labour_and_capital_the_same_a():
    # K/L = 1 < Φ/(1−Φ) = 4 → labour no longer scarce
    fp = factor_prices(1.0, 1.0, 0.8, tfp=KS["A"], sigma=KS["sigma"])
    assert int(fp.region) == 2
    assert float(fp.wage) == KS["A"]
    assert float(fp.rental_rate) == KS["A"]
    assert float(fp.output) == KS["A"] * 2.0


def test_regions_meet_continuously_at_the_boundary():
    phi = 0.75
    boundary = phi / (1 - phi)  # K/L at which the regions meet
    eps = 1e-9
    lo = factor_prices(boundary - eps, 1.0, phi, tfp=KS["A"], sigma=KS["sigma"])
    hi = factor_prices(boundary + eps, 1.0, phi, tfp=KS["A"], sigma=KS["sigma"])
    assert int(lo.region) == 2 and int(hi.region) == 1
    for a, b in [(lo.output, hi.output), (lo.wage, hi.wage), (lo.rental_rate, hi.rental_rate)]:
        assert abs(float(a) - float(b)) < 1e-7


def test_fixed_factor_region_two_wage_equals_rental_rate():
    alpha, k, lab = 0.9, 1.0, 1.0
    fp = factor_prices(k, lab, 0.8, tfp=KS["A"], sigma=KS["sigma"], alpha=alpha)
    expected = alpha * KS["A"] * (k + lab) ** (alpha - 1.0)
    assert abs(float(fp.wage) - expected) < 1e-12
    assert abs(float(fp.rental_rate) - expected) < 1e-12
    assert abs(float(fp.land_share) - 0.1) < 1e-12


def test_static_experiment_k10_sigma02_wage_bill_peaks_then_falls_85_percent():
    """Korinek & Suh (2024), static figure: K = 10, L = 1, σ = 0.2."""
    phi = np.linspace(0.0, 1.0, 20001)
    fp = factor_prices(10.0, 1.0, phi, tfp=1.0, sigma=0.2)
    peak = int(np.argmax(fp.wage))
    assert 0.77 <= phi[peak] <= 0.83  # "peaks near Φ ≈ 0.8"
    fall = 1.0 - fp.wage[-1] / fp.wage[peak]
    assert 0.83 <= fall <= 0.87  # "then falls about 85 %"
    assert abs(fp.output[-1] / fp.output[0] - 11.0) < 1e-9  # "output rises 11-fold"


def test_wage_approaches_its_maximum_as_capital_grows():
    phi, sigma = 0.7, 0.5
    w_star = float(max_wage(phi, tfp=KS["A"], sigma=sigma))
    w_big_k = float(factor_prices(1e9, 1.0, phi, tfp=KS["A"], sigma=sigma).wage)
    assert abs(w_big_k - w_star) / w_star < 1e-3
    assert w_big_k < w_star


@given(
    k=st.floats(0.01, 1e4), lab=st.floats(0.01, 100), phi=st.floats(0.0, 1.0),
    sigma=st.floats(0.05, 0.95), alpha=st.floats(0.5, 1.0),
)
def test_factor_shares_exhaust_output(k, lab, phi, sigma, alpha):
    """Constant returns in (K, L, M): wL + RK + qM = Y (Euler's theorem), in both regions."""
    fp = factor_prices(k, lab, phi, tfp=0.7, sigma=sigma, alpha=alpha)
    total = float(fp.labor_share + fp.capital_share + fp.land_share)
    assert abs(total - 1.0) < 1e-9
    assert bool(in_region_two(k, lab, phi)) == (int(fp.region) == 2)
