import codecs
import gc
import hashlib
import json
import os
import random
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarize import ingest
from summarize.clean import clean_article
from summarize.ingest import DEFAULT_MAX_ARTICLE_CHARS, InputError, InputProblem, read_articles
from summarize.language import detect_language
from summarize.segment import segment_article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

TITLE = "الاتحاد الأوروبي يعلن التزامه بالاتفاق النووي مع إيران"
BODY = (
    "أكد الاتحاد الأوروبي أنه ما زال مصرا على الحفاظ على الاتفاق، وأنه سيعمل على الحفاظ على مصالحه الاقتصادية.\n"
    "وأكدت مسؤولة الشؤون الخارجية في الاتحاد الأوروبي فيديريكا موغريني، أن الاتحاد عازم على المحافظة على الاتفاق.\n"
    "وأضافت موغريني في بيان أن الاتفاق يحقق الغرض منه وهو ضمان عدم تطوير إيران أسلحة نووية."
)
ARTICLE = f"{TITLE}\n{BODY}\n"
ENGLISH = (
    "EU vows to keep the Iran nuclear deal alive\n"
    "The European Union said on Tuesday that it was determined to preserve the nuclear deal with Iran.\n"
    "Its foreign policy chief said the agreement was working and that it was delivering on its goal."
)


def count_words(texts: list[str]) -> list[int]:
    return [len(t.split()) for t in texts]


def read(paths, **kwargs) -> tuple[list, list[InputProblem]]:
    problems: list[InputProblem] = []
    articles = list(read_articles([Path(p) for p in paths], problems, **kwargs))
    return articles, problems


def reasons(problems: list[InputProblem]) -> dict[str, str]:
    """File name (with ":line" for feed lines) -> reason."""
    return {Path(p.input).name: p.reason for p in problems}


def write_feed(path: Path, rows: list) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- the formats ---------------------------------------------------------------------------------------


def test_directory_of_text_files_gives_one_article_each_with_title_and_id():
    articles = list(read_articles([SEEDS]))
    assert len(articles) == 5
    assert sorted(a.id for a in articles) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for article in articles:
        first_line = (SEEDS / f"{article.id}.txt").read_text(encoding="utf-8").splitlines()[0]
        assert article.title == first_line.strip()
        assert article.text and first_line not in article.text.splitlines()[:1]
        assert article.language == "ar"


def test_jsonl_feed_keeps_id_source_url_and_date(tmp_path):
    feed = tmp_path / "day.jsonl"
    rows = [
        {"id": "a-1", "title_ar": "عنوان", "text_ar": "نص الخبر.", "source": "BBC", "url": "http://x/1", "date": "2018-05-08"},
        {"id": "a-2", "title_ar": "عنوان ثان", "text_ar": "نص آخر.", "source": "CNN", "date_extracted": "2015-08-10 10:00"},
    ]
    feed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    first, second = read_articles([feed])
    assert (first.id, first.title, first.text, first.source, first.url, first.date) == (
        "a-1", "عنوان", "نص الخبر.", "BBC", "http://x/1", "2018-05-08")
    assert (second.id, second.source, second.url, second.date) == ("a-2", "CNN", None, "2015-08-10 10:00")
    assert first.origin.endswith("day.jsonl:1")


def test_bad_feed_lines_are_skipped_and_reported(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "ok", "text_ar": "نص."}\n{not json\n[1, 2]\n{"id": "empty", "text_ar": "  "}\n', encoding="utf-8")
    problems = []
    articles = list(read_articles([feed], problems))
    assert [a.id for a in articles] == ["ok"]
    assert [p.input.rsplit(":", 1)[1] for p in problems] == ["2", "3", "4"]


def test_real_news_day_reads_completely():
    data = Path(__file__).resolve().parents[2] / "shared" / "data" / "news_ar_2018-05-08.jsonl"
    if not data.exists():
        pytest.skip(f"{data} is not present")
    problems = []
    articles = list(read_articles([data], problems))
    assert len(articles) == 131 and problems == []
    assert {a.source for a in articles} == {"BBC", "CNN", "alarabia", "france24", "skynews"}
    assert {a.language for a in articles} == {"ar"}


def test_read_articles_is_a_lazy_generator(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    problems = []
    articles = read_articles([tmp_path / "missing"], problems)  # nothing happens until iterated
    assert problems == []
    with pytest.raises(InputError):
        next(articles)


# --- missing paths ---------------------------------------------------------------------------------------


def test_a_missing_path_among_others_is_reported_and_the_others_are_read(tmp_path):
    one = sorted(SEEDS.glob("*.txt"))[:2]
    assert [a.id for a in read_articles(one)] == [p.stem for p in one]
    articles, problems = read([one[0], tmp_path / "absent.txt", one[1]])
    assert [a.id for a in articles] == [p.stem for p in one]
    assert problems == [InputProblem(str(tmp_path / "absent.txt"), "no such file or directory")]


def test_only_missing_paths_raise_input_error_before_reading(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_articles([tmp_path / "absent.txt", tmp_path / "gone", "bad\x00name", "x" * 5000]))


def test_a_broken_link_is_reported_as_such(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "nowhere.txt")
    articles, problems = read([tmp_path / "a.txt", tmp_path / "link.txt"])
    assert [a.id for a in articles] == ["a"]
    assert "broken link" in problems[0].reason


# --- empty, binary, encodings ----------------------------------------------------------------------------


def test_empty_and_whitespace_only_files_are_skipped_and_the_rest_read(tmp_path):
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_blank.txt").write_text("  \n\t\n \u3000\n", encoding="utf-8")
    (tmp_path / "c_ok.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "d_empty.jsonl").write_bytes(b"\n\n  \n")
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["c_ok"]
    assert reasons(problems) == {"a_empty.txt": "empty file", "b_blank.txt": "empty file (whitespace only)",
                                 "d_empty.jsonl": "empty file (whitespace only)"}


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        (b"PK\x03\x04" + bytes(40), "ZIP"),
        (random.Random(0).randbytes(4096), "binary file"),
        (bytes(random.Random(1).choice(range(1, 32)) for _ in range(2000)), "control characters"),
    ],
    ids=["png", "pdf", "zip", "random", "controls"],
)
def test_binary_files_are_skipped(tmp_path, data, kind):
    (tmp_path / "blob.txt").write_bytes(data)
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["ok"]
    assert len(problems) == 1 and problems[0].reason.startswith("binary file") and kind in problems[0].reason


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_unicode_encodings_with_bom_or_recognisable_nuls_read_the_same(tmp_path, encoding):
    text = "\r\n".join(ARTICLE.splitlines()) + " (Reuters) 2018"
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # no BOM: recognised by where the NUL bytes sit
        assert not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    (tmp_path / "a.txt").write_bytes(data)
    (article,), problems = read([tmp_path / "a.txt"])
    assert problems == []
    assert article.title == TITLE and article.text == BODY + " (Reuters) 2018"
    assert "\ufeff" not in article.title


def test_windows_1256_is_detected_and_noted(tmp_path):
    (tmp_path / "legacy.txt").write_bytes(ARTICLE.encode("cp1256"))
    (article,), problems = read([tmp_path / "legacy.txt"])
    assert (article.title, article.text, article.language) == (TITLE, BODY, "ar")
    assert problems == [InputProblem(str(tmp_path / "legacy.txt"), "not UTF-8: decoded as windows-1256", skipped=False)]


def test_a_legacy_latin_encoding_is_guessed_by_charset_normalizer(tmp_path):
    text = ENGLISH.replace("said on", "said \u201cfirmly\u201d on") + " Caf\u00e9 owners were \u201cpleased\u201d."
    (tmp_path / "en.txt").write_bytes(text.encode("cp1252"))
    (article,), problems = read([tmp_path / "en.txt"])
    assert "\u201cfirmly\u201d" in article.text and "Caf\u00e9" in article.text
    assert article.language == "en"
    assert len(problems) == 1 and not problems[0].skipped and problems[0].reason.startswith("not UTF-8: decoded as")


def test_invalid_utf8_with_little_damage_is_kept_with_replacements(tmp_path):
    data = ARTICLE.encode("utf-8")
    cut = data.index(" ".encode(), 200)
    damaged = data[:cut] + b"\xff\xfe" + data[cut:]
    (tmp_path / "a.txt").write_bytes(damaged)
    (article,), problems = read([tmp_path / "a.txt"])
    assert article.text.count("\ufffd") == 2
    assert article.text.replace("\ufffd", "") == BODY
    assert problems == [InputProblem(str(tmp_path / "a.txt"), "invalid UTF-8 replaced in 2 places", skipped=False)]


def test_badly_damaged_utf8_is_skipped(tmp_path):
    data = bytearray(ARTICLE.encode("utf-8"))
    for i in range(50, len(data), 30):  # cut every 30th byte: broken sequences everywhere
        data[i] = 0xFF
    (tmp_path / "a.txt").write_bytes(bytes(data))
    articles, problems = read([tmp_path / "a.txt"])
    assert articles == []
    assert problems[0].skipped and problems[0].reason.startswith("invalid UTF-8")


# --- size ------------------------------------------------------------------------------------------------


def test_a_20_mb_text_file_is_rejected_from_its_size_without_being_read(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.write(ARTICLE.encode())
        fh.truncate(20_000_000)  # sparse: 20 MB on disk in no time
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read {self}") if self.name == "big.txt"
                        else open(self, "rb").read())
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["ok"]
    (problem,) = problems
    assert problem.input == str(big)
    assert "20.0 MB" in problem.reason and f"{DEFAULT_MAX_ARTICLE_CHARS:,}" in problem.reason
    assert "--max-article-chars" in problem.reason


def test_an_article_over_the_limit_is_skipped_and_read_when_the_limit_is_raised(tmp_path):
    (tmp_path / "long.txt").write_text(ARTICLE, encoding="utf-8")
    feed = write_feed(tmp_path / "f.jsonl", [{"id": "x", "text_ar": BODY}, {"id": "y", "text_ar": "نص قصير."}])
    assert 4 * 200 > len(ARTICLE.encode()) and len(BODY) > 200
    articles, problems = read([tmp_path / "long.txt", feed], max_article_chars=200)
    assert [a.id for a in articles] == ["y"]
    assert [(p.input, p.reason) for p in problems] == [
        (str(tmp_path / "long.txt"), f"too long: {len(TITLE) + len(BODY):,} characters, over the per-article limit "
                                     "of 200 characters (raise it with --max-article-chars)"),
        (f"{feed}:1", f"too long: {len(BODY):,} characters, over the per-article limit "
                      "of 200 characters (raise it with --max-article-chars)"),
    ]
    articles, problems = read([tmp_path / "long.txt", feed], max_article_chars=len(ARTICLE))
    assert [a.id for a in articles] == ["long", "x", "y"] and problems == []
    # a file more than 4 bytes a character over the limit is judged by its size on disk
    (problem,) = read([tmp_path / "long.txt"], max_article_chars=100)[1]
    assert problem.reason == (f"too large: {len(ARTICLE.encode())} bytes on disk, more than an article of the "
                              "per-article limit of 100 characters can take (raise it with --max-article-chars)")


def test_a_feed_line_too_long_to_hold_is_skipped_without_losing_the_next(tmp_path):
    feed = write_feed(tmp_path / "f.jsonl", [{"id": "huge", "text_ar": "كلمة " * 400_000},
                                             {"id": "after", "text_ar": "نص."}])
    articles, problems = read([feed], max_article_chars=1000)
    assert [a.id for a in articles] == ["after"]
    assert problems[0].input == f"{feed}:1" and "too long: a line of" in problems[0].reason


@pytest.mark.slow
def test_a_20_mb_text_file_reads_when_the_limit_allows_it(tmp_path):
    big = tmp_path / "big.txt"
    paragraph = BODY.replace("\n", " ")
    big.write_text(TITLE + "\n" + "\n".join([paragraph] * (20_000_000 // len(paragraph.encode()))), encoding="utf-8")
    (article,), problems = read([big], max_article_chars=25_000_000)
    assert problems == [] and article.title == TITLE and article.language == "ar"


def _write_feed_of_size(path: Path, size: int, text_repeats: int) -> int:
    """Write a feed of at least ``size`` bytes whose articles are BODY × ``text_repeats``; the count."""
    text = "\n".join([BODY] * text_repeats)
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        while fh.tell() < size:
            n += 1
            fh.write(json.dumps({"id": f"a{n}", "title_ar": TITLE, "text_ar": f"{text} {n}"}, ensure_ascii=False) + "\n")
    return n


def _peak_while_reading(path: Path, **kwargs) -> tuple[int, int]:
    """(articles read, peak traced memory) for a full read that keeps no article."""
    gc.collect()
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_articles([path], **kwargs))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_20_mb_feed_is_streamed_with_bounded_memory(tmp_path):
    # Long articles keep this fast under tracemalloc; the realistic feed is the slow test below.
    feed = tmp_path / "big.jsonl"
    n = _write_feed_of_size(feed, 20_000_000, text_repeats=300)  # about 100,000 characters an article
    count, peak = _peak_while_reading(feed)
    assert count == n
    assert peak < 5_000_000, f"peak {peak / 1e6:.1f} MB while reading a {feed.stat().st_size / 1e6:.0f} MB feed"


@pytest.mark.slow
def test_a_20_mb_feed_of_ordinary_articles_is_streamed_with_bounded_memory(tmp_path):
    feed = tmp_path / "big.jsonl"
    n = _write_feed_of_size(feed, 20_000_000, text_repeats=4)  # about 1,500 characters an article
    count, peak = _peak_while_reading(feed)
    assert count == n
    # What grows is only the table of ids seen (for duplicates): well under 1 KB an article.
    assert peak < 8_000_000, f"peak {peak / 1e6:.1f} MB for {n} articles in {feed.stat().st_size / 1e6:.0f} MB"


def test_one_100_kb_paragraph_without_punctuation_is_read_and_segmented_without_loss(tmp_path):
    rng = random.Random(3)
    words = "الاتحاد الأوروبي إيران الاتفاق النووي واشنطن العقوبات موغريني طهران الرئيس".split()
    paragraph = " ".join(rng.choice(words) for _ in range(14_000))
    assert len(paragraph) > 100_000
    (tmp_path / "wall.txt").write_text(paragraph, encoding="utf-8")
    (article,), problems = read([tmp_path / "wall.txt"])
    assert problems == [] and article.title == "" and article.text == paragraph  # too long to be a title
    started = time.perf_counter()
    segmented = segment_article(clean_article(article), 64, count_words)
    assert time.perf_counter() - started < 20
    assert [w for s in segmented.segments for w in s.split()] == paragraph.split()
    assert all(len(s.split()) <= 64 for s in segmented.segments)


# --- HTML ------------------------------------------------------------------------------------------------

PAGE = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{TITLE} | بي بي سي</title>
<link rel="canonical" href="https://www.bbc.com/arabic/world-44048011">
<meta property="og:site_name" content="BBC Arabic">
<meta property="article:published_time" content="2018-05-08T20:00:00Z">
<script>var ad = "<p>إعلان</p>";</script><style>p {{ color: red }}</style></head>
<body><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/news">أخبار</a></li></ul></nav>
<header><h1>{TITLE}</h1></header>
<article>{"".join(f"<p>{line}</p>" for line in BODY.splitlines())}</article>
<footer>حقوق النشر محفوظة 2018</footer></body></html>
"""


def test_html_page_gives_the_article_text_title_and_metadata(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (article,), problems = read([tmp_path / "page.html"])
    assert problems == []
    assert article.id == "page" and article.title.startswith(TITLE)
    assert article.text == BODY
    assert (article.url, article.date) == ("https://www.bbc.com/arabic/world-44048011", "2018-05-08")
    assert article.source == "BBC Arabic" and article.language == "ar"


def test_html_falls_back_to_stripping_markup_when_the_extractor_finds_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "_trafilatura_extract", lambda html: ("", "", {}))
    (tmp_path / "page.htm").write_text(PAGE, encoding="utf-8")
    (article,), problems = read([tmp_path / "page.htm"])
    assert problems == []
    assert article.title == f"{TITLE} | بي بي سي"
    assert BODY.splitlines()[0] in article.text.splitlines()
    assert "var ad" not in article.text and "color" not in article.text and "الرئيسية" not in article.text
    assert "حقوق النشر" not in article.text


def test_html_without_text_is_skipped_and_a_txt_holding_html_is_read_as_a_page(tmp_path):
    (tmp_path / "a_empty.html").write_text("<html><head><script>x()</script></head><body></body></html>", encoding="utf-8")
    (tmp_path / "b_saved.txt").write_text(PAGE, encoding="utf-8")
    articles, problems = read([tmp_path])
    assert [(a.id, a.text) for a in articles] == [("b_saved", BODY)]
    assert reasons(problems) == {"a_empty.html": "no article text found in the HTML page"}


def test_html_in_windows_1256_declared_by_meta_charset(tmp_path):
    page = PAGE.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">')
    (tmp_path / "old.html").write_bytes(page.encode("cp1256"))
    (article,), problems = read([tmp_path / "old.html"])
    assert article.text == BODY and problems == []


# --- languages and characters ----------------------------------------------------------------------------


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


# --- JSONL -----------------------------------------------------------------------------------------------


def test_feed_lines_with_every_kind_of_defect(tmp_path):
    feed = write_feed(tmp_path / "f.jsonl", [
        {"id": "ok", "title_ar": "عنوان", "text_ar": "نص أول."},                # 1
        '{"id": "broken", "text_ar": "نص',                                      # 2 malformed
        '"just a string"',                                                      # 3 not an object
        {"id": "no-text", "title_ar": "عنوان"},                                 # 4 no text_ar
        {"id": "empty", "text_ar": " \n "},                                     # 5 empty
        {"id": "number", "text_ar": 42},                                        # 6 wrong type
        {"id": "null", "text_ar": None},                                        # 7 null
        {"id": "list", "text_ar": ["نص"]},                                      # 8 wrong type
        {"id": 7, "title_ar": 3, "text_ar": "نص سابع.", "source": ["x"], "url": 5, "date": 20180508},  # 9 coerced
        {"id": 8.0, "text_ar": "نص ثامن."},                                     # 10 integral float id
        {"id": True, "text_ar": "نص بلا معرف."},                                # 11 unusable id
        {"title": "عنوان بديل", "text": "نص من حقل text."},                    # 12 fallback field names
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" * 400,             # 13 nested too deeply
        '{"id": "esc", "text_ar": "نص \\ud800 مكسور."}',                       # 14 lone surrogate escape
        '{"id": "big", "text_ar": "نص.", "n": ' + "9" * 5000 + "}",            # 15 integer too long to parse
    ])
    articles, problems = read([feed])
    assert [(a.id, a.title, a.text, a.source, a.url, a.date) for a in articles] == [
        ("ok", "عنوان", "نص أول.", None, None, None),
        ("7", "", "نص سابع.", None, None, None),
        ("8", "", "نص ثامن.", None, None, None),
        ("f-11", "", "نص بلا معرف.", None, None, None),
        ("f-12", "عنوان بديل", "نص من حقل text.", None, None, None),
        ("esc", "", "نص \ufffd مكسور.", None, None, None),
    ]
    got = {p.input.rsplit(":", 1)[1]: p.reason for p in problems}
    assert got["2"] == "malformed JSON: Unterminated string starting (column 29)"
    assert got["3"] == "line is a JSON string, not an object"
    assert got["4"] == "no text_ar field"
    assert got["5"] == "empty text_ar"
    assert got["6"] == "text_ar is a JSON number, not a string"
    assert got["7"] == "text_ar is null"
    assert got["8"] == "text_ar is a JSON array, not a string"
    assert got["13"].startswith("malformed JSON")
    assert got["14"] == "1 unpaired UTF-16 surrogates replaced"
    assert got["15"].startswith("malformed JSON")
    assert sorted(got) == ["13", "14", "15", "2", "3", "4", "5", "6", "7", "8"]
    assert [p.skipped for p in problems if p.input.endswith(":14")] == [False]
    assert all("\n" not in p.reason for p in problems)


def test_duplicate_ids_same_text_skipped_different_text_renamed(tmp_path):
    feed = write_feed(tmp_path / "f.jsonl", [
        {"id": "a", "text_ar": "نص أول."},
        {"id": "a", "text_ar": "نص أول."},
        {"id": "a", "text_ar": "نص مختلف."},
        {"id": "a-2", "text_ar": "نص ثالث."},
    ])
    (tmp_path / "a.txt").write_text("نص أول.", encoding="utf-8")  # same id and text as feed line 1
    articles, problems = read([feed, tmp_path / "a.txt"])
    assert [(a.id, a.text) for a in articles] == [("a", "نص أول."), ("a-2", "نص مختلف."), ("a-2-2", "نص ثالث.")]
    assert [(p.input, p.reason, p.skipped) for p in problems] == [
        (f"{feed}:2", f"duplicate of {feed}:1 (same id a and same text)", True),
        (f"{feed}:3", f"duplicate id a (first at {feed}:1), different text: kept as a-2", False),
        (f"{feed}:4", f"duplicate id a-2 (first at {feed}:3), different text: kept as a-2-2", False),
        (str(tmp_path / "a.txt"), f"duplicate of {feed}:1 (same id a and same text)", True),
    ]


def test_feed_in_utf16_with_crlf_bom_and_invalid_utf8_lines(tmp_path):
    rows = [json.dumps({"id": f"r{i}", "text_ar": f"نص رقم {i}."}, ensure_ascii=False) for i in range(3)]
    (tmp_path / "u16.jsonl").write_bytes("\r\n".join(rows).encode("utf-16"))
    (tmp_path / "bom.ndjson").write_bytes(codecs.BOM_UTF8 + "\r\n".join(rows).replace('"r', '"b').encode("utf-8"))
    long_text = "نص طويل " * 100
    bad = (json.dumps({"id": "bad1", "text_ar": long_text}, ensure_ascii=False).encode().replace(b"\xd9\x86", b"\xff", 1)
           + b"\n" + json.dumps({"id": "bad2", "text_ar": "نص"}, ensure_ascii=False).encode().replace(b"\xd9\x86", b"\xff\xff") + b"\n")
    (tmp_path / "damaged.jsonl").write_bytes(bad)
    articles, problems = read([tmp_path / "u16.jsonl", tmp_path / "bom.ndjson", tmp_path / "damaged.jsonl"])
    assert [a.id for a in articles] == ["r0", "r1", "r2", "b0", "b1", "b2", "bad1"]
    assert articles[-1].text.count("\ufffd") == 1
    assert [(p.input.rsplit("/", 1)[1], p.reason, p.skipped) for p in problems] == [
        ("damaged.jsonl:1", "invalid UTF-8 replaced in 1 places", False),
        ("damaged.jsonl:2", "invalid UTF-8: 2 bytes could not be decoded", True),
    ]


def test_feed_in_windows_1256(tmp_path):
    rows = [json.dumps({"id": f"r{i}", "title_ar": TITLE, "text_ar": BODY}, ensure_ascii=False) for i in range(3)]
    (tmp_path / "old.jsonl").write_bytes("\n".join(rows).encode("cp1256"))
    articles, problems = read([tmp_path / "old.jsonl"])
    assert [(a.title, a.text) for a in articles] == [(TITLE, BODY)] * 3
    assert [p.reason for p in problems] == ["not UTF-8: decoded as windows-1256"]


def test_a_windows_1256_line_in_a_utf8_feed(tmp_path):
    good = json.dumps({"id": "u", "text_ar": BODY}, ensure_ascii=False).encode()
    legacy = json.dumps({"id": "w", "text_ar": BODY}, ensure_ascii=False).encode("cp1256")
    (tmp_path / "f.jsonl").write_bytes(good + b"\n" + legacy + b"\n")
    articles, problems = read([tmp_path / "f.jsonl"])
    assert [(a.id, a.text) for a in articles] == [("u", BODY), ("w", BODY)]
    assert reasons(problems) == {"f.jsonl:2": "not UTF-8: decoded as windows-1256"}


def test_binary_data_named_jsonl_is_skipped(tmp_path):
    (tmp_path / "x.jsonl").write_bytes(b"\x00\x01\x02\x03" * 100)
    (tmp_path / "y.jsonl").write_bytes(b"\x1f\x8b\x08\x00" + bytes(100))
    articles, problems = read([tmp_path])
    assert articles == [] and [p.reason for p in problems] == ["binary file (NUL bytes)", "binary file (gzip archive)"]


# --- directories -----------------------------------------------------------------------------------------


def make_tree(root: Path) -> None:
    (root / "b" / "deep").mkdir(parents=True)
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "HEAD.txt").write_text(ARTICLE, encoding="utf-8")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(64))
    (root / "notes.md").write_text("# notes", encoding="utf-8")
    (root / "README").write_text("read me", encoding="utf-8")
    (root / "b" / "feed.jsonl").write_text(json.dumps({"id": "f1", "text_ar": BODY}, ensure_ascii=False) + "\n", encoding="utf-8")
    (root / "b" / "deep" / "page.HTML").write_text(PAGE, encoding="utf-8")
    (root / "b" / "deep" / "page2.txt").write_text(ENGLISH, encoding="utf-8")
    (root / "c.txt").write_text(ARTICLE.replace("الاتحاد", "الإتحاد"), encoding="utf-8")


def test_directory_with_subfolders_and_other_files(tmp_path):
    make_tree(tmp_path)
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["a", "page", "page2", "f1", "c"]  # b/deep/ sorts before b/feed.jsonl
    assert [a.language for a in articles] == ["ar", "ar", "en", "ar", "ar"]
    assert [(Path(p.input).name, p.reason) for p in problems] == [
        ("README", "not a supported file type (no extension)"),
        ("notes.md", "not a supported file type (.md)"),
        ("photo.jpg", "not a supported file type (.jpg)"),
    ]


def test_a_file_named_twice_is_read_once_and_a_link_loop_ends(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    articles, problems = read([tmp_path, tmp_path / "a.txt"])
    assert [a.id for a in articles] == ["a"]
    assert problems == [InputProblem(str(tmp_path / "a.txt"), "already read (named twice)")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["ok"]
    assert reasons(problems) == {"pipe.txt": "not a regular file"}


def test_an_unexpected_error_loses_one_input_not_the_run(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.html").write_text(PAGE, encoding="utf-8")
    write_feed(tmp_path / "c.jsonl", [{"id": "c1", "text_ar": BODY}, {"id": "c2", "text_ar": "نص."}])

    def broken(html):
        raise RuntimeError("extractor\nexploded")

    monkeypatch.setattr(ingest, "extract_html", broken)
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["a", "c1", "c2"]
    assert reasons(problems) == {"b.html": "could not be read: RuntimeError: extractor exploded (a bug: please report it)"}


def test_a_file_named_on_its_own_is_read_whatever_its_extension(tmp_path):
    (tmp_path / "article.md").write_text(ARTICLE, encoding="utf-8")
    (article,), problems = read([tmp_path / "article.md"])
    assert problems == [] and (article.id, article.title, article.text) == ("article", TITLE, BODY)


def test_title_only_and_one_line_files_keep_their_line_as_the_body(tmp_path):
    (tmp_path / "one.txt").write_text("\n\n  سطر واحد فقط.  \n\n", encoding="utf-8")
    (article,), problems = read([tmp_path / "one.txt"])
    assert problems == [] and (article.title, article.text) == ("", "سطر واحد فقط.")


# --- inputs are never modified ---------------------------------------------------------------------------


def _snapshot(root: Path) -> dict[str, tuple[str, int]]:
    return {str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def test_inputs_are_never_modified(tmp_path):
    make_tree(tmp_path)
    (tmp_path / "legacy.txt").write_bytes(ARTICLE.encode("cp1256"))
    (tmp_path / "u16.txt").write_bytes(ARTICLE.encode("utf-16"))
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)))
    (tmp_path / "damaged.txt").write_bytes(ARTICLE.encode() + b"\xff")
    write_feed(tmp_path / "mixed.jsonl", [{"id": "x", "text_ar": BODY}, "{bad", {"id": "x", "text_ar": BODY}])
    before = _snapshot(tmp_path)
    articles, problems = read([tmp_path, tmp_path / "missing.txt"], max_article_chars=300)
    assert articles and problems
    assert _snapshot(tmp_path) == before


# --- no crash, no loss: ingest + clean + segment on arbitrary text ---------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300), st.integers(min_value=1, max_value=8))
def test_arbitrary_text_is_read_cleaned_and_segmented_without_loss(tmp_path, text, limit):
    path = tmp_path / "fuzz.txt"
    path.write_text(text, encoding="utf-8", newline="")
    articles, problems = read([path])
    if not articles:  # skipped: empty, whitespace only, binary-looking; always said why
        assert len(problems) == 1 and problems[0].input == str(path) and problems[0].skipped
        return
    (article,) = articles
    if not ingest._HTML_START.match(text):
        assert (article.title + "\n" + article.text).split() == text.split()  # ingest loses no word
    cleaned = clean_article(article)
    segmented = segment_article(cleaned, limit, count_words)
    assert [w for s in segmented.title_segments for w in s.split()] == cleaned.title.split()
    assert [w for s in segmented.segments for w in s.split()] == cleaned.text.split()
    assert all(s and s == s.strip() for s in segmented.title_segments + segmented.segments)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600), st.sampled_from([".txt", ".jsonl", ".html"]))
def test_arbitrary_bytes_never_crash_and_are_read_or_reported(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    articles, problems = read([path])
    assert articles or problems
    for problem in problems:
        assert problem.input.startswith(str(path)) and problem.reason and "\n" not in problem.reason
    for article in articles:
        assert article.text.strip() and not ingest._SURROGATE.search(article.title + article.text)
        json.dumps(article.__dict__, ensure_ascii=False).encode("utf-8")  # renderable as digest.json


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=8,
)
_ROW = st.fixed_dictionaries({}, optional={"id": _JSON, "text_ar": _JSON | st.text(min_size=1), "title_ar": _JSON,
                                           "text": _JSON, "source": _JSON, "url": _JSON, "date": _JSON})


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ROW | _JSON, min_size=1, max_size=8))
def test_arbitrary_json_lines_never_crash(tmp_path, rows):
    feed = tmp_path / "fuzz.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    articles, problems = read([feed])
    assert len(articles) + sum(p.skipped for p in problems) == sum(1 for r in rows if json.dumps(r).strip())
    assert len({a.id for a in articles}) == len(articles)
    for article in articles:
        assert all(isinstance(v, str) or v is None for v in vars(article).values())
