"""Paths, folders, the per-article limit, ids and duplicates: summarize.ingest.walk."""
import hashlib
import json
import os
from pathlib import Path

import pytest

from summarize.ingest import (
    HARD_MAX_ARTICLE_CHARS,
    InputError,
    InputProblem,
    check_max_article_chars,
    read_articles,
    readers,
)
from tests.ingest.samples import ARTICLE, BODY, ENGLISH, PAGE, SEEDS, TITLE, read, reasons, write_feed


# --- paths -----------------------------------------------------------------------------------------------


def test_directory_of_text_files_gives_one_article_each_with_title_and_id():
    articles = list(read_articles([SEEDS]))
    assert len(articles) == 5
    assert sorted(a.id for a in articles) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for article in articles:
        first_line = (SEEDS / f"{article.id}.txt").read_text(encoding="utf-8").splitlines()[0]
        assert article.title == first_line.strip()
        assert article.text and first_line not in article.text.splitlines()[:1]
        assert article.language == "ar"


def test_read_articles_is_a_lazy_generator(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    problems = []
    articles = read_articles([tmp_path / "missing"], problems)  # nothing happens until iterated
    assert problems == []
    with pytest.raises(InputError):
        next(articles)


# --- missing paths ---------------------------------------------------------------------------------------


def test_a_missing_path_among_others_is_reported_and_the_others_are_read(tmp_path):
    one = sorted(SEEDS.glob("*.txt"))[:2]
    assert [a.id for a in read_articles(one)] == [p.stem for p in one]
    articles, problems = read([one[0], tmp_path / "absent.txt", one[1]])
    assert [a.id for a in articles] == [p.stem for p in one]
    assert problems == [InputProblem(str(tmp_path / "absent.txt"), "no such file or directory")]


def test_only_missing_paths_raise_input_error_before_reading(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_articles([tmp_path / "absent.txt", tmp_path / "gone", "bad\x00name", "x" * 5000]))


def test_a_broken_link_is_reported_as_such(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "nowhere.txt")
    articles, problems = read([tmp_path / "a.txt", tmp_path / "link.txt"])
    assert [a.id for a in articles] == ["a"]
    assert "broken link" in problems[0].reason


# --- empty files -----------------------------------------------------------------------------------------


def test_empty_and_whitespace_only_files_are_skipped_and_the_rest_read(tmp_path):
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_blank.txt").write_text("  \n\t\n \u3000\n", encoding="utf-8")
    (tmp_path / "c_ok.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "d_empty.jsonl").write_bytes(b"\n\n  \n")
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["c_ok"]
    assert reasons(problems) == {"a_empty.txt": "empty file", "b_blank.txt": "empty file (whitespace only)",
                                 "d_empty.jsonl": "empty file (whitespace only)"}


# --- size ------------------------------------------------------------------------------------------------


def test_an_article_over_the_limit_is_skipped_and_read_when_the_limit_is_raised(tmp_path):
    (tmp_path / "long.txt").write_text(ARTICLE, encoding="utf-8")
    feed = write_feed(tmp_path / "f.jsonl", [{"id": "x", "text_ar": BODY}, {"id": "y", "text_ar": "نص قصير."}])
    assert 4 * 200 > len(ARTICLE.encode()) and len(BODY) > 200
    articles, problems = read([tmp_path / "long.txt", feed], max_article_chars=200)
    assert [a.id for a in articles] == ["y"]
    assert [(p.input, p.reason) for p in problems] == [
        (str(tmp_path / "long.txt"), f"too long: {len(TITLE) + len(BODY):,} characters, over the per-article limit "
                                     "of 200 characters (raise it with --max-article-chars)"),
        (f"{feed}:1", f"too long: {len(BODY):,} characters, over the per-article limit "
                      "of 200 characters (raise it with --max-article-chars)"),
    ]
    articles, problems = read([tmp_path / "long.txt", feed], max_article_chars=len(ARTICLE))
    assert [a.id for a in articles] == ["long", "x", "y"] and problems == []
    # a file more than 4 bytes a character over the limit is judged by its size on disk
    (problem,) = read([tmp_path / "long.txt"], max_article_chars=100)[1]
    assert problem.reason == (f"too large: {len(ARTICLE.encode())} bytes on disk, more than an article of the "
                              "per-article limit of 100 characters can take (raise it with --max-article-chars)")


def test_a_limit_over_the_hard_ceiling_is_refused_at_once_with_its_name(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(ValueError, match="HARD_MAX_ARTICLE_CHARS") as error:
        read_articles([tmp_path], max_article_chars=HARD_MAX_ARTICLE_CHARS + 1)  # not even iterated
    assert f"{HARD_MAX_ARTICLE_CHARS:,}" in str(error.value) and "\n" not in str(error.value)
    assert [a.id for a in read_articles([tmp_path], max_article_chars=HARD_MAX_ARTICLE_CHARS)] == ["a"]
    assert check_max_article_chars(HARD_MAX_ARTICLE_CHARS) == HARD_MAX_ARTICLE_CHARS
    for bad in (0, -1, True, 1.5, "100"):
        with pytest.raises(ValueError):
            check_max_article_chars(bad)


# --- duplicates ------------------------------------------------------------------------------------------


def test_duplicate_ids_same_text_skipped_different_text_renamed(tmp_path):
    feed = write_feed(tmp_path / "f.jsonl", [
        {"id": "a", "text_ar": "نص أول."},
        {"id": "a", "text_ar": "نص أول."},
        {"id": "a", "text_ar": "نص مختلف."},
        {"id": "a-2", "text_ar": "نص ثالث."},  # a real id, not taken by the rename above
    ])
    (tmp_path / "a.txt").write_text("نص أول.", encoding="utf-8")  # same id and text as feed line 1
    articles, problems = read([feed, tmp_path / "a.txt"])
    assert [(a.id, a.text) for a in articles] == [("a", "نص أول."), ("a~2", "نص مختلف."), ("a-2", "نص ثالث.")]
    assert [(p.input, p.reason, p.skipped) for p in problems] == [
        (f"{feed}:2", f"duplicate of {feed}:1 (same id a and same text)", True),
        (f"{feed}:3", f"duplicate id a (first at {feed}:1), different text: kept as a~2", False),
        (str(tmp_path / "a.txt"), f"duplicate of {feed}:1 (same id a and same text)", True),
    ]


def test_a_later_article_whose_id_a_rename_took_is_renamed_with_a_true_note(tmp_path):
    feed = write_feed(tmp_path / "f.jsonl", [
        {"id": "d", "text_ar": "نص أول."},
        {"id": "d", "text_ar": "نص ثان."},     # renamed d~2
        {"id": "d~2", "text_ar": "نص ثالث."},  # its own id, already given to line 2
        {"id": "d~2", "text_ar": "نص ثان."},   # line 2 again
        {"id": "d", "text_ar": "نص رابع."},    # d~2 and d~3 are taken: d~4
    ])
    articles, problems = read([feed])
    assert [(a.id, a.text) for a in articles] == [
        ("d", "نص أول."), ("d~2", "نص ثان."), ("d~2~2", "نص ثالث."), ("d~3", "نص رابع.")]
    assert len({a.id for a in articles}) == len(articles)
    assert [(p.input, p.reason) for p in problems] == [
        (f"{feed}:2", f"duplicate id d (first at {feed}:1), different text: kept as d~2"),
        (f"{feed}:3", f"id d~2 already given to {feed}:2 (renamed from its duplicate id d), different text: kept as d~2~2"),
        (f"{feed}:4", f"duplicate of {feed}:2 (same text; d~2 is the id it was kept as, renamed from d)"),
        (f"{feed}:5", f"duplicate id d (first at {feed}:1), different text: kept as d~3"),
    ]


# --- directories -----------------------------------------------------------------------------------------


def make_tree(root: Path) -> None:
    (root / "b" / "deep").mkdir(parents=True)
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "HEAD.txt").write_text(ARTICLE, encoding="utf-8")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(64))
    (root / "notes.md").write_text("# notes", encoding="utf-8")
    (root / "README").write_text("read me", encoding="utf-8")
    (root / "b" / "feed.jsonl").write_text(json.dumps({"id": "f1", "text_ar": BODY}, ensure_ascii=False) + "\n", encoding="utf-8")
    (root / "b" / "deep" / "page.HTML").write_text(PAGE, encoding="utf-8")
    (root / "b" / "deep" / "page2.txt").write_text(ENGLISH, encoding="utf-8")
    (root / "c.txt").write_text(ARTICLE.replace("الاتحاد", "الإتحاد"), encoding="utf-8")


def test_directory_with_subfolders_and_other_files(tmp_path):
    make_tree(tmp_path)
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["a", "page", "page2", "f1", "c"]  # b/deep/ sorts before b/feed.jsonl
    assert [a.language for a in articles] == ["ar", "ar", "en", "ar", "ar"]
    assert [(Path(p.input).name, p.reason) for p in problems] == [
        ("README", "not a supported file type (no extension)"),
        ("notes.md", "not a supported file type (.md)"),
        ("photo.jpg", "not a supported file type (.jpg)"),
    ]


def test_a_file_named_twice_is_read_once_and_a_link_loop_ends(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    articles, problems = read([tmp_path, tmp_path / "a.txt"])
    assert [a.id for a in articles] == ["a"]
    assert problems == [InputProblem(str(tmp_path / "a.txt"), "already read (named twice)")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["ok"]
    assert reasons(problems) == {"pipe.txt": "not a regular file"}


def test_an_unexpected_error_loses_one_input_not_the_run(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.html").write_text(PAGE, encoding="utf-8")
    write_feed(tmp_path / "c.jsonl", [{"id": "c1", "text_ar": BODY}, {"id": "c2", "text_ar": "نص."}])

    def broken(html):
        raise RuntimeError("extractor\nexploded")

    monkeypatch.setattr(readers, "extract_html", broken)
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["a", "c1", "c2"]
    assert reasons(problems) == {"b.html": "could not be read: RuntimeError: extractor exploded (a bug: please report it)"}


def test_a_file_named_on_its_own_is_read_whatever_its_extension(tmp_path):
    (tmp_path / "article.md").write_text(ARTICLE, encoding="utf-8")
    (article,), problems = read([tmp_path / "article.md"])
    assert problems == [] and (article.id, article.title, article.text) == ("article", TITLE, BODY)


# --- inputs are never modified ---------------------------------------------------------------------------


def _snapshot(root: Path) -> dict[str, tuple[str, int]]:
    return {str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def test_inputs_are_never_modified(tmp_path):
    make_tree(tmp_path)
    (tmp_path / "legacy.txt").write_bytes(ARTICLE.encode("cp1256"))
    (tmp_path / "u16.txt").write_bytes(ARTICLE.encode("utf-16"))
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)))
    (tmp_path / "damaged.txt").write_bytes(ARTICLE.encode() + b"\xff")
    write_feed(tmp_path / "mixed.jsonl", [{"id": "x", "text_ar": BODY}, "{bad", {"id": "x", "text_ar": BODY}])
    before = _snapshot(tmp_path)
    articles, problems = read([tmp_path, tmp_path / "missing.txt"], max_article_chars=300)
    assert articles and problems
    assert _snapshot(tmp_path) == before
