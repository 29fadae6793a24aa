"""Every example in docs/ runs: YAML scenarios are written and validated, `commonwealth` commands
are executed, Python blocks are run — in order, in a temporary directory, per document."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from commonwealth.cli import main

DOCS = Path(__file__).resolve().parent.parent / "docs"
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)


def blocks(path: Path) -> list[tuple[str, str]]:
    return FENCE.findall(path.read_text(encoding="utf-8"))


def documents() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if any(lang in ("yaml", "python", "sh") for lang, _ in blocks(p)))


@pytest.mark.parametrize("doc", documents(), ids=lambda p: str(p.relative_to(DOCS)))
def test_every_example_in_the_docs_runs(doc, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for lang, body in blocks(doc):
        if lang == "yaml":
            first = body.splitlines()[0]
            if first.startswith("# ") and first.endswith(".yaml"):
                (tmp_path / first[2:].strip()).write_text(body)
        elif lang == "sh":
            for line in body.splitlines():
                if not line.startswith("commonwealth "):
                    continue  # make targets and shell set-up are covered by CI itself
                args = shlex.split(line)[1:]
                if args[0] in ("run", "report") and len(args) == 1:
                    continue  # the full default showcase: `make run` covers it
                if args[0] == "serve":
                    continue  # a server runs until stopped: tests/test_server.py runs docs/api.md's requests
                assert main(args) == 0, f"{doc.name}: `{line}` failed"
        elif lang == "python":
            exec(compile(body, f"{doc.name}:python", "exec"), {})
    capsys.readouterr()
