"""Visible-ARS API for the caller's page: its state, and a choice that steers the live call.

No login: the caller holds the page cookie that the one-time SMS link gave the page. Choices
must carry the `X-Visible-ARS` header (a cross-site form cannot set it, so no CSRF) and are
rate-limited. The room decides; this module forwards its command to the gateway.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from dasan import ratelimit
from dasan.errors import Forbidden
from dasan.voice import cti
from dasan.voice.visible_ars import links, service
from dasan.web.api import chat as chat_api
from dasan.web.deps import get_db
from dasan.web.responses import errors_doc

router = APIRouter(prefix="/api/voice/visible-ars", tags=["voice"])


class ChoiceIn(BaseModel):
    action: Literal["go", "say", "agent", "sms", "callback"]
    node: str | None = Field(default=None, max_length=64)


@router.get("/{token}/state", responses=errors_doc(404, 410))
def state(token: str, request: Request, db: Session = Depends(get_db)) -> dict[str, Any]:
    page = service.page_state(db, token, request.cookies.get(links.PAGE_COOKIE))
    return page


@router.get("/{token}/answers", responses=errors_doc(404, 410))
def answers(token: str, request: Request, db: Session = Depends(get_db)) -> dict[str, Any]:
    """The leaves' KB answers, once the knowledge index is warm (the page asks while
    `ready` is false)."""
    return service.page_answers(db, token, request.cookies.get(links.PAGE_COOKIE))


@router.post("/{token}/choose", responses=errors_doc(403, 404, 409, 410, 422, 429))
async def choose(token: str, body: ChoiceIn, request: Request,
                 x_visible_ars: str | None = Header(default=None),
                 db: Session = Depends(get_db)) -> dict[str, Any]:
    if x_visible_ars != "1":
        raise Forbidden("the page's header is missing", code="csrf")
    ratelimit.enforce(f"visible_ars:{token[:24]}", 30, 60.0, "choices")
    choice = await run_in_threadpool(service.choose, db, token,
                                     request.cookies.get(links.PAGE_COOKIE), body.action,
                                     body.node)
    if choice.command is not None:
        await cti.send(chat_api.hub_of(request.app).pubsub, choice.command)
    return choice.to_dict()
