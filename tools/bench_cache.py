"""Cold versus warm digest: what the cache saves on a rerun.

    python -m tools.bench_cache [--input FILE] [--json FILE]

Runs ``python -m summarize digest`` twice on the same input with a fresh cache (tiny models unless
--translator/--summarizer are given): the first run generates everything, the second should only
read the input, look up the cache and write the output. Prints a table and writes JSON."""
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


def timed_digest(arguments: list[str], out: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "summarize", "digest", *arguments, "--out", str(out), "-q"],
                   check=True, cwd=REPO_ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    elapsed = time.perf_counter() - started
    return elapsed, json.loads((out / "digest.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_cache", description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT, help="articles to digest (default: the 131-article day)")
    parser.add_argument("--translator", help="default: tiny models built for the run")
    parser.add_argument("--summarizer")
    parser.add_argument("--beams", default="4")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-cache-") as scratch:
        scratch = Path(scratch)
        translator, summarizer = args.translator, args.summarizer
        if not (translator and summarizer):
            from summarize.tiny import build_tiny_models

            tiny = build_tiny_models(scratch / "tiny")
            translator, summarizer = translator or str(tiny["translator"]), summarizer or str(tiny["summarizer"])
        common = [str(args.input), "--translator", translator, "--summarizer", summarizer,
                  "--beams", args.beams, "--cache", str(scratch / "cache.sqlite3")]
        cold_s, cold = timed_digest(common, scratch / "cold")
        warm_s, warm = timed_digest(common, scratch / "warm")
        identical = cold["articles"] == warm["articles"]

    rows = []
    for name, seconds, digest in (("cold", cold_s, cold), ("warm", warm_s, warm)):
        stats = digest["run"]["stats"]
        timings = digest["run"]["timings_s"]
        rows.append({"run": name, "wall_s": round(seconds, 2), "pipeline_s": timings["total"],
                     "translate_s": timings["translate"], "summarise_s": timings["summarise"],
                     "generated_translations": stats["translation"]["generated"],
                     "generated_summaries": stats["summary"]["generated"],
                     "cache_hits": stats["translation"]["cache_hits"] + stats["summary"]["cache_hits"]})
    result = {"input": str(args.input), "articles": len(cold["articles"]), "beams": int(args.beams),
              "rows": rows, "wall_ratio_cold_over_warm": round(cold_s / warm_s, 2), "identical_output": identical}

    header = ("run", "wall_s", "pipeline_s", "translate_s", "summarise_s", "generated_translations",
              "generated_summaries", "cache_hits")
    print(format_table([header, *([row[h] for h in header] for row in rows)]))
    print(f"\n{result['articles']} articles; cold/warm wall time: {result['wall_ratio_cold_over_warm']}x; "
          f"identical output: {identical}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
