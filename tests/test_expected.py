"""Every built-in scenario reproduces its stored expected output (regenerate with
`commonwealth expected --update`, never by editing the files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from commonwealth import expected
from commonwealth.scenario import builtin_names


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_scenario_matches_its_expected_output(name):
    assert expected.compare(name) == []


def test_every_builtin_scenario_has_an_expected_output_file():
    missing = [n for n in builtin_names() if not expected.path(n).exists()]
    assert missing == []


#: The built-in scenarios' expected outputs as they were before any behavioural response existed (the
#: closure of issue 12, commit e1517c7): `behaviour: static` must reproduce them.
STATIC_DIR = Path(__file__).parent / "data" / "static_expected"


@pytest.mark.slow
@pytest.mark.parametrize("name", builtin_names())
def test_static_behaviour_reproduces_the_outputs_from_before_behaviour(name):
    assert expected.compare(name, STATIC_DIR, behaviour="static") == []
