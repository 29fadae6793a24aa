"""The population an interactive recompute simulates (:class:`commonwealth.Explorer`, the dashboard).

A module of its own so that the command line's parser and the server's settings read it without importing
the engine (pandas, SciPy, Numba: most of a second of start-up for every command).
"""

from __future__ import annotations

__all__ = ["INTERACTIVE_SIZE"]

#: Records an :class:`~commonwealth.Explorer` simulates by default: a recompute at this size takes about
#: 0.3 s on this project's 2-core machine (benchmarks/bench_interactive.py), and its sampling noise is two
#: to three times the default size's (docs/uncertainty.md, "Sampling error").
INTERACTIVE_SIZE = 20_000
