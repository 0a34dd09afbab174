import json
import random

from summarize.summarizers.extractive import (WORDS_PER_TOKEN, ExtractiveSummarizer, centrality, key_sentences, most_central,
                                  pick_sentences)
from summarize.settings import Settings
from summarize.records import Summary

ARTICLE = (
    "President Trump announced that the United States is leaving the Iran nuclear deal. "
    "The weather in Paris was sunny on Tuesday afternoon. "
    "Iran said it would stay in the agreement with Europe, China and Russia. "
    "Trump said the United States would reimpose sanctions on Iran. "
    "A local bakery won a prize for its croissants. "
    "European leaders said they regretted the American decision on the nuclear deal. "
    "Oil prices rose after the announcement on the Iran deal. "
    "Tickets for the concert sold out in an hour."
)
OFF_TOPIC = ("weather", "bakery", "concert")


def test_picks_the_central_sentences_in_their_original_order():
    assert key_sentences(ARTICLE, max_words=45) == [
        "President Trump announced that the United States is leaving the Iran nuclear deal.",
        "Trump said the United States would reimpose sanctions on Iran.",
        "European leaders said they regretted the American decision on the nuclear deal.",
        "Oil prices rose after the announcement on the Iran deal.",
    ]
    longer = key_sentences(ARTICLE, max_words=60)
    assert len(longer) == 5 and not any(word in s for s in longer for word in OFF_TOPIC)
    scores = centrality(["Iran deal sanctions.", "Iran deal talks.", "Iran talks.", "Croissants in Paris."])
    # The sentence sharing most words with the others is the most central, the off-topic one the least.
    assert max(scores) == scores[1] and min(scores) == scores[3]


def test_respects_the_word_bounds_on_any_text():
    rng = random.Random(7)
    vocabulary = "iran deal trump sanctions europe oil price talks leader said would new the of in".split()
    for _ in range(60):
        text = " ".join(
            " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 30))).capitalize() + "."
            for _ in range(rng.randint(1, 12))
        )
        max_words = rng.randint(1, 60)
        summary = key_sentences(text, max_words=max_words)
        assert 1 <= sum(len(s.split()) for s in summary) <= max_words
        assert all(s in text or s.endswith("…") for s in summary)


def test_a_sentence_longer_than_the_bounds_is_cut_not_overflowing():
    long = "Word " * 50 + "end."
    assert key_sentences(long, max_words=10) == ["Word " * 9 + "Word…"]


def test_repeated_facts_are_kept_once():
    sentences = ["Trump announced the US withdrawal from the Iran nuclear deal.",
                 "Trump announced the US withdrawal from the Iran nuclear deal on Tuesday.",
                 "Europe said it remains committed to the Iran nuclear deal."]
    assert pick_sentences(sentences, max_words=100) == [0, 2]
    assert pick_sentences(sentences, max_words=100, redundancy=1.01) == [0, 1, 2]


def test_is_deterministic_and_handles_text_without_content_words():
    assert key_sentences(ARTICLE, max_words=25) == key_sentences(ARTICLE, max_words=25)
    assert key_sentences("And the of. It is.", max_words=5) == ["And the of."]
    assert key_sentences("", max_words=5) == []
    assert most_central(["Iran deal", "Cats"], ["The Iran deal.", "Iran deal talks."]) == 0
    assert most_central(["", "Cats"], ["The Iran deal."]) == 1


def test_has_the_summarizer_interface():
    summarizer = ExtractiveSummarizer(min_tokens=20, max_tokens=40)
    assert (summarizer.min_words, summarizer.max_words) == (15, 30)
    finished = []
    summaries = summarizer.summarize_many([ARTICLE, "", ARTICLE], on_batch=finished.append)
    assert all(isinstance(s, Summary) for s in summaries)
    assert summaries[0] == summaries[2] and summaries[0].chunks == 1 and summaries[0].levels == 1
    assert summaries[1] == Summary(text="", chunks=0, levels=0)
    assert len(summaries[0].text.split()) <= 30
    assert sum(finished) == 3
    assert summarizer.stats.as_dict() == {"segments": 3, "cache_hits": 0, "generated": 1, "tokens": 0, "padded_tokens": 0}
    assert summarizer.summarize(ARTICLE) == summaries[0]
    described = json.loads(json.dumps(summarizer.describe()))
    assert described["model"] == "extractive" and described["max_words"] == 30
    assert described["generation"] == {"min_new_tokens": 20, "max_new_tokens": 40}


def test_bounds_come_from_the_settings_in_tokens():
    default = ExtractiveSummarizer.from_settings(Settings())
    assert (default.min_tokens, default.max_tokens) == (56, 142)
    assert default.max_words == int(142 * WORDS_PER_TOKEN)
    custom = ExtractiveSummarizer.from_settings(Settings(summary_min_tokens=10, summary_max_tokens=20))
    assert (custom.min_words, custom.max_words) == (7, 15)
