"""No crash, no loss: ingest + clean + segment on arbitrary text, bytes and JSON lines."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarize.clean import clean_article
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
