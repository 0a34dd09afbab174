"""Bytes to text — BOMs, UTF-16 without BOM, Windows-1256, charset-normalizer, binary data:
summarize.ingest.decode."""
import codecs
import json
import random

import pytest

from summarize.ingest import InputProblem
from tests.ingest.samples import ARTICLE, BODY, ENGLISH, PAGE, TITLE, read, reasons


# --- binary data and encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        (b"PK\x03\x04" + bytes(40), "ZIP"),
        (random.Random(0).randbytes(4096), "binary file"),
        (bytes(random.Random(1).choice(range(1, 32)) for _ in range(2000)), "control characters"),
    ],
    ids=["png", "pdf", "zip", "random", "controls"],
)
def test_binary_files_are_skipped(tmp_path, data, kind):
    (tmp_path / "blob.txt").write_bytes(data)
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["ok"]
    assert len(problems) == 1 and problems[0].reason.startswith("binary file") and kind in problems[0].reason


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_unicode_encodings_with_bom_or_recognisable_nuls_read_the_same(tmp_path, encoding):
    text = "\r\n".join(ARTICLE.splitlines()) + " (Reuters) 2018"
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # no BOM: recognised by where the NUL bytes sit
        assert not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    (tmp_path / "a.txt").write_bytes(data)
    (article,), problems = read([tmp_path / "a.txt"])
    assert problems == []
    assert article.title == TITLE and article.text == BODY + " (Reuters) 2018"
    assert "\ufeff" not in article.title


def test_windows_1256_is_detected_and_noted(tmp_path):
    (tmp_path / "legacy.txt").write_bytes(ARTICLE.encode("cp1256"))
    (article,), problems = read([tmp_path / "legacy.txt"])
    assert (article.title, article.text, article.language) == (TITLE, BODY, "ar")
    assert problems == [InputProblem(str(tmp_path / "legacy.txt"), "not UTF-8: decoded as windows-1256", skipped=False)]


def test_a_legacy_latin_encoding_is_guessed_by_charset_normalizer(tmp_path):
    text = ENGLISH.replace("said on", "said \u201cfirmly\u201d on") + " Caf\u00e9 owners were \u201cpleased\u201d."
    (tmp_path / "en.txt").write_bytes(text.encode("cp1252"))
    (article,), problems = read([tmp_path / "en.txt"])
    assert "\u201cfirmly\u201d" in article.text and "Caf\u00e9" in article.text
    assert article.language == "en"
    assert len(problems) == 1 and not problems[0].skipped and problems[0].reason.startswith("not UTF-8: decoded as")


def test_invalid_utf8_with_little_damage_is_kept_with_replacements(tmp_path):
    data = ARTICLE.encode("utf-8")
    cut = data.index(" ".encode(), 200)
    damaged = data[:cut] + b"\xff\xfe" + data[cut:]
    (tmp_path / "a.txt").write_bytes(damaged)
    (article,), problems = read([tmp_path / "a.txt"])
    assert article.text.count("\ufffd") == 2
    assert article.text.replace("\ufffd", "") == BODY
    assert problems == [InputProblem(str(tmp_path / "a.txt"), "invalid UTF-8 replaced in 2 places", skipped=False)]


def test_badly_damaged_utf8_is_skipped(tmp_path):
    data = bytearray(ARTICLE.encode("utf-8"))
    for i in range(50, len(data), 30):  # cut every 30th byte: broken sequences everywhere
        data[i] = 0xFF
    (tmp_path / "a.txt").write_bytes(bytes(data))
    articles, problems = read([tmp_path / "a.txt"])
    assert articles == []
    assert problems[0].skipped and problems[0].reason.startswith("invalid UTF-8")


# --- feeds -----------------------------------------------------------------------------------------------


def test_feed_in_utf16_with_crlf_bom_and_invalid_utf8_lines(tmp_path):
    rows = [json.dumps({"id": f"r{i}", "text_ar": f"نص رقم {i}."}, ensure_ascii=False) for i in range(3)]
    (tmp_path / "u16.jsonl").write_bytes("\r\n".join(rows).encode("utf-16"))
    (tmp_path / "bom.ndjson").write_bytes(codecs.BOM_UTF8 + "\r\n".join(rows).replace('"r', '"b').encode("utf-8"))
    long_text = "نص طويل " * 100
    bad = (json.dumps({"id": "bad1", "text_ar": long_text}, ensure_ascii=False).encode().replace(b"\xd9\x86", b"\xff", 1)
           + b"\n" + json.dumps({"id": "bad2", "text_ar": "نص"}, ensure_ascii=False).encode().replace(b"\xd9\x86", b"\xff\xff") + b"\n")
    (tmp_path / "damaged.jsonl").write_bytes(bad)
    articles, problems = read([tmp_path / "u16.jsonl", tmp_path / "bom.ndjson", tmp_path / "damaged.jsonl"])
    assert [a.id for a in articles] == ["r0", "r1", "r2", "b0", "b1", "b2", "bad1"]
    assert articles[-1].text.count("\ufffd") == 1
    assert [(p.input.rsplit("/", 1)[1], p.reason, p.skipped) for p in problems] == [
        ("damaged.jsonl:1", "invalid UTF-8 replaced in 1 places", False),
        ("damaged.jsonl:2", "invalid UTF-8: 2 bytes could not be decoded", True),
    ]


def test_feed_in_windows_1256(tmp_path):
    rows = [json.dumps({"id": f"r{i}", "title_ar": TITLE, "text_ar": BODY}, ensure_ascii=False) for i in range(3)]
    (tmp_path / "old.jsonl").write_bytes("\n".join(rows).encode("cp1256"))
    articles, problems = read([tmp_path / "old.jsonl"])
    assert [(a.title, a.text) for a in articles] == [(TITLE, BODY)] * 3
    assert [p.reason for p in problems] == ["not UTF-8: decoded as windows-1256"]


def test_a_windows_1256_line_in_a_utf8_feed(tmp_path):
    good = json.dumps({"id": "u", "text_ar": BODY}, ensure_ascii=False).encode()
    legacy = json.dumps({"id": "w", "text_ar": BODY}, ensure_ascii=False).encode("cp1256")
    (tmp_path / "f.jsonl").write_bytes(good + b"\n" + legacy + b"\n")
    articles, problems = read([tmp_path / "f.jsonl"])
    assert [(a.id, a.text) for a in articles] == [("u", BODY), ("w", BODY)]
    assert reasons(problems) == {"f.jsonl:2": "not UTF-8: decoded as windows-1256"}


def test_binary_data_named_jsonl_is_skipped(tmp_path):
    (tmp_path / "x.jsonl").write_bytes(b"\x00\x01\x02\x03" * 100)
    (tmp_path / "y.jsonl").write_bytes(b"\x1f\x8b\x08\x00" + bytes(100))
    articles, problems = read([tmp_path])
    assert articles == [] and [p.reason for p in problems] == ["binary file (NUL bytes)", "binary file (gzip archive)"]


# --- HTML ------------------------------------------------------------------------------------------------


def test_html_in_windows_1256_declared_by_meta_charset(tmp_path):
    page = PAGE.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">')
    (tmp_path / "old.html").write_bytes(page.encode("cp1256"))
    (article,), problems = read([tmp_path / "old.html"])
    assert article.text == BODY and problems == []
