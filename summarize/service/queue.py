"""Batching across requests: one thread does all of the service's generation, fed by every request.

Each request is a job of units — the segments of its texts (translation, in one language), or its
texts (summaries). The thread takes a *round* at a time: the oldest waiting job decides what kind of
work (and which language) the round is, and every job of that kind gets one unit in turn, again and
again, until the round holds ``token budget`` source tokens. So 24 one-sentence requests that arrive
together are one round — a batch or two through the translator's sorted, token-budgeted batching and
its cache — instead of 24 generations one after another; and a request of a thousand sentences takes
its turn beside them, one unit at a time, so the small ones are answered in the first round rather
than after it. A round is bounded, so nothing waits behind more than one round of others' work.

Requests wait on a ``concurrent.futures.Future``, which the server's event loop awaits without
blocking."""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from summarize.records import StageStats

log = logging.getLogger("summarize")

# How long the thread waits, once woken by a request, for others sent at the same moment: a client's
# burst of requests lands within a millisecond or two, and 5 ms is nothing beside a generation.
GATHER_S = 0.005


class Closed(Exception):
    """The service is stopping: the job was not done."""


@dataclass
class _Job:
    kind: str  # "translation" or "summary"
    language: str | None  # the translation's source language
    units: list[str]
    weights: list[int]  # each unit's source tokens (segments) or words (summary texts)
    future: Future = field(default_factory=Future)
    results: list[Any] = field(default_factory=list)
    taken: int = 0  # units handed to a round so far
    done: int = 0  # units whose results are in

    def __post_init__(self) -> None:
        self.results = [None] * len(self.units)

    @property
    def lane(self) -> tuple[str, str | None]:
        return self.kind, self.language


class GenerationQueue:
    """``translate(language, segments, weights)`` and ``summarize(texts)`` return Futures of their
    results, in order; the thread answers them. ``translator(language)`` gives the Translator of a
    language, ``summarizer()`` the Summarizer; ``metrics`` (optional) is told what each round did."""

    def __init__(self, translator: Callable[[str], Any], summarizer: Callable[[], Any], *,
                 token_budget: int, summary_budget: int, metrics=None, gather_s: float = GATHER_S) -> None:
        self._translator = translator
        self._summarizer = summarizer
        self.budgets = {"translation": token_budget, "summary": summary_budget}
        self.metrics = metrics
        self.gather_s = gather_s
        self._jobs: deque[_Job] = deque()
        self._ready = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="summarize-generation", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def translate(self, language: str, segments: Sequence[str], weights: Sequence[int]) -> Future:
        return self._submit(_Job("translation", language, list(segments), list(weights)))

    def summarize(self, texts: Sequence[str]) -> Future:
        return self._submit(_Job("summary", None, list(texts), [len(text.split()) for text in texts]))

    def _submit(self, job: _Job) -> Future:
        if not job.units:
            job.future.set_result([])
            return job.future
        with self._ready:
            if self._closed:
                raise Closed("the service is stopping")
            self._jobs.append(job)
            self._ready.notify()
        return job.future

    def depth(self) -> int:
        """Units waiting to be taken into a round."""
        with self._ready:
            return sum(len(job.units) - job.taken for job in self._jobs)

    def close(self, *, wait_s: float = 5.0) -> None:
        """Stop: the round in progress is finished (up to ``wait_s``), every job still waiting fails
        with ``Closed``."""
        with self._ready:
            self._closed = True
            waiting = list(self._jobs)
            self._jobs.clear()
            self._ready.notify_all()
        for job in waiting:
            if not job.future.done():
                job.future.set_exception(Closed("the service stopped before this request was done"))
        if self._thread.is_alive():
            self._thread.join(wait_s)

    # --- the thread ---------------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            with self._ready:
                while not self._jobs and not self._closed:
                    self._ready.wait()
                if self._closed:
                    return
            time.sleep(self.gather_s)
            with self._ready:
                taken = self._take()
            if taken:
                self._run(*taken)

    def _take(self) -> tuple[tuple[str, str | None], list[tuple[_Job, int]]] | None:
        """The next round: (its lane, [(job, unit index)]), taken in turn from every job of the
        oldest job's lane up to the lane's budget (a unit over the budget alone still makes a round).
        Jobs whose units are all taken leave the queue."""
        if not self._jobs:
            return None
        lane = self._jobs[0].lane
        jobs = [job for job in self._jobs if job.lane == lane]
        budget = self.budgets[lane[0]]
        picked: list[tuple[_Job, int]] = []
        used = 0
        while True:
            progressed = False
            for job in jobs:
                if job.taken == len(job.units):
                    continue
                weight = max(1, job.weights[job.taken])
                if picked and used + weight > budget:
                    continue
                picked.append((job, job.taken))
                job.taken += 1
                used += weight
                progressed = True
            if not progressed:
                break
        for job in jobs:
            if job.taken == len(job.units):
                self._jobs.remove(job)
        return lane, picked

    def _run(self, lane: tuple[str, str | None], picked: list[tuple[_Job, int]]) -> None:
        kind, language = lane
        units = [job.units[index] for job, index in picked]
        stats = StageStats()
        clock = time.perf_counter()
        try:
            if kind == "translation":
                outputs = self._translator(language).translate_segments(units, stats=stats)
            else:
                outputs = self._summarizer().summarize_many(units, stats=stats)
        except BaseException as exc:  # every job of the round hears of it, and the thread goes on
            log.error("generation failed (%s round of %d): %s: %s", kind, len(units), type(exc).__name__, exc)
            for job in {id(job): job for job, _ in picked}.values():
                if not job.future.done():
                    job.future.set_exception(exc)
                with self._ready:
                    if job in self._jobs:
                        self._jobs.remove(job)
            return
        seconds = time.perf_counter() - clock
        if self.metrics is not None:
            self.metrics.generated(kind, stats, seconds)
        for (job, index), output in zip(picked, outputs):
            job.results[index] = output
            job.done += 1
            if job.done == len(job.units) and not job.future.done():
                job.future.set_result(job.results)
