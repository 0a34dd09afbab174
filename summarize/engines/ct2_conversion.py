"""The CTranslate2 conversion cache: a Hugging Face seq2seq model converted, on first use, with
CTranslate2's own ``TransformersConverter`` into ``<conversions_dir()>/NAME--REVISION--WEIGHTS/``, then
reused by every later run.

REVISION is the hub commit, or the ``sha256:`` fingerprint of a local directory's files, so a changed
model converts again; WEIGHTS is the stored weight type (``storage_type``: every int8 compute type
shares the int8 folder). A conversion is written into a hidden staging sibling and renamed into place
only after its completion marker (``MARKER``) is written, so a failed, killed or interrupted conversion
leaves nothing a later run would load; staging folders of dead processes are removed by the next
conversion. The vocabulary map that restricts a model's output (``vmap.txt``) is written beside a
finished conversion.

The engine that runs the conversions is ``summarize.engines.ctranslate2_engine``; this module never
imports it.
"""
from __future__ import annotations

import json
import logging
import os
import re
import time
from pathlib import Path
from typing import Any, Mapping, Sequence

from summarize.files import atomic_write, staged_directory
from summarize.hf import progress_bars_off
from summarize.models import LOCAL_MODELS_DIR, ResolvedModel

log = logging.getLogger("summarize")

CT2_DIR_ENV = "SUMMARIZE_CT2_DIR"
# Written last into a conversion: a folder without it is not a finished conversion and is never used.
MARKER = "summarize-conversion.json"
# Beside a conversion: the output vocabulary map (see write_vocabulary_map).
VOCABULARY_MAP = "vmap.txt"

# Seq2seq architectures (config.json ``model_type``) the CTranslate2 engine can run: the installed
# converter must also register a loader for them (``convertible``). Encoder-decoder only: decoder-only
# models the converter knows (GPT-2, Llama…) need a ``ctranslate2.Generator``, and Whisper takes audio.
SEQ2SEQ_MODEL_TYPES = ("marian", "bart", "mbart", "m2m_100", "pegasus", "t5", "mt5", "umt5")

# Config fields of the pre-4.0 transformers BART family that transformers 5 no longer writes (nor
# defines), while ctranslate2 4.8's BART loader still reads ``normalize_before`` (AttributeError
# otherwise) and ``normalize_embedding``. The values are the ones BART checkpoints always carried; only
# absent fields are filled, so a hub config.json that still has them wins. The Marian and M2M100/NLLB
# loaders set the two they read themselves.
_BART_LEGACY_CONFIG = {
    "normalize_before": False,  # post-norm layers
    "add_final_layer_norm": False,
    "normalize_embedding": True,  # BART has layernorm_embedding
    "static_position_embeddings": False,  # learned positions
    "add_bias_logits": False,
}
# MBart and Pegasus are pre-norm with a final layer norm; Pegasus has sinusoidal positions and no
# embedding layer norm.
_MBART_LEGACY_CONFIG = {**_BART_LEGACY_CONFIG, "normalize_before": True, "add_final_layer_norm": True}
_PEGASUS_LEGACY_CONFIG = {**_MBART_LEGACY_CONFIG, "normalize_embedding": False, "static_position_embeddings": True}
_LEGACY_CONFIG_BY_TYPE = {"bart": _BART_LEGACY_CONFIG, "mbart": _MBART_LEGACY_CONFIG,
                          "pegasus": _PEGASUS_LEGACY_CONFIG}


# --- what converts, and where it goes ------------------------------------------------------------------


def model_type(model: ResolvedModel | os.PathLike | str) -> str | None:
    path = Path(getattr(model, "path", model))
    try:
        return json.loads((path / "config.json").read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError):
        return None


def convertible(model: ResolvedModel | os.PathLike | str) -> bool:
    """Whether ctranslate2 is installed and the model's architecture is one the engine runs
    (``SEQ2SEQ_MODEL_TYPES``). Decided from config.json and the installed packages alone: asking the
    converter itself imports transformers and torch (1.5 s), which a run the cache answers never needs.
    That the pinned converter registers a loader for every one of these types is tested."""
    import importlib.util

    return model_type(model) in SEQ2SEQ_MODEL_TYPES and importlib.util.find_spec("ctranslate2") is not None


def converter_supports(kind: str) -> bool:
    """Whether the installed CTranslate2 converter registers a loader for ``kind`` (imports
    transformers and torch)."""
    from ctranslate2.converters.transformers import _MODEL_LOADERS
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES

    return CONFIG_MAPPING_NAMES.get(kind) in _MODEL_LOADERS


def storage_type(compute_type: str) -> str:
    """The weight type a conversion is saved with, for a given compute type.

    Quantize when converting, not when loading: an int8 folder is a quarter of the float32 one on disk,
    loads faster, and loading never holds the float32 weights in memory (CTranslate2 would otherwise
    read them in full and quantize at load, doubling peak memory for a moment). CTranslate2 converts
    stored weights to the requested compute type at load, so every int8 variant (int8 on CPU,
    int8_float16 on CUDA) shares one int8 folder; float16/bfloat16 are stored as such; float32 (for
    exact comparisons) keeps full precision."""
    if compute_type.startswith("int8"):
        return "int8"
    return compute_type


def conversions_dir(configured: str | os.PathLike | None = None, *,
                    environ: Mapping[str, str] | None = None) -> Path:
    """The folder conversions are kept in: ``configured`` when given (the settings' ``ct2_dir``), else
    ``SUMMARIZE_CT2_DIR`` (read from ``environ``, default ``os.environ``), else ``models/local/ct2/``.
    The one place that reads the variable."""
    if not configured:
        configured = (os.environ if environ is None else environ).get(CT2_DIR_ENV)
    return Path(configured).expanduser() if configured else LOCAL_MODELS_DIR / "ct2"


def conversion_path(model: ResolvedModel, quantization: str, root: Path | None = None) -> Path:
    """``<root>/<model name>--<revision>--<quantization>``: one folder per source revision and weight
    type; the name part is only for people reading the listing."""
    name = re.sub(r"[^\w.-]+", "_", Path(model.name).name if model.preset is None and model.hf_id is None
                  else model.name).strip("_") or "model"
    revision = re.sub(r"[^\w.-]+", "_", model.revision)
    return (root or conversions_dir()) / f"{name}--{revision}--{quantization}"


def is_complete(path: Path) -> bool:
    return (path / MARKER).is_file() and (path / "model.bin").is_file()


# --- converting ----------------------------------------------------------------------------------------


def ensure_converted(model: ResolvedModel, quantization: str, root: Path | None = None) -> Path:
    """The CTranslate2 conversion of ``model`` with ``quantization`` weights, converted now unless a
    complete one is there already.

    Converts into a hidden staging sibling (``.NAME.partial-PID-…``, same filesystem) and renames it
    into place only once the marker is written, so at every instant the final folder is absent or
    complete: a failed, killed or interrupted conversion never leaves something a later run would load.
    A staging folder left by a process that died is removed on the next conversion."""
    target = conversion_path(model, quantization, root)
    if is_complete(target):
        return target
    log.info("converting %s for CTranslate2 (%s weights) into %s; once: later runs reuse it",
             model.name, quantization, target)
    started = time.perf_counter()
    # An unmarked folder already there (copied by hand, an older layout) is replaced, never loaded.
    with staged_directory(target, create=False, keep_complete=is_complete) as staging:
        convert(model, staging, quantization)  # the converter creates the folder itself
        (staging / MARKER).write_text(json.dumps(_provenance(model, quantization), indent=2) + "\n",
                                      encoding="utf-8")
    log.info("converted %s in %.0f s", model.name, time.perf_counter() - started)
    return target


def convert(model: ResolvedModel, output_dir: Path, quantization: str) -> None:
    """Run ctranslate2's TransformersConverter on ``model`` into ``output_dir`` (which must not exist)."""
    from ctranslate2.converters import TransformersConverter

    legacy = _LEGACY_CONFIG_BY_TYPE.get(model_type(model) or "", {})

    class _Converter(TransformersConverter):
        # The pitfall: ctranslate2 4.8 reads BART config fields transformers 5 no longer writes. Fill
        # in the absent ones on the loaded model's config, then let the converter's own loader run.
        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            loaded = super().load_model(model_class, model_name_or_path, **kwargs)
            for field, value in legacy.items():
                if not hasattr(loaded.config, field):
                    setattr(loaded.config, field, value)
            return loaded

        # The other pitfall: M2M100's language tokens (__fr__) are no part of the vocabulary
        # ``get_vocab`` gives for files saved by transformers 5, so the converted vocabulary would come
        # out a hundred entries short of the network; they are added back from the tokenizer's table.
        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            languages = getattr(tokenizer, "lang_token_to_id", None)
            if languages:
                vocabulary = tokenizer.get_vocab
                tokenizer.get_vocab = lambda: {**vocabulary(), **languages}
            return tokenizer

    with progress_bars_off():  # a "Loading weights" bar per conversion is noise
        _Converter(str(model.path)).convert(str(output_dir), quantization=quantization)


def _provenance(model: ResolvedModel, quantization: str) -> dict[str, Any]:
    from summarize.versions import package_version

    return {"source": model.describe(), "quantization": quantization,
            "ctranslate2": package_version("ctranslate2"), "transformers": package_version("transformers"),
            "converted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


# --- beside a conversion ---------------------------------------------------------------------------------


def write_vocabulary_map(path: Path, pieces: Sequence[str]) -> None:
    """A CTranslate2 vocabulary map that makes ``pieces`` the only candidates at every step: one rule
    for the empty source n-gram, which applies to every input. It is written beside a finished
    conversion rather than by the converter, since it comes from the tokenizer, not the weights: a
    conversion made before it existed gets it too. Replaced atomically: a reader sees the old map or
    the new one."""
    content = "\t" + " ".join(pieces) + "\n"
    target = path / VOCABULARY_MAP
    try:
        if target.read_text(encoding="utf-8") == content:
            return
    except OSError:
        pass
    atomic_write(target, content)


def target_vocabulary(path: Path) -> list[str]:
    """The tokens the conversion at ``path`` can write (its shared or target vocabulary), in id order."""
    for name in ("shared_vocabulary.json", "target_vocabulary.json"):
        if (path / name).is_file():
            return json.loads((path / name).read_text(encoding="utf-8"))
    for name in ("shared_vocabulary.txt", "target_vocabulary.txt"):
        if (path / name).is_file():
            return (path / name).read_text(encoding="utf-8").splitlines()
    return []
