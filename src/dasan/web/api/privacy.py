"""Personal data API: the audited reveal of raw consultation text (``dasan.privacy.reveal``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dasan import access
from dasan.db.models import User
from dasan.privacy import reveal, reveal_log
from dasan.web.deps import get_db, require_roles
from dasan.web.responses import errors_doc

router = APIRouter(prefix="/api/privacy", tags=["privacy"])
STAFF = access.STAFF


class RevealIn(BaseModel):
    consultation_id: int = Field(ge=1)
    message_id: int | None = Field(default=None, ge=1, description="one message, or all")
    reason: str = Field(max_length=500, description="why the raw text is needed (audited)")


class RevealedMessage(BaseModel):
    message_id: int
    seq: int
    sender: str
    body: str
    body_masked: str
    had_pii: bool


class RevealOut(BaseModel):
    consultation_id: int
    reason: str
    messages: list[RevealedMessage]


@router.post("/reveal", response_model=RevealOut,
             responses=errors_doc(401, 403, 404, 422, 429))
def reveal_raw(body: RevealIn, request: Request, db: Session = Depends(get_db),
               user: User = Depends(require_roles(*STAFF))) -> dict[str, Any]:
    """원문 보기: raw text of a consultation (or one message), for supervisors and admins, or the
    assigned agent of an open chat; a reason is required and every call is audited. One account
    may reveal a limited number of times per window (429 past it, also audited)."""
    return reveal.reveal(db, user, body.consultation_id, body.reason,
                         message_id=body.message_id,
                         ip=request.client.host if request.client else None)


@router.get("/reveals", responses=errors_doc(401, 403))
def reveal_log_api(request: Request, days: int = Query(7, ge=1, le=reveal_log.MAX_DAYS),
                   actor: str | None = Query(None, max_length=64),
                   status: str | None = Query(None, pattern="^(revealed|refused|rate_limited)$"),
                   db: Session = Depends(get_db),
                   user: User = Depends(require_roles(*STAFF))) -> dict[str, Any]:
    """The reveal log: every reveal and refused reveal of the last `days` (newest first, at
    most 500) and the counts per account; supervisors and admins only (others: 403, audited)."""
    log = reveal_log.reveal_log(db, user, days=days, actor=actor, status=status,
                                ip=request.client.host if request.client else None)
    return {**log, "since": log["since"].isoformat(),
            "accounts": [{**a, "last_at": a["last_at"].isoformat()} for a in log["accounts"]],
            "entries": [e.to_dict() for e in log["entries"]]}
