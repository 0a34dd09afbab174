"""The service's life: models loaded before it says it is ready, uvicorn serving, and a stop on
SIGINT or SIGTERM that lets requests in flight finish (a few seconds at most), fails those still
queued, and cancels digest jobs at their next window."""
from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
from typing import Any

log = logging.getLogger("summarize")

# How long a stop waits for requests in flight before closing their connections.
GRACEFUL_S = 5.0


class Service:
    """Everything the routes need: the settings, the pipeline (whose translators and summariser every
    endpoint shares), the generation queue, digest jobs, access checks and metrics. ``translators``
    and ``summarizer``: made by the caller (tests), as ``Pipeline`` takes them."""

    def __init__(self, settings, *, translators=None, summarizer=None) -> None:
        from summarize.pipeline import Pipeline
        from summarize.service.access import Access
        from summarize.service.jobs import DigestJobs
        from summarize.service.metrics import Metrics
        from summarize.service.queue import GenerationQueue

        self.settings = settings
        self.access = Access(settings)  # a bad keys file is reported before any model loads
        self.pipeline = Pipeline(settings, translators=translators, summarizer=summarizer, progress=False)
        self.languages = self._languages()
        self.queue = GenerationQueue(self.pipeline.translators.get, lambda: self.pipeline.summarizer,
                                     token_budget=settings.token_budget, summary_budget=settings.summary_token_budget)
        self.jobs = DigestJobs(self.pipeline, settings)
        self.metrics = Metrics(queue_depth=self.queue.depth, jobs=self.jobs.counts)
        self.queue.metrics = self.metrics
        self.stopping = False

    def _languages(self) -> dict[str, str]:
        """The languages /translate takes, each with the model that translates it: every language
        named, and for a "*" model every language it has a code for. English passes through."""
        from summarize.languages import LANGUAGES
        from summarize.models import ModelNotFoundError, resolve_model
        from summarize.translate import source_code

        found = {"en": "(passed through)"}
        named = {language: spec for language, spec in self.pipeline.translators.models.items() if language != "*"}
        fallback = self.pipeline.translators.models.get("*")
        if fallback is not None:
            try:
                model = resolve_model(fallback, role="'*' translator")
            except ModelNotFoundError as exc:
                from summarize.errors import UserError

                raise UserError(str(exc)) from None
            for language in LANGUAGES:
                if language not in named and language != "en" and source_code(model, language) is not False:
                    found[language] = fallback
        return {**found, **named}

    def load(self) -> None:
        """Every translator named, and the summariser, loaded now: the first request waits for none."""
        from summarize.errors import UserError
        from summarize.translate import TranslatorUnavailable

        for language in sorted(self.languages):
            if language == "en":
                continue
            try:
                translator = self.pipeline.translators.get(language)
            except TranslatorUnavailable as exc:
                raise UserError(exc.reason) from None
            translator.load()
        self.pipeline.summarizer.load()

    def start(self) -> None:
        self.queue.start()
        self.jobs.start()

    def close(self) -> None:
        self.stopping = True
        self.jobs.close()
        self.queue.close(wait_s=GRACEFUL_S)

    def describe(self) -> dict[str, Any]:
        return {"translators": {language: model for language, model in sorted(self.languages.items())},
                "summarizer": self.pipeline.summarizer.describe().get("model", self.pipeline.summarizer.name)}


def serve(settings, *, host: str, port: int) -> int:
    """Load the models, then serve until SIGINT or SIGTERM."""
    import sys

    from summarize.errors import UserError

    listening = listen(host, port)  # a taken port is found before the models load, not after
    service = Service(settings)
    service.load()
    server = make_server(service, host=host, port=port)
    try:
        server.run(sockets=[listening])
    except SystemExit:  # uvicorn's way of saying start-up failed, once it has logged why
        raise UserError(f"could not serve on {host}:{port}") from None
    print("summarize serve: stopped", file=sys.stderr)
    return 0


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``; one UserError when it cannot be."""
    from summarize.errors import UserError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as exc:
        listening.close()
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return listening


def make_server(service: Service, *, host: str, port: int, ready=None):
    """A ``uvicorn.Server`` for ``service``; ``server.run()`` serves. ``ready(url, service)`` is called
    once the socket listens (default: a line on stderr); ``server.should_exit = True`` stops it. In
    the main thread it stops on SIGINT or SIGTERM too."""
    import uvicorn

    from summarize.service.app import create_app

    # log_config=None: uvicorn leaves the logging the CLI set up alone (its own would silence ours);
    # its access log is off, as each request has our line, which never holds the text.
    config = uvicorn.Config(create_app(service), host=host, port=port, log_config=None, access_log=False,
                            timeout_graceful_shutdown=int(GRACEFUL_S), lifespan="on")
    if not service.settings.verbose:  # uvicorn's start-up lines say what our ready line says
        logging.getLogger("uvicorn").setLevel(logging.WARNING)

    class _Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):
            # uvicorn's own raises the signal again once it has stopped, which ends the process with a
            # traceback from the cancelled lifespan; here a stop is a stop: exit 0. A second signal
            # (handle_exit) drops the connections still open.
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

        async def startup(self, sockets=None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                bound = self.servers[0].sockets[0].getsockname() if self.servers else (host, port)
                self.url = f"http://{_host_for_url(bound[0])}:{bound[1]}"
                (ready or _say_ready)(self.url, service)

    return _Server(config)


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _say_ready(url: str, service: Service) -> None:
    import sys

    described = service.describe()
    languages = ", ".join(code for code in described["translators"] if code != "en")
    print(f"summarize serve: ready on {url} (translating {languages or 'nothing'} into English; summaries by "
          f"{described['summarizer']}; API docs at {url}/docs); Ctrl-C stops", file=sys.stderr, flush=True)
