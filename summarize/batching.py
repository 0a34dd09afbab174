"""How texts become batches: sort by length so each batch pads little, pack under a token budget
rather than a fixed count, run, and put the outputs back in input order."""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Callable, Sequence

from summarize.engines.base import Engine, GenerationSettings
from summarize.records import StageStats

if TYPE_CHECKING:
    from summarize.cache import Cache



def plan_batches(lengths: Sequence[int], token_budget: int) -> list[list[int]]:
    """Group indices into batches whose padded size (members × longest member) stays within
    ``token_budget``. Longest first, so a batch that does not fit in memory fails at the start of a
    run rather than at its end. A single text longer than the budget gets a batch of its own."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for index in order:
        length = max(1, lengths[index])
        if current and (len(current) + 1) * max(longest, length) > token_budget:
            batches.append(current)
            current, longest = [], 0
        current.append(index)
        longest = max(longest, length)
    if current:
        batches.append(current)
    return batches


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
) -> list[str]:
    """Generate one output per text, in input order. Identical texts are generated once; texts the
    cache knows are not generated at all, and each finished batch is written to the cache before the
    next starts, so an interrupted run resumes where it stopped. ``on_batch(n)`` is told after each
    batch (and once for cache hits) how many texts it finished."""
    occurrences = Counter(texts)
    outputs: dict[str, str] = {}
    keys: dict[str, str] = {}
    if cache is not None and cache.enabled:
        from summarize.cache import cache_keys

        keys = cache_keys(engine.identity(), settings.as_dict(), occurrences)
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
    for batch in plan_batches(lengths, token_budget):
        batch_texts = [missing[i] for i in batch]
        batch_outputs = engine.generate(batch_texts, settings)
        outputs.update(zip(batch_texts, batch_outputs, strict=True))
        if keys:
            cache.put_many(kind, {keys[t]: o for t, o in zip(batch_texts, batch_outputs)})
        if on_batch is not None:
            on_batch(sum(occurrences[t] for t in batch_texts))
    return [outputs[text] for text in texts]
