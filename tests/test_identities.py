"""The yearly identities' own checks (commonwealth.identities)."""

from __future__ import annotations

import numpy as np
import pytest

from commonwealth.assets import Firms
from commonwealth.identities import OWNERSHIP_ATOL, IdentityError, check_ownership_rows


def firms() -> Firms:
    """Four firms whose owners' fractions sum to 1."""
    value = np.array([4.0, 3.0, 2.0, 1.0]) * 1e12
    return Firms(
        name=np.array(["a", "b", "c", "d"], dtype=object), value=value, listed=np.ones(4, bool),
        aggregate=np.zeros(4, bool), sector=np.zeros(4, np.int8), ai_exposure=np.full(4, 0.3), revenue=value / 10,
        own_index=np.array([0.6, 0.5, 0.7, 0.8]), own_concentrated=np.array([0.2, 0.3, 0.1, 0.0]),
        own_foreign=np.array([0.2, 0.2, 0.2, 0.2]), own_fund=np.zeros(4), own_public=np.zeros(4))


def test_ownership_rows_that_sum_to_one_pass() -> None:
    check_ownership_rows(firms(), 2030)


@pytest.mark.parametrize("off", [3 * OWNERSHIP_ATOL, -3 * OWNERSHIP_ATOL, np.nan, np.inf])
def test_an_ownership_row_off_one_fails_naming_the_year_and_firm(off: float) -> None:
    f = firms()
    f.own_public = f.own_public.copy()
    f.own_public[2] += off
    with pytest.raises(IdentityError, match=r"year 2031: ownership of firm 2 "):
        check_ownership_rows(f, 2031)


def test_the_check_agrees_with_numpy_allclose_at_the_tolerance() -> None:
    rng = np.random.default_rng(5)
    for _ in range(200):
        f = firms()
        f.own_fund = rng.choice([0.0, 0.5, 1.0, 2.0], 4) * OWNERSHIP_ATOL * rng.choice([-1.0, 1.0], 4)
        ok = np.allclose(f.ownership_total, 1.0, rtol=0.0, atol=OWNERSHIP_ATOL)
        if ok:
            check_ownership_rows(f, 2030)
        else:
            with pytest.raises(IdentityError):
                check_ownership_rows(f, 2030)
