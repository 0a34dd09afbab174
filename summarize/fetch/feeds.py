"""RSS 2.0, RSS 1.0 and Atom feeds read by feedparser into the items a digest fetches."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

# What a file's first bytes look like when it is a feed: <rss>, RDF (RSS 1.0), or an Atom <feed>.
_FEED_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss[\s>]|rdf:RDF[\s>]|feed[\s>])",
                         re.IGNORECASE | re.DOTALL)
FEED_SUFFIXES = {".rss", ".atom", ".xml", ".rdf"}


class NotAFeed(Exception):
    """Bytes feedparser could not read as a feed; ``reason`` is one line."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class FeedItem:
    link: str | None  # absolute
    title: str
    # As the feed writes it (published, else updated): read later as every date field is, keeping the
    # outlet's own calendar day, which the UTC time feedparser also offers would shift.
    date: str | None
    summary: str = ""


@dataclass
class Feed:
    title: str | None  # the channel's title: the outlet when no sources file names it
    link: str | None
    items: list[FeedItem]
    version: str  # feedparser's name for the format: rss20, rss10, atom10…


def looks_like_feed(head: bytes) -> bool:
    """Whether a file starting with ``head`` is an RSS or Atom feed."""
    return bool(_FEED_START.match(head))


def parse_feed(data: bytes, url: str | None = None) -> Feed:
    """The feed in ``data`` (fetched from ``url``, against which relative links are resolved)."""
    import feedparser

    headers = {"content-location": url} if url else {}
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        cause = parsed.get("bozo_exception")
        detail = f": {' '.join(str(cause).split())[:120]}" if cause else ""
        raise NotAFeed(f"not an RSS or Atom feed{detail}")
    channel = parsed.feed
    base = url or channel.get("link")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or _first_link(entry)
        items.append(FeedItem(link=urljoin(base, link) if link and base else link,
                              title=" ".join((entry.get("title") or "").split()),
                              date=(entry.get("published") or entry.get("updated") or "").strip() or None,
                              summary=entry.get("summary") or ""))
    title = " ".join((channel.get("title") or "").split()) or None
    return Feed(title=title, link=channel.get("link"), items=items, version=parsed.get("version") or "unknown")


def _first_link(entry: Any) -> str | None:
    for link in entry.get("links") or []:
        if link.get("href") and link.get("rel", "alternate") == "alternate":
            return link["href"]
    return None
