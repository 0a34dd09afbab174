"""What an executor is: the part of a run that makes the articles of a window (clean → segment →
translate → summarise → check, ``Pipeline._make_articles``), here in this process or spread over
workers. The pipeline keeps everything else: the article cache, the stories, the digest."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    from summarize.article_cache import CachedArticle
    from summarize.records import Article
    from summarize.summarizers import Summarizer


class Executor:
    """Makes a window's articles and gives them back in input order. Used as a context manager:
    what it starts (a Ray session) lives from ``__enter__`` to ``__exit__``, across every run of
    the pipelines given it."""

    name = "base"

    def __enter__(self) -> "Executor":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def start(self) -> None:
        """Start what the executor needs (nothing, in-process)."""

    def close(self) -> None:
        """Stop what ``start`` started."""

    def plan(self, pipeline: Any, runs: Sequence[Sequence["Article"]]) -> None:
        """Told up front the articles of every run to come, in order (a digest's day; ``summarize
        batch``'s days): an executor with workers may start on all of them at once, so its workers
        load their models once for the whole batch. In-process there is nothing to gain."""

    def make_articles(self, pipeline: Any, articles: list["Article"], day: Any, summarizer: "Summarizer", *,
                      span: str) -> list["CachedArticle"]:
        """Each of ``articles`` made, in order; the stages' seconds added to ``day.timings`` and what
        the translators and the summariser did to their stats, as the in-process run counts them."""
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """What ran the articles, for digest.json ``run.executor``."""
        return {"name": self.name}


class ReadOnlyCache:
    """The cache as a worker sees it: lookups read the SQLite file (opened read-only, so this
    process can never write it, whatever the code above does), and what the stages would store is
    kept in ``pending`` for the one writer (the driver) to store. Many nodes never write one SQLite
    file at once. A file that cannot be opened (absent on this node) makes every lookup miss."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path).expanduser() if path is not None else None
        self.pending: dict[str, dict[str, str]] = {}
        self._connection: sqlite3.Connection | None = None
        if self.path is not None and self.path.is_file():
            try:
                self._connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                                   check_same_thread=False)
                self._connection.execute("SELECT 1 FROM entries LIMIT 1").fetchall()
            except sqlite3.Error:
                self._connection = None

    @property
    def enabled(self) -> bool:
        # Enabled even without a file to read: the stages then still hand over what they made.
        return self.path is not None

    def get_many(self, kind: str, keys: Iterable[str]) -> dict[str, str]:
        keys = list(keys)
        found = {key: self.pending[kind][key] for key in keys if key in self.pending.get(kind, {})}
        if self._connection is None:
            return found
        from summarize.cache import select_many

        try:
            found.update(select_many(self._connection, kind, keys))
        except sqlite3.Error:
            self._connection = None  # a cache read failing costs the hits, never the run
        return found

    def put_many(self, kind: str, items: Mapping[str, str]) -> None:
        self.pending.setdefault(kind, {}).update(items)

    def take_pending(self) -> str:
        """What was kept since the last call, as JSON ({kind: {key: value}}), and forget it."""
        pending, self.pending = self.pending, {}
        return json.dumps(pending, ensure_ascii=False)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def store_pending(cache: Any, pending: str) -> None:
    """Store in the driver's ``cache`` what a worker's ReadOnlyCache kept (``take_pending``)."""
    if cache is None or not cache.enabled:
        return
    for kind, items in json.loads(pending).items():
        cache.put_many(kind, items)
