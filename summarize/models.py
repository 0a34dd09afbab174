"""Which model a name means, and where its files are: the catalogue in ``models/``, local directories,
and the standard Hugging Face cache. Nothing heavy is imported here: resolving runs before any model
loads, so a missing model is reported within seconds."""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from summarize.errors import SummarizeError
from summarize.files import atomic_write, content_digest, read_json, user_cache_dir
from summarize.languages import model_code

REPO_ROOT = Path(__file__).resolve().parent.parent
# Shipped inside the package, so an installed copy finds it from any folder.
CATALOGUE_PATH = Path(__file__).resolve().parent / "resources" / "catalogue.toml"
# Files the project builds or converts (tiny models, converted engines): a checkout's git-ignored
# models/local/; an installed package's user cache, since site-packages is no place to write.
LOCAL_MODELS_DIR = (REPO_ROOT / "models" / "local" if (REPO_ROOT / "models").is_dir() and (REPO_ROOT / "pyproject.toml").is_file()
                    else user_cache_dir())

# Framework weights we never load: skipping them keeps downloads to what transformers reads.
_IGNORED_DOWNLOADS = ["*.h5", "*.msgpack", "*.ot", "tf_model*", "flax_model*", "rust_model*", "*.onnx", "onnx/*"]
_HF_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


class ModelNotFoundError(SummarizeError, RuntimeError):
    """The model is neither a local directory, nor in the Hugging Face cache, nor downloadable (exit
    status 1)."""


@dataclass(frozen=True)
class Preset:
    """A catalogue entry."""

    name: str
    task: str
    hf_id: str
    licence: str = ""
    size: str = ""
    notes: str = ""
    default: bool = False
    # A many-to-many model's default source language and the target it is made to write, in its own
    # codes (``language_codes``): the engines set the first on the tokenizer and force the second as
    # the first output token (its token: NLLB's "eng_Latn", M2M100's "__en__").
    src_lang: str | None = None
    tgt_lang: str | None = None
    generation: dict[str, Any] = field(default_factory=dict)
    # A many-to-many model's scheme of language codes (LANGUAGE_CODE_SCHEMES), in which it is told each
    # text's language (``GenerationSettings.source_language``); None for a model of one source language.
    language_codes: str | None = None
    # The one language (ISO 639-1, as ``summarize.languages``) a dedicated model reads, so a model
    # named for a language can be checked against it; None when the catalogue does not say.
    source_language: str | None = None


# The code schemes of many-to-many models that ``summarize.languages.model_code`` knows.
LANGUAGE_CODE_SCHEMES = ("nllb", "m2m100")


def load_catalogue(path: Path = CATALOGUE_PATH) -> dict[str, Preset]:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    catalogue = {name: Preset(name=name, **entry) for name, entry in raw.items()}
    for preset in catalogue.values():
        if preset.language_codes is not None and preset.language_codes not in LANGUAGE_CODE_SCHEMES:
            raise ValueError(f"catalogue entry {preset.name}: language_codes must be one of "
                             f"{', '.join(LANGUAGE_CODE_SCHEMES)}, not {preset.language_codes!r}")
    return catalogue


def default_model(task: str, catalogue: dict[str, Preset] | None = None) -> str:
    catalogue = load_catalogue() if catalogue is None else catalogue
    return next(p.name for p in catalogue.values() if p.task == task and p.default)


@dataclass(frozen=True)
class ResolvedModel:
    """A model whose files are on this machine."""

    spec: str  # what the user asked for
    path: Path
    hf_id: str | None = None
    commit: str | None = None  # the Hugging Face commit when loaded from the hub cache
    preset: Preset | None = None

    @cached_property
    def revision(self) -> str:
        """The hub commit, or a fingerprint of a local directory's file contents, so the same
        files give the same revision on any machine."""
        return self.commit or "sha256:" + fingerprint_directory(self.path)

    @property
    def name(self) -> str:
        return self.preset.name if self.preset else (self.hf_id or str(self.path))

    def describe(self) -> dict[str, Any]:
        return {"model": self.name, "hf_id": self.hf_id, "path": str(self.path), "revision": self.revision}


def language_scheme(model: "Preset | ResolvedModel | None") -> str | None:
    """The code scheme (``nllb`` or ``m2m100``) in which a many-to-many model is told its texts'
    language; None for a model of one source language. A preset's ``language_codes``; for a model
    without one (a local directory, a bare Hugging Face id), read from its files: NLLB checkpoints are
    M2M100 networks (config.json ``model_type`` "m2m_100") and differ by their tokenizer."""
    if model is None:
        return None
    if isinstance(model, Preset):
        return model.language_codes
    if model.preset is not None and model.preset.language_codes:
        return model.preset.language_codes
    return scheme_from_files(model.path)


def scheme_from_files(path: Path | str) -> str | None:
    """``language_scheme`` of the checkpoint in ``path``, from config.json and tokenizer_config.json."""
    folder = Path(path)
    config = read_json(folder / "config.json")
    if config.get("model_type") != "m2m_100":
        return None
    kind = read_json(folder / "tokenizer_config.json").get("tokenizer_class") or config.get("tokenizer_class") or ""
    if kind.startswith("Nllb"):
        return "nllb"
    if kind.startswith("M2M100"):
        return "m2m100"
    # No class named: M2M100Tokenizer reads a vocab.json beside its sentencepiece model, NLLB's do not.
    return "m2m100" if (folder / "vocab.json").is_file() else "nllb"


def source_code_for(model: "Preset | ResolvedModel | None", iso_code: str) -> str | None:
    """The code a many-to-many ``model`` is told for texts in ``iso_code`` (ISO 639-1: "fr" →
    "fra_Latn" for NLLB, "fr" for M2M100), for ``GenerationSettings.source_language``. None when the
    model is not many-to-many, or when its scheme lacks the language (M2M100 has no Sorani Kurdish)."""
    scheme = language_scheme(model)
    return None if scheme is None else model_code(iso_code, scheme)


def reads_language(model: "Preset | ResolvedModel | None", iso_code: str) -> bool | None:
    """Whether ``model`` translates texts in ``iso_code``: a many-to-many model when its scheme has a
    code for it, a dedicated one when it is the catalogue's ``source_language``; None when nothing
    says (a local directory or a Hugging Face id of a model of one source language)."""
    if language_scheme(model) is not None:
        return source_code_for(model, iso_code) is not None
    preset = model if isinstance(model, Preset) else getattr(model, "preset", None)
    if preset is not None and preset.source_language:
        return preset.source_language == iso_code
    return None


def fingerprint_directory(path: Path) -> str:
    """A digest of every file's name and contents. Hashing a 1.2 GB checkpoint takes 3 s, on every
    run: the result is remembered (``fingerprint_memo``) against each file's name, size and
    modification time, and computed again only when one of them changes."""
    path = Path(path)
    files = sorted(p for p in path.rglob("*") if p.is_file())
    stamp = _file_stamp(path, files)
    memo_path = fingerprint_memo()
    memo = read_json(memo_path)
    key = str(path.resolve())
    entry = memo.get(key)
    if isinstance(entry, dict) and entry.get("stamp") == stamp and isinstance(entry.get("fingerprint"), str):
        return entry["fingerprint"]
    fingerprint = content_digest(path, files)
    # Remembered only when every file is older than the clock's granularity allows to tell apart:
    # a file rewritten within the same tick, at the same size, would otherwise keep its old stamp.
    settled = time.time() - _SETTLED_S
    if _file_stamp(path, files) == stamp and all(f.stat().st_mtime < settled for f in files):
        memo = {folder: entry for folder, entry in memo.items() if os.path.isdir(folder)}  # gone ones forgotten
        memo[key] = {"stamp": stamp, "fingerprint": fingerprint}
        _write_memo(memo_path, memo)
    return fingerprint


_SETTLED_S = 2.0


def fingerprint_memo() -> Path:
    """Where directory fingerprints are remembered: beside the default cache."""
    return user_cache_dir() / "fingerprints.json"


def _file_stamp(root: Path, files: list[Path]) -> str:
    entries = []
    for file in files:
        info = file.stat()
        entries.append([file.relative_to(root).as_posix(), info.st_size, info.st_mtime_ns])
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()


def _write_memo(path: Path, memo: dict[str, Any]) -> None:
    """Best effort: a memo that cannot be written costs the next run the hashing, nothing else."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(memo, indent=1, sort_keys=True) + "\n")
    except OSError:
        pass


def _looks_like_path(spec: str) -> bool:
    return spec.startswith((".", "/", "~")) or os.sep in spec and not _HF_ID.match(spec)


def hf_cache_dir() -> Path:
    """The standard Hugging Face hub cache, read from the environment at call time (huggingface_hub
    reads it once, at import)."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "huggingface")
    return Path(home).expanduser() / "hub"


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def how_to_provide(spec: str, hf_id: str | None, role: str) -> str:
    name = spec if hf_id is None or spec == hf_id else f"{spec} ({hf_id})"
    option = f"--{role}" if role in ("translator", "summarizer") else "--translator or --summarizer"
    lines = [
        f"model {name} is not available on this machine.",
        "Provide it in one of these ways:",
    ]
    if hf_id:
        lines.append(
            f"  - on a connected machine run `summarize models download {spec}`; it fills the Hugging Face "
            f"cache there: copy that folder to {hf_cache_dir()} here"
        )
    lines.append(f"  - pass a local model directory (saved with save_pretrained): {option} /path/to/model")
    lines.append("  - for offline tests, build tiny stand-ins: `summarize models tiny DIR`")
    return "\n".join(lines)


def resolve_model(spec: str, *, role: str = "model", download: bool = True,
                  catalogue: dict[str, Preset] | None = None) -> ResolvedModel:
    """Find ``spec`` (a catalogue name, a Hugging Face id, or a directory) on this machine, downloading
    it into the Hugging Face cache when allowed and possible. Raises ModelNotFoundError with the
    ways to provide the model."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    local = Path(spec).expanduser()
    if local.is_dir():
        if not (local / "config.json").is_file():
            raise ModelNotFoundError(f"{local} is a directory but holds no config.json: it is not a saved model")
        return ResolvedModel(spec=spec, path=local.resolve())
    preset = catalogue.get(spec)
    hf_id = preset.hf_id if preset else spec
    if preset is None and (_looks_like_path(spec) or not _HF_ID.match(spec)):
        known = ", ".join(catalogue)
        raise ModelNotFoundError(
            f"{spec!r} is neither a model directory, a catalogue name ({known}), nor a Hugging Face id"
        )

    from huggingface_hub import snapshot_download  # light, but only needed here

    hub = {"cache_dir": hf_cache_dir(), "endpoint": os.environ.get("HF_ENDPOINT") or None}
    try:
        path = Path(snapshot_download(hf_id, local_files_only=True, **hub))
    except Exception:
        if not download or _offline():
            reason = "HF_HUB_OFFLINE is set" if _offline() else "downloads are off"
            raise ModelNotFoundError(how_to_provide(spec, hf_id, role) + f"\n({reason}; not in the cache)") from None
        try:
            path = Path(snapshot_download(hf_id, ignore_patterns=_IGNORED_DOWNLOADS, **hub))
        except Exception as exc:  # hub unreachable, unknown repo, auth: all mean the same to the user
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelNotFoundError(
                how_to_provide(spec, hf_id, role) + f"\n(download failed: {first_line})"
            ) from None
    return ResolvedModel(spec=spec, path=path, hf_id=hf_id, commit=path.name, preset=preset)


def download_model(spec: str, catalogue: dict[str, Preset] | None = None) -> ResolvedModel:
    """``resolve_model`` for ``models download``: when the hub cannot be reached the message says so,
    rather than advising the very command that just failed."""
    try:
        return resolve_model(spec, download=True, catalogue=catalogue)
    except ModelNotFoundError as exc:
        detail = str(exc).rsplit("\n", 1)[-1].strip("()")
        if not detail.startswith(("download failed", "HF_HUB_OFFLINE")):
            raise
        hub = os.environ.get("HF_ENDPOINT") or "the Hugging Face Hub"
        raise ModelNotFoundError(
            f"cannot download {spec}: {hub} is not reachable from this machine ({detail}). Download it on a "
            f"connected machine and copy its Hugging Face cache folder to {hf_cache_dir()}") from None


def is_available_locally(spec: str, catalogue: dict[str, Preset] | None = None) -> bool:
    try:
        resolve_model(spec, download=False, catalogue=catalogue)
    except ModelNotFoundError:
        return False
    return True
