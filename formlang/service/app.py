"""The form service as an ASGI application: `create_app(config)` (the outermost stage).

One `Service` holds what every request shares: the configuration, the
storage, the compiled library (swapped whole on SIGHUP or, with `reload`,
when a file changes) and the signer. The routes live in `pages` (citizens),
`portal` (embedding, receipts, assets) and `api` (JSON API and back office).
No response ever carries a stack trace: errors are logged with an id and
answered with a plain page or a JSON error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute

from formlang.service.config import Config, from_env
from formlang.service.library import Library
from formlang.service.limits import RateLimit
from formlang.service.logs import AccessLog, log_event, setup_logging
from formlang.service.security import BodyLimit, SecurityHeaders, Signer
from formlang.service.storage import Storage, open_storage
from formlang.service.words import words

log = logging.getLogger("formlang.service")
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


class Service:
    """What the routes share."""

    def __init__(self, config: Config, storage: Storage | None = None) -> None:
        self.config = config
        self.storage = storage or open_storage(config.db)
        self.storage.migrate()
        self.signer = Signer(config.secret or self.storage.secret())
        self.library = Library.load(config.library)
        self.started = time.time()
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        for file, problem in self.library.problems.items():
            log_event("form_left_out", file=file, problem=problem, level=logging.WARNING)

    def reload(self) -> bool:
        """Reads the library again; keeps the old one if the folder cannot be read."""
        try:
            fresh = Library.load(self.config.library)
        except OSError as exc:
            log_event("reload_failed", problem=str(exc), level=logging.ERROR)
            return False
        self.library = fresh
        log_event("library_loaded", forms=len(fresh.forms), problems=len(fresh.problems))
        return True

    def render(self, name: str, lang: str, status: int = 200, **values: Any) -> HTMLResponse:
        values.setdefault("switch", [])
        values.setdefault("authority", "")
        values.setdefault("script", False)
        values.setdefault("title", words(lang)["service"])
        page = self.templates.get_template(name).render(lang=lang, w=words(lang), **values)
        return HTMLResponse(page, status_code=status)

    def message(self, lang: str, status: int, key: str) -> HTMLResponse:
        w = words(lang)
        return self.render("message.html.j2", lang, status, title=w[key], text=w[f"{key}_text"])


def create_app(config: Config, storage: Storage | None = None) -> Starlette:
    """The ASGI application serving `config.library` with the database `config.db`."""
    from formlang.service import api, pages, portal

    service = Service(config, storage)
    routes: list[BaseRoute] = [*portal.routes(), *pages.routes(), *api.routes()]
    app = Starlette(
        routes=routes,
        middleware=[
            *([Middleware(AccessLog)] if config.access_log else []),
            *([Middleware(RateLimit, per_minute=config.rate_limit)] if config.rate_limit else []),
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, limit=config.max_body),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=_lifespan,
    )
    app.state.service = service
    return app


def app_from_env() -> Starlette:
    """The application a uvicorn worker builds (`formlang serve` puts the config in the env)."""
    setup_logging()
    return create_app(from_env())


def service_of(request: Request) -> Service:
    return request.app.state.service  # type: ignore[no-any-return]


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"error": _CODES.get(exc.status_code, "error"), "message": str(exc.detail)},
            status_code=exc.status_code,
            headers=exc.headers,
        )
    service = service_of(request)
    lang = "en" if request.query_params.get("lang") == "en" else "de"
    if exc.status_code == 404:
        return service.message(lang, 404, "not_found")
    return Response(str(exc.detail), status_code=exc.status_code, media_type="text/plain")


async def _server_error(request: Request, exc: Exception) -> Response:
    incident = secrets.token_hex(6)
    log.error(
        "request failed",
        exc_info=exc,
        extra={"event": "server_error", "incident": incident, "route": _route(request)},
    )
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"error": "server_error", "message": "Internal error", "incident": incident},
            status_code=500,
        )
    return service_of(request).message("de", 500, "error")


def _route(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "?"))


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
}


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    service: Service = app.state.service
    loop = asyncio.get_running_loop()
    tasks = [asyncio.create_task(_housekeeping(service))]
    if service.config.reload:
        tasks.append(asyncio.create_task(_watch(service)))
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(
            signal.SIGHUP, lambda: loop.create_task(run_in_threadpool(service.reload))
        )
    log_event("started", forms=len(service.library.forms), db=service.storage.dialect)
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signal.SIGHUP)
        service.storage.close()


async def _watch(service: Service) -> None:
    while True:
        await asyncio.sleep(1.0)
        if await run_in_threadpool(service.library.changed):
            await run_in_threadpool(service.reload)


async def _housekeeping(service: Service) -> None:
    """Expired drafts and their files go, once at start and then every hour."""
    while True:
        try:
            removed = await run_in_threadpool(service.storage.purge)
            if removed:
                log_event("purged", rows=removed)
        except Exception as exc:  # the next round tries again
            log_event("purge_failed", problem=type(exc).__name__, level=logging.WARNING)
        await asyncio.sleep(3600)
