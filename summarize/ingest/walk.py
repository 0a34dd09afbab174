"""Reading articles: text files (one article each, title on the first line), JSONL feeds (one article
per line), HTML pages (the article text extracted), and directories of them.

The rule of this module: bad input never stops a run and never loses the rest of it. Whatever cannot
be read is skipped with a one-line reason appended to ``problems`` (the caller logs them and puts them
in the digest); everything else is read. Inputs are only ever opened for reading.

Formats
    ``.txt`` (and any file named on the command line with another extension): one article; the first
    non-empty line is the title, the rest the body. A first line longer than ``TITLE_MAX_CHARS``, or
    a file of a single line, has no title: the whole text is the body.
    ``.jsonl`` / ``.ndjson``: one JSON object per line with ``text_ar`` (or ``text``), and optionally
    ``id``, ``title_ar`` (or ``title``), ``source``, ``url``, ``date`` (or ``date_extracted``). Read
    line by line with a bounded line length: a feed of any size is never held in memory.
    ``.html`` / ``.htm`` (and text files that start with ``<!DOCTYPE html`` or ``<html``): the main
    text and title are extracted with trafilatura (precision over recall, comments excluded); when it
    finds nothing, or is not installed, the markup is stripped instead. The id is the file stem.
    Directories are read recursively in sorted order; hidden files and folders (``.git``,
    ``.DS_Store``) are ignored silently, files of other types are reported once each.

Encodings
    UTF-8 (with or without BOM); UTF-16/UTF-32 with a BOM, and UTF-16 without one (recognised by its
    NUL bytes); Windows-1256 (accepted when the decoded text is mostly Arabic letters); other legacy
    encodings through charset-normalizer. UTF-8 with a few bad bytes (under ``MAX_REPLACED_SHARE`` of
    the characters) is kept with U+FFFD in their place; more damage skips the input. Files with NUL
    bytes, too many control characters, or the signature of a known binary format are skipped as
    binary. Decoding is noted in ``problems`` (``skipped=False``) whenever it was a guess or lost bytes.

Limits
    ``max_article_chars`` (default ``DEFAULT_MAX_ARTICLE_CHARS``) caps one article (title + body, in
    characters); a longer article is skipped with a message naming its size, the limit and
    ``--max-article-chars``. A text file larger on disk than ``TEXT_BYTES_PER_CHAR`` × the limit bytes
    (``HTML_BYTES_PER_CHAR`` × for HTML pages, which are mostly markup) is rejected from its size alone,
    without being read; a feed line longer than ``FEED_CHARS_PER_CHAR`` × the limit is skipped
    without being held whole.

Duplicates
    Article ids are unique across the whole run. A later article with the id and the text of an
    earlier one is skipped ("duplicate of …"); one with the same id but a different text is kept
    under a new id (``ID-2``, ``ID-3``, …) and noted: two different articles are never merged or
    lost because a feed reused an id. A file named twice (or named and inside a named folder) is
    read once.

Missing paths
    A path that does not exist is a problem like any other and the other paths are still read;
    ``InputError`` is raised (before anything is read) only when none of the paths exists, so the
    command can stop with a usage error instead of writing an empty digest.

Language
    Each article's ``language`` is set by ``summarize.language.detect_language``; no article is
    skipped for its language here — the pipeline decides what to do with it.
"""
from __future__ import annotations

import codecs
import hashlib
import io
import json
import logging
import math
import os
import re
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

from summarize.language import detect_language, script_counts
from summarize.records import Article

TEXT_SUFFIXES = {".txt"}
FEED_SUFFIXES = {".jsonl", ".ndjson"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | FEED_SUFFIXES | HTML_SUFFIXES

# 200,000 characters is about 35,000 Arabic words, some 25 times the longest article in the news
# feeds this tool was built on (7,500 characters), and an hour or so of translation on a CPU: past it,
# an "article" is a mis-scraped page, a book or a dump, not news.
DEFAULT_MAX_ARTICLE_CHARS = 200_000
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
# UTF-8 damage kept (bad bytes replaced by U+FFFD) up to this share of the characters.
MAX_REPLACED_SHARE = 0.01
# Control characters (other than whitespace) above this share of the characters mean binary data.
MAX_CONTROL_SHARE = 0.02
# Bytes read to decide a feed's encoding before streaming it.
SNIFF_BYTES = 64 * 1024

_MAGIC = [
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP archive or office document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
]
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_ASCII = bytes(range(128))
_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, as surrogateescape keeps them
_SURROGATE = re.compile("[\ud800-\udfff]")
_HTML_START = re.compile(r"\A[\s\ufeff]*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)


class InputError(ValueError):
    """No input path exists: there is nothing to read at all."""


@dataclass
class InputProblem:
    """An input, or part of one, that was skipped (``skipped=True``), or read with a loss or a guess
    worth knowing about (``skipped=False``: bad bytes replaced, an encoding guessed, an id renamed)."""

    input: str
    reason: str
    skipped: bool = True


class _Skip(Exception):
    """Raised inside a reader: skip this input for ``reason``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def read_articles(
    paths: Iterable[str | Path],
    problems: list[InputProblem] | None = None,
    *,
    max_article_chars: int = DEFAULT_MAX_ARTICLE_CHARS,
) -> Iterator[Article]:
    """Yield the articles of every path in order; files of a directory in sorted order.

    What cannot be read is skipped and recorded in ``problems`` (one ``InputProblem`` each, reason on
    one line; nothing is logged here). A missing path is such a problem; ``InputError`` is raised,
    before anything is read, only when *no* path exists. See the module docstring for the formats,
    encodings, the size limit and duplicate ids."""
    if max_article_chars < 1:
        raise ValueError(f"max_article_chars must be positive, not {max_article_chars}")
    problems = [] if problems is None else problems
    paths = [Path(p) for p in paths]
    present = [_exists(p) for p in paths]
    if paths and not any(present):
        raise InputError("; ".join(f"{p}: no such file or directory" for p in paths))
    reader = _Reader(problems, max_article_chars)
    for path, exists in zip(paths, present):
        if not exists:
            broken = " (a broken link)" if path.is_symlink() else ""
            problems.append(InputProblem(str(path), f"no such file or directory{broken}"))
        elif path.is_dir():
            yield from reader.read_directory(path)
        else:
            yield from reader.read_file(path, named=True)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long, or with a NUL byte, names nothing
        return False


def _unexpected(exc: Exception) -> str:
    return f"could not be read: {type(exc).__name__}: {_one_line(exc)[:200]} (a bug: please report it)"


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB" if n >= 1e3 else f"{n} bytes"


def _raise_hint() -> str:
    return "raise it with --max-article-chars"


class _Reader:
    def __init__(self, problems: list[InputProblem], max_article_chars: int):
        self.problems = problems
        self.max_chars = max_article_chars
        self.seen_files: set[str] = set()
        self.seen_dirs: set[tuple[int, int]] = set()
        self.ids: dict[str, tuple[str, bytes]] = {}  # id -> (origin, digest of title and text)

    def problem(self, where: object, reason: str, *, skipped: bool = True) -> None:
        self.problems.append(InputProblem(str(where), _one_line(reason), skipped))

    # --- files and folders --------------------------------------------------------------------------

    def read_directory(self, folder: Path) -> Iterator[Article]:
        try:
            info = folder.stat()
        except OSError as exc:
            self.problem(folder, f"cannot read: {exc.strerror or exc}")
            return
        if (info.st_dev, info.st_ino) in self.seen_dirs:  # a link back up the tree, or named twice
            return
        self.seen_dirs.add((info.st_dev, info.st_ino))
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.problem(folder, f"cannot list folder: {exc.strerror or exc}")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                yield from self.read_directory(path)
            elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
                self.problem(path, f"not a supported file type ({path.suffix.lower() or 'no extension'})")
            else:
                yield from self.read_file(path, named=False)

    def read_file(self, path: Path, *, named: bool) -> Iterator[Article]:
        try:
            info = path.stat()
        except OSError as exc:
            self.problem(path, f"cannot read: {exc.strerror or exc}")
            return
        if not stat.S_ISREG(info.st_mode):
            self.problem(path, "not a regular file")
            return
        real = os.path.realpath(path)
        if real in self.seen_files:
            if named:
                self.problem(path, "already read (named twice)")
            return
        self.seen_files.add(real)
        if info.st_size == 0:
            self.problem(path, "empty file")
            return
        suffix = path.suffix.lower()
        try:
            if suffix in FEED_SUFFIXES:
                yield from self._read_feed(path)
                return
            article = self._read_page(path, info.st_size) if suffix in HTML_SUFFIXES else self._read_text(path, info.st_size)
        except _Skip as skip:
            self.problem(path, skip.reason)
            return
        except OSError as exc:
            self.problem(path, f"cannot read: {exc.strerror or exc}")
            return
        except Exception as exc:  # a bug met on strange input: lose this file, not the run
            self.problem(path, _unexpected(exc))
            return
        article = self._finish(article)
        if article is not None:
            yield article

    def _check_disk_size(self, size: int, bytes_per_char: int) -> None:
        cap = bytes_per_char * self.max_chars
        if size > cap:
            raise _Skip(f"too large: {_size(size)} on disk, more than an article of the per-article limit of "
                        f"{self.max_chars:,} characters can take ({_raise_hint()})")

    # --- one article per file -----------------------------------------------------------------------

    def _read_text(self, path: Path, size: int) -> Article:
        self._check_disk_size(size, TEXT_BYTES_PER_CHAR)
        text = self._decode_file(path, path.read_bytes())
        if _HTML_START.match(text):
            return self._page_article(path, text)
        lines = text.splitlines()
        while lines and not lines[0].strip():
            lines.pop(0)
        if not lines:
            raise _Skip("empty file (whitespace only)")
        title, body = lines[0].strip(), "\n".join(lines[1:]).strip()
        if not body or len(title) > TITLE_MAX_CHARS:
            title, body = "", "\n".join(lines).strip()
        # A guess: the cleaner reads the page whole again for its real headline (summarize.page_facts).
        return Article(id=path.stem, title=title, text=body, origin=str(path), title_from="first line" if title else None)

    def _read_page(self, path: Path, size: int) -> Article:
        self._check_disk_size(size, HTML_BYTES_PER_CHAR)
        data = path.read_bytes()
        return self._page_article(path, self._decode_file(path, data, declared=_declared_charset(data)))

    def _page_article(self, path: Path, html: str) -> Article:
        if not html.strip():
            raise _Skip("empty file (whitespace only)")
        title, text, meta = extract_html(html)
        if not text.strip():
            raise _Skip("no article text found in the HTML page")
        return Article(id=path.stem, title=title, text=text, source=meta.get("source"), url=meta.get("url"),
                       date=meta.get("date"), origin=str(path))

    def _decode_file(self, path: Path, data: bytes, declared: str | None = None) -> str:
        text, encoding, replaced = decode_bytes(data, declared=declared)
        if replaced:
            self.problem(path, f"invalid {encoding.upper()} replaced in {replaced} places", skipped=False)
        elif encoding not in ("utf-8", "utf-16", "utf-32") and encoding != declared:
            self.problem(path, f"not UTF-8: decoded as {encoding}", skipped=False)
        return text

    # --- feeds --------------------------------------------------------------------------------------

    def _read_feed(self, path: Path) -> Iterator[Article]:
        line_limit = FEED_CHARS_PER_CHAR * self.max_chars + FEED_LINE_SLACK
        number = 0
        content = False  # any non-blank line
        try:
            with open(path, "rb") as raw:
                encoding, errors, offset = self._feed_encoding(path, raw.read(SNIFF_BYTES))
                raw.seek(offset)
                stream = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="\n")
                while True:
                    line = stream.readline(line_limit + 1)
                    if not line:
                        break
                    number += 1
                    where = f"{path}:{number}"
                    if len(line) > line_limit and not line.endswith("\n"):
                        length = len(line) + _skip_rest_of_line(stream, line_limit)
                        self.problem(where, f"too long: a line of {length:,} characters, more than an article of the "
                                            f"per-article limit of {self.max_chars:,} characters can take ({_raise_hint()})")
                        continue
                    if not line.strip():
                        continue
                    content = True
                    try:
                        article = self._finish(self._feed_article(path, number, line))
                    except _Skip as skip:
                        self.problem(where, skip.reason)
                        continue
                    except Exception as exc:  # a bug met on a strange line: lose the line, not the feed
                        self.problem(where, _unexpected(exc))
                        continue
                    if article is not None:
                        yield article
                if not content:
                    self.problem(path, "empty file (whitespace only)")
        except _Skip as skip:
            self.problem(path, skip.reason)
        except OSError as exc:
            self.problem(f"{path}:{number + 1}" if number else path, f"cannot read: {exc.strerror or exc}")
        except Exception as exc:
            self.problem(f"{path}:{number + 1}" if number else path, _unexpected(exc))

    def _feed_encoding(self, path: Path, head: bytes) -> tuple[str, str, int]:
        """(codec, error handler, bytes to skip) for streaming a feed, decided from its first bytes."""
        for bom, name in _BOMS:
            if head.startswith(bom):
                return (name, "surrogateescape" if name == "utf-8" else "replace", len(bom))
        _reject_binary(head)
        if b"\x00" in head:
            utf16 = _utf16_without_bom(head, final=False)
            if utf16 is None:
                raise _Skip("binary file (NUL bytes)")
            return utf16, "replace", 0
        decoded = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(head, final=False)
        invalid = len(_ESCAPED.findall(decoded))
        non_ascii = len(head.translate(None, _ASCII))
        if invalid and invalid > non_ascii / 2 and _is_arabic_cp1256(head):
            self.problem(path, "not UTF-8: decoded as windows-1256", skipped=False)
            return "cp1256", "replace", 0
        return "utf-8", "surrogateescape", 0

    def _feed_article(self, path: Path, number: int, line: str) -> Article:
        bad = len(_ESCAPED.findall(line))
        if bad:
            raw = line.encode("utf-8", "surrogateescape")
            if bad > len(raw.translate(None, _ASCII)) / 2 and _is_arabic_cp1256(raw):
                # A Windows-1256 line in a feed whose start looked like UTF-8.
                line = raw.decode("cp1256")
                self.problem(f"{path}:{number}", "not UTF-8: decoded as windows-1256", skipped=False)
            elif bad > MAX_REPLACED_SHARE * len(line):
                raise _Skip(f"invalid UTF-8: {bad} bytes could not be decoded")
            else:
                line = _ESCAPED.sub("\ufffd", line)
                self.problem(f"{path}:{number}", f"invalid UTF-8 replaced in {bad} places", skipped=False)
        try:
            row = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            message = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
            raise _Skip(f"malformed JSON: {message} (column {exc.colno})") from None
        except (ValueError, RecursionError) as exc:
            raise _Skip(f"malformed JSON: {_one_line(exc)[:120] or type(exc).__name__}") from None
        if not isinstance(row, dict):
            raise _Skip(f"line is a JSON {_json_type(row)}, not an object")
        field, text = "text_ar", row.get("text_ar")
        if text is None and row.get("text") is not None:
            field, text = "text", row.get("text")
        if text is None:
            raise _Skip("no text_ar field" if "text_ar" not in row else "text_ar is null")
        if not isinstance(text, str):
            raise _Skip(f"{field} is a JSON {_json_type(text)}, not a string")
        if not text.strip():
            raise _Skip(f"empty {field}")
        title = _optional_str(row.get("title_ar")) or _optional_str(row.get("title")) or ""
        date = _optional_str(row.get("date")) or _optional_str(row.get("date_extracted"))
        return Article(id=_feed_id(row.get("id")) or f"{path.stem}-{number}", title=title, text=text,
                       source=_optional_str(row.get("source")), url=_optional_str(row.get("url")), date=date,
                       origin=f"{path}:{number}")

    # --- every article ------------------------------------------------------------------------------

    def _finish(self, article: Article) -> Article | None:
        """Checks shared by all formats: surrogates, title length, emptiness, size, duplicate ids,
        language. None when the article is skipped (the problem is recorded)."""
        fields = {name: getattr(article, name) for name in ("id", "title", "text", "source", "url", "date")}
        lone = 0
        for name, value in fields.items():
            if value is not None and _SURROGATE.search(value):
                lone += len(_SURROGATE.findall(value))
                fields[name] = _SURROGATE.sub("\ufffd", value)
        if lone:
            self.problem(article.origin, f"{lone} unpaired UTF-16 surrogates replaced", skipped=False)
        title, text = fields["title"].strip(), fields["text"].strip()
        if len(title) > TITLE_MAX_CHARS:
            title, text = "", f"{fields['title'].strip()}\n{text}".strip()
        if not text:
            self.problem(article.origin, "no article text")
            return None
        length = len(title) + len(text)
        if length > self.max_chars:
            self.problem(article.origin, f"too long: {length:,} characters, over the per-article limit of "
                                         f"{self.max_chars:,} characters ({_raise_hint()})")
            return None
        digest = hashlib.blake2b(f"{title}\n{text}".encode(), digest_size=8).digest()
        article_id = fields["id"]
        if article_id in self.ids:
            first, first_digest = self.ids[article_id]
            if first_digest == digest:
                self.problem(article.origin, f"duplicate of {first} (same id {article_id} and same text)")
                return None
            n = 2
            while f"{article_id}-{n}" in self.ids:
                n += 1
            renamed = f"{article_id}-{n}"
            self.problem(article.origin, f"duplicate id {article_id} (first at {first}), different text: "
                                         f"kept as {renamed}", skipped=False)
            article_id = renamed
        self.ids[article_id] = (article.origin, digest)
        return Article(id=article_id, title=title, text=text, source=fields["source"], url=fields["url"],
                       date=fields["date"], origin=article.origin, language=detect_language(f"{title}\n{text}"),
                       title_from=(article.title_from or "input") if title else None,
                       source_from="input" if fields["source"] else None, date_from="input" if fields["date"] else None)


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
    if isinstance(value, bool):
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


# --- decoding -----------------------------------------------------------------------------------------


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str, int]:
    """Decode a whole file: ``(text, encoding, bad bytes replaced)``; raises ``_Skip`` for binary data
    and for text in no encoding it can recognise. See the module docstring for the order of tries.
    ``declared`` is an encoding the file names itself (an HTML meta charset), tried after UTF-8."""
    kind = _magic(data)
    if kind:
        raise _Skip(f"binary file ({kind})")
    for bom, name in _BOMS:
        if data.startswith(bom):
            text, replaced = _decode_counting(data[len(bom):], name)
            return _checked_text(text), name[:6].rstrip("-"), replaced
    if b"\x00" in data:
        name = _utf16_without_bom(data, final=True)
        if name is None:
            raise _Skip("binary file (NUL bytes)")
        text, replaced = _decode_counting(data, name)
        return _checked_text(text), "utf-16", replaced
    try:
        return _checked_text(data.decode("utf-8")), "utf-8", 0
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", "surrogateescape")
    invalid = len(_ESCAPED.findall(escaped))
    non_ascii = len(data.translate(None, _ASCII))
    if invalid <= non_ascii / 2:
        # Mostly well-formed multi-byte sequences: UTF-8 with some damage, not another encoding.
        if invalid > MAX_REPLACED_SHARE * len(escaped):
            raise _Skip(f"invalid UTF-8: {invalid} bytes could not be decoded "
                        f"({100 * invalid / len(escaped):.1f}% of the text)")
        return _checked_text(_ESCAPED.sub("\ufffd", escaped)), "utf-8", invalid
    if declared:
        try:
            return _checked_text(data.decode(declared)), declared, 0
        except (UnicodeDecodeError, LookupError):
            pass
    if _is_arabic_cp1256(data):
        return _checked_text(data.decode("cp1256")), "windows-1256", 0
    guessed = _charset_normalizer_guess(data)
    if guessed is not None:
        return guessed
    if invalid <= MAX_REPLACED_SHARE * len(escaped):
        return _checked_text(_ESCAPED.sub("\ufffd", escaped)), "utf-8", invalid
    raise _Skip(f"not UTF-8 ({invalid} invalid bytes) and no other encoding recognised")


def _magic(data: bytes) -> str | None:
    for signature, kind in _MAGIC:
        if data.startswith(signature):
            return kind
    return None


def _reject_binary(head: bytes) -> None:
    kind = _magic(head)
    if kind:
        raise _Skip(f"binary file ({kind})")


def _decode_counting(data: bytes, encoding: str) -> tuple[str, int]:
    """Decode, replacing bad sequences with U+FFFD; also the number replaced."""
    try:
        return data.decode(encoding), 0
    except UnicodeDecodeError:
        text = data.decode(encoding, "replace")
        replaced = text.count("\ufffd") - data.decode(encoding, "ignore").count("\ufffd")
        if replaced > MAX_REPLACED_SHARE * max(len(text), 1):
            raise _Skip(f"invalid {encoding.upper()}: {replaced} sequences could not be decoded") from None
        return text, replaced


def _utf16_without_bom(data: bytes, *, final: bool) -> str | None:
    """"utf-16-le"/"utf-16-be" when the NUL bytes of ``data`` sit on one side of the byte pairs, as
    the high bytes of ASCII characters do in UTF-16; None for other data with NUL bytes."""
    if final and len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    for name, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= 4 and others * 20 <= zeros:
            sample = data if final else data[: len(data) - len(data) % 2]
            try:
                text = sample.decode(name, "strict" if final else "ignore")
            except UnicodeDecodeError:
                return None
            return name if _control_share(text) <= MAX_CONTROL_SHARE else None
    return None


def _control_share(text: str) -> float:
    """Share of characters that no text holds: C0/C1 controls other than whitespace, private use,
    unassigned code points."""
    if not text:
        return 0.0
    bad = 0
    for char, n in Counter(text).items():
        if char.isspace():
            continue
        if unicodedata.category(char) in ("Cc", "Co", "Cn"):
            bad += n
    return bad / len(text)


def _checked_text(text: str) -> str:
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise _Skip("binary file (control characters)")
    return text


def _is_arabic_cp1256(data: bytes) -> bool:
    """Whether ``data`` read as Windows-1256 is Arabic text: Arabic letters make at least a quarter of
    the letters and most of the non-ASCII characters (Windows-1256 decodes any byte, so the check is
    on what comes out)."""
    text = data.decode("cp1256")
    counts = script_counts(text)
    letters = sum(counts.values())
    non_ascii = sum(1 for c in text if ord(c) > 127)
    return bool(letters) and counts["arabic"] >= 0.25 * letters and counts["arabic"] >= 0.6 * non_ascii


def _charset_normalizer_guess(data: bytes) -> tuple[str, str, int] | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return None
    try:
        best = from_bytes(data).best()
    except Exception:  # a detector bug must not stop the run: fall back to the other rules
        return None
    if best is None or best.encoding in ("utf_8", "ascii") or best.chaos > 0.2:
        return None
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return _checked_text(text), codecs.lookup(best.encoding).name, 0


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


# --- HTML ---------------------------------------------------------------------------------------------


def extract_html(html: str) -> tuple[str, str, dict[str, str]]:
    """``(title, text, metadata)`` of an HTML page: the article's title and main text (paragraphs one
    per line) and, when the page says, ``source``, ``url`` and ``date``. trafilatura first; when it
    finds no text (or is not installed) the markup is stripped, keeping the <title>."""
    title, text, meta = _trafilatura_extract(html)
    if not text.strip():
        title_fallback, text = strip_markup(html)
        title = title or title_fallback
    return " ".join(title.split()), text.strip(), meta


def _trafilatura_extract(html: str) -> tuple[str, str, dict[str, str]]:
    try:
        import trafilatura
    except Exception:  # not installed, or a broken install (missing lxml_html_clean): strip markup
        return "", "", {}
    for name in ("trafilatura", "htmldate", "justext", "courlan"):
        # trafilatura logs "discarding data" and parser errors at WARNING/ERROR for pages it cannot
        # use; the caller reports the page once, through problems. Explicit settings are respected.
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.CRITICAL)
    try:
        doc = trafilatura.bare_extraction(html, include_comments=False, favor_precision=True, with_metadata=True)
    except Exception:  # a parser failure on a hostile page: fall back to stripping the markup
        return "", "", {}
    if doc is None:
        return "", "", {}
    meta = {}
    for key, attribute in (("source", "sitename"), ("url", "url"), ("date", "date")):
        value = getattr(doc, attribute, None)
        if isinstance(value, str) and value.strip():
            meta[key] = value.strip()
    if "source" not in meta and isinstance(getattr(doc, "hostname", None), str) and doc.hostname:
        meta["source"] = doc.hostname
    return getattr(doc, "title", None) or "", getattr(doc, "text", None) or "", meta


_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
    "td", "th", "tr", "ul",
}
_HIDDEN_TAGS = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas"}
_CHROME_TAGS = {"nav", "footer", "aside", "form", "button", "select"}


class _TextOfPage(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.chrome = 0
        self.in_title = False
        self.title: list[str] = []
        self.lines: list[str] = []
        self.current: list[str] = []

    def _break(self) -> None:
        line = " ".join("".join(self.current).split())
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        elif tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag in _CHROME_TAGS:
            self.chrome += 1
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _CHROME_TAGS:
            self.chrome = max(0, self.chrome - 1)
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.hidden and not self.chrome:
            self.current.append(data)


def strip_markup(html: str) -> tuple[str, str]:
    """``(title, text)`` of a page with the markup removed: no scripts, styles, navigation, footers or
    forms; block elements become line breaks. For pages trafilatura cannot read."""
    parser = _TextOfPage()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; this only guards against the unforeseen
        pass
    parser._break()
    return " ".join("".join(parser.title).split()), "\n".join(parser.lines)
