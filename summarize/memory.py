"""Handing freed memory back to the system between the big phases of a run."""
from __future__ import annotations


def release_free_memory() -> None:
    """glibc's malloc_trim(0): free memory at the top of the heap and whole free pages inside every
    arena go back to the system. A no-op where there is no glibc (macOS, musl).

    Worth it when one phase is over and another begins: CTranslate2's buffers are malloc'd from
    glibc's per-thread arenas, which keep freed memory, so a finished phase's working memory otherwise
    stays resident under the next one's."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass
