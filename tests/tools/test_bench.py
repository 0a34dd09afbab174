"""The benchmark's own logic (the timed runs themselves are `python -m tools.bench`, not tests)."""
from __future__ import annotations

import pytest

from tools import bench


def _row(stage, configuration, rate, **extra):
    key = "sentences_per_s" if stage == "translation" else "articles_per_min"
    return {"stage": stage, "configuration": configuration, "items": 4, "seconds": 1.0, "cpu_s": 2.0,
            "peak_rss_mb": 100, key: rate, **extra}


def test_table_ratios_are_against_the_naive_run_of_the_same_stage():
    results = [_row("translation", "naive", 2.0), _row("translation", "ctranslate2", 7.0),
               _row("summary", "naive", 3.0), _row("summary", "ctranslate2", 15.0),
               {"stage": "digest", "configuration": "whole digest, ctranslate2", "items": 4, "seconds": 9.0,
                "cpu_s": 9.0, "peak_rss_mb": 1100}]
    lines = bench.table(results).splitlines()
    assert len(lines) == 2 + len(results)
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    ratios = {(row[0], row[1]): row[6] for row in cells}
    assert ratios[("translation", "ctranslate2")] == "3.50×" and ratios[("summary", "ctranslate2")] == "5.00×"
    assert ratios[("translation", "naive")] == "1.00×" and ratios[("digest", "whole digest, ctranslate2")] == ""


def test_no_ratio_without_a_naive_run():
    cells = bench.table([_row("translation", "ctranslate2", 7.0)]).splitlines()[2].split("|")
    assert cells[7].strip() == ""


@pytest.mark.skipif(not bench.FLORES_EN.is_file(), reason="needs ../shared/data beside the checkout")
def test_english_articles_are_about_the_summary_length():
    def words(texts):
        return [len(text.split()) + 2 for text in texts]

    articles = bench.english_articles(3, words)
    assert len(articles) == 3
    assert all(bench.SUMMARY_ARTICLE_TOKENS <= n - 2 < bench.SUMMARY_ARTICLE_TOKENS + 120 for n in words(articles))


@pytest.mark.skipif(not bench.FLORES_EN.is_file(), reason="needs ../shared/data beside the checkout")
def test_placeholder_pieces_widen_the_target_side_without_changing_how_text_is_cut():
    import sentencepiece as spm

    lines = bench._english_lines()[:300]
    plain = spm.SentencePieceProcessor(model_proto=bench._train_spm(lines, 2000))
    padded = spm.SentencePieceProcessor(model_proto=bench._train_spm(lines, 2000, fillers=500))
    assert padded.get_piece_size() == plain.get_piece_size() + 500
    text = " ".join(lines[:20])
    assert padded.encode(text, out_type=str) == plain.encode(text, out_type=str)
