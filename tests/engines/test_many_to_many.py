"""One many-to-many model (M2M100, NLLB) translating texts of several languages, told the language of
each call (``GenerationSettings.source_language``), on both engines: a tiny random M2M100 built here,
with the layout of the hub's M2M100 checkpoints."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

pytest.importorskip("transformers")

from summarize.batching import batching_recipe  # noqa: E402
from summarize.cache import cache_keys  # noqa: E402
from summarize.engines import EngineOptionError, load_engine  # noqa: E402
from summarize.engines.base import GenerationSettings  # noqa: E402
from summarize.engines.torch_engine import TorchEngine  # noqa: E402
from summarize.models import ResolvedModel, language_scheme, load_catalogue, resolve_model, source_code_for  # noqa: E402

# Mixed text, so that the sentencepiece model has pieces of each language the tests write in.
LINES = [
    "Le gouvernement a annoncé de nouvelles mesures.", "Les négociations ont repris hier soir à Paris.",
    "دولت اقدامات تازه‌ای را اعلام کرد.", "مذاکرات دیشب در تهران از سر گرفته شد.",
    "The government announced new measures.", "Talks resumed last night in the capital.",
]
FRENCH = ["Les négociations ont repris.", "Le gouvernement a annoncé des mesures hier soir."]
PERSIAN = ["مذاکرات از سر گرفته شد.", "دولت اقدامات تازه‌ای را اعلام کرد."]
SETTINGS = GenerationSettings(num_beams=1, max_new_tokens=8)
NUM_MADEUP_WORDS = 8  # M2M100's unused ids after its language tokens
# Weights five times transformers' default spread: a tiny model drawn with the default writes the
# same whatever it reads, and the language token could then not be seen in what it writes.
INIT_STD = 0.1


def build_m2m100(dest: Path, *, languages_listed: bool = True) -> Path:
    """A tiny random M2M100 and its M2M100Tokenizer files (vocab.json, sentencepiece.bpe.model).

    ``languages_listed``: the language tokens named as special tokens in tokenizer_config.json, as the
    hub's checkpoints list them (special_tokens_map.json); without, the files as transformers 5's
    M2M100Tokenizer.save_pretrained writes them, which leaves them out."""
    import torch
    from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer
    from transformers.models.m2m_100.tokenization_m2m_100 import FAIRSEQ_LANGUAGE_CODES

    from summarize.tiny import TINY_ARCHITECTURE, random_model, save_model, spm_pieces, train_sentencepiece

    dest.mkdir(parents=True)
    proto = train_sentencepiece(LINES, vocab_size=200)
    (dest / "sentencepiece.bpe.model").write_bytes(proto)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in spm_pieces(proto):
        vocab.setdefault(piece, len(vocab))
    (dest / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = M2M100Tokenizer(vocab_file=str(dest / "vocab.json"), spm_file=str(dest / "sentencepiece.bpe.model"),
                                src_lang="ar", tgt_lang="en", model_max_length=64)
    codes = FAIRSEQ_LANGUAGE_CODES["m2m100"]
    # Language ids follow the vocabulary, then the made-up words: the hub models' layout.
    config = M2M100Config(**TINY_ARCHITECTURE, vocab_size=len(vocab) + len(codes) + NUM_MADEUP_WORDS,
                          max_position_embeddings=64, bos_token_id=0, pad_token_id=1, eos_token_id=2,
                          decoder_start_token_id=2, tie_word_embeddings=False, init_std=INIT_STD)
    model = random_model(M2M100ForConditionalGeneration, config, 0)
    with torch.no_grad():
        # A random model writes what a trained one never does: language tokens, which decode to nothing
        # (texts of pieces tell more), and <pad>, whose decoder position transformers takes for padding
        # (CTranslate2 does not: the engines part after it). Their output rows are cleared, so a random
        # logit above 0 always wins over them; as inputs they keep their embeddings.
        for index in [vocab["<s>"], vocab["<pad>"], vocab["<unk>"], *range(len(vocab), config.vocab_size)]:
            model.lm_head.weight[index] = 0.0
    model.generation_config = GenerationConfig(bos_token_id=0, pad_token_id=1, eos_token_id=2, decoder_start_token_id=2)
    save_model(model, tokenizer, dest)
    if languages_listed:
        settings_path = dest / "tokenizer_config.json"
        settings = json.loads(settings_path.read_text(encoding="utf-8"))
        settings["extra_special_tokens"] = [f"__{code}__" for code in codes]
        settings_path.write_text(json.dumps(settings, ensure_ascii=False, indent=2), encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def m2m100(tmp_path_factory) -> Path:
    return build_m2m100(tmp_path_factory.mktemp("m2m100") / "model")


@pytest.fixture(scope="module")
def engines(m2m100, conversions):
    model = resolve_model(str(m2m100), role="translator")
    return {"torch": load_engine(model, engine="torch", device="cpu"),
            "ctranslate2": load_engine(model, engine="ctranslate2", device="cpu", compute_type="float32")}


class Recorder:
    """What reaches the network of an engine: the source ids (or tokens) and the forced output start."""

    def __init__(self, engine, monkeypatch):
        self.sources: list[list] = []
        self.outputs: list[list] = []
        if engine.name == "torch":
            network = engine.network
            generate = network.generate

            def spy(**kwargs):
                output = generate(**kwargs)
                self.sources.extend(kwargs["input_ids"].tolist())
                self.outputs.extend(output.tolist())
                return output

            monkeypatch.setattr(network, "generate", spy)
        else:
            recorder = self

            class Translator:  # ctranslate2.Translator's methods cannot be patched: stand in front of it
                def __init__(self, translator):
                    self.translator = translator

                def translate_batch(self, source, **options):
                    recorder.sources.extend(source)
                    recorder.outputs.extend(options["target_prefix"])
                    return self.translator.translate_batch(source, **options)

            monkeypatch.setitem(engine.__dict__, "translator", Translator(engine.translator))

    def first_source_tokens(self, engine) -> list[str]:
        """The first token of every source, as a token."""
        firsts = [row[0] for row in self.sources]
        return firsts if engine.name == "ctranslate2" else engine.tokenizer.convert_ids_to_tokens(firsts)


ENGINES = ["torch", "ctranslate2"]


@pytest.mark.parametrize("name", ENGINES)
def test_the_language_of_each_call_reaches_the_model(engines, name, monkeypatch):
    engine = engines[name]
    recorder = Recorder(engine, monkeypatch)
    engine.generate(FRENCH, GenerationSettings(num_beams=1, max_new_tokens=8, source_language="fr"))
    engine.generate(PERSIAN, GenerationSettings(num_beams=1, max_new_tokens=8, source_language="fa"))
    engine.generate(FRENCH, SETTINGS)  # no language named: the checkpoint's own, not the last one set
    assert recorder.first_source_tokens(engine) == ["__fr__"] * 2 + ["__fa__"] * 2 + ["__ar__"] * 2


@pytest.mark.parametrize("name", ENGINES)
def test_english_is_forced_first_and_left_out_of_the_text(engines, name, monkeypatch):
    engine = engines[name]
    english = engine.tokenizer.convert_tokens_to_ids("__en__")
    assert engine.target_language_token_id() == english
    recorder = Recorder(engine, monkeypatch)
    outputs = engine.generate(FRENCH, GenerationSettings(num_beams=2, max_new_tokens=8, source_language="fr"))
    if name == "torch":  # decoding starts from </s>, then the forced token
        assert [row[1] for row in recorder.outputs] == [english] * len(FRENCH)
    else:
        assert recorder.outputs == [["__en__"]] * len(FRENCH)
    assert all("__en__" not in text for text in outputs)


def test_both_engines_write_the_same_and_the_same_again(engines):
    """Greedy at float32 the engines agree token for token: the language token reaches both alike. Run
    again, in another order of languages, each call's output is what it was."""
    told = {code: GenerationSettings(num_beams=1, max_new_tokens=8, source_language=code) for code in ("fr", "fa")}
    first = {name: {code: engines[name].generate(FRENCH + PERSIAN, settings) for code, settings in told.items()}
             for name in ENGINES}
    assert first["torch"] == first["ctranslate2"]
    assert first["torch"]["fr"] != first["torch"]["fa"] and all(all(texts) for texts in first["torch"].values())
    for name in ENGINES:
        again = {code: engines[name].generate(FRENCH + PERSIAN, told[code]) for code in ("fa", "fr")}
        assert again == first[name]


def test_lengths_are_the_same_in_every_language(engines):
    """Batches are planned on ``token_lengths`` before any language is set: one language token either
    way, and the text's pieces do not depend on it."""
    engine = engines["torch"]
    texts = FRENCH + PERSIAN
    lengths = engine.token_lengths(texts)
    for code in ("fr", "fa", "ar"):
        assert [len(ids) for ids in engine.encode(texts, code)["input_ids"]] == lengths


def test_a_language_the_model_lacks_is_refused(engines):
    engine = engines["torch"]
    with pytest.raises(EngineOptionError, match="has no language 'ckb'"):
        engine.generate(FRENCH, GenerationSettings(num_beams=1, max_new_tokens=4, source_language="ckb"))
    # The refusal changed nothing: the next call reads its own language.
    assert engine.encode(FRENCH[:1], "fr")["input_ids"][0][0] == engine.tokenizer.convert_tokens_to_ids("__fr__")


def test_callers_in_threads_each_read_their_own_language(engines):
    engine = engines["torch"]
    expected = {code: engine.tokenizer.convert_tokens_to_ids(f"__{code}__") for code in ("fr", "fa")}
    seen: dict[str, set[int]] = {code: set() for code in expected}

    def work(code: str) -> None:
        for _ in range(200):
            seen[code].add(engine.encode(FRENCH[:1], code)["input_ids"][0][0])

    threads = [threading.Thread(target=work, args=(code,)) for code in expected]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {code: {index} for code, index in expected.items()}


def test_the_scheme_of_a_local_checkpoint_is_read_from_its_files(m2m100, tmp_path):
    model = resolve_model(str(m2m100), role="translator")
    assert model.preset is None and language_scheme(model) == "m2m100"
    # English is forced on it as on a preset, and its cache keys say so (they did not before).
    assert TorchEngine(model, device="cpu").identity()["target_language"] == "__en__"
    assert source_code_for(model, "fa") == "fa" and source_code_for(model, "ku") is None
    nllb = tmp_path / "nllb"
    nllb.mkdir()
    (nllb / "config.json").write_text(json.dumps({"model_type": "m2m_100"}))
    (nllb / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "NllbTokenizer"}))
    assert language_scheme(resolve_model(str(nllb))) == "nllb"
    assert source_code_for(resolve_model(str(nllb)), "fa") == "pes_Arab"


def test_language_tokens_the_files_do_not_list_as_special_stay_out_of_the_text(tmp_path):
    """transformers 5 saves an M2M100Tokenizer without its language tokens among the special ones, and
    decoding then keeps the forced "__en__": the engine leaves it out itself."""
    engine = TorchEngine(resolve_model(str(build_m2m100(tmp_path / "model", languages_listed=False))), device="cpu")
    outputs = engine.generate(FRENCH, GenerationSettings(num_beams=1, max_new_tokens=6, source_language="fr"))
    assert outputs and all("__en__" not in text for text in outputs)


def test_ctranslate2_converts_a_checkpoint_saved_by_transformers_5(tmp_path, conversions):
    """ctranslate2 4.8's M2M100 loader takes the vocabulary from ``get_vocab()``, which for files saved
    by transformers 5 lacks the language tokens: the conversion adds them back (ct2_conversion)."""
    model = resolve_model(str(build_m2m100(tmp_path / "model", languages_listed=False)))
    engine = load_engine(model, engine="ctranslate2", device="cpu", compute_type="float32")
    assert engine.generate(FRENCH, GenerationSettings(num_beams=1, max_new_tokens=4, source_language="fr"))


# --- without loading anything --------------------------------------------------------------------------


class FakeTokenizer:
    """Records the language each encoding was made in; ids are the language token's, one per text."""

    unk_token_id = 3

    def __init__(self, vocabulary: dict[str, int], src_lang: str) -> None:
        self.vocabulary = vocabulary
        self.src_lang = src_lang
        self.read_as: list[str] = []

    def convert_tokens_to_ids(self, token: str) -> int:
        return self.vocabulary.get(token, self.unk_token_id)

    def __call__(self, texts, **options):
        self.read_as.append(self.src_lang)
        return {"input_ids": [[self.vocabulary[self.src_lang], 7, 2] for _ in texts]}


def unloaded_engine(tmp_path: Path, preset_name: str | None, model_type: str = "m2m_100") -> TorchEngine:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": model_type}))
    preset = load_catalogue()[preset_name] if preset_name else None
    return TorchEngine(ResolvedModel(spec=preset_name or str(folder), path=folder, preset=preset), device="cpu")


def test_no_language_named_keeps_the_nllb_presets_arabic(tmp_path):
    engine = unloaded_engine(tmp_path, "nllb-200-distilled-600M")
    vocabulary = {"arb_Arab": 10, "fra_Latn": 11, "pes_Arab": 12, "eng_Latn": 13}
    engine.__dict__["tokenizer"] = tokenizer = FakeTokenizer(vocabulary, src_lang="arb_Arab")
    assert engine.language_scheme == "nllb" and engine.default_source_language == "arb_Arab"
    assert engine.token_lengths(["a"]) == [3]
    engine.encode(["a"], None)
    engine.encode(["a"], "fra_Latn")
    engine.encode(["a"], None)  # back to the preset's, not left at French
    engine.encode(["a"], source_code_for(engine.model, "fa"))
    assert tokenizer.read_as == ["arb_Arab", "arb_Arab", "fra_Latn", "arb_Arab", "pes_Arab"]
    assert engine.target_language_token_id() == 13
    assert "target_language" not in engine.identity()  # a preset's keys stay as they were
    with pytest.raises(EngineOptionError, match="nllb codes"):
        engine.encode(["a"], "fr")  # an ISO code, not NLLB's


def test_a_model_of_one_language_is_told_none(tmp_path):
    engine = unloaded_engine(tmp_path, None, model_type="marian")
    assert not engine.multilingual and engine.target_language_token_id() is None
    with pytest.raises(EngineOptionError, match="translates from one language"):
        engine.encode(["a"], "fr")  # refused before the tokenizer is loaded: there is none to load
    assert "tokenizer" not in engine.__dict__


def test_settings_without_a_language_keep_every_cache_key():
    """The keys of outputs cached before source_language existed stay the same; a language names its own."""
    assert GenerationSettings().as_dict() == {"num_beams": 4, "max_length_factor": None, "max_length_offset": 0,
                                              "max_new_tokens": None, "min_new_tokens": 0, "no_repeat_ngram_size": 0,
                                              "length_penalty": 1.0}
    identity = {"engine": "torch", "revision": "r"}

    def key(settings: GenerationSettings) -> str:
        return cache_keys(identity, batching_recipe(settings, "cap"), ["نص"])["نص"]

    plain = GenerationSettings(num_beams=4, max_length_factor=1.5, max_length_offset=10)
    french = GenerationSettings(num_beams=4, max_length_factor=1.5, max_length_offset=10, source_language="fra_Latn")
    persian = GenerationSettings(num_beams=4, max_length_factor=1.5, max_length_offset=10, source_language="pes_Arab")
    assert len({key(plain), key(french), key(persian)}) == 3
    assert french.as_dict()["source_language"] == "fra_Latn"

