"""The HTTP API and the dashboard: ``commonwealth serve``.

    from commonwealth.server import ServerSettings, create_app
    app = create_app(ServerSettings())          # an ASGI app (FastAPI); uvicorn serves it

The API lists scenarios, parameters and metrics, validates scenarios with the command line's messages,
runs, compares and sweeps as jobs (a bounded queue, progress streamed, cancellable, results in the tidy
contract as JSON, CSV or Parquet), and answers the dashboard's interactive reforms against a cached
baseline. It reads no file a request names: scenarios come by built-in name or by content
(docs/api.md).
"""

from commonwealth.server.settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]


def create_app(settings: ServerSettings | None = None):
    """The ASGI application (imports FastAPI only when called)."""
    from commonwealth.server.app import create_app as _create

    return _create(settings or ServerSettings())
