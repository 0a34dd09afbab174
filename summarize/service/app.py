"""The application: LibreTranslate's routes (``libretranslate.py``) and ours (``routes.py``) behind the
body cap, CORS when asked for, errors in LibreTranslate's shape, and one log line per request
without its text; the archive's pages served read-only at / when the service has one."""
from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from summarize import __version__
from summarize.service.errors import ApiError, error_body
from summarize.service.params import BodyCap

log = logging.getLogger("summarize")


def create_app(service) -> "FastAPI":
    settings = service.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        service.start()
        try:
            yield
        finally:
            service.close()

    from fastapi_offline import FastAPIOffline

    # /docs and /redoc from assets installed with the package, not fetched from a CDN: a service on a
    # closed network still shows its docs.
    app = FastAPIOffline(title="summarize", version=__version__, lifespan=lifespan,
                         description="Arabic (and other languages') news into English: LibreTranslate's API for "
                                     "translation, and summaries and daily digests of our own.")
    app.state.service = service
    app.add_middleware(BodyCap, default=settings.body_limit, limits={"/digest": settings.digest_body_limit})
    if settings.cors:
        from fastapi.middleware.cors import CORSMiddleware

        origins = [origin.strip() for origin in settings.cors.split(",") if origin.strip()]
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"], allow_headers=["*"])

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return JSONResponse(error_body(exc.message), status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return JSONResponse(error_body(str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path"))
        return JSONResponse(error_body(f"Invalid request: {where}: {first.get('msg', 'invalid')}"), status_code=400)

    @app.middleware("http")
    async def log_request(request: Request, call_next):
        clock = time.perf_counter()
        request.state.who = "-"
        request.state.size = ""
        try:
            response = await call_next(request)
        except Exception as exc:  # a bug of ours: LibreTranslate's 500, one line in the log (-v: the traceback)
            log.error("%s %s failed: %s: %s", request.method, request.url.path, type(exc).__name__, exc,
                      exc_info=settings.verbose)
            what = "Cannot translate text" if request.url.path == "/translate" else "Internal error"
            response = JSONResponse(error_body(f"{what}: {type(exc).__name__}: {exc}"), status_code=500)
        seconds = time.perf_counter() - clock
        service.metrics.answered(_endpoint(request), response.status_code, seconds)
        log.info("%s %s %d %.0f ms %s%s", request.method, request.url.path, response.status_code, seconds * 1000,
                 request.state.who, request.state.size)
        return response

    from summarize.service import libretranslate, routes

    app.include_router(libretranslate.router)
    app.include_router(routes.router)

    if settings.archive:
        from pathlib import Path

        from fastapi.staticfiles import StaticFiles

        Path(settings.archive).mkdir(parents=True, exist_ok=True)
        app.mount("/", StaticFiles(directory=settings.archive, html=True), name="archive")
    else:
        @app.get("/", include_in_schema=False)
        async def home():
            return JSONResponse({"name": "summarize", "version": __version__, "docs": "/docs",
                                 "archive": "start the service with --archive DIR to read the digests here"})

    return app


_ENDPOINTS = ("/translate", "/detect", "/languages", "/summarize", "/digest", "/health", "/metrics", "/docs",
              "/redoc", "/openapi.json", "/static-offline-docs")


def _endpoint(request: Request) -> str:
    """The endpoint a request is counted under: a route's path, never a job id or an archive file."""
    path = request.url.path
    for endpoint in _ENDPOINTS:
        if path == endpoint or path.startswith(endpoint + "/"):
            return endpoint
    return "/ (archive)"
