"""Scale on one machine, one table: ``python -m tools.scale_bench [--json FILE] [--only SECTIONS]``.

Every configuration is a whole process (interpreter start-up, imports and model loading included), run
one after another, timed by this parent; peak RSS is each child's own (``os.wait4``). Random weights
never stop early, so the caps alone decide how much is generated, and every configuration of a section
has the same caps (the output tokens are counted the same way for all: the English re-tokenised with
the translator's target sentencepiece model, or the summariser's tokenizer).

Sections:

- ``translation``: the first 60 FLORES-200 devtest sentences (19 documents), beam 4, the product's
  cap ceil(1.5 × longest source) + 10, on the opus-mt-ar-en-shaped model of ``tools.bench``:
  ``naive`` (transformers 5, float32, one ``generate`` per document), ``argos`` (an Argos-Translate
  style CTranslate2 loop: sentencepiece, int8, one ``translate_batch`` per document, max_batch_size 32,
  Argos's threads inter 1 / intra 0), ``argos-1thread`` (the same, intra 1: the better setting for
  it here), ``summarize`` (``python -m summarize translate``).
- ``summary``: six English documents of 350–480 words (consecutive FLORES English sentences), beam 4,
  56–142 new tokens, no-repeat 3-grams, length penalty 2.0, on the distilbart-cnn-12-6-shaped model:
  ``hand-written`` (transformers 5, float32, one ``generate`` per document, input cut at 1024 tokens),
  ``summarize`` (``python -m summarize summarize d1 … d6``) and its levers (token budget, one thread,
  batching by exact length), and the encoder-only run (1 new token) that gives the decoder's share.
- ``warm``: ``tools.bench_cache``'s cold and warm digest of the 131-article day (tiny models, beam 4).
- ``memory``: digests of the first 100 and 800 articles of the Saudi day (tiny models, extractive
  summaries, beam 1), with windows (default) and without (``--window 0``), and their padding.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from summarize.tables import format_table
from tools import REPO_ROOT, SHARED_DATA
from tools.bench import BENCH_DIR, machine, model_paths, prepare

FLORES_AR = SHARED_DATA / "flores200_devtest.ar"
FLORES_EN = SHARED_DATA / "flores200_devtest.en"
FLORES_META = SHARED_DATA / "flores200_devtest.meta.tsv"
SAUDI = SHARED_DATA / "news_ar_2015-08-10_saudi.jsonl"
SENTENCES = 60
DOCUMENTS = 6
WORDS = (350, 480)
SECTIONS = ("translation", "summary", "warm", "memory")
GNU_TIME = "/usr/bin/time"

NAIVE_TRANSLATION = r"""
import json, math, sys, torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
model_dir, source, out = sys.argv[1:4]
documents = json.load(open(source))
tokenizer = AutoTokenizer.from_pretrained(model_dir)
model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval()
english = []
with torch.inference_mode():
    for sentences in documents:
        batch = tokenizer(sentences, return_tensors="pt", padding=True)
        cap = math.ceil(1.5 * batch["input_ids"].shape[1]) + 10
        output = model.generate(**batch, num_beams=4, max_new_tokens=cap)
        english += tokenizer.batch_decode(output, skip_special_tokens=True)
open(out, "w").write("\n".join(english) + "\n")
"""

ARGOS_TRANSLATION = r"""
import json, math, sys, ctranslate2, sentencepiece
model_dir, conversion, source, out, intra = sys.argv[1:6]
documents = json.load(open(source))
vocabulary = json.load(open(model_dir + "/vocab.json"))
source_spm = sentencepiece.SentencePieceProcessor(model_file=model_dir + "/source.spm")
target_spm = sentencepiece.SentencePieceProcessor(model_file=model_dir + "/target.spm")
translator = ctranslate2.Translator(conversion, device="cpu", compute_type="int8", inter_threads=1,
                                    intra_threads=int(intra))
english = []
for sentences in documents:  # one paragraph at a time, as Argos translates
    tokens = [[p if p in vocabulary else "<unk>" for p in source_spm.encode(s, out_type=str)] + ["</s>"]
              for s in sentences]
    cap = math.ceil(1.5 * max(map(len, tokens))) + 10
    results = translator.translate_batch(tokens, beam_size=4, max_batch_size=32, max_decoding_length=cap)
    english += [target_spm.decode_pieces([t for t in r.hypotheses[0] if t != "</s>"]) for r in results]
open(out, "w").write("\n".join(english) + "\n")
"""

HAND_SUMMARY = r"""
import sys, torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
model_dir, out, *files = sys.argv[1:]
tokenizer = AutoTokenizer.from_pretrained(model_dir)
model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval()
summaries = []
with torch.inference_mode():
    for file in files:
        batch = tokenizer(open(file).read(), return_tensors="pt", truncation=True, max_length=1024)
        output = model.generate(**batch, num_beams=4, min_new_tokens=56, max_new_tokens=142,
                                no_repeat_ngram_size=3, length_penalty=2.0, early_stopping=True)
        summaries.append(tokenizer.decode(output[0], skip_special_tokens=True).strip())
open(out, "w").write("\n".join(summaries) + "\n")
"""


def flores_documents() -> list[list[str]]:
    """The first SENTENCES devtest sentences, grouped by their FLORES document."""
    sentences = FLORES_AR.read_text(encoding="utf-8").splitlines()[:SENTENCES]
    ids = [line.split("\t")[0] for line in FLORES_META.read_text(encoding="utf-8").splitlines()[1:SENTENCES + 1]]
    documents: dict[str, list[str]] = {}
    for doc, sentence in zip(ids, sentences):
        documents.setdefault(doc, []).append(sentence)
    return list(documents.values())


def english_documents() -> list[str]:
    """DOCUMENTS texts of WORDS words: consecutive FLORES English sentences, cut when the next one
    would pass the upper bound."""
    texts, current = [], []
    for sentence in FLORES_EN.read_text(encoding="utf-8").splitlines():
        if current and len(" ".join(current + [sentence]).split()) > WORDS[1]:
            current = []
        current.append(sentence)
        if len(" ".join(current).split()) >= WORDS[0]:
            texts.append(" ".join(current))
            current = []
            if len(texts) == DOCUMENTS:
                break
    assert len(texts) == DOCUMENTS and all(WORDS[0] <= len(t.split()) <= WORDS[1] for t in texts)
    return texts


def timed(command: list[str], env: dict[str, str] | None = None, stdout: Path | None = None) -> dict[str, Any]:
    """Wall seconds and peak RSS (MB) of one whole process; its standard output into ``stdout``."""
    sink = open(stdout, "wb") if stdout else subprocess.DEVNULL
    # Linux keeps a process's RSS high-water mark across exec: a child forked from this parent (which
    # has loaded torch to build models) would report at least the parent's size. GNU time, a small
    # process, forks the child instead, and reports the child's own peak.
    with tempfile.NamedTemporaryFile("r") as peak:
        launcher = [GNU_TIME, "-f", "%M", "-o", peak.name] if os.path.exists(GNU_TIME) else []
        started = time.perf_counter()
        done = subprocess.run(launcher + command, cwd=REPO_ROOT, stdout=sink, stderr=subprocess.PIPE,
                              env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})})
        seconds = time.perf_counter() - started
        kilobytes = peak.read().strip().splitlines()[-1:] if launcher else []
    if stdout:
        sink.close()
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr.decode(errors='replace')[-2000:]}")
    row: dict[str, Any] = {"wall_s": round(seconds, 2)}
    if kilobytes and kilobytes[0].isdigit():
        row["peak_rss_mb"] = round(int(kilobytes[0]) / 1024)
    return row


def _summarize(*args: str) -> list[str]:
    return [sys.executable, "-m", "summarize", *args, "-q"]


def translation(scratch: Path) -> list[dict[str, Any]]:
    import sentencepiece

    from summarize.engines.ct2_conversion import ensure_converted
    from summarize.models import resolve_model

    marian = model_paths()["translator"]
    conversion = ensure_converted(resolve_model(str(marian)), "int8")
    documents = flores_documents()
    source = scratch / "flores.json"
    source.write_text(json.dumps(documents, ensure_ascii=False))
    lines = scratch / "flores.ar"
    lines.write_text("\n".join(s for d in documents for s in d) + "\n", encoding="utf-8")
    target = sentencepiece.SentencePieceProcessor(model_file=str(marian / "target.spm"))
    runs = {
        "naive": [sys.executable, "-c", NAIVE_TRANSLATION, str(marian), str(source)],
        "argos": [sys.executable, "-c", ARGOS_TRANSLATION, str(marian), str(conversion), str(source)],
        "argos-1thread": [sys.executable, "-c", ARGOS_TRANSLATION, str(marian), str(conversion), str(source)],
        "summarize": None,
    }
    rows = []
    for name, command in runs.items():
        out = scratch / f"{name}.en"
        if name == "summarize":
            command = _summarize("translate", str(lines), "--translator", str(marian), "--engine", "ctranslate2",
                                 "--beams", "4", "--no-cache")
            row = timed(command, stdout=out)
        else:
            row = timed(command + [str(out)] + (["0" if name == "argos" else "1"] if "argos" in name else []))
        english = out.read_text(encoding="utf-8").splitlines()
        tokens = sum(len(target.encode(line)) + 1 for line in english)  # + EOS
        rows.append({"section": "translation", "configuration": name, "items": len(english),
                     "output_tokens": tokens, "tokens_per_s": round(tokens / row["wall_s"], 1), **row})
    return rows


def summary(scratch: Path) -> list[dict[str, Any]]:
    bart = model_paths()["summarizer"]
    files = []
    for i, text in enumerate(english_documents()):
        files.append(scratch / f"doc{i}.txt")
        files[-1].write_text(text, encoding="utf-8")
    names = [str(f) for f in files]
    ours = _summarize("summarize", *names, "--summarizer", str(bart), "--engine", "ctranslate2", "--summary-beams",
                      "4", "--summary-min-tokens", "56", "--summary-max-tokens", "142", "--no-repeat-ngram-size",
                      "3", "--length-penalty", "2.0", "--no-cache")
    encoder_only = [a if a not in ("56", "142") else "1" for a in ours]
    runs = [("hand-written", [sys.executable, "-c", HAND_SUMMARY, str(bart), str(scratch / "hand.txt"), *names], {}),
            ("summarize", ours, {}),
            ("summarize, summary budget 1000", ours, {"SUMMARIZE_SUMMARY_TOKEN_BUDGET": "1000"}),
            ("summarize, summary budget 4000", ours, {"SUMMARIZE_SUMMARY_TOKEN_BUDGET": "4000"}),
            ("summarize, --threads 1", ours + ["--threads", "1"], {}),
            ("summarize, 1 new token (encoder)", encoder_only, {})]
    rows = []
    for name, command, env in runs:
        rows.append({"section": "summary", "configuration": name, "items": len(files), **timed(command, env)})
    full, encoder = rows[1]["wall_s"], rows[-1]["wall_s"]
    start_up = timed(_summarize("summarize", names[0], "--summarizer", "extractive"))["wall_s"]
    rows[1]["decoder_share"] = round((full - encoder) / max(full - start_up, 1e-9), 2)
    return rows


def warm(scratch: Path) -> list[dict[str, Any]]:
    from summarize.tiny import build_tiny_models
    from tools.bench_cache import DEFAULT_INPUT, timed_digest

    tiny = build_tiny_models(scratch / "tiny")
    common = [str(DEFAULT_INPUT), "--translator", str(tiny["translator"]), "--summarizer", str(tiny["summarizer"]),
              "--beams", "4", "--cache", str(scratch / "warm.sqlite3")]
    cold_s, cold = timed_digest(common, scratch / "cold")[:2]
    warm_s, again = timed_digest(common, scratch / "warm")[:2]
    same = cold["articles"] == again["articles"] and cold["stories"] == again["stories"]
    return [{"section": "warm", "configuration": "cold", "items": len(cold["articles"]), "wall_s": round(cold_s, 2)},
            {"section": "warm", "configuration": "warm", "items": len(again["articles"]), "wall_s": round(warm_s, 2),
             "identical_output": same, "generated": again["run"]["stats"]["translation"]["generated"]
             + again["run"]["stats"]["summary"]["generated"], "cached_articles": again["run"]["counts"]["cached_articles"]}]


def memory(scratch: Path) -> list[dict[str, Any]]:
    from summarize.tiny import build_tiny_models

    tiny = build_tiny_models(scratch / "tiny-memory")
    lines = SAUDI.read_text(encoding="utf-8").splitlines()
    rows = []
    for count, window in ((100, None), (800, None), (800, 0)):
        day = scratch / f"saudi-{count}.jsonl"
        day.write_text("\n".join(lines[:count]) + "\n", encoding="utf-8")
        out = scratch / f"memory-{count}-{window}"
        command = _summarize("digest", str(day), "--translator", str(tiny["translator"]), "--summarizer", "extractive",
                             "--beams", "1", "--no-cache", "--out", str(out),
                             *(["--window", str(window)] if window is not None else []))
        row = timed(command)
        stats = json.loads((out / "digest.json").read_text(encoding="utf-8"))["run"]["stats"]["translation"]
        rows.append({"section": "memory", "configuration": f"{count} articles, " +
                     ("windows of 100" if window is None else "one window"), "items": count, **row,
                     "padding": round(stats["padded_tokens"] / max(stats["tokens"], 1) - 1, 4)})
    return rows


def ratios(rows: list[dict[str, Any]]) -> None:
    """Each row's speed against its section's baselines, measured in this run."""
    by = {(r["section"], r["configuration"]): r for r in rows}
    for row in rows:
        base = {"translation": ["naive", "argos", "argos-1thread"], "summary": ["hand-written"],
                "warm": ["cold"]}.get(row["section"], [])
        row["ratios"] = {f"× {b}": round(by[(row["section"], b)]["wall_s"] / row["wall_s"], 2)
                         for b in base if (row["section"], b) in by and b != row["configuration"]}
    small = next((r for r in rows if r["section"] == "memory" and r["items"] == 100), None)
    for row in rows:
        if row["section"] == "memory" and small:
            row["ratios"] = {"RSS / 100 articles'": round(row["peak_rss_mb"] / small["peak_rss_mb"], 3)}


def table(rows: list[dict[str, Any]]) -> str:
    header = ("section", "configuration", "items", "wall s", "peak RSS", "output tokens", "tokens/s", "ratios", "notes")
    body = []
    for r in rows:
        notes = []
        if "decoder_share" in r:
            notes.append(f"decoder {r['decoder_share']:.0%} of generation")
        if "padding" in r:
            notes.append(f"padding {r['padding']:.2%}")
        if "identical_output" in r:
            notes.append(f"identical: {r['identical_output']}, generated {r['generated']}"
                         + (f", {r['cached_articles']} articles from the article cache" if "cached_articles" in r else ""))
        body.append((r["section"], r["configuration"], r["items"], f"{r['wall_s']:.2f}",
                     f"{r['peak_rss_mb']} MB" if "peak_rss_mb" in r else "", r.get("output_tokens", ""),
                     r.get("tokens_per_s", ""), ", ".join(f"{v:.2f}{k}" if k.startswith("×") else f"{k} {v:.2f}"
                                                           for k, v in r.get("ratios", {}).items()),
                     "; ".join(notes)))
    return format_table([header, *body])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.scale_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    sections = [s for s in args.only.split(",") if s]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    os.environ.setdefault("SUMMARIZE_CT2_DIR", str(BENCH_DIR / "ct2"))
    if {"translation", "summary"} & set(sections):
        prepare(lambda message: print(message, file=sys.stderr))
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as scratch:
        for section in sections:
            print(f"{section} …", file=sys.stderr, flush=True)
            rows += globals()[section](Path(scratch))
    ratios(rows)
    report = {"machine": machine(), "total_s": round(time.perf_counter() - started, 1), "rows": rows}
    described = report["machine"]
    print(f"{described['cpu']}, {described['cores']} cores, {described['memory_gb']} GB; torch {described.get('torch')}, "
          f"transformers {described.get('transformers')}, ctranslate2 {described.get('ctranslate2')}; "
          f"total {report['total_s']:.0f} s")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
