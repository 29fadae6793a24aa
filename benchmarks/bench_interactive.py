"""Issue 15: interactive latency — one reform against a cached baseline (commonwealth.Explorer).

    .venv/bin/python benchmarks/bench_interactive.py                      # 20k records × 30 years, 20 calls
    .venv/bin/python benchmarks/bench_interactive.py --size 5000 --calls 40

Builds an :class:`~commonwealth.Explorer` (the baseline simulated once), warms it with one reform (Numba's
kernels load, the base year is cached), then times ``calls`` calls of ``run`` (the reform's simulation) and
of ``compare`` (simulation and comparison with the cached baseline), cycling through ``--reforms``.
Prints p50 and p95 in milliseconds, the share of a call spent simulating and the machine's load meanwhile.
With ``--fixed-size`` (default 1,000 records, the smallest population a scenario allows) it then times the
same calls on an Explorer of that size, in the same run: what a call costs whatever its records (Python's
work per simulated year, the comparison, the results' frames), and so what share of the call at ``--size``
per-record work is. No figure is asserted (docs/performance.md quotes the output).
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import commonwealth
from commonwealth import Explorer
from commonwealth.errors import UserError
from commonwealth.scenario import MIN_POPULATION

REFORMS = ("american-equity-fund", "ubi-income-tax", "wealth-tax", "land-value-tax")


def _busy_cores() -> float:
    """Cores other processes kept busy (the one-minute load average less this process's one)."""
    try:
        return max(0.0, os.getloadavg()[0] - 1.0)
    except OSError:
        return float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=commonwealth.api.INTERACTIVE_SIZE)
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--reforms", default=",".join(REFORMS), help="built-in reforms, comma-separated, cycled")
    ap.add_argument("--fixed-size", type=int, default=1000,
                    help="records of a second Explorer timed for the size-independent cost (0: not timed)")
    args = ap.parse_args(argv)
    if args.fixed_size and not MIN_POPULATION <= args.fixed_size < args.size:
        ap.error(f"--fixed-size has value {args.fixed_size}; allowed: 0 (not timed) or from {MIN_POPULATION} "
                 f"records (a scenario's least) to fewer than --size ({args.size})")
    if args.calls < 1:
        ap.error(f"--calls has value {args.calls}; allowed: a whole number of calls, at least 1")
    try:
        return _measure(args)
    except UserError as exc:  # a size, horizon or reform the scenarios refuse: their message, no traceback
        ap.error(str(exc))


def _measure(args: argparse.Namespace) -> int:
    import numpy as np  # after commonwealth: its numeric profile is chosen before numpy loads

    reforms = args.reforms.split(",")

    t0 = time.perf_counter()
    explorer = Explorer("status-quo", size=args.size, years=args.years)
    baseline_seconds = time.perf_counter() - t0
    runs_ms, compares_ms = _timed(explorer, reforms, args.calls)

    print(f"Explorer: {args.size:,} records × {args.years} years; baseline built in {baseline_seconds:.2f} s; "
          f"{args.calls} calls cycling {', '.join(reforms)}; numeric profile {commonwealth.numeric_profile.status()}")
    print(f"{'call':<10}{'p50 ms':>10}{'p95 ms':>10}{'min ms':>10}")
    for name, values in (("run", runs_ms), ("compare", compares_ms)):
        print(f"{name:<10}{np.percentile(values, 50):>10.0f}{np.percentile(values, 95):>10.0f}{values.min():>10.0f}")
    per_year = np.percentile(runs_ms, 50) / (args.years + 1)
    print(f"simulation share of a compare call: {np.median(runs_ms) / np.median(compares_ms):.0%}; "
          f"{per_year:.1f} ms per simulated year; other processes' load meanwhile ≈ {_busy_cores():.2f} cores")
    if args.fixed_size:
        small = Explorer("status-quo", size=args.fixed_size, years=args.years)
        _, fixed_ms = _timed(small, reforms, args.calls)
        fixed, whole = float(np.median(fixed_ms)), float(np.median(compares_ms))
        print(f"at {args.fixed_size:,} records, compare p50 {fixed:.0f} ms ({fixed / (args.years + 1):.1f} ms a "
              f"simulated year): about {fixed / whole:.0%} of a call at {args.size:,} records costs the same "
              f"whatever its records, {1 - fixed / whole:.0%} is per-record work "
              f"({(whole - fixed) / (args.years + 1) / (args.size - args.fixed_size) * 1e6:.0f} ns a "
              "household-year, the difference of the two sizes)")
    return 0


def _timed(explorer: Explorer, reforms: list[str], calls: int) -> tuple[Any, Any]:
    """Milliseconds (numpy arrays) of ``calls`` calls of ``run`` and of ``compare``, cycling ``reforms``, after
    one warming call (Numba's kernels loaded, the base year cached)."""
    import numpy as np

    explorer.compare(reforms[0])
    runs, compares = [], []
    for i in range(calls):
        reform = reforms[i % len(reforms)]
        t = time.perf_counter()
        explorer.run(reform)
        runs.append(time.perf_counter() - t)
        t = time.perf_counter()
        explorer.compare(reform)
        compares.append(time.perf_counter() - t)
    return np.array(runs) * 1e3, np.array(compares) * 1e3


if __name__ == "__main__":
    raise SystemExit(main())
