"""A screenshot of digest.html in headless Chromium, for the README and for eyeballing the page.

    python -m summarize.screenshot OUT.png                 # the seeds' digest, built with tiny models
    python -m summarize.screenshot OUT.png --digest DIR    # an existing digest (DIR/digest.json)

The tiny models write gibberish English by design (see ``summarize.tiny``); the page's layout, the
Arabic titles, the stories and the flags are what the picture is for. The browser runs with a fresh
profile and every background network feature off; the page itself loads nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# No sandbox: CI and containers run as root, where Chromium's sandbox refuses to start.
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--disable-quic", "--hide-scrollbars",
          "--disable-dev-shm-usage", "--mute-audio")


def find_chromium() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def run_chromium(page: Path, *arguments: str, timeout: float = 90) -> subprocess.CompletedProcess:
    """Run headless Chromium on a local page with a throw-away profile; raises when it is missing
    or fails."""
    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError(f"no Chromium found (looked for {', '.join(BROWSERS)}): apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="summarize-chromium-") as profile:
        command = [browser, *_FLAGS, f"--user-data-dir={profile}", *arguments, page.resolve().as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                env={**os.environ, "HOME": profile})
    if result.returncode != 0:
        raise RuntimeError(f"chromium exited with status {result.returncode}: {result.stderr[-2000:]}")
    return result


def dump_dom(page: Path, timeout: float = 90) -> str:
    """The page's DOM after loading (``--dump-dom``), serialised as HTML."""
    return run_chromium(page, "--dump-dom", timeout=timeout).stdout


def screenshot(page: Path, out: Path, *, width: int = 1200, height: int = 1600, timeout: float = 90) -> Path:
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    run_chromium(page, f"--screenshot={out}", f"--window-size={width},{height}", timeout=timeout)
    if not out.exists():
        raise RuntimeError(f"chromium wrote no screenshot to {out}")
    return out


# The seeds' .txt files carry no outlet or date; their antcorpus ids say both (README, "The seeds").
SEED_OUTLETS = {"AL": "Al Arabiya", "BB": "BBC Arabic", "CN": "CNN Arabic", "FR": "France 24", "SK": "Sky News Arabia"}
SEEDS_DATE = "2018-05-08"


def seeds_digest(work: Path) -> dict[str, Any]:
    """The seeds' digest.json dict, built with tiny models under ``work``, each seed given its outlet
    and date as a feed would; stories included (added here when the pipeline does not make them)."""
    from dataclasses import replace

    from summarize.clean import clean_article
    from summarize.extractive import ExtractiveSummarizer
    from summarize.ingest import read_articles
    from summarize.pipeline import Pipeline
    from summarize.render import to_json
    from summarize.settings import Settings
    from summarize.stories import build_stories, group_articles
    from summarize.tiny import SEEDS_DIR, build_tiny_models

    models = build_tiny_models(work / "models")
    settings = Settings.from_env().replace(translator=str(models["translator"]), summarizer=str(models["summarizer"]),
                                           beams=1, summary_beams=1, device="cpu", quiet=True, no_cache=True)
    articles = [replace(a, source=SEED_OUTLETS.get(a.id[:2]), date=SEEDS_DATE) for a in read_articles([SEEDS_DIR])]
    pipeline = Pipeline(settings)
    digest = pipeline.run(articles)
    data = to_json(digest)
    if "stories" not in data:
        groups = group_articles([clean_article(a) for a in articles])
        extractive = ExtractiveSummarizer()
        data["stories"] = [s.as_dict() for s in build_stories(groups, digest.articles, pipeline.summarizer, extractive)]
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m summarize.screenshot", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="PNG file to write")
    parser.add_argument("--digest", type=Path, metavar="DIR", help="folder holding digest.json (default: build the seeds' digest)")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1600)
    parser.add_argument("--collapsed", action="store_true", help="do not open the first article and its sentences to check")
    args = parser.parse_args(argv)
    from summarize.render_html import to_html

    with tempfile.TemporaryDirectory(prefix="summarize-screenshot-") as work:
        work_dir = Path(work)
        if args.digest is not None:
            data = json.loads((args.digest / "digest.json").read_text(encoding="utf-8"))
        else:
            data = seeds_digest(work_dir)
        page = to_html(data)
        if not args.collapsed:
            # Show what an analyst sees after two clicks: the first article and its sentences to check.
            page = page.replace("<details>", "<details open>", 1).replace('<details class="checks">',
                                                                        '<details class="checks" open>', 1)
        html_path = work_dir / "digest.html"
        html_path.write_text(page, encoding="utf-8")
        out = screenshot(html_path, args.out, width=args.width, height=args.height)
    print(f"{out} ({out.stat().st_size // 1024} KB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
