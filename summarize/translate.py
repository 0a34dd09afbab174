"""Arabic → English: every segment of every article of a run goes through one sorted, token-budgeted
batch plan, and the English is put back together paragraph by paragraph."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Callable, Sequence

from summarize.batching import generate_batched
from summarize.engines import load_engine_for
from summarize.engines.base import Engine, GenerationSettings
from summarize.models import ResolvedModel, resolve_model
from summarize.normalize import normalize_arabic
from summarize.records import Article, SegmentedArticle, StageStats, TranslatedArticle
from summarize.segment import SEGMENTER_VERSION, segment_article, segment_text
from summarize.settings import TRANSLATION_TOKEN_BUDGET

if TYPE_CHECKING:
    from summarize.cache import Cache
    from summarize.settings import Settings


class Translator:
    """Translates Arabic segments with one engine. Segments are the unit of batching (and, later, of
    caching); callers hand over whole runs so batches mix articles and pad little."""

    def __init__(
        self,
        engine: Engine,
        *,
        beams: int = 4,
        max_length_factor: float = 1.5,
        max_length_offset: int = 10,
        token_budget: int = TRANSLATION_TOKEN_BUDGET,
        max_segment_tokens: int = 256,
        cache: "Cache | None" = None,
        batching: str = "cap",
    ) -> None:
        """``batching``: which segments may share a batch (``summarize.batching.BATCHING``); by cap, the
        default, a segment's English does not depend on what else the run or the cache left to do."""
        self.engine = engine
        self.batching = batching
        self.cache = cache
        self.stats = StageStats()
        self.token_budget = token_budget
        self.generation = GenerationSettings(
            num_beams=beams, max_length_factor=max_length_factor, max_length_offset=max_length_offset
        )
        # Never hand the model more than it can read: longer sentences are split again, not truncated.
        self.max_segment_tokens = min(max_segment_tokens, engine.max_input_tokens)

    @classmethod
    def from_settings(cls, settings: "Settings", model: ResolvedModel | None = None,
                      cache: "Cache | None | bool" = True) -> "Translator":
        """Resolve (unless given) and load the settings' translator on the settings' engine and device.
        ``cache=True`` opens the settings' cache; pass a Cache to share one, or None for none."""
        model = model or resolve_model(settings.translator, role="translator")
        cache = settings.open_cache() if cache is True else cache or None
        return cls(
            load_engine_for(model, settings, role="translator"),
            beams=settings.beams,
            max_length_factor=settings.max_length_factor,
            max_length_offset=settings.max_length_offset,
            token_budget=settings.token_budget,
            max_segment_tokens=settings.max_segment_tokens,
            cache=cache,
        )

    def describe(self) -> dict:
        """The configuration behind every translation, as ``run.translator`` records it."""
        return {**self.engine.describe(), "generation": self.generation.as_dict(), "token_budget": self.token_budget,
                "max_segment_tokens": self.max_segment_tokens,
                "batching": self.batching}

    def count_tokens(self, texts: list[str]) -> list[int]:
        return self.engine.token_lengths(texts)

    def segment_articles(self, articles: Sequence[Article]) -> list[SegmentedArticle]:
        """Cleaned articles cut into segments this model can read (``segment_article``). Counting tokens
        needs the tokenizer, and the slow Python ones take most of a rerun: each article's cut is
        cached, keyed by its text, the model's files (the tokenizer is among them) and the limit."""
        if self.cache is None or not self.cache.enabled or not articles:
            return [segment_article(a, self.max_segment_tokens, self.count_tokens) for a in articles]
        from summarize.cache import cache_keys

        recipe = {"max_segment_tokens": self.max_segment_tokens, "segmenter": SEGMENTER_VERSION}
        texts = [json.dumps([a.title, a.text], ensure_ascii=False) for a in articles]
        keys = cache_keys({"tokenizer": self.engine.model.revision}, recipe, texts)
        found = self.cache.get_many("segmentation", set(keys.values()))
        results, new = [], {}
        for article, text in zip(articles, texts):
            stored = found.get(keys[text])
            if stored is not None:
                cut = json.loads(stored)
                results.append(SegmentedArticle(article, cut["title"], cut["paragraphs"]))
                continue
            segmented = segment_article(article, self.max_segment_tokens, self.count_tokens)
            new[keys[text]] = json.dumps({"title": segmented.title_segments, "paragraphs": segmented.paragraphs},
                                         ensure_ascii=False)
            results.append(segmented)
        self.cache.put_many("segmentation", new)
        return results

    def translate_segments(self, segments: Sequence[str], *, on_batch: Callable[[int], None] | None = None) -> list[str]:
        return generate_batched(self.engine, segments, self.generation, token_budget=self.token_budget,
                                on_batch=on_batch, cache=self.cache, kind="translation", stats=self.stats,
                                batching=self.batching)

    def translate_articles(
        self, articles: Sequence[SegmentedArticle], *, on_batch: Callable[[int], None] | None = None
    ) -> list[TranslatedArticle]:
        flat: list[str] = []
        for article in articles:
            flat.extend(article.title_segments)
            flat.extend(article.segments)
        english = iter(self.translate_segments(flat, on_batch=on_batch))
        results = []
        for article in articles:
            title_segments = [next(english) for _ in article.title_segments]
            body = [[next(english) for _ in paragraph] for paragraph in article.paragraphs]
            paragraphs = [" ".join(segments) for segments in body]
            results.append(TranslatedArticle(title_en=" ".join(title_segments), paragraphs_en=[p for p in paragraphs if p],
                                             segments_en=title_segments + [s for segments in body for s in segments]))
        return results

    def translate_lines(self, lines: Sequence[str], *, on_batch: Callable[[int], None] | None = None) -> list[str]:
        """One English line per input line (line-aligned test sets rely on it): a line holding several
        sentences is split, translated and rejoined; an empty line stays empty."""
        per_line = [
            [s for paragraph in segment_text(normalize_arabic(line), self.max_segment_tokens, self.count_tokens) for s in paragraph]
            for line in lines
        ]
        english = iter(self.translate_segments([s for segments in per_line for s in segments], on_batch=on_batch))
        return [" ".join(next(english) for _ in segments) for segments in per_line]
