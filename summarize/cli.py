"""Command line: ``python -m summarize COMMAND``. Heavy libraries are imported inside the commands,
so ``--help`` answers at once."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import Sequence

from summarize import __version__
from summarize.evaluate import add_eval_parser, run_eval

log = logging.getLogger("summarize")


class UserError(Exception):
    """A problem the user can fix; reported as one line, without a traceback."""


def _model_options(parser: argparse.ArgumentParser, translator: bool = True, summarizer: bool = True) -> None:
    group = parser.add_argument_group("models")
    if translator:
        group.add_argument("--translator", help="catalogue name, Hugging Face id or local directory (default: opus-mt-ar-en)")
    if summarizer:
        group.add_argument("--summarizer", help="catalogue name, Hugging Face id or local directory (default: "
                                                "distilbart-cnn-12-6), or 'extractive': key sentences, no model")
    from summarize.engines import ENGINE_CHOICES
    from summarize.engines.ctranslate2_engine import COMPUTE_TYPES

    group.add_argument("--engine", choices=ENGINE_CHOICES,
                       help="generation backend (default: auto: ctranslate2 when the model converts, else torch)")
    group.add_argument("--device", choices=["auto", "cpu", "cuda"], help="where models run (default: auto: CUDA if present)")
    group.add_argument("--compute-type", choices=COMPUTE_TYPES, metavar="TYPE",
                       help="ctranslate2 weights/arithmetic: " + ", ".join(COMPUTE_TYPES)
                            + " (default: auto: int8 on CPU, float16 on CUDA); torch runs float32")
    group.add_argument("--threads", type=int, metavar="N",
                       help="threads per model (default: every usable core for ctranslate2, torch's own default)")
    cache = parser.add_argument_group("cache")
    cache.add_argument("--cache", metavar="PATH", help="cache file (default: ~/.cache/summarize/cache.sqlite3)")
    cache.add_argument("--no-cache", action="store_true", default=None, help="neither read nor write the cache")


def _translation_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("translation")
    group.add_argument("--beams", type=int, help="beam size (default: 4)")
    group.add_argument("--max-length-factor", type=float,
                       help="output cap per batch = ceil(FACTOR × longest source tokens) + 10 (default: 1.5)")
    group.add_argument("--token-budget", type=int, help="padded source tokens per batch (default: 1000)")
    group.add_argument("--max-segment-tokens", type=int,
                       help="sentences longer than this are split again (default: 256, or the model's limit)")


def _summary_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("summaries (defaults: the model preset's)")
    group.add_argument("--summary-min-tokens", type=int, help="shortest summary, in tokens")
    group.add_argument("--summary-max-tokens", type=int, help="longest summary, in tokens")
    group.add_argument("--summary-beams", type=int, help="beam size for summaries")
    group.add_argument("--no-repeat-ngram-size", type=int, help="never repeat an n-gram of this size")
    group.add_argument("--length-penalty", type=float, help="beam length penalty (>1 favours longer summaries)")
    group.add_argument("--summary-token-budget", type=int, help="padded source tokens per summary batch (default: 2000)")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", default=None, help="no progress bars or summaries")
    common.add_argument("-v", "--verbose", action="store_true", default=None, help="more detail; tracebacks for bugs")

    parser = argparse.ArgumentParser(
        prog="python -m summarize",
        description="Arabic news in, English daily digest out: translation (MarianMT) then summarisation (BART).",
        epilog="Every option also reads SUMMARIZE_<OPTION> from the environment, e.g. SUMMARIZE_BEAMS=2.",
    )
    parser.add_argument("--version", action="version", version=f"summarize {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    digest = commands.add_parser("digest", parents=[common], help="translate and summarise articles into a digest",
                                 description="Read articles (directories of .txt, JSONL feeds, files) and write "
                                             "digest.md and digest.json to --out.")
    digest.add_argument("inputs", nargs="+", metavar="INPUT", help="directory, .txt article or .jsonl feed")
    digest.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder for digest.md and digest.json")
    digest.add_argument("--max-article-chars", type=int, metavar="N",
                        help="longest article read, in characters (title + body); longer ones are skipped and "
                             "reported (default: 200000)")
    digest.add_argument("--date", metavar="YYYY-MM-DD", help="the day the digest covers (default: the most common article date, else today)")
    digest.add_argument("--archive", metavar="DIR", help="also file the digest as DIR/YYYY-MM-DD.{json,md,html} and rebuild DIR/index.html")
    digest.add_argument("--strict", action="store_true",
                        help="exit with status 3 when any input was skipped (the digest is still written)")
    _model_options(digest)
    _translation_options(digest)
    _summary_options(digest)

    translate = commands.add_parser("translate", parents=[common], help="Arabic lines in, English lines out",
                                    description="Translate Arabic text line by line: exactly one English line per "
                                                "input line, so line-aligned test sets stay aligned.")
    translate.add_argument("file", nargs="?", type=Path, help="input file (default: standard input)")
    _model_options(translate, summarizer=False)
    _translation_options(translate)

    summarize = commands.add_parser("summarize", parents=[common], help="English text in, summary out",
                                    description="Summarise one English text (file or standard input).")
    summarize.add_argument("file", nargs="?", type=Path, help="input file (default: standard input)")
    _model_options(summarize, translator=False)
    _summary_options(summarize)

    segment = commands.add_parser("segment", parents=[common], help="show the cleaned Arabic sentences",
                                  description="Clean and segment articles and print one sentence per line "
                                              "(articles separated by a blank line). Long sentences are split at "
                                              "--max-segment-tokens counted in words; the translator splits again "
                                              "with its own tokenizer.")
    segment.add_argument("file", type=Path, help=".txt article, .jsonl feed or directory")
    segment.add_argument("--max-segment-tokens", type=int, help="split sentences longer than this many words (default: 256)")
    segment.add_argument("--max-article-chars", type=int, metavar="N", help="longest article read (default: 200000)")

    models = commands.add_parser("models", help="the model catalogue, downloads, tiny test models")
    model_commands = models.add_subparsers(dest="models_command", metavar="ACTION")
    model_commands.required = True
    model_commands.add_parser("list", parents=[common], help="the catalogue, and which models are here")
    download = model_commands.add_parser("download", parents=[common],
                                         help="fetch models into the Hugging Face cache (connected machines)")
    download.add_argument("names", nargs="+", metavar="NAME", help="catalogue name or Hugging Face id")
    tiny = model_commands.add_parser("tiny", parents=[common], help="build tiny random models for offline tests")
    tiny.add_argument("dir", type=Path, help="writes DIR/translator and DIR/summarizer")

    cache = commands.add_parser("cache", help="the translation and summary cache")
    cache_commands = cache.add_subparsers(dest="cache_command", metavar="ACTION")
    cache_commands.required = True
    for action, text in (("stats", "entries per kind and size on disk"), ("clear", "delete every entry")):
        sub = cache_commands.add_parser(action, parents=[common], help=text)
        sub.add_argument("--cache", metavar="PATH", help="cache file (default: ~/.cache/summarize/cache.sqlite3)")

    add_eval_parser(commands, common)
    return parser


def _settings(args: argparse.Namespace):
    from summarize.settings import Settings

    names = ("translator", "summarizer", "engine", "device", "compute_type", "threads", "beams", "max_length_factor", "token_budget",
             "max_segment_tokens", "summary_min_tokens", "summary_max_tokens", "summary_beams",
             "no_repeat_ngram_size", "length_penalty", "summary_token_budget", "max_article_chars", "cache", "no_cache", "quiet", "verbose", "date", "archive")
    return Settings.from_env().replace(**{n: getattr(args, n) for n in names if hasattr(args, n)})


def _read_input(file: Path | None) -> str:
    if file is None:
        return sys.stdin.read()
    try:
        return file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{file}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{file}: cannot read as UTF-8 text ({exc})") from None


def run_digest(args: argparse.Namespace) -> int:
    from summarize.ingest import InputProblem, read_articles
    from summarize.pipeline import Pipeline
    from summarize.render import write_digest

    settings = _settings(args)
    started = time.perf_counter()
    _check_date(settings.date)
    _refuse_to_overwrite_inputs(args.out, args.inputs)
    problems: list[InputProblem] = []
    articles = list(read_articles(args.inputs, problems, max_article_chars=settings.max_article_chars))
    _log_problems(problems)
    if not articles:
        raise UserError("no articles found in " + ", ".join(map(str, args.inputs)))
    pipeline = Pipeline(settings, progress=True)
    digest = pipeline.run(articles, problems=problems, date=settings.date)
    written = write_digest(digest, args.out, archive=settings.archive)
    if not settings.quiet:
        counts, stats = digest.run["counts"], digest.run["stats"]
        print(f"wrote {', '.join(str(p) for p in written)}: {counts['articles']} articles, "
              f"{counts['segments']} segments, {counts['summary_chunks']} summary chunks "
              f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for stage, numbers in stats.items():
            print(f"{stage}: {numbers['segments']} asked, {numbers['cache_hits']} from cache, "
                  f"{numbers['generated']} generated", file=sys.stderr)
    skipped = sum(1 for p in problems if p.skipped)
    if skipped:
        log.warning("%d input(s) skipped: see errors[] in digest.json", skipped)
        if args.strict:
            return 3
    return 0


def _log_problems(problems) -> None:
    for problem in problems:
        log.warning("%s %s: %s", "skipped" if problem.skipped else "note", problem.input, problem.reason)


def _check_date(day: str | None) -> None:
    from datetime import date

    try:
        if day is not None and date.fromisoformat(day).isoformat() != day:
            raise ValueError
    except ValueError:
        raise UserError(f"--date {day}: expected a day as YYYY-MM-DD") from None


def _refuse_to_overwrite_inputs(out: Path, inputs: Sequence[str]) -> None:
    """The digest's files must never replace an input: not the folder itself, nor a file in it."""
    out = out.resolve()
    outputs = {out} | {out / name for name in ("digest.json", "digest.md", "digest.html")}
    for item in inputs:
        if Path(item).resolve() in outputs:
            raise UserError(f"--out {out} would overwrite the input {item}: choose another folder")


def run_translate(args: argparse.Namespace) -> int:
    from summarize.translate import Translator

    text = _read_input(args.file)
    translator = Translator.from_settings(_settings(args))
    lines = text.splitlines()
    for line in translator.translate_lines(lines):
        print(line)
    return 0


def run_summarize(args: argparse.Namespace) -> int:
    from summarize.extractive import ExtractiveSummarizer
    from summarize.summarise import Summarizer

    text = _read_input(args.file)
    if not text.strip():
        raise UserError("nothing to summarise: the input is empty")
    settings = _settings(args)
    summarizer = (ExtractiveSummarizer.from_settings(settings) if settings.summarizer == ExtractiveSummarizer.name
                  else Summarizer.from_settings(settings))
    print(summarizer.summarize(" ".join(text.split())).text)
    return 0


def run_segment(args: argparse.Namespace) -> int:
    from summarize.clean import clean_article
    from summarize.ingest import InputProblem, read_articles
    from summarize.segment import segment_article

    settings = _settings(args)
    limit = settings.max_segment_tokens
    problems: list[InputProblem] = []
    count_words = lambda texts: [len(t.split()) for t in texts]  # noqa: E731
    for number, article in enumerate(read_articles([args.file], problems, max_article_chars=settings.max_article_chars)):
        if number:
            print()
        segmented = segment_article(clean_article(article), limit, count_words)
        for sentence in segmented.title_segments + segmented.segments:
            print(sentence)
    _log_problems(problems)
    return 0


def run_models(args: argparse.Namespace) -> int:
    from summarize import models

    if args.models_command == "list":
        catalogue = models.load_catalogue()
        rows = [("NAME", "TASK", "HERE", "LICENCE", "SIZE", "HUGGING FACE ID")]
        for preset in catalogue.values():
            here = "yes" if models.is_available_locally(preset.name, catalogue) else "-"
            name = preset.name + (" *" if preset.default else "")
            rows.append((name, preset.task, here, preset.licence, preset.size, preset.hf_id))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        print("\n* default for its task. HERE: found in the Hugging Face cache "
              f"({models.hf_cache_dir()}). Any Hugging Face id or local model directory works too.")
        return 0
    if args.models_command == "download":
        for name in args.names:
            resolved = models.resolve_model(name, download=True)
            print(f"{name}: {resolved.path}")
        return 0
    from summarize.tiny import build_tiny_models

    started = time.perf_counter()
    paths = build_tiny_models(args.dir)
    for role, path in paths.items():
        print(f"{role}: {path}")
    if not args.quiet:
        print(f"built in {time.perf_counter() - started:.1f} s; use them with "
              f"--translator {paths['translator']} --summarizer {paths['summarizer']}", file=sys.stderr)
    return 0


def run_cache(args: argparse.Namespace) -> int:
    settings = _settings(args)
    cache = settings.replace(no_cache=False).open_cache()
    if not cache.enabled:
        raise UserError(f"cache {cache.path} cannot be opened")
    if args.cache_command == "clear":
        print(f"removed {cache.clear()} entries from {cache.path}")
        return 0
    stats = cache.stats()
    print(f"cache: {stats['path']}")
    for kind in ("translation", "summary"):
        print(f"  {kind}: {stats['entries'].get(kind, 0)} entries")
    print(f"  size on disk: {stats['bytes'] / 1e6:.2f} MB")
    return 0


COMMANDS = {"digest": run_digest, "cache": run_cache, "translate": run_translate, "summarize": run_summarize,
            "segment": run_segment, "models": run_models, "eval": run_eval}


def _quiet_libraries(verbose: bool) -> None:
    # Library chatter (generation-flag warnings, tokenizer fork notices) hides our own messages.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if not verbose:
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    verbose = bool(getattr(args, "verbose", False))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO if not getattr(args, "quiet", False)
                        else logging.WARNING, format="%(levelname)s: %(message)s" if verbose else "%(message)s")
    _quiet_libraries(verbose)
    from summarize.engines import EngineOptionError
    from summarize.ingest import InputError
    from summarize.models import ModelNotFoundError
    from summarize.settings import SettingsError

    try:
        return COMMANDS[args.command](args)
    except (UserError, InputError, SettingsError, EngineOptionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ModelNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: keep the message short unless asked for the traceback
        if verbose:
            raise
        print(f"error: {type(exc).__name__}: {exc}\n(run again with -v for the traceback)", file=sys.stderr)
        return 1
