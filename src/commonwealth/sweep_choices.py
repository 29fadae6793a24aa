"""What a sweep (:mod:`commonwealth.sweep`) may be asked for: its designs and its backends.

Kept apart from the sweep itself so that the command line and the HTTP API's schemas list the choices
without importing the sweep's numerics (pandas, SciPy, SALib: about a second of start-up for every command).
"""

from __future__ import annotations

__all__ = ["BACKENDS", "METHODS"]

#: Designs: independent draws (Monte Carlo), Sobol' sequences for variance-based indices (Saltelli 2002),
#: and Morris's elementary effects (Morris 1991).
METHODS = ("monte-carlo", "sobol", "morris")
#: Where the draws run: this machine's processes, or a Ray cluster.
BACKENDS = ("local", "ray")
