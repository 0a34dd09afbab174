"""``digest.md``: the digest as Markdown, for reading in a terminal or a Markdown viewer.

Every field taken from input (titles, outlets, ids, urls, file names, English text) is escaped
(``md``), so rendered as CommonMark it is text, never markup: no raw HTML (``<script>``, ``<img
onerror>``), no emphasis or headings it did not mean, no link it did not name. Links are written only
for http(s) URLs (``safe_url``, as digest.html does), percent-encoded so a parenthesis cannot end them.
"""
from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import quote

from summarize.languages import language_name
from summarize.records import Digest, heading
from summarize.render.html import date_summary, follows_view, new_since, safe_url, watchlist_view

# Characters that are markup anywhere in a line, and those that are markup at a line's start.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
_LINE_START = re.compile(r"^(\s*)([#>+=-])", re.MULTILINE)
_ORDERED = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)", re.MULTILINE)


def md(text: Any) -> str:
    """``text`` as Markdown that renders as exactly that text."""
    text = "" if text is None else str(text)
    text = _INLINE.sub(r"\\\1", text)
    text = _ORDERED.sub(r"\1\\\2", text)  # "1. x" would be a list item
    return _LINE_START.sub(r"\1\\\2", text)


def md_link(label: str, url: Any) -> str | None:
    """A Markdown link to ``url`` when it is an http(s) URL; None otherwise."""
    safe = safe_url(url)
    return f"[{md(label)}]({quote(safe, safe=':/?#@!$&*+,;=%~')})" if safe else None


def to_markdown(digest: Digest) -> str:
    return "".join(markdown_pieces(digest))


def markdown_pieces(digest: Digest) -> Iterator[str]:
    """digest.md's text line by line (``to_markdown`` joins them), to write as they come."""
    lines = _lines(digest)
    yield next(lines)
    for line in lines:
        yield "\n" + line


def _lines(digest: Digest) -> Iterator[str]:
    run = digest.run
    sources = sorted({a.source for a in digest.articles if a.source})
    yield from _date_heading(run)
    yield (
        f"{len(digest.articles)} articles"
        + (f" from {len(sources)} sources ({md(', '.join(sources))})" if sources else "")
        + f". Translated by {md(run.get('translator', {}).get('model', '?'))},"
        f" summarised by {md(run.get('summarizer', {}).get('model', '?'))}."
    )
    yield from _watchlist(digest)
    if digest.stories:
        yield from ["", "## Stories", ""]
        by_id = {article.id: article for article in digest.articles}
        for number, story in enumerate(digest.stories, start=1):
            outlets = f" from {len(story.sources)} outlets ({md(', '.join(story.sources))})" if story.sources else ""
            yield from [f"### {number}. {md(_one_line(story.headline_en) or story.id)}", "",
                        f"*{len(story.article_ids)} article{'s' if len(story.article_ids) != 1 else ''}{outlets}*", ""]
            follows = follows_view(story.as_dict())
            if follows is not None:
                on = f" ({md(follows['date'])})" if follows["date"] else ""
                yield from [f"Follow-up of “{md(_one_line(follows['headline_en']))}”{on}", ""]
            yield from [md(story.summary_en) or "_(no summary)_", ""]
            yield from [f"- {_heading(by_id[i])} — {_byline(by_id[i])}" for i in story.article_ids if i in by_id]
            yield ""
    yield from ["", "## Summaries", ""]
    for number, article in enumerate(digest.articles, start=1):
        yield from [f"### {number}. {_heading(article)}", "", _byline(article), "",
                    md(article.summary_en) or "_(no summary)_", ""]
    yield from ["## Full translations", ""]
    for number, article in enumerate(digest.articles, start=1):
        yield from [f"### {number}. {_heading(article)}", ""]
        if article.title_ar and article.language != "en":  # an English article's title_ar is its own title
            yield from [f"Arabic title: {md(_one_line(article.title_ar))}", ""]
        yield from [md(article.translation_en) or "_(empty)_", ""]
    flagged = [article for article in digest.articles if article.flags]
    if flagged:
        yield from ["## Sentences to check", "",
                    "Numbers or Latin-script names in the Arabic that the English translation lacks.", ""]
        for article in flagged:
            yield from [f"### {_heading(article)}", ""]
            yield from [f"- {md(_one_line(f['en']))} — missing: {md(', '.join(f['missing']))}  \n"
                        f"  Arabic: {md(_one_line(f['ar']))}" for f in article.flags]
            yield ""
    if digest.errors:
        yield from ["## Input problems", ""]
        yield from [f"- {md(e['input'])}: {md(e['reason'])}" + ("" if e.get("skipped", True) else " (kept)")
                    for e in digest.errors]
        yield ""


def _watchlist(digest: Digest) -> Iterator[str]:
    """The watchlist's entries, their counts and first hits (``watchlist_view``), when one was given."""
    entries = watchlist_view({"watchlist": digest.watchlist})
    if not entries:
        return
    by_number = dict(enumerate(digest.articles, start=1))
    yield from ["", "## Watchlist", ""]
    for entry in entries:
        where = f" in {entry['articles']} article{'s' if entry['articles'] != 1 else ''}" if entry["hits"] else ""
        yield f"- **{md(entry['label'])}**: {entry['hits']} sentence{'s' if entry['hits'] != 1 else ''}{where}"
        for hit in entry["shown"]:
            article = by_number.get(hit["article"])
            name = f"{hit['article']}. {_heading(article)}" if article is not None else str(hit["article"])
            yield f"  - {name} ({md(hit['term'])}): {md(_one_line(hit['sentence_en']))}"
            if hit["sentence_ar"]:
                yield f"    Arabic: {md(_one_line(hit['sentence_ar']))}"
        if entry["hits"] > len(entry["shown"]):
            yield f"  - and {entry['hits'] - len(entry['shown'])} more in digest.json"


def _byline(article) -> str:
    """Outlet and date in italics, the link to the original, the id."""
    language = "" if article.language in ("ar", "en") else f"from {language_name(article.language)}"
    parts = [md(p) for p in (article.source, article.date, language) if p]
    link = md_link("original", article.url) if article.url else None
    if article.url and link is None:
        link = f"link (not a web address): {md(article.url)}"
    head = ("*" + " · ".join(parts) + "*") if parts else ""
    return " · ".join(p for p in (head, link, f"id {md(article.id)}") if p)


def _date_heading(run: dict[str, Any]) -> list[str]:
    """The title line, and under it what the date rests on when that is not simply one news day
    (as digest.html says it: summarize.render_html.date_summary)."""
    dates = date_summary({"run": run})
    lines = [f"# Arabic news digest — {dates['short']}", ""] + ([f"*{dates['note']}.*", ""] if dates["note"] else [])
    since = new_since({"run": run})
    return lines + ([f"*{since}.*", ""] if since else [])


def _heading(article) -> str:
    return md(heading(article.title_en, article.translation_en, article.id))


def _one_line(text: str) -> str:
    return " ".join(text.split())
