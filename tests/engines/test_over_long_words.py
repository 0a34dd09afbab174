"""A single "word" longer than a model reads — one 400-letter Arabic word, a base64 blob, a letter
with 300 combining marks — is cut by its tokens like any over-long sentence, on both engines, for the
translator and the summariser alike: such input gives output, never an exception (issue 14, item 6)."""
from __future__ import annotations

import base64
import random

import pytest

pytest.importorskip("ctranslate2")

from summarize.engines import load_engine  # noqa: E402
from summarize.engines.base import GenerationSettings  # noqa: E402
from summarize.models import resolve_model  # noqa: E402
from summarize.segment import segment_text  # noqa: E402
from summarize.summarizers.abstractive import ModelSummarizer  # noqa: E402
from summarize.translate import Translator  # noqa: E402

_RANDOM = random.Random(14)
LONG_WORD = "".join(_RANDOM.choice("ابتثجحخدذرزسشصضطظعغفقكلمنهوي") for _ in range(400))
BLOB = base64.b64encode(_RANDOM.randbytes(3750)).decode()  # 5,000 characters
MARKS = "ب" + "\u064e" * 300
HOSTILE = {"long word": LONG_WORD, "base64": BLOB, "combining marks": MARKS}
ENGINES = ["torch", "ctranslate2"]


def _engine(tiny_models, role: str, name: str):
    options = {"compute_type": "float32"} if name == "ctranslate2" else {}
    return load_engine(resolve_model(str(tiny_models[role])), engine=name, device="cpu", **options)


@pytest.mark.parametrize("name", ENGINES)
def test_the_translator_cuts_an_over_long_word(name, tiny_models, conversions):
    engine = _engine(tiny_models, "translator", name)
    assert all(n > engine.max_input_tokens for n in engine.token_lengths(list(HOSTILE.values())))
    translator = Translator(engine, beams=1, max_length_factor=0.2, max_length_offset=2)
    sent = []
    original = engine.generate_batches

    def spying(batches, settings):
        for texts in batches:
            sent.extend(texts)
            yield from original([texts], settings)

    engine.generate_batches = spying
    lines = [f"قال {text} اليوم" for text in HOSTILE.values()]
    english = translator.translate_lines(lines)
    assert len(english) == 3 and all(english)
    # What the model was handed fits it, and is the input cut, nothing dropped.
    assert max(engine.token_lengths(sent)) <= engine.max_input_tokens
    for line in lines:
        pieces = [s for p in segment_text(line, translator.max_segment_tokens, translator.count_tokens) for s in p]
        assert len(pieces) > 3 and set(pieces) <= set(sent)
        assert "".join(pieces).replace(" ", "") == line.replace(" ", "")


@pytest.mark.parametrize("name", ENGINES)
def test_the_summariser_cuts_an_over_long_word(name, tiny_models, conversions):
    engine = _engine(tiny_models, "summarizer", name)
    generation = GenerationSettings(num_beams=1, max_new_tokens=12, no_repeat_ngram_size=3)
    texts = [f"The report said {text} on Monday." for text in HOSTILE.values()]
    assert all(n > engine.max_input_tokens for n in engine.token_lengths(texts))
    summaries = ModelSummarizer(engine, generation).summarize_many(texts)
    assert [s.chunks > 1 for s in summaries] == [True, True, True]
    assert any(s.text for s in summaries)


@pytest.mark.parametrize("name", ENGINES)
def test_a_digest_of_over_long_words_runs(name, tiny_models, conversions):
    from summarize.pipeline import Pipeline
    from summarize.records import Article
    from summarize.settings import Settings

    settings = Settings(engine=name, translator=str(tiny_models["translator"]),
                        summarizer=str(tiny_models["summarizer"]), beams=1, summary_beams=1,
                        max_length_factor=0.3, summary_max_tokens=16, summary_min_tokens=4, device="cpu",
                        compute_type="float32" if name == "ctranslate2" else "auto", no_cache=True)
    articles = [Article(id=key.replace(" ", "-"), title="عنوان", text=text) for key, text in HOSTILE.items()]
    digest = Pipeline(settings).run(articles)
    assert [a.id for a in digest.articles] == ["long-word", "base64", "combining-marks"]
    assert all(a.translation_en for a in digest.articles)
    assert digest.run["counts"]["segments"] > 3 + len(HOSTILE)  # the words were cut, not sent whole


@pytest.mark.parametrize("name", ENGINES)
def test_an_over_long_input_reaching_an_engine_is_refused_with_one_message(name, tiny_models, conversions):
    """Were a stage ever to hand over something too long, both engines say so the same way (torch
    would otherwise index past its position table)."""
    engine = _engine(tiny_models, "translator", name)
    with pytest.raises(ValueError, match="longer than the 64 tokens"):
        engine.generate([BLOB], GenerationSettings(num_beams=1, max_new_tokens=4))
