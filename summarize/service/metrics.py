"""What /metrics shows, in Prometheus' text format (prometheus_client, on a registry of the
service's own, so two services in one process — the tests — never share counters)."""
from __future__ import annotations

from typing import Callable

from summarize.records import StageStats


class Metrics:
    def __init__(self, *, queue_depth: Callable[[], int], jobs: Callable[[], dict[str, int]]) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = registry = CollectorRegistry()
        self.requests = Counter("summarize_requests", "HTTP requests answered", ["endpoint", "status"],
                                registry=registry)
        self.latency = Histogram("summarize_request_seconds", "Time to answer a request", ["endpoint"],
                                 registry=registry, buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
        self.texts = Counter("summarize_texts", "Texts asked to be translated (kind=translation) or summarised",
                             ["kind"], registry=registry)
        self.segments = Counter("summarize_segments", "Segments (translation) or texts (summary) generated for "
                                "or answered by the cache", ["kind"], registry=registry)
        self.cache_hits = Counter("summarize_cache_hits", "Distinct segments or texts answered by the cache",
                                  ["kind"], registry=registry)
        self.seconds = Counter("summarize_generation_seconds", "Seconds spent generating", ["kind"],
                               registry=registry)
        self.rounds = Counter("summarize_generation_rounds", "Rounds of work the generation thread took "
                              "(each one batched across the requests waiting)", ["kind"], registry=registry)
        depth = Gauge("summarize_queue_depth", "Segments and texts waiting for the generation thread",
                      registry=registry)
        depth.set_function(queue_depth)
        self._jobs = jobs
        self.digest_jobs = Gauge("summarize_digest_jobs", "Digest jobs by status", ["status"], registry=registry)

    def answered(self, endpoint: str, status: int, seconds: float) -> None:
        self.requests.labels(endpoint, str(status)).inc()
        self.latency.labels(endpoint).observe(seconds)

    def generated(self, kind: str, stats: StageStats, seconds: float) -> None:
        self.segments.labels(kind).inc(stats.segments)
        self.cache_hits.labels(kind).inc(stats.cache_hits)
        self.seconds.labels(kind).inc(seconds)
        self.rounds.labels(kind).inc()

    def render(self) -> bytes:
        from prometheus_client import generate_latest

        for status, count in self._jobs().items():
            self.digest_jobs.labels(status).set(count)
        return generate_latest(self.registry)


CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
