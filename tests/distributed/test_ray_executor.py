"""``--executor ray`` on a local Ray of two CPUs, shared by the module: the same digest as the local
run, the cache written by the driver alone, a killed worker survived, one Ray session for a batch of
days, and an unreachable cluster reported in one line."""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from summarize.cache import Cache  # noqa: E402
from summarize.executors.ray_data import ArticleWorker, RayExecutor, _python_path  # noqa: E402
from summarize.pipeline import Pipeline  # noqa: E402
from summarize.records import Article  # noqa: E402
from summarize.render import to_json  # noqa: E402

from tests.distributed.conftest import seed_articles, seed_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": _python_path()}})
    yield
    ray.shutdown()


def made(digest) -> dict:
    """What a digest says, without what depends on how it was run (timings, run record)."""
    data = to_json(digest)
    return {"articles": data["articles"], "stories": data["stories"]}


def digest_with(settings, articles, executor=None):
    pipeline = Pipeline(settings, executor=executor)
    if executor is None:
        return pipeline.run(articles)
    with executor:
        executor.plan(pipeline, [articles])  # as the CLI does: every window handed out at once
        return pipeline.run(articles)


def cache_entries(path) -> dict:
    return Cache(path).stats()["entries"]


def test_ray_gives_the_local_digest_and_only_the_driver_writes_the_cache(tiny_settings, tmp_path):
    articles = [Article(**a) for a in seed_articles(12)]
    local = digest_with(tiny_settings.replace(cache=str(tmp_path / "local.sqlite3")), articles)
    settings = tiny_settings.replace(window=5)  # three windows, each a Dataset of its own
    distributed = digest_with(settings, articles, RayExecutor(settings))
    assert made(distributed) == made(local)
    assert distributed.run["executor"] == {"name": "ray", "ray_version": ray.__version__, "workers": 2,
                                           "per_worker": {"CPU": 1, "GPU": 0}, "address": None}
    assert local.run["executor"] == {"name": "local"}
    assert distributed.run["stats"]["translation"]["segments"] == local.run["stats"]["translation"]["segments"]
    assert distributed.run["timings_s"]["translate"] > 0  # the workers' seconds, summed here
    # Every worker opened the file read-only: all it holds came through the driver, as much as the
    # local run stored.
    assert cache_entries(settings.cache) == cache_entries(tmp_path / "local.sqlite3")
    # A rerun (an interrupted run started again) takes every article from the cache and never starts Ray.
    again = RayExecutor(settings)
    rerun = digest_with(settings, articles, again)
    assert made(rerun) == made(local) and rerun.run["counts"]["cached_articles"] == len(articles)
    assert again.describe()["workers"] == 0


@pytest.mark.slow
def test_digest_command_with_ray_equals_the_local_one(tiny_models, tmp_path):
    corpus = seed_corpus(tmp_path / "corpus", ["2018-05-08"], 40)
    models = ["--translator", str(tiny_models["translator"]), "--summarizer", str(tiny_models["summarizer"]),
              "--beams", "1", "--summary-beams", "1", "-q", "--no-cache"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    # windows of 10: four windows for two workers, each window made by one of them
    for name, extra in (("local", ["--window", "10"]), ("ray", ["--window", "10", "--executor", "ray", "--ray-workers", "2"])):
        done = subprocess.run([sys.executable, "-m", "summarize", "digest", str(corpus), "--out",
                               str(tmp_path / name), *models, *extra], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
    local, distributed = (json.loads((tmp_path / n / "digest.json").read_text(encoding="utf-8")) for n in ("local", "ray"))
    assert len(local["articles"]) == 40
    assert {k: distributed[k] for k in ("articles", "stories")} == {k: local[k] for k in ("articles", "stories")}
    assert distributed["run"]["executor"]["name"] == "ray" and distributed["run"]["executor"]["workers"] == 2


@pytest.mark.slow
def test_a_worker_killed_mid_run_is_restarted_and_no_article_is_lost_or_doubled(tiny_settings, tmp_path):
    marker = tmp_path / "died-once"

    class DiesOnce(ArticleWorker):
        def __call__(self, batch):
            if not marker.exists():  # the first batch any worker is handed kills it, once
                marker.write_text(str(os.getpid()))
                os._exit(1)
            return super().__call__(batch)

    articles = [Article(**a) for a in seed_articles(12)]
    local = digest_with(tiny_settings.replace(no_cache=True), articles)
    settings = tiny_settings.replace(no_cache=True)
    executor = RayExecutor(settings)
    executor.worker = DiesOnce
    distributed = digest_with(settings, articles, executor)
    assert marker.exists()
    assert [a["id"] for a in made(distributed)["articles"]] == [a.id for a in articles]
    assert made(distributed) == made(local)


@pytest.mark.slow
def test_a_batch_of_days_runs_in_one_ray_session_one_digest_per_day(tiny_settings, tmp_path):
    days = ["2018-05-06", "2018-05-07", "2018-05-08"]
    corpus = seed_corpus(tmp_path / "corpus", days, 6)
    done = subprocess.run([sys.executable, "-m", "summarize", "batch", str(corpus), "--archive", str(tmp_path / "archive"),
                           "--translator", tiny_settings.translator, "--summarizer", tiny_settings.summarizer,
                           "--beams", "1", "--summary-beams", "1", "--cache", tiny_settings.cache,
                           "--executor", "ray"], cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    # One Ray session: the log line that reports the workers appears once, not once per day.
    assert done.stderr.count("worker(s)") == 1, done.stderr
    for day in days:
        filed = json.loads((tmp_path / "archive" / f"{day}.json").read_text(encoding="utf-8"))
        assert filed["date"] == day and len(filed["articles"]) == 6
        assert filed["run"]["executor"]["name"] == "ray"
    index = (tmp_path / "archive" / "index.html").read_text(encoding="utf-8")
    assert all(day in index for day in days)


def test_an_unreachable_ray_address_is_one_line_at_once(tiny_models, tmp_path):
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    (tmp_path / "a.jsonl").write_text(json.dumps(seed_articles(1)[0], ensure_ascii=False) + "\n", encoding="utf-8")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "summarize", "digest", str(tmp_path / "a.jsonl"), "--out",
                           str(tmp_path / "out"), "--translator", str(tiny_models["translator"]), "--summarizer",
                           str(tiny_models["summarizer"]), "--executor", "ray", "--ray-address", f"127.0.0.1:{port}"],
                          cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert lines == [f"error: --ray-address 127.0.0.1:{port}: no Ray cluster answers at 127.0.0.1:{port} "
                     "(Connection refused); start one with `ray start --head`, or leave --ray-address out to run "
                     "a local Ray"], done.stderr
    assert time.monotonic() - started < 60  # not ray.init's minute of retries (a generous bound: interpreter start-up)
    assert not (tmp_path / "out" / "digest.json").exists()
