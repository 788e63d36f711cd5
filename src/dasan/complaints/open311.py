"""Open311 GeoReport v2 views of the catalogue and of service requests: ordered dicts in the
spec's field order (the web layer renders them as JSON or XML), and the GET requests query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.complaints import catalogue, system_notes
from dasan.complaints.geo import placed_approximately
from dasan.complaints.status import open311_status
from dasan.config import get_settings
from dasan.db.models import Agency
from dasan.db.models_complaints import ComplaintService, ServiceRequest
from dasan.errors import DomainError, NotFound

MAX_RESULTS = 1000
DEFAULT_DAYS = 90
KST = timedelta(hours=9)
KST_ZONE = timezone(KST)


class Open311Error(DomainError):
    status = 400
    code = "open311"


def check_jurisdiction(jurisdiction_id: str | None) -> None:
    """One jurisdiction is served; a different one is 404 (an absent one is fine)."""
    ours = get_settings().complaints_jurisdiction_id
    if jurisdiction_id and jurisdiction_id != ours:
        raise NotFound(f"jurisdiction_id {jurisdiction_id!r} was not found (this server is "
                       f"{ours})")


def w3c(value: datetime | None) -> str | None:
    """A stored (UTC) timestamp -> W3C datetime in Korea time with its offset, e.g.
    2026-01-01T09:00:00+09:00."""
    if value is None:
        return None
    return value.astimezone(KST_ZONE).replace(microsecond=0).isoformat()


def parse_w3c(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(f"{name} must be a W3C datetime such as 2026-01-01T00:00:00Z") from None
    if parsed.tzinfo is None:
        raise Open311Error(f"{name} must include a timezone (Z or +09:00)")
    return parsed.astimezone(UTC)


def _name(service: ComplaintService, lang: str) -> str:
    return service.name_en if lang == "en" else service.name_ko


def service_list(session: Session, lang: str = "ko") -> list[dict[str, Any]]:
    services = catalogue.active_services(session)
    has_attrs = {a.service_id for s in services for a in catalogue.attributes_of(session, s)}
    return [{
        "service_code": s.code, "service_name": _name(s, lang), "description": s.description,
        "metadata": s.id in has_attrs, "type": "realtime", "keywords": s.keywords,
        "group": s.group,
    } for s in services]


def service_definition(session: Session, code: str, lang: str = "ko") -> dict[str, Any]:
    service = catalogue.get_service(session, code)
    en = lang == "en"
    return {"service_code": service.code, "attributes": [{
        "variable": a.variable, "code": a.code, "datatype": a.datatype, "required": a.required,
        "datatype_description": a.datatype_description, "order": a.order,
        "description": (a.description_en or a.description) if en else a.description,
        "values": [{"key": v["key"], "name": (v.get("name_en") or v["name"]) if en else v["name"]}
                   for v in a.values],
    } for a in catalogue.attributes_of(session, service)]}


def agency_names(session: Session) -> dict[str, str]:
    return {code: name for code, name in session.execute(select(Agency.code, Agency.name))}


def request_view(request: ServiceRequest, service: ComplaintService, agencies: dict[str, str],
                 lang: str = "ko", photo_url: str | None = None) -> dict[str, Any]:
    """One request in the spec's order; the description is always the masked text."""
    notes = system_notes.render(request.status_notes, lang)
    view: dict[str, Any] = {
        "service_request_id": str(request.id),
        "status": open311_status(request.status),
        "status_notes": notes,
        "service_name": _name(service, lang),
        "service_code": service.code,
        "description": request.description_masked or None,
        "agency_responsible": agencies.get(request.agency_code, request.agency_code),
        "service_notice": service.service_notice,
        "requested_datetime": w3c(request.requested_at),
        "updated_datetime": w3c(request.updated_at),
        "expected_datetime": w3c(request.expected_at),
        "address": request.address or " ".join(
            x for x in ("서울특별시", agencies.get(f"gu-{request.district_code}"),
                        request.dong_name) if x),
        "address_id": None,
        "zipcode": None,
        "lat": request.lat,
        "long": request.lon,
        "media_url": request.media_url or photo_url,
    }
    if request.geo_rule.startswith("address_"):
        # Placed from a written address: lat/long is a point inside the dong (or gu), not the
        # spot; say so (an extension field, as the spec allows for jurisdictions).
        view["location_precision"] = request.geo_rule.removeprefix("address_")
    elif placed_approximately(request.geo_rule):
        # Placed without the district boundaries (a demo without seed data): the district is
        # the nearest known place's (complaints.approximate_districts), not a boundary lookup.
        view["location_precision"] = "approximate"
    return view


def query_requests(session: Session, *, ids: str | None, service_code: str | None,
                   start_date: str | None, end_date: str | None, status: str | None,
                   now: datetime) -> list[ServiceRequest]:
    """GET requests: ids override everything; otherwise a window of at most 90 days."""
    q = select(ServiceRequest)
    if ids:
        try:
            wanted = [int(x) for x in ids.split(",") if x.strip()]
        except ValueError:
            raise Open311Error("service_request_id must be comma-separated numbers") from None
        return list(session.scalars(q.where(ServiceRequest.id.in_(wanted[:MAX_RESULTS]))
                                    .order_by(ServiceRequest.id)))
    end = parse_w3c(end_date, "end_date") if end_date else now
    start = parse_w3c(start_date, "start_date") if start_date else end - timedelta(
        days=DEFAULT_DAYS)
    if end_date is None and start_date is not None:
        end = start + timedelta(days=DEFAULT_DAYS)
    if end < start:
        raise Open311Error("end_date is before start_date")
    if end - start > timedelta(days=DEFAULT_DAYS):
        raise Open311Error("start_date to end_date may not span more than 90 days")
    q = q.where(ServiceRequest.requested_at >= start, ServiceRequest.requested_at <= end)
    if service_code:
        q = q.where(ServiceRequest.service_code.in_(
            [c.strip() for c in service_code.split(",") if c.strip()]))
    if status:
        wanted_status = {s.strip() for s in status.split(",") if s.strip()}
        if not wanted_status <= {"open", "closed"}:
            raise Open311Error("status must be open and/or closed")
        internal = [s for s in ("received", "accepted", "in_progress", "resolved", "rejected")
                    if open311_status(s) in wanted_status]
        q = q.where(ServiceRequest.status.in_(internal))
    return list(session.scalars(q.order_by(ServiceRequest.requested_at.desc())
                                .limit(MAX_RESULTS)))


def services_by_code(session: Session) -> dict[str, ComplaintService]:
    return catalogue.all_services(session)


def by_token(session: Session, token: str) -> ServiceRequest:
    row = session.scalar(select(ServiceRequest).where(ServiceRequest.token == token))
    if row is None:
        raise NotFound(f"token {token!r} was not found")
    return row
