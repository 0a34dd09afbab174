"""``digest.json``: the documented schema (README, "digest.json")."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any, Iterator, Mapping

from summarize.records import Digest

SCHEMA_VERSION = 1


def to_json(digest: Digest) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "date": digest.run.get("date"),
        "watchlist": digest.watchlist,
        "stories": [story.as_dict() for story in digest.stories],
        "articles": [asdict(article) for article in digest.articles],
        "errors": list(digest.errors),
        "run": digest.run,
    }


def json_pieces(data: Mapping[str, Any]) -> Iterator[str]:
    """``data`` as digest.json's text (indented, UTF-8 as is, a final newline), in pieces to write as
    they come: the whole text of a big day is never one string."""
    import json

    yield from json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(data)
    yield "\n"
