"""The base-year calibration report: every target is met within its tolerance and is documented."""

from __future__ import annotations

import pytest

from commonwealth.base_year import build_base_year
from commonwealth.calibration_report import calibration_targets
from commonwealth.parameters import ParameterSet

PARAMS = ParameterSet()
SIZES = (20_000, 100_000)


@pytest.fixture(scope="module")
def targets(economies) -> dict[int, dict[str, object]]:
    return {
        size: {t.name: t for t in calibration_targets(pop, firms, PARAMS)}
        for size, (pop, firms) in economies.items()
    }


TARGET_NAMES = [
    t.name for t in calibration_targets(*build_base_year(20_000, PARAMS, 0), PARAMS)
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", TARGET_NAMES)
def test_every_calibration_target_is_met_within_its_tolerance(targets, size, name) -> None:
    target = targets[size][name]
    assert target.ok, (
        f"{name}: target {target.target:.6g}, achieved {target.achieved:.6g} ({target.source})"
    )


def test_the_calibration_report_names_every_brief_target(targets) -> None:
    names = set(targets[SIZES[0]])
    required = {
        "wealth_share_top0_1",
        "wealth_share_top1",
        "wealth_share_top10",
        "wealth_share_p50_90",
        "wealth_share_bottom50",
        "household_net_worth",
        "household_corporate_equity",
        "household_real_estate",
        "billionaires",
        "billionaire_wealth",
        "wage_median",
    }
    assert required <= names
    for target in targets[SIZES[0]].values():
        assert target.source and target.unit and target.tolerance_kind in ("abs", "rel")
