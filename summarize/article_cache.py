"""A whole article's result, cached: its digest entry, its cleaned Arabic (for the stories) and what
the run counts of it. A rerun over articles seen before then cleans, cuts, translates, summarises
and checks none of them, and needs neither tokenizer nor model nor the cleaning rules.

The key is everything the result is made of: the article as read (every field), the translator's
and the summariser's configuration (``describe()``: model files, engine, generation settings), and
the source of the code that cleans, cuts and checks an article (``CODE``), so changing a rule
changes every key without anyone remembering to bump a version."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from itertools import zip_longest
from typing import Any, Iterator, Mapping, Sequence

from summarize.files import content_digest
from summarize.records import Article, DigestArticle

ARTICLES_VERSION = 2  # 2: the segment pairs (segments_ar, segments_en), which the watchlist is matched on
# The modules whose code decides an article's result besides the models (their files' bytes).
CODE = ("clean", "segment.py", "faithfulness.py", "normalize.py", "dates.py", "stories.py", "pipeline.py",
        "article_cache.py", "records.py")
_PACKAGE = Path(__file__).resolve().parent


@dataclass
class CachedArticle:
    """What a window leaves behind of one article."""

    article: DigestArticle
    text: str  # its folded Arabic title and text, which the stories are grouped on (stories.article_document)
    segments: int = 0
    paragraphs: int = 0
    summary_chunks: int = 0
    # Its sentences, which the watchlist is matched on (summarize.watchlist): the Arabic segments
    # (title, then body) and their English, one for one; an English article's own sentences in
    # segments_en and no Arabic. Kept here, not in the digest, so a changed watchlist needs no new run.
    segments_ar: list[str] = field(default_factory=list)
    segments_en: list[str] = field(default_factory=list)

    def pairs(self) -> Iterator[tuple[str | None, str]]:
        """(Arabic or None, English) per sentence, in order."""
        if not self.segments_ar:
            yield from ((None, english) for english in self.segments_en)
            return
        # The counts agree (the translator gives one English per segment); were they ever not to, no
        # sentence is dropped: the side left over pairs with "".
        yield from zip_longest(self.segments_ar, self.segments_en, fillvalue="")

    def to_json(self) -> str:
        return json.dumps({"article": asdict(self.article), "text": self.text, "segments": self.segments,
                           "paragraphs": self.paragraphs, "summary_chunks": self.summary_chunks,
                           "segments_ar": self.segments_ar, "segments_en": self.segments_en},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "CachedArticle":
        fields = json.loads(text)
        return cls(article=DigestArticle(**fields.pop("article")), **fields)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the source of ``CODE`` (packages file by file, in name order)."""
    files = []
    for name in CODE:
        path = _PACKAGE / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return content_digest(_PACKAGE, files)


def article_keys(articles: Sequence[Article], recipe: Mapping[str, Any]) -> list[str]:
    """One key per article (``recipe``: the translator's and summariser's ``describe()``); where the
    article was read from is no part of it."""
    from summarize.cache import cache_key

    identity = {"stage": "article", "version": ARTICLES_VERSION, "code": code_fingerprint()}
    keys = []
    for article in articles:
        fields = asdict(article)
        fields.pop("origin")  # where it was read from: no part of the result
        keys.append(cache_key(identity, dict(recipe), json.dumps(fields, ensure_ascii=False, sort_keys=True)))
    return keys
