"""The day-by-day archive: each digest filed as ``YYYY-MM-DD.json`` / ``.html`` / ``.md`` in one folder,
with its stories' folded Arabic in ``YYYY-MM-DD.stories.json`` (``summarize.followups.sidecar``: what
later days' stories are compared with), and an ``index.html`` listing every day, newest first."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from summarize.dates import is_iso_day
from summarize.files import write_files
from summarize.followups import SIDECAR_SUFFIX, sidecar
from summarize.render.digest_json import json_pieces
from summarize.render.html import as_text, environment, html_pieces

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _archived_days(archive: Path, filing: Mapping[str, Any] | None = None,
                   filing_suffixes: set[str] = frozenset()) -> list[dict[str, Any]]:
    """One entry per ``YYYY-MM-DD.json`` / ``.html`` in the archive, newest first (a stories sidecar,
    ``YYYY-MM-DD.stories.json``, is no day of its own: its stem is no date); ``filing`` is a digest
    being filed now (with the suffixes it gets), listed as if its files were already there."""
    days: dict[str, dict[str, Any]] = {}
    names = [p.name for p in archive.iterdir()] if archive.is_dir() else []
    day_filed = as_text(filing.get("date")) if filing is not None else None
    names += [f"{day_filed}{suffix}" for suffix in filing_suffixes]
    for name in names:
        path = Path(name)
        if path.suffix in (".json", ".html", ".md") and _DAY.match(path.stem) and not name.startswith("."):
            days.setdefault(path.stem, {"date": path.stem, "files": set(), "stories": [], "articles": None,
                                        "new_since": None})
            days[path.stem]["files"].add(path.suffix)
    for day in days.values():
        if ".json" not in day["files"]:
            continue
        if day["date"] == day_filed:
            data = filing
        else:
            try:
                data = json.loads((archive / f"{day['date']}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # listed without details: the page may still be readable
        if isinstance(data, Mapping):
            day["articles"] = len(data.get("articles") or [])
            day["stories"] = [as_text(s.get("headline_en")) for s in data.get("stories") or [] if isinstance(s, Mapping)]
            run = data.get("run") if isinstance(data.get("run"), Mapping) else {}
            known = run.get("new_since") if isinstance(run.get("new_since"), Mapping) else {}
            counts = [known.get(k) for k in ("new_stories", "follow_ups")]
            # As the day's page: counts only when an earlier day was compared (html.new_since).
            if known.get("since") and known.get("days_compared") and all(isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in counts):
                day["new_since"] = {"new_stories": counts[0], "follow_ups": counts[1]}
    return sorted(days.values(), key=lambda d: d["date"], reverse=True)


def index_html(archive_dir: str | Path) -> str:
    """The archive's index page: every day filed in ``archive_dir``, newest first."""
    return environment().get_template("index.html.j2").render(days=_archived_days(Path(archive_dir)))


def archive_files(digest: Mapping[str, Any], archive_dir: str | Path, *,
                  markdown: str | Callable[[], Iterable[str]] | None = None,
                  documents: Sequence[str] | None = None, index: bool = True) -> dict[Path, Any]:
    """The files that file the digest in ``archive_dir``: ``YYYY-MM-DD.json`` and ``.html`` (and ``.md``
    when ``markdown`` is given), ``YYYY-MM-DD.stories.json`` with its stories' ``documents`` (each
    article's folded Arabic, in order; without them the sidecar lists the stories with none, so a
    day filed again never keeps an older day's), and ``index.html`` rebuilt from every day there,
    this one included (``index=False``: not, for a caller filing many days that rebuilds it once)."""
    day = as_text(digest.get("date"))
    if not is_iso_day(day):  # the date becomes a file name: nothing but YYYY-MM-DD may reach the path
        raise ValueError(f"cannot archive a digest whose date is {day!r}: expected YYYY-MM-DD")
    archive = Path(archive_dir)
    files: dict[Path, Any] = {archive / f"{day}.json": lambda: json_pieces(digest),
                              archive / f"{day}.html": lambda: html_pieces(digest)}
    if markdown is not None:
        files[archive / f"{day}.md"] = markdown
    suffixes = {path.suffix for path in files}
    files[archive / f"{day}{SIDECAR_SUFFIX}"] = lambda: json_pieces(sidecar(digest, documents))
    if index:
        days = _archived_days(archive, digest, suffixes)
        files[archive / "index.html"] = environment().get_template("index.html.j2").render(days=days)
    return files


def write_archive(digest: Mapping[str, Any], archive_dir: str | Path, *,
                  markdown: str | Callable[[], Iterable[str]] | None = None,
                  documents: Sequence[str] | None = None, index: bool = True) -> list[Path]:
    """File the digest in ``archive_dir`` (``archive_files``), all its files replaced as a set. A day
    filed again is replaced. Returns the paths written."""
    Path(archive_dir).mkdir(parents=True, exist_ok=True)
    return write_files(archive_files(digest, archive_dir, markdown=markdown, documents=documents, index=index))
