"""Quality scores: chrF and BLEU (sacrebleu) for translations, ROUGE-1/2/L (rouge-score) for summaries,
guard-rail counts (``summarize.guards``), and the ``eval`` command that produces them.

sacrebleu, rouge_score and torch are imported inside the functions that use them, and
``summarize.cli`` only when a function runs (it imports this module), so ``--help`` stays fast.
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Sequence

from summarize import guards

log = logging.getLogger("summarize")

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
ROUGE_LABELS = {"rouge1": "ROUGE-1", "rouge2": "ROUGE-2", "rougeL": "ROUGE-L"}
# Flagged segments shown in the table; --json lists them all.
TABLE_ITEMS = 10


# --- scores ------------------------------------------------------------------------------------------

def score_translation(hyps: Sequence[str], refs: Sequence[str], *, chrf_word_order: int = 0,
                      bleu_tokenize: str = "13a") -> dict[str, Any]:
    """Corpus chrF and BLEU of ``hyps`` against one reference each, with sacrebleu's defaults (BLEU:
    13a tokenisation, exponential smoothing; chrF: character 6-grams, beta 2). ``chrf_word_order=2``
    gives chrF++, ``bleu_tokenize="flores200"`` spBLEU (sacrebleu downloads its SentencePiece model on
    first use). The signatures say exactly how the scores were computed; scores are comparable only
    when their signatures match."""
    hyps, refs = list(hyps), list(refs)
    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} hypotheses for {len(refs)} references")
    if not refs:
        raise ValueError("nothing to score: no segments")
    from sacrebleu.metrics import CHRF

    bleu_metric, chrf_metric = _bleu_metric(bleu_tokenize), CHRF(word_order=chrf_word_order)
    bleu = bleu_metric.corpus_score(hyps, [refs])
    chrf = chrf_metric.corpus_score(hyps, [refs])
    return {
        "segments": len(refs),
        "bleu": bleu.score,
        "chrf": chrf.score,
        "signatures": {"bleu": str(bleu_metric.get_signature()), "chrf": str(chrf_metric.get_signature())},
        "bleu_details": {"precisions": [round(p, 4) for p in bleu.precisions], "brevity_penalty": round(bleu.bp, 4),
                         "length_ratio": round(bleu.ratio, 4), "hyp_len": bleu.sys_len, "ref_len": bleu.ref_len},
    }


def _bleu_metric(tokenize: str):
    from sacrebleu.metrics import BLEU

    if tokenize not in BLEU.TOKENIZERS:
        raise ValueError(f"unknown BLEU tokenizer {tokenize!r}; sacrebleu has: {', '.join(BLEU.TOKENIZERS)}")
    return BLEU(tokenize=tokenize)


def score_summaries(hyps: Sequence[str], refs: Sequence[str]) -> dict[str, Any]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F-measures ×100 (rouge-score, Porter stemming, averaged over
    documents), and mean lengths in words. ROUGE-L here is the plain longest common subsequence, not
    the newline-split ROUGE-Lsum. rouge-score keeps only ``a-z0-9`` tokens, so references must be in
    English: ``empty_references`` counts those with no such token."""
    hyps, refs = list(hyps), list(refs)
    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} summaries for {len(refs)} references")
    if not refs:
        raise ValueError("nothing to score: no documents")
    from rouge_score import rouge_scorer, tokenizers

    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    for hyp, ref in zip(hyps, refs):
        scores = scorer.score(ref, hyp)  # (target, prediction)
        for rouge_type in ROUGE_TYPES:
            totals[rouge_type] += scores[rouge_type].fmeasure
    tokenizer = tokenizers.DefaultTokenizer(use_stemmer=False)
    return {
        "documents": len(refs),
        **{rouge_type: 100 * total / len(refs) for rouge_type, total in totals.items()},
        "mean_words": sum(map(guards.word_count, hyps)) / len(hyps),
        "mean_ref_words": sum(map(guards.word_count, refs)) / len(refs),
        "empty_references": sum(1 for ref in refs if not tokenizer.tokenize(ref)),
        "scorer": {"package": "rouge-score", "version": _version("rouge-score"), "use_stemmer": True,
                   "measure": "F-measure x100, mean over documents"},
    }


def guard_report(sources: Sequence[str], translations: Sequence[str]) -> dict[str, Any]:
    """``guards.check_translation`` on every pair: how many are flagged, per reason, and each flagged
    one (1-based line number, reasons, what repeats, word counts, texts)."""
    counts = dict.fromkeys(guards.REASONS, 0)
    items = []
    for line, (source, translation) in enumerate(zip(sources, translations, strict=True), 1):
        reasons = guards.check_translation(source, translation)
        if not reasons:
            continue
        for reason in reasons:
            counts[reason] += 1
        items.append({"line": line, "reasons": reasons,
                      "repeats": guards.repetition(translation) if guards.REPETITION in reasons else None,
                      "source_words": guards.word_count(source), "translation_words": guards.word_count(translation),
                      "source": source, "translation": translation})
    return {"flagged": len(items), "counts": counts, "thresholds": guard_thresholds(), "items": items}


def guard_thresholds() -> dict[str, Any]:
    return {"repeat_ngram": guards.REPEAT_NGRAM, "max_repeats": guards.MAX_REPEATS,
            "low_ratio": guards.LOW_RATIO, "high_ratio": guards.HIGH_RATIO, "length_slack": guards.LENGTH_SLACK}


def summary_guard_report(summaries: Sequence[str]) -> dict[str, Any]:
    """Summaries that repeat themselves (``guards.repetition``); lengths are not judged."""
    items = []
    for line, summary in enumerate(summaries, 1):
        repeats = guards.repetition(summary)
        if repeats is not None:
            items.append({"line": line, "reasons": [guards.REPETITION], "repeats": repeats, "summary": summary})
    return {"flagged": len(items), "counts": {guards.REPETITION: len(items)}, "items": items}


# --- reports -----------------------------------------------------------------------------------------

def format_report(report: dict[str, Any]) -> str:
    """The short table ``eval`` prints (``--json`` prints ``report`` itself)."""
    rows: list[tuple[str, str]] = []
    if report["task"] == "translation":
        first = f" (first {report['segments']})" if (report.get("limit") or 0) == report["segments"] else ""
        title = f"translation: {report['segments']} segments of {report['src']}{first}"
        rows.append(_source_row(report, "translator"))
        signatures = report["signatures"]
        rows.append(("BLEU", f"{report['bleu']:6.2f}   {signatures['bleu']}"))
        label = "chrF++" if "nw:0" not in signatures["chrf"] else "chrF"
        rows.append((label, f"{report['chrf']:6.2f}   {signatures['chrf']}"))
        if report.get("sentences_per_s") is not None:
            timings = report["timings_s"]
            rows.append(("speed", f"{report['sentences_per_s']:.2f} sentences/s ({report['segments']} in "
                                  f"{timings['translate']:.2f} s; model loaded in {timings['load']:.1f} s"
                                  f"{_cache_note(report)})"))
        unit = "segments"
    else:
        first = f" (first {report['documents']})" if (report.get("limit") or 0) == report["documents"] else ""
        title = (f"summary: {report['documents']} documents of {report['docs']}{first}, "
                 f"reference field {report['ref_field']!r}")
        rows.append(_source_row(report, "summarizer"))
        scorer = report["scorer"]
        note = f"rouge-score {scorer['version']}, stemming, F-measure x100, mean over documents"
        for rouge_type in ROUGE_TYPES:
            rows.append((ROUGE_LABELS[rouge_type], f"{report[rouge_type]:6.2f}" + (f"   {note}" if rouge_type == "rouge1" else "")))
        rows.append(("length", f"{report['mean_words']:.1f} words per summary (references: {report['mean_ref_words']:.1f})"))
        if report.get("documents_per_s") is not None:
            timings = report["timings_s"]
            rows.append(("speed", f"{report['documents_per_s']:.2f} documents/s ({report['documents']} in "
                                  f"{timings['summarise']:.2f} s; model loaded in {timings['load']:.1f} s"
                                  f"{_cache_note(report)})"))
        unit = "summaries"
    guard = report["guards"]
    total = report.get("segments", report.get("documents"))
    counts = ", ".join(f"{reason} {count}" for reason, count in guard["counts"].items())
    rows.append(("flagged", f"{guard['flagged']} of {total} {unit}: {counts}"))
    width = max(len(label) for label, _ in rows)
    lines = [title] + [f"  {label.ljust(width)}  {value}" for label, value in rows]
    for item in guard["items"][:TABLE_ITEMS]:
        lines.append("    " + _describe_item(item))
    if guard["flagged"] > TABLE_ITEMS:
        lines.append(f"    ... {guard['flagged'] - TABLE_ITEMS} more (--json lists them all)")
    return "\n".join(lines)


def _cache_note(report: dict[str, Any]) -> str:
    hits = (report.get("stats") or {}).get("cache_hits")
    return f"; {hits} outputs from the cache, not timed" if hits else ""


def _source_row(report: dict[str, Any], role: str) -> tuple[str, str]:
    if report.get("hyp"):
        return "scored", str(report["hyp"])
    model = report["model"]
    beams = model.get("generation", {}).get("num_beams")
    return role, f"{model['model']} ({model['engine']}" + (f", beams {beams})" if beams else ")")


def _describe_item(item: dict[str, Any]) -> str:
    reasons = []
    for reason in item["reasons"]:
        if reason == guards.REPETITION:
            reasons.append(f"repetition: {item['repeats']}")
        else:
            reasons.append(f"{reason}: {item['translation_words']} words for {item['source_words']}")
    text = item.get("translation", item.get("summary", ""))
    return f"line {item['line']}: {'; '.join(reasons)} | {_clip(text)}"


def _clip(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


# --- the command -------------------------------------------------------------------------------------

def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def add_eval_parser(commands: "argparse._SubParsersAction", common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``eval translation`` and ``eval summary`` to the ``commands`` subparsers; ``common`` is the
    parent parser holding -q/-v. Returns the ``eval`` parser."""
    from summarize.cli import _model_options, _summary_options, _translation_options

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
    _model_options(translation, translator=False, summarizer=False)
    _translation_options(translation)

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
    _model_options(summary, translator=False, summarizer=False)
    _summary_options(summary)
    return evaluate


def _output_options(parser: argparse.ArgumentParser, what: str) -> None:
    group = parser.add_argument_group("input and output")
    group.add_argument("--limit", type=_positive_int, metavar="N", help="use only the first N lines / documents")
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
    from summarize.cli import UserError, _settings

    _one_of(args.translator, args.hyp, "--translator MODEL to translate --src",
            "--hyp FILE to score an existing translation", args.save_hyp)
    sources = _read_lines(args.src, "--src")
    refs = _read_lines(args.ref, "--ref")
    if len(sources) != len(refs):
        raise UserError(f"--src {args.src} has {len(sources)} lines but --ref {args.ref} has {len(refs)}: "
                        "they must be line-aligned")
    count = _limited(len(sources), args.limit)
    try:
        _bleu_metric(args.bleu_tokenize)  # before a long translation, not after
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

        settings = _settings(args)
        started = time.perf_counter()
        translator = Translator.from_settings(settings, cache=_cache(args, settings))
        loaded = time.perf_counter()
        with _progress("translating", "segment", None, settings.quiet) as bar:
            hyps = translator.translate_lines(sources, on_batch=bar.update)
        seconds = time.perf_counter() - loaded
        if args.save_hyp is not None:
            _write_lines(args.save_hyp, hyps)
        report["model"] = {**translator.engine.describe(), "generation": translator.generation.as_dict()}
        report["timings_s"] = {"load": round(loaded - started, 3), "translate": round(seconds, 3)}
        report["stats"] = translator.stats.as_dict()
        report["sentences_per_s"] = round(count / seconds, 3) if seconds > 0 else None
    report.update(score_translation(hyps, refs, chrf_word_order=args.chrf_word_order, bleu_tokenize=args.bleu_tokenize))
    report["guards"] = guard_report(sources, hyps)
    return report


def evaluate_summaries(args: argparse.Namespace) -> dict[str, Any]:
    from summarize.cli import UserError, _settings

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

    report: dict[str, Any] = {"task": "summary", "docs": str(args.docs), "text_field": args.text_field,
                              "ref_field": args.ref_field, "hyp": str(args.hyp) if args.hyp else None,
                              "limit": args.limit, "model": None, "timings_s": None, "documents_per_s": None,
                              "stats": None}
    if hyps is None:
        from summarize.summarise import Summarizer

        settings = _settings(args)
        started = time.perf_counter()
        summarizer = Summarizer.from_settings(settings, cache=_cache(args, settings))
        loaded = time.perf_counter()
        with _progress("summarising", "document", count, settings.quiet) as bar:
            summaries = summarizer.summarize_many([" ".join(doc[args.text_field].split()) for doc in docs],
                                                  on_batch=bar.update)
        seconds = time.perf_counter() - loaded
        hyps = [summary.text for summary in summaries]
        if args.save_hyp is not None:
            _write_lines(args.save_hyp, hyps)
        report["model"] = {**summarizer.engine.describe(), "generation": summarizer.generation.as_dict()}
        report["timings_s"] = {"load": round(loaded - started, 3), "summarise": round(seconds, 3)}
        report["stats"] = summarizer.stats.as_dict()
        report["documents_per_s"] = round(count / seconds, 3) if seconds > 0 else None
    scores = score_summaries(hyps, refs)
    if scores["empty_references"] == len(refs):
        raise UserError(f"field {args.ref_field!r} of {args.docs} holds no English words (rouge-score keeps only "
                        "a-z and 0-9): ROUGE needs English reference summaries")
    if scores["empty_references"]:
        log.warning("%d of %d references in field %r have no English words; they score 0",
                    scores["empty_references"], len(refs), args.ref_field)
    report.update(scores)
    report["guards"] = summary_guard_report(hyps)
    return report


# --- input and output helpers ------------------------------------------------------------------------

def _cache(args: argparse.Namespace, settings: Any):
    """The generation cache only when asked for by name (--cache PATH, not --no-cache): by default every
    output is generated, so the speed measured is the model's and not the cache's."""
    if getattr(args, "cache", None) and not getattr(settings, "no_cache", False):
        return settings.open_cache()
    return None


def _one_of(model: str | None, hyp: Path | None, model_text: str, hyp_text: str, save_hyp: Path | None) -> None:
    from summarize.cli import UserError

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
    from summarize.cli import UserError

    if len(hyps) not in (total, count):
        expected = f"{total}" + (f" (or {count}, with --limit)" if count != total else "")
        raise UserError(f"--hyp {path} has {len(hyps)} lines but {against} has {total} {unit}: expected {expected}, "
                        "one per line in the same order")
    return hyps[:count]


def _read_text(path: Path, what: str) -> str:
    from summarize.cli import UserError

    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{what} {path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{what} {path}: is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{what} {path}: cannot read as UTF-8 text ({exc})") from None


def _read_lines(path: Path, what: str) -> list[str]:
    """The file's lines, split on newlines only (not on the other Unicode line separators, which may
    appear inside a segment), without a final empty line."""
    from summarize.cli import UserError

    lines = _read_text(path, what).split("\n")
    if lines[-1] == "":
        lines.pop()
    if not lines:
        raise UserError(f"{what} {path}: the file is empty")
    return [line.removesuffix("\r") for line in lines]


def _read_jsonl(path: Path, fields: Sequence[str]) -> list[dict[str, str]]:
    """One dict per non-blank line holding ``fields`` as strings (a JSON null reads as "")."""
    from summarize.cli import UserError

    docs = []
    for number, line in enumerate(_read_text(path, "--docs").split("\n"), 1):
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
    from summarize.cli import UserError

    text = "".join(re.sub(r"[\r\n]+", " ", line) + "\n" for line in lines)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"--save-hyp {path}: cannot write ({exc.strerror or exc})") from None


def _progress(description: str, unit: str, total: int | None, quiet: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit=unit, disable=quiet, leave=False, file=sys.stderr)
