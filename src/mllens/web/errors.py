"""JSON errors of the API: one shape, `{"detail": ...}`, for every refusal.

A validation error names the field (`field`: a dotted path such as `body.practices.0.status`
or `path.name`), as the CLI's messages do; internals never reach the client.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from mllens.validation import field_path


class ApiError(Exception):
    """A refusal the API reports as JSON with this status code."""

    def __init__(self, status: int, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def unauthorized(message: str) -> ApiError:
    return ApiError(401, message)


async def api_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    body: dict[str, Any] = {"detail": exc.message}
    if exc.field is not None:
        body["field"] = exc.field
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(body, status_code=exc.status, headers=headers)


async def validation_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"field": field_path(tuple(err.get("loc", ()))), "message": str(err.get("msg", "invalid value"))}
        for err in exc.errors()
    ]
    first = problems[0] if problems else {"field": "request", "message": "invalid request"}
    return JSONResponse(
        {"detail": f"{first['field']}: {first['message']}", "field": first["field"], "errors": problems},
        status_code=422,
    )
