"""commonwealth: who owns and who decides in an economy that AI automates.

    from commonwealth import Scenario, simulate, compare
"""

from commonwealth import numeric_profile
from commonwealth.version import __version__

numeric_profile.apply()  # before anything loads numpy: the same bits on every x86-64 CPU with AVX2


def __getattr__(name: str):
    """Lazy imports keep `import commonwealth` (and the CLI's start-up) light."""
    if name in ("simulate", "compare", "channels", "Results", "Explorer"):
        from commonwealth import api

        return getattr(api, name)
    if name == "Scenario":
        from commonwealth.scenario import Scenario

        return Scenario
    raise AttributeError(f"module 'commonwealth' has no attribute {name!r}")


__all__ = ["Explorer", "Results", "Scenario", "__version__", "channels", "compare", "simulate"]
