"""Field-complaint JSON API: the citizen report page's submit and tracking, district systems'
and officers' status updates (API token or session), dead letters, per-district figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from dasan import access, audit
from dasan.complaints import desk, dispatch, intake, open311, policy, sla, status, system_notes
from dasan.complaints.intake import ReportIn
from dasan.db.base import utcnow
from dasan.db.models import User
from dasan.db.models_complaints import ServiceRequest
from dasan.protection import crisis_playbook
from dasan.web.api.open311 import read_report_form
from dasan.web.citizen_language import translate
from dasan.web.deps import deny, get_db, require_roles
from dasan.web.live import publish_all

router = APIRouter(prefix="/api/complaints", tags=["complaints"])


def _public(request: ServiceRequest, db: Session, lang: str = "ko") -> dict[str, Any]:
    t = desk.tracking(db, request)
    agencies = open311.agency_names(db)
    service = intake.service_of(db, request)
    return {
        "service_request_id": str(request.id),
        "token": request.token,
        "service_code": service.code,
        "service_name": service.name_en if lang == "en" else service.name_ko,
        "status": request.status,
        "open311_status": status.open311_status(request.status),
        "status_notes": system_notes.render(request.status_notes, lang, translate),
        "agency_responsible": agencies.get(request.agency_code, request.agency_code),
        "district_code": request.district_code,
        "dong_name": request.dong_name,
        "description": request.description_masked,
        "lat": request.lat, "long": request.lon,
        "requested_datetime": open311.w3c(request.requested_at),
        "expected_datetime": open311.w3c(request.expected_at),
        "duplicate_of": str(request.duplicate_of_id) if request.duplicate_of_id else None,
        "duplicate_count": request.duplicate_count,
        "history": [{"status": e.status, "note": system_notes.render(e.note, lang, translate),
                     "at": open311.w3c(e.at),
                     "agency": agencies.get(e.agency_code or "", e.agency_code)}
                    for e in t.events],
        "photos": [{"id": p.id, "kind": p.kind,
                    "url": f"/report/photo/{request.token}/{p.id}",
                    "thumb_url": f"/report/photo/{request.token}/{p.id}?thumb=1"}
                   for p in t.photos],
    }


@router.post("/reports", status_code=201)
async def submit_report(request: Request, db: Session = Depends(get_db)) -> dict[str, Any]:
    """The citizen report page's submit (multipart: fields, attribute[code], photos)."""
    fields, attrs, photos = await read_report_form(request)
    report = ReportIn(
        service_code=fields.get("service_code"), lat=fields.get("lat"), lon=fields.get("long"),
        address=fields.get("address_string"), description=fields.get("description", ""),
        email=fields.get("email") or None, phone=fields.get("phone") or None, attributes=attrs,
        language="ko" if fields.get("lang", "ko") in ("", "ko") else "en", photos=photos,
    )

    def store() -> Any:
        try:
            row = intake.create_report(db, report)
            db.commit()
        except Exception:
            db.rollback()
            raise
        return row

    # In a worker thread: photos, geocoding, masking and crisis screening are CPU (model
    # loads on a cold start), and on the event loop they stopped every other request.
    row = await run_in_threadpool(store)
    # a crisis in the report (a neighbour not seen for days ...): the supervisors' live alert
    await publish_all(request.app, crisis_playbook.take_deferred(db))
    return {"service_request_id": str(row.id), "token": row.token,
            "tracking_url": f"/report/track/{row.token}"}


@router.get("/track/{token}")
def track(token: str, lang: str = "ko", db: Session = Depends(get_db)) -> dict[str, Any]:
    """Status and history of one report, by its tracking token (masked text only)."""
    return _public(open311.by_token(db, token), db, lang)


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action: str = Field(description="accept | in_progress | resolve | reject | reassign")
    note: str | None = Field(default=None, max_length=1000)
    agency_code: str | None = Field(default=None, max_length=32,
                                    description="reassign: the new agency, e.g. gu-11680")


def _handled(request: Request, db: Session, user: User, request_id: int) -> ServiceRequest:
    row = status.get_request(db, request_id)
    if not policy.can_handle_complaint(user, row):
        deny(db, user, "complaints.other_district", request, request_id=request_id,
             district=row.district_code)
    return row


@router.post("/requests/{request_id}/status")
def post_status(
    request_id: int, body: StatusIn, request: Request,
    idempotency_key: str | None = Header(default=None),
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*access.COMPLAINT_HANDLERS)),
) -> dict[str, Any]:
    """A district system (Bearer API token of its officer account) or an officer updates a
    report. `Idempotency-Key` makes a replayed update a 409 that changes nothing."""
    row = _handled(request, db, user, request_id)
    status.check_replay(db, idempotency_key, row.id)
    source = "district_api" if request.headers.get("authorization") else "officer"
    status.apply_update(db, row, body.action, note=body.note, source=source,
                        actor=user.username, agency_code=body.agency_code)
    audit.record(db, user, f"complaints.{body.action}", object_type="service_request",
                 object_id=row.id, detail={"agency": row.agency_code})
    db.commit()
    return _public(row, db)


@router.post("/requests/{request_id}/photos", status_code=201)
async def post_resolution_photo(
    request_id: int, request: Request, db: Session = Depends(get_db),
    user: User = Depends(require_roles(*access.COMPLAINT_HANDLERS)),
) -> dict[str, Any]:
    """Attach a resolution photo (multipart field `photo`)."""
    row = _handled(request, db, user, request_id)
    _fields, _attrs, photos = await read_report_form(request)
    if not photos:
        raise intake.BadReport("send the photo as multipart field `photo`")
    intake.add_photos(db, row, photos[:intake.MAX_PHOTOS], "resolution")
    db.commit()
    return _public(row, db)


@router.get("/requests")
def list_requests(
    status_filter: str | None = Query(default=None, alias="status"),
    district: str | None = Query(default=None, pattern=r"^\d{5}$"),
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*access.DISTRICT_DESK)),
) -> list[dict[str, Any]]:
    scope = policy.district_scope(user)
    rows = desk.list_requests(db, district=scope or district, status=status_filter)
    return [_public(r, db) for r in rows]


@router.get("/dead-letters")
def dead_letters(
    db: Session = Depends(get_db), user: User = Depends(require_roles(*access.SUPERVISORS)),
) -> list[dict[str, Any]]:
    return [{"id": r.id, "request_id": r.request_id, "agency_code": r.agency_code,
             "idempotency_key": r.idempotency_key, "attempts": r.attempts,
             "last_error": r.last_error} for r in dispatch.dead_letters(db)]


@router.post("/dead-letters/{outbox_id}/resend")
def resend(outbox_id: int, db: Session = Depends(get_db),
           user: User = Depends(require_roles(*access.SUPERVISORS))) -> dict[str, Any]:
    row = dispatch.resend(db, outbox_id)
    audit.record(db, user, "complaints.resend", object_type="dispatch", object_id=outbox_id)
    db.commit()
    return {"id": row.id, "state": row.state}


@router.get("/stats")
def stats(
    days: int = Query(default=28, ge=1, le=366), db: Session = Depends(get_db),
    user: User = Depends(require_roles(*access.DISTRICT_DESK)),
) -> list[dict[str, Any]]:
    since: datetime = utcnow() - timedelta(days=days)
    return [f.__dict__ for f in sla.district_figures(db, since, policy.district_scope(user))]
