"""Bytes to text: which encoding an input is in, and whether it is text at all.

Encodings
    UTF-8 (with or without BOM); UTF-16/UTF-32 with a BOM, and UTF-16 without one (recognised by its
    NUL bytes); Windows-1256 (accepted when the decoded text is mostly Arabic letters); other legacy
    encodings through charset-normalizer. UTF-8 with a few bad bytes (under ``MAX_REPLACED_SHARE`` of
    the characters) is kept with U+FFFD in their place; more damage skips the input. Files with NUL
    bytes, too many control characters, or the signature of a known binary format are skipped as
    binary. Decoding is noted in ``problems`` (``skipped=False``) whenever it was a guess or lost bytes.

A whole file is decoded at once (``decode_bytes``); a feed is streamed, so its encoding is decided
from its first bytes (``feed_encoding``) and each line is repaired on its own (``repair_feed_line``).
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter

from summarize.ingest.language import script_counts
from summarize.ingest.problems import Skip

# UTF-8 damage kept (bad bytes replaced by U+FFFD) up to this share of the characters.
MAX_REPLACED_SHARE = 0.01
# Control characters (other than whitespace) above this share of the characters mean binary data.
MAX_CONTROL_SHARE = 0.02

_MAGIC = [
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP archive or office document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
]
# UTF-32 first: its little-endian BOM begins with UTF-16's.
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_ASCII = bytes(range(128))
_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, as surrogateescape keeps them
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str, int]:
    """Decode a whole file: ``(text, encoding, bad bytes replaced)``; raises ``Skip`` for binary data
    and for text in no encoding it can recognise. See the module docstring for the order of tries.
    ``declared`` is an encoding the file names itself (an HTML meta charset), tried after UTF-8."""
    kind = _magic(data)
    if kind:
        raise Skip(f"binary file ({kind})")
    for bom, name in _BOMS:
        if data.startswith(bom):
            text, replaced = _decode_counting(data[len(bom):], name)
            return _checked_text(text), name[:6].rstrip("-"), replaced
    if b"\x00" in data:
        name = _utf16_without_bom(data, final=True)
        if name is None:
            raise Skip("binary file (NUL bytes)")
        text, replaced = _decode_counting(data, name)
        return _checked_text(text), "utf-16", replaced
    try:
        return _checked_text(data.decode("utf-8")), "utf-8", 0
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", "surrogateescape")
    invalid = len(_ESCAPED.findall(escaped))
    non_ascii = len(data.translate(None, _ASCII))
    if invalid <= non_ascii / 2:
        # Mostly well-formed multi-byte sequences: UTF-8 with some damage, not another encoding.
        if invalid > MAX_REPLACED_SHARE * len(escaped):
            raise Skip(f"invalid UTF-8: {invalid} bytes could not be decoded "
                       f"({100 * invalid / len(escaped):.1f}% of the text)")
        return _checked_text(_ESCAPED.sub("\ufffd", escaped)), "utf-8", invalid
    if declared:
        try:
            return _checked_text(data.decode(declared)), declared, 0
        except (UnicodeDecodeError, LookupError):
            pass
    if _is_arabic_cp1256(data):
        return _checked_text(data.decode("cp1256")), "windows-1256", 0
    guessed = _charset_normalizer_guess(data)
    if guessed is not None:
        return guessed
    if invalid <= MAX_REPLACED_SHARE * len(escaped):
        return _checked_text(_ESCAPED.sub("\ufffd", escaped)), "utf-8", invalid
    raise Skip(f"not UTF-8 ({invalid} invalid bytes) and no other encoding recognised")


def declared_charset(data: bytes) -> str | None:
    """The encoding an HTML page names in a meta charset near its start, if Python knows it."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def feed_encoding(head: bytes) -> tuple[str, str, int]:
    """(codec, error handler, bytes to skip) for streaming a feed, decided from its first bytes.
    The codec is "cp1256" only when that was a guess, which the caller notes."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            # surrogateescape keeps bad UTF-8 bytes apart, so that repair_feed_line can judge each line.
            return (name, "surrogateescape" if name == "utf-8" else "replace", len(bom))
    kind = _magic(head)
    if kind:
        raise Skip(f"binary file ({kind})")
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head, final=False)
        if utf16 is None:
            raise Skip("binary file (NUL bytes)")
        return utf16, "replace", 0
    decoded = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(head, final=False)
    invalid = len(_ESCAPED.findall(decoded))
    non_ascii = len(head.translate(None, _ASCII))
    if invalid and invalid > non_ascii / 2 and _is_arabic_cp1256(head):
        return "cp1256", "replace", 0
    return "utf-8", "surrogateescape", 0


def repair_feed_line(line: str) -> tuple[str, str | None]:
    """A feed line read with surrogateescape, its bad bytes dealt with: ``(line, note)``, the note
    saying what was done (None when the line was clean); raises ``Skip`` for a line too damaged."""
    bad = len(_ESCAPED.findall(line))
    if not bad:
        return line, None
    raw = line.encode("utf-8", "surrogateescape")
    if bad > len(raw.translate(None, _ASCII)) / 2 and _is_arabic_cp1256(raw):
        # A Windows-1256 line in a feed whose start looked like UTF-8.
        return raw.decode("cp1256"), "not UTF-8: decoded as windows-1256"
    if bad > MAX_REPLACED_SHARE * len(line):
        raise Skip(f"invalid UTF-8: {bad} bytes could not be decoded")
    return _ESCAPED.sub("\ufffd", line), f"invalid UTF-8 replaced in {bad} places"


def _magic(data: bytes) -> str | None:
    for signature, kind in _MAGIC:
        if data.startswith(signature):
            return kind
    return None


def _decode_counting(data: bytes, encoding: str) -> tuple[str, int]:
    """Decode, replacing bad sequences with U+FFFD; also the number replaced."""
    try:
        return data.decode(encoding), 0
    except UnicodeDecodeError:
        text = data.decode(encoding, "replace")
        # U+FFFD already in the text is not damage.
        replaced = text.count("\ufffd") - data.decode(encoding, "ignore").count("\ufffd")
        if replaced > MAX_REPLACED_SHARE * max(len(text), 1):
            raise Skip(f"invalid {encoding.upper()}: {replaced} sequences could not be decoded") from None
        return text, replaced


def _utf16_without_bom(data: bytes, *, final: bool) -> str | None:
    """"utf-16-le"/"utf-16-be" when the NUL bytes of ``data`` sit on one side of the byte pairs, as
    the high bytes of ASCII characters do in UTF-16; None for other data with NUL bytes. ``final``
    is False for the head of a stream, which may end inside a character."""
    if final and len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    for name, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= 4 and others * 20 <= zeros:
            sample = data if final else data[: len(data) - len(data) % 2]
            try:
                text = sample.decode(name, "strict" if final else "ignore")
            except UnicodeDecodeError:
                return None
            return name if _control_share(text) <= MAX_CONTROL_SHARE else None
    return None


def _control_share(text: str) -> float:
    """Share of characters that no text holds: C0/C1 controls other than whitespace, private use,
    unassigned code points."""
    if not text:
        return 0.0
    bad = 0
    for char, n in Counter(text).items():
        if char.isspace():
            continue
        if unicodedata.category(char) in ("Cc", "Co", "Cn"):
            bad += n
    return bad / len(text)


def _checked_text(text: str) -> str:
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise Skip("binary file (control characters)")
    return text


def _is_arabic_cp1256(data: bytes) -> bool:
    """Whether ``data`` read as Windows-1256 is Arabic text: Arabic letters make at least a quarter of
    the letters and most of the non-ASCII characters (Windows-1256 decodes any byte, so the check is
    on what comes out)."""
    text = data.decode("cp1256")
    counts = script_counts(text)
    letters = sum(counts.values())
    non_ascii = sum(1 for c in text if ord(c) > 127)
    return bool(letters) and counts["arabic"] >= 0.25 * letters and counts["arabic"] >= 0.6 * non_ascii


def _charset_normalizer_guess(data: bytes) -> tuple[str, str, int] | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return None
    try:
        best = from_bytes(data).best()
    except Exception:  # a detector bug must not stop the run: fall back to the other rules
        return None
    # Its UTF-8/ASCII answers add nothing: UTF-8 was tried first. High chaos is a guess at random bytes.
    if best is None or best.encoding in ("utf_8", "ascii") or best.chaos > 0.2:
        return None
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return _checked_text(text), codecs.lookup(best.encoding).name, 0
