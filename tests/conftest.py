import pytest


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """Tiny random-weight translator and summariser, built once per test session:
    {"translator": Path, "summarizer": Path}."""
    from summarize.tiny import build_tiny_models

    return build_tiny_models(tmp_path_factory.mktemp("tiny"))
