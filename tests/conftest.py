import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def private_conversions(tmp_path_factory):
    """CTranslate2 conversions made by tests (the default engine, auto, converts the tiny models on
    first use) go to a session folder, never into the checkout's models/local/. Set in the environment
    so the CLI's subprocesses inherit it."""
    previous = os.environ.get("SUMMARIZE_CT2_DIR")
    os.environ["SUMMARIZE_CT2_DIR"] = str(tmp_path_factory.mktemp("ct2-conversions"))
    yield
    if previous is None:
        os.environ.pop("SUMMARIZE_CT2_DIR", None)
    else:
        os.environ["SUMMARIZE_CT2_DIR"] = previous


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """Tiny random-weight translator and summariser, built once per test session:
    {"translator": Path, "summarizer": Path}."""
    from summarize.tiny import build_tiny_models

    return build_tiny_models(tmp_path_factory.mktemp("tiny"))
