"""Tiny random-weight stand-ins for the translator and the summariser.

They exercise the real loading and generation path (``AutoTokenizer`` + ``AutoModelForSeq2SeqLM`` +
``generate``) offline, in seconds, with no pretrained weights: the output is gibberish by design. Each
mirrors the kind of model it stands in for — a Marian model with the opus-mt tokenizer layout
(two sentencepiece models and a joint vocab.json), one per source language on request
(``translator-LANG``, its source tokenizer trained on that language's text), and a BART model with a
byte-level BPE tokenizer and bart-large-cnn's special token ids — but with position limits small
enough that the product's sentence splitting and map-reduce over long inputs are exercised by short
test articles.

The builders are public so that other tools build other sizes of the same models with them:
``build_marian`` and ``build_bart`` take the vocabulary and the shape (``architecture``,
``max_positions``), and the benchmark (``tools/bench.py``) builds full-size opus-mt-ar-en- and
distilbart-cnn-12-6-shaped models through them.

Heavy libraries are imported inside the functions so importing this module stays instant.
"""
from __future__ import annotations

import io
import json
import shutil
import warnings
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from summarize.hf import progress_bars_off
from summarize.errors import SummarizeError, UserError
from summarize.files import staged_directory

PACKAGE_DIR = Path(__file__).resolve().parent
SEEDS_DIR = PACKAGE_DIR.parent / "seeds"
RESOURCES_DIR = PACKAGE_DIR / "resources"
ENGLISH_CORPUS = RESOURCES_DIR / "tiny_corpus_en.txt"
# Arabic, the product's own source language, keeps its vocabulary from the checkout's seeds/; every
# other source language has a corpus shipped in the package (resources/tiny_corpus_LANG.txt).
SEED_LANGUAGE = "ar"

# Small limits on purpose: a few seed sentences overflow them, so splitting paths run in tests.
TRANSLATOR_MAX_POSITIONS = 64
SUMMARIZER_MAX_POSITIONS = 256

# A soft limit (hard_vocab_limit=False): the corpora support only about 530 (Arabic) and 620 (English)
# sentencepiece pieces, and a hard limit above that would make training fail.
SPM_VOCAB_SIZE = 1000
BPE_VOCAB_SIZE = 1000

# Shared by both tiny models: big enough to have distinct heads, small enough to build and run
# instantly. The shape of a transformer layer stack; the position limit is given apart.
TINY_ARCHITECTURE = dict(
    d_model=64,
    encoder_layers=2,
    decoder_layers=2,
    encoder_attention_heads=4,
    decoder_attention_heads=4,
    encoder_ffn_dim=128,
    decoder_ffn_dim=128,
)

# opus-mt layout: eos and unk first, pad last (pad doubles as the decoder start token).
MARIAN_EOS, MARIAN_UNK, MARIAN_PAD = "</s>", "<unk>", "<pad>"
# bart-large-cnn's ids for its special tokens; <mask> goes last, as in the real vocabulary.
BART_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
BART_MASK = "<mask>"

ROLES = ("translator", "summarizer")


def build_tiny_models(out_dir: Path | str, *, seed: int = 0,
                      languages: Iterable[str] = (SEED_LANGUAGE,)) -> dict[str, Path]:
    """Build the stand-ins under ``out_dir`` (replacing earlier builds) and return their paths:
    ``translator`` (Arabic→English) and ``summarizer`` always, and ``translator-LANG``, a LANG→English
    translator, for each of ``languages`` (codes from ``corpus_languages()``; UserError on others,
    before anything is built). ``translator-ar`` is a copy of ``translator``: the same build.

    The same seed gives byte-identical files, so a directory fingerprint is stable across builds."""
    wanted = checked_languages(languages)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {role: out / role for role in ROLES}
    with staged_directory(paths["translator"]) as staging:
        build_translator(staging, seed=seed)
    with staged_directory(paths["summarizer"]) as staging:
        build_summarizer(staging, seed=seed)
    for language in wanted:
        path = paths[f"translator-{language}"] = out / f"translator-{language}"
        with staged_directory(path) as staging:
            if language == SEED_LANGUAGE:
                # Copied rather than rebuilt: the same files, without training the same tokenizers twice.
                shutil.copytree(paths["translator"], staging, dirs_exist_ok=True)
            else:
                build_translator(staging, seed=seed, language=language)
    return paths


def checked_languages(languages: Iterable[str]) -> list[str]:
    """``languages`` without repeats, in order, once each is known to have a corpus."""
    wanted = list(dict.fromkeys(languages))
    available = corpus_languages()
    unknown = [code for code in wanted if code not in available]
    if unknown:
        raise UserError(f"no tiny-model corpus for {', '.join(map(repr, unknown))}: "
                        f"languages available: {', '.join(available)}")
    return wanted


# --- corpora --------------------------------------------------------------------------------------


def _nonblank_lines(paths: Iterable[Path]) -> list[str]:
    return [line.strip() for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def arabic_seed_lines() -> list[str]:
    files = sorted(SEEDS_DIR.glob("*.txt"))
    if not files:
        raise SummarizeError(f"no seed articles (*.txt) in {SEEDS_DIR}: the tiny translator's Arabic vocabulary "
                             "is trained on the seeds/ of a checkout of this project; build tiny models there")
    return _nonblank_lines(files)


def english_lines() -> list[str]:
    return _nonblank_lines([ENGLISH_CORPUS])


def corpus_path(language: str) -> Path:
    return RESOURCES_DIR / f"tiny_corpus_{language}.txt"


def corpus_languages() -> tuple[str, ...]:
    """The source languages a tiny translator can be built for, sorted: Arabic (the seeds) and each
    language with a shipped corpus. English is the target, never a source."""
    shipped = {path.stem.removeprefix("tiny_corpus_") for path in RESOURCES_DIR.glob("tiny_corpus_*.txt")}
    return tuple(sorted((shipped - {"en"}) | {SEED_LANGUAGE}))


def source_lines(language: str) -> list[str]:
    """The text a ``language``→English translator's source tokenizer is trained on."""
    if language == SEED_LANGUAGE:
        return arabic_seed_lines()
    checked_languages([language])
    return _nonblank_lines([corpus_path(language)])


# --- translator (Marian) --------------------------------------------------------------------------


def train_sentencepiece(lines: list[str], *, seed: int = 0, vocab_size: int = SPM_VOCAB_SIZE,
                        placeholders: Sequence[str] = (), threads: int = 1, max_sentences: int = 0) -> bytes:
    """A unigram sentencepiece model, as opus-mt uses, returned as the serialised proto.

    ``vocab_size`` is a soft limit: a corpus that supports fewer pieces gives fewer. ``placeholders``
    are extra pieces (user-defined symbols) on top of it, which real text never matches: they widen a
    model to a real one's size without changing how text is cut. ``max_sentences`` samples that many
    input lines (0: all of them).

    Training from an iterator into memory keeps input paths out of the proto, so builds in different
    directories produce identical files; one thread (the default) rules out any thread-order effect."""
    import sentencepiece as spm

    spm.set_random_generator_seed(seed)
    buffer = io.BytesIO()
    options: dict[str, Any] = {"user_defined_symbols": list(placeholders)} if placeholders else {}
    if max_sentences:
        options.update(input_sentence_size=max_sentences, shuffle_input_sentence=True)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        model_type="unigram",
        vocab_size=vocab_size + len(placeholders),
        hard_vocab_limit=False,
        character_coverage=1.0,  # every seed character gets a piece: no <unk> on the seeds
        num_threads=threads,
        minloglevel=2,  # training logs go to stderr from C++; keep builds quiet
        **options,
    )
    return buffer.getvalue()


def spm_pieces(model_proto: bytes) -> list[str]:
    """The text pieces of a serialised sentencepiece model, in id order (control and unknown pieces
    left out)."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model_proto)
    # Control and unknown pieces (<unk>, <s>, </s>) are not text; the joint vocab adds its own specials.
    return [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]


def joint_marian_vocab(*spm_protos: bytes, size: int | None = None, filler: str = "▁<unused>") -> dict[str, int]:
    """The opus-mt vocab.json: </s>=0, <unk>=1, the union of all pieces (source first), <pad> last.

    ``size``: unused entries (``filler`` + a number) go before <pad> until the vocabulary has that
    many entries, so the embedding and output layers have a real model's width.
    MarianTokenizer maps pieces to ids through this file, not through the sentencepiece ids."""
    vocab = {MARIAN_EOS: 0, MARIAN_UNK: 1}
    for proto in spm_protos:
        for piece in spm_pieces(proto):
            vocab.setdefault(piece, len(vocab))
    if size is not None:
        fill_vocab(vocab, size - 1, filler)
    vocab[MARIAN_PAD] = len(vocab)
    return vocab


def fill_vocab(vocab: dict[str, int], size: int, filler: str) -> None:
    """Add unused entries (``filler`` + a number) to ``vocab`` until it has ``size`` entries."""
    index = 0
    while len(vocab) < size:
        vocab.setdefault(f"{filler}{index}", len(vocab))
        index += 1


def translator_config_kwargs(vocab: dict[str, int], *, architecture: Mapping[str, int] = TINY_ARCHITECTURE,
                             max_positions: int = TRANSLATOR_MAX_POSITIONS) -> dict[str, Any]:
    pad, eos = vocab[MARIAN_PAD], vocab[MARIAN_EOS]
    return dict(
        architecture,
        vocab_size=len(vocab),
        max_position_embeddings=max_positions,
        pad_token_id=pad,
        eos_token_id=eos,
        bos_token_id=eos,  # opus-mt sets bos to eos too; Marian has no <s>
        decoder_start_token_id=pad,  # Marian starts decoding from <pad>
        forced_eos_token_id=eos,
        activation_function="swish",
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
    )


def translator_generation_kwargs(vocab: dict[str, int]) -> dict[str, Any]:
    pad, eos = vocab[MARIAN_PAD], vocab[MARIAN_EOS]
    return dict(
        pad_token_id=pad,
        eos_token_id=eos,
        bos_token_id=eos,
        decoder_start_token_id=pad,
        forced_eos_token_id=eos,
        bad_words_ids=[[pad]],  # as opus-mt: never emit the start token mid-sentence
        # No max_length: callers pass max_new_tokens, and a saved max_length makes every such call
        # log a "both set" warning. Left out, generate() defaults to 20 new tokens, within the
        # position limit.
    )


def build_translator(dest: Path, *, seed: int = 0, language: str = SEED_LANGUAGE) -> None:
    """Write a tiny opus-mt-like ``language``→English Marian model and its MarianTokenizer files into
    ``dest``: the source tokenizer is trained on ``source_lines(language)``, the target one on English."""
    source_spm = train_sentencepiece(source_lines(language), seed=seed)
    target_spm = train_sentencepiece(english_lines(), seed=seed)
    build_marian(dest, source_spm, target_spm, seed=seed, source_lang=language)


def build_marian(
    dest: Path,
    source_spm: bytes,
    target_spm: bytes,
    *,
    vocab: dict[str, int] | None = None,
    architecture: Mapping[str, int] = TINY_ARCHITECTURE,
    max_positions: int = TRANSLATOR_MAX_POSITIONS,
    seed: int = 0,
    forbidden_outputs: Iterable[str] = (),
    generation: Mapping[str, Any] | None = None,
    source_lang: str = SEED_LANGUAGE,
) -> None:
    """Write an opus-mt-like Marian model with random weights (seeded by ``seed`` alone) and its
    MarianTokenizer files (``source.spm``, ``target.spm``, ``vocab.json``) into ``dest``.

    ``vocab``: the joint vocabulary (default ``joint_marian_vocab(source_spm, target_spm)``);
    ``architecture``: the layer stack's shape (``TINY_ARCHITECTURE``'s fields); ``max_positions``: the
    position limit, the tokenizer's too. opus-mt's layout otherwise: swish, scaled embeddings shared by
    encoder, decoder and output layer, sinusoidal positions. ``forbidden_outputs``: pieces the output
    layer's bias rules out (a random model would write them; the work per step is unchanged).
    ``generation``: fields added to the checkpoint's generation config. ``source_lang``: the code
    the tokenizer config records (the target is English)."""
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    (dest / "source.spm").write_bytes(source_spm)
    (dest / "target.spm").write_bytes(target_spm)
    vocab = joint_marian_vocab(source_spm, target_spm) if vocab is None else vocab
    with open(dest / "vocab.json", "w", encoding="utf-8") as fh:
        json.dump(vocab, fh, ensure_ascii=False, indent=2)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Recommended: pip install sacremoses": irrelevant to building
        tokenizer = MarianTokenizer(
            source_spm=str(dest / "source.spm"),
            target_spm=str(dest / "target.spm"),
            vocab=str(dest / "vocab.json"),
            source_lang=source_lang,
            target_lang="en",
            model_max_length=max_positions,
        )
    config = MarianConfig(**translator_config_kwargs(vocab, architecture=architecture, max_positions=max_positions))
    model = random_model(MarianMTModel, config, seed)
    forbid_outputs(model, [vocab[piece] for piece in forbidden_outputs])
    model.generation_config = GenerationConfig(**translator_generation_kwargs(vocab), **(generation or {}))
    save_model(model, tokenizer, dest)


# --- summariser (BART) ----------------------------------------------------------------------------


def train_byte_level_bpe(lines: list[str], *, vocab_size: int = BPE_VOCAB_SIZE, min_frequency: int = 1,
                         filler: str | None = None) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """A GPT-2/BART style byte-level BPE: every byte is in the alphabet, so nothing is ever <unk>.

    Returns the vocab (BART's special ids 0-3 first, <mask> last) and the merges. ``vocab_size``
    counts <mask>; with ``filler``, unused entries (``filler`` + a number) go before <mask> until the
    vocabulary has that many entries, when the corpus gives fewer."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size - 1,  # room for <mask>
        min_frequency=min_frequency,
        special_tokens=BART_SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(lines, trainer=trainer)
    state = json.loads(tokenizer.to_str())["model"]
    vocab: dict[str, int] = dict(state["vocab"])
    if filler is not None:
        fill_vocab(vocab, vocab_size - 1, filler)
    vocab[BART_MASK] = len(vocab)
    # tokenizers has serialised merges both as "a b" strings and as [a, b] pairs across versions.
    merges = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in state["merges"]]
    return vocab, merges


def summarizer_config_kwargs(vocab_size: int, *, architecture: Mapping[str, int] = TINY_ARCHITECTURE,
                             max_positions: int = SUMMARIZER_MAX_POSITIONS) -> dict[str, Any]:
    return dict(
        architecture,
        vocab_size=vocab_size,
        max_position_embeddings=max_positions,
        bos_token_id=0,
        pad_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=2,  # as bart-large-cnn: decoding starts from </s>, then <s> is forced
        forced_eos_token_id=2,
        activation_function="gelu",
        scale_embedding=False,
        tie_word_embeddings=True,
    )


def summarizer_generation_kwargs() -> dict[str, Any]:
    return dict(
        bos_token_id=0,
        pad_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
        # bart-large-cnn's beam and length presets live in the product's catalogue; max_length is
        # left out for the same reason as the translator's.
    )


def build_summarizer(dest: Path, *, seed: int = 0) -> None:
    """Write a tiny bart-large-cnn-like model and its byte-level BPE tokenizer into ``dest``."""
    vocab, merges = train_byte_level_bpe(english_lines())
    build_bart(dest, vocab, merges, seed=seed)


def build_bart(
    dest: Path,
    vocab: dict[str, int],
    merges: Sequence[tuple[str, str]],
    *,
    architecture: Mapping[str, int] = TINY_ARCHITECTURE,
    max_positions: int = SUMMARIZER_MAX_POSITIONS,
    seed: int = 0,
    forbidden_outputs: Iterable[str] = (),
    generation: Mapping[str, Any] | None = None,
) -> None:
    """Write a bart-large-cnn-like model with random weights (seeded by ``seed`` alone) and its
    byte-level BPE tokenizer (``vocab`` and ``merges``, as ``train_byte_level_bpe`` returns them) into
    ``dest``. ``architecture``, ``max_positions``, ``forbidden_outputs`` and ``generation`` as for
    ``build_marian``; bart-large-cnn's layout otherwise (gelu, post-norm, learned positions, decoding
    from </s> with <s> forced first)."""
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer, GenerationConfig

    # transformers 5: BartTokenizer is an alias of the tokenizers-backed RobertaTokenizer, which adds
    # <s> … </s> around inputs through its post-processor.
    tokenizer = BartTokenizer(
        vocab=vocab,
        merges=list(merges),
        add_prefix_space=False,
        model_max_length=max_positions,
    )
    config = BartConfig(**summarizer_config_kwargs(len(vocab), architecture=architecture, max_positions=max_positions))
    model = random_model(BartForConditionalGeneration, config, seed)
    forbid_outputs(model, [vocab[piece] for piece in forbidden_outputs])
    model.generation_config = GenerationConfig(**summarizer_generation_kwargs(), **(generation or {}))
    save_model(model, tokenizer, dest)


# --- shared ---------------------------------------------------------------------------------------


def random_model(model_class: Any, config: Any, seed: int) -> Any:
    """``model_class(config)`` with random weights that depend on ``seed`` alone, in eval mode."""
    import torch

    # Seeding right before construction makes the weights depend on the seed alone, not on whatever
    # ran earlier in the process; the fork leaves the caller's random state as it was.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return model_class(config).eval()


def forbid_outputs(model: Any, token_ids: Sequence[int]) -> None:
    """Rule ``token_ids`` out of a Marian or BART model's output through its output layer's bias
    (``final_logits_bias``): a random model then never writes them, and each step's work is the same."""
    if not token_ids:
        return
    import torch

    with torch.no_grad():
        model.final_logits_bias[0, list(token_ids)] = -100.0


def save_model(model: Any, tokenizer: Any, dest: Path) -> None:
    """``save_pretrained`` the model and its tokenizer into ``dest``."""
    # A one-shard "Writing model shards" bar per model is noise in builds and tests alike; the
    # switch is put back afterwards, so the caller's own downloads keep their bars.
    with progress_bars_off():
        model.save_pretrained(dest)
        tokenizer.save_pretrained(dest)
