"""Consultations API: ingest from every channel, scoped listing, detail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan import access
from dasan.auth import can_see_district
from dasan.consultations.service import (
    ConsultationIn,
    ConsultationOut,
    ingest,
    scoped_query,
)
from dasan.db.models import Consultation, User
from dasan.timeutil import as_utc
from dasan.web.deps import deny, get_db, require_roles
from dasan.web.errors import http_error

router = APIRouter(prefix="/api/consultations", tags=["consultations"])
READERS = access.CONSULTATION_READERS
WRITERS = access.CONSULTATION_WRITERS
MAX_BATCH = 5000


@router.post("", status_code=201, response_model=ConsultationOut)
def create(
    body: ConsultationIn,
    db: Session = Depends(get_db),
    _user: User = Depends(require_roles(*WRITERS)),
) -> Consultation:
    (cid,) = ingest(db, [body])
    db.commit()
    row = db.get(Consultation, cid)
    assert row is not None
    return row


@router.post("/batch", status_code=201)
def create_batch(
    body: Annotated[list[dict[str, object]], Body(max_length=MAX_BATCH)],
    db: Session = Depends(get_db),
    _user: User = Depends(require_roles(*WRITERS)),
) -> dict[str, int]:
    """Ingest up to 5,000 consultations atomically; one bad item rejects the whole batch."""
    if not body:
        raise http_error(400, "empty batch")
    items: list[ConsultationIn] = []
    for i, raw in enumerate(body):
        try:
            items.append(ConsultationIn.model_validate(raw))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise http_error(422, f"item {i}: {where}: {first['msg']}") from exc
    ingest(db, items, return_ids=False)
    db.commit()
    return {"created": len(items)}


@router.get("", response_model=list[ConsultationOut])
def list_consultations(
    request: Request,
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*READERS)),
    channel: str | None = None,
    district: str | None = Query(default=None, pattern=r"^\d{5}$"),
    outcome: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(default=50, ge=1, le=1000),
    offset: int = Query(default=0, ge=0),
) -> list[Consultation]:
    if district is not None and not can_see_district(user, district):
        deny(db, user, "consultations.other_district", request, district=district)
    query = scoped_query(user)
    if channel:
        query = query.where(Consultation.channel == channel)
    if district:
        query = query.where(Consultation.district_code == district)
    if outcome:
        query = query.where(Consultation.outcome == outcome)
    if since:  # an offset counts: stored times are naive UTC
        query = query.where(Consultation.started_at >= as_utc(since))
    if until:
        query = query.where(Consultation.started_at < as_utc(until))
    query = query.order_by(Consultation.started_at.desc(), Consultation.id.desc())
    return list(db.scalars(query.limit(limit).offset(offset)))


@router.get("/count")
def count_consultations(
    db: Session = Depends(get_db), user: User = Depends(require_roles(*READERS))
) -> dict[str, int]:
    sub = scoped_query(user).subquery()
    return {"count": int(db.scalar(select(func.count()).select_from(sub)) or 0)}


@router.get("/{consultation_id}", response_model=ConsultationOut)
def get_consultation(
    consultation_id: int,
    request: Request,
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*READERS)),
) -> Consultation:
    row = db.get(Consultation, consultation_id)
    if row is None:
        raise http_error(404, f"consultation {consultation_id} not found")
    if not can_see_district(user, row.district_code):
        deny(db, user, "consultations.other_district", request, consultation=consultation_id)
    return row
