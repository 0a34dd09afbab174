import pytest

from summarize.settings import Settings, SettingsError


def test_environment_overrides_defaults_with_typed_values():
    settings = Settings.from_env({"SUMMARIZE_BEAMS": "2", "SUMMARIZE_QUIET": "yes",
                                  "SUMMARIZE_LENGTH_PENALTY": "1.5", "SUMMARIZE_TRANSLATOR": "/models/x"})
    assert (settings.beams, settings.quiet, settings.length_penalty, settings.translator) == (2, True, 1.5, "/models/x")
    assert settings.summarizer == Settings().summarizer


def test_bad_environment_value_names_the_variable():
    with pytest.raises(SettingsError, match="SUMMARIZE_BEAMS"):
        Settings.from_env({"SUMMARIZE_BEAMS": "many"})


def test_replace_ignores_unset_options_and_rejects_unknown_ones():
    base = Settings.from_env({"SUMMARIZE_BEAMS": "3"})
    assert base.replace(beams=None, device="cpu").beams == 3
    with pytest.raises(SettingsError, match="unknown setting"):
        base.replace(beam=2)


@pytest.mark.parametrize("field, value", [("device", "tpu"), ("beams", 0), ("token_budget", -1), ("max_length_factor", 0)])
def test_invalid_values_are_refused(field, value):
    with pytest.raises(SettingsError):
        Settings().replace(**{field: value})
