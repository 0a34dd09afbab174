import pytest

from summarize.dates import find_date, parse_date_line


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
