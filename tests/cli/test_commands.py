"""The command line, run the way users run it: ``python -m summarize`` in a subprocess."""
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


def run_cli(*args: str, stdin: str | None = None, env: dict | None = None, timeout: int = 300):
    return subprocess.run([sys.executable, "-m", "summarize", *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})})


@pytest.fixture(autouse=True)
def private_cache(monkeypatch, tmp_path):
    """Each test gets an empty default cache, so no test sees another's results (or the user's)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def tiny_args(tiny_models):
    return ["--translator", str(tiny_models["translator"]), "--summarizer", str(tiny_models["summarizer"])]


@pytest.mark.parametrize("argv", [["--help"], ["digest", "--help"], ["models", "list", "--help"],
                                  ["eval", "translation", "--help"], ["serve", "--help"]])
def test_help_is_fast_and_imports_no_torch(argv):
    code = ("import sys, summarize.cli as cli\n"
            f"try:\n    cli.main({argv!r})\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', [m for m in ('torch', 'transformers', 'huggingface_hub', 'ctranslate2', 'fastapi', 'uvicorn', 'ray') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "usage:" in result.stdout
    assert "HEAVY []" in result.stdout


def test_missing_model_is_one_clear_message_fast_and_no_traceback(tmp_path):
    started = time.perf_counter()
    # An empty cache and a hub that refuses connections: what a machine without hub access sees.
    result = run_cli("digest", str(SEEDS), "--out", str(tmp_path / "out"),
                     env={"HF_HUB_OFFLINE": "0", "HF_HOME": str(tmp_path / "hf"), "HF_ENDPOINT": "http://127.0.0.1:9"})
    elapsed = time.perf_counter() - started
    assert result.returncode == 1
    assert result.stderr.startswith("error: model opus-mt-ar-en (Helsinki-NLP/opus-mt-ar-en) is not available")
    assert "Traceback" not in result.stderr and "models download opus-mt-ar-en" in result.stderr
    # Both missing models at once, and the Hugging Face cache this machine really uses.
    assert "model distilbart-cnn-12-6 (sshleifer/distilbart-cnn-12-6) is not available" in result.stderr
    assert f"copy that folder to {tmp_path / 'hf' / 'hub'} here" in result.stderr
    assert elapsed < 30
    assert not (tmp_path / "out").exists()


def test_models_download_without_the_hub_says_the_hub_is_unreachable(tmp_path):
    result = run_cli("models", "download", "opus-mt-ar-en",
                     env={"HF_HUB_OFFLINE": "0", "HF_HOME": str(tmp_path / "hf"), "HF_ENDPOINT": "http://127.0.0.1:9"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: cannot download opus-mt-ar-en: http://127.0.0.1:9 is not reachable")
    assert "models download" not in result.stderr  # not advised the command that just failed


def test_a_mistyped_option_is_one_line_with_the_nearest_option():
    result = run_cli("digest", "seeds", "--out", "x", "--beamz", "2")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: unrecognized arguments: --beamz 2 (did you mean --beams?); see summarize --help"]


def test_cache_stats_shows_every_kind_it_stores(tmp_path):
    result = run_cli("cache", "stats", "--cache", str(tmp_path / "c.sqlite3"))
    assert result.returncode == 0, result.stderr
    kinds = [line.split(":")[0].strip() for line in result.stdout.splitlines()[1:-1]]
    assert kinds == ["translation", "summary", "summary_document", "segmentation", "stories", "articles"]


def test_a_reader_that_stops_early_is_no_error():
    day = ROOT.parent / "shared" / "data" / "news_ar_2018-05-08.jsonl"  # far more than a pipe holds
    if not day.exists():
        pytest.skip(f"{day} not found")
    result = subprocess.run(f"{sys.executable} -m summarize segment {day} | head -n 1", shell=True, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() and result.stderr == ""


def test_a_dash_reads_standard_input(tmp_path):
    page = (SEEDS / "001_0c78ca7147f8a450.txt").read_text(encoding="utf-8")
    from_stdin = run_cli("segment", "-", stdin=page)
    from_file = run_cli("segment", str(SEEDS / "001_0c78ca7147f8a450.txt"))
    assert from_stdin.returncode == 0 and from_stdin.stdout == from_file.stdout and from_stdin.stdout
    summary = run_cli("summarize", "-", "--summarizer", "extractive",
                      stdin="The bank raised rates on Tuesday. Markets fell after the decision was announced.")
    assert summary.returncode == 0 and "raised rates" in summary.stdout


def test_missing_summarizer_is_reported_before_any_translation(tmp_path, tiny_models):
    result = run_cli("digest", str(SEEDS), "--out", str(tmp_path / "out"), "--translator",
                     str(tiny_models["translator"]), "--summarizer", str(tmp_path / "no" / "such" / "model"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no/such/model" in result.stderr


def test_digest_of_the_seeds_end_to_end(tmp_path, tiny_args):
    out = tmp_path / "digest"
    result = run_cli("digest", str(SEEDS), "--out", str(out), "--beams", "2", *tiny_args)
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    assert len(data["articles"]) == 5
    for article in data["articles"]:
        assert article["translation_en"].strip() and article["summary_en"].strip() and article["title_en"].strip()
    assert data["run"]["translator"]["generation"]["num_beams"] == 2
    assert data["run"]["counts"]["articles"] == 5
    assert data["run"]["translator"]["revision"].startswith("sha256:")
    # The default engine is auto: both tiny models convert, so CTranslate2 runs them (int8 on CPU), and
    # the log says so.
    for role in ("translator", "summarizer"):
        assert (data["run"][role]["engine"], data["run"][role]["compute_type"]) == ("ctranslate2", "int8")
        assert re.search(rf"^{role} \S+: ctranslate2 engine \(cpu, int8; picked by --engine auto\)$", result.stderr, re.M)
    assert_matches_documented_schema(data)
    markdown = (out / "digest.md").read_text(encoding="utf-8")
    # One story, five summaries, five translations (then, with the tiny models' gibberish, sentences to check).
    assert markdown.split("## Sentences to check")[0].count("### ") == 11
    assert data["stories"][0]["article_ids"] == sorted(a["id"] for a in data["articles"])
    assert (out / "digest.html").exists()
    assert "wrote" in result.stderr


def test_digest_with_the_extractive_summarizer_a_date_and_an_archive(tmp_path, tiny_args):
    out, archive = tmp_path / "digest", tmp_path / "archive"
    result = run_cli("digest", str(SEEDS), "--out", str(out), "--beams", "1", "--translator", tiny_args[1],
                     "--summarizer", "extractive", "--date", "2018-05-08", "--archive", str(archive))
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    assert data["date"] == "2018-05-08" and data["run"]["summarizer"]["model"] == "extractive"
    # Extractive: each summary is sentences of its own translation, in order (or one cut with "…").
    assert all(built_from_sentences(a["summary_en"], a["translation_en"]) or a["summary_en"].endswith("…")
               for a in data["articles"])
    assert (archive / "2018-05-08.html").exists() and "2018-05-08.html" in (archive / "index.html").read_text()
    assert run_cli("digest", str(SEEDS), "--out", str(out), "--date", "8 May").returncode == 2


def built_from_sentences(summary: str, text: str) -> bool:
    """Whether ``summary`` is sentences of ``text`` joined by spaces, in their order in the text."""
    from summarize.segment import split_english_sentences

    sentences = split_english_sentences(text)

    def fits(rest: str, start: int) -> bool:  # backtracking: one sentence may be a prefix of the next
        return any(rest == sentences[i] or (rest.startswith(sentences[i] + " ")
                                            and fits(rest[len(sentences[i]) + 1:], i + 1))
                   for i in range(start, len(sentences)))

    return fits(summary, 0)


def documented_fields() -> set[str]:
    """The field paths listed in the README's digest.json table, e.g. ``articles[].summary_en``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### digest.json", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", section, flags=re.M))


def assert_matches_documented_schema(data: dict) -> None:
    documented = documented_fields()
    produced = set(data) | {f"articles[].{k}" for k in data["articles"][0]} | {f"run.{k}" for k in data["run"]}
    produced |= {f"stories[].{k}" for k in data["stories"][0]}
    assert produced - documented == set(), "fields missing from the README"
    assert documented - produced == set(), "README documents fields the digest lacks"


@pytest.mark.parametrize("engine", ["torch", "ctranslate2"])
def test_translate_keeps_one_output_line_per_input_line(tiny_args, engine):
    lines = ["أعلن الرئيس الأمريكي انسحاب بلاده. وقال إن الاتفاق سيئ!", "", "هل ستبقى إيران في الاتفاق؟", "   "]
    result = run_cli("translate", "--beams", "1", "--engine", engine, "--translator", tiny_args[1],
                     stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert f": {engine} engine (cpu" in result.stderr and "as asked" in result.stderr
    output = result.stdout.split("\n")
    assert output[-1] == "" and len(output) - 1 == len(lines)
    assert output[0].strip() and output[2].strip() and output[1] == "" and output[3] == ""


def test_summarize_reads_a_file(tmp_path, tiny_args):
    text = tmp_path / "english.txt"
    text.write_text("The minister said the talks would resume next week. Markets rose on the news.\n", encoding="utf-8")
    result = run_cli("summarize", str(text), "--summarizer", tiny_args[3], "--summary-max-tokens", "12")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_segment_prints_cleaned_sentences():
    from summarize.normalize import normalize_arabic

    seed = SEEDS / "001_0c78ca7147f8a450.txt"
    result = run_cli("segment", str(seed))
    assert result.returncode == 0, result.stderr
    sentences = result.stdout.strip().splitlines()
    assert sentences[0] == "التحالف الدولي يواصل معركته ضد داعش بعد إلحاق الهزيمة بالتنظيم"  # the headline, not "أمن"
    assert len(sentences) == 16 and not {"أمن", "فريق عمل الفاصل |", "هل أعجبك هذا المقال؟"} & set(sentences)
    body_words = " ".join(normalize_arabic(seed.read_text(encoding="utf-8")).split())
    for sentence in sentences:
        assert sentence in body_words


def test_models_list_marks_what_is_here(tmp_path):
    result = run_cli("models", "list", env={"HF_HOME": str(tmp_path / "hf")})
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line and not line.startswith(("NAME", "*", " "))}
    assert {"opus-mt-ar-en", "distilbart-cnn-12-6", "bart-large-cnn"} <= set(rows)
    assert " - " in rows["opus-mt-ar-en"]


def test_models_tiny_builds_loadable_models(tmp_path):
    result = run_cli("models", "tiny", str(tmp_path / "tiny"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "tiny" / "translator" / "config.json").is_file()
    assert (tmp_path / "tiny" / "summarizer" / "config.json").is_file()


def test_bad_option_value_is_a_usage_error(tmp_path):
    result = run_cli("digest", str(SEEDS), "--out", str(tmp_path), "--beams", "0")
    assert result.returncode == 2 and result.stderr.startswith("error: beams must be at least 1")


def test_engine_options_that_cannot_apply_are_one_line_errors(tmp_path, tiny_args):
    result = run_cli("translate", "--engine", "torch", "--compute-type", "int8", "--translator", tiny_args[1], stdin="قال\n")
    assert result.returncode == 2 and result.stderr.startswith("error: compute_type int8 applies to the ctranslate2")
    import ctranslate2

    if "float16" in ctranslate2.get_supported_compute_types("cpu"):
        pytest.skip("this CPU does float16 in CTranslate2")
    result = run_cli("translate", "--engine", "ctranslate2", "--compute-type", "float16", "--device", "cpu",
                     "--translator", tiny_args[1], stdin="قال\n")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: compute_type float16 is not supported on this cpu")


def tree_hashes(folder: Path) -> dict[str, str]:
    import hashlib

    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_messy_folder_completes_reports_each_problem_and_leaves_inputs_unchanged(tmp_path, tiny_args):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    seed = sorted(SEEDS.glob("*.txt"))[0]
    (inputs / seed.name).write_bytes(seed.read_bytes())
    (inputs / "empty.txt").write_text("")
    (inputs / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (inputs / "english.txt").write_text("Oil prices rise\nOil prices rose on Tuesday after the announcement. "
                                        "Traders said that the market was nervous about supply.\n", encoding="utf-8")
    (inputs / "french.txt").write_text("Les prix du pétrole\nLes prix du pétrole ont augmenté mardi après "
                                       "l'annonce, selon les courtiers qui suivent le marché de près.\n", encoding="utf-8")
    (inputs / "feed.jsonl").write_text('{"id": "x", "text_ar": 5}\n{broken\n', encoding="utf-8")
    before = tree_hashes(inputs)
    out = tmp_path / "out"
    result = run_cli("digest", str(inputs), "--out", str(out), "--beams", "1", *tiny_args)
    assert result.returncode == 0, result.stderr
    assert tree_hashes(inputs) == before
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    by_id = {a["id"]: a for a in data["articles"]}
    assert set(by_id) == {seed.stem, "english"}
    assert by_id["english"]["language"] == "en"
    assert by_id["english"]["translation_en"].startswith("Oil prices rose on Tuesday")
    reasons = {Path(e["input"].split(":")[0]).name: e["reason"] for e in data["errors"]}
    assert set(reasons) == {"empty.txt", "photo.png", "french.txt", "feed.jsonl"}
    assert "fr" in reasons["french.txt"]
    assert "Traceback" not in result.stderr
    strict = run_cli("digest", str(inputs), "--out", str(tmp_path / "strict"), "--beams", "1", "--strict", *tiny_args)
    assert strict.returncode == 3 and (tmp_path / "strict" / "digest.json").exists()


def test_nothing_readable_is_a_usage_error(tmp_path, tiny_args):
    (tmp_path / "empty.txt").write_text("   \n")
    result = run_cli("digest", str(tmp_path / "empty.txt"), "--out", str(tmp_path / "out"), *tiny_args)
    assert result.returncode == 2 and result.stderr.strip().endswith(str(tmp_path / "empty.txt"))
    assert "Traceback" not in result.stderr
    missing = run_cli("digest", str(tmp_path / "absent"), "--out", str(tmp_path / "out"), *tiny_args)
    assert missing.returncode == 2 and "no such file" in missing.stderr
