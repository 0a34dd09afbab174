"""``models`` (the catalogue, downloads, tiny test models) and ``cache`` (stats, clear)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from summarize.cli.options import settings_from
from summarize.errors import SummarizeError, UserError
from summarize.tables import format_table


def add_parsers(commands, common: argparse.ArgumentParser) -> None:
    from summarize.cache import default_cache_path

    models = commands.add_parser("models", help="the model catalogue, downloads, tiny test models")
    model_commands = models.add_subparsers(dest="models_command", metavar="ACTION")
    model_commands.required = True
    model_commands.add_parser("list", parents=[common], help="the catalogue, and which models are here")
    download = model_commands.add_parser("download", parents=[common],
                                         help="fetch models into the Hugging Face cache (connected machines)")
    download.add_argument("names", nargs="+", metavar="NAME", help="catalogue name or Hugging Face id")
    tiny = model_commands.add_parser("tiny", parents=[common], help="build tiny random models for offline tests")
    tiny.add_argument("dir", type=Path, help="writes DIR/translator, DIR/summarizer and DIR/translator-LANG")
    tiny.add_argument("--languages", type=_language_list, default=["ar"], metavar="LANG,LANG",
                      help="also write DIR/translator-LANG, a LANG→English translator, for each "
                           "(default: ar; an unknown code lists the ones available)")
    models.set_defaults(run=run_models)

    cache = commands.add_parser("cache", help="the translation and summary cache")
    cache_commands = cache.add_subparsers(dest="cache_command", metavar="ACTION")
    cache_commands.required = True
    for action, text in (("stats", "entries per kind and size on disk"), ("clear", "delete every entry")):
        sub = cache_commands.add_parser(action, parents=[common], help=text)
        sub.add_argument("--cache", metavar="PATH", help=f"cache file (default: {default_cache_path()})")
    cache.set_defaults(run=run_cache)


def _language_list(text: str) -> list[str]:
    # Checked against the shipped corpora when building, not here: the parser stays import-light.
    codes = [code.strip().lower() for code in text.split(",") if code.strip()]
    if not codes:
        raise argparse.ArgumentTypeError("name at least one language code, e.g. ar,fr")
    return codes


def run_models(args: argparse.Namespace) -> int:
    from summarize import models

    if args.models_command == "list":
        catalogue = models.load_catalogue()
        rows = [("NAME", "TASK", "FROM", "HERE", "LICENCE", "SIZE", "HUGGING FACE ID")]
        for preset in catalogue.values():
            here = "yes" if models.is_available_locally(preset.name, catalogue) else "-"
            rows.append((preset.name + (" *" if preset.default else ""), preset.task, _reads(preset), here,
                         preset.licence, preset.size, preset.hf_id))
        print(format_table(rows))
        print("\n* default for its task. FROM: the language a translator reads; many: a many-to-many model, "
              "told each text's language in those codes. HERE: found in the Hugging Face cache "
              f"({models.hf_cache_dir()}). Any Hugging Face id or local model directory works too.")
        return 0
    if args.models_command == "download":
        failed = []
        for name in args.names:
            try:
                print(f"{name}: {models.download_model(name).path}")
            except SummarizeError as exc:
                failed.append(str(exc))
        if failed:
            raise SummarizeError("\n".join(failed))
        return 0
    from summarize.tiny import build_tiny_models

    started = time.perf_counter()
    paths = build_tiny_models(args.dir, languages=args.languages)
    for role, path in paths.items():
        print(f"{role}: {path}")
    if not args.quiet:
        others = "".join(f" --translator {role.removeprefix('translator-')}={path}" for role, path in paths.items()
                         if role.startswith("translator-") and role != "translator-ar")
        print(f"built in {time.perf_counter() - started:.1f} s; use them with "
              f"--translator {paths['translator']}{others} --summarizer {paths['summarizer']}", file=sys.stderr)
    return 0


def _reads(preset) -> str:
    """The FROM column: "fr", "many (nllb)" (a many-to-many model and its codes), or "-" when the
    catalogue does not say."""
    if preset.language_codes:
        return f"many ({preset.language_codes})"
    return preset.source_language or "-"


def run_cache(args: argparse.Namespace) -> int:
    cache = settings_from(args).replace(no_cache=False).open_cache()
    if not cache.enabled:
        raise UserError(f"cache {cache.path} cannot be opened")
    if args.cache_command == "clear":
        print(f"removed {cache.clear()} entries from {cache.path}")
        return 0
    stats = cache.stats()
    print(f"cache: {stats['path']}")
    print(format_table([(f"{kind}:", f"{count} entries") for kind, count in stats["entries"].items()], indent="  "))
    print(f"  size on disk: {stats['bytes'] / 1e6:.2f} MB")
    return 0
