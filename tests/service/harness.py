"""A service on 127.0.0.1 for the tests: made with fakes (``echo_service``: an EchoEngine translator
per language and the extractive summariser, instant and exact) or the tiny models, served by the
same uvicorn server ``summarize serve`` runs, on a free port, in a thread."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

from summarize.service.server import Service, make_server
from summarize.settings import Settings
from summarize.summarizers.extractive import ExtractiveSummarizer
from summarize.translate import Translator
from tests.fakes import EchoEngine


def echo_service(tmp_path, *, languages=("ar", "fr"), **settings) -> Service:
    """A Service whose translators answer "<segment>" and record their batches (``.engine.batches``)."""
    values = {"translator": "echo", "summarizer": "extractive", "cache": str(tmp_path / "cache.sqlite3"),
              "translators": ",".join(f"{code}=echo" for code in languages if code != "ar") or None, **settings}
    config = Settings().replace(**values)
    translators = {code: Translator(EchoEngine(), beams=1) for code in languages}
    return Service(config, translators=translators, summarizer=ExtractiveSummarizer())


@contextmanager
def serving(service: Service, timeout_s: float = 30.0) -> Iterator[str]:
    """The service's base URL while it serves; stopped (as SIGTERM stops it) on the way out."""
    server = make_server(service, host="127.0.0.1", port=0, ready=lambda url, _: None)
    thread = threading.Thread(target=server.run, name="test-service", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test service did not start")
        time.sleep(0.02)
    try:
        yield server.url
    finally:
        server.should_exit = True
        thread.join(timeout_s)
