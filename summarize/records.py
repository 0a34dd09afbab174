"""Plain data passed between the stages: ingest → clean → segment → translate → summarise → render."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

# An English heading made from a text without a title: its first words.
HEADING_WORDS = 12


def heading(title: str, text: str = "", fallback: str = "") -> str:
    """``title`` on one line; for an item without one, the first words of ``text`` (and "…" when
    there are more); else ``fallback``. How digest.md, digest.html and stories name untitled items."""
    if title.strip():
        return " ".join(title.split())
    words = text.split()
    return " ".join(words[:HEADING_WORDS]) + (" …" if len(words) > HEADING_WORDS else "") if words else fallback


@dataclass
class Article:
    """One input article, as read from disk. ``text`` is the Arabic body, without the title."""

    id: str
    title: str
    text: str
    source: str | None = None
    url: str | None = None
    date: str | None = None
    origin: str = ""  # where it was read from (path, or path:line for JSONL)
    language: str = "ar"  # detected at ingest: "ar", "en", another ISO 639-1 code, or "unknown"
    # Where title, source and date came from: "input" (a JSONL field, HTML metadata) or, for what
    # the cleaner read off the page text, the kind of line ("headline", "lead", "dateline", "byline",
    # "support appeal", "caption credit", "date line"); None while the value is unknown.
    title_from: str | None = None
    source_from: str | None = None
    date_from: str | None = None
    author: str | None = None  # as the page names it (HTML metadata), when it does


@dataclass
class InputProblem:
    """An input, or part of one, that was skipped (``skipped=True``), or read with a loss or a guess
    worth knowing about (``skipped=False``: bad bytes replaced, an encoding guessed, an id renamed);
    listed in digest.json ``errors[]``."""

    input: str
    reason: str
    skipped: bool = True


@dataclass
class SegmentedArticle:
    """A cleaned article cut into translation units: paragraphs of sentences."""

    article: Article
    title_segments: list[str]
    paragraphs: list[list[str]]

    @property
    def segments(self) -> list[str]:
        return [s for p in self.paragraphs for s in p]


@dataclass
class TranslatedArticle:
    title_en: str
    paragraphs_en: list[str]
    # One English segment per Arabic segment (title segments, then body segments): the pairs the
    # faithfulness flags are computed on. Empty for English articles passed through.
    segments_en: list[str] = field(default_factory=list)

    @property
    def text_en(self) -> str:
        return "\n\n".join(self.paragraphs_en)


@dataclass
class Summary:
    text: str
    chunks: int  # chunks the input was cut into at the first level (1: it fitted the window)
    levels: int  # generation rounds it took (1: summarised directly)


@dataclass
class DigestArticle:
    """One article of the digest, in the shape ``digest.json`` documents."""

    id: str
    source: str | None
    url: str | None
    date: str | None
    language: str  # ISO 639-1: "en" passed through untranslated, any other translated by ``translator``
    title_ar: str
    title_en: str
    summary_en: str
    translation_en: str
    # Sentences whose Arabic holds numbers or Latin-script names that the English lacks
    # (summarize.faithfulness.flag_segments): {"segment", "ar", "en", "missing"}.
    flags: list[dict[str, Any]] = field(default_factory=list)
    # Provenance of title_ar, source and date (see Article.title_from).
    title_from: str | None = None
    source_from: str | None = None
    date_from: str | None = None
    author: str | None = None  # the page's byline metadata, when it gives one (Article.author)
    translator: str | None = None  # the model that translated it (its run.translators entry); None for English


@dataclass
class Story:
    id: str  # "story-" + 10 hex digits of the SHA-1 of its article ids: the same articles, the same id
    headline_en: str
    summary_en: str
    article_ids: list[str]  # in input order
    sources: list[str]  # distinct outlets, sorted; articles without a source add none
    # The sentences the summary was drawn from, each with the article it came from (for a
    # one-article story: none, its summary is the article's).
    key_sentences: list[dict[str, str]] = field(default_factory=list)
    # The earlier story this one continues (summarize.followups), or None when it is new:
    # {"story_id", "date", "headline_en", "href"}.
    follows: dict[str, str] | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class WatchHit:
    """A sentence of an article that names a watchlist entry (``summarize.watchlist``): one per entry
    and sentence, however many of the entry's terms it holds."""

    label: str  # the entry's label (its first term when the line gives none)
    term: str  # the term that matched, as the watchlist file writes it
    language: str  # "ar" (matched on the Arabic sentence) or "en" (on the English)
    article_id: str
    article_number: int  # the article's place among the digest's articles, from 1 (its anchor in the page)
    sentence_en: str
    sentence_ar: str | None  # None for an English article, which has no Arabic


@dataclass
class StageStats:
    """What one stage asked for and where the answers came from."""

    segments: int = 0  # texts asked for, duplicates included
    cache_hits: int = 0  # distinct texts answered by the cache
    generated: int = 0  # distinct texts the engine generated
    tokens: int = 0  # source tokens of the generated texts
    padded_tokens: int = 0  # tokens their batches held once padded: padding = padded_tokens / tokens - 1

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def add(self, numbers: Mapping[str, int]) -> None:
        """Count ``numbers`` (another StageStats' ``as_dict()``) in with these."""
        for name, value in numbers.items():
            setattr(self, name, getattr(self, name) + value)


@dataclass
class Digest:
    articles: list[DigestArticle]
    run: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"input", "reason", "skipped"}
    stories: list[Story] = field(default_factory=list)  # ranked, most outlets first (summarize.stories)
    # Each article's folded Arabic (stories.article_document), in order: not in digest.json, filed in
    # the archive's stories sidecar so that later days can follow these stories. Empty when unknown.
    documents: list[str] = field(default_factory=list, repr=False)
    # The watchlist's hits (``summarize.watchlist.Watchlist.summary``): {"file", "entries", "hits"};
    # None when the run was given no watchlist.
    watchlist: dict[str, Any] | None = None
