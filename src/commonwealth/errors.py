"""User-facing errors: a clear message, exit code 2, never a traceback."""

from __future__ import annotations

EXIT_USER_ERROR = 2


class UserError(Exception):
    """A mistake in the user's input (scenario file, parameter value, command line).

    The CLI prints ``str(error)`` as one paragraph and exits with code 2. The message must name the
    file, the key path, the bad value and what is allowed.
    """

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)
