import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from summarize.ingest import read_articles
from summarize.render_html import index_html, safe_url, to_html, write_archive
from summarize.screenshot import dump_dom, find_chromium

REPO = Path(__file__).resolve().parents[1]
OUTLETS = {"AL": "Al Arabiya", "BB": "BBC Arabic", "CN": "CNN Arabic", "FR": "France 24", "SK": "Sky News Arabia"}
SCRIPT = "<script>document.title='pwned'</script>"
IMG = "<img src=x onerror=\"document.title='pwned'\">"
HOSTILE_TEXT = f"{SCRIPT} {IMG} \"double\" & 'single' </details></li>"


def seeds_digest() -> dict:
    """A digest.json dict as the pipeline makes it: the seeds' Arabic titles, English placeholders,
    one flagged sentence, and a hostile article in every field."""
    articles = []
    for number, seed in enumerate(read_articles([REPO / "seeds"]), start=1):
        articles.append({
            "id": seed.id, "source": OUTLETS[seed.id[:2]], "url": f"https://example.org/{number}", "date": "2018-05-08",
            "title_ar": seed.title, "title_en": f"Seed headline {number}",
            "summary_en": f"Seed summary {number}.",
            "translation_en": f"Seed translation {number}, first paragraph. The deal was signed in 2015.\n\nSecond paragraph.",
            "flags": [{"segment": 2, "ar": "وقع الاتفاق عام 2015 بعد 12 عاما", "en": "The deal was signed in 2015.",
                       "missing": ["number:12"]}] if number == 1 else [],
        })
    articles.append({"id": "evil<id>", "source": f"Evil {SCRIPT}", "url": "javascript:document.title='pwned'",
                     "date": "2018-05-08", "title_ar": f"عنوان {SCRIPT}", "title_en": f"Hostile {IMG}",
                     "summary_en": f"Hostile summary {HOSTILE_TEXT}",
                     "translation_en": f"Hostile translation {HOSTILE_TEXT}\n\n<iframe src=https://evil.example/x></iframe>",
                     "flags": [{"segment": 0, "ar": SCRIPT, "en": "Hostile translation", "missing": [f"quote:{IMG}"]}]})
    stories = [
        {"id": "story-seeds", "headline_en": "Seed headline 2", "summary_en": "The story of the five seeds.",
         "article_ids": [a["id"] for a in articles[:5]], "sources": sorted(OUTLETS.values()), "key_sentences": []},
        {"id": "story-evil", "headline_en": f"Hostile {IMG}", "summary_en": f"Hostile summary {HOSTILE_TEXT}",
         "article_ids": ["evil<id>"], "sources": [f"Evil {SCRIPT}"], "key_sentences": []},
    ]
    return {"schema_version": 1, "date": "2018-05-08", "articles": articles, "stories": stories,
            "errors": [{"input": "feed.jsonl:3", "reason": f"malformed JSON {SCRIPT}"}],
            "run": {"date": "2018-05-08", "started_at": "2018-05-08T20:00:00+00:00", "summarize_version": "0.1.0",
                    "translator": {"model": "opus-mt-ar-en"}, "summarizer": {"model": f"extractive {SCRIPT}"}}}


class Page(HTMLParser):
    """What a page is made of: tags with their attributes, text, and the style sheet."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.style = ""
        self.title = ""
        self._in_style = self._in_title = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style, self._in_title = tag == "style", tag == "title"

    def handle_endtag(self, tag):
        self._in_style = self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def test_hostile_article_text_is_shown_as_text_and_nothing_is_loaded():
    html = to_html(seeds_digest())
    page = Page(html)
    names = [tag for tag, _ in page.tags]
    assert "script" not in names and "iframe" not in names and "img" not in names and "link" not in names
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)
    assert SCRIPT in page.all_text and "\"double\" & 'single'" in page.all_text
    assert "<iframe src=https://evil.example/x></iframe>" in page.all_text
    # Nothing is loaded: no src anywhere, links only to the articles (http) or within the page (#).
    urls = [(tag, name, value) for tag, attrs in page.tags for name, value in attrs.items()
            if name in ("src", "srcset", "href", "action", "poster", "data", "background")]
    assert all(tag == "a" and name == "href" for tag, name, _ in urls)
    assert {v for _, _, v in urls if not v.startswith("#")} == {f"https://example.org/{n}" for n in range(1, 6)}
    assert "javascript:" not in {v[:11] for _, _, v in urls}
    assert not re.search(r"url\(|@import|@font-face", page.style)
    csp = [a["content"] for tag, a in page.tags if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "script-src" not in csp[0]


def test_stories_come_first_with_arabic_titles_right_to_left():
    html = to_html(seeds_digest())
    page = Page(html)
    text = page.all_text
    assert text.index("Tuesday 8 May 2018") < text.index("The story of the five seeds.") < text.index("Seed headline 1")
    arabic = [attrs for tag, attrs in page.tags if attrs.get("lang") == "ar"]
    assert len(arabic) >= 6 and all(a.get("dir") == "rtl" for a in arabic)
    assert "الاتحاد الأوروبي يعلن التزامه بالاتفاق النووي مع إيران" in text
    assert sum(1 for tag, _ in page.tags if tag == "details") >= 12  # article, translation, checks
    assert "2 stories · 6 articles from 6 outlets" in text


def test_flagged_sentences_are_marked_in_the_translation():
    page = Page(to_html(seeds_digest()))
    assert "⚑ 1 sentence to check against the Arabic" in page.all_text
    assert "Not in the English: 12" in page.all_text
    html = to_html(seeds_digest())
    assert re.search(r'<mark title="Not in the English: 12">The deal was signed in 2015\.</mark>', html)


def test_a_digest_without_stories_lists_its_articles():
    digest = seeds_digest()
    del digest["stories"]
    text = Page(to_html(digest)).all_text
    assert "Articles" in text and "Seed headline 5" in text and "Stories" not in text
    empty = Page(to_html({"date": "2018-05-08", "articles": [], "errors": [], "run": {}})).all_text
    assert "No articles in this digest." in empty


def test_english_originals_and_kept_inputs_are_shown_as_such():
    digest = seeds_digest()
    digest["articles"].append({"id": "en1", "source": "Reuters", "url": None, "date": None, "language": "en",
                               "title_ar": "An English title", "title_en": "", "summary_en": "English summary.",
                               "translation_en": "Untitled English article text.", "flags": []})
    digest["errors"].append({"input": "page.html", "reason": "odd encoding", "skipped": False})
    page = Page(to_html(digest))
    text = page.all_text
    assert "Untitled English article text." in text and "English original" in text and "Full text" in text
    assert "An English title" not in text  # an English article's "title_ar" is not shown as Arabic
    assert "odd encoding (kept)" in text and "Input problems" in text


def test_only_web_addresses_become_links():
    assert safe_url("https://www.bbc.co.uk/arabic/x") == "https://www.bbc.co.uk/arabic/x"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "/etc/passwd", "http://", None, 3,
                "https://a b"):
        assert safe_url(bad) is None


def test_archive_files_each_day_and_lists_them_newest_first(tmp_path):
    digest = seeds_digest()
    write_archive(digest, tmp_path, markdown="# digest\n")
    older = {**digest, "date": "2018-05-07", "stories": [{**digest["stories"][0], "headline_en": "Older story"}]}
    written = write_archive(older, tmp_path)
    assert [p.name for p in written] == ["2018-05-07.json", "2018-05-07.html", "index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2018-05-07.html", "2018-05-07.json", "2018-05-08.html", "2018-05-08.json", "2018-05-08.md", "index.html"]
    assert json.loads((tmp_path / "2018-05-07.json").read_text(encoding="utf-8")) == older
    index = Page((tmp_path / "index.html").read_text(encoding="utf-8"))
    links = [a["href"] for tag, a in index.tags if tag == "a"]
    assert links.index("2018-05-08.html") < links.index("2018-05-07.html")
    assert "Older story" in index.all_text and f"Hostile {IMG}" in index.all_text
    assert not any(tag == "script" for tag, _ in index.tags)
    (tmp_path / "2018-05-08.json").unlink()  # rebuilt from what is in the folder
    assert "2018-05-08.html" in index_html(tmp_path)
    for bad in ("../../etc/x", "2018-13-01", None):
        with pytest.raises(ValueError):
            write_archive({**digest, "date": bad}, tmp_path)


@pytest.fixture(scope="module")
def chromium():
    if find_chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (apt-get install -y chromium)")
        pytest.skip("Chromium not installed (apt-get install -y chromium); CI runs this test")


def test_in_a_real_browser_the_hostile_text_stays_text(chromium, tmp_path):
    # The control: this harness does see a script that runs.
    control = tmp_path / "control.html"
    control.write_text("<html><head><title>before</title></head><body><script>document.title='ran'</script></body></html>",
                       encoding="utf-8")
    assert Page(dump_dom(control)).title == "ran"

    page = tmp_path / "digest.html"
    page.write_text(to_html(seeds_digest()), encoding="utf-8")
    dom = Page(dump_dom(page))
    assert dom.title == "Arabic news digest — 2018-05-08"  # the hostile scripts did not run
    names = [tag for tag, _ in dom.tags]
    assert "script" not in names and "img" not in names and "iframe" not in names
    text = dom.all_text
    assert SCRIPT in text and "<img src=x onerror=" in text
    assert text.index("The story of the five seeds.") < text.index("Seed headline 1") < text.index("Hostile summary")
    arabic = [attrs for tag, attrs in dom.tags if attrs.get("lang") == "ar"]
    assert arabic and all(a.get("dir") == "rtl" for a in arabic)
    assert "الاتفاق النووي مع إيران: ترامب يعلن الانسحاب" in text
