"""Personal data API: the audited reveal of raw consultation text (``dasan.privacy.reveal``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dasan import access
from dasan.db.models import User
from dasan.privacy import reveal
from dasan.web.deps import get_db, require_roles

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


@router.post("/reveal", response_model=RevealOut)
def reveal_raw(body: RevealIn, request: Request, db: Session = Depends(get_db),
               user: User = Depends(require_roles(*STAFF))) -> dict[str, Any]:
    """원문 보기: raw text of a consultation (or one message), for supervisors and admins, or the
    assigned agent of an open chat; a reason is required and every call is audited."""
    return reveal.reveal(db, user, body.consultation_id, body.reason,
                         message_id=body.message_id,
                         ip=request.client.host if request.client else None)
