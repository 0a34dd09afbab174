"""Headline, outlet and date read off page text (summarize.clean.page_facts), through clean_article as the
pipeline uses it: on the real seeds, on a page written for every kind, and on pages that state none."""
from pathlib import Path

import pytest

from summarize.clean import clean_article
from summarize.ingest import read_articles
from summarize.clean.page_facts import appeal_outlet, caption_credit, dateline, lead_title, outlet_byline
from summarize.records import Article

ROOT = Path(__file__).resolve().parents[2]
KINDS = ROOT / "tests" / "fixtures" / "scraped_page_kinds_ar.txt"

# (title, title_from, source, source_from, date, date_from) as each seed's own text states them.
SEEDS = {
    "000_94b357f9bc806c9d": ("أكد موقع التحالف الدولي لعملية العزم الصلب", "lead", "العرب اليوم", "dateline", None, None),
    "001_0c78ca7147f8a450": ("التحالف الدولي يواصل معركته ضد داعش بعد إلحاق الهزيمة بالتنظيم", "headline",
                             "الفاصل", "byline", None, None),
    "002_4107dc728df1f2b2": ("التحالف يؤكد مواصلة قتال تنظيم “الدولة” ويجرب أسلحة نوعية في دير الزور", "headline",
                             "عنب بلدي", "support appeal", None, None),
    "003_fb788805ac2781e5": ("التحالف الدولي يحتفي بالذكرى الثانية لتحرير مناطق داعش بتنفيذ 18 ضربة في جبال قره جوغ",
                             "headline", "المدى", "byline", None, None),
    # Its only credit, [عملية العزم الصلب], is the operation the story is about: no outlet.
    "004_159b84fecf733829": ("الحرب على داعش تتواصل رغم مرور 10 سنوات على إنشاء التحالف الدولي", "headline",
                             None, None, "2024-05-03", "date line"),
}


def _facts(article: Article) -> tuple:
    return (article.title, article.title_from, article.source, article.source_from, article.date, article.date_from)


@pytest.mark.parametrize("article", list(read_articles([ROOT / "seeds"])), ids=lambda a: a.id)
def test_each_seed_has_the_headline_outlet_and_date_its_text_gives(article):
    assert article.title_from == "first line"  # ingest's guess, judged again by the cleaner
    assert _facts(clean_article(article)) == SEEDS[article.id]


def test_a_page_of_every_kind():
    [article] = read_articles([KINDS])
    cleaned = clean_article(article)
    assert _facts(cleaned) == ("الحكومة تقر خطة جديدة لإعادة إعمار المدن المتضررة", "headline", "صوت المغرب",
                               "dateline", "2024-05-04", "date line")
    assert cleaned.text.split("\n") == [
        "أقرت الحكومة خلال اجتماعها الأسبوعي خطة لإعادة إعمار المدن المتضررة بكلفة تبلغ 120 مليار درهم.",
        "وقال المتحدث باسم الحكومة إن الخطة تمتد على خمس سنوات وتشمل بناء 50 ألف مسكن.",
        "تمويل الخطة",
        "وأوضح أن وزارة الإسكان ستشرف على التنفيذ بالتعاون مع السلطات المحلية، وأن العمل يبدأ خلال الأسابيع المقبلة.",
        "شارك الوزير في المؤتمر الصحفي الذي عقد بعد الاجتماع.",
        'تابع المتحدث: "سنعلن المراحل تباعا".',
    ]


def test_a_page_that_states_nothing_gets_nothing_invented():
    text = ("أعلنت الوزارة يوم الخميس 16 من نيسان أن العمل سيستأنف في 2020 بعد توقف دام 3 أشهر.\n"
            "وقال مسؤول إن الخطة نشرت على موقع الوزارة (الموقع الرسمي).\nوأضاف أن التنفيذ يبدأ قريبا.")
    cleaned = clean_article(Article(id="x", title="", text=text))
    assert (cleaned.source, cleaned.source_from, cleaned.date, cleaned.date_from) == (None, None, None, None)
    assert (cleaned.title, cleaned.title_from) == ("أعلنت الوزارة يوم الخميس 16 من نيسان أن العمل سيستأنف في 2020 …", "lead")
    assert cleaned.text == text  # nothing of the article was taken for a header


def test_input_metadata_always_wins():
    page = "عنوان من المدخلات\nباريس - العرب اليوم\n2024-05-03\nنص الخبر الكامل هنا."
    given = Article(id="x", title="عنوان من المدخلات", text=page, source="Outlet", date="2018-05-08",
                    title_from="input", source_from="input", date_from="input")
    cleaned = clean_article(given)
    assert _facts(cleaned) == ("عنوان من المدخلات", "input", "Outlet", "input", "2018-05-08", "input")
    assert cleaned.text == "نص الخبر الكامل هنا."  # the page's own header lines still go


@pytest.mark.parametrize("line, expected", [
    ("باريس - العرب اليوم", ("العرب اليوم", None)),
    ("بغداد – المدى – 3 أيار 2024", ("المدى", "2024-05-03")),
    ("دمشق - 03/05/2024", (None, "2024-05-03")),
    ("حامد القرشي – مكة المكرمة", (None, None)),  # reporter - city: a dateline naming no outlet
    ("لجين الأحمدي – متابعات", (None, None)),
    ("قوة المهام المشتركة - عملية العزم الصلب في تشرين الأول", None),  # too long: a heading
    ("وقال - بحسب المصدر - إن العمل مستمر.", None),
])
def test_datelines(line, expected):
    assert dateline(line) == expected


@pytest.mark.parametrize("line, outlet", [
    ("متابعة/ المدى", "المدى"), ("متابعات: الوطن", "الوطن"), ("فريق عمل الفاصل |", "الفاصل"),
    ("خاص - عنب بلدي", "عنب بلدي"), ("كتب: محمد العلي", None), ("متابعة الأخبار اليومية مهمة جدا للقراء.", None),
])
def test_desk_bylines_name_the_outlet(line, outlet):
    assert outlet_byline(line) == outlet


@pytest.mark.parametrize("line, outlet", [
    ("ادعم عنب بلدي", "عنب بلدي"), ("ساندوا الجمهورية نت", "الجمهورية نت"),
    ("ادعم الصحافة المستقلة", None), ("ادعمونا", None),
])
def test_support_appeals_name_the_outlet_not_the_cause(line, outlet):
    assert appeal_outlet(line) == outlet


@pytest.mark.parametrize("line, credit", [
    ("جنود يتدربون في نيسان. [عملية العزم الصلب]", "عملية العزم الصلب"),
    ("camera iconتمركز القوات - 1 أيار 2017 - (عنب بلدي)", "عنب بلدي"),
    ("مشهد عام للمدينة - 12 أيلول 2023", ""),  # a caption dated after a dash, without a credit
    ("وقال إن تنظيم الدولة الإسلامية (داعش)", None),  # prose ending in an acronym is no caption
])
def test_caption_credits(line, credit):
    assert caption_credit(line) == credit


def test_wire_and_story_credits_are_not_outlets():
    for credit in ("رويترز", "أ ف ب", "Getty Images", "وزارة الدفاع"):
        text = f"الجنود في الميدان. [{credit}]\nوقالت وزارة الدفاع إن التدريب انتهى أمس بنجاح."
        assert clean_article(Article(id="x", title="عنوان", text=text)).source is None, credit
    text = "الجنود في الميدان. [صوت المغرب]\nوقالت وزارة الدفاع إن التدريب انتهى أمس بنجاح."
    cleaned = clean_article(Article(id="x", title="عنوان", text=text))
    assert (cleaned.source, cleaned.source_from) == ("صوت المغرب", "caption credit")


def test_a_lead_title_is_its_first_clause_or_its_first_words():
    assert lead_title("أكد الوزير، في بيان رسمي، أن العمل مستمر.") == "أكد الوزير، في بيان رسمي، أن العمل مستمر"
    assert lead_title("أكد موقع التحالف الدولي لعملية العزم الصلب، أن الطائرات الفرنسية متعددة المهام أي-330 "
                      "نفذت 3 مهام لتزويد المقاتلات بالوقود.") == "أكد موقع التحالف الدولي لعملية العزم الصلب"
    long = " ".join(["كلمة"] * 30) + "."
    assert lead_title(long) == " ".join(["كلمة"] * 12) + " …"


def test_a_text_file_whose_first_line_is_its_headline_keeps_it():
    for article in read_articles([ROOT / "tests" / "fixtures" / "antcorpus"]):
        cleaned = clean_article(article)
        assert (cleaned.title, cleaned.title_from) == (article.title, "headline")
