"""The short table ``eval`` prints for a report of ``summarize.scoring`` (``--json`` prints the report)."""
from __future__ import annotations

from typing import Any

from summarize.scoring.guards import REPETITION
from summarize.scoring.summary import ROUGE_LABELS, ROUGE_TYPES
from summarize.tables import format_table

# Flagged segments shown in the table; --json lists them all.
TABLE_ITEMS = 10


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
        rows += _speed_row(report, "sentences_per_s", "sentences", "segments", "translate")
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
        rows += _speed_row(report, "documents_per_s", "documents", "documents", "summarise")
        unit = "summaries"
    guard = report["guards"]
    total = report.get("segments", report.get("documents"))
    counts = ", ".join(f"{reason} {count}" for reason, count in guard["counts"].items())
    rows.append(("flagged", f"{guard['flagged']} of {total} {unit}: {counts}"))
    lines = [title, format_table(rows, indent="  ")]
    for item in guard["items"][:TABLE_ITEMS]:
        lines.append("    " + _describe_item(item))
    if guard["flagged"] > TABLE_ITEMS:
        lines.append(f"    ... {guard['flagged'] - TABLE_ITEMS} more (--json lists them all)")
    return "\n".join(lines)


def _speed_row(report: dict[str, Any], rate: str, unit: str, count: str, stage: str) -> list[tuple[str, str]]:
    """The speed line, for a report of outputs the model generated (none for --hyp)."""
    if report.get(rate) is None:
        return []
    timings = report["timings_s"]
    return [("speed", f"{report[rate]:.2f} {unit}/s ({report[count]} in {timings[stage]:.2f} s; model loaded in "
                      f"{timings['load']:.1f} s{_cache_note(report)})")]


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
        if reason == REPETITION:
            reasons.append(f"repetition: {item['repeats']}")
        else:
            reasons.append(f"{reason}: {item['translation_words']} words for {item['source_words']}")
    text = item.get("translation", item.get("summary", ""))
    return f"line {item['line']}: {'; '.join(reasons)} | {_clip(text)}"


def _clip(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
