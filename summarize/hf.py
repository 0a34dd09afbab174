"""Hugging Face library switches the package flips for a moment, put back as they were."""
from __future__ import annotations

import contextlib
from typing import Iterator


@contextlib.contextmanager
def progress_bars_off() -> Iterator[None]:
    """transformers' and huggingface_hub's progress bars off inside the block, and afterwards back to
    what they were (each library's own switch), whatever the block raised.

    Loading or saving weights draws a "Loading weights" / "Writing model shards" bar each time: noise
    under the run's own progress bars, in builds and in tests. Turning them off for good would also
    silence the caller's own downloads afterwards."""
    from huggingface_hub import utils as hub_utils
    from transformers.utils import logging as hf_logging

    transformers_on = hf_logging.is_progress_bar_enabled()
    hub_off = hub_utils.are_progress_bars_disabled()
    hf_logging.disable_progress_bar()  # turns huggingface_hub's off too
    try:
        yield
    finally:
        if transformers_on:
            hf_logging.enable_progress_bar()  # turns huggingface_hub's on too: set it right below
        if hub_off:
            hub_utils.disable_progress_bars()
        else:
            hub_utils.enable_progress_bars()
