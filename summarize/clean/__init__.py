"""Strip web boilerplate from scraped Arabic article bodies, one line (= one paragraph) at a time.

The rule of this module: losing a sentence of the article is worse than keeping a line of noise.
A line is dropped only when it matches a pattern that a sentence of news prose cannot match (an
icon label, a share prompt, a photo credit…), or when its *shape and position* mark it as a block of
links: a "related articles" header and the headline-like lines after it, and — for BBC pages only —
a run of headline-like lines inside the body or a single "topic: headline" line.

What this cannot do reliably:
- tell a genuine one-line sub-heading ("العقوبات الأمريكية بحق إيران ستسري فورا", France24) from a
  single BBC related-article link without a colon. Both are short unpunctuated lines between body
  paragraphs, so both are kept.
- tell a BBC "topic: headline" link from the "speaker: quote" sub-headings Saudi papers use
  ("استشاري نفسي: سلوكيات تؤذي الجسد والروح"): same shape, so the link rules run for BBC only.
- tell a columnist's bare name on its own line ("أحمد العرفج") from a two-word sub-heading ("ردود
  فعل"); both are kept.
"""
from __future__ import annotations

import dataclasses

from summarize.clean.blocks import (has_inline_links, mark_appeal_blocks, mark_duplicates, mark_link_runs,
                                    mark_related_blocks, mark_trailing_tag_line, strip_trailing_tags)
from summarize.clean.page_facts import PageFacts, read_page
from summarize.clean.rules import LINE_PATTERNS, RELATED_HEADER, boilerplate_reason
from summarize.normalize import normalize_arabic
from summarize.records import Article

__all__ = ["LINE_PATTERNS", "RELATED_HEADER", "boilerplate_reason", "clean_article", "clean_text", "clean_title",
           "explain_lines", "has_inline_links", "strip_trailing_tags"]


def explain_lines(text: str, *, source: str | None = None, title: str | None = None) -> list[tuple[str, str | None]]:
    """Each non-empty normalised line of ``text`` with the reason it would be dropped (None = kept).
    For a verbose mode; ``clean_text`` keeps exactly the lines whose reason is None.

    ``text`` is an article body whose title is given elsewhere (``title=None``), the body of an
    article titled ``title`` (lines repeating it are dropped), or a whole page without a known title
    (``title=""``), whose headline is looked for among its first lines and marked "headline" (it
    moves to the title; ``summarize.clean.page_facts``). Datelines, date lines and bylines are marked in
    every case. The shape rules for unmarked link lines run only for sources known to print
    them (``has_inline_links``): elsewhere the same shapes are sub-headings ("استشاري نفسي: سلوكيات
    تؤذي الجسد والروح", Al-Madina), verse, or stacked section titles, and they must stay."""
    return _explain(text, source=source, title=title)[0]


def _explain(text: str, *, source: str | None, title: str | None) -> tuple[list[tuple[str, str | None]], PageFacts]:
    lines = [line for line in normalize_arabic(text).split("\n") if line]
    reasons = [boilerplate_reason(line) for line in lines]
    mark_duplicates(lines, reasons, page_top=title == "")
    facts = read_page(lines, reasons, title=title)
    for i, reason in facts.lines.items():
        reasons[i] = reasons[i] or reason
    mark_related_blocks(lines, reasons)
    mark_appeal_blocks(lines, reasons)
    if has_inline_links(source):
        mark_link_runs(lines, reasons)
    mark_trailing_tag_line(lines, reasons)
    return list(zip(lines, reasons)), facts


def clean_text(text: str, *, source: str | None = None, title: str | None = None) -> str:
    """Normalise ``text`` and drop boilerplate lines; paragraphs stay one per line. ``source`` (the
    outlet's name) enables the layout rules of outlets that need them; see ``explain_lines``."""
    return _kept(explain_lines(text, source=source, title=title))


def _kept(explained: list[tuple[str, str | None]]) -> str:
    kept = [line for line, reason in explained if reason is None]
    if kept:
        kept[-1] = strip_trailing_tags(kept[-1])
    return "\n".join(kept)


def clean_title(title: str) -> str:
    """Normalised title on one line. Titles are never judged as boilerplate."""
    return " ".join(normalize_arabic(title).split())


def _layout_source(article: Article) -> str | None:
    # Text files carry no source field; their antcorpus names say it ("BB-…" is BBC), as does the URL.
    if article.source:
        return article.source
    if article.url and "bbc." in article.url.lower():
        return "BBC"
    return "BBC" if article.id.startswith("BB-") else None


def clean_article(article: Article) -> Article:
    """A new Article with a normalised title and a cleaned body, and the headline, outlet and date
    the page states where the input gave none (``summarize.clean.page_facts``; input metadata wins).

    A text file's first line (``title_from="first line"``) is only a guess made at ingest: the page is
    read whole again, and its headline is the first headline-shaped line after any section label,
    dateline or byline — or, when it has none, a title made from the lead. A body line repeating the
    title (some scrapers prepend the headline to the body) is dropped."""
    given = "" if article.title_from == "first line" else clean_title(article.title)
    text = f"{article.title}\n{article.text}" if article.title_from == "first line" else article.text
    explained, facts = _explain(text, source=_layout_source(article), title=given)
    title, title_from = (given, article.title_from) if given else (facts.title or "", facts.title_from)
    source, source_from = (article.source, article.source_from) if article.source else (facts.source, facts.source_from)
    date, date_from = (article.date, article.date_from) if article.date else (facts.date, facts.date_from)
    return dataclasses.replace(article, title=clean_title(title), text=_kept(explained), title_from=title_from,
                               source=source, source_from=source_from, date=date, date_from=date_from)
