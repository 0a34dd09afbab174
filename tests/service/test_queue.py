"""The generation queue: requests sent together are generated together, a huge one takes turns with
the small ones, a round never passes its budget, and failures and stops reach every caller."""
import threading
import time
from concurrent.futures import wait

import pytest

from summarize.records import Summary
from summarize.service.queue import Closed, GenerationQueue


class Recording:
    """A translator and summariser that answers "<unit>" and records each call's units."""

    def __init__(self, delay_s: float = 0.0, fail_on: str | None = None) -> None:
        self.calls: list[list[str]] = []
        self.delay_s = delay_s
        self.fail_on = fail_on

    def translate_segments(self, units, *, stats):
        self.calls.append(list(units))
        if self.fail_on in units:
            raise RuntimeError("engine failure")
        time.sleep(self.delay_s)
        stats.segments += len(units)
        return [f"<{unit}>" for unit in units]

    def summarize_many(self, texts, *, stats):
        self.calls.append(list(texts))
        return [Summary(text=text[:5], chunks=1, levels=1) for text in texts]


def queue_with(worker, budget=100, **options):
    queue = GenerationQueue(lambda language: worker, lambda: worker, token_budget=budget, summary_budget=budget,
                            **options)
    queue.start()
    return queue


def test_requests_sent_together_share_a_round():
    worker = Recording(delay_s=0.05)
    queue = queue_with(worker, budget=1000, gather_s=0.05)
    barrier = threading.Barrier(24)
    futures = [None] * 24

    def send(i):
        barrier.wait()
        futures[i] = queue.translate("ar", [f"s{i}"], [10])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait(futures, timeout=10)
    assert [f.result() for f in futures] == [[f"<s{i}>"] for i in range(24)]
    assert len(worker.calls) < 24 / 2  # 24 one-sentence requests, a few rounds at most (one when all land at once)
    assert sum(len(call) for call in worker.calls) == 24
    queue.close()


def test_a_huge_request_takes_turns_with_small_ones():
    worker = Recording(delay_s=0.01)
    queue = queue_with(worker, budget=40)
    huge = queue.translate("ar", [f"h{i}" for i in range(200)], [10] * 200)  # 50 rounds of 4 alone
    time.sleep(0.05)  # it is under way
    small = queue.translate("ar", ["a", "b"], [10, 10])
    assert small.result(timeout=10) == ["<a>", "<b>"]
    assert not huge.done()  # the small one did not wait for the huge one to finish
    first_with_small = next(i for i, call in enumerate(worker.calls) if "a" in call)
    assert all(len(call) <= 4 for call in worker.calls)  # 40 tokens a round, 10 a unit
    assert huge.result(timeout=20) == [f"<h{i}>" for i in range(200)]
    assert first_with_small < 10
    queue.close()


def test_a_unit_over_the_budget_still_makes_a_round():
    worker = Recording()
    queue = queue_with(worker, budget=5)
    assert queue.translate("ar", ["long"], [50]).result(timeout=10) == ["<long>"]
    queue.close()


def test_languages_and_kinds_are_separate_rounds():
    worker = Recording(delay_s=0.05)
    queue = queue_with(worker, budget=1000, gather_s=0.05)
    futures = [queue.translate("ar", ["x"], [1]), queue.translate("fr", ["y"], [1]), queue.summarize(["a text"])]
    wait(futures, timeout=10)
    assert sorted(map(tuple, worker.calls)) == [("a text",), ("x",), ("y",)]
    assert futures[2].result()[0].text == "a tex"
    queue.close()


def test_a_failure_reaches_every_request_of_its_round_and_the_queue_goes_on():
    worker = Recording(fail_on="bad")
    queue = queue_with(worker, budget=1000, gather_s=0.05)
    bad, good = queue.translate("ar", ["bad"], [1]), queue.translate("ar", ["fine"], [1])
    wait([bad, good], timeout=10)
    with pytest.raises(RuntimeError, match="engine failure"):
        bad.result()
    with pytest.raises(RuntimeError):
        good.result()  # it shared the failed round
    assert queue.translate("ar", ["after"], [1]).result(timeout=10) == ["<after>"]
    queue.close()


def test_close_fails_what_waits_and_refuses_what_comes():
    worker = Recording(delay_s=0.2)
    queue = queue_with(worker, budget=10)
    running = queue.translate("ar", ["one", "two", "three"], [10, 10, 10])
    time.sleep(0.1)  # the first round is in progress
    queue.close(wait_s=5)
    with pytest.raises(Closed):
        running.result(timeout=5)
    with pytest.raises(Closed):
        queue.translate("ar", ["late"], [1])
    assert queue.depth() == 0


def test_empty_request_is_answered_at_once():
    queue = queue_with(Recording())
    assert queue.translate("ar", [], []).result(timeout=1) == []
    queue.close()
