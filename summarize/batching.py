"""How texts become batches: sort by length so each batch pads little, pack under a token budget
rather than a fixed count, run, and put the outputs back in input order."""
from __future__ import annotations

from collections import Counter
from typing import Callable, Sequence

from summarize.engines.base import Engine, GenerationSettings


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
) -> list[str]:
    """Generate one output per text, in input order. Identical texts are generated once.
    ``on_batch(n)`` is told after each batch how many texts it finished (for progress bars)."""
    occurrences = Counter(texts)
    unique = list(occurrences)
    lengths = engine.token_lengths(unique)
    outputs: dict[str, str] = {}
    for batch in plan_batches(lengths, token_budget):
        batch_texts = [unique[i] for i in batch]
        for text, output in zip(batch_texts, engine.generate(batch_texts, settings), strict=True):
            outputs[text] = output
        if on_batch is not None:
            on_batch(sum(occurrences[t] for t in batch_texts))
    return [outputs[text] for text in texts]
