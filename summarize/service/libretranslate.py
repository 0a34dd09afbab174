"""LibreTranslate's endpoints — POST /translate, POST /detect, GET|POST /languages — answering as
LibreTranslate does, so its clients work unchanged. A text's lines (or, for html, its text nodes) are
cut into segments here, every language's segments go to the generation queue as one job, and the
English is put back together."""
from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from summarize.service.errors import ApiError, invalid, unsupported
from summarize.service.handling import ERRORS, admitted, generated, request_body, service_of
from summarize.service.params import int_param, read_params, text_param, texts_param

router = APIRouter()


class TranslateRequest(BaseModel):
    q: str | list[str] = Field(description="the text, or a list of texts (a batch)")
    source: str = Field("auto", description="its language: an ISO 639-1 code from /languages, or auto")
    target: str = Field("en", description="en: the only target")
    format: Literal["text", "html"] = Field("text", description="html: translate the text nodes, keep the markup")
    api_key: str | None = None


class DetectedLanguage(BaseModel):
    language: str
    confidence: int = Field(description="0–100")


class TranslateResponse(BaseModel):
    translatedText: str | list[str]
    detectedLanguage: DetectedLanguage | list[DetectedLanguage] | None = Field(None, description="with source=auto")


class DetectRequest(BaseModel):
    q: str
    api_key: str | None = None


class Language(BaseModel):
    code: str
    name: str
    targets: list[str]


@router.post("/translate", response_model=TranslateResponse, responses=ERRORS,
             openapi_extra=request_body(TranslateRequest),
             summary="Translate text into English (LibreTranslate's /translate)")
async def translate(request: Request):
    service = service_of(request)
    values = await read_params(request)
    await admitted(request, values)
    texts, batch = texts_param(values)
    source = text_param(values, "source", "auto").lower()
    target = text_param(values, "target", "en").lower()
    form = text_param(values, "format", "text").lower()
    if form not in ("text", "html"):
        raise invalid(f"format must be text or html, not {form!r}")
    if target != "en":
        raise unsupported(target)
    if source != "auto" and source not in service.languages:
        raise unsupported(source)
    service.access.check_texts(texts, batch, values.get("api_key"))
    request.state.size = f" {len(texts)} text{'s' * (len(texts) != 1)} {sum(map(len, texts))} chars"
    service.metrics.texts.labels("translation").inc(len(texts))
    detected = None
    if source == "auto":
        detected = await asyncio.to_thread(_detect_each, texts)
        languages = [d["language"] for d in detected]
        refused = sorted({code for code in languages if code not in service.languages})
        if refused:
            raise unsupported(refused[0])
    else:
        languages = [source] * len(texts)
    english = await _translate(service, texts, languages, html=form == "html", wait=generated)
    answer: dict[str, Any] = {"translatedText": english if batch else english[0]}
    if detected is not None:
        answer["detectedLanguage"] = detected if batch else detected[0]
    if int_param(values, "alternatives", 0) > 0:
        answer["alternatives"] = [[] for _ in texts] if batch else []
    return JSONResponse(answer)


@router.post("/detect", response_model=list[DetectedLanguage], responses=ERRORS,
             openapi_extra=request_body(DetectRequest), summary="Detect a text's language (LibreTranslate's /detect)")
async def detect(request: Request):
    service = service_of(request)
    values = await read_params(request)
    await admitted(request, values)
    texts, _ = texts_param(values)
    service.access.check_texts(texts, False, values.get("api_key"))
    request.state.size = f" {sum(map(len, texts))} chars"
    return JSONResponse(await asyncio.to_thread(_candidates, " ".join(texts)))


# POST too, as LibreTranslate: libretranslatepy sends its key as a form body.
@router.post("/languages", include_in_schema=False)
@router.get("/languages", response_model=list[Language],
            summary="The languages translated into English (LibreTranslate's /languages)")
async def languages(request: Request):
    from summarize.languages import language_name

    service = service_of(request)
    return JSONResponse([{"code": code, "name": language_name(code), "targets": ["en"]}
                         for code in sorted(service.languages)])


def _candidates(text: str, count: int = 3) -> list[dict[str, Any]]:
    """/detect's answer: the likeliest languages, most likely first, confidence 0–100 as an integer."""
    from summarize.ingest.language import detect_language, language_sample, language_scores

    best = detect_language(text)
    if best == "unknown":
        return [{"language": "unknown", "confidence": 0}]
    scores = language_scores(language_sample((text,)))
    # The detector's choice first (it folds dialects and weighs our languages), then the next likeliest
    # that have a chance of at least 1 %.
    ranked = [best] + [code for code, score in scores.most_common(count + 1) if code != best and score >= 0.01]
    return [{"language": code, "confidence": int(round(100 * scores[code]))} for code in ranked[:count]]


def _detect_each(texts: list[str]) -> list[dict[str, Any]]:
    return [_candidates(text, 1)[0] for text in texts]


async def _translate(service, texts: list[str], languages: list[str], *, html: bool, wait) -> list[str]:
    """Each text's English. html: its text nodes are what is translated, each as a text of its own."""
    if not html:
        return await _translate_plain(service, texts, languages, wait)
    from summarize.service.markup import rejoin, text_nodes

    documents = [text_nodes(text) for text in texts]
    nodes = [node for _, _, found in documents for node in found]
    node_languages = [language for language, (_, _, found) in zip(languages, documents) for _ in found]
    english = iter(await _translate_plain(service, nodes, node_languages, wait))
    return [rejoin(pieces, wanted, [next(english) for _ in found]) for pieces, wanted, found in documents]


async def _translate_plain(service, texts: list[str], languages: list[str], wait) -> list[str]:
    from summarize.translate import TranslatorUnavailable, join_lines

    english = list(texts)
    waiting = []
    for language in dict.fromkeys(languages):
        if language == "en":
            continue
        members = [i for i, code in enumerate(languages) if code == language]
        try:
            translator = service.pipeline.translators.get(language)
        except TranslatorUnavailable as exc:
            raise ApiError(400, exc.reason) from None
        lines = [line for i in members for line in texts[i].split("\n")]
        per_line, weights = await asyncio.to_thread(_cut, translator, lines, language == "ar")
        segments = [segment for segments in per_line for segment in segments]
        waiting.append((members, per_line, service.queue.translate(language, segments, weights)))
    for members, per_line, future in waiting:
        lines = iter(join_lines(per_line, await wait(future)))
        for i in members:
            english[i] = "\n".join(next(lines) for _ in texts[i].split("\n"))
    return english


def _cut(translator, lines: list[str], arabic: bool) -> tuple[list[list[str]], list[int]]:
    per_line = translator.line_segments(lines, arabic=arabic)
    segments = [segment for segments in per_line for segment in segments]
    return per_line, translator.count_tokens(segments) if segments else []
