"""Who may ask, and how much: API keys (``--api-keys FILE``), requests a minute per key (or per
client address when no keys are asked for), characters and texts per request — LibreTranslate's
``--req-limit``, ``--char-limit`` and ``--batch-limit``, with its answers.

The keys file holds one key a line, optionally followed by that key's own limits
(``KEY req_limit=120 char_limit=20000``); blank lines and ``#`` comments are skipped."""
from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from summarize.errors import UserError
from summarize.service.errors import ApiError, over_limit

_WINDOW_S = 60.0
_LIMIT = re.compile(r"(req_limit|char_limit)=(\d+)")
KEY_REQUIRED = "Please contact the server operator to get an API key"
INVALID_KEY = "Invalid API key"


@dataclass(frozen=True)
class Key:
    value: str
    req_limit: int | None = None  # None: the server's
    char_limit: int | None = None

    @property
    def label(self) -> str:
        """What the logs name a key by: never the key itself."""
        return "key:" + hashlib.sha256(self.value.encode()).hexdigest()[:8]


def load_keys(path: str | Path) -> dict[str, Key]:
    """The keys of ``path``; a file that cannot be read or a malformed line is one UserError."""
    from summarize.files import read_user_text

    text = read_user_text(path, "--api-keys")
    keys: dict[str, Key] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        value, *options = line.split()
        limits = {}
        for option in options:
            match = _LIMIT.fullmatch(option)
            if match is None:
                raise UserError(f"--api-keys {path}: line {number}: {option!r} is not req_limit=N or char_limit=N")
            limits[match[1]] = int(match[2])
        keys[value] = Key(value, **limits)
    if not keys:
        raise UserError(f"--api-keys {path}: no keys in the file (one key a line)")
    return keys


class Access:
    """Checks each request against the keys and limits of ``settings`` (req_limit, char_limit and
    batch_limit, 0 for none). Thread-safe: the rate window is shared by every request."""

    def __init__(self, settings) -> None:
        self.keys = load_keys(settings.api_keys) if settings.api_keys else None
        self.req_limit = settings.req_limit
        self.char_limit = settings.char_limit
        self.batch_limit = settings.batch_limit
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, api_key: str | None, client: str) -> str:
        """The label the request is counted and logged under; raises ApiError when it may not ask."""
        key = None
        if self.keys is not None:
            if not api_key:
                raise ApiError(400, KEY_REQUIRED)
            key = self.keys.get(api_key)
            if key is None:
                raise ApiError(403, INVALID_KEY)
        label = key.label if key is not None else f"client:{client}"
        limit = key.req_limit if key is not None and key.req_limit is not None else self.req_limit
        if limit:
            self._count(label, limit)
        return label

    def _count(self, label: str, limit: int) -> None:
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(label, deque())
            while seen and now - seen[0] >= _WINDOW_S:
                seen.popleft()
            if len(seen) >= limit:
                raise ApiError(429, f"Slowdown: {limit} per 1 minute")
            seen.append(now)

    def check_texts(self, texts: list[str], batch: bool, api_key: str | None) -> None:
        """LibreTranslate's size limits: texts in one batch, characters in one request."""
        if batch and self.batch_limit and len(texts) > self.batch_limit:
            raise over_limit(len(texts), self.batch_limit)
        key = self.keys.get(api_key) if self.keys is not None and api_key else None
        limit = key.char_limit if key is not None and key.char_limit is not None else self.char_limit
        size = sum(len(text) for text in texts)
        if limit and size > limit:
            raise over_limit(size, limit)
