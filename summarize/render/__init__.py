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
    if archive is None:
        # One file's text at a time (write_files makes each just before writing it).
        return write_files({out / "digest.json": lambda: json.dumps(data, ensure_ascii=False, indent=2) + "\n",
                            out / "digest.md": lambda: to_markdown(digest),
                            out / "digest.html": lambda: to_html(data)})
    markdown = to_markdown(digest)
    files = {out / "digest.json": json.dumps(data, ensure_ascii=False, indent=2) + "\n",
             out / "digest.md": markdown,
             out / "digest.html": to_html(data)}
    Path(archive).mkdir(parents=True, exist_ok=True)
    files.update(archive_files(data, archive, markdown=markdown))
    return write_files(files)
