"""The whole run through the Python API, on the tiny models, with the cache."""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarize.ingest import read_articles
from summarize.pipeline import Pipeline
from summarize.records import Article
from summarize.render import to_json
from summarize.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def settings(tiny_models, tmp_path):
    return Settings(translator=str(tiny_models["translator"]), summarizer=str(tiny_models["summarizer"]),
                    beams=1, summary_beams=1, cache=str(tmp_path / "cache.sqlite3"))


def counted_run(settings, articles):
    """Run a fresh pipeline and count what its engines were asked to generate."""
    pipeline = Pipeline(settings)
    calls = {"translation": 0, "summary": 0}
    for stage, engine in (("translation", pipeline.translator.engine), ("summary", pipeline.summarizer.engine)):
        original = engine.generate_batches

        def counting(batches, generation, _original=original, _stage=stage):
            for texts in batches:
                calls[_stage] += len(texts)
                yield from _original([texts], generation)

        engine.generate_batches = counting
    return pipeline.run(articles), calls


def articles_of(digest):
    return to_json(digest)["articles"]


def test_second_run_generates_nothing_and_gives_the_same_digest(settings):
    articles = list(read_articles([SEEDS]))
    first, first_calls = counted_run(settings, articles)
    assert first_calls["translation"] > 0 and first_calls["summary"] > 0
    assert first.run["stats"]["translation"]["generated"] == first_calls["translation"]
    second, second_calls = counted_run(settings, articles)
    assert second_calls == {"translation": 0, "summary": 0}
    assert second.run["stats"]["translation"]["generated"] == 0 and second.run["stats"]["summary"]["generated"] == 0
    # Every article came whole from the article cache: nothing was asked of the translator.
    assert second.run["counts"]["cached_articles"] == len(articles) and first.run["counts"]["cached_articles"] == 0
    assert second.run["stats"]["translation"]["segments"] == 0
    assert articles_of(second) == articles_of(first)
    assert second.stories == first.stories
    counts = lambda d: {k: v for k, v in d.run["counts"].items() if k != "cached_articles"}  # noqa: E731
    assert counts(second) == counts(first)


def test_a_changed_summarizer_still_takes_the_translations_from_the_cache(settings):
    articles = list(read_articles([SEEDS]))
    first, _ = counted_run(settings, articles)
    again, calls = counted_run(settings.replace(summary_beams=2), articles)
    assert calls["translation"] == 0 and calls["summary"] > 0 and again.run["counts"]["cached_articles"] == 0
    assert again.run["stats"]["translation"]["cache_hits"] > 0
    assert [a["translation_en"] for a in articles_of(again)] == [a["translation_en"] for a in articles_of(first)]


def test_an_article_twice_in_a_window_is_made_once_and_each_keeps_its_place(settings):
    articles = list(read_articles([SEEDS]))
    twice = [articles[0], articles[1], articles[0], articles[2]]
    digest, _ = counted_run(settings, twice)
    alone, _ = counted_run(settings.replace(no_cache=True), twice)
    assert [a.id for a in digest.articles] == [a.id for a in twice]
    assert articles_of(digest) == articles_of(alone)
    assert digest.run["counts"]["cached_articles"] == 0 and digest.run["counts"]["articles"] == 4


def test_the_article_cache_key_follows_the_article_the_models_and_the_code(monkeypatch):
    from summarize import article_cache
    from summarize.records import Article

    article = Article(id="a", title="عنوان", text="نص.", origin="day.jsonl:1")
    recipe = {"translator": {"model": "t"}, "summarizer": {"model": "s"}}
    key = article_cache.article_keys([article], recipe)[0]
    moved = Article(**{**article.__dict__, "origin": "elsewhere/day.jsonl:7"})
    assert article_cache.article_keys([moved], recipe)[0] == key  # where it was read from does not count
    edited = Article(**{**article.__dict__, "text": "نص آخر."})
    assert article_cache.article_keys([edited], recipe)[0] != key
    assert article_cache.article_keys([article], {**recipe, "summarizer": {"model": "x"}})[0] != key
    monkeypatch.setattr(article_cache, "code_fingerprint", lambda: "other code")
    assert article_cache.article_keys([article], recipe)[0] != key


def test_a_changed_setting_or_model_misses(settings, tmp_path, tiny_models):
    articles = list(read_articles([SEEDS]))[:1]
    counted_run(settings, articles)
    _, calls = counted_run(settings.replace(max_length_factor=1.2), articles)
    assert calls["translation"] > 0
    changed_model = tmp_path / "translator-copy"
    shutil.copytree(tiny_models["translator"], changed_model)
    config = json.loads((changed_model / "config.json").read_text())
    config["note"] = "same weights, different files"
    (changed_model / "config.json").write_text(json.dumps(config))
    _, calls = counted_run(settings.replace(translator=str(changed_model)), articles)
    assert calls["translation"] > 0


def test_duplicate_sentences_within_a_run_are_generated_once(settings):
    caption = "صورة للرئيس الأمريكي خلال كلمته في البيت الأبيض."
    articles = [Article(id=f"a{i}", title=f"عنوان رقم {i}", text=f"{caption}\nجملة خاصة بالمقال رقم {i}.") for i in range(3)]
    digest, calls = counted_run(settings.replace(no_cache=True), articles)
    # 3 titles + 3 own sentences + the shared caption once.
    assert calls["translation"] == 7
    assert digest.run["stats"]["translation"]["segments"] == 9


@pytest.fixture
def two_seeds(tmp_path):
    """The two shortest seeds: enough batches to interrupt, quick enough to run several times."""
    folder = tmp_path / "two-seeds"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"), key=lambda p: p.stat().st_size)[:2]:
        shutil.copy(seed, folder)
    return folder


def run_digest_process(settings, inputs: Path, out: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "summarize", "digest", str(inputs), "--out", str(out), "-q",
               "--translator", settings.translator, "--summarizer", settings.summarizer, "--beams", "1",
               "--summary-beams", "1", "--cache", settings.cache, *extra]
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def cached_translations(cache_file: str) -> int:
    try:
        with sqlite3.connect(cache_file, timeout=5) as connection:
            return connection.execute("SELECT COUNT(*) FROM entries WHERE kind='translation'").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_killed_run_resumes_from_the_cache(settings, tmp_path, two_seeds):
    reference = run_digest_process(settings.replace(cache=str(tmp_path / "reference.sqlite3")), two_seeds,
                                   tmp_path / "reference", "--token-budget", "30")
    assert reference.wait(timeout=300) == 0, reference.stderr.read()

    victim = run_digest_process(settings, two_seeds, tmp_path / "killed", "--token-budget", "30")
    deadline = time.time() + 120
    while cached_translations(settings.cache) < 5 and time.time() < deadline and victim.poll() is None:
        time.sleep(0.05)
    assert victim.poll() is None, "the run finished before it could be killed; give it more work"
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    done_before_kill = cached_translations(settings.cache)
    assert done_before_kill >= 5

    resumed = run_digest_process(settings, two_seeds, tmp_path / "resumed", "--token-budget", "30")
    assert resumed.wait(timeout=300) == 0, resumed.stderr.read()
    result = json.loads((tmp_path / "resumed" / "digest.json").read_text(encoding="utf-8"))
    expected = json.loads((tmp_path / "reference" / "digest.json").read_text(encoding="utf-8"))
    assert result["run"]["stats"]["translation"]["cache_hits"] >= done_before_kill
    assert result["run"]["stats"]["translation"]["generated"] > 0
    assert result["articles"] == expected["articles"]


def test_two_concurrent_digests_share_one_cache(settings, tmp_path, two_seeds):
    runs = [run_digest_process(settings, two_seeds, tmp_path / f"out{i}", "--token-budget", "100") for i in range(2)]
    for run in runs:
        assert run.wait(timeout=300) == 0, run.stderr.read()
    outputs = [json.loads((tmp_path / f"out{i}" / "digest.json").read_text(encoding="utf-8")) for i in range(2)]
    assert outputs[0]["articles"] == outputs[1]["articles"]
    assert all(article["translation_en"] for article in outputs[0]["articles"])


def test_part_of_the_cache_warm_gives_the_cold_runs_translations(settings, tmp_path):
    """Reproducibility (issue 14, item 17): a run that finds some of its segments in the cache
    translates the rest in other batches than a cold run; batched by output cap (the default) every
    segment still gets the cold run's English, on the torch engine at float32. The same runs with any
    lengths mixed in a batch differ, so the comparison can tell."""
    from summarize.cache import Cache
    from summarize.engines import load_engine
    from summarize.models import resolve_model
    from summarize.translate import Translator

    import torch

    articles = list(read_articles([SEEDS]))
    # No article cache: the segments, not whole articles, must come from the translator's cache.
    settings = settings.replace(engine="torch", summarizer="extractive", beams=4, no_cache=True)
    # One thread: the tiny model's thousands of small operations each end at a barrier of torch's
    # thread team, which a busy machine makes up to 20 times slower (tests/engines/conftest.py).
    threads = torch.get_num_threads()
    engine = load_engine(resolve_model(settings.translator), engine="torch", device="cpu", threads=1)

    def translations(batching: str, warm_with: list | None) -> tuple[list, dict]:
        cache = Cache(tmp_path / f"cache-{batching}-{bool(warm_with)}.sqlite3")
        translator = Translator(engine, beams=settings.beams, cache=cache, batching=batching)
        if warm_with:
            Pipeline(settings, translator=translator).run(warm_with)
        digest = Pipeline(settings, translator=translator).run(articles)
        return [(a.title_en, a.translation_en) for a in digest.articles], digest.run["stats"]["translation"]

    try:
        for batching, reproducible in (("cap", True), ("mixed", False)):
            cold, _ = translations(batching, None)
            warm, stats = translations(batching, articles[1::2])
            assert stats["cache_hits"] > 0 and stats["generated"] > 0
            assert (warm == cold) is reproducible, batching
    finally:
        torch.set_num_threads(threads)


ANTCORPUS = ROOT / "tests" / "fixtures" / "antcorpus"


def test_windowed_and_unwindowed_runs_give_the_same_digest(settings):
    """Windows bound memory (``Settings.window``); they must not change a word of the digest: not the
    translations (batched by cap, a segment's English does not depend on its batch), not the summaries,
    not the stories (grouped on the whole day once every window is done)."""
    articles = list(read_articles([SEEDS, ANTCORPUS]))
    settings = settings.replace(no_cache=True)
    whole = Pipeline(settings).run(articles, window=0)
    windowed = Pipeline(settings).run(iter(articles), window=3)  # a generator: read as the windows need it
    assert whole.run["window"] == 0 and windowed.run["window"] == 3
    assert len(whole.articles) == len(articles) > 6
    first, second = to_json(whole), to_json(windowed)
    assert second["articles"] == first["articles"]
    assert second["stories"] == first["stories"] and any(len(s["article_ids"]) > 1 for s in first["stories"])
    for key in ("date", "date_from", "article_dates", "counts"):
        assert second["run"][key] == first["run"][key], key
    assert windowed.run["stats"]["translation"]["generated"] == whole.run["stats"]["translation"]["generated"]


WARM_PROBE = """
import json, sys
from summarize.ingest import read_articles
from summarize.pipeline import Pipeline
from summarize.render import to_json
from summarize.settings import Settings

settings = Settings(**json.loads(sys.argv[1]))
pipeline = Pipeline(settings)
digest = to_json(pipeline.run(read_articles([sys.argv[2]])))
engines = {"translator": pipeline.translator.engine, "summarizer": pipeline.summarizer.engine}
loaded = {role: sorted(k for k in ("tokenizer", "translator", "network", "path") if k in vars(engine))
          for role, engine in engines.items()}
modules = sorted(m for m in ("torch", "transformers", "sklearn") if m in sys.modules)
print(json.dumps({"loaded": loaded, "modules": modules, "digest": digest}))
"""


def probe_run(settings, inputs: Path) -> dict:
    fields = {"translator": settings.translator, "summarizer": settings.summarizer, "beams": 1, "summary_beams": 1,
              "cache": settings.cache, "quiet": True}
    done = subprocess.run([sys.executable, "-c", WARM_PROBE, json.dumps(fields), str(inputs)], cwd=ROOT,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_warm_run_loads_no_tokenizer_no_model_and_no_heavy_library(settings, two_seeds):
    """A rerun the cache answers entirely (segmentation, translations, summaries, stories) reads the
    models' files for their limits and identity, and nothing else: no tokenizer, no weights, no
    conversion, and neither transformers, torch nor scikit-learn imported."""
    cold = probe_run(settings, two_seeds)
    assert "tokenizer" in cold["loaded"]["translator"] and "translator" in cold["loaded"]["summarizer"]  # it can tell
    warm = probe_run(settings, two_seeds)
    assert warm["loaded"] == {"translator": [], "summarizer": []}
    assert warm["modules"] == []
    for key in ("articles", "stories"):
        assert warm["digest"][key] == cold["digest"][key]
    stats = warm["digest"]["run"]["stats"]
    assert stats["translation"]["generated"] == stats["summary"]["generated"] == 0
