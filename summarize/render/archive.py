"""The day-by-day archive: each digest filed as ``YYYY-MM-DD.json`` / ``.html`` / ``.md`` in one folder,
and an ``index.html`` listing every day, newest first."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Mapping

from summarize.dates import is_iso_day
from summarize.files import atomic_write
from summarize.render.html import as_text, environment, to_html

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _archived_days(archive: Path) -> list[dict[str, Any]]:
    """One entry per ``YYYY-MM-DD.json`` / ``.html`` in the archive, newest first."""
    days: dict[str, dict[str, Any]] = {}
    for path in archive.iterdir():
        if path.suffix in (".json", ".html", ".md") and _DAY.match(path.stem) and not path.name.startswith("."):
            days.setdefault(path.stem, {"date": path.stem, "files": set(), "stories": [], "articles": None})
            days[path.stem]["files"].add(path.suffix)
    for day in days.values():
        if ".json" not in day["files"]:
            continue
        try:
            data = json.loads((archive / f"{day['date']}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # listed without details: the page may still be readable
        if isinstance(data, Mapping):
            day["articles"] = len(data.get("articles") or [])
            day["stories"] = [as_text(s.get("headline_en")) for s in data.get("stories") or [] if isinstance(s, Mapping)]
    return sorted(days.values(), key=lambda d: d["date"], reverse=True)


def index_html(archive_dir: str | Path) -> str:
    """The archive's index page: every day filed in ``archive_dir``, newest first."""
    return environment().get_template("index.html.j2").render(days=_archived_days(Path(archive_dir)))


def write_archive(digest: Mapping[str, Any], archive_dir: str | Path, *, markdown: str | None = None) -> list[Path]:
    """File the digest as ``archive_dir/YYYY-MM-DD.json`` and ``.html`` (and ``.md`` when ``markdown``
    is given), then rebuild ``index.html`` from every day in the folder. A day filed again is
    replaced. Returns the paths written."""
    day = as_text(digest.get("date"))
    if not is_iso_day(day):  # the date becomes a file name: nothing but YYYY-MM-DD may reach the path
        raise ValueError(f"cannot archive a digest whose date is {day!r}: expected YYYY-MM-DD")
    archive = Path(archive_dir)
    archive.mkdir(parents=True, exist_ok=True)
    written = [atomic_write(archive / f"{day}.json", json.dumps(digest, ensure_ascii=False, indent=2) + "\n"),
               atomic_write(archive / f"{day}.html", to_html(digest))]
    if markdown is not None:
        written.append(atomic_write(archive / f"{day}.md", markdown))
    written.append(atomic_write(archive / "index.html", index_html(archive)))
    return written
