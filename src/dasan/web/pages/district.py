"""District desk: a district officer's view of its own district's consultations."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan import access
from dasan.auth import can_see_district
from dasan.consultations.channels import CHANNEL_BY_CODE, OUTCOME_LABELS_KO
from dasan.consultations.districts import DISTRICT_BY_CODE, DISTRICTS
from dasan.db.base import utcnow
from dasan.db.models import Consultation, User
from dasan.web.deps import deny, get_db, require_page_roles
from dasan.web.templating import templates

router = APIRouter(include_in_schema=False)


@router.get("/district", response_class=HTMLResponse)
def district_desk(
    request: Request,
    code: str | None = Query(default=None, pattern=r"^\d{5}$"),
    days: int = Query(default=28, ge=1, le=366),
    db: Session = Depends(get_db),
    user: User = Depends(require_page_roles(*access.DISTRICT_DESK)),
) -> Response:
    district = code or user.district_code or DISTRICTS[0].code
    if district not in DISTRICT_BY_CODE:
        district = DISTRICTS[0].code
    if not can_see_district(user, district):
        deny(db, user, "district.other_district", request, district=district)
    since: datetime = utcnow() - timedelta(days=days)
    scope = (Consultation.district_code == district, Consultation.started_at >= since)
    by_channel = db.execute(
        select(Consultation.channel, func.count()).where(*scope)
        .group_by(Consultation.channel).order_by(func.count().desc())
    ).all()
    by_category = db.execute(
        select(Consultation.category, func.count()).where(*scope)
        .group_by(Consultation.category).order_by(func.count().desc()).limit(10)
    ).all()
    recent = db.scalars(
        select(Consultation).where(*scope)
        .order_by(Consultation.started_at.desc()).limit(30)
    ).all()
    return templates.TemplateResponse(request, "district/desk.html", {
        "user": user, "district": DISTRICT_BY_CODE[district], "days": days,
        "districts": DISTRICTS if user.role != "district_officer" else [],
        "by_channel": [(CHANNEL_BY_CODE[c].name_ko if c in CHANNEL_BY_CODE else c, n)
                       for c, n in by_channel],
        "by_category": by_category, "recent": recent, "outcomes": OUTCOME_LABELS_KO,
        "channels": CHANNEL_BY_CODE, "total": sum(n for _c, n in by_channel),
    })
