"""An HTML page's article: its title, main text and what the page says about itself.

The main text and title are extracted with trafilatura (precision over recall, comments excluded),
with the site name, canonical URL and date when the page gives them. When trafilatura finds nothing,
or is not installed, the markup is stripped instead: no scripts, styles, navigation, footers or
forms, block elements as line breaks, and the page's <title> as the title.
"""
from __future__ import annotations

import logging
from html.parser import HTMLParser


def extract_html(html: str, *, fallback: bool = True) -> tuple[str, str, dict[str, str]]:
    """``(title, text, metadata)`` of an HTML page: the article's title and main text (paragraphs one
    per line) and, when the page says, ``source``, ``url``, ``date`` and ``author``. trafilatura first; when it
    finds no text (or is not installed) the markup is stripped, keeping the <title>, unless not
    ``fallback``: a page fetched from a feed with no article trafilatura can find is an index or an
    error page, and its stripped markup would be navigation."""
    title, text, meta = _trafilatura_extract(html)
    if not text.strip() and fallback:
        title_fallback, text = strip_markup(html)
        title = title or title_fallback
    return " ".join(title.split()), text.strip(), meta


def _trafilatura_extract(html: str) -> tuple[str, str, dict[str, str]]:
    try:
        import trafilatura
    except Exception:  # not installed, or a broken install (missing lxml_html_clean): strip markup
        return "", "", {}
    for name in ("trafilatura", "htmldate", "justext", "courlan"):
        # trafilatura logs "discarding data" and parser errors at WARNING/ERROR for pages it cannot
        # use; the caller reports the page once, through problems. Explicit settings are respected.
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.CRITICAL)
    try:
        doc = trafilatura.bare_extraction(html, include_comments=False, favor_precision=True, with_metadata=True)
    except Exception:  # a parser failure on a hostile page: fall back to stripping the markup
        return "", "", {}
    if doc is None:
        return "", "", {}
    meta = {}
    for key, attribute in (("source", "sitename"), ("url", "url"), ("date", "date"), ("author", "author")):
        value = getattr(doc, attribute, None)
        if isinstance(value, str) and value.strip():
            meta[key] = value.strip()
    if "source" not in meta and isinstance(getattr(doc, "hostname", None), str) and doc.hostname:
        meta["source"] = doc.hostname
    return getattr(doc, "title", None) or "", getattr(doc, "text", None) or "", meta


_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
    "td", "th", "tr", "ul",
}
_HIDDEN_TAGS = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas"}
_CHROME_TAGS = {"nav", "footer", "aside", "form", "button", "select"}


class _TextOfPage(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # Depths, not flags: hidden and chrome elements nest (a form inside a footer).
        self.hidden = 0
        self.chrome = 0
        self.in_title = False
        self.title: list[str] = []
        self.lines: list[str] = []
        self.current: list[str] = []

    def _break(self) -> None:
        line = " ".join("".join(self.current).split())
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        elif tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag in _CHROME_TAGS:
            self.chrome += 1
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)  # a stray end tag must not hide the rest of the page
        elif tag in _CHROME_TAGS:
            self.chrome = max(0, self.chrome - 1)
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.hidden and not self.chrome:
            self.current.append(data)


def strip_markup(html: str) -> tuple[str, str]:
    """``(title, text)`` of a page with the markup removed: no scripts, styles, navigation, footers or
    forms; block elements become line breaks. For pages trafilatura cannot read."""
    parser = _TextOfPage()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; this only guards against the unforeseen
        pass
    parser._break()
    return " ".join("".join(parser.title).split()), "\n".join(parser.lines)
