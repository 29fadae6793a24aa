"""Errors that reach the user: a clear message and a documented exit code, never a traceback.

Exit codes (docs/errors.md):

- 0 — success;
- 1 — a check the user asked for failed (``expected`` differs, ``calibrate`` misses a target);
- 2 — a mistake in the user's input (:class:`UserError`), refused before any work starts;
- 3 — the model failed (:class:`ModelError`): an accounting identity broke or the simulated economy
  became infeasible; nothing was written;
- 4 — an internal error: a bug in commonwealth, reported in one paragraph (``COMMONWEALTH_DEBUG=1``
  shows the traceback);
- 130 — interrupted (Ctrl-C); nothing half-written.
"""

from __future__ import annotations

EXIT_CHECK_FAILED = 1
EXIT_USER_ERROR = 2
EXIT_MODEL_FAILURE = 3
EXIT_INTERNAL_ERROR = 4
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """A mistake in the user's input (scenario file, parameter value, command line).

    The CLI prints ``str(error)`` as one paragraph and exits with code 2. The message must name the
    file, the key path, the bad value and what is allowed.
    """

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        self.message = message
        super().__init__(f"{source}: {message}" if source else message)


class ModelError(RuntimeError):
    """The model could not go on: an identity failed or the economy became infeasible.

    ``scenario`` and ``year`` say where; the message names the quantity. The CLI prints it and exits
    with code 3 (:data:`EXIT_MODEL_FAILURE`).
    """

    def __init__(self, message: str, *, scenario: str | None = None, year: int | None = None) -> None:
        self.scenario = scenario
        self.year = year
        self.detail = message
        super().__init__(message)

    def __str__(self) -> str:
        where = []
        if self.scenario:
            where.append(f"scenario {self.scenario!r}")
        if self.year is not None and f"year {self.year}" not in self.detail:
            where.append(f"year {self.year}")
        return (", ".join(where) + ": " if where else "") + self.detail
