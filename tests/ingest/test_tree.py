"""What a walk of the input folders reaches: links that lead out of them, the run's own output
folders, and digests of earlier runs left inside them (summarize.ingest.walk, .outputs)."""
import hashlib
import os
from pathlib import Path

import pytest

from summarize.ingest import LINK_OUTSIDE, InputProblem, own_output, read_articles
from summarize.records import Digest, DigestArticle
from summarize.render import write_digest
from tests.ingest.samples import ARTICLE, ENGLISH, PAGE, read, reasons


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


# --- links -----------------------------------------------------------------------------------------------


@pytest.fixture
def linked_tree(tmp_path):
    """in/ holds an article and links: one to a file outside, one to a folder outside, one inside."""
    outside = tmp_path / "outside"
    (outside / "private").mkdir(parents=True)
    (outside / "shadow.txt").write_text(ENGLISH, encoding="utf-8")
    (outside / "private" / "diary.txt").write_text(ARTICLE.replace("الاتحاد", "الإتحاد"), encoding="utf-8")
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (inputs / "leak.txt").symlink_to(outside / "shadow.txt")
    (inputs / "private").symlink_to(outside / "private", target_is_directory=True)
    (inputs / "same.txt").symlink_to(inputs / "a.txt")  # stays inside: followed (and read once)
    return inputs, outside


def test_links_out_of_an_input_folder_are_skipped_reported_and_never_read(linked_tree, monkeypatch):
    inputs, outside = linked_tree
    opened = []
    real_read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: opened.append(os.path.realpath(self)) or real_read_bytes(self))
    articles, problems = read([inputs])
    assert [a.id for a in articles] == ["a"]
    assert not any(p.startswith(str(outside)) for p in opened)  # no cross-tree read
    assert problems == [InputProblem(str(inputs / "leak.txt"), LINK_OUTSIDE),
                        InputProblem(str(inputs / "private"), LINK_OUTSIDE)]
    assert "--follow-symlinks" in LINK_OUTSIDE and "\n" not in LINK_OUTSIDE


def test_follow_symlinks_follows_them_and_a_link_named_is_followed(linked_tree):
    inputs, outside = linked_tree
    articles, problems = read([inputs], follow_symlinks=True)
    assert [a.id for a in articles] == ["a", "leak", "diary"] and problems == []
    (article,), problems = read([inputs / "leak.txt"])  # naming the link says where to go
    assert article.id == "leak" and article.language == "en" and problems == []


def test_a_link_into_another_input_named_is_followed(linked_tree):
    inputs, outside = linked_tree
    articles, problems = read([inputs, outside])
    assert [a.id for a in articles] == ["a", "leak", "diary"]  # each read once, where first met (the id is the name it was met by)
    assert problems == []


# --- the run's own output folders --------------------------------------------------------------------------


def _digest() -> Digest:
    article = DigestArticle(id="a1", source="BBC", url="https://x.example/1", date="2018-05-08", language="ar",
                            title_ar="عنوان", title_en="A title", summary_en="A summary.", translation_en="A text.")
    return Digest(articles=[article], run={"date": "2018-05-08", "date_from": "articles",
                                           "translator": {"model": "t"}, "summarizer": {"model": "s"}})


def test_the_out_and_archive_folders_excluded_are_skipped_silently(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    write_digest(_digest(), tmp_path / "out", archive=tmp_path / "out" / "archive")
    (tmp_path / "out" / "stray.txt").write_text(ENGLISH, encoding="utf-8")  # anything in there is skipped
    before = _snapshot(tmp_path)
    articles, problems = read([tmp_path], exclude=[tmp_path / "out", str(tmp_path / "nowhere")])
    assert [a.id for a in articles] == ["a"] and problems == []
    assert _snapshot(tmp_path) == before


def test_a_folder_named_inside_an_excluded_one_is_still_read(tmp_path):
    (tmp_path / "archive" / "2018").mkdir(parents=True)
    (tmp_path / "archive" / "2018" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    articles, _ = read([tmp_path / "archive" / "2018"], exclude=[tmp_path / "archive"])
    assert [a.id for a in articles] == ["a"]


def test_digests_of_earlier_runs_inside_an_input_folder_are_not_read_as_articles(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    write_digest(_digest(), tmp_path / "old", archive=tmp_path / "days")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "index.html").write_text(PAGE, encoding="utf-8")  # an article page of that name
    before = _snapshot(tmp_path)
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["a", "index"]
    assert [(Path(p.input).name, p.reason, p.skipped) for p in problems] == [
        ("days", "5 digest files written by summarize not read as articles "
                 "(2018-05-08.html, 2018-05-08.json, 2018-05-08.md, 2018-05-08.stories.json, …)", False),
        ("old", "3 digest files written by summarize not read as articles (digest.html, digest.json, digest.md)", False),
    ]
    assert _snapshot(tmp_path) == before


def test_a_digest_named_on_the_command_line_is_refused_with_a_reason(tmp_path):
    write_digest(_digest(), tmp_path / "old")
    articles, problems = read([tmp_path / "old" / "digest.html", tmp_path / "old" / "digest.json"])
    assert articles == []
    assert reasons(problems) == {"digest.html": "a digest written by summarize (digest page), not an article",
                                 "digest.json": "a digest written by summarize (digest JSON), not an article"}


def test_own_outputs_are_recognised_by_content_not_by_name_alone(tmp_path):
    (tmp_path / "digest.json").write_text('{"schema_version": 1, "items": []}', encoding="utf-8")
    (tmp_path / "digest.md").write_text("# My notes\n", encoding="utf-8")
    (tmp_path / "digest.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "2018-05-08.html").write_text(PAGE.replace("<title>", "<title>Arabic news digest — "), encoding="utf-8")
    assert [own_output(p) for p in sorted(tmp_path.iterdir())] == [None, None, None, None]
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["2018-05-08", "digest"]
    assert reasons(problems) == {"digest.json": "not a supported file type (.json)",
                                 "digest.md": "not a supported file type (.md)"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_named_like_a_digest_is_not_opened(tmp_path):
    os.mkfifo(tmp_path / "digest.html")
    assert own_output(tmp_path / "digest.html") is None
    articles, problems = read([tmp_path])
    assert articles == [] and reasons(problems) == {"digest.html": "not a regular file"}


def test_read_articles_takes_exclude_and_follow_symlinks_as_keywords(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert [a.id for a in read_articles([tmp_path], [], follow_symlinks=False, exclude=())] == ["a"]
