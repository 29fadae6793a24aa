"""The engine benchmark compares like with like: every per-agent version computes the engine's numbers.

No timing is asserted here (speed is reported by ``benchmarks/bench_engine.py`` as ratios measured in
one run); these tests pin that the versions it times agree to the last bit, so its ratios are fair.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
bench_engine = pytest.importorskip("bench_engine")


@pytest.fixture(scope="module")
def comparison():
    return bench_engine.agent_comparison(agents=3_000, agent_years=2, repeats=1, memory_limit=None)


def test_every_per_agent_version_reproduces_the_vectorised_step_bit_for_bit(comparison):
    assert set(comparison["comparisons"]) == set(bench_engine.AGENT_VARIANTS)
    assert any(name.startswith("Mesa") for name in comparison["comparisons"])  # Mesa itself is a baseline
    for found in comparison["comparisons"].values():
        assert len(found) == 2
        for year in found:
            assert sum(year["differing_records"].values()) == 0
            assert year["worst_relative_gap"] == 0.0


def test_the_vectorised_step_reproduces_the_engines_own_first_year(comparison):
    assert comparison["engine_first_year_records_differing"] == 0


def test_the_comparison_reports_a_ratio_for_every_version(comparison):
    assert comparison["speedup"] > 0
    assert set(comparison["variants"]) == {"vectorised", *bench_engine.AGENT_VARIANTS}


def test_the_interactive_benchmark_reports_p50_and_p95_of_run_and_compare(capsys):
    bench_interactive = pytest.importorskip("bench_interactive")
    assert bench_interactive.main(["--size", "2000", "--years", "3", "--calls", "2"]) == 0
    out = capsys.readouterr().out
    assert "p50 ms" in out and "p95 ms" in out
    assert {line.split()[0] for line in out.splitlines()[2:4]} == {"run", "compare"}
    assert "at 1,000 records, compare p50" in out and "per-record work" in out  # the size-independent split


def test_the_interactive_benchmark_refuses_a_fixed_size_not_below_the_size(capsys):
    bench_interactive = pytest.importorskip("bench_interactive")
    with pytest.raises(SystemExit) as exit_:
        bench_interactive.main(["--size", "2000", "--fixed-size", "2000"])
    assert exit_.value.code == 2
    assert "--fixed-size has value 2000" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["--size", "2000", "--fixed-size", "500"], "--fixed-size has value 500"),  # below a scenario's least
    (["--size", "2000", "--calls", "0"], "--calls has value 0"),
    (["--size", "500", "--fixed-size", "0"], "'population.size' has value 500"),  # the scenario's own refusal
])
def test_the_interactive_benchmark_refuses_bad_input_with_a_message_not_a_traceback(capsys, args, message):
    bench_interactive = pytest.importorskip("bench_interactive")
    with pytest.raises(SystemExit) as exit_:
        bench_interactive.main(args)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_the_api_load_test_counts_requests_and_reports_p50_p95(tmp_path):
    import json
    import os

    bench_api = pytest.importorskip("bench_api")
    out = tmp_path / "api.json"
    code = bench_api.main(["--duration", "3", "--concurrency", "2", "--explore-share", "0.05", "--json", str(out)])
    report = json.loads(out.read_text())
    assert code == 0, report["endpoints"]
    assert report["requests"] > 0
    assert report["requests"] == sum(e["count"] for e in report["endpoints"].values())
    assert report["errors"] == 0
    health = report["endpoints"]["GET /api/health"]
    assert health["ok"] > 0 and 0 < health["p50_ms"] <= health["p95_ms"]
    assert report["server"]["exit_code"] is not None  # the server was stopped and reaped
    with pytest.raises(ProcessLookupError):
        os.kill(report["server"]["pid"], 0)
