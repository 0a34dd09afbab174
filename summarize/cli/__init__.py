"""Command line: ``summarize COMMAND`` (or ``python -m summarize COMMAND``). Each command lives in a
module of this package that adds its parser and the function it runs; heavy libraries are imported
inside those functions, so ``--help`` answers at once and never loads torch."""
from __future__ import annotations

import logging
import os
import sys
from typing import Sequence

from summarize import __version__
from summarize.cli import batch, digest, evaluate, manage, serve, text
from summarize.cli.options import Parser, common_options
from summarize.errors import SummarizeError

# The modules whose commands the parser offers, in the order --help lists them.
COMMAND_MODULES = (digest, batch, text, serve, manage, evaluate)


def build_parser() -> Parser:
    parser = Parser(
        prog="summarize",
        description="Arabic news in, English daily digest out: translation (MarianMT) then summarisation (BART), "
                    "written as digest.json, digest.md and digest.html.",
        epilog="Every option also reads SUMMARIZE_<OPTION> from the environment, e.g. SUMMARIZE_BEAMS=2.",
    )
    parser.add_argument("--version", action="version", version=f"summarize {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    common = common_options()
    for module in COMMAND_MODULES:
        module.add_parsers(commands, common)
    return parser


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
    try:
        return args.run(args)
    except SummarizeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (head, less) stopped reading: stop quietly, as a Unix tool killed by SIGPIPE does,
        # and keep Python from complaining about the unflushed output at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # a bug: keep the message short unless asked for the traceback
        if verbose:
            raise
        print(f"error: {type(exc).__name__}: {exc}\n(run again with -v for the traceback)", file=sys.stderr)
        return 1
