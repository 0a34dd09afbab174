"""A feed that is not JSON Lines but one JSON array, or JSON objects pretty-printed over several
lines (what ``json.dump(rows, f, indent=2)`` and ``jq . `` write), cut into its elements as it is
streamed: one element is held at a time, never the file.

The cut is structural — brackets and strings are followed, nothing is parsed — so a malformed
element loses only itself: the caller parses each element as it parses a feed line. An element
longer than ``limit`` characters is skipped without being held. What cannot be cut (the file ends
inside an element or the array, or more follows the array's end) ends the file with one problem.
"""
from __future__ import annotations

import re
from typing import Iterator, TextIO

_CHUNK = 1 << 16
# The inside of a string up to its closing quote (or the end of the text read so far): escapes whole.
_STRING_BODY = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*', re.DOTALL)
_ARRAY_MARKS = re.compile(r'["{}\[\],]')
_VALUE_MARKS = re.compile(r'["{}\[\]]')
_LINE_END = re.compile(r"\n")
_NON_SPACE = re.compile(r"\S")


class StreamProblem(Exception):
    """The stream cannot be cut further: ``reason`` for the input at ``line``."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


class _Buffer:
    """The text read so far, addressed by absolute offsets; text before ``keep`` may be forgotten."""

    def __init__(self, stream: TextIO, line: int):
        self.stream, self.text, self.base, self.eof = stream, "", 0, False
        self.keep = 0
        self.mark, self.mark_line = 0, line  # the line ``mark`` is on; marks only move forward

    def more(self) -> bool:
        if self.eof:
            return False
        if self.keep - self.base > _CHUNK:
            self.line_of(self.keep)
            self.text, self.base = self.text[self.keep - self.base:], self.keep
        # Reads grow with the text held: an element of any length costs linear time.
        chunk = self.stream.read(max(_CHUNK, len(self.text)))
        if not chunk:
            self.eof = True
            return False
        self.text += chunk
        return True

    def search(self, pattern: re.Pattern, start: int, *, follow: bool = False) -> int | None:
        """Offset of the next match of a one-character ``pattern`` from ``start``; None at the end.
        ``follow``: what is passed over may be forgotten."""
        while True:
            match = pattern.search(self.text, start - self.base)
            if match:
                return match.start() + self.base
            start = self.base + len(self.text)
            if follow:
                self.keep = start
            if not self.more():
                return None

    def string_end(self, start: int, *, follow: bool = False) -> int | None:
        """Offset just past the closing quote of the string whose inside begins at ``start``."""
        while True:
            end = _STRING_BODY.match(self.text, start - self.base).end() + self.base
            if end - self.base < len(self.text) and self.text[end - self.base] == '"':
                return end + 1
            start = end  # at the end of the text, or at a backslash whose escape is still to come
            if follow:
                self.keep = start
            if not self.more():
                return None

    def char(self, offset: int) -> str:
        return self.text[offset - self.base]

    def slice(self, start: int, end: int) -> str:
        return self.text[start - self.base:end - self.base]

    def line_of(self, offset: int) -> int:
        if offset > self.mark:
            self.mark_line += self.text.count("\n", self.mark - self.base, offset - self.base)
            self.mark = offset
        return self.mark_line


def json_elements(stream: TextIO, line: int, limit: int, *, array: bool) -> Iterator[tuple[int, str | None, int]]:
    """``(line, text, length)`` for each element of the JSON array (``array``) or each top-level
    value that ``stream`` holds, ``line`` being the line the stream starts on; ``text`` is None for
    an element longer than ``limit`` characters. Raises ``StreamProblem`` where the cut fails."""
    buf = _Buffer(stream, line)
    position = 0
    if array:
        position = buf.search(_NON_SPACE, 0) + 1  # past the "[" the caller saw
    while True:
        start = buf.search(_NON_SPACE, position, follow=True)
        if start is None:
            if array:
                raise StreamProblem(buf.line_of(buf.base + len(buf.text)), "the file ends inside the JSON array "
                                                                             "(no closing ])")
            return
        char = buf.char(start)
        if array and char == "]":
            after = buf.search(_NON_SPACE, start + 1, follow=True)
            if after is not None:
                raise StreamProblem(buf.line_of(after), "more after the end of the JSON array: not read")
            return
        if array and char == ",":
            position = start + 1
            continue
        buf.keep = start
        start_line = buf.line_of(start)
        end = _element_end(buf, start, limit, array=array, scalar=not array and char not in "{[")
        if end is None:
            raise StreamProblem(start_line, "malformed JSON: the file ends inside this element")
        length = end - start
        yield start_line, (buf.slice(start, end) if length <= limit else None), length
        position = end


def _element_end(buf: _Buffer, start: int, limit: int, *, array: bool, scalar: bool) -> int | None:
    """Offset where the element beginning at ``start`` ends (exclusive); None when the file ends
    first. In an array an element ends at its "," or the array's "]"; a top-level value at its
    closing bracket, or (not a bracket: not an object, which the caller reports) its line's end."""
    marks = _LINE_END if scalar else _ARRAY_MARKS if array else _VALUE_MARKS
    depth = 0
    position = start
    while True:
        follow = position - start > limit  # too long to keep: only its end is looked for
        found = buf.search(marks, position, follow=follow)
        if found is None:
            return buf.base + len(buf.text) if scalar else None
        char = buf.char(found)
        if char == "\n" or (char == "," and depth == 0):
            return found
        if char == '"':
            position = buf.string_end(found + 1, follow=follow)
            if position is None:
                return None
            continue
        position = found + 1
        if char in "{[":
            depth += 1
        elif char in "}]":
            if char == "]" and depth == 0 and array:  # the array's own "]"
                return found
            depth = max(0, depth - 1)  # a stray "}" is the element's parser's to report
            if depth == 0 and not array:
                return position
