"""Stories in time: a story covers a few days at most, and one that continues an earlier story — in
the same digest or on an earlier day of the archive — says so and links to it.

**Time window.** ``summarize.stories`` groups articles on their Arabic alone, dates unseen, so a digest
spanning weeks (a weekly digest; the seeds span 2020–2024) would put a whole thread in one story: the
June offensive on Hodeidah and the May run-up on Yemen's west coast. Each group is therefore cut by
its articles' dates (the YYYY-MM-DD their ``date`` starts with): a story covers at most STORY_DAYS = 3
calendar days counted from its first dated article, and an article dated later starts the group's
next story, which follows the one before it. Three days because an event is reported on its day and,
with reactions, analyses and wire copy filed late, over the next one or two; what comes back after
that is a new development a reader wants as its own story, linked to what came before. The window
is counted from a story's first article, not chained article to article, so a thread reported every
day cannot run for weeks as one story. Undated articles stay with the group's largest dated part
(ties: the earliest). A digest whose articles all fall within three days (one news day: the 131
articles of 2018-05-08) has exactly the stories grouping gives.

**Follow-ups across days.** The archive files, beside each day's digest, each story's folded Arabic
documents (``YYYY-MM-DD.stories.json``, ``sidecar``): digest.json holds no Arabic body. A run with an
archive compares each of its stories that follows none of its own with the stories of the
LOOKBACK_DAYS = 14 most recent earlier days filed there (days before the digest's date), with the
grouping's own measure — average-linkage cosine of the folded Arabic TF-IDF
(``stories.average_similarities``), IDF fitted on all the articles compared — and marks it as
following the most similar earlier story whose distance is under ``stories.THRESHOLD`` (ties: the
most recent day). A story that follows none is new. Two weeks reach the threads that come back
after a pause (the examples above are weeks apart) while keeping the comparison to a few weeks of
articles.
"""
from __future__ import annotations

import json
import logging
import re
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from summarize.dates import is_iso_day
from summarize.stories import THRESHOLD, average_similarities, build_stories, story_id

if TYPE_CHECKING:
    from summarize.records import DigestArticle, Story
    from summarize.summarizers import StoryPlan

log = logging.getLogger(__name__)

STORY_DAYS = 3  # calendar days one story covers at most, from its first dated article
LOOKBACK_DAYS = 14  # earlier archived days a run's stories are compared with
SIDECAR_SUFFIX = ".stories.json"
SIDECAR_VERSION = 1
STORY_ID = re.compile(r"story-[0-9a-f]{10}")


def article_day(date: Any) -> Date | None:
    """The calendar day an article's ``date`` starts with; None when it gives none."""
    text = date[:10] if isinstance(date, str) else ""
    return Date.fromisoformat(text) if is_iso_day(text) else None


def split_by_time(groups: Sequence[Sequence[int]], dates: Sequence[Any]) -> list[tuple[list[int], int | None]]:
    """``groups`` (indices, as ``group_documents`` gives them) cut into parts of at most STORY_DAYS
    days (``dates``: each article's date), each ``(indices ascending, the index in the result of the
    part it follows, or None)``; the parts of one group come together, earliest first."""
    parts: list[tuple[list[int], int | None]] = []
    for group in groups:
        days = {i: article_day(dates[i]) for i in group}
        pieces: list[list[int]] = []
        start: Date | None = None
        for day, i in sorted((d, i) for i, d in days.items() if d is not None):
            if start is None or (day - start).days >= STORY_DAYS:
                pieces.append([])
                start = day
            pieces[-1].append(i)
        undated = [i for i in group if days[i] is None]
        if not pieces:
            pieces = [undated]
        elif undated:
            pieces[max(range(len(pieces)), key=lambda k: (len(pieces[k]), -k))] += undated
        first = len(parts)
        parts += [(sorted(piece), first + k - 1 if k else None) for k, piece in enumerate(pieces)]
    return parts


def stories_in_time(groups: Sequence[Sequence[int]], digest_articles: Sequence["DigestArticle"],
                    plan: "StoryPlan") -> list["Story"]:
    """``build_stories`` on the groups cut by time (``split_by_time``), each later part following the
    part before it: ``follows`` names it, its ``date`` that part's first article's day."""
    parts = split_by_time(groups, [a.date for a in digest_articles])
    stories = build_stories([part for part, _ in parts], digest_articles, plan)
    by_id = {story.id: story for story in stories}
    ids = [story_id([digest_articles[i].id for i in part]) for part, _ in parts]
    for (part, previous), this in zip(parts, ids):
        if previous is not None:
            earlier = by_id[ids[previous]]
            first = min(d for d in (article_day(digest_articles[i].date) for i in parts[previous][0]) if d)
            by_id[this].follows = {"story_id": earlier.id, "date": first.isoformat(),
                                   "headline_en": earlier.headline_en, "href": "#" + earlier.id}
    return stories


def story_members(stories: Sequence[Mapping[str, Any] | "Story"], article_ids: Sequence[Any]) -> list[list[int]]:
    """Each story's articles as indices into ``article_ids`` (the digest's articles, in order). Ids
    are meant to be unique; if two articles share one, each story takes the next not yet taken."""
    numbers_of: dict[str, list[int]] = {}
    for number, article_id in enumerate(article_ids):
        numbers_of.setdefault(str(article_id), []).append(number)
    members = []
    for story in stories:
        ids = story.get("article_ids") if isinstance(story, Mapping) else story.article_ids
        members.append([numbers_of[str(i)].pop(0) for i in ids or [] if numbers_of.get(str(i))])
    return members


def sidecar(digest: Mapping[str, Any], documents: Sequence[str] | None) -> dict[str, Any]:
    """The archive's ``YYYY-MM-DD.stories.json`` for a digest.json dict: each story's id, headline,
    article ids and its articles' folded Arabic (``documents``, one per article of the digest, in
    order; without them, or when they do not match the articles, every story's list is empty and
    later days cannot follow it)."""
    stories = [s for s in digest.get("stories") or [] if isinstance(s, Mapping)]
    articles = [a for a in digest.get("articles") or [] if isinstance(a, Mapping)]
    usable = documents is not None and len(documents) == len(articles)
    members = story_members(stories, [a.get("id") for a in articles])
    return {"stories_schema_version": SIDECAR_VERSION, "date": digest.get("date"),
            "stories": [{"id": s.get("id"), "headline_en": s.get("headline_en"), "article_ids": s.get("article_ids"),
                         "documents": [documents[i] for i in m] if usable else []}
                        for s, m in zip(stories, members)]}


def earlier_days(archive: str | Path | None, before: str, days: int = LOOKBACK_DAYS) -> list[tuple[str, list[dict]]]:
    """The ``days`` most recent days filed in ``archive`` before ``before`` (YYYY-MM-DD), most recent
    first, each ``(day, its stories {"id", "headline_en", "documents"})`` from its sidecar. A sidecar
    that cannot be read or is not what this tool writes is skipped with a warning, as is a story
    entry without a valid id or documents: the run goes on without it."""
    folder = Path(archive) if archive is not None else None
    if folder is None or not folder.is_dir():
        return []
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError as exc:
        log.warning("archive %s not read for follow-ups: %s", folder, exc)
        return []
    found = sorted((name[:-len(SIDECAR_SUFFIX)] for name in names if name.endswith(SIDECAR_SUFFIX)
                    and is_iso_day(name[:-len(SIDECAR_SUFFIX)]) and name[:-len(SIDECAR_SUFFIX)] < before),
                   reverse=True)
    read: list[tuple[str, list[dict]]] = []
    for day in found:
        if len(read) == days:
            break
        path = folder / f"{day}{SIDECAR_SUFFIX}"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("stories"), list):
                raise ValueError("not a stories file written by summarize")
        except (OSError, ValueError) as exc:
            log.warning("%s skipped for follow-ups: %s", path, exc)
            continue
        stories = [{"id": s["id"], "headline_en": s.get("headline_en") if isinstance(s.get("headline_en"), str) else "",
                    "documents": s["documents"]}
                   for s in data["stories"] if isinstance(s, dict) and isinstance(s.get("id"), str)
                   and STORY_ID.fullmatch(s["id"]) and isinstance(s.get("documents"), list) and s["documents"]
                   and all(isinstance(d, str) for d in s["documents"])]
        if len(stories) < len(data["stories"]):
            log.warning("%s: %d of its stories skipped for follow-ups (no id or documents)", path,
                        len(data["stories"]) - len(stories))
        read.append((day, stories))
    return read


def follow_earlier_days(stories: Sequence["Story"], article_ids: Sequence[str], documents: Sequence[str], day: str,
                        archive: str | Path | None) -> dict[str, Any]:
    """Mark each of ``stories`` that follows none of its digest's as following its most similar
    story of the earlier archived days (``earlier_days``), when the distance is under THRESHOLD;
    ``href`` is the archive page's, relative to the archive folder. ``documents``: each article's
    folded Arabic, aligned with ``article_ids``. Returns digest.json's ``run.new_since``: ``since``
    (the most recent earlier day compared, or None), ``days_compared``, ``new_stories`` (following
    nothing), ``follow_ups`` (following an earlier day's story) and ``continued`` (following a story
    of this digest, ``stories_in_time``)."""
    earlier = earlier_days(archive, day)
    members = story_members(stories, article_ids)
    continued = sum(1 for story in stories if story.follows is not None)  # within the digest (stories_in_time)
    todo = [(story, m) for story, m in zip(stories, members) if story.follows is None and m]
    targets = [(d, s) for d, day_stories in earlier for s in day_stories]  # most recent day first
    if todo and targets:
        texts: list[str] = []
        first, second = [], []
        for _, m in todo:
            first.append(range(len(texts), len(texts) + len(m)))
            texts += [documents[i] for i in m]
        for _, s in targets:
            second.append(range(len(texts), len(texts) + len(s["documents"])))
            texts += s["documents"]
        similarities = average_similarities(texts, first, second)
        for (story, _), row in zip(todo, similarities):
            best = int(row.argmax())  # the first of equals: the most recent day
            if 1.0 - row[best] < THRESHOLD:
                on, target = targets[best]
                story.follows = {"story_id": target["id"], "date": on, "headline_en": target["headline_en"],
                                 "href": f"{on}.html#{target['id']}"}
    followed = sum(1 for story in stories if story.follows is not None)
    return {"since": earlier[0][0] if earlier else None, "days_compared": len(earlier),
            "new_stories": len(stories) - followed, "follow_ups": followed - continued, "continued": continued}
