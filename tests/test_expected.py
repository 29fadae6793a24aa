"""Every built-in scenario reproduces its stored expected output (regenerate with
`commonwealth expected --update`, never by editing the files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from commonwealth import expected
from commonwealth.scenario import builtin_names


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_scenario_matches_its_expected_output(name):
    assert expected.compare(name) == [], expected.profile_hint()


def test_every_builtin_scenario_has_an_expected_output_file():
    missing = [n for n in builtin_names() if not expected.path(n).exists()]
    assert missing == []


#: The built-in scenarios' expected outputs as they were before any behavioural response existed (the
#: closure of issue 12, commit e1517c7): `behaviour: static` must reproduce them. Scenarios whose AI path
#: was rebuilt later (compute-10x, issue 14: compute instead of a ten-year bounded path) or added later
#: (gate, acemoglu-2024, public-prizes) have no such output; compute-10x's file was regenerated with its new path.
STATIC_DIR = Path(__file__).parent / "data" / "static_expected"


def test_every_builtin_scenario_from_before_behaviour_has_a_static_output():
    missing = set(builtin_names()) - {p.stem for p in STATIC_DIR.glob("*.csv")}
    assert missing == {"gate", "acemoglu-2024", "public-prizes"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.stem for p in STATIC_DIR.glob("*.csv")))
def test_static_behaviour_reproduces_the_outputs_from_before_behaviour(name):
    assert expected.compare(name, STATIC_DIR, behaviour="static") == []
