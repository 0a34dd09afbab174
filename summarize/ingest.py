"""Reading articles: a directory of .txt files (one article each, title on the first line), JSONL
feeds (one article per line), or files named one by one."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from summarize.records import Article

TEXT_SUFFIXES = {".txt"}
FEED_SUFFIXES = {".jsonl", ".ndjson"}


class InputError(ValueError):
    """An input path that cannot be read at all."""


@dataclass
class InputProblem:
    """An input, or part of one, that was skipped; the run goes on."""

    input: str
    reason: str


def read_articles(paths: Iterable[str | Path], problems: list[InputProblem] | None = None) -> Iterator[Article]:
    """Yield the articles of every path in order. Unreadable parts are skipped and, when ``problems`` is
    given, recorded there; a path that does not exist raises InputError before anything is read."""
    problems = [] if problems is None else problems
    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
    for path in paths:
        for file in _files_of(path):
            if file.suffix.lower() in FEED_SUFFIXES:
                yield from _read_feed(file, problems)
            else:
                article = _read_text_article(file, problems)
                if article is not None:
                    yield article


def _files_of(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | FEED_SUFFIXES)


def _read_text_article(file: Path, problems: list[InputProblem]) -> Article | None:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError) as exc:
        problems.append(InputProblem(str(file), f"cannot read as UTF-8 text: {exc}"))
        return None
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        problems.append(InputProblem(str(file), "empty file"))
        return None
    return Article(id=file.stem, title=lines[0].strip(), text="\n".join(lines[1:]).strip(), origin=str(file))


def _read_feed(file: Path, problems: list[InputProblem]) -> Iterator[Article]:
    with open(file, encoding="utf-8-sig", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{file}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(InputProblem(where, f"malformed JSON: {exc.msg}"))
                continue
            if not isinstance(row, dict):
                problems.append(InputProblem(where, "line is not a JSON object"))
                continue
            text = row.get("text_ar")
            if not isinstance(text, str) or not text.strip():
                problems.append(InputProblem(where, "missing or empty text_ar"))
                continue
            yield Article(
                id=str(row.get("id") or f"{file.stem}-{number}"),
                title=_optional_str(row.get("title_ar")) or "",
                text=text,
                source=_optional_str(row.get("source")),
                url=_optional_str(row.get("url")),
                date=_optional_str(row.get("date") or row.get("date_extracted")),
                origin=where,
            )


def _optional_str(value) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
