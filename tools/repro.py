"""Does a text's output depend on what else is generated with it? ``python -m tools.repro``

A digest translates every segment the cache does not hold, batched by length under a token budget,
so the batches a segment lands in depend on what the cache already held and on the budget. This
translates (and summarises) the first N articles of a day once all together at the default budget,
then again in other batch compositions — half of them already cached, a small and a large token
budget — and counts the outputs that differ from the first run, for each engine and compute type,
under each batching policy (``summarize.batching.BATCHING``):

  mixed    any lengths share a batch (padded to its longest member, whose length class sets the
           batch's output cap): the batching before; before, the cap came from the exact length,
           which changed more outputs still
  one cap  (translation only, a diagnosis) mixed, but every batch has the same output cap, 48 new
           tokens: what differs then is the arithmetic of padding and batch size alone
  cap      texts share a batch only when their output caps are equal (the default)
  length   texts share a batch only when their token lengths are equal: no padding at all

Tiny models unless --translator/--summarizer are given (random weights: every output runs to its
cap, so any change of cap shows); --full-size builds the translator with opus-mt-ar-en's layer sizes
(6+6 layers, d_model 512, FFN 2048) on the tiny vocabulary, for the arithmetic of real matrix shapes.
Seconds are of the all-together run, one process, one thread per engine unless --threads says
otherwise. Prints a table; --json writes the numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from summarize.tables import format_table
from tools import REPO_ROOT, SHARED_DATA

DEFAULT_INPUT = SHARED_DATA / "news_ar_2018-05-08.jsonl"
ENGINES = ("torch:float32", "ctranslate2:float32", "ctranslate2:int8")
# name: (summarize.batching policy, one output cap for every batch)
POLICIES = {"mixed": ("mixed", False), "one cap": ("mixed", True), "cap": ("cap", False), "length": ("length", False)}
ONE_CAP = 48
TRANSLATION_BUDGETS = (250, 4000)  # besides the default, 1000
SUMMARY_BUDGETS = (500, 8000)  # besides the default, 2000


def load_articles(path: Path, count: int) -> list:
    from summarize.clean import clean_article
    from summarize.ingest import read_articles

    articles = []
    for article in read_articles([path]):
        if getattr(article, "language", "ar") == "ar":
            articles.append(clean_article(article))
        if len(articles) == count:
            break
    return articles


def half(texts: Sequence[str]) -> list[str]:
    """Every second distinct text: what a run finds missing when the cache holds the others."""
    return list(dict.fromkeys(texts))[1::2]


def compare(reference: dict[str, str], outputs: dict[str, str], owners: dict[str, set[int]]) -> dict[str, int]:
    differing = [text for text, output in outputs.items() if reference[text] != output]
    articles = set().union(*(owners[text] for text in differing)) if differing else set()
    return {"texts": len(outputs), "differing": len(differing), "articles_differing": len(articles)}


def count_batches(engine) -> list[int]:
    """A counter of the batches ``engine`` is handed from now on."""
    counter = [0]
    generate = engine.generate

    def counted(texts, settings):
        counter[0] += 1
        return generate(texts, settings)

    engine.generate = counted
    return counter


def scenarios(run: Callable[[Sequence[str], int], list[str]], texts: list[str], owners: dict[str, set[int]],
              default_budget: int, budgets: Sequence[int], batches: list[int]) -> dict[str, Any]:
    started, before = time.perf_counter(), batches[0]
    reference = dict(zip(texts, run(texts, default_budget)))
    seconds = time.perf_counter() - started
    missing = half(texts)
    results = {"texts": len(reference), "seconds": round(seconds, 2), "batches": batches[0] - before,
               "half_cached": compare(reference, dict(zip(missing, run(missing, default_budget))), owners)}
    for budget in budgets:
        results[f"budget_{budget}"] = compare(reference, dict(zip(texts, run(texts, budget))), owners)
    return results


def measure(engine_spec: str, models: dict[str, str], articles: list, beams: int, threads: int | None,
            conversions: Path, stages: Sequence[str]) -> dict:
    from dataclasses import replace

    from summarize.engines import load_engine
    from summarize.models import resolve_model
    from summarize.segment import segment_article
    from summarize.settings import Settings
    from summarize.summarizers.abstractive import ModelSummarizer, summary_generation
    from summarize.translate import Translator

    name, compute_type = engine_spec.split(":")
    options: dict[str, Any] = {"device": "cpu", "compute_type": compute_type, "threads": threads}
    if name == "ctranslate2":
        options["conversions"] = conversions
    row: dict[str, Any] = {"engine": name, "compute_type": compute_type}
    translator = Translator(load_engine(resolve_model(models["translator"]), engine=name, **options), beams=beams)
    segmented = [segment_article(a, translator.max_segment_tokens, translator.count_tokens) for a in articles]
    owners: dict[str, set[int]] = {}
    for number, article in enumerate(segmented):
        for segment in article.title_segments + article.segments:
            owners.setdefault(segment, set()).add(number)
    product_generation = translator.generation
    translation_batches = count_batches(translator.engine)

    for policy, (batching, one_cap) in POLICIES.items():
        translator.batching = batching
        translator.generation = (replace(product_generation, max_length_factor=None, max_new_tokens=ONE_CAP)
                                 if one_cap else product_generation)

        def translate(texts: Sequence[str], budget: int) -> list[str]:
            translator.token_budget = budget
            return translator.translate_segments(texts)

        if "translation" in stages:
            row[f"translation_{policy}"] = scenarios(translate, list(owners), owners, 1000, TRANSLATION_BUDGETS,
                                                     translation_batches)
        if policy == "mixed":
            # The summaries of every policy read the same English, so that only their batching differs.
            english = [t.text_en for t in translator.translate_articles(segmented)]
    if "summary" not in stages:
        return row
    summarizer_model = resolve_model(models["summarizer"])
    summarizer = ModelSummarizer(load_engine(summarizer_model, engine=name, **options),
                                 summary_generation(Settings(summary_beams=beams), summarizer_model))
    documents = {text: {number} for number, text in enumerate(english)}
    summary_batches = count_batches(summarizer.engine)
    for policy, (batching, one_cap) in POLICIES.items():
        if one_cap:
            continue  # a summary's cap is its max_new_tokens already, whatever its batch
        summarizer.batching = batching

        def summarise(texts: Sequence[str], budget: int) -> list[str]:
            summarizer.token_budget = budget
            return [summary.text for summary in summarizer.summarize_many(texts)]

        row[f"summary_{policy}"] = scenarios(summarise, list(documents), documents, 2000, SUMMARY_BUDGETS,
                                             summary_batches)
    return row


def cell(result: dict[str, int]) -> str:
    return f"{result['differing']}/{result['texts']} ({result['articles_differing']} art.)"


def table(rows: list[dict]) -> str:
    lines = [["engine", "stage", "policy", "texts", "batches", "s", "half cached", "small budget", "large budget"]]
    for row in rows:
        for stage, budgets in (("translation", TRANSLATION_BUDGETS), ("summary", SUMMARY_BUDGETS)):
            for policy in POLICIES:
                result = row.get(f"{stage}_{policy}")
                if result is None:
                    continue
                lines.append([f"{row['engine']} {row['compute_type']}", stage, policy, result["texts"],
                              result["batches"], result["seconds"], cell(result["half_cached"]),
                              *(cell(result[f"budget_{b}"]) for b in budgets)])
    return format_table(lines)


def build_full_size_translator(dest: Path) -> Path:
    from summarize.tiny import arabic_seed_lines, build_marian, english_lines, train_sentencepiece
    from tools.bench import MARIAN_ARCHITECTURE, MARIAN_MAX_POSITIONS

    dest.mkdir(parents=True)
    build_marian(dest, train_sentencepiece(arabic_seed_lines()), train_sentencepiece(english_lines()),
                 architecture=MARIAN_ARCHITECTURE, max_positions=MARIAN_MAX_POSITIONS)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.repro", description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT,
                        help="articles (default: the 131-article day; the seeds/ folder when it is absent)")
    parser.add_argument("--articles", type=int, default=8)
    parser.add_argument("--beams", type=int, default=4, help="translation and summary beams (default 4)")
    parser.add_argument("--threads", type=int, default=1, help="threads per engine (default 1)")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"default: {','.join(ENGINES)}")
    parser.add_argument("--stages", default="translation,summary", help="default: translation,summary")
    parser.add_argument("--translator", help="default: tiny models built for the run")
    parser.add_argument("--summarizer")
    parser.add_argument("--full-size", action="store_true",
                        help="build the translator at opus-mt-ar-en's layer sizes (tiny vocabulary)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    # Generation-flag notices from transformers, one per batch, would bury the table.
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

    source = args.input if args.input.exists() else REPO_ROOT / "seeds"
    articles = load_articles(source, args.articles)
    with tempfile.TemporaryDirectory(prefix="repro-") as scratch:
        models = {"translator": args.translator, "summarizer": args.summarizer}
        if not (args.translator and args.summarizer):
            from summarize.tiny import build_tiny_models

            tiny = build_tiny_models(Path(scratch) / "tiny")
            models = {role: models[role] or str(tiny[role]) for role in models}
        if args.full_size:
            models["translator"] = str(build_full_size_translator(Path(scratch) / "full-size-translator"))
        conversions = Path(scratch) / "ct2"  # conversions of throwaway models stay out of models/local/
        rows = [measure(spec, models, articles, args.beams, args.threads, conversions, args.stages.split(","))
                for spec in args.engines.split(",")]
    size = "full-size translator" if args.full_size else "tiny models"
    print(f"{len(articles)} articles of {source.name}, {size}, beams {args.beams}, {args.threads} thread(s) per "
          "engine; differing outputs out of those compared, and the articles they belong to:")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps({"input": str(source), "articles": len(articles), "beams": args.beams,
                                         "threads": args.threads, "full_size": args.full_size, "rows": rows},
                                        indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
