"""The language-identification bench: its scoring, and a run on three texts (each detector a child process)."""
import json

from tools.langid_bench import SET, main, read_set, score


def test_the_set_labels_each_text_with_a_kind_an_origin_and_the_answer_the_pipeline_needs():
    rows = read_set(SET)
    assert all(set(row) == {"lang", "kind", "text", "origin"} for row in rows)
    assert {row["kind"] for row in rows} == {"short", "medium", "long", "mixed", "edge"}
    assert {row["origin"] for row in rows} == {"written", "flores", "news_ar_2018-05-08"}
    assert {row["lang"] for row in rows if row["kind"] == "mixed"} == {"ar"}


def test_scores_count_others_apart_and_confusions_only_among_arabic_script_prose():
    rows = [{"lang": "ur", "kind": "short", "text": "u"}, {"lang": "ur", "kind": "long", "text": "u2"},
            {"lang": "nl", "kind": "short", "text": "n"}, {"lang": "ar", "kind": "mixed", "text": "m"}]
    scored = score(rows, ["fa", "ur", "de", "ar"])
    assert scored["accuracy"] == 0.5
    assert scored["by_kind"] == {"short": [0, 1], "long": [1, 1], "others": [0, 1], "mixed": [1, 1]}
    assert scored["arabic_script_confusion"] == {"ur": {"fa": 1, "ur": 1}}
    assert [(m["lang"], m["answer"]) for m in scored["misses"]] == [("ur", "fa"), ("nl", "de")]


def test_a_run_on_three_texts_prints_the_tables_and_writes_the_json(tmp_path, capsys):
    rows = read_set(SET)
    subset = [next(r for r in rows if r["lang"] == lang and r["kind"] == "short") for lang in ("ar", "ps", "en")]
    texts = tmp_path / "three.jsonl"
    texts.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in subset), encoding="utf-8")
    assert main(["--set", str(texts), "--only", "hand-written,hybrid", "--json", str(tmp_path / "out.json")]) == 0
    printed = capsys.readouterr().out
    assert "start-up s" in printed and "hand-written" in printed
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    detectors = report["detectors"]
    assert report["texts"] == 3 and list(detectors) == ["hand-written", "hybrid"]
    # The old detector took Pashto for Persian; the new one is the module the pipeline uses.
    assert detectors["hand-written"]["answers"] == ["ar", "fa", "en"]
    assert detectors["hybrid"]["answers"] == ["ar", "ps", "en"]
    assert detectors["hybrid"]["startup_s"] > 0 and detectors["hybrid"]["peak_rss_mb"] > 0
