"""Throughput and memory of the generation backends: ``python -m tools.bench`` (from the checkout's root).

It builds (once, cached under ``models/local/bench/``) two full-size models with random weights and
the real architectures — an opus-mt-ar-en-shaped Marian translator and a distilbart-cnn-12-6-shaped
BART summariser, built at full size by ``summarize.tiny``'s builders — with tokenizers of realistic
vocabulary size trained on the shared data (``../shared/data``: FLORES-200 and a day of Arabic news).
No pretrained weights are needed, so it runs offline; the outputs are gibberish, but the amount of
work is the real one.

Then it translates the first N articles of ``news_ar_2018-05-08.jsonl`` (cleaned and segmented as
in a digest) and summarises N English articles of about 700 tokens (FLORES English sentences joined),
with three configurations:

  naive        a plain transformers loop: one padded ``generate`` per article, float32, the
               checkpoint's own generation config
  torch        our torch engine behind our batching (``Translator`` / ``Summarizer``)
  ctranslate2  our CTranslate2 engine (int8 on CPU, the translator's output layer cut to its target
               side by a vocabulary map) behind the same batching

All use beam 4 and THE SAME output caps. Random weights never emit EOS early, so the caps alone decide
output lengths: every configuration generates exactly the same number of tokens. Translation: 48 new
tokens per sentence (a fixed cap, rather than the product's 1.5 × source + 10, which would depend on
how sentences are batched). Summaries: distilbart-cnn's preset (56 to 142 new tokens, no-repeat 3-grams,
length penalty 2.0), so 142 tokens per summary.

Each configuration runs in a fresh subprocess whose peak RSS (``getrusage``'s ``ru_maxrss``) is its own.
A last subprocess runs a whole digest on the CTranslate2 engine (both models loaded) to show its peak
memory. Timings on a shared machine are noisy: the load average before and after each run is recorded.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tools import REPO_ROOT, SHARED_DATA

DATA_DIR = SHARED_DATA
NEWS_FILE = DATA_DIR / "news_ar_2018-05-08.jsonl"
FLORES_AR = DATA_DIR / "flores200_devtest.ar"
FLORES_EN = DATA_DIR / "flores200_devtest.en"
ARABIC_NEWS = [NEWS_FILE, DATA_DIR / "news_ar_2015-08-10_saudi.jsonl"]
BENCH_DIR = REPO_ROOT / "models" / "local" / "bench"
# Bump when the build recipe changes: cached models of another recipe are rebuilt.
RECIPE = 5

# Articles per stage: 8 news articles (127 sentences) take about 2 minutes per configuration; 2
# summaries of 700 tokens take about a minute in transformers' beam search. The default run takes
# about 6 minutes on 2 idle cores; more articles are more precise (timings on a shared machine vary
# by 15 % from run to run).
DEFAULT_ARTICLES = {"translation": 8, "summary": 2}
# The whole-digest run shows peak memory: 4 articles give about 8 chunks to summarise, enough to fill
# summary batches of the default token budget (2000) several times.
DIGEST_ARTICLES = 4
SUMMARY_ARTICLE_TOKENS = 700
CONFIGURATIONS = ("naive", "torch", "ctranslate2")
STAGES = ("translation", "summary")

# Helsinki-NLP/opus-mt-ar-en: Marian transformer-base.
MARIAN_VOCAB = 62_802
MARIAN_ARCHITECTURE = dict(
    d_model=512, encoder_layers=6, decoder_layers=6, encoder_attention_heads=8, decoder_attention_heads=8,
    encoder_ffn_dim=2048, decoder_ffn_dim=2048,
)
MARIAN_MAX_POSITIONS = 512
MARIAN_SPM_VOCAB = 32_000  # each side's sentencepiece model, as opus-mt's spm32k
# sshleifer/distilbart-cnn-12-6: bart-large-cnn with 6 of its 12 decoder layers.
BART_VOCAB = 50_265
BART_ARCHITECTURE = dict(
    d_model=1024, encoder_layers=12, decoder_layers=6, encoder_attention_heads=16, decoder_attention_heads=16,
    encoder_ffn_dim=4096, decoder_ffn_dim=4096,
)
BART_MAX_POSITIONS = 1024


def _generation_settings():
    from summarize.engines.base import GenerationSettings

    # The fixed cap of 48 new tokens per sentence, in the terms the Translator takes: 0 × the longest
    # source + 48 (see the module docstring).
    translation = GenerationSettings(num_beams=4, max_length_factor=0.0, max_length_offset=48)
    summary = GenerationSettings(num_beams=4, min_new_tokens=56, max_new_tokens=142, no_repeat_ngram_size=3,
                                 length_penalty=2.0)
    return translation, summary


# --- building the models -------------------------------------------------------------------------------


def model_paths() -> dict[str, Path]:
    return {"translator": BENCH_DIR / "opus-mt-ar-en-shaped", "summarizer": BENCH_DIR / "distilbart-cnn-12-6-shaped"}


def _built(path: Path) -> bool:
    try:
        return json.loads((path / "bench-recipe.json").read_text())["recipe"] == RECIPE
    except (OSError, ValueError, KeyError):
        return False


def ensure_models(log=print) -> dict[str, Path]:
    """Build the two benchmark models unless a build of this recipe is there (complete or absent, never
    half-written: each is built in a staging folder and renamed into place)."""
    from summarize.files import staged_directory

    for name in (FLORES_AR, FLORES_EN, *ARABIC_NEWS):
        if not name.is_file():
            raise SystemExit(f"benchmark data missing: {name} (the shared data folder beside the checkout)")
    paths = model_paths()
    builders = {"translator": build_marian, "summarizer": build_bart}
    for role, path in paths.items():
        if _built(path):
            continue
        log(f"building the {role} ({path.name}) …")
        started = time.perf_counter()
        with staged_directory(path) as staging:
            builders[role](staging)
            (staging / "bench-recipe.json").write_text(json.dumps({"recipe": RECIPE}) + "\n")
        log(f"  built in {time.perf_counter() - started:.0f} s")
    return paths


def _arabic_lines() -> list[str]:
    lines = [line.strip() for line in FLORES_AR.read_text(encoding="utf-8").splitlines() if line.strip()]
    for feed in ARABIC_NEWS:
        for row in feed.read_text(encoding="utf-8").splitlines():
            record = json.loads(row)
            for field in ("title_ar", "text_ar"):
                lines.extend(line.strip() for line in (record.get(field) or "").splitlines() if line.strip())
    return lines


def _english_lines() -> list[str]:
    return [line.strip() for line in FLORES_EN.read_text(encoding="utf-8").splitlines() if line.strip()]


# Placeholder pieces that widen a sentencepiece model to its real size; never matched by real text.
TARGET_FILLER = "<unused-target-{}>"


def _train_spm(lines: list[str], vocab_size: int, *, fillers: int = 0) -> bytes:
    """A unigram model of up to ``vocab_size`` pieces learnt from ``lines``, plus ``fillers``
    placeholder pieces."""
    from summarize.tiny import train_sentencepiece

    return train_sentencepiece(lines, vocab_size=vocab_size, placeholders=[TARGET_FILLER.format(i) for i in range(fillers)],
                               threads=os.cpu_count() or 1, max_sentences=2_000_000)


def build_marian(dest: Path) -> None:
    from summarize.tiny import MARIAN_EOS, build_marian as write_marian, joint_marian_vocab, spm_pieces

    source = _train_spm(_arabic_lines(), MARIAN_SPM_VOCAB)
    target = _train_spm(_english_lines(), MARIAN_SPM_VOCAB)
    # FLORES English gives about 4,700 pieces, not 32k. Placeholder pieces widen the target side until
    # the joint vocabulary has opus-mt-ar-en's 62,802 entries (so about 31k target pieces, as two
    # spm32k models that share some): the target side is what the translator may write, and what
    # CTranslate2's vocabulary map keeps of the output layer, so it must have its real width.
    missing = MARIAN_VOCAB - 1 - len(joint_marian_vocab(source, target))
    if missing > 0:
        target = _train_spm(_english_lines(), MARIAN_SPM_VOCAB, fillers=missing)
    vocab = joint_marian_vocab(source, target, size=MARIAN_VOCAB)  # pad last, as in opus-mt
    # A trained opus-mt writes English pieces; a random one would write any piece of the joint vocabulary,
    # Arabic included, and Arabic glued into one "word" of hundreds of byte-level BART tokens is nothing a
    # digest meets. Forbid the non-English pieces (and the target side's placeholders) in the output
    # layer's bias: the work is unchanged.
    english = {piece for piece in spm_pieces(target) if not piece.startswith(TARGET_FILLER.partition("{")[0])} | {MARIAN_EOS}
    # swish, scaled and shared embeddings, sinusoidal positions: as the tiny stand-in, at full size.
    write_marian(dest, source, target, vocab=vocab, architecture=MARIAN_ARCHITECTURE,
                 max_positions=MARIAN_MAX_POSITIONS, seed=0,
                 forbidden_outputs=[piece for piece in vocab if piece not in english], generation={"num_beams": 4})


def build_bart(dest: Path) -> None:
    from summarize.tiny import build_bart as write_bart, train_byte_level_bpe

    # Unused entries widen the vocabulary to 50,265 (<mask> last, 50264, as in bart-large).
    vocab, merges = train_byte_level_bpe(_english_lines(), vocab_size=BART_VOCAB, min_frequency=2, filler="<unused>")
    # The unused entries would be most of a random model's output, and their text re-tokenises into
    # several tokens each: summaries many times longer than generated, which a trained model never
    # writes. Forbid them in the output layer's bias: the work is unchanged.
    write_bart(dest, vocab, merges, architecture=BART_ARCHITECTURE, max_positions=BART_MAX_POSITIONS, seed=0,
               forbidden_outputs=[piece for piece in vocab if piece.startswith("<unused>")],
               # bart-large-cnn's generation config, as distilbart-cnn-12-6 ships it.
               generation=dict(num_beams=4, length_penalty=2.0, no_repeat_ngram_size=3, min_length=56,
                               max_length=142, early_stopping=True))


def prepare(log=print) -> dict[str, Path]:
    """Models built and converted for CTranslate2 (int8), so that no timed run pays for either."""
    from summarize.engines.ct2_conversion import ensure_converted
    from summarize.models import resolve_model

    paths = ensure_models(log)
    for role, path in paths.items():
        started = time.perf_counter()
        converted = ensure_converted(resolve_model(str(path)), "int8")
        log(f"{role}: CTranslate2 int8 conversion {converted.name} ready ({time.perf_counter() - started:.0f} s)")
    return paths


# --- inputs ----------------------------------------------------------------------------------------------


def news_articles(count: int):
    from summarize.clean import clean_article
    from summarize.ingest import read_articles

    articles = [clean_article(a) for a in read_articles([NEWS_FILE])]
    return articles[:count]


def english_articles(count: int, count_tokens) -> list[str]:
    """``count`` English texts of about SUMMARY_ARTICLE_TOKENS tokens: consecutive FLORES sentences."""
    sentences = _english_lines()
    lengths = count_tokens(sentences)
    articles, current, used = [], [], 0
    for sentence, length in zip(sentences, lengths):
        current.append(sentence)
        used += length - 2  # <s> … </s> once per article, not once per sentence
        if used >= SUMMARY_ARTICLE_TOKENS:
            articles.append(" ".join(current))
            current, used = [], 0
            if len(articles) == count:
                break
    return articles


# --- one configuration, in its own process ------------------------------------------------------------------


def _load(configuration: str, path: Path, threads: int):
    from summarize.engines import load_engine
    from summarize.models import resolve_model

    model = resolve_model(str(path))
    if configuration == "ctranslate2":
        engine = load_engine(model, engine="ctranslate2", device="cpu", threads=threads)
        engine.translator  # loaded here, so that loading is not timed as generation
        return engine
    # naive is plain transformers: the checkpoint's own generation config, the full output layer.
    engine = load_engine(model, engine="torch", device="cpu", restrict_vocabulary=configuration != "naive")
    engine.network  # idem
    return engine


def run_worker(configuration: str, stage: str, articles: int, threads: int,
               token_budgets: tuple[int | None, int | None] = (None, None)) -> dict[str, Any]:
    import torch

    torch.set_num_threads(threads)  # both engines get the same cores
    translation_settings, summary_settings = _generation_settings()
    paths = model_paths()
    role = "translator" if stage == "translation" else "summarizer"
    started = time.perf_counter()
    engine = _load(configuration, paths[role], threads)
    load_s = time.perf_counter() - started
    result: dict[str, Any] = {"configuration": configuration, "stage": stage, "engine": engine.name,
                              "threads": threads, "load_s": round(load_s, 2)}
    if configuration != "naive":
        result["token_budget"] = token_budgets[stage == "summary"] or "default"
    if hasattr(engine, "compute_type"):
        result["compute_type"] = engine.compute_type

    if stage == "translation":
        from summarize.segment import segment_article
        from summarize.translate import Translator

        translator = Translator(engine, beams=translation_settings.num_beams,
                                max_length_factor=translation_settings.max_length_factor,
                                max_length_offset=translation_settings.max_length_offset,
                                **({"token_budget": token_budgets[0]} if token_budgets[0] else {}))
        assert translator.generation == translation_settings  # the fixed cap: see the module docstring
        segmented = [segment_article(a, translator.max_segment_tokens, translator.count_tokens)
                     for a in news_articles(articles)]
        sentences = sum(len(s.title_segments) + len(s.segments) for s in segmented)
        result.update(items=sentences, articles=len(segmented),
                      source_tokens=sum(engine.token_lengths([t for s in segmented for t in s.title_segments + s.segments])))
        started, cpu = time.perf_counter(), time.process_time()
        if configuration == "naive":
            for article in segmented:
                engine.generate(article.title_segments + article.segments, translation_settings)
        else:
            translator.translate_articles(segmented)
        seconds = time.perf_counter() - started
        result.update(seconds=round(seconds, 2), cpu_s=round(time.process_time() - cpu, 1),
                      sentences_per_s=round(sentences / seconds, 3))
    else:
        from summarize.summarizers.abstractive import ModelSummarizer

        texts = english_articles(articles, engine.token_lengths)
        lengths = engine.token_lengths(texts)
        assert max(lengths) <= engine.max_input_tokens, "a benchmark article must fit the window (no map-reduce)"
        result.update(items=len(texts), articles=len(texts), source_tokens=sum(lengths))
        started, cpu = time.perf_counter(), time.process_time()
        if configuration == "naive":
            for text in texts:
                engine.generate([text], summary_settings)
        else:
            ModelSummarizer(engine, summary_settings,
                            **({"token_budget": token_budgets[1]} if token_budgets[1] else {})).summarize_many(texts)
        seconds = time.perf_counter() - started
        result.update(seconds=round(seconds, 2), cpu_s=round(time.process_time() - cpu, 1),
                      articles_per_min=round(len(texts) / seconds * 60, 3))
    return _finish(result)


def _finish(result: dict[str, Any]) -> dict[str, Any]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024)  # kilobytes on Linux
    result["process_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)  # loading included
    return result


def run_digest_worker(articles: int) -> dict[str, Any]:
    """A whole digest (clean → segment → translate → summarise) on the CTranslate2 engine."""
    from summarize.pipeline import Pipeline
    from summarize.settings import Settings

    paths = model_paths()
    _, summary = _generation_settings()
    # SUMMARIZE_* variables apply (SUMMARIZE_SUMMARY_TOKEN_BUDGET=4000, say); the rest is as a user's run.
    settings = Settings.from_env().replace(
        engine="ctranslate2", device="cpu", translator=str(paths["translator"]), summarizer=str(paths["summarizer"]),
        beams=4, summary_beams=summary.num_beams, summary_min_tokens=summary.min_new_tokens,
        summary_max_tokens=summary.max_new_tokens, no_repeat_ngram_size=summary.no_repeat_ngram_size,
        length_penalty=summary.length_penalty, quiet=True,
        no_cache=True,  # every article generated, none answered from the persistent cache of an earlier run
    )
    from summarize.ingest import read_articles

    inputs = list(read_articles([NEWS_FILE]))[:articles]
    started, cpu = time.perf_counter(), time.process_time()
    digest = Pipeline(settings).run(inputs)
    seconds = time.perf_counter() - started
    return _finish({"configuration": "whole digest, ctranslate2", "stage": "digest", "engine": "ctranslate2",
                    "items": len(digest.articles), "articles": len(digest.articles), "seconds": round(seconds, 2),
                    "cpu_s": round(time.process_time() - cpu, 1), "counts": digest.run["counts"],
                    "timings_s": digest.run["timings_s"]})


# --- the parent ---------------------------------------------------------------------------------------------


def _child(args: list[str]) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
               HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    before = os.getloadavg()[0]
    done = subprocess.run([sys.executable, "-m", "tools.bench", *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark run {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["loadavg_1min"] = [round(before, 2), round(os.getloadavg()[0], 2)]
    return result


def machine() -> dict[str, Any]:
    from summarize.engines.ctranslate2_engine import usable_cores
    from summarize.versions import package_versions

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    packages = package_versions(("torch", "transformers", "ctranslate2"))
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": usable_cores(), "memory_gb": round(memory_gb, 1), "python": platform.python_version(),
            "platform": platform.platform(), "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY"), **packages}


def table(results: list[dict[str, Any]]) -> str:
    naive = {r["stage"]: r for r in results if r["configuration"] == "naive"}
    rows = [("stage", "configuration", "items", "time (s)", "CPU (s)", "throughput", "× naive", "peak RSS",
             "load (s)", "load avg")]
    for r in results:
        if r["stage"] == "translation":
            rate, unit, key = r["sentences_per_s"], "sentences/s", "sentences_per_s"
        elif r["stage"] == "summary":
            rate, unit, key = r["articles_per_min"], "articles/min", "articles_per_min"
        else:
            rate, unit, key = None, "", None
        base = naive.get(r["stage"])
        ratio = f"{rate / base[key]:.2f}×" if base and key and base[key] else ""
        rows.append((r["stage"], r["configuration"], str(r["items"]), f"{r['seconds']:.1f}", f"{r['cpu_s']:.1f}",
                     f"{rate:.2f} {unit}" if rate is not None else "", ratio, f"{r['peak_rss_mb']} MB",
                     f"{r['load_s']:.1f}" if "load_s" in r else "", "→".join(map(str, r.get("loadavg_1min", [])))))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, help="articles per stage (default: "
                        f"{DEFAULT_ARTICLES['translation']} to translate, {DEFAULT_ARTICLES['summary']} to summarise)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--only", choices=["translation", "summary"], help="run one stage only")
    parser.add_argument("--configurations", default=",".join(CONFIGURATIONS),
                        help=f"comma-separated subset of {','.join(CONFIGURATIONS)}")
    parser.add_argument("--threads", type=int, help="threads per configuration: torch's and CTranslate2's "
                        "intra-op threads (default: the cores this process may use)")
    parser.add_argument("--token-budget", type=int, help="translation token budget of the batched configurations "
                        "(default: the Translator's)")
    parser.add_argument("--summary-token-budget", type=int, help="summary token budget of the batched "
                        "configurations (default: the Summarizer's)")
    parser.add_argument("--no-digest", action="store_true", help="skip the whole-digest memory run")
    parser.add_argument("--digest-articles", type=int, default=DIGEST_ARTICLES,
                        help=f"articles of the whole-digest run (default {DIGEST_ARTICLES}; 131 is the whole "
                             "day, about 20 minutes)")
    parser.add_argument("--worker", nargs=2, metavar=("CONFIGURATION", "STAGE"), help=argparse.SUPPRESS)
    parser.add_argument("--digest-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.articles is not None and args.articles < 1:
        parser.error("--articles must be at least 1")
    if args.digest_articles < 1:
        parser.error("--digest-articles must be at least 1")
    os.environ.setdefault("SUMMARIZE_CT2_DIR", str(BENCH_DIR / "ct2"))

    from summarize.engines.ctranslate2_engine import usable_cores

    threads = args.threads or usable_cores()
    if args.worker:
        print(json.dumps(run_worker(*args.worker, args.articles or DEFAULT_ARTICLES[args.worker[1]], threads,
                                    (args.token_budget, args.summary_token_budget))))
        return 0
    if args.digest_worker:
        print(json.dumps(run_digest_worker(args.articles or DIGEST_ARTICLES)))
        return 0
    if args.prepare_worker:
        prepare(lambda message: print(message, file=sys.stderr, flush=True))
        print(json.dumps({"ok": True}))
        return 0

    # The whole-digest run reads its settings from SUMMARIZE_* variables: the same budgets apply to it.
    if args.token_budget:
        os.environ["SUMMARIZE_TOKEN_BUDGET"] = str(args.token_budget)
    if args.summary_token_budget:
        os.environ["SUMMARIZE_SUMMARY_TOKEN_BUDGET"] = str(args.summary_token_budget)
    configurations = [c for c in args.configurations.split(",") if c]
    unknown = sorted(set(configurations) - set(CONFIGURATIONS))
    if unknown:
        parser.error(f"unknown configuration(s): {', '.join(unknown)}")
    stages = [args.only] if args.only else list(STAGES)
    articles = {stage: args.articles or DEFAULT_ARTICLES[stage] for stage in STAGES}
    started = time.perf_counter()
    print("preparing models (built and converted once, cached under models/local/bench/) …", flush=True)
    _child(["--prepare-worker"])  # in a child: building and converting never count in a timed run's memory
    runs = [(stage, configuration,
             ["--worker", configuration, stage, "--articles", str(articles[stage]), "--threads", str(threads),
              *(["--token-budget", str(args.token_budget)] if args.token_budget else []),
              *(["--summary-token-budget", str(args.summary_token_budget)] if args.summary_token_budget else [])])
            for stage in stages for configuration in configurations]
    if not args.no_digest and not args.only and "ctranslate2" in configurations:
        runs.append(("digest", "whole digest, ctranslate2",
                     ["--digest-worker", "--articles", str(args.digest_articles)]))
    report = {"machine": machine(), "articles": articles, "threads": threads,
              "caps": {"translation": "48 new tokens per sentence, beam 4",
                       "summary": "56–142 new tokens, beam 4, no-repeat 3-grams, length penalty 2.0"},
              "results": [], "failures": []}
    for stage, configuration, child_args in runs:
        print(f"{stage}: {configuration} …", flush=True)
        try:
            report["results"].append(_child(child_args))
        except RuntimeError as exc:  # report it and go on: the other rows are still worth having
            print(exc, file=sys.stderr)
            report["failures"].append({"stage": stage, "configuration": configuration, "error": str(exc)})
        report["total_s"] = round(time.perf_counter() - started, 1)
        if args.json:  # after every run, so an interrupted benchmark keeps what it measured
            Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    description = report["machine"]
    print()
    print(f"{description['cpu']}, {description['cores']} cores, {description['memory_gb']} GB; "
          f"torch {description.get('torch')}, transformers {description.get('transformers')}, "
          f"ctranslate2 {description.get('ctranslate2')}; {threads} threads; articles: "
          f"{', '.join(f'{n} to {verb}' for verb, n in zip(('translate', 'summarise'), articles.values()))}; "
          f"total {report['total_s']:.0f} s")
    print(table(report["results"]))
    return 1 if report["failures"] else 0

if __name__ == "__main__":
    sys.exit(main())
