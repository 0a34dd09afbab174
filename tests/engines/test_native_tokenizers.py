"""The native tokenizers (``summarize.engines.native_tokenizers``) give exactly what
``transformers.AutoTokenizer`` gives: ids with and without special tokens, tokens, and decoded text,
on real texts, on nasty ones and on random id sequences, for the tiny models, variants of their
tokenizer files, and the benchmark's full-size models when they have been built."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarize.engines.native_tokenizers import load_native_tokenizer

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
BENCH = ROOT / "models" / "local" / "bench"

NASTY = [
    "", " ", "   ", "\n", "\t \n", "</s>", "<unk>", "<pad>", "<s>", "<mask>", "</s></s>", "<unk><pad>",
    "text </s> more", "a</s>b", "x <unk> y <pad> z", " <mask> leading", "<s> a </s>", "</s <unk",
    "<<unk>>", "<</s>>", ">>fr<< Bonjour le monde", ">>ara<<مرحبا", ">>fr<<", ">> not a code", "a >>fr<< b",
    "</s>>>fr<< after a special", "emoji 😀🙂👍🏽 and 🇸🇦", "non\u00a0breaking\u00a0space",
    "zero\u200bwidth\u200cjoin\u200d!",
    "\ufeffbom", "الرئيس Obama قال إن 2015 كان عاماً صعباً", "مرحبا بالعالم", "Hello, world! It's a test.",
    "He didn't say 's or 're , . ? !", "ا" * 300, "supercalifragilisticexpialidocious" * 8,
    "  leading and trailing  ",
    "line one\nline two\r\nline three\ttabbed", "تجربة\n\nفقرة ثانية", "e\u0301 cafe\u0301 ﻻ ﷺ", "١٢٣ 123 ٤٥٦",
    "\u202bRTL embed\u202c", "<unk>" * 5, "unk pad s mask", "\x00\x01 control", "🙂" * 40,
]


def _corpus() -> list[str]:
    """Real texts: every FLORES line (both sides), every news title, and the paragraphs of a seeded
    fifth of the news articles plus five whole articles (newlines inside)."""
    texts: list[str] = []
    for name in ("flores200_devtest.ar", "flores200_devtest.en"):
        if (DATA / name).exists():
            texts += (DATA / name).read_text(encoding="utf-8").splitlines()
    articles = [json.loads(line) for path in sorted(DATA.glob("news_*.jsonl"))
                for line in path.open(encoding="utf-8")]
    rng = random.Random(0)
    sample = rng.sample(articles, len(articles) // 5) if articles else []
    texts += [a.get("title_ar") or "" for a in articles]
    texts += [paragraph for a in sample for paragraph in (a.get("text_ar") or "").split("\n") if paragraph]
    texts += [a.get("text_ar") or "" for a in sample[:5]]
    return texts


CORPUS = _corpus()


def _hf(path: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(path)


def assert_same(path: Path, texts: list[str], random_sequences: int = 300) -> None:
    native, reference = load_native_tokenizer(path), _hf(path)
    assert native is not None, f"{path} should have a native tokenizer"
    for attribute in ("eos_token_id", "unk_token_id", "pad_token_id", "model_max_length"):
        assert getattr(native, attribute) == getattr(reference, attribute), attribute
    # Without special tokens on a quarter of the texts, decoded on half: the same code paths, less time.
    for special, some in ((False, texts[::4]), (True, texts)):
        ids = native(some, add_special_tokens=special)["input_ids"]
        expected = reference(some, add_special_tokens=special)["input_ids"]
        for text, got, want in zip(some, ids, expected):
            assert got == want, (special, text)
    for text, row in list(zip(texts, expected))[::2]:
        assert native.convert_ids_to_tokens(row) == reference.convert_ids_to_tokens(row), text
        for skip in (True, False):
            got, want = native.decode(row, skip_special_tokens=skip), reference.decode(row, skip_special_tokens=skip)
            assert got == want, text
    size = len(reference)
    rng = random.Random(1)
    specials = list(reference.all_special_ids)
    for _ in range(random_sequences):
        row = [rng.randrange(size) if rng.random() > 0.1 else rng.choice(specials) for _ in range(rng.randint(1, 40))]
        assert native.convert_ids_to_tokens(row) == reference.convert_ids_to_tokens(row)
        assert native.decode(row, skip_special_tokens=True) == reference.decode(row, skip_special_tokens=True), row
        assert native.decode(row, skip_special_tokens=False) == reference.decode(row, skip_special_tokens=False), row
    tokens = reference.convert_ids_to_tokens(list(range(0, size, max(1, size // 500)))) + ["not-a-token", "▁zzzq"]
    assert native.convert_tokens_to_ids(tokens) == reference.convert_tokens_to_ids(tokens)
    assert native.convert_tokens_to_ids(tokens[1]) == reference.convert_tokens_to_ids(tokens[1])
    assert native.convert_ids_to_tokens(3) == reference.convert_ids_to_tokens(3)
    assert native.decode(3) == reference.decode(3)
    if hasattr(reference, "backend_tokenizer"):  # the same Rust tokenizer, to its last setting
        assert json.loads(native.backend_tokenizer.to_str()) == json.loads(reference.backend_tokenizer.to_str())
    else:
        assert native.encoder == reference.encoder and native.separate_vocabs is False
        assert native.spm_target.serialized_model_proto() == reference.spm_target.serialized_model_proto()


# --- variants of the tiny models' tokenizer files ----------------------------------------------------


def _copy_tokenizer(source: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("config.json", "tokenizer_config.json", "tokenizer.json", "source.spm", "target.spm", "vocab.json"):
        if (source / name).exists():
            shutil.copy(source / name, dest / name)
    return dest


def _edit(folder: Path, name: str, change) -> None:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data = change(data)
    if data is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _without(*keys):
    return lambda data: {k: v for k, v in data.items() if k not in keys}


def _plain(content, **flags):
    return {"content": content, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False,
            "special": True, **flags}


def _as_legacy_bpe(folder: Path) -> None:
    """vocab.json + merges.txt instead of tokenizer.json, as older checkpoints ship."""
    model = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))["model"]
    (folder / "vocab.json").write_text(json.dumps(model["vocab"], ensure_ascii=False), encoding="utf-8")
    merges = [" ".join(m) if isinstance(m, list) else m for m in model["merges"]]
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
    (folder / "tokenizer.json").unlink()


@pytest.fixture(scope="module")
def variants(tiny_models, tmp_path_factory):
    """{name: folder}: supported layouts other than the builders' own, each one native."""
    root = tmp_path_factory.mktemp("native-variants")
    marian, bart = tiny_models["translator"], tiny_models["summarizer"]
    vocab = json.loads((marian / "vocab.json").read_text(encoding="utf-8"))
    pad, piece = vocab["<pad>"], next(p for p, i in vocab.items() if i == 7)
    out = {}

    # opus-mt on the hub: a two-key tokenizer_config.json and a legacy special_tokens_map.json.
    out["marian-legacy"] = folder = _copy_tokenizer(marian, root / "marian-legacy")
    _edit(folder, "tokenizer_config.json", lambda _: {"source_lang": "ar", "target_lang": "en"})
    _edit(folder, "special_tokens_map.json",
          lambda _: {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"})
    out["marian-bare"] = folder = _copy_tokenizer(marian, root / "marian-bare")
    _edit(folder, "tokenizer_config.json", lambda _: None)
    # Stripping added tokens, an extra special token, clean-up, no stated limit.
    out["marian-stripping"] = folder = _copy_tokenizer(marian, root / "marian-stripping")
    _edit(folder, "tokenizer_config.json", lambda data: {
        **_without("model_max_length")(data), "clean_up_tokenization_spaces": True,
        "additional_special_tokens": [piece],
        "added_tokens_decoder": {"0": _plain("</s>", lstrip=True, rstrip=True),
                                 "1": _plain("<unk>", single_word=True), str(pad): _plain("<pad>", rstrip=True)}})
    # A hole in vocab.json: that id's token comes from a sentencepiece model, which one depending on
    # whether anything was decoded yet.
    out["marian-hole"] = folder = _copy_tokenizer(marian, root / "marian-hole")
    _edit(folder, "vocab.json", lambda data: {p: i for p, i in data.items() if i != 7})
    # Extra special tokens that overlap (a suffix of one starts another) but never lie inside one another.
    out["marian-overlapping"] = folder = _copy_tokenizer(marian, root / "marian-overlapping")
    overlapping = [piece for piece in ("ال", "لم", "ما", "ان") if piece in vocab]
    _edit(folder, "tokenizer_config.json", lambda data: {**data, "additional_special_tokens": overlapping})
    out["marian-split"] = folder = _copy_tokenizer(marian, root / "marian-split")
    _edit(folder, "tokenizer_config.json", lambda data: {**data, "split_special_tokens": True})

    out["bart-legacy"] = folder = _copy_tokenizer(bart, root / "bart-legacy")
    _as_legacy_bpe(folder)
    out["bart-prefix-space"] = folder = _copy_tokenizer(bart, root / "bart-prefix-space")
    _edit(folder, "tokenizer_config.json", lambda data: {
        **data, "add_prefix_space": True, "trim_offsets": False, "clean_up_tokenization_spaces": True,
        "clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output": True})
    # bart-large-cnn's <mask> eats the space before it; the class comes from config.json's model_type.
    out["bart-mask-lstrip"] = folder = _copy_tokenizer(bart, root / "bart-mask-lstrip")
    mask = json.loads((bart / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]["<mask>"]
    _edit(folder, "tokenizer_config.json", lambda data: {
        **_without("tokenizer_class", "model_max_length")(data),
        "added_tokens_decoder": {"0": _plain("<s>"), "1": _plain("<pad>"), "2": _plain("</s>"), "3": _plain("<unk>"),
                                 str(mask): _plain("<mask>", lstrip=True)}})
    out["bart-special-map"] = folder = _copy_tokenizer(bart, root / "bart-special-map")
    _as_legacy_bpe(folder)
    _edit(folder, "tokenizer_config.json", lambda data: {**data, "tokenizer_class": "BartTokenizerFast"})
    _edit(folder, "special_tokens_map.json", lambda _: {
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>", "pad_token": "<pad>",
        "cls_token": "<s>", "mask_token": {"content": "<mask>", "lstrip": True, "normalized": True, "rstrip": False,
                                           "single_word": False}})
    # A named token written as an AddedToken without "special": made special after construction.
    out["bart-mask-dict"] = folder = _copy_tokenizer(bart, root / "bart-mask-dict")
    _as_legacy_bpe(folder)
    _edit(folder, "tokenizer_config.json", lambda data: {**data, "mask_token": {
        "__type": "AddedToken", "content": "<mask>", "lstrip": True, "normalized": True, "rstrip": False,
        "single_word": False}})
    out["bart-split"] = folder = _copy_tokenizer(bart, root / "bart-split")
    _edit(folder, "tokenizer_config.json", lambda data: {**data, "split_special_tokens": True})
    return out


SMALL = NASTY + CORPUS[::25]


def test_tiny_translator(tiny_models):
    assert_same(tiny_models["translator"], NASTY + CORPUS)


def test_tiny_summarizer(tiny_models):
    assert_same(tiny_models["summarizer"], NASTY + CORPUS)


@pytest.mark.parametrize("name", ["marian-legacy", "marian-bare", "marian-stripping", "marian-hole",
                                  "marian-overlapping", "marian-split", "bart-legacy", "bart-mask-dict",
                                  "bart-prefix-space", "bart-mask-lstrip", "bart-special-map", "bart-split"])
def test_variant(variants, name):
    assert_same(variants[name], SMALL, random_sequences=100)


def test_a_token_missing_from_vocab_json_comes_from_the_target_model_until_a_decode(variants):
    native, reference = load_native_tokenizer(variants["marian-hole"]), _hf(variants["marian-hole"])
    before = native.convert_ids_to_tokens([7])
    assert before == reference.convert_ids_to_tokens([7]) == [native.spm_target.IdToPiece(7)]
    assert native.decode([7, 8]) == reference.decode([7, 8])
    assert native.convert_ids_to_tokens(7) == reference.convert_ids_to_tokens(7) == native.spm_source.IdToPiece(7)


@pytest.mark.parametrize("name", ["opus-mt-ar-en-shaped", "distilbart-cnn-12-6-shaped"])
def test_full_size_benchmark_models(name):
    path = BENCH / name
    if not (path / "config.json").exists():
        pytest.skip(f"{path} is not built (python -m tools.bench builds it)")
    assert_same(path, NASTY + CORPUS)


FRAGMENTS = ["</s>", "<unk>", "<pad>", "<s>", "<mask>", "<", ">", "/", "s", "unk", "pad", ">>", "<<", "fr", " ", "  ",
             "\n", "\t", "\u00a0", "\u200b", "ا", "لم", "ال", "كتاب", "the", "The", "'s", "n't", ".", ",", "?", "😀",
             "é", "e\u0301", "1", "١", "▁", "\u2581x"]


@pytest.fixture(scope="module")
def pairs(tiny_models, variants):
    names = {"translator": tiny_models["translator"], "summarizer": tiny_models["summarizer"],
             "marian-stripping": variants["marian-stripping"], "marian-overlapping": variants["marian-overlapping"],
             "bart-mask-lstrip": variants["bart-mask-lstrip"]}
    return {name: (load_native_tokenizer(path), _hf(path)) for name, path in names.items()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join))
def test_any_mix_of_fragments(pairs, text):
    for name, (native, reference) in pairs.items():
        for special in (True, False):
            ids = native([text], add_special_tokens=special)["input_ids"][0]
            assert ids == reference([text], add_special_tokens=special)["input_ids"][0], (name, special)
        assert native.convert_ids_to_tokens(ids) == reference.convert_ids_to_tokens(ids), name
        assert native.decode(ids, skip_special_tokens=True) == reference.decode(ids, skip_special_tokens=True), name


@settings(max_examples=300, deadline=None)
@given(st.sets(st.text("ab<>/", min_size=1, max_size=4), min_size=1, max_size=4), st.text("ab<>/x", max_size=16))
def test_the_split_around_added_tokens_is_transformers_trie(tokens, text):
    from transformers.tokenization_python import Trie

    from summarize.engines.native_tokenizers import _splitter

    if any(a != b and a in b for a in tokens for b in tokens):
        with pytest.raises(ValueError):
            _splitter(dict.fromkeys(tokens, 0))
        return
    trie = Trie()
    for token in tokens:
        trie.add(token)
    assert [chunk for chunk in _splitter(dict.fromkeys(tokens, 0)).split(text) if chunk] == trie.split(text)


# --- what stays with transformers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def unsupported(tiny_models, tmp_path_factory):
    root = tmp_path_factory.mktemp("native-unsupported")
    marian, bart = tiny_models["translator"], tiny_models["summarizer"]
    out = {"empty": root / "empty"}
    out["empty"].mkdir()

    def variant(name, source, file, change):
        out[name] = folder = _copy_tokenizer(source, root / name)
        _edit(folder, file, change)

    variant("separate-vocabs", marian, "tokenizer_config.json", lambda data: {**data, "separate_vocabs": True})
    shutil.copy(marian / "vocab.json", out["separate-vocabs"] / "target_vocab.json")
    variant("spm-sampling", marian, "tokenizer_config.json",
            lambda data: {**data, "sp_model_kwargs": {"enable_sampling": True}})
    variant("unknown-key", marian, "tokenizer_config.json", lambda data: {**data, "do_lower_case": True})
    variant("added-tokens-file", marian, "added_tokens.json", lambda _: {"<new>": 5000})
    variant("special-outside-vocab", marian, "tokenizer_config.json",
            lambda data: {**_without("added_tokens_decoder")(data), "pad_token": "<not-in-vocab>"})
    # A token inside another: transformers' Trie then cuts text in ways a regex does not follow.
    variant("nested-added-tokens", marian, "tokenizer_config.json", lambda data: {
        **data, "additional_special_tokens": [p for p in ("ل", "ال", "ا") if p in json.loads(
            (marian / "vocab.json").read_text(encoding="utf-8"))]})
    variant("other-class", bart, "tokenizer_config.json", lambda data: {**data, "tokenizer_class": "GPT2Tokenizer"})
    variant("bos-eos-flags", bart, "tokenizer_config.json", lambda data: {**data, "add_bos_token": True})
    variant("padding-in-file", bart, "tokenizer.json", lambda data: {**data, "padding": {
        "strategy": "BatchLongest", "direction": "Right", "pad_to_multiple_of": None, "pad_id": 1, "pad_type_id": 0,
        "pad_token": "<pad>"}})
    variant("t5", bart, "config.json", lambda data: {**data, "model_type": "t5"})
    variant("broken-config", marian, "tokenizer_config.json", lambda data: data)
    (out["broken-config"] / "tokenizer_config.json").write_text("{not json", encoding="utf-8")
    return out


@pytest.mark.parametrize("name", ["empty", "separate-vocabs", "spm-sampling", "unknown-key", "added-tokens-file",
                                  "special-outside-vocab", "nested-added-tokens", "other-class", "bos-eos-flags",
                                  "padding-in-file", "t5",
                                  "broken-config"])
def test_other_layouts_fall_back_to_transformers(unsupported, name):
    assert load_native_tokenizer(unsupported[name]) is None


def test_never_imports_transformers_or_torch(tiny_models):
    script = (
        "import sys\n"
        "from summarize.engines.native_tokenizers import load_native_tokenizer\n"
        f"for path in {[str(tiny_models['translator']), str(tiny_models['summarizer'])]!r}:\n"
        "    tokenizer = load_native_tokenizer(path)\n"
        "    ids = tokenizer(['مرحبا بالعالم', 'Hello world </s>'])['input_ids']\n"
        "    tokens = tokenizer.convert_ids_to_tokens(ids[0])\n"
        "    tokenizer.decode(tokenizer.convert_tokens_to_ids(tokens), skip_special_tokens=True)\n"
        "    tokenizer.src_lang = 'arb_Arab'\n"
        "print(sorted(name for name in ('transformers', 'torch') if name in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_pad_token_is_named_as_transformers_names_it(tiny_models):
    from transformers import AutoTokenizer

    from summarize.engines.native_tokenizers import load_native_tokenizer

    for role in ("translator", "summarizer"):
        native, reference = load_native_tokenizer(tiny_models[role]), AutoTokenizer.from_pretrained(tiny_models[role])
        assert (native.pad_token, native.pad_token_id) == (reference.pad_token, reference.pad_token_id)
