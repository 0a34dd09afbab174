"""Stories in time and follow-ups (summarize.followups): the cut by dates, within one digest on the
seeds, and across two archived days through the pipeline, write_digest and the pages."""
import dataclasses
import json
import logging
import re
import shutil
from datetime import date as Date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from summarize.followups import (LOOKBACK_DAYS, SIDECAR_SUFFIX, STORY_DAYS, article_day, earlier_days,
                                 follow_earlier_days, split_by_time)
from summarize.ingest import read_articles
from summarize.pipeline import Pipeline
from summarize.records import Article, Story
from summarize.render import to_json, write_digest
from summarize.render.html import to_html
from summarize.settings import Settings
from summarize.stories import fold_arabic

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IRAN = FIXTURES / "antcorpus" / "AL-internationalNews-1074-20180508.txt"  # the nuclear deal, 2018-05-08
PORT = FIXTURES / "scraped_page_ar.txt"  # Jeddah port figures: nothing to do with either thread
DAY1, DAY2 = "2018-05-08", "2018-05-09"


def day(n: int) -> str:
    """Day ``n`` of May 2024 as an article's date."""
    return Date(2024, 5, n).isoformat()


# --- split_by_time ---------------------------------------------------------------------------

def test_a_group_within_story_days_stays_one_part():
    assert split_by_time([[0, 1]], [day(1), day(2)]) == [([0, 1], None)]
    # STORY_DAYS calendar days, both ends included: the first and the third day are one story.
    assert STORY_DAYS == 3
    assert split_by_time([[0, 1, 2]], [day(1), day(2), day(3)]) == [([0, 1, 2], None)]


def test_the_day_after_the_window_starts_a_part_that_follows_the_first():
    assert split_by_time([[0, 1, 2, 3]], [day(1), day(2), day(3), day(4)]) == [([0, 1, 2], None), ([3], 0)]


def test_the_window_counts_from_a_parts_first_article_not_from_the_last():
    # Chained article to article, a thread reported every day would stay one story for a week.
    dates = [day(n) for n in range(1, 8)]
    assert split_by_time([list(range(7))], dates) == [([0, 1, 2], None), ([3, 4, 5], 0), ([6], 1)]


def test_parts_follow_date_order_whatever_the_input_order_and_keep_indices_ascending():
    dates = [day(5), day(1), "2024-05-02T23:59:00+03:00", day(6)]
    assert split_by_time([[0, 1, 2, 3]], dates) == [([1, 2], None), ([0, 3], 0)]


def test_undated_articles_join_the_largest_dated_part():
    dates = [day(1), day(5), day(6), None, "last Tuesday"]
    assert split_by_time([[0, 1, 2, 3, 4]], dates) == [([0], None), ([1, 2, 3, 4], 0)]


def test_undated_articles_join_the_earliest_of_equal_parts():
    assert split_by_time([[0, 1, 2]], [day(1), day(9), None]) == [([0, 2], None), ([1], 0)]


def test_a_group_with_no_dated_article_stays_whole():
    assert split_by_time([[0, 1, 2]], [None, "", "yesterday"]) == [([0, 1, 2], None)]
    assert article_day("2024-13-01") is None and article_day(20240501) is None


def test_follows_indices_point_into_the_whole_result_across_groups():
    dates = [day(1), day(1), day(1), day(4), day(8), day(2)]
    parts = split_by_time([[0, 1], [2, 3, 4], [5]], dates)
    assert parts == [([0, 1], None), ([2], None), ([3], 1), ([4], 2), ([5], None)]
    assert split_by_time([], []) == []


# --- the seeds through the pipeline ----------------------------------------------------------

@pytest.fixture
def settings(tiny_models, tmp_path):
    return Settings(translator=str(tiny_models["translator"]), summarizer=str(tiny_models["summarizer"]),
                    beams=1, summary_beams=1, cache=str(tmp_path / "cache.sqlite3"))


def dates_of(digest):
    return {a.id: a.date for a in digest.articles}


def span_days(story, dates) -> int:
    days = [article_day(dates[i]) for i in story.article_ids if article_day(dates[i])]
    return (max(days) - min(days)).days if days else 0


def test_the_seeds_as_read_are_one_story_round_their_one_dated_page(settings):
    # Only 004 says its day (2024-05-03, a date line the cleaner reads); the four undated pages join it.
    digest = Pipeline(settings).run(list(read_articles([SEEDS])))
    dates = dates_of(digest)
    assert [d for d in dates.values() if d] == ["2024-05-03"]
    assert len(digest.stories) == 1 and len(digest.stories[0].article_ids) == 5
    assert digest.stories[0].follows is None
    assert digest.run["new_since"] == {"since": None, "days_compared": 0, "new_stories": 1, "follow_ups": 0,
                                       "continued": 0}


def test_the_seeds_over_five_days_become_two_stories_the_second_following_the_first(settings):
    # Dated a day apart, the five pages of one thread (one group on their Arabic) span five days.
    read = list(read_articles([SEEDS]))
    articles = [dataclasses.replace(a, date=day(n)) for n, a in zip(range(1, 6), read)]
    digest = Pipeline(settings).run(articles)
    dates = dates_of(digest)
    assert all(span_days(s, dates) < STORY_DAYS for s in digest.stories)
    by_id = {s.id: s for s in digest.stories}
    parts = sorted(([dates[i] for i in s.article_ids], s.id) for s in digest.stories)
    assert [p for p, _ in parts] == [[day(1), day(2), day(3)], [day(4), day(5)]]
    (_, first), (_, second) = parts
    assert by_id[first].follows is None
    assert by_id[second].follows == {"story_id": first, "date": day(1), "headline_en": by_id[first].headline_en,
                                     "href": "#" + first}
    assert digest.run["new_since"] == {"since": None, "days_compared": 0, "new_stories": 1, "follow_ups": 0,
                                       "continued": 1}
    # The page links the follow-up to the earlier story's section in the same page.
    page = Page(to_html(to_json(digest)))
    assert first in page.ids and second in page.ids
    assert page.follow_links == ["#" + first]
    # A link within the page takes no archive prefix: the story is on the page itself.
    assert Page(to_html(to_json(digest), archive_prefix="../archive/")).follow_links == ["#" + first]


def test_seeds_a_year_apart_are_one_story_each_chained_in_time(settings):
    read = list(read_articles([SEEDS]))
    years = [f"{year}-03-01" for year in range(2020, 2025)]
    digest = Pipeline(settings).run([dataclasses.replace(a, date=d) for a, d in zip(read, years)])
    dates = dates_of(digest)
    ordered = sorted(digest.stories, key=lambda s: dates[s.article_ids[0]])
    assert [len(s.article_ids) for s in ordered] == [1] * 5
    assert ordered[0].follows is None
    for earlier, later in zip(ordered, ordered[1:]):
        assert later.follows["story_id"] == earlier.id and later.follows["href"] == "#" + earlier.id
        assert later.follows["date"] == dates[earlier.article_ids[0]]


# --- earlier days of the archive, without models ---------------------------------------------

def sidecar_file(folder: Path, on: str, stories) -> Path:
    path = folder / f"{on}{SIDECAR_SUFFIX}"
    path.write_text(json.dumps({"stories_schema_version": 1, "date": on, "stories": stories}), encoding="utf-8")
    return path


def arabic(path: Path) -> str:
    return fold_arabic(path.read_text(encoding="utf-8"))


def test_earlier_days_are_the_most_recent_lookback_days_before_the_digest(tmp_path):
    days = [(Date(2018, 4, 1) + timedelta(days=n)).isoformat() for n in range(LOOKBACK_DAYS + 4)]
    for n, on in enumerate(days):
        sidecar_file(tmp_path, on, [{"id": f"story-{n:010x}", "headline_en": on, "documents": ["نص"]}])
    digest_day = days[-3]
    found = earlier_days(tmp_path, digest_day)
    assert [d for d, _ in found] == list(reversed(days[:-3]))[:LOOKBACK_DAYS]  # the digest's day and later: never
    assert found[0][1] == [{"id": f"story-{len(days) - 4:010x}", "headline_en": days[-4], "documents": ["نص"]}]
    assert earlier_days(tmp_path / "missing", digest_day) == [] and earlier_days(None, digest_day) == []


def test_unreadable_sidecars_and_bad_entries_are_skipped_with_a_warning(tmp_path, caplog):
    (tmp_path / f"2018-05-01{SIDECAR_SUFFIX}").write_text("{not json", encoding="utf-8")
    (tmp_path / f"2018-05-02{SIDECAR_SUFFIX}").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / f"2018-05-03{SIDECAR_SUFFIX}").write_bytes(b"\xff\xfe\x00garbage")
    good = {"id": "story-0123456789", "headline_en": None, "documents": ["نص الخبر"]}
    sidecar_file(tmp_path, "2018-05-04", [good, {"id": "../../etc", "documents": ["x"]},
                                          {"id": "story-abcdefabcd", "documents": []}, "not a story"])
    (tmp_path / "notes.stories.json").write_text("{}", encoding="utf-8")  # no day: not read
    with caplog.at_level(logging.WARNING, logger="summarize.followups"):
        found = earlier_days(tmp_path, "2018-05-05")
    assert found == [("2018-05-04", [{"id": "story-0123456789", "headline_en": "", "documents": ["نص الخبر"]}])]
    warned = " ".join(r.getMessage() for r in caplog.records)
    for name in ("2018-05-01", "2018-05-02", "2018-05-03"):
        assert name in warned
    assert "3 of its stories skipped" in warned


def story_of(story_id: str, *article_ids: str, follows=None) -> Story:
    return Story(story_id, "headline", "summary", list(article_ids), [], follows=follows)


def test_a_story_follows_its_most_similar_earlier_story_the_most_recent_of_equals(tmp_path):
    iran, port = arabic(IRAN), arabic(PORT)
    seed = arabic(SEEDS / "003_fb788805ac2781e5.txt")
    sidecar_file(tmp_path, "2018-05-06", [{"id": "story-aaaaaaaaaa", "headline_en": "Older", "documents": [iran]}])
    sidecar_file(tmp_path, "2018-05-07", [{"id": "story-bbbbbbbbbb", "headline_en": "Newer", "documents": [iran]},
                                          {"id": "story-cccccccccc", "headline_en": "Coalition", "documents": [seed]}])
    within = {"story_id": "story-dddddddddd", "date": "2018-05-08", "headline_en": "x", "href": "#story-dddddddddd"}
    stories = [story_of("story-1111111111", "a"), story_of("story-2222222222", "b"),
               story_of("story-3333333333", "c", follows=within)]
    new_since = follow_earlier_days(stories, ["a", "b", "c"], [iran, port, iran], "2018-05-08", tmp_path)
    assert stories[0].follows == {"story_id": "story-bbbbbbbbbb", "date": "2018-05-07", "headline_en": "Newer",
                                  "href": "2018-05-07.html#story-bbbbbbbbbb"}
    assert stories[1].follows is None  # the port: like nothing filed
    assert stories[2].follows == within  # already continues a story of its own digest
    assert new_since == {"since": "2018-05-07", "days_compared": 2, "new_stories": 1, "follow_ups": 1,
                         "continued": 1}


def test_without_an_archive_every_story_is_new(tmp_path):
    stories = [story_of("story-1111111111", "a")]
    assert follow_earlier_days(stories, ["a"], [arabic(IRAN)], DAY1, None) == {
        "since": None, "days_compared": 0, "new_stories": 1, "follow_ups": 0, "continued": 0}
    assert stories[0].follows is None


# --- two archived days through the pipeline --------------------------------------------------

def antcorpus_article(path: Path) -> tuple[str, list[str]]:
    title, *body = path.read_text(encoding="utf-8").splitlines()
    return title.strip(), [line for line in body if line.strip()]


def day1_articles() -> list[Article]:
    title, body = antcorpus_article(IRAN)
    seed = (SEEDS / "003_fb788805ac2781e5.txt").read_text(encoding="utf-8")
    return [Article("iran-1", title, "\n".join(body), source="Al Arabiya", url="https://example.org/iran-1", date=DAY1),
            Article("coalition-1", "", seed, source="Al Mada", url="https://example.org/coalition-1", date=DAY1)]


def day2_articles() -> list[Article]:
    # The next day's copy of the Iran story: a new lead, then most of the day before's wording.
    title, body = antcorpus_article(IRAN)
    lead = "واصل الاتحاد الأوروبي اليوم الأربعاء مشاوراته مع طهران بشأن الاتفاق النووي بعد يوم من انسحاب واشنطن منه."
    return [Article("iran-2", "الاتحاد الأوروبي يواصل مشاوراته بشأن الاتفاق النووي مع إيران", "\n".join([lead] + body[:-1]),
                    source="Al Arabiya", url="https://example.org/iran-2", date=DAY2),
            Article("port-2", "", PORT.read_text(encoding="utf-8"), source="Saudi Press", url="https://example.org/port-2",
                    date=DAY2)]


class Page(HTMLParser):
    """Element ids, links, and the links of "Follow-up of" lines, of an HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids, self.links, self.follow_links, self._in_follows = set(), [], [], 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "p" and "follows" in (attrs.get("class") or "").split():
            self._in_follows += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if self._in_follows:
                self.follow_links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "p" and self._in_follows:
            self._in_follows -= 1


def story_with(digest, article_id: str) -> Story:
    [story] = [s for s in digest.stories if article_id in s.article_ids]
    return story


@pytest.fixture(scope="module")
def two_days(tiny_models, tmp_path_factory):
    """Day 1 and day 2 run and written with one archive: {"root", "settings", "day1", "day2"}."""
    root = tmp_path_factory.mktemp("two-days")
    settings = Settings(translator=str(tiny_models["translator"]), summarizer=str(tiny_models["summarizer"]),
                        beams=1, summary_beams=1, cache=str(root / "cache.sqlite3"), archive=str(root / "archive"))
    first = Pipeline(settings).run(day1_articles())
    write_digest(first, root / "out1", archive=settings.archive)
    second = Pipeline(settings).run(day2_articles())
    write_digest(second, root / "out", archive=settings.archive)
    return {"root": root, "settings": settings, "day1": first, "day2": second}


def test_day_one_is_all_new(two_days):
    first = two_days["day1"]
    assert first.run["date"] == DAY1 and len(first.stories) == 2
    assert all(s.follows is None for s in first.stories)
    assert first.run["new_since"] == {"since": None, "days_compared": 0, "new_stories": 2, "follow_ups": 0,
                                      "continued": 0}


def test_the_continuing_story_follows_day_ones_and_the_other_is_new(two_days):
    earlier = story_with(two_days["day1"], "iran-1")
    second = two_days["day2"]
    assert second.run["date"] == DAY2 and len(second.stories) == 2
    assert story_with(second, "iran-2").follows == {"story_id": earlier.id, "date": DAY1,
                                                    "headline_en": earlier.headline_en,
                                                    "href": f"{DAY1}.html#{earlier.id}"}
    assert story_with(second, "port-2").follows is None
    assert second.run["new_since"] == {"since": DAY1, "days_compared": 1, "new_stories": 1, "follow_ups": 1,
                                       "continued": 0}
    written = json.loads((two_days["root"] / "out" / "digest.json").read_text(encoding="utf-8"))
    assert written["run"]["new_since"] == second.run["new_since"]
    assert [s["follows"] for s in written["stories"]] == [s.follows for s in second.stories]


def test_the_archive_files_both_days_stories_with_their_folded_arabic(two_days):
    archive = Path(two_days["settings"].archive)
    for digest in (two_days["day1"], two_days["day2"]):
        data = json.loads((archive / f"{digest.run['date']}{SIDECAR_SUFFIX}").read_text(encoding="utf-8"))
        assert data["date"] == digest.run["date"]
        assert [s["id"] for s in data["stories"]] == [s.id for s in digest.stories]
        position = {a.id: n for n, a in enumerate(digest.articles)}
        for entry, story in zip(data["stories"], digest.stories):
            assert entry["documents"] == [digest.documents[position[i]] for i in story.article_ids]
            assert entry["documents"] and all(d == fold_arabic(d) for d in entry["documents"])


def test_the_index_shows_each_days_new_stories_and_follow_ups(two_days):
    index = (Path(two_days["settings"].archive) / "index.html").read_text(encoding="utf-8")
    meta = dict(re.findall(r'<a class="day" href="(\d{4}-\d{2}-\d{2})\.html">[^<]*</a>\s*<span class="meta">([^<]*)', index))
    assert list(meta) == [DAY2, DAY1]  # newest first
    assert "· 1 new, 1 follow-up ·" in meta[DAY2]
    assert "new" not in meta[DAY1] and "follow-up" not in meta[DAY1]  # the first day filed: nothing to be new since


def test_the_archived_follow_up_links_to_day_ones_page_where_the_story_is(two_days):
    archive = Path(two_days["settings"].archive)
    earlier = story_with(two_days["day1"], "iran-1")
    page = Page((archive / f"{DAY2}.html").read_text(encoding="utf-8"))
    assert page.follow_links == [f"{DAY1}.html#{earlier.id}"]
    assert earlier.id in Page((archive / f"{DAY1}.html").read_text(encoding="utf-8")).ids


def test_the_digest_pages_follow_up_link_goes_through_the_archive_folder(two_days):
    out = two_days["root"] / "out"
    earlier = story_with(two_days["day1"], "iran-1")
    [link] = Page((out / "digest.html").read_text(encoding="utf-8")).follow_links
    assert link == f"../archive/{DAY1}.html#{earlier.id}"
    target, anchor = link.split("#")
    assert (out / target).resolve() == (Path(two_days["settings"].archive) / f"{DAY1}.html").resolve()
    assert anchor in Page((out / target).read_text(encoding="utf-8")).ids


def test_digest_md_says_what_follows_what_and_what_is_new(two_days):
    text = (two_days["root"] / "out" / "digest.md").read_text(encoding="utf-8")
    assert "Follow-up of “" in text and f"” ({DAY1})" in text
    assert "1 new story, 1 follow-up since Tuesday 8 May 2018" in text


def test_a_rerun_of_day_two_from_the_cache_still_marks_the_follow_up(two_days, monkeypatch):
    def not_again(*args, **kwargs):
        raise AssertionError("the stories were made again, not taken from the cache")

    # Follow-ups are not cached with the stories: what the archive holds changes between runs.
    monkeypatch.setattr("summarize.pipeline.stories_in_time", not_again)
    again = Pipeline(two_days["settings"]).run(day2_articles())
    assert again.run["counts"]["cached_articles"] == 2
    assert story_with(again, "iran-2").follows == story_with(two_days["day2"], "iran-2").follows
    assert again.run["new_since"] == two_days["day2"].run["new_since"]


def test_days_after_the_digests_date_are_not_compared(two_days):
    # Day 1 run again once day 2 is filed: its Iran story is much like day 2's, but day 2 came later.
    again = Pipeline(two_days["settings"]).run(day1_articles())
    assert all(s.follows is None for s in again.stories)
    assert again.run["new_since"] == {"since": None, "days_compared": 0, "new_stories": 2, "follow_ups": 0,
                                      "continued": 0}


def test_a_corrupt_sidecar_is_skipped_with_a_warning_and_the_run_goes_on(two_days, tmp_path, caplog):
    archive = tmp_path / "archive"
    shutil.copytree(two_days["settings"].archive, archive)
    settings = two_days["settings"].replace(archive=str(archive))
    (archive / f"2018-05-07{SIDECAR_SUFFIX}").write_text('{"stories": [', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="summarize.followups"):
        digest = Pipeline(settings).run(day2_articles())
    assert any("2018-05-07" in r.getMessage() for r in caplog.records)
    assert story_with(digest, "iran-2").follows["date"] == DAY1
    assert digest.run["new_since"]["days_compared"] == 1
    # Day 1's own sidecar broken: nothing to follow, every story new, still no crash.
    (archive / f"{DAY1}{SIDECAR_SUFFIX}").write_text("\x00", encoding="utf-8")
    digest = Pipeline(settings).run(day2_articles())
    assert all(s.follows is None for s in digest.stories)
    assert digest.run["new_since"] == {"since": None, "days_compared": 0, "new_stories": 2, "follow_ups": 0,
                                       "continued": 0}
