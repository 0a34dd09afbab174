import subprocess
import sys
from pathlib import Path

import pytest

from summarize.clean import clean_article
from summarize.summarizers import StoryPlan
from summarize.summarizers.extractive import ExtractiveSummarizer
from summarize.ingest import read_articles
from summarize.records import Article, DigestArticle
from summarize.stories import THRESHOLD, Story, build_stories, fold_arabic, group_articles, story_id
from summarize.records import Summary

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DAY = DATA / "news_ar_2018-05-08.jsonl"
SEED_IDS = {"AL-internationalNews-1074-20180508", "BB-internationalNews-479-20180508", "CN-middleEast-844-20180508",
            "FR-internationalNews-1140-20180508", "SK-internationalNews-1448-20180508"}

# Hand labels of the 2018-05-08 day: events reported by more than one article ("OUTLET-NUMBER" of the
# id). Every other article is its own event, except AMBIGUOUS ones, left out of the score: a press
# review mostly about the Iran deal under a Cannes headline (FR-1129), a Khamenei adviser on Lebanon
# (CN-836), gold prices (SK-501), the Iranian rial (SK-505), an Israel-Iran war explainer (SK-1438),
# and a survey that may be the Arab youth survey (SK-1494).
EVENTS = {
    "US leaves the Iran deal: run-up, announcement, reactions, sanctions":
        "BB-477 BB-479 BB-467 CN-841 CN-842 CN-843 CN-844 AL-532 AL-535 AL-1072 AL-1073 AL-1074 AL-1075 FR-1130 "
        "FR-1136 FR-1140 FR-1143 FR-1144 FR-1145 FR-428 SK-1433 SK-1440 SK-1441 SK-1443 SK-1444 SK-1445 SK-1446 "
        "SK-1448 SK-1449 SK-1481 SK-1502 SK-1507 SK-1515 SK-1516 SK-1518 SK-1544",
    "oil prices": "CN-103 SK-500 SK-502 SK-507",
    "Israeli soldier Azaria released": "BB-470 CN-838 AL-1059 FR-424 SK-1496",
    "Haftar's Derna offensive": "BB-471 FR-1127 SK-1497",
    "Israel, Iran and strikes in Syria": "BB-472 CN-839 CN-845 AL-1067 AL-1076 FR-427 SK-1508 SK-1514 SK-1519",
    "China-US trade": "AL-530 SK-504",
    "Lebanon's new parliament": "AL-1052 AL-1058",
    "coalition strikes on Sanaa": "AL-1053 AL-1060",
    "embassies move to Jerusalem": "AL-1055 AL-1057 FR-422 FR-423",
    "Hezbollah and Amal in Beirut's streets": "AL-1061 SK-1500",
    "Turkish election campaign": "AL-1065 AL-1069 SK-1439 SK-1447",
    "Yemen west-coast offensive": "AL-1066 AL-1071 SK-1495 SK-1499 SK-1505 SK-1509 SK-1510 SK-1511 SK-1512 SK-1513 "
                                  "SK-1548 SK-1549",
    "Kim Jong Un meets Xi": "AL-1068 SK-1435 SK-1436",
    "Arab youth survey": "AL-1070 SK-506",
    "Armenia elects Pashinyan": "FR-1138 SK-1437",
    "Arab information ministers": "SK-1501 SK-1517",
}
AMBIGUOUS = set("CN-836 FR-1129 SK-501 SK-505 SK-1438 SK-1494".split())
# Unrelated to the seeds, on purpose: Cannes opening (an Iranian director: shares words with the
# seeds), the Turkish lira, Kim Jong Un in China (two articles: they must stay together), Disney's
# results, a German train crash.
UNRELATED = {"FR-internationalNews-1137-20180508", "SK-economy-503-20180508", "AL-internationalNews-1068-20180508",
             "SK-internationalNews-1435-20180508", "BB-economy-127-20180508", "AL-internationalNews-1056-20180508"}


def short(article_id: str) -> str:
    parts = article_id.split("-")
    return f"{parts[0]}-{parts[2]}"


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    return [clean_article(a) for a in read_articles([REPO / "seeds"])]


@pytest.fixture(scope="module")
def day() -> list[Article]:
    if not DAY.exists():
        pytest.skip(f"{DAY} not found (shared data lives beside the checkout)")
    return [clean_article(a) for a in read_articles([DAY])]


def test_the_seeds_are_one_story(seeds):
    assert len(seeds) == 5
    assert group_articles(seeds) == [[0, 1, 2, 3, 4]]


def test_seeds_stay_together_and_apart_from_unrelated_articles(seeds, day):
    others = [a for a in day if a.id in UNRELATED]
    assert len(others) == len(UNRELATED)
    mixed = [others[0], seeds[0], others[1], seeds[1], seeds[2], others[2], others[3], seeds[3], others[4],
             seeds[4], others[5]]
    groups = [{mixed[i].id for i in g} for g in group_articles(mixed)]
    seed_ids = {a.id for a in seeds}
    assert seed_ids in groups  # all five together, nothing else with them
    assert {"AL-internationalNews-1068-20180508", "SK-internationalNews-1435-20180508"} in groups  # Kim in China
    assert len(groups) == 6


def test_grouping_the_day_matches_the_hand_labels(day):
    groups = group_articles(day)
    assert sorted(i for g in groups for i in g) == list(range(len(day)))
    predicted = {short(day[i].id): n for n, g in enumerate(groups) for i in g}
    gold = {a: name for name, ids in EVENTS.items() for a in ids.split()}
    gold.update({short(a.id): short(a.id) for a in day if short(a.id) not in gold})
    scored = [a for a in predicted if a not in AMBIGUOUS]
    # B-cubed precision and recall: for each article, the share of its predicted story that is truly
    # its event, and the share of its event found in its predicted story.
    precision = recall = 0.0
    for a in scored:
        same_story = {b for b in scored if predicted[b] == predicted[a]}
        same_event = {b for b in scored if gold[b] == gold[a]}
        precision += len(same_story & same_event) / len(same_story)
        recall += len(same_story & same_event) / len(same_event)
    precision, recall = precision / len(scored), recall / len(scored)
    # Measured at THRESHOLD 0.86: precision 0.906, recall 0.903, 45 stories (18 with several articles).
    assert precision >= 0.88 and recall >= 0.88, (precision, recall)
    assert 38 <= len(groups) <= 52
    seed_groups = {n for n, g in enumerate(groups) for i in g if day[i].id in SEED_IDS}
    assert len(seed_groups) == 1


def test_threshold_trades_stories_for_size(day):
    sample = day[:60]
    assert len(group_articles(sample, threshold=THRESHOLD - 0.1)) > len(group_articles(sample)) \
        > len(group_articles(sample, threshold=THRESHOLD + 0.06))


def test_grouping_is_deterministic_and_independent_of_input_order(seeds, day):
    articles = seeds + [a for a in day if a.id in UNRELATED]
    forward = {frozenset(articles[i].id for i in g) for g in group_articles(articles)}
    backward = {frozenset(articles[::-1][i].id for i in g) for g in group_articles(articles[::-1])}
    assert forward == backward
    assert group_articles(articles) == group_articles(articles)


def test_edge_cases_need_no_model_and_never_fail():
    assert group_articles([]) == []
    assert group_articles([Article("a", "عنوان", "نص")]) == [[0]]
    empty = [Article("a", "", ""), Article("b", "", "..."), Article("c", "في من", "على")]
    assert sorted(map(sorted, group_articles(empty))) == [[0], [1], [2]]


def test_importing_the_modules_loads_neither_scikit_learn_nor_jinja():
    code = ("import sys, summarize.stories, summarize.summarizers.extractive, summarize.faithfulness, summarize.render.html\n"
            "print([m for m in ('sklearn', 'jinja2', 'torch') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


def test_folding_unifies_spelling_and_drops_function_words():
    assert fold_arabic("أعلنَ إيرانُ في الاتفاقيّة، والى") == fold_arabic("اعلن ايران الاتفاقية والي") == "اعلن ايران الاتفاقيه"


# --- build_stories ------------------------------------------------------------------------------


def article(id_, source, title, text, summary="An article summary."):
    return DigestArticle(id=id_, source=source, url=f"https://example.org/{id_}", date="2018-05-08", language="ar",
                         title_ar="عنوان", title_en=title, summary_en=summary, translation_en=text)


class RecordingSummarizer:
    """Stands in for the model summariser: records what it is asked to summarise."""

    def __init__(self):
        self.calls = []

    def summarize_many(self, texts, on_batch=None):
        self.calls.append(list(texts))
        return [Summary(text=f"SUMMARY OF {len(t.split())} WORDS", chunks=1, levels=1) for t in texts]

    def story_plan(self):
        return StoryPlan(max_words=400, summarize=self.summarize_many)


IRAN = [
    article("bbc", "BBC", "Trump pulls US out of Iran nuclear deal",
            "President Trump announced the withdrawal of the United States from the Iran nuclear deal. "
            "He said the toughest sanctions would be reimposed on Iran.\n\nIran said it would consult its partners."),
    article("cnn", "CNN", "Trump announces US withdrawal from nuclear deal",
            "President Trump announced the withdrawal of the United States from the Iran nuclear deal. "
            "Saudi Arabia welcomed the decision of the American president."),
    article("sky", "Sky News", "Washington leaves the nuclear agreement",
            "The European Union said it remains committed to the nuclear deal with Iran. "
            "President Trump announced the withdrawal of the United States from the Iran nuclear deal."),
]
KOREA = [article("k1", "Al Arabiya", "Kim meets Xi in China", "Kim Jong Un met Xi Jinping in Dalian for talks."),
         article("k2", "Al Arabiya", "Kim lands in China", "The North Korean leader flew to Dalian to meet Xi Jinping.")]
LIRA = [article("lira", "Sky News", "Turkish lira hits a record low", "The Turkish lira fell to a new record low.",
                summary="The lira fell.")]


def test_stories_are_ranked_by_outlets_then_size_and_keep_their_articles():
    articles = LIRA + KOREA + IRAN  # input order: lira 0, korea 1-2, iran 3-5
    stories = build_stories([[0], [1, 2], [3, 4, 5]], articles, RecordingSummarizer().story_plan())
    assert [s.article_ids for s in stories] == [["bbc", "cnn", "sky"], ["k1", "k2"], ["lira"]]
    assert [s.sources for s in stories] == [["BBC", "CNN", "Sky News"], ["Al Arabiya"], ["Sky News"]]
    assert all(isinstance(s, Story) and s.id == story_id(s.article_ids) for s in stories)
    lira = stories[2]
    assert (lira.headline_en, lira.summary_en, lira.key_sentences) == ("Turkish lira hits a record low", "The lira fell.", [])
    assert set(stories[0].as_dict()) == {"id", "headline_en", "summary_en", "article_ids", "sources", "key_sentences", "follows"}


def test_story_summary_is_drawn_from_all_articles_once_per_fact():
    summarizer = RecordingSummarizer()
    stories = build_stories([[0, 1, 2], [3, 4]], IRAN + KOREA, summarizer.story_plan())
    iran = stories[0]
    texts = [k["text"] for k in iran.key_sentences]
    # The sentence all three outlets share is kept once; the others come from several articles.
    assert sum("withdrawal of the United States" in t for t in texts) == 1
    assert {k["article_id"] for k in iran.key_sentences} >= {"bbc", "sky"}
    assert len(summarizer.calls) == 1 and len(summarizer.calls[0]) == 2  # all stories in one call
    assert summarizer.calls[0][0] == " ".join(texts)
    assert iran.summary_en.startswith("SUMMARY OF")
    assert iran.headline_en in {a.title_en for a in IRAN}


def test_with_the_extractive_summarizer_the_key_sentences_are_the_summary():
    extractive = ExtractiveSummarizer(min_tokens=10, max_tokens=30)  # 7 to 22 words
    stories = build_stories([[0, 1, 2]], IRAN, extractive.story_plan())
    story = stories[0]
    assert story.summary_en == " ".join(k["text"] for k in story.key_sentences)
    assert 0 < len(story.summary_en.split()) <= extractive.max_words
    assert extractive.stats.segments == 0  # no second pass over the key sentences


def test_similarities_are_scikit_learns_tf_idf_cosines_without_its_vocabulary(day):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    from summarize.stories import NGRAM_RANGE, article_document, document_similarities

    documents = [article_document(a) for a in day] + ["", "؟!"]  # and two with no n-gram at all
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE, sublinear_tf=True).fit_transform(documents)
    expected = cosine_similarity(vectors)
    np.fill_diagonal(expected, 1.0)
    assert np.abs(document_similarities(documents) - expected).max() < 1e-12


@pytest.mark.parametrize("threshold", [0.5, 0.8, THRESHOLD, 0.95])
def test_grouping_cuts_the_tree_where_scikit_learn_does(day, threshold):
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    from summarize.stories import article_document, document_similarities, group_documents

    documents = [article_document(a) for a in day]
    distance = np.clip(1.0 - document_similarities(documents), 0.0, None)
    labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                     distance_threshold=threshold).fit(distance).labels_
    expected: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        expected.setdefault(int(label), []).append(index)
    assert group_documents(documents, threshold) == sorted(expected.values(), key=lambda g: g[0])
    assert 1 < len(expected) < len(documents)


def test_similarities_do_not_depend_on_how_the_product_is_split(day, monkeypatch):
    import numpy as np

    from summarize import stories

    documents = [stories.article_document(a) for a in day]
    whole = stories.document_similarities(documents)
    monkeypatch.setattr(stories, "_ENTRIES_PER_RANGE", 3000)  # dozens of n-gram ranges
    monkeypatch.setattr(stories, "_ROWS_PER_BLOCK", 7)
    assert np.abs(stories.document_similarities(documents) - whole).max() < 1e-12


def test_the_stories_cache_key_changes_with_what_stories_are_made_of():
    from summarize.stories import stories_cache_key

    article = DigestArticle(id="a", source="S", url=None, date=None, language="ar", title_ar="ع", title_en="T",
                            summary_en="Sum.", translation_en="Text.")
    base = stories_cache_key(["نص"], [article], {"model": "x"})
    assert base == stories_cache_key(["نص"], [article], {"model": "x"})
    assert base != stories_cache_key(["نص آخر"], [article], {"model": "x"})
    assert base != stories_cache_key(["نص"], [article], {"model": "y"})
    changed = DigestArticle(**{**article.__dict__, "translation_en": "Other."})
    assert base != stories_cache_key(["نص"], [changed], {"model": "x"})
