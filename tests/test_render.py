import json

from summarize.records import Digest, DigestArticle
from summarize.render import to_markdown, write_digest


def sample_digest() -> Digest:
    article = DigestArticle(id="a1", source="BBC", url="http://example.org/1", date="2018-05-08", language="ar", title_ar="عنوان",
                            title_en="A title", summary_en="A summary.", translation_en="Para one.\n\nPara two.")
    return Digest(articles=[article], run={"date": "2018-05-08", "translator": {"model": "t"}, "summarizer": {"model": "s"}},
                  errors=[{"input": "bad.jsonl:3", "reason": "malformed JSON", "skipped": True}])


def test_json_has_the_documented_fields(tmp_path):
    write_digest(sample_digest(), tmp_path)
    data = json.loads((tmp_path / "digest.json").read_text(encoding="utf-8"))
    assert set(data) == {"schema_version", "date", "articles", "errors", "run"}
    assert set(data["articles"][0]) == {"id", "source", "url", "date", "language", "title_ar", "title_en", "summary_en",
                                        "translation_en"}
    assert data["articles"][0]["title_ar"] == "عنوان"
    assert data["errors"] == [{"input": "bad.jsonl:3", "reason": "malformed JSON", "skipped": True}]


def test_markdown_shows_summaries_then_translations_and_skipped_inputs():
    text = to_markdown(sample_digest())
    assert text.index("## Summaries") < text.index("A summary.") < text.index("## Full translations") < text.index("Para two.")
    assert "[original](http://example.org/1)" in text and "bad.jsonl:3" in text


def test_writing_leaves_no_temporary_files(tmp_path):
    write_digest(sample_digest(), tmp_path)
    write_digest(sample_digest(), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.json", "digest.md"]


def test_an_article_without_title_gets_a_heading_from_its_translation():
    digest = sample_digest()
    digest.articles[0].title_en = ""
    digest.articles[0].title_ar = ""
    text = to_markdown(digest)
    assert "### 1. Para one." in text
