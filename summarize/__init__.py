"""summarize: Arabic news in, English daily digest out.

The public API is imported lazily so that ``import summarize`` (and ``python -m summarize --help``)
stays fast and never loads torch."""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Pipeline": "summarize.pipeline",
    "Translator": "summarize.translate",
    "Summarizer": "summarize.summarizers",
    "load_summarizer": "summarize.summarizers",
    "Settings": "summarize.settings",
    "read_articles": "summarize.ingest",
    "write_digest": "summarize.render",
    "resolve_model": "summarize.models",
    "build_tiny_models": "summarize.tiny",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'summarize' has no attribute {name!r}")


__all__ = ["__version__", *_EXPORTS]
