"""The shape of one line of page text (one line = one paragraph): does it read as prose, or as a title?

Shared by the cleaner (which drops boilerplate lines) and by ``page_facts`` (which finds the headline
among the first lines of a page)."""
from __future__ import annotations

import re

# A line that ends a sentence: terminal punctuation, possibly followed by closing quotes/brackets.
SENTENCE_END = re.compile(r"[.!?؟…]+[\"'”’»)\]]*$")
# Lines longer than this are prose whatever their punctuation (Sky News bodies often omit the final
# stop); BBC related-link headlines and sub-headings in the data are at most 15 words.
HEADLINE_MAX_WORDS = 16
# Link titles in a related block, and headlines, are often questions ("هل تنجح خطة الموانئ…؟").
ENDS_WITH_QUESTION = re.compile(r"[?؟][\"”»)]*$")


def words(line: str) -> int:
    return len(line.split())


def is_sentence_like(line: str) -> bool:
    """Prose: ends like a sentence, or is too long to be a headline."""
    return bool(SENTENCE_END.search(line)) or words(line) > HEADLINE_MAX_WORDS


def is_headline_like(line: str, *, allow_question: bool = False, max_words: int = HEADLINE_MAX_WORDS) -> bool:
    """Short, and ends as a title ends: no stop, no colon or comma announcing more."""
    if not line or words(line) > max_words or line.endswith((":", "،", ",", "؛", ";")):
        return False
    return (allow_question and bool(ENDS_WITH_QUESTION.search(line))) or not SENTENCE_END.search(line)
