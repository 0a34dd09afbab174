"""The service benchmark's pure parts: its inputs, percentiles and table (the timed runs are not tests)."""
import pytest

from tools.bench import NEWS_FILE
from tools.serve_bench import percentile, sentences, summarised, table


def test_percentiles_are_of_the_measured_values():
    values = [0.1 * i for i in range(1, 11)]
    assert percentile(values, 0.5) in (values[4], values[5])
    assert percentile(values, 0.99) == values[-1] and percentile(values, 0.0) == values[0]


def test_the_median_run_makes_the_row():
    runs = [{"wall_s": 3.0, "latencies": [1.0, 2.0]}, {"wall_s": 1.0, "latencies": [0.5, 0.5]},
            {"wall_s": 2.0, "latencies": [0.2, 0.4], "huge_s": 9.0}]
    row = summarised("concurrent", runs, 2)
    assert row["wall_s"] == 2.0 and row["requests_per_s"] == 1.0 and row["max_ms"] == 400 and row["huge_s"] == 9.0
    assert row["runs_wall_s"] == [3.0, 1.0, 2.0]
    printed = table([row])
    assert "concurrent" in printed and "the huge request: 9.0 s" in printed


@pytest.mark.skipif(not NEWS_FILE.exists(), reason="the news day lives in ../shared/data beside the checkout")
def test_the_requests_are_distinct_news_sentences():
    found = sentences(30)
    assert len(found) == len(set(found)) == 30
    assert all(8 <= len(s.split()) <= 30 for s in found)
