"""From the paths given to the articles of a run: files and folders walked, each file handed to its
format's reader (``summarize.ingest.readers``), and the checks every article gets — size, ids,
duplicates, language.

Directories are read recursively in sorted order; hidden files and folders (``.git``,
``.DS_Store``) are ignored silently, files of other types are reported once each. A file named on
the command line is read whatever its extension (as ``.txt`` unless it is a feed or a page).

Limits
    ``max_article_chars`` (default ``DEFAULT_MAX_ARTICLE_CHARS``) caps one article (title + body, in
    characters); a longer article is skipped with a message naming its size, the limit and
    ``--max-article-chars``. The readers also reject, from their size alone, files and feed lines
    that cannot fit.

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
    Each article's ``language`` is set by ``summarize.ingest.language.detect_language``; no article
    is skipped for its language here — the pipeline decides what to do with it.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Iterable, Iterator

from summarize.ingest.language import detect_language
from summarize.ingest.problems import RAISE_HINT, InputError, InputProblem, Skip, unexpected
from summarize.ingest.readers import FEED_SUFFIXES, HTML_SUFFIXES, SUPPORTED_SUFFIXES, TITLE_MAX_CHARS, FormatReader
from summarize.records import Article
from summarize.settings import DEFAULT_MAX_ARTICLE_CHARS


_SURROGATE = re.compile("[\ud800-\udfff]")


def read_articles(
    paths: Iterable[str | Path],
    problems: list[InputProblem] | None = None,
    *,
    max_article_chars: int = DEFAULT_MAX_ARTICLE_CHARS,
) -> Iterator[Article]:
    """Yield the articles of every path in order; files of a directory in sorted order.

    What cannot be read is skipped and recorded in ``problems`` (one ``InputProblem`` each, reason on
    one line; nothing is logged here). A missing path is such a problem; ``InputError`` is raised,
    before anything is read, only when *no* path exists. See the docstrings of this module, of
    ``readers`` and of ``decode`` for the formats, encodings, the size limit and duplicate ids."""
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


class _Reader(FormatReader):
    def __init__(self, problems: list[InputProblem], max_article_chars: int):
        super().__init__(problems, max_article_chars)
        self.seen_files: set[str] = set()
        self.seen_dirs: set[tuple[int, int]] = set()
        self.ids: dict[str, tuple[str, bytes]] = {}  # id -> (origin, digest of title and text)

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
        if not stat.S_ISREG(info.st_mode):  # a pipe or a device would block or never end
            self.problem(path, "not a regular file")
            return
        real = os.path.realpath(path)
        if real in self.seen_files:
            if named:  # found again inside a folder is expected; named twice is worth a word
                self.problem(path, "already read (named twice)")
            return
        self.seen_files.add(real)
        if info.st_size == 0:
            self.problem(path, "empty file")
            return
        suffix = path.suffix.lower()
        try:
            if suffix in FEED_SUFFIXES:
                yield from self.read_feed(path)
                return
            article = self.read_page(path, info.st_size) if suffix in HTML_SUFFIXES else self.read_text(path, info.st_size)
        except Skip as skip:
            self.problem(path, skip.reason)
            return
        except OSError as exc:
            self.problem(path, f"cannot read: {exc.strerror or exc}")
            return
        except Exception as exc:  # a bug met on strange input: lose this file, not the run
            self.problem(path, unexpected(exc))
            return
        article = self.finish(article)
        if article is not None:
            yield article

    # --- every article ------------------------------------------------------------------------------

    def finish(self, article: Article) -> Article | None:
        """Checks shared by all formats: surrogates, title length, emptiness, size, duplicate ids,
        language. None when the article is skipped (the problem is recorded)."""
        fields = {name: getattr(article, name) for name in ("id", "title", "text", "source", "url", "date")}
        lone = 0
        for name, value in fields.items():
            # JSON "\ud800" escapes decode to lone surrogates, which cannot be written out as UTF-8.
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
                                         f"{self.max_chars:,} characters ({RAISE_HINT})")
            return None
        # A digest, not the text: the table of ids seen must stay small for a feed of any size.
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
