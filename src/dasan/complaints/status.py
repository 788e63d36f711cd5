"""Status changes of a report, from a district system (API), a district officer (desk page) or
the SLA clock. Every change lands in the history, reaches the citizen through the notice
outbox, follows to linked duplicates, and closes the consultation when the report closes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.complaints import dispatch
from dasan.complaints.catalogue import get_service
from dasan.complaints.notify import queue_notice
from dasan.consultations.districts import DISTRICT_BY_CODE
from dasan.db.base import utcnow
from dasan.db.models import Agency, Consultation
from dasan.db.models_complaints import (
    ComplaintStatusEvent,
    DistrictUpdateReceipt,
    ServiceRequest,
)
from dasan.errors import Conflict, DomainError, NotFound

ACTIONS = ("accept", "in_progress", "resolve", "reject", "reassign")
_TARGET = {"accept": "accepted", "in_progress": "in_progress", "resolve": "resolved",
           "reject": "rejected"}
CLOSED = ("resolved", "rejected")


class BadUpdate(DomainError):
    status = 400
    code = "invalid_update"


def open311_status(status: str) -> str:
    return "closed" if status in CLOSED else "open"


def get_request(session: Session, request_id: int) -> ServiceRequest:
    row = session.get(ServiceRequest, request_id)
    if row is None:
        raise NotFound(f"service_request_id {request_id} was not found")
    return row


def check_replay(session: Session, idempotency_key: str | None, request_id: int) -> None:
    """Refuse a status update whose idempotency key was already used (a replayed webhook)."""
    if not idempotency_key:
        return
    key = idempotency_key.strip()[:128]
    if session.scalar(select(DistrictUpdateReceipt.id)
                      .where(DistrictUpdateReceipt.idempotency_key == key)) is not None:
        raise Conflict("this update was already received (Idempotency-Key replayed)",
                       code="replayed")
    session.add(DistrictUpdateReceipt(idempotency_key=key, request_id=request_id))


def apply_update(session: Session, request: ServiceRequest, action: str, *, note: str | None,
                 source: str, actor: str | None, agency_code: str | None = None,
                 now: datetime | None = None) -> ServiceRequest:
    """One district action on a report (caller commits)."""
    now = now or utcnow()
    if action not in ACTIONS:
        raise BadUpdate(f"unknown action {action!r}; expected one of {', '.join(ACTIONS)}")
    if request.duplicate_of_id is not None:
        raise Conflict(f"report #{request.id} is a duplicate of #{request.duplicate_of_id}; "
                       "update the original", code="is_duplicate")
    if request.status in CLOSED:
        raise Conflict(f"report #{request.id} is already {request.status}", code="closed")
    note = (note or "").strip()[:1000] or None
    if action in ("reject", "reassign") and not note:
        raise BadUpdate(f"{action} needs a reason in `note`")
    if action == "reassign":
        _reassign(session, request, agency_code, note, source, actor, now)
        return request
    status = _TARGET[action]
    request.status, request.status_notes, request.updated_at = status, note, now
    if status in ("accepted", "in_progress", *CLOSED) and request.acknowledged_at is None:
        request.acknowledged_at = now
    if status in CLOSED:
        request.closed_at = now
        _close_consultation(session, request, now)
    _record(session, request, status, note, source, actor, now)
    for dup in session.scalars(select(ServiceRequest)
                               .where(ServiceRequest.duplicate_of_id == request.id)):
        dup.status, dup.updated_at = status, now
        dup.closed_at = now if status in CLOSED else None
        if status in CLOSED:
            _close_consultation(session, dup, now)
        _record(session, dup, status, note, "system", actor, now)
    return request


def _record(session: Session, request: ServiceRequest, status: str, note: str | None,
            source: str, actor: str | None, now: datetime) -> None:
    session.add(ComplaintStatusEvent(request_id=request.id, status=status, note=note,
                                     agency_code=request.agency_code, source=source,
                                     actor=actor, at=now))
    queue_notice(session, request, status, note)


def _reassign(session: Session, request: ServiceRequest, agency_code: str | None,
              note: str | None, source: str, actor: str | None, now: datetime) -> None:
    if not agency_code:
        raise BadUpdate("reassign needs `agency_code` (e.g. gu-11680 or city-roads)")
    agency = session.scalar(select(Agency).where(Agency.code == agency_code))
    if agency is None:
        raise BadUpdate(f"unknown agency {agency_code!r}")
    if agency_code == request.agency_code:
        raise BadUpdate("the report is already with that agency")
    request.agency_code = agency_code
    if agency.district_code and agency.district_code in DISTRICT_BY_CODE:
        request.district_code = agency.district_code
    request.status, request.status_notes, request.updated_at = "received", note, now
    _record(session, request, "reassigned", note, source, actor, now)
    dispatch.enqueue(session, request, get_service(session, request.service_code), now=now,
                     reassigned=True)


def _close_consultation(session: Session, request: ServiceRequest, now: datetime) -> None:
    if request.consultation_id is None:
        return
    c = session.get(Consultation, request.consultation_id)
    if c is not None and c.status != "closed":
        c.status, c.ended_at = "closed", now
        c.district_code = request.district_code
        c.handle_seconds = (now - c.started_at).total_seconds()


def history(session: Session, request_id: int) -> list[ComplaintStatusEvent]:
    return list(session.scalars(select(ComplaintStatusEvent)
                                .where(ComplaintStatusEvent.request_id == request_id)
                                .order_by(ComplaintStatusEvent.at, ComplaintStatusEvent.id)))
