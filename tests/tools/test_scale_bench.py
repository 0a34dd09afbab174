"""The scale benchmark's pure parts: its inputs and its table (the timed runs are not tests)."""
import pytest

from tools.scale_bench import FLORES_AR, FLORES_EN, english_documents, flores_documents, ratios, table

needs_flores = pytest.mark.skipif(not (FLORES_AR.exists() and FLORES_EN.exists()),
                                  reason="FLORES-200 devtest lives in ../shared/data beside the checkout")


@needs_flores
def test_the_translation_input_is_60_flores_sentences_from_19_documents():
    documents = flores_documents()
    assert len(documents) == 19 and sum(map(len, documents)) == 60


@needs_flores
def test_the_summary_input_is_six_documents_of_350_to_480_words():
    texts = english_documents()
    assert len(texts) == 6 and all(350 <= len(t.split()) <= 480 for t in texts)


def test_ratios_are_against_each_sections_baselines_measured_in_the_same_run():
    rows = [{"section": "translation", "configuration": "naive", "items": 60, "wall_s": 40.0, "peak_rss_mb": 1},
            {"section": "translation", "configuration": "argos", "items": 60, "wall_s": 20.0, "peak_rss_mb": 1},
            {"section": "translation", "configuration": "summarize", "items": 60, "wall_s": 5.0, "peak_rss_mb": 1},
            {"section": "memory", "configuration": "100 articles, windows of 100", "items": 100, "wall_s": 1.0,
             "peak_rss_mb": 400, "padding": 0.01},
            {"section": "memory", "configuration": "800 articles, windows of 100", "items": 800, "wall_s": 2.0,
             "peak_rss_mb": 460, "padding": 0.004}]
    ratios(rows)
    assert rows[2]["ratios"] == {"× naive": 8.0, "× argos": 4.0}
    assert rows[4]["ratios"] == {"RSS / 100 articles'": 1.15}
    printed = table(rows)
    assert "8.00× naive" in printed and "RSS / 100 articles' 1.15" in printed and "padding 0.40%" in printed
