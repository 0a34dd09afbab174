"""Polite HTTP: one client for a run's feeds and pages (httpx).

- Every request names the tool and its version (``USER_AGENT``).
- ``robots.txt`` is read once per host and obeyed (RFC 9309: a 4xx means no rules, a 5xx or an
  unreachable file means the whole host is off limits); a disallowed URL is never requested, the
  targets of redirects included.
- At most ``per_host`` requests are in flight to one host and ``connections`` overall.
- ``timeout`` bounds a whole request, not only each wait for bytes: a server that trickles its answer
  is cut off once the time is spent.
- Redirects are followed by hand, up to ``MAX_REDIRECTS``, each target checked against robots, so
  a loop is named as one.
- A body larger than ``max_bytes`` is not read past the limit.

Every failure is a ``FetchError`` carrying a one-line reason naming the cause: the caller records
it and goes on.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Mapping
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from summarize import __version__
from summarize.settings import CONNECTIONS, FETCH_TIMEOUT_S, PER_HOST

USER_AGENT = f"summarize/{__version__} (Arabic news digest; polite fetcher; obeys robots.txt)"
# The token robots.txt rules name us by.
ROBOTS_AGENT = "summarize"
MAX_REDIRECTS = 5
# A news page is rarely over 2 MB with its markup; 10 MB is a file, not an article.
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
_CHUNK = 64 * 1024


class FetchError(Exception):
    """A URL that gave nothing usable; ``reason`` is one line ("HTTP 404 Not Found", "timed out after 20 s")."""

    def __init__(self, reason: str, *, robots: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.robots = robots  # skipped for robots.txt: never requested


@dataclass
class Response:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    headers: Mapping[str, str]
    body: bytes
    content_type: str = ""  # the media type, lower case, without parameters

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value.strip(" \"'"):
                return value.strip(" \"'").lower()
        return None


@dataclass
class _Host:
    slots: threading.Semaphore
    robots: RobotFileParser | None = None
    robots_error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    robots_read: bool = False


class PoliteClient:
    """One run's HTTP client; thread-safe, so pages can be fetched side by side."""

    def __init__(self, *, timeout: float = FETCH_TIMEOUT_S, per_host: int = PER_HOST,
                 connections: int = CONNECTIONS, max_bytes: int = MAX_RESPONSE_BYTES,
                 transport: Any = None) -> None:
        import httpx

        self.timeout = timeout
        self.per_host = per_host
        self.max_bytes = max_bytes
        self._slots = threading.Semaphore(connections)
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self._client = httpx.Client(headers={"User-Agent": USER_AGENT}, timeout=httpx.Timeout(timeout),
                                    limits=limits, follow_redirects=False, transport=transport, trust_env=False)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "PoliteClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Response:
        """``url`` fetched (redirects followed); a 304 is returned as a response, every other
        status that is not 2xx raises ``FetchError``."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"not an http(s) URL: {url}")
        seen = [url]
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self._check_robots(current)
            response = self._request(current, headers)
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"HTTP {response.status} redirect without a Location")
                target = urljoin(current, location)
                if target in seen:
                    raise FetchError(f"redirect loop ({' → '.join(seen[seen.index(target):] + [target])})")
                seen.append(target)
                current = target
                continue
            if response.status == 304 or 200 <= response.status < 300:
                response.url = url
                return response
            raise FetchError(f"HTTP {response.status} {_phrase(response.status)}".strip())
        raise FetchError(f"more than {MAX_REDIRECTS} redirects ({' → '.join(seen)})")

    def _request(self, url: str, headers: Mapping[str, str] | None) -> Response:
        import httpx

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"not an http(s) URL: {url}")
        host = self._host(url)
        deadline = time.monotonic() + self.timeout
        with self._slots, host.slots:
            try:
                with self._client.stream("GET", url, headers=dict(headers or {})) as answer:
                    size = int(answer.headers.get("content-length") or 0)
                    if size > self.max_bytes:
                        raise FetchError(f"too large: {size:,} bytes, over the limit of {self.max_bytes:,}")
                    body = bytearray()
                    if answer.status_code < 300:  # redirects' and errors' bodies are never read
                        for chunk in answer.iter_bytes(_CHUNK):
                            body += chunk
                            if len(body) > self.max_bytes:
                                raise FetchError(f"too large: over the limit of {self.max_bytes:,} bytes")
                            if time.monotonic() > deadline:
                                raise FetchError(f"timed out after {self.timeout:g} s (the body was still coming)")
                    media = answer.headers.get("content-type", "").split(";")[0].strip().lower()
                    return Response(url, str(answer.url), answer.status_code, dict(answer.headers), bytes(body), media)
            except httpx.TimeoutException:
                raise FetchError(f"timed out after {self.timeout:g} s") from None
            except httpx.ConnectError as exc:
                raise FetchError(_connect_reason(exc)) from None
            except httpx.HTTPError as exc:
                raise FetchError(f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}") from None

    def _host(self, url: str) -> _Host:
        key = _origin(url)
        with self._hosts_lock:
            if key not in self._hosts:
                self._hosts[key] = _Host(threading.Semaphore(self.per_host))
            return self._hosts[key]

    def _check_robots(self, url: str) -> None:
        host = self._host(url)
        with host.lock:  # read once per host, however many pages ask at once
            if not host.robots_read:
                host.robots, host.robots_error = self._read_robots(url)
                host.robots_read = True
        if host.robots_error:
            raise FetchError(f"robots.txt of {_origin(url)} unavailable ({host.robots_error}): not fetched", robots=True)
        if host.robots is not None and not host.robots.can_fetch(ROBOTS_AGENT, url):
            raise FetchError("disallowed by robots.txt: not fetched", robots=True)

    def _read_robots(self, url: str) -> tuple[RobotFileParser | None, str | None]:
        robots_url = _origin(url) + "/robots.txt"
        current = robots_url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self._request(current, None)
            except FetchError as exc:
                return None, exc.reason
            if response.status in (301, 302, 303, 307, 308) and response.headers.get("location"):
                current = urljoin(current, response.headers["location"])
                continue
            if 400 <= response.status < 500:
                return None, None  # no rules: everything is allowed
            if response.status >= 500:
                return None, f"HTTP {response.status}"
            parser = RobotFileParser(robots_url)
            parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
            return parser, None
        return None, "too many redirects"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _connect_reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    lowered = text.lower()
    if "name or service not known" in lowered or "nodename nor servname" in lowered or "getaddrinfo" in lowered \
            or "name resolution" in lowered:
        return f"DNS: host not found ({text[:120]})"
    if "refused" in lowered:
        return "connection refused"
    return f"cannot connect ({text[:160]})"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
