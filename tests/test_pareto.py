"""The truncated Pareto law: exact cell means and the bracket cut-off."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth import pareto


@pytest.mark.parametrize("alpha", [0.7, 1.0, 1.5, 3.0])
def test_cell_means_average_to_the_law_mean_and_stay_inside_the_bracket(alpha) -> None:
    cells = pareto.cell_means(1e6, 1e9, alpha, 1_000)
    assert np.all(np.diff(cells) >= 0) and cells[0] >= 1e6 and cells[-1] <= 1e9
    assert cells.mean() == pytest.approx(pareto.truncated_mean(1e6, 1e9, alpha), rel=1e-12)


def test_the_integral_matches_a_numerical_quadrature() -> None:
    u = np.linspace(0.0, 0.5, 200_001)
    lo, hi, alpha = 2.0, 50.0, 1.3
    q = lo * ((1 - u) + (lo / hi) ** alpha * u) ** (-1 / alpha)
    assert float(pareto.integral(lo, hi, alpha, np.array(0.0), np.array(0.5))) == pytest.approx(
        np.trapezoid(q, u), rel=1e-9
    )


def test_the_bracket_cutoff_reproduces_the_mean_and_the_population_ratio() -> None:
    lo, alpha = pareto.bracket_cutoff(3e6, 1e7, 10.0)
    assert pareto.truncated_mean(lo, 1e7, alpha) == pytest.approx(3e6, rel=1e-10)
    assert (1e7 / lo) ** alpha == pytest.approx(10.0, rel=1e-12)
    with pytest.raises(ValueError, match="must lie between"):
        pareto.bracket_cutoff(2e7, 1e7, 10.0)
