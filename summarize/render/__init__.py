"""Writing the digest: ``digest.json`` (the documented schema), ``digest.md`` (for reading) and
``digest.html`` (a page to read it on), and with an archive folder a copy per day. Files are written to
a temporary name and renamed into place, so a reader never sees half a file."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from summarize.files import write_files
from summarize.records import Digest
from summarize.render.archive import archive_files, index_html, write_archive
from summarize.render.digest_json import SCHEMA_VERSION, json_pieces, to_json
from summarize.render.html import html_pieces, to_html
from summarize.render.markdown import markdown_pieces, to_markdown

__all__ = ["SCHEMA_VERSION", "html_pieces", "index_html", "json_pieces", "markdown_pieces", "to_html", "to_json",
           "to_markdown", "write_archive", "write_digest"]


def write_digest(digest: Digest, out_dir: str | Path, *, archive: str | Path | None = None,
                 index: bool = True) -> list[Path]:
    """digest.json, digest.md and digest.html in ``out_dir``; with ``archive``, also a copy per day
    there (YYYY-MM-DD.json/.md/.html) and its rebuilt index.html (``index=False``: not rebuilt). All
    of them are replaced as one set (``summarize.files.write_files``): a failure or a kill leaves the
    previous digest whole."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = to_json(digest)
    # Each file made in pieces as it is written (write_files): a big day's text is never whole.
    files = {out / "digest.json": lambda: json_pieces(data),
             out / "digest.md": lambda: markdown_pieces(digest),
             out / "digest.html": lambda: html_pieces(data, archive_prefix=_seen_from(archive, out))}
    if archive is not None:
        Path(archive).mkdir(parents=True, exist_ok=True)
        files.update(archive_files(data, archive, markdown=lambda: markdown_pieces(digest),
                                    documents=digest.documents, index=index))
    return write_files(files)


def _seen_from(archive: str | Path | None, out: Path) -> str:
    """The archive folder as a relative link from ``out`` ("../archive/"), for the digest page's
    links to earlier days; "" without an archive (then no story follows an earlier day)."""
    if archive is None:
        return ""
    relative = Path(os.path.relpath(Path(archive).resolve(), out.resolve())).as_posix()
    return "" if relative == "." else quote(relative) + "/"
