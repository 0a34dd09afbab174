"""The tiny stand-in models: complete, loadable offline through the Auto classes, generating,
deterministic, fast to build, and covering the Arabic seeds; and one translator per source language,
its tokenizer trained on that language's shipped corpus."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarize.files import staged_directory
from summarize.tiny import ROLES, SEEDS_DIR, build_translator

REPO_ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter so nothing cached in this process (tokenizers, hub state) can help.
LOAD_AND_GENERATE = r"""
import json, sys
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

texts = {
    "translator": ["أعلن الرئيس الأمريكي انسحاب الولايات المتحدة من الاتفاق النووي مع إيران.",
                   "قال", "وأكدت أن الاتحاد الأوروبي لن يسمح لأحد أن يقوم بتفكيك الاتفاق."],
    "summarizer": ["The ministers met on Tuesday.", "Oil prices rose sharply after the announcement.",
                   "The talks ended without a joint statement."],
}
report = {}
for role, path in json.loads(sys.argv[1]).items():
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSeq2SeqLM.from_pretrained(path)
    single = tok(texts[role][0])["input_ids"]
    batch = tok(texts[role], return_tensors="pt", padding=True)
    out = model.generate(**batch, num_beams=2, max_new_tokens=12)
    decoded = tok.batch_decode(out, skip_special_tokens=True)
    report[role] = {
        "tokenizer": type(tok).__name__, "model": type(model).__name__,
        "first_id": single[0], "last_id": single[-1],
        "eos": tok.eos_token_id, "bos": tok.bos_token_id, "pad": tok.pad_token_id,
        "model_max_length": tok.model_max_length, "decoded": decoded, "out_len": out.shape[1],
    }
print(json.dumps(report))
"""


def _offline_env() -> dict[str, str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def _file_hashes(directory: Path) -> dict[str, str]:
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _config(path: Path, name: str = "config.json") -> dict:
    return json.loads((path / name).read_text(encoding="utf-8"))


def test_module_imports_without_heavy_libraries():
    code = "import sys, summarize.tiny; print(sorted({'torch', 'transformers', 'sentencepiece', 'tokenizers'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_offline_env(), check=True)
    assert result.stdout.strip() == "[]"


def test_directories_are_complete(tiny_models):
    # The default languages are Arabic alone: translator-ar beside the two the product runs.
    assert set(tiny_models) == {"translator", "summarizer", "translator-ar"}
    for path in tiny_models.values():
        assert (path / "config.json").is_file()
        assert (path / "model.safetensors").stat().st_size > 0
        assert (path / "generation_config.json").is_file()
        assert (path / "tokenizer_config.json").is_file()
    for name in ("source.spm", "target.spm", "vocab.json"):
        assert (tiny_models["translator"] / name).is_file()
    assert (tiny_models["summarizer"] / "tokenizer.json").is_file()
    # No staging or retired directories left beside the published ones.
    assert sorted(p.name for p in tiny_models["translator"].parent.iterdir()) == ["summarizer", "translator",
                                                                                    "translator-ar"]


def test_translator_config_mirrors_opus_mt(tiny_models):
    path = tiny_models["translator"]
    config, vocab = _config(path), _config(path, "vocab.json")
    pad = vocab["<pad>"]
    assert config["model_type"] == "marian"
    assert (vocab["</s>"], vocab["<unk>"], pad) == (0, 1, len(vocab) - 1)
    assert config["vocab_size"] == len(vocab)
    assert config["pad_token_id"] == config["decoder_start_token_id"] == pad
    assert config["eos_token_id"] == 0
    assert config["max_position_embeddings"] == 64
    generation = _config(path, "generation_config.json")
    assert generation["decoder_start_token_id"] == pad and generation["eos_token_id"] == 0
    assert generation["bad_words_ids"] == [[pad]]
    assert "max_length" not in generation


def test_summarizer_config_mirrors_bart_large_cnn(tiny_models):
    path = tiny_models["summarizer"]
    config = _config(path)
    assert config["model_type"] == "bart"
    assert (config["bos_token_id"], config["pad_token_id"], config["eos_token_id"]) == (0, 1, 2)
    assert config["decoder_start_token_id"] == 2
    assert config["max_position_embeddings"] == 256
    generation = _config(path, "generation_config.json")
    assert generation["forced_bos_token_id"] == 0 and generation["decoder_start_token_id"] == 2
    assert "max_length" not in generation


def test_load_and_generate_offline_in_fresh_process(tiny_models):
    paths = json.dumps({role: str(tiny_models[role]) for role in ROLES})
    result = subprocess.run(
        [sys.executable, "-c", LOAD_AND_GENERATE, paths],
        capture_output=True, text=True, env=_offline_env(), timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])

    translator, summarizer = report["translator"], report["summarizer"]
    assert (translator["tokenizer"], translator["model"]) == ("MarianTokenizer", "MarianMTModel")
    assert summarizer["model"] == "BartForConditionalGeneration"
    assert summarizer["tokenizer"] in ("BartTokenizer", "BartTokenizerFast", "RobertaTokenizer", "RobertaTokenizerFast")
    assert translator["last_id"] == translator["eos"] == 0
    assert (summarizer["first_id"], summarizer["last_id"]) == (0, 2)  # <s> … </s>
    assert (translator["model_max_length"], summarizer["model_max_length"]) == (64, 256)
    for entry in report.values():
        assert len(entry["decoded"]) == 3
        assert all(isinstance(text, str) for text in entry["decoded"])
        assert entry["out_len"] <= 13  # decoder start + at most max_new_tokens


@pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")
def test_arabic_seeds_tokenize_with_few_unknowns(tiny_models):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_models["translator"])
    ids = []
    for seed in sorted(SEEDS_DIR.glob("*.txt")):
        for line in filter(None, map(str.strip, seed.read_text(encoding="utf-8").splitlines())):
            encoded = tokenizer(line)["input_ids"]
            assert encoded[-1] == tokenizer.eos_token_id
            ids.extend(encoded[:-1])
    assert len(ids) > 1000
    assert sum(i == tokenizer.unk_token_id for i in ids) / len(ids) < 0.05


def test_rebuild_is_fast_deterministic_and_replaces_old_files(tiny_models, tmp_path):
    out = tmp_path / "again"
    stale = out / "translator" / "stale.bin"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"left over from an older build")

    # A fresh interpreter, so the timing includes importing torch and transformers.
    code = "import sys; from summarize.tiny import build_tiny_models; build_tiny_models(sys.argv[1], seed=0)"
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, env=_offline_env(), timeout=120)
    assert time.monotonic() - started < 60

    assert not stale.exists()
    for role, path in tiny_models.items():
        # Every file, weights included, is byte-identical: the directory fingerprint is stable.
        assert _file_hashes(out / role) == _file_hashes(path)


def test_seed_changes_weights_only(tiny_models, tmp_path):
    build_translator(tmp_path, seed=1)
    reference = _file_hashes(tiny_models["translator"])
    other = _file_hashes(tmp_path)
    assert other["model.safetensors"] != reference["model.safetensors"]
    assert other["vocab.json"] == reference["vocab.json"]


def test_staged_directory_publishes_only_complete_builds(tmp_path):
    target = tmp_path / "model"
    with staged_directory(target) as staging:
        (staging / "config.json").write_text("{}")
    assert sorted(p.name for p in target.iterdir()) == ["config.json"]

    with pytest.raises(RuntimeError):
        with staged_directory(target) as staging:
            (staging / "half.bin").write_bytes(b"...")
            raise RuntimeError("interrupted")
    assert sorted(p.name for p in target.iterdir()) == ["config.json"]

    with staged_directory(target) as staging:
        (staging / "weights.bin").write_bytes(b"new")
    assert sorted(p.name for p in target.iterdir()) == ["weights.bin"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_public_builders_take_a_shape_a_vocabulary_size_and_forbidden_outputs(tmp_path):
    """The builders the benchmark's full-size models come from: another shape, a vocabulary widened by
    placeholders, pieces the output layer rules out, and extra generation fields."""
    from safetensors.numpy import load_file

    from summarize.tiny import (arabic_seed_lines, build_marian, english_lines, joint_marian_vocab, spm_pieces,
                                train_sentencepiece)

    source = train_sentencepiece(arabic_seed_lines())
    target = train_sentencepiece(english_lines(), placeholders=["<unused-target-0>", "<unused-target-1>"])
    assert {"<unused-target-0>", "<unused-target-1>"} <= set(spm_pieces(target))
    size = len(joint_marian_vocab(source, target)) + 5
    vocab = joint_marian_vocab(source, target, size=size)
    assert len(vocab) == size and vocab["<pad>"] == size - 1 and "▁<unused>4" in vocab
    forbidden = ["▁<unused>0", "<unused-target-1>"]
    build_marian(tmp_path, source, target, vocab=vocab, max_positions=32, forbidden_outputs=forbidden,
                 architecture=dict(d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                                   decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64),
                 generation={"num_beams": 3})
    config = _config(tmp_path)
    assert (config["d_model"], config["encoder_layers"], config["max_position_embeddings"]) == (32, 1, 32)
    assert config["vocab_size"] == size and _config(tmp_path, "vocab.json") == vocab
    assert _config(tmp_path, "generation_config.json")["num_beams"] == 3
    assert _config(tmp_path, "tokenizer_config.json")["model_max_length"] == 32
    bias = load_file(str(tmp_path / "model.safetensors"))["final_logits_bias"][0]
    assert [bias[vocab[piece]] for piece in forbidden] == [-100.0, -100.0]
    assert sum(bias == -100.0) == len(forbidden)


# --- one translator per source language -----------------------------------------------------------

# Sentences in none of the corpora, so the check is on how each tokenizer cuts new text of its language.
SENTENCES = {
    "ar": "وعد رئيس البلدية بتجديد محطة القطار قبل نهاية الصيف.",
    "fr": "Le maire a promis de rénover la gare avant la fin de l'été.",
    "fa": "شهردار قول داد ایستگاه قطار را پیش از پایان تابستان نوسازی کند.",
    "tr": "Belediye başkanı istasyonu yaz bitmeden yenileyeceğine söz verdi.",
}


def test_every_shipped_corpus_is_a_source_language():
    from summarize.tiny import corpus_languages

    assert corpus_languages() == ("ar", "de", "es", "fa", "fr", "he", "ru", "tr", "ur")


def test_a_translator_folder_per_language(tiny_multilingual):
    assert set(tiny_multilingual) == {"translator", "summarizer", *(f"translator-{code}" for code in SENTENCES)}
    assert sorted(p.name for p in tiny_multilingual["translator"].parent.iterdir()) == sorted(tiny_multilingual)
    # translator-ar is the product's Arabic translator itself, file for file.
    assert _file_hashes(tiny_multilingual["translator-ar"]) == _file_hashes(tiny_multilingual["translator"])
    vocabularies = set()
    for code in SENTENCES:
        path = tiny_multilingual[f"translator-{code}"]
        tokenizer_config = _config(path, "tokenizer_config.json")
        assert (tokenizer_config["source_lang"], tokenizer_config["target_lang"]) == (code, "en")
        assert _config(path)["max_position_embeddings"] == 64
        vocabularies.add((path / "vocab.json").read_text(encoding="utf-8"))
    assert len(vocabularies) == len(SENTENCES)


def test_a_language_translator_rebuilds_byte_identical(tiny_multilingual, tmp_path):
    build_translator(tmp_path, language="fa")
    assert _file_hashes(tmp_path) == _file_hashes(tiny_multilingual["translator-fa"])


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_each_translator_loads_and_translates_its_language(tiny_multilingual, code):
    from summarize.engines import GenerationSettings, load_engine
    from summarize.models import resolve_model

    model = resolve_model(str(tiny_multilingual[f"translator-{code}"]), role="translator")
    engine = load_engine(model, engine="torch", device="cpu")
    [english] = engine.generate([SENTENCES[code]], GenerationSettings(num_beams=2, max_new_tokens=8))
    assert english.strip()

    # Trained on its own language, the source tokenizer knows every character of a new sentence in it,
    # and misses some in each of the others (other scripts, or letters its language does not write).
    tokenizer = engine.tokenizer
    unknown_share = {}
    for other, sentence in SENTENCES.items():
        ids = tokenizer([sentence])["input_ids"][0][:-1]  # without the closing </s>
        unknown_share[other] = sum(i == tokenizer.unk_token_id for i in ids) / len(ids)
    assert unknown_share[code] == 0
    assert all(share > 0 for other, share in unknown_share.items() if other != code), unknown_share


def test_the_french_tokenizer_knows_french_not_persian(tiny_multilingual):
    from transformers import AutoTokenizer

    from summarize.tiny import corpus_path

    tokenizer = AutoTokenizer.from_pretrained(tiny_multilingual["translator-fr"])
    lines = {code: corpus_path(code).read_text(encoding="utf-8").splitlines()[:20] for code in ("fr", "fa")}
    unknowns = {code: sum(row.count(tokenizer.unk_token_id) for row in tokenizer(text)["input_ids"])
                for code, text in lines.items()}
    assert unknowns["fr"] < unknowns["fa"], unknowns


@pytest.fixture
def cli(monkeypatch, capsys):
    """``summarize ...`` run in this process: (exit status, stdout, stderr)."""
    from summarize.cli import main

    # main() sets these for library noise when unset; set here, they are put back after the test.
    for name, value in (("TOKENIZERS_PARALLELISM", "false"), ("TRANSFORMERS_VERBOSITY", "error"),
                        ("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")):
        monkeypatch.setenv(name, value)

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


def test_cli_builds_the_languages_asked_for(cli, tmp_path):
    status, out, err = cli("models", "tiny", str(tmp_path), "--languages", "fr,tr")
    assert status == 0, err
    built = dict(line.split(": ", 1) for line in out.splitlines())
    assert list(built) == ["translator", "summarizer", "translator-fr", "translator-tr"]
    assert all((Path(path) / "config.json").is_file() for path in built.values())
    assert f"--translator fr={tmp_path / 'translator-fr'}" in err


def test_cli_refuses_a_language_without_a_corpus_before_building(cli, tmp_path):
    out_dir = tmp_path / "tiny"
    status, out, err = cli("models", "tiny", str(out_dir), "--languages", "fr,xx")
    assert status == 2
    assert err.count("\n") == 1 and "'xx'" in err and "ar, de, es, fa, fr, he, ru, tr, ur" in err
    assert not out_dir.exists() and out == ""
    with pytest.raises(SystemExit) as exit_info:
        cli("models", "tiny", str(out_dir), "--languages", ",")
    assert exit_info.value.code == 2
