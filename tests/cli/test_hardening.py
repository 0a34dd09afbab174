"""Hostile and careless use of the command line: nothing lost, nothing late (issue: hardening)."""
import hashlib
import sqlite3
import time

import pytest

from summarize.cli.digest import check_writable_folder
from summarize.errors import UserError
from tests.cli.test_commands import SEEDS, run_cli


def digest_of(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("content", ['{"notes": [1, 2, 3]}\n', "عنوان\nنص مقال عربي.\n"])
def test_a_cache_option_naming_another_file_is_refused_and_the_file_untouched(tmp_path, content):
    notes = tmp_path / "notes.json"
    notes.write_text(content, encoding="utf-8")
    before = digest_of(notes)
    started = time.perf_counter()
    result = run_cli("digest", str(SEEDS), "--out", str(tmp_path / "out"), "--cache", str(notes))
    assert result.returncode == 2 and time.perf_counter() - started < 30
    assert result.stderr.strip().splitlines() == [
        f"error: --cache {notes} is not a summarize cache (not an SQLite file): it was left as it is; "
        "choose another path"]
    stats = run_cli("cache", "stats", "--cache", str(notes))
    assert stats.returncode == 2 and "not a summarize cache" in stats.stderr
    assert digest_of(notes) == before and sorted(p.name for p in tmp_path.iterdir()) == ["notes.json"]


def test_another_applications_database_is_refused(tmp_path):
    other = tmp_path / "app.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE users (name TEXT)")
    before = digest_of(other)
    result = run_cli("cache", "clear", "--cache", str(other))
    assert result.returncode == 2 and "another application" in result.stderr
    assert digest_of(other) == before


@pytest.mark.parametrize("options, message", [
    (["--summary-beams", "0"], "summary_beams must be at least 1, not 0"),
    (["--max-length-factor", "nan"], "max_length_factor must be a positive number, not nan"),
    (["--max-length-factor", "inf"], "max_length_factor must be a positive number, not inf"),
    (["--summary-max-tokens", "-5"], "summary_max_tokens must be at least 1, not -5"),
    (["--summary-min-tokens", "-1"], "summary_min_tokens must be at least 0, not -1"),
    (["--no-repeat-ngram-size", "-1"], "no_repeat_ngram_size must be at least 0, not -1"),
    (["--length-penalty", "nan"], "length_penalty must be a number, not nan"),
    (["--summary-min-tokens", "50", "--summary-max-tokens", "10"], "summary_min_tokens (50) is more than"),
    (["--beams", "0"], "beams must be at least 1, not 0"),
])
def test_generation_options_are_checked_before_any_work(tmp_path, options, message):
    started = time.perf_counter()
    # Default models, which are not on this machine: the option is refused before they are looked for.
    result = run_cli("digest", str(SEEDS), "--out", str(tmp_path / "out"), *options)
    assert result.returncode == 2 and time.perf_counter() - started < 20
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


@pytest.mark.parametrize("where, message", [
    ("file", "is a file, not a folder"), ("under-file", "which is a file, not a folder"), ("empty", "is empty"),
])
def test_outputs_that_cannot_be_written_are_refused_before_any_model_loads(tmp_path, where, message):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    out = {"file": str(blocker), "under-file": str(blocker / "digest"), "empty": ""}[where]
    for option in ("--out", "--archive"):
        argv = ["--out", out] if option == "--out" else ["--out", str(tmp_path / "ok"), "--archive", out]
        result = run_cli("digest", str(SEEDS), *argv)  # default models are missing: exit 1 if they were looked for
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"error: {option}") and message in result.stderr
    assert blocker.read_text() == "x"


def test_a_read_only_place_is_refused(tmp_path, monkeypatch):
    import errno
    import tempfile

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    with pytest.raises(UserError, match=r"--out .*: cannot write in .* \(the file system is read-only\)"):
        check_writable_folder(str(tmp_path / "out"), "--out")


def test_a_limit_over_the_hard_ceiling_is_one_line_before_any_work(tmp_path):
    result = run_cli("digest", str(SEEDS), "--out", str(tmp_path / "out"),
                     env={"SUMMARIZE_MAX_ARTICLE_CHARS": "100000000"})
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "over the ceiling of 10,000,000 characters" in result.stderr


def test_the_out_folder_inside_an_input_folder_is_not_read_back(tmp_path, tiny_models):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    seed = sorted(SEEDS.glob("*.txt"))[0]
    (inputs / seed.name).write_bytes(seed.read_bytes())
    models = ["--translator", str(tiny_models["translator"]), "--summarizer", "extractive", "--beams", "1"]
    for _ in range(2):  # the second run finds the first run's digest inside its input folder
        result = run_cli("digest", str(inputs), "--out", str(inputs / "digest"), *models)
        assert result.returncode == 0, result.stderr
    import json

    data = json.loads((inputs / "digest" / "digest.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in data["articles"]] == [seed.stem] and data["errors"] == []


def test_links_out_of_an_input_folder_need_follow_symlinks(tmp_path):
    outside, inputs = tmp_path / "outside", tmp_path / "inputs"
    outside.mkdir()
    inputs.mkdir()
    secret = outside / "secret.txt"
    secret.write_text("سر\nنص لا يجوز أن يقرأ من خارج المجلد.", encoding="utf-8")
    (inputs / "link.txt").symlink_to(secret)
    (inputs / "page.txt").write_bytes((SEEDS / "001_0c78ca7147f8a450.txt").read_bytes())
    plain = run_cli("segment", str(inputs))
    assert plain.returncode == 0 and "نص لا يجوز" not in plain.stdout
    assert "a link that leads out of the inputs named: not followed" in plain.stderr
    followed = run_cli("segment", str(inputs), "--follow-symlinks")
    assert followed.returncode == 0 and "نص لا يجوز أن يقرأ من خارج المجلد." in followed.stdout
