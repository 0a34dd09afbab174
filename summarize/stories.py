"""Stories: the day's articles grouped by the event they report, each with an English headline, one
summary drawn from all its articles, and its sources.

Grouping reads the ARABIC text only (title and body, after cleaning), so it runs before and
independently of translation and needs no model:

1. Normalise: ``normalize_arabic``, then fold the spelling variants outlets disagree on (diacritics;
   أ إ آ ٱ → ا; ى → ي; ة → ه; ؤ → و; ئ → ي), punctuation to spaces, and drop ~100 function words
   (في، من، التي، وقال…), which otherwise give every pair of articles a floor of shared n-grams.
2. TF-IDF over character 4–6-grams inside word boundaries (``analyzer="char_wb"``), sublinear tf:
   n-grams of this length match a word across its clitics and inflections (الاتفاق / باتفاق /
   والاتفاقية share "اتفا", "تفاق") without an Arabic stemmer.
3. Cosine distance, agglomerative clustering with average linkage under a distance threshold: an
   article joins a story when its mean similarity to the story's articles is at least 1 −
   THRESHOLD = 0.14. Average linkage keeps a big story from chaining through one off-topic article
   (single linkage) without splitting it because two of its articles share little (complete).

How THRESHOLD was chosen: the 131 articles of 2018-05-08 (five outlets) were labelled by hand into
events (tests/test_stories.py holds the labels). B-cubed F1 against them is 0.89–0.91 for distances
0.85–0.8875 and falls off on both sides (0.83 at 0.8125, 0.81 at 0.90, where unrelated stories start
to merge). 0.86 sits in that plateau on the side of precision (0.91, recall 0.90), because a story
wrongly merged hides an event, while a story split in two still shows both halves. The seeds (five
outlets, one thread) score 0.14–0.22 with each other when IDF is fitted on the five alone and
0.17–0.27 among eleven articles, at most 0.08 with unrelated ones, and form one story within the
whole day.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import TYPE_CHECKING, Sequence

from summarize.normalize import fold_spelling
from summarize.records import Story, heading
from summarize.summarizers.extractive import REDUNDANCY

if TYPE_CHECKING:
    from summarize.records import Article, DigestArticle
    from summarize.summarizers import StoryPlan

# Cosine distance under which (average linkage) articles form one story; see the module docstring.
THRESHOLD = 0.86
NGRAM_RANGE = (4, 6)
# Part of every cache key of a digest's stories: bump it when grouping or story building changes.
STORIES_VERSION = 3  # 2: stories split by time (summarize.followups), dates in the key; 3: languages joined


_NOT_WORD = re.compile(r"[^\w\s]|_")
# Function words (already folded: ة → ه, ى → ي, أ → ا): prepositions, conjunctions, relatives,
# demonstratives, pronouns, auxiliaries and the reporting verbs every article uses.
STOP_WORDS = frozenset("""
في من على الي عن مع ان لا ما لم لن قد كان كانت يكون تكون التي الذي الذين اللذين اللتين هذا هذه
ذلك تلك هناك هنا او ثم بل لكن كما حيث اذ اذا بعد قبل عند بين خلال حتى منذ اي كل بعض غير اكثر
امس اليوم وقال قال وقالت قالت واضاف اضاف واضافت اضافت واكد اكد واكدت اكدت واشار اشار واشارت
اشارت وفي ومن وعلى والي وان ولا وما ولم وقد وكان وكانت والتي والذي وهذا وهذه وذلك فيما بينما
كذلك ايضا هو هي هم هن نحن انا انه انها لها له لهم فيها فيه منها منه عليها عليه اليه اليها به بها
بان لان عام عاما العام يوم وهو وهي فان فقد لقد الا الذي التي سوف ضمن نحو لدي وفق حول اما ومع
""".split())


def fold_arabic(text: str) -> str:
    """The form articles are compared in: normalised, spelling variants folded, no punctuation, no
    function words."""
    return " ".join(word for word in _NOT_WORD.sub(" ", fold_spelling(text)).split() if word not in STOP_WORDS)


def article_text(article: "Article") -> str:
    """The Arabic an article is grouped on: its cleaned title and text."""
    return f"{article.title}\n{article.text}"


def article_document(article: "Article") -> str:
    """What an article is grouped on: its Arabic (``article_text``), folded."""
    return fold_arabic(article_text(article))


def similarity_matrix(articles: Sequence["Article"]):
    """Cosine similarities (numpy array) between the articles' folded Arabic title + text."""
    return document_similarities([article_document(a) for a in articles])


def document_similarities(documents: Sequence[str]):
    """Cosine similarities (a square numpy array) between TF-IDF vectors of ``documents`` (folded),
    exactly as scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE,
    sublinear_tf=True)`` weighs them (smoothed IDF, l2 rows); see ``_tf_idf``."""
    import numpy as np
    from scipy.spatial.distance import squareform

    n, similarities = condensed_similarities(documents)
    square = squareform(similarities, checks=False) if n > 1 else np.zeros((n, n))
    np.fill_diagonal(square, 1.0)  # an empty article is still itself
    return square


def condensed_similarities(documents: Sequence[str]):
    """(number of documents, their pairwise cosine similarities above the diagonal, row by row: the
    condensed order of ``scipy.spatial.distance.squareform``). Half the square, and little else of
    the day's size beyond the vectors (``_tf_idf``): the product is taken over ranges of n-grams, a
    few ten thousand entries at a time, a block of rows at a time, each added into its place in the
    condensed array. scipy's product of the whole day with itself held several copies of the
    vectors, and the square matrix twice the pairs."""
    import numpy as np
    from scipy.sparse import csr_matrix

    columns, counts, indptr, idf, norms = _tf_idf(documents)
    n = len(indptr) - 1
    similarities = np.zeros(n * (n - 1) // 2)
    if n < 2 or not len(columns):
        return n, similarities
    starts = np.concatenate(([0], np.cumsum(np.arange(n - 1, 0, -1))))  # where each row of pairs begins
    ranges = -(-len(columns) // _ENTRIES_PER_RANGE)
    bounds = [int(b) for b in np.linspace(0, len(idf), ranges + 1)]  # Python ints: no int64 copy of columns
    for low, high in zip(bounds[:-1], bounds[1:]):
        inside = columns >= low
        inside &= columns < high
        at = np.flatnonzero(inside)  # this range's entries, row by row
        del inside
        rows = np.searchsorted(indptr, at, side="right") - 1
        numbers = columns[at]
        weights = (1.0 + np.log(counts[at], dtype=np.float64)) * idf[numbers] / norms[rows]
        per_row = np.bincount(rows, minlength=n)
        vectors = csr_matrix((weights, numbers - low, np.concatenate(([0], np.cumsum(per_row)))),
                             shape=(n, high - low))
        transposed = vectors.T.tocsr()  # once a range: a product with the CSC view copies it every block
        for first in range(0, n - 1, _ROWS_PER_BLOCK):
            block = (vectors[first:first + _ROWS_PER_BLOCK] @ transposed).toarray()
            for offset, row in enumerate(block[:n - 1 - first]):
                i = first + offset
                similarities[starts[i]:starts[i] + n - i - 1] += row[i + 1:]
    return n, similarities


def average_similarities(documents: Sequence[str], first: Sequence[Sequence[int]],
                         second: Sequence[Sequence[int]]):
    """Average-linkage similarity of every group of ``first`` with every group of ``second`` (lists of
    indices into ``documents``, folded): the mean cosine over their pairs of articles, as the
    grouping's linkage measures it, with IDF fitted on all of ``documents``. As the vectors are
    l2-normalised, that mean is the dot product of the two groups' mean vectors, so no pair of
    articles is ever multiplied out. A (len(first), len(second)) numpy array; an empty group scores 0."""
    import numpy as np
    from scipy.sparse import csr_matrix

    columns, counts, indptr, idf, norms = _tf_idf(documents)
    n = len(indptr) - 1
    rows = np.repeat(np.arange(n), np.diff(indptr))
    weights = (1.0 + np.log(counts, dtype=np.float64)) * idf[columns] / norms[rows]
    vectors = csr_matrix((weights, columns, indptr), shape=(n, len(idf)))

    def means(groups: Sequence[Sequence[int]]):
        pairs = [(g, i, 1.0 / len(group)) for g, group in enumerate(groups) for i in group]
        g, i, share = (np.array(column) for column in zip(*pairs)) if pairs else ([], [], [])
        return csr_matrix((share, (g, i)), shape=(len(groups), n)) @ vectors

    return (means(first) @ means(second).T).toarray()


def _tf_idf(documents: Sequence[str]):
    """The documents' TF-IDF vectors as scikit-learn's sublinear TF-IDF weighs them, without its
    vocabulary (whose half-million distinct n-grams as Python strings were most of what a digest's
    memory grew by with the day): every document's n-grams as int32 numbers (sorted within a
    document) and their uint16 counts, one flat array each, where each document begins
    (``indptr``), the IDF of each number and each document's vector norm: 6 bytes an entry.

    Two passes over the documents: the first counts the day's distinct n-grams (each its ``hash()``;
    two share one with odds of about 1e-8 in a day), a few ten thousand entries at a time; the
    second numbers each document's. A count is kept up to 65,535 in one article: sublinear tf then
    weighs it 12.09 where the exact count would give at least that."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyse = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE).build_analyzer()

    def grams_of(document: str) -> tuple:
        grams = Counter(analyse(document))
        return np.fromiter(map(hash, grams), dtype=np.int64, count=len(grams)), grams

    known, frequency = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)  # distinct so far, their DF
    pending: list = []

    def merge() -> None:  # the pending documents' n-grams into (known, frequency), both kept sorted
        nonlocal known, frequency
        if not pending:
            return
        batch = np.concatenate(pending)
        pending.clear()
        if not len(batch):  # only documents without n-grams: nothing to count
            return
        batch.sort()
        starts = np.flatnonzero(np.concatenate(([True], batch[1:] != batch[:-1])))
        distinct, times = batch[starts], np.diff(np.append(starts, len(batch))).astype(np.int32)
        at = np.searchsorted(known, distinct)
        seen = at < len(known)
        seen[seen] = known[at[seen]] == distinct[seen]
        frequency[at[seen]] += times[seen]
        known = np.insert(known, at[~seen], distinct[~seen])
        frequency = np.insert(frequency, at[~seen], times[~seen])

    sizes, waiting = [], 0
    for document in documents:
        pending.append(grams_of(document)[0])
        sizes.append(len(pending[-1]))
        waiting += sizes[-1]
        if waiting >= _ENTRIES_PER_RANGE:
            merge()
            waiting = 0
    merge()
    idf = np.log((1 + len(sizes)) / (1 + frequency)) + 1.0
    del frequency
    indptr = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
    columns, counts = np.empty(indptr[-1], dtype=np.int32), np.empty(indptr[-1], dtype=np.uint16)
    norms = np.ones(len(sizes))
    for i, document in enumerate(documents):
        row, grams = grams_of(document)
        numbers = np.searchsorted(known, row).astype(np.int32)
        order = np.argsort(numbers)
        count = np.fromiter(grams.values(), dtype=np.int64, count=len(grams))
        start, end = indptr[i], indptr[i + 1]
        columns[start:end] = numbers[order]
        counts[start:end] = np.minimum(count, 65535)[order]
        weights = (1.0 + np.log(counts[start:end], dtype=np.float64)) * idf[columns[start:end]]
        norms[i] = float(np.sqrt(np.dot(weights, weights))) or 1.0
    return columns, counts, indptr, idf, norms


_ROWS_PER_BLOCK = 64
_ENTRIES_PER_RANGE = 1 << 15


def group_articles(articles: Sequence["Article"], threshold: float = THRESHOLD) -> list[list[int]]:
    """Indices of ``articles`` grouped into stories: every index once, each group ascending, groups in
    order of their first article. Pass cleaned articles (``clean_article``) as the pipeline has them;
    deterministic, no model."""
    return group_documents([article_document(a) for a in articles], threshold)


def group_documents(documents: Sequence[str], threshold: float = THRESHOLD) -> list[list[int]]:
    """As ``group_articles``, from the articles' ``article_document``s.

    Average linkage is scipy's ``linkage`` on the condensed distances, cut where scikit-learn's
    ``AgglomerativeClustering(metric="precomputed", linkage="average", distance_threshold=threshold)``
    cuts it — every merge closer than ``threshold`` kept (tested against it) — without the square
    distance matrix and the index arrays scikit-learn makes of it."""
    import numpy as np
    from scipy.cluster.hierarchy import linkage

    n, distances = condensed_similarities(documents)
    if n < 2:
        return [[i] for i in range(n)]
    np.subtract(1.0, distances, out=distances)
    np.clip(distances, 0.0, None, out=distances)
    merges = linkage(distances, method="average")
    parent = list(range(2 * n - 1))  # leaves 0..n-1, merge k is node n + k
    for k in range(int(np.count_nonzero(merges[:, 2] < threshold))):  # merges come by distance
        parent[int(merges[k, 0])] = parent[int(merges[k, 1])] = n + k
    groups: dict[int, list[int]] = {}
    for leaf in range(n):
        root = leaf
        while parent[root] != root:
            root = parent[root]
        groups.setdefault(root, []).append(leaf)
    return sorted(groups.values(), key=lambda g: g[0])


def join_languages(groups: Sequence[Sequence[int]], digest_articles: Sequence["DigestArticle"],
                   threshold: float = THRESHOLD) -> list[list[int]]:
    """``groups`` (made on the Arabic text, ``group_documents``) with those that hold no Arabic
    article — French, Persian, English… articles, which share no text with the Arabic — joined on
    what every article has, its English: each such group joins the group whose articles' English is
    closest on average (the grouping's own measure, ``average_similarities``, over the English title
    and translation), when the distance is under ``threshold``. Groups with Arabic articles are never
    joined to each other here: the Arabic grouping, measured against hand labels, stands. Groups come
    back ordered by their first article."""
    languages = [a.language for a in digest_articles]
    others = [g for g, group in enumerate(groups) if group and not any(languages[i] == "ar" for i in group)]
    if not others or len(groups) < 2:
        return [list(group) for group in groups]
    english = [_fold_english(f"{a.title_en}\n{a.translation_en}") for a in digest_articles]
    similarities = average_similarities(english, [groups[g] for g in others], groups)
    parent = list(range(len(groups)))

    def root(g: int) -> int:
        while parent[g] != g:
            g = parent[g]
        return g

    for g, row in zip(others, similarities):
        row[g] = -1.0  # not with itself
        best = int(row.argmax())
        if 1.0 - row[best] < threshold and root(best) != root(g):
            parent[root(g)] = root(best)
    joined: dict[int, list[int]] = {}
    for g, group in enumerate(groups):
        joined.setdefault(root(g), []).extend(group)
    return sorted((sorted(group) for group in joined.values()), key=lambda group: group[0])


def _fold_english(text: str) -> str:
    """English as it is compared across languages: case-folded, no punctuation, no stop words."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return " ".join(w for w in _NOT_WORD.sub(" ", text.casefold()).split() if w not in ENGLISH_STOP_WORDS)


def story_id(article_ids: Sequence[str]) -> str:
    return "story-" + hashlib.sha1("\n".join(article_ids).encode("utf-8")).hexdigest()[:10]


def rank_key(story: Story, first_index: int) -> tuple[int, int, int]:
    """Most distinct outlets first, then most articles, then input order."""
    return (-len(story.sources), -len(story.article_ids), first_index)


def build_stories(groups: Sequence[Sequence[int]], digest_articles: Sequence["DigestArticle"], plan: "StoryPlan", *,
                  redundancy: float = REDUNDANCY) -> list[Story]:
    """One Story per group (indices into ``digest_articles``), ranked with ``rank_key``.

    A one-article story takes the article's title and summary. A larger one gets:
    - headline: the English title of its members closest to the centroid of all their text;
    - key sentences: picked across all members' translations, ``plan.max_words`` at most (and
      ``plan.min_words`` when there are enough), near-duplicates that several outlets said alike kept
      once (cosine ≥ ``redundancy``), ordered lead sentences first (by position in their article, then
      article order);
    - summary: ``plan.summarize`` of the key sentences, all stories in one call so they share its
      batches; without it, the key sentences themselves."""
    from summarize.segment import split_english_sentences
    from summarize.summarizers.extractive import most_central, pick_sentences

    budget = plan.max_words
    stories: list[tuple[Story, int]] = []  # with the input index of its first article, for ranking
    to_summarise: list[tuple[Story, str]] = []
    for group in groups:
        members = [digest_articles[i] for i in sorted(group)]
        ids = [a.id for a in members]
        sources = sorted({a.source for a in members if a.source}, key=str.casefold)
        if len(members) == 1:
            stories.append((Story(story_id(ids), members[0].title_en, members[0].summary_en, ids, sources), min(group)))
            continue
        pool: list[tuple[str, str]] = []  # (article id, sentence)
        positions: list[tuple[int, int]] = []  # (position in its article, article order)
        for order, article in enumerate(members):
            for position, sentence in enumerate(split_english_sentences(article.translation_en)):
                pool.append((article.id, sentence))
                positions.append((position, order))
        picked = pick_sentences([s for _, s in pool], max_words=budget, min_words=plan.min_words,
                                redundancy=redundancy, order=positions)
        key = [{"article_id": pool[i][0], "text": pool[i][1]} for i in picked]
        headline = members[most_central([a.title_en for a in members],
                                        [f"{a.title_en}\n{a.translation_en}" for a in members])].title_en.strip()
        if not headline and key:  # no member has an English title: the story's first key words
            headline = heading("", key[0]["text"])
        story = Story(story_id(ids), headline, "", ids, sources, key)
        stories.append((story, min(group)))
        merged = " ".join(k["text"] for k in key)
        if plan.summarize is None:
            # The one best sentence alone can be longer than the bounds: cut as key_sentences does.
            story.summary_en = merged if len(merged.split()) <= budget else " ".join(merged.split()[:budget]) + "…"
        else:
            to_summarise.append((story, merged))
    if to_summarise:
        for (story, _), summary in zip(to_summarise, plan.summarize([m for _, m in to_summarise])):
            story.summary_en = summary.text
    return [story for story, first in sorted(stories, key=lambda pair: rank_key(*pair))]


def stories_cache_key(texts: Sequence[str], digest_articles: Sequence["DigestArticle"], summarizer: dict) -> str:
    """The key a digest's stories are cached under: everything they are made of — every article's
    folded Arabic (``texts``: ``article_document``), the English fields the stories draw on, the
    grouping's parameters and the summariser's configuration (``Summarizer.describe``). A rerun over
    the same day then builds no TF-IDF, clusters nothing and summarises no story."""
    import json

    from summarize.cache import cache_key

    english = [[a.id, a.source, a.date, a.language, a.title_en, a.summary_en, a.translation_en]
               for a in digest_articles]
    recipe = {"version": STORIES_VERSION, "threshold": THRESHOLD, "ngram_range": list(NGRAM_RANGE),
              "redundancy": REDUNDANCY, "summarizer": summarizer}
    return cache_key({"stage": "stories"}, recipe, json.dumps([list(texts), english], ensure_ascii=False))


def stories_to_json(stories: Sequence[Story]) -> str:
    import json

    return json.dumps([story.as_dict() for story in stories], ensure_ascii=False)


def stories_from_json(text: str) -> list[Story]:
    import json

    return [Story(**fields) for fields in json.loads(text)]
