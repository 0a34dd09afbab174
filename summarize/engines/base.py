"""The one interface every generation backend implements: a ready batch of texts and generation
settings in, texts out. Batching, ordering and caching live above it (``summarize.batching``)."""
from __future__ import annotations

import abc
import math
import threading
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Iterable, Iterator, Sequence

from summarize.errors import UserError
from summarize.files import read_json
from summarize.languages import model_code
from summarize.models import ResolvedModel, language_scheme


class EngineOptionError(UserError, ValueError):
    """An engine option (engine, device, compute type) this model or machine cannot honour: a user's
    error, reported as one line (exit status 2)."""


def length_class(tokens: int) -> int:
    """The top of the length class ``tokens`` falls in: 4, 8, 12, 16, then four classes per power of
    two (20, 24, 28, 32, 40, 48, 56, 64, 80, …, 256, 320, …), so a length is rounded up by less than a
    quarter. Output caps are reckoned on it, so texts of one class share a cap and may share a batch
    (``summarize.batching``) without the cap of one depending on the length of another."""
    step = max(4, 2 ** max(tokens - 1, 0).bit_length() // 8)
    return -(-max(tokens, 1) // step) * step


@dataclass(frozen=True)
class GenerationSettings:
    """Everything that changes what a model writes. Each engine maps these to its own arguments so
    the same settings mean the same thing on every backend."""

    num_beams: int = 4
    # Output cap: ceil(max_length_factor × L) + max_length_offset, further bounded by max_new_tokens,
    # with L the length class (``length_class``) of the batch's longest source, in tokens: batches
    # hold texts of one cap, so it is every member's own. The proportional cap also stops runaway
    # repetition loops.
    max_length_factor: float | None = None
    max_length_offset: int = 0
    max_new_tokens: int | None = None
    min_new_tokens: int = 0
    no_repeat_ngram_size: int = 0
    length_penalty: float = 1.0
    # The texts' language, in a many-to-many model's own codes ("fra_Latn" for NLLB, "fr" for M2M100:
    # ``summarize.models.source_code_for``); None: the preset's src_lang, else the checkpoint's own.
    # A model of one source language takes none.
    source_language: str | None = None

    def output_cap(self, longest_source_tokens: int) -> int:
        caps = []
        if self.max_length_factor is not None:
            caps.append(math.ceil(self.max_length_factor * length_class(longest_source_tokens))
                        + self.max_length_offset)
        if self.max_new_tokens is not None:
            caps.append(self.max_new_tokens)
        if not caps:
            raise ValueError("GenerationSettings needs max_length_factor or max_new_tokens to cap the output")
        return max(1, min(caps))

    def as_dict(self) -> dict[str, Any]:
        """The fields, for cache keys and run records. ``source_language`` only when it is set, so
        that every key made before many-to-many models were told a language stays the same."""
        values = asdict(self)
        if values["source_language"] is None:
            del values["source_language"]
        return values


class Engine(abc.ABC):
    """A loaded seq2seq model on one backend."""

    name: ClassVar[str]

    def __init__(self, model: ResolvedModel, device: str = "auto") -> None:
        self.model = model
        self.requested_device = device

    @property
    @abc.abstractmethod
    def max_input_tokens(self) -> int:
        """The longest input, in tokens (special tokens included), the model accepts."""

    @abc.abstractmethod
    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        """Length of each text in model tokens, special tokens included, without truncation."""

    @abc.abstractmethod
    def generate(self, texts: Sequence[str], settings: GenerationSettings) -> list[str]:
        """Generate one output per input for a single ready batch, in input order."""

    def load(self) -> None:
        """Load now what the first generation would (tokenizer, weights): a service loads its models
        before it says it is ready, not on its first request. Engines that load nothing keep this."""

    def generate_batches(self, batches: Iterable[Sequence[str]], settings: GenerationSettings) -> Iterator[list[str]]:
        """The outputs of each ready batch, in order. Engines that can run several batches at once
        (CTranslate2) override it; the callers' caching and progress follow each batch as it comes."""
        for texts in batches:
            yield self.generate(texts, settings)

    def identity(self) -> dict[str, Any]:
        """Everything about the loaded model that changes its output, for cache keys: the model's
        revision (hub commit or file fingerprint) and the backend. Engines with numeric options that
        change results (quantisation) add them."""
        return {"engine": self.name, "revision": self.model.revision}

    def describe(self) -> dict[str, Any]:
        return {"engine": self.name, **self.model.describe()}


# Tokenizers report this (≈1e30) when a checkpoint does not state its input limit.
_UNSET_MAX_LENGTH = 1_000_000


class TokenizedEngine(Engine):
    """An engine that reads its inputs with the checkpoint's own tokenizer. Both backends tokenize the
    same way, so lengths, limits and batches are the same whichever one runs.

    Nothing is loaded when the engine is made: the tokenizer on first use, the weights on first
    generation. What a run needs before that — the input limit, the output vocabulary, the cache
    identity — is read from the model's files (config.json, tokenizer_config.json, the sentencepiece
    models), so a run the cache answers entirely loads neither tokenizer nor model, nor imports
    transformers or torch."""

    def __init__(self, model: ResolvedModel, device: str = "auto", *, restrict_vocabulary: bool = True) -> None:
        """``restrict_vocabulary``: cut the output to the tokens the model writes (``output_vocabulary``);
        False runs the whole output layer, as plain transformers does (the benchmark's naive loop)."""
        super().__init__(model, device)
        self.restrict_vocabulary = restrict_vocabulary
        # A many-to-many tokenizer reads the language it was last set to (src_lang): setting it and
        # encoding are one step, so that two callers of one engine never read with each other's. Decoding
        # holds it too: a fast tokenizer changes its own padding state while encoding, and decoding
        # meanwhile from another thread (the service's requests beside a digest job) fails "Already borrowed".
        self.tokenizer_lock = threading.RLock()
        self._loaded_source_language: str | None = None

    @cached_property
    def tokenizer(self) -> Any:
        return self.load_tokenizer()

    def load(self) -> None:
        self.tokenizer

    def load_tokenizer(self) -> Any:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(self.model.path)
        if self.model.preset is not None and self.model.preset.src_lang:
            tokenizer.src_lang = self.model.preset.src_lang
        self._loaded_source_language = getattr(tokenizer, "src_lang", None)
        return tokenizer

    # --- many-to-many models: told the source language, made to write English ----------------------

    @cached_property
    def language_scheme(self) -> str | None:
        """``nllb`` or ``m2m100`` for a many-to-many model (the preset's ``language_codes``, else read
        from the checkpoint's files), None for a model of one source language."""
        return language_scheme(self.model)

    @property
    def multilingual(self) -> bool:
        """Whether the model is told its texts' language (``GenerationSettings.source_language``)."""
        preset = self.model.preset
        return self.language_scheme is not None or bool(preset is not None and preset.src_lang)

    @property
    def default_source_language(self) -> str | None:
        """What a many-to-many model reads when a call names no language: the preset's src_lang, else
        what the checkpoint's tokenizer was saved with (this loads the tokenizer); None for others."""
        preset = self.model.preset
        if preset is not None and preset.src_lang:
            return preset.src_lang
        if not self.multilingual:
            return None
        self.tokenizer  # loading it records the language the checkpoint was saved with
        return self._loaded_source_language

    def language_token(self, code: str) -> str:
        """The token that stands for language ``code`` (model-scheme) in the model's vocabulary:
        M2M100 writes "fr" as "__fr__", NLLB's codes are their own tokens."""
        return f"__{code}__" if self.language_scheme == "m2m100" else code

    def encode(self, texts: Sequence[str], source_language: str | None = None, **options: Any) -> Any:
        """``tokenizer(texts, **options)`` reading ``source_language`` (None: ``default_source_language``).
        Every engine tokenizes through here, so a language set by one call never reaches the next."""
        if source_language is not None and not self.multilingual:
            raise EngineOptionError(f"{self.model.name} translates from one language and is told none "
                                    f"(source_language {source_language!r}); only many-to-many models are")
        with self.tokenizer_lock:
            tokenizer = self.tokenizer
            self._read_as(tokenizer, source_language or self.default_source_language)
            return tokenizer(list(texts), **options)

    def _read_as(self, tokenizer: Any, code: str | None) -> None:
        if code is None or getattr(tokenizer, "src_lang", None) == code:
            return
        index = tokenizer.convert_tokens_to_ids(self.language_token(code))
        if index is None or index == tokenizer.unk_token_id:
            # NLLB's tokenizer would read an unknown code as <unk> without a word; M2M100's fails on it.
            raise EngineOptionError(f"{self.model.name} has no language {code!r}: it is told languages in "
                                    f"{self.language_scheme or 'its own'} codes (summarize.models.source_code_for)")
        tokenizer.src_lang = code

    @cached_property
    def config(self) -> dict[str, Any]:
        """The checkpoint's config.json."""
        return read_json(Path(self.model.path) / "config.json")

    @cached_property
    def tokenizer_config(self) -> dict[str, Any]:
        return read_json(Path(self.model.path) / "tokenizer_config.json")

    @property
    def max_positions(self) -> int | None:
        """The model's position embeddings (config ``max_position_embeddings``), None when it has none."""
        value = self.config.get("max_position_embeddings")
        return value if isinstance(value, int) else None

    @property
    def max_input_tokens(self) -> int:
        """The position embeddings, and the tokenizer's ``model_max_length`` when its config states one
        (as the loaded tokenizer reports it: tested)."""
        limits = [self.max_positions]
        stated = self.tokenizer_config.get("model_max_length")
        if isinstance(stated, (int, float)) and stated < _UNSET_MAX_LENGTH:
            limits.append(int(stated))
        known = [limit for limit in limits if limit]
        return min(known) if known else 512

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        """Counted in the default source language: a many-to-many model's language is one token
        (NLLB's "fra_Latn", M2M100's "__fr__", before the text) whichever it is, and the text's own
        pieces do not depend on it, so lengths, limits and batches are the same in every language."""
        if not texts:
            return []
        return [len(ids) for ids in self.encode(texts, None, add_special_tokens=True)["input_ids"]]

    def refuse_over_long(self, longest: int) -> None:
        """Never truncate silently, nor let torch index past its positions (an IndexError): the stages
        above split every text to the model's limit (``summarize.segment``), so an input longer than
        that here is a bug, reported the same way on every engine."""
        if longest > self.max_input_tokens:
            raise ValueError(f"an input of {longest} tokens is longer than the {self.max_input_tokens} tokens "
                             f"{self.model.name} reads; split it before generating")

    def identity(self) -> dict[str, Any]:
        identity = super().identity()
        if self.output_vocabulary is not None:
            identity["output_vocabulary"] = "target pieces"  # outputs cached before the restriction differ
        preset = self.model.preset
        if self.language_scheme is not None and not (preset is not None and preset.tgt_lang):
            # English forced on a many-to-many checkpoint without a preset: outputs cached before it
            # was (the checkpoint's own first token) differ. Presets' keys stay as they were.
            identity["target_language"] = self.language_token(model_code("en", self.language_scheme))
        return identity

    def target_language_token_id(self) -> int | None:
        """The token a many-to-many model is made to write first: the preset's tgt_lang (NLLB's
        ``eng_Latn``, M2M100's ``__en__``), else English in the scheme read from a checkpoint without
        a preset (every translator here writes English); None for other models. Both engines put it
        where the checkpoint's own forced BOS would go, and leave it out of the text they return."""
        preset = self.model.preset
        if preset is not None and preset.tgt_lang:
            return self.tokenizer.convert_tokens_to_ids(preset.tgt_lang)
        if self.language_scheme is None:
            return None
        return self.tokenizer.convert_tokens_to_ids(self.language_token(model_code("en", self.language_scheme)))

    @cached_property
    def output_vocabulary(self) -> list[int] | None:
        """The ids of the tokens the model writes, when that is a part of its vocabulary; None when it
        may write any token.

        Marian (opus-mt) models share one vocabulary between a source and a target sentencepiece model,
        and their training targets were always cut with the target one: a source-only piece (an Arabic
        one, for ar→en) is never a right output. opus-mt-ar-en's 62,802 entries hold two 32k-piece
        models, so about half the output layer and its softmax can be skipped on every decoding step,
        which is most of a step's work for a model this size. Both engines restrict the output the same
        way: CTranslate2 computes only these rows (a vocabulary map), torch masks the others. None too
        when the engine was made with ``restrict_vocabulary=False``.

        Read from the files (vocab.json, target.spm) as MarianTokenizer reads them, so that deciding a
        cache key never loads the tokenizer."""
        if not self.restrict_vocabulary or self.config.get("model_type") != "marian":
            return None
        folder = Path(self.model.path)
        if self.tokenizer_config.get("separate_vocabs") or not (folder / "target.spm").is_file():
            return None
        vocabulary = read_json(folder / "vocab.json")
        if not vocabulary:
            return None
        import sentencepiece

        target = sentencepiece.SentencePieceProcessor(model_file=str(folder / "target.spm"))
        pieces = {target.id_to_piece(i) for i in range(target.get_piece_size())}
        allowed = {index for piece, index in vocabulary.items() if piece in pieces}
        for special, default in (("eos_token", "</s>"), ("unk_token", "<unk>")):
            token = _token_text(self.tokenizer_config.get(special, default))
            if token in vocabulary:
                allowed.add(vocabulary[token])
        # A restriction that leaves nearly everything saves nothing, and is not worth a difference.
        if len(allowed) > 0.9 * len(vocabulary):
            return None
        return sorted(allowed)


def _token_text(token: Any) -> str | None:
    """A special token as tokenizer_config.json writes it: a string, or an AddedToken's fields."""
    if isinstance(token, dict):
        token = token.get("content")
    return token if isinstance(token, str) else None
