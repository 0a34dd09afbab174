"""The daily use: ``digest`` of the outlets' feeds served on 127.0.0.1, run as users run it, twice."""
import json

import pytest

from tests.cli.test_commands import run_cli
from tests.fetch.server import BOILERPLATE, SENTENCES, NewsSite, article_page, rss

DATE = "Fri, 03 May 2024 10:00:00 +0300"


@pytest.fixture(autouse=True)
def private_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def site():
    with NewsSite() as news:
        news.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        yield news


@pytest.fixture
def tiny_args(tiny_models):
    return ["--translator", str(tiny_models["translator"]), "--summarizer", str(tiny_models["summarizer"]),
            "--beams", "1", "--summary-beams", "1"]


def page(site, n):
    path = f"/news/{n}.html"
    site.add(path, article_page(f"عنوان الخبر رقم {n}", SENTENCES[n * 2:n * 2 + 4]))
    return {"title": f"item {n}", "link": site.url(path), "date": DATE}


def test_a_feed_digest_reports_broken_items_and_a_rerun_does_only_the_new_item(site, tmp_path, tiny_args):
    items = [page(site, n) for n in range(3)]
    site.add("/private/x.html", article_page("سر", SENTENCES[:3]))
    site.add("/file.pdf", b"%PDF-1.4", content_type="application/pdf")
    broken = [{"title": t, "link": site.url(p), "date": DATE} for t, p in
              (("gone", "/gone.html"), ("private", "/private/x.html"), ("pdf", "/file.pdf"))]
    feed = site.add("/feed.xml", rss("قناة الأخبار", items + broken), content_type="application/rss+xml", etag='"v1"')
    out = tmp_path / "out"
    first = run_cli("digest", feed, "--out", str(out), *tiny_args, "--fetch-timeout", "5")
    assert first.returncode == 0, first.stderr
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    assert [(a["title_ar"], a["source"], a["date"], a["url"]) for a in data["articles"]] == [
        (f"عنوان الخبر رقم {n}", "قناة الأخبار", "2024-05-03", items[n]["link"]) for n in range(3)]
    reasons = {e["input"]: e["reason"] for e in data["errors"]}
    assert reasons[site.url("/gone.html")].startswith("HTTP 404 Not Found")
    assert reasons[site.url("/private/x.html")].startswith("disallowed by robots.txt")
    assert reasons[site.url("/file.pdf")].startswith("not an HTML page (application/pdf)")
    assert site.seen("/private/x.html") == []
    assert data["run"]["fetch"] == {"feeds": 1, "feeds_unchanged": 0, "items": 6, "fetched": 3, "from_store": 0,
                                    "skipped": 1, "failed": 2}
    assert "fetch: 1 feed read, 6 items, 3 pages fetched, 0 from the store, 1 skipped, 2 failed" in first.stderr

    # The next run, one new item: the feed is asked for conditionally, no page twice, one article made.
    items.append(page(site, 3))
    site.add("/feed.xml", rss("قناة الأخبار", items + broken), content_type="application/rss+xml", etag='"v2"')
    second = run_cli("digest", feed, "--out", str(out), *tiny_args, "--fetch-timeout", "5")
    assert second.returncode == 0, second.stderr
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    assert len(data["articles"]) == 4 and data["run"]["counts"]["cached_articles"] == 3
    assert site.seen("/feed.xml")[1].get("if-none-match") == '"v1"'
    assert all(len(site.seen(f"/news/{n}.html")) == 1 for n in range(4))
    assert data["run"]["fetch"]["fetched"] == 1 and data["run"]["fetch"]["from_store"] == 3
    assert data["run"]["fetch"]["feeds_unchanged"] == 0 and len(data["errors"]) == 3  # failures are asked again


def test_segment_of_a_feed_shows_the_article_text_without_the_page_around_it(site, tiny_args):
    feed = site.add("/feed.xml", rss("قناة", [page(site, 0), page(site, 1)]), content_type="application/rss+xml")
    result = run_cli("segment", feed, "--no-cache")
    assert result.returncode == 0, result.stderr
    for sentence in SENTENCES[0:6]:
        assert sentence in result.stdout
    for boilerplate in BOILERPLATE:
        assert boilerplate not in result.stdout
    assert "fetch: 1 feed read, 2 items, 2 pages fetched" in result.stderr


def test_a_sources_file_names_the_outlet(site, tmp_path, tiny_args):
    feed = site.add("/feed.xml", rss("Channel title", [page(site, 0)]), content_type="application/rss+xml")
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "Outlet"\nfeeds = ["{feed}"]\n', encoding="utf-8")
    result = run_cli("digest", "--sources", str(sources), "--out", str(tmp_path / "out"), *tiny_args)
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "out" / "digest.json").read_text(encoding="utf-8"))
    assert [a["source"] for a in data["articles"]] == ["Outlet"]


@pytest.mark.parametrize("args, message", [
    ([], "error: name the articles to read"),
    (["--since", "May 3"], "error: --since May 3: expected a day as YYYY-MM-DD"),
    (["--sources", "{tmp}/missing.toml"], "error: {tmp}/missing.toml: no such file"),
    (["--fetch-timeout", "0"], "error: fetch_timeout must be a positive number"),
])
def test_fetch_mistakes_are_one_line(tmp_path, args, message):
    args = [a.format(tmp=tmp_path) for a in args]
    result = run_cli("digest", *args, "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and result.stderr.startswith(message.format(tmp=tmp_path)), result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
