"""``--sources sources.toml``: the outlets a daily digest reads, each with its feeds.

    [[source]]
    name = "Al Jazeera"                     # the outlet: every article of its feeds gets it as source
    feeds = ["https://www.aljazeera.net/aljazeerarss/a7c186be-1baa-4bd4-9d80-a84db769f779/73d0e1b4-532f-45ef-b135-bfdff8b8cab9"]
    language = "ar"                         # optional: the language the outlet writes in
    notes = "pan-Arab, Doha"                # optional: for the people who keep the file

A feed may also be given as a table, ``{ url = "…" }``, or as a saved feed file (a path relative to
the sources file). A ``[translators]`` table names the model for a language its outlets write in
(``fr = "opus-mt-fr-en"``, ``"*" = "nllb-200-distilled-600M"``), as ``--translator LANG=MODEL`` does;
the command line and ``SUMMARIZE_TRANSLATORS`` win over it. Mistakes are one ``UserError`` naming the
file, the source and the field.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from summarize.errors import UserError

SOURCES_SUFFIXES = {".toml"}


@dataclass(frozen=True)
class Source:
    name: str
    feeds: tuple[str, ...]
    language: str | None = None
    notes: str | None = None


@dataclass
class SourcesFile:
    path: str
    sources: list[Source] = field(default_factory=list)
    translators: dict[str, str] = field(default_factory=dict)  # language → model, from [translators]


class SourcesError(UserError):
    """A sources file that cannot be used (exit status 2)."""


def read_sources(path: str | Path) -> SourcesFile:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise SourcesError(f"sources file {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"sources file {path}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"sources file {path}: not valid TOML ({exc})") from None
    entries = data.get("source", data.get("sources"))
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"sources file {path}: no [[source]] tables (each with a name and feeds)")
    sources = []
    for number, entry in enumerate(entries, 1):
        where = f"sources file {path}, source {number}"
        if not isinstance(entry, dict):
            raise SourcesError(f"{where}: expected a table")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise SourcesError(f"{where}: needs a name")
        where = f"sources file {path}, source {name!r}"
        unknown = sorted(set(entry) - {"name", "feeds", "feed", "language", "notes"})
        if unknown:
            raise SourcesError(f"{where}: unknown field(s) {', '.join(unknown)} (known: name, feeds, language, notes)")
        feeds = entry.get("feeds", entry.get("feed"))
        feeds = [feeds] if isinstance(feeds, (str, dict)) else feeds
        if not isinstance(feeds, list) or not feeds:
            raise SourcesError(f"{where}: needs feeds, a list of feed URLs")
        urls = []
        for feed in feeds:
            url = feed.get("url") if isinstance(feed, dict) else feed
            if not isinstance(url, str) or not url.strip():
                raise SourcesError(f"{where}: {feed!r} is not a feed URL")
            url = url.strip()
            # A feed that is not a URL is a file, named relative to the sources file.
            urls.append(url if urlsplit(url).scheme in ("http", "https") else str(Path(path).parent / url))
        for optional in ("language", "notes"):
            if entry.get(optional) is not None and not isinstance(entry[optional], str):
                raise SourcesError(f"{where}: {optional} must be a string")
        sources.append(Source(name=" ".join(name.split()), feeds=tuple(urls),
                              language=(entry.get("language") or "").strip() or None,
                              notes=entry.get("notes")))
    translators = data.get("translators", {})
    if not isinstance(translators, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                                    for k, v in translators.items()):
        raise SourcesError(f"sources file {path}: [translators] must map languages to model names "
                           '(fr = "opus-mt-fr-en")')
    return SourcesFile(str(path), sources, {k.strip(): v.strip() for k, v in translators.items()})
