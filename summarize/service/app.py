"""The routes. LibreTranslate's — POST /translate, POST /detect, GET|POST /languages — take JSON and
form bodies alike and answer as LibreTranslate does; ours are POST /summarize, POST /digest and
GET /digest/{id}, GET /health and GET /metrics; the archive's pages are served read-only at / when
the service has one. Every request is logged on one line, without its text."""
from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from summarize import __version__
from summarize.service.errors import ApiError, error_body, invalid, unsupported
from summarize.service.params import BodyCap, read_params, text_param, texts_param
from summarize.service.queue import Closed

log = logging.getLogger("summarize")


# --- documented shapes (/docs); the handlers read JSON and forms alike, so these document, not parse --


class TranslateRequest(BaseModel):
    q: str | list[str] = Field(description="the text, or a list of texts (a batch)")
    source: str = Field("auto", description="its language: an ISO 639-1 code from /languages, or auto")
    target: str = Field("en", description="en: the only target")
    format: Literal["text", "html"] = Field("text", description="html: translate the text nodes, keep the markup")
    api_key: str | None = None


class DetectedLanguage(BaseModel):
    language: str
    confidence: int = Field(description="0–100")


class TranslateResponse(BaseModel):
    translatedText: str | list[str]
    detectedLanguage: DetectedLanguage | list[DetectedLanguage] | None = Field(None, description="with source=auto")


class DetectRequest(BaseModel):
    q: str
    api_key: str | None = None


class Language(BaseModel):
    code: str
    name: str
    targets: list[str]


class SummarizeRequest(BaseModel):
    text: str | list[str] = Field(description="English text, or a list of texts")
    api_key: str | None = None


class SummarizeResponse(BaseModel):
    summary: str | list[str]


class DigestRequest(BaseModel):
    articles: list[dict[str, Any]] = Field([], description="articles as the JSONL input takes them: "
                                           "title, text, source, url, date…")
    urls: list[str] = Field([], description="feed or article page URLs to fetch")
    date: str | None = Field(None, description="the day the digest covers, YYYY-MM-DD")
    archive: bool = Field(False, description="also file the digest in the service's --archive")
    api_key: str | None = None


class ErrorResponse(BaseModel):
    error: str


_ERRORS = {status: {"model": ErrorResponse} for status in (400, 403, 429, 500)}


def _body(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema},
                                                          "application/x-www-form-urlencoded": {"schema": schema}}}}


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

    async def admitted(request: Request, values: dict[str, Any]) -> str:
        if service.stopping:
            raise ApiError(503, "the service is stopping")
        client = request.client.host if request.client else "-"
        key = values.get("api_key")
        request.state.who = service.access.admit(key if isinstance(key, str) else None, client)
        return request.state.who

    async def generated(future, what: str = "Cannot translate text") -> Any:
        try:
            return await asyncio.wrap_future(future)
        except Closed as exc:
            raise ApiError(503, str(exc)) from None
        except ApiError:
            raise
        except Exception as exc:  # the generation failed (and the queue logged it): LibreTranslate's 500
            raise ApiError(500, f"{what}: {type(exc).__name__}: {exc}") from None

    # --- LibreTranslate ------------------------------------------------------------------------------

    @app.post("/translate", response_model=TranslateResponse, responses=_ERRORS, openapi_extra=_body(TranslateRequest),
              summary="Translate text into English (LibreTranslate's /translate)")
    async def translate(request: Request):
        values = await read_params(request)
        await admitted(request, values)
        texts, batch = texts_param(values)
        source = text_param(values, "source", "auto").lower()
        target = text_param(values, "target", "en").lower()
        form = text_param(values, "format", "text").lower()
        if form not in ("text", "html"):
            raise invalid(f"format must be text or html, not {form!r}")
        if target != "en":
            raise unsupported(target)
        if source != "auto" and source not in service.languages:
            raise unsupported(source)
        service.access.check_texts(texts, batch, values.get("api_key"))
        request.state.size = f" {len(texts)} text{'s' * (len(texts) != 1)} {sum(map(len, texts))} chars"
        service.metrics.texts.labels("translation").inc(len(texts))
        detected = None
        if source == "auto":
            detected = await asyncio.to_thread(_detect_each, texts)
            languages = [d["language"] for d in detected]
            refused = sorted({code for code in languages if code not in service.languages})
            if refused:
                raise unsupported(refused[0])
        else:
            languages = [source] * len(texts)
        english = await _translate(service, texts, languages, html=form == "html", wait=generated)
        answer: dict[str, Any] = {"translatedText": english if batch else english[0]}
        if detected is not None:
            answer["detectedLanguage"] = detected if batch else detected[0]
        if int(values.get("alternatives") or 0) > 0:
            answer["alternatives"] = [[] for _ in texts] if batch else []
        return JSONResponse(answer)

    @app.post("/detect", response_model=list[DetectedLanguage], responses=_ERRORS,
              openapi_extra=_body(DetectRequest), summary="Detect a text's language (LibreTranslate's /detect)")
    async def detect(request: Request):
        values = await read_params(request)
        await admitted(request, values)
        texts, _ = texts_param(values)
        service.access.check_texts(texts, False, values.get("api_key"))
        request.state.size = f" {sum(map(len, texts))} chars"
        return JSONResponse(await asyncio.to_thread(_candidates, " ".join(texts)))

    # POST too, as LibreTranslate: libretranslatepy sends its key as a form body.
    @app.post("/languages", include_in_schema=False)
    @app.get("/languages", response_model=list[Language],
             summary="The languages translated into English (LibreTranslate's /languages)")
    async def languages():
        from summarize.languages import language_name

        return JSONResponse([{"code": code, "name": language_name(code), "targets": ["en"]}
                             for code in sorted(service.languages)])

    # --- ours ------------------------------------------------------------------------------------------

    @app.post("/summarize", response_model=SummarizeResponse, responses=_ERRORS,
              openapi_extra=_body(SummarizeRequest), summary="Summarise English text")
    async def summarize(request: Request):
        values = await read_params(request)
        await admitted(request, values)
        texts, batch = texts_param(values, "text")
        service.access.check_texts(texts, batch, values.get("api_key"))
        request.state.size = f" {len(texts)} text{'s' * (len(texts) != 1)} {sum(map(len, texts))} chars"
        service.metrics.texts.labels("summary").inc(len(texts))
        summaries = [summary.text for summary in await generated(service.queue.summarize(texts), "Cannot summarize text")]
        return JSONResponse({"summary": summaries if batch else summaries[0]})

    @app.post("/digest", status_code=202, responses=_ERRORS, openapi_extra=_body(DigestRequest),
              summary="Start a digest job: articles and/or feed and page URLs in; poll GET /digest/{id}")
    async def digest(request: Request):
        values = await read_params(request)
        await admitted(request, values)
        records, urls = values.get("articles") or [], values.get("urls") or []
        if isinstance(urls, str):
            urls = [urls]
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise invalid("articles must be a list of objects, as the JSONL input's lines")
        if not isinstance(urls, list) or not all(isinstance(u, str) and u.startswith(("http://", "https://"))
                                                 for u in urls):
            raise invalid("urls must be a list of http(s) URLs")
        if not records and not urls:
            raise invalid("send articles, urls or both")
        date = values.get("date")
        if date is not None:
            from summarize.dates import is_iso_day

            if not is_iso_day(date):
                raise invalid(f"date must be YYYY-MM-DD, not {date!r}")
        job = service.jobs.submit(records, urls, date=date, file=bool(values.get("archive")))
        request.state.size = f" {len(records)} articles {len(urls)} urls"
        return JSONResponse({"id": job.id, "status": job.status, "url": f"/digest/{job.id}"}, status_code=202)

    @app.get("/digest/{job_id}", summary="A digest job's status, and its digest (digest.json) once done")
    async def digest_job(job_id: str):
        job = service.jobs.get(job_id)
        if job is None:
            raise ApiError(404, f"no digest job {job_id} (finished jobs are kept for the last 100)")
        return JSONResponse(job.view())

    @app.get("/health", summary="Whether the service is up, and what it serves")
    async def health():
        status = 503 if service.stopping else 200
        return JSONResponse({"status": "stopping" if service.stopping else "ok", "version": __version__,
                             **service.describe(), "queue_depth": service.queue.depth(),
                             "digest_jobs": service.jobs.counts()}, status_code=status)

    @app.get("/metrics", summary="Counters in Prometheus' text format")
    async def metrics():
        from summarize.service.metrics import CONTENT_TYPE

        return Response(service.metrics.render(), media_type=CONTENT_TYPE)

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


def _candidates(text: str, count: int = 3) -> list[dict[str, Any]]:
    """/detect's answer: the likeliest languages, most likely first, confidence 0–100 as an integer."""
    from summarize.ingest.language import detect_language, language_sample, language_scores

    best = detect_language(text)
    if best == "unknown":
        return [{"language": "unknown", "confidence": 0}]
    scores = language_scores(language_sample((text,)))
    # The detector's choice first (it folds dialects and weighs our languages), then the next likeliest
    # that have a chance of at least 1 %.
    ranked = [best] + [code for code, score in scores.most_common(count + 1) if code != best and score >= 0.01]
    return [{"language": code, "confidence": int(round(100 * scores[code]))} for code in ranked[:count]]


def _detect_each(texts: list[str]) -> list[dict[str, Any]]:
    return [_candidates(text, 1)[0] for text in texts]


async def _translate(service, texts: list[str], languages: list[str], *, html: bool, wait) -> list[str]:
    """Each text's English. html: its text nodes are what is translated, each as a text of its own."""
    if not html:
        return await _translate_plain(service, texts, languages, wait)
    from summarize.service.markup import rejoin, text_nodes

    documents = [text_nodes(text) for text in texts]
    nodes = [node for _, _, found in documents for node in found]
    node_languages = [language for language, (_, _, found) in zip(languages, documents) for _ in found]
    english = iter(await _translate_plain(service, nodes, node_languages, wait))
    return [rejoin(pieces, wanted, [next(english) for _ in found]) for pieces, wanted, found in documents]


async def _translate_plain(service, texts: list[str], languages: list[str], wait) -> list[str]:
    from summarize.translate import TranslatorUnavailable, join_lines

    english = list(texts)
    waiting = []
    for language in dict.fromkeys(languages):
        if language == "en":
            continue
        members = [i for i, code in enumerate(languages) if code == language]
        try:
            translator = service.pipeline.translators.get(language)
        except TranslatorUnavailable as exc:
            raise ApiError(400, exc.reason) from None
        lines = [line for i in members for line in texts[i].split("\n")]
        per_line, weights = await asyncio.to_thread(_cut, translator, lines, language == "ar")
        segments = [segment for segments in per_line for segment in segments]
        waiting.append((members, per_line, service.queue.translate(language, segments, weights)))
    for members, per_line, future in waiting:
        lines = iter(join_lines(per_line, await wait(future)))
        for i in members:
            english[i] = "\n".join(next(lines) for _ in texts[i].split("\n"))
    return english


def _cut(translator, lines: list[str], arabic: bool) -> tuple[list[list[str]], list[int]]:
    per_line = translator.line_segments(lines, arabic=arabic)
    segments = [segment for segments in per_line for segment in segments]
    return per_line, translator.count_tokens(segments) if segments else []
