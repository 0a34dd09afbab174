"""Versions of the installed packages a result depends on, for the records that go with it."""
from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version
from typing import Iterable

# What a digest's numbers depend on (digest.json run.environment, benchmark reports).
LIBRARIES = ("torch", "transformers", "tokenizers", "sentencepiece", "ctranslate2")


def package_version(name: str) -> str | None:
    """The installed version of ``name``, None when it is not installed."""
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def package_versions(names: Iterable[str] = LIBRARIES) -> dict[str, str]:
    """``{package: version}`` for those of ``names`` that are installed."""
    return {name: found for name in names if (found := package_version(name)) is not None}


def environment(names: Iterable[str] = LIBRARIES) -> dict[str, str]:
    """Python, the machine's architecture, and the versions of ``names``."""
    return {"python": platform.python_version(), "machine": platform.machine(), **package_versions(names)}
