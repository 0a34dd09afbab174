"""The watchlist (``summarize.watchlist``): its file, its matching in English and in Arabic, and what
it feeds: the pipeline (on articles made and on articles from the cache), digest.json, digest.md and
digest.html, and ``digest --watchlist`` on the command line."""
import json
import re
import shutil

import pytest

from summarize.errors import UserError
from summarize.pipeline import Pipeline
from summarize.records import Article
from summarize.render import to_html, to_json, to_markdown
from summarize.render.html import WATCH_SHOWN
from summarize.settings import Settings
from summarize.translate import Translator
from summarize.watchlist import load_watchlist
from tests.cli.test_commands import SEEDS, run_cli
from tests.fakes import EchoEngine


def watchlist_file(tmp_path, text, name="watchlist.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path, text):
    return load_watchlist(watchlist_file(tmp_path, text))


def found(tmp_path, line, arabic=None, english=""):
    """The terms of a one-entry watchlist that one sentence pair hits."""
    hits = load(tmp_path, line + "\n").hits([(arabic, english)], article_id="a", article_number=1)
    return [hit.term for hit in hits]


# --- the file ---------------------------------------------------------------------------------

def test_labels_terms_comments_and_blank_lines(tmp_path):
    path = tmp_path / "w.txt"
    # A BOM, as Windows editors write one: it is no part of the first label.
    path.write_bytes("\ufeffISIS: داعش | Islamic State |  ISIL  \n# who we follow\n\n   \n  # indented comment\n"
                     "coalition\n  Prime   minister :  رئيس   الوزراء\n10:30\n".encode("utf-8"))
    watch = load_watchlist(path)
    assert [(e.label, e.terms, e.line) for e in watch.entries] == [
        ("ISIS", ("داعش", "Islamic State", "ISIL"), 1),
        ("coalition", ("coalition",), 6),
        ("Prime minister", ("رئيس الوزراء",), 7),
        ("10:30", ("10:30",), 8),  # no space after the colon: a term, not a label
    ]
    assert watch.path == str(path)


@pytest.mark.parametrize("english, hit", [
    ("IS claimed the attack.", True),
    ("is it over?", True),  # case-folded both ways
    ("This island, Isis and thisIS", False),  # "is" only inside other words
    ("the ISIS statement", False),
    ("IS-affiliated groups", True),  # a hyphen ends a word
])
def test_english_terms_are_whole_words_case_folded(tmp_path, english, hit):
    assert found(tmp_path, "IS", english=english) == (["IS"] if hit else [])


@pytest.mark.parametrize("english, hit", [
    ("the islamic STATE said", True),
    ("the Islamic\n   State said", True),  # the words of a term match across any whitespace
    ("Islamic States", False),
    ("Islamic-State", False),
])
def test_an_english_term_of_several_words(tmp_path, english, hit):
    assert found(tmp_path, "Islamic State", english=english) == (["Islamic State"] if hit else [])


@pytest.mark.parametrize("term, text", [
    # Proclitics: و/ف, then ب/ك/ل, then the article, each optional; ل + ال written لل.
    ("التحالف", "والتحالف"), ("التحالف", "بالتحالف"), ("التحالف", "للتحالف"), ("التحالف", "فالتحالف"),
    ("التحالف", "وللتحالف"), ("التحالف", "وكالتحالف"),
    ("داعش", "وداعش"), ("داعش", "فداعش"), ("داعش", "لداعش"), ("داعش", "بداعش"), ("داعش", "وبداعش"),
    ("داعش", "والداعش"),
    ("بغداد", "ببغداد"),  # a term that starts with a proclitic's letter still takes one
    # Enclitics: a pronoun, or a plural or dual ending.
    ("رئيس", "رئيسها"), ("رئيس", "رئيسهم"), ("رئيس", "رئيسنا"), ("رئيس", "رئيسه"), ("رئيس", "رئيسهما"),
    ("مقاتل", "مقاتلين"), ("مقاتل", "مقاتلون"), ("مقاتل", "مقاتلان"), ("مقاتل", "والمقاتلات"),
    # ة and its ت forms.
    ("حكومة", "حكومتها"), ("حكومة", "حكومتين"), ("حكومة", "حكومتان"), ("حكومة", "حكومات"), ("حكومة", "حكوماتهم"),
    ("حكومة", "والحكومة"), ("حكومة", "حكومه"),
    # Spelling folded on both sides: hamza on alef, ta marbuta, alef maqsura, hamza carriers, diacritics.
    ("الدولة الإسلامية", "والدولة الاسلامية"), ("الدولة الاسلامية", "للدولةِ الإسلاميّة"),
    ("أمريكا", "امريكا"), ("امريكا", "وآمريكا"), ("إيران", "وإيرانُ"), ("مستشفى", "مستشفي"), ("مؤتمر", "موتمر"),
    ("رئيس", "رَئِيسُهم"), ("الأمم المتحدة", "للأمم  المتحدة"),
])
def test_arabic_terms_match_across_clitics_and_spelling(tmp_path, term, text):
    assert found(tmp_path, term, arabic=f"قال {text} أمس.") == [term]


@pytest.mark.parametrize("term, text", [
    ("نار", "منارة"),  # nothing else may touch the word
    ("مصر", "مصرف"),
    ("التحالف", "تحالف"),  # written with the article, the term needs it
    ("التحالف", "وتحالف"),
    ("حكومة", "حكومي"),  # an adjective, not a ت form
    ("الدولة الإسلامية", "الدولة العربية الإسلامية"),  # words of a term are next to each other
    ("داعش", "داعشيين"),
])
def test_arabic_terms_do_not_match_inside_other_words(tmp_path, term, text):
    assert found(tmp_path, term, arabic=f"قال {text} أمس.") == []


def test_each_term_is_looked_for_in_its_own_language(tmp_path):
    # An Arabic term is not looked for in English (even one that holds Arabic, as an echoed name
    # does), an English one not in the Arabic.
    assert found(tmp_path, "داعش", arabic=None, english="He said داعش.") == []
    assert found(tmp_path, "ISIS", arabic="قال تنظيم ISIS أمس.", english="") == []
    # An Arabic article's English is searched for the English terms.
    assert found(tmp_path, "ISIS", arabic="قال التنظيم أمس.", english="ISIS said") == ["ISIS"]


def test_one_hit_per_entry_and_sentence_the_arabic_terms_first(tmp_path):
    watch = load(tmp_path, "ISIS: ISIS | داعش | الدولة الإسلامية\ncoalition\n")
    pairs = [("قال داعش والدولة الإسلامية إن داعش باق.", "ISIS and the coalition: ISIS said"),
             ("جملة أخرى.", "ISIS, ISIS and again ISIS."),
             ("لا شيء هنا.", "Nothing here.")]
    hits = watch.hits(pairs, article_id="ar-7", article_number=7)
    assert [(h.label, h.term, h.language, h.sentence_ar, h.sentence_en) for h in hits] == [
        # The Arabic is the source: its first term in the file's order wins over the English "ISIS".
        ("ISIS", "داعش", "ar", pairs[0][0], pairs[0][1]),
        ("coalition", "coalition", "en", pairs[0][0], pairs[0][1]),
        ("ISIS", "ISIS", "en", pairs[1][0], pairs[1][1]),
    ]
    assert {(h.article_id, h.article_number) for h in hits} == {("ar-7", 7)}


def test_summary_counts_sentences_and_distinct_articles_per_entry(tmp_path):
    watch = load(tmp_path, "ISIS: داعش | ISIS\ncoalition\nnobody: Zelensky\n")
    hits = (watch.hits([("هجوم داعش.", "<>"), ("داعش مجددا.", "The coalition")], article_id="a", article_number=1)
            + watch.hits([(None, "ISIS struck."), (None, "No one.")], article_id="b", article_number=2))
    summary = watch.summary(hits)
    assert summary["file"] == watch.path
    assert summary["entries"] == [
        {"label": "ISIS", "terms": ["داعش", "ISIS"], "hits": 3, "articles": 2},
        {"label": "coalition", "terms": ["coalition"], "hits": 1, "articles": 1},
        {"label": "nobody", "terms": ["Zelensky"], "hits": 0, "articles": 0},
    ]
    assert [(h["label"], h["article_number"], h["sentence_ar"]) for h in summary["hits"]] == [
        ("ISIS", 1, "هجوم داعش."), ("ISIS", 1, "داعش مجددا."), ("coalition", 1, "داعش مجددا."), ("ISIS", 2, None)]
    json.dumps(summary)  # it goes into digest.json as it is


@pytest.mark.parametrize("text, problem", [
    ("", "no terms in it"),
    ("# only comments\n\n   \n", "no terms in it"),
    ("ok\na | \n", "line 2: empty term"),
    ("ok\n| a\n", "line 2: empty term"),
    ("ISIS: داعش\nISIS: Daesh\n", "line 2: label 'ISIS' already on line 1"),
    ("ISIS\n\nISIS: داعش\n", "line 3: label 'ISIS' already on line 1"),  # unlabelled: named by its first term
    (": داعش\n", "line 1: empty label"),
    ("ok\nISIS:\n", "line 2: label 'ISIS' without terms"),
    ("ISIS: --\n", "line 1: a term without letters or digits"),
    ("a |\nok\nb | | c\n", "line 1: empty term; line 3: empty term"),  # every bad line at once
])
def test_a_bad_file_is_one_line_naming_the_line(tmp_path, text, problem):
    path = watchlist_file(tmp_path, text)
    with pytest.raises(UserError) as caught:
        load_watchlist(path)
    message = str(caught.value)
    assert message.startswith(f"watchlist {path}: {problem}")
    assert "\n" not in message


@pytest.mark.parametrize("make, problem", [
    (lambda p: None, "no such file"),
    (lambda p: p.mkdir(), "is a directory, not a file"),
    (lambda p: p.write_bytes(b"ISIS: \xff\xfe\n"), "cannot read as UTF-8 text"),
])
def test_an_unreadable_file_is_one_line(tmp_path, make, problem):
    path = tmp_path / "watch"
    make(path)
    with pytest.raises(UserError) as caught:
        load_watchlist(path)
    assert str(caught.value).startswith(f"watchlist {path}: {problem}") and "\n" not in str(caught.value)


# --- the pipeline ------------------------------------------------------------------------------

ARABIC = Article(id="ar-1", title="غارات جديدة للتحالف", language="ar", date="2024-05-03",
                 text="قال مسؤولون إن طائرات التحالف قصفت مواقع لداعش. وأضافوا أن الحكومة لم تعلق.\n\n"
                      "وقالت حكومتها إنها تتابع الوضع.")
UNRELATED = Article(id="ar-2", title="أسعار النفط", language="ar", date="2024-05-03",
                    text="ارتفعت أسعار النفط في الأسواق العالمية. وتوقع محللون استمرار الارتفاع.")
ENGLISH = Article(id="en-1", title="Talks resume", language="en", date="2024-05-03",
                  text="The coalition met in Geneva on Monday. Officials said ISIS was weakened.")
WATCH = "ISIS: داعش | ISIS\ncoalition: التحالف | coalition\nحكومة\nnobody: Zelensky\n"


def run(tmp_path, watch_text, articles=(ARABIC, UNRELATED, ENGLISH), *, name="watchlist.txt", cache="cache.sqlite3"):
    """A digest made with the echo translator and the extractive summariser (no model); the article
    cache is on unless ``cache`` is None. Returns the digest and the engine, which records what it
    was asked to translate."""
    engine = EchoEngine()
    settings = Settings(summarizer="extractive", beams=1, quiet=True,
                        watchlist=str(watchlist_file(tmp_path, watch_text, name)) if watch_text is not None else None,
                        cache=str(tmp_path / cache) if cache else None, no_cache=cache is None)
    # The summariser comes from the settings: a pipeline handed both engines opens no cache.
    pipeline = Pipeline(settings, translator=Translator(engine, beams=1))
    return pipeline.run(list(articles)), engine


def test_the_pipeline_finds_hits_in_arabic_and_english_articles(tmp_path):
    digest, _ = run(tmp_path, WATCH)
    hits = digest.watchlist["hits"]
    assert [(h["label"], h["term"], h["language"], h["article_id"], h["article_number"], h["sentence_ar"])
            for h in hits] == [
        ("coalition", "التحالف", "ar", "ar-1", 1, "غارات جديدة للتحالف"),  # the title is a sentence too
        ("ISIS", "داعش", "ar", "ar-1", 1, "قال مسؤولون إن طائرات التحالف قصفت مواقع لداعش."),
        ("coalition", "التحالف", "ar", "ar-1", 1, "قال مسؤولون إن طائرات التحالف قصفت مواقع لداعش."),
        ("حكومة", "حكومة", "ar", "ar-1", 1, "وأضافوا أن الحكومة لم تعلق."),
        ("حكومة", "حكومة", "ar", "ar-1", 1, "وقالت حكومتها إنها تتابع الوضع."),
        ("coalition", "coalition", "en", "en-1", 3, None),
        ("ISIS", "ISIS", "en", "en-1", 3, None),
    ]
    # Each Arabic sentence comes with its own English (the echo engine's "<Arabic>"), not a neighbour's.
    assert all(h["sentence_en"] == f"<{h['sentence_ar']}>" for h in hits if h["language"] == "ar")
    assert [h["sentence_en"] for h in hits if h["language"] == "en"] == [
        "The coalition met in Geneva on Monday.", "Officials said ISIS was weakened."]
    assert [digest.articles[h["article_number"] - 1].id for h in hits] == [h["article_id"] for h in hits]
    assert digest.watchlist["entries"] == [
        {"label": "ISIS", "terms": ["داعش", "ISIS"], "hits": 2, "articles": 2},
        {"label": "coalition", "terms": ["التحالف", "coalition"], "hits": 3, "articles": 2},
        {"label": "حكومة", "terms": ["حكومة"], "hits": 2, "articles": 1},
        {"label": "nobody", "terms": ["Zelensky"], "hits": 0, "articles": 0},
    ]
    assert digest.watchlist["file"] == str(tmp_path / "watchlist.txt")


def test_a_changed_watchlist_is_matched_on_the_cached_articles(tmp_path):
    run(tmp_path, WATCH)
    changed = "Geneva\nmarkets: الأسواق | oil\nISIS: داعش\n"
    again, engine = run(tmp_path, changed, name="changed.txt")
    assert again.run["counts"]["cached_articles"] == 3
    assert engine.batches == []  # nothing translated: the sentences came with the cached articles
    # The same hits as a run that made every article anew.
    fresh, fresh_engine = run(tmp_path, changed, name="changed.txt", cache=None)
    assert fresh_engine.batches and fresh.run["counts"]["cached_articles"] == 0
    assert again.watchlist == fresh.watchlist
    assert [(e["label"], e["hits"], e["articles"]) for e in again.watchlist["entries"]] == [
        ("Geneva", 1, 1), ("markets", 1, 1), ("ISIS", 1, 1)]
    assert {(h["label"], h["article_number"]) for h in again.watchlist["hits"]} == {
        ("Geneva", 3), ("markets", 2), ("ISIS", 1)}


def test_without_a_watchlist_there_is_none_anywhere(tmp_path):
    digest, _ = run(tmp_path, None, cache=None)
    data = to_json(digest)
    assert "watchlist" in data and data["watchlist"] is None
    assert "## Watchlist" not in to_markdown(digest)
    assert 'id="watchlist"' not in to_html(data)


# --- digest.json, digest.md, digest.html -------------------------------------------------------

MANY = Article(id="en-2", title="Coalition week", language="en", date="2024-05-03",
               text=" ".join(f"Coalition report number {n} came out today." for n in range(1, WATCH_SHOWN + 4)))


def test_digest_json_and_md_list_the_hits_before_the_stories(tmp_path):
    digest, _ = run(tmp_path, WATCH, cache=None)
    assert to_json(digest)["watchlist"] == digest.watchlist
    json.dumps(to_json(digest))  # serialisable
    markdown = to_markdown(digest)
    assert markdown.index("## Watchlist") < markdown.index("## Stories") < markdown.index("## Summaries")
    section = markdown[markdown.index("## Watchlist"):markdown.index("## Stories")]
    assert "- **coalition**: 3 sentences in 2 articles" in section
    assert "- **nobody**: 0 sentences\n" in section
    assert "3. Talks resume (coalition): The coalition met in Geneva on Monday." in section
    assert "Arabic: وقالت حكومتها إنها تتابع الوضع." in section


def test_digest_html_lists_the_hits_before_the_stories_linking_their_articles(tmp_path):
    digest, _ = run(tmp_path, WATCH, cache=None)
    page = to_html(to_json(digest))
    start = page.index('<section class="story watchlist" id="watchlist">')
    first_story = page.index('<section class="story" id="story-')
    assert start < first_story
    section = page[start:page.index("</section>", start)]
    links = re.findall(r'href="#(article-\d+)"', section)
    assert set(links) == {"article-1", "article-3"} and len(links) == 7
    ids = set(re.findall(r'id="(article-\d+)"', page))
    assert set(links) <= ids
    assert "وقالت حكومتها إنها تتابع الوضع." in section and "The coalition met in Geneva on Monday." in section
    assert "more in digest.json" not in section


def test_more_hits_than_shown_say_how_many_more(tmp_path):
    digest, _ = run(tmp_path, "coalition\n", articles=(ENGLISH, MANY), cache=None)
    total = WATCH_SHOWN + 5  # MANY's title and its WATCH_SHOWN + 3 sentences, and ENGLISH's one
    assert len(digest.watchlist["hits"]) == total and digest.watchlist["entries"][0]["hits"] == total
    page = to_html(to_json(digest))
    section = page[page.index('id="watchlist"'):page.index("</section>", page.index('id="watchlist"'))]
    assert len(re.findall(r'href="#article-\d+"', section)) == WATCH_SHOWN
    assert "and 5 more in digest.json" in section
    markdown = to_markdown(digest)
    assert "  - and 5 more in digest.json" in markdown
    assert markdown.count("(coalition): ") == WATCH_SHOWN


# --- the command line --------------------------------------------------------------------------

@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    # A seed that names داعش and التحالف, and an English article.
    shutil.copy(SEEDS / "000_94b357f9bc806c9d.txt", folder / "ar.txt")
    (folder / "en.txt").write_text("Coalition talks resume\n\nThe coalition met in Geneva on Monday, and officials "
                                   "said that the talks would go on for the rest of the week.\n", encoding="utf-8")
    return folder


def test_digest_with_a_watchlist_on_the_command_line(tmp_path, tiny_models, inputs):
    watch = watchlist_file(tmp_path, "ISIS: داعش | ISIS\ncoalition\n")
    out = tmp_path / "out"
    result = run_cli("digest", str(inputs), "--out", str(out), "--watchlist", str(watch), "--summarizer", "extractive",
                     "--translator", str(tiny_models["translator"]), "--beams", "1", "-q", "--no-cache",
                     env={"SUMMARIZE_CT2_DIR": str(tmp_path / "ct2")})
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    number = {a["id"]: n for n, a in enumerate(data["articles"], start=1)}
    hits = data["watchlist"]["hits"]
    arabic = [h for h in hits if h["label"] == "ISIS"]
    assert arabic and all(h["language"] == "ar" and "داعش" in h["sentence_ar"] and h["article_number"] == number["ar"]
                          for h in arabic)
    english = [h for h in hits if h["label"] == "coalition" and h["language"] == "en"]
    assert [h["sentence_ar"] for h in english] == [None, None]  # the English title and its sentence
    assert {h["article_number"] for h in english} == {number["en"]}
    assert data["watchlist"]["file"] == str(watch)
    assert "## Watchlist" in (out / "digest.md").read_text(encoding="utf-8")
    assert 'id="watchlist"' in (out / "digest.html").read_text(encoding="utf-8")
    # The translator loaded (converted for CTranslate2, the default engine): what the test below
    # checks did not happen.
    assert any((tmp_path / "ct2").iterdir())


@pytest.mark.parametrize("text, problem", [(None, "no such file"), ("ok\nISIS | \n", "line 2: empty term")])
def test_a_bad_watchlist_stops_the_command_before_any_model_loads(tmp_path, tiny_models, inputs, text, problem):
    watch = tmp_path / "watch.txt" if text is None else watchlist_file(tmp_path, text, "watch.txt")
    out = tmp_path / "out"
    result = run_cli("digest", str(inputs), "--out", str(out), "--watchlist", str(watch), "--summarizer", "extractive",
                     "--translator", str(tiny_models["translator"]), "-q", "--no-cache",
                     env={"SUMMARIZE_CT2_DIR": str(tmp_path / "ct2")})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: watchlist {watch}: {problem}"), result.stderr
    assert "Traceback" not in result.stderr
    assert not (out / "digest.json").exists()
    assert not (tmp_path / "ct2").exists() or not any((tmp_path / "ct2").iterdir())
