"""``digest.html``: one self-contained page to read a digest on, and the day-by-day archive.

The page renders the digest.json dict and nothing else, so it shows exactly what the JSON holds. It is
safe to open whatever the articles contain: every piece of text goes through Jinja2 with autoescape
on (an article holding ``<script>`` shows it as text), links to the original articles are written
only for http(s) URLs (no ``javascript:``), and a Content-Security-Policy forbids every network load
and every script but one: the fixed "expand all / collapse all" script below, allowed by its SHA-256
hash, so nothing an article holds can ever match it. Inline CSS only, no fonts or images from anywhere.
"""
from __future__ import annotations

import base64
import hashlib
import re
from datetime import date as Date
from pathlib import Path
from collections.abc import Sequence as SequenceABC
from typing import Any, Iterator, Mapping, Sequence
from urllib.parse import urlsplit

from summarize.languages import language_name
from summarize.records import heading

TEMPLATES = Path(__file__).resolve().parent / "templates"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The page's only script. It is a constant (no article text ever reaches it) because the CSP allows
# it by the hash of these exact characters. The buttons start hidden: where scripts do not run,
# the page shows no control that does nothing.
EXPAND_SCRIPT = """(function () {
  var controls = document.getElementById("expand-controls");
  if (!controls) { return; }
  controls.hidden = false;
  controls.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-open]");
    if (!button) { return; }
    var open = button.getAttribute("data-open") === "true";
    document.querySelectorAll("details").forEach(function (details) { details.open = open; });
  });
})();"""


def script_hash(script: str = EXPAND_SCRIPT) -> str:
    """The CSP source that allows exactly ``script``: ``'sha256-BASE64'`` of its UTF-8 text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"



def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, bytecode_cache=_compiled())
    env.filters.update(flag_label=flag_label, long_date=long_date)
    return env


def _compiled():
    """Jinja's cache of compiled templates in the user cache (keyed by each template's source, so an
    edited template compiles again): compiling the page took a sixth of a fully cached rerun. None
    where that folder cannot be made: templates then compile every run."""
    from jinja2 import FileSystemBytecodeCache

    from summarize.files import user_cache_dir

    folder = user_cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


def flag_label(item: str) -> str:
    """How a faithfulness item reads on the page: "number:2015" → "2015", "quote:CNN" → "«CNN»"."""
    kind, _, value = item.partition(":")
    return {"number": value, "latin": value, "quote": f"«{value}»"}.get(kind, item) if value else item


def long_date(day: str) -> str:
    """"2018-05-08" → "Tuesday 8 May 2018"; anything else unchanged."""
    return _formatted(day, "{weekday} {day} {month_year}")


def short_date(day: str) -> str:
    """"2018-05-08" → "8 May 2018"; anything else unchanged."""
    return _formatted(day, "{day} {month_year}")


def _formatted(day: str, pattern: str) -> str:
    try:
        parsed = Date.fromisoformat(day)
    except (TypeError, ValueError):
        return day
    return pattern.format(weekday=f"{parsed:%A}", day=parsed.day, month_year=f"{parsed:%B %Y}")


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def date_summary(digest: Mapping[str, Any]) -> dict[str, str]:
    """What the digest's date rests on, for the page and digest.md: ``short`` (a page title, a
    Markdown heading), ``heading`` (the page's headline) and ``note`` (one line, may be empty).

    ``run.date`` is one day because the archive files a digest under one day; printed alone it
    would claim that every article is that day's news. So the articles' own dates decide what is
    said: one day; a span of days; none at all (then ``run.date`` is only the day it was made)."""
    run = digest.get("run") if isinstance(digest.get("run"), Mapping) else {}
    day = as_text(digest.get("date") or run.get("date"))
    origin = run.get("date_from")
    span = run.get("article_dates") if isinstance(run.get("article_dates"), Mapping) else {}
    first, last = as_text(span.get("first")), as_text(span.get("last"))
    days, dated, undated = _count(span.get("days")), _count(span.get("dated")), _count(span.get("undated"))
    several = days > 1 and first and last and first != last
    notes = []
    if origin == "today":
        short, heading = f"undated articles, made {day}", "Undated articles"
        notes.append(f"no article gives its date; digest made on {long_date(day)}")
    elif origin == "articles" and several:
        short, heading = f"{first} to {last}", f"News from {short_date(first)} to {short_date(last)}"
        notes += [f"{_plural(dated, 'dated article')} on {days} different days",
                  f"filed under {day}"]
    elif origin == "option":
        short, heading = day, long_date(day)
        notes.append("date given with --date")
        if several:
            notes.append(f"articles dated {short_date(first)} to {short_date(last)}, on {days} different days")
        elif dated and first and first != day:
            notes.append(f"articles dated {short_date(first)}")
    else:  # one article day, or a digest written before run.date_from existed
        short, heading = day, long_date(day)
    if undated and dated:
        notes.append(f"{undated} of {dated + undated} articles undated")
    note = " · ".join(notes)
    return {"short": short, "heading": heading, "note": note[:1].upper() + note[1:]}


def new_since(digest: Mapping[str, Any]) -> str:
    """What digest.json's ``run.new_since`` says, as one line for the page and digest.md ("4 new
    stories, 2 follow-ups since Tuesday 1 December 2026"); "" when no earlier day was compared."""
    run = digest.get("run") if isinstance(digest.get("run"), Mapping) else {}
    known = run.get("new_since") if isinstance(run.get("new_since"), Mapping) else {}
    since = as_text(known.get("since"))
    if not since or not _count(known.get("days_compared")):
        return ""
    new = _count(known.get("new_stories"))
    return (f"{new} new {'story' if new == 1 else 'stories'}, {_plural(_count(known.get('follow_ups')), 'follow-up')}"
            f" since {long_date(since)}")


# An earlier story's link: in this page, or in the archive's page of its day.
_FOLLOWS_HREF = re.compile(r"(?:\d{4}-\d{2}-\d{2}\.html)?#story-[0-9a-f]{10}")
_STORY_ANCHOR = re.compile(r"story-[0-9a-f]{10}")
WATCH_SHOWN = 20  # hits listed per watchlist entry on the page and in digest.md (digest.json has all)


def follows_view(story: Mapping[str, Any], archive_prefix: str = "") -> dict[str, str] | None:
    """The earlier story ``story`` continues: ``headline_en``, ``date``, ``href`` (None when it
    continues none). ``archive_prefix`` leads the href of an archived day's page (the archive
    folder as seen from the page's folder)."""
    follows = story.get("follows")
    if not isinstance(follows, Mapping):
        return None
    href = as_text(follows.get("href"))
    if not _FOLLOWS_HREF.fullmatch(href):
        href = ""
    elif not href.startswith("#"):
        href = archive_prefix + href
    return {"headline_en": as_text(follows.get("headline_en")).strip() or "(untitled story)",
            "date": as_text(follows.get("date")), "href": href, "same_page": href.startswith("#")}


def watchlist_view(digest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each watchlist entry with its hit count and its first WATCH_SHOWN hits, for the page and digest.md."""
    watch = digest.get("watchlist") if isinstance(digest.get("watchlist"), Mapping) else None
    if watch is None:
        return []
    hits = [h for h in watch.get("hits") or [] if isinstance(h, Mapping)]
    entries = []
    for entry in (e for e in watch.get("entries") or [] if isinstance(e, Mapping)):
        label = as_text(entry.get("label"))
        mine = [h for h in hits if as_text(h.get("label")) == label]
        entries.append({"label": label, "terms": [as_text(t) for t in entry.get("terms") or []],
                        "hits": _count(entry.get("hits")), "articles": _count(entry.get("articles")),
                        "shown": [{"term": as_text(h.get("term")), "language": as_text(h.get("language")),
                                   "article": _count(h.get("article_number")), "sentence_en": as_text(h.get("sentence_en")),
                                   "sentence_ar": as_text(h.get("sentence_ar"))} for h in mine[:WATCH_SHOWN]]})
    return entries


# How an article's metadata was found (Article.source_from & co.), for a tooltip: an analyst
# weighs an outlet read off a photo credit differently from one a feed states.
def provenance(field: str, origin: Any) -> str:
    if not isinstance(origin, str) or not origin.strip():
        return ""
    if origin == "input":
        return f"{field} given by the input"
    if field == "title" and origin == "lead":
        return "the page has no headline: title taken from the article's lead"
    return f"{field} read from the article's {origin}"


def safe_url(url: Any) -> str | None:
    """``url`` when it is an absolute http(s) URL, else None: anything else (``javascript:``,
    ``data:``, relative paths) is shown as text, never made a link."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc and not re.search(r"\s", url) else None


def as_text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _marked(paragraph: str, flags: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The paragraph as runs ``{"text", "missing"}``; runs that are a flagged English segment carry
    the items the Arabic had and the English lacks, others ``missing=None``."""
    spans: list[tuple[int, int, list[str]]] = []
    for flag in flags:
        english = as_text(flag.get("en")).strip()
        if not english:
            continue
        start = paragraph.find(english)
        while start != -1 and any(a < start + len(english) and start < b for a, b, _ in spans):
            start = paragraph.find(english, start + 1)
        if start != -1:
            spans.append((start, start + len(english), [as_text(m) for m in flag.get("missing") or []]))
    runs: list[dict[str, Any]] = []
    cursor = 0
    for start, end, missing in sorted(spans):
        if start > cursor:
            runs.append({"text": paragraph[cursor:start], "missing": None})
        runs.append({"text": paragraph[start:end], "missing": missing})
        cursor = end
    if cursor < len(paragraph):
        runs.append({"text": paragraph[cursor:], "missing": None})
    return runs


def _article_view(article: Mapping[str, Any], number: int) -> dict[str, Any]:
    flags = [f for f in article.get("flags") or [] if isinstance(f, Mapping)]
    translation = as_text(article.get("translation_en"))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", translation) if p.strip()]
    english = article.get("language") == "en"  # passed through untranslated: its "title_ar" is English
    return {
        "anchor": f"article-{number}",
        "id": as_text(article.get("id")),
        "source": as_text(article.get("source")),
        "source_from": provenance("outlet", article.get("source_from")),
        "date": as_text(article.get("date")),
        "date_from": provenance("date", article.get("date_from")),
        "title_from": provenance("title", article.get("title_from")),
        "url": safe_url(article.get("url")),
        "raw_url": as_text(article.get("url")),
        "title_en": heading(as_text(article.get("title_en")), translation, as_text(article.get("id"))),
        "title_ar": "" if english else as_text(article.get("title_ar")).strip(),
        "english_original": english,
        # Named when it is not the digest's usual Arabic; the model that translated it on hover.
        "language": "" if english or article.get("language") in (None, "ar") else language_name(as_text(article.get("language"))),
        "translator": as_text(article.get("translator")),
        "summary_en": as_text(article.get("summary_en")).strip(),
        "paragraphs": [_marked(p, flags) for p in paragraphs],
        "flags": [{"ar": as_text(f.get("ar")), "en": as_text(f.get("en")),
                   "missing": [as_text(m) for m in f.get("missing") or []]} for f in flags],
    }


class _Views(SequenceABC):
    """The views of some articles (by number, from 1), each made as the template reaches it: a big
    day's page never holds every article's view at once."""

    def __init__(self, articles: Sequence[Mapping[str, Any]], numbers: Sequence[int]) -> None:
        self._articles, self._numbers = articles, numbers

    def __len__(self) -> int:
        return len(self._numbers)

    def __getitem__(self, index: int) -> dict[str, Any]:
        number = self._numbers[index]
        return _article_view(self._articles[number - 1], number)


def _view(digest: Mapping[str, Any], archive_prefix: str = "") -> dict[str, Any]:
    articles = [a for a in digest.get("articles") or [] if isinstance(a, Mapping)]
    numbers_of: dict[str, list[int]] = {}
    for number, article in enumerate(articles, start=1):
        numbers_of.setdefault(as_text(article.get("id")), []).append(number)
    stories, placed = [], set()
    for number, story in enumerate((s for s in digest.get("stories") or [] if isinstance(s, Mapping)), start=1):
        members = []
        for article_id in story.get("article_ids") or []:
            # Ids are meant to be unique; if two articles share one, each story takes the next unplaced.
            candidates = [n for n in numbers_of.get(as_text(article_id), []) if n not in placed]
            if candidates:
                members.append(candidates[0])
                placed.add(candidates[0])
        sources = [as_text(s) for s in story.get("sources") or []]
        anchor = as_text(story.get("id"))
        stories.append({"anchor": anchor if _STORY_ANCHOR.fullmatch(anchor) else f"story-{number}",
                        "follows": follows_view(story, archive_prefix), "headline_en": as_text(story.get("headline_en")).strip(),
                        "summary_en": as_text(story.get("summary_en")).strip(), "sources": sources,
                        "articles": _Views(articles, members)})
    others = _Views(articles, [n for n in range(1, len(articles) + 1) if n not in placed])
    source_of = [as_text(a.get("source")) for a in articles]
    run = digest.get("run") if isinstance(digest.get("run"), Mapping) else {}
    outlets = sorted({source for source in source_of if source}, key=str.casefold)

    def model(role: str) -> str:
        described = run.get(role)
        return as_text(described.get("model")) if isinstance(described, Mapping) else ""

    return {
        "dates": date_summary(digest),
        "new_since": new_since(digest),
        "watchlist": watchlist_view(digest),
        "stories": stories,
        "others": others,
        "has_stories": "stories" in digest,
        "article_count": len(articles),
        "outlets": outlets,
        "without_outlet": sum(1 for source in source_of if not source),
        "flagged_articles": sum(1 for a in articles if any(isinstance(f, Mapping) for f in a.get("flags") or [])),
        "errors": [{"input": as_text(e.get("input")), "reason": as_text(e.get("reason")), "kept": e.get("skipped") is False}
                   for e in digest.get("errors") or [] if isinstance(e, Mapping)],
        "translator": model("translator"),
        "summarizer": model("summarizer"),
        "started_at": as_text(run.get("started_at")),
        "version": as_text(run.get("summarize_version")),
    }


def to_html(digest: Mapping[str, Any], *, archive_prefix: str = "") -> str:
    """The digest page for a digest.json dict (as ``summarize.render.to_json`` makes it)."""
    return "".join(html_pieces(digest, archive_prefix=archive_prefix))


def html_pieces(digest: Mapping[str, Any], *, archive_prefix: str = "") -> Iterator[str]:
    """The digest page in pieces (Jinja's ``generate``), to write as they come. ``archive_prefix``:
    the archive folder as seen from the page's (``follows_view``); "" for a page in the archive."""
    from markupsafe import Markup

    return environment().get_template("digest.html.j2").generate(
        **_view(digest, archive_prefix), script=Markup(EXPAND_SCRIPT), script_source=script_hash())
