"""Reading articles: text files (one article each, title on the first line), JSONL feeds (one article
per line), HTML pages (the article text extracted), and directories of them.

The rule of this package: bad input never stops a run and never loses the rest of it. Whatever cannot
be read is skipped with a one-line reason appended to ``problems`` (the caller logs them and puts them
in the digest); everything else is read. Inputs are only ever opened for reading.

One job a module, each importing only those below it:

- ``walk``: paths and folders, links, excluded folders, the per-article size limit and its ceiling,
  ids and duplicates (``read_articles``);
- ``readers``: the ``.txt``, ``.jsonl`` and HTML formats;
- ``jsonstream``: a ``.jsonl`` that is one JSON array, or pretty-printed objects, cut into elements;
- ``outputs``: the tool's own digest files, recognised among inputs;
- ``decode``: bytes to text — BOMs, UTF-16 without BOM, Windows-1256, charset-normalizer, binary data;
- ``html``: an HTML page's article text, by trafilatura or by stripping the markup;
- ``fields``: ids, titles, sources and urls without control characters; dates as YYYY-MM-DD;
- ``language``: which language an article is in, from its letters;
- ``problems``: ``InputProblem``, ``InputError`` and the wording of reasons, on one line.
"""
from __future__ import annotations

from summarize.ingest.decode import MAX_CONTROL_SHARE, MAX_REPLACED_SHARE, declared_charset, decode_bytes
from summarize.ingest.html import extract_html, strip_markup
from summarize.ingest.language import detect_language
from summarize.ingest.problems import InputError, InputProblem, one_line, shown
from summarize.ingest.readers import (
    FEED_CHARS_PER_CHAR,
    FEED_LINE_SLACK,
    FEED_SUFFIXES,
    HTML_BYTES_PER_CHAR,
    HTML_SUFFIXES,
    SNIFF_BYTES,
    SUPPORTED_SUFFIXES,
    TEXT_BYTES_PER_CHAR,
    TEXT_SUFFIXES,
    TITLE_MAX_CHARS,
)
from summarize.ingest.outputs import own_output
from summarize.ingest.walk import (
    DEFAULT_MAX_ARTICLE_CHARS,
    HARD_MAX_ARTICLE_CHARS,
    LINK_OUTSIDE,
    check_max_article_chars,
    read_articles,
)

__all__ = [
    "DEFAULT_MAX_ARTICLE_CHARS",
    "FEED_CHARS_PER_CHAR",
    "FEED_LINE_SLACK",
    "FEED_SUFFIXES",
    "HARD_MAX_ARTICLE_CHARS",
    "HTML_BYTES_PER_CHAR",
    "HTML_SUFFIXES",
    "InputError",
    "InputProblem",
    "LINK_OUTSIDE",
    "MAX_CONTROL_SHARE",
    "MAX_REPLACED_SHARE",
    "SNIFF_BYTES",
    "SUPPORTED_SUFFIXES",
    "TEXT_BYTES_PER_CHAR",
    "TEXT_SUFFIXES",
    "TITLE_MAX_CHARS",
    "check_max_article_chars",
    "declared_charset",
    "decode_bytes",
    "detect_language",
    "extract_html",
    "one_line",
    "own_output",
    "read_articles",
    "shown",
    "strip_markup",
]
