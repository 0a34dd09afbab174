import json
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed_articles(count: int) -> list[dict]:
    """``count`` short articles, each one of the seeds' paragraphs titled by its opening words: many
    articles, little text, so a test's workers have batches to share."""
    lines = [line.strip() for seed in sorted(SEEDS.glob("*.txt"))
             for line in seed.read_text(encoding="utf-8").splitlines() if len(line.split()) >= 8]
    assert len(lines) >= count, f"the seeds make {len(lines)} articles, not {count}"
    return [{"id": f"seed-{n:02d}", "title": " ".join(lines[n].split()[:8]), "text": lines[n],
             "source": f"outlet{n % 3}"} for n in range(count)]


def seed_corpus(folder: Path, days: list[str], per_day: int) -> Path:
    """The seed articles as JSONL, ``per_day`` of them dated each of ``days``, one file a day."""
    folder.mkdir(parents=True, exist_ok=True)
    articles = seed_articles(len(days) * per_day)
    for n, day in enumerate(days):
        with open(folder / f"{day}.jsonl", "w", encoding="utf-8") as out:
            for article in articles[n * per_day:(n + 1) * per_day]:
                out.write(json.dumps({**article, "date": day}, ensure_ascii=False) + "\n")
    return folder


@pytest.fixture
def tiny_settings(tiny_models, tmp_path):
    from summarize.settings import Settings

    return Settings(translator=str(tiny_models["translator"]), summarizer=str(tiny_models["summarizer"]),
                    beams=1, summary_beams=1, cache=str(tmp_path / "cache.sqlite3"))
