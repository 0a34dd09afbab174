import logging
import sqlite3

import pytest

import hashlib

from summarize.cache import APPLICATION_ID, Cache, NotACacheError, cache_key, default_cache_path


@pytest.fixture
def cache_file(tmp_path):
    return tmp_path / "cache.sqlite3"


def test_values_persist_across_instances_per_kind(cache_file):
    first = Cache(cache_file)
    first.put_many("translation", {"k1": "one", "k2": "two"})
    first.close()
    second = Cache(cache_file)
    assert second.get_many("translation", ["k1", "k2", "k3"]) == {"k1": "one", "k2": "two"}
    assert second.get_many("summary", ["k1"]) == {}
    assert second.stats()["entries"] == {"translation": 2, "summary": 0, "summary_document": 0, "segmentation": 0,
                                         "stories": 0, "articles": 0}
    assert second.clear() == 2 and set(second.stats()["entries"].values()) == {0}


def test_many_keys_are_looked_up_in_chunks(cache_file):
    cache = Cache(cache_file)
    items = {f"k{i}": f"v{i}" for i in range(2500)}
    cache.put_many("translation", items)
    assert cache.get_many("translation", items) == items


def test_keys_change_with_every_input_that_changes_the_output():
    identity = {"engine": "torch", "revision": "abc"}
    generation = {"num_beams": 4, "max_new_tokens": 10}
    base = cache_key(identity, generation, "نص")
    assert base == cache_key(dict(identity), dict(generation), "نص")
    assert base != cache_key({**identity, "revision": "abd"}, generation, "نص")
    assert base != cache_key({**identity, "engine": "ctranslate2"}, generation, "نص")
    assert base != cache_key(identity, {**generation, "num_beams": 2}, "نص")
    assert base != cache_key(identity, generation, "نص آخر")


def test_default_location_honours_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_path() == tmp_path / "summarize" / "cache.sqlite3"


def _assert_rebuilt(cache_file, caplog):
    cache = Cache(cache_file)
    assert cache.enabled
    assert sum("damaged" in r.message for r in caplog.records) == 1
    cache.put_many("translation", {"k": "v"})
    assert Cache(cache_file).get_many("translation", ["k"]) == {"k": "v"}
    assert list(cache_file.parent.glob("cache.sqlite3.damaged-*")), "the damaged file is kept aside"


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100, '{"a": 1}\n'.encode(),
                                     "مقال عربي\nنص الخبر.".encode()])
def test_a_file_that_is_not_a_cache_is_refused_and_untouched(cache_file, content):
    cache_file.write_bytes(content)
    with pytest.raises(NotACacheError, match="not a summarize cache"):
        Cache(cache_file)
    assert cache_file.read_bytes() == content
    assert sorted(p.name for p in cache_file.parent.iterdir()) == [cache_file.name]


def test_another_applications_database_is_refused_with_its_wal_untouched(tmp_path):
    other = tmp_path / "app.db"
    connection = sqlite3.connect(other, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE users (name TEXT)")
    connection.execute("INSERT INTO users VALUES ('x')")
    before = {p.name: _digest(p) for p in tmp_path.iterdir()}  # app.db, -wal, -shm while it is open
    with pytest.raises(NotACacheError, match="another application"):
        Cache(other)
    assert {p.name: _digest(p) for p in tmp_path.iterdir()} == before
    connection.close()


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(NotACacheError, match="not a file"):
        Cache(tmp_path)


def test_a_cache_carries_its_marker_and_a_cache_from_before_the_marker_is_kept(cache_file):
    Cache(cache_file).close()
    assert int.from_bytes(cache_file.read_bytes()[68:72], "big") == APPLICATION_ID
    legacy = cache_file.with_name("legacy.sqlite3")
    with sqlite3.connect(legacy) as connection:  # the schema as written before the marker existed
        connection.execute("CREATE TABLE entries (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, "
                           "created REAL NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID")
        connection.execute("INSERT INTO entries VALUES ('translation', 'k', 'v', 0)")
        connection.execute("PRAGMA user_version=1")
    assert Cache(legacy).get_many("translation", ["k"]) == {"k": "v"}


def test_truncated_file_is_set_aside_and_rebuilt(cache_file, caplog):
    cache = Cache(cache_file)
    cache.put_many("translation", {f"k{i}": "v" * 200 for i in range(500)})
    cache.close()
    with sqlite3.connect(cache_file) as connection:  # fold the WAL in so the main file holds the data
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = cache_file.read_bytes()
    cache_file.write_bytes(data[: len(data) // 3])
    for suffix in ("-wal", "-shm"):
        (cache_file.parent / (cache_file.name + suffix)).unlink(missing_ok=True)
    with caplog.at_level(logging.WARNING, logger="summarize"):
        cache = Cache(cache_file)
        # A truncated file may open; the damage shows on first read. Either way: one warning, run goes on.
        cache.get_many("translation", [f"k{i}" for i in range(500)])
        cache.put_many("translation", {"new": "value"})
    assert sum("cache" in r.message for r in caplog.records) == 1


def test_our_file_with_a_wrong_schema_is_set_aside_and_rebuilt(cache_file, caplog):
    with sqlite3.connect(cache_file) as connection:
        connection.execute("CREATE TABLE something_else (x)")
        connection.execute("PRAGMA user_version=99")
        connection.execute(f"PRAGMA application_id={APPLICATION_ID}")
    with caplog.at_level(logging.WARNING, logger="summarize"):
        _assert_rebuilt(cache_file, caplog)


def test_locked_cache_means_one_warning_and_no_cache(cache_file, caplog):
    Cache(cache_file).close()
    holder = sqlite3.connect(cache_file, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.WARNING, logger="summarize"):
            cache = Cache(cache_file, busy_timeout=0.2)
            cache.put_many("translation", {"k": "v"})
            cache.put_many("translation", {"k2": "v"})
            assert cache.get_many("translation", ["k"]) == {}
        assert not cache.enabled
        assert sum("cannot be used" in r.message for r in caplog.records) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_read_only_cache_means_one_warning_and_no_cache(cache_file, caplog, monkeypatch):
    Cache(cache_file).close()
    # Tests run as root, which file modes do not stop; open the file read-only the way SQLite does
    # for a file it may not write.
    real_connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda path, **kw: real_connect(f"file:{path}?mode=ro", uri=True, **kw))
    with caplog.at_level(logging.WARNING, logger="summarize"):
        cache = Cache(cache_file)
        cache.put_many("translation", {"k": "v"})
    assert not cache.enabled
    assert sum("cannot be used" in r.message for r in caplog.records) == 1


def test_unwritable_location_means_no_cache(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with caplog.at_level(logging.WARNING, logger="summarize"):
        cache = Cache(blocker / "sub" / "cache.sqlite3")
    assert not cache.enabled and cache.get_many("translation", ["k"]) == {}
