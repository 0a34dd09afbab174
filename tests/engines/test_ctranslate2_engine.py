"""The CTranslate2 engine: same outputs as the torch engine at float32, the ``auto`` choice, and a whole
digest on it. The conversion cache it reads from: test_ct2_conversion.py; shared fixtures: conftest.py."""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2")

from summarize.engines import ENGINES, load_engine, pick_engine  # noqa: E402
from summarize.engines import ct2_conversion as conversion  # noqa: E402
from summarize.engines import ctranslate2_engine as ct2  # noqa: E402
from summarize.engines.base import GenerationSettings  # noqa: E402
from summarize.models import ResolvedModel, resolve_model  # noqa: E402
from summarize.tiny import arabic_seed_lines, english_lines  # noqa: E402

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def eager_eos_models(tiny_models, tmp_path_factory):
    """The tiny models with a bias towards EOS in the output layer, so hypotheses end at different
    lengths and minimum lengths bind: random weights alone never stop early."""
    from transformers import AutoModelForSeq2SeqLM

    out = tmp_path_factory.mktemp("eager-eos")
    paths = {}
    for role in ("translator", "summarizer"):
        source = tiny_models[role]
        dest = out / role
        shutil.copytree(source, dest)
        network = AutoModelForSeq2SeqLM.from_pretrained(source)
        network.final_logits_bias[0, network.config.eos_token_id] = 0.5
        network.save_pretrained(dest)
        paths[role] = dest
    return paths


def _inputs(role: str, engine) -> list[str]:
    if role == "translator":
        lines = arabic_seed_lines()
    else:
        english = english_lines()
        lines = [" ".join(english[i:i + 2]) for i in range(0, 40, 2)]
    fitting = [line for line, n in zip(lines, engine.token_lengths(lines)) if n <= engine.max_input_tokens]
    return fitting[:6]


def _engines(path: Path):
    model = resolve_model(str(path))
    torch_engine = load_engine(model, engine="torch", device="cpu")
    ct2_engine = load_engine(model, engine="ctranslate2", device="cpu", compute_type="float32")
    return torch_engine, ct2_engine


def _ids(engine, texts):
    return engine.tokenizer(list(texts), add_special_tokens=False)["input_ids"]


# Small caps keep this quick: random weights never stop early, so every output runs to its cap.
GREEDY = [
    GenerationSettings(num_beams=1, max_length_factor=0.3, max_length_offset=4, max_new_tokens=20),
    GenerationSettings(num_beams=1, max_new_tokens=16, no_repeat_ngram_size=3),
    GenerationSettings(num_beams=1, max_new_tokens=16, min_new_tokens=6, no_repeat_ngram_size=2),
    # A minimum above the cap: the cap wins on both engines.
    GenerationSettings(num_beams=1, max_new_tokens=10, min_new_tokens=56, no_repeat_ngram_size=2),
]
BEAM = [
    GenerationSettings(num_beams=2, max_new_tokens=14, no_repeat_ngram_size=3),
    GenerationSettings(num_beams=2, max_new_tokens=14, min_new_tokens=5, length_penalty=2.0),
    GenerationSettings(num_beams=4, max_new_tokens=12, no_repeat_ngram_size=3, length_penalty=0.5),
]


@pytest.mark.parametrize("role", ["translator", "summarizer"])
def test_same_output_as_torch_engine(role, tiny_models, conversions):
    torch_engine, ct2_engine = _engines(tiny_models[role])
    assert ct2_engine.max_input_tokens == torch_engine.max_input_tokens
    texts = _inputs(role, torch_engine)
    assert len(texts) >= 5
    assert ct2_engine.token_lengths(texts) == torch_engine.token_lengths(texts)
    outputs = []
    for settings in GREEDY + BEAM:
        expected = torch_engine.generate(texts, settings)
        assert ct2_engine.generate(texts, settings) == expected, settings
        outputs.extend(expected)
    # (A random BART often repeats <s>, which decodes to nothing; the n-gram rule breaks that up.)
    assert sum(map(bool, outputs)) > len(outputs) / 2


@pytest.mark.parametrize("role", ["translator", "summarizer"])
def test_same_output_when_hypotheses_end_early(role, eager_eos_models, conversions):
    """With EOS likely, outputs end at different lengths: the output caps, minimum lengths (forced BOS
    counted), forced EOS and end tokens mean the same on both engines."""
    torch_engine, ct2_engine = _engines(eager_eos_models[role])
    texts = _inputs(role, torch_engine)
    lengths = set()
    for settings in GREEDY:
        expected = torch_engine.generate(texts, settings)
        assert ct2_engine.generate(texts, settings) == expected, settings
        lengths.update(len(ids) for ids in _ids(torch_engine, expected))
        if settings.min_new_tokens:
            assert all(expected)
    assert len(lengths) > 1 or 0 in lengths, "the EOS bias should make some outputs end early"

    # Beam search ranks hypotheses the same way once transformers renormalises after its logits
    # processors and stops when num_beams hypotheses are done (see the engine's module docstring).
    torch_engine._base_config.renormalize_logits = True
    torch_engine._base_config.early_stopping = True
    for settings in BEAM:
        assert ct2_engine.generate(texts, settings) == torch_engine.generate(texts, settings), settings


def test_output_cap_in_tokens(tiny_models, conversions):
    engine = load_engine(resolve_model(str(tiny_models["summarizer"])), engine="ctranslate2", device="cpu",
                         compute_type="float32")
    texts = _inputs("summarizer", engine)[:3]
    # Random weights never stop early: the cap decides. The forced <s> and forced EOS count in it.
    capped = engine.generate(texts, GenerationSettings(num_beams=1, max_new_tokens=12))
    assert all(len(ids) <= 10 for ids in _ids(engine, capped))
    # The cap never goes past the decoder's positions.
    long = engine.generate(texts[:1], GenerationSettings(num_beams=1, max_length_factor=10.0))
    assert len(_ids(engine, long)[0]) <= engine.max_input_tokens


def test_an_over_long_input_is_refused_not_truncated(tiny_models, conversions):
    engine = load_engine(resolve_model(str(tiny_models["translator"])), engine="ctranslate2", device="cpu",
                         compute_type="float32")
    too_long = " ".join(arabic_seed_lines())
    assert engine.token_lengths([too_long])[0] > engine.max_input_tokens
    with pytest.raises(ValueError, match="longer than"):
        engine.generate([too_long], GenerationSettings(num_beams=1, max_new_tokens=4))


def test_bad_words_of_the_checkpoint_are_kept(tiny_models, conversions):
    """Marian's pad is never generated: the converter drops it from the vocabulary."""
    _, engine = _engines(tiny_models["translator"])
    assert engine.tokenizer.pad_token not in engine._vocabulary
    assert engine._generation["prefix"] is None
    _, bart = _engines(tiny_models["summarizer"])
    assert bart._generation["prefix"] == ["<s>"] and bart._generation["forced_eos"]


def test_marian_writes_only_target_pieces_on_both_engines(tiny_models, conversions):
    """The tiny translator's vocabulary joins an Arabic and an English sentencepiece model: both engines
    write English-side pieces only (CTranslate2 through a vocabulary map beside the conversion)."""
    torch_engine, ct2_engine = _engines(tiny_models["translator"])
    allowed = ct2_engine.output_vocabulary
    assert allowed == torch_engine.output_vocabulary and allowed is not None
    assert len(allowed) < 0.9 * len(ct2_engine.tokenizer.encoder)
    target = ct2_engine.tokenizer.spm_target
    english = {target.id_to_piece(i) for i in range(target.get_piece_size())}
    arabic_only = [i for p, i in ct2_engine.tokenizer.encoder.items() if p not in english]
    assert arabic_only and not set(arabic_only) & set(allowed)
    texts = _inputs("translator", torch_engine)
    # No token twice: a random model then runs through dozens of pieces, and without the restriction
    # Arabic ones among them (every one of these outputs had some, when tried).
    settings = GenerationSettings(num_beams=1, max_new_tokens=40, no_repeat_ngram_size=1)
    outputs = ct2_engine.generate(texts, settings)
    assert outputs == torch_engine.generate(texts, settings)
    assert all(outputs) and not any(re.search("[\u0600-\u06ff]", text) for text in outputs)
    vmap = (ct2_engine.path / conversion.VOCABULARY_MAP).read_text(encoding="utf-8")
    assert vmap.startswith("\t") and len(vmap.split()) == len(allowed)
    # A summariser's BPE has no such split: nothing is restricted.
    _, bart = _engines(tiny_models["summarizer"])
    assert bart.output_vocabulary is None and not (bart.path / conversion.VOCABULARY_MAP).exists()


def test_the_whole_output_layer_when_asked(tiny_models, conversions):
    """restrict_vocabulary=False: any token of the vocabulary may come out, on both engines (the
    benchmark's plain-transformers loop), and the cache key says so."""
    model = resolve_model(str(tiny_models["translator"]))
    for engine in ("torch", "ctranslate2"):
        whole = load_engine(model, engine=engine, device="cpu", compute_type="float32", restrict_vocabulary=False)
        assert whole.output_vocabulary is None and "output_vocabulary" not in whole.identity(), engine
        restricted = load_engine(model, engine=engine, device="cpu", compute_type="float32")
        assert restricted.output_vocabulary is not None and "output_vocabulary" in restricted.identity(), engine
    assert whole.name == "ctranslate2" and whole.generate(["قال"], GenerationSettings(num_beams=1, max_new_tokens=6))


def test_int8_is_the_cpu_default_and_runs(tiny_models, conversions):
    model = resolve_model(str(tiny_models["translator"]))
    engine = load_engine(model, engine="ctranslate2", device="cpu")
    assert engine.compute_type == "int8" and engine.quantization == "int8"
    assert engine.path.name.endswith("--int8") and engine.path.parent == conversions
    assert engine.intra_threads == ct2.usable_cores() and engine.inter_threads == 1
    assert engine.describe()["engine"] == "ctranslate2"
    out = engine.generate(_inputs("translator", engine)[:3], GenerationSettings(num_beams=2, max_new_tokens=8))
    assert len(out) == 3 and all(out)


def test_memory_is_released_when_another_engine_takes_over(tiny_models, conversions, monkeypatch):
    calls = []
    monkeypatch.setattr(ct2, "release_free_memory", lambda: calls.append(1))
    translator = load_engine(resolve_model(str(tiny_models["translator"])), engine="ctranslate2", device="cpu")
    summarizer = load_engine(resolve_model(str(tiny_models["summarizer"])), engine="ctranslate2", device="cpu")
    settings = GenerationSettings(num_beams=1, max_new_tokens=4)
    translator.generate(["قال"], settings)
    calls.clear()  # whatever ran before in this process
    translator.generate(["قال"], settings)
    assert calls == []  # batches of one engine reuse its memory
    summarizer.generate(["The talks ended."], settings)
    assert calls == [1]
    summarizer.generate(["The talks ended."], settings)
    assert calls == [1]


def test_release_free_memory_is_harmless():
    ct2.release_free_memory()


# --- auto ---------------------------------------------------------------------------------------------


def _model_dir(tmp_path: Path, model_type: str) -> ResolvedModel:
    path = tmp_path / model_type
    path.mkdir()
    (path / "config.json").write_text(json.dumps({"model_type": model_type}))
    return ResolvedModel(spec=str(path), path=path)


def test_pick_engine(tiny_models, tmp_path, monkeypatch):
    assert "ctranslate2" in ENGINES
    translator = resolve_model(str(tiny_models["translator"]))
    summarizer = resolve_model(str(tiny_models["summarizer"]))
    assert pick_engine(translator, "auto") == "ctranslate2"
    assert pick_engine(summarizer, "auto") == "ctranslate2"
    assert pick_engine(tiny_models["summarizer"], "auto") == "ctranslate2"  # a plain path works too
    for kind in ("m2m_100", "t5", "mbart", "pegasus"):
        assert pick_engine(_model_dir(tmp_path, kind), "auto") == "ctranslate2", kind
    # Architectures the converter does not handle, or not as a seq2seq model, stay on torch.
    for kind in ("gpt2", "led", "prophetnet", "whisper"):
        assert pick_engine(_model_dir(tmp_path, kind), "auto") == "torch", kind
    # Named engines are taken as asked; unknown names list the choices.
    assert pick_engine(translator, "torch") == "torch"
    assert pick_engine(tmp_path / "gpt2", "ctranslate2") == "ctranslate2"
    with pytest.raises(ValueError, match="ctranslate2, torch"):
        pick_engine(translator, "onnx")
    # Without the package, auto is torch.
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ctranslate2" else real_find_spec(name, *a))
    assert pick_engine(translator, "auto") == "torch"


def test_load_engine_auto_and_compute_type(tiny_models, conversions):
    model = resolve_model(str(tiny_models["translator"]))
    assert load_engine(model, engine="auto", device="cpu").name == "ctranslate2"
    with pytest.raises(ValueError, match="compute_type"):
        load_engine(model, engine="torch", device="cpu", compute_type="int8")
    with pytest.raises(ValueError, match="compute_type"):
        load_engine(model, engine="ctranslate2", device="cpu", compute_type="int4")


# --- a whole digest -------------------------------------------------------------------------------------


def test_digest_on_ctranslate2(tiny_models, conversions):
    from summarize import Pipeline, Settings, read_articles
    from summarize.summarizers.abstractive import ModelSummarizer as Summarizer, summary_generation
    from summarize.translate import Translator

    no_cache = {"no_cache": True} if "no_cache" in Settings.__dataclass_fields__ else {}  # every digest generates
    settings = Settings().replace(engine="ctranslate2", translator=str(tiny_models["translator"]),
                                  summarizer=str(tiny_models["summarizer"]), beams=2, summary_beams=2,
                                  device="cpu", **no_cache)
    articles = list(read_articles([SEEDS_DIR]))
    digest = Pipeline(settings).run(articles)
    assert len(digest.articles) == len(articles) == 5
    assert all(a.title_en and a.translation_en and a.summary_en for a in digest.articles)
    for role in ("translator", "summarizer"):
        assert digest.run[role]["engine"] == "ctranslate2"
        assert digest.run[role]["compute_type"] == "int8"
    assert digest.run["counts"]["chunked_articles"] >= 1  # map-reduce ran on this engine too

    # At float32 the whole digest is the torch engine's, word for word.
    def stages(engine: str) -> dict:
        options = {"compute_type": "float32"} if engine == "ctranslate2" else {}
        translator_model = resolve_model(settings.translator)
        summarizer_model = resolve_model(settings.summarizer)
        translator = Translator(load_engine(translator_model, engine=engine, device="cpu", **options),
                                beams=settings.beams)
        summarizer = Summarizer(load_engine(summarizer_model, engine=engine, device="cpu", **options),
                                replace(summary_generation(settings, summarizer_model), num_beams=1))
        return {"translator": translator, "summarizer": summarizer}

    runs = [Pipeline(replace(settings, engine=engine), **stages(engine)).run(articles) for engine in ("torch", "ctranslate2")]
    torch_digest, ct2_digest = runs
    for ours, theirs in zip(ct2_digest.articles, torch_digest.articles):
        assert (ours.title_en, ours.translation_en, ours.summary_en) == (theirs.title_en, theirs.translation_en, theirs.summary_en)


def test_every_architecture_auto_picks_has_a_loader_in_the_pinned_converter():
    # convertible() decides from config.json alone (asking the converter imports torch); this is
    # what keeps that decision true.
    assert all(conversion.converter_supports(kind) for kind in conversion.SEQ2SEQ_MODEL_TYPES)


@pytest.mark.parametrize("role", ["translator", "summarizer"])
def test_limits_and_output_vocabulary_read_from_the_files_match_the_loaded_tokenizer(tiny_models, role):
    """Before anything loads, the engine reads its limit and output vocabulary from the model's
    files; they must be what the tokenizer, once loaded, says."""
    engine = load_engine(resolve_model(str(tiny_models[role])), engine="ctranslate2", device="cpu")
    limit, vocabulary = engine.max_input_tokens, engine.output_vocabulary
    assert "tokenizer" not in vars(engine)  # read without loading it
    tokenizer = engine.tokenizer
    assert limit == min(engine.max_positions, tokenizer.model_max_length)
    if role == "summarizer":
        assert vocabulary is None
        return
    target = {tokenizer.spm_target.id_to_piece(i) for i in range(tokenizer.spm_target.get_piece_size())}
    expected = {i for piece, i in tokenizer.encoder.items() if piece in target} | {tokenizer.eos_token_id,
                                                                                     tokenizer.unk_token_id}
    assert vocabulary == sorted(expected)


def test_batches_in_flight_give_what_one_batch_at_a_time_gives(tiny_models, conversions):
    engine = load_engine(resolve_model(str(tiny_models["translator"])), engine="ctranslate2", device="cpu",
                         compute_type="float32", threads=2)
    assert (engine.inter_threads, engine.intra_threads) == (2, 1)
    texts = _inputs("translator", engine)
    batches = [texts[:2], texts[2:3], [], texts[3:]]
    settings = GenerationSettings(num_beams=2, max_new_tokens=8)
    assert list(engine.generate_batches(batches, settings)) == [engine.generate(batch, settings) for batch in batches]


def test_cores_go_to_batches_in_flight_before_threads_per_batch():
    assert ct2.thread_split(1, "cpu") == (1, 1)
    assert ct2.thread_split(2, "cpu") == (2, 1)
    assert ct2.thread_split(16, "cpu") == (ct2.MAX_BATCHES_IN_FLIGHT, 16 // ct2.MAX_BATCHES_IN_FLIGHT)
    assert ct2.thread_split(8, "cuda") == (1, 1)
