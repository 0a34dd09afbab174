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


def is_iso_day(text: object) -> bool:
    """Whether ``text`` is a real calendar day written exactly ``YYYY-MM-DD`` (safe as a file name)."""
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        return Date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False
