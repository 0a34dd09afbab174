"""Keys, request rates, size limits, the body cap and CORS, each with LibreTranslate's answer."""
import socket

import httpx
import pytest

from summarize.errors import UserError
from summarize.service.access import load_keys
from tests.service.harness import echo_service, serving


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    keys = folder / "keys.txt"
    keys.write_text("# the team's keys\nalpha\nbeta req_limit=2\ngamma char_limit=10\n", encoding="utf-8")
    service = echo_service(folder, api_keys=str(keys), batch_limit=3, char_limit=2000)
    with serving(service) as url:
        yield url, service


def post(url, path, **body):
    return httpx.post(url + path, json=body, timeout=30)


def test_no_key_is_400_and_a_bad_key_403(keyed):
    url, _ = keyed
    missing = post(url, "/translate", q="نص", source="ar")
    assert missing.status_code == 400
    assert missing.json() == {"error": "Please contact the server operator to get an API key"}
    wrong = post(url, "/translate", q="نص", source="ar", api_key="nope")
    assert wrong.status_code == 403 and wrong.json() == {"error": "Invalid API key"}
    assert post(url, "/translate", q="نص", source="ar", api_key="alpha").status_code == 200
    # a form's key counts as a JSON one does, and so does /detect's and /summarize's
    form = httpx.post(url + "/detect", data={"q": "نص", "api_key": "alpha"}, timeout=30)
    assert form.status_code == 200
    assert post(url, "/summarize", text="A sentence.").status_code == 400
    assert post(url, "/summarize", text="A sentence.", api_key="alpha").status_code == 200


def test_a_key_past_its_rate_is_429(keyed):
    url, _ = keyed
    answers = [post(url, "/translate", q="نص", source="ar", api_key="beta") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json() == {"error": "Slowdown: 2 per 1 minute"}
    assert post(url, "/translate", q="نص", source="ar", api_key="alpha").status_code == 200  # others unaffected


def test_character_and_batch_limits_are_400(keyed):
    url, _ = keyed
    long = post(url, "/translate", q="ن" * 2001, source="ar", api_key="alpha")
    assert long.status_code == 400
    assert long.json() == {"error": "Invalid request: request (2001) exceeds text limit (2000)"}
    own = post(url, "/translate", q="نص نص نص نص", source="ar", api_key="gamma")  # gamma's own limit: 10
    assert own.status_code == 400 and own.json()["error"] == "Invalid request: request (11) exceeds text limit (10)"
    batch = post(url, "/translate", q=["أ", "ب", "ت", "ث"], source="ar", api_key="alpha")
    assert batch.status_code == 400
    assert batch.json() == {"error": "Invalid request: request (4) exceeds text limit (3)"}


def test_body_over_the_cap_is_refused_unread(keyed):
    url, service = keyed
    before = service.metrics.texts.labels("translation")._value.get()
    huge = post(url, "/translate", q="ن" * 1_000_000, source="ar", api_key="alpha")  # 2 MB of UTF-8
    assert huge.status_code == 413
    assert huge.json() == {"error": "Invalid request: the body is over the limit of 1,000,000 bytes"}
    assert service.metrics.texts.labels("translation")._value.get() == before  # nothing reached the translator


def test_body_sent_in_chunks_is_counted_as_it_comes(keyed):
    url, _ = keyed

    def chunks():
        yield b'{"q": "'
        for _ in range(300):
            yield ("ن" * 2000).encode()  # 1.2 MB in all, with no Content-Length
        yield b'", "source": "ar", "api_key": "alpha"}'

    response = httpx.post(url + "/translate", content=chunks(), headers={"content-type": "application/json"},
                          timeout=30)
    assert response.status_code == 413


def test_a_declared_length_over_the_cap_is_refused_before_the_body(keyed):
    url, _ = keyed
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 5000000\r\n\r\n")  # and no body at all
        reply = connection.recv(4096).decode()
    assert reply.startswith("HTTP/1.1 413")


def test_languages_health_and_metrics_need_no_key(keyed):
    url, _ = keyed
    for path in ("/languages", "/health", "/metrics"):
        assert httpx.get(url + path, timeout=30).status_code == 200


def test_keys_file_mistakes_are_one_line(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        load_keys(tmp_path / "absent.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("alpha req_limit=ten\n", encoding="utf-8")
    with pytest.raises(UserError, match="line 1: 'req_limit=ten' is not req_limit=N or char_limit=N"):
        load_keys(bad)
    empty = tmp_path / "empty.txt"
    empty.write_text("# none yet\n", encoding="utf-8")
    with pytest.raises(UserError, match="no keys"):
        load_keys(empty)


def test_without_keys_the_rate_is_per_client(tmp_path):
    with serving(echo_service(tmp_path, req_limit=1)) as url:
        assert post(url, "/translate", q="نص", source="ar").status_code == 200
        again = post(url, "/translate", q="نص", source="ar")
        assert again.status_code == 429 and again.json() == {"error": "Slowdown: 1 per 1 minute"}


def test_cors_only_when_asked_for(tmp_path):
    origin = {"Origin": "https://weblate.example"}
    with serving(echo_service(tmp_path / "a")) as url:
        assert "access-control-allow-origin" not in httpx.get(url + "/languages", headers=origin).headers
    with serving(echo_service(tmp_path / "b", cors="https://weblate.example")) as url:
        allowed = httpx.get(url + "/languages", headers=origin)
        assert allowed.headers["access-control-allow-origin"] == "https://weblate.example"
        preflight = httpx.options(url + "/translate", headers={**origin, "Access-Control-Request-Method": "POST"})
        assert preflight.status_code == 200
        other = httpx.get(url + "/languages", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers
