"""Errors as LibreTranslate answers them: ``{"error": "…"}`` with 400 (a missing or invalid parameter,
an unsupported language, a limit passed, a key required), 403 (an invalid key), 429 (too many
requests), 500 (a failure of ours). Clients read the message from "error" whatever the status."""
from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Answered as ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def missing(name: str) -> ApiError:
    return ApiError(400, f"Invalid request: missing {name} parameter")


def invalid(message: str) -> ApiError:
    return ApiError(400, f"Invalid request: {message}")


def unsupported(language: str) -> ApiError:
    return ApiError(400, f"{language} is not supported")


def over_limit(size: int, limit: int) -> ApiError:
    # LibreTranslate's words for both its character and its batch limit.
    return ApiError(400, f"Invalid request: request ({size}) exceeds text limit ({limit})")


def error_body(message: str) -> dict[str, Any]:
    return {"error": message}
