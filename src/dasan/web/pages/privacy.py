"""The reveal log page (`/privacy/reveals`): who revealed which raw personal data, why, how often,
and which reveals were refused; for supervisors and admins (`dasan.privacy.reveal_log`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dasan import access
from dasan.db.models import User
from dasan.privacy import reveal_log
from dasan.web.deps import get_db, require_page_roles
from dasan.web.sessions import client_ip
from dasan.web.templating import templates

router = APIRouter(include_in_schema=False)

STATUSES = (reveal_log.REVEALED, reveal_log.REFUSED, reveal_log.RATE_LIMITED)


@router.get("/privacy/reveals", response_class=HTMLResponse)
def reveals_page(request: Request, days: int = Query(7, ge=1, le=reveal_log.MAX_DAYS),
                 actor: str = Query("", max_length=64), status: str = Query("", max_length=16),
                 db: Session = Depends(get_db),
                 user: User = Depends(require_page_roles(*access.STAFF))) -> Response:
    log = reveal_log.reveal_log(db, user, days=days, actor=actor.strip() or None,
                                status=status if status in STATUSES else None,
                                ip=client_ip(request))
    return templates.TemplateResponse(request, "privacy/reveals.html", {
        "user": user, **log, "actor": actor.strip(),
        "status": status if status in STATUSES else "", "statuses": STATUSES})
