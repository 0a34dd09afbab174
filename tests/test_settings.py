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


@pytest.mark.parametrize("field, value", [("device", "tpu"), ("beams", 0), ("token_budget", -1), ("max_length_factor", 0),
                                          ("engine", "onnx"), ("compute_type", "int4"), ("threads", -1)])
def test_invalid_values_are_refused(field, value):
    with pytest.raises(SettingsError):
        Settings().replace(**{field: value})


def test_engine_settings_default_to_auto_and_read_the_environment():
    assert (Settings().engine, Settings().compute_type, Settings().threads) == ("auto", "auto", 0)
    settings = Settings.from_env({"SUMMARIZE_ENGINE": "ctranslate2", "SUMMARIZE_COMPUTE_TYPE": "float32",
                                  "SUMMARIZE_THREADS": "2", "SUMMARIZE_CT2_DIR": "/tmp/conversions"})
    assert (settings.engine, settings.compute_type, settings.threads, settings.ct2_dir) == \
        ("ctranslate2", "float32", 2, None)
    from summarize.engines.ct2_conversion import conversions_dir  # the one reader of SUMMARIZE_CT2_DIR

    assert str(conversions_dir(settings.ct2_dir, environ={"SUMMARIZE_CT2_DIR": "/tmp/conversions"})) == "/tmp/conversions"


def test_a_quantised_compute_type_on_the_torch_engine_is_refused():
    with pytest.raises(SettingsError, match="applies to the ctranslate2 engine"):
        Settings().replace(engine="torch", compute_type="int8")
    assert Settings().replace(engine="torch", compute_type="float32").compute_type == "float32"
