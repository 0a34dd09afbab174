"""Where a run's per-article stages run (``--executor``): ``local``, in this process, or ``ray``,
over the workers of a Ray cluster (``summarize.executors.ray_data``). Each is imported when chosen:
``import ray`` happens only in the Ray executor, so the local path and ``--help`` never pay for it."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from summarize.executors.base import Executor, ReadOnlyCache

if TYPE_CHECKING:
    from summarize.settings import Settings

# name → "module:class", imported on use
EXECUTORS = {"local": "summarize.executors.local:LocalExecutor",
             "ray": "summarize.executors.ray_data:RayExecutor"}


def executor_class(name: str) -> type[Executor]:
    if name not in EXECUTORS:
        raise ValueError(f"unknown executor {name!r}; known: {', '.join(EXECUTORS)}")
    module, _, attribute = EXECUTORS[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


def make_executor(settings: "Settings") -> Executor:
    """The executor ``settings.executor`` names, made for ``settings`` (not started)."""
    cls = executor_class(settings.executor)
    return cls() if settings.executor == "local" else cls(settings)


__all__ = ["EXECUTORS", "Executor", "ReadOnlyCache", "executor_class", "make_executor"]
