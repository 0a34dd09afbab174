import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from summarize.render import to_markdown
from summarize.records import Digest, DigestArticle
from summarize.render.archive import index_html, write_archive
from summarize.render.html import EXPAND_SCRIPT, safe_url, script_hash, to_html
from tools.screenshot import chromium_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "antcorpus"
# The fixture articles' outlets, given here as a feed would give them (the .txt files carry none).
FIXTURE_OUTLETS = {
    "BB-internationalNews-479-20180508": "BBC Arabic",
    "CN-middleEast-844-20180508": "CNN Arabic",
    "AL-internationalNews-1074-20180508": "Al Arabiya",
    "FR-internationalNews-1140-20180508": "France 24",
    "SK-internationalNews-1448-20180508": "Sky News Arabia",
}
SCRIPT = "<script>document.title='pwned'</script>"
IMG = "<img src=x onerror=\"document.title='pwned'\">"
HOSTILE_TEXT = f"{SCRIPT} {IMG} \"double\" & 'single' </details></li>"


def fixture_digest() -> dict:
    """A digest.json dict as the pipeline makes it: five antcorpus articles (their Arabic titles from
    the files' first lines, the outlets above), English placeholders, one flagged sentence, and a
    hostile article in every field."""
    articles = []
    for number, (article_id, outlet) in enumerate(FIXTURE_OUTLETS.items(), start=1):
        title_ar = (FIXTURES / f"{article_id}.txt").read_text(encoding="utf-8").splitlines()[0].strip()
        articles.append({
            "id": article_id, "source": outlet, "url": f"https://example.org/{number}", "date": "2018-05-08",
            "title_ar": title_ar, "title_en": f"Seed headline {number}",
            "summary_en": f"Seed summary {number}.",
            "translation_en": f"Seed translation {number}, first paragraph. The deal was signed in 2015.\n\nSecond paragraph.",
            "flags": [{"segment": 2, "ar": "وقع الاتفاق عام 2015 بعد 12 عاما", "en": "The deal was signed in 2015.",
                       "missing": ["number:12"]}] if number == 1 else [],
            "title_from": "input", "source_from": "input", "date_from": "input",
        })
    articles.append({"id": "evil<id>", "source": f"Evil {SCRIPT}", "url": "javascript:document.title='pwned'",
                     "date": "2018-05-08", "title_ar": f"عنوان {SCRIPT}", "title_en": f"Hostile {IMG}",
                     "summary_en": f"Hostile summary {HOSTILE_TEXT}",
                     "translation_en": f"Hostile translation {HOSTILE_TEXT}\n\n<iframe src=https://evil.example/x></iframe>",
                     "flags": [{"segment": 0, "ar": SCRIPT, "en": "Hostile translation", "missing": [f"quote:{IMG}"]}],
                     "title_from": None, "source_from": f"\"><script>alert(1)</script>", "date_from": "dateline"})
    stories = [
        {"id": "story-seeds", "headline_en": "Seed headline 2", "summary_en": "The story of the five seeds.",
         "article_ids": [a["id"] for a in articles[:5]], "sources": sorted(FIXTURE_OUTLETS.values()), "key_sentences": []},
        {"id": "story-evil", "headline_en": f"Hostile {IMG}", "summary_en": f"Hostile summary {HOSTILE_TEXT}",
         "article_ids": ["evil<id>"], "sources": [f"Evil {SCRIPT}"], "key_sentences": []},
    ]
    return {"schema_version": 1, "date": "2018-05-08", "articles": articles, "stories": stories,
            "errors": [{"input": "feed.jsonl:3", "reason": f"malformed JSON {SCRIPT}"}],
            "run": {"date": "2018-05-08", "date_from": "articles",
                    "article_dates": {"first": "2018-05-08", "last": "2018-05-08", "days": 1, "dated": 6, "undated": 0},
                    "started_at": "2018-05-08T20:00:00+00:00", "summarize_version": "0.1.0",
                    "translator": {"model": "opus-mt-ar-en"}, "summarizer": {"model": f"extractive {SCRIPT}"}}}


class Page(HTMLParser):
    """What a page is made of: tags with their attributes, text, the style sheet and the scripts."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.style = ""
        self.title = ""
        self.h1 = ""
        self.scripts: list[str] = []
        self._in = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in = ""

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 += data
        if self._in == "style":
            self.style += data
        elif self._in == "script":
            self.scripts[-1] += data
        else:
            self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def titled(self, value: str) -> list[str]:
        """The tags whose title= (tooltip) is ``value``."""
        return [tag for tag, attrs in self.tags if attrs.get("title") == value]


def csp_of(page: Page) -> dict[str, str]:
    policies = [a["content"] for tag, a in page.tags if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(policies) == 1
    return {d.split()[0]: " ".join(d.split()[1:]) for d in policies[0].split(";") if d.strip()}


def test_hostile_article_text_is_shown_as_text_and_nothing_is_loaded():
    html = to_html(fixture_digest())
    page = Page(html)
    names = [tag for tag, _ in page.tags]
    assert "iframe" not in names and "img" not in names and "link" not in names
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)
    assert SCRIPT in page.all_text and "\"double\" & 'single'" in page.all_text
    assert "<iframe src=https://evil.example/x></iframe>" in page.all_text
    # A hostile value inside an attribute (a tooltip) stays that attribute's text.
    assert page.titled("outlet read from the article's \"><script>alert(1)</script>") == ["bdi"]
    # Nothing is loaded: no src anywhere, links only to the articles (http) or within the page (#).
    urls = [(tag, name, value) for tag, attrs in page.tags for name, value in attrs.items()
            if name in ("src", "srcset", "href", "action", "poster", "data", "background")]
    assert all(tag == "a" and name == "href" for tag, name, _ in urls)
    assert {v for _, _, v in urls if not v.startswith("#")} == {f"https://example.org/{n}" for n in range(1, 6)}
    assert "javascript:" not in {v[:11] for _, _, v in urls}
    assert not re.search(r"url\(|@import|@font-face", page.style)
    csp = csp_of(page)
    assert csp["default-src"] == "'none'" and csp["base-uri"] == "'none'" and csp["form-action"] == "'none'"


def test_the_only_script_is_the_expand_control_allowed_by_its_hash():
    page = Page(to_html(fixture_digest()))
    assert page.scripts == [EXPAND_SCRIPT]
    assert [attrs for tag, attrs in page.tags if tag == "script"] == [{}]  # inline: no src
    # The CSP names that script's hash and nothing else: no 'unsafe-inline', no host, no other hash.
    assert csp_of(page)["script-src"] == script_hash(EXPAND_SCRIPT)
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", script_hash())
    assert script_hash("x") != script_hash()
    for hostile in ("pwned", "alert", "evil"):
        assert hostile not in page.scripts[0]
    # The control is hidden until the script shows it, so a page without scripts has no dead button.
    controls = [attrs for tag, attrs in page.tags if attrs.get("id") == "expand-controls"]
    assert len(controls) == 1 and "hidden" in controls[0]
    assert [attrs.get("data-open") for tag, attrs in page.tags if tag == "button"] == ["true", "false"]


def test_stories_come_first_with_arabic_titles_right_to_left():
    html = to_html(fixture_digest())
    page = Page(html)
    text = page.all_text
    assert page.h1 == "Tuesday 8 May 2018" and page.title == "Arabic news digest — 2018-05-08"
    assert text.index("Tuesday 8 May 2018") < text.index("The story of the five seeds.") < text.index("Seed headline 1")
    arabic = [attrs for tag, attrs in page.tags if attrs.get("lang") == "ar"]
    assert len(arabic) >= 6 and all(a.get("dir") == "rtl" for a in arabic)
    assert "الاتحاد الأوروبي يعلن التزامه بالاتفاق النووي مع إيران" in text
    assert sum(1 for tag, _ in page.tags if tag == "details") >= 12  # article, translation, checks
    assert "2 stories · 6 articles from 6 outlets" in text
    # The story card lists its outlets.
    assert [c for c in ("Al Arabiya", "BBC Arabic", "CNN Arabic", "France 24", "Sky News Arabia")
            if f'<span class="chip">{c}</span>' in html] == sorted(FIXTURE_OUTLETS.values())


def _with_dates(digest: dict, dates: list, date: str, origin: str) -> dict:
    for article, day in zip(digest["articles"], dates):
        article["date"] = day
    days = sorted({d for d in dates if d})
    digest["date"] = date
    digest["run"].update(date=date, date_from=origin, article_dates={
        "first": days[0] if days else None, "last": days[-1] if days else None, "days": len(days),
        "dated": sum(1 for d in dates if d), "undated": sum(1 for d in dates if not d)})
    return digest


def test_articles_from_several_days_are_not_shown_as_one_news_day():
    dates = ["2020-05-03", "2021-01-10", "2024-05-03", "2024-05-03", "2022-02-02", None]
    digest = _with_dates(fixture_digest(), dates, "2024-05-03", "articles")
    page = Page(to_html(digest))
    assert page.h1 == "News from 3 May 2020 to 3 May 2024"
    assert page.title == "Arabic news digest — 2020-05-03 to 2024-05-03"
    assert "5 dated articles on 4 different days · filed under 2024-05-03 · 1 of 6 articles undated." in page.all_text
    assert "Friday 3 May 2024" not in page.all_text
    assert "date not given" in page.all_text  # the undated article says so in its byline


def test_a_digest_of_undated_articles_says_when_it_was_made_not_what_day_the_news_is():
    digest = _with_dates(fixture_digest(), [None] * 6, "2026-12-02", "today")
    page = Page(to_html(digest))
    assert page.h1 == "Undated articles"
    assert "No article gives its date; digest made on Wednesday 2 December 2026." in page.all_text
    assert page.all_text.count("date not given") == 6


def test_a_date_given_with_the_option_is_shown_with_what_the_articles_say():
    digest = _with_dates(fixture_digest(), ["2018-05-08"] * 5 + [None], "2018-05-09", "option")
    page = Page(to_html(digest))
    assert page.h1 == "Wednesday 9 May 2018"
    assert "Date given with --date · articles dated 8 May 2018 · 1 of 6 articles undated." in page.all_text
    one_day = Page(to_html(_with_dates(fixture_digest(), ["2018-05-08"] * 6, "2018-05-08", "articles")))
    assert one_day.h1 == "Tuesday 8 May 2018" and "undated" not in one_day.all_text and "--date" not in one_day.all_text


def test_markdown_heading_says_the_same_as_the_page():
    article = DigestArticle(id="a1", source=None, url=None, date=None, language="ar", title_ar="عنوان",
                            title_en="A title", summary_en="A summary.", translation_en="Text.")
    run = {"date": "2024-05-03", "date_from": "articles", "translator": {"model": "t"}, "summarizer": {"model": "s"},
           "article_dates": {"first": "2020-05-03", "last": "2024-05-03", "days": 3, "dated": 4, "undated": 1}}
    lines = to_markdown(Digest(articles=[article], run=run)).splitlines()
    assert lines[:4] == ["# Arabic news digest — 2020-05-03 to 2024-05-03", "",
                         "*4 dated articles on 3 different days · filed under 2024-05-03 · 1 of 5 articles undated.*", ""]
    run.update(date="2026-12-02", date_from="today", article_dates={"first": None, "last": None, "days": 0,
                                                                     "dated": 0, "undated": 1})
    lines = to_markdown(Digest(articles=[article], run=run)).splitlines()
    assert lines[0] == "# Arabic news digest — undated articles, made 2026-12-02"
    assert lines[2] == "*No article gives its date; digest made on Wednesday 2 December 2026.*"
    run.update(date="2018-05-08", date_from="articles", article_dates={"first": "2018-05-08", "last": "2018-05-08",
                                                                        "days": 1, "dated": 1, "undated": 0})
    lines = to_markdown(Digest(articles=[article], run=run)).splitlines()
    assert lines[:2] == ["# Arabic news digest — 2018-05-08", ""] and lines[2].startswith("1 article")


def test_where_an_outlet_date_or_title_was_read_from_is_a_tooltip():
    digest = fixture_digest()
    first, second = digest["articles"][:2]
    first.update(source="عنب بلدي", source_from="byline", date_from="date line", title_from="lead")
    second.update(source=None, source_from=None)
    page = Page(to_html(digest))
    assert page.titled("outlet read from the article's byline") == ["bdi"]
    assert page.titled("date read from the article's date line") == ["bdi"]
    assert page.titled("the page has no headline: title taken from the article's lead") == ["span"]
    assert len(page.titled("outlet given by the input")) == 3  # articles 3-5; 2 has none
    assert "outlet not given" in page.all_text and "5 outlets: " in page.all_text and "1 without an outlet" in page.all_text
    # An Arabic outlet in an English line is isolated, so the words after it keep their order.
    assert page.all_text.count("عنب بلدي") >= 2 and sum(1 for tag, _ in page.tags if tag == "bdi") >= 12


def test_flagged_sentences_are_marked_in_the_translation():
    page = Page(to_html(fixture_digest()))
    assert "⚑ 1 sentence to check against the Arabic" in page.all_text
    assert "Not in the English: 12" in page.all_text
    html = to_html(fixture_digest())
    assert re.search(r'<mark title="Not in the English: 12">The deal was signed in 2015\.</mark>', html)


def test_a_digest_without_stories_lists_its_articles():
    digest = fixture_digest()
    del digest["stories"]
    text = Page(to_html(digest)).all_text
    assert "Articles" in text and "Seed headline 5" in text and "Stories" not in text
    empty = Page(to_html({"date": "2018-05-08", "articles": [], "errors": [], "run": {}})).all_text
    assert "No articles in this digest." in empty


def test_english_originals_and_kept_inputs_are_shown_as_such():
    digest = fixture_digest()
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
    digest = fixture_digest()
    write_archive(digest, tmp_path, markdown="# digest\n")
    older = {**digest, "date": "2018-05-07", "stories": [{**digest["stories"][0], "headline_en": "Older story"}]}
    written = write_archive(older, tmp_path)
    assert [p.name for p in written] == ["2018-05-07.json", "2018-05-07.html", "2018-05-07.stories.json", "index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2018-05-07.html", "2018-05-07.json", "2018-05-07.stories.json", "2018-05-08.html", "2018-05-08.json",
        "2018-05-08.md", "2018-05-08.stories.json", "index.html"]
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


# --- In a real browser: Playwright driving Debian's Chromium -------------------------------------

LONG_URL = "https://example.org/" + "a1b2c3d4e5" * 28  # 300 characters without a break opportunity
LONG_ARABIC = "التحالفالدوليضدتنظيمداعشفيسورياوالعراق" * 6  # one "word" of 228 letters
LONG_ID = "seed-" + "0123456789abcdef" * 8


def long_token_digest() -> dict:
    """The fixture digest plus articles and a story with a long unbroken token in every field, one
    with a long Arabic word in its Arabic title and one whose Arabic title is ordinary (the one a
    long English title used to crush to a word per line)."""
    digest = fixture_digest()
    long_ones = []
    for number, title_ar in enumerate([f"عنوان {LONG_ARABIC} طويل", "التحالف الدولي يواصل معركته ضد داعش بعد إلحاق الهزيمة بالتنظيم"]):
        long_ones.append({
            "id": f"{LONG_ID}-{number}", "source": f"Outlet{LONG_URL}", "url": LONG_URL, "date": f"2024-05-03{LONG_ID}",
            "language": "ar", "title_ar": title_ar, "title_en": f"Title{LONG_URL}", "summary_en": f"Summary{LONG_URL}",
            "translation_en": f"Paragraph{LONG_URL}.\n\nSecond{LONG_URL} {LONG_ARABIC}",
            "flags": [{"segment": 1, "ar": f"جملة {LONG_ARABIC}", "en": f"Paragraph{LONG_URL}.",
                       "missing": [f"latin:{LONG_URL}", f"number:{'9' * 120}"]}],
            "title_from": "headline", "source_from": "byline", "date_from": "date line"})
    long_ones.append({**long_ones[1], "id": f"{LONG_ID}-raw", "url": "ftp:" + LONG_URL[6:]})  # shown as text
    digest["articles"] += long_ones
    digest["stories"].insert(0, {"id": "story-long", "headline_en": f"Story{LONG_URL}", "summary_en": f"Story{LONG_URL}",
                                 "article_ids": [a["id"] for a in long_ones], "sources": [f"Outlet{LONG_URL}", "B"],
                                 "key_sentences": []})
    digest["errors"].append({"input": f"feeds/{LONG_URL}.jsonl:1", "reason": f"odd{LONG_URL}", "skipped": False})
    digest["run"].update(translator={"model": f"model{LONG_URL}"}, summarizer={"model": LONG_ID},
                         started_at=LONG_ID, summarize_version=LONG_ID)
    return digest


@pytest.fixture(scope="module")
def browser():
    def missing(reason: str):
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: the browser test must run in CI (.ci/run installs both)")
        pytest.skip(f"{reason}; CI runs this test")

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -r requirements.txt)")
    if chromium_path() is None:
        missing("Chromium is not installed (apt-get install -y chromium)")
    from tools.screenshot import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def open_page(browser, path: Path, width: int):
    """The page at ``width`` × 900, with every request it makes and every script or console error
    recorded; requests for anything but the page itself are refused."""
    url = path.resolve().as_uri()
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
    page.goto(url)
    return page, requests, errors


def test_the_browser_harness_sees_requests_and_script_errors(browser, tmp_path):
    # The control for the test below: on a page that does load and fail, the same recorder notices.
    control = tmp_path / "control.html"
    control.write_text("<html><body><img src='http://192.0.2.1/x.png'><img src='other.png'>"
                       "<script>document.title = 'ran'; undefined_function();</script></body></html>", encoding="utf-8")
    page, requests, errors = open_page(browser, control, 1280)
    page.wait_for_load_state("load")
    assert page.title() == "ran"
    assert control.as_uri() in requests and "http://192.0.2.1/x.png" in requests
    assert (tmp_path / "other.png").as_uri() in requests
    assert any("undefined_function" in e for e in errors)
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_page_fits_the_viewport_with_every_details_open(browser, tmp_path, width):
    path = tmp_path / "digest.html"
    path.write_text(to_html(long_token_digest()), encoding="utf-8")
    page, requests, errors = open_page(browser, path, width)
    details = "[...document.querySelectorAll('details')]"
    assert page.evaluate(f"{details}.length") == 9 * 2 + 5  # per article, its translation; 5 with checks
    assert page.evaluate(f"{details}.every(d => !d.open)")
    # The script runs under the CSP (it shows the control) and the click opens every <details>.
    page.get_by_role("button", name="Expand all").click(timeout=5000)
    assert page.evaluate(f"{details}.every(d => d.open)")

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    boxes = page.evaluate("[...document.querySelectorAll('[dir=rtl]')].map(e => {"
                          "const r = e.getBoundingClientRect(); return [r.left, r.right, r.width, e.textContent]})")
    assert len(boxes) >= 14
    outside = [(round(left), round(right), text[:40]) for left, right, w, text in boxes
               if w <= 0 or left < 0 or right > width]
    assert outside == []
    # Arabic titles get a column of their own width (not one word per line), however long the English.
    titles = page.evaluate("[...document.querySelectorAll('.titles .ar')].map(e => e.getBoundingClientRect().width)")
    assert len(titles) == 9 and min(titles) >= (300 if width == 1280 else 250)

    page.get_by_role("button", name="Collapse all").click(timeout=5000)
    assert page.evaluate(f"{details}.every(d => !d.open)")
    assert requests == [path.resolve().as_uri()]
    assert errors == []
    page.close()


def test_in_a_real_browser_the_hostile_text_stays_text(browser, tmp_path):
    path = tmp_path / "digest.html"
    path.write_text(to_html(fixture_digest()), encoding="utf-8")
    page, requests, errors = open_page(browser, path, 1280)
    page.get_by_role("button", name="Expand all").click(timeout=5000)
    assert page.title() == "Arabic news digest — 2018-05-08"  # the hostile scripts did not run
    assert page.evaluate("document.querySelectorAll('script').length") == 1
    assert page.evaluate("document.querySelectorAll('img, iframe, [onerror]').length") == 0
    text = " ".join(page.inner_text("body").split())
    assert SCRIPT in text and "<img src=x onerror=" in text
    assert text.index("The story of the five seeds.") < text.index("Seed headline 1") < text.index("Hostile summary")
    assert "الاتفاق النووي مع إيران: ترامب يعلن الانسحاب" in text
    assert requests == [path.resolve().as_uri()] and errors == []
    page.close()
