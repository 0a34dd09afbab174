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


@pytest.fixture(scope="session", autouse=True)
def private_cache_home(tmp_path_factory):
    """What runs write under the user's cache folder by default (the cache, remembered model
    fingerprints) goes to a session folder; HF_HOME keeps the Hugging Face cache where it was."""
    saved = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "HF_HOME")}
    os.environ.setdefault("HF_HOME", os.path.join(saved["XDG_CACHE_HOME"] or os.path.expanduser("~/.cache"), "huggingface"))
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """Tiny random-weight translator and summariser, built once per test session:
    {"translator": Path, "summarizer": Path, "translator-ar": Path (a copy of "translator")}."""
    from summarize.tiny import build_tiny_models

    return build_tiny_models(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="session")
def tiny_multilingual(tmp_path_factory):
    """The tiny models with translators for Arabic, French, Persian and Turkish, built once per test
    session: {"translator", "summarizer", "translator-ar", "translator-fr", "translator-fa",
    "translator-tr": Path}."""
    from summarize.tiny import build_tiny_models

    return build_tiny_models(tmp_path_factory.mktemp("tiny-multilingual"), languages=("ar", "fr", "fa", "tr"))
