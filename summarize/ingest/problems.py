"""What reading reports instead of failing: the problem records the caller receives, the error for
having nothing to read at all, and the one-line wording shared by every reader.

A problem is either a skip (``skipped=True``: the input, or a feed line, gave no article) or a note
(``skipped=False``: an article was read, but with a loss or a guess the user can check — bad bytes
replaced, an encoding guessed, an id renamed). Reasons are one line each, because they are logged
and listed in digest.json ``errors[]``.
"""
from __future__ import annotations

from summarize.errors import UserError
from summarize.records import InputProblem  # noqa: F401 (the record lives with the others)


class InputError(UserError, ValueError):
    """No input path exists: there is nothing to read at all (exit status 2)."""


class Skip(Exception):
    """Raised inside a reader: skip this input for ``reason``. Never leaves the package: the reader
    that catches it records an ``InputProblem``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


RAISE_HINT = "raise it with --max-article-chars"


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def unexpected(exc: Exception) -> str:
    """The reason for an input lost to an exception no rule foresaw."""
    return f"could not be read: {type(exc).__name__}: {one_line(exc)[:200]} (a bug: please report it)"
