"""The shipped data files (``commonwealth/data``; each file's source is in ``data/SOURCES.md``).

Every data file is read here, once, by :func:`table`; a file that more than one module reads is parsed
by one function (:func:`bea_industries`, :func:`occupation_table`). Model code derives from these
tables; it does not open data files itself.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

__all__ = ["DATA", "MILLION", "bea_industries", "codes", "occupation_table", "table"]

#: The folder of shipped data files.
DATA = resources.files("commonwealth") / "data"
#: DFA and BEA tables are in millions of dollars.
MILLION = 1e6


@cache
def table(name: str, *, text: bool = False) -> pd.DataFrame:
    """The shipped data file ``name`` (a CSV in ``commonwealth/data``), read once and shared.

    Callers must not change the frame they get (copy it first). ``text=True`` keeps every cell as
    written, a string (code lists such as "19;45;62" and empty cells stay text).
    """
    with resources.as_file(DATA / name) as path:
        if text:
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        return pd.read_csv(path)


def codes(text: str) -> list[int]:
    """Parse a ';'-separated list of integer codes ("19;45;62"); "" gives []."""
    return [int(part) for part in text.split(";") if part.strip()]


@cache
def bea_industries() -> pd.DataFrame:
    """BEA GDP by industry, 2023, indexed by BEA line number.

    Columns include ``industry``, ``VA2023_$M`` (value added, $ million) and the shares of value
    added that go to compensation of employees (``CE/VA_2023``) and gross operating surplus
    (``GOS/VA_2023``).
    """
    return table("bea-labour-share-by-industry-2023.csv").set_index("line")


def occupation_table() -> pd.DataFrame:
    """Occupation groups (SOC major groups) with OEWS May 2021 employment and wage percentiles and
    Eloundou et al. AI exposure β (human- and GPT-4-rated). ``code`` is ``Population.occupation``;
    ``ai_exposure`` is the human-rated β (share of tasks exposed, E1 + ½E2)."""
    occupations = table("occupation_groups.csv").copy()
    occupations["ai_exposure"] = occupations["beta_human"]
    return occupations
