"""What a server allows: its address, its token and the caps that keep it safe to expose (docs/api.md)."""

from __future__ import annotations

import ipaddress
import math
import secrets
from dataclasses import dataclass, field

from commonwealth.errors import UserError
from commonwealth.interactive import INTERACTIVE_SIZE

#: Hosts a loopback server answers to (the Host header): refusing others stops DNS-rebinding pages.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost'."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServerSettings:
    """Caps and address of a server. Every cap refuses a request with a JSON error before any work.

    Work is counted in household-years (records × (years + 1) × draws, summed over the scenarios a job
    simulates; about a microsecond each on this project's 2-core machine, docs/performance.md)."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: Bearer token every API request must carry (``Authorization: Bearer …``); None: none asked for.
    token: str | None = None
    #: Largest request body, bytes: a scenario is a few kilobytes.
    max_body_bytes: int = 64 * 1024
    #: Most records a job may simulate, and most years.
    max_population: int = 200_000
    max_years: int = 100
    #: Most scenarios in one job, and most sweep draws.
    max_scenarios: int = 8
    max_draws: int = 256
    #: Most household-years one job may ask for: 3·10⁸ is about five minutes here.
    max_work: int = 300_000_000
    #: Jobs queued or running at once; one more is refused (429) until one finishes.
    queue_limit: int = 4
    #: Jobs run one at a time (each is single-threaded; the second core serves the dashboard).
    job_threads: int = 1
    #: Finished jobs kept for their results; the oldest is forgotten first.
    keep_jobs: int = 32
    #: A job still running after this many seconds is stopped (at its next simulated year).
    job_timeout_s: float = 1800.0
    #: Records and horizon of the dashboard's interactive runs (None: the scenario's 30 years).
    interactive_size: int = INTERACTIVE_SIZE
    interactive_years: int | None = None
    #: Interactive requests waiting for the dashboard's worker; one more is refused (429).
    explore_waiting: int = 4
    explore_timeout_s: float = 120.0
    #: Baselines (one per AI path and politics setting) and interactive results kept in memory.
    keep_baselines: int = 4
    keep_results: int = 16
    #: Origins allowed to call the API from another site's pages (CORS); none by default.
    cors_origins: tuple[str, ...] = ()
    #: Host headers answered; default: loopback names on a loopback address, any name otherwise.
    allowed_hosts: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_population", "max_years", "max_scenarios", "max_draws", "max_work",
                     "queue_limit", "job_threads", "keep_jobs", "interactive_size", "explore_waiting",
                     "keep_baselines", "keep_results"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise UserError(f"{_named(name)} has value {value!r}; allowed: a whole number, at least 1")
        for name in ("job_timeout_s", "explore_timeout_s"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
                raise UserError(f"{_named(name)} has value {value!r}; allowed: a finite number of seconds above 0")
        from commonwealth.parameters import ParameterSet
        from commonwealth.scenario import MAX_POPULATION, minimum_size

        fewest = minimum_size(ParameterSet())
        if not fewest <= self.interactive_size <= min(self.max_population, MAX_POPULATION):
            raise UserError(f"--interactive-size has value {self.interactive_size}; allowed: {fewest} (the fewest "
                            f"records the population builder accepts) to {self.max_population} (--max-population)")
        if not 0 < self.port < 65536:
            raise UserError(f"--port has value {self.port}; allowed: 1 to 65535")
        if self.token is not None and len(self.token) < 16:
            raise UserError("--token is shorter than 16 characters; allowed: 16 or more (a long random string; "
                            "leave it out beyond loopback and one is made for you)")

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    def hosts(self) -> list[str]:
        """The Host headers answered (TrustedHostMiddleware)."""
        if self.allowed_hosts:
            return list(self.allowed_hosts)
        return list(LOOPBACK_HOSTS) if self.loopback else ["*"]


#: The command line's names of the settings `commonwealth serve` takes.
OPTIONS = {"max_population": "--max-population", "job_timeout_s": "--job-timeout",
           "interactive_size": "--interactive-size"}


def _named(setting: str) -> str:
    """A setting as the user set it: its option, or 'server setting NAME' from Python."""
    return OPTIONS.get(setting, f"server setting {setting}")


def new_token() -> str:
    """A random token for a server bound beyond loopback (printed once at start)."""
    return secrets.token_urlsafe(24)
