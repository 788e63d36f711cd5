"""Jinja2 templates, Korean-first with English available (`t("한국어", "English")`); the
citizen pages also in Chinese, Japanese, Vietnamese and Mongolian (`dasan.web.citizen_language`).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup

from dasan.timeutil import to_local
from dasan.web.citizen_language import CITIZEN_TEMPLATES, NATIVE_NAMES, pick_language, translate
from dasan.web.error_text import error_text
from dasan.web.reveal_strings import reveal_strings

TEMPLATES_DIR = Path(__file__).parent / "templates"
LANG_COOKIE = "dasan_lang"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def citizen_language(request: Request) -> str:
    """A citizen page's language, one of the six: `?lang=` wins, then the cookie, then
    Korean."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return pick_language(asked) or "ko"


def request_language(request: Request) -> str:
    """A staff screen's language, Korean or English: `?lang=` wins, then the cookie, then
    Korean. A visitor who chose one of the citizen pages' other languages reads English."""
    lang = citizen_language(request)
    return "ko" if lang == "ko" else "en"


def _is_citizen_template(context: Any) -> bool:
    return getattr(context, "name", None) in CITIZEN_TEMPLATES


def screen_language(context: Any) -> str:
    """The language of the page being rendered: one of six on a citizen page (see
    :mod:`dasan.web.citizen_language`), Korean or English on a staff screen."""
    request = context.get("request")
    if request is None:
        return "ko"
    return citizen_language(request) if _is_citizen_template(context) \
        else request_language(request)


class RememberLanguage:
    """Pure-ASGI twin of `remember_language` (a `BaseHTTPMiddleware` cost every request a
    task and a body stream; this touches only responses to a `?lang=` request)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        query = scope.get("query_string", b"") if scope["type"] == "http" else b""
        lang = parse_qs(query.decode("latin-1")).get("lang", [""])[0] if b"lang=" in query \
            else ""
        if pick_language(lang) is None:
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
    """A page asked with `?lang=<one of the six>` keeps that language for the visitor's next
    pages."""
    lang = pick_language(request.query_params.get("lang"))
    if lang is not None:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")


@pass_context
def _t(context: Any, ko: str, en: str | None = None) -> str:
    return translate(ko, en, screen_language(context))


def with_lang(request: Request, lang: str) -> str:
    """This page's path and query with ``lang`` set (a tracking page keeps its key)."""
    url = request.url.include_query_params(lang=lang)
    return f"{url.path}?{url.query}"


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


def local_time(value: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) timestamp, or its RFC 3339 text, on the city's wall clock (ADR 0018):
    what every screen shows; the stored UTC is never printed as if it were local."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return to_local(moment).strftime(fmt)


templates.env.globals["t"] = _t
templates.env.globals["local_time"] = local_time
templates.env.globals["topic_kind_label"] = topic_kind_label
templates.env.globals["role_label"] = role_label
templates.env.globals["label"] = code_label
templates.env.globals["csrf_token"] = csrf_token
templates.env.globals["csrf_input"] = csrf_input
templates.env.globals["lang_of"] = pass_context(lambda context, _request=None:
                                                screen_language(context))
templates.env.globals["client_error_texts"] = pass_context(
    lambda context, _request=None: error_text(screen_language(context)))
templates.env.globals["reveal_strings"] = pass_context(
    lambda context: reveal_strings(screen_language(context)))
templates.env.globals["language_names"] = NATIVE_NAMES
templates.env.globals["with_lang"] = with_lang
