"""The polite client on its own, against the loopback news site: redirects, size caps, robots.txt."""
import pytest

from summarize.fetch.client import MAX_REDIRECTS, FetchError, PoliteClient
from tests.fetch.server import NewsSite


@pytest.fixture
def site():
    with NewsSite() as news:
        yield news


def test_a_redirect_is_followed_to_the_page(site):
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    site.add("/old", status=301, headers={"Location": "/new"})
    site.add("/new", "<p>here</p>")
    with PoliteClient(timeout=2) as client:
        response = client.get(site.url("/old"))
    assert response.status == 200 and response.body == b"<p>here</p>"
    assert response.url == site.url("/old") and response.final_url == site.url("/new")


def test_too_many_redirects_are_reported_with_the_chain(site):
    for n in range(MAX_REDIRECTS + 2):
        site.add(f"/hop{n}", status=302, headers={"Location": f"/hop{n + 1}"})
    with PoliteClient(timeout=2) as client, pytest.raises(FetchError, match=f"more than {MAX_REDIRECTS} redirects"):
        client.get(site.url("/hop0"))
    assert len(site.seen(f"/hop{MAX_REDIRECTS + 1}")) == 0  # the limit holds: the last hop is never asked for


def test_a_response_over_the_size_cap_is_refused(site):
    site.add("/big.html", b"x" * 5000)
    with PoliteClient(timeout=2, max_bytes=1000) as client, pytest.raises(FetchError, match="too large"):
        client.get(site.url("/big.html"))
    with PoliteClient(timeout=2, max_bytes=10_000) as client:
        assert len(client.get(site.url("/big.html")).body) == 5000


def test_a_disallowed_page_is_never_requested_and_a_missing_robots_txt_allows_all(site):
    site.add("/robots.txt", "User-agent: summarize\nDisallow: /mine/\n\nUser-agent: *\nDisallow: /\n",
             content_type="text/plain")
    site.add("/mine/a.html", "a")
    site.add("/open.html", "b")
    with PoliteClient(timeout=2) as client:
        with pytest.raises(FetchError, match="disallowed by robots.txt") as refused:
            client.get(site.url("/mine/a.html"))
        assert refused.value.robots
        assert client.get(site.url("/open.html")).body == b"b"  # our own group applies, not the catch-all
    assert site.seen("/mine/a.html") == []
    with NewsSite() as bare:  # no robots.txt at all: a 404, and everything is allowed
        bare.add("/page.html", "c")
        with PoliteClient(timeout=2) as client:
            assert client.get(bare.url("/page.html")).body == b"c"


def test_a_failing_robots_txt_puts_the_host_off_limits(site):
    site.add("/robots.txt", "down", status=503)
    site.add("/page.html", "c")
    with PoliteClient(timeout=2) as client, pytest.raises(FetchError, match=r"robots.txt .* unavailable \(HTTP 503\)"):
        client.get(site.url("/page.html"))
    assert site.seen("/page.html") == []


def test_only_http_urls_are_fetched():
    with PoliteClient(timeout=1) as client, pytest.raises(FetchError, match="^not an http"):
        client.get("file:///etc/passwd")
