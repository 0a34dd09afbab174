"""Writing the digest: ``digest.json`` (the documented schema), ``digest.md`` (for reading) and
``digest.html`` (a page to read it on), and with an archive folder a copy per day. Files are written to
a temporary name and renamed into place, so a reader never sees half a file."""
from __future__ import annotations

import json
from pathlib import Path

from summarize.files import write_files
from summarize.records import Digest
from summarize.render.archive import archive_files, index_html, write_archive
from summarize.render.digest_json import SCHEMA_VERSION, to_json
from summarize.render.html import to_html
from summarize.render.markdown import to_markdown

__all__ = ["SCHEMA_VERSION", "index_html", "to_html", "to_json", "to_markdown", "write_archive", "write_digest"]


def write_digest(digest: Digest, out_dir: str | Path, *, archive: str | Path | None = None) -> list[Path]:
    """digest.json, digest.md and digest.html in ``out_dir``; with ``archive``, also a copy per day
    there (YYYY-MM-DD.json/.md/.html) and its rebuilt index.html. All of them are replaced as one set
    (``summarize.files.write_files``): a failure or a kill leaves the previous digest whole."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = to_json(digest)
    markdown = to_markdown(digest) if archive is not None else None  # shared with the archive's copy
    # One file's text at a time: write_files makes each just before writing it.
    files = {out / "digest.json": lambda: json.dumps(data, ensure_ascii=False, indent=2) + "\n",
             out / "digest.md": lambda: markdown if markdown is not None else to_markdown(digest),
             out / "digest.html": lambda: to_html(data)}
    if archive is not None:
        Path(archive).mkdir(parents=True, exist_ok=True)
        files.update(archive_files(data, archive, markdown=markdown))
    return write_files(files)
