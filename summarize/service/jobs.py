"""/digest jobs: articles (as JSONL records) and feed or page URLs in, a digest out, made by the
service's own pipeline on a thread of its own, one job at a time, so the requests go on being
answered while it runs. A job is cancelled between windows of articles (on shutdown, or by
``cancel``); what its finished windows made is in the article cache, so the same job sent again
resumes there. The most recent ``KEEP`` finished jobs are kept for their clients to collect."""
from __future__ import annotations

import json
import logging
import tempfile
import threading
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

log = logging.getLogger("summarize")

KEEP = 100


class Cancelled(Exception):
    pass


@dataclass
class Job:
    id: str
    records: list[dict[str, Any]]
    urls: list[str]
    date: str | None = None
    file: bool = False  # file the digest in the service's archive
    status: str = "queued"  # queued | running | done | failed | cancelled
    submitted: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    error: str | None = None
    digest: dict[str, Any] | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    def view(self) -> dict[str, Any]:
        """What GET /digest/{id} answers: the status, and the digest once done."""
        stamp = (lambda t: None if t is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)))
        view = {"id": self.id, "status": self.status, "submitted": stamp(self.submitted), "started": stamp(self.started),
                "finished": stamp(self.finished), "articles_sent": len(self.records), "urls_sent": len(self.urls)}
        if self.error is not None:
            view["error"] = self.error
        if self.digest is not None:
            view["digest"] = self.digest
        return view


class DigestJobs:
    """Runs jobs on ``pipeline`` (a ``summarize.pipeline.Pipeline``) with ``settings``' input limits,
    fetching and archive."""

    def __init__(self, pipeline, settings) -> None:
        self.pipeline = pipeline
        self.settings = settings
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._waiting: deque[Job] = deque()
        self._wake = threading.Condition()
        self._closed = False
        # A daemon: a job cut short by the process' end costs its unfinished window, nothing more.
        self._thread = threading.Thread(target=self._work, name="summarize-digest-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, records: list[dict[str, Any]], urls: list[str], *, date: str | None, file: bool) -> Job:
        job = Job(uuid.uuid4().hex, records, urls, date=date, file=file)
        with self._wake:
            self._jobs[job.id] = job
            self._waiting.append(job)
            self._forget_old()
            self._wake.notify()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._wake:
            return self._jobs.get(job_id)

    def counts(self) -> dict[str, int]:
        with self._wake:
            counts = dict.fromkeys(("queued", "running", "done", "failed", "cancelled"), 0)
            for job in self._jobs.values():
                counts[job.status] += 1
            return counts

    def close(self) -> None:
        """Cancel every job not finished: waiting ones at once, the running one at its next window."""
        with self._wake:
            self._closed = True
            for job in self._jobs.values():
                job.cancel.set()
                if job.status == "queued":
                    job.status, job.finished = "cancelled", time.time()
            self._waiting.clear()
            self._wake.notify_all()

    def _forget_old(self) -> None:
        finished = [job_id for job_id, job in self._jobs.items() if job.status in ("done", "failed", "cancelled")]
        for job_id in finished[:max(0, len(finished) - KEEP)]:
            del self._jobs[job_id]

    def _work(self) -> None:
        while True:
            with self._wake:
                while not self._waiting and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                job = self._waiting.popleft()
                job.status, job.started = "running", time.time()
            try:
                job.digest = self._run(job)
                job.status = "done"
            except Cancelled:
                job.status = "cancelled"
            except Exception as exc:  # the job fails, the service goes on
                from summarize.errors import SummarizeError

                job.error = str(exc) if isinstance(exc, SummarizeError) else f"{type(exc).__name__}: {exc}"
                job.status = "failed"
                if not isinstance(exc, SummarizeError):
                    log.exception("digest job %s failed", job.id)
            job.finished = time.time()
            log.info("digest job %s %s in %.1f s", job.id, job.status, job.finished - job.started)

    def _run(self, job: Job) -> dict[str, Any]:
        from summarize.errors import UserError
        from summarize.fetch import Fetcher, FetchOptions
        from summarize.ingest import InputProblem, read_articles
        from summarize.render import to_json, write_archive
        from summarize.render.markdown import markdown_pieces

        settings = self.settings
        with tempfile.TemporaryDirectory(prefix="summarize-job-") as folder:
            inputs: list[str] = []
            if job.records:
                path = Path(folder) / "articles.jsonl"
                path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in job.records),
                                encoding="utf-8")
                inputs.append(str(path))
            inputs += job.urls
            problems: list[InputProblem] = []
            fetcher = Fetcher(FetchOptions.from_settings(settings, progress=False))
            try:
                articles = list(_until(job.cancel, read_articles(inputs, problems,
                                                                 max_article_chars=settings.max_article_chars,
                                                                 fetcher=fetcher)))
                if not articles:
                    reasons = "; ".join(f"{p.input}: {p.reason}" for p in problems[:3])
                    raise UserError("no articles found" + (f" ({reasons})" if reasons else ""))
                digest = self.pipeline.run(_until(job.cancel, articles), problems=problems, date=job.date)
            finally:
                fetcher.close()
            if fetcher.used:
                digest.run["fetch"] = fetcher.counts.as_dict()
        data = to_json(digest)
        if job.file and settings.archive:
            write_archive(data, settings.archive, markdown=lambda: markdown_pieces(digest), documents=digest.documents)
        return data


def _until(cancel: threading.Event, items: Iterable[Any]) -> Iterator[Any]:
    """``items``, stopped by ``cancel``: the pipeline reads its articles as its windows need them, so
    a cancelled job stops at its next window."""
    for item in items:
        if cancel.is_set():
            raise Cancelled()
        yield item
