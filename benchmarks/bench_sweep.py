"""Issue 16: a sweep of the Fund against the status quo, local processes and Ray side by side.

    .venv/bin/python benchmarks/bench_sweep.py                       # 256 draws at 20,000 records × 30 years
    .venv/bin/python benchmarks/bench_sweep.py --draws 16 --size 5000

Runs the same Monte Carlo plan (every uncertain parameter, seeds and political draws) on each backend in
turn, with every core, and reports wall time, points per second and whether the two backends gave identical
numbers (they must: each point depends only on its inputs). No figure is asserted.
"""

from __future__ import annotations

import argparse
import os
import time

import commonwealth
from commonwealth.api import _as_scenario, _overridden
from commonwealth.sweep import plan_sweep, run_sweep


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--draws", type=int, default=256)
    ap.add_argument("--size", type=int, default=20_000)
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--backends", default="local,ray")
    args = ap.parse_args(argv)
    import pandas as pd  # after commonwealth: its numeric profile is chosen before numpy loads

    base = _overridden(_as_scenario("status-quo"), args.size, args.years, None)
    fund = _overridden(_as_scenario("american-equity-fund"), args.size, args.years, None)
    plan = plan_sweep(base, [fund], draws=args.draws)
    points = len(plan.points())
    print(f"sweep: american-equity-fund against status-quo, {args.draws} draws + the central run, "
          f"{len(plan.parameters)} uncertain parameters, {args.size:,} records × {args.years} years, "
          f"{args.workers} workers; numeric profile {commonwealth.numeric_profile.status()}")
    print(f"{'backend':<10}{'seconds':>10}{'points/s':>10}{'s/point':>10}{'load':>8}")
    results = {}
    for backend in args.backends.split(","):
        started = time.perf_counter()
        results[backend] = run_sweep(plan, backend=backend, workers=args.workers)
        seconds = time.perf_counter() - started
        print(f"{backend:<10}{seconds:>10.1f}{points / seconds:>10.2f}{seconds / points:>10.2f}"
              f"{os.getloadavg()[0]:>8.2f}")
    if len(results) == 2:
        a, b = results.values()
        try:
            pd.testing.assert_frame_equal(a.draws, b.draws)
            print("the backends' numbers are identical")
        except AssertionError as exc:
            print(f"the backends' numbers DIFFER: {str(exc).splitlines()[0]}")
    first = next(iter(results.values()))
    year = base.start_year + args.years
    bands = first.effect_bands()
    print(bands[(bands.year == year) & bands.metric.isin(["median_income_real", "gdp", "public_debt"])]
          .to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
