"""The HTTP API under a bounded load: `commonwealth serve` on loopback, a fixed mix of requests for a fixed time.

    .venv/bin/python benchmarks/bench_api.py                              # 20 s, 8 client threads, 10 % explore
    .venv/bin/python benchmarks/bench_api.py --duration 60 --concurrency 16 --explore-share 0.2 --json /tmp/api.json

Starts ``commonwealth serve`` as a child process on a free loopback port (``--interactive-size`` records, 5,000
by default), waits for ``GET /api/health``, then runs ``--concurrency`` client threads (one httpx client each)
until ``--duration`` seconds have passed. Each thread draws its next request from a stated mix: catalogue reads
(health, scenarios, metrics, dashboard) and validations (a built-in's name, a small scenario that extends one)
share the requests that are not explore posts; ``--explore-share`` of them are ``POST /api/explore`` of the
American Equity Fund, cycling ``company_rate`` through a few values. The first request of a value simulates
(the very first also simulates the cached baseline); later ones are answered from the server's cache, so the
explore rows are split into "new state" (no earlier answer for that value when it was sent) and "cached".

Counts every request and reports, per endpoint, the count, p50, p95 and maximum latency of its 200 answers in
milliseconds, refusals (429: a full interactive queue, an intended answer) and errors (any other status, a
connection error, a timeout) apart; the requests per second over the whole load; the machine's load and
CPU count; the CPU seconds the client and the server used; the server's settings; and, for each explore
result, the seconds the server says its simulation took (its answer's ``seconds``: the simulation alone, the
latency adds the wait for the one interactive worker). Prints a table, writes the same figures as JSON with
``--json``. The start-up's health polls are not counted. The server is always stopped at the end (terminate,
then kill after a grace period), also on Ctrl-C, SIGTERM or an error. No timing is asserted: exit 0 when no
request failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import commonwealth  # before numpy: its numeric profile is chosen before numpy loads

HOST = "127.0.0.1"
#: Values of the American Equity Fund's company_rate the explore posts cycle through.
POLICY_VALUES = (0.02, 0.03, 0.04, 0.05)
#: Built-in scenarios validated by name, cycled.
VALIDATE_NAMES = ("american-equity-fund", "ubi-income-tax", "wealth-tax", "land-value-tax", "status-quo")
#: A scenario as a client would post it: a few keys over a built-in.
VALIDATE_CONTENT = {"name": "bench-api-fund", "extends": "american-equity-fund", "years": 20,
                    "description": "the Fund over 20 years (bench_api)"}
#: Shares of the requests that are not explore posts (they sum to 1).
REST_MIX = (("GET /api/health", 0.25), ("GET /api/scenarios", 0.15), ("GET /api/metrics", 0.15),
            ("GET /api/dashboard", 0.15), ("POST /api/validate (name)", 0.15), ("POST /api/validate (content)", 0.15))
EXPLORE = "POST /api/explore"
EXPLORE_NEW, EXPLORE_CACHED = f"{EXPLORE} (new state)", f"{EXPLORE} (cached)"
GRACE_S = 10.0
#: Records of the server's explore runs: small enough that a new state is about a second on 2 cores.
INTERACTIVE_SIZE = 5_000


# --- the server -------------------------------------------------------------------------------------------


def free_port() -> int:
    """A loopback port nobody listens on (bound to port 0, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """``commonwealth serve`` as a child process; a context manager that always stops it."""

    def __init__(self, port: int, interactive_size: int, startup_timeout: float, log: Any) -> None:
        self.port, self.startup_timeout, self.log = port, startup_timeout, log
        self.url = f"http://{HOST}:{port}"
        self.command = [sys.executable, "-m", "commonwealth", "serve", "--host", HOST, "--port", str(port),
                        "--interactive-size", str(interactive_size), "--log-level", "warning"]
        self.process: subprocess.Popen | None = None
        self.killed = False  # True when it outlived the grace period after terminate

    def __enter__(self) -> Server:
        src = str(Path(commonwealth.__file__).resolve().parents[1])  # the code this benchmark imported
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)}
        self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=self.log,
                                        stderr=subprocess.STDOUT, env=env)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_ready(self) -> None:
        import httpx

        deadline = time.monotonic() + self.startup_timeout
        with httpx.Client(base_url=self.url, timeout=2.0, trust_env=False) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server exited with code {self.process.returncode} before answering:\n"
                                       f"{self.log_text()}")
                try:
                    if client.get("/api/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
        raise RuntimeError(f"the server did not answer GET /api/health within {self.startup_timeout:g} s:\n"
                           f"{self.log_text()}")

    def stop(self) -> None:
        """Terminate (uvicorn shuts down gracefully), then kill after a grace period."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(GRACE_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            self.killed = True

    def cpu_seconds(self) -> float | None:
        """User and system CPU seconds of the running server (Linux /proc), None elsewhere."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def log_text(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()


# --- the load ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Tally:
    """One endpoint's answers, as one thread saw them."""

    latencies: list[float] = dataclasses.field(default_factory=list)  # seconds, 200 answers
    count: int = 0
    refusals: int = 0
    errors: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # reason -> count

    def add(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.count += other.count
        self.refusals += other.refusals
        self.errors.update(other.errors)


class Load:
    """What the client threads share: the deadline, the stop flag, the policy cycle and the answered states."""

    def __init__(self, url: str, duration: float, explore_share: float, timeout: float) -> None:
        self.url, self.timeout = url, timeout
        self.deadline = time.monotonic() + duration
        self.stopped = threading.Event()
        self.labels = [label for label, _ in REST_MIX] + [EXPLORE]
        self.weights = [share * (1.0 - explore_share) for _, share in REST_MIX] + [explore_share]
        self._lock = threading.Lock()
        self._explores = 0
        self._validates = 0
        self._answered: set[float] = set()
        #: Explore results answered: key -> the seconds the server says its simulation took (the first time).
        self.simulations: dict[str, float] = {}

    def running(self) -> bool:
        return not self.stopped.is_set() and time.monotonic() < self.deadline

    def next_policy(self) -> tuple[float, bool]:
        """The next company_rate of the cycle and whether a 200 for it came back before now."""
        with self._lock:
            value = POLICY_VALUES[self._explores % len(POLICY_VALUES)]
            self._explores += 1
            return value, value in self._answered

    def answered(self, value: float, key: str, seconds: float) -> None:
        """A 200 for ``value``: the result ``key`` the server simulated in ``seconds`` (its own figure)."""
        with self._lock:
            self._answered.add(value)
            self.simulations[key] = seconds

    def next_name(self) -> str:
        with self._lock:
            self._validates += 1
            return VALIDATE_NAMES[self._validates % len(VALIDATE_NAMES)]


def _request(load: Load, label: str) -> tuple[str, str, str, dict | None, float | None]:
    """(row label, method, path, JSON body, explored value) of one request of kind ``label``."""
    if label == EXPLORE:
        value, cached = load.next_policy()
        body = {"reform": "american-equity-fund", "policy": {"company_rate": value}}
        return (EXPLORE_CACHED if cached else EXPLORE_NEW), "POST", "/api/explore", body, value
    method, path = label.split()[:2]
    if label.endswith("(name)"):
        return label, method, path, {"scenario": load.next_name()}, None
    if label.endswith("(content)"):
        return label, method, path, {"scenario": VALIDATE_CONTENT}, None
    return label, method, path, None, None


def _send(client: Any, method: str, path: str, body: dict | None) -> tuple[Any, float, str | None]:
    """(response or None, seconds, failure reason or None) of one request."""
    import httpx

    t = time.perf_counter()
    try:
        response = client.request(method, path, json=body)
    except httpx.TimeoutException as exc:
        return None, time.perf_counter() - t, f"timeout ({type(exc).__name__})"
    except httpx.HTTPError as exc:
        return None, time.perf_counter() - t, f"connection ({type(exc).__name__})"
    return response, time.perf_counter() - t, None


def _count(load: Load, tally: Tally, response: Any, seconds: float, failure: str | None, value: float | None) -> None:
    """Count one answer in ``tally``: a 200's latency, a refusal or an error."""
    tally.count += 1
    status = None if response is None else response.status_code
    if status == 200 and value is not None:
        try:
            answer = response.json()
            load.answered(value, answer["key"], float(answer["seconds"]))
        except (ValueError, KeyError, TypeError):
            status, failure = None, "explore answer without key and seconds"
    if status == 200:
        tally.latencies.append(seconds)
    elif status == 429:
        tally.refusals += 1
    else:
        tally.errors[failure or f"HTTP {status}"] += 1


def _worker(load: Load, seed: int, tallies: dict[str, Tally]) -> None:
    """Send requests drawn from the mix until the deadline, counting each in ``tallies`` (this thread's)."""
    import httpx

    rng = random.Random(seed)
    with httpx.Client(base_url=load.url, timeout=load.timeout, trust_env=False) as client:
        while load.running():
            row, method, path, body, value = _request(load, rng.choices(load.labels, load.weights)[0])
            response, seconds, failure = _send(client, method, path, body)
            _count(load, tallies.setdefault(row, Tally()), response, seconds, failure, value)


def run_load(load: Load, concurrency: int) -> tuple[dict[str, Tally], float]:
    """Every endpoint's tally over all threads, and the seconds from the first request to the last answer."""
    per_thread: list[dict[str, Tally]] = [{} for _ in range(concurrency)]
    threads = [threading.Thread(target=_worker, args=(load, i, per_thread[i]), name=f"bench_api-{i}", daemon=True)
               for i in range(concurrency)]
    t0 = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(0.5)
    finally:
        load.stopped.set()
    elapsed = time.perf_counter() - t0
    merged: dict[str, Tally] = {}
    for tallies in per_thread:
        for row, tally in tallies.items():
            merged.setdefault(row, Tally()).add(tally)
    return merged, elapsed


# --- the report -------------------------------------------------------------------------------------------


def _row(tally: Tally) -> dict[str, Any]:
    import numpy as np  # after commonwealth

    ms = np.array(tally.latencies) * 1e3
    ok = len(tally.latencies)
    pct = (lambda q: round(float(np.percentile(ms, q)), 2)) if ok else (lambda q: None)
    return {"count": tally.count, "ok": ok, "p50_ms": pct(50), "p95_ms": pct(95),
            "max_ms": round(float(ms.max()), 2) if ok else None, "refusals": tally.refusals,
            "errors": sum(tally.errors.values()), "error_kinds": dict(tally.errors)}


def _order(row: str) -> int:
    labels = [label for label, _ in REST_MIX] + [EXPLORE_NEW, EXPLORE_CACHED]
    return labels.index(row) if row in labels else len(labels)


def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def summarise(args: argparse.Namespace, server: Server, tallies: dict[str, Tally], elapsed: float,
              before: dict[str, Any]) -> dict[str, Any]:
    """The figures printed and written as JSON."""
    from commonwealth.server.settings import ServerSettings

    endpoints = {row: _row(tallies[row]) for row in sorted(tallies, key=_order)}
    total = sum(e["count"] for e in endpoints.values())
    settings = dataclasses.asdict(ServerSettings(host=HOST, port=server.port, interactive_size=args.interactive_size))
    settings.pop("token")
    return {
        "duration_s": args.duration, "elapsed_s": round(elapsed, 3), "concurrency": args.concurrency,
        "explore_share": args.explore_share, "timeout_s": args.timeout,
        "mix": {**{label: round(share * (1 - args.explore_share), 4) for label, share in REST_MIX},
                EXPLORE: args.explore_share},
        "policy_values": {"company_rate": list(POLICY_VALUES)},
        "requests": total, "requests_per_s": round(total / elapsed, 2) if elapsed > 0 else None,
        "ok": sum(e["ok"] for e in endpoints.values()), "refusals": sum(e["refusals"] for e in endpoints.values()),
        "errors": sum(e["errors"] for e in endpoints.values()), "endpoints": endpoints,
        "machine": {"cpu_count": os.cpu_count(), "loadavg_before": before["loadavg"],
                    "loadavg_after": _load_average(),
                    "client_cpu_s": round(time.process_time() - before["client_cpu"], 2),
                    "server_cpu_s": _difference(server.cpu_seconds(), before["server_cpu"])},
        "server": {"command": server.command, "url": server.url, "pid": server.process.pid, "settings": settings},
    }


def _difference(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else round(after - before, 2)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def print_report(report: dict[str, Any]) -> None:
    machine, settings = report["machine"], report["server"]["settings"]
    print(f"commonwealth serve at {report['server']['url']}: interactive size {settings['interactive_size']:,} "
          f"records, {settings['explore_waiting']} explore requests may wait, queue limit {settings['queue_limit']}, "
          f"body limit {settings['max_body_bytes']:,} bytes")
    print(f"load: {report['concurrency']} client threads for {report['duration_s']:g} s "
          f"(ran {report['elapsed_s']:.2f} s), {report['explore_share']:.0%} explore posts cycling company_rate "
          f"{', '.join(f'{v:g}' for v in POLICY_VALUES)}; per-request timeout {report['timeout_s']:g} s")
    print(f"{'endpoint':<34}{'count':>8}{'ok':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'refused':>9}"
          f"{'errors':>8}")
    for row, e in report["endpoints"].items():
        print(f"{row:<34}{e['count']:>8}{e['ok']:>8}{_ms(e['p50_ms']):>10}{_ms(e['p95_ms']):>10}"
              f"{_ms(e['max_ms']):>10}{e['refusals']:>9}{e['errors']:>8}")
        for reason, n in e["error_kinds"].items():
            print(f"    {n} × {reason}")
    print(f"{'total':<34}{report['requests']:>8}{report['ok']:>8}{'':>30}{report['refusals']:>9}"
          f"{report['errors']:>8}")
    print(f"{report['requests_per_s']} requests/s; {machine['cpu_count']} CPUs; load average (1, 5, 15 min) "
          f"before {machine['loadavg_before']}, after {machine['loadavg_after']}; CPU seconds: client "
          f"{machine['client_cpu_s']}, server {machine['server_cpu_s']}")
    if report["explore_simulations_s"]:
        print("explore results answered, the seconds the server took for each (baseline included in the first): "
              + ", ".join(f"{x:.2f}" for x in report["explore_simulations_s"]))


# --- the command ------------------------------------------------------------------------------------------


def _parse(argv: list[str] | None) -> argparse.Namespace:
    from commonwealth.api import INTERACTIVE_SIZE as SERVER_DEFAULT

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=20.0, help="seconds of load (default 20)")
    ap.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    ap.add_argument("--interactive-size", type=int, default=INTERACTIVE_SIZE,
                    help=f"records of the server's explore runs (default {INTERACTIVE_SIZE:,}; the server's own "
                         f"default is {SERVER_DEFAULT:,})")
    ap.add_argument("--explore-share", type=float, default=0.1, help="fraction of requests that are explore "
                                                                     "posts (default 0.1)")
    ap.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the figures here")
    ap.add_argument("--port", type=int, default=None, help="server port (default: a free one)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds a request may take (default 60)")
    ap.add_argument("--startup-timeout", type=float, default=60.0, help="seconds the server may take to answer "
                                                                        "(default 60)")
    args = ap.parse_args(argv)
    if args.duration <= 0 or args.concurrency < 1 or args.timeout <= 0 or not 0 <= args.explore_share <= 1:
        ap.error("allowed: --duration > 0, --concurrency ≥ 1, --timeout > 0, 0 ≤ --explore-share ≤ 1")
    return args


def _measure(args: argparse.Namespace, log: Any) -> tuple[Server, dict[str, Any]]:
    """Start the server, run the load, stop the server (whatever happens); the figures."""
    server = Server(args.port or free_port(), args.interactive_size, args.startup_timeout, log)
    with server:
        before = {"loadavg": _load_average(), "client_cpu": time.process_time(), "server_cpu": server.cpu_seconds()}
        load = Load(server.url, args.duration, args.explore_share, args.timeout)
        tallies, elapsed = run_load(load, args.concurrency)
        report = summarise(args, server, tallies, elapsed, before)
        report["explore_simulations_s"] = [round(x, 3) for x in load.simulations.values()]  # in answer order
    report["server"].update(exit_code=server.process.returncode, killed=server.killed)  # -15: stopped by SIGTERM
    return server, report


def _interrupt(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None  # SIGTERM stops the server too
    try:
        with tempfile.TemporaryFile(mode="w+", prefix="bench_api-server-") as log:
            server, report = _measure(args, log)
            lines = server.log_text().strip().splitlines()
    except KeyboardInterrupt:
        print("interrupted; the server is stopped", file=sys.stderr)
        return 130
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    report["server"]["log_lines"] = len(lines)
    print_report(report)
    if lines and report["errors"]:
        print("server log (last 20 lines):\n" + "\n".join(lines[-20:]))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
