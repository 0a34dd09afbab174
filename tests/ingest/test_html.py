"""HTML pages: trafilatura extraction and the markup-stripping fallback, summarize.ingest.html."""
from summarize.ingest import html as ingest_html
from tests.ingest.samples import BODY, PAGE, TITLE, read, reasons


def test_html_page_gives_the_article_text_title_and_metadata(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (article,), problems = read([tmp_path / "page.html"])
    assert problems == []
    assert article.id == "page" and article.title.startswith(TITLE)
    assert article.text == BODY
    assert (article.url, article.date) == ("https://www.bbc.com/arabic/world-44048011", "2018-05-08")
    assert article.source == "BBC Arabic" and article.language == "ar"


def test_html_falls_back_to_stripping_markup_when_the_extractor_finds_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_html, "_trafilatura_extract", lambda html: ("", "", {}))
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
