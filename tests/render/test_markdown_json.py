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
    assert set(data) == {"schema_version", "date", "watchlist", "stories", "articles", "errors", "run"}
    assert set(data["articles"][0]) == {"id", "source", "url", "date", "language", "title_ar", "title_en", "summary_en",
                                        "translation_en", "flags", "title_from", "source_from", "date_from", "author", "translator"}
    assert data["articles"][0]["title_ar"] == "عنوان"
    assert data["errors"] == [{"input": "bad.jsonl:3", "reason": "malformed JSON", "skipped": True}]


def test_markdown_shows_summaries_then_translations_and_skipped_inputs():
    text = to_markdown(sample_digest())
    assert text.index("## Summaries") < text.index("A summary.") < text.index("## Full translations") < text.index("Para two.")
    assert "[original](http://example.org/1)" in text and "bad.jsonl:3" in text


def test_writing_leaves_no_temporary_files(tmp_path):
    write_digest(sample_digest(), tmp_path)
    write_digest(sample_digest(), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.html", "digest.json", "digest.md"]


def test_stories_come_first_in_markdown_json_and_html(tmp_path):
    from summarize.stories import Story

    digest = sample_digest()
    digest.stories = [Story(id="story-1", headline_en="The story", summary_en="Story summary.", article_ids=["a1"],
                            sources=["BBC"])]
    digest.articles[0].flags = [{"segment": 0, "ar": "عام 2015", "en": "in the year", "missing": ["number:2015"]}]
    write_digest(digest, tmp_path, archive=tmp_path / "archive")
    text = (tmp_path / "digest.md").read_text(encoding="utf-8")
    assert text.index("## Stories") < text.index("Story summary.") < text.index("## Summaries")
    assert "## Sentences to check" in text and "number:2015" in text
    data = json.loads((tmp_path / "digest.json").read_text(encoding="utf-8"))
    assert data["stories"][0]["article_ids"] == ["a1"] and data["articles"][0]["flags"][0]["missing"] == ["number:2015"]
    html = (tmp_path / "digest.html").read_text(encoding="utf-8")
    assert html.index("The story") < html.index("A title") and 'dir="rtl"' in html
    assert sorted(p.name for p in (tmp_path / "archive").iterdir()) == [
        "2018-05-08.html", "2018-05-08.json", "2018-05-08.md", "2018-05-08.stories.json", "index.html"]


def test_an_article_without_title_gets_a_heading_from_its_translation():
    digest = sample_digest()
    digest.articles[0].title_en = ""
    digest.articles[0].title_ar = ""
    text = to_markdown(digest)
    assert "### 1. Para one." in text


def big_digest() -> Digest:
    digest = sample_digest()
    digest.articles[0].id = "big"
    digest.articles[0].translation_en = "A long translated paragraph. " * 400_000  # about 12 MB
    return digest


def test_a_writer_killed_at_any_moment_leaves_the_old_digest_or_the_new_one(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    write_digest(sample_digest(), tmp_path)
    script = ("from tests.render.test_markdown_json import big_digest\nfrom summarize.render import write_digest\n"
              f"digest = big_digest()\nwhile True:\n    write_digest(digest, {str(tmp_path)!r})\n")
    for delay in (0.8, 1.3, 2.1):
        writer = subprocess.Popen([sys.executable, "-c", script], cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        data = json.loads((tmp_path / "digest.json").read_text(encoding="utf-8"))
        assert data["articles"][0]["id"] in ("a1", "big")
        markdown = (tmp_path / "digest.md").read_text(encoding="utf-8")
        assert markdown.startswith("# Arabic news digest") and "## Full translations" in markdown
    # Killed writers may leave their temporary files, never a half-written digest under the real name.
    assert {p.name for p in tmp_path.iterdir() if not p.name.startswith(".")} == {"digest.html", "digest.json", "digest.md"}


HOSTILE = [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', '<iframe src="https://evil.example/">',
    "[original](javascript:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)", "`code` ``` and *stars* _u_",
    "# not a heading", "1. not a list", "&lt;script&gt; entity", "<https://evil.example/auto>",
]


def hostile_digest():
    from summarize.records import Story

    evil = " ".join(HOSTILE)
    articles = [DigestArticle(id=f"id`{n}` {evil}", source=f"Outlet {evil}", url=url, date=f"2018 {evil}",
                              language="ar", title_ar=f"عنوان {evil}", title_en=f"Title {evil}",
                              summary_en=f"Summary {evil}", translation_en=f"Para {evil}\n\n# Para two {evil}",
                              flags=[{"segment": 1, "ar": f"نص {evil}", "en": f"text {evil}", "missing": [f"latin:{evil}"]}])
                for n, url in enumerate(["javascript:alert(1)", "data:text/html,<script>x</script>",
                                         "https://example.org/a)(b<c>"])]
    stories = [Story(id="story-1", headline_en=f"Story {evil}", summary_en=f"Story summary {evil}",
                     article_ids=[a.id for a in articles], sources=[a.source for a in articles])]
    return Digest(articles=articles, stories=stories, run={"date": "2018-05-08", "translator": {"model": evil},
                                                           "summarizer": {"model": evil}},
                  errors=[{"input": f"file {evil}.jsonl\n", "reason": f"reason {evil}", "skipped": True}])


def test_markdown_of_hostile_input_renders_as_text_with_only_http_links():
    from html.parser import HTMLParser

    import markdown_it

    html = markdown_it.MarkdownIt("commonmark").render(to_markdown(hostile_digest()))

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.hrefs = set(), []

        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)
            self.hrefs += [value for name, value in attrs if name in ("href", "src")]

    parser = Tags()
    parser.feed(html)
    assert parser.tags <= {"h1", "h2", "h3", "p", "ul", "li", "em", "a", "br"}, parser.tags
    assert set(parser.hrefs) == {"https://example.org/a%29%28b%3Cc%3E"}  # the one http(s) URL, and it alone
    for text in ("<script>alert(1)</script>", "[original](javascript:alert(1))", "# not a heading",
                 "`code` ``` and *stars* _u_"):
        assert text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in html


def test_a_backtick_in_an_id_cannot_break_out():
    text = to_markdown(hostile_digest())
    assert "`" not in text.replace("\\`", "")
