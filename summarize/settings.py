"""One settings object for a run. Every field can be overridden by a ``SUMMARIZE_<FIELD>`` environment
variable (``SUMMARIZE_BEAMS=2``); command-line options override both."""
from __future__ import annotations

import dataclasses
import math
import os
import re
from dataclasses import dataclass, fields
from typing import Any, Mapping

from summarize.errors import UserError

ENV_PREFIX = "SUMMARIZE_"
# Fields whose SUMMARIZE_* variable is read by the code that uses it, for callers without settings too.
_READ_ELSEWHERE = {"ct2_dir"}

# Default token budgets (padded source tokens per batch), measured on 2 CPU cores with full-size
# opus-mt-ar-en and distilbart-cnn-12-6 shapes at beam 4 (python -m tools.bench, README "Engines").
# Translation: CPU beam search slows down on big batches (a 6000-token batch is ~170 sentences × 4
# beams), on both engines; 1000 (about 30 sentences) was the fastest measured, for torch by 1.5×.
TRANSLATION_TOKEN_BUDGET = 1000
# Summaries: each hypothesis of a distilbart-sized decoder keeps its source's keys and values for the
# cross-attention (about 48 MB for a 1000-token chunk), so the budget × beams sets the memory. 2000
# (two chunks) ran as fast as 4000 and within noise of 8000 on CTranslate2 (16.1 / 15.9 / 17.7
# articles a minute); on the whole 131-article day, summaries took 891 s against 823 s with 4000 (within
# run-to-run noise) and the digest peaked at 1458 MB against 1765 MB.
SUMMARY_TOKEN_BUDGET = 2000
# 200,000 characters is about 35,000 Arabic words, some 25 times the longest article in the news
# feeds this tool was built on (7,500 characters), and an hour or so of translation on a CPU: past it,
# an "article" is a mis-scraped page, a book or a dump, not news.
DEFAULT_MAX_ARTICLE_CHARS = 200_000
# The most the per-article limit may be raised to: every stage holds an article whole, and a 50 MB
# "article" reached 6 GB before translating. 10 M characters is some 50 times the default.
HARD_MAX_ARTICLE_CHARS = 10_000_000
# Articles a digest carries through clean → segment → translate → summarise at once (``--window``):
# what a window leaves behind is each article's English and its folded Arabic for the stories, so
# memory no longer grows with everything every stage made of the whole day. 100 articles hold some
# 2,000 segments: batches of one length class still fill the token budget (padding of 800 articles
# 0.58 % in windows of 100, 0.37 % of 200, 0.12 % in one), and a digest of 800 peaks 5 MB lower than
# in windows of 200 in the same time (``python -m tools.scale_bench``).
WINDOW_ARTICLES = 100
# Fetching (summarize.fetch): a request, whole, may take 20 s — a slow outlet answers well within it,
# and a hung one costs no more than that; 2 requests in flight to one host is what crawlers are asked
# to keep to, 8 overall keeps a sources file of many outlets moving on one machine.
FETCH_TIMEOUT_S = 20.0
PER_HOST = 2
CONNECTIONS = 8
# The service refuses a body over its limit before reading it whole. 1 MB is some 180,000 Arabic
# words, far past anything a person pastes or a client sends to /translate in one request; /digest
# takes a day of articles: the 131-article day of five outlets is 0.5 MB of JSONL, the 1,524-article
# day of eleven 5.3 MB, so 20 MB leaves room for a large day and none for a runaway upload.
BODY_LIMIT = 1_000_000
DIGEST_BODY_LIMIT = 20_000_000


class SettingsError(UserError, ValueError):
    """A setting has a value that cannot be used (exit status 2)."""


@dataclass(frozen=True)
class Settings:
    # models: a catalogue name, a Hugging Face id, or a local directory
    translator: str = "opus-mt-ar-en"  # the Arabic translator
    # the other languages' translators: "LANG=MODEL,LANG=MODEL", "*" for every language without its own
    # (a many-to-many model); "ar=MODEL" here wins over ``translator`` (parse_translators, translator_map)
    translators: str | None = None
    summarizer: str = "distilbart-cnn-12-6"
    # auto: ctranslate2 when the model converts (Marian and BART do), else torch; see summarize.engines
    engine: str = "auto"
    device: str = "auto"  # auto | cpu | cuda
    compute_type: str = "auto"  # CTranslate2's: auto is int8 on CPU, float16 on CUDA; torch runs float32
    threads: int = 0  # cores per model; 0: every usable core (ctranslate2), torch's default (torch)
    # CTranslate2 conversions; None: SUMMARIZE_CT2_DIR, else models/local/ct2/ (read where every caller
    # finds the folder, summarize.engines.ct2_conversion.conversions_dir, not here)
    ct2_dir: str | None = None
    # translation
    beams: int = 4
    max_length_factor: float = 1.5  # output cap per segment = ceil(factor × its length class) + offset
    max_length_offset: int = 10
    token_budget: int = TRANSLATION_TOKEN_BUDGET  # padded source tokens per batch (batch size × longest member)
    max_segment_tokens: int = 256  # longer sentences are split again; never above the model's limit
    # summarisation; None takes the catalogue preset's value, then the model's own generation config
    summary_beams: int | None = None
    summary_min_tokens: int | None = None
    summary_max_tokens: int | None = None
    no_repeat_ngram_size: int | None = None
    length_penalty: float | None = None
    summary_token_budget: int = SUMMARY_TOKEN_BUDGET  # padded source tokens per summary batch
    # input
    max_article_chars: int = DEFAULT_MAX_ARTICLE_CHARS  # title + body; longer articles are skipped and reported
    follow_symlinks: bool = False  # follow links inside input folders that lead out of the inputs named
    window: int = WINDOW_ARTICLES  # articles through the stages at once; 0: the whole input in one window
    # fetching feeds and pages (summarize.fetch)
    fetch_timeout: float = FETCH_TIMEOUT_S  # seconds a request may take, whole
    per_host: int = PER_HOST  # requests in flight to one host
    connections: int = CONNECTIONS  # requests in flight overall
    page_store: str | None = None  # None: pages.sqlite3 beside the default cache; off with no_cache
    since: str | None = None  # keep feed items published on this day (YYYY-MM-DD) or later
    # cache: None is the default location (~/.cache/summarize/cache.sqlite3, honouring XDG_CACHE_HOME)
    cache: str | None = None
    no_cache: bool = False
    # interface
    quiet: bool = False
    date: str | None = None  # the day the digest covers, YYYY-MM-DD (default: the most common article date)
    archive: str | None = None  # folder for the day-by-day copies and their index.html
    watchlist: str | None = None  # file of terms to find in the day's sentences (summarize.watchlist)
    verbose: bool = False
    # where the per-article stages run (summarize.executors): local, or ray (Ray Data over a cluster)
    executor: str = "local"
    ray_address: str | None = None  # None: RAY_ADDRESS, else a local Ray started for the run
    ray_workers: int = 0  # translation/summary actors; 0: one per CPU the cluster offers
    # the service (summarize serve, summarize.service)
    api_keys: str | None = None  # file of API keys, one a line; None: no key needed
    req_limit: int = 0  # requests a minute per key (or client address); 0: no limit
    char_limit: int = 0  # characters a request may send to /translate; 0: no limit
    batch_limit: int = 0  # texts a batch q may hold; 0: no limit
    body_limit: int = BODY_LIMIT  # bytes a request body may hold
    digest_body_limit: int = DIGEST_BODY_LIMIT  # bytes a POST /digest body may hold
    cors: str | None = None  # origins allowed by CORS, comma-separated ("*" for any); None: no CORS headers

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            if f.name in _READ_ELSEWHERE:
                continue
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _coerce(f, raw, source=ENV_PREFIX + f.name.upper())
        return cls(**values).validated()

    def replace(self, **overrides: Any) -> "Settings":
        """A copy with the given fields changed; ``None`` values are ignored so unset CLI options keep
        the environment's or default value."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return dataclasses.replace(self, **{k: v for k, v in overrides.items() if v is not None}).validated()

    def validated(self) -> "Settings":
        from summarize.engines import ENGINE_CHOICES, compute_type_conflict
        from summarize.engines.ctranslate2_engine import COMPUTE_TYPES

        if self.device not in ("auto", "cpu", "cuda"):
            raise SettingsError(f"device must be auto, cpu or cuda, not {self.device!r}")
        if self.engine not in ENGINE_CHOICES:
            raise SettingsError(f"engine must be one of {', '.join(ENGINE_CHOICES)}, not {self.engine!r}")
        if self.compute_type not in COMPUTE_TYPES:
            raise SettingsError(f"compute_type must be one of {', '.join(COMPUTE_TYPES)}, not {self.compute_type!r}")
        parse_translators(self.translators)  # a bad list is refused before any work
        conflict = compute_type_conflict(self.engine, self.compute_type)
        if conflict:
            raise SettingsError(conflict)
        if not math.isfinite(self.fetch_timeout) or self.fetch_timeout <= 0:
            raise SettingsError(f"fetch_timeout must be a positive number of seconds, not {self.fetch_timeout}")
        for name in ("per_host", "connections"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.executor not in ("local", "ray"):
            raise SettingsError(f"executor must be local or ray, not {self.executor!r}")
        for name in ("ray_workers", "req_limit", "char_limit", "batch_limit"):
            if getattr(self, name) < 0:
                raise SettingsError(f"{name} must be 0 (no limit) or more, not {getattr(self, name)}")
        for name in ("body_limit", "digest_body_limit"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1 byte, not {getattr(self, name)}")
        if self.window < 0:
            raise SettingsError(f"window must be 0 (the whole input at once) or more articles, not {self.window}")
        if self.threads < 0:
            raise SettingsError(f"threads must be 0 (all usable cores) or more, not {self.threads}")
        for name in ("beams", "token_budget", "max_segment_tokens", "summary_token_budget", "max_article_chars"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.max_article_chars > HARD_MAX_ARTICLE_CHARS:
            raise SettingsError(f"max_article_chars of {self.max_article_chars:,} is over the ceiling of "
                                f"{HARD_MAX_ARTICLE_CHARS:,} characters: an article that long cannot be read, cleaned "
                                "and translated in bounded memory")
        if not math.isfinite(self.max_length_factor) or self.max_length_factor <= 0:
            raise SettingsError(f"max_length_factor must be a positive number, not {self.max_length_factor}")
        if self.max_length_offset < 0:
            raise SettingsError(f"max_length_offset must be 0 or more, not {self.max_length_offset}")
        for name, least in (("summary_beams", 1), ("summary_max_tokens", 1), ("summary_min_tokens", 0),
                            ("no_repeat_ngram_size", 0)):
            value = getattr(self, name)
            if value is not None and value < least:
                raise SettingsError(f"{name} must be at least {least}, not {value}")
        if self.length_penalty is not None and not math.isfinite(self.length_penalty):
            raise SettingsError(f"length_penalty must be a number, not {self.length_penalty}")
        if (self.summary_min_tokens is not None and self.summary_max_tokens is not None
                and self.summary_min_tokens > self.summary_max_tokens):
            raise SettingsError(f"summary_min_tokens ({self.summary_min_tokens}) is more than summary_max_tokens "
                                f"({self.summary_max_tokens})")
        return self

    def translator_map(self) -> dict[str, str]:
        """Which model translates each language: "ar" (``translator``, unless ``translators`` names
        one), every language ``translators`` names, and "*" when it names a fallback."""
        return {"ar": self.translator, **parse_translators(self.translators)}

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def open_cache(self):
        """The run's cache, or None with --no-cache."""
        if self.no_cache:
            return None
        from summarize.cache import Cache, default_cache_path

        return Cache(self.cache or default_cache_path())


_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}|\*")


def parse_translators(spec: str | None) -> dict[str, str]:
    """``"fr=opus-mt-fr-en, *=nllb-200-distilled-600M"`` as {"fr": …, "*": …}: ISO 639 codes (two or
    three lower-case letters) or "*", each given once."""
    found: dict[str, str] = {}
    for item in (spec or "").split(","):
        if not item.strip():
            continue
        language, equals, model = (part.strip() for part in item.partition("="))
        if not equals or not model or not _LANGUAGE_CODE.fullmatch(language):
            raise SettingsError(f"translators: {item.strip()!r} is not LANG=MODEL (LANG an ISO 639-1 code such as fr, "
                                "or * for every language without its own translator)")
        if language in found and found[language] != model:
            raise SettingsError(f"translators: {language} is given two models ({found[language]}, {model})")
        found[language] = model
    return found


def _coerce(f: dataclasses.Field, raw: str, source: str) -> Any:
    kind = str(f.type).replace(" | None", "")
    if raw == "" and "None" in str(f.type):
        return None
    try:
        if kind == "bool":
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise SettingsError(f"{source}={raw!r} is not a valid {kind}") from None
    return raw
