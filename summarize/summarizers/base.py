"""The one interface every summariser implements, whether it runs a model or picks sentences."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from summarize.records import StageStats, Summary


@dataclass(frozen=True)
class StoryPlan:
    """What the story builder needs of the run's summariser (``summarize.stories.build_stories``):
    how many words of key sentences to gather from a story's articles (at least ``min_words`` when the
    articles have them), and ``summarize`` to turn them into the story's summary — None when the key
    sentences are the summary (cut to ``max_words``)."""

    max_words: int
    min_words: int = 0
    summarize: Callable[[Sequence[str]], list[Summary]] | None = None


class Summarizer(ABC):
    """English texts in, one ``Summary`` each out, in input order. ``stats`` counts what was asked for
    and where the answers came from; ``describe()`` is what ``digest.json`` records as
    ``run.summarizer``."""

    name: str
    stats: StageStats

    @abstractmethod
    def summarize_many(self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None,
                       stats: StageStats | None = None) -> list[Summary]:
        """One summary per text; ``on_batch(n)`` is told how many finished after each step. ``stats``:
        where to count them (default: ``self.stats``, which a run resets; the service keeps its own)."""

    def load(self) -> None:
        """Load the model now rather than on the first summary (the service, before it says it is ready)."""

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """The configuration behind every summary: model, engine, generation settings…"""

    @abstractmethod
    def story_plan(self) -> StoryPlan:
        """How a story's summary is made from its articles' key sentences."""

    def summarize(self, text: str) -> Summary:
        return self.summarize_many([text])[0]
