"""The reveal log: who revealed which raw personal data, why, and how often (issue 12).

Supervisors and admins (the roles that may reveal any consultation) read every reveal of the
last days from the audit log - every door writes ``pii.reveal`` (object ``consultation``,
``message``, ``call_transcript``, ``legal_case`` or ``evidence_bundle``), granted or denied;
``pii.unmask`` rows are refusals written before session 21 - with the refusals for lack of
right and those for too many reveals (``refused: rate_limited``) told apart, and a count per
account. Reading the log is itself refused (and audited) for every other role.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.access import deny, may_reveal_any_pii
from dasan.db.base import utcnow
from dasan.db.models import AuditLog, User

ACTIONS = ("pii.reveal", "pii.unmask")
MAX_DAYS = 90
MAX_ROWS = 500
# What a log row says happened: a reveal, a refusal for lack of right, a refusal for too many.
REVEALED, REFUSED, RATE_LIMITED = "revealed", "refused", "rate_limited"


@dataclass
class Entry:
    id: int
    at: datetime
    actor: str
    status: str
    object_type: str | None
    object_id: str | None
    consultation_id: int | None
    reason: str | None
    count: int | None
    ip: str | None

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "at": self.at.isoformat()}


def status_of(row: AuditLog) -> str:
    if row.outcome == "ok":
        return REVEALED
    if (row.detail or {}).get("refused") == "rate_limited":
        return RATE_LIMITED
    return REFUSED


def _entry(row: AuditLog) -> Entry:
    detail = row.detail or {}
    cid = detail.get("consultation_id")
    if cid is None and row.object_type in ("consultation", "call_transcript") and row.object_id:
        cid = int(row.object_id) if row.object_id.isdigit() else None
    items = detail.get("messages", detail.get("lines"))
    return Entry(id=row.id, at=row.at, actor=row.actor, status=status_of(row),
                 object_type=row.object_type, object_id=row.object_id,
                 consultation_id=cid if isinstance(cid, int) else None,
                 reason=detail.get("reason") if isinstance(detail.get("reason"), str) else None,
                 count=items if isinstance(items, int) else None, ip=row.ip)


def access_reveal_log(s: Session, user: User, *, ip: str | None = None) -> None:
    """Only the roles that may reveal any consultation read who revealed what."""
    if not may_reveal_any_pii(user):
        deny(s, user, "pii.reveal_log", ip=ip, role=user.role)


def reveal_log(s: Session, user: User, *, days: int = 7, actor: str | None = None,
               status: str | None = None, ip: str | None = None) -> dict[str, Any]:
    """The last ``days`` of reveals and refused reveals, newest first (at most MAX_ROWS rows;
    the per-account counts cover the whole period), optionally of one account or one status."""
    access_reveal_log(s, user, ip=ip)
    days = max(1, min(MAX_DAYS, days))
    since = utcnow() - timedelta(days=days)
    query = select(AuditLog).where(AuditLog.action.in_(ACTIONS), AuditLog.at >= since)
    if actor:
        query = query.where(AuditLog.actor == actor)
    rows = list(s.scalars(query.order_by(AuditLog.at.desc(), AuditLog.id.desc())))
    entries = [_entry(r) for r in rows]
    counts: dict[str, Counter[str]] = {}
    last: dict[str, datetime] = {}
    for e in entries:
        counts.setdefault(e.actor, Counter())[e.status] += 1
        last.setdefault(e.actor, e.at)
    busiest = sorted(counts, key=lambda a: (-sum(counts[a].values()), a))
    accounts = [{"actor": a, REVEALED: counts[a][REVEALED], REFUSED: counts[a][REFUSED],
                 RATE_LIMITED: counts[a][RATE_LIMITED], "total": sum(counts[a].values()),
                 "last_at": last[a]} for a in busiest]
    if status:
        entries = [e for e in entries if e.status == status]
    return {"days": days, "since": since, "accounts": accounts, "entries": entries[:MAX_ROWS],
            "truncated": len(entries) > MAX_ROWS}
