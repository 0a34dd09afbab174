"""Languages and characters: summarize.ingest.language, and what ingest leaves to the cleaner."""
import base64
import hashlib
import random

import pytest

from summarize.clean import clean_article
from summarize.ingest.language import detect_language
from tests.ingest.samples import ARTICLE, BODY, ENGLISH, TITLE, read, write_feed


def test_english_and_other_languages_are_read_and_labelled_not_skipped(tmp_path):
    (tmp_path / "en.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "fr.txt").write_text("L'UE veut sauver l'accord\nLe président a annoncé mardi que les États-Unis "
                                     "se retireraient de l'accord et que les sanctions seraient rétablies.", encoding="utf-8")
    (tmp_path / "ru.txt").write_text("Заголовок\nПрезидент объявил во вторник о выходе из соглашения.", encoding="utf-8")
    (tmp_path / "fa.txt").write_text("عنوان\nرئیس جمهور آمریکا روز سه‌شنبه اعلام کرد که کشورش از توافق هسته‌ای "
                                     "با ایران خارج می‌شود.", encoding="utf-8")
    (tmp_path / "zz.txt").write_text("12 345\n678 — 2018/05/08 !!!", encoding="utf-8")
    articles, problems = read([tmp_path])
    assert problems == []
    assert {a.id: a.language for a in articles} == {"en": "en", "fa": "fa", "fr": "fr", "ru": "ru", "zz": "unknown"}


def test_mixed_arabic_and_english_paragraphs_are_arabic(tmp_path):
    mixed = (f"{TITLE}\n{BODY.splitlines()[0]}\n"
             "\"We will not renegotiate this agreement,\" the EU's foreign policy chief told reporters in Brussels.\n"
             f"{BODY.splitlines()[1]}\nTrump tweeted: the deal is the worst ever.\n")
    (tmp_path / "mixed.txt").write_text(mixed, encoding="utf-8")
    (article,), _ = read([tmp_path / "mixed.txt"])
    assert article.language == "ar"
    assert "Brussels" in article.text


@pytest.mark.parametrize(
    "text, language",
    [
        ("Trump quits Iran deal", "en"),
        (ENGLISH, "en"),
        (ARTICLE, "ar"),
        ("امریکی صدر نے منگل کو اعلان کیا کہ ان کا ملک ایران کے ساتھ جوہری معاہدے سے نکل جائے گا", "ur"),
        ("El presidente anunció el martes que Estados Unidos se retiraría del acuerdo nuclear con Irán.", "es"),
        ("Der Präsident hat am Dienstag angekündigt, dass die USA aus dem Abkommen aussteigen werden.", "de"),
        ("", "unknown"),
        ("%%% 2018 ***", "unknown"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_bidi_overrides_and_zero_width_characters_leave_the_title_at_ingest_and_the_text_in_clean(tmp_path):
    noisy_title = "\u202b" + TITLE.replace(" ", " \u200b", 2) + "\u202c"
    noisy_body = BODY.replace("الاتحاد", "الا\u200dتحاد").replace("إيران", "\u2067إيران\u2069\u200e")
    (tmp_path / "bidi.txt").write_text(f"{noisy_title}\n{noisy_body}\n", encoding="utf-8")
    (article,), problems = read([tmp_path / "bidi.txt"])
    assert problems == [] and article.language == "ar"
    assert article.title == TITLE  # a title reaches log lines and outputs: no bidi or invisible characters
    assert article.text == noisy_body  # ingest does not alter the text: the cleaner does
    cleaned = clean_article(article)
    assert cleaned.title == TITLE and cleaned.text == BODY


def test_an_arabic_article_with_a_long_base64_blob_is_arabic(tmp_path):
    blob = base64.b64encode(random.Random(5).randbytes(60_000)).decode()
    rows = [
        {"id": "blob", "text_ar": f"{blob}\n{BODY}"},
        {"id": "image", "text_ar": f'<img src="data:image/png;base64,{blob}"> {BODY}'},
        {"id": "links", "text_ar": " ".join(f"https://example.com/{hashlib.sha256(bytes([n])).hexdigest()}?utm_source=x"
                                          for n in range(60)) + f" {BODY}"},
        {"id": "hashes", "text_ar": " ".join(hashlib.sha256(bytes([n])).hexdigest() for n in range(60)) + f" {BODY}"},
        {"id": "english", "text_ar": f"{blob}\n{ENGLISH}"},
    ]
    articles, problems = read([write_feed(tmp_path / "f.jsonl", rows)])
    assert [(a.id, a.language) for a in articles] == [
        ("blob", "ar"), ("image", "ar"), ("links", "ar"), ("hashes", "ar"), ("english", "en")]
    assert problems == []


def test_long_words_are_language_not_data():
    # Runs without a digit or a base64 symbol are words, however long.
    assert detect_language("The Donaudampfschifffahrtsgesellschaft and its counterrevolutionaries said on "
                           "Tuesday that the deal was working and that it was delivering on its goal.") == "en"


@pytest.mark.parametrize("text", ["ـــــــــــ", "\u200b\u200c\u200d \u200e\u202e\ufeff", "ـ\u064eـ\u064f ـ", "\u3164\u2800"])
def test_an_article_of_characters_that_show_nothing_is_skipped_with_a_reason(tmp_path, text):
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    feed = write_feed(tmp_path / "f.jsonl", [{"id": "x", "title_ar": "عنوان", "text_ar": text}])
    articles, problems = read([tmp_path / "a.txt", feed])
    assert articles == []
    assert [(p.input, p.reason) for p in problems] == [
        (str(tmp_path / "a.txt"), NOTHING_SHOWS), (f"{feed}:1", NOTHING_SHOWS)]


NOTHING_SHOWS = "no article text: only characters that show nothing (tatweel, spaces, zero-width or control characters)"
