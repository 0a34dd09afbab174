"""Languages and characters: summarize.ingest.language, and what ingest leaves to the cleaner."""
import pytest

from summarize.clean import clean_article
from summarize.ingest.language import detect_language
from tests.ingest.samples import ARTICLE, BODY, ENGLISH, TITLE, read


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


def test_bidi_overrides_and_zero_width_characters_pass_ingest_and_clean_removes_them(tmp_path):
    noisy_title = "\u202b" + TITLE.replace(" ", " \u200b", 2) + "\u202c"
    noisy_body = BODY.replace("الاتحاد", "الا\u200dتحاد").replace("إيران", "\u2067إيران\u2069\u200e")
    (tmp_path / "bidi.txt").write_text(f"{noisy_title}\n{noisy_body}\n", encoding="utf-8")
    (article,), problems = read([tmp_path / "bidi.txt"])
    assert problems == [] and article.language == "ar"
    assert article.title == noisy_title and article.text == noisy_body  # ingest does not alter the text
    cleaned = clean_article(article)
    assert cleaned.title == TITLE and cleaned.text == BODY
