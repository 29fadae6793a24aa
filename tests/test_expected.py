"""Every built-in scenario reproduces its stored expected output (regenerate with
`commonwealth expected --update`, never by editing the files)."""

from __future__ import annotations

import pytest

from commonwealth import expected
from commonwealth.scenario import builtin_names


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_scenario_matches_its_expected_output(name):
    assert expected.compare(name) == []


def test_every_builtin_scenario_has_an_expected_output_file():
    missing = [n for n in builtin_names() if not expected.path(n).exists()]
    assert missing == []
