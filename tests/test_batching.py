import random

from hypothesis import given, strategies as st

from summarize.batching import generate_batched, padded_tokens, plan_batches
from summarize.engines.base import GenerationSettings
from tests.fakes import EchoEngine

SETTINGS = GenerationSettings(num_beams=1, max_length_factor=2.0)


@given(st.lists(st.integers(min_value=1, max_value=300), max_size=200), st.integers(min_value=1, max_value=2000))
def test_every_index_lands_in_exactly_one_batch_within_budget(lengths, budget):
    batches = plan_batches(lengths, budget)
    flat = sorted(i for batch in batches for i in batch)
    assert flat == list(range(len(lengths)))
    for batch in batches:
        padded = len(batch) * max(lengths[i] for i in batch)
        # A single over-long text is allowed a batch of its own; every other batch keeps the budget.
        assert padded <= budget or len(batch) == 1


def test_sorted_batches_pad_less_than_unsorted_batches_of_the_same_sizes():
    rng = random.Random(7)
    lengths = [rng.randint(3, 120) for _ in range(500)]
    batches = plan_batches(lengths, 2000)
    sizes = [len(b) for b in batches]
    unsorted, start = [], 0
    for size in sizes:
        unsorted.append(list(range(start, start + size)))
        start += size
    assert padded_tokens(batches, lengths) < 0.8 * padded_tokens(unsorted, lengths)


def test_generate_batched_restores_input_order_and_respects_budget():
    engine = EchoEngine()
    texts = [" ".join(["word"] * n) + f" #{i}" for i, n in enumerate([5, 40, 1, 17, 33, 2, 60, 8])]
    outputs = generate_batched(engine, texts, SETTINGS, token_budget=100)
    assert outputs == [f"<{t}>" for t in texts]
    assert len(engine.batches) > 1
    for batch in engine.batches:
        assert len(batch) * max(engine.token_lengths(batch)) <= 100 or len(batch) == 1
    assert sorted(t for b in engine.batches for t in b) == sorted(texts)


def test_duplicates_are_generated_once_and_progress_counts_every_text():
    engine = EchoEngine()
    texts = ["same caption", "other", "same caption", "third one", "same caption"]
    seen = []
    outputs = generate_batched(engine, texts, SETTINGS, token_budget=50, on_batch=seen.append)
    assert outputs == [f"<{t}>" for t in texts]
    assert sum(len(b) for b in engine.batches) == 3
    assert sum(seen) == len(texts)


def test_empty_input_makes_no_engine_call():
    engine = EchoEngine()
    assert generate_batched(engine, [], SETTINGS, token_budget=10) == []
    assert engine.batches == []
