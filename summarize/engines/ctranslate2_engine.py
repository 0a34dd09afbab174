"""The CTranslate2 backend: the model's own Hugging Face tokenizer, a CTranslate2 copy of the model
(converted on first use, then reused: ``summarize.engines.ct2_conversion``), and
``Translator.translate_batch``.

Why it exists: on CPU, CTranslate2 with int8 weights runs the same Marian/BART networks 4 to 5 times
faster than a plain transformers loop in float32, in well under half the memory, at beam 4 on 2
cores (``python -m tools.bench``; the README's "Engines" has the tables).

Same meaning as the torch engine. Both engines read the checkpoint's generation config and map our
``GenerationSettings`` onto their own arguments so that a setting means the same thing on either:

============================  =======================================  ==================================
GenerationSettings / ckpt     transformers ``generate``                CTranslate2 ``translate_batch``
============================  =======================================  ==================================
num_beams                     num_beams                                beam_size
output_cap(longest source)    max_new_tokens (capped at positions−1)   max_decoding_length (see below)
min_new_tokens                min_new_tokens                           min_decoding_length
no_repeat_ngram_size          no_repeat_ngram_size                     no_repeat_ngram_size
length_penalty                length_penalty                           length_penalty
bad_words_ids (Marian: pad)   bad_words_ids                            suppress_sequences (pad is not
                                                                       even in a converted Marian vocab)
decoder_start_token_id        decoder_input_ids                        config ``decoder_start_token``
                                                                       (Marian: zero embedding = pad row)
forced_bos_token_id           ForcedBOSTokenLogitsProcessor            target_prefix = [that token]
forced_eos_token_id           EOS forced at the last allowed step      one step fewer (same tokens)
eos_token_id                  eos_token_id                             end_token
repetition_penalty            repetition_penalty                       repetition_penalty
output_vocabulary (Marian:    suppress_tokens, renormalize_logits      a vocabulary map (``vmap.txt``,
target-side pieces only)                                               ``use_vmap``): only those rows
source_language (many-to-    the tokenizer's src_lang: one language   the same tokens: both engines
many models: NLLB, M2M100)    token before the text (``encode``)       tokenize alike
============================  =======================================  ==================================

Lengths: transformers counts a forced BOS among the new tokens and, with ``forced_eos_token_id``, spends
the last of ``max_new_tokens`` on a forced EOS, so at most ``cap − 1`` real tokens come out.
CTranslate2 counts the target prefix in ``max_decoding_length`` and ``min_decoding_length`` too, but
never forces an EOS: it simply stops. So ``max_decoding_length = cap − 1`` when the checkpoint forces
EOS, ``cap`` otherwise, and ``min_decoding_length = min_new_tokens`` (at most that maximum): greedy outputs are
token-for-token identical at float32 (``tests/engines/test_ctranslate2_engine.py``).

Beam search: all ``num_beams`` hypotheses are asked for, so the search ends, as transformers' does with
``early_stopping=True``, once ``num_beams`` hypotheses are finished (not as soon as the best beam is),
and a hypothesis stopped by the cap is ranked as transformers ranks it (its forced EOS makes it one
token longer for the length penalty). What remains differs in ranking only, never in what a setting
means: (1) transformers applies its logits processors (minimum length, no-repeat n-grams, bad words)
to log-probabilities without renormalising (``renormalize_logits=False``), so a masked token's
probability is lost from a beam's score; CTranslate2 masks before the softmax; (2) transformers'
default ``early_stopping=False`` keeps searching after ``num_beams`` hypotheses have finished (the
distilbart/bart-large-cnn checkpoints set ``True``); (3) transformers draws each step's candidates
from ``2 × num_beams`` so that a finished hypothesis does not narrow the beam; CTranslate2 draws
``num_beams``. With random weights EOS never competes and beams match exactly; with EOS made likely,
they match once transformers runs with ``renormalize_logits=True, early_stopping=True`` in every case
the tests try, (3) aside.
"""
from __future__ import annotations

import os
from collections import deque
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from summarize.engines.base import EngineOptionError, GenerationSettings, TokenizedEngine
# The conversion cache. Its public names are re-exported here, where callers imported them before
# the cache had a module of its own.
from summarize.engines.ct2_conversion import (  # noqa: F401
    CT2_DIR_ENV,
    MARKER,
    SEQ2SEQ_MODEL_TYPES,
    VOCABULARY_MAP,
    conversion_path,
    conversions_dir,
    convertible,
    ensure_converted,
    is_complete,
    model_type,
    storage_type,
    target_vocabulary,
    write_vocabulary_map,
)
from summarize.files import read_json
from summarize.memory import release_free_memory
from summarize.models import ResolvedModel


# --- choices that do not need the model ------------------------------------------------------------


def usable_cores() -> int:
    """Cores this process may run on: the affinity mask (taskset, cgroup cpusets) when the platform
    has one, else os.cpu_count()."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# Batches in flight at most, on CPU: each runs on threads of its own (CTranslate2's inter_threads), and
# every one beyond the batches a run has would sit idle.
MAX_BATCHES_IN_FLIGHT = 4


def thread_split(cores: int, device: str) -> tuple[int, int]:
    """(batches in flight, threads per batch) for ``cores`` cores. On CPU, batches in parallel on one
    thread each before threads inside a batch: measured on 2 cores (README, "Engines"),
    two batches of one thread each translate 3.3× faster than one batch on two threads, and one
    thread alone is 1.7× faster than two on one batch — Marian's and even BART's matrices are too
    small for intra-op threads to pay for their synchronisation. Beyond MAX_BATCHES_IN_FLIGHT, the
    cores go to threads per batch (not measured here: no bigger machine). On CUDA one batch at a time
    fills the device."""
    if device != "cpu":
        return 1, 1
    inter = max(1, min(cores, MAX_BATCHES_IN_FLIGHT))
    return inter, max(1, cores // inter)


def pick_device(requested: str) -> str:
    import ctranslate2

    cuda = ctranslate2.get_cuda_device_count() > 0
    if requested == "auto":
        return "cuda" if cuda else "cpu"
    if requested == "cuda" and not cuda:
        raise EngineOptionError("--device cuda was asked for, but CTranslate2 sees no CUDA device here")
    if requested not in ("cpu", "cuda"):
        raise EngineOptionError(f"device must be auto, cpu or cuda, not {requested!r}")
    return requested


# int8 weights with float32 activations on CPU: the fastest CTranslate2 path on x86/ARM CPUs, and a
# model four times smaller. float16 on CUDA: tensor-core matrix products with quality indistinguishable
# from float32; int8_float16 (ask for it with compute_type) halves the weights' GPU memory again. Not
# measured here: the development machine has no GPU.
DEFAULT_COMPUTE_TYPES = {"cpu": ("int8", "int8_float32", "float32"),
                         "cuda": ("float16", "int8_float16", "bfloat16", "float32")}
COMPUTE_TYPES = ("auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16",
                 "bfloat16", "float32")


def resolve_compute_type(requested: str, device: str) -> str:
    import ctranslate2

    if requested not in COMPUTE_TYPES:
        raise EngineOptionError(f"compute_type must be one of {', '.join(COMPUTE_TYPES)}, not {requested!r}")
    supported = ctranslate2.get_supported_compute_types(device)
    if requested == "auto":
        return next(t for t in DEFAULT_COMPUTE_TYPES[device] if t in supported)
    if requested not in supported:
        raise EngineOptionError(f"compute_type {requested} is not supported on this {device} "
                         f"(supported here: {', '.join(sorted(supported))})")
    return requested


# --- the engine ----------------------------------------------------------------------------------------


class CTranslate2Engine(TokenizedEngine):
    name = "ctranslate2"

    def __init__(
        self,
        model: ResolvedModel,
        device: str = "auto",
        *,
        compute_type: str = "auto",
        threads: int | None = None,
        conversions: Path | None = None,
        restrict_vocabulary: bool = True,
    ) -> None:
        """``threads``: the cores this engine may keep busy (default: every usable core), split into
        batches in flight and threads per batch by ``thread_split``."""
        super().__init__(model, device, restrict_vocabulary=restrict_vocabulary)
        self.device = pick_device(device)
        self.compute_type = resolve_compute_type(compute_type, self.device)
        self.quantization = storage_type(self.compute_type)
        self._conversions = conversions
        self.inter_threads, self.intra_threads = thread_split(threads or usable_cores(), self.device)

    def load_tokenizer(self) -> Any:
        """The checkpoint's tokenizer rebuilt on sentencepiece / tokenizers alone when its kind allows
        (``native_tokenizers``: the same ids, tested against transformers), so that CTranslate2 runs
        never import transformers and torch (1.5 s and some 220 MB); transformers' otherwise."""
        from summarize.engines.native_tokenizers import load_native_tokenizer

        # A many-to-many model is told each text's language through transformers' tokenizer (src_lang),
        # which the native ones do not reproduce.
        native = None if self.multilingual else load_native_tokenizer(self.model.path)
        return native if native is not None else super().load_tokenizer()

    # Converted and loaded on first generation, as the torch engine loads its weights: a run the cache
    # answers entirely never converts nor loads anything.
    @cached_property
    def path(self) -> Path:
        """The CTranslate2 conversion in use (converted now on first use), with the vocabulary map of
        ``output_vocabulary`` beside it when the model has one."""
        path = ensure_converted(self.model, self.quantization, self._conversions)
        if self.output_vocabulary is not None:
            write_vocabulary_map(path, self.tokenizer.convert_ids_to_tokens(self.output_vocabulary))
        return path

    @cached_property
    def translator(self) -> Any:
        import ctranslate2

        return ctranslate2.Translator(
            str(self.path), device=self.device, compute_type=self.compute_type,
            intra_threads=self.intra_threads, inter_threads=self.inter_threads,
        )

    def load(self) -> None:
        super().load()
        self.translator

    @cached_property
    def _vocabulary(self) -> set[str]:
        return set(target_vocabulary(self.path))

    @cached_property
    def _generation(self) -> dict[str, Any]:
        """What the checkpoint's generation config asks of every generation, in CTranslate2 terms, as
        the torch engine reads it (``generation_config.json``, else the model config), read from the
        files so that generating never imports transformers."""
        config = read_json(Path(self.model.path) / "generation_config.json") or self.config
        tokens = self.tokenizer.convert_ids_to_tokens

        forced_bos = self.target_language_token_id()
        if forced_bos is None:
            forced_bos = config.get("forced_bos_token_id")
        eos = config.get("eos_token_id")
        eos_ids = [] if eos is None else [eos] if isinstance(eos, int) else list(eos)
        # A bad word the converted vocabulary lacks (Marian's pad, dropped by the converter) can never
        # be generated anyway.
        suppress = [tokens(list(ids)) for ids in (config.get("bad_words_ids") or [])]
        suppress = [seq for seq in suppress if all(t in self._vocabulary for t in seq)]
        return {
            "prefix": [tokens(forced_bos)] if forced_bos is not None else None,
            "end_token": [tokens(i) for i in eos_ids] or None,
            "forced_eos": config.get("forced_eos_token_id") is not None,
            "suppress_sequences": suppress or None,
            "repetition_penalty": config.get("repetition_penalty") or 1.0,
        }

    def generate(self, texts: Sequence[str], settings: GenerationSettings) -> list[str]:
        return next(self.generate_batches([texts], settings))

    def generate_batches(self, batches: Iterable[Sequence[str]], settings: GenerationSettings) -> Iterator[list[str]]:
        """Each batch's outputs, in order, with up to ``inter_threads`` batches running at once and one
        more queued behind them, so no worker waits while the results of another are decoded."""
        pending: deque = deque()
        for texts in batches:
            pending.append(self._submit(texts, settings))
            if len(pending) > self.inter_threads:
                yield self._collect(pending.popleft(), settings)
        while pending:
            yield self._collect(pending.popleft(), settings)

    def _submit(self, texts: Sequence[str], settings: GenerationSettings) -> list[Any]:
        if not texts:
            return []
        _switch_to(self)
        # Tokenized here, in the caller's thread, before the batch is handed to CTranslate2's workers:
        # they get tokens, never the tokenizer, so the source language set for one batch cannot reach
        # another (``encode`` sets it under the engine's lock).
        ids = self.encode(texts, settings.source_language, add_special_tokens=True)["input_ids"]
        longest = max(len(row) for row in ids)
        self.refuse_over_long(longest)
        source = [self.tokenizer.convert_ids_to_tokens(row) for row in ids]
        # As the torch engine: the cap comes from the longest source of the batch and stays within the
        # decoder's positions.
        cap = min(settings.output_cap(longest), self.max_input_tokens - 1)
        options = self._generation
        prefix = options["prefix"]
        beam = settings.num_beams > 1
        max_decoding = max(1, cap - 1) if options["forced_eos"] else cap
        return self.translator.translate_batch(
            source,
            target_prefix=[list(prefix) for _ in source] if prefix else None,
            beam_size=settings.num_beams,
            # All beams' hypotheses: the search then ends when num_beams hypotheses are finished, as
            # transformers' does (early_stopping=True), rather than as soon as the best beam is.
            num_hypotheses=settings.num_beams,
            return_scores=beam,
            return_end_token=True,
            max_decoding_length=max_decoding,
            # A minimum above the cap (--summary-min-tokens 56 with --summary-max-tokens 12) yields to
            # the cap, as in transformers, where the forced EOS at the last step wins over the minimum.
            min_decoding_length=min(settings.min_new_tokens, max_decoding),
            no_repeat_ngram_size=settings.no_repeat_ngram_size,
            length_penalty=settings.length_penalty,
            repetition_penalty=options["repetition_penalty"],
            suppress_sequences=options["suppress_sequences"],
            end_token=options["end_token"],
            use_vmap=self.output_vocabulary is not None,
            max_input_length=0,  # batches arrive within the model's limit; never truncate silently
            max_batch_size=0,  # the batch is ready: our batching already sorted and sized it
            asynchronous=True,
        )

    def _collect(self, results: list[Any], settings: GenerationSettings) -> list[str]:
        beam = settings.num_beams > 1
        outputs = []
        for pending in results:
            result = pending.result()
            outputs.append(self.decode(self._best(result, settings) if beam else result.hypotheses[0]))
        return outputs

    def _best(self, result: Any, settings: GenerationSettings) -> list[str]:
        """The hypothesis transformers would return. A hypothesis stopped by the cap gets, in
        transformers, one more step spent on the forced EOS, and its score is divided by that longer
        length: rank it so (only the order of finished beams changes, never a token)."""
        ends = set(self._generation["end_token"] or [])
        scored = []
        for tokens, score in zip(result.hypotheses, result.scores):
            if self._generation["forced_eos"] and settings.length_penalty and tokens and tokens[-1] not in ends:
                score *= (len(tokens) / (len(tokens) + 1)) ** settings.length_penalty
            scored.append((score, tokens))
        return max(scored, key=lambda pair: pair[0])[1]  # max keeps the first of equal scores

    def decode(self, tokens: Sequence[str]) -> str:
        tokens = list(tokens)
        ends = set(self._generation["end_token"] or [])
        while tokens and tokens[-1] in ends:
            tokens.pop()
        target = self._target_language_token
        if target is not None:
            # The forced language token is no text (as in the torch engine, which says why).
            tokens = [token for token in tokens if token != target]
        with self.tokenizer_lock:
            ids = self.tokenizer.convert_tokens_to_ids(tokens)
            return self.tokenizer.decode(ids, skip_special_tokens=True).strip()

    @cached_property
    def _target_language_token(self) -> str | None:
        target = self.target_language_token_id()
        return None if target is None else self.tokenizer.convert_ids_to_tokens(target)

    def identity(self) -> dict[str, Any]:
        # int8 and float32 write different text: the compute type is part of what a cache key names.
        return {**super().identity(), "compute_type": self.compute_type}

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "compute_type": self.compute_type}


# The engine that generated last in this process (its id), see _switch_to.
_last_engine: int | None = None


def _switch_to(engine: CTranslate2Engine) -> None:
    """When another engine takes over (a digest's summariser after its translator), hand the freed
    working memory of the previous one back to the system first. CTranslate2's buffers are malloc'd
    from glibc's per-thread arenas, which keep freed memory: without this, the translator's last
    batches stay resident under the summariser's (measured: a digest's peak RSS 1.51 → 1.38 GB with
    the default token budgets). Only at a switch: trimming after every batch costs about 2 % of
    throughput in page faults, for nothing, as batches of one engine reuse the same memory."""
    global _last_engine
    if _last_engine is not None and _last_engine != id(engine) and engine.device == "cpu":
        release_free_memory()
    _last_engine = id(engine)
