"""The shipped data files are read in one place (commonwealth.sources), once, and parsed once."""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import pytest

from commonwealth import sources

ROOT = Path(__file__).resolve().parent.parent / "src" / "commonwealth"
#: Modules that still open data files themselves (owned elsewhere; to move onto sources.table).
KNOWN_READERS: set[str] = set()


def _opens_data(path: Path) -> list[int]:
    """Lines where a module reads a file itself (read_csv, resources.as_file, csv.DictReader) or builds
    a path into the data folder."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("read_csv", "as_file", "DictReader"):
            lines.append(node.lineno)
        if (  # a path into the data folder: <package folder> / "data"
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Div)
            and isinstance(node.right, ast.Constant)
            and node.right.value == "data"
        ):
            lines.append(node.lineno)
    return lines


def test_only_sources_reads_the_shipped_data_files() -> None:
    readers = {
        str(p.relative_to(ROOT)): _opens_data(p)
        for p in ROOT.rglob("*.py")
        if p.name != "sources.py" and _opens_data(p)
    }
    for name in ("expected.py", "output.py", "runs.py", "sweep.py"):  # read and write run outputs, not data files
        readers.pop(name, None)
    assert set(readers) <= KNOWN_READERS, readers


def test_every_shipped_file_loads_and_is_read_once() -> None:
    names = sorted(p.name for p in Path(str(sources.DATA)).glob("*.csv"))
    assert "occupation_groups.csv" in names
    for name in names:
        assert len(sources.table(name)) > 0
        assert sources.table(name) is sources.table(name)


def test_the_bea_table_is_one_parse_that_agrees_with_the_file() -> None:
    bea = sources.bea_industries()
    with (Path(str(sources.DATA)) / "bea-labour-share-by-industry-2023.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(bea) == len(rows)
    for row in rows:
        line = bea.loc[int(row["line"])]
        assert line["industry"] == row["industry"]
        for column in ("VA2023_$M", "CE/VA_2023", "GOS/VA_2023"):
            assert float(line[column]) == float(row[column])  # bit for bit, as Python parses it


def test_codes_parse_semicolon_lists() -> None:
    assert sources.codes("19;45;62") == [19, 45, 62]
    assert sources.codes("") == []


def test_occupation_table_is_a_copy_with_the_human_rated_exposure() -> None:
    table = sources.occupation_table()
    assert (table["ai_exposure"] == table["beta_human"]).all()
    table.loc[0, "ai_exposure"] = -1.0
    assert sources.occupation_table().loc[0, "ai_exposure"] == pytest.approx(table.loc[0, "beta_human"])
