"""Which language an article is written in, from its letters — no model, no dependency.

The pipeline needs one decision per article: translate it (Arabic), pass it through untranslated
(English), or report and skip it (anything else). Scripts decide most of it:

1. Letters are counted by script (Arabic, Latin, Cyrillic, Hebrew, …) over the first
   ``SAMPLE_CHARS`` characters of title + text. Digits, punctuation and symbols do not count, nor do
   the letters of what is not language: web addresses, and runs of ``BLOB_MIN_CHARS`` or more
   characters of the base64 alphabet without a space (an embedded image, a hash, a token) that hold
   a digit or a base64 symbol. A 50 KB data: URI in an Arabic article would otherwise make it Latin
   script without a single English word, "language not recognised".
2. **Arabic script** — when Arabic-script letters are at least ``ARABIC_MIN_SHARE`` of all letters
   the article needs the Arabic translator, whatever else it holds: news in Arabic quotes English
   names, tweets and whole paragraphs, and the translator copies Latin tokens through. A quarter is
   low on purpose: sending a mostly-English article with Arabic paragraphs to the translator keeps
   every paragraph readable; calling it English would leave its Arabic untranslated.
   Persian and Urdu share the script; they are told apart from Arabic by the letters only they use
   (Persian ک ی پ چ ژ گ, Urdu ے ں ٹ ڈ ڑ ہ) against the letters only Arabic uses (ة ك ي ى): an
   Arabic text has ة in nearly every sentence, Persian and Urdu almost never.
3. **Latin script** — English is recognised by its function words ("the", "of", "and", …); the
   same is done for a few other Latin-script languages common in the news (French, Spanish,
   German, Italian, Portuguese, Turkish, Indonesian). The language whose function words are the
   most frequent wins; English needs at least ``EN_MIN_SHARE`` of the words to be its function
   words, unless the text is too short to have any (a headline), in which case ASCII-only Latin
   text is taken for English.
4. Other scripts give their main language (Cyrillic → "ru", Hebrew → "he", Han → "zh", …), and no
   letters at all gives "unknown".

The answer is an ISO 639-1 code, or "unknown".
"""
from __future__ import annotations

import functools
import re
from collections import Counter

# Only the start of an article is read: some 350 words tell the language, and a feed of thousands of
# articles is read in a second.
SAMPLE_CHARS = 2_000
ARABIC_MIN_SHARE = 0.25
EN_MIN_SHARE = 0.08
# A run of the base64 alphabet this long without a space is data, not a word (English words stop
# short of 24 letters; "internationalization" is 20); requiring a digit or +/= spares long names.
BLOB_MIN_CHARS = 24
_NOT_LANGUAGE = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|data:\S+"
                           r"|(?<![A-Za-z0-9+/=_-])(?=[A-Za-z+/=_-]*[0-9+/=])[A-Za-z0-9+/=_-]{%d,}" % BLOB_MIN_CHARS)
_SPACE = re.compile(r"\s")
# Below this many words, a Latin text without any function word may still be English (a headline).
SHORT_TEXT_WORDS = 12

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
# The language a script most likely means in news, when nothing finer is done.
_SCRIPT_LANGUAGE = {
    "cyrillic": "ru", "greek": "el", "hebrew": "he", "armenian": "hy", "georgian": "ka", "devanagari": "hi",
    "bengali": "bn", "thai": "th", "hangul": "ko", "kana": "ja", "han": "zh", "ethiopic": "am",
}

_ARABIC_ONLY = set("ةكيى")
_PERSIAN_ONLY = set("کیپچژگ")
_URDU_ONLY = set("ےںٹڈڑہ")

_FUNCTION_WORDS = {
    "en": "the of and to in is that for on with was as by at it from are be has have this which said were "
          "will not but an their its his they he she who been had would after over".split(),
    "fr": "le la les de des du et est une un dans pour que qui sur pas au aux par ce cette avec sont il elle "
          "ont été plus".split(),
    "es": "el la los las de del y que en por con una un para es se al su sus lo como más fue ha".split(),
    "de": "der die das und ist nicht mit den von zu dem ein eine im auf des sich für auch wird wurde".split(),
    "it": "il la di che e le del della per un una sono con non gli dei nel alla è".split(),
    "pt": "o a os as de do da dos das e que em um uma para com não no na por se foi".split(),
    "tr": "ve bir bu da de için ile olarak olan gibi daha çok ama ancak şu".split(),
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga adalah oleh".split(),
}
# A word that is a function word of several languages ("de", "la", "a") counts for each of them.
_WORD_LANGUAGES: dict[str, list[str]] = {}
for _language, _words in _FUNCTION_WORDS.items():
    for _word in _words:
        _WORD_LANGUAGES.setdefault(_word, []).append(_language)
_LATIN_WORD = re.compile(r"[^\W\d_]+")


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


def _arabic_script_language(letters: Counter[str]) -> str:
    arabic = sum(letters[c] for c in _ARABIC_ONLY)
    persian = sum(letters[c] for c in _PERSIAN_ONLY)
    urdu = sum(letters[c] for c in _URDU_ONLY)
    if persian + urdu > arabic:
        return "ur" if urdu > persian / 2 else "fa"
    return "ar"


def _latin_language(sample: str) -> str:
    words = [w.lower() for w in _LATIN_WORD.findall(sample)]
    hits: Counter[str] = Counter()
    for word in words:
        for language in _WORD_LANGUAGES.get(word, ()):
            hits[language] += 1
    if hits:
        best, count = max(hits.items(), key=lambda item: (item[1], item[0] == "en"))
        if best != "en":
            return best
        if count >= EN_MIN_SHARE * len(words):
            return "en"
        return "en" if len(words) < SHORT_TEXT_WORDS else "unknown"
    if len(words) < SHORT_TEXT_WORDS and all(w.isascii() for w in words):
        return "en"
    return "unknown"


def _sample(texts: tuple[str, ...]) -> str:
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


def detect_language(*texts: str) -> str:
    """ISO 639-1 code of the language ``texts`` (a title and a body, say) are mostly written in ("ar",
    "en", "fa", "fr", …), or "unknown". See the module docstring for the rules."""
    sample = _sample(texts)
    chars = Counter(sample)
    counts = script_counts(sample, chars)
    total = sum(counts.values())
    if not total:
        return "unknown"
    if counts["arabic"] >= ARABIC_MIN_SHARE * total:
        return _arabic_script_language(chars)
    script, _ = counts.most_common(1)[0]
    if script == "latin":
        return _latin_language(sample)
    if script == "han" and counts["kana"]:
        return "ja"
    return _SCRIPT_LANGUAGE.get(script, "unknown")
