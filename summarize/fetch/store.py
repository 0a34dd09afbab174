"""The page store: every feed and page fetched, with its ETag and Last-Modified, in one SQLite file
beside the cache (``~/.cache/summarize/pages.sqlite3``).

A page fetched once is never fetched again: news pages do not change under their URL often enough
to pay a request a day for it, and the translation of what did change would differ anyway. A feed is
asked for again every run, conditionally (``If-None-Match`` / ``If-Modified-Since``), and a 304
answered from the copy kept here. The file is a ``summarize.cache.Cache`` of its own (kinds ``feed``
and ``page``), with its locking and its care for damaged files; bodies are kept compressed.
"""
from __future__ import annotations

import base64
import json
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from summarize.files import user_cache_dir


def default_store_path() -> Path:
    return user_cache_dir() / "pages.sqlite3"


@dataclass
class Stored:
    url: str  # the URL asked for
    final_url: str  # where it was found, after redirects
    body: bytes
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    fetched: float = 0.0  # Unix time

    def conditional_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def to_json(self) -> str:
        return json.dumps({"url": self.url, "final_url": self.final_url, "content_type": self.content_type,
                           "charset": self.charset, "etag": self.etag, "last_modified": self.last_modified,
                           "fetched": self.fetched,
                           "body": base64.b64encode(zlib.compress(self.body, 6)).decode("ascii")})

    @classmethod
    def from_json(cls, text: str) -> "Stored":
        data = json.loads(text)
        data["body"] = zlib.decompress(base64.b64decode(data["body"]))
        return cls(**data)


class PageStore:
    """Feeds and pages by URL. Used from one thread (the fetcher's), as SQLite connections are."""

    def __init__(self, path: str | Path | None = None) -> None:
        from summarize.cache import Cache

        self._db = Cache(path or default_store_path(), option="--page-store")
        self.path = self._db.path

    def get(self, kind: str, url: str) -> Stored | None:
        found = self._db.get_many(kind, [url]).get(url)
        try:
            return Stored.from_json(found) if found is not None else None
        except (ValueError, KeyError, TypeError, zlib.error):  # a damaged entry is a miss
            return None

    def put(self, kind: str, stored: Stored) -> None:
        stored.fetched = stored.fetched or time.time()
        self._db.put_many(kind, {stored.url: stored.to_json()})

    def close(self) -> None:
        self._db.close()
