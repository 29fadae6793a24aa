"""Every shipped parameter file is read by something: the model (src/) or a validation test (tests/).

A parameter counts as read when its dotted name appears quoted in the source, or when the source builds it
from a template: ``f"policy.{kind}.{key}"`` reads every key that is a field of that policy's spec;
any other template ``f"<prefix>{...}"`` (``f"politics.{name}"``, ``f"prices.friction_{s}"``) reads
the names whose remainder after the prefix appears quoted in the same file.
"""

from __future__ import annotations

import re
from pathlib import Path

from commonwealth.parameters import PARAMETER_DIR, ParameterSet
from commonwealth.policy import POLICY_TYPES

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = re.compile(r"""f["']([a-z_]+\.[a-z_.]*)\{""")


def _sources() -> dict[Path, str]:
    files = [*(ROOT / "src" / "commonwealth").rglob("*.py"), *(ROOT / "tests").glob("*.py")]
    return {f: f.read_text(encoding="utf-8") for f in files if f.name != Path(__file__).name}


def _read_by_template(name: str, sources: dict[Path, str]) -> bool:
    if name.startswith("policy."):
        _, kind, key = name.split(".", 2)
        return kind in POLICY_TYPES and key in POLICY_TYPES[kind][0].model_fields
    for text in sources.values():
        for prefix in TEMPLATE.findall(text):
            if prefix != "policy." and name.startswith(prefix):
                rest = name[len(prefix):]
                if f'"{rest}"' in text or f"'{rest}'" in text:
                    return True
    return False


def _quoted(name: str, text: str) -> bool:
    return re.search(rf"""["'`]{re.escape(name)}["'`]""", text) is not None


def test_every_parameter_file_is_read():
    sources = _sources()
    everything = "\n".join(sources.values())
    unread = [n for n in ParameterSet() if not _quoted(n, everything) and not _read_by_template(n, sources)]
    assert not unread, f"parameter files nothing reads (remove them or use them): {unread}"


def test_the_check_would_catch_an_orphan():
    sources = _sources()
    assert "government.consumption_share" not in ParameterSet()
    orphan = "households.a_parameter_nothing_reads"
    assert not _quoted(orphan, "\n".join(sources.values())) and not _read_by_template(orphan, sources)
    assert not _quoted("government.consumption_share", "self.government.consumption_share * gdp")
    assert not _read_by_template("policy.ubi.not_a_spec_field", sources)
    assert _read_by_template("policy.ubi.amount", sources)
    assert _read_by_template("prices.friction_food", sources)
    assert PARAMETER_DIR.is_dir()
