"""Languages and characters: summarize.ingest.language, and what ingest leaves to the cleaner."""
import base64
import hashlib
import json
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from summarize.clean import clean_article
from summarize.ingest.language import CANDIDATES, detect_language
from tests.ingest.samples import ARTICLE, BODY, ENGLISH, TITLE, read, write_feed

ROOT = Path(__file__).resolve().parents[2]
# The labelled set of tools.langid_bench: news prose in each language the pipeline translates.
LANGID_SET = [json.loads(line) for line in (ROOT / "tools" / "langid_set" / "texts.jsonl").read_text(encoding="utf-8").splitlines()]


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
        ("12 345\n678 — 2018/05/08 !!!", "unknown"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text, language",
    [
        ("وزير الاقتصاد يعلن خطة لخفض الأسعار", "ar"),
        ("وزیر اقتصاد از برنامه کاهش قیمت‌ها خبر داد", "fa"),
        ("وزیر خزانہ نے قیمتوں میں کمی کا اعلان کر دیا", "ur"),
        ("د اقتصاد وزیر د بیو د کمولو پلان اعلان کړ", "ps"),
        ("وەزیری ئابووری پلانی دابەزاندنی نرخەکانی ڕاگەیاند", "ku"),
        ("שר הכלכלה הודיע על תוכנית להורדת מחירים", "he"),
        ("Ekonomi bakanı fiyatları düşürme planını açıkladı", "tr"),
        ("Le ministre de l'Économie annonce un plan contre la vie chère", "fr"),
        ("Economy minister unveils plan to cut prices", "en"),
        ("Wirtschaftsminister kündigt Plan gegen hohe Preise an", "de"),
        ("El ministro de Economía presenta un plan para bajar los precios", "es"),
        ("Министр экономики объявил о плане снижения цен", "ru"),
        ("Il ministro dell'Economia presenta un piano contro il caro prezzi", "it"),
        ("O ministro da Economia anuncia plano para baixar os preços", "pt"),
        ("经济部长宣布降低物价的计划", "zh"),
        ("Menteri ekonomi umumkan rencana menurunkan harga", "id"),
    ],
)
def test_a_headline_in_each_language_the_pipeline_translates(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("kind, least", [("short", 0.75), ("long", 1.0)])
def test_the_labelled_sets_headlines_and_paragraphs_are_recognised_in_each_language(kind, least):
    right, total = defaultdict(int), defaultdict(int)
    for row in LANGID_SET:
        if row["kind"] == kind and row["lang"] in CANDIDATES:
            total[row["lang"]] += 1
            right[row["lang"]] += detect_language(row["text"]) == row["lang"]
    assert set(total) == CANDIDATES
    assert {code: f"{right[code]}/{n}" for code, n in total.items() if right[code] < least * n} == {}


@pytest.mark.parametrize(
    "text, language",
    [
        # Persian and Urdu headlines without ک/ی against ة: the letters alone told them apart badly.
        ("پاکستان نے دوسرا ٹیسٹ میچ جیت لیا", "ur"),
        ("قومی اسمبلی نے نیا بجٹ منظور کر لیا", "ur"),
        ("تیم ملی والیبال ایران قهرمان آسیا شد", "fa"),
        ("مجلس لایحه بودجه سال آینده را تصویب کرد", "fa"),
        ("المنتخب الوطني يتأهل إلى نهائي كأس آسيا", "ar"),
        ("البرلمان يقر الموازنة العامة بعد جلسة طويلة", "ar"),
        # Pashto and Sorani share the Persian letters and were Persian to the letter counts.
        ("په کابل کې د اوړو بیه لوړه شوه", "ps"),
        ("نرخی نەوت لە بازاڕەکانی جیهان بەرز بووەوە", "ku"),
    ],
)
def test_arabic_persian_urdu_pashto_and_sorani_are_told_apart(text, language):
    assert detect_language(text) == language


def test_arabic_articles_quoting_english_at_length_are_arabic():
    mixed = [row["text"] for row in LANGID_SET if row["kind"] == "mixed"]
    assert len(mixed) >= 10
    assert [text[:40] for text in mixed if detect_language(text) != "ar"] == []


def test_the_title_and_the_text_are_read_together():
    # A two-word title alone is a guess; with its article it is not.
    assert detect_language("Crolla la Borsa", "I mercati europei hanno chiuso in forte calo dopo i dati sull'inflazione.") == "it"


@pytest.mark.parametrize(
    "text, language",
    [
        ("Верховна Рада ухвалила закон про освіту", "uk"),
        ("De Nederlandsche Bank verwacht dat de economie volgend jaar met anderhalf procent groeit.", "nl"),
        ("Reprezentacja Polski w siatkówce pokonała Francję i awansowała do półfinału.", "pl"),
        ("Hikûmeta herêmê ragihand ku meaşê karmendan dê hefteya bê were dayîn.", "kmr"),
    ],
)
def test_a_language_without_a_translator_is_named_not_taken_for_a_neighbour(text, language):
    # Ukrainian is not Russian, nor Dutch German: sent to those translators they would come out garbled.
    assert detect_language(text) == language


def test_the_model_is_loaded_on_the_first_article_not_at_import_or_for_help():
    probe = ("import runpy, sys\n"
             "import summarize.ingest.language\n"
             "assert 'py3langid' not in sys.modules\n"
             "sys.argv = ['summarize', '--help']\n"
             "try:\n    runpy.run_module('summarize', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "assert 'py3langid' not in sys.modules\n"
             "assert summarize.ingest.language.detect_language('Guten Morgen aus Berlin, wie geht es euch heute') == 'de'\n"
             "assert 'py3langid' in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


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
