"""Issue 15: interactive latency — one reform against a cached baseline (commonwealth.Explorer).

    .venv/bin/python benchmarks/bench_interactive.py                      # 20k records × 30 years, 20 calls
    .venv/bin/python benchmarks/bench_interactive.py --size 5000 --calls 40

Builds an :class:`~commonwealth.Explorer` (the baseline simulated once), warms it with one reform (Numba's
kernels load, the base year is cached), then times ``calls`` calls of ``run`` (the reform's simulation) and
of ``compare`` (simulation and comparison with the cached baseline), cycling through ``--reforms``.
Prints p50 and p95 in milliseconds, the share of a call spent simulating and the machine's load meanwhile.
No figure is asserted (docs/performance.md quotes the output).
"""

from __future__ import annotations

import argparse
import os
import time

import commonwealth
from commonwealth import Explorer

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
    args = ap.parse_args(argv)
    import numpy as np  # after commonwealth: its numeric profile is chosen before numpy loads

    reforms = args.reforms.split(",")

    t0 = time.perf_counter()
    explorer = Explorer("status-quo", size=args.size, years=args.years)
    baseline_seconds = time.perf_counter() - t0
    explorer.compare(reforms[0])  # warm: kernels loaded, base year cached

    runs, compares = [], []
    for i in range(args.calls):
        reform = reforms[i % len(reforms)]
        t = time.perf_counter()
        explorer.run(reform)
        runs.append(time.perf_counter() - t)
        t = time.perf_counter()
        explorer.compare(reform)
        compares.append(time.perf_counter() - t)
    runs_ms, compares_ms = np.array(runs) * 1e3, np.array(compares) * 1e3

    print(f"Explorer: {args.size:,} records × {args.years} years; baseline built in {baseline_seconds:.2f} s; "
          f"{args.calls} calls cycling {', '.join(reforms)}; numeric profile {commonwealth.numeric_profile.status()}")
    print(f"{'call':<10}{'p50 ms':>10}{'p95 ms':>10}{'min ms':>10}")
    for name, values in (("run", runs_ms), ("compare", compares_ms)):
        print(f"{name:<10}{np.percentile(values, 50):>10.0f}{np.percentile(values, 95):>10.0f}{values.min():>10.0f}")
    per_year = np.percentile(runs_ms, 50) / (args.years + 1)
    print(f"simulation share of a compare call: {np.median(runs_ms) / np.median(compares_ms):.0%}; "
          f"{per_year:.1f} ms per simulated year; other processes' load meanwhile ≈ {_busy_cores():.2f} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
