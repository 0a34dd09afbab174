"""Boilerplate lines recognised on their own, whatever surrounds them: each *kind* of page furniture
(icon labels, share prompts, comment forms, bylines, photo credits…) as a pattern that must match the
whole line, under a word cap that keeps a sentence starting with the same word from ever matching.
"""
from __future__ import annotations

import re

from summarize.clean.lines import words as _words
from summarize.clean.page_facts import caption_credit

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
