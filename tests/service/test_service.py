"""Our own endpoints, on the tiny models loaded as ``summarize serve`` loads them: /summarize, a
/digest job to completion, the archive at /, /health, /metrics, /docs."""
import json
import re
import time
from pathlib import Path

import pytest

from summarize.service.server import Service
from summarize.settings import Settings
from tests.service.harness import serving

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def served(tiny_models, tmp_path_factory):
    folder = tmp_path_factory.mktemp("service")
    settings = Settings().replace(translator=str(tiny_models["translator"]), summarizer=str(tiny_models["summarizer"]),
                                  cache=str(folder / "cache.sqlite3"), archive=str(folder / "archive"),
                                  summary_max_tokens=12, summary_min_tokens=2)
    service = Service(settings)
    service.load()
    with serving(service) as url:
        yield url, service


def articles(count=3):
    from summarize.ingest import read_articles

    found = list(read_articles([SEEDS]))[:count]
    return [{"title": a.title, "text": a.text, "source": a.source or "seed", "date": "2024-03-0%d" % (i + 1)}
            for i, a in enumerate(found)]


def test_loaded_before_ready(served):
    _, service = served
    engine = service.pipeline.translator.engine
    assert "translator" in engine.__dict__ or "network" in engine.__dict__  # the weights are in


def test_summarize_one_and_many(client):
    text = "The coalition said on Monday that its forces had retaken the villages. Officials met in Baghdad."
    one = client.post("/summarize", json={"text": text})
    assert one.status_code == 200 and isinstance(one.json()["summary"], str) and one.json()["summary"]
    many = client.post("/summarize", data={"text": [text, "Another short text about the talks."]})
    assert many.status_code == 200 and len(many.json()["summary"]) == 2
    assert many.json()["summary"][0] == one.json()["summary"]  # the same text, the same summary (cached)
    assert client.post("/summarize", json={}).json() == {"error": "Invalid request: missing text parameter"}


def test_digest_job_to_completion_and_filed(client, served):
    sent = articles(3)
    started = client.post("/digest", json={"articles": sent, "date": "2024-03-02", "archive": True})
    assert started.status_code == 202
    job = started.json()
    assert job["status"] in ("queued", "running") and job["url"] == f"/digest/{job['id']}"
    # the server answers while the job runs
    assert client.get("/health").json()["status"] == "ok"
    deadline = time.monotonic() + 120
    while True:
        view = client.get(job["url"]).json()
        if view["status"] not in ("queued", "running") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert view["status"] == "done", view.get("error")
    digest = view["digest"]
    assert [a["title_ar"] for a in digest["articles"]] == [a["title"] for a in sent]
    assert all(a["translation_en"] for a in digest["articles"])
    assert digest["date"] == "2024-03-02" and digest["stories"]
    # filed in the archive, whose pages the service serves
    archive = Path(served[1].settings.archive)
    assert (archive / "2024-03-02.json").is_file()
    page = client.get("/2024-03-02.html")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    index = client.get("/")
    assert index.status_code == 200 and "2024-03-02" in index.text
    assert client.post("/2024-03-02.html").status_code == 405  # read-only


def test_digest_job_that_fails_says_why(client):
    started = client.post("/digest", json={"articles": [{"title": "", "text": ""}]}).json()
    deadline = time.monotonic() + 30
    while (view := client.get(started["url"]).json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert view["status"] == "failed" and view["error"].startswith("no articles found")


@pytest.mark.parametrize("body, message", [
    ({}, "Invalid request: send articles, urls or both"),
    ({"articles": "x"}, "Invalid request: articles must be a list of objects, as the JSONL input's lines"),
    ({"urls": ["ftp://example.org/feed"]}, "Invalid request: urls must be a list of http(s) URLs"),
    ({"articles": [{"text": "نص"}], "date": "2024-13-01"}, "Invalid request: date must be YYYY-MM-DD, not '2024-13-01'"),
])
def test_digest_mistakes_are_400(client, body, message):
    response = client.post("/digest", json=body)
    assert response.status_code == 400 and response.json() == {"error": message}


def test_unknown_job_is_404(client):
    response = client.get("/digest/0123456789abcdef")
    assert response.status_code == 404 and response.json()["error"].startswith("no digest job 0123456789abcdef")


def test_metrics_count_requests_texts_cache_hits_and_time(client):
    sentence = "قال المتحدث إن الاجتماع سيعقد غدا في بغداد."
    for _ in range(2):
        assert client.post("/translate", json={"q": sentence, "source": "ar"}).status_code == 200
    text = client.get("/metrics").text
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    assert values['summarize_requests_total{endpoint="/translate",status="200"}'] >= 2
    assert values['summarize_texts_total{kind="translation"}'] >= 2
    assert values['summarize_cache_hits_total{kind="translation"}'] >= 1  # the second time, from the cache
    assert values['summarize_generation_seconds_total{kind="translation"}'] > 0
    assert "summarize_queue_depth" in values
    assert 'summarize_digest_jobs{status="done"}' in values


def test_health_and_docs(client):
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["translators"]["ar"].endswith("translator")
    docs = client.get("/docs")
    assert docs.status_code == 200
    # the page's script is served here, not by a CDN
    script = re.search(r'src="([^"]+swagger-ui-bundle\.js)"', docs.text)[1]
    assert script.startswith("/") and client.get(script).status_code == 200
    schema = client.get("/openapi.json").json()
    assert {"/translate", "/detect", "/languages", "/summarize", "/digest", "/digest/{job_id}"} <= set(schema["paths"])
    body = schema["paths"]["/translate"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(body)


def test_request_log_lines_hold_no_text(client, caplog):
    secret = "كلمة سرية لا تظهر في السجل"
    with caplog.at_level("INFO", logger="summarize"):
        assert client.post("/translate", json={"q": secret, "source": "ar"}).status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("POST /translate")]
    assert lines and all(secret not in line and "كلمة" not in line for line in lines)
    assert json.dumps(secret) not in caplog.text


def test_digest_job_of_a_feed_fetches_its_pages(client):
    from tests.fetch.server import SENTENCES, NewsSite, article_page, rss

    with NewsSite() as site:
        site.add("/robots.txt", "User-agent: *\n", content_type="text/plain")
        items = []
        for n in range(2):
            path = site.add(f"/news/{n}.html", article_page(f"خبر رقم {n}", SENTENCES[n * 3:n * 3 + 3]))
            items.append({"title": f"item {n}", "link": path, "date": "Fri, 03 May 2024 10:00:00 +0300"})
        items.append({"title": "gone", "link": site.url("/gone.html"), "date": "Fri, 03 May 2024 10:00:00 +0300"})
        feed = site.add("/feed.xml", rss("قناة الأخبار", items), content_type="application/rss+xml")
        started = client.post("/digest", json={"urls": [feed]}).json()
        deadline = time.monotonic() + 120
        while (view := client.get(started["url"]).json())["status"] in ("queued", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
    assert view["status"] == "done", view.get("error")
    digest = view["digest"]
    assert [(a["title_ar"], a["source"]) for a in digest["articles"]] == [("خبر رقم 0", "قناة الأخبار"),
                                                                          ("خبر رقم 1", "قناة الأخبار")]
    assert [e["reason"][:8] for e in digest["errors"]] == ["HTTP 404"]
    assert digest["run"]["fetch"]["fetched"] == 2
