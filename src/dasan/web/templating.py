"""Jinja2 templates, Korean-first with English available (`t("한국어", "English")`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup

from dasan.web.error_text import error_text

TEMPLATES_DIR = Path(__file__).parent / "templates"
LANG_COOKIE = "dasan_lang"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def request_language(request: Request) -> str:
    """`?lang=en` wins, then the cookie, then Korean."""
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "ko"
    return "en" if lang == "en" else "ko"


class RememberLanguage:
    """Pure-ASGI twin of `remember_language` (a `BaseHTTPMiddleware` cost every request a
    task and a body stream; this touches only responses to a `?lang=` request)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        query = scope.get("query_string", b"") if scope["type"] == "http" else b""
        lang = parse_qs(query.decode("latin-1")).get("lang", [""])[0] if b"lang=" in query \
            else ""
        if lang not in ("ko", "en"):
            await self.app(scope, receive, send)
            return
        cookie = Response()
        cookie.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
        extra = [(k, v) for k, v in cookie.raw_headers if k == b"set-cookie"]

        async def send_with_cookie(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def remember_language(request: Request, response: Response) -> None:
    """A page asked with `?lang=ko|en` keeps that language for the visitor's next pages."""
    lang = request.query_params.get("lang")
    if lang in ("ko", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")


@pass_context
def _t(context: Any, ko: str, en: str | None = None) -> str:
    request = context.get("request")
    if en is not None and request is not None and request_language(request) == "en":
        return en
    return ko


def csrf_token(request: Request) -> str:
    """The CSRF token for this visitor's login session ("" when not logged in)."""
    from dasan.web.security import SESSION_COOKIE, csrf_token_for

    return csrf_token_for(request.cookies.get(SESSION_COOKIE))


def csrf_input(request: Request) -> Markup:
    """A hidden form field carrying the CSRF token (every POST form includes it)."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(
        csrf_token(request))


@pass_context
def role_label(context: Any, role: str) -> str:
    """A role as the screen's language names it (never the raw code on a Korean screen)."""
    from dasan.useradmin import ROLE_LABELS

    ko, en = ROLE_LABELS.get(role, (role, role))
    return str(_t(context, ko, en))


@pass_context
def code_label(context: Any, table: str, code: str | None) -> str:
    """A stored code (entry status, shift kind, ...) as the screen's language names it."""
    from dasan.labels import label

    request = context.get("request")
    lang = request_language(request) if request is not None else "ko"
    return label(table, code, lang)


@pass_context
def topic_kind_label(context: Any, kind: str) -> str:
    """An issue alert's topic kind (program, category, keyword) in the screen's language."""
    from dasan.analytics.alerter import TOPIC_KIND_LABELS

    ko, en = TOPIC_KIND_LABELS.get(kind, (kind, kind))
    return str(_t(context, ko, en))


templates.env.globals["t"] = _t
templates.env.globals["topic_kind_label"] = topic_kind_label
templates.env.globals["role_label"] = role_label
templates.env.globals["label"] = code_label
templates.env.globals["csrf_token"] = csrf_token
templates.env.globals["csrf_input"] = csrf_input
templates.env.globals["lang_of"] = request_language
templates.env.globals["client_error_texts"] = lambda request: error_text(request_language(request))
