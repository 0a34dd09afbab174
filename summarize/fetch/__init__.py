"""Fetching the day's news from the outlets: RSS/Atom feeds, article pages and sources files, politely
and incrementally. The door from the web into ingest: ``Fetcher`` hands the walk
(``summarize.ingest.read_articles(..., fetcher=)``) the articles it reads.

One job a module:

- ``client``: polite HTTP (httpx) — User-Agent, robots.txt, per-host and overall limits, timeouts,
  redirects, size caps, one-line failure reasons;
- ``feeds``: RSS 2.0 / RSS 1.0 / Atom parsed by feedparser into items;
- ``sources``: the ``--sources sources.toml`` file;
- ``store``: the page store (SQLite beside the cache) with ETag / Last-Modified;
- ``fetcher``: feeds → items → pages (from the store, else fetched side by side) → articles.

Nothing here is imported until an input is a URL, a feed or a sources file: httpx and feedparser stay
out of runs over folders.
"""
from __future__ import annotations

from summarize.fetch.fetcher import FetchCounts, Fetcher, FetchOptions, is_url, page_id

__all__ = ["FetchCounts", "FetchOptions", "Fetcher", "is_url", "page_id"]
