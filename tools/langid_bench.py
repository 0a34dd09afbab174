"""Language identification on a labelled set: ``python -m tools.langid_bench [--json FILE] [--only NAMES] [--set FILE]``.

Each detector runs in a fresh process of its own (``--child NAME``), so that its start-up — the
import, the model's loading and the first call, on the set's first Arabic text — is timed as the
pipeline pays it, with its peak RSS its own. The child then reads the whole set twice: the first pass
(lazy model loads included) is timed whole, the second per text, and its answers are the ones scored.

Detectors (``DETECTORS``):

- ``hand-written``: the detector ``summarize.ingest.language`` was before issue 17 (``tools/langid_set/handwritten.py``);
- ``py3langid``: its model with all 140 labels on the raw text, the labels that are ours under another
  name folded as ``summarize.ingest.language`` folds them (Moroccan/Egyptian Arabic → ar, sdh → ku, …);
- ``py3langid-ours``: the model restricted to our 16 languages (Sorani as its "sdh");
- ``lingua-all`` / ``lingua-ours``: lingua-language-detector with its 75 languages, or the 14 of ours
  it has (no Pashto, no Kurdish), high-accuracy mode, "unknown" where it names none;
- ``hybrid``: ``summarize.ingest.language.detect_language``, what the pipeline uses;
- ``hybrid+25%``: the same with the hand-written detector's rule on top — Arabic-script letters at least
  a quarter of all letters → the best Arabic-script language — to show what that rule would still add.

The set (``tools/langid_set/texts.jsonl``, its README says where each text comes from) labels every text
with the answer the pipeline needs: ``kind`` short (a headline), medium (a sentence or two), long (a
paragraph), mixed (Arabic articles carrying English: "ar"), edge (data blobs, addresses, no letters:
"unknown"). Texts in languages without a translator (``lang`` not in ``CANDIDATES``) score as "others":
right when named, the answer that gets them reported rather than sent to a wrong translator.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from summarize.tables import format_table
from tools import REPO_ROOT

SET = REPO_ROOT / "tools" / "langid_set" / "texts.jsonl"
DETECTORS = ("hand-written", "py3langid", "py3langid-ours", "lingua-all", "lingua-ours", "hybrid", "hybrid+25%")
KINDS = ("short", "medium", "long", "mixed", "edge")
ARABIC_SCRIPT = ("ar", "fa", "ur", "ps", "ku")
ARABIC_SHARE = 0.25


def read_set(path: Path = SET) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build(name: str) -> Callable[[str], str]:
    """The detector ``name``, text → code; its imports happen here, inside the timed start-up."""
    from summarize.ingest import language

    if name == "hand-written":
        from tools.langid_set.handwritten import detect_language as handwritten
        return handwritten
    if name == "hybrid":
        return language.detect_language
    if name == "hybrid+25%":
        def with_rule(text: str) -> str:
            sample = language.language_sample((text,))
            counts = language.script_counts(sample)
            if not sum(counts.values()):
                return "unknown"
            scores = language.language_scores(sample)
            if counts["arabic"] >= ARABIC_SHARE * sum(counts.values()):
                return max(ARABIC_SCRIPT, key=scores.__getitem__)
            return language.choose(scores)
        return with_rule
    if name.startswith("py3langid"):
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
        model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        if name == "py3langid-ours":
            model.set_languages(sorted(language.CANDIDATES - {"ku"} | {"sdh"}))
        return lambda text: language._FOLDED.get(label := model.classify(text)[0], label)
    if name.startswith("lingua"):
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
        if name == "lingua-all":
            builder = LanguageDetectorBuilder.from_all_languages()
        else:
            known = {lang.iso_code_639_1.name.lower() for lang in Language.all()}
            builder = LanguageDetectorBuilder.from_iso_codes_639_1(
                *(getattr(IsoCode639_1, code.upper()) for code in sorted(language.CANDIDATES & known)))
        detector = builder.build()

        def lingua(text: str) -> str:
            found = detector.detect_language_of(text)
            return found.iso_code_639_1.name.lower() if found else "unknown"
        return lingua
    raise ValueError(f"no detector {name!r}")


def child(name: str, set_path: Path) -> dict[str, Any]:
    """Run in the detector's own process: start-up, a first pass, a timed second pass and its answers."""
    texts = [row["text"] for row in read_set(set_path)]
    first = next((row["text"] for row in read_set(set_path) if row["lang"] == "ar"), texts[0])
    started = time.perf_counter()
    detect = build(name)
    detect(first)
    startup = time.perf_counter() - started
    started = time.perf_counter()
    for text in texts:
        detect(text)
    first_pass = time.perf_counter() - started
    answers, seconds = [], []
    for text in texts:
        started = time.perf_counter()
        answers.append(detect(text))
        seconds.append(time.perf_counter() - started)
    return {"startup_s": round(startup, 3), "first_pass_s": round(first_pass, 3),
            "per_text_ms": round(1000 * sum(seconds) / len(seconds), 3),
            "slowest_text_ms": round(1000 * max(seconds), 3),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "answers": answers}


def run_child(name: str, set_path: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "tools.langid_bench", "--child", name, "--set", str(set_path)],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=600)
    if done.returncode:
        raise RuntimeError(f"{name}: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


def score(rows: list[dict[str, str]], answers: list[str]) -> dict[str, Any]:
    """Accuracy overall, per kind, per language, on the others, and the Arabic-script confusion."""
    from summarize.ingest.language import CANDIDATES

    hits: dict[str, Counter[str]] = {"kind": Counter(), "lang": Counter()}
    totals: dict[str, Counter[str]] = {"kind": Counter(), "lang": Counter()}
    confusion: dict[str, Counter[str]] = {code: Counter() for code in ARABIC_SCRIPT}
    misses = []
    for row, answer in zip(rows, answers):
        right = answer == row["lang"]
        group = row["kind"] if row["lang"] in CANDIDATES or row["kind"] in ("mixed", "edge") else "others"
        for axis, key in (("kind", group), ("lang", row["lang"])):
            totals[axis][key] += 1
            hits[axis][key] += right
        if row["lang"] in confusion and row["kind"] in ("short", "medium", "long"):
            confusion[row["lang"]][answer if answer in ARABIC_SCRIPT else "other"] += 1
        if not right:
            misses.append({"lang": row["lang"], "kind": row["kind"], "answer": answer, "text": row["text"][:80]})
    return {"accuracy": round(sum(hits["kind"].values()) / len(rows), 3),
            "by_kind": {k: [hits["kind"][k], n] for k, n in totals["kind"].items()},
            "by_language": {k: [hits["lang"][k], n] for k, n in totals["lang"].items()},
            "arabic_script_confusion": {k: dict(v) for k, v in confusion.items() if v}, "misses": misses}


def tables(results: dict[str, dict[str, Any]], rows: list[dict[str, str]]) -> str:
    """The three tables the bench prints: summary, per language, Arabic-script confusion."""
    def ratio(pair: list[int] | None) -> str:
        return f"{pair[0]}/{pair[1]}" if pair else ""

    groups = [k for k in (*KINDS, "others") if any(k in r["by_kind"] for r in results.values())]
    summary = [("detector", "accuracy", *groups, "start-up s", "first pass s", "ms/text", "slowest ms", "peak RSS")]
    for name, r in results.items():
        summary.append((name, f"{r['accuracy']:.3f}", *(ratio(r["by_kind"].get(k)) for k in groups),
                        f"{r['startup_s']:.2f}", f"{r['first_pass_s']:.2f}", f"{r['per_text_ms']:.2f}",
                        f"{r['slowest_text_ms']:.1f}", f"{r['peak_rss_mb']} MB"))
    languages = list(dict.fromkeys(row["lang"] for row in rows))
    per_language = [("language", *results)]
    per_language += [(code, *(ratio(r["by_language"].get(code)) for r in results.values())) for code in languages]
    confusion = [("detector", "expected", *ARABIC_SCRIPT, "other")]
    for name, r in results.items():
        for code, answers in r["arabic_script_confusion"].items():
            confusion.append((name, code, *(answers.get(k, "") for k in (*ARABIC_SCRIPT, "other"))))
    return "\n\n".join((format_table(summary), "Right answers per language (texts of all kinds):\n" + format_table(per_language),
                        "Arabic-script headlines, sentences and paragraphs: answers per expected language:\n"
                        + format_table(confusion)))


def versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    found: dict[str, str | None] = {"python": platform.python_version()}
    for package in ("py3langid", "lingua-language-detector"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = None
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.langid_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(DETECTORS), help=f"comma-separated subset of {','.join(DETECTORS)}")
    parser.add_argument("--set", type=Path, default=SET, help="the labelled texts (JSONL: lang, kind, text, origin)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.set)))
        return 0
    names = [n for n in args.only.split(",") if n]
    unknown = set(names) - set(DETECTORS)
    if unknown:
        parser.error(f"unknown detector(s): {', '.join(sorted(unknown))}")
    rows = read_set(args.set)
    results: dict[str, dict[str, Any]] = {}
    for name in names:
        print(f"{name} …", file=sys.stderr, flush=True)
        measured = run_child(name, args.set)
        answers = measured.pop("answers")
        results[name] = {**measured, **score(rows, answers), "answers": answers}
    print(f"{len(rows)} texts from {args.set.relative_to(REPO_ROOT) if args.set.is_relative_to(REPO_ROOT) else args.set}; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          + ", ".join(f"{k} {v}" for k, v in versions().items()))
    print(tables(results, rows))
    if "hybrid" in results and results["hybrid"]["misses"]:
        print("\nhybrid's misses:\n" + format_table([(m["lang"], m["kind"], m["answer"], m["text"].replace("\n", " ")[:60])
                                                     for m in results["hybrid"]["misses"]], indent="  "))
    if args.json:
        report = {"set": str(args.set), "texts": len(rows), "versions": versions(), "cores": os.cpu_count(),
                  "detectors": results}
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
