"""A segment's output does not depend on what else is generated with it (issue 14, item 17): batched by
output cap, the default, a run that finds half its segments cached, or runs with another token budget,
writes what a cold run writes, on both engines and at int8 too. Mixed batches do not: that control
shows the comparison can tell. ``python -m tools.repro`` measures the same with more articles."""
from __future__ import annotations

import pytest

pytest.importorskip("ctranslate2")

from summarize.engines import load_engine  # noqa: E402
from summarize.models import resolve_model  # noqa: E402
from summarize.segment import segment_text  # noqa: E402
from summarize.tiny import arabic_seed_lines  # noqa: E402
from summarize.translate import Translator  # noqa: E402


@pytest.mark.parametrize("engine_name, compute_type", [("torch", "auto"), ("ctranslate2", "float32"),
                                                       ("ctranslate2", "int8")])
def test_half_cached_or_another_budget_translates_as_a_cold_run(engine_name, compute_type, tiny_models, conversions):
    engine = load_engine(resolve_model(str(tiny_models["translator"])), engine=engine_name, device="cpu",
                         compute_type=compute_type)
    translator = Translator(engine, beams=2)
    lines = arabic_seed_lines()[:40]
    segments = list(dict.fromkeys(s for line in lines for p in segment_text(line, 64, translator.count_tokens)
                                  for s in p))
    assert len(set(engine.token_lengths(segments))) > 10  # lengths to mix

    def differing(batching: str) -> int:
        translator.batching, translator.token_budget = batching, 1000
        cold = dict(zip(segments, translator.translate_segments(segments)))
        warm = dict(zip(segments[1::2], translator.translate_segments(segments[1::2])))
        translator.token_budget = 250
        small = dict(zip(segments, translator.translate_segments(segments)))
        return sum(cold[s] != out for run in (warm, small) for s, out in run.items())

    assert differing("cap") == 0
    assert differing("mixed") > 0
