"""Calendar dates written the ways Arabic news pages write them, read into ISO ``YYYY-MM-DD``.

Forms read (after ``normalize_arabic``, so digits are ASCII):
    ``2024-05-03``, ``2024/05/03``, ``2024-05-03T10:00:00Z`` (ISO, year first);
    ``03/05/2024``, ``3-5-2024``, ``3.5.2024`` — day first: Arab outlets, like most of the world outside
    the US, write the day before the month, so ``08/05/2018`` is 8 May;
    ``3 أيار 2024``, ``3 مايو 2024``, ``3 ماي 2024``, ``3 أيار/مايو 2024``, ``الجمعة 3 من أيار 2024`` — the
    Levantine/Iraqi month names, the Egyptian/Gulf ones and the Maghreb ones, with an optional weekday and
    "من" ("3rd of May"); English ``3 May 2024`` and ``May 3, 2024``.
A date is returned only when it is a real calendar day; nothing is ever guessed from a partial date
("16 من نيسان" has no year, so it is no date).

``parse_date`` reads a date *field* (a feed's ``date``, a page's published time) rather than a line of
text: the forms above, and also ``20240503``, ISO times with fractions and zones (``…T23:30:00.5-05:00``
keeps its calendar day, 2024-05-03: the day the outlet dated it, not the day in UTC), RFC 2822
(``Fri, 03 May 2024 10:00:00 +0000``). It says when its answer rests on the day-month order: numbers
such as ``08/05/2018`` are read day first as above; when that is no day (``05/23/2018``) they are
read month first, the only reading left.
"""
from __future__ import annotations

import re
from datetime import date as Date

# Month names → number. Levantine/Iraqi (كانون الثاني…), Egyptian/Gulf transliterations (يناير…) with
# their common spellings, Maghreb (جانفي، ماي، جوان، جويلية، أوت), and English.
_MONTHS = {
    **dict.fromkeys(["كانون الثاني", "يناير", "جانفي", "january", "jan"], 1),
    **dict.fromkeys(["شباط", "فبراير", "فيفري", "february", "feb"], 2),
    **dict.fromkeys(["آذار", "اذار", "مارس", "march", "mar"], 3),
    **dict.fromkeys(["نيسان", "أبريل", "ابريل", "إبريل", "افريل", "أفريل", "april", "apr"], 4),
    **dict.fromkeys(["أيار", "ايار", "مايو", "ماي", "may"], 5),
    **dict.fromkeys(["حزيران", "يونيو", "يونيه", "جوان", "june", "jun"], 6),
    **dict.fromkeys(["تموز", "يوليو", "يوليه", "جويلية", "جويلة", "july", "jul"], 7),
    **dict.fromkeys(["آب", "اب", "أغسطس", "اغسطس", "أوت", "اوت", "august", "aug"], 8),
    **dict.fromkeys(["أيلول", "ايلول", "سبتمبر", "september", "sep", "sept"], 9),
    **dict.fromkeys(["تشرين الأول", "تشرين الاول", "أكتوبر", "اكتوبر", "october", "oct"], 10),
    **dict.fromkeys(["تشرين الثاني", "نوفمبر", "نونبر", "november", "nov"], 11),
    **dict.fromkeys(["كانون الأول", "كانون الاول", "ديسمبر", "دجنبر", "december", "dec"], 12),
}
_MONTH = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_WEEKDAY = (r"(?:(?:يوم\s+)?(?:ال)?(?:أحد|احد|اثنين|إثنين|ثلاثاء|أربعاء|اربعاء|خميس|جمعة|سبت)|"
            r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\.?[\s,،]*")
# "3 أيار/مايو 2024": a second name of the same month after a slash.
_NAMED = re.compile(
    rf"(?:{_WEEKDAY})?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:من\s+|of\s+)?(?P<month>{_MONTH})"
    rf"(?:\s*/\s*(?:{_MONTH}))?[\s,،]+(?:(?:عام|سنة)\s+)?(?P<year>\d{{4}})",
    re.IGNORECASE,
)
_NAMED_US = re.compile(rf"(?:{_WEEKDAY})?(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})", re.IGNORECASE)
_ISO = re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?=$|[T\s])")
_ISO_TIME = re.compile(r"(?<=\d)T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)
_DAY_FIRST = re.compile(r"(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})[-/.](?P<year>\d{4})(?!\d)")
# What may stand on a date line besides the date: a time ("10:30", "10:30 ص", "م"), a "م" for the
# Gregorian calendar, "آخر تحديث:" / "نشر في" labels, separators.
_TIME = r"(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:ص|م|am|pm|ت م|gmt|utc)?)"
_DATE_LINE_EXTRA = re.compile(
    rf"^(?:(?:نشر|نُشر|تاريخ النشر|آخر تحديث|اخر تحديث|تحديث|published|updated)\s*(?:في|:|on)?\s*:?\s*)?"
    rf"(?P<date>.+?)\s*(?:م\b|هـ\b)?\s*(?:[-|،,]?\s*(?:الساعة\s*)?{_TIME})?\s*(?:z|م)?$",
    re.IGNORECASE,
)


def _valid(year: str, month: int | str, day: str) -> str | None:
    try:
        return Date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> str | None:
    """The first full calendar date written in ``text``, as ``YYYY-MM-DD``; None when there is none."""
    found: list[tuple[int, str]] = []
    for pattern in (_ISO, _DAY_FIRST):
        for match in pattern.finditer(text):
            iso = _valid(match["year"], match["month"], match["day"])
            if iso:
                found.append((match.start(), iso))
                break
    for pattern in (_NAMED, _NAMED_US):
        for match in pattern.finditer(text):
            iso = _valid(match["year"], _MONTHS[match["month"].lower()], match["day"])
            if iso:
                found.append((match.start(), iso))
                break
    return min(found)[1] if found else None


def parse_date_line(line: str) -> str | None:
    """``line`` as a date when the line is nothing but a date (with an optional weekday, time or
    "published" label); None otherwise, so a sentence that mentions a date is never a date line."""
    match = _DATE_LINE_EXTRA.match(_ISO_TIME.sub("", line.strip()))
    if not match:
        return None
    body = match["date"].strip(" ,،-|")
    for pattern in (_ISO, _DAY_FIRST, _NAMED, _NAMED_US):
        whole = pattern.fullmatch(body)
        if whole:
            month = whole["month"]
            month = _MONTHS[month.lower()] if not month.isdigit() else month
            return _valid(whole["year"], month, whole["day"])
    return None


# A field longer than this is no date (and is not worth running the patterns over).
MAX_DATE_CHARS = 100
_COMPACT = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
                      r"(?:T\d{2}(?::?\d{2}){1,2}(?:[.,]\d+)?(?:z|[+-]\d{2}(?::?\d{2})?)?)?", re.IGNORECASE)
# A zone or fraction of a second after a time: dropped, so that the time is one parse_date_line reads.
_ZONE = re.compile(r"(\d{1,2}:\d{2}(?::\d{2})?)(?:[.,]\d+)?\s*(?:z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?\s*$", re.IGNORECASE)
_NUMERIC = re.compile(r"(?<!\d)(?P<first>\d{1,2})(?P<sep>[-/.])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)")


def parse_date(text: str) -> tuple[str | None, str | None]:
    """A date field as ``(YYYY-MM-DD or None, guess)``; ``guess`` is "day first" when the answer
    rests on reading two numbers that could each be the month day first (``08/05/2018``), "month
    first" when only the month-first reading is a day (``05/23/2018``), else None. Anything that is
    not a whole date — a path, a year alone, text around a date — is None: never a partial guess."""
    line = " ".join(str(text).split())
    if not line or len(line) > MAX_DATE_CHARS:
        return None, None
    compact = _COMPACT.fullmatch(line)
    if compact:
        return _valid(compact["year"], compact["month"], compact["day"]), None
    line = _ZONE.sub(r"\1", line)
    iso = parse_date_line(line)
    numeric = _NUMERIC.search(line)
    if numeric is None:
        return iso, None
    first, second, year = numeric["first"], numeric["second"], numeric["year"]
    if iso is not None:
        # Day first is what was read; it was a guess when the month-first reading is another day.
        ambiguous = iso == _valid(year, second, first) and _valid(year, first, second) not in (None, iso)
        return iso, "day first" if ambiguous else None
    swapped = f"{line[:numeric.start()]}{second}{numeric['sep']}{first}{numeric['sep']}{year}{line[numeric.end():]}"
    iso = parse_date_line(swapped)
    return (iso, "month first") if iso is not None else (None, None)


def is_iso_day(text: object) -> bool:
    """Whether ``text`` is a real calendar day written exactly ``YYYY-MM-DD`` (safe as a file name)."""
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        return Date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False
