"""Field-complaint pages: the citizen report page and tracking page (no login), the shipped
gu/dong GeoJSON for the map, photos, the district desk and the supervisor's overview."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.complaints import (
    desk,
    dispatch,
    geo,
    intake,
    open311,
    policy,
    sla,
    status,
    survey,
    system_notes,
)
from dasan.complaints.notify import STATUS_EN, STATUS_KO
from dasan.complaints.storage import photo_store
from dasan.config import get_settings
from dasan.consultations.districts import DISTRICT_BY_CODE, DISTRICTS
from dasan.db.base import utcnow
from dasan.db.models import User
from dasan.db.models_complaints import ServiceRequest
from dasan.errors import DomainError, NotFound
from dasan.protection import welfare
from dasan.web.citizen_language import translate
from dasan.web.deps import deny, get_db, require_page_roles
from dasan.web.templating import citizen_language, request_language, templates

router = APIRouter(include_in_schema=False)


@router.get("/report/geo/{layer}.geojson")
def geojson(layer: str) -> Response:
    """The shipped boundaries (read from the shared data folder, never copied), or the
    approximate districts where a demo runs without them (complaints.geo.boundary_layer)."""
    if layer not in ("gu", "dong"):
        raise NotFound("no such layer")
    body = geo.boundary_layer(layer)
    if body is None:
        raise NotFound("boundary data is not installed (DASAN_SHARED_DATA)")
    return Response(body, media_type="application/geo+json",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/report", response_class=HTMLResponse)
def report_page(request: Request, db: Session = Depends(get_db)) -> Response:
    lang = citizen_language(request)
    return templates.TemplateResponse(request, "complaints/report.html", {
        "user": None, "services": _services(db, lang),
        "tiles_url": get_settings().complaints_tiles_url or "", "lang": lang,
        "approximate": geo.approximate_in_use(),
    })


def _services(db: Session, lang: str) -> list[dict[str, object]]:
    """The report form's services, named in the page's language (zh/ja/vi/mn from the citizen
    catalogues)."""
    if lang in ("ko", "en"):
        return open311.service_list(db, lang)
    english = {s["service_code"]: s["service_name"] for s in open311.service_list(db, "en")}
    return [{**s, "service_name": translate(s["service_name"], english.get(s["service_code"]),
                                            lang)}
            for s in open311.service_list(db, "ko")]


def _status_labels(lang: str) -> dict[str, str]:
    return {code: translate(ko, STATUS_EN.get(code), lang) for code, ko in STATUS_KO.items()}


@router.get("/report/track/{token}", response_class=HTMLResponse)
def track_page(token: str, request: Request, db: Session = Depends(get_db)) -> Response:
    row = open311.by_token(db, token)
    lang = citizen_language(request)
    return _track(request, db, row, lang)


def _track(request: Request, db: Session, row: ServiceRequest, lang: str,
           error: str | None = None, status_code: int = 200) -> Response:
    service = open311.services_by_code(db)[row.service_code]
    tr = desk.tracking(db, row)
    notes = [system_notes.render(e.note, lang, translate) for e in tr.events]
    current = system_notes.render(row.status_notes, lang, translate)
    return templates.TemplateResponse(request, "complaints/track.html", {
        "user": None, "r": row, "tr": tr, "service": service,
        # each history step's note in the reader's language; the current note stands apart
        # only when the history's last step does not already say it (a merged report's note
        # was printed twice)
        "notes": notes, "current_note": None if notes and notes[-1] == current else current,
        "labels": _status_labels(lang),
        "agencies": open311.agency_names(db), "w3c": open311.w3c,
        "survey": survey.state(db, row), "survey_error": error,
    }, status_code=status_code)


@router.post("/report/track/{token}/survey", response_class=HTMLResponse)
def track_survey(token: str, request: Request, score: str = Form(""), comment: str = Form(""),
                 db: Session = Depends(get_db)) -> Response:
    """The citizen's 1-5 rating of a handled report (the tracking token authorises it)."""
    row = open311.by_token(db, token)
    lang = citizen_language(request)
    try:
        survey.answer(db, row, score, comment[:500])
    except DomainError as exc:
        db.rollback()
        return _track(request, db, row, lang, exc.code, exc.status)
    db.commit()
    return RedirectResponse(f"/report/track/{token}#survey", status_code=303)


@router.get("/report/photo/{token}/{photo_id}")
def photo(token: str, photo_id: int, thumb: bool = False,
          db: Session = Depends(get_db)) -> Response:
    row = open311.by_token(db, token)
    p = desk.photo_of(db, row, photo_id)
    if p is None:
        raise NotFound("no such photo")
    data = photo_store().get(p.thumb_key if thumb else p.storage_key)
    return Response(data, media_type=p.content_type,
                    headers={"Cache-Control": "private, max-age=3600"})


@router.get("/district/complaints", response_class=HTMLResponse)
def district_desk(
    request: Request,
    code: str | None = Query(default=None, pattern=r"^\d{5}$"),
    status_filter: str | None = Query(default="open", alias="status"),
    db: Session = Depends(get_db),
    user: User = Depends(require_page_roles(*access.DISTRICT_DESK)),
) -> Response:
    scope = policy.district_scope(user)
    if scope is not None and code is not None and code != scope:
        deny(db, user, "complaints.other_district", request, district=code)
    district = scope or code
    rows = desk.list_requests(db, district=district, status=status_filter or None)
    lang = request_language(request)
    return templates.TemplateResponse(request, "complaints/desk.html", {
        "user": user, "rows": rows, "district": DISTRICT_BY_CODE.get(district or ""),
        "districts": DISTRICTS if scope is None else [], "status": status_filter or "",
        "services": open311.services_by_code(db), "agencies": open311.agency_names(db),
        "labels": STATUS_EN if lang == "en" else STATUS_KO, "w3c": open311.w3c,
        "can_handle": {r.id: policy.can_handle_complaint(user, r) for r in rows},
        "figures": sla.district_figures(db, utcnow() - timedelta(days=28), district),
        "error": request.query_params.get("error"),
        "welfare_cases": ([welfare.case_view(c) for c in welfare.open_cases(db, user, district)]
                          if access.has_role(user, access.WELFARE_CASE_HANDLERS) else None),
        "welfare_error": welfare.ERRORS.get(request.query_params.get("welfare_error") or ""),
    })


@router.post("/district/welfare-cases/{case_id}")
def district_welfare_case(
    case_id: int, action: str = Form(...), note: str = Form(""),
    db: Session = Depends(get_db),
    user: User = Depends(require_page_roles(*access.WELFARE_CASE_HANDLERS)),
) -> Response:
    """Acknowledge or close a welfare case of the officer's district (audited)."""
    try:
        if action == "close":
            welfare.close_case(db, user, case_id, note)
        else:
            welfare.acknowledge_case(db, user, case_id)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return RedirectResponse(f"/district/complaints?welfare_error={exc.code}#welfare",
                                status_code=303)
    return RedirectResponse("/district/complaints#welfare", status_code=303)


@router.post("/district/complaints/{request_id}")
def district_update(
    request_id: int, request: Request,
    action: str = Form(...), note: str = Form(""), agency_code: str = Form(""),
    photo: UploadFile | None = File(default=None),
    db: Session = Depends(get_db),
    user: User = Depends(require_page_roles(*access.COMPLAINT_HANDLERS)),
) -> Response:
    row = status.get_request(db, request_id)
    if not policy.can_handle_complaint(user, row):
        deny(db, user, "complaints.other_district", request, request_id=request_id)
    try:
        status.apply_update(db, row, action, note=note, source="officer", actor=user.username,
                            agency_code=agency_code or None)
        data = photo.file.read() if photo is not None and photo.filename else b""
        if data:
            intake.add_photos(db, row, [data], "resolution")
        audit.record(db, user, f"complaints.{action}", object_type="service_request",
                     object_id=row.id)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return RedirectResponse(f"/district/complaints?error={exc.code}", status_code=303)
    return RedirectResponse("/district/complaints", status_code=303)


@router.get("/complaints/overview", response_class=HTMLResponse)
def overview(
    request: Request, days: int = Query(default=28, ge=1, le=366),
    db: Session = Depends(get_db),
    user: User = Depends(require_page_roles(*access.FLOOR_REPORT_READERS)),
) -> Response:
    return templates.TemplateResponse(request, "complaints/overview.html", {
        "user": user, "days": days,
        "figures": sla.district_figures(db, utcnow() - timedelta(days=days)),
        "dead": dispatch.dead_letters(db) if policy.can_manage_dispatch(user) else [],
        "pending": dispatch.pending_count(db),
    })


@router.post("/complaints/dead-letters/{outbox_id}/resend")
def overview_resend(
    outbox_id: int, db: Session = Depends(get_db),
    user: User = Depends(require_page_roles(*access.SUPERVISORS)),
) -> Response:
    dispatch.resend(db, outbox_id)
    audit.record(db, user, "complaints.resend", object_type="dispatch", object_id=outbox_id)
    db.commit()
    return RedirectResponse("/complaints/overview", status_code=303)
