"""Summary quality: ROUGE-1/2/L F-measures through rouge-score, and mean lengths."""
from __future__ import annotations

from typing import Any, Sequence

from summarize.scoring.guards import word_count
from summarize.versions import package_version

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
ROUGE_LABELS = {"rouge1": "ROUGE-1", "rouge2": "ROUGE-2", "rougeL": "ROUGE-L"}


def score_summaries(hyps: Sequence[str], refs: Sequence[str]) -> dict[str, Any]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F-measures ×100 (rouge-score, Porter stemming, averaged over
    documents), and mean lengths in words. ROUGE-L here is the plain longest common subsequence, not
    the newline-split ROUGE-Lsum. rouge-score keeps only ``a-z0-9`` tokens, so references must be in
    English: ``empty_references`` counts those with no such token."""
    hyps, refs = list(hyps), list(refs)
    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} summaries for {len(refs)} references")
    if not refs:
        raise ValueError("nothing to score: no documents")
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    for hyp, ref in zip(hyps, refs):
        scores = scorer.score(ref, hyp)  # (target, prediction)
        for rouge_type in ROUGE_TYPES:
            totals[rouge_type] += scores[rouge_type].fmeasure
    return {
        "documents": len(refs),
        **{rouge_type: 100 * total / len(refs) for rouge_type, total in totals.items()},
        "mean_words": sum(map(word_count, hyps)) / len(hyps),
        "mean_ref_words": sum(map(word_count, refs)) / len(refs),
        "empty_references": empty_references(refs),
        "scorer": {"package": "rouge-score", "version": package_version("rouge-score"), "use_stemmer": True,
                   "measure": "F-measure x100, mean over documents"},
    }


def empty_references(refs: Sequence[str]) -> int:
    """How many references hold no token rouge-score keeps (it keeps only ``a-z0-9``): such a
    reference scores 0 whatever the summary, so references must be English."""
    from rouge_score import tokenizers

    tokenizer = tokenizers.DefaultTokenizer(use_stemmer=False)
    return sum(1 for ref in refs if not tokenizer.tokenize(ref))
