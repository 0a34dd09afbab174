"""What the commands share: the option groups, the settings they make, reading an input file."""
from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

# Settings fields a command's options may set (an option of the same name, when the command has it).
SETTING_OPTIONS = ("translator", "translators", "summarizer", "engine", "device", "compute_type", "threads", "beams",
                   "max_length_factor", "token_budget", "max_segment_tokens", "summary_min_tokens",
                   "summary_max_tokens", "summary_beams", "no_repeat_ngram_size", "length_penalty",
                   "summary_token_budget", "max_article_chars", "follow_symlinks", "window", "cache", "no_cache", "quiet", "verbose", "date",
                   "archive", "fetch_timeout", "per_host", "connections", "page_store", "since", "watchlist",
                   "executor", "ray_address", "ray_workers", "api_keys", "req_limit", "char_limit", "batch_limit",
                   "body_limit", "digest_body_limit", "cors")
STDIN = "-"


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, with the nearest option when one was mistyped,
    instead of a usage dump."""

    def error(self, message: str):  # type: ignore[override]
        hint = ""
        if message.startswith("unrecognized arguments:"):
            known = sorted(_options_of(self))
            for word in message.split(":", 1)[1].split():
                close = difflib.get_close_matches(word.split("=")[0], known, n=1)
                if word.startswith("-") and close:
                    hint = f" (did you mean {close[0]}?)"
                    break
        self.exit(2, f"error: {message}{hint}; see {self.prog} --help\n")


def _options_of(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of ``parser`` and of its subcommands' parsers."""
    found = set()
    for action in parser._actions:
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _options_of(sub)
    return found


def common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", default=None, help="no progress bars or summaries")
    common.add_argument("-v", "--verbose", action="store_true", default=None, help="more detail; tracebacks for bugs")
    return common


def cache_options(parser: argparse.ArgumentParser) -> None:
    from summarize.cache import default_cache_path

    cache = parser.add_argument_group("cache")
    cache.add_argument("--cache", metavar="PATH", help=f"cache file (default: {default_cache_path()})")
    cache.add_argument("--no-cache", action="store_true", default=None, help="neither read nor write the cache")


class _TranslatorOption(argparse.Action):
    """``--translator MODEL`` (the Arabic one) or ``--translator LANG=MODEL`` (repeatable), the latter
    gathered into ``translators`` as the settings write it ("fr=…,*=…")."""

    def __call__(self, parser, namespace, value, option_string=None):
        if "=" in value and not value.startswith(("/", ".")):
            namespace.translators = ",".join(filter(None, [namespace.translators, value]))
        else:
            namespace.translator = value


def model_options(parser: argparse.ArgumentParser, translator: bool = True, summarizer: bool = True,
                  per_language: bool = False) -> None:
    group = parser.add_argument_group("models")
    if translator and per_language:
        group.add_argument("--translator", action=_TranslatorOption, metavar="[LANG=]MODEL",
                           help="catalogue name, Hugging Face id or local directory: the Arabic translator (default: "
                                "opus-mt-ar-en), or LANG=MODEL for another language (fr=opus-mt-fr-en; "
                                "'*=nllb-200-distilled-600M' for every language without its own); repeatable")
        parser.set_defaults(translators=None)
    elif translator:
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
                       help="cores per model (default: every usable core for ctranslate2, as batches in flight "
                            "side by side; torch's own default)")
    cache_options(parser)


def fetch_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("feeds and pages (inputs that are URLs, RSS/Atom feeds or --sources)")
    group.add_argument("--sources", action="append", metavar="FILE", default=[],
                       help="a sources.toml naming outlets and their feed URLs (repeatable); read with the inputs")
    group.add_argument("--since", metavar="YYYY-MM-DD",
                       help="keep feed items published on this day or later (--date keeps that one day)")
    group.add_argument("--fetch-timeout", type=float, metavar="SECONDS",
                       help="longest a request may take, whole (default: 20)")
    group.add_argument("--per-host", type=int, metavar="N", help="requests in flight to one host (default: 2)")
    group.add_argument("--connections", type=int, metavar="N", help="requests in flight overall (default: 8)")
    group.add_argument("--page-store", metavar="PATH",
                       help="SQLite file of the feeds and pages fetched (default: pages.sqlite3 beside the "
                            "default cache; --no-cache reads and keeps none)")


def fetcher_from(settings, *, progress: bool):
    """The run's fetcher: made at once, it imports nothing until an input is a URL, feed or sources file."""
    from summarize.fetch import Fetcher, FetchOptions

    return Fetcher(FetchOptions.from_settings(settings, progress=progress))


def translation_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("translation")
    group.add_argument("--beams", type=int, help="beam size (default: 4)")
    group.add_argument("--max-length-factor", type=float,
                       help="output cap per segment = ceil(FACTOR × its length class in tokens) + 10 (default: 1.5)")
    group.add_argument("--token-budget", type=int, help="padded source tokens per batch (default: 1000)")
    group.add_argument("--max-segment-tokens", type=int,
                       help="sentences longer than this are split again (default: 256, or the model's limit)")


def summary_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("summaries (defaults: the model preset's)")
    group.add_argument("--summary-min-tokens", type=int, help="shortest summary, in tokens")
    group.add_argument("--summary-max-tokens", type=int, help="longest summary, in tokens")
    group.add_argument("--summary-beams", type=int, help="beam size for summaries")
    group.add_argument("--no-repeat-ngram-size", type=int, help="never repeat an n-gram of this size")
    group.add_argument("--length-penalty", type=float, help="beam length penalty (>1 favours longer summaries)")
    group.add_argument("--summary-token-budget", type=int, help="padded source tokens per summary batch (default: 2000)")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def settings_from(args: argparse.Namespace):
    """The run's settings: defaults, then SUMMARIZE_* variables, then the options given."""
    from summarize.settings import Settings

    settings = Settings.from_env()
    given = {n: getattr(args, n) for n in SETTING_OPTIONS if hasattr(args, n)}
    if given.get("translators") and settings.translators:  # per language, the option wins over SUMMARIZE_TRANSLATORS
        given["translators"] = merged_translators(settings.translators, given["translators"])
    return settings.replace(**given)


def merged_translators(*specs: str | None) -> str | None:
    """Several ``translators`` lists as one, a later one's language winning over an earlier one's."""
    from summarize.settings import parse_translators

    merged: dict[str, str] = {}
    for spec in specs:
        merged.update(parse_translators(spec))
    return ",".join(f"{language}={model}" for language, model in merged.items()) or None


def read_text(file: Path | str | None, what: str = "") -> str:
    """A UTF-8 text file (a BOM is dropped), or standard input for None or "-"."""
    from summarize.files import read_user_text

    if file is None or str(file) == STDIN:
        return sys.stdin.read()
    return read_user_text(file, what)


def spooled_inputs(inputs: list[str], folder: Path) -> list[str]:
    """``inputs`` with "-" replaced by a file in ``folder`` holding standard input: ``stdin.jsonl`` when
    it reads as a JSONL feed (its first line is a JSON object), else ``stdin.txt``, one article."""
    if STDIN not in inputs:
        return inputs
    data = sys.stdin.buffer.read()
    first = data.lstrip()[:1]
    path = folder / ("stdin.jsonl" if first == b"{" else "stdin.txt")
    path.write_bytes(data)
    return [str(path) if item == STDIN else item for item in inputs]


def executor_options(parser: argparse.ArgumentParser) -> None:
    """Where the per-article stages run (``summarize.executors``): here, or over a Ray cluster."""
    group = parser.add_argument_group("executor (where translation and summaries run)")
    group.add_argument("--executor", choices=["local", "ray"],
                       help="local: in this process (default); ray: over the workers of a Ray cluster, stories and "
                            "pages still made here")
    group.add_argument("--ray-address", metavar="ADDRESS",
                       help="the Ray cluster to join (HOST:PORT of its head, ray://HOST:PORT, or auto; default: "
                            "RAY_ADDRESS, else a local Ray started for the run on this machine's cores)")
    group.add_argument("--ray-workers", type=int, metavar="N",
                       help="workers (actors), each loading the models once (default: 0, one per CPU of the cluster)")
