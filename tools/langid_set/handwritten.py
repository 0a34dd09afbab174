"""The hand-written detector that ``summarize.ingest.language`` was before issue 17 (commit b6b3b9b),
kept as ``tools.langid_bench``'s baseline (the sampling and script counting it shared with today's
detector are imported from there, unchanged): script counts, Persian/Urdu letters against Arabic ones,
and function words for eight Latin-script languages. Nothing in the package imports it.
"""
from __future__ import annotations

import re
from collections import Counter

from summarize.ingest.language import language_sample, script_counts

ARABIC_MIN_SHARE = 0.25
EN_MIN_SHARE = 0.08
# Below this many words, a Latin text without any function word may still be English (a headline).
SHORT_TEXT_WORDS = 12

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


def detect_language(*texts: str) -> str:
    """ISO 639-1 code of the language ``texts`` (a title and a body, say) are mostly written in ("ar",
    "en", "fa", "fr", …), or "unknown". See the module docstring for the rules."""
    sample = language_sample(texts)
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
