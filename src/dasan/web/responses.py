"""OpenAPI documentation of the error answers and file downloads every route can give."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

DESCRIPTIONS = {
    400: "Bad request: the input cannot be used (nothing was changed)",
    401: "Login or a valid API token required",
    403: "Not allowed for this user (audited), or a missing CSRF token",
    404: "No such object",
    409: "Conflicts with an existing record",
    413: "Request body too large",
    422: "Invalid input (nothing was changed)",
    429: "Too many requests: try again after Retry-After seconds",
}


class ErrorOut(BaseModel):
    """The API's error shape."""

    detail: Any
    code: str | None = None


def errors_doc(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the error answers it may give, in the API's error shape."""
    return {s: {"model": ErrorOut, "description": DESCRIPTIONS[s]} for s in statuses}


def files_doc(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a download: 200 with one of these media types."""
    return {200: {"description": "The file", "content": {
        m: {"schema": {"type": "string", "format": "binary"}} for m in media_types}}}


CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
