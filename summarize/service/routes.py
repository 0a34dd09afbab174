"""Our own endpoints: POST /summarize, digest jobs (POST /digest, GET /digest/{id}), GET /health and
GET /metrics."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from summarize import __version__
from summarize.service.errors import ApiError, invalid
from summarize.service.handling import ERRORS, admitted, generated, request_body, service_of
from summarize.service.params import read_params, texts_param

router = APIRouter()


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


@router.post("/summarize", response_model=SummarizeResponse, responses=ERRORS,
             openapi_extra=request_body(SummarizeRequest), summary="Summarise English text")
async def summarize(request: Request):
    service = service_of(request)
    values = await read_params(request)
    await admitted(request, values)
    texts, batch = texts_param(values, "text")
    service.access.check_texts(texts, batch, values.get("api_key"))
    request.state.size = f" {len(texts)} text{'s' * (len(texts) != 1)} {sum(map(len, texts))} chars"
    service.metrics.texts.labels("summary").inc(len(texts))
    summaries = [summary.text for summary in await generated(service.queue.summarize(texts), "Cannot summarize text")]
    return JSONResponse({"summary": summaries if batch else summaries[0]})


@router.post("/digest", status_code=202, responses=ERRORS, openapi_extra=request_body(DigestRequest),
             summary="Start a digest job: articles and/or feed and page URLs in; poll GET /digest/{id}")
async def digest(request: Request):
    service = service_of(request)
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


@router.get("/digest/{job_id}", summary="A digest job's status, and its digest (digest.json) once done")
async def digest_job(request: Request, job_id: str):
    service = service_of(request)
    job = service.jobs.get(job_id)
    if job is None:
        raise ApiError(404, f"no digest job {job_id} (finished jobs are kept for the last 100)")
    return JSONResponse(job.view())


@router.get("/health", summary="Whether the service is up, and what it serves")
async def health(request: Request):
    service = service_of(request)
    status = 503 if service.stopping else 200
    return JSONResponse({"status": "stopping" if service.stopping else "ok", "version": __version__,
                         **service.describe(), "queue_depth": service.queue.depth(),
                         "digest_jobs": service.jobs.counts()}, status_code=status)


@router.get("/metrics", summary="Counters in Prometheus' text format")
async def metrics(request: Request):
    service = service_of(request)
    from summarize.service.metrics import CONTENT_TYPE

    return Response(service.metrics.render(), media_type=CONTENT_TYPE)
