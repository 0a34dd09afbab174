"""The Hugging Face switches flipped for a moment are put back as they were."""
from __future__ import annotations

import pytest

from summarize.hf import progress_bars_off


@pytest.mark.parametrize("transformers_on, hub_on", [(True, True), (False, False), (True, False), (False, True)])
def test_progress_bars_are_off_inside_and_restored_after(transformers_on, hub_on):
    from huggingface_hub import utils as hub_utils
    from transformers.utils import logging as hf_logging

    was = hf_logging.is_progress_bar_enabled(), hub_utils.are_progress_bars_disabled()
    try:
        hf_logging.enable_progress_bar() if transformers_on else hf_logging.disable_progress_bar()
        hub_utils.enable_progress_bars() if hub_on else hub_utils.disable_progress_bars()
        with pytest.raises(RuntimeError):
            with progress_bars_off():
                assert not hf_logging.is_progress_bar_enabled() and hub_utils.are_progress_bars_disabled()
                raise RuntimeError("a failed load")
        assert hf_logging.is_progress_bar_enabled() == transformers_on
        assert hub_utils.are_progress_bars_disabled() == (not hub_on)
    finally:
        hf_logging.enable_progress_bar() if was[0] else hf_logging.disable_progress_bar()
        hub_utils.disable_progress_bars() if was[1] else hub_utils.enable_progress_bars()
