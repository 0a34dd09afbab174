"""Local versus Ray, on this machine: ``python -m tools.ray_bench [--input FILE] [--limit N] [--json FILE]``.

Digests the same articles three ways, each a whole ``python -m summarize digest`` process with no
cache (interpreter start-up, Ray start-up and model loading included), timed by this parent:
``--executor local``, ``--executor ray --ray-workers 1`` (one actor with every core) and
``--ray-workers 2`` (two actors of one core each). Same models, same caps, the same digest (checked).
Tiny random-weight models unless --translator/--summarizer are given; random weights never stop
early, so the caps alone decide how much is generated. Prints a table and, with --json, writes it."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from summarize.tables import format_table
from tools import REPO_ROOT, SHARED_DATA

DEFAULT_INPUT = SHARED_DATA / "news_ar_2018-05-08.jsonl"
CONFIGURATIONS = (("local", []), ("ray, 1 worker", ["--executor", "ray", "--ray-workers", "1"]),
                  ("ray, 2 workers", ["--executor", "ray", "--ray-workers", "2"]))


def timed_digest(arguments: list[str], out: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "summarize", "digest", *arguments, "--out", str(out), "-q", "--no-cache"],
                   check=True, cwd=REPO_ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return time.perf_counter() - started, json.loads((out / "digest.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.ray_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT, help="a JSONL day (default: the 131-article day)")
    parser.add_argument("--limit", type=int, default=0, help="its first N articles only (default: all)")
    parser.add_argument("--translator", help="default: tiny models built for the run")
    parser.add_argument("--summarizer")
    parser.add_argument("--beams", default="4")
    parser.add_argument("--window", default="100", help="articles a window (default: 100); a worker makes a window")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ray-bench-") as scratch:
        work = Path(scratch)
        if args.translator and args.summarizer:
            translator, summarizer, weights = args.translator, args.summarizer, "as given"
        else:
            from summarize.tiny import build_tiny_models

            tiny = build_tiny_models(work / "tiny")
            translator, summarizer, weights = str(tiny["translator"]), str(tiny["summarizer"]), "tiny random-weight"
        source = args.input
        if args.limit:
            source = work / "input.jsonl"
            lines = args.input.read_text(encoding="utf-8").splitlines()[:args.limit]
            source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        common = [str(source), "--translator", translator, "--summarizer", summarizer, "--beams", args.beams,
                  "--window", args.window]
        # Conversions made once, outside the timings: every configuration then loads the same files.
        os.environ.setdefault("SUMMARIZE_CT2_DIR", str(work / "ct2"))
        warm_up = work / "warm-up.jsonl"
        warm_up.write_text("\n".join(source.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
        timed_digest([str(warm_up), *common[1:]], work / "warm-up")
        results, reference = [], None
        for name, extra in CONFIGURATIONS:
            seconds, digest = timed_digest(common + extra, work / name.replace(" ", "").replace(",", "-"))
            made = {k: digest[k] for k in ("articles", "stories")}
            reference = reference or made
            count = len(digest["articles"])
            results.append({"configuration": name, "articles": count, "seconds": round(seconds, 1),
                            "articles_per_min": round(count / seconds * 60, 1), "same_digest": made == reference,
                            "executor": digest["run"]["executor"],
                            "stage_seconds": {k: digest["run"]["timings_s"][k] for k in ("translate", "summarise", "stories")}})
    rows = [("configuration", "articles", "wall s", "articles/min", "translate s", "summarise s", "stories s", "same digest")]
    rows += [(r["configuration"], r["articles"], r["seconds"], r["articles_per_min"], r["stage_seconds"]["translate"],
              r["stage_seconds"]["summarise"], r["stage_seconds"]["stories"], "yes" if r["same_digest"] else "NO")
             for r in results]
    print(f"{weights} models, beam {args.beams}, {os.cpu_count()} cores; whole processes, no cache")
    print(format_table(rows))
    if args.json:
        args.json.write_text(json.dumps({"weights": weights, "beams": args.beams, "cores": os.cpu_count(),
                                         "results": results}, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["same_digest"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
