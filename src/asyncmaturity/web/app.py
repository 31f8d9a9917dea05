"""The application factory, the one error handler and the two small middlewares.

Example::

    from asyncmaturity.web import WebSettings, create_app
    app = create_app(WebSettings.from_env())   # migrates the database, then serves
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from urllib.parse import quote

import anyio.to_thread
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from asyncmaturity import __version__
from asyncmaturity.errors import AsyncMaturityError
from asyncmaturity.web import api
from asyncmaturity.web.db import create_db_engine, migrate, session_factory, site_secret
from asyncmaturity.web.deps import WebContext
from asyncmaturity.web.errors import PayloadTooLarge, WebError, error_status_and_code
from asyncmaturity.web.routers import ROUTERS
from asyncmaturity.web.security import Passwords
from asyncmaturity.web.services.escalation import escalate_due
from asyncmaturity.web.services.jobs import JobRunner, fail_stale
from asyncmaturity.web.settings import WebSettings
from asyncmaturity.web.templating import templates

logger = logging.getLogger("asyncmaturity.web")
_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    422: "invalid_request",
}
# No page runs script; styles are one file plus the inline SVG charts' attributes.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def create_app(settings: WebSettings | None = None, *, migrate_database: bool = True) -> FastAPI:
    """A ready app over `settings`' database: migrated (unless told not to), secret key loaded.

    Nothing is built at import time; tests and the CLI each call this with their own settings.
    """
    settings = settings or WebSettings()
    engine = create_db_engine(settings.database_url)
    if migrate_database:
        migrate(engine)
    sessions = session_factory(engine)
    given = settings.secret_key.get_secret_value() if settings.secret_key else None
    context = WebContext(
        settings=settings,
        engine=engine,
        sessions=sessions,
        readers=session_factory(engine, read_only=True),
        secret=site_secret(sessions, given),
        passwords=Passwords(
            time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib
        ),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        escalating = None
        if settings.escalation_interval_s > 0:
            escalating = asyncio.create_task(escalation_loop(context))
        yield
        if escalating is not None:
            escalating.cancel()
            with suppress(asyncio.CancelledError):
                await escalating
        app.state.jobs.shutdown()
        engine.dispose()

    app = FastAPI(
        title="asyncmaturity",
        version=__version__,
        summary="Survey campaigns, results, AWAIT checks, the request ledger and the decision log "
        "of the asyncmaturity web app.",
        openapi_url=f"{api.API_PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI loads script from a CDN; the spec itself is what clients need
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.context = context
    for router in ROUTERS:
        app.include_router(router)
    fail_stale(sessions)  # jobs a stopped server left queued or running
    app.state.jobs = JobRunner(sessions, settings)
    app.mount("/static", StaticFiles(packages=[("asyncmaturity.web", "static")]), name="static")
    app.add_exception_handler(AsyncMaturityError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    return app


async def escalation_loop(context: WebContext) -> None:
    """Escalate overdue ledger requests every `escalation_interval_s` while the app runs; a
    failing run is logged and the next one tries again."""
    while True:
        try:
            done = await anyio.to_thread.run_sync(
                lambda: escalate_due(context.sessions, settings=context.settings)
            )
            if done:
                logger.info("escalated %d ledger request(s)", len(done))
        except Exception:
            logger.exception("the escalation run failed; retrying in the next interval")
        await asyncio.sleep(context.settings.escalation_interval_s)


# -- errors ---------------------------------------------------------------------------------


def is_api(request: Request) -> bool:
    """Whether the request is for the JSON API (errors as JSON) rather than a page (as HTML)."""
    return request.url.path.startswith(api.API_PREFIX + "/") or request.url.path == api.API_PREFIX


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The one error shape: JSON under /api, an HTML page (or the login page for 401) elsewhere."""
    if is_api(request):
        return JSONResponse(
            {"error": {"code": code, "message": message}}, status_code=status, headers=headers
        )
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    # The error page shows no user menu: it must render even when the database cannot be reached.
    response = templates.TemplateResponse(
        request,
        "error.html",
        {
            "principal": None,
            "csrf_token": "",
            "status": status,
            "code": code,
            "message": message,
        },
        status_code=status,
    )
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AsyncMaturityError)
    status, code = error_status_and_code(exc)
    headers = exc.headers if isinstance(exc, WebError) else None
    return error_response(request, status, code, str(exc), headers=headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = str(first.get("msg", "invalid request")).removeprefix("Value error, ")
    return error_response(
        request, 422, "invalid_request", f"{where}: {message}" if where else message
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    message = "no such page" if exc.status_code == 404 else str(exc.detail)
    return error_response(request, exc.status_code, code, message, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    logger.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        request, 500, "internal_error", "an unexpected error happened; it has been logged"
    )


# -- middleware -----------------------------------------------------------------------------


class SecurityHeaders:
    """Adds the headers every response should carry: no framing, no sniffing, a strict CSP, and no
    Referer leaving the site (share and invitation links carry their token in the path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                ]
                # A route may set a policy of its own (the report's inline styles, sandboxed).
                if not any(name.lower() == b"content-security-policy" for name, _ in headers):
                    headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                if not scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimit:
    """Refuses request bodies over the configured size (413) before any route reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:  # a chunked body that keeps coming
                    raise PayloadTooLarge(self._message())
            return message

        await self.app(scope, counted, send)

    def _message(self) -> str:
        return f"the request body exceeds {self.max_bytes} bytes (setting max_upload_bytes)"

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = error_response(request, 413, PayloadTooLarge.code, self._message())
        await response(scope, receive, send)
