"""From feed URLs, saved feeds, page URLs and sources files to articles: the web's door into ingest.

The walk (``summarize.ingest.read_articles``) asks ``Fetcher.claims`` of every input it meets and
hands over what it claims; the articles come back not yet checked, and the walk gives them the
checks every article gets (sizes, ids, duplicates, language). For each article:

- ``source``: the outlet's name in the sources file, else the feed's channel title, else the site
  name the page gives (trafilatura), else its host;
- ``url``: the page's URL, after redirects; ``date``: the item's publication date, else the page's;
- ``title``: the page's headline, else the item's title; ``author``: the page's, when it names one.

Feeds are read every run (conditionally: a 304 is answered from the page store); pages already in
the store are never asked for again. ``date`` / ``since`` keep the items published on that day / from
that day on: by the item's date when the feed gives one (the page is then not fetched at all), else
by the page's. Every failure is one entry of ``problems`` naming the URL and the cause, and the run
goes on.
"""
from __future__ import annotations

import hashlib
import os
import re
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from summarize.fetch.client import FetchError, PoliteClient, Response
from summarize.fetch.feeds import FEED_SUFFIXES, Feed, FeedItem, NotAFeed, looks_like_feed, parse_feed
from summarize.fetch.sources import SOURCES_SUFFIXES, read_sources
from summarize.fetch.store import PageStore, Stored
from summarize.ingest import InputProblem, decode_bytes, declared_charset, extract_html, one_line, shown
from summarize.records import Article
from summarize.settings import CONNECTIONS, FETCH_TIMEOUT_S, PER_HOST

_HTML_TYPES = {"text/html", "application/xhtml+xml", "application/xml", "text/xml", ""}
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
_SNIFF = 4096
# Fewer words than a one-sentence news brief: what trafilatura found is a menu, a login wall or a page
# its scripts were to fill, not an article.
MIN_ARTICLE_WORDS = 15
_SLUG = re.compile(r"[^\w.-]+")


@dataclass
class FetchOptions:
    """How a run fetches (made from the settings by ``from_settings``)."""

    timeout: float = FETCH_TIMEOUT_S
    per_host: int = PER_HOST
    connections: int = CONNECTIONS
    store: str | None = None  # the page store's path; None: beside the cache
    use_store: bool = True  # False (--no-cache): nothing kept, everything fetched
    date: str | None = None  # keep the items published on this day (YYYY-MM-DD)
    since: str | None = None  # keep the items published on this day or later
    progress: bool = False

    @classmethod
    def from_settings(cls, settings, *, progress: bool = False) -> "FetchOptions":
        return cls(timeout=settings.fetch_timeout, per_host=settings.per_host, connections=settings.connections,
                   store=settings.page_store, use_store=not settings.no_cache, date=settings.date,
                   since=settings.since, progress=progress and not settings.quiet)


@dataclass
class FetchCounts:
    feeds: int = 0  # feeds read (fetched, unchanged or from a file)
    feeds_unchanged: int = 0  # answered 304
    items: int = 0
    fetched: int = 0  # pages fetched now
    from_store: int = 0  # pages the store answered
    skipped: int = 0  # robots.txt disallowed, or outside --date/--since
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def line(self) -> str:
        unchanged = f" ({self.feeds_unchanged} unchanged)" if self.feeds_unchanged else ""
        return (f"fetch: {self.feeds} feed{'s' * (self.feeds != 1)} read{unchanged}, {self.items} items, "
                f"{self.fetched} pages fetched, {self.from_store} from the store, {self.skipped} skipped, "
                f"{self.failed} failed")


@dataclass
class _Wanted:
    item: FeedItem | None  # None: a page named by its URL
    url: str
    source: str | None
    origin: str  # where the URL was met, for the problems
    response: Stored | None = None
    error: FetchError | None = None
    from_store: bool = False


@dataclass
class Fetcher:
    options: FetchOptions = field(default_factory=FetchOptions)
    counts: FetchCounts = field(default_factory=FetchCounts)

    def __post_init__(self) -> None:
        self._client: PoliteClient | None = None
        self._store: PageStore | None = None
        self._store_opened = False

    # --- what the walk hands over -------------------------------------------------------------------

    def claims(self, item: str) -> bool:
        """Whether ``item`` is the fetcher's: an http(s) URL, a sources file, or a saved feed."""
        if is_url(item):
            return True
        suffix = Path(item).suffix.lower()
        if suffix in SOURCES_SUFFIXES:
            return os.path.isfile(item)
        if suffix in FEED_SUFFIXES and os.path.isfile(item):
            try:
                with open(item, "rb") as fh:
                    return looks_like_feed(fh.read(_SNIFF))
            except OSError:
                return False
        return False

    def articles(self, item: str, problems: list[InputProblem]) -> Iterator[Article]:
        """The articles of one claimed input, in feed order; the problems met go to ``problems``."""
        if is_url(item):
            yield from self._url(item, problems)
        elif Path(item).suffix.lower() in SOURCES_SUFFIXES:
            sources = read_sources(item)
            feeds = [(url, source.name) for source in sources.sources for url in source.feeds]
            with _bar(len(feeds), "feeds", "feed", self.options.progress) as bar:
                for url, name in feeds:
                    yield from (self._url(url, problems, source=name) if is_url(url)
                                else self._feed_file(url, problems, source=name))
                    bar.update(1)
        else:
            yield from self._feed_file(item, problems)

    @property
    def used(self) -> bool:
        """Whether any input was the fetcher's (the run's record and summary line then say what it did)."""
        return self._client is not None or self._store_opened or any(self.counts.as_dict().values())

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._store is not None:
            self._store.close()

    # --- feeds --------------------------------------------------------------------------------------

    def _url(self, url: str, problems: list[InputProblem], *, source: str | None = None) -> Iterator[Article]:
        """A URL named (or listed in a sources file): a feed, or a page."""
        store = self.store
        known_feed = store.get("feed", url) if store else None
        known_page = store.get("page", url) if store and known_feed is None else None
        if known_page is not None:
            wanted = _Wanted(None, url, source, url, response=known_page, from_store=True)
            self.counts.from_store += 1
            yield from self._articles([wanted], problems)
            return
        try:
            response = self.client.get(url, headers=known_feed.conditional_headers() if known_feed else None)
        except FetchError as exc:
            self._failed(problems, url, exc)
            return
        if response.status == 304 and known_feed is not None:
            self.counts.feeds_unchanged += 1
            stored = known_feed
        else:
            stored = _stored(response)
        if response.status != 304 and not _is_feed(stored):
            # A page named by its URL: it was just fetched, so keep it.
            if _is_html(stored):
                self.counts.fetched += 1
                if store:
                    store.put("page", stored)
            yield from self._articles([_Wanted(None, url, source, url, response=stored)], problems)
            return
        try:
            feed = parse_feed(stored.body, stored.final_url)
        except NotAFeed as exc:
            self._failed(problems, url, FetchError(exc.reason))
            return
        if store and response.status != 304:
            store.put("feed", stored)
        yield from self._feed(feed, url, problems, source)

    def _feed_file(self, path: str, problems: list[InputProblem], *, source: str | None = None) -> Iterator[Article]:
        try:
            feed = parse_feed(Path(path).read_bytes())
        except OSError as exc:
            problems.append(InputProblem(shown(path), f"cannot read: {exc.strerror or exc}"))
            return
        except NotAFeed as exc:
            problems.append(InputProblem(shown(path), exc.reason))
            return
        yield from self._feed(feed, path, problems, source)

    def _feed(self, feed: Feed, where: str, problems: list[InputProblem], source: str | None) -> Iterator[Article]:
        self.counts.feeds += 1
        self.counts.items += len(feed.items)
        wanted = []
        for number, item in enumerate(feed.items, 1):
            origin = f"{where} item {number}"
            if not item.link or not is_url(item.link):
                problems.append(InputProblem(shown(origin), "feed item without an http(s) link: nothing to fetch"))
                self.counts.failed += 1
                continue
            if not self._in_dates(item.date):
                self.counts.skipped += 1
                continue
            wanted.append(_Wanted(item, item.link, source or feed.title, origin))
        yield from self._articles(wanted, problems, label=feed.title or where)

    # --- pages --------------------------------------------------------------------------------------

    def _articles(self, wanted: list[_Wanted], problems: list[InputProblem], *, label: str = "") -> Iterator[Article]:
        self._get_pages([w for w in wanted if w.response is None], label)
        for page in wanted:
            if page.error is not None:
                self._failed(problems, page.url, page.error, origin=page.origin)
                continue
            article = self._page_article(page, problems)
            if article is not None:
                yield article

    def _get_pages(self, pages: list[_Wanted], label: str) -> None:
        """Each page's response from the store, else fetched side by side (the client keeps to the
        per-host and overall limits); the store is written from this thread only."""
        store = self.store
        todo = []
        for page in pages:
            stored = store.get("page", page.url) if store else None
            if stored is not None:
                page.response, page.from_store = stored, True
                self.counts.from_store += 1
            else:
                todo.append(page)
        if not todo:
            return
        client = self.client
        with ThreadPoolExecutor(max_workers=max(1, self.options.connections)) as pool, \
                _bar(len(todo), f"pages of {label}"[:60], "page", self.options.progress) as bar:
            futures = {pool.submit(client.get, page.url): page for page in todo}
            for future in as_completed(futures):
                page = futures[future]
                try:
                    page.response = _stored(future.result())
                except FetchError as exc:
                    page.error = exc
                else:
                    if _is_html(page.response):  # anything else is reported as not HTML, not counted here
                        self.counts.fetched += 1
                        if store:
                            store.put("page", page.response)
                bar.update(1)

    def _page_article(self, page: _Wanted, problems: list[InputProblem]) -> Article | None:
        stored = page.response
        assert stored is not None
        if not _is_html(stored):
            self._failed(problems, page.url, FetchError(f"not an HTML page ({stored.content_type or 'no type'}): "
                                                        "not read"), origin=page.origin)
            return None
        html, _, _ = decode_bytes(stored.body, declared=stored.charset or declared_charset(stored.body))
        title, text, meta = extract_html(html, fallback=False)
        words = len(text.split())
        if words < MIN_ARTICLE_WORDS:
            found = f" (only {words} word{'s' * (words != 1)})" if words else ""
            self._failed(problems, page.url, FetchError(f"no article text found in the page{found}"), origin=page.origin)
            return None
        date = (page.item.date if page.item else None) or meta.get("date")
        if page.item is None or not page.item.date:
            if not self._in_dates(date):
                self.counts.skipped += 1
                return None
        url = stored.final_url or page.url
        return Article(id=page_id(url), title=title or (page.item.title if page.item else ""), text=text,
                       source=page.source or meta.get("source") or urlsplit(url).hostname, url=url, date=date,
                       origin=shown(url), author=meta.get("author"))

    # --- shared -------------------------------------------------------------------------------------

    def _in_dates(self, raw: str | None) -> bool:
        """Whether an item dated ``raw`` is kept under --date / --since; an undated one is."""
        if not (self.options.date or self.options.since) or not raw:
            return True
        from summarize.dates import parse_date

        day = parse_date(raw)[0]
        if day is None:
            return True
        if self.options.date and day != self.options.date:
            return False
        return not (self.options.since and day < self.options.since)

    def _failed(self, problems: list[InputProblem], url: str, error: FetchError, *, origin: str | None = None) -> None:
        if error.robots:
            self.counts.skipped += 1
        else:
            self.counts.failed += 1
        where = f" ({origin})" if origin and origin != url else ""
        problems.append(InputProblem(shown(url), one_line(error.reason + where)))

    @property
    def client(self) -> PoliteClient:
        if self._client is None:
            self._client = PoliteClient(timeout=self.options.timeout, per_host=self.options.per_host,
                                        connections=self.options.connections)
        return self._client

    @property
    def store(self) -> PageStore | None:
        if not self._store_opened:
            self._store_opened = True
            if self.options.use_store:
                self._store = PageStore(self.options.store)
        return self._store


def is_url(item: str) -> bool:
    return item[:8].lower().startswith(("http://", "https://"))


def page_id(url: str) -> str:
    """An article id from its page's URL: the host and the path, readable and the same every run."""
    parts = urlsplit(url)
    path = re.sub(r"\.(?:html?|php|aspx?)$", "", parts.path.strip("/"), flags=re.IGNORECASE)
    slug = _SLUG.sub("-", f"{parts.hostname or 'page'}-{path}".replace("/", "-")).strip("-")
    if parts.query or len(slug) > 100:
        slug = f"{slug[:80]}-{hashlib.sha1(url.encode()).hexdigest()[:8]}"
    return slug


def _stored(response: Response) -> Stored:
    return Stored(url=response.url, final_url=response.final_url, body=response.body,
                  content_type=response.content_type, charset=response.charset,
                  etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"))


def _is_feed(stored: Stored) -> bool:
    return stored.content_type in _FEED_TYPES or looks_like_feed(stored.body[:_SNIFF])


def _is_html(stored: Stored) -> bool:
    if stored.content_type not in _HTML_TYPES:
        return False
    return stored.content_type in ("text/html", "application/xhtml+xml") or b"<html" in stored.body[:_SNIFF].lower()


def _bar(total: int, description: str, unit: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit=unit, disable=not enabled or not total, leave=False)
