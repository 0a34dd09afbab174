"""The CTranslate2 conversion cache: conversion on first use that is reused, keyed by revision and weight
type, never half-written, in the folder the environment names; the vocabulary map beside it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2")

from summarize.engines import ct2_conversion as conversion  # noqa: E402
from summarize.engines import ctranslate2_engine as ct2  # noqa: E402
from summarize.engines.base import GenerationSettings  # noqa: E402
from summarize.files import remove_stale_partials  # noqa: E402
from summarize.models import resolve_model  # noqa: E402


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = conversion.convert

    def counting(model, output_dir, quantization):
        calls.append((model.path, quantization))
        return real(model, output_dir, quantization)

    monkeypatch.setattr(conversion, "convert", counting)
    return calls


def test_conversion_is_reused(tiny_models, tmp_path, counted):
    model = resolve_model(str(tiny_models["summarizer"]))
    first = ct2.CTranslate2Engine(model, device="cpu", compute_type="float32", conversions=tmp_path)
    marker = first.path / conversion.MARKER
    stamp = marker.stat().st_mtime_ns
    second = ct2.CTranslate2Engine(model, device="cpu", compute_type="float32", conversions=tmp_path)
    assert second.path == first.path
    assert len(counted) == 1 and marker.stat().st_mtime_ns == stamp
    assert second.generate(["The talks ended."], GenerationSettings(num_beams=1, max_new_tokens=4)) is not None
    provenance = json.loads(marker.read_text(encoding="utf-8"))
    assert provenance["source"]["revision"] == model.revision and provenance["quantization"] == "float32"
    # Another weight type is another folder; the revision is part of the key.
    assert ct2.CTranslate2Engine(model, device="cpu", compute_type="int8", conversions=tmp_path).path.is_dir()
    assert len(counted) == 2
    assert sorted(p.name.rsplit("--", 1)[1] for p in tmp_path.iterdir()) == ["float32", "int8"]
    assert all(model.revision.replace(":", "_") in p.name for p in tmp_path.iterdir())


def test_nothing_is_converted_before_the_first_generation(tiny_models, tmp_path, counted):
    """As the torch engine loads weights lazily: a run the cache answers never converts."""
    model = resolve_model(str(tiny_models["translator"]))
    engine = ct2.CTranslate2Engine(model, device="cpu", compute_type="float32", conversions=tmp_path)
    assert engine.token_lengths(["قال"]) and engine.max_input_tokens == 64
    assert engine.identity() == {"engine": "ctranslate2", "revision": model.revision, "compute_type": "float32",
                                 "output_vocabulary": "target pieces"}
    assert counted == [] and list(tmp_path.iterdir()) == []
    engine.generate(["قال"], GenerationSettings(num_beams=1, max_new_tokens=4))
    assert len(counted) == 1


def test_conversion_folder_from_environment(tiny_models, tmp_path, monkeypatch):
    monkeypatch.setenv(conversion.CT2_DIR_ENV, str(tmp_path / "elsewhere"))
    model = resolve_model(str(tiny_models["translator"]))
    assert conversion.conversion_path(model, "int8").parent == tmp_path / "elsewhere"
    monkeypatch.delenv(conversion.CT2_DIR_ENV)
    from summarize.models import LOCAL_MODELS_DIR

    assert conversion.conversion_path(model, "int8").parent == LOCAL_MODELS_DIR / "ct2"


def test_conversions_dir_prefers_the_setting_then_the_environment(tmp_path, monkeypatch):
    from summarize.models import LOCAL_MODELS_DIR

    monkeypatch.setenv(conversion.CT2_DIR_ENV, str(tmp_path / "from-env"))
    assert conversion.conversions_dir() == tmp_path / "from-env"
    assert conversion.conversions_dir(tmp_path / "from-settings") == tmp_path / "from-settings"
    assert conversion.conversions_dir("~/ct2") == Path.home() / "ct2"
    assert conversion.conversions_dir(environ={conversion.CT2_DIR_ENV: "~/elsewhere"}) == Path.home() / "elsewhere"
    assert conversion.conversions_dir(environ={}) == LOCAL_MODELS_DIR / "ct2"
    assert conversion.conversions_dir("", environ={}) == LOCAL_MODELS_DIR / "ct2"


def test_interrupted_conversion_is_never_used(tiny_models, tmp_path, monkeypatch):
    model = resolve_model(str(tiny_models["translator"]))
    real = conversion.convert

    def half_then_fail(model, output_dir, quantization):
        real(model, output_dir, quantization)  # a complete-looking model.bin is there …
        (Path(output_dir) / "model.bin").write_bytes(b"truncated")
        raise KeyboardInterrupt  # … when the user presses Ctrl-C

    monkeypatch.setattr(conversion, "convert", half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        ct2.CTranslate2Engine(model, device="cpu", compute_type="float32", conversions=tmp_path).path
    assert list(tmp_path.iterdir()) == []  # neither a final folder nor a staging one

    monkeypatch.setattr(conversion, "convert", real)
    engine = ct2.CTranslate2Engine(model, device="cpu", compute_type="float32", conversions=tmp_path)
    converted = engine.path
    assert [p.name for p in tmp_path.iterdir()] == [converted.name]
    assert engine.generate(["قال"], GenerationSettings(num_beams=1, max_new_tokens=4))


def test_stale_partial_and_unmarked_folders_are_not_used(tiny_models, tmp_path, counted):
    model = resolve_model(str(tiny_models["translator"]))
    target = conversion.conversion_path(model, "float32", tmp_path)
    # A staging folder of a process that was killed mid-conversion …
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = target.with_name(f".{target.name}.partial-{int(dead.stdout)}-deadbeef")
    stale.mkdir()
    (stale / "model.bin").write_bytes(b"half")
    # … and a final-looking folder without the completion marker (copied by hand, say).
    target.mkdir()
    (target / "model.bin").write_bytes(b"not a model")
    (target / "config.json").write_text("{}")

    engine = ct2.CTranslate2Engine(model, device="cpu", compute_type="float32", conversions=tmp_path)
    assert engine.path == target and len(counted) == 1 and conversion.is_complete(target)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert engine.generate(["قال"], GenerationSettings(num_beams=1, max_new_tokens=4))


def test_partial_of_a_live_process_is_left_alone(tiny_models, tmp_path):
    model = resolve_model(str(tiny_models["translator"]))
    target = conversion.conversion_path(model, "float32", tmp_path)
    busy = target.with_name(f".{target.name}.partial-{os.getppid()}-cafecafe")
    busy.mkdir(parents=True)
    remove_stale_partials(target)
    assert busy.is_dir()


def test_vocabulary_map_is_added_to_an_earlier_conversion(tiny_models, tmp_path):
    model = resolve_model(str(tiny_models["translator"]))
    engine = ct2.CTranslate2Engine(model, device="cpu", compute_type="float32", conversions=tmp_path)
    (engine.path / conversion.VOCABULARY_MAP).unlink()  # as a conversion made before the map existed
    again = ct2.CTranslate2Engine(model, device="cpu", compute_type="float32", conversions=tmp_path)
    assert again.path == engine.path and (again.path / conversion.VOCABULARY_MAP).is_file()
    assert [p.name for p in again.path.iterdir() if p.name.startswith(".")] == []
    assert again.generate(["قال"], GenerationSettings(num_beams=1, max_new_tokens=4))
