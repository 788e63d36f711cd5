"""The caller's visible-ARS page (보이는 ARS): opened from the one-time SMS link on a phone."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dasan.errors import DomainError
from dasan.voice.visible_ars import links, service
from dasan.web.citizen_language import translate
from dasan.web.deps import get_db
from dasan.web.templating import citizen_language, templates

router = APIRouter(include_in_schema=False)


@router.get("/ars/v/{token}", response_class=HTMLResponse)
def visible_ars_page(token: str, request: Request, db: Session = Depends(get_db)) -> Response:
    try:
        page = service.open_page(db, token, request.cookies.get(links.PAGE_COOKIE))
    except DomainError as exc:
        return templates.TemplateResponse(request, "voice/visible_ars_gone.html",
                                          {"user": None, "code": exc.code},
                                          status_code=exc.status)
    view = page.to_dict()
    if view.get("menu"):
        _name_items(view["menu"], citizen_language(request))
    response = templates.TemplateResponse(request, "voice/visible_ars.html", {
        "user": None, "token": token, "page": view, "state": page.call_state})
    if page.new_cookie:
        response.set_cookie(links.PAGE_COOKIE, page.new_cookie, httponly=True,
                            samesite="strict", max_age=int(service.ttl_seconds()), path="/")
    return response


def _name_items(item: dict[str, Any], lang: str) -> None:
    """Give every menu item its label in the page's language (``label``)."""
    item["label"] = translate(item["label_ko"], item["label_en"], lang)
    for child in item.get("children") or ():
        _name_items(child, lang)
