"""Sources files (--sources): what a good one gives and how a bad one is reported."""
import pytest

from summarize.errors import UserError
from summarize.fetch.sources import read_sources


def write(tmp_path, text):
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_source_has_its_name_feeds_language_and_notes(tmp_path):
    path = write(tmp_path, '''
[[source]]
name = "  Al   Jazeera "
feeds = ["http://127.0.0.1:8/a.xml", { url = "https://127.0.0.1:8/b.xml" }]
language = "ar"
notes = "pan-Arab"

[[source]]
name = "Saved"
feed = "feeds/day.rss"
''')
    sources = read_sources(path).sources
    assert [(s.name, s.feeds, s.language, s.notes) for s in sources] == [
        ("Al Jazeera", ("http://127.0.0.1:8/a.xml", "https://127.0.0.1:8/b.xml"), "ar", "pan-Arab"),
        ("Saved", (str(tmp_path / "feeds" / "day.rss"),), None, None)]  # a file is relative to the sources file


@pytest.mark.parametrize("text, message", [
    ("name = 'x'", "no [[source]] tables"),
    ("[[source]]\nfeeds = ['http://127.0.0.1/a']", "source 1: needs a name"),
    ("[[source]]\nname = 'A'", "source 'A': needs feeds"),
    ("[[source]]\nname = 'A'\nfeeds = []", "source 'A': needs feeds"),
    ("[[source]]\nname = 'A'\nfeeds = [3]", "source 'A': 3 is not a feed URL"),
    ("[[source]]\nname = 'A'\nfeeds = ['http://127.0.0.1/a']\nurl = 'x'", "unknown field(s) url"),
    ("[[source]]\nname = 'A'\nfeeds = ['http://127.0.0.1/a']\nlanguage = 1", "language must be a string"),
    ("[[source]\nname = 'A'", "not valid TOML"),
])
def test_a_bad_sources_file_is_one_line_naming_the_source_and_field(tmp_path, text, message):
    with pytest.raises(UserError) as raised:
        read_sources(write(tmp_path, text))
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert str(raised.value).startswith(f"sources file {tmp_path / 'sources.toml'}")


def test_a_missing_sources_file(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        read_sources(tmp_path / "nowhere.toml")
