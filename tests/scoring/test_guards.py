"""Guard rails on (source, translation) pairs: loops and lengths far from the source's."""
import time
from pathlib import Path

import pytest

from summarize.scoring.guards import (
    HIGH_RATIO,
    LENGTH_SLACK,
    LOW_RATIO,
    check_translation,
    length_ratio_problem,
    repetition,
    word_count,
)

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"

SOURCE = "أعلن الرئيس الأمريكي دونالد ترامب انسحاب بلاده من الاتفاق النووي مع إيران يوم الثلاثاء."  # 14 words
TRANSLATION = "US President Donald Trump announced on Tuesday that his country is withdrawing from the nuclear deal with Iran."


def test_a_normal_translation_is_not_flagged():
    assert repetition(TRANSLATION) is None
    assert length_ratio_problem(SOURCE, TRANSLATION) is None
    assert check_translation(SOURCE, TRANSLATION) == []


@pytest.mark.parametrize("looping", [
    "the " * 20,
    "The president said that the the the the the the the the agreement",
    "of the country of the country of the country of the country of the country",  # a 3-gram, back to back
    "of the, of the, of the, of the, of the",  # punctuation does not hide a loop
    "Iran said it would respond. It would respond, it would respond, it would respond again, it would respond.",
    "He warned that sanctions would follow and the talks ended and sanctions would follow and the markets fell "
    "and sanctions would follow and sanctions would follow",  # not back to back: the 3-gram count
    "epepepepepepepepepepepepqqqq",  # a sub-word loop inside one word
])
def test_a_looping_translation_is_flagged(looping):
    assert repetition(looping) is not None
    assert "repetition" in check_translation(SOURCE, looping)


def test_repetition_says_what_repeats_and_how_often():
    assert repetition("the " * 12) == "'the' 12 times in a row"
    assert repetition("we will fight " * 5) == "'we will fight' 5 times in a row"


@pytest.mark.parametrize("fine", [
    "He had had enough, and that that was true surprised no one.",  # "had had", "that that": twice only
    "Very, very, very few people came.",  # three times is rhetoric, not a loop
    "The budget rose to 10000000 dollars in 2018 and 2019.",  # digits are not a character loop
    "Mississippi",
    "",
])
def test_ordinary_repetition_is_not_flagged(fine):
    assert repetition(fine) is None


def test_the_thresholds_are_parameters():
    assert repetition("the the the") is None
    assert repetition("the the the", max_repeats=2) is not None
    assert repetition("a b c d e a b c d e a b c d e a b c d e", n=3) is not None
    with pytest.raises(ValueError):
        repetition("text", n=0)


def test_long_text_may_repeat_a_phrase_more_often_than_a_sentence():
    filler = iter(f"word{i}" for i in range(1000))
    phrase = "the united states"
    long_text = " ".join(" ".join([phrase] + [next(filler) for _ in range(37)]) for _ in range(5))  # 200 words
    assert repetition(long_text) is None  # 200 // 25 = 8 occurrences allowed
    short_text = " ".join(" ".join([phrase] + [next(filler) for _ in range(5)]) for _ in range(5))  # 40 words
    assert repetition(short_text) == "'the united states' 5 times"


def test_far_too_long_and_far_too_short_are_flagged():
    source_words = word_count(SOURCE)
    assert source_words == 14
    too_long = " ".join(["word"] * int(HIGH_RATIO * source_words + LENGTH_SLACK + 1))
    assert length_ratio_problem(SOURCE, too_long) == "too_long"
    assert check_translation(SOURCE, too_long + " unique") == ["repetition", "too_long"]
    assert length_ratio_problem(SOURCE, "US President.") == "too_short"
    assert check_translation(SOURCE, "US President.") == ["too_short"]
    # Just inside the bounds is fine.
    lower = int(LOW_RATIO * source_words - LENGTH_SLACK) + 1
    assert length_ratio_problem(SOURCE, " ".join(f"w{i}" for i in range(lower))) is None
    upper = int(HIGH_RATIO * source_words + LENGTH_SLACK)
    assert length_ratio_problem(SOURCE, " ".join(f"w{i}" for i in range(upper))) is None


def test_short_segments_are_not_judged_on_a_ratio_of_tiny_numbers():
    assert check_translation("نعم", "Yes, indeed.") == []
    assert check_translation("عاجل", "Breaking news:") == []


def test_empty_source_and_translation():
    assert check_translation("", "") == []
    assert check_translation("   ", "\n") == []
    assert check_translation("نعم", "") == ["too_short"]  # anything dropped entirely is too short
    assert check_translation(SOURCE, " . ! ") == ["too_short"]  # punctuation is not words
    assert check_translation("", "Yes.") == []
    assert check_translation("", "The minister said the talks will resume next week.") == ["too_long"]


def test_word_count_counts_words_in_any_script_and_not_punctuation():
    assert word_count("قال الوزير - إن المحادثات ستستأنف .") == 5
    assert word_count("He said — it's 2018 , again") == 5
    assert word_count("") == 0


def test_fast_enough_for_every_sentence_of_a_digest():
    long_text = " ".join(f"word{i % 97} filler{i % 89}" for i in range(5000))
    started = time.perf_counter()
    for _ in range(10):
        check_translation(SOURCE, long_text)
    assert time.perf_counter() - started < 2


def test_no_flores_reference_translation_is_flagged():
    """The thresholds' calibration: 1012 human translations, none of them a failure."""
    if not (DATA / "flores200_devtest.ar").exists():
        pytest.skip(f"FLORES data not found in {DATA}")
    sources = (DATA / "flores200_devtest.ar").read_text(encoding="utf-8").split("\n")
    references = (DATA / "flores200_devtest.en").read_text(encoding="utf-8").split("\n")
    flagged = [(i, check_translation(s, r)) for i, (s, r) in enumerate(zip(sources, references), 1) if check_translation(s, r)]
    assert flagged == []
    # and a translation that drops the second half of each sentence is caught often
    halves = [" ".join(r.split()[: max(1, len(r.split()) // 4)]) for r in references if r]
    assert sum(check_translation(s, h) == ["too_short"] for s, h in zip(sources, halves)) > len(halves) // 2
