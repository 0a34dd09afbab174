"""``digest``: articles in, digest.json / digest.md / digest.html out; ``segment``: what the cleaner
and the segmenter make of them."""
from __future__ import annotations

import argparse
import errno
import itertools
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from summarize.cli.options import (executor_options, fetch_options, fetcher_from, model_options, settings_from,
                                   spooled_inputs, summary_options, translation_options)
from summarize.errors import UserError

log = logging.getLogger("summarize")
INPUTS_HELP = ("folder, .txt article or page, .html page, .jsonl feed, RSS/Atom feed (URL or file), article "
               "page URL, sources .toml, or - for standard input (a JSONL feed or one article)")


def add_parsers(commands, common: argparse.ArgumentParser) -> None:
    digest = commands.add_parser(
        "digest", parents=[common], help="translate and summarise articles into a digest",
        description="Read articles (folders, .txt and .html pages, JSONL feeds, RSS/Atom feeds and article pages "
                    "by URL, --sources files) and write digest.json, digest.md and digest.html (a page to read it "
                    "on) to --out.")
    digest.add_argument("inputs", nargs="*", metavar="INPUT", help=INPUTS_HELP)
    digest.add_argument("--out", required=True, metavar="DIR",
                        help="folder for digest.json, digest.md and digest.html")
    digest.add_argument("--date", metavar="YYYY-MM-DD",
                        help="the day the digest covers (default: the most common article date, else today); "
                             "feed items published on other days are not fetched")
    digest.add_argument("--archive", metavar="DIR",
                        help="also file the digest as DIR/YYYY-MM-DD.{json,md,html} and rebuild DIR/index.html")
    run_options(digest)
    digest.set_defaults(run=run_digest)

    segment = commands.add_parser(
        "segment", parents=[common], help="show the cleaned Arabic sentences",
        description="Clean and segment articles and print one sentence per line (articles separated by a blank "
                    "line). Long sentences are split at --max-segment-tokens counted in words; the translator "
                    "splits again with its own tokenizer.")
    segment.add_argument("file", nargs="?", help=INPUTS_HELP)
    segment.add_argument("--max-segment-tokens", type=int, help="split sentences longer than this many words (default: 256)")
    segment.add_argument("--max-article-chars", type=int, metavar="N", help="longest article read (default: 200000)")
    segment.add_argument("--follow-symlinks", action="store_true", default=None,
                         help="follow links inside input folders that lead out of the inputs named")
    fetch_options(segment)
    segment.add_argument("--no-cache", action="store_true", default=None, help="neither read nor keep fetched pages")
    segment.set_defaults(run=run_segment)


def run_options(parser: argparse.ArgumentParser) -> None:
    """What ``digest`` and ``batch`` share beyond their inputs and where they write: how articles are
    read, the watchlist, --strict, and the fetching, model, translation, summary and executor options."""
    parser.add_argument("--max-article-chars", type=int, metavar="N",
                        help="longest article read, in characters (title + body); longer ones are skipped and "
                             "reported (default: 200000)")
    parser.add_argument("--follow-symlinks", action="store_true", default=None,
                        help="follow links inside input folders that lead out of the inputs named (default: skip "
                             "and report them)")
    parser.add_argument("--window", type=int, metavar="N",
                        help="articles taken through the stages at once, so memory stays flat however long the day "
                             "(default: 100; 0: all at once)")
    parser.add_argument("--watchlist", metavar="FILE",
                        help="terms to find in the day's sentences, English and/or Arabic, one entry a line "
                             "('LABEL: term | term' or 'term'); hits are listed at the top of the digest")
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 3 when any input was skipped (the digest is still written)")
    fetch_options(parser)
    model_options(parser, per_language=True)
    translation_options(parser)
    summary_options(parser)
    executor_options(parser)


def checked_settings(args: argparse.Namespace):
    """The run's settings and the inputs named (``digest``'s and ``batch``'s), every mistake in them —
    a bad date, no input, a bad watchlist, a sources file's translators — reported before any
    fetching or model lookup."""
    settings = settings_from(args)
    check_date(settings.date)
    check_date(settings.since, "--since")
    named = list(args.inputs) + list(args.sources)
    if not named:
        raise UserError("name the articles to read: folders, files, feed or page URLs, or --sources FILE")
    settings = _with_sources_translators(settings, named)
    if settings.watchlist is not None:
        from summarize.watchlist import load_watchlist

        load_watchlist(settings.watchlist)
    return settings, named


def run_digest(args: argparse.Namespace) -> int:
    from summarize.executors import make_executor
    from summarize.ingest import InputProblem, read_articles
    from summarize.pipeline import Pipeline
    from summarize.render import write_digest

    started = time.perf_counter()
    settings, named = checked_settings(args)
    # Where the digest goes is checked before any model loads, not found out after the work.
    check_writable_folder(args.out, "--out")
    if settings.archive is not None:
        check_writable_folder(settings.archive, "--archive")
    with tempfile.TemporaryDirectory(prefix="summarize-stdin-") as spool:
        inputs = spooled_inputs(named, Path(spool))
        refuse_to_overwrite_inputs(Path(args.out), inputs)
        fetcher = fetcher_from(settings, progress=True)
        problems: list[InputProblem] = []
        # The digest's own folders are never read back as articles, should they lie inside an input.
        own = [args.out] + ([settings.archive] if settings.archive else [])
        # Read as the pipeline's windows need them, so the day's input is never all in memory.
        articles = read_articles(inputs, problems, max_article_chars=settings.max_article_chars,
                                 follow_symlinks=settings.follow_symlinks, exclude=own, fetcher=fetcher)
        try:
            first = next(articles, None)
            if first is None:
                log_problems(problems)
                _fetch_summary(fetcher, settings)
                raise UserError("no articles found in " + ", ".join(map(str, named)))
            # The models are looked for before a Ray session starts, which takes seconds.
            executor = make_executor(settings)
            pipeline = Pipeline(settings, progress=True, executor=executor)
            articles = itertools.chain([first], articles)
            with executor:
                if settings.executor != "local":
                    # Workers are handed the whole day at once, so each loads its models once, not once
                    # per window; the day's input is then in memory whole (the digest holds it anyway).
                    articles = list(articles)
                    executor.plan(pipeline, [articles])
                digest = pipeline.run(articles, problems=problems, date=settings.date)
        finally:
            fetcher.close()
    log_problems(problems)
    digest.run["fetch"] = fetcher.counts.as_dict() if fetcher.used else None
    _fetch_summary(fetcher, settings)
    written = write_digest(digest, args.out, archive=settings.archive)
    if not settings.quiet:
        counts, stats = digest.run["counts"], digest.run["stats"]
        print(f"wrote {', '.join(str(p) for p in written)}: {counts['articles']} articles, "
              f"{counts['segments']} segments, {counts['summary_chunks']} summary chunks "
              f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for stage, numbers in stats.items():
            print(f"{stage}: {numbers['segments']} asked, {numbers['cache_hits']} from cache, "
                  f"{numbers['generated']} generated", file=sys.stderr)
    return exit_status(problems, strict=args.strict, where=": see errors[] in digest.json")


def exit_status(problems, *, strict: bool, where: str = "") -> int:
    """0, or 3 with ``--strict`` when an input was skipped (which is said either way)."""
    skipped = sum(1 for p in problems if p.skipped)
    if skipped:
        log.warning("%d input(s) skipped%s", skipped, where)
        if strict:
            return 3
    return 0


def run_segment(args: argparse.Namespace) -> int:
    from summarize.clean import clean_article
    from summarize.ingest import InputProblem, read_articles
    from summarize.segment import segment_article

    settings = settings_from(args)
    check_date(settings.date)
    check_date(settings.since, "--since")
    named = ([args.file] if args.file else []) + list(args.sources)
    if not named:
        raise UserError("name the articles to read: a folder, a file, a feed or page URL, or --sources FILE")
    problems: list[InputProblem] = []

    def count_words(texts):
        return [len(t.split()) for t in texts]

    with tempfile.TemporaryDirectory(prefix="summarize-stdin-") as spool:
        inputs = spooled_inputs(named, Path(spool))
        fetcher = fetcher_from(settings, progress=True)
        articles = read_articles(inputs, problems, max_article_chars=settings.max_article_chars,
                                 follow_symlinks=settings.follow_symlinks, fetcher=fetcher)
        try:
            for number, article in enumerate(articles):
                if number:
                    print()
                segmented = segment_article(clean_article(article), settings.max_segment_tokens, count_words)
                for sentence in segmented.title_segments + segmented.segments:
                    print(sentence)
        finally:
            fetcher.close()
    log_problems(problems)
    _fetch_summary(fetcher, settings)
    return 0


def _with_sources_translators(settings, named: Sequence[str]):
    """``settings`` with the [translators] of the sources files named, under what the command line
    and the environment already say."""
    from summarize.cli.options import merged_translators

    files = [item for item in named if item.lower().endswith(".toml") and Path(item).is_file()]
    if not files:
        return settings
    from summarize.fetch.sources import read_sources
    from summarize.settings import parse_translators

    spec = ",".join(f"{language}={model}" for path in files for language, model in read_sources(path).translators.items())
    parse_translators(spec)  # a bad language code in a sources file is refused as in the settings
    return settings.replace(translators=merged_translators(spec, settings.translators))


def _fetch_summary(fetcher, settings) -> None:
    """One line on what fetching did, when anything was fetched: feeds, items, pages, store, skips, failures."""
    if fetcher.used and not settings.quiet:
        print(fetcher.counts.line(), file=sys.stderr)


def log_problems(problems) -> None:
    for problem in problems:
        log.warning("%s %s: %s", "skipped" if problem.skipped else "note", problem.input, problem.reason)


def check_date(day: str | None, option: str = "--date") -> None:
    from summarize.dates import is_iso_day

    if day is not None and not is_iso_day(day):
        raise UserError(f"{option} {day}: expected a day as YYYY-MM-DD")


def check_writable_folder(path: str, option: str) -> None:
    """``path`` is a folder the digest can be written in, or can be made: not empty, not an existing
    file, not under a file, on a writable file system."""
    if not path.strip():
        raise UserError(f"{option} is empty: name a folder")
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{option} {path} is a file, not a folder")
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(f"{option} {path} is under {existing}, which is a file, not a folder")
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        reason = "the file system is read-only" if exc.errno == errno.EROFS else exc.strerror or str(exc)
        raise UserError(f"{option} {path}: cannot write in {existing} ({reason})") from None


def refuse_to_overwrite_inputs(out: Path, inputs: Sequence[str]) -> None:
    """The digest's files must never replace an input: not the folder itself, nor a file in it."""
    out = out.resolve()
    outputs = {out} | {out / name for name in ("digest.json", "digest.md", "digest.html")}
    for item in inputs:
        if Path(item).resolve() in outputs:
            raise UserError(f"--out {out} would overwrite the input {item}: choose another folder")
