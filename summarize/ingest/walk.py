"""From the paths given to the articles of a run: files and folders walked, each file handed to its
format's reader (``summarize.ingest.readers``), and the checks every article gets — size, ids,
duplicates, language.

Directories are read recursively in sorted order; hidden files and folders (``.git``,
``.DS_Store``) are ignored silently, files of other types are reported once each. A file named on
the command line is read whatever its extension (as ``.txt`` unless it is a feed or a page).

Links
    A path named is followed wherever it leads: naming it says so. Inside a folder, a link that
    leads out of every input named (``/etc/shadow``, a home folder) is skipped and reported unless
    ``follow_symlinks``: a folder of articles does not vouch for where its links point, and what they
    reach ends up in a digest that may be published.

The tool's own outputs
    Folders in ``exclude`` (the run's ``--out`` and ``--archive``) are not walked, silently; a digest
    of another run found in a walked folder (``summarize.ingest.outputs``) is not read either, with
    one note per folder: an output inside an input folder would otherwise come back as articles.

Limits
    ``max_article_chars`` (default ``DEFAULT_MAX_ARTICLE_CHARS``) caps one article (title + body, in
    characters); a longer article is skipped with a message naming its size, the limit and
    ``--max-article-chars``. The readers also reject, from their size alone, files and feed lines
    that cannot fit. The limit itself may not pass ``HARD_MAX_ARTICLE_CHARS`` (``ValueError``): every
    stage holds an article whole, and past that ceiling no run finishes in the memory of one machine.

Duplicates
    Article ids are unique across the whole run. A later article with the id and the text of an
    earlier one is skipped ("duplicate of …"); one with the same id but a different text is kept
    under a new id (``ID~2``, ``ID~3``, …) and noted: two different articles are never merged or
    lost because a feed reused an id. The ``~`` is what ids are least likely to use: the input is
    streamed, so ids still to come cannot be avoided, only made unlikely to meet; a later article
    whose own id was taken by a rename is renamed in turn, with a note naming the rename. A file
    named twice (or named and inside a named folder) is read once.

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
from typing import Any, Iterable, Iterator

from summarize.errors import UserError
from summarize.ingest.fields import clean_field, read_date, shows_anything
from summarize.ingest.language import detect_language
from summarize.ingest.outputs import own_output
from summarize.ingest.problems import RAISE_HINT, InputError, InputProblem, Skip, shown, unexpected
from summarize.ingest.readers import FEED_SUFFIXES, HTML_SUFFIXES, SUPPORTED_SUFFIXES, TITLE_MAX_CHARS, FormatReader
from summarize.records import Article
from summarize.settings import DEFAULT_MAX_ARTICLE_CHARS, HARD_MAX_ARTICLE_CHARS

# 10 million characters (about 18 MB of Arabic, 50 times the default limit, days of translation on a
# CPU) is the most one article may be. Reading holds about two copies of it; cleaning, segmenting and
# the translation cache hold more, so past it memory, not the limit, would decide how a run ends.
LINK_OUTSIDE = "a link that leads out of the inputs named: not followed (--follow-symlinks follows it)"

_SURROGATE = re.compile("[\ud800-\udfff]")
# Hashed in slices, so that a long article is never encoded whole a second time.
_HASH_SLICE = 1 << 20


def check_max_article_chars(max_article_chars: int) -> int:
    """``max_article_chars`` when it is a usable per-article limit; ``ValueError`` (one line, naming
    ``HARD_MAX_ARTICLE_CHARS`` for one too large) otherwise."""
    if isinstance(max_article_chars, bool) or not isinstance(max_article_chars, int):
        raise ValueError(f"max_article_chars must be a whole number, not {max_article_chars!r}")
    if max_article_chars < 1:
        raise ValueError(f"max_article_chars must be positive, not {max_article_chars}")
    if max_article_chars > HARD_MAX_ARTICLE_CHARS:
        raise ValueError(f"max_article_chars of {max_article_chars:,} is over the ceiling of "
                         f"{HARD_MAX_ARTICLE_CHARS:,} characters (HARD_MAX_ARTICLE_CHARS): an article that long "
                         f"cannot be read, cleaned and translated in bounded memory")
    return max_article_chars


def read_articles(
    paths: Iterable[str | Path],
    problems: list[InputProblem] | None = None,
    *,
    max_article_chars: int = DEFAULT_MAX_ARTICLE_CHARS,
    follow_symlinks: bool = False,
    exclude: Iterable[str | Path] = (),
    fetcher: Any = None,
) -> Iterator[Article]:
    """Yield the articles of every path in order; files of a directory in sorted order.

    What cannot be read is skipped and recorded in ``problems`` (one ``InputProblem`` each, reason on
    one line; nothing is logged here). A missing path is such a problem; ``InputError`` is raised,
    when iterating and before anything is read, only when *no* path exists. ``max_article_chars`` is
    checked at once (``check_max_article_chars``). ``follow_symlinks``: follow links inside folders
    wherever they lead. ``exclude``: folders not to walk (the run's own output folders). See the
    docstrings of this module, of ``readers`` and of ``decode`` for the formats, encodings, the size
    limit and duplicate ids.

    ``fetcher`` (a ``summarize.fetch.Fetcher``, or anything with its ``claims`` and ``articles``):
    the inputs it claims — URLs, feeds, sources files, named or met in a folder — are its to read,
    and its articles get every check the others get. Without one, a URL is a path that does not exist."""
    check_max_article_chars(max_article_chars)
    return _read_articles([str(p) for p in paths], [] if problems is None else problems, max_article_chars,
                          follow_symlinks, [os.path.realpath(p) for p in exclude], fetcher)


def _read_articles(items: list[str], problems: list[InputProblem], max_article_chars: int, follow_symlinks: bool,
                   exclude: list[str], fetcher: Any) -> Iterator[Article]:
    claimed = [fetcher is not None and fetcher.claims(item) for item in items]
    paths = [Path(item) for item in items]  # a URL is no path: Path("http://a/b") is "http:/a/b"
    present = [claim or _exists(p) for p, claim in zip(paths, claimed)]
    if paths and not any(present):
        raise InputError("; ".join(f"{shown(p)}: no such file or directory" for p in items))
    named = [os.path.realpath(p) for p, exists, claim in zip(paths, present, claimed) if exists and not claim]
    reader = _Reader(problems, max_article_chars, follow_symlinks=follow_symlinks, named=named, fetcher=fetcher)
    for item, path, exists, claim in zip(items, paths, present, claimed):
        if claim:
            reader.seen_files.add(os.path.realpath(path))
            yield from reader.read_fetched(item)
        elif not exists:
            broken = " (a broken link)" if path.is_symlink() else ""
            problems.append(InputProblem(shown(path), f"no such file or directory{broken}"))
        elif path.is_dir():
            real = os.path.realpath(path)
            # A folder excluded is only skipped below a folder named outside it: naming a folder inside
            # --archive reads it.
            reader.excluded = [e for e in exclude if not _within(real, e)]
            yield from reader.read_directory(path, real)
        else:
            yield from reader.read_file(path, named=True)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long, or with a NUL byte, names nothing
        return False


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class _Reader(FormatReader):
    def __init__(self, problems: list[InputProblem], max_article_chars: int, *, follow_symlinks: bool,
                 named: list[str], fetcher: Any = None):
        super().__init__(problems, max_article_chars)
        self.fetcher = fetcher
        self.follow_symlinks = follow_symlinks
        self.named = named  # real paths of the inputs named: where links inside folders may lead
        self.excluded: list[str] = []
        self.seen_files: set[str] = set()
        self.seen_dirs: set[tuple[int, int]] = set()
        # id -> (origin, digest of title and text, the id it was renamed from or None)
        self.ids: dict[str, tuple[str, bytes, str | None]] = {}
        self.guesses_noted: set[tuple[str, str]] = set()  # (input file, day-month guess) noted once

    # --- files and folders --------------------------------------------------------------------------

    def read_directory(self, folder: Path, real: str) -> Iterator[Article]:
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
        outputs: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path, real_path = Path(entry.path), os.path.join(real, entry.name)
            if _is_link(entry):
                real_path = os.path.realpath(entry.path)
                if not self.follow_symlinks and os.path.exists(real_path) and not self._inside_inputs(real_path):
                    self.problem(path, LINK_OUTSIDE)
                    continue
            if any(_within(real_path, e) for e in self.excluded):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                yield from self.read_directory(path, real_path)
            elif own_output(path):
                outputs.append(entry.name)
            elif self.fetcher is not None and self.fetcher.claims(entry.path):
                if os.path.realpath(entry.path) not in self.seen_files:
                    self.seen_files.add(os.path.realpath(entry.path))
                    yield from self.read_fetched(entry.path)
            elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
                self.problem(path, f"not a supported file type ({path.suffix.lower() or 'no extension'})")
            else:
                yield from self.read_file(path, named=False)
        if outputs:
            listed = ", ".join(outputs[:4]) + (", …" if len(outputs) > 4 else "")
            self.problem(folder, f"{len(outputs)} digest file{'s' if len(outputs) > 1 else ''} written by summarize "
                                 f"not read as articles ({listed})", skipped=False)

    def _inside_inputs(self, real: str) -> bool:
        return any(_within(real, named) for named in self.named)

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
        if named:
            kind = own_output(path)
            if kind:
                self.problem(path, f"a digest written by summarize ({kind}), not an article")
                return
        suffix = path.suffix.lower()
        try:
            if suffix in FEED_SUFFIXES:
                yield from self.read_feed(path)
                return
            read = self.read_page if suffix in HTML_SUFFIXES else self.read_text
            article = read(path, info.st_size)
        except Skip as skip:
            self.problem(path, skip.reason)
            return
        except OSError as exc:
            self.problem(path, f"cannot read: {exc.strerror or exc}")
            return
        except Exception as exc:  # a bug met on strange input: lose this file, not the run
            self.problem(path, unexpected(exc))
            return
        article = self.finish(article, path)
        if article is not None:
            yield article

    def read_fetched(self, item: str) -> Iterator[Article]:
        """The articles of an input the fetcher claimed (a URL, a feed, a sources file), checked."""
        try:
            for article in self.fetcher.articles(item, self.problems):
                article = self.finish(article, Path(item))
                if article is not None:
                    yield article
        except UserError:
            raise  # a sources file that cannot be used stops the run: it is the run's configuration
        except Exception as exc:  # a bug met on strange input: lose this input, not the run
            self.problem(item, unexpected(exc))

    # --- every article ------------------------------------------------------------------------------

    def finish(self, article: Article, file: Path) -> Article | None:
        """Checks shared by all formats: surrogates, control characters, title length, emptiness,
        size, dates, duplicate ids, language. None when the article is skipped (the problem is
        recorded). ``file`` is the input it came from (notes given once per file)."""
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
            title, text = "", f"{title}\n{text}".strip()
        title = clean_field(title) or ""
        if not text:
            self.problem(article.origin, "no article text")
            return None
        if not shows_anything(text):
            self.problem(article.origin, "no article text: only characters that show nothing (tatweel, spaces, "
                                         "zero-width or control characters)")
            return None
        length = len(title) + len(text)
        if length > self.max_chars:
            self.problem(article.origin, f"too long: {length:,} characters, over the per-article limit of "
                                         f"{self.max_chars:,} characters ({RAISE_HINT})")
            return None
        article_id = clean_field(fields["id"], identifier=True) or "article"
        article_id = self._unique_id(article_id, title, text, article.origin)
        if article_id is None:
            return None
        date = self._date(fields["date"], article.origin, file)  # after the duplicates: no note on one skipped
        source, url = clean_field(fields["source"]), clean_field(fields["url"], identifier=True)
        return Article(id=article_id, title=title, text=text, source=source, url=url, author=clean_field(article.author),
                       date=date, origin=article.origin, language=detect_language(title, text),
                       title_from=(article.title_from or "input") if title else None,
                       source_from="input" if source else None, date_from="input" if date else None)

    def _date(self, raw: str | None, origin: str, file: Path) -> str | None:
        if raw is None:
            return None
        date, note, guess = read_date(raw)
        if note and (guess is None or (str(file), guess) not in self.guesses_noted):
            self.problem(origin, note, skipped=False)
            if guess is not None:
                self.guesses_noted.add((str(file), guess))
        return date

    def _unique_id(self, article_id: str, title: str, text: str, origin: str) -> str | None:
        """The id the article is kept under, or None for a duplicate (the problems are recorded)."""
        # A digest, not the text: the table of ids seen must stay small for a feed of any size.
        digest = hashlib.blake2b(title.encode(), digest_size=8)
        digest.update(b"\n")
        for start in range(0, len(text), _HASH_SLICE):
            digest.update(text[start:start + _HASH_SLICE].encode())
        fingerprint = digest.digest()
        renamed_from = None
        if article_id in self.ids:
            first, first_fingerprint, first_renamed_from = self.ids[article_id]
            if first_fingerprint == fingerprint:
                same = (f"same id {article_id} and same text" if first_renamed_from is None else
                        f"same text; {article_id} is the id it was kept as, renamed from {first_renamed_from}")
                self.problem(origin, f"duplicate of {first} ({same})")
                return None
            n = 2
            while f"{article_id}~{n}" in self.ids:
                n += 1
            renamed = f"{article_id}~{n}"
            taken = (f"duplicate id {article_id} (first at {first})" if first_renamed_from is None else
                     f"id {article_id} already given to {first} (renamed from its duplicate id {first_renamed_from})")
            self.problem(origin, f"{taken}, different text: kept as {renamed}", skipped=False)
            article_id, renamed_from = renamed, article_id
        self.ids[article_id] = (origin, fingerprint, renamed_from)
        return article_id


def _is_link(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False
