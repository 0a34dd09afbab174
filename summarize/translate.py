"""Into English: every segment of every article of a run goes through one sorted, token-budgeted batch
plan per source language, and the English is put back together paragraph by paragraph.

``Translator`` translates with one engine (one model, one source language); ``Translators`` is the
run's set of them by language, as ``--translator LANG=MODEL`` configures it, each made on the first
article that needs it."""
from __future__ import annotations

import json
import threading
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
        source_language: str | None = None,
    ) -> None:
        """``batching``: which segments may share a batch (``summarize.batching.BATCHING``); by cap, the
        default, a segment's English does not depend on what else the run or the cache left to do.
        ``source_language``: for a many-to-many model, the texts' language in the model's own codes
        (``fra_Latn``); None for a model of one source language, or its preset's."""
        self.engine = engine
        self.batching = batching
        self.cache = cache
        self.stats = StageStats()
        self.token_budget = token_budget
        told = {"source_language": source_language} if source_language else {}
        self.generation = GenerationSettings(
            num_beams=beams, max_length_factor=max_length_factor, max_length_offset=max_length_offset, **told
        )
        # Never hand the model more than it can read: longer sentences are split again, not truncated.
        self.max_segment_tokens = min(max_segment_tokens, engine.max_input_tokens)

    @classmethod
    def from_settings(cls, settings: "Settings", model: ResolvedModel | None = None,
                      cache: "Cache | None | bool" = True, *, engine: Engine | None = None,
                      source_language: str | None = None) -> "Translator":
        """Resolve (unless given) and load the settings' translator on the settings' engine and device.
        ``cache=True`` opens the settings' cache; pass a Cache to share one, or None for none. ``engine``:
        one already loaded for ``model`` (a many-to-many model serves several languages)."""
        model = model or resolve_model(settings.translator, role="translator")
        cache = settings.open_cache() if cache is True else cache or None
        return cls(
            engine or load_engine_for(model, settings, role="translator"),
            beams=settings.beams,
            max_length_factor=settings.max_length_factor,
            max_length_offset=settings.max_length_offset,
            token_budget=settings.token_budget,
            max_segment_tokens=settings.max_segment_tokens,
            cache=cache,
            source_language=source_language,
        )

    def describe(self) -> dict:
        """The configuration behind every translation, as ``run.translator`` records it."""
        return {**self.engine.describe(), "generation": self.generation.as_dict(), "token_budget": self.token_budget,
                "max_segment_tokens": self.max_segment_tokens,
                "batching": self.batching}

    def load(self) -> None:
        """Load the model now rather than on the first segment (the service, before it says it is ready)."""
        self.engine.load()

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

    def translate_segments(self, segments: Sequence[str], *, on_batch: Callable[[int], None] | None = None,
                           stats: StageStats | None = None) -> list[str]:
        """One English segment per segment, in order. ``stats``: where to count them (default: the
        translator's own, which a run resets; the service keeps its own)."""
        return generate_batched(self.engine, segments, self.generation, token_budget=self.token_budget,
                                on_batch=on_batch, cache=self.cache, kind="translation",
                                stats=self.stats if stats is None else stats, batching=self.batching)

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

    def line_segments(self, lines: Sequence[str], *, arabic: bool = True) -> list[list[str]]:
        """Each line's segments, as ``translate_lines`` translates them: a line is split into sentences
        this model can read (none for an empty line). ``arabic``: normalise the Arabic first, as the
        cleaner does (other scripts are left alone: normalising would drop Persian's non-joiners)."""
        return [[s for paragraph in segment_text(normalize_arabic(line) if arabic else line, self.max_segment_tokens,
                                                 self.count_tokens) for s in paragraph]
                for line in lines]

    def translate_lines(self, lines: Sequence[str], *, on_batch: Callable[[int], None] | None = None) -> list[str]:
        """One English line per input line (line-aligned test sets rely on it): a line holding several
        sentences is split, translated and rejoined; an empty line stays empty."""
        per_line = self.line_segments(lines)
        english = self.translate_segments([s for segments in per_line for s in segments], on_batch=on_batch)
        return join_lines(per_line, english)


def join_lines(per_line: Sequence[Sequence[str]], english: Sequence[str]) -> list[str]:
    """``english`` (every line's segments translated, in order) put back one line per line of ``per_line``."""
    flow = iter(english)
    return [" ".join(next(flow) for _ in segments) for segments in per_line]


class TranslatorUnavailable(Exception):
    """No translator can be had for a language: none configured, its model missing, or a
    many-to-many model without a code for it. ``reason`` is one line for ``errors[]``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Translators:
    """The run's translators by source language, as ``Settings.translator_map`` names them: "ar" (the
    default), each language given as ``LANG=MODEL``, and "*" for every other language (a many-to-many
    model, told each article's language). A model is resolved, loaded and converted once, on the
    first article that needs it; a many-to-many model's one engine serves all its languages. English
    is never translated."""

    def __init__(self, settings: "Settings", *, cache: "Cache | None" = None,
                 given: "dict[str, Translator] | None" = None, models: "dict[str, ResolvedModel] | None" = None) -> None:
        """``given``: translators made by the caller (tests, the Python API), by language; ``models``:
        models already resolved, by language (the pipeline resolves the Arabic one up front)."""
        self.settings = settings
        self.cache = cache
        self.models = settings.translator_map()
        self._made: dict[str, Translator] = dict(given or {})
        self._resolved: dict[str, ResolvedModel] = dict(models or {})
        self._engines: dict[str, Engine] = {}  # by model folder: one engine per model, whatever its languages
        self._unavailable: dict[str, str] = {}
        # Made once, also when several threads (the service's requests, its digest jobs) first ask at once.
        self._making = threading.RLock()

    def model_for(self, language: str) -> str | None:
        """The model named for ``language``: its own, else the "*" fallback; None when neither."""
        if language == "en":
            return None
        return self.models.get(language) or self.models.get("*")

    def get(self, language: str) -> Translator:
        """``language``'s translator, made on first call; ``TranslatorUnavailable`` when there is none."""
        if language in self._made:
            return self._made[language]
        with self._making:
            if language in self._made:
                return self._made[language]
            if language in self._unavailable:
                raise TranslatorUnavailable(self._unavailable[language])
            try:
                translator = self._make(language)
            except TranslatorUnavailable as exc:
                self._unavailable[language] = exc.reason
                raise
            self._made[language] = translator
            return translator

    def _make(self, language: str) -> Translator:
        from summarize.languages import described
        from summarize.models import ModelNotFoundError

        spec = self.model_for(language)
        if spec is None:
            raise TranslatorUnavailable(unconfigured(language))
        model = self._resolved.get(language)
        if model is None:
            try:
                model = resolve_model(spec, role="translator")
            except ModelNotFoundError as exc:
                first = str(exc).splitlines()[0].rstrip(":")
                raise TranslatorUnavailable(f"{described(language)}: {first}: not translated") from None
        code = source_code(model, language)
        if code is False:
            raise TranslatorUnavailable(f"{described(language)}: {model.name} has no code for it: not translated "
                                        f"(give it its own, --translator {language}=MODEL)")
        key = str(model.path)
        if key not in self._engines:
            self._engines[key] = load_engine_for(model, self.settings, role="translator" if language == "ar" else f"{language} translator")
        return Translator.from_settings(self.settings, model, cache=self.cache, engine=self._engines[key],
                                        source_language=code or None)

    def used(self) -> "dict[str, Translator]":
        """The translators made so far, by language."""
        return dict(self._made)

    def stats(self) -> StageStats:
        """Every translator's stats of the run, summed."""
        total = StageStats()
        for translator in self._made.values():
            total.add(translator.stats.as_dict())
        return total

    def reset_stats(self) -> None:
        for translator in self._made.values():
            translator.stats = StageStats()


def unconfigured(language: str) -> str:
    """Why an article in ``language`` is not translated when no model is named for it, and how to name one."""
    from summarize.languages import described

    if language == "unknown":
        return "language not recognised: not translated"
    from summarize.models import load_catalogue

    dedicated = [p.name for p in load_catalogue().values() if p.task == "translation" and p.source_language == language]
    example = f", e.g. {language}={dedicated[0]}" if dedicated else ""
    return (f"{described(language)}: no translator configured for it: not translated (add --translator "
            f"{language}=MODEL{example}, or --translator '*=nllb-200-distilled-600M' for every language)")


def source_code(model: ResolvedModel, language: str) -> str | None | bool:
    """What ``model`` must be told of ``language``: its code in a many-to-many model's scheme (None
    when it is the preset's own source language, which the engine already sets), None for a model
    of one source language, False when a many-to-many model has no code for it."""
    from summarize.models import language_scheme, source_code_for

    if language_scheme(model) is None:
        return None
    code = source_code_for(model, language)
    if code is None:
        return False
    # The preset's own source language (Arabic on NLLB) is what the engine reads untold: telling it
    # would change every cache key for the same output.
    return None if model.preset is not None and code == model.preset.src_lang else code
