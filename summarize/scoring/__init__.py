"""Scores for translations and summaries, as pure functions of texts: chrF and BLEU (``translation``),
ROUGE (``summary``), guard rails against broken output (``guards``), and the printed table
(``report``). The ``eval`` command (``summarize.cli.evaluate``) reads files and runs models around them."""
from __future__ import annotations

from summarize.scoring.guards import guard_report, guard_thresholds, summary_guard_report
from summarize.scoring.report import format_report
from summarize.scoring.summary import ROUGE_TYPES, empty_references, score_summaries
from summarize.scoring.translation import bleu_metric, score_translation

__all__ = ["ROUGE_TYPES", "bleu_metric", "empty_references", "format_report", "guard_report", "guard_thresholds",
           "score_summaries", "score_translation", "summary_guard_report"]
