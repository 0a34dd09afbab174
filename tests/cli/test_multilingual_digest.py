"""A mixed folder — Arabic, French, Persian, Turkish, English and Russian — through ``digest`` with a
tiny translator per language, run as users run it."""
import json
import shutil

from tests.cli.test_commands import SEEDS, run_cli

FRENCH = ("Les ministres des Affaires étrangères de la région se sont retrouvés jeudi à Bagdad pour parler de la "
          "sécurité des frontières.\nIls ont promis de renforcer la coopération contre les groupes armés et de "
          "soutenir le retour des déplacés dans leurs villes.\n")
PERSIAN = ("وزیران خارجه کشورهای منطقه روز پنجشنبه در بغداد درباره امنیت مرزها گفتگو کردند.\n"
           "آنها قول دادند همکاری در برابر گروه‌های مسلح را گسترش دهند و از بازگشت آوارگان به شهرهایشان حمایت کنند.\n")
TURKISH = ("Bölge ülkelerinin dışişleri bakanları perşembe günü Bağdat'ta sınır güvenliğini görüştü.\n"
           "Bakanlar silahlı gruplara karşı işbirliğini güçlendirme ve yerinden edilenlerin şehirlerine dönüşünü "
           "destekleme sözü verdi.\n")
ENGLISH = ("Oil prices rose on Thursday after producers agreed to extend their output cuts.\n"
           "Analysts said the decision would keep the market tight until the end of the year.\n")
RUSSIAN = ("Министры иностранных дел стран региона встретились в четверг в Багдаде и обсудили безопасность границ.\n"
           "Они пообещали укрепить сотрудничество против вооружённых группировок.\n")


def test_each_article_goes_to_its_languages_model_and_an_unconfigured_language_is_named(tmp_path, tiny_multilingual):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "004_159b84fecf733829.txt", folder / "ar.txt")
    for name, text in (("fr", FRENCH), ("fa", PERSIAN), ("tr", TURKISH), ("en", ENGLISH), ("ru", RUSSIAN)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    models = {language: str(tiny_multilingual[f"translator-{language}"]) for language in ("fr", "fa", "tr")}
    out = tmp_path / "out"
    result = run_cli("digest", str(folder), "--out", str(out), "--translator", str(tiny_multilingual["translator"]),
                     *[f"--translator={language}={path}" for language, path in models.items()],
                     "--summarizer", "extractive", "--beams", "1", "--no-cache",
                     env={"SUMMARIZE_CT2_DIR": str(tmp_path / "ct2")})
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    routed = {a["id"]: (a["language"], a["translator"]) for a in data["articles"]}
    assert routed == {"ar": ("ar", str(tiny_multilingual["translator"])), "fr": ("fr", models["fr"]),
                      "fa": ("fa", models["fa"]), "tr": ("tr", models["tr"]), "en": ("en", None)}
    assert set(data["run"]["translators"]) == {"ar", "fr", "fa", "tr"}
    assert data["run"]["counts"]["languages"] == {"ar": 1, "en": 1, "fa": 1, "fr": 1, "tr": 1}
    english = next(a for a in data["articles"] if a["id"] == "en")
    assert english["title_en"].startswith("Oil prices rose on Thursday")  # the first line is the title
    assert english["translation_en"].startswith("Analysts said")  # passed through as written
    [russian] = [e for e in data["errors"] if e["input"].endswith("ru.txt")]
    assert russian["reason"].startswith("Russian (ru): no translator configured for it")
    assert "--translator ru=MODEL" in russian["reason"]


def test_a_bad_translator_list_is_one_line(tmp_path):
    result = run_cli("digest", str(SEEDS), "--out", str(tmp_path / "out"), "--translator", "French=opus-mt-fr-en")
    assert result.returncode == 2 and result.stderr.startswith("error: translators: 'French=opus-mt-fr-en' is not LANG=MODEL")
    assert len(result.stderr.strip().splitlines()) == 1
