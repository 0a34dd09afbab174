"""Guard rails for machine translations: cheap checks on one (Arabic source, English translation) pair
that catch the two classic ways a decoder fails — it loops (repeats itself), or its output is far
longer or shorter than its source (hallucinated text, dropped text).

Pure functions on strings, standard library only, linear in the text's length: safe to call on every
sentence of a digest. The thresholds were set on FLORES-200 devtest (1012 human ar→en sentence pairs):
none of its reference translations trips any check, with a wide margin (figures beside each constant).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any, Sequence

# Reason codes returned by check_translation, in the order they are checked.
REPETITION = "repetition"
TOO_LONG = "too_long"
TOO_SHORT = "too_short"
REASONS = (REPETITION, TOO_LONG, TOO_SHORT)

# --- repetition -------------------------------------------------------------------------------------
# An n-gram of REPEAT_NGRAM words may occur at most MAX_REPEATS times in a sentence. In the FLORES
# references no 3-gram occurs more than twice in a sentence (978 of 1012 have none repeated), while a
# looping decoder repeats its loop until the length cap: dozens of times.
REPEAT_NGRAM = 3
MAX_REPEATS = 3
# Longer text (a paragraph, a whole article) legitimately repeats phrases ("the United States"): the
# allowance grows by one per this many words. In whole FLORES documents (70-180 words) the most
# frequent 3-gram occurs at most 5 times (in 137 words; 137 // 25 = 5 allowed).
WORDS_PER_EXTRA_REPEAT = 25
# A single word made of a 1-3 letter unit repeated this many times or more in a row ("epepepepepepepep",
# "hhhhhhhhh") is a sub-word loop; no English word comes close (digits are not letters, so "10000000"
# is fine).
MIN_CHARACTER_LOOP = 8

# --- length -----------------------------------------------------------------------------------------
# Words are whitespace-separated tokens holding at least one letter or digit (punctuation alone is not
# a word). Arabic writes conjunctions, prepositions, the article and object pronouns as part of the
# word (و ب ل ال ـه), so English needs more words than Arabic: the usual en/ar word ratio is about
# 1.1-1.4 (FLORES devtest: median 1.13, 1st-99th percentile 0.75-1.71, extremes 0.63 and 2.11).
# A translation is flagged when it is outside [LOW_RATIO × ar − SLACK, HIGH_RATIO × ar + SLACK] words:
# about half or two and a half times the expected length. The slack keeps very short segments (a
# one-word heading, "نعم" → "Yes, indeed.") from being judged on a ratio of tiny numbers.
LOW_RATIO = 0.5
HIGH_RATIO = 2.5
LENGTH_SLACK = 3

_WORD = re.compile(r"\w+")
_HAS_WORD_CHARACTER = re.compile(r"\w")
_CHARACTER_LOOP = re.compile(r"([^\W\d_]{1,3}?)\1{%d,}" % (MIN_CHARACTER_LOOP - 1))


def word_count(text: str) -> int:
    """Whitespace-separated tokens that hold at least one letter or digit, in any script."""
    return sum(1 for token in text.split() if _HAS_WORD_CHARACTER.search(token))


def repetition(text: str, n: int = REPEAT_NGRAM, max_repeats: int = MAX_REPEATS) -> str | None:
    """What repeats, when ``text`` looks like a decoder loop; None when it does not.

    Three signs, checked on lower-cased words (punctuation ignored, so "of the, of the, ..." counts):

    - a run of 1 to ``n`` words repeated back to back more than ``max_repeats`` times
      ("the the the the", "of the of the of the of the");
    - one ``n``-word sequence occurring more than ``max_repeats`` times anywhere (longer loops, loops
      with small variations), the allowance growing by one per WORDS_PER_EXTRA_REPEAT words of text;
    - one word that is a 1-3 letter unit repeated MIN_CHARACTER_LOOP times or more ("epepepepepepepep").
    """
    if n < 1 or max_repeats < 1:
        raise ValueError(f"n and max_repeats must be at least 1, not {n} and {max_repeats}")
    words = _WORD.findall(text.lower())
    for period in range(1, n + 1):
        run = 0  # how many words in a row equal the word `period` places before them
        for i in range(period, len(words) + 1):
            if i < len(words) and words[i] == words[i - period]:
                run += 1
                continue
            copies = run // period + 1
            if copies > max_repeats:
                unit = " ".join(words[i - run - period:i - run])
                return f"{unit!r} {copies} times in a row"
            run = 0
    if len(words) >= n:
        allowed = max(max_repeats, len(words) // WORDS_PER_EXTRA_REPEAT)
        gram, count = Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1)).most_common(1)[0]
        if count > allowed:
            return f"{' '.join(gram)!r} {count} times"
    loop = _CHARACTER_LOOP.search(text)
    if loop:
        return f"{loop.group(1)!r} {len(loop.group(0)) // len(loop.group(1))} times in one word"
    return None


def length_ratio_problem(
    source: str, translation: str, low: float = LOW_RATIO, high: float = HIGH_RATIO, slack: int = LENGTH_SLACK
) -> str | None:
    """``"too_long"`` or ``"too_short"`` when the translation's word count is far from what the source's
    predicts (see LOW_RATIO, HIGH_RATIO, LENGTH_SLACK), else None. An empty translation of a source
    with words is too short whatever its length; an empty source with an empty translation is fine."""
    source_words, translation_words = word_count(source), word_count(translation)
    if translation_words > high * source_words + slack:
        return TOO_LONG
    if translation_words < low * source_words - slack or (source_words and not translation_words):
        return TOO_SHORT
    return None


def check_translation(source: str, translation: str) -> list[str]:
    """Reason codes ("repetition", "too_long", "too_short"), in that order, for everything wrong with
    this translation of this source; an empty list when nothing is."""
    reasons = []
    if repetition(translation) is not None:
        reasons.append(REPETITION)
    length = length_ratio_problem(source, translation)
    if length is not None:
        reasons.append(length)
    return reasons


def guard_report(sources: Sequence[str], translations: Sequence[str]) -> dict[str, Any]:
    """``check_translation`` on every pair: how many are flagged, per reason, and each flagged
    one (1-based line number, reasons, what repeats, word counts, texts)."""
    counts = dict.fromkeys(REASONS, 0)
    items = []
    for line, (source, translation) in enumerate(zip(sources, translations, strict=True), 1):
        reasons = check_translation(source, translation)
        if not reasons:
            continue
        for reason in reasons:
            counts[reason] += 1
        items.append({"line": line, "reasons": reasons,
                      "repeats": repetition(translation) if REPETITION in reasons else None,
                      "source_words": word_count(source), "translation_words": word_count(translation),
                      "source": source, "translation": translation})
    return {"flagged": len(items), "counts": counts, "thresholds": guard_thresholds(), "items": items}


def guard_thresholds() -> dict[str, Any]:
    return {"repeat_ngram": REPEAT_NGRAM, "max_repeats": MAX_REPEATS,
            "low_ratio": LOW_RATIO, "high_ratio": HIGH_RATIO, "length_slack": LENGTH_SLACK}


def summary_guard_report(summaries: Sequence[str]) -> dict[str, Any]:
    """Summaries that repeat themselves (``repetition``); lengths are not judged."""
    items = []
    for line, summary in enumerate(summaries, 1):
        repeats = repetition(summary)
        if repeats is not None:
            items.append({"line": line, "reasons": [REPETITION], "repeats": repeats, "summary": summary})
    return {"flagged": len(items), "counts": {REPETITION: len(items)}, "items": items}
