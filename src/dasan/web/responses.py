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
    410: "Gone: the link expired or was already used",
    413: "Request body too large",
    422: "Invalid input (nothing was changed)",
    429: "Too many requests: try again after Retry-After seconds",
    503: "Not available: a service this needs is not set up or not running",
}


class ErrorOut(BaseModel):
    """The API's error shape."""

    detail: Any
    code: str | None = None
    # Request validation (422, code `invalid_input`): the fields at fault and each error.
    fields: list[str] | None = None
    errors: list[dict[str, Any]] | None = None


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

NDJSON = "application/x-ndjson"
ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429)


def _is_download(path: str, op: dict[str, Any]) -> bool:
    names = {p.get("name") for p in op.get("parameters", [])}
    return "format" in names or path.endswith(("/export", "/export.csv", ".xlsx", ".csv"))


# Open311 GeoReport v2 answers errors in the spec's own format: a list of {code, description}
# (JSON) or <errors> (XML), never the API's error shape.
OPEN311_ERRORS = {"type": "array", "items": {"type": "object", "properties": {
    "code": {"type": "integer"}, "description": {"type": "string"}},
    "required": ["code", "description"]}}


def document_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Every operation documents the error answers the middleware, the access policy and the
    validation can give (in the API's error shape), and downloads their file media types."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorOut"] = ErrorOut.model_json_schema()
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = op.setdefault("responses", {})
            open311 = path.startswith("/open311/")
            for status in ERROR_STATUSES:
                # One shape for every error, FastAPI's own 422 included (detail: any).
                content: dict[str, Any] = {"application/json": {"schema": ref}}
                if open311:
                    content = {"application/json": {"schema": {"anyOf": [OPEN311_ERRORS, ref]}},
                               "text/xml": {"schema": {"type": "string"}}}
                responses[str(status)] = {"description": DESCRIPTIONS[status],
                                          "content": content}
            if _is_download(path, op):
                ok = responses.setdefault("200", {"description": "OK"})
                files = ok.setdefault("content", {})
                for media in (CSV, XLSX, PDF, NDJSON):
                    files.setdefault(media, {"schema": {"type": "string", "format": "binary"}})
    return schema


def install_openapi(app: Any) -> None:
    """Wrap `app.openapi` so the schema carries `document_responses`."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_responses(original())
        return app.openapi_schema

    app.openapi = openapi
