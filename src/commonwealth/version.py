"""The installed version of commonwealth (a module of its own, so that any module can read it
without importing the package's lazy public API).

The distribution is called ``commonwealth-sim`` (``pip install commonwealth-sim``): the name
``commonwealth`` on PyPI belongs to an unrelated project. The import name and the command stay
``commonwealth``."""

from importlib.metadata import PackageNotFoundError, version

#: The name pip knows the package by.
DISTRIBUTION = "commonwealth-sim"

try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
