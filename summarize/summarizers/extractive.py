"""Extractive summaries: no model, the most central English sentences of the text, in their original
order. Selectable for a whole run (``--summarizer extractive``) and used by the story builder to pick
the key sentences of a story from all its articles.

Method: each sentence is a TF-IDF vector (English word unigrams, stop words removed, sublinear term
frequency, IDF fitted on the sentences of the text itself); a sentence's score is its cosine with the
centroid of all sentence vectors — how much of the text's vocabulary it shares. Sentences are taken
best first while they fit the word budget, skipping any that repeats one already taken (cosine ≥
REDUNDANCY: the same fact said by two outlets, or twice by one), then put back in text order.

Length bounds are the run's summary bounds, which are in model tokens. English runs at about 0.75
words per BART/Marian sub-word token, so min/max words = the token bounds × WORDS_PER_TOKEN.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

from summarize.records import StageStats, Summary
from summarize.segment import split_english_sentences
from summarize.summarizers.base import StoryPlan, Summarizer

if TYPE_CHECKING:
    from summarize.settings import Settings

# English words per model token (BPE / SentencePiece on news English: ~1.3 tokens a word).
WORDS_PER_TOKEN = 0.75
# The default summariser's preset bounds (distilbart-cnn, in tokens), used when the settings name none.
DEFAULT_MIN_TOKENS = 56
DEFAULT_MAX_TOKENS = 142
# Two sentences with at least this TF-IDF cosine say the same thing: the second is not taken. On
# hand-written pairs in the seeds' story (12 sentences), the same fact worded by two outlets scored
# 0.66–0.92 and different facts 0.08–0.40. In a very short text, IDF weighs the topic words more and
# two different facts about one topic can pass 0.6: the later one is then left out.
REDUNDANCY = 0.6
# Shorter "sentences" are headings, captions and fragments ("Read more", "Photo: AFP"); they are taken
# only when nothing longer is left.
MIN_SENTENCE_WORDS = 5
ELLIPSIS = "…"


def words(text: str) -> int:
    return len(text.split())


def _vectors(sentences: Sequence[str]):
    """L2-normalised TF-IDF rows, or None when the sentences hold no content word at all."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        return TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(sentences)
    except ValueError:  # empty vocabulary: only stop words, digits or punctuation
        return None


def centrality(sentences: Sequence[str]) -> list[float]:
    """Cosine of each sentence with the centroid of all of them (0 for a sentence without content
    words). All zeros when none has any."""
    return _centrality(_vectors(sentences), len(sentences)) if sentences else []


def _centrality(matrix, count: int) -> list[float]:
    if matrix is None:
        return [0.0] * count
    import numpy as np

    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    if norm == 0:
        return [0.0] * count
    return [float(x) for x in matrix @ (centroid / norm)]


def pick_sentences(sentences: Sequence[str], *, max_words: int, min_words: int = 0,
                   redundancy: float = REDUNDANCY, order: Sequence[Any] | None = None) -> list[int]:
    """Indices of the key sentences, in text order (or in the order of the ``order`` keys, one per
    sentence, when given). Best first while they fit ``max_words``; a sentence repeating one already
    taken is skipped. When even the best sentence is longer than ``max_words`` it is returned alone (the
    caller cuts it: see ``key_sentences``). ``min_words`` is a target only: a short text cannot reach it,
    and no repeated or off-topic sentence is added to pad it."""
    if not sentences or max_words < 1:
        return []
    matrix = _vectors(sentences)
    scores = _centrality(matrix, len(sentences))
    counts = [words(s) for s in sentences]
    # Content sentences first, by score, ties to the earlier sentence; fragments after all of them.
    ranked = sorted(range(len(sentences)), key=lambda i: (counts[i] < MIN_SENTENCE_WORDS, -scores[i], i))
    chosen: list[int] = []
    used = 0
    for index in ranked:
        if counts[index] == 0 or used + counts[index] > max_words:
            continue
        if chosen and counts[index] < MIN_SENTENCE_WORDS and used >= min_words:
            break  # only fragments left, and the summary is long enough without them
        if matrix is not None and chosen:
            similarity = (matrix[chosen] @ matrix[index].T).toarray().ravel()
            if similarity.max() >= redundancy:
                continue
        chosen.append(index)
        used += counts[index]
        if used >= max_words:
            break
    if not chosen:
        chosen = [next((i for i in ranked if counts[i]), ranked[0])]
    keys = order if order is not None else range(len(sentences))
    return sorted(chosen, key=lambda i: (keys[i], i))


def key_sentences(text_or_sentences: str | Sequence[str], *, max_words: int, min_words: int = 0,
                  redundancy: float = REDUNDANCY) -> list[str]:
    """The key sentences of an English text (split with ``split_english_sentences``) or of a list of
    sentences, in their original order, together at most ``max_words`` words: a single sentence
    longer than that is cut at a word boundary and ends with "…"."""
    sentences = (split_english_sentences(text_or_sentences) if isinstance(text_or_sentences, str)
                 else [s.strip() for s in text_or_sentences if s.strip()])
    picked = [sentences[i] for i in pick_sentences(sentences, max_words=max_words, min_words=min_words,
                                                   redundancy=redundancy)]
    if len(picked) == 1 and words(picked[0]) > max_words:
        picked = [" ".join(picked[0].split()[:max_words]) + ELLIPSIS]
    return picked


def most_central(candidates: Sequence[str], context: Sequence[str]) -> int:
    """Index of the candidate (a title, say) closest to the centroid of ``context`` (the texts it
    stands for); the first non-empty candidate when no word is shared, 0 when all are empty."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    fallback = next((i for i, c in enumerate(candidates) if c.strip()), 0)
    try:
        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit([*context, *candidates])
    except ValueError:
        return fallback
    import numpy as np

    centroid = np.asarray(vectorizer.transform(context).mean(axis=0)).ravel()
    scores = vectorizer.transform(candidates) @ centroid
    best = int(np.argmax(scores))
    return best if scores[best] > 0 else fallback


class ExtractiveSummarizer(Summarizer):
    """Key sentences of the text itself: no model."""

    name = "extractive"

    def __init__(self, min_tokens: int = DEFAULT_MIN_TOKENS, max_tokens: int = DEFAULT_MAX_TOKENS, *,
                 redundancy: float = REDUNDANCY) -> None:
        self.min_tokens = max(0, min(min_tokens, max_tokens))
        self.max_tokens = max(1, max_tokens)
        self.min_words = int(self.min_tokens * WORDS_PER_TOKEN)
        self.max_words = max(1, int(self.max_tokens * WORDS_PER_TOKEN))
        self.redundancy = redundancy
        self.stats = StageStats()

    @classmethod
    def from_settings(cls, settings: "Settings") -> "ExtractiveSummarizer":
        """The settings' summary bounds (``--summary-min-tokens``/``--summary-max-tokens``), else the
        default summariser's preset (56, 142 tokens)."""
        return cls(settings.summary_min_tokens if settings.summary_min_tokens is not None else DEFAULT_MIN_TOKENS,
                   settings.summary_max_tokens if settings.summary_max_tokens is not None else DEFAULT_MAX_TOKENS)

    def describe(self) -> dict[str, Any]:
        """What ``run.summarizer`` records for this summariser in digest.json."""
        return {
            "engine": "none",
            "model": self.name,
            "method": "TF-IDF sentence centrality (cosine to the text's centroid), redundant sentences "
                      "skipped, original order",
            "generation": {"min_new_tokens": self.min_tokens, "max_new_tokens": self.max_tokens},
            "min_words": self.min_words,
            "max_words": self.max_words,
            "words_per_token": WORDS_PER_TOKEN,
            "redundancy": self.redundancy,
        }

    def key_sentences(self, text_or_sentences: str | Sequence[str], max_words: int | None = None) -> list[str]:
        return key_sentences(text_or_sentences, max_words=max_words or self.max_words, min_words=self.min_words,
                             redundancy=self.redundancy)

    def story_plan(self) -> StoryPlan:
        return StoryPlan(max_words=self.max_words, min_words=self.min_words)

    def summarize_many(self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None,
                       stats: StageStats | None = None) -> list[Summary]:
        """One summary per text, in input order; identical texts are summarised once."""
        stats = self.stats if stats is None else stats
        done: dict[str, Summary] = {}
        results = []
        for text in texts:
            if text not in done:
                if text.strip():
                    done[text] = Summary(text=" ".join(self.key_sentences(text)), chunks=1, levels=1)
                    stats.generated += 1
                else:
                    done[text] = Summary(text="", chunks=0, levels=0)  # as Summarizer does
            results.append(done[text])
            if on_batch is not None:
                on_batch(1)
        stats.segments += len(texts)
        return results
