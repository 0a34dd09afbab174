"""What every route does first and last: the caller admitted (the service running, the key valid and
within its rate), and the generation queue's answer awaited, its failures answered as LibreTranslate
answers them. With the documented shapes every route shares."""
from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel

from summarize.service.errors import ApiError
from summarize.service.queue import Closed


class ErrorResponse(BaseModel):
    error: str


ERRORS = {status: {"model": ErrorResponse} for status in (400, 403, 429, 500)}


def request_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of a route that reads JSON and forms alike (``params.read_params``):
    ``model`` documents the parameters, it does not parse them."""
    schema = model.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema},
                                                          "application/x-www-form-urlencoded": {"schema": schema}}}}


def service_of(request):
    return request.app.state.service


async def admitted(request, values: dict[str, Any]) -> str:
    """The label the request is counted and logged under (the key's hash, or the client's address);
    ApiError when the service is stopping or the caller may not ask."""
    service = service_of(request)
    if service.stopping:
        raise ApiError(503, "the service is stopping")
    client = request.client.host if request.client else "-"
    key = values.get("api_key")
    request.state.who = service.access.admit(key if isinstance(key, str) else None, client)
    return request.state.who


async def generated(future, what: str = "Cannot translate text") -> Any:
    """The result of a queue's Future, awaited without blocking the server."""
    try:
        return await asyncio.wrap_future(future)
    except Closed as exc:
        raise ApiError(503, str(exc)) from None
    except ApiError:
        raise
    except Exception as exc:  # the generation failed (and the queue logged it): LibreTranslate's 500
        raise ApiError(500, f"{what}: {type(exc).__name__}: {exc}") from None
