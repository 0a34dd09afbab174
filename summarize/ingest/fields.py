"""An article's fields made fit for the outputs: ids, titles, outlets and urls without control
characters, dates as ``YYYY-MM-DD`` or nothing, and whether a text holds anything that shows.

Control characters
    Ids, titles, sources and urls reach log lines, file listings, digest.md and digest.html. A NUL, a
    C0/C1 control, a bidi override (U+202E turns ``gpj.exe`` into what reads as ``exe.jpg``) or an
    invisible format character (zero-width space, BOM, word joiner) in them is removed; line breaks
    and tabs become spaces (in ids and urls, runs of them one space). Zero-width (non-)joiners shape
    Persian and Arabic letters, so titles and sources keep them; ids and urls, which are compared and
    followed, do not.
    An article's text is left as it is: the cleaner (``summarize.clean``) deals with it.

Dates
    A date field is read with ``summarize.dates.parse_date`` into ``YYYY-MM-DD`` (day first, as Arab
    outlets write dates); one that is not a date is dropped with a note keeping the raw value. A date
    read on a guess of the day-month order is noted once per input file.
"""
from __future__ import annotations

import re

from summarize.dates import parse_date
from summarize.ingest.problems import one_line

# Raw values quoted in a note are cut to this many characters.
QUOTED_CHARS = 60

# Controls that are not whitespace (whitespace controls become spaces when runs of whitespace are
# joined), and invisible format characters, the bidi controls among them.
_INVISIBLE_FORMAT = ("\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
                     "\ufff9-\ufffb\U000e0000-\U000e007f")
_CONTROLS = re.compile(f"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f{_INVISIBLE_FORMAT}]")
_JOINERS = re.compile("[\u200c\u200d]")
_OTHER_SPACE = re.compile(r"[^\S ]")
# What renders as nothing: whitespace, controls, invisible format characters and joiners, tatweel
# (U+0640, the stretch between joined letters), Arabic vowel marks without a letter to sit on,
# variation selectors, the combining grapheme joiner, Hangul fillers, the braille blank.
_SHOWS = re.compile(f"[^\\s\x00-\x1f\x7f-\x9f{_INVISIBLE_FORMAT}\u200c\u200d\u0640\u064b-\u065f\u0670"
                    "\u034f\ufe00-\ufe0f\U000e0100-\U000e01ef\u115f\u1160\u3164\uffa0\u2800]")


def clean_field(value: str | None, *, identifier: bool = False) -> str | None:
    """``value`` on one line without control or invisible characters (nor joiners, for an
    ``identifier``); None when nothing is left. A title keeps its own spacing (the cleaner matches
    it against the page's lines)."""
    if value is None:
        return None
    value = _CONTROLS.sub("", value)
    if identifier:
        return " ".join(_JOINERS.sub("", value).split()) or None
    return _OTHER_SPACE.sub(" ", value).strip() or None


def shows_anything(text: str) -> bool:
    """Whether ``text`` has a character that renders as something (a tatweel-only "article" does
    not). Stops at the first one: cheap on any real text."""
    return _SHOWS.search(text) is not None


def quoted(raw: str) -> str:
    """A raw input value as a note quotes it: one line, controls escaped, cut to ``QUOTED_CHARS``."""
    text = one_line(raw[: QUOTED_CHARS * 4])
    return f'"{text[:QUOTED_CHARS]}…"' if len(text) > QUOTED_CHARS else f'"{text}"'


def read_date(raw: str) -> tuple[str | None, str | None, str | None]:
    """``(YYYY-MM-DD or None, note, guess)`` for a date field: the note says what was lost ("is not
    a date") or guessed (the day-month order; ``guess`` names it, so the caller can note it once)."""
    iso, guess = parse_date(clean_field(raw) or "")  # an RLM after a date still leaves a date
    if iso is None:
        return None, f"date {quoted(raw)} is not a date: ignored", None
    if guess == "day first":
        return iso, f"date {quoted(raw)} read day first, as {iso} (noted once per input file)", guess
    if guess == "month first":
        return iso, (f"date {quoted(raw)} read month first, as {iso}: day first it is no date "
                     f"(noted once per input file)"), guess
    return iso, None, None
