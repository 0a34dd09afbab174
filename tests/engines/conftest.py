"""Fixtures of the engine tests."""
from __future__ import annotations

import pytest

from summarize.engines import ct2_conversion as conversion
from summarize.engines import ctranslate2_engine as ct2


@pytest.fixture(scope="module")
def conversions(tmp_path_factory):
    """Conversions of a test module go to a temporary folder, never into models/local/."""
    root = tmp_path_factory.mktemp("ct2")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(conversion.CT2_DIR_ENV, str(root))
        yield root


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """One thread per engine in these tests. The tiny models run thousands of tiny operations, each
    ending at a barrier of an OpenMP thread team whose threads spin while they wait; on a busy machine
    (tests run side by side, and torch's and CTranslate2's teams share this process) every barrier
    waits for a descheduled thread, and a 2-thread run is up to 20 times slower than a 1-thread one."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ct2, "usable_cores", lambda: 1)
        yield
    torch.set_num_threads(threads)
