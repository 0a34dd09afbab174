"""The whole run: ingest → clean → segment → translate → summarise → digest. Stages hand each other
plain dataclasses; this module only orders them, times them and records what ran."""
from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timezone
from typing import Any, Iterable

from summarize import __version__
from summarize.clean import clean_article
from summarize.faithfulness import flag_segments

from summarize.models import ModelNotFoundError, ResolvedModel, resolve_model
from summarize.records import Article, Digest, DigestArticle, InputProblem, SegmentedArticle, StageStats, TranslatedArticle
from summarize.segment import segment_article, split_paragraphs
from summarize.settings import Settings
from summarize.stories import build_stories, group_articles
from summarize.summarizers import Summarizer, load_summarizer, needs_model
from summarize.translate import Translator
from summarize.versions import environment


class Pipeline:
    """Arabic articles in, English digest out.

    Both models are resolved when the pipeline is made, so a missing summariser is reported before
    any time is spent translating; they are loaded on first use."""

    def __init__(self, settings: Settings | None = None, *, translator: Translator | None = None,
                 summarizer: Summarizer | None = None, progress: bool = False) -> None:
        self.settings = settings or Settings.from_env()
        self.progress = progress and not self.settings.quiet
        self._translator = translator
        self._summarizer = summarizer
        self.cache = self.settings.open_cache() if translator is None or summarizer is None else None
        # Both models are looked for before either is used, and every one missing is reported at once.
        wanted = {"translator": self.settings.translator if translator is None else None,
                  "summarizer": self.settings.summarizer if summarizer is None and needs_model(self.settings.summarizer)
                  else None}
        found: dict[str, ResolvedModel | None] = dict.fromkeys(wanted)
        missing = []
        for role, spec in wanted.items():
            if spec is not None:
                try:
                    found[role] = resolve_model(spec, role=role)
                except ModelNotFoundError as exc:
                    missing.append(str(exc))
        if missing:
            raise ModelNotFoundError("\n\n".join(missing))
        self._translator_model, self._summarizer_model = found["translator"], found["summarizer"]

    @property
    def translator(self) -> Translator:
        if self._translator is None:
            self._translator = Translator.from_settings(self.settings, self._translator_model, cache=self.cache)
        return self._translator

    @property
    def summarizer(self) -> Summarizer:
        if self._summarizer is None:
            self._summarizer = load_summarizer(self.settings, self._summarizer_model, cache=self.cache)
        return self._summarizer

    def run(self, articles: Iterable[Article], *, problems: list[InputProblem] | None = None,
            date: str | None = None) -> Digest:
        """``date``: the day the digest covers (YYYY-MM-DD); default: the most common article date."""
        started = datetime.now(timezone.utc)
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = round(now - clock, 3)
            clock = now

        problems = [] if problems is None else problems
        articles = list(articles)
        lap("ingest")
        cleaned = []
        for article in articles:
            language = _language(article)
            if language in ("ar", "en"):
                cleaned.append(clean_article(article) if language == "ar" else article)
            else:
                detected = "language not recognised" if language == "unknown" else \
                    f"not Arabic or English (detected: {language})"
                problems.append(InputProblem(article.origin or article.id, f"{detected}: not translated"))
        arabic = [a for a in cleaned if _language(a) == "ar"]
        lap("clean")
        translator = self.translator
        translator.stats = StageStats()  # per run, also when one pipeline runs several times
        lap("load_translator")
        segmented = [segment_article(a, translator.max_segment_tokens, translator.count_tokens) for a in arabic]
        lap("segment")
        segment_count = sum(len(s.title_segments) + len(s.segments) for s in segmented)
        with _bar(segment_count, "translating", "segment", self.progress) as bar:
            translated_arabic = translator.translate_articles(segmented, on_batch=bar.update)
        # English articles pass through untranslated and are still summarised.
        arabic_results = iter(translated_arabic)
        translated = [next(arabic_results) if _language(a) == "ar" else TranslatedArticle(a.title, split_paragraphs(a.text))
                      for a in cleaned]
        lap("translate")
        summarizer = self.summarizer
        summarizer.stats = StageStats()
        lap("load_summarizer")
        with _bar(len(translated), "summarising", "article", self.progress) as bar:
            summaries = summarizer.summarize_many([t.text_en for t in translated], on_batch=bar.update)
        lap("summarise")

        segments_of = {id(s.article): s for s in segmented}  # Arabic articles only
        digest_articles = [
            DigestArticle(id=a.id, source=a.source, url=a.url, date=a.date, language=_language(a), title_ar=a.title,
                          title_en=t.title_en, summary_en=s.text, translation_en=t.text_en,
                          flags=_flags(segments_of.get(id(a)), t), title_from=a.title_from,
                          source_from=a.source_from, date_from=a.date_from)
            for a, t, s in zip(cleaned, translated, summaries)
        ]
        # Stories are grouped on the Arabic, without a model; their summaries use the run's summariser.
        stories = build_stories(group_articles(cleaned), digest_articles, summarizer.story_plan())
        lap("stories")
        timings["total"] = round(sum(timings.values()), 3)
        run = {
            "summarize_version": __version__,
            "started_at": started.isoformat(timespec="seconds"),
            **_digest_date(cleaned, date),
            "translator": translator.describe(),
            "summarizer": summarizer.describe(),
            "counts": {
                "articles": len(digest_articles),
                "untranslated_english": len(cleaned) - len(arabic),
                "segments": segment_count,
                "paragraphs": sum(len(s.paragraphs) for s in segmented),
                "summary_chunks": sum(s.chunks for s in summaries),
                "chunked_articles": sum(1 for s in summaries if s.chunks > 1),
                "stories": len(stories),
                "multi_article_stories": sum(1 for story in stories if len(story.article_ids) > 1),
                "flagged_segments": sum(len(a.flags) for a in digest_articles),
                "skipped_inputs": sum(1 for p in problems if p.skipped),
                "skipped_language": sum(1 for a in articles if _language(a) not in ("ar", "en")),
            },
            "stats": {"translation": translator.stats.as_dict(), "summary": summarizer.stats.as_dict()},
            "cache": str(self.cache.path) if self.cache is not None and self.cache.enabled else None,
            "timings_s": timings,
            "environment": environment(),
        }
        return Digest(articles=digest_articles, run=run, stories=stories,
                      errors=[{"input": p.input, "reason": p.reason, "skipped": p.skipped} for p in problems])


def _flags(segmented: SegmentedArticle | None, translated: TranslatedArticle) -> list[dict[str, Any]]:
    """Faithfulness flags of one article: its Arabic segments against their English (none for an
    English article, or if the segment counts ever disagree)."""
    if segmented is None:
        return []
    arabic = segmented.title_segments + segmented.segments
    return flag_segments(arabic, translated.segments_en) if len(arabic) == len(translated.segments_en) else []


def _language(article: Article) -> str:
    return getattr(article, "language", "ar")


def _digest_date(articles: list[Article], given: str | None) -> dict[str, Any]:
    """The day a digest covers and what it rests on. ``date``: ``given`` (--date), else the most common
    article date, else today (the archive needs a day). ``date_from``: "option", "articles" or
    "today". ``article_dates``: the span of the articles' own dates, so a page can say when they
    cover several days, or none."""
    days = Counter(a.date[:10] for a in articles if a.date)
    span = {"first": min(days) if days else None, "last": max(days) if days else None, "days": len(days),
            "dated": sum(days.values()), "undated": len(articles) - sum(days.values())}
    if given:
        date, origin = given, "option"
    elif days:
        date, origin = days.most_common(1)[0][0], "articles"
    else:
        date, origin = datetime.now().date().isoformat(), "today"
    return {"date": date, "date_from": origin, "article_dates": span}


def _bar(total: int, description: str, unit: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit=unit, disable=not enabled, leave=False)
