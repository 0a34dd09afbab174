"""Developer tools, run from the checkout's root; not part of the installed package.

    python -m tools.bench          throughput and memory of the generation backends (README "Benchmark")
    python -m tools.bench_cache    a cold and a warm digest: what the cache saves on a rerun
    python -m tools.screenshot     digest.html photographed in headless Chromium (the README's picture)
"""
from __future__ import annotations

from pathlib import Path

# The checkout these tools belong to: they read its seeds/ and ../shared/data, and write under its
# models/local/, wherever the summarize package itself is installed.
REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
