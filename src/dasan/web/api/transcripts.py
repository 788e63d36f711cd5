"""Call transcripts API: a call's masked transcript, search, and the audited raw reveal.
Decisions (who may, what is masked) are made by `dasan.stt.transcripts` and `dasan.access`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dasan import access
from dasan.db.models import User
from dasan.stt import transcripts
from dasan.web.deps import get_db, require_roles
from dasan.web.responses import errors_doc

router = APIRouter(prefix="/api/voice/transcripts", tags=["voice"])


class RevealIn(BaseModel):
    reason: str = Field(max_length=500)


@router.get("/search", responses=errors_doc(401, 403))
def search(q: str = Query(min_length=1, max_length=200), limit: int = Query(20, ge=1, le=50),
           db: Session = Depends(get_db),
           user: User = Depends(require_roles(*access.TRANSCRIPT_SEARCHERS))
           ) -> dict[str, Any]:
    return {"hits": transcripts.search(db, user, q, limit)}


@router.get("/{consultation_id}", responses=errors_doc(401, 403, 404))
def transcript(consultation_id: int, db: Session = Depends(get_db),
               user: User = Depends(require_roles(*access.TRANSCRIPT_READERS))
               ) -> dict[str, Any]:
    return transcripts.transcript(db, user, consultation_id)


@router.post("/{consultation_id}/reveal", responses=errors_doc(401, 403, 404, 422, 429))
def reveal(consultation_id: int, body: RevealIn, request: Request,
           db: Session = Depends(get_db),
           user: User = Depends(require_roles(*access.TRANSCRIPT_READERS))) -> dict[str, Any]:
    ip = request.client.host if request.client else None
    return transcripts.reveal(db, user, consultation_id, body.reason, ip=ip)
