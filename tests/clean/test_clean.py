import json
import re
from pathlib import Path

import pytest

from summarize.clean import boilerplate_reason, clean_article, clean_text, explain_lines
from summarize.ingest import read_articles
from summarize.normalize import normalize_arabic
from summarize.records import Article

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "scraped_page_ar.txt"
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
NEWS_2018 = DATA / "news_ar_2018-05-08.jsonl"
SAUDI_2015 = DATA / "news_ar_2015-08-10_saudi.jsonl"

# The article, in order, as it must come out of clean_text (normalised: ASCII digits, no NBSP,
# no zero-width space, no tatweel, no RLM). Includes the traps: sentences starting with "شارك",
# "تبرع", "أيقونة", "المصدر", an abbreviation "د.", and a genuine sub-heading.
ARTICLE_LINES = [
    "أعلنت هيئة الموانئ السعودية ارتفاع حجم المناولة في ميناء جدة الإسلامي بنسبة 12.5% خلال الربع الأول من العام، مقارنة بالفترة نفسها من العام الماضي.",
    "وقال رئيس الهيئة د. سعد الخلب إن الميناء استقبل أكثر من 2,000 سفينة حتى نهاية مارس/آذار.",
    "وأضاف أن «الخطة تهدف إلى مضاعفة الطاقة الاستيعابية. ونحن ماضون في تنفيذها»، مشيرا إلى أن العمل بدأ في 8.5.2018.",
    "شارك أكثر من 200 مستثمر في المنتدى الذي عقد في جدة الأسبوع الماضي.",
    "تبرع رجل أعمال سعودي بمليون ريال لدعم برامج التدريب في الميناء.",
    "خطط التوسع في الموانئ",
    "وتسعى المملكة إلى أن تصبح مركزا لوجستيا عالميا يربط ثلاث قارات، وفق رؤية 2030.",
    "أيقونة التجارة في البحر الأحمر تستعد لمرحلة جديدة من النمو؟",
    "المصدر الرئيسي لإيرادات الميناء هو رسوم المناولة والتخزين.",
    "وتوقع محللون أن يستمر النمو خلال الأشهر المقبلة مع افتتاح محطة الحاويات الجنوبية.",
]

BOILERPLATE_LINES = [
    "الرئيسية › أخبار › اقتصاد",  # breadcrumb
    "اقتصاد",  # category label
    "أخبار",  # category label
    "بقلم: سارة المنصوري",  # byline
    "كتب: محمد العلي",  # byline
    "المصدر: وكالات",  # source credit
    "أيقونة الكاميرا",  # icon
    "أيقونة الوسم موانئ",  # icon with tag
    "camera icon",  # icon in English
    "رافعات الحاويات في ميناء جدة الإسلامي",  # caption printed twice
    "مصدر الصورة Getty Images",  # photo credit
    "صورة: رويترز",  # photo credit
    "تعليق على الصورة عمال يفرغون شحنة من الحاويات في الميناء",  # BBC-style caption label
    "شارك هذا المقال",
    "شارك",
    "فيسبوك تويتر واتساب",
    "تابعونا على تويتر",
    "أعجبني",
    "تبرع الآن لدعم الصحافة المستقلة",
    "ادعم الصحافة المستقلة",
    "مواضيع ذات صلة",  # related header and its list
    "ميناء الملك عبدالله يسجل رقما قياسيا في مناولة الحاويات",
    "السعودية وإثيوبيا تبحثان ربط الموانئ بالسكك الحديدية",
    "هل تنجح خطة الموانئ في جذب الاستثمار؟",
    "اقرأ أيضا: ارتفاع أسعار الشحن البحري في البحر الأحمر",
    "قد يهمك أيضا",
    "5 أشياء يجب أن تعرفها عن ميناء جدة",
]

# BBC in-body related-article links in news_ar_2018-05-08.jsonl, found by reading every BBC text.
BBC_LINK_LINES = [
    'فيلم "النمر الأسود": ثورة تغيير في أعراف هوليوود',
    "بث برامج ديزني الترفيهية والرياضية مباشرة على تويتر",
    "فيلم الجميلة والوحش يعزز أرباح والت ديزني",
    "الاتفاق النووي الإيراني: إيران تصف نتنياهو بأنه كذاب سيئ السمعة",
    "تخفيض عقوبة مدون موريتاني متهم بالإساءة للنبي إلى السجن لسنتين",
    'مدون يوتيوب شهير يبدي ندمه على "التلاعب بالنساء"',
    "اقرأ أيضاً:",
    "رواندا تتبرع بتوفير ملاذ للمهاجرين الذين يواجهون العبودية في ليبيا",
    'غضب دولي بسبب صور "بيع العبيد" في سوق بليبيا',
    'حفتر: ليبيا في حاجة إلى "قائد له خبرة عسكرية كبيرة"',
]
# BBC sub-headings that look like links but introduce the next paragraphs: they must stay.
BBC_SUBHEADINGS = ["ما هو موقف إيران؟", "ما الخيارات المحتملة؟", "ردود فعل", "الدفاعات السورية تدمر صاروخين اسرائيليين"]


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line]


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        pytest.skip(f"shared data file {path} is absent (it lives beside the checkout, in ../shared/data)")
    return [json.loads(line) for line in path.open(encoding="utf-8")]


@pytest.fixture(scope="module")
def cleaned_fixture() -> list[str]:
    return _lines(clean_text(FIXTURE.read_text(encoding="utf-8")))


def test_fixture_keeps_exactly_the_article_in_order(cleaned_fixture):
    assert cleaned_fixture == ARTICLE_LINES


@pytest.mark.parametrize("line", BOILERPLATE_LINES)
def test_fixture_boilerplate_is_gone(cleaned_fixture, line):
    assert line in normalize_arabic(FIXTURE.read_text(encoding="utf-8"))  # the fixture really has it
    assert line not in cleaned_fixture


def test_repeated_caption_goes_but_a_repeated_sentence_is_kept_once():
    text = "صورة الميناء من الجو\nصورة الميناء من الجو\nوقال المدير إن العمل مستمر.\nوقال المدير إن العمل مستمر."
    assert _lines(clean_text(text)) == ["وقال المدير إن العمل مستمر."]


@pytest.mark.parametrize(
    "line, reason",
    [
        ("// انتهى //", "end marker"),
        ("19:23 ت م", "timestamp"),
        ("الرياض 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس", "dateline"),
        ("للتواصل مع الكاتب ارسل رسالة SMS", "contact"),
        ("tariq@asharqalawsat.com", "contact"),
        ("عين اليوم – جدة", "byline"),
        ("للمزيد: طهران ترفض أي تعديل للاتفاق النووي", "related link"),
        ("رابط الخبر بصحيفة الوئام: إغلاق أربع منشآت صحية في جدة", "related link"),
        ("***", "separator"),
        ("وقال ترامب إن الاتفاق كارثي.", None),
        ("شارك في القمة قادة دول الخليج العربي", None),  # past tense, no stop: still not a prompt
        ("تابعنا في الأيام الماضية تطورات الأزمة.", None),
        ("السعودية", None),  # a country sub-heading in a reactions round-up, not a section label
    ],
)
def test_boilerplate_reason(line, reason):
    assert boilerplate_reason(line) == reason


def test_trailing_tags_after_the_last_stop_are_cut():
    text = "وقال إن العمل مستمر.\nوأكد أن «النظام نظام». سمات الخدمة المدنية خالد العرج"
    assert clean_text(text) == "وقال إن العمل مستمر.\nوأكد أن «النظام نظام»."


def test_tag_list_alone_on_the_last_line_is_dropped_but_not_elsewhere():
    assert clean_text("وقال إن العمل مستمر.\nسمات الحوثي اليمن صنعاء") == "وقال إن العمل مستمر."
    assert clean_text("سمات الحوثي اليمن صنعاء\nوقال إن العمل مستمر.") == "سمات الحوثي اليمن صنعاء\nوقال إن العمل مستمر."


def test_ain_alyoum_tags_after_a_stop_are_gone_from_every_article():
    tagged = [
        row["id"]
        for row in _rows(SAUDI_2015)
        if row["source"] == "3alyoum"
        and re.search(r"[.!?؟…\"”»)]\s+سمات\s", clean_text(row["text_ar"], source=row["source"]).split("\n")[-1])
    ]
    assert tagged == []


def test_clean_article_normalises_title_and_drops_a_repeated_title_line():
    article = Article(id="x", title=" ترامب\u00a0ينسحب  من الاتفاق ", text="ترامب ينسحب من الاتفاق\nأعلن ترامب انسحابه.\nشارك", source="S")
    cleaned = clean_article(article)
    assert (cleaned.title, cleaned.text, cleaned.source, cleaned.id) == ("ترامب ينسحب من الاتفاق", "أعلن ترامب انسحابه.", "S", "x")
    assert article.text.startswith("ترامب ينسحب")  # a new object; the input is untouched


def test_title_is_never_boilerplate():
    assert clean_article(Article(id="x", title="اقتصاد", text="نص الخبر.")).title == "اقتصاد"


def _seed_articles():
    return list(read_articles([ROOT / "seeds"]))


def _antcorpus_articles():
    return list(read_articles([ROOT / "tests" / "fixtures" / "antcorpus"]))


# The real seeds (../shared/seeds, scraped pages): every line of page furniture each one carries,
# normalised. Everything else on the page is the article (headline aside) and must be kept, in order.
SEED_BOILERPLATE = {
    "000_94b357f9bc806c9d": ["باريس - العرب اليوم", "قد يهمك ايضا:",
                             "التحالف الدولي يؤكد تعرض قاعدة عين الأسد في العراق لهجوم صاروخي",
                             "التحالف الدولي يعزز دعمه للعراق في مواجهة «داعش»", "أرسل تعليقك"],
    "001_0c78ca7147f8a450": ["أمن", "أفراد من القوات العسكرية الأميركية والعراقية يعملون معًا خلال تدريب في "
                             "يونيو/حزيران في العراق. [عملية العزم الصلب]", "فريق عمل الفاصل |",
                             "هل أعجبك هذا المقال؟", "يرجى إدخال الأرقام *"],
    "002_4107dc728df1f2b2": ["camera iconتمركز القوات الأمريكية في قرية الغنامة بمدينة الدرباسية على الحدود السورية "
                             "التركية - 1 أيار 2017 - (عنب بلدي)", "tag icon ع ع ع", "مقالات متعلقة", "×",
                             "الإعلام الموجّه يشوه الحقيقة في بلادنا ويطيل أمد الحرب..",
                             "سوريا بحاجة للصحافة الحرة.. ونحن بحاجتك لنبقى مستقلين", "ادعم عنب بلدي",
                             "دولار واحد شهريًا يصنع الفرق", "اضغط هنا للمساهمة"],
    "003_fb788805ac2781e5": ["متابعة/ المدى", "اترك تعليقك", "تغيير رمز التحقق", "Top"],
    "004_159b84fecf733829": ["التحالفات", "2024-05-03", "شارك هذا المقال",
                             "جنود التحالف يدربون فريق تفكيك الذخائر المتفجرة التابع للجيش العراقي في نيسان/أبريل. "
                             "[عملية العزم الصلب]", "هل أعجبك هذا المقال؟", "يرجى إدخال الأرقام *"],
}
# Crossheads of the seeds: short unpunctuated lines that must survive cleaning.
SEED_CROSSHEADS = ["طائرات متعددة المهام", "آخر معقل لداعش", "ضربة قاسية", "استهداف الآلة الدعائية لداعش",
                   "عمليات التحالف مستمرة"]


@pytest.mark.parametrize("article", _seed_articles(), ids=lambda a: a.id)
def test_seeds_lose_their_furniture_and_keep_every_other_line_in_order(article):
    cleaned = clean_article(article)
    page = _lines(normalize_arabic(f"{article.title}\n{article.text}"))
    furniture = SEED_BOILERPLATE[article.id]
    assert all(line in page for line in furniture)  # the page really has each
    expected = [line for line in page if line not in furniture and line != cleaned.title]
    assert _lines(cleaned.text) == expected


def test_seed_crossheads_and_clitics_survive():
    text = "\n".join(clean_article(a).text for a in _seed_articles())
    assert all(head in _lines(text) for head in SEED_CROSSHEADS)
    assert "بـ" not in text and "تحرض على الإرهاب ب30 لغة" in text and "التحالف العالمي ال83 جهودهم" in text
    assert "\uf06f" not in text and "المدى" not in _lines(text)


def test_france24_subheading_is_kept():
    france24 = next(a for a in _antcorpus_articles() if a.id.startswith("FR-"))
    assert "العقوبات الأمريكية بحق إيران ستسري فورا" in _lines(clean_article(france24).text)


def test_bbc_seed_link_line_is_removed():
    bbc = next(a for a in _antcorpus_articles() if a.id.startswith("BB-"))
    assert a_link_in(bbc.text) and not a_link_in(clean_article(bbc).text)


def a_link_in(text: str) -> bool:
    return "الاتفاق النووي الإيراني: إيران تصف نتنياهو بأنه كذاب سيئ السمعة" in _lines(normalize_arabic(text))


@pytest.fixture(scope="module")
def bbc_2018() -> list[tuple[list[str], list[str]]]:
    rows = [r for r in _rows(NEWS_2018) if r["source"] == "BBC"]
    articles = (Article(id=r["id"], title=r["title_ar"], text=r["text_ar"], source=r["source"]) for r in rows)
    return [(_lines(normalize_arabic(a.text)), _lines(clean_article(a).text)) for a in articles]


def test_bbc_known_link_lines_are_removed(bbc_2018):
    before = {line for lines, _ in bbc_2018 for line in lines}
    after = {line for _, lines in bbc_2018 for line in lines}
    for link in BBC_LINK_LINES:
        assert link in before and link not in after


def test_bbc_no_line_ending_in_a_stop_is_removed_and_subheadings_stay(bbc_2018):
    after = {line for _, lines in bbc_2018 for line in lines}
    for lines, kept in bbc_2018:
        assert [line for line in lines if line.endswith(".")] == [line for line in kept if line.endswith(".")]
    assert set(BBC_SUBHEADINGS) <= after


def test_other_outlets_keep_every_sentence_and_subheading():
    # France24, CNN, Al Arabiya, Sky News: only explicit "للمزيد:" links and boilerplate go.
    for row in _rows(NEWS_2018):
        if row["source"] == "BBC":
            continue
        for line, reason in explain_lines(row["text_ar"], source=row["source"]):
            assert reason is None or reason == "related link" and line.startswith("للمزيد"), (row["id"], line)


def test_saudi_day_drops_no_sentence_by_shape():
    # 1524 articles of real web noise: shape rules (duplicates, related blocks) must never take a
    # line that ends like a sentence; only explicit link patterns (رابط الخبر, مقالات أخرى) may.
    explicit = {"related link"}
    dropped_sentences = [
        (row["id"], line)
        for row in _rows(SAUDI_2015)
        for line, reason in explain_lines(row["text_ar"], source=row["source"])
        if reason and reason not in explicit and re.search(r"[.!?؟…][\"”»)]*$", line)
    ]
    assert dropped_sentences == []


def test_saudi_colon_subheadings_are_kept_without_a_bbc_source():
    # "speaker: quote" sub-headings have the exact shape of BBC links; only BBC gets the link rules.
    text = "اتفق خبراء على ضرورة إصدار نظام شامل لمكافحة التحرش.\nاستشاري نفسي: سلوكيات تؤذي الجسد والروح\nوحدد الاستشاري أنواع التحرش."
    assert "استشاري نفسي: سلوكيات تؤذي الجسد والروح" in _lines(clean_text(text, source="almadina"))
    assert "استشاري نفسي: سلوكيات تؤذي الجسد والروح" not in _lines(clean_text(text, source="BBC"))
