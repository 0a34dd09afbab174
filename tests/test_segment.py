import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize.clean import clean_text
from summarize.records import Article
from summarize.segment import (
    segment_article,
    segment_text,
    split_english_sentences,
    split_long,
    split_paragraphs,
    split_sentences,
    split_word,
)


def count_words(texts: list[str]) -> list[int]:
    return [len(t.split()) for t in texts]


def count_words_plus_eos(texts: list[str]) -> list[int]:
    # Like a real tokenizer: every text pays one special token (</s>), the empty string included.
    return [len(t.split()) + 1 for t in texts]


def count_chars(texts: list[str]) -> list[int]:
    # Per-word counts that do not add up linearly (spaces count), to exercise the re-check rounds.
    return [len(t) // 4 + 1 for t in texts]


def count_chars_plus_one(texts: list[str]) -> list[int]:
    # One token per character and one special token: a word's pieces can be checked by hand.
    return [len(t) + 1 for t in texts]


class CallCounter:
    def __init__(self, count):
        self.count, self.calls, self.texts = count, 0, 0

    def __call__(self, texts: list[str]) -> list[int]:
        self.calls += 1
        self.texts += len(texts)
        return self.count(texts)


def words(paragraphs: list[list[str]]) -> list[str]:
    return [w for p in paragraphs for s in p for w in s.split()]


# --- split_sentences -------------------------------------------------------------------------------


def test_splits_on_arabic_question_mark_semicolon_exclamation_and_ellipsis():
    text = "هل ينسحب ترامب؟ قال إنه سيقرر اليوم؛ وانتظر العالم! ثم جاء الإعلان… وبدأت ردود الفعل."
    assert split_sentences(text) == [
        "هل ينسحب ترامب؟",
        "قال إنه سيقرر اليوم؛",
        "وانتظر العالم!",
        "ثم جاء الإعلان…",
        "وبدأت ردود الفعل.",
    ]


def test_runs_of_marks_end_one_sentence():
    assert split_sentences("ماذا بعد؟! لا أحد يعرف... وقال إنه غاضب!! انتهى.") == [
        "ماذا بعد؟!",
        "لا أحد يعرف...",
        "وقال إنه غاضب!!",
        "انتهى.",
    ]


def test_no_split_inside_decimals_percentages_and_dates():
    text = "ارتفع المؤشر 3.5 نقطة أو 2.5% في 8.5.2018 وفي 2018/05/08. وقال المحللون إن الصعود سيستمر."
    assert split_sentences(text) == [
        "ارتفع المؤشر 3.5 نقطة أو 2.5% في 8.5.2018 وفي 2018/05/08.",
        "وقال المحللون إن الصعود سيستمر.",
    ]


@pytest.mark.parametrize(
    "abbreviated",
    ["د. محمد البرادعي", "م. ناصر العتيبي", "أ. د. سالم الشهري", "أ.د. سالم الشهري", "ص. ب 1006", "U.S. officials", "Mr. Smith", "e.g. this", "J. K. Rowling"],
)
def test_no_split_after_abbreviations(abbreviated):
    text = f"وقال {abbreviated} إن الاتفاق انتهى. وأضاف أن العقوبات ستعود."
    assert split_sentences(text) == [f"وقال {abbreviated} إن الاتفاق انتهى.", "وأضاف أن العقوبات ستعود."]


def test_no_split_in_urls_and_emails():
    text = "زوروا www.example.com/a.b?x=1 أو راسلوا info@news.example.sa. وتابعوا التغطية."
    assert split_sentences(text) == ["زوروا www.example.com/a.b?x=1 أو راسلوا info@news.example.sa.", "وتابعوا التغطية."]


def test_guillemet_quote_with_inner_stop_is_one_sentence_and_keeps_its_closing_mark():
    text = "وقال الوزير «الاتفاق ملك لنا جميعا. ابقوا ملتزمين». ثم غادر القاعة."
    assert split_sentences(text) == ["وقال الوزير «الاتفاق ملك لنا جميعا. ابقوا ملتزمين».", "ثم غادر القاعة."]


def test_straight_quote_with_inner_stop_and_closing_quote_after_final_stop():
    text = 'وقال ترامب "أعلن اليوم الانسحاب. سنفرض عقوبات." وردت طهران بغضب.'
    assert split_sentences(text) == ['وقال ترامب "أعلن اليوم الانسحاب. سنفرض عقوبات."', "وردت طهران بغضب."]


def test_curly_quotes_and_brackets_protect_inner_stops():
    text = "وقالت “الاتفاق ملك لنا. لن نتركه” (وهذا موقف الاتحاد. وليس جديدا) وانتهى المؤتمر. وغادر الوفد."
    assert split_sentences(text) == [
        "وقالت “الاتفاق ملك لنا. لن نتركه” (وهذا موقف الاتحاد. وليس جديدا) وانتهى المؤتمر.",
        "وغادر الوفد.",
    ]


def test_ellipsis_in_brackets_is_an_omission_not_an_end():
    text = "قال ترامب: أعلن الانسحاب من الاتفاق مع إيران (...) وفي لحظات سأوقع مذكرة."
    assert split_sentences(text) == [text]


def test_a_stray_quote_does_not_switch_off_splitting():
    text = 'وقال "الاتفاق سيء. وأضاف أن العقوبات قادمة. وردت إيران.'
    assert split_sentences(text) == ['وقال "الاتفاق سيء.', "وأضاف أن العقوبات قادمة.", "وردت إيران."]


def test_stop_after_a_closing_straight_quote_ends_the_sentence():
    text = 'وقال إن المطالب "مشروعة". وتابع حديثه "بهدوء"! ثم غادر.'
    assert split_sentences(text) == ['وقال إن المطالب "مشروعة".', 'وتابع حديثه "بهدوء"!', "ثم غادر."]


def test_numbered_list_marker_stays_with_its_item_with_its_spacing():
    assert split_sentences("1.\tالتحرش باللمس. 2. التحرش بالنظر") == ["1.\tالتحرش باللمس.", "2. التحرش بالنظر"]


def test_split_paragraphs_drops_blank_lines_and_strips():
    assert split_paragraphs(" الأولى. \n\n  \nالثانية\r\nالثالثة") == ["الأولى.", "الثانية", "الثالثة"]


# --- split_long ------------------------------------------------------------------------------------

LONG_RUN = " ".join(f"كلمة{i}" for i in range(95))


def test_split_long_returns_a_fitting_sentence_unchanged():
    assert split_long("  جملة قصيرة.  ", 10, count_words) == ["جملة قصيرة."]


def test_split_long_unpunctuated_run_fits_without_loss_and_balances():
    pieces = split_long(LONG_RUN, 20, count_words)
    assert all(len(p.split()) <= 20 for p in pieces)
    assert " ".join(pieces).split() == LONG_RUN.split()
    assert len(pieces) == 5 and min(len(p.split()) for p in pieces) >= 15  # 95 words → 5 × 19, no scrap


def test_split_long_just_over_the_limit_halves_rather_than_leaving_a_scrap():
    pieces = split_long(" ".join(["كلمة"] * 22), 20, count_words)
    assert [len(p.split()) for p in pieces] == [11, 11]


def test_split_long_prefers_comma_then_conjunction_then_space():
    first = " ".join(["أ"] * 8)
    second = " ".join(["ب"] * 8)
    assert split_long(f"{first}، {second}", 12, count_words) == [f"{first}،", second]
    assert split_long(f"{first} ثم {second}", 12, count_words) == [first, f"ثم {second}"]
    assert split_long(f"{first} و {second}", 12, count_words) == [first, f"و {second}"]


def test_split_long_does_not_treat_a_glued_waw_as_a_conjunction():
    # Were "وقال" a conjunction, the cut would go before it (after 6 words); it goes at the middle.
    sentence = " ".join(["أ"] * 6 + ["وقال"] + ["ب"] * 10)
    pieces = split_long(sentence, 12, count_words)
    assert [len(p.split()) for p in pieces] == [8, 9]


def test_split_long_prefers_a_stop_inside_a_quotation():
    first, second = " ".join(["كلمة"] * 6), " ".join(["أخرى"] * 12)
    sentence = f'وقال "{first}. {second}"'
    assert split_long(sentence, 14, count_words) == [f'وقال "{first}.', f'{second}"']
    # after an abbreviation ("د.") the stop is no safer than any space: the cut goes to the middle
    abbreviated = split_long(f'وقال "{first} د. {second}"', 14, count_words)
    assert [len(p.split()) for p in abbreviated] == [10, 10]


def test_split_long_cuts_an_over_long_word_by_its_tokens():
    url = "https://example.com/" + "a" * 300
    sentence = f"رابط التقرير الكامل {url} كما نشرته الوزارة اليوم"
    pieces = split_long(sentence, 3, count_chars)
    assert max(count_chars(pieces)) <= 3
    # The other words stay whole, around the URL's pieces, which join back into the URL.
    latin = [i for i, p in enumerate(pieces) if p.isascii()]
    assert latin == list(range(latin[0], latin[-1] + 1)) and len(latin) > 10
    assert "".join(pieces[latin[0]:latin[-1] + 1]) == url
    assert " ".join(pieces[:latin[0]]).split() == ["رابط", "التقرير", "الكامل"]
    assert " ".join(pieces[latin[-1] + 1:]).split() == ["كما", "نشرته", "الوزارة", "اليوم"]


def test_split_word_makes_equal_pieces_that_join_back():
    word = "ب" * 100
    pieces = split_word(word, 41, count_chars_plus_one)  # 101 tokens, 40 of room per piece: 3 pieces
    assert "".join(pieces) == word
    assert [len(p) for p in pieces] == [34, 33, 33]  # no scrap: equal shares, not 40 + 40 + 20


def test_split_word_cuts_a_run_of_combining_marks():
    word = "ب" + "\u064e" * 300
    pieces = split_word(word, 64, count_chars_plus_one)
    assert "".join(pieces) == word and len(pieces) == 5
    assert max(count_chars_plus_one(pieces)) <= 64


def test_split_word_keeps_a_word_whole_when_nothing_could_fit():
    # One special token and a limit of one: no non-empty piece can ever fit, so cutting gains nothing.
    assert split_word("كلمة", 1, count_words_plus_eos) == ["كلمة"]
    assert split_word("قصيرة", 10, count_chars_plus_one) == ["قصيرة"]


def test_split_word_costs_few_count_calls():
    word = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي" * 400  # 11,200 characters
    counter = CallCounter(count_chars_plus_one)
    pieces = split_word(word, 64, counter)
    assert "".join(pieces) == word and max(count_chars_plus_one(pieces)) <= 64
    assert counter.calls <= 4 * len(pieces)


def lumpy(texts: list[str]) -> list[int]:
    """A tokenizer-like count that is not monotonic in the prefix: runs of a letter merge into one
    token, a digit costs two, and every text pays one special token."""
    return [1 + sum(2 if ch.isdigit() else 1 for i, ch in enumerate(t) if i == 0 or ch != t[i - 1]) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Zs", "Cc")), min_size=1, max_size=300),
       st.integers(min_value=2, max_value=20))
def test_split_word_pieces_fit_and_join_back(word, limit):
    word = "".join(word.split())
    if not word:
        return
    for count in (lumpy, count_chars_plus_one):
        pieces = split_word(word, limit, count)
        assert "".join(pieces) == word
        assert all(pieces)
        assert all(n <= limit for p, n in zip(pieces, count(pieces)) if len(p) > 1)
        assert split_word(word, limit, count) == pieces  # deterministic


def test_split_long_respects_per_text_overhead():
    pieces = split_long(LONG_RUN, 20, count_words_plus_eos)
    assert max(count_words_plus_eos(pieces)) <= 20


def test_split_long_with_a_non_additive_counter_still_fits():
    pieces = split_long(LONG_RUN + "، " + LONG_RUN, 30, count_chars)
    assert max(count_chars(pieces)) <= 30
    assert " ".join(pieces).split() == (LONG_RUN + "، " + LONG_RUN).split()


def test_split_long_rejects_a_useless_limit():
    with pytest.raises(ValueError):
        split_long("أ ب", 0, count_words)


def test_100kb_unpunctuated_paragraph_is_fast_and_uses_few_count_calls():
    paragraph = " ".join(f"كلمة{i % 97}" for i in range(20_000))
    assert len(paragraph.encode()) > 100_000
    counter = CallCounter(count_words)
    started = time.perf_counter()
    paragraphs = segment_text(paragraph, 50, counter)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0
    assert counter.calls <= 5 and counter.texts <= 3 * 20_000
    assert words(paragraphs) == paragraph.split()
    assert all(len(s.split()) <= 50 for s in paragraphs[0])


# --- segment_text / segment_article ----------------------------------------------------------------


def test_segment_text_paragraphs_of_sentences():
    text = "الفقرة الأولى. فيها جملتان.\nالفقرة الثانية؟"
    assert segment_text(text, 50, count_words) == [["الفقرة الأولى.", "فيها جملتان."], ["الفقرة الثانية؟"]]


def test_segment_text_batches_counts():
    counter = CallCounter(count_words)
    segment_text("\n".join(f"الجملة رقم {i}. وأخرى بعدها." for i in range(50)), 50, counter)
    assert counter.calls == 1


def test_segment_article_splits_title_and_body():
    article = Article(id="a", title="ترامب ينسحب.. ويتوعد", text="أعلن ترامب الانسحاب. وردت إيران.\nوقال الكرملين إن العواقب وخيمة.")
    segmented = segment_article(article, 4, count_words)
    assert segmented.article is article
    assert segmented.title_segments == ["ترامب ينسحب..", "ويتوعد"]
    assert segmented.paragraphs == [["أعلن ترامب الانسحاب.", "وردت إيران."], ["وقال الكرملين", "إن العواقب وخيمة."]]


# --- English ---------------------------------------------------------------------------------------


def test_english_sentences():
    text = (
        'The U.S. President Mr. Trump spoke at 3.5 p.m. on Tuesday. "We will leave," he said. '
        "Dr. J. Smith disagreed, e.g. on sanctions! Was it wise? 2018 was tense.\nA new paragraph"
    )
    assert split_english_sentences(text) == [
        "The U.S. President Mr. Trump spoke at 3.5 p.m. on Tuesday.",
        '"We will leave," he said.',
        "Dr. J. Smith disagreed, e.g. on sanctions!",
        "Was it wise?",
        "2018 was tense.",
        "A new paragraph",
    ]


def test_english_no_split_before_lowercase():
    assert split_english_sentences("It rose 5 pct. in May. Then it fell.") == ["It rose 5 pct. in May.", "Then it fell."]


# --- no text is lost (hypothesis) ------------------------------------------------------------------

_PIECES = st.sampled_from(
    list("ابتثجحخدذرسشصضطظعغفقكلمنهوي")
    + [" ", " ", " ", "\n", ".", "!", "?", "؟", "؛", "…", "...", "،", ",", ";", ":", "«", "»", '"', "“", "”", "(", ")", "0", "3", "9", "د.", "U.S.", " و ", " ثم ", "\t"]
)
_ARABIC_TEXT = st.lists(_PIECES, max_size=120).map("".join)


@settings(max_examples=150, deadline=None)
@given(_ARABIC_TEXT, st.integers(min_value=1, max_value=8))
def test_no_word_is_lost_on_arabic_like_text(text, limit):
    paragraphs = segment_text(text, limit, count_words)
    assert words(paragraphs) == text.split()
    for paragraph in paragraphs:
        for segment in paragraph:
            assert segment and segment == segment.strip()
            assert len(segment.split()) <= limit or len(segment.split()) == 1


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200), st.integers(min_value=1, max_value=8))
def test_no_word_is_lost_on_arbitrary_text_after_cleaning(text, limit):
    cleaned = clean_text(text)
    paragraphs = segment_text(cleaned, limit, count_words_plus_eos)
    assert words(paragraphs) == cleaned.split()
    assert all(s and s == s.strip() for p in paragraphs for s in p)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.sampled_from(["ب" * 40, "ب" + "\u064e" * 50, "QUJD" * 12])), max_size=40).map("".join),
       st.integers(min_value=2, max_value=12))
def test_nothing_is_lost_and_everything_fits_with_over_long_words(text, limit):
    """With words longer than the limit: every segment fits, and the text without its whitespace is
    the segments' text without theirs (a cut inside a word loses nothing either)."""
    paragraphs = segment_text(text, limit, count_chars_plus_one)
    segments = [s for p in paragraphs for s in p]
    assert all(n <= limit for n in count_chars_plus_one(segments))
    assert "".join("".join(s.split()) for s in segments) == "".join(text.split())
    assert all(s and s == s.strip() for s in segments)


@settings(max_examples=100, deadline=None)
@given(st.one_of(_ARABIC_TEXT, st.text(max_size=150)))
def test_english_splitter_loses_nothing(text):
    assert [w for s in split_english_sentences(text) for w in s.split()] == text.split()
