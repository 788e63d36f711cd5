"""Taking a report in: validate everything first, then store the report, its consultation, its
photos' records, the first status, the dispatch outbox row and the citizen's notice in one
transaction. A refused report stores nothing."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import Table, and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.dml import ReturningInsert

from dasan.auth import mask_phone, phone_hash
from dasan.complaints import catalogue, dispatch, system_notes
from dasan.complaints.geo import Place, distance_m, geo_index
from dasan.complaints.geocode import geocoder
from dasan.complaints.notify import keep_email, keep_phone, queue_notice
from dasan.complaints.photos import ProcessedPhoto, process_photo
from dasan.complaints.storage import PhotoStore, photo_store
from dasan.config import get_settings, signing_key
from dasan.db.base import as_aware_utc, utcnow
from dasan.db.models import Citizen, Consultation
from dasan.db.models_complaints import (
    ComplaintPhoto,
    ComplaintService,
    ComplaintStatusEvent,
    ServiceRequest,
)
from dasan.db.session import pipelined
from dasan.errors import DomainError
from dasan.protection import crisis_playbook
from dasan.text.crisis import detect_crisis
from dasan.text.pii import mask

_DIGITS = re.compile(r"\D+")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
OPEN_STATUSES = ("received", "accepted", "in_progress")
MAX_PHOTOS = 5
_Row = TypeVar("_Row")


class BadReport(DomainError):
    status = 400
    code = "invalid_request"


@dataclass
class ReportIn:
    service_code: str | None
    lat: str | float | None = None
    lon: str | float | None = None
    address: str | None = None
    description: str = ""
    email: str | None = None
    phone: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    media_url: str | None = None
    language: str = "ko"
    client_id: int | None = None
    photos: list[bytes] = field(default_factory=list)


def _coordinate(value: str | float | None, name: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise BadReport(f"{name} must be a number in WGS84 degrees") from None


def _contact(report: ReportIn) -> tuple[str | None, str | None]:
    phone = email = None
    if report.phone:
        phone = _DIGITS.sub("", report.phone)
        if not 9 <= len(phone) <= 11 or not phone.startswith("0"):
            raise BadReport("phone must be a Korean number such as 010-1234-5678")
    if report.email:
        email = report.email.strip()
        if not _EMAIL.match(email):
            raise BadReport("email is not a valid address")
    return phone, email


_requests = cast(Table, ServiceRequest.__table__)
# The duplicate check, prebuilt (intake runs it for every report): the nearby open reports'
# id and position only; the one that is linked is loaded afterwards. No ORDER BY, so that the
# database reads the (service, lat) index (0026_15) rather than every report of the service
# in the window in time order; the earliest of equally near ones is chosen below.
_NEARBY = (
    select(_requests.c.id, _requests.c.lat, _requests.c.lon, _requests.c.requested_at)
    .where(_requests.c.service_code == bindparam("code"),
           _requests.c.lat.between(bindparam("lat_lo"), bindparam("lat_hi")),
           _requests.c.lon.between(bindparam("lon_lo"), bindparam("lon_hi")),
           _requests.c.status.in_(OPEN_STATUSES),
           _requests.c.duplicate_of_id.is_(None),
           _requests.c.requested_at >= bindparam("since", type_=_requests.c.requested_at.type))
)


def find_duplicate(session: Session, service_code: str, lat: float, lon: float,
                   now: datetime) -> ServiceRequest | None:
    """An open report of the same service within the configured distance and time (the
    nearest; the earliest of equally near ones)."""
    s = get_settings()
    metres, hours = s.complaints_duplicate_metres, s.complaints_duplicate_hours
    if metres <= 0 or hours <= 0:
        return None
    dlat, dlon = metres / 111_000 * 1.5, metres / 88_000 * 1.5
    best: tuple[float, datetime, int] | None = None
    for row_id, c_lat, c_lon, at in session.execute(_NEARBY, {
            "code": service_code, "since": now - timedelta(hours=hours),
            "lat_lo": lat - dlat, "lat_hi": lat + dlat, "lon_lo": lon - dlon,
            "lon_hi": lon + dlon}):
        d = distance_m(lat, lon, c_lat, c_lon)
        if d <= metres and (best is None or (d, at, row_id) < best):
            best = (d, at, row_id)
    return session.get(ServiceRequest, best[2]) if best else None


def _citizen(session: Session, phone: str | None, language: str) -> int | None:
    if not phone:
        return None
    digest = phone_hash(phone, signing_key())
    found = session.scalar(select(Citizen.id).where(Citizen.phone_hash == digest))
    if found is not None:
        return int(found)
    citizen = Citizen(phone_hash=digest, phone_masked=mask_phone(phone),
                      preferred_language=language)
    session.add(citizen)
    session.flush()
    return citizen.id


def table_of(model: type[Any]) -> Table:
    """A mapped class's table, for Core statements (no ORM bulk or unit-of-work path)."""
    return cast(Table, model.__table__)


_consultations = table_of(Consultation)
_SET_EXTERNAL_REF = (update(_consultations).where(_consultations.c.id == bindparam("row_id"))
                     .values(external_ref=bindparam("ref")))


@dataclass
class Checked:
    """A report that passed every check, with what intake derived from it (nothing stored)."""
    report: ReportIn
    service: ComplaintService
    answers: dict[str, Any]
    phone: str | None
    email: str | None
    photos: list[ProcessedPhoto]
    lat: float
    lon: float
    place: Place
    agency: str
    now: datetime


def check_report(session: Session, report: ReportIn, now: datetime | None = None) -> Checked:
    """Every check of a report, and its place and owning agency; writes nothing, so a refusal
    (`BadReport` or another `DomainError`) leaves the session as it was."""
    now = now or utcnow()
    settings = get_settings()
    service = catalogue.get_service(session, report.service_code)
    answers = catalogue.validate_attributes(catalogue.attributes_of(session, service),
                                            report.attributes)
    if len(report.description) > 4000:
        raise BadReport("description is longer than 4,000 characters")
    if len(report.photos) > MAX_PHOTOS:
        raise BadReport(f"at most {MAX_PHOTOS} photos per report")
    if report.language not in ("ko", "en"):
        report.language = "ko"
    phone, email = _contact(report)
    max_bytes = int(settings.complaints_photo_max_mb * 1_000_000)
    photos: list[ProcessedPhoto] = [process_photo(p, max_bytes=max_bytes) for p in report.photos]
    lat, lon = _coordinate(report.lat, "lat"), _coordinate(report.lon, "long")
    if (lat is None) != (lon is None):
        raise BadReport("lat and long must be sent together")
    place: Place
    if lat is None:
        located = next((p for p in photos if p.exif_lat is not None), None)
        if located is not None:
            lat, lon = located.exif_lat, located.exif_lon
    if lat is None:
        found = geocoder().geocode(report.address or "")
        if found is None:
            raise BadReport(
                "a location is required: send lat & long, a photo with its location, or an "
                "address naming the gu and dong (e.g. 강남구 역삼동)" if report.address else
                "a location is required: send lat & long or an address", code="missing_location")
        lat, lon = found.lat, found.lon
        place = Place(found.district_code, found.district_name, found.dong_code,
                      found.dong_name, found.rule, found.radius_m)
    else:
        assert lon is not None
        place = geo_index().locate(lat, lon)
    assert lat is not None and lon is not None
    agency = catalogue.owner_agency(session, service.code, place.district_code, answers)
    return Checked(report, service, answers, phone, email, photos, lat, lon, place, agency, now)


def create_report(session: Session, report: ReportIn, *, store: PhotoStore | None = None,
                  now: datetime | None = None) -> ServiceRequest:
    """Validate and store one report (caller commits)."""
    return store_report(session, check_report(session, report, now), store=store)


def _consultation_values(checked: Checked, masked: str,
                         citizen_id: int | None) -> dict[str, Any]:
    service, now = checked.service, checked.now
    return {
        "channel": "smart_report", "started_at": now, "queued_at": now,
        "category": service.category, "program": service.name_ko, "outcome": "transferred",
        "status": "open", "language": checked.report.language,
        "district_code": checked.place.district_code,
        "subject": (masked or service.name_ko)[:256],
        "priority": 1 if service.sla_ack_hours <= 2 else 0,
        "citizen_id": citizen_id,
    }


def _request_values(checked: Checked, masked: str, consultation_id: int,
                    priority: int) -> dict[str, Any]:
    report, service, place, now = checked.report, checked.service, checked.place, checked.now
    return {
        "token": secrets.token_urlsafe(12), "consultation_id": consultation_id,
        "client_id": report.client_id, "service_code": service.code,
        "description": report.description, "description_masked": masked,
        "attributes": checked.answers, "lat": checked.lat, "lon": checked.lon,
        "address": (report.address or "")[:256] or None, "district_code": place.district_code,
        "dong_code": place.dong_code, "dong_name": place.dong_name, "geo_rule": place.rule,
        "agency_code": checked.agency, "language": report.language,
        "media_url": (report.media_url or "")[:512] or None, "requested_at": now,
        "updated_at": now, "ack_due_at": now + timedelta(hours=service.sla_ack_hours),
        "expected_at": now + timedelta(hours=service.sla_resolve_hours),
        "priority": priority, "status": "received", "duplicate_count": 0,
    }


def store_report(session: Session, checked: Checked, *,
                 store: PhotoStore | None = None) -> ServiceRequest:
    """Store a checked report: its consultation, the report, the first status, the dispatch
    outbox row (or the link to the open report it duplicates) and the citizen's notice, in the
    caller's transaction (the caller commits). Only a database error can fail here."""
    report, service, place, agency, now = (checked.report, checked.service, checked.place,
                                           checked.agency, checked.now)
    lat, lon, phone, email = checked.lat, checked.lon, checked.phone, checked.email
    # A geocoded address is a whole dong (or gu), too coarse to call two reports one spot.
    original = (None if place.rule.startswith("address_")
                else find_duplicate(session, service.code, lat, lon, now))

    masked = mask(report.description).masked if report.description else ""
    # The two main rows are written with Core INSERT ... RETURNING (no unit-of-work flush) and
    # join the session as loaded objects, so the rare later changes (a sealed contact, a
    # crisis, a duplicate link, photos) still go through the ORM.
    consultation = insert_loaded(session, Consultation, _consultation_values(
        checked, masked, _citizen(session, phone, report.language)))
    request = insert_loaded(session, ServiceRequest, _request_values(
        checked, masked, consultation.id, consultation.priority))
    external_ref = f"sr-{request.id}"
    session.execute(_SET_EXTERNAL_REF, {"row_id": consultation.id, "ref": external_ref})
    set_committed_value(consultation, "external_ref", external_ref)
    if phone:
        keep_phone(session, request, phone)  # sealed; the row keeps 010-****-5678
    if email:
        keep_email(session, request, email)  # sealed; the row keeps c***@example.com
    if report.description and _crisis(session, consultation, report.description):
        request.priority = consultation.priority
    _store_photos(session, request, checked.photos, store or photo_store())
    session.execute(insert(table_of(ComplaintStatusEvent)), {
        "request_id": request.id, "status": "received", "source": "citizen",
        "agency_code": agency, "at": now})
    if original is not None:
        _link_duplicate(session, request, original, now)
    else:
        dispatch.enqueue(session, request, service, now=now)
    queue_notice(session, request, "received" if original is None else "duplicate",
                 request.status_notes)
    return request


_INSERTS: dict[str, ReturningInsert[Any]] = {}


def _insert_returning(model: type[Any]) -> ReturningInsert[Any]:
    stmt = _INSERTS.get(model.__name__)
    if stmt is None:
        table = table_of(model)
        stmt = _INSERTS[model.__name__] = insert(table).returning(*table.c)
    return stmt


def insert_loaded(session: Session, model: type[_Row], values: dict[str, Any]) -> _Row:
    """One Core `INSERT ... RETURNING` of every column; the row joins `session` as if it had
    been loaded (no flush, no further SELECT), so later attribute changes are ORM updates.
    The values go as parameters of one prebuilt statement (its compiled form is cached)."""
    row = session.execute(_insert_returning(model), values).one()
    obj = model(**row._mapping)
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


def _crisis(session: Session, consultation: Consultation, description: str) -> bool:
    """Crisis screening of the report's text (issue 17: e.g. a neighbour not seen for days with
    mail piling up). A crisis runs the kind's playbook on the report's consultation: priority,
    a stored supervisor alert (the floor's crisis page lists it), a welfare case where the law
    requires one, audit. The report still goes to its district as usual."""
    screened = crisis_playbook.screen(session, consultation, description, channel="field_report")
    if screened is None:
        return False
    crisis_playbook.defer_events(session, screened[1].events)  # live once committed
    return True


@dataclass(frozen=True)
class Accepted:
    request_id: int
    service_notice: str | None
    # the crisis playbook's live events (supervisor alert ...), to publish: already committed
    events: tuple[tuple[str, dict[str, Any]], ...] = ()


def check_fields(session: Session, fields: dict[str, str], attributes: dict[str, Any],
                 photos: list[bytes]) -> Checked:
    """An Open311 `POST requests`' form checked: the client's key, then the report (writes
    nothing; a refusal is a `DomainError`)."""
    from dasan.complaints import clients

    client_id = clients.client_id_for_key(session, fields.get("api_key"), "create_request")
    return check_report(session, ReportIn(
        service_code=fields.get("service_code"), lat=fields.get("lat"),
        lon=fields.get("long"), address=fields.get("address_string"),
        description=fields.get("description", ""), email=fields.get("email"),
        phone=fields.get("phone"), attributes=attributes, media_url=fields.get("media_url"),
        language="en" if fields.get("lang") == "en" else "ko", client_id=client_id,
        photos=photos,
    ))


def accept(session: Session, checked: Checked) -> Accepted:
    """Store a checked report in the caller's transaction; what the client is answered once
    the caller has committed (with this report's own deferred crisis events)."""
    row = store_report(session, checked)
    session.flush()
    return Accepted(row.id, checked.service.service_notice,
                    tuple(crisis_playbook.take_deferred(session)))


# `accept_many`'s statements. Those that read nothing back (`inline`: not even a new id) can be
# sent in a pipeline (`pipelined`).
_STATUS_EVENTS = insert(table_of(ComplaintStatusEvent)).inline()
_ADD_CONSULTATIONS = insert(_consultations).inline()
_ADD_REQUESTS = insert(_requests).inline()
_NEW_CONSULTATIONS = insert(_consultations).returning(_consultations.c.id,
                                                       sort_by_parameter_order=True)
_NEW_REQUESTS = insert(_requests).returning(_requests.c.id, sort_by_parameter_order=True)
# PostgreSQL, a batch's reads, sent together with the transaction's BEGIN (`_batch_reads`):
# the open reports near any of the batch's points, the points given as arrays (one statement
# whatever the batch's size, which psycopg prepares once; each point is looked up on its own
# through the (service_code, lat) index of 0026_15 - the OFFSET 0 keeps the planner from
# joining the points to a scan of every open report of the window, which it chose when it
# thought the table small or most of its rows recent) ...
_NEARBY_PG = """
SELECT n.service_code, n.lat, n.lon, n.requested_at
FROM unnest(%(codes)s::varchar[], %(lat_lo)s::float8[], %(lat_hi)s::float8[],
            %(lon_lo)s::float8[], %(lon_hi)s::float8[]) AS q(code, lat_lo, lat_hi, lon_lo, lon_hi)
CROSS JOIN LATERAL (
    SELECT r.service_code, r.lat, r.lon, r.requested_at FROM service_requests r
    WHERE r.service_code = q.code AND r.lat BETWEEN q.lat_lo AND q.lat_hi
      AND r.lon BETWEEN q.lon_lo AND q.lon_hi AND r.status = ANY(%(open)s::varchar[])
      AND r.duplicate_of_id IS NULL AND r.requested_at >= %(since)s
    OFFSET 0) AS n
"""
# ... and ids for a consultation and a report per report of the batch, from the sequences (a
# report that is not stored leaves a gap, as a rolled-back insert does).
_NEXT_IDS_PG = """
SELECT nextval(pg_get_serial_sequence('consultations', 'id')),
       nextval(pg_get_serial_sequence('service_requests', 'id'))
FROM generate_series(1, %(n)s)
"""


@dataclass
class _Reads:
    duplicate: list[bool]  # per report: an open report of its service is near (`find_duplicate`)
    ids: list[tuple[int, int]] | None  # PostgreSQL: per report, its consultation's and its id


def _batch_reads(session: Session, batch: list[Checked]) -> _Reads:
    """What a batch reads before it writes. For each report, whether an open report of its
    service is within the duplicate distance and time (as `find_duplicate`, which names it;
    one query for the whole batch; a report it flags is checked again alone). On PostgreSQL
    also the new rows' ids, and both go in one round trip with the BEGIN (a psycopg
    pipeline: these are plain reads, sent on the driver's own connection)."""
    settings = get_settings()
    metres, hours = settings.complaints_duplicate_metres, settings.complaints_duplicate_hours
    located = [c for c in batch if not c.place.rule.startswith("address_")]
    check = metres > 0 and hours > 0 and bool(located)
    dlat, dlon = metres / 111_000 * 1.5, metres / 88_000 * 1.5
    since = min((c.now for c in located), default=utcnow()) - timedelta(hours=hours)
    found: Sequence[Any] = []
    ids: list[tuple[int, int]] | None = None
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.driver == "psycopg" and driver is not None:
        with driver.pipeline():
            near = driver.cursor()
            if check:
                near.execute(_NEARBY_PG, {
                    "codes": [c.service.code for c in located],
                    "lat_lo": [c.lat - dlat for c in located],
                    "lat_hi": [c.lat + dlat for c in located],
                    "lon_lo": [c.lon - dlon for c in located],
                    "lon_hi": [c.lon + dlon for c in located],
                    "open": list(OPEN_STATUSES), "since": since})
            numbers = driver.cursor()
            numbers.execute(_NEXT_IDS_PG, {"n": len(batch)})
        found = near.fetchall() if check else []
        ids = [(int(cid), int(rid)) for cid, rid in numbers.fetchall()]
    elif check:
        near_any = or_(*(and_(_requests.c.service_code == c.service.code,
                              _requests.c.lat.between(c.lat - dlat, c.lat + dlat),
                              _requests.c.lon.between(c.lon - dlon, c.lon + dlon))
                         for c in located))
        found = session.execute(
            select(_requests.c.service_code, _requests.c.lat, _requests.c.lon,
                   _requests.c.requested_at)
            .where(near_any, _requests.c.status.in_(OPEN_STATUSES),
                   _requests.c.duplicate_of_id.is_(None),
                   _requests.c.requested_at >= since)).all()
    duplicate = []
    for c in batch:
        window = as_aware_utc(c.now) - timedelta(hours=hours)
        duplicate.append(check and not c.place.rule.startswith("address_") and any(
            code == c.service.code and as_aware_utc(at) >= window
            and distance_m(c.lat, c.lon, la, lo) <= metres for code, la, lo, at in found))
    return _Reads(duplicate, ids)


def _needs_one_by_one(checked: Checked, duplicate: bool,
                      earlier: list[tuple[str, float, float]]) -> bool:
    """A report `accept_many` leaves to `accept`: a contact to seal, photos, a crisis, or a
    duplicate (of an open report, or of one earlier in the same batch)."""
    if checked.phone or checked.email or checked.photos or duplicate:
        return True
    if checked.report.description and detect_crisis(checked.report.description,
                                                    channel="field_report").crisis:
        return True
    if checked.place.rule.startswith("address_"):
        return False  # a whole dong: never a duplicate
    metres = get_settings().complaints_duplicate_metres
    code = checked.service.code
    return any(c == code and distance_m(checked.lat, checked.lon, la, lo) <= metres
               for c, la, lo in earlier)


def _store_plain(session: Session, batch: list[Checked],
                 ids: list[tuple[int, int]] | None, *, commit: bool = False) -> list[int]:
    """Store plain reports (no contact, photo, crisis or duplicate) with their consultations,
    first statuses and dispatch outbox rows, one statement per table for all of them; returns
    the reports' ids in order.

    Given their ids (PostgreSQL: `_batch_reads` took them from the sequences), every row is
    complete before it is sent, and the four INSERTs go in one round trip (`pipelined`),
    each the same statement whatever the batch's size (psycopg prepares it once). Without
    (SQLite, in-process: round trips cost nothing) the consultations and reports are
    inserted with RETURNING and the consultations' `external_ref` set after. With `commit`,
    the transaction is committed with them (in the same round trip on PostgreSQL)."""
    masked = [mask(c.report.description).masked if c.report.description else ""
              for c in batch]
    consultations = [_consultation_values(c, m, None) for c, m in zip(batch, masked,
                                                                       strict=True)]
    if ids is not None:
        consultation_ids = [cid for cid, _ in ids]
        request_ids = [rid for _, rid in ids]
        for row, (cid, rid) in zip(consultations, ids, strict=True):
            row.update(id=cid, external_ref=f"sr-{rid}")
    else:
        consultation_ids = list(session.execute(_NEW_CONSULTATIONS,
                                                consultations).scalars().all())
    requests = [_request_values(c, m, cid, row["priority"]) for c, m, cid, row in
                zip(batch, masked, consultation_ids, consultations, strict=True)]
    if ids is None:
        request_ids = list(session.execute(_NEW_REQUESTS, requests).scalars().all())
    for row, rid in zip(requests, request_ids, strict=True):
        row["id"] = rid
    events = [{"request_id": row["id"], "status": "received", "source": "citizen",
               "agency_code": c.agency, "at": c.now} for c, row in zip(batch, requests,
                                                                        strict=True)]
    with pipelined(session, commit=commit):
        if ids is not None:
            session.execute(_ADD_CONSULTATIONS, consultations)
            session.execute(_ADD_REQUESTS, requests)
        else:
            session.execute(_SET_EXTERNAL_REF, [
                {"row_id": cid, "ref": f"sr-{rid}"}
                for cid, rid in zip(consultation_ids, request_ids, strict=True)])
        session.execute(_STATUS_EVENTS, events)
        dispatch.enqueue_new(session, [(row, c.service) for c, row in zip(batch, requests,
                                                                          strict=True)])
    return request_ids


def accept_many(session: Session, batch: list[Checked], *,
                commit: bool = False) -> list[Accepted]:
    """Store checked reports in the caller's transaction, as `accept` would one by one. The
    plain ones (no contact, photo, crisis or duplicate: most) are written together first
    (`_store_plain`); the others then go through `accept` in their order (so a report that
    duplicates an earlier one of the batch finds it stored). With `commit`, the transaction
    is committed before returning (when all are plain, in the round trip of their INSERTs on
    PostgreSQL)."""
    if not batch:
        if commit:
            session.commit()
        return []
    earlier: list[tuple[str, float, float]] = []
    plain: list[int] = []
    others: list[int] = []
    reads = _batch_reads(session, batch)
    for i, c in enumerate(batch):
        (others if _needs_one_by_one(c, reads.duplicate[i], earlier) else plain).append(i)
        earlier.append((c.service.code, c.lat, c.lon))
    out: dict[int, Accepted] = {}
    if plain:
        stored = _store_plain(session, [batch[i] for i in plain],
                              [reads.ids[i] for i in plain] if reads.ids else None,
                              commit=commit and not others)
        for i, rid in zip(plain, stored, strict=True):
            out[i] = Accepted(rid, batch[i].service.service_notice)
    for i in others:
        out[i] = accept(session, batch[i])
    if commit and (others or not plain):
        session.commit()
    return [out[i] for i in range(len(batch))]


def take_report(fields: dict[str, str], attributes: dict[str, Any], photos: list[bytes],
                *, url: str | None = None) -> Accepted:
    """One Open311 `POST requests` in its own transaction: the client's key, then the report;
    committed once, or nothing (a `DomainError` rolls everything back). Reports without photos
    normally go through `intake_writer` (several in one transaction); this is the path for
    reports with photos and for a report whose shared batch failed."""
    from dasan.db.session import session_scope

    with session_scope(url) as session:
        accepted = accept(session, check_fields(session, fields, attributes, photos))
    return accepted


def _link_duplicate(session: Session, request: ServiceRequest, original: ServiceRequest,
                    now: datetime) -> None:
    original.duplicate_count += 1
    original.updated_at = now
    request.duplicate_of_id = original.id
    request.agency_code = original.agency_code
    request.status = original.status
    n = original.duplicate_count + 1
    request.status_notes = system_notes.coded("duplicate_merged", count=n, original=original.id)
    session.add(ComplaintStatusEvent(request_id=request.id, status="duplicate", source="system",
                                     note=request.status_notes, at=now))


def _store_photos(session: Session, request: ServiceRequest, photos: list[ProcessedPhoto],
                  store: PhotoStore, kind: str = "report") -> None:
    for i, p in enumerate(photos):
        key = f"{request.requested_at:%Y/%m}/{request.id}-{kind}-{i}-{p.sha256[:12]}.jpg"
        thumb_key = key[:-4] + "-thumb.jpg"
        store.put(key, p.data, p.content_type)
        store.put(thumb_key, p.thumb, p.content_type)
        session.add(ComplaintPhoto(
            request_id=request.id, kind=kind, storage_key=key, thumb_key=thumb_key,
            content_type=p.content_type, size_bytes=len(p.data), width=p.width, height=p.height,
            sha256=p.sha256, exif_lat=p.exif_lat, exif_lon=p.exif_lon,
            exif_taken_at=p.exif_taken_at,
        ))


def add_photos(session: Session, request: ServiceRequest, data: list[bytes], kind: str,
               store: PhotoStore | None = None) -> None:
    max_bytes = int(get_settings().complaints_photo_max_mb * 1_000_000)
    processed = [process_photo(p, max_bytes=max_bytes) for p in data]
    _store_photos(session, request, processed, store or photo_store(), kind)


def service_of(session: Session, request: ServiceRequest) -> ComplaintService:
    return catalogue.get_service(session, request.service_code)
