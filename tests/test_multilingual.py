"""Articles in several languages through the pipeline: each to its language's translator, English
passed through, a language without a translator reported, stories joined across languages on the
English. The translators are fakes that know a few sentences (no model)."""
from pathlib import Path

from summarize.models import ResolvedModel
from summarize.pipeline import Pipeline
from summarize.records import Article
from summarize.render import to_html, to_json, to_markdown
from summarize.settings import Settings
from summarize.translate import Translator
from tests.fakes import EchoEngine

# One event (the coalition's strikes near Deir ez-Zor) in Arabic and French, and unrelated news.
GLOSSARY = {
    "غارات التحالف قرب دير الزور": "Coalition strikes near Deir ez-Zor",
    "شن التحالف الدولي غارات جوية على مواقع تنظيم داعش قرب دير الزور شرق سوريا.":
        "The international coalition carried out air strikes on ISIS positions near Deir ez-Zor in eastern Syria.",
    "وقال المتحدث باسم التحالف إن الغارات دمرت مخازن أسلحة.":
        "The coalition spokesman said the strikes destroyed weapons depots.",
    "Frappes de la coalition près de Deir ez-Zor": "Coalition strikes near Deir ez-Zor",
    "La coalition internationale a mené des frappes aériennes contre des positions de l'EI près de Deir ez-Zor, dans l'est de la Syrie.":
        "The international coalition carried out air strikes on ISIS positions near Deir ez-Zor in eastern Syria.",
    "Le porte-parole de la coalition a déclaré que les frappes avaient détruit des dépôts d'armes.":
        "The coalition spokesman said the strikes destroyed weapons depots.",
    "نمایشگاه کتاب تهران گشایش یافت": "The Tehran book fair opened",
    "نمایشگاه بین‌المللی کتاب تهران با حضور ناشران داخلی و خارجی آغاز به کار کرد.":
        "The Tehran international book fair began with domestic and foreign publishers.",
    "İstanbul'da yoğun kar yağışı": "Heavy snowfall in Istanbul",
    "İstanbul'da yoğun kar yağışı nedeniyle okullar iki gün tatil edildi.":
        "Schools in Istanbul were closed for two days because of heavy snowfall.",
}


class GlossaryEngine(EchoEngine):
    """Translates the sentences it knows; any other it echoes in brackets, as EchoEngine does."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.model = ResolvedModel(spec=name, path=Path(f"/nonexistent/{name}"), commit=name)

    def generate(self, texts, settings):
        echoed = super().generate(texts, settings)
        return [GLOSSARY.get(text.strip(), echo) for text, echo in zip(texts, echoed)]


def articles():
    return [
        Article(id="ar-1", title="غارات التحالف قرب دير الزور", language="ar", source="عنب بلدي", date="2024-05-03",
                text="شن التحالف الدولي غارات جوية على مواقع تنظيم داعش قرب دير الزور شرق سوريا.\n"
                     "وقال المتحدث باسم التحالف إن الغارات دمرت مخازن أسلحة."),
        Article(id="fr-1", title="Frappes de la coalition près de Deir ez-Zor", language="fr", source="RFI",
                date="2024-05-03",
                text="La coalition internationale a mené des frappes aériennes contre des positions de l'EI près de "
                     "Deir ez-Zor, dans l'est de la Syrie.\nLe porte-parole de la coalition a déclaré que les frappes "
                     "avaient détruit des dépôts d'armes."),
        Article(id="fa-1", title="نمایشگاه کتاب تهران گشایش یافت", language="fa", source="ایسنا", date="2024-05-03",
                text="نمایشگاه بین‌المللی کتاب تهران با حضور ناشران داخلی و خارجی آغاز به کار کرد."),
        Article(id="tr-1", title="İstanbul'da yoğun kar yağışı", language="tr", source="Hürriyet", date="2024-05-03",
                text="İstanbul'da yoğun kar yağışı nedeniyle okullar iki gün tatil edildi."),
        Article(id="en-1", title="Oil prices rise", language="en", source="Reuters", date="2024-05-03",
                text="Oil prices rose on Friday after OPEC agreed to cut production. Brent crude gained two percent."),
        Article(id="ru-1", title="Новости", language="ru", source="ТАСС", date="2024-05-03",
                text="В Москве прошла встреча министров иностранных дел."),
    ]


def run(tmp_path, **settings):
    engines = {language: GlossaryEngine(f"glossary-{language}") for language in ("ar", "fr", "fa", "tr")}
    translators = {language: Translator(engine, beams=1) for language, engine in engines.items()}
    pipeline = Pipeline(Settings(summarizer="extractive", quiet=True, cache=str(tmp_path / "cache.sqlite3"), **settings),
                        translators=translators)
    return pipeline.run(articles()), engines


def test_each_article_goes_to_its_languages_translator_and_english_passes_through(tmp_path):
    digest, engines = run(tmp_path)
    by_id = {a.id: a for a in digest.articles}
    assert set(by_id) == {"ar-1", "fr-1", "fa-1", "tr-1", "en-1"}
    name = {language: engine.model.name for language, engine in engines.items()}  # run.translators' "model"
    assert len(set(name.values())) == 4
    assert {i: (a.language, a.translator) for i, a in by_id.items()} == {
        "ar-1": ("ar", name["ar"]), "fr-1": ("fr", name["fr"]), "fa-1": ("fa", name["fa"]),
        "tr-1": ("tr", name["tr"]), "en-1": ("en", None)}
    # Each engine was handed its own language's sentences and no other.
    asked = {language: {t.strip() for batch in engine.batches for t in batch} for language, engine in engines.items()}
    assert "Frappes de la coalition près de Deir ez-Zor" in asked["fr"] and not asked["fr"] & asked["ar"]
    assert all("Oil prices" not in text for texts in asked.values() for text in texts)
    assert by_id["fa-1"].title_en == "The Tehran book fair opened"
    assert by_id["en-1"].translation_en.startswith("Oil prices rose")
    assert digest.run["counts"]["languages"] == {"ar": 1, "en": 1, "fa": 1, "fr": 1, "tr": 1}
    assert set(digest.run["translators"]) == {"ar", "fa", "fr", "tr"}


def test_a_language_without_a_translator_is_reported_by_name_with_how_to_configure_one(tmp_path):
    digest, _ = run(tmp_path)
    [error] = [e for e in digest.errors if e["input"] == "ru-1"]
    assert error["reason"].startswith("Russian (ru): no translator configured for it: not translated")
    assert "--translator ru=MODEL" in error["reason"] and "'*=nllb-200-distilled-600M'" in error["reason"]
    assert error["skipped"] and digest.run["counts"]["skipped_language"] == 1


def test_a_french_and_an_arabic_article_on_one_event_are_one_story(tmp_path):
    digest, _ = run(tmp_path)
    stories = {tuple(s.article_ids) for s in digest.stories}
    assert ("ar-1", "fr-1") in stories
    assert {("fa-1",), ("tr-1",), ("en-1",)} <= stories  # unrelated news stays apart
    story = next(s for s in digest.stories if s.article_ids == ["ar-1", "fr-1"])
    assert story.sources == ["RFI", "عنب بلدي"]


def test_each_articles_language_and_translator_are_on_the_page_and_in_json_and_markdown(tmp_path):
    digest, engines = run(tmp_path)
    data = to_json(digest)
    french = next(a for a in data["articles"] if a["id"] == "fr-1")
    assert (french["language"], french["translator"]) == ("fr", engines["fr"].model.name)
    page = to_html(data)
    assert f'title="translated by {engines["fr"].model.name}">from French</span>' in page
    assert "from Persian" in page and "from Turkish" in page and "from Arabic" not in page
    assert "from French" in to_markdown(digest)


def test_the_rerun_comes_from_the_cache_per_language(tmp_path):
    run(tmp_path)
    digest, engines = run(tmp_path)
    assert digest.run["counts"]["cached_articles"] == 5
    assert all(engine.batches == [] for engine in engines.values())


def test_a_many_to_many_fallback_serves_every_language_without_its_own_with_one_engine(tmp_path, tiny_models):
    from tests.engines.test_many_to_many import build_m2m100

    m2m = build_m2m100(tmp_path / "m2m")
    settings = Settings(translator=str(tiny_models["translator"]), translators=f"*={m2m}", summarizer="extractive",
                        beams=1, quiet=True, no_cache=True, engine="torch")
    pipeline = Pipeline(settings)
    kurdish = Article(id="ku-1", title="هەواڵ", text="کۆبوونەوەی وەزیران لە هەولێر", language="ku")
    digest = pipeline.run([a for a in articles() if a.language in ("fr", "fa", "ar")] + [kurdish])
    routed = {a.id: a.translator for a in digest.articles}
    assert routed == {"ar-1": str(tiny_models["translator"]), "fr-1": str(m2m), "fa-1": str(m2m)}
    told = {language: t["generation"].get("source_language") for language, t in digest.run["translators"].items()}
    assert told == {"ar": None, "fr": "fr", "fa": "fa"}  # each told its own language, in M2M100's codes
    assert len({id(t.engine) for language, t in pipeline.translators.used().items() if language != "ar"}) == 1
    [error] = [e for e in digest.errors if e["input"] == "ku-1"]  # M2M100 has no Sorani
    assert error["reason"].startswith("Kurdish (Sorani) (ku): ") and "has no code for it" in error["reason"]
