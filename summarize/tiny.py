"""Tiny random-weight stand-ins for the translator and the summariser.

They exercise the real loading and generation path (``AutoTokenizer`` + ``AutoModelForSeq2SeqLM`` +
``generate``) offline, in seconds, with no pretrained weights: the output is gibberish by design. Each
mirrors the kind of model it stands in for — a Marian model with the opus-mt tokenizer layout
(two sentencepiece models and a joint vocab.json), and a BART model with a byte-level BPE tokenizer
and bart-large-cnn's special token ids — but with position limits small enough that the product's
sentence splitting and map-reduce over long inputs are exercised by short test articles.

Heavy libraries are imported inside the functions so importing this module stays instant.
"""
from __future__ import annotations

import contextlib
import io
import json
import shutil
import uuid
import warnings
from pathlib import Path
from typing import Any, Iterable, Iterator

PACKAGE_DIR = Path(__file__).resolve().parent
SEEDS_DIR = PACKAGE_DIR.parent / "seeds"
ENGLISH_CORPUS = PACKAGE_DIR / "resources" / "tiny_corpus_en.txt"

# Small limits on purpose: a few seed sentences overflow them, so splitting paths run in tests.
TRANSLATOR_MAX_POSITIONS = 64
SUMMARIZER_MAX_POSITIONS = 256

# A soft limit (hard_vocab_limit=False): the corpora support only about 530 (Arabic) and 620 (English)
# sentencepiece pieces, and a hard limit above that would make training fail.
SPM_VOCAB_SIZE = 1000
BPE_VOCAB_SIZE = 1000

# Shared by both models: big enough to have distinct heads, small enough to build and run instantly.
_ARCHITECTURE = dict(
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


def build_tiny_models(out_dir: Path | str, *, seed: int = 0) -> dict[str, Path]:
    """Build both stand-ins under ``out_dir`` (replacing earlier builds) and return their paths.

    The same seed gives byte-identical files, so a directory fingerprint is stable across builds."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {role: out / role for role in ROLES}
    with staged_directory(paths["translator"]) as staging:
        build_translator(staging, seed=seed)
    with staged_directory(paths["summarizer"]) as staging:
        build_summarizer(staging, seed=seed)
    return paths


# --- writing safely -------------------------------------------------------------------------------


@contextlib.contextmanager
def staged_directory(target: Path) -> Iterator[Path]:
    """Yield an empty sibling directory of ``target``; on success it replaces ``target``, on any error
    (KeyboardInterrupt included) it is removed and ``target`` is left as it was.

    A sibling, not a system temp dir, so the final rename stays on one filesystem and is atomic; the
    leading dot keeps a half-built model from looking like one in listings."""
    staging = target.with_name(f".{target.name}.partial-{uuid.uuid4().hex[:12]}")
    staging.mkdir(parents=True)  # plain mkdir, unlike mkdtemp, honours the umask (no 0700 models)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _publish(staging, target)


def _publish(staging: Path, target: Path) -> None:
    _apply_umask_to_files(staging)
    # A directory cannot be atomically swapped for another non-empty one, so the old build is moved
    # aside first: at every instant `target` is either absent or complete.
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        retired = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:12]}")
        target.rename(retired)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
        return
    staging.rename(target)


def _apply_umask_to_files(directory: Path) -> None:
    # save_pretrained writes weights through a private temp file (mode 0600); give every file the
    # mode a plain open() would, which the directory, made by mkdir, already reflects.
    mode = directory.stat().st_mode & 0o666
    for path in directory.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(mode)


# --- corpora --------------------------------------------------------------------------------------


def _nonblank_lines(paths: Iterable[Path]) -> list[str]:
    return [line.strip() for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def arabic_seed_lines() -> list[str]:
    files = sorted(SEEDS_DIR.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no seed articles (*.txt) in {SEEDS_DIR}: the translator's source vocabulary needs them")
    return _nonblank_lines(files)


def english_lines() -> list[str]:
    return _nonblank_lines([ENGLISH_CORPUS])


# --- translator (Marian) --------------------------------------------------------------------------


def train_sentencepiece(lines: list[str], *, seed: int = 0) -> bytes:
    """A unigram sentencepiece model, as opus-mt uses, returned as the serialised proto.

    Training from an iterator into memory keeps input paths out of the proto, so builds in different
    directories produce identical files; one thread rules out any thread-order effect."""
    import sentencepiece as spm

    spm.set_random_generator_seed(seed)
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        model_type="unigram",
        vocab_size=SPM_VOCAB_SIZE,
        hard_vocab_limit=False,
        character_coverage=1.0,  # every seed character gets a piece: no <unk> on the seeds
        num_threads=1,
        minloglevel=2,  # training logs go to stderr from C++; keep builds quiet
    )
    return buffer.getvalue()


def _spm_pieces(model_proto: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model_proto)
    # Control and unknown pieces (<unk>, <s>, </s>) are not text; the joint vocab adds its own specials.
    return [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]


def joint_marian_vocab(*spm_protos: bytes) -> dict[str, int]:
    """The opus-mt vocab.json: </s>=0, <unk>=1, the union of all pieces (source first), <pad> last.

    MarianTokenizer maps pieces to ids through this file, not through the sentencepiece ids."""
    vocab = {MARIAN_EOS: 0, MARIAN_UNK: 1}
    for proto in spm_protos:
        for piece in _spm_pieces(proto):
            vocab.setdefault(piece, len(vocab))
    vocab[MARIAN_PAD] = len(vocab)
    return vocab


def translator_config_kwargs(vocab: dict[str, int]) -> dict[str, Any]:
    pad, eos = vocab[MARIAN_PAD], vocab[MARIAN_EOS]
    return dict(
        _ARCHITECTURE,
        vocab_size=len(vocab),
        max_position_embeddings=TRANSLATOR_MAX_POSITIONS,
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


def build_translator(dest: Path, *, seed: int = 0) -> None:
    """Write a tiny opus-mt-like Marian model and its MarianTokenizer files into ``dest``."""
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    source_spm = train_sentencepiece(arabic_seed_lines(), seed=seed)
    target_spm = train_sentencepiece(english_lines(), seed=seed)
    (dest / "source.spm").write_bytes(source_spm)
    (dest / "target.spm").write_bytes(target_spm)
    vocab = joint_marian_vocab(source_spm, target_spm)
    with open(dest / "vocab.json", "w", encoding="utf-8") as fh:
        json.dump(vocab, fh, ensure_ascii=False, indent=2)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Recommended: pip install sacremoses": irrelevant to building
        tokenizer = MarianTokenizer(
            source_spm=str(dest / "source.spm"),
            target_spm=str(dest / "target.spm"),
            vocab=str(dest / "vocab.json"),
            source_lang="ar",
            target_lang="en",
            model_max_length=TRANSLATOR_MAX_POSITIONS,
        )
    model = _random_model(MarianMTModel, MarianConfig(**translator_config_kwargs(vocab)), seed)
    model.generation_config = GenerationConfig(**translator_generation_kwargs(vocab))
    _save(model, tokenizer, dest)


# --- summariser (BART) ----------------------------------------------------------------------------


def train_byte_level_bpe(lines: list[str]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """A GPT-2/BART style byte-level BPE: every byte is in the alphabet, so nothing is ever <unk>.

    Returns the vocab (BART's special ids 0-3 first, <mask> last) and the merges."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=BPE_VOCAB_SIZE - 1,  # room for <mask>
        min_frequency=1,
        special_tokens=BART_SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(lines, trainer=trainer)
    state = json.loads(tokenizer.to_str())["model"]
    vocab: dict[str, int] = dict(state["vocab"])
    vocab[BART_MASK] = len(vocab)
    # tokenizers has serialised merges both as "a b" strings and as [a, b] pairs across versions.
    merges = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in state["merges"]]
    return vocab, merges


def summarizer_config_kwargs(vocab_size: int) -> dict[str, Any]:
    return dict(
        _ARCHITECTURE,
        vocab_size=vocab_size,
        max_position_embeddings=SUMMARIZER_MAX_POSITIONS,
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
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer, GenerationConfig

    vocab, merges = train_byte_level_bpe(english_lines())
    # transformers 5: BartTokenizer is an alias of the tokenizers-backed RobertaTokenizer, which adds
    # <s> … </s> around inputs through its post-processor.
    tokenizer = BartTokenizer(
        vocab=vocab,
        merges=merges,
        add_prefix_space=False,
        model_max_length=SUMMARIZER_MAX_POSITIONS,
    )
    model = _random_model(BartForConditionalGeneration, BartConfig(**summarizer_config_kwargs(len(vocab))), seed)
    model.generation_config = GenerationConfig(**summarizer_generation_kwargs())
    _save(model, tokenizer, dest)


# --- shared ---------------------------------------------------------------------------------------


def _random_model(model_class: Any, config: Any, seed: int) -> Any:
    import torch

    # Seeding right before construction makes the weights depend on the seed alone, not on whatever
    # ran earlier in the process; the fork leaves the caller's random state as it was.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return model_class(config).eval()


def _save(model: Any, tokenizer: Any, dest: Path) -> None:
    from transformers.utils import logging as hf_logging

    # A one-shard "Writing model shards" bar per model is noise in builds and tests alike; the
    # global switch is restored so the caller's own downloads keep their bars.
    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model.save_pretrained(dest)
        tokenizer.save_pretrained(dest)
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()
