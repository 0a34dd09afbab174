"""The .txt, .jsonl and HTML formats and their size limits: summarize.ingest.readers."""
import gc
import json
import random
import time
import tracemalloc
from pathlib import Path

import pytest

from summarize.clean import clean_article
from summarize.ingest import DEFAULT_MAX_ARTICLE_CHARS, HARD_MAX_ARTICLE_CHARS, read_articles
from summarize.segment import segment_article
from tests.ingest.samples import ARTICLE, BODY, TITLE, count_words, read, write_feed


# --- text files ------------------------------------------------------------------------------------------


def test_title_only_and_one_line_files_keep_their_line_as_the_body(tmp_path):
    (tmp_path / "one.txt").write_text("\n\n  سطر واحد فقط.  \n\n", encoding="utf-8")
    (article,), problems = read([tmp_path / "one.txt"])
    assert problems == [] and (article.title, article.text) == ("", "سطر واحد فقط.")


# --- JSONL -----------------------------------------------------------------------------------------------


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
    assert (second.id, second.source, second.url, second.date) == ("a-2", "CNN", None, "2015-08-10")  # its day
    assert first.origin.endswith("day.jsonl:1")


def test_bad_feed_lines_are_skipped_and_reported(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "ok", "text_ar": "نص."}\n{not json\n[1, 2]\n{"id": "empty", "text_ar": "  "}\n', encoding="utf-8")
    problems = []
    articles = list(read_articles([feed], problems))
    assert [a.id for a in articles] == ["ok"]
    assert [p.input.rsplit(":", 1)[1] for p in problems] == ["2", "3", "4"]


def test_real_news_day_reads_completely():
    data = Path(__file__).resolve().parents[3] / "shared" / "data" / "news_ar_2018-05-08.jsonl"
    if not data.exists():
        pytest.skip(f"{data} is not present")
    problems = []
    articles = list(read_articles([data], problems))
    assert len(articles) == 131 and problems == []
    assert {a.source for a in articles} == {"BBC", "CNN", "alarabia", "france24", "skynews"}
    assert {a.language for a in articles} == {"ar"}


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


def test_a_feed_line_too_long_to_hold_is_skipped_without_losing_the_next(tmp_path):
    feed = write_feed(tmp_path / "f.jsonl", [{"id": "huge", "text_ar": "كلمة " * 400_000},
                                             {"id": "after", "text_ar": "نص."}])
    articles, problems = read([feed], max_article_chars=1000)
    assert [a.id for a in articles] == ["after"]
    assert problems[0].input == f"{feed}:1" and "too long: a line of" in problems[0].reason


@pytest.mark.slow
def test_a_17_mb_text_file_reads_when_the_limit_allows_it(tmp_path):
    big = tmp_path / "big.txt"
    paragraph = BODY.replace("\n", " ")
    big.write_text(TITLE + "\n" + "\n".join([paragraph] * (17_000_000 // len(paragraph.encode()))), encoding="utf-8")
    (article,), problems = read([big], max_article_chars=HARD_MAX_ARTICLE_CHARS)
    assert problems == [] and article.title == TITLE and article.language == "ar"


def test_reading_a_text_file_holds_no_copy_per_line(tmp_path):
    # Many short lines: a list of lines (and the body joined from it) would cost ten times the file.
    path = tmp_path / "lines.txt"
    path.write_text(TITLE + "\n" + "كلمة\n" * 200_000, encoding="utf-8")
    size = path.stat().st_size
    count, peak = _peak_while_reading(path, max_article_chars=HARD_MAX_ARTICLE_CHARS)
    assert count == 1
    # The bytes, and the text while UTF-8 is decoded into it: about four times the file, at the peak.
    assert peak < 5 * size, f"peak {peak / 1e6:.1f} MB while reading a {size / 1e6:.1f} MB file"


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


# --- JSON that is not JSON Lines -------------------------------------------------------------------------


def _rows(n: int) -> list[dict]:
    return [{"id": f"r{i}", "title_ar": "عنوان", "text_ar": f"{BODY} {i}", "date": "2018-05-08"} for i in range(1, n + 1)]


def test_a_pretty_printed_json_array_saved_as_jsonl_is_read_element_by_element_and_said_once(tmp_path):
    feed = tmp_path / "day.jsonl"
    feed.write_text(json.dumps(_rows(3), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    articles, problems = read([feed])
    assert [a.id for a in articles] == ["r1", "r2", "r3"] and all(a.date == "2018-05-08" for a in articles)
    assert [a.origin for a in articles] == [f"{feed}:2", f"{feed}:8", f"{feed}:14"]  # the line each starts on
    assert [(p.input, p.reason, p.skipped) for p in problems] == [
        (str(feed), "a JSON array, not JSON Lines: read element by element (jq -c '.[]' converts it)", False)]


def test_a_one_line_json_array_gives_its_elements_ids_by_position(tmp_path):
    feed = tmp_path / "dump.jsonl"
    feed.write_text(json.dumps([{"text_ar": "نص أول."}, {"text_ar": "نص ثان."}], ensure_ascii=False), encoding="utf-8")
    articles, problems = read([feed])
    assert [(a.id, a.text) for a in articles] == [("dump-1", "نص أول."), ("dump-2", "نص ثان.")]
    assert len(problems) == 1 and not problems[0].skipped


def test_bad_elements_of_an_array_lose_only_themselves(tmp_path):
    feed = tmp_path / "f.jsonl"
    feed.write_text('[\n  {"id": "a", "text_ar": "نص."},\n  {"id": "b", "text_ar": oops},\n  42,\n'
                    '  {"id": "c", "text_ar": "' + "كلمة " * 14_000 + '"},\n  {"id": "d", "text_ar": "نص آخر."}\n]\n',
                    encoding="utf-8")
    articles, problems = read([feed], max_article_chars=100)
    assert [a.id for a in articles] == ["a", "d"]
    got = {p.input.rsplit(":", 1)[1]: p.reason for p in problems if p.skipped}
    assert got["3"].startswith("malformed JSON") and got["4"] == "element is a JSON number, not an object"
    assert got["5"].startswith("too long: an element of 70,")  # never held: longer than any article can be


def test_a_truncated_array_is_one_problem_after_the_elements_it_holds(tmp_path):
    feed = tmp_path / "f.jsonl"
    feed.write_text(json.dumps(_rows(2), ensure_ascii=False, indent=2)[:-40], encoding="utf-8")
    articles, problems = read([feed])
    assert [a.id for a in articles] == ["r1"]
    assert [p.reason for p in problems if p.skipped] == ["malformed JSON: the file ends inside this element"]


def test_pretty_printed_objects_one_after_another_are_read_one_by_one(tmp_path):
    feed = tmp_path / "jq.jsonl"  # what `jq . feed.jsonl` writes
    feed.write_text("".join(json.dumps(r, ensure_ascii=False, indent=2) + "\n" for r in _rows(2)), encoding="utf-8")
    articles, problems = read([feed])
    assert [a.id for a in articles] == ["r1", "r2"]
    assert [p.reason for p in problems] == [
        "JSON objects over several lines, not JSON Lines: read one by one (jq -c . converts it)"]


def test_json_lines_whose_first_line_is_an_array_are_still_json_lines(tmp_path):
    feed = write_feed(tmp_path / "f.jsonl", [[1, 2], {"id": "ok", "text_ar": "نص."}, "[3]"])
    articles, problems = read([feed])
    assert [a.id for a in articles] == ["ok"]
    assert [(p.input.rsplit(":", 1)[1], p.reason) for p in problems] == [
        ("1", "line is a JSON array, not an object"), ("3", "line is a JSON array, not an object")]


def test_a_20_mb_pretty_printed_array_is_streamed_with_bounded_memory(tmp_path):
    feed = tmp_path / "big.jsonl"
    text = "\n".join([BODY] * 300)
    n = 0
    with open(feed, "w", encoding="utf-8") as fh:
        fh.write("[\n")
        while fh.tell() < 20_000_000:
            n += 1
            fh.write(("" if n == 1 else ",\n") + json.dumps({"id": f"a{n}", "text_ar": f"{text} {n}"}, ensure_ascii=False,
                                                          indent=2))
        fh.write("\n]\n")
    count, peak = _peak_while_reading(feed)
    assert count == n
    assert peak < 5_000_000, f"peak {peak / 1e6:.1f} MB while reading a {feed.stat().st_size / 1e6:.0f} MB array"
