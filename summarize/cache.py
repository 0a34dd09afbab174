"""The persistent cache: every generated translation and summary, keyed by everything that decides
it, in one SQLite file. Results are committed batch by batch, so a killed run loses at most the
batch in flight, and a damaged cache file costs a warning, never the run."""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from summarize.errors import UserError
from summarize.files import user_cache_dir

log = logging.getLogger("summarize")

SCHEMA_VERSION = 1
# What the cache stores: a translated segment, a summary of one chunk, a whole document's summary, an
# article cut into segments (so a rerun needs no tokenizer), a digest's stories.
KINDS = ("translation", "summary", "summary_document", "segmentation", "stories", "articles")
_TABLE = "CREATE TABLE IF NOT EXISTS entries (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, " \
         "created REAL NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID"
# SQLite caps the host parameters of one statement; stay well below every build's limit.
_LOOKUP_CHUNK = 500
# How long a process waits for another's write lock before carrying on without the cache.
_BUSY_TIMEOUT_S = 30.0


def default_cache_path() -> Path:
    return user_cache_dir() / "cache.sqlite3"


def cache_keys(identity: Mapping[str, Any], recipe: Mapping[str, Any], texts: Iterable[str]) -> dict[str, str]:
    """``{text: cache_key(identity, recipe, text)}`` for every distinct text."""
    return {text: cache_key(identity, recipe, text) for text in texts}


def cache_key(identity: Mapping[str, Any], generation: Mapping[str, Any], text: str) -> str:
    """The same model files, engine, generation settings and input give the same key on any machine."""
    payload = json.dumps({"model": identity, "generation": generation, "text": text}, sort_keys=True,
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# Written into every cache file's SQLite header (PRAGMA application_id, "SUMZ"): how a file is known
# to be a summarize cache, so that a file of anything else is never moved aside or overwritten.
APPLICATION_ID = 0x53554D5A
_SQLITE_MAGIC = b"SQLite format 3\x00"


class NotACacheError(UserError):
    """``--cache`` names a file that is not a summarize cache (exit status 2); it is left untouched."""


def check_cache_file(path: Path, option: str = "--cache") -> None:
    """Raise NotACacheError unless ``path`` is absent, empty, or recognisably a summarize cache (our
    application id in its SQLite header, or — from before the id was written — our ``entries`` table).
    A damaged file passes only when its header still says it is ours."""
    if not path.exists():
        return
    if not path.is_file():
        raise NotACacheError(f"{option} {path} is not a file: choose a cache file path")
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise NotACacheError(f"{option} {path} cannot be read ({exc.strerror or exc})") from None
    if not head:
        return
    if not head.startswith(_SQLITE_MAGIC) or len(head) < 72:
        raise NotACacheError(f"{option} {path} is not a summarize cache (not an SQLite file): it was left as it "
                             "is; choose another path")
    application_id = int.from_bytes(head[68:72], "big")
    if application_id == APPLICATION_ID:
        return
    if application_id == 0 and _has_our_table(path):
        return
    raise NotACacheError(f"{option} {path} is an SQLite database of another application: it was left as it is; "
                         "choose another path")


def _has_our_table(path: Path) -> bool:
    # immutable: read without taking locks or creating -wal/-shm files beside someone else's database.
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            columns = [row[1] for row in connection.execute("PRAGMA table_info(entries)")]
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return columns == ["kind", "key", "value", "created"]


def select_many(connection: sqlite3.Connection, kind: str, keys: list[str]) -> list[tuple[str, str]]:
    """The (key, value) rows of ``kind`` among ``keys``, looked up in chunks SQLite takes."""
    rows: list[tuple[str, str]] = []
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = keys[start:start + _LOOKUP_CHUNK]
        marks = ",".join("?" * len(chunk))
        rows += connection.execute(f"SELECT key, value FROM entries WHERE kind = ? AND key IN ({marks})",
                                   [kind, *chunk]).fetchall()
    return rows


class Cache:
    """A key → text store per kind (``KINDS``). Any SQLite failure switches the cache
    off for the rest of the run with one warning; lookups then miss and writes are dropped."""

    def __init__(self, path: str | Path, *, busy_timeout: float = _BUSY_TIMEOUT_S, option: str = "--cache") -> None:
        self.path = Path(path).expanduser()
        check_cache_file(self.path, option)  # ``option``: what the user named the file with
        self.busy_timeout = busy_timeout
        self._connection: sqlite3.Connection | None = None
        self._disabled = False
        # One connection shared by the threads of a process (the service's generation thread and its
        # digest jobs), its statements taken one at a time.
        self._lock = threading.RLock()
        self._open()

    @property
    def enabled(self) -> bool:
        return self._connection is not None

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = self._connect()
        except sqlite3.DatabaseError as exc:
            if not self._damaged(exc):
                return self._give_up(exc)
            self._set_aside(exc)
            try:
                self._connection = self._connect()
            except (sqlite3.Error, OSError) as again:
                self._give_up(again)
        except OSError as exc:
            self._give_up(exc)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False)
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and (version != SCHEMA_VERSION or "entries" not in tables):
                raise sqlite3.DatabaseError(f"unexpected schema (version {version}, tables {sorted(tables)})")
            # The marker first: on a new file it then lands in the main file's header at once, where the
            # next process looks for it, rather than in the write-ahead log.
            connection.execute(f"PRAGMA application_id={APPLICATION_ID}")
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(_TABLE)
            connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            return connection
        except BaseException:
            connection.close()
            raise

    @staticmethod
    def _damaged(exc: sqlite3.DatabaseError) -> bool:
        message = str(exc).lower()
        return any(s in message for s in ("not a database", "malformed", "unexpected schema", "disk image"))

    def _set_aside(self, exc: Exception) -> None:
        """Keep the damaged file for inspection, out of the way of a fresh one (never deleted)."""
        aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        log.warning("warning: cache %s is damaged (%s); moved it to %s and starting a new one", self.path, exc, aside)
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                source.replace(Path(str(aside) + suffix))

    def _give_up(self, exc: Exception) -> None:
        if not self._disabled:
            log.warning("warning: cache %s cannot be used (%s); continuing without the cache", self.path, exc)
        self._disabled = True
        if self._connection is not None:
            try:
                self._connection.close()
            except sqlite3.Error:
                pass
        self._connection = None

    def get_many(self, kind: str, keys: Iterable[str]) -> dict[str, str]:
        keys = list(keys)
        found: dict[str, str] = {}
        if self._connection is None:
            return found
        try:
            with self._lock:
                found.update(select_many(self._connection, kind, keys))
        except sqlite3.Error as exc:
            self._give_up(exc)
        return found

    def put_many(self, kind: str, items: Mapping[str, str]) -> None:
        if self._connection is None or not items:
            return
        now = time.time()
        try:
            with self._transaction():
                self._connection.executemany(
                    "INSERT OR REPLACE INTO entries (kind, key, value, created) VALUES (?, ?, ?, ?)",
                    [(kind, key, value, now) for key, value in items.items()])
        except sqlite3.Error as exc:
            self._give_up(exc)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def stats(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        if self._connection is not None:
            try:
                with self._lock:
                    counts = dict(self._connection.execute("SELECT kind, COUNT(*) FROM entries GROUP BY kind"))
            except sqlite3.Error as exc:
                self._give_up(exc)
        size = sum(Path(str(self.path) + s).stat().st_size for s in ("", "-wal") if Path(str(self.path) + s).exists())
        return {"path": str(self.path), "entries": {**dict.fromkeys(KINDS, 0), **counts}, "bytes": size}

    def clear(self, kind: str | None = None) -> int:
        if self._connection is None:
            return 0
        try:
            with self._transaction():
                cursor = self._connection.execute(
                    "DELETE FROM entries" + (" WHERE kind = ?" if kind else ""), [kind] if kind else [])
            self._connection.execute("VACUUM")
            return cursor.rowcount
        except sqlite3.Error as exc:
            self._give_up(exc)
            return 0

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
