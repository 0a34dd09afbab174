"""Boilerplate known by its place among other lines: captions printed twice, the links under a
"related articles" header, the slogans around a support appeal, BBC's unmarked in-body link runs, a
tag list closing the page. Each ``mark_*`` fills in ``reasons`` (None = may be content) in place."""
from __future__ import annotations

import re
from typing import Sequence

from summarize.clean.lines import is_headline_like, is_sentence_like, words as _words

# A run of headline-like lines is only read as a link block when each has at least this many words:
# the shortest BBC link in the data has 7, while hemistichs of poetry quoted in Saudi columns have 4–5
# and France24 stacks of short sub-headings ("أهم بنود الاتفاق") have 3.
RUN_MIN_WORDS = 6

# Lines of a multi-line support appeal are short slogans; an article paragraph is longer.
APPEAL_LINE_MAX_WORDS = 14

_SINGLE_STOP = re.compile(r"(?<![.!?؟…])[.?؟][\"'”’»)\]]*$")

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


def mark_duplicates(lines: Sequence[str], reasons: list[str | None], *, page_top: bool) -> None:
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


def mark_related_blocks(lines: Sequence[str], reasons: list[str | None]) -> None:
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


def mark_link_runs(lines: Sequence[str], reasons: list[str | None]) -> None:
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


def mark_appeal_blocks(lines: Sequence[str], reasons: list[str | None]) -> None:
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


def mark_trailing_tag_line(lines: Sequence[str], reasons: list[str | None]) -> None:
    kept = [i for i, reason in enumerate(reasons) if reason is None]
    if kept and _TAG_LINE.fullmatch(lines[kept[-1]]):
        reasons[kept[-1]] = "tag list"


def _may_be_link(line: str) -> bool:
    return is_headline_like(line) and _words(line) >= RUN_MIN_WORDS and not _LIST_ITEM.match(line)


def has_inline_links(source: str | None) -> bool:
    """Whether pages of this source carry unmarked in-body links to other stories (BBC Arabic)."""
    return bool(source) and "bbc" in source.lower()


def strip_trailing_tags(line: str) -> str:
    """Remove a tag list or self-link glued after the final stop of the last paragraph
    ("… انتهى. سمات الحوثي اليمن", "… نقطة. رابط الخبر بصحيفة الوئام: …")."""
    return _TRAILING_TAGS.sub("", line)
