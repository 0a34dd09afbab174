"""How texts become batches: sort by length so each batch pads little, pack under a token budget
rather than a fixed count, keep texts of different output caps apart, run, and put the outputs back
in input order.

Why caps apart: a batch's output cap comes from its longest source (``GenerationSettings.output_cap``),
and a text batched with a longer one was allowed a longer output than alone. Which texts a run
generates together depends on what the cache already held and on the token budget, so the English
of a sentence did too (``python -m tools.repro`` measures it; README "Engines", Reproducibility).
Batched by cap, every text's cap is its own and its output does not depend on the others'.
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Callable, Sequence

from summarize.engines.base import Engine, GenerationSettings
from summarize.records import StageStats

if TYPE_CHECKING:
    from summarize.cache import Cache

# How texts may share a batch: "cap" (the default) texts of one output cap only, i.e. of one
# length class when the cap is proportional (translation) and of any length when it is fixed
# (summaries); "length" texts of one token length only (no padding at all; far more, smaller batches
# in a small run); "mixed" any lengths, as before (the cap of the longest binds all).
BATCHING = ("cap", "length", "mixed")


def plan_batches(lengths: Sequence[int], token_budget: int, keys: Sequence[object] | None = None) -> list[list[int]]:
    """Group indices into batches whose padded size (members × longest member) stays within
    ``token_budget``. Longest first, so a batch that does not fit in memory fails at the start of a
    run rather than at its end. A single text longer than the budget gets a batch of its own.
    ``keys``: texts share a batch only when their keys are equal; they must not decrease with length
    (an output cap, a length), so that sorting by length keeps each key's texts together."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for index in order:
        length = max(1, lengths[index])
        if current and ((len(current) + 1) * max(longest, length) > token_budget
                        or (keys is not None and keys[index] != keys[current[0]])):
            batches.append(current)
            current, longest = [], 0
        current.append(index)
        longest = max(longest, length)
    if current:
        batches.append(current)
    return batches


def batch_keys(batching: str, lengths: Sequence[int], settings: GenerationSettings) -> list[object] | None:
    if batching == "cap":
        return [settings.output_cap(n) for n in lengths]
    if batching == "length":
        return list(lengths)
    if batching == "mixed":
        return None
    raise ValueError(f"batching must be one of {', '.join(BATCHING)}, not {batching!r}")


def batching_recipe(settings: GenerationSettings, batching: str) -> dict:
    """What a cache key records of how an output was made: the generation settings and the batching.
    Outputs made before caps were reckoned per length class, in mixed batches, are then never served
    beside the new ones: a cache from before misses once."""
    return {**settings.as_dict(), "batching": batching}


def padded_tokens(batches: Sequence[Sequence[int]], lengths: Sequence[int]) -> int:
    """Total tokens the batches occupy once padded to their longest member; pads = this − sum(lengths)."""
    return sum(len(batch) * max(lengths[i] for i in batch) for batch in batches if batch)


def generate_batched(
    engine: Engine,
    texts: Sequence[str],
    settings: GenerationSettings,
    *,
    token_budget: int,
    on_batch: Callable[[int], None] | None = None,
    cache: "Cache | None" = None,
    kind: str = "translation",
    stats: StageStats | None = None,
    batching: str = "cap",
) -> list[str]:
    """Generate one output per text, in input order. Identical texts are generated once; texts the
    cache knows are not generated at all, and each finished batch is written to the cache before the
    next starts, so an interrupted run resumes where it stopped. ``on_batch(n)`` is told after each
    batch (and once for cache hits) how many texts it finished. ``batching``: see BATCHING."""
    occurrences = Counter(texts)
    outputs: dict[str, str] = {}
    keys: dict[str, str] = {}
    if cache is not None and cache.enabled:
        from summarize.cache import cache_keys

        keys = cache_keys(engine.identity(), batching_recipe(settings, batching), occurrences)
        found = cache.get_many(kind, keys.values())
        outputs = {text: found[key] for text, key in keys.items() if key in found}
        if outputs and on_batch is not None:
            on_batch(sum(occurrences[t] for t in outputs))
    missing = [text for text in occurrences if text not in outputs]
    if stats is not None:
        stats.segments += len(texts)
        stats.cache_hits += len(outputs)
        stats.generated += len(missing)
    lengths = engine.token_lengths(missing)
    plan = plan_batches(lengths, token_budget, batch_keys(batching, lengths, settings))
    if stats is not None:
        stats.tokens += sum(lengths)
        stats.padded_tokens += padded_tokens(plan, lengths)
    batches = [[missing[i] for i in batch] for batch in plan]
    for batch_texts, batch_outputs in zip(batches, engine.generate_batches(batches, settings)):
        outputs.update(zip(batch_texts, batch_outputs, strict=True))
        if keys:
            cache.put_many(kind, {keys[t]: o for t, o in zip(batch_texts, batch_outputs)})
        if on_batch is not None:
            on_batch(sum(occurrences[t] for t in batch_texts))
    return [outputs[text] for text in texts]
