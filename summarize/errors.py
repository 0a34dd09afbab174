"""Errors the command line reports as one line, without a traceback. Each class carries the exit
status it ends the command with, so the command line needs one ``except`` for all of them."""
from __future__ import annotations


class SummarizeError(Exception):
    """A failure the user is told about in one message (a model that is not on this machine…)."""

    exit_code = 1


class UserError(SummarizeError):
    """A problem the user can fix in the command: a bad option, a missing or unreadable file."""

    exit_code = 2
