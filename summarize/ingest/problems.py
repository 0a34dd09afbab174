"""What reading reports instead of failing: the problem records the caller receives, the error for
having nothing to read at all, and the one-line wording shared by every reader.

A problem is either a skip (``skipped=True``: the input, or a feed line, gave no article) or a note
(``skipped=False``: an article was read, but with a loss or a guess the user can check — bad bytes
replaced, an encoding guessed, an id renamed). Reasons are one line each, because they are logged
and listed in digest.json ``errors[]``.
"""
from __future__ import annotations

import re

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


# What would break a log line or reorder it on screen: C0 and C1 controls, bidi controls, line and
# paragraph separators, a BOM, and lone surrogates (how Python keeps the bytes of a file name that
# are not UTF-8).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte itself
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(where: object) -> str:
    """A path (or ``path:line``) as it can be logged and listed: one line, every control character
    written as an escape (``\\n``, ``\\u202e``) so the name stays recognisable and can be found."""
    return _UNPRINTABLE.sub(_escape, str(where))


def one_line(text: object) -> str:
    """A reason on one line: runs of whitespace, line breaks included, as one space; other control
    characters escaped as ``shown`` does."""
    return shown(" ".join(str(text).split()))


def unexpected(exc: Exception) -> str:
    """The reason for an input lost to an exception no rule foresaw."""
    return f"could not be read: {type(exc).__name__}: {one_line(exc)[:200]} (a bug: please report it)"
