"""Text API: PII masking, abuse/crisis screening, language id, and the audited unmask.

``POST /api/text/mask``, ``/screen`` and ``/language`` serve staff tools and integrations.
``GET /api/text/messages/{id}/raw`` returns the raw text of a consultation message (sealed
beside its masked form) through the audited reveal (``dasan.privacy.reveal``): a ``pii.reveal``
row in the audit log for every access, allowed or refused.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dasan import access
from dasan.db.models import User
from dasan.privacy import reveal
from dasan.text import abuse, langid, pii
from dasan.text.crisis import detect_crisis
from dasan.web.deps import get_db, require_roles
from dasan.web.errors import http_error

router = APIRouter(prefix="/api/text", tags=["text"])

STAFF = access.STAFF
MAX_CHARS = 20_000


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_CHARS, description="the message")


class MaskIn(TextIn):
    types: list[str] | None = Field(
        default=None, description=f"only these PII types (default all): {', '.join(pii.PII_TYPES)}"
    )


class PiiSpanOut(BaseModel):
    type: str
    start: int
    end: int
    replacement: str


class MaskOut(BaseModel):
    masked: str
    spans: list[PiiSpanOut]


class AbuseSpanOut(BaseModel):
    start: int
    end: int
    category: str
    severity: int
    text: str
    source: str


class ScreenOut(BaseModel):
    category: str
    severity: int
    is_abusive: bool
    spans: list[AbuseSpanOut]
    crisis: bool
    crisis_kind: str | None
    score: float | None
    crisis_severity: int = 0
    crisis_imminent: bool = False


class CrisisOut(BaseModel):
    crisis: bool
    kind: str | None
    severity: int
    imminent: bool
    subkind: str | None
    spans: list[list[int]]
    source: str | None
    score: float | None


class LanguageOut(BaseModel):
    language: str
    scores: dict[str, float]


class RawMessageOut(BaseModel):
    message_id: int
    consultation_id: int
    body: str
    body_masked: str


def _blank(text: str) -> None:
    if not text.strip():
        raise http_error(400, "text is blank")


@router.post("/mask", response_model=MaskOut)
def mask_text(body: MaskIn, _user: User = Depends(require_roles(*STAFF))) -> dict[str, object]:
    """개인정보 마스킹 (mask personal data, keeping the text readable)."""
    _blank(body.text)
    result = pii.mask(body.text, set(body.types) if body.types is not None else None)
    return result.to_dict()


@router.post("/screen", response_model=ScreenOut)
def screen_text(body: TextIn, _user: User = Depends(require_roles(*STAFF))) -> dict[str, object]:
    """욕설·위협·성희롱 및 위기 감지 (abuse category, severity 0-3, spans; crisis flag)."""
    _blank(body.text)
    return abuse.screen(body.text).to_dict()


@router.post("/crisis", response_model=CrisisOut)
def crisis_text(body: TextIn, _user: User = Depends(require_roles(*STAFF))) -> dict[str, object]:
    """위기 감지 (crisis kind, severity 1-3, imminent) for any channel's text."""
    _blank(body.text)
    return detect_crisis(body.text).to_dict()


@router.post("/language", response_model=LanguageOut)
def detect_language(
    body: TextIn, _user: User = Depends(require_roles(*STAFF))
) -> dict[str, object]:
    """언어 식별 (ko, en, ja, zh, vi, mn)."""
    _blank(body.text)
    return {
        "language": langid.detect_language(body.text),
        "scores": langid.language_scores(body.text),
    }


@router.get("/messages/{message_id}/raw", response_model=RawMessageOut)
def unmask_message(
    message_id: int,
    request: Request,
    reason: str = Query(..., min_length=5, max_length=500, description="why (audited)"),
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*STAFF)),
) -> dict[str, object]:
    """원문 보기 (raw text of a message through the audited reveal; a reason is required)."""
    ip = request.client.host if request.client else None
    out = reveal.reveal_message(db, user, message_id, reason, ip=ip)
    m = out["messages"][0]
    return {
        "message_id": m["message_id"],
        "consultation_id": out["consultation_id"],
        "body": m["body"],
        "body_masked": m["body_masked"],
    }
