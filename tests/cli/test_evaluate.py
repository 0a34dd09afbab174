"""Scoring (sacrebleu, rouge-score), the report, and the ``eval`` command, run through its own parser
in-process and through ``python -m summarize``."""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarize.cli.evaluate import add_parsers, run_eval
from summarize.errors import UserError
from summarize.scoring import format_report, guard_report, score_summaries, score_translation

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
FLORES_AR, FLORES_EN = DATA / "flores200_devtest.ar", DATA / "flores200_devtest.en"
NEWS = DATA / "news_ar_2018-05-08.jsonl"

HYPS = ["The cat sat on the mat.", "Oil prices rose sharply on Tuesday after the announcement.",
        "The minister said talks will resume next week in Vienna."]
REFS = ["The cat is sitting on the mat.", "Oil prices jumped on Tuesday following the announcement.",
        "Talks will resume in Vienna next week, the minister said."]


def needs_flores():
    if not FLORES_AR.exists() or not FLORES_EN.exists():
        pytest.skip(f"FLORES data not found in {DATA}")


def eval_args(*argv: str) -> argparse.Namespace:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", default=None)
    common.add_argument("-v", "--verbose", action="store_true", default=None)
    parser = argparse.ArgumentParser(prog="python -m summarize")
    add_parsers(parser.add_subparsers(dest="command"), common)
    return parser.parse_args(["eval", *map(str, argv)])


def run_json(capsys, *argv) -> dict:
    assert run_eval(eval_args(*argv, "--json", "-q")) == 0
    return json.loads(capsys.readouterr().out)


def write_lines(path: Path, lines) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def news_en(tmp_path):
    """A small English JSONL feed: text to summarise, reference summary, and a prepared summary."""
    docs = [
        {"text": "The central bank raised interest rates on Tuesday by half a point. Officials said inflation had "
                 "climbed to its highest level in a decade. Markets fell after the announcement.",
         "ref": "The central bank raised rates by half a point as inflation climbed.",
         "hyp": "Central bank raises interest rates as inflation climbs to a decade high."},
        {"text": "Heavy rain flooded streets across the capital, forcing schools to close. Emergency services "
                 "rescued dozens of residents from their homes.",
         "ref": "Floods closed schools and emergency services rescued residents.",
         "hyp": "Rain flooded the capital and schools were closed."},
        {"text": "The football club announced the signing of a new striker for a record fee. The player joins "
                 "from a rival team.", "ref": "The club signed a striker for a record fee.",
         "hyp": "the the the the club club"},
    ]
    feed = tmp_path / "news_en.jsonl"
    feed.write_text("".join(json.dumps({"text": d["text"], "ref": d["ref"]}) + "\n" for d in docs), encoding="utf-8")
    hyp = write_lines(tmp_path / "summaries.txt", [d["hyp"] for d in docs])
    return feed, hyp, [d["hyp"] for d in docs], [d["ref"] for d in docs]


# --- scores ------------------------------------------------------------------------------------------

def test_a_reference_scores_100_against_itself():
    scores = score_translation(REFS, REFS)
    assert scores["bleu"] == pytest.approx(100) and scores["chrf"] == pytest.approx(100)
    assert scores["segments"] == 3


def test_scores_are_sacrebleus_own_with_its_signatures():
    import sacrebleu

    scores = score_translation(HYPS, REFS)
    assert scores["bleu"] == pytest.approx(sacrebleu.corpus_bleu(HYPS, [REFS]).score)
    assert scores["chrf"] == pytest.approx(sacrebleu.corpus_chrf(HYPS, [REFS]).score)
    assert 0 < scores["bleu"] < scores["chrf"] < 100
    assert scores["signatures"]["bleu"] == f"nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:{sacrebleu.__version__}"
    assert scores["signatures"]["chrf"] == f"nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:{sacrebleu.__version__}"
    chrf_pp = score_translation(HYPS, REFS, chrf_word_order=2)
    assert chrf_pp["chrf"] == pytest.approx(sacrebleu.corpus_chrf(HYPS, [REFS], word_order=2).score)
    assert "nw:2" in chrf_pp["signatures"]["chrf"]
    intl = score_translation(HYPS, REFS, bleu_tokenize="intl")
    assert intl["bleu"] == pytest.approx(sacrebleu.corpus_bleu(HYPS, [REFS], tokenize="intl").score)
    assert "tok:intl" in intl["signatures"]["bleu"]
    with pytest.raises(ValueError, match="unknown BLEU tokenizer 'nope'"):
        score_translation(HYPS, REFS, bleu_tokenize="nope")


def test_bleu_matches_a_hand_computed_figure():
    # the cat sat on the mat / the cat sat on a mat: clipped n-gram precisions 5/6, 3/5, 2/4, 1/3, equal
    # lengths (no brevity penalty): BLEU = (5/6 · 3/5 · 2/4 · 1/3) ** (1/4) = 12 ** -0.25 = 0.5373
    scores = score_translation(["the cat sat on the mat"], ["the cat sat on a mat"])
    assert scores["bleu"] == pytest.approx(53.73, abs=0.005)
    assert scores["bleu_details"]["precisions"] == pytest.approx([83.3333, 60.0, 50.0, 33.3333])
    assert scores["bleu_details"]["brevity_penalty"] == 1.0


def test_scoring_needs_aligned_non_empty_input():
    with pytest.raises(ValueError):
        score_translation(HYPS[:2], REFS)
    with pytest.raises(ValueError):
        score_translation([], [])
    with pytest.raises(ValueError):
        score_summaries(HYPS[:2], REFS)


def test_rouge_is_rouge_scores_own_f_measure_with_stemming():
    from rouge_score import rouge_scorer

    scores = score_summaries(HYPS, REFS)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    own = [scorer.score(ref, hyp) for hyp, ref in zip(HYPS, REFS)]
    for rouge_type in ("rouge1", "rouge2", "rougeL"):
        assert scores[rouge_type] == pytest.approx(100 * sum(s[rouge_type].fmeasure for s in own) / len(own))
    # stemming: "sitting"/"sat" differ, but "jumped"/"jump" and "resume"/"resumes" would match
    assert score_summaries(["prices jumped"], ["price jumps"])["rouge1"] == pytest.approx(100)
    assert scores["mean_words"] == pytest.approx((6 + 9 + 10) / 3)
    assert scores["empty_references"] == 0


def test_rouge_of_an_arabic_reference_is_counted_as_empty():
    assert score_summaries(["the talks resumed"], ["استؤنفت المحادثات"])["empty_references"] == 1


def test_guard_report_lists_flagged_lines():
    sources = ["أعلن الرئيس انسحاب بلاده من الاتفاق النووي.", "نعم", "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل في فيينا."]
    translations = ["The president announced his country's withdrawal from the nuclear deal.", "",
                    "the minister the minister the minister the minister the minister"]
    report = guard_report(sources, translations)
    assert report["flagged"] == 2
    assert report["counts"] == {"repetition": 1, "too_long": 0, "too_short": 1}
    assert [(item["line"], item["reasons"]) for item in report["items"]] == [(2, ["too_short"]), (3, ["repetition"])]
    assert report["items"][1]["repeats"] == "'the minister' 5 times in a row"


# --- the command -------------------------------------------------------------------------------------

def test_eval_translation_scores_an_existing_translation(tmp_path, capsys):
    src = write_lines(tmp_path / "src.ar", ["جملة أولى هنا.", "جملة ثانية هنا.", "جملة ثالثة هنا."])
    ref = write_lines(tmp_path / "ref.en", REFS)
    hyp = write_lines(tmp_path / "hyp.en", HYPS)
    report = run_json(capsys, "translation", "--src", src, "--ref", ref, "--hyp", hyp)
    assert report["segments"] == 3 and report["bleu"] == pytest.approx(score_translation(HYPS, REFS)["bleu"])
    assert report["sentences_per_s"] is None and report["model"] is None
    assert report["guards"]["flagged"] == 0
    assert run_eval(eval_args("translation", "--src", src, "--ref", ref, "--hyp", hyp)) == 0
    table = capsys.readouterr().out
    assert "BLEU" in table and "chrF" in table and "tok:13a" in table and "flagged  0 of 3" in table


def test_eval_translation_of_flores_against_itself_is_100(capsys):
    needs_flores()
    report = run_json(capsys, "translation", "--src", FLORES_AR, "--ref", FLORES_EN, "--hyp", FLORES_EN)
    assert report["segments"] == 1012
    assert report["bleu"] == pytest.approx(100) and report["chrf"] == pytest.approx(100)
    assert report["guards"]["flagged"] == 0


def test_tiny_translator_runs_end_to_end_on_20_flores_lines(tmp_path, capsys, tiny_models, monkeypatch):
    import sacrebleu

    needs_flores()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("SUMMARIZE_CACHE", raising=False)
    saved = tmp_path / "hyp.en"
    report = run_json(capsys, "translation", "--src", FLORES_AR, "--ref", FLORES_EN, "--translator",
                      tiny_models["translator"], "--limit", 20, "--beams", 1, "--save-hyp", saved)
    assert report["segments"] == 20 and report["limit"] == 20
    assert report["sentences_per_s"] > 0 and report["timings_s"]["translate"] > 0
    assert report["signatures"]["bleu"].startswith("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:")
    assert report["signatures"]["chrf"].startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:")
    assert report["model"]["path"] == str(tiny_models["translator"]) and report["model"]["generation"]["num_beams"] == 1
    # the saved translation is what was scored, and scored the way sacrebleu scores it
    hyps = saved.read_text(encoding="utf-8").split("\n")[:-1]
    refs = FLORES_EN.read_text(encoding="utf-8").split("\n")[:20]
    assert len(hyps) == 20
    assert report["bleu"] == pytest.approx(sacrebleu.corpus_bleu(hyps, [refs]).score)
    assert report["chrf"] == pytest.approx(sacrebleu.corpus_chrf(hyps, [refs]).score)
    sources = FLORES_AR.read_text(encoding="utf-8").split("\n")[:20]
    assert report["guards"] == json.loads(json.dumps(guard_report(sources, hyps), ensure_ascii=False))
    # the saved file can be scored again with --hyp and the same --limit
    again = run_json(capsys, "translation", "--src", FLORES_AR, "--ref", FLORES_EN, "--hyp", saved, "--limit", 20)
    assert again["bleu"] == report["bleu"] and again["chrf"] == report["chrf"]
    table = format_report(report)
    assert "sentences/s" in table and "20 segments" in table
    # every output was generated (timed), and the default generation cache was left alone
    assert report["stats"]["cache_hits"] == 0 and report["stats"]["generated"] > 0
    assert not (tmp_path / "xdg" / "summarize" / "cache.sqlite3").exists()


def test_the_cache_is_used_only_when_named(tmp_path, capsys, tiny_models):
    needs_flores()
    argv = ["translation", "--src", FLORES_AR, "--ref", FLORES_EN, "--translator", tiny_models["translator"],
            "--limit", 5, "--beams", 1, "--cache", tmp_path / "cache.sqlite3"]
    first, second = run_json(capsys, *argv), run_json(capsys, *argv)
    assert first["stats"]["cache_hits"] == 0 and second["stats"]["generated"] == 0
    assert second["stats"]["cache_hits"] == first["stats"]["generated"] > 0
    assert second["chrf"] == first["chrf"]
    assert "from the cache, not timed" in format_report(second)


def test_eval_summary_with_hyp_gives_rouge_scores_own_figures(news_en, capsys):
    from rouge_score import rouge_scorer

    feed, hyp, hyps, refs = news_en
    report = run_json(capsys, "summary", "--docs", feed, "--text-field", "text", "--ref-field", "ref", "--hyp", hyp)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    own = [scorer.score(ref, h) for h, ref in zip(hyps, refs)]
    for rouge_type in ("rouge1", "rouge2", "rougeL"):
        assert report[rouge_type] == pytest.approx(100 * sum(s[rouge_type].fmeasure for s in own) / 3)
    assert report["documents"] == 3 and report["mean_words"] == pytest.approx((12 + 8 + 6) / 3)
    assert report["guards"]["flagged"] == 1 and report["guards"]["items"][0]["line"] == 3
    limited = run_json(capsys, "summary", "--docs", feed, "--ref-field", "ref", "--hyp", hyp, "--limit", 2)
    assert limited["documents"] == 2
    assert limited["rouge1"] == pytest.approx(100 * sum(s["rouge1"].fmeasure for s in own[:2]) / 2)
    assert run_eval(eval_args("summary", "--docs", feed, "--ref-field", "ref", "--hyp", hyp)) == 0
    assert "ROUGE-L" in capsys.readouterr().out


def test_eval_summary_with_the_tiny_summarizer_runs(news_en, tmp_path, capsys, tiny_models):
    feed, _, _, _ = news_en
    saved = tmp_path / "summaries.out"
    report = run_json(capsys, "summary", "--docs", feed, "--text-field", "text", "--ref-field", "ref",
                      "--summarizer", tiny_models["summarizer"], "--summary-beams", 1, "--summary-min-tokens", 1,
                      "--summary-max-tokens", 12, "--save-hyp", saved)
    assert report["documents"] == 3 and report["documents_per_s"] > 0
    assert report["model"]["generation"]["max_new_tokens"] == 12
    assert all(0 <= report[t] <= 100 for t in ("rouge1", "rouge2", "rougeL"))
    assert len(saved.read_text(encoding="utf-8").split("\n")) == 4  # three lines and the final newline


def test_eval_summary_with_the_extractive_summarizer_as_in_digest(news_en, capsys):
    feed, _, _, _ = news_en
    report = run_json(capsys, "summary", "--docs", feed, "--text-field", "text", "--ref-field", "ref",
                      "--summarizer", "extractive")
    assert report["documents"] == 3 and report["model"]["model"] == "extractive"
    assert report["model"]["engine"] == "none" and report["rouge1"] > 0


def test_references_are_checked_before_anything_is_summarised(tmp_path, monkeypatch):
    feed = tmp_path / "ar.jsonl"
    feed.write_text(json.dumps({"text": "Some English text to summarise here.", "ref": "ملخص عربي"}) + "\n",
                    encoding="utf-8")
    import summarize.summarizers as summarizers

    def no_model(*args, **kwargs):
        raise AssertionError("a summariser was loaded before the references were checked")

    monkeypatch.setattr(summarizers, "load_summarizer", no_model)
    with pytest.raises(UserError, match="'ref'.*English"):
        run_eval(eval_args("summary", "--docs", feed, "--text-field", "text", "--ref-field", "ref",
                           "--summarizer", "extractive"))


def test_an_arabic_reference_field_is_a_clear_error(tmp_path):
    if not NEWS.exists():
        pytest.skip(f"news data not found in {DATA}")
    hyp = write_lines(tmp_path / "s.txt", ["The United States left the nuclear deal."] * 3)
    with pytest.raises(UserError, match="abstract_ar.*English"):
        run_eval(eval_args("summary", "--docs", NEWS, "--ref-field", "abstract_ar", "--hyp", hyp, "--limit", 3))
    with pytest.raises(UserError, match=r":1: no field 'abstract_en' \(fields: id, source"):
        run_eval(eval_args("summary", "--docs", NEWS, "--ref-field", "abstract_en", "--hyp", hyp, "--limit", 3))


@pytest.mark.parametrize("case, message", [
    ("neither", "nothing to score: give --translator MODEL"),
    ("both", "give either --translator MODEL .* or --hyp FILE .*, not both"),
    ("missing src", r"--src .*missing\.ar: no such file"),
    ("src/ref mismatch", "--src .* has 3 lines but --ref .* has 2: they must be line-aligned"),
    ("hyp mismatch", "--hyp .* has 2 lines but --src has 3 lines"),
    ("save-hyp with hyp", "--save-hyp .* goes with --translator, not --hyp"),
    ("save-hyp folder", "--save-hyp .*: folder .* does not exist"),
    ("empty", "--ref .*: the file is empty"),
    ("tokenizer", "--bleu-tokenize: unknown BLEU tokenizer 'nope'; sacrebleu has: .*13a"),
])
def test_translation_errors_the_user_can_fix(tmp_path, case, message):
    src = write_lines(tmp_path / "src.ar", ["أ", "ب", "ج"])
    ref = write_lines(tmp_path / "ref.en", REFS)
    hyp = write_lines(tmp_path / "hyp.en", HYPS)
    argv = {
        "neither": ["--src", src, "--ref", ref],
        "both": ["--src", src, "--ref", ref, "--hyp", hyp, "--translator", "opus-mt-ar-en"],
        "missing src": ["--src", tmp_path / "missing.ar", "--ref", ref, "--hyp", hyp],
        "src/ref mismatch": ["--src", src, "--ref", write_lines(tmp_path / "short.en", REFS[:2]), "--hyp", hyp],
        "hyp mismatch": ["--src", src, "--ref", ref, "--hyp", write_lines(tmp_path / "h2.en", HYPS[:2])],
        "save-hyp with hyp": ["--src", src, "--ref", ref, "--hyp", hyp, "--save-hyp", tmp_path / "out.en"],
        "save-hyp folder": ["--src", src, "--ref", ref, "--translator", "x", "--save-hyp", tmp_path / "no" / "out.en"],
        "empty": ["--src", src, "--ref", write_lines(tmp_path / "empty.en", []), "--hyp", hyp],
        "tokenizer": ["--src", src, "--ref", ref, "--hyp", hyp, "--bleu-tokenize", "nope"],
    }[case]
    with pytest.raises(UserError, match=message):
        run_eval(eval_args("translation", *argv))


def test_a_hyp_may_have_as_many_lines_as_the_limit_but_no_other_count(tmp_path, capsys):
    src = write_lines(tmp_path / "src.ar", ["أ", "ب", "ج"])
    ref = write_lines(tmp_path / "ref.en", REFS)
    two = write_lines(tmp_path / "two.en", HYPS[:2])
    assert run_json(capsys, "translation", "--src", src, "--ref", ref, "--hyp", two, "--limit", 2)["segments"] == 2
    with pytest.raises(UserError, match=r"expected 3 \(or 1, with --limit\)"):
        run_eval(eval_args("translation", "--src", src, "--ref", ref, "--hyp", two, "--limit", 1))


def test_lines_split_on_newlines_only(tmp_path, capsys):
    src = write_lines(tmp_path / "src.ar", ["أ\u2028ب", "ج"])  # a line separator inside a segment
    ref = write_lines(tmp_path / "ref.en", REFS[:2])
    hyp = tmp_path / "hyp.en"
    hyp.write_bytes("\ufeffa b\r\nc d\r\n".encode("utf-8"))  # a BOM and CRLF endings
    report = run_json(capsys, "translation", "--src", src, "--ref", ref, "--hyp", hyp)
    assert report["segments"] == 2 and report["guards"]["items"] == []


@pytest.mark.parametrize("lines, fields, message", [
    (['{"text": "a"}'], ["--text-field", "text"], r":1: no field 'ref' \(fields: text\)"),
    (['{"text": "a", "ref": "b"}', "{not json"], [], ":2: not valid JSON"),
    (['["a", "b"]'], [], ":1: expected a JSON object, found list"),
    (['{"text": "a", "ref": 3}'], [], ":1: field 'ref' is int, not text"),
    (["", "  "], [], "no documents in the file"),
])
def test_summary_errors_the_user_can_fix(tmp_path, lines, fields, message):
    feed = write_lines(tmp_path / "docs.jsonl", lines)
    hyp = write_lines(tmp_path / "s.txt", ["a summary"] * len(lines))
    with pytest.raises(UserError, match=message):
        run_eval(eval_args("summary", "--docs", feed, "--ref-field", "ref", *fields, "--hyp", hyp))


def test_summary_needs_a_text_field_to_summarise(news_en):
    feed, _, _, _ = news_en
    with pytest.raises(UserError, match="--summarizer needs --text-field"):
        run_eval(eval_args("summary", "--docs", feed, "--ref-field", "ref", "--summarizer", "x"))
    with pytest.raises(UserError, match="nothing to score: give --summarizer MODEL"):
        run_eval(eval_args("summary", "--docs", feed, "--ref-field", "ref"))


def test_limit_must_be_positive():
    with pytest.raises(SystemExit):
        eval_args("translation", "--src", "a", "--ref", "b", "--hyp", "c", "--limit", "0")


@pytest.mark.parametrize("action", ["translation", "summary"])
def test_help_imports_no_scorer_and_no_torch(action):
    code = ("import argparse, sys\nfrom summarize.cli.evaluate import add_parsers\n"
            "parser = argparse.ArgumentParser()\n"
            "add_parsers(parser.add_subparsers(), argparse.ArgumentParser(add_help=False))\n"
            f"try:\n    parser.parse_args(['eval', {action!r}, '--help'])\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', [m for m in ('torch', 'transformers', 'sacrebleu', 'rouge_score') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "--limit" in result.stdout, result.stderr
    assert "HEAVY []" in result.stdout


def test_through_python_m_summarize(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    ref = write_lines(tmp_path / "ref.en", REFS)
    ok = subprocess.run([sys.executable, "-m", "summarize", "eval", "translation", "--src", str(ref), "--ref", str(ref),
                         "--hyp", str(ref), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["bleu"] == pytest.approx(100)
    bad = subprocess.run([sys.executable, "-m", "summarize", "eval", "translation", "--src", str(ref), "--ref", str(ref)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert bad.returncode == 2 and bad.stderr.startswith("error: nothing to score") and "Traceback" not in bad.stderr
