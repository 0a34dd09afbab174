"""Output files: replaced as a set or not at all, temporaries of dead runs removed, the umask honoured."""
import errno
import os
import subprocess
import sys

import pytest

from summarize import files
from summarize.files import OutputError, remove_stale_temporaries, write_files


def test_a_write_failure_leaves_every_old_file_and_no_temporary(tmp_path, monkeypatch):
    old = {tmp_path / name: f"old {name}" for name in ("digest.json", "digest.md", "digest.html")}
    write_files(old)
    real_fsync, calls = os.fsync, []

    def full_disk(fd):
        calls.append(fd)
        if len(calls) == 2:  # the second file of the set
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", full_disk)
    with pytest.raises(OutputError, match=r"cannot write .*digest\.md: the disk is full"):
        write_files({path: "new" for path in old})
    assert {path: path.read_text() for path in old} == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.html", "digest.json", "digest.md"]


def test_temporaries_of_dead_runs_are_removed_and_a_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".digest.html.{dead_pid}.0123abcd.tmp"
    live = tmp_path / f".digest.html.{os.getppid()}.89abcdef.tmp"
    for path in (stale, live):
        path.write_text("half a page")
    write_files({tmp_path / "digest.html": "<!doctype html>"})
    assert not stale.exists() and live.exists()
    assert remove_stale_temporaries(tmp_path) == []


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_files_get_the_mode_the_umask_gives(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        [path] = write_files({tmp_path / "index.html": "x"})
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == mode


def test_a_staged_folder_keeps_a_complete_target_another_process_published(tmp_path):
    from summarize.files import staged_directory

    target = tmp_path / "conversion"
    target.mkdir()
    (target / "done").write_text("theirs")
    with staged_directory(target, keep_complete=lambda p: (p / "done").is_file()) as staging:
        (staging / "done").write_text("ours")
    assert (target / "done").read_text() == "theirs" and sorted(p.name for p in tmp_path.iterdir()) == ["conversion"]
    (target / "done").unlink()  # no longer whole: replaced
    with staged_directory(target, keep_complete=lambda p: (p / "done").is_file()) as staging:
        (staging / "done").write_text("ours")
    assert (target / "done").read_text() == "ours"


def test_staging_folders_of_dead_processes_are_removed(tmp_path):
    from summarize.files import remove_stale_partials

    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout)
    target = tmp_path / "model"
    stale, busy = (tmp_path / f".model.partial-{pid}-abcdef" for pid in (dead, os.getppid()))
    for folder in (stale, busy):
        folder.mkdir()
    assert remove_stale_partials(target) == [stale] and busy.is_dir()


def test_a_text_given_as_a_function_is_made_when_its_file_is_written(tmp_path):
    from summarize.files import write_files

    made = []
    written = write_files({tmp_path / "a.txt": "plain", tmp_path / "b.txt": lambda: made.append(1) or "made"})
    assert [p.read_text() for p in written] == ["plain", "made"] and made == [1]


def test_a_text_in_pieces_is_written_as_they_come_and_a_failure_midway_keeps_the_old_file(tmp_path):
    target, other = tmp_path / "digest.html", tmp_path / "digest.md"
    write_files({target: "old page", other: "old text"})
    made = []

    def pieces():
        for piece in ("<p>", "new", "</p>"):
            made.append(piece)
            yield piece

    write_files({target: pieces, other: lambda: iter(["a", "b"])})
    assert target.read_text() == "<p>new</p>" and other.read_text() == "ab" and made == ["<p>", "new", "</p>"]

    def broken():
        yield "half a page"
        raise RuntimeError("the template failed")

    with pytest.raises(RuntimeError):
        write_files({other: "newer text", target: broken})
    assert target.read_text() == "<p>new</p>" and other.read_text() == "ab"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.html", "digest.md"]


def test_the_page_and_the_markdown_in_pieces_are_the_whole_texts(tmp_path):
    from summarize.records import Digest, DigestArticle, Story
    from summarize.render import html_pieces, markdown_pieces, to_json
    from summarize.render.html import to_html
    from summarize.render.markdown import to_markdown

    articles = [DigestArticle(id=f"a{i}", source="S", url=None, date="2018-05-08", language="ar", title_ar="ع",
                              title_en=f"Title {i}", summary_en="Sum.", translation_en="One.\n\nTwo.") for i in range(3)]
    digest = Digest(articles=articles, run={"date": "2018-05-08"},
                    stories=[Story("story-1", "Head", "Sum.", ["a0", "a2"], ["S"]), Story("story-2", "T", "S", ["a1"], [])])
    pieces = list(html_pieces(to_json(digest)))
    assert len(pieces) > 10 and "".join(pieces) == to_html(to_json(digest))
    assert "".join(markdown_pieces(digest)) == to_markdown(digest)
    assert to_html(to_json(digest)).count('id="article-') == 3  # each article once, made as the page needs it
