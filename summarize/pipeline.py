"""The whole run: ingest → clean → segment → translate → summarise → stories → digest. Stages hand each
other plain dataclasses; this module only orders them, times them and records what ran.

Articles go through the stages a window at a time (``Settings.window``, 100 by default): what a
window leaves behind is each article's entry in the digest (its English) and its folded Arabic, which
the stories are grouped on once every window is done; an article seen before comes whole from the
cache (``summarize.article_cache``). Memory then grows with the digest itself, not
with everything every stage made of the whole day. Batches stay full: a window holds thousands of
segments, and a segment's English does not depend on the others of its batch (``summarize.batching``),
so the digest is the same with or without windows (tested)."""
from __future__ import annotations

import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Mapping

from summarize import __version__
from summarize.article_cache import CachedArticle, article_keys
from summarize.executors.base import Executor
from summarize.executors.local import LocalExecutor
from summarize.followups import follow_earlier_days, stories_in_time
from summarize.memory import release_free_memory
from summarize.models import ModelNotFoundError, ResolvedModel, resolve_model
from summarize.records import (Article, Digest, DigestArticle, InputProblem, SegmentedArticle, StageStats,
                               TranslatedArticle, WatchHit)
from summarize.settings import Settings
from summarize.stories import (article_document, group_documents, join_languages, stories_cache_key, stories_from_json,
                               stories_to_json)
from summarize.summarizers import Summarizer, load_summarizer, needs_model
from summarize.translate import Translator, Translators, TranslatorUnavailable
from summarize.versions import environment

# The stages a run times, in order (digest.json run.timings_s; "total" is their sum). Models load on
# first use, inside the stage that first needs one: the load_* entries stay for the schema's sake.
STAGES = ("ingest", "clean", "load_translator", "segment", "translate", "load_summarizer", "summarise", "stories")


@dataclass
class _Day:
    """What the windows leave behind for the end of the run."""

    articles: list[DigestArticle] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # each article_document (folded Arabic), for the stories
    dates: Counter = field(default_factory=Counter)
    undated: int = 0
    counts: Counter = field(default_factory=Counter)
    hits: list[WatchHit] = field(default_factory=list)  # the watchlist's, in article order
    languages: Counter = field(default_factory=Counter)  # the digest's articles by language
    timings: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))


class Pipeline:
    """Articles in, English digest out: Arabic and every language with a translator configured
    translated, English passed through.

    The Arabic translator and the summariser are resolved when the pipeline is made, so a missing
    one is reported before any time is spent translating; they are loaded on first use. Other
    languages' translators are resolved and loaded when an article first needs one
    (``summarize.translate.Translators``)."""

    def __init__(self, settings: Settings | None = None, *, translator: Translator | None = None,
                 summarizer: Summarizer | None = None, progress: bool = False,
                 translators: Mapping[str, Translator] | None = None, executor: Executor | None = None,
                 cache: Any = True) -> None:
        """``translator``: the Arabic translator, made by the caller; ``translators``: translators by
        language, made by the caller (either way, no model is resolved for those languages).
        ``executor``: what makes each window's articles (``summarize.executors``; default: in this
        process). ``cache``: True for the settings' cache, else the cache to use (None: none; a
        worker's read-only one)."""
        self.settings = settings or Settings.from_env()
        self.progress = progress and not self.settings.quiet
        given = {**(translators or {}), **({"ar": translator} if translator is not None else {})}
        self._summarizer = summarizer
        self.executor = executor if executor is not None else LocalExecutor()
        if cache is True:
            cache = self.settings.open_cache() if "ar" not in given or summarizer is None else None
        self.cache = cache
        # Both models are looked for before either is used, and every one missing is reported at once.
        wanted = {"translator": self.settings.translator_map()["ar"] if "ar" not in given else None,
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
        self._summarizer_model = found["summarizer"]
        self.translators = Translators(self.settings, cache=self.cache, given=given,
                                       models={"ar": found["translator"]} if found["translator"] else None)
        # Read now, so a bad watchlist is reported before any model loads.
        self.watchlist = None
        if self.settings.watchlist is not None:
            from summarize.watchlist import load_watchlist

            self.watchlist = load_watchlist(self.settings.watchlist)

    @property
    def translator(self) -> Translator:
        """The Arabic translator."""
        return self.translators.get("ar")

    @property
    def summarizer(self) -> Summarizer:
        if self._summarizer is None:
            self._summarizer = load_summarizer(self.settings, self._summarizer_model, cache=self.cache)
        return self._summarizer

    def run(self, articles: Iterable[Article], *, problems: list[InputProblem] | None = None,
            date: str | None = None, window: int | None = None) -> Digest:
        """``date``: the day the digest covers (YYYY-MM-DD); default: the most common article date.
        ``window``: articles per window (default: the settings'; 0: all at once). ``articles`` is read
        as the windows need it, so a generator keeps only one window of input in memory."""
        started = datetime.now(timezone.utc)
        problems = [] if problems is None else problems
        window = self.settings.window if window is None else window
        translator, summarizer = self.translator, self.summarizer
        self.translators.reset_stats()  # per run, also when a pipeline runs again
        summarizer.stats = StageStats()
        day = _Day()
        clock = time.perf_counter()
        for chunk in _windows(articles, window):
            day.timings["ingest"] += time.perf_counter() - clock
            self._run_window(chunk, day, problems, summarizer, first=day.counts["articles"] + 1)
            clock = time.perf_counter()
        day.timings["ingest"] += time.perf_counter() - clock

        clock = time.perf_counter()
        # The windows are done: their engines' freed working memory goes back before the day's
        # TF-IDF is built (measured: a digest of 800 articles peaks 6 MB lower, one of 100 2 MB).
        release_free_memory()
        stories = self._stories(day, summarizer)
        dated = _digest_date(day, date)
        # After the cache: what the archive holds changes between runs of the same day.
        new_since = follow_earlier_days(stories, [a.id for a in day.articles], day.texts, dated["date"],
                                        self.settings.archive)
        day.timings["stories"] += time.perf_counter() - clock
        timings = {stage: round(seconds, 3) for stage, seconds in day.timings.items()}
        timings["total"] = round(sum(timings.values()), 3)
        counts = day.counts
        run = {
            "summarize_version": __version__,
            "started_at": started.isoformat(timespec="seconds"),
            **dated,
            "translator": translator.describe(),
            "translators": {language: t.describe() for language, t in sorted(self.translators.used().items())
                            if language in day.languages},
            "summarizer": summarizer.describe(),
            "counts": {
                "articles": len(day.articles),
                "untranslated_english": counts["english"],
                "languages": dict(sorted(day.languages.items())),
                "segments": counts["segments"],
                "paragraphs": counts["paragraphs"],
                "summary_chunks": counts["summary_chunks"],
                "chunked_articles": counts["chunked_articles"],
                "stories": len(stories),
                "multi_article_stories": sum(1 for story in stories if len(story.article_ids) > 1),
                "flagged_segments": sum(len(a.flags) for a in day.articles),
                "skipped_inputs": sum(1 for p in problems if p.skipped),
                "skipped_language": counts["skipped_language"],
                "cached_articles": counts["cached_articles"],
            },
            "new_since": new_since,
            "stats": {"translation": self.translators.stats().as_dict(), "summary": summarizer.stats.as_dict()},
            "window": window,
            "executor": self.executor.describe(),
            "cache": str(self.cache.path) if self.cache is not None and self.cache.enabled else None,
            "timings_s": timings,
            "environment": environment(),
        }
        return Digest(articles=day.articles, run=run, stories=stories, documents=day.texts,
                      watchlist=self.watchlist.summary(day.hits) if self.watchlist is not None else None,
                      errors=[{"input": p.input, "reason": p.reason, "skipped": p.skipped} for p in problems])

    def _run_window(self, articles: list[Article], day: _Day, problems: list[InputProblem], summarizer: Summarizer, *,
                    first: int) -> None:
        """One window: the articles seen before from the article cache, the others cleaned, segmented,
        translated, summarised and checked; what is left of each is added to ``day`` in input order.
        An article in a language no translator is had for is reported, not translated."""
        clock = time.perf_counter()
        wanted, keys, found = self._lookup(articles, day, problems, summarizer)
        day.timings["clean"] += time.perf_counter() - clock
        todo = _todo(wanted, keys, found)
        made = dict(zip(todo, self.executor.make_articles(self, list(todo.values()), day, summarizer,
                                                          span=f"articles {first}–{first + len(articles) - 1}"))) \
            if todo else {}
        if self.cache is not None and self.cache.enabled and made:
            self.cache.put_many("articles", {key: result.to_json() for key, result in made.items()
                                             if isinstance(key, str)})
        for position, key in enumerate(keys):
            if key in found:
                day.counts["cached_articles"] += 1
                result = found[key]
            else:
                result = made[position if key is None else key]
            entry = result.article
            day.articles.append(entry)
            day.languages[entry.language] += 1
            if self.watchlist is not None:  # on every article, cached or made: a new watchlist needs no new run
                day.hits += self.watchlist.hits(result.pairs(), article_id=entry.id, article_number=len(day.articles))
            day.texts.append(result.text)  # stories are grouped on the folded Arabic once the whole day is in
            if entry.date:
                day.dates[entry.date[:10]] += 1
            else:
                day.undated += 1
            day.counts.update(articles=1, english=entry.language == "en", segments=result.segments,
                              paragraphs=result.paragraphs, summary_chunks=result.summary_chunks,
                              chunked_articles=result.summary_chunks > 1)

    def _lookup(self, articles: list[Article], day: _Day, problems: list[InputProblem], summarizer: Summarizer):
        """(the articles to digest, their article-cache keys (None each without a cache), what the
        cache holds of them by key); an article in a language no translator is had for is reported."""
        wanted, recipes = [], []
        for article in articles:
            language = _language(article)
            if language != "en":
                try:
                    recipe = self.translators.get(language).describe()
                except TranslatorUnavailable as exc:
                    problems.append(InputProblem(article.origin or article.id, exc.reason))
                    day.counts["skipped_language"] += 1
                    continue
            else:
                recipe = None  # passed through
            wanted.append(article)
            recipes.append(recipe)
        cache = self.cache if self.cache is not None and self.cache.enabled and wanted else None
        keys: list[str | None] = [None] * len(wanted)
        found: dict[str, CachedArticle] = {}
        if cache is not None:
            keys = [article_keys([a], {"translator": r, "summarizer": summarizer.describe()})[0]
                    for a, r in zip(wanted, recipes)]
            found = {k: CachedArticle.from_json(v) for k, v in cache.get_many("articles", set(keys)).items()}
        return wanted, keys, found

    def windows_to_make(self, articles: Iterable[Article]) -> list[list[Article]]:
        """What each window of a run over ``articles`` will make (``to_make``), window by window as
        ``run`` cuts them; windows with nothing to make left out. An executor with workers hands
        each of these to one worker: its batches are then those of the local run."""
        return [todo for chunk in _windows(articles, self.settings.window) if (todo := self.to_make(chunk))]

    def to_make(self, articles: Iterable[Article]) -> list[Article]:
        """The articles of ``articles`` a run would make (not in the article cache, in a language
        translated here, each once), in order: what ``summarize batch`` tells its executor up front."""
        wanted, keys, found = self._lookup(list(articles), _Day(), [], self.summarizer)
        return list(_todo(wanted, keys, found).values())

    def _make_articles(self, articles: list[Article], day: _Day, summarizer: Summarizer, *,
                       span: str, cleaned: bool = False) -> list[CachedArticle]:
        """Clean, segment, translate (each language with its own translator), summarise and check
        ``articles``; ``span`` names the window on the progress bars. Only Arabic is cleaned: the
        cleaning rules are written for Arabic pages, and their normalisation would drop the
        zero-width non-joiners Persian spelling needs."""
        from summarize.segment import split_english_sentences, split_paragraphs

        timings = day.timings
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] += now - clock
            clock = now

        # ``cleaned``: the executor cleaned them already (Ray maps the cleaning over its dataset).
        cleaned = list(articles) if cleaned else [clean(a) for a in articles]
        lap("clean")
        by_language: dict[str, list[Article]] = {}
        for article in cleaned:
            if _language(article) != "en":
                by_language.setdefault(_language(article), []).append(article)
        segmented = {language: self.translators.get(language).segment_articles(group)
                     for language, group in by_language.items()}
        lap("segment")
        segment_count = sum(len(s.title_segments) + len(s.segments) for cuts in segmented.values() for s in cuts)
        translated_of: dict[int, TranslatedArticle] = {}
        with _bar(segment_count, f"translating ({span})", "segment", self.progress) as bar:
            for language, cuts in segmented.items():
                results = self.translators.get(language).translate_articles(cuts, on_batch=bar.update)
                translated_of.update((id(cut.article), result) for cut, result in zip(cuts, results))
        # English articles pass through untranslated and are still summarised.
        translated = [translated_of.get(id(a)) or TranslatedArticle(a.title, split_paragraphs(a.text)) for a in cleaned]
        lap("translate")
        with _bar(len(translated), f"summarising ({span})", "article", self.progress) as bar:
            summaries = summarizer.summarize_many([t.text_en for t in translated], on_batch=bar.update)
        lap("summarise")
        segments_of = {id(s.article): s for cuts in segmented.values() for s in cuts}  # translated articles only
        results = []
        for a, t, s in zip(cleaned, translated, summaries):
            cut = segments_of.get(id(a))
            language = _language(a)
            if cut is not None:
                sentences_ar, sentences_en = cut.title_segments + cut.segments, t.segments_en
            else:  # English: its own sentences, title first
                sentences_ar = []
                sentences_en = ([a.title.strip()] if a.title.strip() else []) + split_english_sentences(a.text)
            entry = DigestArticle(
                id=a.id, source=a.source, url=a.url, date=a.date, language=language, title_ar=a.title,
                title_en=t.title_en, summary_en=s.text, translation_en=t.text_en, flags=_flags(cut, t, language),
                title_from=a.title_from, source_from=a.source_from, date_from=a.date_from, author=a.author,
                translator=self.translators.get(language).describe().get("model") if cut is not None else None)
            results.append(CachedArticle(entry, article_document(a), segments=len(cut.title_segments) + len(cut.segments)
                                         if cut else 0, paragraphs=len(cut.paragraphs) if cut else 0,
                                         summary_chunks=s.chunks, segments_ar=sentences_ar,
                                         segments_en=sentences_en))
        lap("stories")
        return results

    def _stories(self, day: _Day, summarizer: Summarizer):
        """The day's stories: grouped on every window's folded Arabic, cut by the articles' dates
        (``summarize.followups``), summarised with the run's summariser; cached whole, so a rerun of
        the same day neither groups nor summarises. Follow-ups of archived days are not cached."""
        cache = self.cache if self.cache is not None and self.cache.enabled else None
        key = stories_cache_key(day.texts, day.articles, summarizer.describe()) if cache else None
        if cache is not None:
            stored = cache.get_many("stories", [key]).get(key)
            if stored is not None:
                return stories_from_json(stored)
        groups = join_languages(group_documents(day.texts), day.articles)
        stories = stories_in_time(groups, day.articles, summarizer.story_plan())
        if cache is not None:
            cache.put_many("stories", {key: stories_to_json(stories)})
        return stories


def clean(article: Article) -> Article:
    """The article as the stages after cleaning read it: Arabic cleaned (``summarize.clean``), other
    languages as they came (the rules are written for Arabic pages)."""
    # Here, not at the top: a rerun whose articles all come from the cache never compiles the
    # cleaning rules' few hundred patterns.
    from summarize.clean import clean_article

    return clean_article(article) if _language(article) == "ar" else article


def _todo(wanted: list[Article], keys: list[str | None], found: Mapping[str, Any]) -> dict[Any, Article]:
    """What is not in the cache, by key (by position without a cache): made once, also when the same
    article comes twice."""
    todo: dict[Any, Article] = {}
    for position, (article, key) in enumerate(zip(wanted, keys)):
        if key not in found:
            todo.setdefault(position if key is None else key, article)
    return todo


def _windows(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Consecutive lists of ``size`` articles (all of them at once when ``size`` is 0)."""
    iterator = iter(articles)
    while True:
        chunk = list(itertools.islice(iterator, size)) if size else list(iterator)
        if not chunk:
            return
        yield chunk
        if not size:
            return


def _flags(segmented: SegmentedArticle | None, translated: TranslatedArticle, language: str) -> list[dict[str, Any]]:
    """Faithfulness flags of one article: its source segments against their English, as checked for
    its language (none for an English article, or if the segment counts ever disagree)."""
    if segmented is None:
        return []
    from summarize.faithfulness import flag_segments

    source = segmented.title_segments + segmented.segments
    if len(source) != len(translated.segments_en):
        return []
    return flag_segments(source, translated.segments_en, language=language)


def _language(article: Article) -> str:
    return getattr(article, "language", "ar")


def _digest_date(day: _Day, given: str | None) -> dict[str, Any]:
    """The day a digest covers and what it rests on. ``date``: ``given`` (--date), else the most common
    article date, else today (the archive needs a day). ``date_from``: "option", "articles" or
    "today". ``article_dates``: the span of the articles' own dates, so a page can say when they
    cover several days, or none."""
    days = day.dates
    span = {"first": min(days) if days else None, "last": max(days) if days else None, "days": len(days),
            "dated": sum(days.values()), "undated": day.undated}
    if given:
        date, origin = given, "option"
    elif days:
        date, origin = days.most_common(1)[0][0], "articles"  # ties: the first met, in input order
    else:
        date, origin = datetime.now().date().isoformat(), "today"
    return {"date": date, "date_from": origin, "article_dates": span}


def _bar(total: int, description: str, unit: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit=unit, disable=not enabled, leave=False)
