import random

from hypothesis import given, strategies as st

from summarize.batching import BATCHING, batch_keys, generate_batched, padded_tokens, plan_batches
from summarize.engines.base import GenerationSettings, length_class
from tests.fakes import EchoEngine

SETTINGS = GenerationSettings(num_beams=1, max_length_factor=2.0)


@given(st.lists(st.integers(min_value=1, max_value=300), max_size=200), st.integers(min_value=1, max_value=2000),
       st.sampled_from(BATCHING))
def test_every_index_lands_in_exactly_one_batch_within_budget(lengths, budget, batching):
    keys = batch_keys(batching, lengths, GenerationSettings(num_beams=1, max_length_factor=1.5, max_length_offset=10))
    batches = plan_batches(lengths, budget, keys)
    flat = sorted(i for batch in batches for i in batch)
    assert flat == list(range(len(lengths)))
    for batch in batches:
        padded = len(batch) * max(lengths[i] for i in batch)
        # A single over-long text is allowed a batch of its own; every other batch keeps the budget.
        assert padded <= budget or len(batch) == 1
        if keys is not None:
            assert len({keys[i] for i in batch}) == 1


@given(st.lists(st.integers(min_value=1, max_value=40), max_size=120), st.integers(min_value=40, max_value=400))
def test_batches_of_one_key_are_as_full_as_the_budget_allows(lengths, budget):
    """Only a change of key or the budget closes a batch: one length's texts fill batches of
    budget // length members, all but its last."""
    batches = plan_batches(lengths, budget, lengths)
    for length in set(lengths):
        sizes = [len(b) for b in batches if lengths[b[0]] == length]
        assert all(size == budget // length for size in sizes[:-1])
        assert sum(sizes) == lengths.count(length)


def test_length_classes_round_up_by_less_than_a_quarter():
    classes = [length_class(n) for n in range(1, 600)]
    assert classes[:20] == [4] * 4 + [8] * 4 + [12] * 4 + [16] * 4 + [20] * 4
    assert sorted(set(classes))[:16] == [4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128]
    assert all(n <= c < 1.25 * n or c - n < 4 for n, c in zip(range(1, 600), classes))
    assert classes == sorted(classes)  # the cap never decreases with the length
    # A proportional cap is reckoned on the class; a fixed one is the same for every length.
    proportional = GenerationSettings(max_length_factor=1.5, max_length_offset=10)
    assert proportional.output_cap(33) == proportional.output_cap(40) == 70
    assert len({GenerationSettings(max_new_tokens=142).output_cap(n) for n in range(1, 600)}) == 1


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


def test_outputs_do_not_depend_on_what_else_is_generated():
    """The output cap comes from a batch's longest source. With lengths mixed, a short text batched
    with a long one is allowed a longer output than alone (here, a cap that binds: more words); batched
    by cap, the default, or by length, each text gets its own cap whoever else runs."""
    settings = GenerationSettings(num_beams=1, max_length_factor=0.5)
    texts = [" ".join(f"w{i}" for i in range(n)) for n in (4, 4, 9, 9, 9, 10, 17, 30, 30)]
    for batching, stable in (("mixed", False), ("cap", True), ("length", True)):
        def run(subset):
            return generate_batched(EchoEngine(), subset, settings, token_budget=200, batching=batching)

        together = run(texts)
        alone = [run([text])[0] for text in texts]
        assert (together == alone and together[1::2] == run(texts[1::2])) is stable, batching


def test_a_fixed_cap_lets_every_length_share_a_batch():
    """Summaries have a fixed cap (max_new_tokens): batched by cap they pack as tightly as before."""
    engine = EchoEngine()
    texts = [" ".join(["w"] * n) for n in (3, 7, 12, 20, 33)]
    generate_batched(engine, texts, GenerationSettings(num_beams=1, max_new_tokens=20), token_budget=1000)
    assert len(engine.batches) == 1
