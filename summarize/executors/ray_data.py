"""The Ray executor (``--executor ray``): the run's windows become a Ray Dataset, a row a window; a
``map`` cleans each row (no model needed, any worker), then ``map_batches`` hands the rows, one at a
time, to a fixed pool of actors, each of which builds the run's stages once from the run's Settings (never a model shipped
from here: each worker loads its own, from its node's Hugging Face cache or shared storage) and
makes its batches exactly as the local run makes a window (segment → translate → summarise → check,
``Pipeline._make_articles``, with its own length-sorted token-budget batching). What comes back is
each article's CachedArticle as JSON, the batch's per-stage seconds and stats, and what the stages
would have cached: workers only read the cache (``ReadOnlyCache``), this process is its one writer.
Stories and pages stay here, per day.

Faults: an actor that dies is restarted and its batch run again (``max_restarts``,
``max_task_retries``); rows are put back by their index, and a window missing or doubling one is an
error, never a silently different digest. Ray itself is imported here only, when this executor runs."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import socket
import time
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterator, Sequence

from summarize.errors import UserError
from summarize.executors.base import Executor, ReadOnlyCache, store_pending

log = logging.getLogger("summarize")

# How long the head's port may take to answer before --ray-address is called unreachable: a head on
# the same network answers in milliseconds, and the user waits for this one line.
PROBE_TIMEOUT_S = 3.0
# An actor (or its batch) is started again this many times: once covers a node lost or a worker
# killed; a worker that dies every time (a model too big for the node) then fails the run, not loops.
MAX_RESTARTS = 3
GCS_PORT, CLIENT_PORT = 6379, 10001
# The HTTP/2 client connection preface and an empty SETTINGS frame (RFC 9113, 3.4 and 6.5).
_HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


class RayUnreachable(UserError):
    """--ray-address names no Ray cluster that answers (exit status 2)."""


def probe(address: str, timeout: float = PROBE_TIMEOUT_S) -> None:
    """Raise RayUnreachable unless something accepts a connection at ``address``'s port (the GCS,
    ``host:6379``, or a Ray Client server, ``ray://host:10001``): ``ray.init`` itself would wait
    for a minute or more before saying so."""
    if address in ("auto", "local"):
        return
    client = address.startswith("ray://")
    rest = address[len("ray://"):] if client else address
    host, colon, port = rest.rpartition(":") if ":" in rest else (rest, "", "")
    try:
        number = int(port) if colon else (CLIENT_PORT if client else GCS_PORT)
    except ValueError:
        raise RayUnreachable(f"--ray-address {address}: expected HOST:PORT or ray://HOST:PORT") from None
    host = host.strip("[]") or "127.0.0.1"
    try:
        with socket.create_connection((host, number), timeout=timeout) as connection:
            # Both ports speak gRPC: an HTTP/2 server answers the client preface with a SETTINGS frame
            # (type 4). Something else that accepts the connection (a proxy, another service) does not.
            connection.settimeout(timeout)
            connection.sendall(_HTTP2_PREFACE)
            head = b""
            while len(head) < 9:
                chunk = connection.recv(9 - len(head))
                if not chunk:
                    break
                head += chunk
        reason = None if len(head) == 9 and head[3] == 4 else "it answers, but not as a Ray head does"
    except OSError as exc:
        reason = "timed out" if isinstance(exc, TimeoutError) else exc.strerror or str(exc)
    if not reason and not client:
        reason = _gcs_refusal(f"{host}:{number}", timeout)
    if reason:
        raise RayUnreachable(f"--ray-address {address}: no Ray cluster answers at {host}:{number} ({reason}); start "
                             "one with `ray start --head`, or leave --ray-address out to run a local Ray")


def _gcs_refusal(address: str, timeout: float) -> str | None:
    """Why the GCS at ``address`` does not answer one read of its key-value store within ``timeout``
    (None when it does): the gRPC call ``ray.init`` would wait a minute or more on. Ray's own client,
    not public API: without it, the connection alone was checked."""
    try:
        from ray._raylet import GcsClient
    except ImportError:
        return None
    try:
        GcsClient(address=address).internal_kv_get(b"summarize-probe", namespace=None, timeout=timeout)
    except Exception as exc:  # any failure of the call is the answer
        return f"it answers, but not as a Ray head: {str(exc).splitlines()[0][:120]}"
    return None


def clean_row(row: dict[str, Any]) -> dict[str, Any]:
    """One row of the dataset (a window's articles) cleaned (``Pipeline``'s own ``clean``), a map over
    the dataset: cleaning needs no model, so any worker takes any row. Segmenting needs the model's
    tokenizer, so the actors that hold the models do it, with the rest of the stages."""
    from summarize.pipeline import clean
    from summarize.records import Article

    clock = time.perf_counter()
    articles = [asdict(clean(Article(**fields))) for fields in json.loads(row["articles"])]
    return {"index": row["index"], "articles": json.dumps(articles, ensure_ascii=False),
            "clean_s": time.perf_counter() - clock}


def identity(article: Any) -> str:
    """What an article's result depends on (every field but where it was read from), as a digest:
    how rows planned ahead are matched to the windows that ask for them."""
    fields = asdict(article)
    fields.pop("origin", None)
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


class ArticleWorker:
    """One actor: the run's stages, built once in ``__init__`` from the Settings, and a read-only
    view of the driver's cache file; ``__call__`` makes a batch of articles."""

    def __init__(self, settings: Any, cache_path: str | None) -> None:
        from summarize.pipeline import Pipeline

        self.cache = ReadOnlyCache(cache_path) if cache_path else None
        self.pipeline = Pipeline(settings, cache=self.cache)
        self.summarizer = self.pipeline.summarizer

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        """Each row of ``batch`` is one window, made as the local run makes it (its batches the same)."""
        return {"index": [int(i) for i in batch["index"]],
                "results": [self._window(articles, clean_s) for articles, clean_s in zip(batch["articles"],
                                                                                         batch["clean_s"])]}

    def _window(self, articles_json: str, clean_s: float) -> str:
        from summarize.pipeline import _Day
        from summarize.records import Article, StageStats

        articles = [Article(**fields) for fields in json.loads(articles_json)]
        self.pipeline.translators.reset_stats()
        self.summarizer.stats = StageStats()
        day = _Day()
        day.timings["clean"] += float(clean_s)
        results = self.pipeline._make_articles(articles, day, self.summarizer, span="worker", cleaned=True)
        return json.dumps({
            "results": [r.to_json() for r in results], "timings": day.timings,
            "stats": {"translation": {language: t.stats.as_dict() for language, t in self.pipeline.translators.used().items()},
                      "summary": self.summarizer.stats.as_dict()},
            "pending": self.cache.take_pending() if self.cache is not None else "{}"}, ensure_ascii=False)


class RayExecutor(Executor):
    name = "ray"
    worker = ArticleWorker  # the actor class (a test swaps in one that dies once)

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self.address = settings.ray_address or os.environ.get("RAY_ADDRESS") or None
        self.workers = 0
        self.per_worker = {"CPU": 1, "GPU": 0}
        self._owned = False
        self._local = True
        self._ray_version = None
        self._stream: Iterator[dict[str, Any]] | None = None
        self._planned: set[str] = set()
        self._ready: dict[str, Any] = {}
        self.used = 0  # the most workers a dataset of this session started (run.executor "workers")

    def start(self) -> None:
        # Only the address is checked now; Ray starts when the first article needs making, so a rerun
        # the article cache answers whole never waits for it.
        if self.address:
            probe(self.address)

    def _connect(self) -> None:
        if self._ray_version is not None:
            return
        import ray

        self._ray_version = ray.__version__
        import ray.data

        for name in ("ray", "ray.data"):  # their INFO lines (every dataset's plan) would bury ours
            logging.getLogger(name).setLevel(logging.INFO if self.settings.verbose else logging.ERROR)
        if not ray.is_initialized():
            try:
                if self.address:
                    ray.init(address=self.address, logging_level=logging.WARNING, log_to_driver=self.settings.verbose)
                    self._local = False
                else:
                    from summarize.engines.ctranslate2_engine import usable_cores

                    ray.init(num_cpus=usable_cores(), include_dashboard=False, logging_level=logging.WARNING,
                             log_to_driver=self.settings.verbose,
                             runtime_env={"env_vars": {"PYTHONPATH": _python_path()}})
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise RayUnreachable(f"--ray-address {self.address}: {str(exc).splitlines()[0]}") from None
            self._owned = True
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # rows come back in plan order: the buffer stays small
        context.enable_progress_bars = False
        cluster = ray.cluster_resources()
        cpus, gpus = int(cluster.get("CPU", 1)), cluster.get("GPU", 0)
        per_cpu = self.settings.threads or max(1, cpus // (self.settings.ray_workers or cpus))
        self.workers = max(1, min(self.settings.ray_workers or cpus, cpus // per_cpu))
        if self.settings.ray_workers and self.workers < self.settings.ray_workers:
            log.warning("warning: --ray-workers %d asks for more than the cluster's %d CPUs allow at %d each: "
                        "running %d", self.settings.ray_workers, cpus, per_cpu, self.workers)
        gpu = min(1.0, gpus / self.workers) if gpus and self.settings.device != "cpu" else 0
        self.per_worker = {"CPU": per_cpu, "GPU": gpu}
        log.info("ray %s: %d worker(s), %s each", self._ray_version, self.workers,
                 ", ".join(f"{v:g} {k}" for k, v in self.per_worker.items() if v))

    def close(self) -> None:
        self._stream = None
        if self._owned:
            import ray

            ray.shutdown()
            self._owned = False
        self._ray_version = None

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "ray_version": self._ray_version, "workers": self.used,
                "per_worker": dict(self.per_worker), "address": self.address}

    def plan(self, pipeline: Any, runs: Sequence[Sequence[Any]]) -> None:
        # Each window of each run is one row, made by one worker: its batches are the local run's,
        # so are its translations and summaries (CTranslate2's int8 arithmetic differs, a little, for
        # a sentence batched beside other neighbours).
        windows = [todo for run in runs for todo in pipeline.windows_to_make(run)]
        self._planned = {identity(a) for todo in windows for a in todo}
        self._ready = {}
        self._stream = self._rows(pipeline, windows) if windows else None

    def make_articles(self, pipeline, articles, day, summarizer, *, span):
        idents = [identity(a) for a in articles]
        wanted = [i for i in idents if i in self._planned and i not in self._ready]
        while wanted and self._stream is not None:
            row = next(self._stream, None)
            if row is None:
                self._stream = None
                break
            self._ready.update(self._absorb(row, pipeline, day, summarizer))
            wanted = [i for i in wanted if i not in self._ready]
        results: dict[str, Any] = {i: self._ready.pop(i) for i in dict.fromkeys(idents) if i in self._ready}
        self._planned -= set(results)
        rest = [a for a, i in zip(articles, idents) if i not in results]
        if rest:
            log.debug("ray: %d article(s) of %s not planned ahead", len(rest), span)
            for row in self._rows(pipeline, [rest]):
                results.update(self._absorb(row, pipeline, day, summarizer))
        return [results[i] for i in idents]

    def _rows(self, pipeline: Any, windows: Sequence[Sequence[Any]]) -> Iterator[dict[str, Any]]:
        """Each window made by the actor pool, as rows in order; checked whole (every window once,
        each with all its articles) as they arrive."""
        import ray

        self._connect()
        items = [{"index": n, "articles": json.dumps([asdict(a) for a in window], ensure_ascii=False)}
                 for n, window in enumerate(windows)]
        ids = [[identity(a) for a in window] for window in windows]
        # One window a worker at a time: a run of fewer windows than workers starts only as many.
        pool = min(self.workers, len(items))
        self.used = max(self.used, pool)
        cache = pipeline.cache
        worker_settings = dataclasses.replace(self.settings, threads=self.per_worker["CPU"], quiet=True,
                                              watchlist=None, executor="local")
        with warnings.catch_warnings():
            # Ray 2.60 has no named parameter for an actor's restarts and its tasks' retries, only the
            # deprecated **ray_remote_args; its own default (-1) would restart a worker that dies
            # every time for ever.
            warnings.filterwarnings("ignore", message=".*ray_remote_args.*deprecated")
            # The cleaning map asks for no CPU of its own: the actors hold every CPU they were given,
            # and a task waiting for one would wait for ever (cleaning is a small share of the work).
            dataset = ray.data.from_items(items).map(clean_row, num_cpus=0).map_batches(
                self.worker, batch_size=1,
                compute=ray.data.ActorPoolStrategy(size=pool),
                fn_constructor_kwargs={"settings": worker_settings,
                                       "cache_path": str(cache.path) if cache is not None and cache.enabled else None},
                num_cpus=self.per_worker["CPU"], num_gpus=self.per_worker["GPU"] or None,
                runtime_env={"env_vars": {"PYTHONPATH": _python_path()}} if self._local else None,
                max_restarts=MAX_RESTARTS, max_task_retries=MAX_RESTARTS)
        started, seen = time.perf_counter(), set()
        for row in dataset.iter_rows():
            index = int(row["index"])
            if index in seen:
                raise RuntimeError(f"ray: window {index} came back twice")
            seen.add(index)
            made = json.loads(row["results"])
            if len(made["results"]) != len(ids[index]):
                raise RuntimeError(f"ray: window {index} came back with {len(made['results'])} of "
                                   f"{len(ids[index])} articles")
            yield {"ids": ids[index], **made}
        if len(seen) != len(items):
            raise RuntimeError(f"ray: {len(items) - len(seen)} of {len(items)} windows never came back")
        log.debug("ray: %d windows in %.1f s", len(items), time.perf_counter() - started)

    @staticmethod
    def _absorb(row: dict[str, Any], pipeline: Any, day: Any, summarizer: Any) -> dict[str, Any]:
        """A window's articles by identity; its seconds and stats added to ``day`` and to the stages'
        stats, its cache writes stored."""
        from summarize.article_cache import CachedArticle

        for stage, seconds in row["timings"].items():
            day.timings[stage] = day.timings.get(stage, 0.0) + seconds
        for language, numbers in row["stats"]["translation"].items():
            pipeline.translators.get(language).stats.add(numbers)
        summarizer.stats.add(row["stats"]["summary"])
        store_pending(pipeline.cache, row["pending"])
        return {ident: CachedArticle.from_json(result) for ident, result in zip(row["ids"], row["results"])}


def _python_path() -> str:
    """The workers' PYTHONPATH on this machine: this package's folder first, so a worker imports the
    same summarize as the driver, installed or not."""
    return os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
