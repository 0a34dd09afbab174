"""A screenshot of digest.html in headless Chromium (driven by Playwright), for the README and for
eyeballing the page.

    python -m tools.screenshot OUT.png                 # the README's tiny-model run on seeds/
    python -m tools.screenshot OUT.png --digest DIR    # an existing digest (DIR/digest.html)

Without ``--digest`` it runs the README's own commands in a scratch folder, as subprocesses:
``python -m summarize models tiny WORK/tiny`` and ``python -m summarize digest seeds/ --out
WORK/digest --translator WORK/tiny/translator --summarizer WORK/tiny/summarizer``, and photographs
the digest.html that command wrote, unchanged. The tiny models write gibberish English by design
(see ``summarize.tiny``); the layout, the Arabic and what the pages say about their outlets and
dates are what the picture is for. To show an opened article it clicks, as a reader would.
The browser loads the page and nothing else: every other request is refused.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from tools import REPO_ROOT as REPO

# Debian's Chromium: Playwright's own browser download is not used (nor reachable everywhere).
CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> str | None:
    """The Chromium binary Playwright is to drive, or None when there is none."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


def launch(playwright):
    """Headless Chromium, without the sandbox: CI and containers run as root, where it refuses to start."""
    path = chromium_path()
    if path is None:
        raise FileNotFoundError(f"no Chromium at {CHROMIUM} or on PATH: apt-get install chromium")
    return playwright.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])


def readme_digest(work: Path) -> Path:
    """Run the README's tiny-model commands on seeds/ under ``work``; the digest folder they wrote.

    Only where they keep things moves: ``--no-cache`` and a private ``SUMMARIZE_CT2_DIR`` keep the
    run out of the user's cache and the checkout's models/local/; neither changes what is written."""
    tiny, out = work / "tiny", work / "digest"
    env = {**os.environ, "SUMMARIZE_CT2_DIR": str(work / "ct2"), "HF_HUB_OFFLINE": "1"}
    commands = [
        [sys.executable, "-m", "summarize", "models", "tiny", str(tiny)],
        [sys.executable, "-m", "summarize", "digest", "seeds/", "--out", str(out),
         "--translator", str(tiny / "translator"), "--summarizer", str(tiny / "summarizer"), "--no-cache", "-q"],
    ]
    for command in commands:
        result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command[1:])} exited with status {result.returncode}:\n{result.stderr[-3000:]}")
    return out


def screenshot(page_path: Path, out: Path, *, width: int = 1200, height: int = 1600, open_first: bool = True,
               expand_all: bool = False) -> Path:
    """Photograph ``page_path`` at ``width`` × ``height``. ``open_first`` clicks the first article open
    (and its sentences to check, when it has some); ``expand_all`` clicks the page's "Expand all"."""
    from playwright.sync_api import sync_playwright

    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    url = Path(page_path).resolve().as_uri()
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
            page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
            page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            page.goto(url)
            if expand_all:
                page.get_by_role("button", name="Expand all").click()
            elif open_first:
                article = page.locator(".article > details").first
                if article.count():
                    article.locator("> summary").click()
                    checks = article.locator("details.checks > summary")
                    if checks.count():
                        checks.first.click()
            page.screenshot(path=str(out))
        finally:
            browser.close()
    for problem in problems:
        print(f"warning: the page reported: {problem}", file=sys.stderr)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshot", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="PNG file to write")
    parser.add_argument("--digest", type=Path, metavar="DIR",
                        help="folder holding digest.html (default: run the README's tiny-model command on seeds/)")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1600)
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--collapsed", action="store_true", help="click nothing: every article closed")
    shown.add_argument("--expand-all", action="store_true", help="click the page's Expand all")
    args = parser.parse_args(argv)
    # Only a given folder can lack the page: the README's run writes one, or readme_digest raises.
    if args.digest is not None and not (args.digest / "digest.html").is_file():
        parser.error(f"{args.digest / 'digest.html'} does not exist")

    with tempfile.TemporaryDirectory(prefix="summarize-screenshot-") as work:
        digest = args.digest if args.digest is not None else readme_digest(Path(work))
        out = screenshot(digest / "digest.html", args.out, width=args.width, height=args.height,
                         open_first=not args.collapsed, expand_all=args.expand_all)
    print(f"{out} ({out.stat().st_size // 1024} KB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
