"""``digest.md``: the digest as Markdown, for reading in a terminal or a Markdown viewer."""
from __future__ import annotations

from typing import Any

from summarize.records import Digest, heading
from summarize.render.html import date_summary


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


def _byline(article) -> str:
    parts = [p for p in (article.source, article.date) if p]
    if article.url:
        parts.append(f"[original]({article.url})")
    parts.append(f"`{article.id}`")
    return "*" + " · ".join(parts[:-1]) + "* · " + parts[-1] if len(parts) > 1 else parts[0]


def _date_heading(run: dict[str, Any]) -> list[str]:
    """The title line, and under it what the date rests on when that is not simply one news day
    (as digest.html says it: summarize.render_html.date_summary)."""
    dates = date_summary({"run": run})
    return [f"# Arabic news digest — {dates['short']}", ""] + ([f"*{dates['note']}.*", ""] if dates["note"] else [])


def _heading(article) -> str:
    return heading(article.title_en, article.translation_en, article.id)


def _one_line(text: str) -> str:
    return " ".join(text.split())
