"""Plain data passed between the stages: ingest → clean → segment → translate → summarise → render."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summarize.stories import Story


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
class DigestArticle:
    """One article of the digest, in the shape ``digest.json`` documents."""

    id: str
    source: str | None
    url: str | None
    date: str | None
    language: str  # "ar" (translated) or "en" (passed through untranslated)
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


@dataclass
class Digest:
    articles: list[DigestArticle]
    run: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"input", "reason", "skipped"}
    stories: list["Story"] = field(default_factory=list)  # ranked, most outlets first (summarize.stories)
