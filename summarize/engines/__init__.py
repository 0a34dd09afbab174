"""Generation backends, registered by name; each is imported only when asked for."""
from __future__ import annotations

import importlib

from summarize.engines.base import Engine, GenerationSettings

ENGINES: dict[str, str] = {
    "torch": "summarize.engines.torch_engine:TorchEngine",
}


def engine_class(name: str) -> type[Engine]:
    try:
        target = ENGINES[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; choose from: {', '.join(sorted(ENGINES))}") from None
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def load_engine(model, *, engine: str = "torch", device: str = "auto") -> Engine:
    """Load ``model`` (a resolved model) on the named backend."""
    return engine_class(engine)(model, device=device)


__all__ = ["ENGINES", "Engine", "GenerationSettings", "engine_class", "load_engine"]
