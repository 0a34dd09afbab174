"""``translate`` (Arabic lines in, English lines out) and ``summarize`` (English text in, summary out)."""
from __future__ import annotations

import argparse

from summarize.cli.options import model_options, read_text, settings_from, summary_options, translation_options
from summarize.errors import UserError

FILE_HELP = "input file, or - for standard input (the default)"


def add_parsers(commands, common: argparse.ArgumentParser) -> None:
    translate = commands.add_parser("translate", parents=[common], help="Arabic lines in, English lines out",
                                    description="Translate Arabic text line by line: exactly one English line per "
                                                "input line, so line-aligned test sets stay aligned.")
    translate.add_argument("file", nargs="?", help=FILE_HELP)
    model_options(translate, summarizer=False)
    translation_options(translate)
    translate.set_defaults(run=run_translate)

    summarize = commands.add_parser("summarize", parents=[common], help="English text in, summary out",
                                    description="Summarise one English text (file or standard input).")
    summarize.add_argument("file", nargs="?", help=FILE_HELP)
    model_options(summarize, translator=False)
    summary_options(summarize)
    summarize.set_defaults(run=run_summarize)


def run_translate(args: argparse.Namespace) -> int:
    from summarize.translate import Translator

    text = read_text(args.file)
    translator = Translator.from_settings(settings_from(args))
    for line in translator.translate_lines(text.splitlines()):
        print(line)
    return 0


def run_summarize(args: argparse.Namespace) -> int:
    from summarize.summarizers import load_summarizer

    text = read_text(args.file)
    if not text.strip():
        raise UserError("nothing to summarise: the input is empty")
    print(load_summarizer(settings_from(args)).summarize(" ".join(text.split())).text)
    return 0
