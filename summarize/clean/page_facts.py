"""What a scraped page says about itself: its headline, its outlet and its date, read off the text when
the input carries no such metadata (a ``.txt`` page has none; a JSONL field or HTML metadata always
wins over anything found here).

A ``.txt`` page's first line is not always its headline. Above the headline a page may print a
section label (a short category word: "أمن", "التحالفات"), a dateline ("باريس - العرب اليوم") or a
date line ("2024-05-03"); bylines ("متابعة/ المدى", "فريق عمل الفاصل |") sit anywhere near the top.
``read_page`` marks those lines (so the cleaner drops them), takes the first headline-shaped line
after them as the headline, and when there is none derives a title from the lead (recorded as
``title_from="lead"``).

The outlet is taken from what the page states, in this order of trust: a dateline, a byline, a
support appeal ("ادعم عنب بلدي"), a photo credit. A photo credit names the outlet only when the
article's own prose never names it: a credit that the story talks about ("[عملية العزم الصلب]" in a
story about Operation Inherent Resolve) is that party's handout photo, not the outlet, and wire and
stock credits (Reuters, AFP, Getty…) are never outlets. The date comes from a line that is nothing but
a date, or from a dated dateline. Nothing is invented: a page that states none of these gets none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarize.dates import find_date, parse_date_line
from summarize.clean.lines import SENTENCE_END, is_headline_like, is_sentence_like, words

# Lines looked at for a section label, dateline and headline before the first paragraph of prose.
HEADER_LINES = 8
# A section label is one or two words; a headline is longer than the label above it.
SECTION_LABEL_MAX_WORDS = 2
# Headlines run longer than sub-headings: up to about two dozen words on Iraqi and Syrian sites.
HEADLINE_MAX_WORDS = 24
# A title derived from the lead: its first clause, or this many words and an ellipsis.
LEAD_TITLE_WORDS = 12
OUTLET_MAX_WORDS = 4

_NAME = r"[^\s\d.,،:؛;!?؟|/\[\]()«»\"“”-][^\n.,،:؛;!?؟|/\[\]()«»\"“”]{0,40}?"
_DASH = r"\s+[-–—]\s+"
# "City - Outlet" or "City - Outlet - date", alone on its line above the body.
_DATELINE = re.compile(rf"(?P<place>{_NAME}){_DASH}(?P<outlet>{_NAME})(?:{_DASH}(?P<date>.{{6,40}}))?")
_DATED_PLACE = re.compile(rf"(?P<place>{_NAME}){_DASH}(?P<date>.{{6,40}})")
# Bylines that name the desk of an outlet rather than a person: "متابعة/ المدى", "فريق عمل الفاصل |",
# "فريق تحرير X", "خاص - X" ("exclusive to X").
_OUTLET_BYLINE = re.compile(
    rf"(?:(?:متابعة|متابعات)\s*[/:：–—-]\s*|فريق\s+(?:عمل|تحرير)\s+|(?:خاص|حصري|حصريا)\s*[/:：–—-]\s*)"
    rf"(?P<outlet>{_NAME})\s*\|?"
)
# Support appeals naming the outlet: "ادعم عنب بلدي", "ساندوا X".
_APPEAL = re.compile(rf"(?:ادعم|ادعموا|ادعمي|ساند|ساندوا|ساندي)\s+(?P<outlet>{_NAME})[!.]?")
# Places that head datelines: capitals and large cities of the Arab world and the news capitals
# abroad. They tell "City - Outlet" (an outlet to take) from "Reporter - City" (none to take).
_PLACES = frozenset("""
القاهرة الإسكندرية الاسكندرية الرياض جدة مكة المكرمة المدينة المنورة الدمام الخبر الطائف أبها تبوك
دبي أبوظبي أبو ظبي الشارقة الدوحة المنامة الكويت مسقط صنعاء عدن تعز الحديدة المكلا بغداد البصرة الموصل أربيل
السليمانية كركوك النجف كربلاء الأنبار دمشق حلب حمص حماة اللاذقية إدلب دير الزور الرقة الحسكة القامشلي درعا بيروت
طرابلس صيدا صور عمان القدس رام الله غزة نابلس الخليل الخرطوم تونس الجزائر الرباط الدار البيضاء بنغازي
مصراتة نواكشوط مقديشو جيبوتي طهران أنقرة إسطنبول اسطنبول واشنطن نيويورك لندن باريس برلين موسكو بروكسل
جنيف فيينا روما مدريد بكين طوكيو نيودلهي كابل إسلام آباد
""".split()) | {"مكة المكرمة", "المدينة المنورة", "أبو ظبي", "الدار البيضاء", "رام الله", "دير الزور", "إسلام آباد",
                 "خميس مشيط", "خميس مطير"}
# Desk words that stand where an outlet would: "لجين الأحمدي – متابعات".
_DESKS = frozenset("متابعات متابعة خاص وكالات الوكالات مراسلون مراسلنا".split())

# Objects of an appeal that are a cause, not a name ("ادعم الصحافة المستقلة").
_NOT_A_NAME = frozenset("""
الصحافة صحافة الإعلام الاعلام إعلام اعلام استقلال استقلالية الموقع موقعنا الصحيفة صحيفتنا الجريدة جريدتنا
القناة قناتنا عملنا المحتوى محتوانا الحقيقة الكلمة الحرية حرية المستقل المستقلة نا us
""".split())
# A photo caption ends with its credit: "… في العراق. [عملية العزم الصلب]", "… - 1 أيار 2017 - (عنب بلدي)";
# square brackets close captions on many sites, parentheses only after a dash (a sentence ending in
# "(داعش)" is prose).
_CAPTION_CREDIT = re.compile(r"(?:^|\s)\[(?P<square>[^\[\]\n]{2,40})\]$|(?:^|\s[-–—]\s*)\((?P<round>[^()\n]{2,40})\)$")
# "… - 1 أيار 2017": a caption dated after a dash.
_DASH_TAIL = re.compile(r"\s[-–—]\s+(?P<tail>[^-–—]{6,30})$")
_CAPTION_MAX_WORDS = 45
# Credits that are never the outlet: wires, photo agencies, "archive", "social media", "handout".
_NOT_OUTLET_CREDIT = re.compile(
    r"وكالات|وكالة|رويترز|فرانس برس|أ ف ب|ا ف ب|أ\.ف\.ب|أسوشيتد|اسوشيتد|الأناضول|د ب أ|سبوتنيك|إنترنت|انترنت|"
    r"أرشيف|ارشيف|متداول|مواقع التواصل|تواصل اجتماعي|فيسبوك|فيس بوك|تويتر|يوتيوب|إكس|غيتي|جيتي|"
    r"reuters|afp|\bap\b|getty|epa|anadolu|handout|archive|social media|twitter|facebook|shutterstock",
    re.IGNORECASE,
)
_HAS_DIGIT_OR_STOP = re.compile(r"[\d.!?؟:،,؛;\"“”«»()\[\]|/]")
# A Latin UI icon label glued before a caption by the scraper ("camera iconتمركز …").
_ICON_PREFIX = re.compile(r"^[a-z][a-z -]{0,30}icons?\s*", re.IGNORECASE)


@dataclass
class PageFacts:
    """Headline, outlet and date found in a page, each with where it came from (None: not found), and
    the lines (by index) that said so, with their kind, for the cleaner to drop."""

    title: str | None = None
    title_from: str | None = None
    source: str | None = None
    source_from: str | None = None
    date: str | None = None
    date_from: str | None = None
    lines: dict[int, str] = field(default_factory=dict)


def _outlet(name: str | None) -> str | None:
    name = " ".join((name or "").split()).strip(" |-–—")
    if not name or words(name) > OUTLET_MAX_WORDS or name.split()[0] in _NOT_A_NAME:
        return None
    return name


def dateline(line: str) -> tuple[str | None, str | None] | None:
    """``(outlet, date)`` of a "City - Outlet" or "City - Outlet - date" line; None for other lines."""
    if SENTENCE_END.search(line) or words(line) > 10:
        return None
    dated = _DATED_PLACE.fullmatch(line)
    if dated and words(dated["place"]) <= 3 and (day := parse_date_line(dated["date"])):
        return None, day  # "City - date"
    match = _DATELINE.fullmatch(line)
    if not match or words(match["place"]) > 3:
        return None
    date = parse_date_line(match["date"]) if match["date"] else None
    if match["date"] and date is None:
        return None
    place, outlet = match["place"].strip(), match["outlet"].strip()
    if outlet in _PLACES or outlet in _DESKS or (place not in _PLACES and _is_place(outlet)):
        return (None, date) if words(outlet) <= 3 else None  # "Reporter - City", "Reporter - desk"
    name = _outlet(outlet)
    return (name, date) if name else None


def _is_place(name: str) -> bool:
    return name in _PLACES or name.split()[0] in _PLACES


def outlet_byline(line: str) -> str | None:
    """The outlet named by a desk byline ("متابعة/ المدى" → "المدى"); None for other lines."""
    match = _OUTLET_BYLINE.fullmatch(line)
    return _outlet(match["outlet"]) if match and words(line) <= OUTLET_MAX_WORDS + 3 else None


def appeal_outlet(line: str) -> str | None:
    """The outlet a support appeal names ("ادعم عنب بلدي" → "عنب بلدي"); None otherwise."""
    match = _APPEAL.fullmatch(line)
    return _outlet(match["outlet"]) if match else None


def caption_credit(line: str) -> str | None:
    """The credit closing a photo caption ("… [عملية العزم الصلب]" → "عملية العزم الصلب"); "" for a
    caption dated after a dash without a credit; None when the line is not a caption."""
    line = _ICON_PREFIX.sub("", line)
    if words(line) > _CAPTION_MAX_WORDS:
        return None
    match = _CAPTION_CREDIT.search(line)
    if match:
        return " ".join((match["square"] or match["round"]).split())
    tail = _DASH_TAIL.search(line)
    return "" if tail and parse_date_line(tail["tail"]) else None


def _credit_outlet(credit: str, prose: str) -> str | None:
    if _NOT_OUTLET_CREDIT.search(credit) or find_date(credit) or credit in prose:
        return None
    return _outlet(credit)


def _is_section_label(line: str, following: str | None) -> bool:
    return (words(line) <= SECTION_LABEL_MAX_WORDS and not _HAS_DIGIT_OR_STOP.search(line)
            and following is not None and is_headline_like(following, allow_question=True, max_words=HEADLINE_MAX_WORDS)
            and words(following) > words(line) + 1)


def _is_headline(line: str) -> bool:
    return (is_headline_like(line, allow_question=True, max_words=HEADLINE_MAX_WORDS)
            or (line.endswith("!") and words(line) <= HEADLINE_MAX_WORDS))


def lead_title(lead: str) -> str:
    """A title made from the lead: its first sentence when short, else its first clause of four
    words or more, else its first ``LEAD_TITLE_WORDS`` words and "…"."""
    tokens = lead.split()
    sentence = next((n for n, word in enumerate(tokens, 1) if SENTENCE_END.search(word)), len(tokens))
    if sentence <= LEAD_TITLE_WORDS:
        return " ".join(tokens[:sentence]).rstrip(".")
    clause = next((n for n, word in enumerate(tokens[:LEAD_TITLE_WORDS], 1)
                   if n >= 4 and re.search(r"[،,:؛;]$", word)), None)
    if clause:
        return " ".join(tokens[:clause]).rstrip("،,:؛;")
    return " ".join(tokens[:LEAD_TITLE_WORDS]) + " …"


def read_page(lines: list[str], reasons: list[str | None], *, title: str | None) -> PageFacts:
    """Headline, outlet and date of the page whose normalised, non-empty lines are ``lines``;
    ``reasons`` are the cleaner's verdicts so far (None = may be content). ``title``: "" for a page
    whose headline is to be found (else a title made from its lead); the title the input gave, whose
    repeats are marked; None for a body whose title lies elsewhere."""
    find_headline = title == ""
    facts = PageFacts()
    outlets: dict[str, str] = {}  # kind -> first outlet of that kind
    credits: list[str] = []
    prose_at = [i for i, line in enumerate(lines) if reasons[i] is None and is_sentence_like(line)]
    for i, line in enumerate(lines):
        # A date alone on a line heads or closes the page; between paragraphs it is a timeline's
        # crosshead ("10 حزيران 2014") and stays.
        outside = not prose_at or i < prose_at[0] or i > prose_at[-1]
        if outside and (date := parse_date_line(line)) is not None:
            facts.lines[i] = "date line"
            if facts.date is None:
                facts.date, facts.date_from = date, "date line"
        elif (outlet := outlet_byline(line)) is not None:
            facts.lines[i] = "byline"
            outlets.setdefault("byline", outlet)
        elif (outlet := appeal_outlet(line)) is not None:
            outlets.setdefault("support appeal", outlet)
        elif (credit := caption_credit(line)):
            credits.append(credit)

    free = [i for i in range(len(lines)) if reasons[i] is None and i not in facts.lines]
    top = free[:HEADER_LINES]
    headline: int | None = None
    for n, i in enumerate(top):
        line = lines[i]
        if is_sentence_like(line) and not _is_headline(line):
            break  # prose has begun: the header is over
        following = lines[top[n + 1]] if n + 1 < len(top) else None
        if title and line == title:
            facts.lines[i] = "repeated headline"
        elif (found := dateline(line)) is not None:
            facts.lines[i] = "dateline"
            outlet, date = found
            if outlet:
                outlets.setdefault("dateline", outlet)
            if date and facts.date is None:
                facts.date, facts.date_from = date, "dateline"
        elif headline is None and find_headline and _is_section_label(line, following):
            facts.lines[i] = "section label"
        elif headline is None and find_headline and _is_headline(line) and following is not None:
            headline = i
            facts.lines[i] = "headline"
            facts.title, facts.title_from = line, "headline"
        else:
            break
    wanted = facts.title or title
    if wanted:
        for i in free:
            if i not in facts.lines and lines[i] == wanted:
                facts.lines[i] = "repeated headline"
    if find_headline and facts.title is None:
        lead = next((lines[i] for i in free if i not in facts.lines and is_sentence_like(lines[i])), None)
        if lead:
            facts.title, facts.title_from = lead_title(lead), "lead"

    prose = "\n".join(lines[i] for i in free if i not in facts.lines)
    for credit in credits:
        if (outlet := _credit_outlet(credit, prose)) is not None:
            outlets.setdefault("caption credit", outlet)
            break
    for kind in ("dateline", "byline", "support appeal", "caption credit"):
        if kind in outlets:
            facts.source, facts.source_from = outlets[kind], kind
            break
    return facts
