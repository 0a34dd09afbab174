"""The executor seam without Ray: the registry, the local executor, and the read-only cache a
worker is given (what it would store goes back to the driver, the file's one writer)."""
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from summarize.cache import Cache
from summarize.executors import ReadOnlyCache, executor_class, make_executor
from summarize.executors.base import store_pending
from summarize.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_registry_names_both_executors_and_refuses_others():
    assert make_executor(Settings()).describe() == {"name": "local"}
    assert executor_class("ray").__name__ == "RayExecutor"
    with pytest.raises(ValueError, match="unknown executor 'spark'"):
        executor_class("spark")


def test_the_local_path_and_help_never_import_ray():
    code = ("import sys, summarize.cli as c, summarize.pipeline, summarize.executors as e; "
            "from summarize.settings import Settings; c.build_parser(); e.make_executor(Settings()); "
            "print(sorted(m for m in sys.modules if m == 'ray' or m.startswith('ray.')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_worker_reads_the_cache_and_hands_its_writes_to_the_driver(tmp_path):
    path = tmp_path / "cache.sqlite3"
    driver = Cache(path)
    driver.put_many("translation", {"k1": "one"})
    worker = ReadOnlyCache(path)
    assert worker.get_many("translation", ["k1", "k2"]) == {"k1": "one"}
    worker.put_many("translation", {"k2": "two"})
    # What it made is seen by its own later lookups, but the file does not have it...
    assert worker.get_many("translation", ["k2"]) == {"k2": "two"}
    assert driver.get_many("translation", ["k2"]) == {}
    # ... and could not: the worker's connection is read-only.
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        worker._connection.execute("INSERT INTO entries VALUES ('translation', 'k3', 'x', 0)")
    pending = worker.take_pending()
    assert json.loads(pending) == {"translation": {"k2": "two"}} and worker.take_pending() == "{}"
    store_pending(driver, pending)
    assert driver.get_many("translation", ["k2"]) == {"k2": "two"}


def test_a_worker_without_the_cache_file_misses_and_still_hands_over(tmp_path):
    worker = ReadOnlyCache(tmp_path / "not-on-this-node.sqlite3")
    assert worker.enabled and worker.get_many("summary", ["k"]) == {}
    worker.put_many("summary", {"k": "v"})
    assert json.loads(worker.take_pending()) == {"summary": {"k": "v"}}
    assert not (tmp_path / "not-on-this-node.sqlite3").exists()
