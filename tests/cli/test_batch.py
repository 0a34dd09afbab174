"""``summarize batch``: a corpus of many days filed as one digest per day, the archive's index
rebuilt once at the end, undated articles reported or filed under --date."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.distributed.conftest import seed_articles, seed_corpus

ROOT = Path(__file__).resolve().parents[2]
DAYS = ["2018-05-06", "2018-05-07", "2018-05-08"]


@pytest.fixture(autouse=True)
def private_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def batch(tiny_models, *args):
    return subprocess.run([sys.executable, "-m", "summarize", "batch", *args, "--translator",
                           str(tiny_models["translator"]), "--summarizer", str(tiny_models["summarizer"]),
                           "--beams", "1", "--summary-beams", "1"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"})


def test_a_corpus_of_three_days_is_filed_as_three_digests_and_one_index(tiny_models, tmp_path):
    corpus = seed_corpus(tmp_path / "corpus", DAYS, 3)
    archive = tmp_path / "archive"
    done = batch(tiny_models, str(corpus), "--archive", str(archive))
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(p.name for p in archive.iterdir()) == sorted(
        [f"{d}{s}" for d in DAYS for s in (".json", ".md", ".html", ".stories.json")] + ["index.html"])
    for day in DAYS:
        filed = json.loads((archive / f"{day}.json").read_text(encoding="utf-8"))
        assert filed["date"] == day and len(filed["articles"]) == 3
        assert filed["run"]["executor"] == {"name": "local"}
    index = (archive / "index.html").read_text(encoding="utf-8")
    assert [index.index(day) for day in reversed(DAYS)] == sorted(index.index(day) for day in DAYS)  # newest first
    assert "filed 3 day(s), 9 articles" in done.stderr


def test_undated_articles_are_reported_or_filed_under_the_date_given(tiny_models, tmp_path):
    corpus = seed_corpus(tmp_path / "corpus", DAYS[:1], 2)
    undated = seed_articles(3)[2]
    (corpus / "undated.jsonl").write_text(json.dumps(undated, ensure_ascii=False) + "\n", encoding="utf-8")
    done = batch(tiny_models, str(corpus), "--archive", str(tmp_path / "a"), "--strict")
    assert done.returncode == 3, done.stderr[-3000:]
    assert "no date: filed under no day" in done.stderr
    assert len(json.loads((tmp_path / "a" / f"{DAYS[0]}.json").read_text(encoding="utf-8"))["articles"]) == 2
    done = batch(tiny_models, str(corpus), "--archive", str(tmp_path / "b"), "--date", "2018-05-01")
    assert done.returncode == 0, done.stderr[-3000:]
    assert [json.loads((tmp_path / "b" / f"{d}.json").read_text(encoding="utf-8"))["articles"][0]["id"]
            for d in ("2018-05-01", DAYS[0])] == [undated["id"], "seed-00"]


def test_the_archive_index_is_written_once_per_batch_not_once_per_day():
    from summarize.render.archive import archive_files

    digest = {"date": "2018-05-06", "articles": [], "stories": [], "run": {}}
    assert not any(p.name == "index.html" for p in archive_files(digest, "/nonexistent", index=False))
    assert any(p.name == "index.html" for p in archive_files(digest, "/nonexistent"))
