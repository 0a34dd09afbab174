"""One reader per input format, each turning one file into articles not yet checked (the checks
shared by every article, and duplicate ids, are the walk's: ``summarize.ingest.walk``).

Formats
    ``.txt`` (and any file named on the command line with another extension): one article; the first
    non-empty line is the title, the rest the body. A first line longer than ``TITLE_MAX_CHARS``, or
    a file of a single line, has no title: the whole text is the body.
    ``.jsonl`` / ``.ndjson``: one JSON object per line with ``text_ar`` (or ``text``), and optionally
    ``id``, ``title_ar`` (or ``title``), ``source``, ``url``, ``date`` (or ``date_extracted``). Read
    line by line with a bounded line length: a feed of any size is never held in memory. A feed that
    holds one JSON array, or objects pretty-printed over several lines, is read element by element
    (``summarize.ingest.jsonstream``) with the same bound on each, and noted once.
    ``.html`` / ``.htm`` (and text files that start with ``<!DOCTYPE html`` or ``<html``): the main
    text and title are extracted (``summarize.ingest.html``). The id is the file stem.

Memory
    A text file is held as its bytes, then as its text, then as its body: never more than two at
    once (the lines are not split into a list, nor the body joined again).

Limits
    A text file larger on disk than ``TEXT_BYTES_PER_CHAR`` × the per-article limit bytes
    (``HTML_BYTES_PER_CHAR`` × for HTML pages, which are mostly markup) is rejected from its size alone,
    without being read; a feed line longer than ``FEED_CHARS_PER_CHAR`` × the limit is skipped
    without being held whole.
"""
from __future__ import annotations

import codecs
import io
import json
import math
import re
from pathlib import Path
from typing import Iterator

from summarize.ingest.decode import declared_charset, decode_bytes, feed_encoding, repair_feed_line
from summarize.ingest.fields import clean_field
from summarize.ingest.html import extract_html
from summarize.ingest.jsonstream import StreamProblem, json_elements
from summarize.ingest.problems import RAISE_HINT, InputProblem, Skip, one_line, shown, unexpected
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

# Every line boundary str.splitlines knows, written as "\n" in a body (as joining its lines did).
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_NON_SPACE = re.compile(r"\S")
_HTML_START = re.compile(r"\A[\s\ufeff]*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)


class FormatReader:
    """The format readers of one run, recording what they skip in ``problems``. ``finish`` — the
    checks every article gets, ids and duplicates among them — belongs to the subclass that walks
    the paths; a feed calls it line by line, so that a line it fails on loses only that line."""

    def __init__(self, problems: list[InputProblem], max_article_chars: int):
        self.problems = problems
        self.max_chars = max_article_chars

    def problem(self, where: object, reason: str, *, skipped: bool = True) -> None:
        self.problems.append(InputProblem(shown(where), one_line(reason), skipped))

    def finish(self, article: Article, file: Path) -> Article | None:
        raise NotImplementedError

    def _check_disk_size(self, size: int, bytes_per_char: int) -> None:
        cap = bytes_per_char * self.max_chars
        if size > cap:
            raise Skip(f"too large: {_size(size)} on disk, more than an article of the per-article limit of "
                       f"{self.max_chars:,} characters can take ({RAISE_HINT})")

    # --- one article per file -----------------------------------------------------------------------

    def read_text(self, path: Path, size: int) -> Article:
        self._check_disk_size(size, TEXT_BYTES_PER_CHAR)
        text = self._decode_file(path, path.read_bytes())  # the bytes are let go on return
        if _HTML_START.match(text):
            return self._page_article(path, text)
        text = _LINE_BREAKS.sub("\n", text)  # the same text when it has only "\n" (re.sub copies nothing then)
        first = _NON_SPACE.search(text)
        if first is None:
            raise Skip("empty file (whitespace only)")
        line_end = text.find("\n", first.start())
        line_end = len(text) if line_end < 0 else line_end
        title = text[first.start():line_end].strip()
        # No body is cut after a title too long to be one: it would be a third copy, thrown away.
        body = _stripped(text, line_end) if len(title) <= TITLE_MAX_CHARS else ""
        if not body:
            title, body = "", _stripped(text, first.start())
        # A guess: the cleaner reads the page whole again for its real headline (summarize.page_facts).
        return Article(id=_file_id(path), title=title, text=body, origin=shown(path),
                       title_from="first line" if title else None)

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
        return Article(id=_file_id(path), title=title, text=text, source=meta.get("source"), url=meta.get("url"),
                       date=meta.get("date"), origin=shown(path), author=meta.get("author"))

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
                head = raw.read(SNIFF_BYTES)
                encoding, errors, offset = feed_encoding(head)
                if encoding == "cp1256":
                    self.problem(path, "not UTF-8: decoded as windows-1256", skipped=False)
                raw.seek(offset)
                stream = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="\n")
                shape = _json_shape(head[offset:], encoding, errors, whole=len(head) < SNIFF_BYTES)
                if shape:
                    yield from self._read_elements(path, stream, shape)
                    return
                while True:
                    # Bounded: a line longer than any article can be is never held whole.
                    line = stream.readline(line_limit + 1)
                    if not line:
                        break
                    number += 1
                    where = f"{shown(path)}:{number}"
                    if len(line) > line_limit and not line.endswith("\n"):
                        length = len(line) + _skip_rest_of_line(stream, line_limit)
                        self.problem(where, f"too long: a line of {length:,} characters, more than an article of the "
                                            f"per-article limit of {self.max_chars:,} characters can take ({RAISE_HINT})")
                        continue
                    if not line.strip():
                        continue
                    content = True
                    try:
                        article = self.finish(self._feed_article(path, number, line), path)
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
            self.problem(f"{shown(path)}:{number + 1}" if number else path, f"cannot read: {exc.strerror or exc}")
        except Exception as exc:
            self.problem(f"{shown(path)}:{number + 1}" if number else path, unexpected(exc))

    def _read_elements(self, path: Path, stream: io.TextIOWrapper, shape: str) -> Iterator[Article]:
        """A feed that is one JSON array, or objects over several lines: each element read as a feed
        line is, at the line it starts on. Errors other than the stream's are the caller's."""
        array = shape == "array"
        self.problem(path, "a JSON array, not JSON Lines: read element by element (jq -c '.[]' converts it)" if array
                     else "JSON objects over several lines, not JSON Lines: read one by one (jq -c . converts it)",
                     skipped=False)
        limit = FEED_CHARS_PER_CHAR * self.max_chars + FEED_LINE_SLACK
        elements = 0
        try:
            for number, text, length in json_elements(stream, 1, limit, array=array):
                elements += 1
                where = f"{shown(path)}:{number}"
                if text is None:
                    self.problem(where, f"too long: an element of {length:,} characters, more than an article of the "
                                        f"per-article limit of {self.max_chars:,} characters can take ({RAISE_HINT})")
                    continue
                try:
                    article = self.finish(self._feed_article(path, number, text, element=elements), path)
                except Skip as skip:
                    self.problem(where, skip.reason)
                    continue
                except Exception as exc:  # a bug met on a strange element: lose it, not the feed
                    self.problem(where, unexpected(exc))
                    continue
                if article is not None:
                    yield article
        except StreamProblem as problem:
            self.problem(f"{shown(path)}:{problem.line}", problem.reason)
            return
        if not elements:
            self.problem(path, "an empty JSON array" if array else "empty file (whitespace only)")

    def _feed_article(self, path: Path, number: int, line: str, *, element: int | None = None) -> Article:
        """The article of feed line ``number`` (or of the ``element``-th element of a JSON array, which
        starts on line ``number``: elements of a one-line array share a line, so ids count elements)."""
        line, note = repair_feed_line(line)
        if note:
            self.problem(f"{shown(path)}:{number}", note, skipped=False)
        try:
            row = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            message = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
            raise Skip(f"malformed JSON: {message} (column {exc.colno})") from None
        except (ValueError, RecursionError) as exc:
            raise Skip(f"malformed JSON: {one_line(exc)[:120] or type(exc).__name__}") from None
        if not isinstance(row, dict):
            raise Skip(f"{'line' if element is None else 'element'} is a JSON {_json_type(row)}, not an object")
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
        default_id = f"{_file_id(path)}-{number if element is None else element}"
        return Article(id=_feed_id(row.get("id")) or default_id, title=title, text=text,
                       source=_optional_str(row.get("source")), url=_optional_str(row.get("url")), date=date,
                       origin=f"{shown(path)}:{number}")


def _stripped(text: str, start: int) -> str:
    """``text[start:].strip()`` made with one copy, not two (the slice, then the stripped slice)."""
    first = _NON_SPACE.search(text, start)
    if first is None:
        return ""
    end = len(text)
    while end > first.start():  # trailing whitespace, looked at in small pieces from the end
        piece = text[max(first.start(), end - 4096):end]
        kept = len(piece.rstrip())
        end -= len(piece) - kept
        if kept:
            break
    return text[first.start():end]


def _file_id(path: Path) -> str:
    return clean_field(path.stem, identifier=True) or "article"


def _json_shape(head: bytes, encoding: str, errors: str, *, whole: bool) -> str | None:
    """"array" when a feed is one JSON array, "objects" when its first line is a lone "{" (objects
    pretty-printed one after another); None for JSON Lines. Decided from the feed's first bytes: an
    array that is a whole line of its own, with more lines after it, is a (bad) line of JSON Lines.
    ``whole``: ``head`` is the whole file."""
    text = codecs.getincrementaldecoder(encoding)(errors).decode(head, final=False).lstrip("\ufeff")
    start = _NON_SPACE.search(text)
    if start is None:
        return None
    line_end = text.find("\n", start.start())
    first_line = text[start.start():] if line_end < 0 else text[start.start():line_end]
    if first_line[0] == "[":
        try:
            json.loads(first_line)
        except (ValueError, RecursionError):
            return "array"  # spread over lines, or longer than the head: not one line of JSON Lines
        alone = (line_end < 0 or not text[line_end:].strip()) and whole
        return "array" if alone else None
    return "objects" if first_line.strip() == "{" else None


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
        return clean_field(value, identifier=True)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else str(value)
    return None


def _optional_str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
