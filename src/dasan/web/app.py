"""The FastAPI application: JSON API (OpenAPI at /docs), pages, static assets."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from dasan import __version__
from dasan.web.api import auth as auth_api
from dasan.web.api import consultations as consultations_api
from dasan.web.errors import install_error_handlers
from dasan.web.pages import district as district_pages
from dasan.web.pages import home as home_pages

STATIC_DIR = Path(__file__).parent / "static"

# Area routers (each module exposes `router`); listed here so that the app shows every room.
AREA_ROUTERS = (
    "dasan.web.api.knowledge",
    "dasan.web.pages.knowledge",
    "dasan.web.api.text",
    "dasan.web.api.chat",
    "dasan.web.pages.chat",
    "dasan.web.api.analytics",
    "dasan.web.pages.analytics",
    "dasan.web.api.workforce",
    "dasan.web.pages.workforce",
)


def create_app() -> FastAPI:
    app = FastAPI(
        title="Dasan",
        version=__version__,
        description="다산: 서울 120다산콜 스마트 상담 플랫폼 API (Dasan smart contact-center API)",
    )
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(home_pages.router)
    app.include_router(district_pages.router)
    app.include_router(auth_api.router)
    app.include_router(consultations_api.router)
    for name in AREA_ROUTERS:
        if importlib.util.find_spec(name) is not None:
            app.include_router(importlib.import_module(name).router)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
