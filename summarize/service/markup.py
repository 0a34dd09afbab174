"""``format=html``: the text between the tags is translated, the markup is kept as it was sent —
tags, attributes, comments and entities outside the text untouched. Text inside script, style and
template elements, and inside any element marked ``translate="no"`` (HTML's own attribute for it),
is left as it is."""
from __future__ import annotations

import html
import re

_TOKEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?.*?>|</?([A-Za-z][\w:.-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
                    re.S)
_NO_TRANSLATE = re.compile(r"""\btranslate\s*=\s*(["']?)no\1""", re.I)
_RAW = {"script", "style", "template", "textarea"}
# Elements that never have content, so never close.
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


def split_markup(markup: str) -> tuple[list[str], list[int]]:
    """``markup`` as pieces (tags and text, in order; joined they are ``markup``), and the indexes of
    the text pieces to translate."""
    pieces: list[str] = []
    wanted: list[int] = []
    open_tags: list[tuple[str, bool]] = []  # (name, translated inside)
    position = 0

    def text(end: int) -> None:
        if end > position:
            pieces.append(markup[position:end])
            translating = all(inside for _, inside in open_tags)
            if translating and any(char.isalpha() for char in pieces[-1]):
                wanted.append(len(pieces) - 1)

    for match in _TOKEN.finditer(markup):
        text(match.start())
        pieces.append(match[0])
        position = match.end()
        name = (match[1] or "").lower()
        if not name:
            continue
        if match[0].startswith("</"):
            names = [tag for tag, _ in open_tags]
            if name in names:  # unclosed elements inside it (<p>, <li>) close with it
                del open_tags[len(names) - 1 - names[::-1].index(name):]
        elif name not in _VOID and not match[0].rstrip(">").endswith("/"):
            inside = name not in _RAW and not _NO_TRANSLATE.search(match[2] or "")
            open_tags.append((name, inside))
    text(len(markup))
    return pieces, wanted


def text_of(piece: str) -> tuple[str, str, str]:
    """A text piece as (leading whitespace, its text with entities read, trailing whitespace)."""
    stripped = piece.strip()
    start = piece.index(stripped[0]) if stripped else len(piece)
    return piece[:start], html.unescape(stripped), piece[start + len(stripped):]


def text_nodes(markup: str) -> tuple[list[str], list[int], list[str]]:
    """``markup``'s pieces, the indexes of its text pieces to translate, and their texts (entities
    read, surrounding whitespace off)."""
    pieces, wanted = split_markup(markup)
    return pieces, wanted, [text_of(pieces[i])[1] for i in wanted]


def rejoin(pieces: list[str], wanted: list[int], english: list[str]) -> str:
    """The markup again, each wanted text piece replaced by its English (escaped for HTML), its
    surrounding whitespace kept."""
    pieces = list(pieces)
    for i, text in zip(wanted, english, strict=True):
        before, _, after = text_of(pieces[i])
        pieces[i] = before + html.escape(text, quote=False) + after
    return "".join(pieces)
