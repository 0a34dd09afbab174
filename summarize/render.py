"""Writing the digest: ``digest.json`` (the documented schema) and ``digest.md`` (for reading).
Files are written to a temporary name and renamed into place, so a reader never sees half a digest."""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
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


def to_markdown(digest: Digest) -> str:
    run = digest.run
    sources = sorted({a.source for a in digest.articles if a.source})
    lines = _date_heading(run)
    lines.append(
        f"{len(digest.articles)} articles"
        + (f" from {len(sources)} sources ({', '.join(sources)})" if sources else "")
        + f". Translated by {run.get('translator', {}).get('model', '?')},"
        f" summarised by {run.get('summarizer', {}).get('model', '?')}."
    )
    if digest.stories:
        lines += ["", "## Stories", ""]
        by_id = {article.id: article for article in digest.articles}
        for number, story in enumerate(digest.stories, start=1):
            outlets = f" from {len(story.sources)} outlets ({', '.join(story.sources)})" if story.sources else ""
            lines += [f"### {number}. {_one_line(story.headline_en) or story.id}", "",
                      f"*{len(story.article_ids)} article{'s' if len(story.article_ids) != 1 else ''}{outlets}*", "",
                      story.summary_en or "_(no summary)_", ""]
            lines += [f"- {_heading(by_id[i])} — {_byline(by_id[i])}" for i in story.article_ids
                      if i in by_id] + [""]
    lines += ["", "## Summaries", ""]
    for number, article in enumerate(digest.articles, start=1):
        lines += [f"### {number}. {_heading(article)}", "", _byline(article), "",
                  article.summary_en or "_(no summary)_", ""]
    lines += ["## Full translations", ""]
    for number, article in enumerate(digest.articles, start=1):
        lines += [f"### {number}. {_heading(article)}", ""]
        if article.title_ar:
            lines += [f"Arabic title: {_one_line(article.title_ar)}", ""]
        lines += [article.translation_en or "_(empty)_", ""]
    flagged = [article for article in digest.articles if article.flags]
    if flagged:
        lines += ["## Sentences to check", "",
                  "Numbers or Latin-script names in the Arabic that the English translation lacks.", ""]
        for article in flagged:
            lines += [f"### {_heading(article)}", ""]
            lines += [f"- {_one_line(f['en'])} — missing: {', '.join(f['missing'])}  \n  Arabic: {_one_line(f['ar'])}"
                      for f in article.flags] + [""]
    if digest.errors:
        lines += ["## Input problems", ""]
        lines += [f"- `{e['input']}`: {e['reason']}" + ("" if e.get("skipped", True) else " (kept)") for e in digest.errors]
        lines += [""]
    return "\n".join(lines)


def write_digest(digest: Digest, out_dir: str | Path, *, archive: str | Path | None = None) -> list[Path]:
    """digest.json, digest.md and digest.html in ``out_dir``; with ``archive``, also a copy per day
    there (YYYY-MM-DD.json/.md/.html) and its rebuilt index.html."""
    from summarize.render_html import to_html, write_archive

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data, markdown = to_json(digest), to_markdown(digest)
    written = [
        atomic_write(out / "digest.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n"),
        atomic_write(out / "digest.md", markdown),
        atomic_write(out / "digest.html", to_html(data)),
    ]
    if archive is not None:
        written += write_archive(data, archive, markdown=markdown)
    return written


def atomic_write(path: Path, text: str) -> Path:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _byline(article) -> str:
    parts = [p for p in (article.source, article.date) if p]
    if article.url:
        parts.append(f"[original]({article.url})")
    parts.append(f"`{article.id}`")
    return "*" + " · ".join(parts[:-1]) + "* · " + parts[-1] if len(parts) > 1 else parts[0]


def _date_heading(run: dict[str, Any]) -> list[str]:
    """The title line, and under it what the date rests on when that is not simply one news day
    (as digest.html says it: summarize.render_html.date_summary)."""
    from summarize.render_html import date_summary

    dates = date_summary({"run": run})
    return [f"# Arabic news digest — {dates['short']}", ""] + ([f"*{dates['note']}.*", ""] if dates["note"] else [])


def _heading(article) -> str:
    """The English title; for an article without one, its first words, then its id."""
    if _one_line(article.title_en):
        return _one_line(article.title_en)
    words = article.translation_en.split()
    return " ".join(words[:12]) + (" …" if len(words) > 12 else "") if words else article.id


def _one_line(text: str) -> str:
    return " ".join(text.split())
