"""One reader per input format, each turning one file into articles not yet checked (the checks
shared by every article, and duplicate ids, are the walk's: ``summarize.ingest.walk``).

Formats
    ``.txt`` (and any file named on the command line with another extension): one article; the first
    non-empty line is the title, the rest the body. A first line longer than ``TITLE_MAX_CHARS``, or
    a file of a single line, has no title: the whole text is the body.
    ``.jsonl`` / ``.ndjson``: one JSON object per line with ``text_ar`` (or ``text``), and optionally
    ``id``, ``title_ar`` (or ``title``), ``source``, ``url``, ``date`` (or ``date_extracted``). Read
    line by line with a bounded line length: a feed of any size is never held in memory.
    ``.html`` / ``.htm`` (and text files that start with ``<!DOCTYPE html`` or ``<html``): the main
    text and title are extracted (``summarize.ingest.html``). The id is the file stem.

Limits
    A text file larger on disk than ``TEXT_BYTES_PER_CHAR`` × the per-article limit bytes
    (``HTML_BYTES_PER_CHAR`` × for HTML pages, which are mostly markup) is rejected from its size alone,
    without being read; a feed line longer than ``FEED_CHARS_PER_CHAR`` × the limit is skipped
    without being held whole.
"""
from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from typing import Iterator

from summarize.ingest.decode import declared_charset, decode_bytes, feed_encoding, repair_feed_line
from summarize.ingest.html import extract_html
from summarize.ingest.problems import RAISE_HINT, InputProblem, Skip, one_line, unexpected
from summarize.records import Article

TEXT_SUFFIXES = {".txt"}
FEED_SUFFIXES = {".jsonl", ".ndjson"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | FEED_SUFFIXES | HTML_SUFFIXES

# On-disk size allowed per character of the limit. UTF-8 Arabic takes about 1.8 bytes per character,
# UTF-16 2, so 4 only rejects files that cannot possibly fit. HTML pages carry scripts, styles and
# navigation: a 30 KB article is commonly a 300 KB page.
TEXT_BYTES_PER_CHAR = 4
HTML_BYTES_PER_CHAR = 25
# A feed line holds the article JSON-escaped (\\uXXXX is 6 characters for one) plus the other fields.
FEED_CHARS_PER_CHAR = 6
FEED_LINE_SLACK = 64 * 1024
# A title is a line; a longer "first line" is the first paragraph of an article without a title.
TITLE_MAX_CHARS = 500
# Bytes read to decide a feed's encoding before streaming it.
SNIFF_BYTES = 64 * 1024

_HTML_START = re.compile(r"\A[\s\ufeff]*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)


class FormatReader:
    """The format readers of one run, recording what they skip in ``problems``. ``finish`` — the
    checks every article gets, ids and duplicates among them — belongs to the subclass that walks
    the paths; a feed calls it line by line, so that a line it fails on loses only that line."""

    def __init__(self, problems: list[InputProblem], max_article_chars: int):
        self.problems = problems
        self.max_chars = max_article_chars

    def problem(self, where: object, reason: str, *, skipped: bool = True) -> None:
        self.problems.append(InputProblem(str(where), one_line(reason), skipped))

    def finish(self, article: Article) -> Article | None:
        raise NotImplementedError

    def _check_disk_size(self, size: int, bytes_per_char: int) -> None:
        cap = bytes_per_char * self.max_chars
        if size > cap:
            raise Skip(f"too large: {_size(size)} on disk, more than an article of the per-article limit of "
                       f"{self.max_chars:,} characters can take ({RAISE_HINT})")

    # --- one article per file -----------------------------------------------------------------------

    def read_text(self, path: Path, size: int) -> Article:
        self._check_disk_size(size, TEXT_BYTES_PER_CHAR)
        text = self._decode_file(path, path.read_bytes())
        if _HTML_START.match(text):
            return self._page_article(path, text)
        lines = text.splitlines()
        while lines and not lines[0].strip():
            lines.pop(0)
        if not lines:
            raise Skip("empty file (whitespace only)")
        title, body = lines[0].strip(), "\n".join(lines[1:]).strip()
        if not body or len(title) > TITLE_MAX_CHARS:
            title, body = "", "\n".join(lines).strip()
        # A guess: the cleaner reads the page whole again for its real headline (summarize.page_facts).
        return Article(id=path.stem, title=title, text=body, origin=str(path), title_from="first line" if title else None)

    def read_page(self, path: Path, size: int) -> Article:
        self._check_disk_size(size, HTML_BYTES_PER_CHAR)
        data = path.read_bytes()
        return self._page_article(path, self._decode_file(path, data, declared=declared_charset(data)))

    def _page_article(self, path: Path, html: str) -> Article:
        if not html.strip():
            raise Skip("empty file (whitespace only)")
        title, text, meta = extract_html(html)
        if not text.strip():
            raise Skip("no article text found in the HTML page")
        return Article(id=path.stem, title=title, text=text, source=meta.get("source"), url=meta.get("url"),
                       date=meta.get("date"), origin=str(path))

    def _decode_file(self, path: Path, data: bytes, declared: str | None = None) -> str:
        text, encoding, replaced = decode_bytes(data, declared=declared)
        if replaced:
            self.problem(path, f"invalid {encoding.upper()} replaced in {replaced} places", skipped=False)
        elif encoding not in ("utf-8", "utf-16", "utf-32") and encoding != declared:
            # A page that names its encoding was not guessed at; anything else not Unicode was.
            self.problem(path, f"not UTF-8: decoded as {encoding}", skipped=False)
        return text

    # --- feeds --------------------------------------------------------------------------------------

    def read_feed(self, path: Path) -> Iterator[Article]:
        """The feed's articles, finished; every problem is recorded here, none raised."""
        line_limit = FEED_CHARS_PER_CHAR * self.max_chars + FEED_LINE_SLACK
        number = 0
        content = False  # any non-blank line
        try:
            with open(path, "rb") as raw:
                encoding, errors, offset = feed_encoding(raw.read(SNIFF_BYTES))
                if encoding == "cp1256":
                    self.problem(path, "not UTF-8: decoded as windows-1256", skipped=False)
                raw.seek(offset)
                stream = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="\n")
                while True:
                    # Bounded: a line longer than any article can be is never held whole.
                    line = stream.readline(line_limit + 1)
                    if not line:
                        break
                    number += 1
                    where = f"{path}:{number}"
                    if len(line) > line_limit and not line.endswith("\n"):
                        length = len(line) + _skip_rest_of_line(stream, line_limit)
                        self.problem(where, f"too long: a line of {length:,} characters, more than an article of the "
                                            f"per-article limit of {self.max_chars:,} characters can take ({RAISE_HINT})")
                        continue
                    if not line.strip():
                        continue
                    content = True
                    try:
                        article = self.finish(self._feed_article(path, number, line))
                    except Skip as skip:
                        self.problem(where, skip.reason)
                        continue
                    except Exception as exc:  # a bug met on a strange line: lose the line, not the feed
                        self.problem(where, unexpected(exc))
                        continue
                    if article is not None:
                        yield article
                if not content:
                    self.problem(path, "empty file (whitespace only)")
        except Skip as skip:
            self.problem(path, skip.reason)
        except OSError as exc:
            self.problem(f"{path}:{number + 1}" if number else path, f"cannot read: {exc.strerror or exc}")
        except Exception as exc:
            self.problem(f"{path}:{number + 1}" if number else path, unexpected(exc))

    def _feed_article(self, path: Path, number: int, line: str) -> Article:
        line, note = repair_feed_line(line)
        if note:
            self.problem(f"{path}:{number}", note, skipped=False)
        try:
            row = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            message = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
            raise Skip(f"malformed JSON: {message} (column {exc.colno})") from None
        except (ValueError, RecursionError) as exc:
            raise Skip(f"malformed JSON: {one_line(exc)[:120] or type(exc).__name__}") from None
        if not isinstance(row, dict):
            raise Skip(f"line is a JSON {_json_type(row)}, not an object")
        field, text = "text_ar", row.get("text_ar")
        if text is None and row.get("text") is not None:
            field, text = "text", row.get("text")
        if text is None:
            raise Skip("no text_ar field" if "text_ar" not in row else "text_ar is null")
        if not isinstance(text, str):
            raise Skip(f"{field} is a JSON {_json_type(text)}, not a string")
        if not text.strip():
            raise Skip(f"empty {field}")
        title = _optional_str(row.get("title_ar")) or _optional_str(row.get("title")) or ""
        date = _optional_str(row.get("date")) or _optional_str(row.get("date_extracted"))
        return Article(id=_feed_id(row.get("id")) or f"{path.stem}-{number}", title=title, text=text,
                       source=_optional_str(row.get("source")), url=_optional_str(row.get("url")), date=date,
                       origin=f"{path}:{number}")


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB" if n >= 1e3 else f"{n} bytes"


def _skip_rest_of_line(stream: io.TextIOWrapper, chunk: int) -> int:
    skipped = 0
    while True:
        more = stream.readline(chunk)
        skipped += len(more)
        if not more or more.endswith("\n"):
            return skipped


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: True is an int to Python, not to JSON
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


def _feed_id(value: object) -> str | None:
    """The feed's id as a string: strings stripped, numbers written out; anything else is no id."""
    if isinstance(value, str):
        return " ".join(value.split()) or None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else str(value)
    return None


def _optional_str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
