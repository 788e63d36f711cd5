"""Jinja2 templates, Korean-first with English available (`t("한국어", "English")`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

TEMPLATES_DIR = Path(__file__).parent / "templates"
LANG_COOKIE = "dasan_lang"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def request_language(request: Request) -> str:
    """`?lang=en` wins, then the cookie, then Korean."""
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "ko"
    return "en" if lang == "en" else "ko"


@pass_context
def _t(context: Any, ko: str, en: str | None = None) -> str:
    request = context.get("request")
    if en is not None and request is not None and request_language(request) == "en":
        return en
    return ko


templates.env.globals["t"] = _t
templates.env.globals["lang_of"] = request_language
