"""The languages summarize knows by name: each ISO 639-1 code (what the language detector answers and
``--translator LANG=MODEL`` takes) with its English name and its codes in the many-to-many models'
own schemes — NLLB-200 (``fra_Latn``) and M2M100 (``fr``) — which those models need told.

A plain dict, as sacrebleu keeps its registries: one line a language, no behaviour."""
from __future__ import annotations

# code: (English name, NLLB-200 code, M2M100 code or None when M2M100 lacks it)
LANGUAGES: dict[str, tuple[str, str, str | None]] = {
    "ar": ("Arabic", "arb_Arab", "ar"),
    "en": ("English", "eng_Latn", "en"),
    "fr": ("French", "fra_Latn", "fr"),
    "fa": ("Persian", "pes_Arab", "fa"),
    "tr": ("Turkish", "tur_Latn", "tr"),
    "he": ("Hebrew", "heb_Hebr", "he"),
    "ur": ("Urdu", "urd_Arab", "ur"),
    "ku": ("Kurdish (Sorani)", "ckb_Arab", None),
    "ps": ("Pashto", "pbt_Arab", "ps"),
    "ru": ("Russian", "rus_Cyrl", "ru"),
    "de": ("German", "deu_Latn", "de"),
    "es": ("Spanish", "spa_Latn", "es"),
    "it": ("Italian", "ita_Latn", "it"),
    "pt": ("Portuguese", "por_Latn", "pt"),
    "nl": ("Dutch", "nld_Latn", "nl"),
    "zh": ("Chinese", "zho_Hans", "zh"),
    "ja": ("Japanese", "jpn_Jpan", "ja"),
    "ko": ("Korean", "kor_Hang", "ko"),
    "hi": ("Hindi", "hin_Deva", "hi"),
    "bn": ("Bengali", "ben_Beng", "bn"),
    "id": ("Indonesian", "ind_Latn", "id"),
    "ms": ("Malay", "zsm_Latn", "ms"),
    "sw": ("Swahili", "swh_Latn", "sw"),
    "so": ("Somali", "som_Latn", "so"),
    "am": ("Amharic", "amh_Ethi", "am"),
    "el": ("Greek", "ell_Grek", "el"),
    "uk": ("Ukrainian", "ukr_Cyrl", "uk"),
    "pl": ("Polish", "pol_Latn", "pl"),
    "ro": ("Romanian", "ron_Latn", "ro"),
    "hy": ("Armenian", "hye_Armn", "hy"),
    "ka": ("Georgian", "kat_Geor", "ka"),
    "az": ("Azerbaijani", "azj_Latn", "az"),
    "sq": ("Albanian", "als_Latn", "sq"),
    "bs": ("Bosnian", "bos_Latn", "bs"),
    "th": ("Thai", "tha_Thai", "th"),
    "vi": ("Vietnamese", "vie_Latn", "vi"),
}


def language_name(code: str) -> str:
    """``code``'s English name ("French"), or the code itself when it is not in ``LANGUAGES``."""
    known = LANGUAGES.get(code)
    return known[0] if known else code


def described(code: str) -> str:
    """``code`` as a reader wants it named: "French (fr)"; an unknown code alone."""
    name = language_name(code)
    return f"{name} ({code})" if name != code else code


def model_code(code: str, scheme: str) -> str | None:
    """``code`` in a many-to-many model's scheme (``nllb`` or ``m2m100``); None when it has none."""
    known = LANGUAGES.get(code)
    if known is None:
        return None
    if scheme == "nllb":
        return known[1]
    if scheme == "m2m100":
        return known[2]
    raise ValueError(f"unknown language-code scheme {scheme!r}: expected nllb or m2m100")
