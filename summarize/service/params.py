"""A request's parameters, read as LibreTranslate reads them: from a JSON object or a form
(url-encoded or multipart), with the query string's beneath them. Form fields given more than once
(``q=…&q=…``) are a list, as a JSON ``q`` list is."""
from __future__ import annotations

import json
from typing import Any

from summarize.service.errors import ApiError, invalid, missing

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def content_type(request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_params(request) -> dict[str, Any]:
    """Every parameter of ``request``; a body that is neither JSON nor a form is refused."""
    values: dict[str, Any] = dict(request.query_params)
    kind = content_type(request)
    if kind == "application/json" or kind.endswith("+json"):
        body = await request.body()
        if body.strip():
            try:
                data = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                raise invalid("the body is not valid JSON") from None
            if not isinstance(data, dict):
                raise invalid("the JSON body must be an object")
            values.update(data)
    elif kind in FORM_TYPES:
        form = await request.form()
        for name in form.keys():
            items = form.getlist(name)
            if any(not isinstance(item, str) for item in items):
                raise invalid(f"{name} must be text, not a file")
            values[name] = items if len(items) > 1 else items[0]
    elif request.method == "POST" and kind and await request.body():
        raise ApiError(400, f"Invalid request: send JSON or a form, not {kind}")
    return values


def texts_param(values: dict[str, Any], name: str = "q") -> tuple[list[str], bool]:
    """``values[name]`` as a list of texts, and whether it was given as a list (a batch)."""
    if name not in values or values[name] is None:
        raise missing(name)
    value = values[name]
    if isinstance(value, str):
        if not value:  # as LibreTranslate: an empty q is a missing q (an empty text in a batch is kept)
            raise missing(name)
        return [value], False
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return value, True
    raise invalid(f"{name} must be a string or a list of strings")


def text_param(values: dict[str, Any], name: str, default: str | None = None) -> str:
    value = values.get(name, default)
    if value is None or value == "":
        if default is not None:
            return default
        raise missing(name)
    if not isinstance(value, str):
        raise invalid(f"{name} must be a string")
    return value.strip()


def int_param(values: dict[str, Any], name: str, default: int) -> int:
    value = values.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid(f"{name} must be a whole number") from None


class _BodyTooLarge(Exception):
    pass


class BodyCap:
    """ASGI middleware: a body over its limit is refused with 413 before it is read whole. A declared
    Content-Length over the limit is refused unread; a body sent in chunks is counted as it arrives
    and refused at the first byte past the limit. ``limits``: the limit of each path prefix that has
    its own (/digest takes a day of articles), else ``default``."""

    def __init__(self, app, *, default: int, limits: dict[str, int] | None = None) -> None:
        self.app = app
        self.default = default
        self.limits = limits or {}

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.limits.items():
            if path == prefix or path.startswith(prefix + "/"):
                return limit
        return self.default

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope.get("path", ""))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await _refuse(send, limit)
        seen = 0
        started = False

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge()
            return message

        async def watched_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except _BodyTooLarge:
            if not started:
                await _refuse(send, limit)


async def _refuse(send, limit: int) -> None:
    body = json.dumps({"error": f"Invalid request: the body is over the limit of {limit:,} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
