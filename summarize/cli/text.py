"""``translate`` (Arabic lines in, English lines out) and ``summarize`` (English texts in, one summary
line each out)."""
from __future__ import annotations

import argparse

from summarize.cli.options import STDIN, model_options, read_text, settings_from, summary_options, translation_options
from summarize.errors import UserError

FILE_HELP = "input file, or - for standard input (the default)"
FILES_HELP = ("English text files, one document each, or - for standard input (the default: standard input, "
              "one document)")


def add_parsers(commands, common: argparse.ArgumentParser) -> None:
    translate = commands.add_parser("translate", parents=[common], help="Arabic lines in, English lines out",
                                    description="Translate Arabic text line by line: exactly one English line per "
                                                "input line, so line-aligned test sets stay aligned.")
    translate.add_argument("file", nargs="?", help=FILE_HELP)
    model_options(translate, summarizer=False)
    translation_options(translate)
    translate.set_defaults(run=run_translate)

    summarize = commands.add_parser("summarize", parents=[common], help="English texts in, one summary line each out",
                                    description="Summarise English texts: each file (or standard input) is one "
                                                "document, and each document's summary is printed on one line, in "
                                                "the order the files were given. All documents are summarised "
                                                "together, so they share batches.")
    summarize.add_argument("file", nargs="*", help=FILES_HELP)
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


def read_documents(files: list[str] | None) -> list[str]:
    """Each input's text with its whitespace collapsed (standard input for none, or for "-", read once
    however often it is named); an empty input is a UserError before any model is loaded."""
    files = list(files or []) or [STDIN]
    texts, stdin = [], None
    for file in files:
        if file == STDIN:
            stdin = read_text(STDIN) if stdin is None else stdin
            text = stdin
        else:
            text = read_text(file)
        texts.append(" ".join(text.split()))
    empty = [("standard input" if file == STDIN else file) for file, text in zip(files, texts) if not text]
    if empty and len(files) == 1:
        raise UserError("nothing to summarise: the input is empty")
    if empty:
        raise UserError(f"nothing to summarise in {', '.join(empty)}: {'it is' if len(empty) == 1 else 'they are'} "
                        "empty")
    return texts


def run_summarize(args: argparse.Namespace) -> int:
    from summarize.summarizers import load_summarizer

    texts = read_documents(args.file)
    # One call: the documents share batches (and the cache), and come back in input order.
    for summary in load_summarizer(settings_from(args)).summarize_many(texts):
        print(" ".join(summary.text.split()))
    return 0
