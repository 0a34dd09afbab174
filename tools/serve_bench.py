"""Batching across requests, measured: ``python -m tools.serve_bench [--clients 24] [--json FILE]``.

Starts ``summarize serve`` (a subprocess on 127.0.0.1, a free port, no cache, so every request is
generated) with the opus-mt-ar-en-shaped translator of ``tools.bench`` (full size, random weights;
``--tiny`` for the tiny test models), and sends one-sentence /translate requests, each a different
sentence of the 2018-05-08 news day:

  serial       the requests one after another, each waiting for the last
  concurrent   the same requests sent at once by ``--clients`` clients (threads)
  huge+small   a request of ``--huge`` sentences, then, once it is under way, ``--clients`` small ones:
               how long the small ones wait beside it (the fair queue), and how long it takes

Beam 4 and the product's cap (1.5 × the sentence's length class + 10). Random weights never stop
early, so every request generates to its cap in every mode, and the modes generate the same tokens.
Every request goes to 127.0.0.1 only; each mode is run ``--repeats`` times, its median kept."""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from summarize.tables import format_table
from tools import REPO_ROOT
from tools.bench import BENCH_DIR, NEWS_FILE, machine, prepare

READY = re.compile(r"ready on (http://127\.0\.0\.1:\d+)")


def sentences(count: int) -> list[str]:
    """``count`` distinct Arabic sentences of the news day, cleaned as a digest cleans them."""
    from summarize.clean import clean_article
    from summarize.ingest import read_articles
    from summarize.segment import split_paragraphs, split_sentences

    found: list[str] = []
    for article in read_articles([NEWS_FILE]):
        for paragraph in split_paragraphs(clean_article(article).text):
            for sentence in split_sentences(paragraph):
                if 8 <= len(sentence.split()) <= 30 and sentence not in found:
                    found.append(sentence)
                    if len(found) == count:
                        return found
    raise SystemExit(f"the news day has fewer than {count} sentences of 8–30 words")


def start_server(translator: Path, summarizer: str, threads: int) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", "summarize", "serve", "--port", "0", "--no-cache", "--translator", str(translator),
               "--summarizer", summarizer, "--engine", "ctranslate2", "-q"]
    if threads:
        command += ["--threads", str(threads)]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 600
    for line in process.stderr:
        match = READY.search(line)
        if match:
            threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()  # keep it drained
            return process, match[1]
        if time.monotonic() > deadline:
            break
    process.kill()
    raise SystemExit("summarize serve did not start")


def translate(client, url: str, texts: list[str] | str) -> float:
    clock = time.perf_counter()
    response = client.post(url + "/translate", json={"q": texts, "source": "ar", "target": "en"}, timeout=600)
    response.raise_for_status()
    return time.perf_counter() - clock


def serial(url: str, texts: list[str]) -> dict[str, Any]:
    import httpx

    clock = time.perf_counter()
    with httpx.Client() as client:
        latencies = [translate(client, url, text) for text in texts]
    return {"wall_s": time.perf_counter() - clock, "latencies": latencies}


def concurrent(url: str, texts: list[str], *, huge: list[str] | None = None) -> dict[str, Any]:
    """Every text its own request, all sent at once (each client its own connection); with ``huge``,
    that request first and the small ones once it is under way."""
    import httpx

    latencies: list[float | None] = [None] * len(texts)
    huge_latency: list[float] = []
    clients = [httpx.Client() for _ in texts]
    barrier = threading.Barrier(len(texts))

    def send(i: int) -> None:
        barrier.wait()
        latencies[i] = translate(clients[i], url, texts[i])

    big = None
    if huge:
        big = threading.Thread(target=lambda: huge_latency.append(translate(httpx.Client(), url, huge)))
        big.start()
        time.sleep(1.0)  # it has been cut into segments and its first round is generating
    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(texts))]
    clock = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - clock
    if big is not None:
        big.join()
    for client in clients:
        client.close()
    return {"wall_s": wall, "latencies": latencies, "huge_s": huge_latency[0] if huge_latency else None}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def summarised(mode: str, runs: list[dict[str, Any]], requests: int) -> dict[str, Any]:
    middle = sorted(runs, key=lambda run: run["wall_s"])[len(runs) // 2]
    latencies = middle["latencies"]
    row = {"mode": mode, "requests": requests, "wall_s": round(middle["wall_s"], 2),
           "requests_per_s": round(requests / middle["wall_s"], 2),
           "p50_ms": round(1000 * percentile(latencies, 0.5)), "p90_ms": round(1000 * percentile(latencies, 0.9)),
           "p99_ms": round(1000 * percentile(latencies, 0.99)), "max_ms": round(1000 * max(latencies)),
           "runs_wall_s": [round(run["wall_s"], 2) for run in runs]}
    if middle.get("huge_s") is not None:
        row["huge_s"] = round(middle["huge_s"], 2)
    return row


def table(rows: list[dict[str, Any]]) -> str:
    lines = [["mode", "requests", "wall s", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "note"]]
    for row in rows:
        note = f"the huge request: {row['huge_s']} s" if "huge_s" in row else ""
        lines.append([row["mode"], row["requests"], f"{row['wall_s']:.2f}", f"{row['requests_per_s']:.2f}",
                      row["p50_ms"], row["p90_ms"], row["p99_ms"], row["max_ms"], note])
    return format_table(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.serve_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=24, help="concurrent clients, one sentence each (default: 24)")
    parser.add_argument("--huge", type=int, default=200, help="sentences of the huge request (default: 200; 0: skip)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each mode; the median is kept (default: 3)")
    parser.add_argument("--threads", type=int, default=0, help="--threads for the server (default: its own)")
    parser.add_argument("--tiny", type=Path, metavar="DIR",
                        help="use the tiny models in DIR (summarize models tiny DIR) instead of the full-size ones")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if args.tiny:
        translator, model = args.tiny / "translator", "tiny"
    else:
        os.environ.setdefault("SUMMARIZE_CT2_DIR", str(BENCH_DIR / "ct2"))
        translator, model = prepare(lambda message: print(message, file=sys.stderr))["translator"], "opus-mt-ar-en-shaped"
    texts = sentences(args.clients * (args.repeats + 1) + args.huge)
    warm, pool, huge = texts[:args.clients], texts[args.clients:-args.huge or None], texts[len(texts) - args.huge:]
    process, url = start_server(translator, "extractive", args.threads)
    try:
        serial(url, warm[:2])  # the first requests pay for lazy set-up: not timed
        concurrent(url, warm)
        runs: dict[str, list[dict[str, Any]]] = {"serial": [], "concurrent": [], "huge+small": []}
        for repeat in range(args.repeats):
            # Each repeat its own sentences, the same for both modes: the same work, generated either way.
            batch = pool[repeat * args.clients:(repeat + 1) * args.clients]
            print(f"repeat {repeat + 1}/{args.repeats} …", file=sys.stderr, flush=True)
            runs["serial"].append(serial(url, batch))
            runs["concurrent"].append(concurrent(url, batch))
            if args.huge:
                runs["huge+small"].append(concurrent(url, batch, huge=huge))
    finally:
        process.terminate()
        process.wait(30)
    rows = [summarised(mode, found, args.clients) for mode, found in runs.items() if found]
    ratio = rows[0]["wall_s"] / rows[1]["wall_s"]
    report = {"machine": machine(), "model": model, "clients": args.clients, "huge": args.huge, "beams": 4,
              "rows": rows, "concurrent_vs_serial": round(ratio, 2)}
    described = report["machine"]
    print(f"{described['cpu']}, {described['cores']} cores; ctranslate2 {described.get('ctranslate2')}; "
          f"{model} translator, beam 4, {args.clients} one-sentence requests, median of {args.repeats}")
    print(table(rows))
    print(f"concurrent vs serial: {ratio:.2f}× faster")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
