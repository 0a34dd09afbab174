"""The page store: what it keeps of a fetched page, and a damaged entry."""
from summarize.fetch.store import PageStore, Stored


def test_a_page_comes_back_as_stored_with_its_validators(tmp_path):
    store = PageStore(tmp_path / "pages.sqlite3")
    body = "<p>نص الخبر</p>".encode() * 100
    store.put("page", Stored("http://127.0.0.1/a", "http://127.0.0.1/b", body, "text/html", "utf-8", '"v1"',
                             "Fri, 03 May 2024 07:00:00 GMT"))
    store.close()
    again = PageStore(tmp_path / "pages.sqlite3")
    found = again.get("page", "http://127.0.0.1/a")
    assert found.body == body and found.final_url == "http://127.0.0.1/b" and found.fetched > 0
    assert found.conditional_headers() == {"If-None-Match": '"v1"', "If-Modified-Since": "Fri, 03 May 2024 07:00:00 GMT"}
    assert again.get("feed", "http://127.0.0.1/a") is None  # feeds and pages are kept apart
    assert Stored("u", "u", b"").conditional_headers() == {}
    again.close()


def test_a_damaged_entry_is_a_miss(tmp_path):
    store = PageStore(tmp_path / "pages.sqlite3")
    store._db.put_many("page", {"http://127.0.0.1/a": '{"url": "x", "body": "not base64 zlib"}'})
    assert store.get("page", "http://127.0.0.1/a") is None
    store.close()
