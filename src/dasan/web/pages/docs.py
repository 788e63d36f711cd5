"""API documentation for logged-in staff: Swagger UI from the `swagger-ui-bundle` package
(served from /static/swagger, no CDN) and the OpenAPI schema."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from dasan import access
from dasan.db.models import User
from dasan.web.deps import require_page_roles, require_roles

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>다산 API 문서 (Dasan API docs)</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
</head><body>
<div id="swagger-ui" data-openapi-url="/openapi.json"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body></html>"""


@router.get("/docs", response_class=HTMLResponse)
def docs(_user: User = Depends(require_page_roles(*access.API_DOC_READERS))) -> HTMLResponse:
    return HTMLResponse(PAGE)


@router.get("/openapi.json")
def openapi(request: Request,
            _user: User = Depends(require_roles(*access.API_DOC_READERS))) -> JSONResponse:
    return JSONResponse(request.app.openapi())
