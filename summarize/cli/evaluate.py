"""``eval translation`` (chrF and BLEU) and ``eval summary`` (ROUGE): read the files, run the model or
read its earlier output, and score with ``summarize.scoring``."""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from summarize.cli.options import (model_options, positive_int, read_text, settings_from, summary_options,
                                   translation_options)
from summarize.errors import UserError
from summarize.scoring import (bleu_metric, empty_references, format_report, guard_report, score_summaries,
                               score_translation, summary_guard_report)

log = logging.getLogger("summarize")


def add_parsers(commands, common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``eval translation`` and ``eval summary`` to the ``commands`` subparsers; ``common`` is the
    parent parser holding -q/-v. Returns the ``eval`` parser."""
    evaluate = commands.add_parser(
        "eval", help="score translations (chrF, BLEU) or summaries (ROUGE)",
        description="Score translations against references with chrF and BLEU (sacrebleu), or summaries with "
                    "ROUGE-1/2/L (rouge-score); count translations that repeat themselves or are far too long "
                    "or short.")
    actions = evaluate.add_subparsers(dest="eval_command", metavar="ACTION")
    actions.required = True

    translation = actions.add_parser(
        "translation", parents=[common], help="chrF and BLEU of a translation of line-aligned files",
        description="Translate --src with --translator (timed) or read an existing translation (--hyp), and "
                    "score it against --ref: chrF and BLEU through sacrebleu, with their signatures. The "
                    "generation cache is used only when --cache PATH is given, so speeds are the model's.",
        epilog="example: eval translation --src flores200_devtest.ar --ref flores200_devtest.en "
               "--translator opus-mt-tc-big-ar-en")
    translation.add_argument("--src", required=True, type=Path, metavar="FILE", help="Arabic source, one segment per line")
    translation.add_argument("--ref", required=True, type=Path, metavar="FILE", help="English reference, line-aligned with --src")
    what = translation.add_argument_group("what to score (give one)")
    what.add_argument("--translator", metavar="MODEL",
                      help="translate --src with this model (catalogue name, Hugging Face id or local directory) and time it")
    what.add_argument("--hyp", type=Path, metavar="FILE", help="score this existing translation, line-aligned with --src")
    translation.add_argument("--chrf-word-order", type=int, choices=[0, 2], default=0,
                             help="0: chrF (default, as OPUS-MT reports it); 2: chrF++ (as NLLB reports it)")
    translation.add_argument("--bleu-tokenize", default="13a", metavar="NAME",
                             help="sacrebleu tokenizer for BLEU (default: 13a, the standard; flores200: spBLEU "
                                  "as NLLB reports it, downloads a SentencePiece model on first use)")
    _output_options(translation, "translations")
    model_options(translation, translator=False, summarizer=False)
    translation_options(translation)

    summary = actions.add_parser(
        "summary", parents=[common], help="ROUGE of summaries of a JSONL file's documents",
        description="Summarise each document of --docs (field --text-field) with --summarizer, or read "
                    "existing summaries (--hyp, one per line), and score them against field --ref-field: "
                    "ROUGE-1/2/L F-measure x100 (rouge-score, with stemming) and mean length in words. "
                    "References must be English. The generation cache is used only when --cache PATH is given.",
        epilog="example: eval summary --docs cnn_dm_test.jsonl --text-field article --ref-field highlights "
               "--summarizer bart-large-cnn")
    summary.add_argument("--docs", required=True, type=Path, metavar="FILE.jsonl", help="one JSON object per line")
    summary.add_argument("--text-field", metavar="F", help="field holding the text to summarise (needed with --summarizer)")
    summary.add_argument("--ref-field", required=True, metavar="F", help="field holding the reference summary (English)")
    what = summary.add_argument_group("what to score (give one)")
    what.add_argument("--summarizer", metavar="MODEL",
                      help="summarise the documents with this model (catalogue name, Hugging Face id or local directory)")
    what.add_argument("--hyp", type=Path, metavar="FILE", help="score these existing summaries, one per line, in --docs order")
    _output_options(summary, "summaries")
    model_options(summary, translator=False, summarizer=False)
    summary_options(summary)
    evaluate.set_defaults(run=run_eval)
    return evaluate


def _output_options(parser: argparse.ArgumentParser, what: str) -> None:
    group = parser.add_argument_group("input and output")
    group.add_argument("--limit", type=positive_int, metavar="N", help="use only the first N lines / documents")
    group.add_argument("--save-hyp", type=Path, metavar="FILE", help=f"write the {what}, one per line")
    group.add_argument("--json", action="store_true", help="print the full report as JSON instead of the table")


def run_eval(args: argparse.Namespace) -> int:
    """Run ``eval translation`` or ``eval summary``: print the table (or JSON with --json), return 0."""
    if args.eval_command == "translation":
        report = evaluate_translation(args)
    else:
        report = evaluate_summaries(args)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_report(report))
    return 0


def evaluate_translation(args: argparse.Namespace) -> dict[str, Any]:
    _one_of(args.translator, args.hyp, "--translator MODEL to translate --src",
            "--hyp FILE to score an existing translation", args.save_hyp)
    sources = _read_lines(args.src, "--src")
    refs = _read_lines(args.ref, "--ref")
    if len(sources) != len(refs):
        raise UserError(f"--src {args.src} has {len(sources)} lines but --ref {args.ref} has {len(refs)}: "
                        "they must be line-aligned")
    count = _limited(len(sources), args.limit)
    try:
        bleu_metric(args.bleu_tokenize)  # before a long translation, not after
    except ValueError as exc:
        raise UserError(f"--bleu-tokenize: {exc}") from None
    hyps = None
    if args.hyp is not None:
        hyps = _aligned(_read_lines(args.hyp, "--hyp"), args.hyp, len(sources), count, "--src", "lines")
    sources, refs = sources[:count], refs[:count]

    report: dict[str, Any] = {"task": "translation", "src": str(args.src), "ref": str(args.ref),
                              "hyp": str(args.hyp) if args.hyp else None, "limit": args.limit, "model": None,
                              "timings_s": None, "sentences_per_s": None, "stats": None}
    if hyps is None:
        from summarize.translate import Translator

        hyps = _generate(args, report, count, load=Translator.from_settings, stage="translate",
                         rate="sentences_per_s", progress=("translating", "segment", None),
                         run=lambda translator, done: translator.translate_lines(sources, on_batch=done))
    report.update(score_translation(hyps, refs, chrf_word_order=args.chrf_word_order, bleu_tokenize=args.bleu_tokenize))
    report["guards"] = guard_report(sources, hyps)
    return report


def evaluate_summaries(args: argparse.Namespace) -> dict[str, Any]:
    _one_of(args.summarizer, args.hyp, "--summarizer MODEL to summarise the documents",
            "--hyp FILE to score existing summaries", args.save_hyp)
    if args.summarizer is not None and not args.text_field:
        raise UserError("--summarizer needs --text-field F: the JSONL field holding the text to summarise")
    fields = [args.ref_field] + ([args.text_field] if args.text_field else [])
    docs = _read_jsonl(args.docs, fields)
    count = _limited(len(docs), args.limit)
    hyps = None
    if args.hyp is not None:
        hyps = _aligned(_read_lines(args.hyp, "--hyp"), args.hyp, len(docs), count, "--docs", "documents")
    docs = docs[:count]
    refs = [doc[args.ref_field] for doc in docs]
    empty = empty_references(refs)  # before an hour of summarising, not after
    if empty == len(refs):
        raise UserError(f"field {args.ref_field!r} of {args.docs} holds no English words (rouge-score keeps only "
                        "a-z and 0-9): ROUGE needs English reference summaries")
    if empty:
        log.warning("%d of %d references in field %r have no English words; they score 0", empty, len(refs),
                    args.ref_field)

    report: dict[str, Any] = {"task": "summary", "docs": str(args.docs), "text_field": args.text_field,
                              "ref_field": args.ref_field, "hyp": str(args.hyp) if args.hyp else None,
                              "limit": args.limit, "model": None, "timings_s": None, "documents_per_s": None,
                              "stats": None}
    if hyps is None:
        from summarize.summarizers import load_summarizer

        texts = [" ".join(doc[args.text_field].split()) for doc in docs]
        hyps = _generate(args, report, count, load=load_summarizer, stage="summarise", rate="documents_per_s",
                         progress=("summarising", "document", count),
                         run=lambda summarizer, done: [s.text for s in summarizer.summarize_many(texts, on_batch=done)])
    report.update(score_summaries(hyps, refs))
    report["guards"] = summary_guard_report(hyps)
    return report


def _generate(args: argparse.Namespace, report: dict[str, Any], count: int, *, load: Callable, run: Callable,
              stage: str, rate: str, progress: tuple) -> list[str]:
    """Load the model (timed apart), run it over the inputs (timed), save its outputs with --save-hyp,
    and record in ``report`` what ran (``describe()``), the timings, the cache stats and the rate."""
    settings = settings_from(args)
    started = time.perf_counter()
    model = load(settings, cache=_cache(args, settings))
    loaded = time.perf_counter()
    description, unit, total = progress
    with _progress(description, unit, total, settings.quiet) as bar:
        outputs = run(model, bar.update)
    seconds = time.perf_counter() - loaded
    if args.save_hyp is not None:
        _write_lines(args.save_hyp, outputs)
    report["model"] = model.describe()
    report["timings_s"] = {"load": round(loaded - started, 3), stage: round(seconds, 3)}
    report["stats"] = model.stats.as_dict()
    report[rate] = round(count / seconds, 3) if seconds > 0 else None
    return outputs


# --- input and output helpers ------------------------------------------------------------------------

def _cache(args: argparse.Namespace, settings: Any):
    """The generation cache only when asked for by name (--cache PATH, not --no-cache): by default every
    output is generated, so the speed measured is the model's and not the cache's."""
    if getattr(args, "cache", None) and not getattr(settings, "no_cache", False):
        return settings.open_cache()
    return None


def _one_of(model: str | None, hyp: Path | None, model_text: str, hyp_text: str, save_hyp: Path | None) -> None:

    if model is not None and hyp is not None:
        raise UserError(f"give either {model_text} or {hyp_text}, not both")
    if model is None and hyp is None:
        raise UserError(f"nothing to score: give {model_text}, or {hyp_text}")
    if hyp is not None and save_hyp is not None:
        raise UserError(f"--save-hyp writes what the model produced: it goes with {model_text.split()[0]}, not --hyp")
    if save_hyp is not None and not save_hyp.parent.is_dir():
        # Found out now, not after an hour of translating.
        raise UserError(f"--save-hyp {save_hyp}: folder {save_hyp.parent} does not exist")


def _limited(total: int, limit: int | None) -> int:
    return min(total, limit) if limit else total


def _aligned(hyps: list[str], path: Path, total: int, count: int, against: str, unit: str) -> list[str]:
    """``hyps`` cut to ``count``: it must have as many lines as the input, or exactly ``count`` (the
    output of an earlier run with the same --limit)."""

    if len(hyps) not in (total, count):
        expected = f"{total}" + (f" (or {count}, with --limit)" if count != total else "")
        raise UserError(f"--hyp {path} has {len(hyps)} lines but {against} has {total} {unit}: expected {expected}, "
                        "one per line in the same order")
    return hyps[:count]


def _read_lines(path: Path, what: str) -> list[str]:
    """The file's lines, split on newlines only (not on the other Unicode line separators, which may
    appear inside a segment), without a final empty line."""

    lines = read_text(path, what).split("\n")
    if lines[-1] == "":
        lines.pop()
    if not lines:
        raise UserError(f"{what} {path}: the file is empty")
    return [line.removesuffix("\r") for line in lines]


def _read_jsonl(path: Path, fields: Sequence[str]) -> list[dict[str, str]]:
    """One dict per non-blank line holding ``fields`` as strings (a JSON null reads as "")."""

    docs = []
    for number, line in enumerate(read_text(path, "--docs").split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise UserError(f"{path}:{number}: not valid JSON ({exc})") from None
        if not isinstance(record, dict):
            raise UserError(f"{path}:{number}: expected a JSON object, found {type(record).__name__}")
        doc = {}
        for field in fields:
            if field not in record:
                raise UserError(f"{path}:{number}: no field {field!r} (fields: {', '.join(map(str, record)) or 'none'})")
            value = record[field]
            if value is not None and not isinstance(value, str):
                raise UserError(f"{path}:{number}: field {field!r} is {type(value).__name__}, not text")
            doc[field] = value or ""
        docs.append(doc)
    if not docs:
        raise UserError(f"--docs {path}: no documents in the file")
    return docs


def _write_lines(path: Path, lines: Sequence[str]) -> None:
    """One output per line; newlines inside an output become spaces so the file stays aligned."""

    text = "".join(re.sub(r"[\r\n]+", " ", line) + "\n" for line in lines)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"--save-hyp {path}: cannot write ({exc.strerror or exc})") from None


def _progress(description: str, unit: str, total: int | None, quiet: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit=unit, disable=quiet, leave=False, file=sys.stderr)
