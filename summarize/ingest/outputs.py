"""The files this tool writes, recognised when they turn up among its inputs.

A digest written into an input folder (``--out`` or ``--archive`` inside it, this run's or an
earlier one's) must not come back as articles on the next run: its pages would be read as news,
translated and summarised again. The run's own output folders are excluded by the caller; this
module recognises the files of any other run, by name *and* content, so an article page that
happens to be called ``index.html`` is still read:

- ``digest.json`` / ``YYYY-MM-DD.json``: a JSON object whose first key is ``schema_version`` (then
  ``date``) and which has a top-level ``run`` (the last key, so it is looked for near the end);
- ``YYYY-MM-DD.stories.json`` (an archive's stories, ``summarize.followups.sidecar``): a JSON object
  whose first key is ``stories_schema_version``;
- ``digest.md`` / ``YYYY-MM-DD.md``: its first line ``# Arabic news digest — …``;
- ``digest.html`` / ``YYYY-MM-DD.html`` / ``index.html``: the page's own Content-Security-Policy
  (``default-src 'none'`` — no news site can work under it) and its title, ``Arabic news digest — …``
  or ``Arabic news digests`` (``summarize/render/templates``).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

# Bytes read from the start (and, for JSON, the end) of a candidate file: the markers are in its head.
HEAD_BYTES = 8192
TAIL_BYTES = 256 * 1024

_NAME = re.compile(r"(?:digest|\d{4}-\d{2}-\d{2})\.(?:json|md|html)|\d{4}-\d{2}-\d{2}\.stories\.json|index\.html")
_JSON_HEAD = re.compile(rb'\A\s*\{\s*"schema_version"\s*:\s*\d+\s*,\s*"date"\s*:')
_SIDECAR_HEAD = re.compile(rb'\A\s*\{\s*"stories_schema_version"\s*:\s*\d+\s*,')
_JSON_RUN = re.compile(rb'\n\s{0,8}"run"\s*:\s*\{')
_MD_HEAD = re.compile(r"\A# Arabic news digest — ".encode())
_HTML_POLICY = re.compile(rb"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
_HTML_TITLE = re.compile(r"<title>Arabic news digest(?: — |s</title>)".encode())


def own_output(path: Path) -> str | None:
    """What ``path`` is when it is a file this tool wrote ("digest JSON", "digest page", …); None for
    any other file, and for one that cannot be read or is no regular file (the reader reports it)."""
    if not _NAME.fullmatch(path.name) or not path.is_file():  # a pipe named digest.html would block
        return None
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
            if path.name.endswith(".stories.json"):
                return "archive stories" if _SIDECAR_HEAD.match(head) else None
            if path.suffix == ".json" and _JSON_HEAD.match(head):
                size = os.fstat(fh.fileno()).st_size
                fh.seek(max(0, size - TAIL_BYTES))
                return "digest JSON" if _JSON_RUN.search(fh.read(TAIL_BYTES)) else None
    except OSError:
        return None
    if path.suffix == ".md" and _MD_HEAD.match(head.lstrip(b"\xef\xbb\xbf")):
        return "digest Markdown"
    if path.suffix == ".html" and _HTML_POLICY.search(head) and _HTML_TITLE.search(head):
        return "archive index" if path.name == "index.html" else "digest page"
    return None
