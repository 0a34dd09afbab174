"""Writing files so that a reader never sees half of one, and a set of files (a digest's three, and
its archive copies) is replaced as a set: every file is written to a temporary beside its target,
flushed to disk, and only when all are complete are they renamed into place. Whole folders (a built
model, a CTranslate2 conversion) are built in a hidden sibling and renamed into place
(``staged_directory``).

Temporaries are named ``.NAME.PID.RANDOM.tmp``; those a dead process left behind (kill -9, power loss)
are removed by the next write into the same folder. Files are created with the mode the umask gives
(0644 under the usual 022), not 0600, so a web server can serve an archive.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from summarize.errors import SummarizeError, UserError

_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")


class OutputError(SummarizeError):
    """An output file could not be written (exit status 1); nothing of the set was replaced."""


def user_cache_dir() -> Path:
    """Where summarize keeps what it can make again (the cache, converted models, compiled page
    templates): ``$XDG_CACHE_HOME/summarize``, by default ``~/.cache/summarize``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "summarize"


def content_digest(root: Path, files: list[Path]) -> str:
    """SHA-256 (16 hex digits) over ``files``' names relative to ``root`` and their bytes, in the
    order given: a model folder's fingerprint, the article cache's fingerprint of the code."""
    import hashlib

    digest = hashlib.sha256()
    for file in files:
        digest.update(file.relative_to(root).as_posix().encode() + b"\0")
        with open(file, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object file's contents; {} when it is absent, unreadable or not an object."""
    try:
        value = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def atomic_write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary beside it, renamed into place when complete."""
    return write_files({Path(path): text})[0]


def write_files(files: Mapping[Path, str | Callable[[], str | Iterable[str]]]) -> list[Path]:
    """Write every ``{path: text}``; the targets are replaced only once all temporaries are complete.
    A failure (disk full, read-only, no permission) removes the temporaries, leaves every target as
    it was, and raises OutputError naming the file and the cause. A text may be given as a function
    that makes it, as one string or as pieces to write one after another (a template's ``generate``,
    ``JSONEncoder.iterencode``): it is made as it is written, so a big digest's files never stand
    whole in memory, neither all at once nor one by one."""
    for folder in {Path(p).parent for p in files}:
        remove_stale_temporaries(folder)
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path = Path(path)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
            staged.append((temporary, path))
            _write_through(temporary, text() if callable(text) else text, target=path)
        for temporary, path in staged:
            os.replace(temporary, path)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    return [path for _, path in staged]


def _write_through(temporary: Path, text: str | Iterable[str], *, target: Path) -> None:
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                fh.writelines(text)
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
        if match and not process_alive(int(match["pid"])):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


# A staging folder older than this is abandoned even if its process id is alive again (reused).
STALE_AFTER_S = 24 * 3600
_PARTIAL = re.compile(r"^\.(?P<name>.+)\.partial-(?P<pid>\d+)-[0-9a-f]+$")


@contextlib.contextmanager
def staged_directory(target: Path, *, create: bool = True,
                     keep_complete: Callable[[Path], bool] | None = None) -> Iterator[Path]:
    """Yield a hidden sibling of ``target`` (``.NAME.partial-PID-RANDOM``; made unless ``create`` is
    False, for tools that insist on making the folder themselves). On success it becomes ``target``;
    on any error (KeyboardInterrupt included) it is removed and ``target`` is left as it was. Staging
    folders of dead processes are removed first.

    An existing ``target`` is replaced — unless ``keep_complete(target)`` says it is already whole
    (another process finished the same work first), when it is kept and this staging dropped. A
    sibling, not a system temp dir, so the final rename stays on one file system and is atomic; the
    leading dot keeps a half-built folder from looking like a finished one in listings."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(target)
    staging = target.with_name(f".{target.name}.partial-{os.getpid()}-{secrets.token_hex(6)}")
    if create:
        staging.mkdir()  # plain mkdir, unlike mkdtemp, honours the umask
    try:
        yield staging
        _publish(staging, target, keep_complete)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _publish(staging: Path, target: Path, keep_complete: Callable[[Path], bool] | None) -> None:
    _apply_umask_to_files(staging)
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        if keep_complete is not None and keep_complete(target):
            shutil.rmtree(staging, ignore_errors=True)
            return
        # A folder cannot be swapped atomically for another non-empty one: the old one is moved aside
        # first, so at every instant ``target`` is absent or whole.
        retired = target.with_name(f".{target.name}.old-{secrets.token_hex(6)}")
        target.rename(retired)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
        return
    try:
        staging.rename(target)
    except OSError:
        if keep_complete is None or not keep_complete(target):
            raise
        shutil.rmtree(staging, ignore_errors=True)  # another process published first: use theirs


def _apply_umask_to_files(directory: Path) -> None:
    # Libraries write through private temporaries (mode 0600: save_pretrained's weights); give every
    # file the mode a plain open() would, which the folder, made by mkdir, already reflects.
    mode = directory.stat().st_mode & 0o666
    for path in directory.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(mode)


def remove_stale_partials(target: Path) -> list[Path]:
    """Remove the staging folders of ``target`` whose process is gone (or older than STALE_AFTER_S)."""
    removed = []
    for partial in Path(target).parent.glob(f".{Path(target).name}.partial-*"):
        match = _PARTIAL.match(partial.name)
        try:
            age = time.time() - partial.stat().st_mtime
        except OSError:
            continue
        if match is None or not process_alive(int(match["pid"])) or age > STALE_AFTER_S:
            shutil.rmtree(partial, ignore_errors=True)
            removed.append(partial)
    return removed


def process_alive(pid: int) -> bool:
    """Whether a process with id ``pid`` runs (another user's counts)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def read_user_text(file: str | Path, what: str = "") -> str:
    """A UTF-8 text file the user named (a BOM is dropped); a missing, unreadable or undecodable one
    is a one-line ``UserError`` naming it as ``what FILE``."""
    label = f"{what} {file}".strip()
    try:
        return Path(file).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{label}: is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{label}: cannot read as UTF-8 text ({exc})") from None
