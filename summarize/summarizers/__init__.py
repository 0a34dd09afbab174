"""Summarisers: one interface (``base.Summarizer``), one implementation per kind — a summarisation
model (``abstractive.ModelSummarizer``) or key sentences without a model
(``extractive.ExtractiveSummarizer``) — and ``load_summarizer``, which picks by the settings' name.
Implementations are imported only when asked for, so choosing one never loads another's libraries."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from summarize.summarizers.base import StoryPlan, Summarizer

if TYPE_CHECKING:
    from summarize.cache import Cache
    from summarize.models import ResolvedModel
    from summarize.settings import Settings

# Summarisers that run no model, by the name --summarizer takes; any other name is a model.
WITHOUT_MODEL = {"extractive": "summarize.summarizers.extractive:ExtractiveSummarizer"}


def needs_model(name: str) -> bool:
    return name not in WITHOUT_MODEL


def load_summarizer(settings: "Settings", model: "ResolvedModel | None" = None,
                    cache: "Cache | None | bool" = True) -> Summarizer:
    """The summariser ``settings.summarizer`` names: one of ``WITHOUT_MODEL``, or a model resolved
    (unless ``model`` is given) and loaded with the settings' engine. ``cache``: True opens the
    settings' cache, None or False runs without one."""
    if not needs_model(settings.summarizer):
        module, _, cls = WITHOUT_MODEL[settings.summarizer].partition(":")
        return getattr(importlib.import_module(module), cls).from_settings(settings)
    from summarize.summarizers.abstractive import ModelSummarizer

    return ModelSummarizer.from_settings(settings, model, cache=cache)


__all__ = ["StoryPlan", "Summarizer", "WITHOUT_MODEL", "load_summarizer", "needs_model"]
