"""Uniform error answers: every bad input gets a 4xx with a message."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, IntegrityError

from dasan.errors import DomainError


def http_error(status: int, message: str) -> HTTPException:
    return HTTPException(status_code=status, detail=message)


def wants_page(request: Request) -> bool:
    """A browser navigating to a page (not an API call or a script's fetch)."""
    return (request.method == "GET" and not request.url.path.startswith("/api/")
            and "text/html" in request.headers.get("accept", ""))


def install_error_handlers(app: FastAPI) -> None:
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
