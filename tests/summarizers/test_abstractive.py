import json
from pathlib import Path

from summarize.engines.base import GenerationSettings
from summarize.models import Preset, ResolvedModel
from summarize.settings import Settings
from summarize.summarizers.abstractive import FALLBACK_GENERATION, ModelSummarizer, summary_generation
from tests.fakes import EchoEngine

GENERATION = GenerationSettings(num_beams=1, max_new_tokens=20, min_new_tokens=5)


def sentences(count: int, words: int = 10) -> list[str]:
    return [" ".join([f"s{i}w{j}" for j in range(words - 1)] + [f"end{i}."]) for i in range(count)]


def test_text_within_the_window_is_summarised_directly():
    engine = EchoEngine(max_input_tokens=64)
    summary = ModelSummarizer(engine, GENERATION).summarize(" ".join(sentences(3)))
    assert (summary.chunks, summary.levels) == (1, 1)
    assert len(engine.batches) == 1 and summary.text


def test_long_text_goes_through_map_reduce_on_sentence_boundaries():
    engine = EchoEngine(max_input_tokens=64)
    text_sentences = sentences(30)
    summary = ModelSummarizer(engine, GENERATION).summarize(" ".join(text_sentences))
    # 10-word sentences are 11 tokens alone; a chunk holds six (61 tokens ≤ 64): 30 sentences → 5 chunks.
    assert summary.chunks == 5
    # Five 16-word chunk summaries (80 tokens) still overflow the window: one more map round, then the final.
    assert summary.levels == 3
    first_level = engine.batches[0]
    assert len(first_level) == 5
    # Nothing truncated: the chunks together hold every word, in order, each chunk whole sentences.
    assert sorted(first_level, key=lambda c: int(c.split("w")[0][1:])) == [
        " ".join(text_sentences[i:i + 6]) for i in range(0, 30, 6)]
    assert all(n <= 64 for n in engine.token_lengths(first_level))
    # The map step is capped at a quarter of the window so the reduction always shrinks.
    assert engine.settings[0].max_new_tokens == 16


def test_very_long_text_takes_several_levels_and_every_input_fits():
    engine = EchoEngine(max_input_tokens=40)
    summary = ModelSummarizer(engine, GENERATION).summarize(" ".join(sentences(200, words=7)))
    assert summary.chunks > 10 and summary.levels >= 3
    for batch in engine.batches:
        assert max(engine.token_lengths(batch)) <= 40


def test_many_texts_share_batches_and_keep_their_order():
    engine = EchoEngine(max_input_tokens=64)
    texts = [" ".join(sentences(n)) for n in (1, 12, 2, 0, 3)]
    summaries = ModelSummarizer(engine, GENERATION).summarize_many(texts)
    assert [s.chunks for s in summaries] == [1, 2, 1, 0, 1]
    assert summaries[3].text == ""
    assert summaries[0].text.startswith("<s0w0")


def test_generation_settings_precedence(tmp_path: Path):
    (tmp_path / "generation_config.json").write_text(json.dumps({"max_length": 100, "min_length": 11, "num_beams": 6}))
    bare = ResolvedModel(spec=str(tmp_path), path=tmp_path)
    from_checkpoint = summary_generation(Settings(), bare)
    assert (from_checkpoint.max_new_tokens, from_checkpoint.min_new_tokens, from_checkpoint.num_beams) == (99, 10, 6)
    assert from_checkpoint.no_repeat_ngram_size == FALLBACK_GENERATION["no_repeat_ngram_size"]
    preset = Preset(name="p", task="summarization", hf_id="o/p", generation={"num_beams": 2, "max_new_tokens": 50})
    with_preset = ResolvedModel(spec="p", path=tmp_path, preset=preset)
    assert summary_generation(Settings(), with_preset).num_beams == 2
    chosen = summary_generation(Settings(summary_beams=3, summary_max_tokens=30, summary_min_tokens=40), with_preset)
    assert (chosen.num_beams, chosen.max_new_tokens, chosen.min_new_tokens) == (3, 30, 30)
