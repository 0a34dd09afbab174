"""A stand-in engine for tests of the stages above the engine: deterministic, instant, and it records
every batch it is handed."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from summarize.engines.base import Engine, GenerationSettings
from summarize.models import ResolvedModel


class EchoEngine(Engine):
    """Counts one token per word plus one end token; 'translates' by tagging each input, cut to the
    output cap like a real model that never stops early."""

    name = "echo"

    def __init__(self, max_input_tokens: int = 512, output_words: int | None = None) -> None:
        super().__init__(ResolvedModel(spec="echo", path=Path("/nonexistent/echo"), commit="echo"), "cpu")
        self._max_input_tokens = max_input_tokens
        self.output_words = output_words
        self.batches: list[list[str]] = []
        self.settings: list[GenerationSettings] = []

    @property
    def max_input_tokens(self) -> int:
        return self._max_input_tokens

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) + 1 for text in texts]

    def generate(self, texts: Sequence[str], settings: GenerationSettings) -> list[str]:
        assert max(self.token_lengths(texts)) <= self._max_input_tokens, "engine handed an over-long input"
        self.batches.append(list(texts))
        self.settings.append(settings)
        cap = settings.output_cap(max(self.token_lengths(texts)))
        if self.output_words is None:
            return [" ".join(f"<{text}>".split()[:cap]) for text in texts]
        return [" ".join(["w"] * min(cap, self.output_words)) for _ in texts]
