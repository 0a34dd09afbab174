"""Character-level normalisation of scraped Arabic text, before any line is judged or any sentence cut.

Everything here is idempotent: ``normalize_arabic(normalize_arabic(t)) == normalize_arabic(t)``.
Line breaks survive (they are paragraph boundaries); everything else that merely *looks* like space
becomes one plain space, and characters that render as nothing are removed.
"""
from __future__ import annotations

import re
import unicodedata

# Arabic-Indic (U+0660–0669) and Extended Arabic-Indic / Persian (U+06F0–06F9) digits. Later stages
# compare numbers between the Arabic source and the English output, so both scripts must become ASCII.
# The Arabic decimal separator ٫ and thousands separator ٬ only ever sit between digits in news text;
# the Arabic percent sign ٪ is mapped too so "٢٫٥٪" reads "2.5%" exactly like the English side.
_DIGITS = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)}}
_DIGIT_TABLE = str.maketrans({**_DIGITS, 0x066B: ".", 0x066C: ",", 0x066A: "%"})

# Characters that render as nothing but break word matching, tokenisation and equality:
# tatweel (kashida, pure elongation), zero-width space/joiners, word joiner, BOM / zero-width no-break
# space, bidi marks and embeddings/isolates that RTL editors and CMSs scatter through Arabic text,
# and the soft hyphen.
_INVISIBLE = re.compile(
    "[\u0640\u200b-\u200d\u2060\ufeff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u00ad]"
)

# A clitic written apart with a tatweel ("بـ 30", "لـ تحرير", "الـ83", "وبالـ 2020"): the tatweel stands
# for the joint, so the space after it goes too and the clitic stays on its word once the tatweel is
# removed ("ب30", "لتحرير", "ال83"). Only the one-letter prepositions and conjunctions and the article
# (with what may precede them) standing as a word of their own: "هـ" (Hijri year) is not a clitic.
_CLITIC_TATWEEL = re.compile(
    "(?<![\u0621-\u064a])((?:[وف]?[بلك]?ال|[وف]?لل|[وف]?[بلك]|[وف]))\u0640+[^\\S\n]*(?=[^\\s\u0640])"
)

# Every line separator str.splitlines() knows becomes "\n", so "one line = one paragraph" holds
# whatever the page's origin (CRLF files, U+2028 from JSON-escaped CMS text, form feeds).
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e]")

# Remaining whitespace that is not a line break (tab, NBSP, narrow NBSP, en/em/thin spaces, ideographic
# space, \x1f): one plain space, so splitting on " " and on str.split() agree.
_SPACES = re.compile(r"[^\S\n]+")

# C0/C1 control characters that are not whitespace carry nothing readable (NULs and stray escapes
# from broken encodings); whitespace controls were handled above.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f\x80-\x84\x86-\x9f]")

# Private-use code points are icon-font glyphs (Font Awesome, Wingdings: "\uf06f" before a byline):
# they render as a pictogram only with the site's own font, and as nothing a reader or model knows.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010fffd]")

# Arabic presentation forms A and B: scraped PDFs and old sites store shaped glyphs (ﻻ, ﺍﻟ…) instead of
# letters, which a tokenizer then sees as unknown symbols.
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")


# Short vowels, tanween, shadda, sukun, the dagger alef and Quranic annotation marks: optional in
# news text, so two spellings of one word differ by them.
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_ALEF_FORMS = re.compile("[أإآٱ]")
_LETTER_FOLDS = str.maketrans("ةى", "هي")
_HAMZA_CARRIER_FOLDS = str.maketrans("ؤئ", "وي")


def strip_diacritics(text: str) -> str:
    return _DIACRITICS.sub("", text)


def fold_letters(text: str, *, hamza_carriers: bool = False) -> str:
    """The spelling variants Arabic outlets disagree on, folded: diacritics removed, أ إ آ ٱ → ا,
    ة → ه, ى → ي; with ``hamza_carriers`` also ؤ → و and ئ → ي (for comparing whole texts; number words
    keep their hamza, "مئة")."""
    text = _ALEF_FORMS.sub("ا", strip_diacritics(text)).translate(_LETTER_FOLDS)
    return text.translate(_HAMZA_CARRIER_FOLDS) if hamza_carriers else text


def fold_spelling(text: str) -> str:
    """``text`` normalised (``normalize_arabic``) with its spelling variants folded, hamza carriers
    included (``fold_letters``): the one form Arabic texts are compared in, by the stories and the
    watchlist alike, so a term and an article that differ only by them meet."""
    return fold_letters(normalize_arabic(text), hamza_carriers=True)


def _fold_presentation_forms(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group(0))


def digits_to_ascii(text: str) -> str:
    """Arabic-Indic and Extended Arabic-Indic digits → 0–9; ٫ → '.', ٬ → ',', ٪ → '%'."""
    return text.translate(_DIGIT_TABLE)


def normalize_arabic(text: str) -> str:
    """Normalise scraped Arabic text; see the module docstring. Idempotent."""
    # NFC, not NFKC, for the text as a whole: NFKC would also rewrite "…" as "...", "m²" as "m2",
    # "½" as "1⁄2" and full-width forms — changes of meaning or of punctuation that the segmenter
    # reads. Compatibility folding is applied only to the Arabic presentation-form blocks, where it is
    # exactly what is wanted; that also expands ligatures such as ﷺ into "صلى الله عليه وسلم" and ﷲ
    # into "الله", which is desirable here because a translation model knows the words, not the glyph.
    # Folding runs first because some forms fold to a tatweel (U+FE71 → "ـً"), which must then go.
    text = _PRESENTATION_FORMS.sub(_fold_presentation_forms, text)
    text = _CLITIC_TATWEEL.sub(r"\1", text)
    # Invisibles before NFC: a joiner between a letter and its combining mark blocks composition, and
    # removing it after NFC would leave a string a second pass would compose differently.
    text = _INVISIBLE.sub("", text)
    text = _CONTROLS.sub("", text)
    text = _PRIVATE_USE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = digits_to_ascii(text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip(" ") for line in text.split("\n"))
