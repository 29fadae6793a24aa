"""The installed version of commonwealth (a module of its own, so that any module can read it
without importing the package's lazy public API)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("commonwealth")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
