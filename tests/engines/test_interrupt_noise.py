"""Ctrl-C prints "interrupted" and nothing from the libraries (issue 14, item 16): no "FakeTensor cache
stats" lines from torch's exit hooks, whether the interrupt comes while torch is being imported (where
those lines came from) or while the models generate."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


def _digest_arguments(tiny_models, tmp_path: Path) -> list[str]:
    # Not -q: at the CLI's default level (INFO) the root logger prints whatever reaches it.
    return ["digest", str(SEEDS), "--out", str(tmp_path / "out"), "--engine", "torch", "--beams", "1",
            "--summary-beams", "1", "--token-budget", "100", "--translator", str(tiny_models["translator"]),
            "--summarizer", str(tiny_models["summarizer"]), "--cache", str(tmp_path / "cache.sqlite3")]


def _environment() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}


def test_ctrl_c_while_torch_is_imported_prints_no_library_noise(tiny_models, tmp_path):
    """A KeyboardInterrupt raised at the moment a real Ctrl-C hit: torch's import half done, its
    fake-tensor module (and its exit hook) loaded, its logging not yet set up."""
    script = textwrap.dedent(f"""
        import sys

        class CtrlC:
            def find_spec(self, name, path=None, target=None):
                fake_tensor = sys.modules.get("torch._subclasses.fake_tensor")
                # Once that module has run to its end, exit hook included.
                if name.startswith("torch.") and hasattr(fake_tensor, "dump_cache_stats"):
                    sys.meta_path.remove(self)
                    print("ctrl-c now", file=sys.stderr, flush=True)
                    raise KeyboardInterrupt
                return None

        sys.meta_path.insert(0, CtrlC())
        from summarize.cli import main
        sys.exit(main({_digest_arguments(tiny_models, tmp_path)!r}))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=_environment(), capture_output=True,
                          text=True, timeout=120)
    assert "ctrl-c now" in done.stderr, done.stderr  # the interrupt came where it should
    assert done.returncode == 130, done.stderr
    assert done.stderr.rstrip().endswith("interrupted")
    assert "FakeTensor" not in done.stderr and "cache_hits" not in done.stderr


def _cached_translations(cache_file: Path) -> int:
    try:
        with sqlite3.connect(cache_file, timeout=5) as connection:
            return connection.execute("SELECT COUNT(*) FROM entries WHERE kind='translation'").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_ctrl_c_while_generating_prints_no_library_noise(tiny_models, tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "summarize", *_digest_arguments(tiny_models, tmp_path)],
                               cwd=ROOT, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while _cached_translations(tmp_path / "cache.sqlite3") < 1 and process.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    if process.poll() is not None:
        process.communicate()
        pytest.skip("the digest finished before it could be interrupted")
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    assert "FakeTensor" not in stderr and "Traceback" not in stderr
