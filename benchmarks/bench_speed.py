"""Issue 15: the engine of a base commit and of the working tree, side by side, on the same scenario and seed.

Each (code, size) pair runs in a fresh child process that imports its own copy of ``src/commonwealth``:
the base commit's is exported with ``git archive`` into a temporary directory, the working tree's is
copied when the run starts. The children alternate (base, new, base, new …) so that a change in the
machine's load hits both; each reports its build and simulation seconds, household-years per second and
peak memory, and every metric of every year. The run then compares the metrics (largest relative
difference, and every one above ``--tolerance``) and prints the speed ratios.

    .venv/bin/python benchmarks/bench_speed.py --base 28d34ce --sizes 100000,1000000 --years 30

No figure is asserted: the ratios are measured side by side in one run (docs/performance.md says which).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: A warm-up run this large compiles the kernels' threaded builds (commonwealth.kernel_threads.PARALLEL_MIN_RECORDS).
WARM_THREADED_RECORDS = 200_000

CHILD = r"""
import json, resource, sys, time
size, years, scenario_name = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
from threadpoolctl import threadpool_limits
from commonwealth.engine import HouseholdEconomy
from commonwealth.scenario import load_scenario
scenario = load_scenario(scenario_name).with_population(size)
scenario = scenario.model_copy(update={"years": years})
with threadpool_limits(limits=1, user_api="blas"):
    t0 = time.perf_counter()
    sim = HouseholdEconomy(scenario)
    t1, c1 = time.perf_counter(), time.process_time()
    values = [sim.step().values for _ in range(years + 1)]
    t2, c2 = time.perf_counter(), time.process_time()
try:  # the kernels' threads (commonwealth.kernel_threads), where the code has them
    from commonwealth.kernel_threads import kernel_threads, use_threads
    threads = kernel_threads() if use_threads(size) else 1
except ImportError:
    threads = 1
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
json.dump({"build": t1 - t0, "simulate": t2 - t1, "simulate_cpu": c2 - c1, "threads": threads, "peak_bytes": peak,
           "values": values}, sys.stdout)
"""


def export_base(commit: str, into: Path) -> Path:
    """``src`` of ``commit`` (git archive), under ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "src"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into / "src"


def run_child(src: Path, size: int, years: int, scenario: str) -> dict:
    # Both codes in the numeric profile (commonwealth.numeric_profile), so that a difference is the code's.
    env = {**os.environ, "PYTHONPATH": str(src), "OPENBLAS_NUM_THREADS": "1", "NUMBA_CACHE_DIR": str(src / ".numba"),
           "NPY_ENABLE_CPU_FEATURES": "X86_V3", "OPENBLAS_CORETYPE": "Haswell"}
    out = subprocess.run([sys.executable, "-c", CHILD, str(size), str(years), scenario], env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def compare(base: list[dict], new: list[dict]) -> tuple[float, list[str]]:
    """Largest relative difference over every metric of every year, and the differences listed."""
    worst, listed = 0.0, []
    for year, (a, b) in enumerate(zip(base, new, strict=True)):
        for name in sorted(set(a) | set(b)):
            x, y = a.get(name), b.get(name)
            if x is None or y is None:
                listed.append(f"year {year}: {name} only in {'new' if x is None else 'base'}")
                continue
            if x == y or (x != x and y != y):
                continue
            gap = abs(x - y) / max(abs(x), abs(y), 1e-300)
            worst = max(worst, gap)
            listed.append(f"year {year}: {name} base {x!r} new {y!r} (relative {gap:.1e})")
    return worst, listed


def machine() -> dict:
    """CPU model, cores and memory of this machine (from /proc), and its copy bandwidth, measured now."""
    import numpy as np

    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem = 0
    a = np.ones(100_000_000 // 8)  # 100 MB, far beyond the caches
    b = np.empty_like(a)
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        np.copyto(b, a)
        best = min(best, time.perf_counter() - t)
    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": mem / 2**30,
            "copy_bandwidth_gb_s": 2 * a.nbytes / best / 1e9}  # bytes read + bytes written


def state_bytes_per_record() -> float:
    """Bytes of per-record state the engine keeps across years (the population's arrays), working tree."""
    sys.path.insert(0, str(ROOT / "src"))
    from commonwealth.base_year import build_base_year
    from commonwealth.parameters import ParameterSet

    pop, _ = build_base_year(20_000, ParameterSet(), 0)
    arrays = [v for v in vars(pop).values() if hasattr(v, "nbytes") and getattr(v, "shape", ()) == (pop.size,)]
    return sum(v.nbytes for v in arrays) / pop.size


def render(results: list[dict]) -> str:
    """The side-by-side section of docs/performance.md, from one or more runs' JSON."""
    first = results[0]
    m = first.get("machine") or machine()
    state = first.get("state_bytes_per_record") or state_bytes_per_record()
    bound_ns = 1e9 * 2 * state / (m["copy_bandwidth_gb_s"] * 1e9)
    lines = [
        f"`benchmarks/bench_speed.py` ran the engine of the start commit ({first['base']}) and of this commit in "
        f"alternating fresh processes on the same scenario ({first['scenario']}) and seed, {first['years'] + 1} "
        "years, and compared every metric of every year. Both sides run in the numeric profile (numpy's x86-64-v3 "
        "loops, OpenBLAS Haswell kernels, one BLAS thread), so a difference is the code's. Every ratio below is "
        "between measurements of the same run. *Threads*: the threads of each side's per-record kernels "
        "(commonwealth.kernel_threads; the start commit has none), and *CPU s* the CPU time of all of them while "
        "simulating.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']:.0f} GiB; copy bandwidth "
        f"{m['copy_bandwidth_gb_s']:.1f} GB/s (bytes read + written, numpy copy of 100 MB). Persistent state: "
        f"{state:.0f} bytes per record, so one pass reading and writing it costs {bound_ns:.1f} ns per "
        "household-year (the one-pass bound).",
        "",
        "```", *(r.get("command") or f"python benchmarks/bench_speed.py --base {r['base']} --sizes "
                  f"{','.join(str(k) for k in r['sizes'])} --years {r['years']}" for r in results), "```",
        "",
        "| records | run (UTC) | load average after | base s | new s | threads base / new | new CPU s | "
        "base hh-yr/s | new hh-yr/s | new ns/hh-yr | ratio | one-pass bound / new | peak GiB base / new | "
        "metrics differing |",
        "|---:|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    notes = []
    for r in results:
        for size, row in sorted(r["sizes"].items(), key=lambda kv: int(kv[0])):
            diffs = row["differences_above_tolerance"]
            worst: dict[str, float] = {}
            gaps = []
            for d in diffs:
                if " base " not in d:
                    continue
                name = d.split(": ", 1)[1].split(" ", 1)[0]
                worst[name] = max(worst.get(name, 0.0), float(d.rsplit("relative ", 1)[1][:-1]))
                a, b = d.split(" base ")[1].split(" new ")[0], d.split(" new ")[1].split(" (")[0]
                gaps.append(abs(float(a) - float(b)))
            ranked = sorted(worst, key=worst.__getitem__, reverse=True)
            numeric = len(gaps)
            only_new = sorted({d.split(": ", 1)[1].split(" ", 1)[0] for d in diffs if d.endswith("only in new")})
            differing = "none" if not numeric else f"{numeric} values of {len(worst)} metrics"
            if only_new:
                differing += f" (and {', '.join(only_new)}, which the start commit did not have)"
            if gaps:
                top = ", ".join(f"{n} {worst[n]:.1e}" for n in ranked[:3])
                rest = "" if len(ranked) <= 3 else f"; the other {len(ranked) - 3} at most {worst[ranked[3]]:.1e}"
                notes.append(f"At {int(size):,} records: {differing}; the largest relative differences by metric: "
                             f"{top}{rest} (largest absolute difference {max(gaps):.3g}).")
            new_ns = row["new"]["ns_per_household_year"]
            load = ", ".join(f"{x:.2f}" for x in r.get("load_average_end", []))
            lines.append(
                f"| {int(size):,} | {r.get('date', '')} | {load} | {row['base']['simulate_s']:.1f} | "
                f"{row['new']['simulate_s']:.1f} | {row['base'].get('threads', 1)} / {row['new'].get('threads', 1)} | "
                f"{_seconds(row['new'].get('simulate_cpu_s'))} | {row['base']['household_years_per_s'] / 1e6:.2f}M | "
                f"{row['new']['household_years_per_s'] / 1e6:.2f}M | {new_ns:.0f} | ×{row['speedup']:.2f} | "
                f"{bound_ns / new_ns:.1%} | {row['base']['peak_gib']:.2f} / {row['new']['peak_gib']:.2f} | "
                f"{differing} |")
    return "\n".join([*lines, "", *notes]) + "\n"


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def write_doc(doc: Path, text: str) -> None:
    """Replace the block between the bench_speed markers of ``doc`` with ``text``."""
    start, end = "<!-- bench_speed:start -->", "<!-- bench_speed:end -->"
    page = doc.read_text(encoding="utf-8")
    if start not in page or end not in page:
        raise SystemExit(f"{doc}: no {start} … {end} block to replace")
    head, rest = page.split(start, 1)
    doc.write_text(head + start + "\n" + text + end + rest.split(end, 1)[1], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", default="28d34ce", help="commit whose engine is the baseline (issue 15's start)")
    ap.add_argument("--sizes", default="100000,1000000", help="records, comma-separated")
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--scenario", default="business-as-usual")
    ap.add_argument("--repeats", type=int, default=1, help="runs of each (code, size); the fastest is kept")
    ap.add_argument("--tolerance", type=float, default=1e-12, help="relative differences above it are listed")
    ap.add_argument("--out", default=None, help="also write the results as JSON here")
    ap.add_argument("--doc", default=None, help="rewrite the bench_speed block of this page (docs/performance.md)")
    ap.add_argument("--from-json", nargs="+", default=None, metavar="JSON",
                    help="render --doc from earlier runs' --out files instead of running")
    args = ap.parse_args(argv)
    command = "python benchmarks/bench_speed.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.from_json:
        runs = [json.loads(Path(p).read_text(encoding="utf-8")) for p in args.from_json]
        if args.doc:
            write_doc(Path(args.doc), render(runs))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict = {"base": args.base, "years": args.years, "scenario": args.scenario, "sizes": {}, "command": command,
                     "machine": machine(), "load_average_start": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        base_src = export_base(args.base, Path(tmp) / "base")
        new_src = Path(tmp) / "new" / "src"
        shutil.copytree(ROOT / "src", new_src, ignore=shutil.ignore_patterns("__pycache__", ".numba"))
        for src in (base_src, new_src):  # compile the Numba kernels once, outside the timings: every kernel
            # path (sizes above RADIX_MIN_SIZE, kept orders, and the threaded builds, from 131,072 records)
            run_child(src, 5_000, 3, args.scenario)
            run_child(src, WARM_THREADED_RECORDS, 1, args.scenario)
        for size in sizes:
            runs: dict[str, dict] = {}
            for _ in range(args.repeats):
                for label, src in (("base", base_src), ("new", new_src)):
                    r = run_child(src, size, args.years, args.scenario)
                    if label not in runs or r["simulate"] < runs[label]["simulate"]:
                        runs[label] = r
            hy = size * (args.years + 1)
            worst, listed = compare(runs["base"]["values"], runs["new"]["values"])
            row = {label: {"build_s": r["build"], "simulate_s": r["simulate"],
                           "simulate_cpu_s": r.get("simulate_cpu"), "threads": r.get("threads", 1),
                           "household_years_per_s": hy / r["simulate"],
                           "ns_per_household_year": 1e9 * r["simulate"] / hy,
                           "peak_gib": r["peak_bytes"] / 2**30} for label, r in runs.items()}
            row["speedup"] = runs["base"]["simulate"] / runs["new"]["simulate"]
            row["largest_relative_difference"] = worst
            row["differences_above_tolerance"] = [d for d in listed if "relative" not in d
                                                  or float(d.rsplit("relative ", 1)[1][:-1]) > args.tolerance]
            results["sizes"][size] = row
            print(f"{size:>10,} records: base {row['base']['simulate_s']:.2f} s "
                  f"({row['base']['household_years_per_s'] / 1e6:.2f}M hh-yr/s), new {row['new']['simulate_s']:.2f} s "
                  f"({row['new']['household_years_per_s'] / 1e6:.2f}M hh-yr/s): ×{row['speedup']:.2f}; largest "
                  f"relative difference {worst:.1e}, {len(row['differences_above_tolerance'])} above "
                  f"{args.tolerance:g}; peak {row['base']['peak_gib']:.2f} / {row['new']['peak_gib']:.2f} GiB; "
                  f"threads {row['base']['threads']} / {row['new']['threads']}, new CPU "
                  f"{_seconds(row['new']['simulate_cpu_s'])} s",
                  flush=True)
    results["load_average_end"] = os.getloadavg()
    results["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results["state_bytes_per_record"] = state_bytes_per_record()
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1), encoding="utf-8")
    if args.doc:
        write_doc(Path(args.doc), render([results]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
