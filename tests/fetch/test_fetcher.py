"""Feeds and pages fetched from a news site served on 127.0.0.1, through the walk users' runs take."""
import time

import pytest

from summarize.clean import clean_article
from summarize.fetch import Fetcher, FetchOptions, page_id
from summarize.ingest import read_articles
from tests.fetch.server import BOILERPLATE, SENTENCES, NewsSite, article_page, atom, rdf, rss

DATE = "Fri, 03 May 2024 10:00:00 +0300"


def good_pages(site, count=3, prefix="/news"):
    items = []
    for n in range(count):
        path = f"{prefix}/{n}.html"
        site.add(path, article_page(f"عنوان الخبر رقم {n}", SENTENCES[n * 3:n * 3 + 4], author="أحمد علي"))
        items.append({"title": f"item {n}", "link": site.url(path), "date": DATE})
    return items


def broken_items(site):
    """One item of every kind of failure, with the reason each must be reported with."""
    site.add("/private/secret.html", article_page("سر", SENTENCES[:3]))
    site.add("/report.pdf", b"%PDF-1.4 not a page", content_type="application/pdf")
    site.add("/slow.html", article_page("بطيء", SENTENCES[:3]), delay=3)
    site.add("/loop-a", status=302, headers={"Location": "/loop-b"})
    site.add("/loop-b", status=302, headers={"Location": "/loop-a"})
    site.add("/broken.html", "oops", status=500)
    site.add("/empty.html", "<html><body><nav>الرئيسية</nav></body></html>")
    cases = {"/private/secret.html": "disallowed by robots.txt", "/report.pdf": "not an HTML page (application/pdf)",
             "/slow.html": "timed out after 0.5 s", "/loop-a": "redirect loop", "/missing.html": "HTTP 404 Not Found",
             "/broken.html": "HTTP 500 Internal Server Error", "/empty.html": "no article text"}
    return [{"title": path, "link": site.url(path), "date": DATE} for path in cases], cases


@pytest.fixture
def site():
    with NewsSite() as news:
        news.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        yield news


def fetch(inputs, tmp_path, **options):
    problems = []
    fetcher = Fetcher(FetchOptions(store=str(tmp_path / "pages.sqlite3"), **{"timeout": 0.5, **options}))
    try:
        articles = list(read_articles(inputs, problems, fetcher=fetcher))
    finally:
        fetcher.close()
    return articles, problems, fetcher.counts


def test_feed_items_become_articles_with_their_outlet_date_url_and_headline(site, tmp_path):
    feed = site.add("/feed.xml", rss("قناة الأخبار", good_pages(site)), content_type="application/rss+xml")
    articles, problems, counts = fetch([feed], tmp_path)
    assert problems == []
    assert [a.title for a in articles] == [f"عنوان الخبر رقم {n}" for n in range(3)]
    assert {a.source for a in articles} == {"قناة الأخبار"}  # the channel's title, not the page's site name
    assert [a.url for a in articles] == [site.url(f"/news/{n}.html") for n in range(3)]
    assert {a.date for a in articles} == {"2024-05-03"} and {a.author for a in articles} == {"أحمد علي"}
    assert [a.id for a in articles] == [page_id(a.url) for a in articles] and articles[0].id == "127.0.0.1-news-0"
    assert {a.language for a in articles} == {"ar"}
    for article, n in zip(articles, range(3)):
        text = clean_article(article).text
        assert SENTENCES[n * 3] in text
        for boilerplate in BOILERPLATE:  # navigation, share bar, related links, footer
            assert boilerplate not in text and boilerplate not in article.text
    assert counts.feeds == 1 and counts.items == 3 and counts.fetched == 3 and counts.failed == 0


def test_every_broken_item_is_reported_with_its_cause_in_bounded_time(site, tmp_path):
    broken, causes = broken_items(site)
    feed = site.add("/feed.xml", rss("قناة", good_pages(site, 2) + broken), content_type="application/rss+xml")
    started = time.monotonic()
    articles, problems, counts = fetch([feed], tmp_path)
    assert time.monotonic() - started < 10  # the 3-second page costs the 0.5 s timeout, not its delay
    assert len(articles) == 2
    reported = {p.input: p.reason for p in problems}
    assert set(reported) == {site.url(path) for path in causes}
    for path, cause in causes.items():
        assert reported[site.url(path)].startswith(cause), (path, reported[site.url(path)])
        assert "item" in reported[site.url(path)]  # and where the URL was met
    assert all(p.skipped for p in problems)
    assert site.seen("/private/secret.html") == []  # robots.txt obeyed: never requested
    assert len(site.seen("/robots.txt")) == 1  # read once for the whole host
    assert counts.skipped == 1 and counts.failed == 6 and counts.fetched == 3  # the empty page was fetched


def test_the_user_agent_names_the_tool_and_its_version(site, tmp_path):
    from summarize import __version__

    feed = site.add("/feed.xml", rss("قناة", good_pages(site, 1)), content_type="application/rss+xml")
    fetch([feed], tmp_path)
    agents = {headers["user-agent"] for _, headers in site.requests}
    assert len(agents) == 1 and f"summarize/{__version__}" in agents.pop()


def test_a_rerun_asks_for_the_feed_conditionally_and_never_fetches_a_page_twice(site, tmp_path):
    items = good_pages(site)
    feed = site.add("/feed.xml", rss("قناة", items), content_type="application/rss+xml", etag='"v1"')
    first, _, _ = fetch([feed], tmp_path)
    second, problems, counts = fetch([feed], tmp_path)
    assert [a.text for a in second] == [a.text for a in first] and problems == []
    assert site.seen("/feed.xml")[1].get("if-none-match") == '"v1"'  # answered 304 by the server
    assert counts.feeds_unchanged == 1 and counts.from_store == 3 and counts.fetched == 0
    # One new item: only that page is fetched.
    items += good_pages(site, 4)[3:]
    site.add("/feed.xml", rss("قناة", items), content_type="application/rss+xml", etag='"v2"')
    third, _, counts = fetch([feed], tmp_path)
    assert len(third) == 4 and counts.fetched == 1 and counts.from_store == 3
    for n in range(4):
        assert len(site.seen(f"/news/{n}.html")) == 1


def test_no_store_fetches_every_time(site, tmp_path):
    feed = site.add("/feed.xml", rss("قناة", good_pages(site, 1)), content_type="application/rss+xml", etag='"v1"')
    fetch([feed], tmp_path, use_store=False)
    fetch([feed], tmp_path, use_store=False)
    assert len(site.seen("/news/0.html")) == 2 and "if-none-match" not in site.seen("/feed.xml")[1]


def test_atom_and_rss_1_feeds_and_a_saved_feed_file(site, tmp_path):
    items = good_pages(site)
    iso = [dict(i, date="2024-05-03T10:00:00+03:00") for i in items]
    atom_feed = site.add("/atom.xml", atom("أتوم", iso[:1]), content_type="application/atom+xml")
    rdf_feed = site.add("/rdf.xml", rdf("آر دي إف", iso[1:2]), content_type="application/rdf+xml")
    saved = tmp_path / "saved.rss"
    saved.write_text(rss("محفوظ", items[2:]), encoding="utf-8")
    articles, problems, counts = fetch([atom_feed, rdf_feed, str(saved)], tmp_path)
    assert problems == [] and counts.feeds == 3
    assert [(a.source, a.url) for a in articles] == [("أتوم", items[0]["link"]), ("آر دي إف", items[1]["link"]),
                                                     ("محفوظ", items[2]["link"])]


def test_a_page_url_named_directly_takes_its_site_name(site, tmp_path):
    good_pages(site, 1)
    articles, problems, counts = fetch([site.url("/news/0.html")], tmp_path)
    assert problems == [] and len(articles) == 1 and articles[0].source == "شبكة الأخبار"
    assert articles[0].date == "2024-05-03" and counts.fetched == 1
    again, _, counts = fetch([site.url("/news/0.html")], tmp_path)
    assert counts.from_store == 1 and len(site.seen("/news/0.html")) == 1 and again[0].text == articles[0].text


def test_date_and_since_select_items_before_their_pages_are_fetched(site, tmp_path):
    items = good_pages(site, 3)
    items[0]["date"] = "Tue, 30 Apr 2024 10:00:00 +0300"
    items[2]["date"] = "Sat, 04 May 2024 10:00:00 +0300"
    feed = site.add("/feed.xml", rss("قناة", items), content_type="application/rss+xml")
    on_day, _, counts = fetch([feed], tmp_path, date="2024-05-03", use_store=False)
    assert [a.url for a in on_day] == [items[1]["link"]] and counts.skipped == 2
    assert len(site.seen("/news/0.html")) == 0  # dated out by the feed: never fetched
    since, _, _ = fetch([feed], tmp_path, since="2024-05-03", use_store=False)
    assert [a.url for a in since] == [items[1]["link"], items[2]["link"]]


def test_the_per_host_limit_holds(site, tmp_path):
    items = []
    for n in range(6):
        path = f"/slowish/{n}.html"
        site.add(path, article_page(f"خبر {n}", SENTENCES[n:n + 3]), delay=0.3)
        items.append({"title": str(n), "link": site.url(path), "date": DATE})
    feed = site.add("/feed.xml", rss("قناة", items), content_type="application/rss+xml")
    articles, _, _ = fetch([feed], tmp_path, per_host=2, connections=8, timeout=5)
    assert len(articles) == 6 and site.most_in_flight == 2


def test_an_unreachable_host_is_one_reason_and_the_run_goes_on(site, tmp_path):
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now: connection refused
    feed = site.add("/feed.xml", rss("قناة", good_pages(site, 1)), content_type="application/rss+xml")
    articles, problems, counts = fetch([f"http://127.0.0.1:{port}/feed.xml", feed], tmp_path)
    assert len(articles) == 1
    assert [p.reason for p in problems] == [f"robots.txt of http://127.0.0.1:{port} unavailable (connection refused): "
                                            "not fetched"]


def test_a_feed_that_is_not_a_feed_and_duplicates_across_feeds(site, tmp_path):
    items = good_pages(site, 2)
    one = site.add("/one.xml", rss("قناة", items), content_type="application/rss+xml")
    two = site.add("/two.xml", rss("قناة", items[1:]), content_type="application/rss+xml")
    junk = site.add("/junk.xml", b"\x00\x01 not xml at all", content_type="application/rss+xml")
    articles, problems, _ = fetch([one, two, junk], tmp_path)
    assert [a.url for a in articles] == [i["link"] for i in items]  # the page in both feeds is read once
    reasons = [p.reason for p in problems]
    assert any(r.startswith("duplicate of") for r in reasons)
    assert any(p.input == junk and p.reason.startswith("not an RSS or Atom feed") for p in problems)


def test_feeds_in_a_folder_are_read_and_other_xml_is_reported(site, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "day.rss").write_text(rss("قناة", good_pages(site, 1)), encoding="utf-8")
    (folder / "notes.xml").write_text("<notes/>", encoding="utf-8")
    articles, problems, _ = fetch([folder], tmp_path)
    assert len(articles) == 1
    assert [(p.input.endswith("notes.xml"), p.reason) for p in problems] == [(True, "not a supported file type (.xml)")]


def test_without_a_fetcher_a_url_is_no_file():
    problems = []
    with pytest.raises(Exception, match="no such file"):
        list(read_articles(["http://127.0.0.1:9/feed.xml"], problems))
