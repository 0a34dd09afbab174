"""``batch``: a corpus of many days in, one digest per day filed in an archive out. Articles are
grouped by their own date; each day is digested as ``digest --date DAY --archive DIR`` would, in date
order (so each day's stories follow the days filed before it), and the archive's index is rebuilt
once, at the end. With ``--executor ray`` one Ray session serves the whole batch: its workers load
their models once and are handed every day's articles up front."""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from summarize.cli.digest import (INPUTS_HELP, check_writable_folder, checked_settings, exit_status, log_problems,
                                  run_options)
from summarize.cli.options import fetcher_from, spooled_inputs
from summarize.errors import UserError


def add_parsers(commands, common: argparse.ArgumentParser) -> None:
    batch = commands.add_parser(
        "batch", parents=[common], help="digest a corpus of many days into an archive, one digest per day",
        description="Read articles of many days (folders, JSONL files, feeds, --sources files), group them by their "
                    "date and file one digest per day in --archive (DIR/YYYY-MM-DD.{json,md,html}), then rebuild "
                    "DIR/index.html once.")
    batch.add_argument("inputs", nargs="*", metavar="INPUT", help=INPUTS_HELP)
    batch.add_argument("--archive", required=True, metavar="DIR", help="folder the days are filed in")
    batch.add_argument("--date", metavar="YYYY-MM-DD",
                       help="the day undated articles are filed under (default: they are reported and left out)")
    run_options(batch)
    batch.set_defaults(run=run_batch)


def run_batch(args: argparse.Namespace) -> int:
    from summarize.dates import is_iso_day
    from summarize.executors import make_executor
    from summarize.ingest import InputProblem, read_articles
    from summarize.pipeline import Pipeline
    from summarize.render import markdown_pieces, to_json, write_archive
    from summarize.render.archive import index_html
    from summarize.files import write_files

    started = time.perf_counter()
    settings, named = checked_settings(args)
    check_writable_folder(settings.archive, "--archive")
    problems: list[InputProblem] = []
    days: dict[str, list] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="summarize-stdin-") as spool:
        inputs = spooled_inputs(named, Path(spool))
        fetcher = fetcher_from(settings, progress=True)
        try:
            # The whole corpus is read before any day is digested: a day's articles may come from any input.
            for article in read_articles(inputs, problems, max_article_chars=settings.max_article_chars,
                                         follow_symlinks=settings.follow_symlinks, exclude=[settings.archive],
                                         fetcher=fetcher):
                day = (article.date or "")[:10]
                if is_iso_day(day):
                    days[day].append(article)
                elif settings.date:
                    days[settings.date].append(article)
                else:
                    problems.append(InputProblem(article.origin or article.id,
                                                 "no date: filed under no day (give --date DAY to file undated articles)"))
        finally:
            fetcher.close()
    log_problems(problems)
    if not days:
        raise UserError("no dated articles found in " + ", ".join(map(str, named)))
    executor = make_executor(settings)
    pipeline = Pipeline(settings, progress=True, executor=executor)
    archive = Path(settings.archive)
    filed = []
    with executor:
        executor.plan(pipeline, [days[day] for day in sorted(days)])
        for day in sorted(days):  # oldest first: each day's stories are followed against the days before it
            found: list[InputProblem] = []
            digest = pipeline.run(days[day], problems=found, date=day)
            log_problems(found)
            problems += found
            write_archive(to_json(digest), archive, markdown=lambda d=digest: markdown_pieces(d),
                          documents=digest.documents, index=False)
            filed.append((day, digest.run["counts"]["articles"], digest.run["counts"]["stories"]))
            if not settings.quiet:
                print(f"{day}: {filed[-1][1]} articles, {filed[-1][2]} stories", file=sys.stderr)
    write_files({archive / "index.html": index_html(archive)})  # once, for every day filed
    if not settings.quiet:
        print(f"filed {len(filed)} day(s), {sum(n for _, n, _ in filed)} articles, in {archive} "
              f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return exit_status(problems, strict=args.strict)
