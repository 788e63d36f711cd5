"""Uniform error answers: every bad input gets a 4xx with a message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, IntegrityError

from dasan.errors import DomainError


def http_error(status: int, message: str) -> HTTPException:
    return HTTPException(status_code=status, detail=message)


def wants_page(request: Request) -> bool:
    """A browser navigating to a page (not an API call or a script's fetch)."""
    return (request.method == "GET" and not request.url.path.startswith("/api/")
            and "text/html" in request.headers.get("accept", ""))


# Where FastAPI found a bad value: the first element of an error's `loc` names the part of the
# request, the rest the field (body.phone, query.limit, body.items.3.name).
_REQUEST_PARTS = ("body", "query", "path", "header", "cookie")
INVALID_INPUT = "invalid_input"


def validation_answer(errors: Sequence[Any]) -> dict[str, Any]:
    """FastAPI's request validation errors in the API's error shape: a stable code, the
    fields at fault, and each error's place, message and type. The submitted value (`input`)
    is left out: it may be personal data (a phone number, a consultation text) and the
    citizen typed it anyway."""
    fields: list[str] = []
    items: list[dict[str, Any]] = []
    said: list[str] = []
    for e in errors:
        loc = [str(p) for p in e.get("loc", ())]
        field = ".".join(loc[1:] if len(loc) > 1 and loc[0] in _REQUEST_PARTS else loc)
        field = field or "request"
        if field not in fields:
            fields.append(field)
        msg = str(e.get("msg", ""))
        items.append({"loc": loc, "msg": msg, "type": str(e.get("type", ""))})
        said.append(f"{field}: {msg}")
    detail = "invalid input: " + "; ".join(said)
    return {"detail": detail, "code": INVALID_INPUT, "fields": fields, "errors": items}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid_input(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content=validation_answer(exc.errors()))

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> Response:
        if exc.status == 403 and wants_page(request):
            # A browser refused a page gets the Korean forbidden page, not raw JSON.
            from dasan.web.templating import templates

            return templates.TemplateResponse(request, "forbidden.html", {"user": None},
                                              status_code=403)
        retry = getattr(exc, "retry_after", None)
        return JSONResponse(
            status_code=exc.status, content={"detail": exc.message, "code": exc.code},
            headers={"Retry-After": str(retry)} if retry else None,
        )

    @app.exception_handler(OverflowError)
    async def _overflow(_request: Request, exc: OverflowError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": "a number is out of range"})

    @app.exception_handler(DataError)
    async def _data_error(_request: Request, exc: DataError) -> JSONResponse:
        return JSONResponse(
            status_code=400, content={"detail": "a value is out of range for its field"}
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, exc: IntegrityError) -> JSONResponse:
        return JSONResponse(
            status_code=409, content={"detail": "conflicts with an existing record"}
        )
