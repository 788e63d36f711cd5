"""The FastAPI application: JSON API (OpenAPI at /docs), pages, static assets."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from dasan import __version__
from dasan.config import refuse_insecure_secrets
from dasan.web.api import analytics as analytics_api
from dasan.web.api import auth as auth_api
from dasan.web.api import channels as channels_api
from dasan.web.api import chat as chat_api
from dasan.web.api import chat_desk as chat_desk_api
from dasan.web.api import complaints as complaints_api
from dasan.web.api import consultations as consultations_api
from dasan.web.api import crisis as crisis_api
from dasan.web.api import knowledge as knowledge_api
from dasan.web.api import open311 as open311_api
from dasan.web.api import privacy as privacy_api
from dasan.web.api import protection as protection_api
from dasan.web.api import quality as quality_api
from dasan.web.api import sign as sign_api
from dasan.web.api import text as text_api
from dasan.web.api import transcripts as transcripts_api
from dasan.web.api import visible_ars as visible_ars_api
from dasan.web.api import voice as voice_api
from dasan.web.api import workforce as workforce_api
from dasan.web.errors import install_error_handlers
from dasan.web.pages import admin as admin_pages
from dasan.web.pages import analytics as analytics_pages
from dasan.web.pages import care as care_pages
from dasan.web.pages import channels as channels_pages
from dasan.web.pages import chat as chat_pages
from dasan.web.pages import complaints as complaints_pages
from dasan.web.pages import district as district_pages
from dasan.web.pages import docs as docs_pages
from dasan.web.pages import home as home_pages
from dasan.web.pages import knowledge as knowledge_pages
from dasan.web.pages import privacy as privacy_pages
from dasan.web.pages import visible_ars as visible_ars_pages
from dasan.web.pages import voice as voice_pages
from dasan.web.pages import workforce as workforce_pages
from dasan.web.responses import install_openapi
from dasan.web.security import SecurityMiddleware
from dasan.web.templating import RememberLanguage

STATIC_DIR = Path(__file__).parent / "static"

# Every room's routers: JSON API (in the OpenAPI schema) and pages. A request is matched
# against the routers in this order (each route's pattern in turn), so the machine-to-machine
# intake with the most traffic, Open311 (its own `/open311/v2` prefix, no overlap), goes first.
ROUTERS = (
    open311_api.router,
    home_pages.router,
    auth_api.router,
    consultations_api.router,
    district_pages.router,
    knowledge_api.router,
    knowledge_pages.router,
    text_api.router,
    chat_api.router,
    chat_desk_api.router,
    sign_api.router,
    chat_pages.router,
    analytics_api.router,
    analytics_pages.router,
    workforce_api.router,
    workforce_pages.router,
    channels_api.router,
    channels_pages.router,
    voice_api.router,
    voice_pages.router,
    visible_ars_api.router,
    transcripts_api.router,
    visible_ars_pages.router,
    complaints_api.router,
    complaints_pages.router,
    crisis_api.router,
    protection_api.router,
    quality_api.router,
    care_pages.router,
    privacy_api.router,
    privacy_pages.router,
    docs_pages.router,
    admin_pages.router,
)


def swagger_ui_dir() -> Path:
    """Swagger UI's assets, from the `swagger-ui-py` package (no CDN)."""
    import importlib.util

    spec = importlib.util.find_spec("swagger_ui")
    assert spec is not None and spec.origin is not None, "swagger-ui-py is not installed"
    return Path(spec.origin).parent / "static"


def add_routes(app: FastAPI, routers: Sequence[APIRouter]) -> None:
    """Add the routers' routes to the app as they are. Each router carries its own prefix, tags
    and dependencies and is included without options, so `include_router` would add nothing to
    its routes; but FastAPI (0.16x) then builds every included route again, per app, on the
    app's first request (about half a second of CPU: each test client and each server process
    paid it). A router may therefore have no events or lifespan of its own: the app's lifespan
    is the chat runtime's (`create_app`)."""
    default_lifespan = type(APIRouter().lifespan_context)
    for router in routers:
        assert not router.on_startup and not router.on_shutdown, "a router with events"
        assert type(router.lifespan_context) is default_lifespan, "a router with a lifespan"
        app.router.routes.extend(router.routes)


def create_app() -> FastAPI:
    refuse_insecure_secrets()  # no key or webhook secret from the source outside demo
    app = FastAPI(
        title="Dasan",
        version=__version__,
        description="다산: 서울 120다산콜 스마트 상담 플랫폼 API (Dasan smart contact-center API)",
        # /docs and /openapi.json are served by pages/docs.py, to logged-in staff only.
        docs_url=None, redoc_url=None, openapi_url=None,
        lifespan=chat_api.lifespan,
    )
    install_error_handlers(app)
    install_openapi(app)
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_dir()), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    add_routes(app, ROUTERS)

    app.add_middleware(RememberLanguage)  # ?lang=ko|en is kept in a cookie
    app.add_middleware(SecurityMiddleware)  # outermost: size limit, CSRF, headers

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        # Browsers ask for it on every page whatever the page links; shipped, no CDN.
        return FileResponse(STATIC_DIR / "favicon.ico", media_type="image/x-icon",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers (it may still be warming up; see /readyz)."""
        return {"status": "ok", "version": __version__}

    @app.get("/readyz", tags=["ops"],
             responses={503: {"description": "Still warming up: send no traffic yet"}})
    def readyz(request: Request) -> JSONResponse:
        """Readiness: 200 once this process's start-up warm-up is over, 503 until then (a load
        balancer or a benchmark sends traffic only after it)."""
        runtime = getattr(request.app.state, "chat_runtime", None)
        ready = runtime is None or runtime.ready  # no lifespan: nothing is warming up
        return JSONResponse({"status": "ready" if ready else "warming_up",
                             "version": __version__}, status_code=200 if ready else 503)

    return app
