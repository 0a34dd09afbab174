"""No crash, no loss: ingest + clean + segment on arbitrary text, bytes and JSON lines; and nothing
let through: no control character in an id, title, source, url or reason, no date but YYYY-MM-DD."""
import json
import os
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarize.clean import clean_article
from summarize.dates import is_iso_day
from summarize.ingest import readers, walk
from summarize.segment import segment_article
from tests.ingest.samples import count_words, read


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
    if not readers._HTML_START.match(text):
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
        assert article.text.strip() and not walk._SURROGATE.search(article.title + article.text)
        json.dumps(article.__dict__, ensure_ascii=False).encode("utf-8")  # renderable as digest.json
        assert_clean(article)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=8,
)
_ROW = st.fixed_dictionaries({}, optional={"id": _JSON, "text_ar": _JSON | st.text(min_size=1), "title_ar": _JSON,
                                           "text": _JSON, "source": _JSON, "url": _JSON, "date": _JSON})


def _rows_expected(rows: list) -> int:
    """Articles + skips a feed of ``rows`` (one a line) gives: one a line, except for a file that is a
    single JSON array, which is read element by element (an empty one is one skip)."""
    if len(rows) == 1 and isinstance(rows[0], list):
        return max(1, len(rows[0]))
    return sum(1 for r in rows if json.dumps(r).strip())


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ROW | _JSON, min_size=1, max_size=8))
def test_arbitrary_json_lines_never_crash(tmp_path, rows):
    feed = tmp_path / "fuzz.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    articles, problems = read([feed])
    assert len(articles) + sum(p.skipped for p in problems) == _rows_expected(rows)
    assert len({a.id for a in articles}) == len(articles)
    for article in articles:
        assert all(isinstance(v, str) or v is None for v in vars(article).values())
        assert_clean(article)
    assert_clean_problems(problems)


# --- control characters and dates ------------------------------------------------------------------------

# What must never reach an output or a log line from an id, title, source, url or problem.
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _bad_chars(value: str) -> list[str]:
    return [c for c in value if unicodedata.category(c) in ("Cc", "Cs") or c in _BIDI or c in "\u2028\u2029\ufeff"]


def assert_clean(article) -> None:
    for name in ("id", "title", "source", "url"):
        value = getattr(article, name)
        assert value is None or not _bad_chars(value), (name, value)
    assert article.id and article.id == article.id.strip()
    assert article.date is None or is_iso_day(article.date), article.date
    assert (article.date_from == "input") == (article.date is not None)


def assert_clean_problems(problems) -> None:
    for problem in problems:
        assert not _bad_chars(problem.input) and not _bad_chars(problem.reason), problem


# Text rich in what breaks outputs: controls, bidi overrides, separators, BOMs, path pieces.
_HOSTILE_CHARS = list("\x00\x01\x07\x08\t\n\r\x0b\x0c\x1b\x1f\x7f\x85\x9b\u00ad\u061c\u200b\u200c\u200d\u200e"
                      "\u200f\u202a\u202e\u2066\u2069\u2028\u2029\ufeff /.:-+T0123456789") + ["../", "<b>", "`"]
_HOSTILE = st.lists(st.sampled_from(_HOSTILE_CHARS) | st.characters(), max_size=24).map("".join)
_DAY = st.tuples(st.integers(0, 10_000), st.integers(0, 14), st.integers(0, 33))
_DATE = st.one_of(
    _HOSTILE,
    _DAY.map(lambda d: f"{d[0]:04d}-{d[1]:02d}-{d[2]:02d}"),
    _DAY.map(lambda d: f"{d[2]}/{d[1]}/{d[0]}"),
    st.tuples(_DAY, st.sampled_from(["T10:00:00Z", "T23:59:59.5-05:00", " 19:18:29", "+03:00", "\n", "\x00"]))
      .map(lambda x: f"{x[0][0]:04d}-{x[0][1]:02d}-{x[0][2]:02d}{x[1]}"),
    st.tuples(_DAY, st.sampled_from(["أيار", "مايو", "May", "يناير"])).map(lambda x: f"{x[0][2]} {x[1]} {x[0][0]}"),
)
_FIELDS = st.fixed_dictionaries(
    {"text_ar": st.sampled_from(["نص الخبر.", "خبر عاجل عن الاتفاق.", "The deal was signed."])},
    optional={"id": _HOSTILE | st.integers(), "title_ar": _HOSTILE, "source": _HOSTILE, "url": _HOSTILE, "date": _DATE},
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_FIELDS, min_size=1, max_size=6))
def test_ids_titles_sources_urls_and_dates_come_out_clean(tmp_path, rows):
    feed = tmp_path / "fuzz.jsonl"
    feed.write_text("\n".join(json.dumps(r, ensure_ascii=True) for r in rows) + "\n", encoding="utf-8")
    articles, problems = read([feed])
    assert len(articles) + sum(p.skipped for p in problems) == len(rows)
    assert len({a.id for a in articles}) == len(articles)
    for article in articles:
        assert_clean(article)
    assert_clean_problems(problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_HOSTILE.filter(lambda name: name.strip(". ") and name[0] != "." and "/" not in name and "\x00" not in name))
def test_hostile_file_names_stay_on_one_line(tmp_path, name):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # tmp_path is shared by the examples
    path = folder / f"{name}.txt"
    try:
        path.write_text("نص الخبر.", encoding="utf-8")
    except (OSError, UnicodeEncodeError):  # a name this file system cannot hold
        return
    (folder / f"{name}.empty.txt").write_bytes(b"")
    articles, problems = read([folder])
    assert len(articles) == 1 and articles[0].text == "نص الخبر."
    assert_clean(articles[0]) and not _bad_chars(articles[0].origin)
    assert len(problems) == 1 and problems[0].reason == "empty file"
    assert_clean_problems(problems)
    assert os.path.exists(path)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ROW | _JSON, max_size=6), st.sampled_from([None, 0, 2]), st.floats(0, 1))
def test_arbitrary_json_arrays_are_read_element_by_element_or_cut_with_one_reason(tmp_path, rows, indent, cut):
    feed = tmp_path / "fuzz.jsonl"
    whole = json.dumps(rows, indent=indent)
    feed.write_text(whole, encoding="utf-8")
    articles, problems = read([feed])
    assert len(articles) + sum(p.skipped for p in problems) == max(1, len(rows))
    assert len({a.id for a in articles}) == len(articles)
    feed.write_text(whole[: int(cut * len(whole))], encoding="utf-8")  # the same, cut anywhere
    articles, problems = read([feed])
    assert len(articles) <= len(rows) and (articles or problems)
    for article in articles:
        assert_clean(article)
    assert_clean_problems(problems)
