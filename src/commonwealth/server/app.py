"""The FastAPI application: routes, the error contract, and what keeps it safe to expose.

Safety (docs/api.md): request bodies over ``max_body_bytes`` are refused (413) while they arrive; strict
request schemas (unknown fields, wrong types and non-finite numbers refused, 422); scenarios only by
built-in name or content (no file is ever opened from a request); caps on records, years, draws and work;
a bounded job queue and a bounded wait for the interactive worker (429); a time limit on every job;
Host headers checked on loopback (DNS rebinding); CORS closed unless origins are named; an optional bearer
token (required beyond loopback); errors as JSON, worded as the command line words them, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Match

from commonwealth.errors import ModelError, UserError
from commonwealth.metrics import METRICS
from commonwealth.parameters import ParameterSet
from commonwealth.preflight import check_base_year
from commonwealth.scenario import DEFAULT_SET, builtin_names
from commonwealth.server import dashboard as dash
from commonwealth.server.jobs import Busy, Job, JobQueue, Stopped
from commonwealth.server.schemas import (
    DashboardOptions,
    ErrorBody,
    ExploreRequest,
    ExploreResult,
    Health,
    JobRequest,
    JobStatus,
    MetricInfo,
    ParameterInfo,
    ScenarioContent,
    ScenarioInfo,
    UncertaintyInfo,
    ValidateRequest,
    Validation,
)
from commonwealth.server.settings import ServerSettings
from commonwealth.server.work import FORMATS, encode, plan_job, resolve
from commonwealth.version import __version__

log = logging.getLogger("commonwealth.server")
#: How often a progress stream looks at its job, seconds.
EVENT_INTERVAL_S = 0.25

STATIC = resources.files("commonwealth.server") / "static"
#: Pages may run only their own scripts (plotly.js and the dashboard's, served from here) and talk only to
#: this server; plotly sets inline styles, hence 'unsafe-inline' for styles alone.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")

JobId = Annotated[str, PathParam(min_length=1, max_length=64, pattern=r"^[0-9]+-[0-9a-f]{8}$")]
ResultKey = Annotated[str, PathParam(min_length=24, max_length=24, pattern=r"^[0-9a-f]{24}$")]

#: What each error kind answers with.
STATUS = {"input": 422, "model": 422, "not_found": 404, "too_large": 413, "busy": 429, "unauthorized": 401,
          "conflict": 409, "timeout": 504, "cancelled": 409, "internal": 500}
#: Error answers, documented as JSON whatever the route's own media type (a report is HTML, its errors not).
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": kind, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
    for kind, code in [*STATUS.items(), ("malformed", 400)] if kind not in ("cancelled",)}


def error(kind: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"kind": kind, "message": message}}, status_code=STATUS[kind], headers=headers)


class ApiError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.message = kind, message


def _where(loc: tuple[Any, ...]) -> str:
    """A request key path as a scenario file's (``scenarios[0]``, ``sweep.draws``), without FastAPI's
    leading 'body', 'query' or 'path'."""
    parts: list[str] = []
    for part in loc[1:] if loc and loc[0] in ("body", "query", "path") else loc:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{part}]"]
        else:
            parts.append(str(part))
    return ".".join(parts)


def validation_message(exc: RequestValidationError) -> str:
    """Request-schema errors in the words of a scenario file's (key, value, what is allowed)."""
    from commonwealth.scenario import _describe_allowed
    from commonwealth.yaml_input import shown

    lines = []
    for err in exc.errors():
        where = _where(tuple(err.get("loc", ())))
        kind = err.get("type", "")
        if kind == "extra_forbidden":
            lines.append(f"unknown key {where!r}; this request takes only the keys its schema lists "
                         "(GET /openapi.json).")
        elif kind == "missing":
            lines.append(f"key {where!r} is required." if where else "a JSON body is required.")
        elif kind in ("json_invalid", "model_attributes_type", "model_type", "dict_type") and not where:
            lines.append("the body is not a JSON object of this request's keys (GET /openapi.json).")
        elif kind == "value_error":
            lines.append(f"key {where!r} has value {shown(err.get('input'))}; allowed: "
                         f"{err['msg'].removeprefix('Value error, ')}.")
        else:
            lines.append(f"key {where!r} has value {shown(err.get('input'))}; allowed: {_describe_allowed(err)}.")
    return " ".join(dict.fromkeys(lines)) or "the request does not match its schema (GET /openapi.json)."


class BodyLimit:
    """ASGI middleware: a body longer than ``limit`` bytes is refused (413) as soon as it is seen to be, from
    its Content-Length or, without one, while it arrives; a body within the limit is handed on whole."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    def _refusal(self) -> JSONResponse:
        return error("too_large", f"the request body is larger than this server accepts; allowed: at most "
                                  f"{self.limit} bytes (a scenario is a few kilobytes).")

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refusal()(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client left
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.limit:
                await self._refusal()(scope, receive, send)
                return
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


@dataclass
class Services:
    """What the routes share: the settings, the job queue, the dashboard and its one worker."""

    settings: ServerSettings
    queue: JobQueue
    board: dash.Dashboard
    waiting: threading.BoundedSemaphore
    _pool: ThreadPoolExecutor | None = None

    @classmethod
    def of(cls, request: Request) -> Services:
        return request.app.state.services

    @property
    def explore_pool(self) -> ThreadPoolExecutor:
        """The dashboard's one worker (started on first use, again after a shutdown)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="commonwealth-explore")
        return self._pool

    def shutdown(self) -> None:
        self.queue.shutdown()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def create_app(settings: ServerSettings) -> FastAPI:
    """The application for ``settings`` (its queue, its dashboard, its caps)."""
    services = Services(settings, JobQueue(threads=settings.job_threads, limit=settings.queue_limit,
                                           keep=settings.keep_jobs), dash.Dashboard(settings),
                        threading.BoundedSemaphore(settings.explore_waiting + 1))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        services.shutdown()

    app = FastAPI(title="commonwealth", version=__version__, docs_url="/api/docs", redoc_url=None, lifespan=lifespan,
                  openapi_url="/openapi.json",
                  description="Simulate an economy that AI automates and the policies that could share its gains: "
                              "scenarios, parameters, metrics, validation, runs, comparisons and sweeps as jobs, "
                              "and the dashboard's interactive reforms. Errors are JSON: {error: {kind, message}}.")
    app.state.services = services
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.hosts())
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST",
                           "DELETE"], allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.middleware("http")(guard)
    for kind, handler in ((RequestValidationError, _invalid), (StarletteHTTPException, _http), (UserError, _user),
                          (ModelError, _model), (ApiError, _api), (Exception, _bug)):
        app.add_exception_handler(kind, handler)
    app.include_router(router)
    app.openapi = functools.partial(_openapi, app)
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with the error body every error answer carries (ERRORS refers to it)."""
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(body.pop("$defs", {}))
        components["ErrorBody"] = body
        app.openapi_schema = schema
    return app.openapi_schema


async def guard(request: Request, call_next):
    """The token (when the server has one) and the headers every answer carries."""
    token = Services.of(request).settings.token
    path = request.url.path
    if token and path.startswith("/api/") and path != "/api/health" and not secrets.compare_digest(
            request.headers.get("authorization", ""), f"Bearer {token}"):
        return error("unauthorized", "this server asks for a token: send the header 'Authorization: Bearer <token>' "
                                     "(the token `commonwealth serve` printed).",
                     headers={"WWW-Authenticate": "Bearer"})
    response = await call_next(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.headers.get("content-type", "").startswith("text/html"):
        response.headers.setdefault("Content-Security-Policy", CSP)
    return response


async def _invalid(request: Request, exc: RequestValidationError):
    return error("input", validation_message(exc))


async def _http(request: Request, exc: StarletteHTTPException):
    if exc.status_code == 404:
        return error("not_found", f"no such address: {request.method} {request.url.path} (GET /openapi.json lists "
                                  "them).")
    if exc.status_code == 400:
        return JSONResponse({"error": {"kind": "input", "message": f"{request.method} {request.url.path}: the body is "
                                       "not JSON (UTF-8) this request can read; allowed: a JSON object of its keys "
                                       "(GET /openapi.json)."}}, status_code=400)
    if exc.status_code == 405:  # every method of every route at this address (Starlette names the first's only)
        allowed = sorted({m for route in request.app.routes if getattr(route, "methods", None)
                          and route.matches(request.scope)[0] == Match.PARTIAL for m in route.methods})
        return JSONResponse({"error": {"kind": "input", "message": f"{request.method} is not allowed at "
                                       f"{request.url.path}; allowed: {', '.join(allowed)}."}}, status_code=405,
                            headers={"Allow": ", ".join(allowed)})
    return JSONResponse({"error": {"kind": "input", "message": f"{request.method} {request.url.path}: {exc.detail}."}},
                        status_code=exc.status_code, headers=getattr(exc, "headers", None))


async def _user(request: Request, exc: UserError):
    return error("input", str(exc))


async def _model(request: Request, exc: ModelError):
    return error("model", f"{exc}. This is the model's limit, not a mistake in the input; docs/errors.md says what "
                          "to try.")


async def _api(request: Request, exc: ApiError):
    return error(exc.kind, exc.message)


async def _bug(request: Request, exc: Exception):
    log.exception("internal error at %s", request.url.path)
    return error("internal", f"{type(exc).__name__}. This is a bug in commonwealth, not in the request; the server's "
                             "log has the details.")


router = APIRouter()


# --- the catalogue ----------------------------------------------------------------------------------------


@router.get("/api/health", response_model=Health, tags=["catalogue"], responses=ERRORS)
def health(request: Request) -> Health:
    services = Services.of(request)
    return Health(status="ok", version=__version__, jobs=sum(j.active for j in services.queue.all()),
                  queue_limit=services.settings.queue_limit)


@router.get("/api/scenarios", response_model=list[ScenarioInfo], tags=["catalogue"], responses=ERRORS)
def scenarios() -> list[ScenarioInfo]:
    """The built-in scenarios."""
    out = []
    for name in builtin_names():
        s = dash.builtin(name)
        out.append(ScenarioInfo(name=name, description=" ".join(s.description.split()), ai_preset=s.ai.preset,
                                policies=[p.type for p in s.policies], default=name in DEFAULT_SET))
    return out


@router.get("/api/scenarios/{name}", response_model=ScenarioContent, tags=["catalogue"], responses=ERRORS)
def scenario(name: Annotated[str, PathParam(min_length=1, max_length=80)]) -> ScenarioContent:
    """A built-in scenario, resolved (its ``extends`` merged in)."""
    if name not in builtin_names():
        raise ApiError("not_found", f"no built-in scenario {name!r}; allowed: {', '.join(builtin_names())}.")
    s = dash.builtin(name)
    return ScenarioContent(name=s.name, description=" ".join(s.description.split()), digest=s.digest,
                           content=dash.content(s), warnings=list(s.warnings))


def _parameter(p: Any) -> ParameterInfo:
    u = p.spec.uncertainty
    info = None if u is None else UncertaintyInfo(shape=u.shape, low=u.low, high=u.high, mode=u.mode, basis=u.basis,
                                                  references=[r.title for r in u.reference])
    return ParameterInfo(name=p.name, label=p.spec.label, description=" ".join(p.spec.description.split()),
                         unit=p.spec.unit, value=json.loads(json.dumps(p.first_value, default=str)), min=p.spec.min,
                         max=p.spec.max, source=p.source, uncertainty=info)


@router.get("/api/parameters", response_model=list[ParameterInfo], tags=["catalogue"], responses=ERRORS)
def parameters(match: Annotated[str | None, Query(max_length=120, description="a part of the name")] = None,
               uncertain: bool = False) -> list[ParameterInfo]:
    """Parameters with label, unit, source, bounds and (where stated) their uncertainty."""
    return [_parameter(p) for p in ParameterSet().matching(match) if not uncertain or p.spec.uncertainty]


@router.get("/api/metrics", response_model=list[MetricInfo], tags=["catalogue"], responses=ERRORS)
def metrics() -> list[MetricInfo]:
    """Every metric of the tidy contract, with its unit."""
    return [MetricInfo(name=m.name, unit=m.unit, description=m.description) for m in METRICS.values()]


@router.post("/api/validate", response_model=Validation, tags=["catalogue"], responses=ERRORS)
def validate(body: ValidateRequest) -> Validation:
    """Check a scenario as `commonwealth validate` does (the same messages)."""
    s = resolve(body.scenario, "scenario")
    check_base_year(s)
    return Validation(valid=True, name=s.name, digest=s.digest, years=s.years, start_year=s.start_year,
                      ai_preset=s.ai.preset, warnings=list(s.warnings))


# --- jobs -------------------------------------------------------------------------------------------------


def _status(job: Job) -> JobStatus:
    results: dict[str, str] = {}
    if job.state == "done" and job.output is not None:
        results = {part: f"/api/jobs/{job.id}/result?part={part}&format=json" for part in job.output.tables}
        if job.output.report_html is not None:
            results["report"] = f"/api/jobs/{job.id}/report"
    error_detail = None if job.error is None else {"kind": job.error[0], "message": job.error[1]}
    return JobStatus(id=job.id, kind=job.kind, state=job.state, progress={"done": job.done, "total": job.total},
                     created=job.created, started=job.started, finished=job.finished, scenarios=job.scenarios,
                     baseline=job.baseline, error=error_detail, results=results)


def _find(request: Request, job_id: str) -> Job:
    services = Services.of(request)
    job = services.queue.get(job_id)
    if job is None:
        raise ApiError("not_found", f"no job {job_id!r} (finished jobs are kept until {services.settings.keep_jobs} "
                                    "newer ones have finished).")
    return job


@router.post("/api/jobs", response_model=JobStatus, status_code=202, tags=["jobs"], responses=ERRORS)
def submit(request: Request, body: JobRequest) -> JobStatus:
    """Start a run, comparison, sweep or report; everything is checked before it is queued."""
    services = Services.of(request)
    plan = plan_job(body, services.settings)
    timeout = min(body.timeout_s or services.settings.job_timeout_s, services.settings.job_timeout_s)
    try:
        job = services.queue.submit(plan.kind, plan.work, total=plan.total, scenarios=[s.name for s in plan.scenarios],
                                    baseline=plan.baseline, timeout_s=timeout,
                                    digests=[s.digest for s in plan.scenarios])
    except Busy as exc:
        raise ApiError("busy", str(exc)) from None
    return _status(job)


@router.get("/api/jobs", response_model=list[JobStatus], tags=["jobs"], responses=ERRORS)
def jobs(request: Request) -> list[JobStatus]:
    """Every job kept: queued, running and the last finished ones."""
    return [_status(j) for j in Services.of(request).queue.all()]


@router.get("/api/jobs/{job_id}", response_model=JobStatus, tags=["jobs"], responses=ERRORS)
def status(request: Request, job_id: JobId) -> JobStatus:
    return _status(_find(request, job_id))


@router.delete("/api/jobs/{job_id}", response_model=JobStatus, tags=["jobs"], responses=ERRORS)
def cancel(request: Request, job_id: JobId) -> JobStatus:
    """Cancel a job: a queued one at once, a running one at its next simulated year."""
    _find(request, job_id)
    return _status(Services.of(request).queue.cancel(job_id))


@router.get("/api/jobs/{job_id}/events", tags=["jobs"], responses={
    200: {"content": {"text/event-stream": {}}, "description": "progress events until the job ends"}, **ERRORS})
async def events(request: Request, job_id: JobId) -> StreamingResponse:
    """Progress as server-sent events (``data: <JobStatus JSON>``) until the job ends."""
    job = _find(request, job_id)

    async def stream():
        last = None
        while True:
            now = _status(job).model_dump_json()
            if now != last:
                yield f"data: {now}\n\n"
                last = now
            if not job.active:
                return
            await asyncio.sleep(EVENT_INTERVAL_S)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})


@router.get("/api/jobs/{job_id}/result", tags=["jobs"], response_class=Response, responses={
    200: {"content": {"application/json": {}, "text/csv": {}, "application/vnd.apache.parquet": {}},
          "description": "a table of the tidy contract"}, **ERRORS})
def result(request: Request, job_id: JobId,
           part: Annotated[str, Query(max_length=40, pattern=r"^[a-z_]+$")] = "metrics",
           format: Literal["json", "csv", "parquet"] = "json") -> Response:
    """A finished job's table: ``metrics`` (every job), ``differences``, ``deciles``, ``budget``, ``ownership``
    (compare, report), ``central``, ``bands``, ``effect_bands``, ``sensitivity`` (sweep)."""
    job = _find(request, job_id)
    if job.state != "done" or job.output is None:
        raise ApiError("conflict", f"job {job_id} is {job.state}; its results exist once it is done "
                                   f"(GET /api/jobs/{job_id}).")
    if part not in job.output.tables:
        raise ApiError("not_found", f"job {job_id} has no part {part!r}; allowed: {', '.join(job.output.tables)}.")
    name = f"{job.kind}-{job.id}-{part}.{format}"
    return Response(encode(job.output.tables[part], format), media_type=FORMATS[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


#: The report page inlines its scripts and styles: its own policy, and nothing fetched.
REPORT_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
              "frame-ancestors 'none'")


@router.get("/api/jobs/{job_id}/report", tags=["jobs"], response_class=HTMLResponse, responses=ERRORS)
def report(request: Request, job_id: JobId, download: bool = False) -> HTMLResponse:
    """The report page of a finished report job (self-contained HTML)."""
    job = _find(request, job_id)
    if job.state != "done" or job.output is None or job.output.report_html is None:
        raise ApiError("conflict", f"job {job_id} ({job.kind}, {job.state}) has no report; a finished job of kind "
                                   "'report' has one.")
    headers = {"Content-Security-Policy": REPORT_CSP}
    if download:
        headers["Content-Disposition"] = 'attachment; filename="report.html"'
    return HTMLResponse(job.output.report_html, headers=headers)


# --- the dashboard ----------------------------------------------------------------------------------------


@router.get("/api/dashboard", response_model=DashboardOptions, tags=["dashboard"], responses=ERRORS)
def options(request: Request) -> DashboardOptions:
    """Reforms with their sliders, AI paths and politics, for the dashboard."""
    return dash.options(Services.of(request).settings)


def _sweep_tables(queue: JobQueue, job_id: str, baseline: Any, reform: Any) -> dict[str, Any]:
    """The tables of the finished sweep job ``job_id`` of exactly this baseline and reform."""
    job = queue.get(job_id)
    if job is None or job.kind != "sweep":
        raise ApiError("not_found", f"key 'bands' has value {job_id!r}, which is not a sweep job of this server.")
    if job.state != "done" or job.output is None:
        raise ApiError("conflict", f"sweep job {job_id} is {job.state}; bands exist once it is done.")
    if set(job.digests) != {baseline.digest, reform.digest}:
        raise ApiError("conflict", f"sweep job {job_id} swept other scenarios than this state's; allowed: the job "
                                   "started from this state's 'sweep' body.")
    return job.output.tables


@router.post("/api/explore", response_model=ExploreResult, tags=["dashboard"], responses=ERRORS)
async def explore(request: Request, body: ExploreRequest) -> dict[str, Any]:
    """A reform against the cached baseline at the interactive size (about a second; the first call on an AI
    path also simulates its baseline)."""
    services = Services.of(request)
    settings = services.settings
    kept = await run_in_threadpool(services.board.cached, body)  # a state asked before: answered at once
    if kept is not None:
        return kept
    if not services.waiting.acquire(blocking=False):
        raise ApiError("busy", f"{settings.explore_waiting} interactive requests are already waiting; allowed: "
                               "another once they are answered.")
    deadline = time.time() + settings.explore_timeout_s

    def tick(_units: int) -> None:
        if time.time() > deadline:
            raise Stopped("timeout")

    def bands(job_id: str, baseline: Any, reform: Any) -> dict[str, Any]:
        return _sweep_tables(services.queue, job_id, baseline, reform)

    try:
        future = services.explore_pool.submit(services.board.explore, body, bands, tick)
        return await asyncio.wrap_future(future)
    except Stopped:
        raise ApiError("timeout", f"the interactive run took longer than {settings.explore_timeout_s:g} s; allowed: "
                                  "a job instead (POST /api/jobs).") from None
    finally:
        services.waiting.release()


@router.get("/api/explore/{key}/metrics.{format}", tags=["dashboard"], response_class=Response, responses={
    200: {"content": {"text/csv": {}, "application/json": {}, "application/vnd.apache.parquet": {}},
          "description": "the explored baseline's and reform's metrics (tidy contract)"}, **ERRORS})
def explored(request: Request, key: ResultKey, format: Literal["json", "csv", "parquet"]) -> Response:
    """An interactive result's metrics, for download."""
    services = Services.of(request)
    hit = services.board.result(key)
    if hit is None:
        raise ApiError("not_found", f"no interactive result {key!r} (the last {services.settings.keep_results} are "
                                    "kept).")
    return Response(encode(hit.metrics, format), media_type=FORMATS[format],
                    headers={"Content-Disposition": f'attachment; filename="commonwealth-{key}.{format}"'})


@router.get("/", include_in_schema=False)
def index() -> Response:
    return Response((STATIC / "index.html").read_bytes(), media_type="text/html; charset=utf-8",
                    headers={"Cache-Control": "no-cache"})


@router.get("/static/{name}", include_in_schema=False)
def static(name: Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9.-]*\.(js|css|svg)$")]) -> Response:
    """The files the package ships (and plotly.js from the plotly package), never a path."""
    if name == "plotly.min.js":
        return Response(_plotly_js(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})
    if name not in {f.name for f in STATIC.iterdir()}:
        raise ApiError("not_found", f"no static file {name!r}.")
    kind = {"js": "text/javascript", "css": "text/css", "svg": "image/svg+xml"}[name.rsplit(".", 1)[1]]
    return Response((STATIC / name).read_bytes(), media_type=kind, headers={"Cache-Control": "no-cache"})


@functools.cache
def _plotly_js() -> bytes:
    """plotly.js as the plotly package ships it (no CDN: the dashboard works offline)."""
    import plotly.offline

    return plotly.offline.get_plotlyjs().encode()
