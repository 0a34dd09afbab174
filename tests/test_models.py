import time

import pytest

from summarize.languages import LANGUAGES, model_code
from summarize.models import (LANGUAGE_CODE_SCHEMES, ModelNotFoundError, default_model, fingerprint_directory,
                              is_available_locally, language_scheme, load_catalogue, reads_language, resolve_model,
                              scheme_from_files, source_code_for)


@pytest.fixture
def no_hub(monkeypatch, tmp_path):
    """An empty Hugging Face cache and a hub that refuses connections at once (nothing listens on
    port 9 of loopback), so these tests behave the same on connected machines."""
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)


def test_catalogue_has_the_documented_presets_and_defaults():
    catalogue = load_catalogue()
    for name in ("opus-mt-ar-en", "opus-mt-tc-big-ar-en", "nllb-200-distilled-600M",
                 "distilbart-cnn-12-6", "distilbart-cnn-6-6", "bart-large-cnn"):
        assert catalogue[name].hf_id and catalogue[name].licence
    assert default_model("translation", catalogue) == "opus-mt-ar-en"
    assert default_model("summarization", catalogue) == "distilbart-cnn-12-6"
    assert catalogue["nllb-200-distilled-600M"].src_lang == "arb_Arab"


def test_many_to_many_presets_speak_their_own_codes():
    """A many-to-many preset's default source is Arabic and its target English, in its scheme's codes
    (M2M100's target as the token it forces, "__en__"); every dedicated translator names a language
    summarize knows."""
    catalogue = load_catalogue()
    many = {name for name, preset in catalogue.items() if preset.language_codes}
    assert {"nllb-200-distilled-600M", "nllb-200-distilled-1.3B", "m2m100_418M", "m2m100_1.2B"} <= many
    for name in many:
        preset = catalogue[name]
        assert preset.language_codes in LANGUAGE_CODE_SCHEMES and preset.source_language is None
        english = model_code("en", preset.language_codes)
        assert preset.src_lang == model_code("ar", preset.language_codes)
        assert preset.tgt_lang == (f"__{english}__" if preset.language_codes == "m2m100" else english)
    for preset in catalogue.values():
        if preset.source_language is not None:
            assert preset.task == "translation" and preset.source_language in LANGUAGES
            assert preset.hf_id.endswith(f"-{preset.source_language}-en")


def test_source_codes_and_languages_a_model_reads():
    catalogue = load_catalogue()
    nllb, m2m100 = catalogue["nllb-200-distilled-600M"], catalogue["m2m100_418M"]
    assert (language_scheme(nllb), language_scheme(m2m100)) == ("nllb", "m2m100")
    assert source_code_for(nllb, "fr") == "fra_Latn" and source_code_for(m2m100, "fr") == "fr"
    assert source_code_for(nllb, "ku") == "ckb_Arab" and source_code_for(m2m100, "ku") is None
    assert source_code_for(nllb, "xx") is None  # a language summarize does not know
    assert source_code_for(catalogue["opus-mt-fr-en"], "fr") is None  # told nothing
    assert reads_language(m2m100, "fa") is True and reads_language(m2m100, "ku") is False
    assert reads_language(catalogue["opus-mt-fr-en"], "fr") is True
    assert reads_language(catalogue["opus-mt-fr-en"], "de") is False
    assert reads_language(catalogue["opus-mt-mul-en"], "fr") is None  # the catalogue does not say


def test_an_unknown_code_scheme_in_the_catalogue_is_refused(tmp_path):
    path = tmp_path / "catalogue.toml"
    path.write_text('[m]\ntask = "translation"\nhf_id = "o/m"\nlanguage_codes = "iso"\n')
    with pytest.raises(ValueError, match="language_codes must be one of nllb, m2m100"):
        load_catalogue(path)


@pytest.mark.parametrize("files, scheme", [
    ({"config.json": {"model_type": "m2m_100"}, "tokenizer_config.json": {"tokenizer_class": "NllbTokenizerFast"}}, "nllb"),
    ({"config.json": {"model_type": "m2m_100"}, "tokenizer_config.json": {"tokenizer_class": "M2M100Tokenizer"}}, "m2m100"),
    ({"config.json": {"model_type": "m2m_100"}, "vocab.json": {}}, "m2m100"),  # no class named: the files tell
    ({"config.json": {"model_type": "m2m_100"}, "tokenizer.json": {}}, "nllb"),
    ({"config.json": {"model_type": "marian"}, "tokenizer_config.json": {"tokenizer_class": "MarianTokenizer"}}, None),
])
def test_the_code_scheme_of_a_checkpoint_without_a_preset(tmp_path, files, scheme):
    import json

    for name, content in files.items():
        (tmp_path / name).write_text(json.dumps(content))
    assert scheme_from_files(tmp_path) == scheme
    assert language_scheme(resolve_model(str(tmp_path))) == scheme


def test_missing_hub_model_fails_fast_with_the_ways_to_provide_it(no_hub):
    started = time.perf_counter()
    with pytest.raises(ModelNotFoundError) as caught:
        resolve_model("opus-mt-ar-en", role="translator")
    assert time.perf_counter() - started < 15
    message = str(caught.value)
    assert "Helsinki-NLP/opus-mt-ar-en" in message
    assert "models download opus-mt-ar-en" in message and "--translator /path/to/model" in message


def test_offline_mode_does_not_try_the_network(no_hub, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotFoundError, match="HF_HUB_OFFLINE"):
        resolve_model("someone/some-model")
    assert not is_available_locally("opus-mt-ar-en")


def test_local_directory_needs_a_config(tmp_path):
    with pytest.raises(ModelNotFoundError, match="config.json"):
        resolve_model(str(tmp_path))
    with pytest.raises(ModelNotFoundError, match="neither a model directory"):
        resolve_model(str(tmp_path / "missing" / "model"))


def test_local_directory_revision_is_a_content_fingerprint(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "weights.bin").write_bytes(b"\x00" * 10)
    first = resolve_model(str(tmp_path))
    assert first.path == tmp_path.resolve() and first.revision.startswith("sha256:")
    assert resolve_model(str(tmp_path)).revision == first.revision
    (tmp_path / "weights.bin").write_bytes(b"\x01" * 10)
    assert fingerprint_directory(tmp_path) != first.revision.removeprefix("sha256:")


def test_model_found_in_the_hugging_face_cache_without_network(no_hub, tmp_path, monkeypatch):
    # The standard hub cache layout: models--org--name/{refs/main, snapshots/<commit>/...}
    repo = tmp_path / "hf" / "hub" / "models--org--tiny"
    snapshot = repo / "snapshots" / ("a" * 40)
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    resolved = resolve_model("org/tiny")
    assert resolved.path == snapshot and resolved.revision == "a" * 40 and resolved.hf_id == "org/tiny"


def test_a_directory_fingerprint_is_remembered_until_a_file_changes(tmp_path, monkeypatch):
    import os

    import summarize.models as models

    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    (model / "weights.bin").write_bytes(b"\x00" * 10)
    old = time.time() - 60
    for file in model.iterdir():
        os.utime(file, (old, old))
    first = fingerprint_directory(model)
    assert models.fingerprint_memo().is_file()

    def no_hashing(*args):
        raise AssertionError("hashed again")

    with monkeypatch.context() as patch:
        patch.setattr(models, "content_digest", no_hashing)
        assert fingerprint_directory(model) == first  # remembered: no file read
    (model / "weights.bin").write_bytes(b"\x01" * 11)
    assert fingerprint_directory(model) != first
    models.fingerprint_memo().write_text("not json")  # a damaged memo costs a hashing, nothing else
    assert fingerprint_directory(model)


def test_files_written_just_now_are_not_remembered(tmp_path, monkeypatch):
    import summarize.models as models

    (tmp_path / "config.json").write_text("{}")
    first = fingerprint_directory(tmp_path)
    calls = []
    monkeypatch.setattr(models, "content_digest", lambda *a: calls.append(1) or first)
    fingerprint_directory(tmp_path)
    assert calls == [1]  # too recent to trust its stamp: hashed again
