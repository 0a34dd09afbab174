"""The transformers backend: tokenizer + AutoModelForSeq2SeqLM + generate."""
from __future__ import annotations

import copy
from functools import cached_property
from typing import Sequence

from summarize.engines.base import EngineOptionError, GenerationSettings, TokenizedEngine
from summarize.hf import progress_bars_off
from summarize.models import ResolvedModel


def pick_device(requested: str) -> str:
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        raise EngineOptionError("--device cuda was asked for, but torch sees no CUDA device here")
    return requested


class TorchEngine(TokenizedEngine):
    name = "torch"

    def __init__(self, model: ResolvedModel, device: str = "auto", *, threads: int | None = None,
                 restrict_vocabulary: bool = True) -> None:
        super().__init__(model, device, restrict_vocabulary=restrict_vocabulary)
        if device not in ("auto", "cpu", "cuda"):
            raise EngineOptionError(f"device must be auto, cpu or cuda, not {device!r}")
        self.threads = threads

    @cached_property
    def _torch(self):
        """torch, imported on first need: a run the cache answers entirely never imports it."""
        import torch

        if self.threads:
            # torch's thread pool is the process's: the last engine loaded with a number sets it.
            torch.set_num_threads(self.threads)
        return torch

    @cached_property
    def device(self) -> str:
        """cpu as asked without importing torch; auto and cuda ask torch what is there."""
        return self.requested_device if self.requested_device == "cpu" else pick_device(self.requested_device)

    @cached_property
    def network(self):
        """The weights, loaded on first generation: a run the cache answers entirely never loads them."""
        self._torch  # its threads set before the weights load
        from transformers import AutoModelForSeq2SeqLM

        # Our own progress bars cover the run; a per-load "Loading weights" bar is noise.
        with progress_bars_off():
            network = AutoModelForSeq2SeqLM.from_pretrained(self.model.path)
        return network.to(self.device).eval()

    def load(self) -> None:
        super().load()
        self.network

    @cached_property
    def _base_config(self):
        """The checkpoint's own generation config (bad words, early stopping, forced tokens) with the
        length fields cleared: our GenerationSettings alone decide lengths, so a setting means the same
        on every engine and checkpoint."""
        config = copy.deepcopy(self.network.generation_config)
        config.min_length = 0
        config.max_length = None
        if self.target_language_token_id() is not None:
            config.forced_bos_token_id = self.target_language_token_id()
        if self.output_vocabulary is not None:
            allowed = set(self.output_vocabulary)
            config.suppress_tokens = [i for i in range(self.network.config.vocab_size) if i not in allowed]
            # The restriction must not cost a beam the probability its masked tokens had: scores are
            # renormalised after masking, as CTranslate2's vocabulary map computes them.
            config.renormalize_logits = True
        return config

    def generate(self, texts: Sequence[str], settings: GenerationSettings) -> list[str]:
        if not texts:
            return []
        torch = self._torch
        encoded = self.encode(texts, settings.source_language, return_tensors="pt", padding=True).to(self.device)
        self.refuse_over_long(encoded["input_ids"].shape[1])
        # The decoder has as many positions as the encoder: a longer output would index past them.
        cap = min(settings.output_cap(encoded["input_ids"].shape[1]), self.max_input_tokens - 1)
        config = copy.deepcopy(self._base_config)
        config.num_beams = settings.num_beams
        config.max_new_tokens = cap
        config.min_new_tokens = min(settings.min_new_tokens, cap) or None
        config.no_repeat_ngram_size = settings.no_repeat_ngram_size
        config.length_penalty = settings.length_penalty
        config.do_sample = False
        with torch.inference_mode():
            output = self.network.generate(**encoded, generation_config=config)
        rows = output.tolist()
        target = self.target_language_token_id()
        if target is not None:
            # The forced language token is no text. NLLB's tokenizer skips it as a special token, but
            # M2M100's in transformers 5 does not when the checkpoint's files do not list its language
            # tokens as special (as M2M100Tokenizer.save_pretrained writes them): "__en__ ..." otherwise.
            rows = [[index for index in row if index != target] for row in rows]
        with self.tokenizer_lock:
            return [text.strip() for text in self.tokenizer.batch_decode(rows, skip_special_tokens=True)]
