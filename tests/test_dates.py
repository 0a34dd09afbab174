import pytest

from summarize.dates import find_date, is_iso_day, parse_date, parse_date_line


@pytest.mark.parametrize("line, iso", [
    ("2024-05-03", "2024-05-03"),
    ("2024/05/03", "2024-05-03"),
    ("2024-05-03T10:00:00Z", "2024-05-03"),
    ("2024-05-03T10:00:00+03:00", "2024-05-03"),
    ("03/05/2024", "2024-05-03"),  # day first, as Arab outlets write it
    ("3-5-2024", "2024-05-03"),
    ("الجمعة 3 مايو 2024", "2024-05-03"),
    ("3 أيار/مايو 2024", "2024-05-03"),
    ("السبت 4 من أيار 2024", "2024-05-04"),
    ("12 جوان 2023", "2023-06-12"),  # Maghreb month name
    ("1 كانون الثاني 2020", "2020-01-01"),
    ("نشر في: 3 مايو 2024 - 10:30 م", "2024-05-03"),
    ("آخر تحديث: 2024-05-03 10:30", "2024-05-03"),
    ("May 3, 2024", "2024-05-03"),
    ("3 May 2024", "2024-05-03"),
])
def test_date_lines(line, iso):
    assert parse_date_line(line) == iso


@pytest.mark.parametrize("line", [
    "الخميس 16 من نيسان",  # no year: no date
    "31/02/2020",  # no such day
    "2024-13-01",
    "وقال الوزير في 3 مايو 2024 إن العمل مستمر.",  # a sentence mentioning a date is not a date line
    "هذا العام 2020",
    "",
])
def test_not_date_lines(line):
    assert parse_date_line(line) is None


def test_find_date_takes_the_first_full_date_in_a_text():
    assert find_date("تمركز القوات - 1 أيار 2017 - (عنب بلدي)") == "2017-05-01"
    assert find_date("في 9 تموز/يوليو أعلن التحالف") is None


@pytest.mark.parametrize("field, iso, guess", [
    ("2018-05-08", "2018-05-08", None),
    ("2018-05-08T23:30:00.5-05:00", "2018-05-08", None),  # the calendar day it was dated, not UTC's
    ("2018-05-08T01:00:00+14:00", "2018-05-08", None),
    ("2018-05-08 20:00:00+00:00", "2018-05-08", None),
    ("2018-05-08 20:00 UTC", "2018-05-08", None),
    ("20180508", "2018-05-08", None),
    ("20180508T200000Z", "2018-05-08", None),
    ("Tue, 08 May 2018 20:00:00 +0000", "2018-05-08", None),
    ("Tue, 08 May 2018 20:00:00 GMT", "2018-05-08", None),
    ("May 8, 2018", "2018-05-08", None),
    ("8 أيار 2018", "2018-05-08", None),
    ("٠٨/٠٥/٢٠١٨", "2018-05-08", "day first"),  # Arabic-Indic digits
    ("08/05/2018", "2018-05-08", "day first"),  # could be 5 August: the guess is said
    ("8.5.2018 10:30", "2018-05-08", "day first"),
    ("05/05/2018", "2018-05-05", None),  # both readings the same day
    ("23/05/2018", "2018-05-23", None),  # no other reading
    ("05/23/2018", "2018-05-23", "month first"),  # only month first is a day
    ("../../x", None, None),
    ("31/02/2018", None, None),
    ("2018", None, None),
    ("08/05/18", None, None),  # a two-digit year is never guessed
    ("2018-05-08/../../etc", None, None),
    ("published 2018-05-08 and more words", None, None),
    ("", None, None),
    ("2018-05-08" + " " * 200, "2018-05-08", None),
    ("x" * 1000, None, None),
])
def test_date_fields(field, iso, guess):
    assert parse_date(field) == (iso, guess)


def test_date_fields_are_iso_days_or_none():
    for field in ["0000-01-01", "9999-12-31", "2018-02-29", "2020-02-29", "2018-05-08\x00", "\u202e2018-05-08"]:
        iso, _ = parse_date(field)
        assert iso is None or is_iso_day(iso)
