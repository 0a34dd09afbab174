import json
from pathlib import Path

import pytest

from summarize.ingest import InputError, read_articles

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_directory_of_text_files_gives_one_article_each_with_title_and_id():
    articles = list(read_articles([SEEDS]))
    assert len(articles) == 5
    assert sorted(a.id for a in articles) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for article in articles:
        first_line = (SEEDS / f"{article.id}.txt").read_text(encoding="utf-8").splitlines()[0]
        assert article.title == first_line.strip()
        assert article.text and first_line not in article.text.splitlines()[:1]


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
    assert (second.id, second.source, second.url, second.date) == ("a-2", "CNN", None, "2015-08-10 10:00")
    assert first.origin.endswith("day.jsonl:1")


def test_bad_feed_lines_are_skipped_and_reported(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "ok", "text_ar": "نص."}\n{not json\n[1, 2]\n{"id": "empty", "text_ar": "  "}\n', encoding="utf-8")
    problems = []
    articles = list(read_articles([feed], problems))
    assert [a.id for a in articles] == ["ok"]
    assert [p.input.rsplit(":", 1)[1] for p in problems] == ["2", "3", "4"]


def test_files_named_one_by_one_and_a_missing_path(tmp_path):
    one = sorted(SEEDS.glob("*.txt"))[:2]
    assert [a.id for a in read_articles(one)] == [p.stem for p in one]
    with pytest.raises(InputError, match="no such file"):
        list(read_articles([one[0], tmp_path / "absent.txt"]))


def test_real_news_day_reads_completely():
    data = Path(__file__).resolve().parents[2] / "shared" / "data" / "news_ar_2018-05-08.jsonl"
    if not data.exists():
        pytest.skip(f"{data} is not present")
    problems = []
    articles = list(read_articles([data], problems))
    assert len(articles) == 131 and problems == []
    assert {a.source for a in articles} == {"BBC", "CNN", "alarabia", "france24", "skynews"}
