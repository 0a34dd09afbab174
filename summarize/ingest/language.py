"""Which language an article is written in: py3langid's model, after what is not language is left out.

The pipeline needs one decision per article: which translator it goes to (Arabic, Persian, Urdu,
Pashto, Sorani Kurdish, Hebrew, Turkish, French, German, Spanish, Russian, Italian, Portuguese,
Chinese, Indonesian), English passed through (all of them ``CANDIDATES``), or anything else reported
and skipped.

1. Only the first ``SAMPLE_CHARS`` characters of title + text are read, less what is not language: web
   addresses, and runs of ``BLOB_MIN_CHARS`` or more characters of the base64 alphabet without a
   space (an embedded image, a hash, a token) that hold a digit or a base64 symbol. A 50 KB data: URI
   in an Arabic article would otherwise be all the model sees (it calls such text "zxx").
2. A sample without a letter is "unknown" (the model would still name a language for "12 345").
3. py3langid 0.4 (naive Bayes over byte n-grams, 140 languages, the model inside its 4.5 MB wheel)
   ranks the sample. Its labels that are ours under another name are folded into ours, probabilities
   added (``_FOLDED``): Moroccan and Egyptian Arabic → "ar" (it gives Modern Standard Arabic news with
   English quotes to "ary" about as often as to "ar"), "sdh" → "ku" (its label for Sorani), Wu and
   Cantonese → "zh"; its own "ku" is Kurmanji, in Latin script, answered "kmr".
4. The model's best language is the answer, except that a language we have no translator for needs
   ``OUTSIDE_MIN_RATIO`` times the probability of our best one: Indonesian headlines come out Malay at
   0.6–0.7 against 0.3, Chinese ones Wu, and sending them on beats skipping them; Dutch, Polish,
   Ukrainian, … come out clearly (0.55–1.0, ours under a fifth of that) and are skipped.

Why (``python -m tools.langid_bench``; ``tools/langid_set/README.md`` has the full tables). texts.jsonl:
269 texts, 16 languages as headlines, sentences and paragraphs, 20 news headlines and leads of
2018-05-08, 20 FLORES English lines, 13 Arabic articles quoting English, 9 blobs/addresses/no letters, 10
texts in languages without a translator. held_out.jsonl: 71 more, written after this design was fixed.
Arabic script = Persian, Urdu, Pashto, Sorani and Arabic headlines, sentences and paragraphs; start-up =
import + first call in a fresh process, on 2 cores (about 2 s when the wheel is not in the disk cache):

    detector            texts.jsonl  held out  Arabic script  mixed  edge  others  start-up  peak RSS
    hand-written        0.777        0.704     54/85          13/13  9/9   0/10    0.06 s    22 MB
    py3langid alone     0.963        0.986     85/85          13/13  1/9   10/10   0.9 s     136 MB
    py3langid, ours     0.948        0.944     85/85          13/13  5/9   0/10    1.0 s     136 MB
    lingua, all 75      0.859        0.859     59/85          9/13   3/9   10/10   1.1 s     1135 MB
    lingua, ours (14)   0.825        0.817     59/85          9/13   3/9   0/10    0.8 s     297 MB
    this module         1.000        1.000     85/85          13/13  9/9   10/10   1.0 s     136 MB

The hand-written detector (script counts, Persian/Urdu letters, function words) called every Pashto and
Sorani text Persian and 7 of 12 Turkish ones "unknown", and wins nowhere but start-up. lingua has no
Pashto or Kurdish, loads each language's models on first use (13 s and 1.1 GB for all 75), and its
wheel is 96 MB. The old "Arabic letters ≥ 25 % → Arabic" rule is not kept: with it on top the bench
answers the same on both sets, the model keeping mixed articles Arabic down to about a quarter of
Arabic letters (0.28 in the set) by itself. Headlines of two or three words remain guesses ("Crolla la
Borsa" comes out Sotho). The model costs about 0.5 ms a text, and its start-up once per process, on the
first article: ``python -m summarize --help`` never loads it.

The answer is an ISO 639-1 code (the model's ISO 639-3 one for a language without one), or "unknown".
"""
from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# Only the start of an article is read: some 350 words tell the language, and the model's time grows
# with the bytes it walks.
SAMPLE_CHARS = 2_000
# A run of the base64 alphabet this long without a space is data, not a word (English words stop
# short of 24 letters; "internationalization" is 20); requiring a digit or +/= spares long names.
BLOB_MIN_CHARS = 24
_NOT_LANGUAGE = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|data:\S+"
                           r"|(?<![A-Za-z0-9+/=_-])(?=[A-Za-z+/=_-]*[0-9+/=])[A-Za-z0-9+/=_-]{%d,}" % BLOB_MIN_CHARS)
_SPACE = re.compile(r"\s")

# The languages the pipeline has a translator for (or passes through: English).
CANDIDATES = frozenset(("ar", "fa", "ur", "ps", "ku", "he", "tr", "fr", "en", "de", "es", "ru", "it", "pt", "zh", "id"))
# A language we have no translator for wins only at this many times our best one's probability.
OUTSIDE_MIN_RATIO = 3.0
# The model's labels that are one of ours, or that need another code. "zxx" is its "no language".
_FOLDED = {"ary": "ar", "arz": "ar", "sdh": "ku", "ku": "kmr", "wuu": "zh", "yue": "zh", "hbo": "he",
           "zxx": "unknown"}

# Script blocks, checked in order. Only letters are counted (str.isalpha), so Arabic digits,
# punctuation and presentation-form ligature symbols do not weigh in.
_SCRIPTS: list[tuple[str, tuple[tuple[int, int], ...]]] = [
    ("arabic", ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
    ("latin", ((0x0041, 0x024F), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F), (0xA720, 0xA7FF), (0xFF21, 0xFF5A))),
    ("cyrillic", ((0x0400, 0x052F),)),
    ("greek", ((0x0370, 0x03FF), (0x1F00, 0x1FFF))),
    ("hebrew", ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))),
    ("armenian", ((0x0530, 0x058F),)),
    ("georgian", ((0x10A0, 0x10FF),)),
    ("devanagari", ((0x0900, 0x097F),)),
    ("bengali", ((0x0980, 0x09FF),)),
    ("thai", ((0x0E00, 0x0E7F),)),
    ("hangul", ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF))),
    ("kana", ((0x3040, 0x30FF),)),
    ("han", ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))),
    ("ethiopic", ((0x1200, 0x139F),)),
]


@functools.lru_cache(maxsize=4096)
def _script(char: str) -> str | None:
    code = ord(char)
    for name, ranges in _SCRIPTS:
        for low, high in ranges:
            if low <= code <= high:
                return name
    return None


def script_counts(text: str, chars: Counter[str] | None = None) -> Counter[str]:
    """Letters of ``text`` per script ("other" for scripts not listed); ``chars`` is
    ``Counter(text)`` when the caller has it already."""
    counts: Counter[str] = Counter()
    for char, n in (Counter(text) if chars is None else chars).items():
        if char.isalpha():
            counts[_script(char) or "other"] += n
    return counts


def language_sample(texts: tuple[str, ...]) -> str:
    """The first ``SAMPLE_CHARS`` characters of ``texts`` (joined by line breaks) that are language:
    addresses and data runs left out. Looks no further than it needs, and copies no whole text."""
    pieces: list[str] = []
    size = 0
    for text in texts:
        position = 0
        while size < SAMPLE_CHARS and position < len(text):
            # Windows end at a space, so that no address or data run is cut in two by one.
            boundary = _SPACE.search(text, position + SAMPLE_CHARS - size)
            window_end = boundary.start() if boundary else len(text)
            match = _NOT_LANGUAGE.search(text, position, window_end)
            end = match.start() if match else window_end
            pieces.append(text[position:min(end, position + SAMPLE_CHARS - size)])
            size += len(pieces[-1])
            position = match.end() if match else window_end
        pieces.append("\n")
    return "".join(pieces)[:SAMPLE_CHARS]


_LOADING = threading.Lock()


@functools.cache
def _loaded_model() -> LanguageIdentifier:
    # Imported here, not at the top: the model takes about 2 s to decompress, and commands that read
    # no article (--help, cache stats) should not pay for it.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _model() -> LanguageIdentifier:
    """py3langid's identifier with probabilities, loaded once per process (the lock keeps two
    threads that read articles at once from decompressing it twice)."""
    with _LOADING:
        return _loaded_model()


def language_scores(sample: str) -> Counter[str]:
    """The model's probability for each language of ``sample``, under our codes (``_FOLDED``)."""
    scores: Counter[str] = Counter()
    for label, probability in _model().rank(sample):
        scores[_FOLDED.get(label, label)] += probability
    return scores


def choose(scores: Counter[str]) -> str:
    """The model's best language, unless it is not one of ``CANDIDATES`` and the best of those is
    within ``OUTSIDE_MIN_RATIO`` of it."""
    best = max(scores, key=scores.__getitem__)
    if best in CANDIDATES:
        return best
    ours = max(CANDIDATES, key=scores.__getitem__)
    return ours if scores[ours] * OUTSIDE_MIN_RATIO >= scores[best] else best


def detect_language(*texts: str) -> str:
    """ISO 639-1 code of the language ``texts`` (a title and a body, say) are mostly written in ("ar",
    "en", "fa", "fr", …), or "unknown". See the module docstring for the rules."""
    sample = language_sample(texts)
    if not any(char.isalpha() for char in sample):
        return "unknown"
    return choose(language_scores(sample))
