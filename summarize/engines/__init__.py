"""Generation backends, registered by name; each is imported only when asked for."""
from __future__ import annotations

import importlib
import logging
import sys

from summarize.engines.base import Engine, EngineOptionError, GenerationSettings


def _quiet_torch_until_imported() -> None:
    """Give torch's loggers, before torch is imported, the level torch itself sets once its import
    completes (``torch._logging._init_logs``: "torch" at WARNING, not propagated). A Ctrl-C during
    that import (transformers imports torch for either engine) lands after modules such as
    ``torch._subclasses.fake_tensor`` have registered exit hooks that log at INFO, and before
    torch's logging is set up: the hooks then reach the root logger, at INFO in the CLI, and print
    "FakeTensor cache stats:" under "interrupted". Not touched once torch is loaded, nor when the
    embedding program has set a level itself; TORCH_LOGS still applies, torch resets these levels."""
    torch_log = logging.getLogger("torch")
    if "torch" not in sys.modules and torch_log.level == logging.NOTSET:
        torch_log.setLevel(logging.WARNING)


_quiet_torch_until_imported()

ENGINES: dict[str, str] = {
    "torch": "summarize.engines.torch_engine:TorchEngine",
    "ctranslate2": "summarize.engines.ctranslate2_engine:CTranslate2Engine",
}
# What --engine accepts: a registered engine, or "auto" (see pick_engine).
ENGINE_CHOICES = ("auto", *ENGINES)

log = logging.getLogger("summarize")


def engine_class(name: str) -> type[Engine]:
    try:
        target = ENGINES[name]
    except KeyError:
        raise EngineOptionError(f"unknown engine {name!r}; choose from: {', '.join(sorted(ENGINES))}") from None
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def pick_engine(model, requested: str) -> str:
    """The engine to run ``model`` (a resolved model, or a model directory) on. A named engine is
    returned as is; ``auto`` is ``ctranslate2`` when the package is installed and its converter handles
    the model's architecture (config.json ``model_type``: Marian, BART, mBART, M2M100/NLLB, Pegasus,
    T5…), ``torch`` otherwise. Callers report the choice."""
    if requested != "auto":
        engine_class(requested)  # unknown names fail here, with the choices
        return requested
    from summarize.engines.ct2_conversion import convertible

    return "ctranslate2" if convertible(model) else "torch"


def compute_type_conflict(engine: str, compute_type: str) -> str | None:
    """Why ``compute_type`` cannot apply to ``engine`` (a registered name), or None when it can."""
    if engine == "torch" and compute_type not in ("auto", "float32"):
        return f"compute_type {compute_type} applies to the ctranslate2 engine; torch runs in float32"
    return None


def load_engine(model, *, engine: str = "torch", device: str = "auto", compute_type: str = "auto",
                threads: int | None = None, conversions=None, restrict_vocabulary: bool = True) -> Engine:
    """Load ``model`` (a resolved model) on the named backend (or the one ``auto`` picks).

    ``compute_type`` is CTranslate2's (auto: int8 on CPU, float16 on CUDA); the torch engine computes
    in float32 and accepts only auto or float32. ``threads``: the cores a model may use (default: CTranslate2
    takes every core the process may use, split by ``thread_split``; torch keeps its own default, the
    physical cores).
    ``conversions``: where CTranslate2 conversions are kept (default: see ``conversions_dir``).
    ``restrict_vocabulary=False`` lets a model write any token of its vocabulary, even one it never
    rightly writes (see ``TokenizedEngine.output_vocabulary``): plain transformers, for comparisons."""
    chosen = pick_engine(model, engine)
    if chosen == "ctranslate2":
        return engine_class(chosen)(model, device=device, compute_type=compute_type, threads=threads,
                                     conversions=conversions, restrict_vocabulary=restrict_vocabulary)
    message = compute_type_conflict(chosen, compute_type)
    if message:
        if engine != "auto":
            raise EngineOptionError(message)
        log.warning("warning: %s (auto picked torch for %s)", message, getattr(model, "name", model))
    return engine_class(chosen)(model, device=device, threads=threads, restrict_vocabulary=restrict_vocabulary)


def load_engine_for(model, settings, *, role: str) -> Engine:
    """Load ``model`` as the run's ``settings`` ask (engine, device, compute type, threads) and say
    which engine runs it: with ``auto`` the user did not choose, so the log line is their only way
    to know."""
    from summarize.engines.ct2_conversion import conversions_dir

    engine = load_engine(model, engine=settings.engine, device=settings.device,
                         compute_type=settings.compute_type, threads=settings.threads or None,
                         conversions=conversions_dir(settings.ct2_dir))
    details = [engine.device] + ([engine.compute_type] if hasattr(engine, "compute_type") else [])
    how = "picked by --engine auto" if settings.engine == "auto" else "as asked"
    log.info("%s %s: %s engine (%s; %s)", role, model.name, engine.name, ", ".join(details), how)
    return engine


__all__ = ["ENGINES", "ENGINE_CHOICES", "Engine", "EngineOptionError", "GenerationSettings", "engine_class", "load_engine", "load_engine_for",
           "pick_engine", "compute_type_conflict"]
