"""SLA timers per service (acknowledgement and resolution hours) and escalation, plus the
per-district figures the reports show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from dasan import audit
from dasan.complaints.notify import queue_notice
from dasan.consultations.districts import DISTRICT_BY_CODE
from dasan.db.base import utcnow
from dasan.db.models_complaints import ComplaintStatusEvent, ServiceRequest

OPEN = ("received", "accepted", "in_progress")


def escalate_overdue(session: Session, now: datetime | None = None) -> int:
    """Escalate open reports past their acknowledgement or resolution deadline (once each):
    a history step the citizen sees, and an audit row for the supervisor and department head."""
    now = now or utcnow()
    rows = session.scalars(select(ServiceRequest).where(
        ServiceRequest.status.in_(OPEN), ServiceRequest.escalated_at.is_(None),
        ServiceRequest.duplicate_of_id.is_(None),
        or_(ServiceRequest.expected_at < now,
            (ServiceRequest.ack_due_at < now) & ServiceRequest.acknowledged_at.is_(None)),
    )).all()
    for r in rows:
        late = "acknowledgement" if r.acknowledged_at is None and r.ack_due_at and \
            r.ack_due_at < now else "resolution"
        r.escalated_at = now
        note = ("접수 확인 기한 초과" if late == "acknowledgement" else "처리 기한 초과") + \
            ": 감독자와 부서장에게 보고되었습니다."
        session.add(ComplaintStatusEvent(request_id=r.id, status="escalated", note=note,
                                         agency_code=r.agency_code, source="system", at=now))
        audit.record(session, None, "complaints.sla_escalated", object_type="service_request",
                     object_id=r.id, detail={"agency": r.agency_code, "late": late})
        queue_notice(session, r, "escalated", None)
    return len(rows)


@dataclass
class DistrictFigures:
    district_code: str
    district_name: str
    total: int
    open: int
    closed: int
    escalated: int
    ack_within_sla: float | None  # share of acknowledged reports acknowledged in time
    resolved_within_sla: float | None


def district_figures(session: Session, since: datetime, district: str | None = None,
                     until: datetime | None = None) -> list[DistrictFigures]:
    """Reports per district with SLA shares (duplicates count toward the original only),
    received in [since, until)."""
    R = ServiceRequest
    q = select(
        R.district_code,
        func.count(),
        func.sum(case((R.status.in_(OPEN), 1), else_=0)),
        func.sum(case((R.escalated_at.is_not(None), 1), else_=0)),
        func.sum(case((R.acknowledged_at.is_not(None), 1), else_=0)),
        func.sum(case((R.acknowledged_at <= R.ack_due_at, 1), else_=0)),
        func.sum(case((R.closed_at.is_not(None), 1), else_=0)),
        func.sum(case((R.closed_at <= R.expected_at, 1), else_=0)),
    ).where(R.requested_at >= since, R.duplicate_of_id.is_(None)).group_by(R.district_code)
    if district:
        q = q.where(R.district_code == district)
    if until is not None:
        q = q.where(R.requested_at < until)
    out = []
    for code, total, open_, esc, acked, ack_ok, closed, closed_ok in session.execute(q):
        d = DISTRICT_BY_CODE.get(code)
        out.append(DistrictFigures(
            code, d.name_ko if d else code, int(total), int(open_ or 0),
            int(total) - int(open_ or 0), int(esc or 0),
            (int(ack_ok or 0) / int(acked)) if acked else None,
            (int(closed_ok or 0) / int(closed)) if closed else None,
        ))
    return sorted(out, key=lambda f: -f.total)
