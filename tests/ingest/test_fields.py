"""Ids, titles, sources, urls and dates made fit for the outputs (summarize.ingest.fields), and paths
written on one line in every problem (summarize.ingest.problems.shown)."""
import json
import os

import pytest

from summarize.ingest import InputError, read_articles
from summarize.ingest.fields import clean_field, read_date, shows_anything
from tests.ingest.samples import ARTICLE, BODY, read, write_feed


# --- control characters ----------------------------------------------------------------------------------


def test_control_and_bidi_characters_are_stripped_from_ids_titles_sources_and_urls(tmp_path):
    feed = write_feed(tmp_path / "f.jsonl", [{
        "id": "gpj\u202e.exe\x00\x1b[31m", "title_ar": "عنوان\x00 \u202eمقلوب\u202c\n\tثان\x85", "text_ar": BODY,
        "source": "BBC\x07 \u2066عربي\u2069\ufeff", "url": "https://x.example/\u200b1\x00\n2",
    }])
    (article,), problems = read([feed])
    assert article.id == "gpj.exe[31m"
    assert article.title == "عنوان مقلوب  ثان"  # breaks and tabs become spaces; the title's spacing kept
    assert article.source == "BBC عربي"
    assert article.url == "https://x.example/1 2"
    assert article.text == BODY and problems == []


def test_an_id_of_control_characters_only_falls_back_to_the_line_id(tmp_path):
    feed = write_feed(tmp_path / "f.jsonl", [{"id": "\u202e\x00", "text_ar": BODY, "source": "\u200f"}])
    (article,), _ = read([feed])
    assert (article.id, article.source, article.source_from) == ("f-1", None, None)


def test_joiners_shape_letters_in_titles_but_leave_ids(tmp_path):
    assert clean_field("می\u200cخواهم") == "می\u200cخواهم"
    assert clean_field("می\u200cخواهم", identifier=True) == "میخواهم"
    assert clean_field("  a \n\n b  ", identifier=True) == "a b" and clean_field("\x00\u202e ") is None


def test_a_file_name_with_a_newline_and_a_bidi_override_stays_on_one_log_line(tmp_path):
    (tmp_path / "evil\nname\u202etxt.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty\r\n.txt").write_bytes(b"")
    (article,), problems = read([tmp_path])
    assert article.id == "evil nametxt"
    assert "\n" not in article.origin and article.origin.endswith("evil\\x0aname\\u202etxt.txt")
    (problem,) = problems
    assert problem.input == str(tmp_path / "empty\\x0d\\x0a.txt") and problem.reason == "empty file"


def test_a_file_name_that_is_not_utf8_is_shown_with_its_bytes_escaped(tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")
    try:
        (tmp_path / name).write_bytes(b"")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system takes only UTF-8 names")
    _, (problem,) = read([tmp_path])
    assert problem.input.endswith("caf\\xe9.txt")
    json.dumps(problem.input, ensure_ascii=False).encode("utf-8")  # writable in digest.json


def test_missing_paths_with_control_characters_are_reported_on_one_line(tmp_path):
    with pytest.raises(InputError) as error:
        list(read_articles([tmp_path / "a\nb.txt"]))
    assert "\n" not in str(error.value) and "a\\x0ab.txt" in str(error.value)


def test_nothing_that_shows(tmp_path):
    assert not shows_anything("ـــــ \u200b\u200c\u200d\u200e\u202e\ufeff\u00ad \x00 ًٌٍ \u3164\u2800\n")
    assert shows_anything("ـــ ب ـــ") and shows_anything("؟") and shows_anything("1")


# --- dates -----------------------------------------------------------------------------------------------


def test_feed_dates_become_iso_days_or_nothing_with_a_note(tmp_path):
    rows = [
        ("2018-05-08", "2018-05-08"),
        ("2018-05-08T23:30:00-05:00", "2018-05-08"),  # the outlet's calendar day, not UTC's
        ("2015-08-10 19:18:29", "2015-08-10"),
        ("Tue, 08 May 2018 20:00:00 +0000", "2018-05-08"),
        ("الثلاثاء 8 أيار/مايو 2018", "2018-05-08"),
        ("23/05/2018", "2018-05-23"),  # day first, and no other reading: no note
        ("08/05/2018", "2018-05-08"),  # day first, as Arab outlets write it: noted (once)
        ("09/05/2018", "2018-05-09"),  # the same guess again: not noted again
        ("05/23/2018", "2018-05-23"),  # only month first is a day: noted
        ("../../x", None),
        ("2018-13-45", None),
        ("2018", None),
        ("<script>" * 40, None),
    ]
    feed = write_feed(tmp_path / "f.jsonl", [{"id": str(n), "text_ar": f"نص {n}.", "date": raw}
                                             for n, (raw, _) in enumerate(rows)])
    articles, problems = read([feed])
    assert [a.date for a in articles] == [iso for _, iso in rows]
    assert [a.date_from for a in articles] == ["input" if iso else None for _, iso in rows]
    assert [(p.input.rsplit(":", 1)[1], p.reason, p.skipped) for p in problems] == [
        ("7", 'date "08/05/2018" read day first, as 2018-05-08 (noted once per input file)', False),
        ("9", 'date "05/23/2018" read month first, as 2018-05-23: day first it is no date (noted once per input file)',
         False),
        ("10", 'date "../../x" is not a date: ignored', False),
        ("11", 'date "2018-13-45" is not a date: ignored', False),
        ("12", 'date "2018" is not a date: ignored', False),
        ("13", f'date "{("<script>" * 40)[:60]}…" is not a date: ignored', False),
    ]


def test_a_raw_date_is_quoted_on_one_line(tmp_path):
    date, note, guess = read_date("2018\n05\x00\u202e08")
    assert date is None and guess is None
    assert note == 'date "2018 05\\x00\\u202e08" is not a date: ignored'


def test_a_page_date_that_is_not_a_date_is_dropped(tmp_path, monkeypatch):
    from summarize.ingest import readers

    monkeypatch.setattr(readers, "extract_html", lambda html: ("عنوان", BODY, {"date": "../../../etc/passwd",
                                                                             "source": "Site\u202e"}))
    (tmp_path / "p.html").write_text("<html><body>x</body></html>", encoding="utf-8")
    (article,), (problem,) = read([tmp_path / "p.html"])
    assert (article.date, article.date_from, article.source) == (None, None, "Site")
    assert problem.reason == 'date "../../../etc/passwd" is not a date: ignored' and not problem.skipped
