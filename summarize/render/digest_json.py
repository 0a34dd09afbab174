"""``digest.json``: the documented schema (README, "digest.json")."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from summarize.records import Digest

SCHEMA_VERSION = 1


def to_json(digest: Digest) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "date": digest.run.get("date"),
        "stories": [story.as_dict() for story in digest.stories],
        "articles": [asdict(article) for article in digest.articles],
        "errors": list(digest.errors),
        "run": digest.run,
    }
