"""Background jobs: a bounded queue of simulations run on worker threads, with progress, cancellation and
a time limit.

A job is refused (:class:`Busy`) when :attr:`ServerSettings.queue_limit` jobs are already queued or running,
so a flood of requests cannot pile up work. A job stops at its next simulated year (or sweep point) once
it is cancelled or its time is up: the progress callback the engine calls raises :class:`Stopped`, which
no model code catches.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pandas as pd

from commonwealth.errors import ModelError, UserError

log = logging.getLogger("commonwealth.server")


class Busy(Exception):
    """The queue is full: try again when a job has finished."""


class Stopped(Exception):
    """Raised inside a running job by its progress callback: ``reason`` is 'cancelled' or 'timeout'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Output:
    """What a finished job produced: tables in the tidy contract, and a report page for kind 'report'."""

    tables: dict[str, pd.DataFrame]
    report_html: str | None = None


#: The work of a job: called with a progress callback (units done), returns its output.
Work = Callable[[Callable[[int], None]], Output]


@dataclass
class Job:
    id: str
    kind: str
    scenarios: list[str]
    baseline: str | None
    total: int
    work: Work
    timeout_s: float
    digests: list[str] = field(default_factory=list)  # of its scenarios, as simulated
    done: int = 0
    state: str = "queued"
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    error: tuple[str, str] | None = None  # (kind, message)
    output: Output | None = None
    cancel_requested: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    def tick(self, units: int) -> None:
        """The engine's progress callback: count, and stop the job if it was cancelled or ran out of time."""
        if self.cancel_requested.is_set():
            raise Stopped("cancelled")
        if self.started is not None and time.time() - self.started > self.timeout_s:
            raise Stopped("timeout")
        with self.changed:
            self.done = min(self.total, self.done + units)
            self.changed.notify_all()

    def _finish(self, state: str, error: tuple[str, str] | None = None) -> None:
        with self.changed:
            self.state, self.error, self.finished = state, error, time.time()
            if state == "done":
                self.done = self.total
            self.changed.notify_all()


class JobQueue:
    """Jobs by id: at most ``limit`` queued or running, the last ``keep`` finished ones kept."""

    def __init__(self, *, threads: int, limit: int, keep: int) -> None:
        self.limit, self.keep, self.threads = limit, keep, threads
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._serial = itertools.count(1)

    def submit(self, kind: str, work: Work, *, total: int, scenarios: list[str], baseline: str | None,
               timeout_s: float, digests: list[str] | None = None) -> Job:
        with self._lock:
            active = sum(j.active for j in self._jobs.values())
            if active >= self.limit:
                raise Busy(f"{active} jobs are queued or running, the most this server takes at once "
                           f"({self.limit}); allowed: another job once one has finished (or cancel one: "
                           "DELETE /api/jobs/{id})")
            job = Job(id=f"{next(self._serial)}-{secrets.token_hex(4)}", kind=kind, scenarios=scenarios,
                      baseline=baseline, total=max(total, 1), work=work, timeout_s=timeout_s,
                      digests=list(digests or []))
            self._jobs[job.id] = job
            self._forget_old()
            if self._pool is None:  # started on first use, again after a shutdown
                self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="commonwealth-job")
            self._pool.submit(self._run, job)
        return job

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if not j.active]
        for key in finished[: max(0, len(finished) - self.keep)]:
            del self._jobs[key]

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def cancel(self, job_id: str) -> Job | None:
        job = self.get(job_id)
        if job is None:
            return None
        job.cancel_requested.set()
        with job.changed:
            if job.state == "queued":
                job._finish("cancelled", ("cancelled", "cancelled before it started"))
        return job

    def _run(self, job: Job) -> None:
        with job.changed:
            if job.state != "queued":
                return
            job.state, job.started = "running", time.time()
            job.changed.notify_all()
        try:
            output = job.work(job.tick)
        except Stopped as exc:
            message = ("cancelled" if exc.reason == "cancelled" else
                       f"stopped after {job.timeout_s:g} s, this job's time limit (timeout_s); allowed: a smaller "
                       "job (fewer records, years or draws) or a longer timeout_s")
            job._finish("cancelled" if exc.reason == "cancelled" else "failed", (exc.reason, message))
        except UserError as exc:
            job._finish("failed", ("input", str(exc)))
        except ModelError as exc:
            job._finish("failed", ("model", f"{exc}. This is the model's limit, not a mistake in the input; "
                                   "docs/errors.md says what to try."))
        except Exception as exc:  # a bug: logged with its traceback on the server, one paragraph to the client
            log.exception("job %s failed", job.id)
            job._finish("failed", ("internal", f"{type(exc).__name__}: {exc}. This is a bug in commonwealth, not "
                                   "in the input; please report it with the request."))
        else:
            job.output = output
            job._finish("done")

    def shutdown(self) -> None:
        """Stop every job (at its next year) and the worker threads."""
        for job in self.all():
            job.cancel_requested.set()
            with job.changed:
                if job.state == "queued":
                    job._finish("cancelled", ("cancelled", "the server stopped before it started"))
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
