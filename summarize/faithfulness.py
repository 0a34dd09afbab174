"""Faithfulness flags: what an Arabic sentence states that its English translation lost — numbers,
and names written in Latin script — so analysts know which sentences to check against the source.

Works on one (Arabic segment, English segment) pair at a time: the pipeline translates sentence by
sentence, so each pair is a sentence and its own translation. Pure functions, standard library only.

What is checked (items of the Arabic that must be found in the English):

- ``number:V`` — every number in the Arabic: digits (Arabic-Indic digits are normalised first:
  "٢٠١٥" is 2015, "٢٫٥٪" is 2.5%) and cardinal number words from three up ("ثلاثة", "خمسة عشر",
  "عشرين", "خمسة وعشرين", "ثلاثة آلاف"). A number counts as found when the English holds the same
  value, whatever the writing: "2015"; "three" / "3"; "twenty-five"; "13,000" for "13000"; a scale
  word multiplies ("1.5 مليون" is found as "1.5 million", "1,500,000" or "1.5m"), and the bare number
  in front of the scale counts too; a percent sign is not required ("63%" ~ "63 percent").
  One and two are not checked: Arabic says them with the dual and the indefinite ("صاروخين" is "two
  missiles" with no number word), so "واحد"/"اثنين" often have no English number. Ordinals ("الثاني",
  "الثامنة مساء") are not checked either.
- ``quote:S`` — a span in «» or "" of 1–4 words that contains Latin letters: its Latin words must
  appear in the English (case-insensitive). Quoted spans in Arabic script alone are NOT checked:
  without a transliteration model a dropped name («تمام») cannot be told from a translated phrase
  («المرأة الحديدية» → "Iron Lady", scare quotes «خائفة» → "afraid"), and the quotes in news text are
  mostly the latter.
- ``latin:W`` — a Latin-script word outside quotes (CIA, CNN, F-35): names and acronyms the
  translation must keep.

What it cannot do: see a wrong name in Arabic script, a number attached to the wrong noun, a date
whose month was mistranslated, or a negation dropped. A flag means "check this sentence", not "this is
wrong": "the Six" for "الدول الست" passes, "a dozen" for "اثنا عشر" is flagged.
"""
from __future__ import annotations

import functools
import re
from typing import Iterable, Sequence

from summarize.normalize import digits_to_ascii, fold_letters, strip_diacritics

# ----------------------------------------------------------------------------------------------
# Arabic side: digits, number words, scale words.

# Digits with optional decimal part; thousands separators (comma, Arabic ٬ already mapped to ",")
# only in groups of three.
_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])|(?<![\d.,])\d+(?:\.\d+)?(?![\d])")

# Clitics that glue onto a number word: و (and), ف, ب, ل, the article ال and their combinations.
# Short number words take only و and ال: "لست" is "I am not", not ل + ست (six).
_CLITICS = ("وبال", "وال", "بال", "فال", "لل", "ال", "وب", "ول", "و", "ف", "ب", "ل")
_SHORT_CLITICS = ("وال", "ال", "و")
# Percent written out after a number: "63 بالمائة", "63 في المئة" (folded forms).
# "12:00", "08:30", and race times "4:41.30" (the fraction goes with the time).
_TIME = re.compile(r"\b([01]?\d|2[0-3])[:،](\d{2})(?:\.\d+)?\b")
# Ordinals (folded, without the article) before "عشر": "القرن التاسع عشر" is the 19th century, no ten.
_AR_ORDINALS = {"حادي", "ثاني", "ثالث", "رابع", "خامس", "سادس", "سابع", "ثامن", "تاسع", "حاديه", "ثانيه", "ثالثه",
                "رابعه", "خامسه", "سادسه", "سابعه", "ثامنه", "تاسعه"}
_PERCENT_WORDS = {"بالمائه", "بالمئه", "المائه", "المئه"}

# Cardinal words, folded (أ إ آ → ا, ة → ه, ى → ي), in the forms case and gender give them.
_AR_UNITS = {
    3: "ثلاث ثلاثه", 4: "اربع اربعه", 5: "خمس خمسه", 6: "ست سته", 7: "سبع سبعه", 8: "ثماني ثمانيه ثمان",
    9: "تسع تسعه", 10: "عشر عشره",
}
_AR_TENS = {20: "عشرون عشرين", 30: "ثلاثون ثلاثين", 40: "اربعون اربعين", 50: "خمسون خمسين",
            60: "ستون ستين", 70: "سبعون سبعين", 80: "ثمانون ثمانين", 90: "تسعون تسعين"}
_AR_HUNDREDS = {100: "مئه مائه", 200: "مئتان مئتين مائتان مائتين", 300: "ثلاثمئه ثلاثمائه",
                400: "اربعمئه اربعمائه", 500: "خمسمئه خمسمائه", 600: "ستمئه ستمائه", 700: "سبعمئه سبعمائه",
                800: "ثمانمئه ثمانمائه ثمانيمائه", 900: "تسعمئه تسعمائه"}
# Small numbers only count as part of a compound ("واحد وعشرين", "اثنا عشر").
_AR_SMALL = {1: "واحد واحده احد احدي", 2: "اثنان اثنين اثنا اثني اثنتان اثنتين"}
_AR_SCALES = {1_000: "الف الاف الفا الفين", 1_000_000: "مليون ملايين مليونا مليونين",
              1_000_000_000: "مليار مليارات مليارا مليارين بليون"}


def _table(groups: dict[int, str]) -> dict[str, int]:
    return {word: value for value, forms in groups.items() for word in forms.split()}


_AR_WORD_VALUE = {**_table(_AR_SMALL), **_table(_AR_UNITS), **_table(_AR_TENS), **_table(_AR_HUNDREDS)}
_AR_SCALE_VALUE = _table(_AR_SCALES)
# Dual forms of a scale word mean two of it on their own ("ألفين" = 2000).
_AR_DUAL_SCALES = {"الفين": 2_000, "مليونين": 2_000_000, "مليارين": 2_000_000_000}
_AR_TEEN_TAIL = {"عشر", "عشره"}


@functools.lru_cache(maxsize=4096)
def _fold(word: str) -> str:
    # Every word of every sentence is folded, and news repeats its common words many times over (a
    # small cache: a whole day's words would hold megabytes).
    return fold_letters(word)


def _clitic_forms(table: dict[str, int]) -> dict[str, tuple[str, str]]:
    """Every way a word of ``table`` is written, bare or behind a clitic → (clitic, bare word): the
    bare word first, then the clitics in ``_CLITICS`` order (the first that fits wins). A bare word of
    three letters or fewer takes only the short clitics: "وست" is not "and six"."""
    forms = {word: ("", word) for word in table}
    for clitic in _CLITICS:
        for bare in table:
            if len(bare) > 3 or clitic in _SHORT_CLITICS:
                forms.setdefault(clitic + bare, (clitic, bare))
    return forms


# (clitic, bare word) by every written form: one dictionary lookup per word of every sentence, not a
# loop over the clitics.
_WORD_FORMS = _clitic_forms(_AR_WORD_VALUE)
_SCALE_FORMS = _clitic_forms(_AR_SCALE_VALUE)
_DUAL_SCALE_FORMS = _clitic_forms(_AR_DUAL_SCALES)
# A number phrase starts with a number word (bare or behind a clitic): most words are not one.
_NUMBER_STARTS = frozenset(_WORD_FORMS) | frozenset(_DUAL_SCALE_FORMS)


def _format(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def arabic_numbers(arabic: str) -> list[tuple[str, set[float]]]:
    """The numbers of an Arabic sentence: (label, values any of which the English may show). Labels
    are the number as written in digits ("2015", "22.19", "13000%") or the value of a number phrase
    ("25")."""
    # Diacritics off first: a short vowel would cut "ستُنشر" (will be published) into "ست" (six) + "نشر".
    text = strip_diacritics(digits_to_ascii(arabic))
    # Clock times ("12:00", "08:30") are one number each: hours, or hours and minutes run together.
    text = _TIME.sub(lambda m: f" {m.group(1)}:{m.group(2)} ", text)
    # Dotted dates ("8.5.2018") are three numbers, not a decimal followed by a year.
    text = re.sub(r"\b(\d{1,2})\.(\d{1,2})\.(\d{2,4})\b", r"\1 \2 \3", text)
    tokens = re.findall(r"\d{1,2}:\d{2}|\d[\d,]*(?:\.\d+)?%?|[^\W\d_]+", text)
    folded = [_fold(t) for t in tokens]
    found: list[tuple[str, set[float]]] = []
    i = 0
    while i < len(tokens):
        if folded[i] in _PERCENT_WORDS:
            i += 1
            continue
        if ":" in tokens[i]:
            hours, minutes = (int(x) for x in tokens[i].split(":"))
            found.append((tokens[i], {float(hours), hours * 100.0 + minutes, hours + minutes / 100}))
            i += 1
            continue
        if tokens[i][0].isdigit():
            label = tokens[i].rstrip(",")
            if not label.strip("0"):  # "00": padding of a time or a score, not a quantity
                i += 1
                continue
            match = _NUMBER.fullmatch(label.rstrip("%"))
            if match is None:  # "1,2,3": not one number; take its digit runs
                found.extend((piece, {float(piece)}) for piece in re.findall(r"\d+", label))
                i += 1
                continue
            value = float(match.group().replace(",", ""))
            values = {value}
            scale = _SCALE_FORMS.get(folded[i + 1]) if i + 1 < len(tokens) else None
            if scale:
                values.add(value * _AR_SCALE_VALUE[scale[1]])
            found.append((label, values))
            i += 1
            continue
        value, length = _word_number(folded, i) if folded[i] in _NUMBER_STARTS else (0.0, 0)
        if length:
            found.append((_format(value), {value}))
            i += length
        else:
            i += 1
    return found


def _word_number(folded: list[str], start: int) -> tuple[float, int]:
    """A number phrase starting at ``folded[start]``: (value, words used), or (0, 0) when none starts
    there or it is only one or two ("واحد", "اثنين": not checked, see the module docstring).

    After the first word a phrase goes on with "و" + units/tens ("خمسة وعشرين"), "عشر" after a unit
    ("خمسة عشر"), مائة after a unit ("ثلاث مائة"), or a scale word ("ثلاثة آلاف")."""
    previous = re.sub("^(?:وال|ال)", "", folded[start - 1]) if start else ""
    if folded[start] in _AR_TEEN_TAIL and previous in _AR_ORDINALS:
        return 0.0, 0
    if start == 0 or folded[start - 1] != "في" or folded[start] not in _PERCENT_WORDS:
        dual = _DUAL_SCALE_FORMS.get(folded[start])
        if dual:
            return float(_AR_DUAL_SCALES[dual[1]]), 1
    total, current, small_only = 0.0, 0.0, True
    joiners = ("و",)  # how a following number word attaches: "خمسة وعشرين", "الخمس والعشرون"
    i = start
    while i < len(folded):
        word = folded[i]
        first = i == start
        if not first and word in _AR_TEEN_TAIL and 0 < current < 10:  # "خمسة عشر" = 15
            current, small_only = current + 10, False
            i += 1
            continue
        scale = None if first else _SCALE_FORMS.get(word)
        if scale and scale[0] in ("", *joiners):
            total, current, small_only = total + max(current, 1) * _AR_SCALE_VALUE[scale[1]], 0.0, False
            i += 1
            continue
        name = _WORD_FORMS.get(word)
        if name is None:
            break
        clitic, bare = name
        value = _AR_WORD_VALUE[bare]
        if first:
            if value >= 100 and "ال" in clitic:  # "بالمائة", "الذكرى المئة": percent, hundredth
                break
            current = value
            if "ال" in clitic:
                joiners = ("و", "وال")
        elif clitic in joiners and ((value >= 20 and 0 < current < 10)  # "خمسة وعشرين" = 25
                                    or (current >= 100 and current % 100 == 0 and value < 100)):  # "مائة وخمسة"
            current += value
        elif clitic == "" and value == 100 and 0 < current < 10:  # "ثلاث مائة" = 300
            current *= 100
        else:
            break
        small_only = small_only and value <= 2
        i += 1
    used = i - start
    if not used or small_only:
        return 0.0, 0
    return total + current, used


# ----------------------------------------------------------------------------------------------
# English side: every value the text shows, in digits or words.

_EN_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
             "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
             "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
             "dozen": 12, "a": 1, "an": 1}
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
                "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
                "nineteenth": 19, "twentieth": 20, "thirtieth": 30}
# A month's name shows its number: "8.5.2018" ~ "8 May 2018".
_EN_MONTHS = {name: n for n, name in enumerate(
    "january february march april may june july august september october november december".split(), start=1)}
_EN_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
              "trillion": 1_000_000_000_000, "k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000,
              "thousands": 1_000, "millions": 1_000_000, "billions": 1_000_000_000, "hundreds": 100}
_EN_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[a-z]+")


def english_values(english: str) -> set[float]:
    """Every number the English shows: digits ("13,000" is 13000, "8th" is 8), number words
    ("twenty-five", "one hundred and five", "a dozen"), ordinals ("eighth"), and scaled forms both
    scaled and not ("1.5 million" and "$1.5bn" give 1.5 and its scaled value)."""
    tokens = _EN_TOKEN.findall(english.lower().replace("-", " "))
    values: set[float] = set()
    total, current, in_phrase, digits = 0.0, 0.0, False, False

    def close() -> None:
        nonlocal total, current, in_phrase, digits
        if in_phrase:
            values.add(total + current)
        total, current, in_phrase, digits = 0.0, 0.0, False, False

    for index, token in enumerate(tokens):
        if token[0].isdigit():
            close()
            token = token.rstrip(",")
            number = _NUMBER.fullmatch(token)
            if number is None:
                values.update(float(p) for p in re.findall(r"\d+", token))
                continue
            current, in_phrase, digits = float(token.replace(",", "")), True, True
            values.add(current)
        elif token in _EN_SCALES and in_phrase:
            scale = _EN_SCALES[token]
            if scale == 100:
                current = max(current, 1) * scale
            else:
                total += max(current, 1) * scale
                current = 0.0
        elif token in _EN_UNITS and (token not in ("a", "an") or _next_is_scale(tokens, index)):
            if in_phrase and (digits or not _extends(current, _EN_UNITS[token])):
                close()  # "three four", "twenty-five, one" and "1976, thirty" are two numbers each
            current += _EN_UNITS[token]
            in_phrase = True
        elif token == "and" and in_phrase:
            continue
        else:
            close()
            if token in _EN_ORDINALS:
                values.add(float(_EN_ORDINALS[token]))
            elif token in _EN_MONTHS:
                values.add(float(_EN_MONTHS[token]))
    close()
    return values


def _extends(current: float, value: int) -> bool:
    """Whether a number word of ``value`` continues a phrase worth ``current`` so far: a unit after
    a round ten ("twenty five") or after a hundred ("hundred and five"), a teen or ten after a
    hundred."""
    rest = current % 100
    return rest == 0 or (value < 10 and rest % 10 == 0 and rest >= 20)


def _next_is_scale(tokens: Sequence[str], index: int) -> bool:
    return index + 1 < len(tokens) and tokens[index + 1] in _EN_SCALES


# ----------------------------------------------------------------------------------------------
# Names: Latin words, quoted spans.

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.'][A-Za-z0-9]+)*")
_QUOTED = re.compile(r"«([^«»]{1,80})»|\"([^\"]{1,80})\"|“([^“”]{1,80})”")
MAX_QUOTE_WORDS = 4


_NOT_LATIN_KEY = re.compile(r"[^a-z0-9]")


def _latin_key(word: str) -> str:
    return _NOT_LATIN_KEY.sub("", word.lower())


def _english_words(english: str) -> set[str]:
    return {_latin_key(w) for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9.'-]*", english)} | {
        _latin_key(w) for w in english.split()}


def missing_names(arabic: str, english: str) -> list[str]:
    """``quote:…`` / ``latin:…`` items of the Arabic whose Latin words the English lacks."""
    if not _LATIN_WORD.search(arabic):  # most Arabic sentences: nothing to look for in the English
        return []
    english_words = _english_words(english)
    english_squashed = _latin_key(english)
    missing: list[str] = []
    quoted_spans = []
    for match in _QUOTED.finditer(arabic):
        span = next(g for g in match.groups() if g is not None).strip()
        quoted_spans.append(match.span())
        latin = _LATIN_WORD.findall(span)
        if not latin or not 1 <= len(span.split()) <= MAX_QUOTE_WORDS:
            continue
        if any(_latin_key(w) not in english_words and _latin_key(w) not in english_squashed for w in latin):
            missing.append(f"quote:{span}")
    for match in _LATIN_WORD.finditer(arabic):
        if any(a <= match.start() < b for a, b in quoted_spans):
            continue
        key = _latin_key(match.group())
        # Found as a word, or spelled across words/punctuation ("U.S." ~ "US", "F 35" ~ "F-35").
        if key and key not in english_words and key not in english_squashed:
            missing.append(f"latin:{match.group()}")
    return missing


# ----------------------------------------------------------------------------------------------


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def missing_numbers(arabic: str, english: str) -> list[str]:
    numbers = arabic_numbers(arabic)
    if not numbers:
        return []
    shown = english_values(english)
    missing = []
    for label, values in numbers:
        if not any(_close(v, s) for v in values for s in shown):
            missing.append(f"number:{label}")
    return missing


# Languages written in Latin script: every word of theirs is Latin, so a Latin word is no name to
# look for in the English; only their numbers are checked.
LATIN_SCRIPT = frozenset("fr tr de es it pt nl id ms sw so pl ro sq bs az vi".split())


def flag_sentence(arabic: str, english: str, *, language: str = "ar") -> list[str]:
    """What the source sentence holds and its English translation lacks: ``number:…``, ``quote:…`` and
    ``latin:…`` items in that order, each once; an empty list when nothing is missing. A sentence of
    a Latin-script ``language`` is checked for its numbers alone."""
    items = missing_numbers(arabic, english)
    if language not in LATIN_SCRIPT:
        items += missing_names(arabic, english)
    return list(dict.fromkeys(items))


def flag_segments(arabic: Sequence[str], english: Sequence[str], *, language: str = "ar") -> list[dict]:
    """Flags for aligned segments (an article's title segments then its body segments, as translated):
    ``{"segment": index, "ar": …, "en": …, "missing": [...]}`` for each pair with something missing
    ("ar" holds the source sentence, whatever its ``language``)."""
    if len(arabic) != len(english):
        raise ValueError(f"{len(arabic)} source segments but {len(english)} English ones")
    return [{"segment": index, "ar": ar, "en": en, "missing": missing}
            for index, (ar, en) in enumerate(zip(arabic, english))
            if (missing := flag_sentence(ar, en, language=language))]


def flag_pairs(pairs: Iterable[tuple[str, str]]) -> list[dict]:
    pairs = list(pairs)
    return flag_segments([a for a, _ in pairs], [e for _, e in pairs])
