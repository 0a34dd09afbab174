"""LibreTranslate's API as its clients use it: libretranslatepy itself, and raw requests for what it
does not send (batches, JSON, html, every error)."""
import pytest

from tests.service.harness import echo_service, serving

ARABIC = "قال المتحدث باسم التحالف إن القوات استعادت السيطرة على القرى. وأضاف أن الغارات استهدفت مواقع التنظيم."
FRENCH = "La coalition a annoncé la fin de la première phase des opérations militaires dans l'est de la Syrie."


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    service = echo_service(tmp_path_factory.mktemp("lt"))
    with serving(service) as url:
        yield url, service


def test_libretranslatepy_languages_translate_detect(served):
    from libretranslatepy import LibreTranslateAPI

    api = LibreTranslateAPI(served[0])
    languages = api.languages()
    assert {"code": "ar", "name": "Arabic", "targets": ["en"]} in languages
    assert {entry["code"] for entry in languages} == {"ar", "en", "fr"}
    english = api.translate(ARABIC, "ar", "en")
    # The echo translator answers "<segment>": both sentences, in order, the Arabic normalised as the cleaner does.
    assert english.startswith("<قال المتحدث") and english.count("<") == 2 and english.endswith(">")
    assert api.detect(FRENCH)[0] == {"language": "fr", "confidence": 100} or api.detect(FRENCH)[0]["language"] == "fr"


def test_json_and_form_bodies_answer_alike(client):
    as_form = client.post("/translate", data={"q": ARABIC, "source": "ar", "target": "en"})
    as_json = client.post("/translate", json={"q": ARABIC, "source": "ar", "target": "en"})
    assert as_form.status_code == as_json.status_code == 200
    assert as_form.json() == as_json.json()
    assert set(as_json.json()) == {"translatedText"}


def test_batch_q_keeps_order_and_lines(client):
    texts = [ARABIC, "", "سطر أول\nسطر ثان", FRENCH]
    answer = client.post("/translate", json={"q": texts, "source": "ar", "target": "en"}).json()
    english = answer["translatedText"]
    assert isinstance(english, list) and len(english) == 4
    assert english[1] == ""
    assert english[2] == "<سطر أول>\n<سطر ثان>"  # one English line per line
    assert english[0].count("<") == 2


def test_auto_detects_each_text_with_integer_confidence(client, served):
    single = client.post("/translate", json={"q": FRENCH, "source": "auto", "target": "en"}).json()
    assert single["detectedLanguage"]["language"] == "fr"
    assert isinstance(single["detectedLanguage"]["confidence"], int)
    assert 0 < single["detectedLanguage"]["confidence"] <= 100
    batch = client.post("/translate", json={"q": [ARABIC, FRENCH, "The coalition met in Baghdad today."],
                                            "source": "auto"}).json()
    assert [d["language"] for d in batch["detectedLanguage"]] == ["ar", "fr", "en"]
    assert batch["translatedText"][2] == "The coalition met in Baghdad today."  # English passes through
    assert batch["translatedText"][1] == f"<{FRENCH}>"


def test_detect_answers_candidates(client):
    answer = client.post("/detect", data={"q": ARABIC}).json()
    assert answer[0]["language"] == "ar" and isinstance(answer[0]["confidence"], int)
    assert all(set(entry) == {"language", "confidence"} for entry in answer)


def test_html_translates_text_nodes_and_keeps_markup(client):
    markup = '<p class="lead">قال <b>المتحدث</b> &amp; أضاف</p><script>var x = "لا";</script><span translate="no">اسم</span>'
    english = client.post("/translate", json={"q": markup, "source": "ar", "format": "html"}).json()["translatedText"]
    assert english == ('<p class="lead">&lt;قال&gt; <b>&lt;المتحدث&gt;</b> &lt;&amp; أضاف&gt;</p>'
                       '<script>var x = "لا";</script><span translate="no">اسم</span>')


@pytest.mark.parametrize("body, message", [
    ({"source": "ar", "target": "en"}, "Invalid request: missing q parameter"),
    ({"q": "", "source": "ar"}, "Invalid request: missing q parameter"),
    ({"q": "نص", "source": "ar", "target": "de"}, "de is not supported"),
    ({"q": "نص", "source": "ru", "target": "en"}, "ru is not supported"),
    ({"q": "نص", "source": "ar", "format": "pdf"}, "Invalid request: format must be text or html, not 'pdf'"),
    ({"q": [1, 2], "source": "ar"}, "Invalid request: q must be a string or a list of strings"),
])
def test_bad_requests_are_400_with_an_error(client, body, message):
    for response in (client.post("/translate", json=body),
                     client.post("/translate", data={k: v for k, v in body.items() if not isinstance(v, list)})):
        if "q" in body and isinstance(body["q"], list):
            continue  # a form cannot send a list of numbers
        assert response.status_code == 400
        assert response.json() == {"error": message}


def test_auto_detected_language_without_translator_is_400(client):
    response = client.post("/translate", json={"q": "Коалиция объявила об окончании первого этапа операций.",
                                               "source": "auto"})
    assert response.status_code == 400 and response.json() == {"error": "ru is not supported"}


def test_malformed_bodies_are_400(client):
    broken = client.post("/translate", content=b'{"q": "x"', headers={"content-type": "application/json"})
    assert broken.status_code == 400 and broken.json()["error"].startswith("Invalid request")
    listed = client.post("/translate", json=["x"])
    assert listed.status_code == 400 and "object" in listed.json()["error"]
    other = client.post("/translate", content=b"q=x", headers={"content-type": "text/plain"})
    assert other.status_code == 400 and "error" in other.json()


def test_unknown_path_and_method_keep_the_shape(client):
    assert client.get("/nowhere").json() == {"error": "Not Found"}
    wrong = client.get("/translate")
    assert wrong.status_code == 405 and set(wrong.json()) == {"error"}


def test_internal_failure_is_500_with_an_error(client, served):
    service = served[1]
    engine = service.pipeline.translators.get("fr").engine

    def broken(texts, settings):
        raise RuntimeError("the engine fell over")

    engine.generate, saved = broken, engine.generate
    try:
        response = client.post("/translate", json={"q": "Une phrase jamais vue avant ce test.", "source": "fr"})
    finally:
        engine.generate = saved
    assert response.status_code == 500
    assert response.json() == {"error": "Cannot translate text: RuntimeError: the engine fell over"}
    # the generation thread survived it
    assert client.post("/translate", json={"q": "Une autre phrase.", "source": "fr"}).status_code == 200


def test_alternatives_are_answered_empty(client):
    answer = client.post("/translate", json={"q": "نص", "source": "ar", "alternatives": 3}).json()
    assert answer["alternatives"] == []
    bad = client.post("/translate", json={"q": "نص", "source": "ar", "alternatives": "many"})
    assert bad.status_code == 400 and bad.json() == {"error": "Invalid request: alternatives must be a whole number"}


def test_a_bug_of_ours_is_500_with_an_error(client, monkeypatch):
    import summarize.service.libretranslate as app

    def broken(texts):
        raise RuntimeError("a bug")

    monkeypatch.setattr(app, "_detect_each", broken)
    response = client.post("/translate", json={"q": "نص", "source": "auto"})
    assert response.status_code == 500
    assert response.json() == {"error": "Cannot translate text: RuntimeError: a bug"}
