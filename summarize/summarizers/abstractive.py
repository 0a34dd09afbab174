"""English text → short summary. Input longer than the model's window is never truncated: it is cut
on sentence boundaries into chunks that fit, each chunk is summarised, and the joined chunk summaries
are summarised again (map-reduce), level after level until one window holds them."""
from __future__ import annotations

import json
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any, Callable, Sequence

from summarize.batching import generate_batched
from summarize.engines import load_engine_for
from summarize.engines.base import Engine, GenerationSettings
from summarize.models import ResolvedModel, resolve_model
from summarize.records import StageStats, Summary
from summarize.segment import split_english_sentences, split_long
from summarize.settings import SUMMARY_TOKEN_BUDGET
from summarize.summarizers.base import StoryPlan, Summarizer

if TYPE_CHECKING:
    from summarize.cache import Cache
    from summarize.settings import Settings

# Used when neither the settings, the catalogue preset nor the checkpoint says otherwise.
FALLBACK_GENERATION = {"num_beams": 4, "min_new_tokens": 30, "max_new_tokens": 142, "length_penalty": 1.0,
                       "no_repeat_ngram_size": 3}
# Settings field → GenerationSettings field.
_SETTING_NAMES = {"summary_beams": "num_beams", "summary_min_tokens": "min_new_tokens",
                  "summary_max_tokens": "max_new_tokens", "no_repeat_ngram_size": "no_repeat_ngram_size",
                  "length_penalty": "length_penalty"}
# A checkpoint's generation_config.json field → GenerationSettings field. Its lengths count the decoder
# start token, ours count new tokens only.
_CHECKPOINT_NAMES = {"num_beams": "num_beams", "min_length": "min_new_tokens", "max_length": "max_new_tokens",
                     "length_penalty": "length_penalty", "no_repeat_ngram_size": "no_repeat_ngram_size"}


def summary_generation(settings: "Settings", model: ResolvedModel) -> GenerationSettings:
    """Each value comes from the first that sets it: the settings (command line, SUMMARIZE_*), the
    catalogue preset, the checkpoint's own generation config, then FALLBACK_GENERATION."""
    values: dict[str, Any] = dict(FALLBACK_GENERATION)
    values.update(_checkpoint_generation(model))
    if model.preset is not None:
        values.update(model.preset.generation)
    values.update({ours: getattr(settings, name) for name, ours in _SETTING_NAMES.items()
                   if getattr(settings, name) is not None})
    if values["min_new_tokens"] > values["max_new_tokens"]:
        values["min_new_tokens"] = values["max_new_tokens"]
    return GenerationSettings(**values)


def _checkpoint_generation(model: ResolvedModel) -> dict[str, Any]:
    try:
        raw = json.loads((model.path / "generation_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    values = {ours: raw[name] for name, ours in _CHECKPOINT_NAMES.items() if isinstance(raw.get(name), (int, float))}
    for length in ("min_new_tokens", "max_new_tokens"):
        if length in values:
            values[length] = max(0, int(values[length]) - 1)
    return values


# Words of key sentences handed to the model for a story: about 530 tokens, so the merged text fits
# one 1024-token window and is summarised in one pass.
STORY_INPUT_WORDS = 400

# Part of every whole-document cache key: bump it when the chunking rules change what is generated.
CHUNKING_VERSION = 1

# Room left in the window for special tokens the tokenizer adds around a joined chunk.
_WINDOW_MARGIN = 2


class ModelSummarizer(Summarizer):
    """A summarisation model run by an engine (``summarize.engines``), map-reduce over chunks."""

    name = "model"

    def __init__(self, engine: Engine, generation: GenerationSettings, *, token_budget: int = SUMMARY_TOKEN_BUDGET,
                 cache: "Cache | None" = None, batching: str = "cap") -> None:
        """``batching``: which texts may share a batch (``summarize.batching.BATCHING``)."""
        self.engine = engine
        self.batching = batching
        self.cache = cache
        self.stats = StageStats()
        self.generation = generation
        self.token_budget = token_budget
        self.window = engine.max_input_tokens
        # A chunk summary is at most a quarter of the window, so any two neighbouring chunks (which
        # together overflow the window) shrink to at most half of it: every level at least halves
        # the text, and the reduction ends.
        map_cap = max(1, min(generation.max_new_tokens or self.window // 4, self.window // 4))
        self.map_generation = replace(
            generation, max_new_tokens=map_cap, min_new_tokens=min(generation.min_new_tokens, map_cap)
        )

    @classmethod
    def from_settings(cls, settings: "Settings", model: ResolvedModel | None = None,
                      cache: "Cache | None | bool" = True) -> "ModelSummarizer":
        """As Translator.from_settings."""
        model = model or resolve_model(settings.summarizer, role="summarizer")
        cache = settings.open_cache() if cache is True else cache or None
        engine = load_engine_for(model, settings, role="summarizer")
        return cls(engine, summary_generation(settings, model), token_budget=settings.summary_token_budget, cache=cache)

    def describe(self) -> dict:
        return {**self.engine.describe(), "generation": self.generation.as_dict(),
                "map_generation": self.map_generation.as_dict(), "window": self.window,
                "token_budget": self.token_budget, "batching": self.batching}

    def story_plan(self) -> StoryPlan:
        return StoryPlan(max_words=STORY_INPUT_WORDS, summarize=self.summarize_many)

    def load(self) -> None:
        self.engine.load()

    def summarize_many(self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None,
                       stats: StageStats | None = None) -> list[Summary]:
        """Summaries in input order; all texts of a level share one batch plan. ``on_batch`` counts
        finished summaries."""
        stats = self.stats if stats is None else stats
        results: list[Summary | None] = list(self._cached_documents(texts, stats))
        if on_batch is not None and any(results):
            on_batch(sum(1 for r in results if r is not None))
        chunk_counts = [0] * len(texts)
        pending = {i: text for i, text in enumerate(texts) if results[i] is None}
        to_store = dict(pending)
        level = 0
        while pending:
            level += 1
            finals: dict[int, str] = {}
            chunked: dict[int, list[str]] = {}
            lengths = self.engine.token_lengths(list(pending.values()))
            for (index, text), length in zip(pending.items(), lengths):
                if not text.strip():
                    results[index] = Summary(text="", chunks=0, levels=level - 1)
                elif length <= self.window:
                    finals[index] = text
                else:
                    chunked[index] = self._chunks(text)
                if level == 1:
                    chunk_counts[index] = len(chunked.get(index, [text]))
            final_outputs = self._generate(list(finals.values()), self.generation, on_batch, stats)
            for index, output in zip(finals, final_outputs):
                results[index] = Summary(text=output, chunks=chunk_counts[index], levels=level)
            all_chunks = [chunk for chunks in chunked.values() for chunk in chunks]
            chunk_outputs = iter(self._generate(all_chunks, self.map_generation, None, stats))
            pending = {index: " ".join(next(chunk_outputs) for _ in chunks) for index, chunks in chunked.items()}
        self._store_documents({to_store[i]: results[i] for i in to_store})
        return results  # type: ignore[return-value]

    def _document_keys(self, texts) -> dict[str, str]:
        """Whole-document keys, so a rerun skips chunking too; they cover both generation settings,
        the window, the chunking rules' version and the batching policy."""
        from summarize.cache import cache_keys

        recipe = {"chunking": CHUNKING_VERSION, "window": self.window, "generation": self.generation.as_dict(),
                  "map_generation": self.map_generation.as_dict(), "batching": self.batching}
        return cache_keys(self.engine.identity(), recipe, texts)

    def _cached_documents(self, texts: Sequence[str], stats: StageStats) -> list[Summary | None]:
        if self.cache is None or not self.cache.enabled or not texts:
            return [None] * len(texts)
        keys = self._document_keys(set(texts))
        found = self.cache.get_many("summary_document", keys.values())
        results = []
        for text in texts:
            stored = found.get(keys[text])
            results.append(Summary(**json.loads(stored)) if stored is not None else None)
        hits = sum(1 for r in results if r is not None)
        stats.segments += hits
        stats.cache_hits += hits
        return results

    def _store_documents(self, summaries: dict[str, Summary]) -> None:
        if self.cache is None or not self.cache.enabled or not summaries:
            return
        keys = self._document_keys(summaries)
        self.cache.put_many("summary_document", {keys[text]: json.dumps(asdict(summary))
                                                 for text, summary in summaries.items()})

    def _generate(self, texts: list[str], generation: GenerationSettings,
                  on_batch: Callable[[int], None] | None, stats: StageStats) -> list[str]:
        return generate_batched(self.engine, texts, generation, token_budget=self.token_budget, on_batch=on_batch,
                                cache=self.cache, kind="summary", stats=stats, batching=self.batching)

    def _chunks(self, text: str) -> list[str]:
        """Pack whole sentences into chunks that fit the window; a sentence longer than the window on its
        own is split at safe points first."""
        limit = self.window - _WINDOW_MARGIN
        count = self.engine.token_lengths
        sentences = [piece for sentence in split_english_sentences(text) for piece in split_long(sentence, limit, count)]
        groups: list[list[str]] = []
        used = 0
        for sentence, length in zip(sentences, count(sentences)):
            # Special tokens are counted once per chunk, not once per sentence.
            if groups and used + length - _WINDOW_MARGIN <= limit:
                groups[-1].append(sentence)
                used += length - _WINDOW_MARGIN
            else:
                groups.append([sentence])
                used = length
        return self._fit(groups)

    def _fit(self, groups: list[list[str]]) -> list[str]:
        """Joining sentences can tokenise a little differently from counting them apart: re-measure
        each chunk and halve any that overflows, so no chunk is ever truncated by the model."""
        chunks = [" ".join(group) for group in groups]
        fitted: list[str] = []
        for group, chunk, length in zip(groups, chunks, self.engine.token_lengths(chunks)):
            if length <= self.window or len(group) == 1:
                fitted.append(chunk)
            else:
                middle = len(group) // 2
                fitted.extend(self._fit([group[:middle], group[middle:]]))
        return fitted
