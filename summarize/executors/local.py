"""The in-process executor: today's run, the stages called in this process one window at a time."""
from __future__ import annotations

from summarize.executors.base import Executor


class LocalExecutor(Executor):
    name = "local"

    def make_articles(self, pipeline, articles, day, summarizer, *, span):
        return pipeline._make_articles(articles, day, summarizer, span=span)
