"""Translation quality: corpus chrF and BLEU through sacrebleu, with the signatures that say how each
score was computed. sacrebleu is imported only when a score is asked for."""
from __future__ import annotations

from typing import Any, Sequence


def score_translation(hyps: Sequence[str], refs: Sequence[str], *, chrf_word_order: int = 0,
                      bleu_tokenize: str = "13a") -> dict[str, Any]:
    """Corpus chrF and BLEU of ``hyps`` against one reference each, with sacrebleu's defaults (BLEU:
    13a tokenisation, exponential smoothing; chrF: character 6-grams, beta 2). ``chrf_word_order=2``
    gives chrF++, ``bleu_tokenize="flores200"`` spBLEU (sacrebleu downloads its SentencePiece model on
    first use). The signatures say exactly how the scores were computed; scores are comparable only
    when their signatures match."""
    hyps, refs = list(hyps), list(refs)
    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} hypotheses for {len(refs)} references")
    if not refs:
        raise ValueError("nothing to score: no segments")
    from sacrebleu.metrics import CHRF

    bleu_scorer, chrf_scorer = bleu_metric(bleu_tokenize), CHRF(word_order=chrf_word_order)
    bleu = bleu_scorer.corpus_score(hyps, [refs])
    chrf = chrf_scorer.corpus_score(hyps, [refs])
    return {
        "segments": len(refs),
        "bleu": bleu.score,
        "chrf": chrf.score,
        "signatures": {"bleu": str(bleu_scorer.get_signature()), "chrf": str(chrf_scorer.get_signature())},
        "bleu_details": {"precisions": [round(p, 4) for p in bleu.precisions], "brevity_penalty": round(bleu.bp, 4),
                         "length_ratio": round(bleu.ratio, 4), "hyp_len": bleu.sys_len, "ref_len": bleu.ref_len},
    }


def bleu_metric(tokenize: str):
    """sacrebleu's BLEU with ``tokenize``; ValueError naming the tokenizers it has for an unknown one."""
    from sacrebleu.metrics import BLEU

    if tokenize not in BLEU.TOKENIZERS:
        raise ValueError(f"unknown BLEU tokenizer {tokenize!r}; sacrebleu has: {', '.join(BLEU.TOKENIZERS)}")
    return BLEU(tokenize=tokenize)
