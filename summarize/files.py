"""Writing files so that a reader never sees half of one, and a set of files (a digest's three, and
its archive copies) is replaced as a set: every file is written to a temporary beside its target,
flushed to disk, and only when all are complete are they renamed into place.

Temporaries are named ``.NAME.PID.RANDOM.tmp``; those a dead process left behind (kill -9, power loss)
are removed by the next write into the same folder. Files are created with the mode the umask gives
(0644 under the usual 022), not 0600, so a web server can serve an archive.
"""
from __future__ import annotations

import errno
import os
import re
import secrets
from pathlib import Path
from typing import Mapping

from summarize.errors import SummarizeError

_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")


class OutputError(SummarizeError):
    """An output file could not be written (exit status 1); nothing of the set was replaced."""


def atomic_write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary beside it, renamed into place when complete."""
    return write_files({Path(path): text})[0]


def write_files(files: Mapping[Path, str]) -> list[Path]:
    """Write every ``{path: text}``; the targets are replaced only once all temporaries are complete.
    A failure (disk full, read-only, no permission) removes the temporaries, leaves every target as
    it was, and raises OutputError naming the file and the cause."""
    for folder in {Path(p).parent for p in files}:
        remove_stale_temporaries(folder)
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path = Path(path)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
            staged.append((temporary, path))
            _write_through(temporary, text, target=path)
        for temporary, path in staged:
            os.replace(temporary, path)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    return [path for _, path in staged]


def _write_through(temporary: Path, text: str, *, target: Path) -> None:
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {_cause(exc)}") from None


def _cause(exc: OSError) -> str:
    return {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
            errno.EACCES: "permission denied", errno.EDQUOT: "over the disk quota"}.get(
        exc.errno, exc.strerror or str(exc))


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporaries in ``folder`` whose writing process is gone; returns what was removed."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if match and not _alive(int(match["pid"])):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True
