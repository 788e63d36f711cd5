"""Uniform error answers: every bad input gets a 4xx with a message."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError


def http_error(status: int, message: str) -> HTTPException:
    return HTTPException(status_code=status, detail=message)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ValueError)
    async def _value_error(_request: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": str(exc)})

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, exc: IntegrityError) -> JSONResponse:
        return JSONResponse(
            status_code=409, content={"detail": "conflicts with an existing record"}
        )
