import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize.normalize import digits_to_ascii, normalize_arabic


def test_removes_tatweel():
    assert normalize_arabic("الســـــلام بـ\u0640\u0640ـ") == "السلام ب"


@pytest.mark.parametrize("written, joined", [
    ("تحرض على الإرهاب بـ 30 لغة", "تحرض على الإرهاب ب30 لغة"),
    ("الذكرى الثانية لـ تحرير مناطق داعش", "الذكرى الثانية لتحرير مناطق داعش"),
    ("أعضاء التحالف الـ83", "أعضاء التحالف ال83"),
    ("وبالـ 2020 وللـ 5 وكـ عضو فـ قال", "وبال2020 ولل5 وكعضو فقال"),
    ("التابع لـ”الإدارة الذاتية”", "التابع ل”الإدارة الذاتية”"),
])
def test_a_clitic_written_with_tatweel_stays_on_its_word(written, joined):
    assert normalize_arabic(written) == joined


def test_tatweel_after_a_word_that_is_no_clitic_only_goes():
    # "هـ" abbreviates the Hijri year; a word ending in a tatweel keeps its space.
    assert normalize_arabic("1436 هـ الموافق") == "1436 ه الموافق"
    assert normalize_arabic("داعـش الإرهابي وقالـ الوزير") == "داعش الإرهابي وقال الوزير"
    assert normalize_arabic("بـ\nسطر") == "ب\nسطر"  # a line break is a paragraph: never joined across


def test_icon_font_glyphs_are_removed():
    assert normalize_arabic("\uf06f متابعة/ المدى") == "متابعة/ المدى"


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_removes_zero_width_characters(invisible):
    assert normalize_arabic(f"إي{invisible}ران") == "إيران"


@pytest.mark.parametrize(
    "control", ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
def test_removes_bidi_controls(control):
    assert normalize_arabic(f"{control}ترامب 2018{control}") == "ترامب 2018"


def test_arabic_indic_digits_become_ascii():
    assert normalize_arabic("٠١٢٣٤٥٦٧٨٩") == "0123456789"


def test_extended_arabic_indic_digits_become_ascii():
    assert normalize_arabic("۰۱۲۳۴۵۶۷۸۹") == "0123456789"


def test_arabic_decimal_and_thousands_separators():
    assert normalize_arabic("١٢٫٥٪ من ٢٬٠٠٠") == "12.5% من 2,000"


def test_digits_to_ascii_touches_nothing_else():
    assert digits_to_ascii("عام ٢٠١٨ و۱۳۹۷ ـ\u00a0") == "عام 2018 و1397 ـ\u00a0"


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2002", "\u2003", "\u2009", "\u3000", "\t"])
def test_unicode_spaces_become_one_plain_space(space):
    assert normalize_arabic(f"قال{space}{space} ترامب") == "قال ترامب"


def test_collapses_runs_and_strips_each_line_but_keeps_line_breaks():
    assert normalize_arabic("  الفقرة   الأولى.  \n\t الفقرة الثانية. \n") == "الفقرة الأولى.\nالفقرة الثانية.\n"


def test_every_line_separator_becomes_newline():
    assert normalize_arabic("أ\r\nب\rج\u2028د\u2029هـ") == "أ\nب\nج\nد\nه"


def test_presentation_forms_fold_to_letters():
    # "لا" written with the lam-alef ligature and isolated/final shaped letters, as scraped PDFs have it.
    assert normalize_arabic("\ufefb \ufe8d\ufedf\ufeb4\ufefc\ufee1") == "لا السلام"


def test_honorific_ligature_expands_but_ellipsis_and_superscripts_stay():
    # Deliberately NFC + folding of the presentation blocks only, not NFKC everywhere.
    assert normalize_arabic("محمد \ufdfa") == "محمد صلى الله عليه وسلم"
    assert normalize_arabic("انتظر… 5 كم²") == "انتظر… 5 كم²"


def test_result_is_nfc():
    decomposed = "ا\u0653"  # alef + madda above composes to آ
    assert normalize_arabic(decomposed) == "\u0622"
    assert unicodedata.is_normalized("NFC", normalize_arabic("e\u0301 ا\u200d\u0653"))


def test_composition_across_a_removed_joiner_is_stable():
    text = "ا\u200d\u0653"
    once = normalize_arabic(text)
    assert once == "\u0622" and normalize_arabic(once) == once


_ARABICISH = st.text(
    alphabet=st.sampled_from(
        list("ابتثجحخدذرسشصضطظعغفقكلمنهوية ءآأؤإئ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬٪.،؟!«»\"\n\r\t ")
        + ["\u0640", "\u200b", "\u200f", "\u202b", "\u2067", "\u00a0", "\ufeff", "\u064b", "\u0653", "\ufefb", "\ufe71", "\ufdfa", "\u2028", "\uf06f"]
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_ARABICISH, st.text(max_size=80)))
def test_idempotent(text):
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once


@settings(max_examples=200, deadline=None)
@given(_ARABICISH)
def test_output_has_no_removed_classes(text):
    out = normalize_arabic(text)
    assert not set(out) & set("\uf06f\u0640\u200b\u200f\u202b\u2067\u00a0\ufeff\r\t\u2028٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬")
    assert all(line == line.strip() and "  " not in line for line in out.split("\n"))
