"""Strip web boilerplate from scraped Arabic article bodies, one line (= one paragraph) at a time.

The rule of this module: losing a sentence of the article is worse than keeping a line of noise.
A line is dropped only when it matches a pattern that a sentence of news prose cannot match (an
icon label, a share prompt, a photo credit…), or when its *shape and position* mark it as a block of
links: a "related articles" header and the headline-like lines after it, and — for BBC pages only —
a run of headline-like lines inside the body or a single "topic: headline" line.

What this cannot do reliably:
- tell a genuine one-line sub-heading ("العقوبات الأمريكية بحق إيران ستسري فورا", France24) from a
  single BBC related-article link without a colon. Both are short unpunctuated lines between body
  paragraphs, so both are kept.
- tell a BBC "topic: headline" link from the "speaker: quote" sub-headings Saudi papers use
  ("استشاري نفسي: سلوكيات تؤذي الجسد والروح"): same shape, so the link rules run for BBC only.
- tell a columnist's bare name on its own line ("أحمد العرفج") from a two-word sub-heading ("ردود
  فعل"); both are kept.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Sequence

from summarize.lines import is_headline_like, is_sentence_like
from summarize.lines import words as _words
from summarize.normalize import normalize_arabic
from summarize.page_facts import PageFacts, caption_credit, read_page
from summarize.records import Article

# A run of headline-like lines is only read as a link block when each has at least this many words:
# the shortest BBC link in the data has 7, while hemistichs of poetry quoted in Saudi columns have 4–5
# and France24 stacks of short sub-headings ("أهم بنود الاتفاق") have 3.
RUN_MIN_WORDS = 6

# Lines of a multi-line support appeal are short slogans; an article paragraph is longer.
APPEAL_LINE_MAX_WORDS = 14

_SINGLE_STOP = re.compile(r"(?<![.!?؟…])[.?؟][\"'”’»)\]]*$")

# Prefix for alternatives whose first word is also an ordinary word of prose (شارك "took part", تبرع
# "donated", تابعنا "we followed", English "By", "Reuters"): a prompt or credit never ends with a
# full stop, a sentence does.
_NO_STOP = r"(?![^\n]*[.?؟…][\"”»)]*$)"


def _line(*alternatives: str) -> re.Pattern[str]:
    """A pattern that must match the whole (stripped) line."""
    return re.compile("(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


# (reason, pattern, max words). Each pattern must match the *whole* line and the line must have at
# most ``max words``: boilerplate is short, and the length cap keeps a sentence that merely starts
# with the same word ("شارك الرئيس في القمة …") from ever matching.
LINE_PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    # UI icons whose alt-text the scraper kept ("أيقونة الكاميرا", "camera icon"), sometimes with the
    # caption text glued on after the icon label.
    (
        "icon label",
        _line(
            r"[أا]يقونة (?:ال)?(?:كاميرا|كامرا|وسم|صورة|صور|فيديو|تعليقات?|مشاركة|ساعة|بريد|طباعة|سهم|قائمة|بحث|تصنيف)(?: .*)?",
            r"[a-z0-9\s:/_-]*\bicons?\b[a-z0-9\s:/_-]*",
            # "camera iconتمركز القوات …": the scraper glued the caption to the icon's alt text.
            r"[a-z][a-z -]{0,30}icons?(?=[^a-z]).*",
        ),
        45,
    ),
    # Font-size controls ("ع ع ع", "A A A", "أ+ أ-"): the same letter two to four times.
    ("font size control", _line(r"(\w)[+-]?(?:\s*\1[+-]?){1,3}"), 4),
    # Lone page furniture: back-to-top links, close buttons, menu toggles.
    (
        "page control",
        _line(
            r"(?:back to )?top|close|menu|search|up|x|[×✕✖↑⬆▲]",
            r"(?:العودة|عودة|الرجوع|ارجع)\s+(?:إلى|الى|ل)\s*(?:ال)?(?:أعلى|اعلى|الأعلى|الاعلى|الأعلي)(?: الصفحة)?",
            r"(?:إلى|الى|ل)\s*(?:ال)?(?:أعلى|اعلى)(?: الصفحة)?|أعلى الصفحة|اعلى الصفحة|إغلاق|اغلاق|القائمة|القائمة الرئيسية",
        ),
        5,
    ),
    # "Did you like this article?" and rating prompts under the text.
    (
        "feedback prompt",
        _line(
            r"(?:هل\s+)?(?:أعجبك|اعجبك|أعجبتك|اعجبتك|أفادك|افادك)\s+(?:هذا|هذه)\s+(?:ال)?(?:مقال|مقالة|خبر|موضوع|مادة|تقرير|قصة|فيديو)\s*[?؟!]?",
            r"هل\s+(?:كان|كانت)\s+(?:هذا|هذه)\s+(?:ال)?(?:مقال|مقالة|خبر|موضوع|مادة|تقرير)\s+(?:مفيد|مفيدا|مفيدًا|مفيداً|مفيدة)\s*[?؟]?",
            r"(?:ما\s+)?(?:رأيك|رايك|قيم|قيّم|تقييم)\s+(?:في\s+)?(?:هذا|هذه)\s+(?:ال)?(?:مقال|مقالة|خبر|موضوع|مادة)\s*[?؟:]?",
            r"(?:did you (?:like|enjoy) this (?:article|story)|was this (?:article |story )?helpful|rate this (?:article|story))\s*[?:]?",
        ),
        8,
    ),
    # Comment and captcha forms: their prompts, buttons, required-field labels ("الاسم *").
    (
        "comment form",
        _line(
            r"(?:اترك|أترك|اتركي|أضف|اضف|أرسل|ارسل|اكتب|أكتب|شاركنا|شارك)\s+(?:لنا\s+|هنا\s+)?(?:تعليقك|تعليقا|تعليقاً|تعليقًا|تعليق|رأيك|رايك|ردك|ردا)(?:\s+(?:هنا|الآن|على .{1,30}))?\s*[:.!]?",
            r"(?:التعليقات|تعليقات|تعليقات القراء|عدد التعليقات|لا توجد تعليقات|كن أول من يعلق|كن أول من يعلّق|إرسال التعليق|ارسال التعليق|نشر التعليق|إرسال|ارسال)(?:\s*[(:]?\s*\d*\s*\)?)?",
            r".{0,25}(?:رمز التحقق|رمز التحقّق|كود التحقق|رمز الأمان|الرمز المرئي|captcha).{0,25}",
            r"(?:يرجى|يُرجى|الرجاء|رجاء|من فضلك|فضلا|فضلاً)\s+(?:إدخال|ادخال|كتابة|أدخل|ادخل|اكتب)\s+(?:ال)?(?:أرقام|ارقام|رمز|حروف|كود|بريد|اسم|تعليق|نص|كلمة)\S*(?:\s.{0,30})?",
            r"(?:أدخل|ادخل)\s+(?:ال)?(?:أرقام|ارقام|رمز|حروف|كود)\S*(?:\s.{0,30})?",
            r"[^.!?؟:\n]{1,30}\s\*|[^.!?؟:\n]{1,30}\s\((?:مطلوب|إلزامي|required)\)",
            r"(?:leave a (?:comment|reply)|post (?:a )?comment|add (?:a )?comment|comments?(?: \(\d+\))?|submit|enter the (?:code|numbers))\s*[:.]?",
        ),
        10,
    ),
    # Share / follow / like prompts. Only imperative or label forms; past-tense "شارك" in a sentence
    # goes on with a subject and ends with a stop, so the no-final-stop anchor and length cap reject it.
    (
        "share prompt",
        _line(
            _NO_STOP
            + r"(?:شارك|شاركوا|شاركي|انشر|مشاركة|المشاركة)(?: (?:هذا |هذه )?(?:ال)?(?:مقال|خبر|موضوع|صفحة|قصة|فيديو))?(?: (?:على|عبر|مع) .{1,40})?[:!]?",
            _NO_STOP + r"(?:تابعونا|تابعنا|تابعوا|تابعي|تابعوني) (?:على|عبر|في) .{1,60}",
            _NO_STOP + r"(?:اشترك|اشتركوا) (?:في |ب)?(?:ال)?(?:نشرة|قناتنا|قناة|خدمة)(?: .{0,40})?",
            r"(?:أعجبني|اعجبني|لايك|إعجاب|أعجبنى)(?: \d+)?",
            r"(?:(?:فيسبوك|فيس بوك|تويتر|واتساب|واتس آب|واتس اب|إنستغرام|انستغرام|انستجرام|تلغرام|تليجرام|لينكدإن|لينكد إن|يوتيوب|جوجل بلس|البريد الإلكتروني|البريد الالكتروني|طباعة|مشاركة|facebook|twitter|whatsapp|telegram|linkedin|email|e-mail|print|share|tweet|google\+)[\s|•·,،/-]*)+",
            r"(?:share|share this|share on \w+|like|follow us(?: on .{1,40})?)",
        ),
        10,
    ),
    # Donation appeals: imperative-only verbs (ادعم, ساهم) or "تبرع" with an appeal object.
    (
        "donation appeal",
        _line(
            r"(?:ادعم|ادعموا|ادعمونا|ادعمي)(?: .{1,80})?",
            _NO_STOP
            + r"(?:تبرع|تبرّع|تبرعوا|تبرّعوا)(?: (?:الآن|الان|لنا|معنا|لدعم|للموقع|للصحيفة|بدعم)(?: .{0,60})?)?!?",
            _NO_STOP + r"(?:ساهم|ساهموا) (?:في دعم|بدعم|معنا|في استمرار)(?: .{0,60})?",
            r"(?:اضغط|انقر|إضغط)\s+هنا\s+(?:للمساهمة|للتبرع|للدعم|لدعمنا|لدعمنا|للاشتراك في الدعم)(?: .{0,40})?",
            r"(?:donate|support us)(?: .{0,40})?",
        ),
        12,
    ),
    # Section names the page template prints above or below the article (breadcrumbs included:
    # "الرئيسية › أخبار › سياسة"). A closed vocabulary: country names used as sub-headings in a
    # reactions round-up ("إسرائيل", "السعودية", France24) must survive.
    (
        "category label",
        _line(
            r"(?:(?:الرئيسية|الصفحة الرئيسية|أخبار|الأخبار|اخبار|سياسة|السياسة|اقتصاد|الاقتصاد|رياضة|الرياضة|ثقافة|الثقافة|فن|الفن|فنون|منوعات|تكنولوجيا|التكنولوجيا|تقنية|علوم|العلوم|صحة|الصحة|مجتمع|المجتمع|محليات|المحليات|دوليات|عربي|دولي|عربية|دولية|العالم|عالمية|رأي|الرأي|آراء|مقالات|تقارير|حوارات|عاجل|أخبار عاجلة|الشرق الأوسط|الخليج|مال وأعمال|أعمال|سياحة|سيارات|فيديو|صور|ملفات|تحقيقات|متابعات|مختارات|بيئة|تعليم|المرأة|أسرة)\s*[›»>|/•·-]?\s*){1,3}",
        ),
        7,  # three labels and the two separators of a breadcrumb
    ),
    # Bylines and credits: the form "كتب: NAME", "بقلم NAME", "المصدر: X", photo credits and BBC
    # caption labels. These carry names, not content, and the translator renders them as noise.
    (
        "byline",
        _line(
            r"بقلم\s*[:：-]?\s*.{1,60}",
            r"(?:كتب|كتبت|كتبه|إعداد|اعداد|تحرير|ترجمة|متابعة|متابعات|حوار|تقرير|مراسلة?|المحرر)\s*[:：–—/-]\s*.{1,60}",
            r"فريق\s+(?:عمل|تحرير)\s+.{1,40}",
            # A name closed by a pipe ("فريق عمل الفاصل |", "أحمد علي |"): the CMS's byline separator.
            r"[^.!?؟\n|]{1,50}\s\|",
            r"(?:المصدر|المصادر|مصدر|نقلا عن|نقلاً عن)\s*[:：–—-]\s*.{1,60}",
            r"\*?\s*خدمة\s*[{«\"(].{1,40}[}»\")]?",
            r"[(\[]?(?:وكالات|رويترز|أ ف ب|أ\.ف\.ب|ا ف ب|فرانس برس|أسوشيتد برس|د ب أ|الأناضول|سبوتنيك|Reuters|AFP|AP)[)\]]?",
            _NO_STOP + r"(?:by|written by|source|sources)(?:\s*:\s*|\s+).{1,50}",
            # Ain Al-Youm heads every story "NAME – عين اليوم" or "عين اليوم – CITY".
            r"عين اليوم\s*[–—-]\s*.{1,30}",
            r".{1,40}\s*[–—-]\s*عين اليوم",
        ),
        8,
    ),
    (
        "photo credit",
        _line(
            r"مصدر الصورة\s*.{0,80}",
            r"(?:صورة|الصورة|صور|تصوير|حقوق الصورة|حقوق النشر)\s*[:：–—-]\s*.{1,80}",
            r"(?:صورة|الصورة)\s*(?:أرشيفية|ارشيفية|من الأرشيف)\s*.{0,40}",
            # A credit alone in brackets under a photo: "[عملية العزم الصلب]", "(عنب بلدي)".
            r"\[[^\[\]]{2,40}\]|\((?:[^()\d]{2,40})\)",
            _NO_STOP + r"(?:image copyright|image caption|copyright|photo|getty images|epa|afp|reuters)(?:\s.{0,60})?",
        ),
        14,
    ),
    # BBC's image caption label; the caption after it can be a full sentence, so a generous cap.
    ("photo caption", _line(r"تعليق على الصورة\s*.{0,300}"), 45),
    # Saudi wire and web furniture (SaudiNewsNet): SPA end markers, SPA timestamps "19:23 ت م" (Makkah
    # time), SPA datelines (the date is already in the record), SMS subscription numbers, contact
    # e-mails and handles, "more" links, separator rows.
    ("end marker", _line(r"/+\s*(?:انتهى|انتهي|يتبع)\s*/+"), 3),
    ("timestamp", _line(r"\d{1,2}:\d{2}\s*(?:ت م|ت\.م|ت غ|ص|م)"), 3),
    (
        "dateline",
        _line(r".{1,30}\s\d{1,2}\s\S+\s\d{4}\s?هـ?\s?الموافق\s\d{1,2}\s\S+\s\d{4}\s?م?\s?(?:واس|و ا س)"),
        12,
    ),
    (
        "contact",
        _line(
            r"للتواصل.{0,40}(?:sms|أرسل|ارسل).{0,40}",
            r"[\d\s,،-]*(?:stc|mobily|zain|الاتصالات|موبايلي|زين)[\d\s,،-]*(?:(?:stc|mobily|zain|الاتصالات|موبايلي|زين)[\d\s,،-]*)*",
            r"\S+@\s?\S+\.[a-z]{2,}",
            r"(?:t|tw|twitter|تويتر)\s*:\s*@?\w+",
        ),
        8,
    ),
    ("more link", _line(r"[.…]*\s*(?:المزيد|اقرأ المزيد|اقرا المزيد|للمزيد)\s*[.…]*"), 3),
    ("separator", _line(r"(?:[*•·=~_-]\s*){2,}"), 10),
    # Links to other articles printed inline: France24 "للمزيد: headline", Al-Weeam "رابط الخبر
    # بصحيفة الوئام: headline", Al-Jazirah "مقالات أخرى للكاتب…" (the writer's other titles, glued).
    (
        "related link",
        _line(
            r"للمزيد\s*[:：]\s*.{1,200}",
            r"رابط الخبر\s.{0,30}[:：].{0,200}",
            r"مقالات أخرى للكاتب.*",
            r"(?:read more|related)\s*:.{0,200}",
        ),
        40,
    ),
]

# Header of a "related articles" block; the headline-like lines after it belong to the block. A
# headline may follow on the same line ("اقرأ أيضا: ...").
RELATED_HEADER = _line(
    r"(?:مواضيع|موضوعات|مقالات|أخبار|اخبار|روابط|قصص)\s+(?:ذات صلة|متعلقة|مشابهة|مقترحة|قد تهمك)(?:\s*[:：].{0,200})?",
    r"(?:[إا]قر[أا]|إقرأ|شاهد|طالع|اقرئي)\s+(?:أيضا|ايضا|أيضاً|ايضاً|أيضًا)(?:\s*[:：].{0,200})?",
    r"(?:قد يهمك|قد يعجبك|ربما يهمك|يهمك أيضا)(?:\s+(?:أيضا|ايضا|أيضاً|أيضًا))?(?:\s*[:：].{0,200})?",
    r"(?:الأكثر قراءة|الأكثر مشاهدة|المزيد من الأخبار|أخبار أخرى|مقالات أخرى)(?:\s*[:：].{0,200})?",
    r"(?:related (?:articles|stories|topics)|read also|see also)\s*:?.{0,200}",
)

# Verbs that introduce speech or verse with a colon ("فقلت: …", "وأضاف: …"): a line starting with one
# is content, not a "topic: headline" link.
_SPEECH_VERBS = re.compile(
    r"^[وف]?(?:قال|قالت|قلت|قالوا|أضاف|أضافت|تابع|تابعت|أكد|أكدت|أوضح|أوضحت|أردف|أردفت|يقول|تقول|"
    r"كتب|كتبت|سأل|سألت|أجاب|أجابت|صرح|صرحت|مضيفا|مضيفة|قائلا|قائلة|متسائلا|جاء|ورد)\b"
)
# Tails glued after the final stop of the last paragraph: Ain Al-Youm's tag list ("…”. سمات الأردن
# الاعلامي …") and Al-Weeam's link to the article itself ("…نقطة. رابط الخبر بصحيفة الوئام: …").
_TRAILING_TAGS = re.compile(
    r"(?<=[.!?؟…\"”»)])\s+(?:سمات(?:\s+[^\s.!?؟…،,:]+){1,20}|رابط الخبر\s[^:]{0,30}:.{0,200})$"
)
# The same tag list alone on the last line of the article.
_TAG_LINE = re.compile(r"سمات(?:\s+[^\s.!?؟…،,:]+){1,20}")
# A list item keeps its place whatever its length: "1. …", "2) …", "- …", "• …".
_LIST_ITEM = re.compile(r"^(?:\d{1,3}\s*[.)\-–]|[-–•*·▪]\s*)")


def _is_topic_headline(line: str) -> bool:
    """BBC link shape "topic: headline" — a short topic, a colon, a headline of 4+ words."""
    if not is_headline_like(line) or _SPEECH_VERBS.match(line):
        return False
    topic, colon, headline = line.partition(":")
    return bool(colon) and 1 <= _words(topic) <= 5 and _words(headline) >= 4


def boilerplate_reason(line: str) -> str | None:
    """Why ``line`` is boilerplate on its own, whatever surrounds it; None if it may be content."""
    line = line.strip()
    if not line:
        return "empty"
    words = _words(line)
    for reason, pattern, max_words in LINE_PATTERNS:
        if words <= max_words and pattern.fullmatch(line):
            return reason
    if words <= 40 and RELATED_HEADER.fullmatch(line):
        return "related header"
    if caption_credit(line) is not None:
        return "photo caption"
    return None


def _mark_duplicates(lines: Sequence[str], reasons: list[str | None], *, page_top: bool) -> None:
    # Galleries print each caption twice (alt text, then visible caption). A short unpunctuated line
    # repeated at once is such a caption, and both copies go; a repeated sentence is kept once.
    # With ``page_top``, a line repeated as the page's first two lines is its headline printed twice
    # (page title and <h1>), which ``read_page`` takes as the headline.
    for i in range(1, len(lines)):
        if lines[i] != lines[i - 1] or (page_top and i == 1):
            continue
        reasons[i] = reasons[i] or "duplicate line"
        if is_headline_like(lines[i]):
            reasons[i - 1] = reasons[i - 1] or "repeated caption"
            reasons[i] = "repeated caption"


def _mark_related_blocks(lines: Sequence[str], reasons: list[str | None]) -> None:
    # After a "related articles" header, every headline-like line (questions included: link titles
    # are often questions) is a link, until prose resumes.
    i = 0
    while i < len(lines):
        if reasons[i] == "related header":
            j = i + 1
            while j < len(lines) and (reasons[j] or is_headline_like(lines[j], allow_question=True)):
                reasons[j] = reasons[j] or "related list item"
                j += 1
            i = j
        else:
            i += 1


def _mark_link_runs(lines: Sequence[str], reasons: list[str | None]) -> None:
    # BBC inserts links to its other stories between body paragraphs, without a header: a run of two
    # or more headline-like lines after prose, or a single "topic: headline" line after prose. A
    # lone headline without a colon is left alone (indistinguishable from a sub-heading). List items
    # ("1. …", "- …") are content however short they are.
    seen_prose = False
    i = 0
    while i < len(lines):
        if reasons[i]:
            i += 1
            continue
        if not seen_prose:
            seen_prose = is_sentence_like(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and not reasons[j] and _may_be_link(lines[j]):
            j += 1
        if j - i >= 2:
            for k in range(i, j):
                reasons[k] = "related link run"
            i = j
            continue
        if _is_topic_headline(lines[i]):
            reasons[i] = "related link"
        i += 1


def _mark_appeal_blocks(lines: Sequence[str], reasons: list[str | None]) -> None:
    # A support appeal spans several short lines ("الإعلام الموجّه يشوه الحقيقة…", "سوريا بحاجة
    # للصحافة الحرة…", "ادعم X", "دولار واحد شهريًا يصنع الفرق", "اضغط هنا للمساهمة"), of which only
    # the ask itself has a fixed form. The block is the run of short lines around the ask; within
    # it, everything from the first line already known as boilerplate (or from the ask) to the end
    # of the run goes. Lines of the run before any boilerplate may be the article's closing lines, and
    # a last line followed by prose is a sub-heading: both stay.
    for ask in [i for i, reason in enumerate(reasons) if reason == "donation appeal"]:
        start = ask
        while start > 0 and _is_slogan(lines[start - 1]):
            start -= 1
        end = ask
        while end + 1 < len(lines) and _is_slogan(lines[end + 1]):
            end += 1
        if end + 1 < len(lines) and end > ask and reasons[end] is None:
            end -= 1  # the run's last line heads the prose after it
        first = next(i for i in range(start, ask + 1) if reasons[i] or i == ask)
        for i in range(first, end + 1):
            reasons[i] = reasons[i] or "donation appeal"


def _is_slogan(line: str) -> bool:
    # Short, and not closed by a single full stop as a sentence of the article is: slogans end
    # with "..", "!" or nothing.
    return (_words(line) <= APPEAL_LINE_MAX_WORDS and not _LIST_ITEM.match(line)
            and not _SINGLE_STOP.search(line))


def _mark_trailing_tag_line(lines: Sequence[str], reasons: list[str | None]) -> None:
    kept = [i for i, reason in enumerate(reasons) if reason is None]
    if kept and _TAG_LINE.fullmatch(lines[kept[-1]]):
        reasons[kept[-1]] = "tag list"


def _may_be_link(line: str) -> bool:
    return is_headline_like(line) and _words(line) >= RUN_MIN_WORDS and not _LIST_ITEM.match(line)


def has_inline_links(source: str | None) -> bool:
    """Whether pages of this source carry unmarked in-body links to other stories (BBC Arabic)."""
    return bool(source) and "bbc" in source.lower()


def explain_lines(text: str, *, source: str | None = None, title: str | None = None) -> list[tuple[str, str | None]]:
    """Each non-empty normalised line of ``text`` with the reason it would be dropped (None = kept).
    For a verbose mode; ``clean_text`` keeps exactly the lines whose reason is None.

    ``text`` is an article body whose title is given elsewhere (``title=None``), the body of an
    article titled ``title`` (lines repeating it are dropped), or a whole page without a known title
    (``title=""``), whose headline is looked for among its first lines and marked "headline" (it
    moves to the title; ``summarize.page_facts``). Datelines, date lines and bylines are marked in
    every case. The shape rules for unmarked link lines run only for sources known to print
    them (``has_inline_links``): elsewhere the same shapes are sub-headings ("استشاري نفسي: سلوكيات
    تؤذي الجسد والروح", Al-Madina), verse, or stacked section titles, and they must stay."""
    return _explain(text, source=source, title=title)[0]


def _explain(text: str, *, source: str | None, title: str | None) -> tuple[list[tuple[str, str | None]], PageFacts]:
    lines = [line for line in normalize_arabic(text).split("\n") if line]
    reasons = [boilerplate_reason(line) for line in lines]
    _mark_duplicates(lines, reasons, page_top=title == "")
    facts = read_page(lines, reasons, title=title)
    for i, reason in facts.lines.items():
        reasons[i] = reasons[i] or reason
    _mark_related_blocks(lines, reasons)
    _mark_appeal_blocks(lines, reasons)
    if has_inline_links(source):
        _mark_link_runs(lines, reasons)
    _mark_trailing_tag_line(lines, reasons)
    return list(zip(lines, reasons)), facts


def strip_trailing_tags(line: str) -> str:
    """Remove a tag list or self-link glued after the final stop of the last paragraph
    ("… انتهى. سمات الحوثي اليمن", "… نقطة. رابط الخبر بصحيفة الوئام: …")."""
    return _TRAILING_TAGS.sub("", line)


def clean_text(text: str, *, source: str | None = None, title: str | None = None) -> str:
    """Normalise ``text`` and drop boilerplate lines; paragraphs stay one per line. ``source`` (the
    outlet's name) enables the layout rules of outlets that need them; see ``explain_lines``."""
    return _kept(explain_lines(text, source=source, title=title))


def _kept(explained: list[tuple[str, str | None]]) -> str:
    kept = [line for line, reason in explained if reason is None]
    if kept:
        kept[-1] = strip_trailing_tags(kept[-1])
    return "\n".join(kept)


def clean_title(title: str) -> str:
    """Normalised title on one line. Titles are never judged as boilerplate."""
    return " ".join(normalize_arabic(title).split())


def _layout_source(article: Article) -> str | None:
    # Text files carry no source field; their antcorpus names say it ("BB-…" is BBC), as does the URL.
    if article.source:
        return article.source
    if article.url and "bbc." in article.url.lower():
        return "BBC"
    return "BBC" if article.id.startswith("BB-") else None


def clean_article(article: Article) -> Article:
    """A new Article with a normalised title and a cleaned body, and the headline, outlet and date
    the page states where the input gave none (``summarize.page_facts``; input metadata wins).

    A text file's first line (``title_from="first line"``) is only a guess made at ingest: the page is
    read whole again, and its headline is the first headline-shaped line after any section label,
    dateline or byline — or, when it has none, a title made from the lead. A body line repeating the
    title (some scrapers prepend the headline to the body) is dropped."""
    given = "" if article.title_from == "first line" else clean_title(article.title)
    text = f"{article.title}\n{article.text}" if article.title_from == "first line" else article.text
    explained, facts = _explain(text, source=_layout_source(article), title=given)
    title, title_from = (given, article.title_from) if given else (facts.title or "", facts.title_from)
    source, source_from = (article.source, article.source_from) if article.source else (facts.source, facts.source_from)
    date, date_from = (article.date, article.date_from) if article.date else (facts.date, facts.date_from)
    return dataclasses.replace(article, title=clean_title(title), text=_kept(explained), title_from=title_from,
                               source=source, source_from=source_from, date=date, date_from=date_from)
