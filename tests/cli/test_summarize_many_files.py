"""``summarize summarize`` over several files: one summary line per document, in input order."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

DOCUMENTS = [
    "The central bank raised interest rates on Tuesday. Markets fell after the decision was announced. "
    "Analysts had expected the bank to wait until the summer.",
    "Heavy rain flooded the old town overnight. Rescue teams moved hundreds of families to schools. "
    "The river is expected to peak on Thursday morning.",
    "The national team won the final in extra time. Thousands of fans celebrated in the capital's main square. "
    "The coach said the victory belonged to the players.",
]


def run_cli(*args: str, stdin: str | None = None):
    return subprocess.run([sys.executable, "-m", "summarize", *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"})


@pytest.fixture(autouse=True)
def private_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def _files(tmp_path, texts):
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"doc{i}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def test_three_files_give_three_summary_lines_in_input_order(tmp_path):
    files = _files(tmp_path, DOCUMENTS)
    result = run_cli("summarize", *files, "--summarizer", "extractive")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all(lines)
    for line, marker in zip(lines, ("interest rates", "rain", "final")):
        assert marker in line
    # Each line is what the file alone gives.
    alone = [run_cli("summarize", f, "--summarizer", "extractive", "-q").stdout.strip() for f in files]
    assert lines == alone
    reversed_ = run_cli("summarize", *reversed(files), "--summarizer", "extractive").stdout.splitlines()
    assert reversed_ == lines[::-1]


def test_a_dash_among_files_reads_standard_input(tmp_path):
    files = _files(tmp_path, DOCUMENTS[:2])
    result = run_cli("summarize", files[0], "-", files[1], "--summarizer", "extractive", stdin=DOCUMENTS[2])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and "final" in lines[1] and "rain" in lines[2]


def test_no_file_reads_standard_input_as_before():
    result = run_cli("summarize", "--summarizer", "extractive", stdin=DOCUMENTS[0])
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 1 and "interest rates" in result.stdout


def test_an_empty_file_among_them_is_reported_by_name(tmp_path):
    files = _files(tmp_path, [DOCUMENTS[0], " \n\n", DOCUMENTS[2]])
    result = run_cli("summarize", *files, "--summarizer", "extractive")
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "doc1.txt" in result.stderr
    assert "doc0.txt" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("stdin_or_file", ["stdin", "file"])
def test_a_single_empty_input_keeps_its_one_line_error(tmp_path, stdin_or_file):
    args = [] if stdin_or_file == "stdin" else _files(tmp_path, [""])
    result = run_cli("summarize", *args, "--summarizer", "extractive", stdin="")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: nothing to summarise: the input is empty"


def test_a_missing_file_is_reported_before_summarising(tmp_path):
    files = _files(tmp_path, DOCUMENTS[:1])
    result = run_cli("summarize", files[0], str(tmp_path / "absent.txt"), "--summarizer", "extractive")
    assert result.returncode == 2 and result.stdout == "" and "absent.txt: no such file" in result.stderr
